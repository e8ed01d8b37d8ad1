"""The window's keys on the search box and the grid, and images dropped on the search box.

Esc clears the search; Down goes from the search box to the first photo; on the grid Enter opens
the preview, Space toggles it (a quick look, as in file managers), Ctrl+C copies the paths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence

if TYPE_CHECKING:
    from photoclip.gui.main_window import MainWindow


def handle_event(window: MainWindow, watched: QObject, event: QEvent) -> bool:
    """Handles ``event`` for the search box or the grid of ``window``; True when it was used."""
    if event.type() == QEvent.Type.KeyPress:
        return _key(window, watched, event)
    if event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop) and watched is window.search_box:
        # The line edit would take a dropped file as text; the window searches by the image instead.
        if event.type() == QEvent.Type.DragEnter:
            window.dragEnterEvent(event)
        else:
            window.dropEvent(event)
        return True
    return False


def _key(window: MainWindow, watched: QObject, event: QEvent) -> bool:
    key = event.key()
    grid = window.grid
    if watched is window.search_box:
        if key == Qt.Key.Key_Escape:
            window.clear_search()
            return True
        if key == Qt.Key.Key_Down and window.photos.rowCount():
            grid.setFocus()
            grid.setCurrentIndex(window.photos.index(0))
            return True
        return False
    if watched is not grid:
        return False
    current = grid.currentIndex()
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
        window.open_preview(current.row())
        return True
    if key == Qt.Key.Key_Space and current.isValid():
        if window.preview is not None and window.preview.isVisible():
            window.preview.close()
        else:
            window.open_preview(current.row())
        return True
    if key == Qt.Key.Key_Escape:
        window.clear_search()
        return True
    if event.matches(QKeySequence.StandardKey.Copy):
        from photoclip.gui.file_actions import copy_paths

        copy_paths([p.path for p in window.selected_photos()])
        return True
    return False
