"""Start-up: from launching ``photoclip`` to the window on screen, and to the first search answered.

    python benchmarks/startup.py [--runs 3]

Each run is a fresh process (offscreen Qt) started the way the installed app starts: the
``photoclip`` entry point with no arguments. The library holds 1,000 photos indexed with the
default model's architecture; its graphs are a random-weight export loaded through the real
loading path (``--weights`` a folder of ONNX graphs, prepared once beforehand as a download is),
so the model costs what the real one costs to load. Also times
``photoclip --help`` and a command-line search, each in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import BENCH_DIR, random_weights_onnx, synthetic_library

PROBE = r"""
import json, sys, time
started = float(sys.argv[1])
marks = {}
from PySide6.QtCore import QTimer
import photoclip.gui.main_window as mw

original_start = mw.MainWindow.start

def start(self):
    marks["window_shown_s"] = time.time() - started
    original_start(self)
    def poll():
        if self.library.model_loaded and "model_loaded_s" not in marks:
            marks["model_loaded_s"] = time.time() - started
            self.results_shown.connect(done)
            self.search("a dog on a beach at sunset")
        elif "model_loaded_s" not in marks:
            QTimer.singleShot(20, poll)
    def done(count):
        marks["first_search_s"] = time.time() - started
        print("PROBE " + json.dumps(marks), flush=True)
        self.close()
    poll()

mw.MainWindow.start = start
from photoclip.cli.main import main
sys.argv = ["photoclip", "--library", sys.argv[2], "--weights", sys.argv[3]]
main()
"""


def timed_command(args: list[str], env: dict) -> float:
    """Wall time of a command in a fresh process."""
    start = time.time()
    subprocess.run(args, env=env, capture_output=True, check=True)
    return time.time() - start


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    weights = random_weights_onnx()
    root = synthetic_library(BENCH_DIR / "startup-library", 1000, make_files=True)
    library = root / "library"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PHOTOCLIP_CACHE": str(root / "cache")}
    prepare = "from photoclip.core.models.loading import load_engine; load_engine(sys.argv[1], weights=sys.argv[2])"
    subprocess.run(
        [sys.executable, "-c", "import sys; " + prepare, "ViT-B-32-256/datacomp_s34b_b86k", str(weights)],
        env=env,
        check=True,
    )
    runs = []
    for _ in range(args.runs):
        started = time.time()
        result = subprocess.run(
            [sys.executable, "-c", PROBE, str(started), str(library), str(weights)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        probe = [line for line in result.stdout.splitlines() if line.startswith("PROBE ")]
        if not probe:
            print(result.stderr[-3000:])
            raise SystemExit("the app did not report")
        runs.append(json.loads(probe[0][6:]))
    for key, label in (
        ("window_shown_s", "window on screen"),
        ("model_loaded_s", "model loaded"),
        ("first_search_s", "first search answered"),
    ):
        values = [r[key] for r in runs]
        print(f"  {label:24} median {statistics.median(values):.2f} s  (runs: {', '.join(f'{v:.2f}' for v in values)})")
    photoclip = [sys.executable, "-m", "photoclip.cli.main"]
    help_s = [timed_command([*photoclip, "--help"], env) for _ in range(3)]
    search_s = [
        timed_command(
            [*photoclip, "--library", str(library), "--weights", str(weights), "search", "a dog on a beach"], env
        )
        for _ in range(2)
    ]
    print(f"  {'photoclip --help':24} median {statistics.median(help_s):.2f} s")
    print(f"  {'photoclip search (cold)':24} median {statistics.median(search_s):.2f} s  (the whole process)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
