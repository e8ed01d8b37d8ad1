"""Tags and collections in the menus: review a photo's tags (accept, reject, add), put photos in a
collection or take them out of the one shown, save a search as a collection. (A collection's own
right-click menu is in :mod:`photoclip.gui.collection_edit_ui`, a tag's in :mod:`photoclip.gui.tag_edit_ui`.)"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from photoclip.core.errors import PhotoclipError
from photoclip.core.records import TagSource, TagState

if TYPE_CHECKING:
    from photoclip.core.records import PhotoRow
    from photoclip.gui.context import GuiContext


def add_tag_entries(
    ctx: GuiContext,
    menu: QMenu,
    photos: Sequence[PhotoRow],
    collection: str | None = None,
    removed: Callable[[list[int]], object] | None = None,
) -> None:
    """Adds the tag review (accept, reject, add) and "Add to collection…" to a photo menu; in the view
    of a hand-picked ``collection``, "Remove from collection" too (``removed`` gets the ids taken out)."""
    menu.addSeparator()
    if len(photos) == 1:
        photo = photos[0]
        tags_menu = menu.addMenu("Tags")
        for tag in ctx.library.tags.tags(photo.id):
            suggested = tag.state == TagState.SUGGESTED
            entry = tags_menu.addMenu(f"{tag.label}  ({tag.score:.2f}, suggested)" if suggested else tag.label)
            if suggested:
                entry.addAction("Accept", lambda t=tag: review_tag(ctx, photo.id, t.label, accept=True))
            entry.addAction(
                "Remove" if tag.source == TagSource.USER else "Reject (never suggest again)",
                lambda t=tag: review_tag(ctx, photo.id, t.label, accept=False),
            )
        if tags_menu.isEmpty():
            tags_menu.addAction("(no tags)").setEnabled(False)
        tags_menu.addSeparator()
        tags_menu.addAction("Add tag…", lambda: ask_and_add_tag(ctx, [photo.id]))
    else:
        menu.addAction(f"Add tag to {len(photos)} photos…", lambda: ask_and_add_tag(ctx, [p.id for p in photos]))
    menu.addAction("Add to collection…", lambda: ask_and_add_to_collection(ctx, [p.id for p in photos]))
    picked = ctx.library.tags.collection(collection) if collection else None
    if picked is not None and not picked.query:
        ids = [p.id for p in photos]
        menu.addAction(
            f"Remove from “{picked.name}”" if len(ids) == 1 else f"Remove {len(ids)} photos from “{picked.name}”",
            lambda: remove_from_collection(ctx, picked.name, ids, removed),
        )


def review_tag(ctx: GuiContext, photo_id: int, label: str, *, accept: bool) -> None:
    """Accepts or rejects (a user's own tag: removes) one tag of one photo; its sidecar follows."""
    if accept:
        ctx.library.tags.accept(photo_id, label)
    else:
        ctx.library.tags.reject(photo_id, label)
    ctx.events.tags_changed.emit([photo_id])
    follow_sidecars(ctx, [photo_id])


def ask_and_add_tag(ctx: GuiContext, photo_ids: list[int]) -> None:
    """Asks for a tag and gives it to the photos."""
    label, ok = QInputDialog.getText(ctx.parent, "Add tag", "Tag:")
    if ok and label.strip():
        for photo_id in photo_ids:
            ctx.library.tags.add(photo_id, label)
        ctx.events.tags_changed.emit(list(photo_ids))
        follow_sidecars(ctx, photo_ids)


def follow_sidecars(ctx: GuiContext, photo_ids: list[int]) -> None:
    """Brings the sidecars photoclip wrote for these photos in line with their reviewed tags, in the background."""
    library = ctx.library

    def job() -> list[str]:
        return [line for photo_id in photo_ids for line in library.follow_review(photo_id).problems()]

    def done(problems: list[str]) -> None:
        if problems:
            ctx.say(" ".join(problems), 20000)

    ctx.tasks.run(job, done=done, error=lambda exc: QMessageBox.warning(ctx.parent, "XMP sidecars", str(exc)))


def ask_and_add_to_collection(ctx: GuiContext, photo_ids: list[int]) -> None:
    """Asks for a collection (an existing one, or a new name) and puts the photos in it."""
    names = [c.name for c in ctx.library.tags.collections() if not c.query]
    name, ok = QInputDialog.getItem(
        ctx.parent, "Add to collection", "Collection (type a new name to create one):", names, 0, True
    )
    if ok and name.strip():
        add_to_collection(ctx, name, photo_ids)


def add_to_collection(ctx: GuiContext, name: str, photo_ids: list[int]) -> None:
    """Puts the photos in the collection ``name``, made if there is none by that name."""
    store = ctx.library.tags
    collection = store.collection(name) or store.create_collection(name)
    store.add_to_collection(collection, photo_ids)
    ctx.events.collections_changed.emit()


def remove_from_collection(
    ctx: GuiContext, name: str, photo_ids: list[int], removed: Callable[[list[int]], object] | None = None
) -> int:
    """Takes photos out of a hand-picked collection (they stay in the library); the grid showing it
    loses them at once (``removed``), the sidebar's count and the view follow."""
    try:
        count = ctx.library.remove_from_collection(name, photo_ids)
    except PhotoclipError as exc:
        QMessageBox.warning(ctx.parent, "Collections", str(exc))
        return 0
    if removed is not None:
        removed(photo_ids)
    ctx.events.collections_changed.emit()
    ctx.events.collection_edited.emit(name, name)
    ctx.say(f"Took {count:,} photo{'s' if count != 1 else ''} out of “{name}”; they stay in the library.", 8000)
    return count


def save_search_as_collection(ctx: GuiContext, query: str) -> None:
    """Saves a text search as a collection (an album that updates itself); ``query`` is '' when the
    search box holds no text search (empty, or "similar to …")."""
    if not query:
        QMessageBox.information(
            ctx.parent, "Save search", "Type a search first; a saved search is an album of whatever it finds."
        )
        return
    name, ok = QInputDialog.getText(ctx.parent, "Save search as collection", "Name:", text=query)
    if ok and name.strip():
        try:
            ctx.library.save_search(name.strip(), query)
        except PhotoclipError as exc:  # a search that could find nothing: say why instead of saving it
            QMessageBox.warning(ctx.parent, "Save search", str(exc))
            return
        ctx.events.collections_changed.emit()
