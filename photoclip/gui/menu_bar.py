"""The window's menu bar, declared in one place: each entry, its shortcut, and the callback it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QMessageBox, QWidget

if TYPE_CHECKING:
    from photoclip.core.library import Library


@dataclass(frozen=True)
class MenuBarActions:
    """What the menu bar's entries do."""

    add_folder: Callable[[], None]
    rescan_all: Callable[[], None]
    save_search: Callable[[], None]
    auto_tag_all: Callable[[], None]
    open_settings: Callable[[], None]
    quit: Callable[[], None]
    show_scores: Callable[[bool], None]
    about: Callable[[], None]
    find_duplicates: Callable[[], object] | None = None
    search_help: Callable[[], object] | None = None
    clear_search_history: Callable[[], None] | None = None


def build_menu_bar(bar: QMenuBar, actions: MenuBarActions) -> QAction:
    """Fills ``bar`` with File, View and Help; returns the "Show relevance scores" toggle."""
    file_menu = bar.addMenu("&File")
    file_menu.addAction("&Add folder…", actions.add_folder, QKeySequence("Ctrl+O"))
    file_menu.addAction("Rescan all folders", actions.rescan_all)
    file_menu.addAction("Save search as collection…", actions.save_search)
    if actions.clear_search_history is not None:
        file_menu.addAction("Clear search history", actions.clear_search_history)
    file_menu.addAction("Auto-tag the whole library…", actions.auto_tag_all)
    file_menu.addSeparator()
    file_menu.addAction("&Settings…", actions.open_settings, QKeySequence("Ctrl+,"))
    file_menu.addSeparator()
    file_menu.addAction("&Quit", actions.quit, QKeySequence.StandardKey.Quit)
    view = bar.addMenu("&View")
    show_scores = QAction("Show relevance scores", bar, checkable=True, checked=True)
    show_scores.toggled.connect(actions.show_scores)
    view.addAction(show_scores)
    if actions.find_duplicates is not None:
        view.addAction("&Duplicates…", actions.find_duplicates)
    help_menu = bar.addMenu("&Help")
    if actions.search_help is not None:
        help_menu.addAction("&Search syntax and shortcuts", actions.search_help, QKeySequence.StandardKey.HelpContents)
    help_menu.addAction("&About photoclip", actions.about)
    return show_scores


def show_about(parent: QWidget, library: Library) -> None:
    """The About box: version, what photoclip does, the library and its model."""
    from photoclip import __version__

    QMessageBox.about(
        parent,
        "About photoclip",
        f"photoclip {__version__}\nFind your own photos by describing them.\n"
        f"Library: {library.paths.root}\nModel: {library.spec.id}",
    )
