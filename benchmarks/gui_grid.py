"""The thumbnail grid with 100k results: time to show them, time per frame while scrolling, memory.

    python benchmarks/gui_grid.py [--photos 100000] [--frames 300]

Sets the grid's model to 100k photos (as a search or a folder with that many would), then scrolls
from top to bottom in steps of about a screen, painting each frame synchronously, and reports the
reset time, the p50/p95/max frame times and memory before and after (thumbnails stay bounded).
Offscreen Qt: painting is done in software, as on a machine without GPU acceleration.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from common import BENCH_DIR, close_window, open_window, percentiles, synthetic_library
from memory_at_rest import rss_mb


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    root = BENCH_DIR / f"library-{args.photos}"
    synthetic_library(root, args.photos, thumbnails=root / "cache" / "thumbnails")
    window = open_window(root)
    library = window.library
    from PySide6.QtWidgets import QApplication

    ids = library.catalog.filter_photo_ids()
    # The plain grid, as a ranked search shows it (no month headers, no dates): gui_timeline.py
    # measures the timeline beside it.
    window.grid.set_sections([])
    window.results.delegate.show_dates = False
    before = rss_mb()
    start = time.perf_counter()
    window.photos.set_photos(ids)
    window.results.setCurrentWidget(window.grid)
    window.grid.viewport().repaint()
    QApplication.processEvents()
    reset = time.perf_counter() - start
    print(f"  {len(ids):,} photos: model reset and first frame {reset * 1000:.0f} ms")
    bar = window.grid.verticalScrollBar()
    step = max(1, bar.maximum() // args.frames)
    frames = []
    for value in range(0, bar.maximum() + 1, step):
        begin = time.perf_counter()
        bar.setValue(value)
        window.results.visible_changed()
        window.grid.viewport().repaint()
        QApplication.processEvents()
        frames.append(time.perf_counter() - begin)
    p50, p95 = percentiles(frames)
    print(
        f"  scrolling {len(frames)} frames top to bottom: p50 {p50:.1f} ms  p95 {p95:.1f} ms  "
        f"max {max(frames) * 1000:.1f} ms per frame"
    )
    close_window(window, before, window.results.thumbnails.cached, len(ids))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
