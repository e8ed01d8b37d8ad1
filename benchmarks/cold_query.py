"""A cold search from the command line, the whole process, beside rclip 3.3.0 in the same run.

    python benchmarks/cold_query.py [--runs 5] [--photos 1000]

What a person waits for when they type ``photoclip search "a dog on a beach"`` in a terminal:
interpreter start, imports, opening the library, loading the text model, encoding the query,
ranking, printing. Both programs search the same 1,000 photos (1280×960 JPEGs), indexed once
beforehand, with the same random-weight ViT-B-32-256 model (the default model's architecture;
photoclip's graphs come from its own exporter, rclip's from benchmarks/rclip_setup.py), so the
compute is that of the real model. rclip runs with ``--no-indexing`` (no folder walk), as
photoclip's search does not walk either. Runs alternate; wall time and peak memory (the child's
``ru_maxrss``) are medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from common import BENCH_DIR
from make_photos import photo

RCLIP_ROOT = BENCH_DIR / "rclip"
QUERY = "a dog on a beach at sunset"


def make_library_photos(folder: Path, count: int) -> None:
    """``count`` photo-like 1280×960 JPEGs (once)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        target = folder / f"IMG_{i:05d}.jpg"
        if not target.exists():
            photo(10_000 + i, 1280, 960).save(target, quality=90)


#: Runs a command and reports its wall time and peak memory. It runs in a small interpreter of its own:
#: a child's peak memory (``ru_maxrss``) starts from what its parent held when it forked, so the
#: benchmark's own process (which may have held a model) must not be the parent.
MEASURE = (
    "import os, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "child = subprocess.Popen(sys.argv[2:], cwd=sys.argv[1] or None, stdout=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "print(time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))\n"
)


def measured(args: list[str], env: dict, cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak MB of one fresh process."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(cwd or ""), *args], env=env, capture_output=True, text=True, check=True
    )
    wall, peak, code = result.stdout.split()
    if int(code):
        raise SystemExit(f"{' '.join(args[:4])} failed: {result.stderr[-2000:]}")
    return float(wall), float(peak)


def indexed_library(root: Path, count: int) -> tuple[list[str], dict]:
    """A photoclip library of ``count`` photos under ``root``, indexed (once) with the random-weight
    default model's graphs: the command to run photoclip on it, and its environment."""
    make_library_photos(root / "photos", count)
    graphs = BENCH_DIR / "ViT-B-32-256-random-onnx"
    if not (graphs / "photoclip_onnx.json").exists():  # exported in a process of its own (torch is big)
        subprocess.run([sys.executable, "-c", "import common; common.random_weights_onnx()"], check=True)
    env = {**os.environ, "PHOTOCLIP_CACHE": str(root / "cache"), "PHOTOCLIP_LIBRARY": str(root / "library")}
    photoclip = [sys.executable, "-m", "photoclip.cli.main", "--weights", str(graphs)]
    if not (root / "library" / ".indexed").exists():
        print(f"indexing {count} photos with photoclip (once)…", flush=True)
        subprocess.run([*photoclip, "index", str(root / "photos")], env=env, check=True, stdout=subprocess.DEVNULL)
        (root / "library" / ".indexed").touch()
    return photoclip, env


def print_medians(results: dict[str, list[tuple[float, float]]], width: int = 10) -> dict[str, tuple[float, float]]:
    """Prints each command's median wall time and peak memory (and its runs); returns the medians."""
    medians = {}
    for name, values in results.items():
        wall = statistics.median(v[0] for v in values)
        peak = statistics.median(v[1] for v in values)
        medians[name] = (wall, peak)
        runs = ", ".join(f"{v[0]:.2f}" for v in values)
        print(f"  {name:{width}} wall {wall:.2f} s  peak {peak:.0f} MB   (runs: {runs})")
    return medians


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photos", type=int, default=1000)
    args = parser.parse_args()
    root = BENCH_DIR / f"cold-query-{args.photos}"
    photos = root / "photos"
    photoclip, env = indexed_library(root, args.photos)
    rclip_env = {**os.environ, "RCLIP_DATADIR": str(RCLIP_ROOT / "data")}
    rclip = [str(RCLIP_ROOT / "venv" / "bin" / "rclip")]
    if not Path(rclip[0]).exists():
        raise SystemExit("rclip is not set up: run benchmarks/rclip_setup.py first")
    if not (root / ".rclip-indexed").exists():
        print(f"indexing {args.photos} photos with rclip (once)…", flush=True)
        subprocess.run([*rclip, "-t", "1", "x"], env=rclip_env, cwd=photos, check=True, stdout=subprocess.DEVNULL)
        (root / ".rclip-indexed").touch()
    for _ in range(2):  # the files in the page cache, as after any earlier use
        measured([*photoclip, "search", QUERY], env)
        measured([*rclip, "--no-indexing", "-t", "20", QUERY], rclip_env, photos)
    results: dict[str, list[tuple[float, float]]] = {"photoclip": [], "rclip": []}
    for _ in range(args.runs):
        results["photoclip"].append(measured([*photoclip, "search", QUERY, "-n", "20"], env))
        results["rclip"].append(measured([*rclip, "--no-indexing", "-t", "20", QUERY], rclip_env, photos))
    print(f"cold search of {args.photos} photos, whole process, median of {args.runs} (alternating):")
    medians = print_medians(results)
    ratio_wall = medians["photoclip"][0] / medians["rclip"][0]
    ratio_peak = medians["photoclip"][1] / medians["rclip"][1]
    print(f"  photoclip / rclip: wall {ratio_wall:.2f}x (target <= 0.8), peak memory {ratio_peak:.2f}x (target <= 1)")


if __name__ == "__main__":
    main()
