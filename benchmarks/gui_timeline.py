"""The timeline of 100k photos in the window: time to show it, time per frame while scrolling, memory,
beside the grid as it was (a QListView in icon mode) and the same grid without headers, in one run.

    python benchmarks/gui_timeline.py [--photos 100000] [--frames 300]

The library is the grid benchmark's (gui_grid.py: real thumbnails, 2,000 distinct) with its dates
spread over 20 years (a photo in 50 with none, one in 7 a file date), so the timeline has ~240
month headers. Each view scrolls from top to bottom in --frames steps (dozens of rows a step,
thumbnails never loaded in time: the worst case, like dragging the scroll bar), every frame painted
synchronously, as gui_grid.py does. Then the scrubber jumps to every month once. Offscreen Qt:
painting is done in software.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from common import BENCH_DIR, close_window, open_window, percentiles, synthetic_library
from memory_at_rest import rss_mb


def spread_dates(root: Path, photos: int) -> None:
    """Gives the library's photos dates over 20 years (once)."""
    marker = root / ".dated"
    if marker.exists():
        return
    from photoclip.core.library import Library

    library = Library.open(root / "library", cache=root / "cache")
    ids = library.catalog.filter_photo_ids()
    rng = np.random.default_rng(11)
    start = 1.09e9  # 2004-07
    taken = start + rng.random(len(ids)) * 20 * 365.25 * 86400
    undated = rng.random(len(ids)) < 0.02
    with library.catalog.transaction() as conn:
        conn.executemany(
            "UPDATE photos SET taken_at = ?, date_source = ? WHERE id = ?",
            [
                (None if no_date else float(t), None if no_date else ("file" if k % 7 == 0 else "exif"), int(i))
                for k, (i, t, no_date) in enumerate(zip(ids, taken, undated, strict=True))
            ],
        )
    library.close()
    marker.touch()


def scroll(bar: object, frames: int, after_step: Callable[[], None], paint: Callable[[], None]) -> list[float]:
    """Frame times (seconds) scrolling from top to bottom in ``frames`` steps."""
    from PySide6.QtWidgets import QApplication

    step = max(1, bar.maximum() // frames)
    times = []
    for value in range(0, bar.maximum() + 1, step):
        begin = time.perf_counter()
        bar.setValue(value)
        after_step()
        paint()
        QApplication.processEvents()
        times.append(time.perf_counter() - begin)
    return times


def report(name: str, times: list[float]) -> None:
    """Prints p50 / p95 / max of frame times."""
    p50, p95 = percentiles(times)
    print(f"  {name:44} {len(times)} frames: p50 {p50:5.1f} ms  p95 {p95:5.1f} ms  max {max(times) * 1000:6.1f} ms")


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=100_000)
    parser.add_argument("--frames", type=int, default=300)
    args = parser.parse_args()
    root = BENCH_DIR / f"library-{args.photos}"
    synthetic_library(root, args.photos, thumbnails=root / "cache" / "thumbnails")
    spread_dates(root, args.photos)
    window = open_window(root)
    library = window.library
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication, QListView

    from photoclip.gui.photo_model import PhotoListModel

    results, grid = window.results, window.grid
    before = rss_mb()

    begin = time.perf_counter()
    listing = library.search("", limit=10**9, sort="date")
    listed = time.perf_counter() - begin
    begin = time.perf_counter()
    timeline = library.timeline()
    counted = time.perf_counter() - begin
    print(
        f"  background: every id by date {listed * 1000:.0f} ms, month buckets {counted * 1000:.0f} ms "
        f"({len(timeline)} months, {len(listing.ids):,} photos)"
    )

    # The grid as it was: a QListView in icon mode over the same model and delegate.
    old_model = PhotoListModel(library.photos, results.thumbnails)
    old = QListView()
    old.setViewMode(QListView.ViewMode.IconMode)
    old.setResizeMode(QListView.ResizeMode.Adjust)
    old.setMovement(QListView.Movement.Static)
    old.setUniformItemSizes(True)
    old.setLayoutMode(QListView.LayoutMode.Batched)
    old.setBatchSize(2000)
    old.setGridSize(QSize(results.delegate.cell, results.delegate.cell))
    old.setModel(old_model)
    old.setItemDelegate(results.delegate)
    results.addWidget(old)
    results.setCurrentWidget(old)
    begin = time.perf_counter()
    old_model.set_photos(listing.ids)
    old.viewport().repaint()
    QApplication.processEvents()
    print(f"  grid as before (QListView): reset and first frame {(time.perf_counter() - begin) * 1000:.0f} ms")
    # Its layout is batched (2,000 photos per pass of the event loop): until it is done, scrolling
    # shows the first batches' photos again (their rows already read), not the rest of the list.
    # Let it finish, so that both views read the rows of the photos they scroll past.
    last, deadline = old_model.index(len(listing.ids) - 1, 0), time.perf_counter() + 60
    while not old.visualRect(last).isValid() and time.perf_counter() < deadline:
        QApplication.processEvents()
    print(f"  grid as before (QListView): whole list laid out after {(time.perf_counter() - begin) * 1000:.0f} ms")

    def old_visible() -> None:
        first = old.indexAt(old.rect().topLeft())
        if first.isValid():
            results.thumbnails.set_visible({int(i) for i in old_model.ids[first.row() : first.row() + 200]})

    frames_old = scroll(old.verticalScrollBar(), args.frames, old_visible, old.viewport().repaint)
    results.removeWidget(old)
    old.deleteLater()

    views = (("grid, no headers (a ranked search)", None), ("timeline (headers, scrubber, dates)", timeline))
    for name, buckets in views:
        begin = time.perf_counter()
        results.show_results(listing, buckets, dates=buckets is not None)
        grid.viewport().repaint()
        QApplication.processEvents()
        shown = time.perf_counter() - begin
        print(f"  {name}: reset and first frame {shown * 1000:.0f} ms")
        frames = scroll(grid.verticalScrollBar(), args.frames, results.visible_changed, grid.viewport().repaint)
        report(name, frames)
    report("grid as before (QListView)", frames_old)

    jumps = []
    for index in range(len(grid.cells.sections)):
        begin = time.perf_counter()
        grid.jump_to(grid.cells.tops[index])
        results.visible_changed()
        grid.viewport().repaint()
        grid.scrubber.repaint()
        QApplication.processEvents()
        jumps.append(time.perf_counter() - begin)
    report("scrubber: a jump to each month", jumps)
    close_window(window, before, results.thumbnails.cached, len(listing.ids))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
