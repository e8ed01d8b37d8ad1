"""Kills the indexer with SIGKILL at random moments, again and again, and checks the library each time.

    python reliability/kill_indexer.py [--kills 20] [--photos 240] [--seed 0]

After every kill: the catalog passes SQLite's integrity check and photoclip's own, the vector index
(opened afresh, so it is loaded or rebuilt from the catalog as a restarted app would) agrees with
the catalog id for id, no photo has two vectors, and every vector stored before the kill is still
there, unchanged. At the end an uninterrupted run finishes the job: every photo indexed exactly once.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def _index_command(folder: Path, library: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "photoclip.cli.main",
        "--library",
        str(library),
        "--model",
        "photoclip-tiny",
        "index",
        str(folder),
    ]


def _environment(library: Path) -> dict[str, str]:
    return {**os.environ, "PHOTOCLIP_CACHE": str(library.parent / "cache"), "PYTHONPATH": str(REPO)}


def snapshot(library: Path) -> dict[int, bytes]:
    """photo id -> vector bytes, read straight from the catalog file."""
    import sqlite3

    with sqlite3.connect(library / "catalog.sqlite3") as conn:
        return dict(conn.execute("SELECT photo_id, vector FROM embeddings WHERE model = 'photoclip-tiny'"))


def check_library(
    library: Path, expected_photos: int | None = None, complete: bool = False, before: dict[int, bytes] | None = None
) -> dict[int, bytes]:
    """Asserts the library is intact; returns its vectors for the next comparison."""
    from photoclip.core.library import Library

    opened = Library.open(library, cache=library.parent / "cache", model="photoclip-tiny")
    try:
        assert opened.catalog.integrity_check() == "ok", "catalog integrity"
        index = opened.index()
        catalog_ids = set(opened.catalog.embedding_ids("photoclip-tiny").tolist())
        assert set(index.ids().tolist()) == catalog_ids, f"index and catalog disagree ({index.last_open})"
        rows = opened.catalog.query("SELECT COUNT(*), COUNT(DISTINCT photo_id) FROM embeddings")[0]
        assert rows[0] == rows[1], "a photo has two vectors"
        leftovers = [p.name for p in opened.paths.index_dir.iterdir() if p.name.endswith(".tmp")]
        assert not leftovers, f"temporaries of killed saves left in the index folder: {leftovers}"
        if complete:
            status = opened.status()
            assert status.pending == 0 and status.embedded == expected_photos, status
    finally:
        opened.close()
    now = snapshot(library)
    for photo_id, vector in (before or {}).items():
        assert photo_id in now, f"the vector of photo {photo_id} was lost"
        assert now[photo_id] == vector, f"the vector of photo {photo_id} changed"
    if before:
        ids = np.array(sorted(now))
        assert len(ids) >= len(before)
    return now


def kill_and_resume(
    folder: Path, library: Path, kills: int = 20, seed: int = 0, low: float = 0.5, high: float = 6.0
) -> int:
    """Starts ``photoclip index`` and SIGKILLs it ``kills`` times; returns how many rounds ran."""
    rng = random.Random(seed)
    library.mkdir(parents=True, exist_ok=True)
    vectors: dict[int, bytes] = {}
    rounds = 0
    for _ in range(kills):
        process = subprocess.Popen(
            _index_command(folder, library),
            env=_environment(library),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(low, high))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        rounds += 1
        if (library / "catalog.sqlite3").exists():
            vectors = check_library(library, before=vectors)
    subprocess.run(
        _index_command(folder, library),
        env=_environment(library),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return rounds


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--photos", type=int, default=240)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from photoclip.smallclip.shapes import generate_folder

    with tempfile.TemporaryDirectory(prefix="photoclip-kill-") as tmp:
        folder = Path(tmp) / "photos"
        generate_folder(folder, args.photos, seed=args.seed, size_range=(600, 2400))
        started = time.time()
        rounds = kill_and_resume(folder, Path(tmp) / "library", kills=args.kills, seed=args.seed)
        check_library(Path(tmp) / "library", expected_photos=args.photos, complete=True)
        print(
            f"{rounds} SIGKILLs at random moments, library checked after each: intact; final run complete "
            f"({args.photos} photos, each indexed exactly once) in {time.time() - started:.0f} s"
        )


if __name__ == "__main__":
    main()
