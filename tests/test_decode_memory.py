"""Decoding memory: a small file holding a huge picture, and many decode threads at once."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from pictures import write_grey16_png
from PIL import Image

from photoclip.core import images
from photoclip.core.decode_memory import DECODE_MEMORY, MemoryBudget

REPO = Path(__file__).resolve().parents[1]

# Runs in a fresh interpreter, so that ru_maxrss (the process's peak resident memory) is this decode's.
# The address-space limit keeps a regression from taking the machine's memory with it: it fails instead.
PEAK_SCRIPT = """
import json, resource, sys
limit = 4 << 30
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pathlib import Path
from photoclip.core import images
data = Path(sys.argv[1]).read_bytes()
unit = 1 if sys.platform == "darwin" else 1024
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
decoded = images.decode(data, min_short_side=int(sys.argv[3]), name="huge.png")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
decoded.image.save(sys.argv[2])
print(json.dumps({"before": before, "after": after, "width": decoded.width, "height": decoded.height}))
"""


def decode_in_fresh_process(source: Path, target: Path, min_short_side: int) -> dict:
    environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(source), str(target), str(min_short_side)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"the decode failed (or ran out of its 4 GB of address space):\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_small_png_of_a_huge_16_bit_picture_decodes_in_bounded_memory(tmp_path):
    pytest.importorskip("resource")
    side = 15_000
    huge = write_grey16_png(tmp_path / "huge.png", side, side)
    assert huge.stat().st_size < 2_000_000  # a small file...
    pixels = side * side * 2  # ...of 450 MB of 16-bit pixels
    measured = decode_in_fresh_process(huge, tmp_path / "decoded.png", min_short_side=256)
    grown = measured["after"] - measured["before"]
    # Pillow decodes a PNG whole, so the 16-bit pixels themselves must fit once; half as much again
    # covers everything else. A full-size 8-bit RGB copy (900 MB, Pillow stores RGB in 4 bytes a
    # pixel) or any float conversion of the full picture (1.8 GB in float64) cannot fit.
    assert grown < 1.5 * pixels, f"decoding took {grown / 2**20:.0f} MB for {pixels / 2**20:.0f} MB of pixels"
    assert (measured["width"], measured["height"]) == (side, side)
    decoded = Image.open(tmp_path / "decoded.png")
    assert decoded.mode == "RGB" and 256 <= min(decoded.size) < 2 * 256 + 2  # reduced to what the model needs
    # The same picture written small and decoded whole looks the same: scaled from 16 bits, not clipped.
    small = images.decode(write_grey16_png(tmp_path / "small.png", 600, 600).read_bytes(), name="small.png").image
    reduced = decoded.resize(small.size, Image.Resampling.BOX)
    difference = np.abs(np.asarray(reduced, np.int16) - np.asarray(small, np.int16))
    assert np.asarray(small).std() > 40  # a picture, not a blank
    assert difference.mean() < 3, f"mean difference {difference.mean():.2f} levels"


def big_grey_files(folder: Path, count: int, side: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_grey16_png(folder / f"scan-{n:02d}.png", side, side - n) for n in range(count)]


def test_indexer_threads_decoding_big_files_never_hold_more_than_the_budget(tmp_path, open_library, monkeypatch):
    side = 3000  # 18 MB of 16-bit pixels each, in files of ~200 KB
    big_grey_files(tmp_path / "scans", 8, side)
    # Room for two such files at a time (pixels plus their conversion), not for four decode threads' worth.
    monkeypatch.setattr(DECODE_MEMORY, "capacity", 60 << 20)
    DECODE_MEMORY.reset_peaks()
    library = open_library()
    library.settings.set("decode_workers", 4)
    library.settings.set("batch_size", 2)
    library.add_root(tmp_path / "scans")
    report = library.update()
    assert report.embedded == 8 and report.errors == 0
    assert DECODE_MEMORY.reservations >= 8  # every decode reserved its bytes...
    assert DECODE_MEMORY.largest >= side * (side - 7) * 2  # ...at least its decoded pixels...
    assert DECODE_MEMORY.peak_shared <= DECODE_MEMORY.capacity  # ...and together they never held more
    assert DECODE_MEMORY.held == 0


def test_a_file_bigger_than_the_whole_budget_still_decodes_alone(tmp_path):
    files = big_grey_files(tmp_path, 6, 1500)
    oversize = write_grey16_png(tmp_path / "oversize.png", 4000, 4000)  # 32 MB of pixels
    budget = MemoryBudget(capacity=12 << 20)  # two of the small ones, a third of the big one
    results: dict[str, tuple[int, int]] = {}
    failures: list[BaseException] = []

    def decode(path: Path) -> None:
        try:
            decoded = images.decode(path.read_bytes(), min_short_side=256, name=path.name, budget=budget)
            results[path.name] = (decoded.width, decoded.height)
        except BaseException as exc:  # reported below with the thread's own error
            failures.append(exc)

    threads = [threading.Thread(target=decode, args=(p,)) for p in [oversize, *files]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert results["oversize.png"] == (4000, 4000) and len(results) == 7
    assert budget.largest > budget.capacity  # the oversize file did reserve all it needed...
    assert budget.peak_shared <= budget.capacity  # ...and whenever two files were decoding, they fitted
    assert budget.held == 0 and budget.reservations == 7
