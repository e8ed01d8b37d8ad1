"""A collection's right-click menu in the sidebar: Review suggestions…, Auto-tag…, Rename…, Delete…

Each edit goes through :class:`Library`; the sidebar hears of it on ``collections_changed``, and
the grid showing the collection on ``collection_edited`` (see :mod:`photoclip.gui.tag_edit_ui`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from photoclip.core.errors import PhotoclipError
from photoclip.gui.tag_edit_ui import confirm
from photoclip.gui.tag_review import open_tag_review
from photoclip.gui.tagging_ui import auto_tag
from photoclip.gui.wording import plural

if TYPE_CHECKING:
    from photoclip.gui.context import GuiContext


def collection_menu(ctx: GuiContext, name: str) -> QMenu:
    """A collection's right-click menu."""
    menu = QMenu(ctx.parent)
    menu.addAction("Review suggestions…", lambda: review_collection(ctx, name))
    menu.addAction("Auto-tag…", lambda: auto_tag(ctx, ctx.library.collection_album(name)))
    menu.addSeparator()
    menu.addAction("Rename…", lambda: ask_rename_collection(ctx, name))
    menu.addAction("Delete…", lambda: ask_delete_collection(ctx, name))
    return menu


def review_collection(ctx: GuiContext, name: str) -> None:
    """Opens the review screen on the suggestions of a collection's photos."""
    try:
        album = ctx.library.collection_album(name)
    except PhotoclipError as exc:  # a saved search that needs a model not there now
        QMessageBox.warning(ctx.parent, "Review suggestions", str(exc))
        return
    open_tag_review(ctx, album=album)


def ask_rename_collection(ctx: GuiContext, name: str) -> str | None:
    """Asks for a new name and renames the collection; returns the new name (None if it was not renamed)."""
    new, ok = QInputDialog.getText(ctx.parent, "Rename collection", f"New name for “{name}”:", text=name)
    if not ok or new.strip() == name:
        return None
    try:
        renamed = ctx.library.rename_collection(name, new)
    except PhotoclipError as exc:
        QMessageBox.warning(ctx.parent, "Rename collection", str(exc))
        return None
    ctx.events.collections_changed.emit()
    ctx.events.collection_edited.emit(name, renamed.name)
    ctx.say(f"The collection “{name}” is now “{renamed.name}”.", 8000)
    return renamed.name


def ask_delete_collection(ctx: GuiContext, name: str) -> bool:
    """Asks (saying what it holds), then deletes the collection; its photos stay."""
    collection = ctx.library.tags.collection(name)
    if collection is None:
        return False
    if collection.query:
        what = f"Delete the saved search “{name}” ({collection.query})?"
    else:
        held = len(ctx.library.tags.collection_photo_ids(collection))
        what = f"Delete the collection “{name}” ({plural(held, 'photo')})?"
    if not confirm(ctx, "Delete collection", what, "The photos stay in the library and in their folders.", "Delete"):
        return False
    try:
        ctx.library.delete_collection(name)
    except PhotoclipError as exc:
        QMessageBox.warning(ctx.parent, "Delete collection", str(exc))
        return False
    ctx.events.collections_changed.emit()
    ctx.events.collection_edited.emit(name, "")
    ctx.say(f"Deleted the collection “{name}”; its photos stay in the library.", 8000)
    return True
