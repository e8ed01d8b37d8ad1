"""The window's keys on the search box and the grid.

Esc clears the search; Down goes from the search box to the first photo; on the grid Enter opens
the preview, Space toggles it (a quick look, as in file managers), Shift+F10 or the Menu key opens
the photos' menu, Ctrl+C copies the paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLineEdit, QListView

#: The keys handled here, for the Help page (tests/test_gui_search_help.py holds the filter to them).
SEARCH_BOX_KEYS = (
    ("Esc", "clear the search: back to the folder or tag chosen in the sidebar"),
    ("Down", "go to the first photo of the grid"),
)
GRID_KEYS: tuple[tuple[str | QKeySequence.StandardKey, str], ...] = (
    ("Enter", "open the preview of the current photo"),
    ("Space", "quick look: open or close the preview"),
    ("Esc", "clear the search"),
    ("Shift+F10, Menu", "open the menu of the selected photos, as a right-click does"),
    # Whatever the platform copies with (Ctrl+C and Ctrl+Ins here, ⌘C on a Mac): what the filter matches.
    (QKeySequence.StandardKey.Copy, "copy the paths of the selected photos"),
)


@dataclass(frozen=True)
class KeyActions:
    """What the keys do, as callbacks (rows are the grid's)."""

    clear_search: Callable[[], None]
    open_preview: Callable[[int], None]
    toggle_preview: Callable[[int], None]
    selected_paths: Callable[[], list[Path]]


class Keyboard(QObject):
    """An event filter for the search box and the grid; install it on both."""

    def __init__(self, search_box: QLineEdit, grid: QListView, actions: KeyActions) -> None:
        super().__init__(grid)
        self.search_box, self.grid, self.actions = search_box, grid, actions
        self.menu_key_handled = False  # the Menu key opened the menu; a context-menu event may follow
        search_box.installEventFilter(self)
        grid.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Handles key presses on the search box and the grid; True when the key was used."""
        if watched is self.grid and isinstance(event, QContextMenuEvent):
            return self._keyboard_menu(event)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        self.menu_key_handled = False
        if watched is self.search_box:
            return self._search_key(event)
        if watched is self.grid:
            return self._grid_key(event)
        return False

    def _menu_at_current(self) -> None:
        """The keyboard's right-click: the menu opens on the current photo, wherever the pointer is."""
        current = self.grid.currentIndex()
        self.grid.scrollTo(current)
        self.grid.customContextMenuRequested.emit(self.grid.visualRect(current).center())

    def _keyboard_menu(self, event: QContextMenuEvent) -> bool:
        """A context-menu event the keyboard made: some platforms send one after the Menu key's
        press (already handled: not a second menu), or instead of it (at the pointer, not the
        current photo, so it opens here)."""
        if event.reason() != QContextMenuEvent.Reason.Keyboard:
            return False
        if not self.menu_key_handled and self.grid.currentIndex().isValid():
            self._menu_at_current()
        self.menu_key_handled = False
        return True

    def _search_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.actions.clear_search()
            return True
        model = self.grid.model()
        if key == Qt.Key.Key_Down and model.rowCount():
            self.grid.setFocus()
            self.grid.setCurrentIndex(model.index(0, 0))
            return True
        return False

    def _grid_key(self, event: QKeyEvent) -> bool:
        key = event.key()
        current = self.grid.currentIndex()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and current.isValid():
            self.actions.open_preview(current.row())
            return True
        if key == Qt.Key.Key_Space and current.isValid():
            self.actions.toggle_preview(current.row())
            return True
        if key == Qt.Key.Key_Escape:
            self.actions.clear_search()
            return True
        shift_f10 = key == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        if (shift_f10 or key == Qt.Key.Key_Menu) and current.isValid():
            self._menu_at_current()
            self.menu_key_handled = key == Qt.Key.Key_Menu
            return True
        if event.matches(QKeySequence.StandardKey.Copy):
            from photoclip.gui.file_actions import copy_paths

            copy_paths(self.actions.selected_paths())
            return True
        return False
