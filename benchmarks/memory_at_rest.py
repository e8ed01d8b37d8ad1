"""Memory at rest: a 100k-photo library open, its index loaded, the default model loaded, the window up.

    python benchmarks/memory_at_rest.py [--photos 100000]

The model is the default architecture with random weights, exported to ONNX by photoclip and
loaded through the real loading path (``--weights`` a folder of graphs; the same size as the real
one). At rest the text graph is loaded (searches need it); the image graph is loaded only while
indexing. Prints the resident memory after each step, so the cost of each part shows.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
from pathlib import Path

from common import BENCH_DIR, random_weights_onnx, synthetic_library


def rss_mb(field: str = "VmRSS") -> float:
    """Current (or, with field="VmHWM", peak) resident memory of this process in MB."""
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--no-gui", action="store_true")
    args = parser.parse_args()
    weights = random_weights_onnx()
    # The model is prepared once on a machine (int8 check, optimised graphs) when it is downloaded;
    # do that in a process of its own, so this one measures a day like any other.
    subprocess.run([sys.executable, "-c", "import common; common.onnx_engine()"], check=True, cwd=Path(__file__).parent)
    root = BENCH_DIR / f"library-{args.photos}"
    synthetic_library(root, args.photos, thumbnails=root / "cache" / "thumbnails")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"  python + imports            {rss_mb():7.0f} MB")
    from photoclip.core.library import Library

    library = Library.open(root / "library", cache=root / "cache", weights=weights)
    index = library.index()
    print(f"  library + index ({index.mode}, {len(index):,}) {rss_mb():7.0f} MB  (peak so far {rss_mb('VmHWM'):.0f})")
    model = library.model()
    gc.collect()
    print(f"  + model ready                {rss_mb():7.0f} MB  ({model.describe()}; peak so far {rss_mb('VmHWM'):.0f})")
    results = library.search("a dog on a beach at sunset", limit=20, strictness="all")
    print(f"  + a search: text graph loaded ({len(results.hits)} results) {rss_mb():7.0f} MB")
    if not args.no_gui:
        from PySide6.QtCore import QEventLoop, QTimer

        from photoclip.gui.launch import make_application
        from photoclip.gui.main_window import MainWindow

        make_application()
        window = MainWindow(library)
        window.resize(1280, 800)
        window.show()
        window.refresh_sidebar()  # not start(): the synthetic photos have no files a rescan could find
        window.refresh()
        loop = QEventLoop()
        QTimer.singleShot(4000, loop.quit)
        loop.exec()
        print(f"  + window showing all photos {rss_mb():7.0f} MB  ({window.photos.rowCount():,} in the grid)")
    print(f"  peak                        {rss_mb('VmHWM'):7.0f} MB")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
