"""The right-click menus of the grid (photos) and of the sidebar (folders).

They are built from the library and a few callbacks, never from the window, so a test can build
one for a real photo and trigger its actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QMenu, QMessageBox, QTreeWidgetItem

from photoclip.core.errors import PhotoclipError
from photoclip.gui import file_actions
from photoclip.gui.sidebar import CollectionRole, FolderRole, KindRole, RootRole, RowKind
from photoclip.gui.tag_menus import add_tag_entries, collection_menu
from photoclip.gui.tagging_ui import auto_tag

if TYPE_CHECKING:
    from photoclip.core.records import PhotoRow
    from photoclip.gui.context import GuiContext

#: Entries that need the file itself, disabled while its drive or share is away.
NEEDS_FILE = ("Open", "Show in folder", "Copy image")


class Rescanning(Protocol):
    """What the folder menu asks of indexing (an :class:`~photoclip.gui.indexing.IndexingController`)."""

    def rescan(self, folders: dict[int, list[str]]) -> None:
        """Looks again at these folders (root id -> sub-folders, '' for the whole root)."""

    def cancel(self) -> None:
        """Stops the run in progress."""


def photo_menu(
    ctx: GuiContext,
    photos: Sequence[PhotoRow],
    *,
    find_similar: Callable[[int], None],
    preview: Callable[[], None],
) -> QMenu:
    """Find similar, Open, Show in folder, Preview, Copy path, Copy image, then the photo's tags and
    "Add to collection…"."""
    menu = QMenu(ctx.parent)
    first = photos[0]
    similar = menu.addAction("Find similar", lambda: find_similar(first.id))
    similar.setEnabled(len(photos) == 1)
    menu.addSeparator()
    menu.addAction("Open", lambda: [file_actions.open_with_system_viewer(p.path) for p in photos[:10]])
    menu.addAction("Show in folder", lambda: file_actions.show_in_folder(first.path))
    menu.addAction("Preview", preview)
    menu.addSeparator()
    menu.addAction(
        "Copy path" if len(photos) == 1 else f"Copy {len(photos)} paths",
        lambda: file_actions.copy_paths([p.path for p in photos]),
    )
    copy = menu.addAction("Copy image", lambda: file_actions.copy_image(first.path))
    copy.setEnabled(len(photos) == 1)
    add_tag_entries(ctx, menu, photos)
    if not all(p.online for p in photos):
        for action in menu.actions():
            if action.text() in NEEDS_FILE:
                action.setEnabled(False)
                action.setToolTip("The photo's drive or share is not connected.")
    return menu


def folder_menu(ctx: GuiContext, root_id: int, folder: str, indexing: Rescanning) -> QMenu | None:
    """Rescan, Exclude (a sub-folder) or Remove from library (a watched folder), and Auto-tag…;
    None when the folder is no longer in the library."""
    try:
        root = ctx.library.find_root(root_id)
    except PhotoclipError:
        return None
    menu = QMenu(ctx.parent)
    menu.addAction("Rescan", lambda: indexing.rescan({root_id: [folder]}))
    if folder:
        menu.addAction("Exclude from the library", lambda: exclude_folder(ctx, root_id, folder, indexing))
    else:
        menu.addAction("Remove from library…", lambda: remove_root(ctx, root_id, indexing))
    path = root.path / folder if folder else root.path
    menu.addSeparator()
    menu.addAction("Auto-tag…", lambda: auto_tag(ctx, ctx.library.album(str(path))))
    return menu


def sidebar_menu(ctx: GuiContext, item: QTreeWidgetItem | None, indexing: Rescanning) -> QMenu | None:
    """The menu of a sidebar row: a folder's (see :func:`folder_menu`) or a collection's; None for
    the other rows."""
    kind = item.data(0, KindRole) if item is not None else None
    if kind == RowKind.COLLECTION:
        return collection_menu(ctx, item.data(0, CollectionRole))
    if kind == RowKind.FOLDER:
        return folder_menu(ctx, int(item.data(0, RootRole)), item.data(0, FolderRole), indexing)
    return None


def exclude_folder(ctx: GuiContext, root_id: int, folder: str, indexing: Rescanning) -> None:
    """Leaves a sub-folder out of the library; the rescan that follows takes its photos out."""
    ctx.library.exclude_folder(root_id, folder)
    indexing.rescan({root_id: [folder]})


def remove_root(ctx: GuiContext, root_id: int, indexing: Rescanning) -> None:
    """Asks, then forgets a watched folder and its photos (the files are untouched)."""
    root = ctx.library.find_root(root_id)
    answer = QMessageBox.question(
        ctx.parent,
        "Remove folder",
        f"Remove {root.path} from the library?\n\nIts photos leave the library (and its search results). "
        "The files themselves are not touched.",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    indexing.cancel()
    ctx.tasks.run(
        lambda: ctx.library.remove_root(root_id),
        done=lambda _count: ctx.events.root_removed.emit(root_id),
        error=lambda exc: QMessageBox.warning(ctx.parent, "Cannot remove", str(exc)),
    )
