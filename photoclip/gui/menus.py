"""The right-click menus of the grid (photos) and of the sidebar (folders).

They are built from the library and a few callbacks, never from the window, so a test can build
one for a real photo and trigger its actions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu, QMessageBox, QTreeWidget, QTreeWidgetItem

from photoclip.core.errors import PhotoclipError
from photoclip.gui import file_actions
from photoclip.gui.collection_edit_ui import collection_menu
from photoclip.gui.sidebar import CollectionRole, FolderRole, KindRole, RootRole, RowKind, TagRole
from photoclip.gui.tag_edit_ui import tag_menu
from photoclip.gui.tag_menus import add_tag_entries
from photoclip.gui.tag_review import open_tag_review
from photoclip.gui.tagging_ui import auto_tag

if TYPE_CHECKING:
    from photoclip.core.records import PhotoRow
    from photoclip.gui.context import GuiContext
    from photoclip.gui.results_area import ResultsArea

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
    collection: str | None = None,
    removed: Callable[[list[int]], object] | None = None,
) -> QMenu:
    """Find similar, Open, Show in folder, Preview, Copy path, Copy image, then the photo's tags and
    "Add to collection…" (and "Remove from …" in the view of a hand-picked ``collection``)."""
    menu = QMenu(ctx.parent)
    first = photos[0]
    similar = menu.addAction("Find similar", lambda: find_similar(first.id))
    similar.setEnabled(len(photos) == 1)
    menu.addSeparator()
    menu.addAction("Open", lambda: open_photos(ctx, photos[:10]))
    menu.addAction("Show in folder", lambda: show_in_folder(ctx, first))
    menu.addAction("Preview", preview)
    menu.addSeparator()
    menu.addAction(
        "Copy path" if len(photos) == 1 else f"Copy {len(photos)} paths",
        lambda: file_actions.copy_paths([p.path for p in photos]),
    )
    copy = menu.addAction("Copy image", lambda: file_actions.copy_image(first.path))
    copy.setEnabled(len(photos) == 1)
    add_tag_entries(ctx, menu, photos, collection, removed)
    if not all(p.online for p in photos):
        for action in menu.actions():
            if action.text() in NEEDS_FILE:
                action.setEnabled(False)
                action.setToolTip("The photo's drive or share is not connected.")
    return menu


def grid_menu_at(
    ctx: GuiContext,
    results: ResultsArea,
    position: QPoint,
    *,
    find_similar: Callable[[int], None],
    collection: str | None = None,
) -> None:
    """Opens the photo menu for a right-click at ``position`` on the grid (the photo under the
    pointer joins the selection, or becomes it); ``collection``: the collection the grid shows."""
    grid = results.grid
    index = grid.indexAt(position)
    if not index.isValid():
        return
    if not grid.selectionModel().isSelected(index):
        grid.setCurrentIndex(index)
    menu = photo_menu(
        ctx,
        results.selected_photos(),
        find_similar=find_similar,
        preview=results.preview_current,
        collection=collection,
        removed=lambda ids: results.photos.remove_ids(set(ids)),  # gone from the grid at once
    )
    menu.exec(grid.viewport().mapToGlobal(position))


def sidebar_menu_at(ctx: GuiContext, sidebar: QTreeWidget, position: QPoint, indexing: Rescanning) -> None:
    """Opens the menu of the sidebar row at ``position``, if that row has one."""
    menu = sidebar_menu(ctx, sidebar.itemAt(position), indexing)
    if menu is not None:
        menu.exec(sidebar.viewport().mapToGlobal(position))


def open_photos(ctx: GuiContext, photos: Sequence[PhotoRow]) -> bool:
    """Opens the photos in the desktop's image viewer; says so when there is none to open them."""
    failed = [p for p in photos if not file_actions.open_with_system_viewer(p.path)]
    if failed:
        ctx.say(
            f"No program opened {failed[0].path.name}: this computer has no image viewer set up for it. "
            f"The file is at {failed[0].path}.",
            20000,
        )
    return not failed


def show_in_folder(ctx: GuiContext, photo: PhotoRow) -> bool:
    """Shows the photo in the file manager; says so when there is none."""
    if file_actions.show_in_folder(photo.path):
        return True
    ctx.say(f"No file manager answered. The photo is in {photo.path.parent}.", 20000)
    return False


def folder_menu(ctx: GuiContext, root_id: int, folder: str, indexing: Rescanning) -> QMenu | None:
    """Locate folder… (a watched folder that is offline), Rescan, Exclude (a sub-folder) or Remove
    from library (a watched folder), and Auto-tag…; None when the folder is no longer in the library."""
    try:
        root = ctx.library.find_root(root_id)
    except PhotoclipError:
        return None
    menu = QMenu(ctx.parent)
    if not folder and not root.online:
        menu.addAction("Locate folder…", lambda: locate_and_rescan(ctx, root_id, indexing))
    menu.addAction("Rescan", lambda: indexing.rescan({root_id: [folder]}))
    if folder:
        menu.addAction("Exclude from the library", lambda: exclude_folder(ctx, root_id, folder, indexing))
    else:
        menu.addAction("Remove from library…", lambda: remove_root(ctx, root_id, indexing))
    path = root.path / folder if folder else root.path
    menu.addSeparator()
    menu.addAction("Review suggestions…", lambda: open_tag_review(ctx, album=ctx.library.album(str(path))))
    menu.addAction("Auto-tag…", lambda: auto_tag(ctx, ctx.library.album(str(path))))
    return menu


def sidebar_menu(ctx: GuiContext, item: QTreeWidgetItem | None, indexing: Rescanning) -> QMenu | None:
    """The menu of a sidebar row: a folder's (see :func:`folder_menu`), a collection's or a tag's;
    None for the other rows."""
    kind = item.data(0, KindRole) if item is not None else None
    if kind == RowKind.COLLECTION:
        return collection_menu(ctx, item.data(0, CollectionRole))
    if kind == RowKind.TAG:
        return tag_menu(ctx, item.data(0, TagRole))
    if kind == RowKind.FOLDER:
        return folder_menu(ctx, int(item.data(0, RootRole)), item.data(0, FolderRole), indexing)
    return None


def locate_and_rescan(ctx: GuiContext, root_id: int, indexing: Rescanning) -> None:
    """ "Locate folder…": follows an offline watched folder to where it is now, then looks at it."""
    from photoclip.gui.folders import locate_root

    if locate_root(ctx, root_id) is not None:
        indexing.rescan({root_id: [""]})


def exclude_folder(ctx: GuiContext, root_id: int, folder: str, indexing: Rescanning) -> None:
    """Leaves a sub-folder out of the library; the rescan that follows takes its photos out."""
    ctx.library.exclude_folder(root_id, folder)
    indexing.rescan({root_id: [folder]})


def remove_root(ctx: GuiContext, root_id: int, indexing: Rescanning) -> None:
    """Asks, then forgets a watched folder and its photos (the files are untouched; their tags and
    collections are kept for when the folder is added again)."""
    root = ctx.library.find_root(root_id)
    answer = QMessageBox.question(
        ctx.parent,
        "Remove folder",
        f"Remove {root.path} from the library?\n\nIts photos leave the library (and its search results). "
        "The files themselves are not touched, and the photos' tags and collections come back "
        "if you add the folder again.",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return
    indexing.cancel()
    ctx.tasks.run(
        lambda: ctx.library.remove_root(root_id),
        done=lambda _count: ctx.events.root_removed.emit(root_id),
        error=lambda exc: QMessageBox.warning(ctx.parent, "Cannot remove", str(exc)),
    )
