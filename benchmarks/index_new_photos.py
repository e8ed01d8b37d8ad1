"""Adding a day's photos: the whole ``index`` process for 40 new 12 MP photos, beside rclip 3.3.0.

    python benchmarks/index_new_photos.py [--runs 3] [--new 40]

What a person waits for after copying photos from a phone: the command from start to exit,
interpreter start, imports and model loading included. Both programs already hold the
1,000-photo library of benchmarks/cold_query.py (run that first) and index ``--new`` photo-like
4000×3000 JPEGs (3–5 MB each, from benchmarks/make_photos.py) added to it; rclip indexes as part
of a query (``rclip -t 1 QUERY``), which is how it is used. The same random-weight ViT-B-32-256
model as in cold_query.py. After each timed round the new photos are removed again and both
programs catch up untimed, so every round starts from the same library.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys

from cold_query import RCLIP_ROOT, measured
from common import BENCH_DIR
from make_photos import DEFAULT_DIR, photo


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--new", type=int, default=40)
    parser.add_argument("--library-photos", type=int, default=1000)
    args = parser.parse_args()
    root = BENCH_DIR / f"cold-query-{args.library_photos}"
    if not (root / "library" / ".indexed").exists() or not (root / ".rclip-indexed").exists():
        raise SystemExit("run benchmarks/cold_query.py first: it builds the library both programs start from")
    source = DEFAULT_DIR
    source.mkdir(parents=True, exist_ok=True)
    for i in range(args.new):
        target = source / f"photo-{i:04d}.jpg"
        if not target.exists():
            photo(i).save(target, quality=92)
    photos = root / "photos"
    graphs = BENCH_DIR / "ViT-B-32-256-random-onnx"
    env = {**os.environ, "PHOTOCLIP_CACHE": str(root / "cache"), "PHOTOCLIP_LIBRARY": str(root / "library")}
    photoclip = [sys.executable, "-m", "photoclip.cli.main", "--weights", str(graphs), "index"]
    rclip_env = {**os.environ, "RCLIP_DATADIR": str(RCLIP_ROOT / "data")}
    rclip = [str(RCLIP_ROOT / "venv" / "bin" / "rclip"), "-t", "1", "a dog on a beach"]

    def settle() -> None:
        for old in photos.glob("new-day-*"):
            shutil.rmtree(old)
        subprocess.run(photoclip, env=env, check=True, capture_output=True)
        subprocess.run(rclip, env=rclip_env, cwd=photos, check=True, capture_output=True)

    settle()
    results: dict[str, list[tuple[float, float]]] = {"photoclip": [], "rclip": []}
    for round_ in range(args.runs):
        # New names and new file times each round: neither program may recognise them from before.
        shutil.copytree(source, photos / f"new-day-{round_}", copy_function=shutil.copyfile)
        for name in list(results)[:: 1 if len(results["photoclip"]) % 2 == 0 else -1]:  # alternate who goes first
            results[name].append(
                measured(photoclip, env) if name == "photoclip" else measured(rclip, rclip_env, photos)
            )
        settle()
    print(f"index {args.new} new 4000x3000 photos into a {args.library_photos}-photo library, whole process:")
    medians = {}
    for name, values in results.items():
        wall = statistics.median(v[0] for v in values)
        medians[name] = wall
        runs = ", ".join(f"{v[0]:.1f}" for v in values)
        print(
            f"  {name:10} wall {wall:.1f} s  ({args.new / wall:.1f} photos/s)  "
            f"peak {statistics.median(v[1] for v in values):.0f} MB   (runs: {runs})"
        )
    print(f"  photoclip is {medians['rclip'] / medians['photoclip']:.2f}x rclip's speed (target >= 2)")


if __name__ == "__main__":
    main()
