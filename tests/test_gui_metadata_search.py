"""Folder names and the folder: filter in the desktop app's search box (pytest-qt, offscreen)."""

import random

import pytest
from pictures import spec_for, write

pytest.importorskip("PySide6")

from photoclip.gui.main_window import MainWindow
from photoclip.gui.photo_model import PhotoRole
from photoclip.smallclip import shapes


def grid_paths(win):
    return [win.photos.data(win.photos.index(row), PhotoRole).path for row in range(win.photos.rowCount())]


def test_the_search_box_finds_a_folder_by_its_name_and_filters_by_it(qtbot, open_library, tmp_path):
    root = tmp_path / "Pictures"
    rng = random.Random(3)
    trip = []
    for n in range(30):
        folder = "2019 Vellmora trip" if n < 5 else "Camera Roll"
        path = write(root / folder, f"IMG_{n:04d}", spec_for(rng.choice(list(shapes.COLOURS)), "circle", n))
        trip += [path] if n < 5 else []
    library = open_library()
    library.add_root(root)
    library.update()
    win = MainWindow(library)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.start()
    qtbot.waitUntil(lambda: not win.indexing.busy and not win.tasks.busy, timeout=60_000)
    try:
        with qtbot.waitSignal(win.results_shown, timeout=30_000):
            qtbot.keyClicks(win.search_box, "vellmora")
        assert set(grid_paths(win)[:5]) == set(trip)
        win.search_box.clear()
        with qtbot.waitSignal(win.results_shown, timeout=30_000):
            qtbot.keyClicks(win.search_box, "folder:vellmora ")
        qtbot.waitUntil(lambda: sorted(grid_paths(win)) == sorted(trip), timeout=10_000)
    finally:
        win.close()
