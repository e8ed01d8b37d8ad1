"""The right-click menus of the grid (photos) and of the sidebar (folders)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu, QMessageBox, QTreeWidgetItem

from photoclip.gui import file_actions
from photoclip.gui.sidebar import FolderRole, KindRole, RootRole

if TYPE_CHECKING:
    from photoclip.core.catalog import PhotoRow
    from photoclip.gui.main_window import MainWindow


def photo_menu(window: MainWindow, photos: list[PhotoRow]) -> QMenu:
    """Find similar, Open, Show in folder, Copy path, Copy image (and tags, where tagging adds them)."""
    menu = QMenu(window)
    first = photos[0]
    similar = menu.addAction("Find similar", lambda: window.find_similar(first.id))
    similar.setEnabled(len(photos) == 1)
    menu.addSeparator()
    menu.addAction("Open", lambda: [file_actions.open_with_system_viewer(p.path) for p in photos[:10]])
    menu.addAction("Show in folder", lambda: file_actions.show_in_folder(first.path))
    menu.addAction("Preview", lambda: window.open_preview(window.grid.currentIndex().row()))
    menu.addSeparator()
    menu.addAction(
        "Copy path" if len(photos) == 1 else f"Copy {len(photos)} paths",
        lambda: file_actions.copy_paths([p.path for p in photos]),
    )
    copy = menu.addAction("Copy image", lambda: file_actions.copy_image(first.path))
    copy.setEnabled(len(photos) == 1)
    extend = getattr(window, "extend_photo_menu", None)
    if extend is not None:
        extend(menu, photos)
    for action in menu.actions():
        if not all(p.online for p in photos) and action.text() in ("Open", "Show in folder", "Copy image"):
            action.setEnabled(False)
            action.setToolTip("The photo's drive or share is not connected.")
    return menu


def folder_menu(window: MainWindow, item: QTreeWidgetItem) -> QMenu | None:
    """Rescan, Exclude (a sub-folder), Remove from library (a root), and Auto-tag where available."""
    if item.data(0, KindRole) != "folder":
        return None
    root_id = int(item.data(0, RootRole))
    folder = item.data(0, FolderRole)
    root = window.library.catalog.root(root_id)
    if root is None:
        return None
    menu = QMenu(window)
    menu.addAction("Rescan", lambda: window.indexing.rescan({root_id: [folder]}))
    if folder:
        menu.addAction("Exclude from the library", lambda: _exclude(window, root_id, folder))
    else:
        menu.addAction("Remove from library…", lambda: remove_root(window, root_id))
    extend = getattr(window, "extend_folder_menu", None)
    if extend is not None:
        extend(menu, root_id, folder)
    return menu


def _exclude(window: MainWindow, root_id: int, folder: str) -> None:
    root = window.library.catalog.root(root_id)
    window.library.catalog.set_root_excluded(root_id, [*root.excluded, folder])
    window.indexing.rescan({root_id: [folder]})


def remove_root(window: MainWindow, root_id: int) -> None:
    """Asks, then forgets a watched folder and its photos (the files are untouched)."""
    root = window.library.catalog.root(root_id)
    answer = QMessageBox.question(
        window,
        "Remove folder",
        f"Remove {root.path} from the library?\n\nIts photos leave the library (and its search results). "
        "The files themselves are not touched.",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    window.indexing.cancel()

    def done(_count: object) -> None:
        window.sidebar.select_all_photos()
        window.refresh_sidebar()
        if window.watcher is not None:
            window.watcher.set_roots(window.library.roots())
        window.refresh()

    window.tasks.run(
        lambda: window.library.remove_root(root_id),
        done=done,
        error=lambda exc: QMessageBox.warning(window, "Cannot remove", str(exc)),
    )
