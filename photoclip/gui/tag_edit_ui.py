"""Whole tags edited from the window: the sidebar's tag menu (Review suggestions…, Rename…, Merge
into…, Delete…), the Tags menu of the menu bar, and the grid and sidebar following a tag or a
collection that was renamed or deleted.

Each edit goes through :class:`Library` (one transaction), then the parts hear of it on
``tags_changed`` and ``tag_edited``; the XMP sidecars photoclip wrote follow in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QInputDialog, QMenu, QMenuBar, QMessageBox

from photoclip.core.errors import PhotoclipError
from photoclip.gui.sidebar import RowKind, SidebarContents
from photoclip.gui.tag_review import open_tag_review
from photoclip.gui.wording import plural

if TYPE_CHECKING:
    from photoclip.core.records import TagChange
    from photoclip.gui.browsing import Browser
    from photoclip.gui.context import GuiContext
    from photoclip.gui.sidebar import Sidebar


def spelt(label: str) -> str:
    """A label as the library keeps it (lower case, single spaces)."""
    return " ".join(label.lower().split())


def tag_menu(ctx: GuiContext, label: str) -> QMenu:
    """A tag's right-click menu in the sidebar."""
    summary = ctx.library.tag_summary(label)
    waiting = summary.suggested if summary else 0
    menu = QMenu(ctx.parent)
    review = menu.addAction(
        f"Review {plural(waiting, 'suggestion')}…" if waiting else "Review suggestions…",
        lambda: open_tag_review(ctx, label),
    )
    review.setEnabled(bool(waiting))
    menu.addSeparator()
    menu.addAction("Rename…", lambda: ask_rename_tag(ctx, label))
    menu.addAction("Merge into…", lambda: ask_merge_tag(ctx, label))
    menu.addAction("Delete…", lambda: ask_delete_tag(ctx, label))
    return menu


def confirm(ctx: GuiContext, title: str, text: str, details: str, yes: str) -> bool:
    """Asks before an edit that cannot be undone with one click; Cancel is the default answer."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, ctx.parent)
    box.setInformativeText(details)
    box.button(QMessageBox.StandardButton.Yes).setText(yes)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)


def ask_rename_tag(ctx: GuiContext, label: str) -> TagChange | None:
    """Asks for a new name; a name another tag has merges the two, after asking."""
    count = plural(ctx.library.tag_photo_count(label), "photo")
    new, ok = QInputDialog.getText(ctx.parent, "Rename tag", f"New name for “{label}” ({count}):", text=label)
    if not ok or spelt(new) == label:
        return None
    merge = False
    existing = ctx.library.tag_photo_count(new) if spelt(new) else 0
    if existing:
        merge = confirm(
            ctx,
            "Merge tags",
            f"There is already a tag “{spelt(new)}” ({plural(existing, 'photo')}).",
            f"Merge “{label}” into it? Photos that have both keep one “{spelt(new)}”: accepted if either was "
            "accepted, else rejected if either was rejected.",
            "Merge",
        )
        if not merge:
            return None
    return apply_tag_edit(ctx, lambda: ctx.library.rename_tag(label, new, merge=merge, follow_sidecars=False))


def ask_merge_tag(ctx: GuiContext, label: str) -> TagChange | None:
    """Asks which tag ``label`` becomes part of, then merges it into that one."""
    others = [t.label for t in ctx.library.tag_summaries() if t.label != label]
    if not others:
        QMessageBox.information(ctx.parent, "Merge tags", "There is no other tag to merge it into.")
        return None
    count = plural(ctx.library.tag_photo_count(label), "photo")
    into, ok = QInputDialog.getItem(ctx.parent, "Merge tags", f"Merge “{label}” ({count}) into:", others, 0, False)
    if not ok:
        return None
    return apply_tag_edit(ctx, lambda: ctx.library.merge_tags([label], into, follow_sidecars=False))


def ask_delete_tag(ctx: GuiContext, label: str) -> TagChange | None:
    """Asks (saying how many photos have the tag), then takes it off every photo."""
    summary = ctx.library.tag_summary(label)
    if summary is None:
        return None
    how = f"{summary.accepted:,} accepted, {summary.suggested:,} suggested"
    if not confirm(
        ctx,
        "Delete tag",
        f"Delete the tag “{label}” from {plural(summary.photos, 'photo')} ({how})?",
        "The XMP sidecars photoclip wrote lose it too; keywords other programs wrote stay, and so do the photos. "
        "Photos where you rejected it are remembered, so tagging does not suggest it to them again.",
        "Delete tag",
    ):
        return None
    return apply_tag_edit(ctx, lambda: ctx.library.delete_tag(label, follow_sidecars=False))


def apply_tag_edit(ctx: GuiContext, edit: Callable[[], TagChange]) -> TagChange | None:
    """Runs a tag edit, tells the window's parts, says what was done, and has the sidecars follow."""
    try:
        change = edit()
    except PhotoclipError as exc:
        QMessageBox.warning(ctx.parent, "Tags", str(exc))
        return None
    ctx.events.tags_changed.emit(list(change.photo_ids))
    for label in change.labels:
        ctx.events.tag_edited.emit(label, change.into or "")
    names = ", ".join(f"“{label}”" for label in change.labels)
    done = f"Deleted {names}" if change.into is None else f"{names} is now “{change.into}”"
    ctx.say(f"{done} ({plural(len(change.photo_ids), 'photo')}).", 8000)
    if change.photo_ids:
        follow_edit_sidecars(ctx, change)
    return change


def follow_edit_sidecars(ctx: GuiContext, change: TagChange) -> None:
    """Brings the sidecars photoclip wrote in line after an edit, in the background."""
    library, ids, renamed = ctx.library, list(change.photo_ids), change.renamed

    def done(problems: list[str]) -> None:
        if problems:
            ctx.say(" ".join(problems), 20000)

    ctx.tasks.run(
        lambda: library.follow_sidecars(ids, renamed).problems(),
        done=done,
        error=lambda exc: QMessageBox.warning(ctx.parent, "XMP sidecars", str(exc)),
    )


def install_tag_review(ctx: GuiContext, bar: QMenuBar, browser: Browser, sidebar: Sidebar) -> QMenu:
    """Adds the Tags menu (before Help) and has the grid and the sidebar follow a tag or collection
    that was renamed, merged or deleted while it was shown."""
    tags = QMenu("&Tags", bar)
    tags.addAction("&Review suggestions…", lambda: open_tag_review(ctx), QKeySequence("Ctrl+R"))
    help_menu = next((a for a in bar.actions() if a.text() == "&Help"), None)
    if help_menu is None:
        bar.addMenu(tags)
    else:
        bar.insertMenu(help_menu, tags)
    ctx.events.tag_edited.connect(lambda old, new: follow_tag(ctx, browser, sidebar, old, new))
    ctx.events.collection_edited.connect(lambda old, new: follow_collection(browser, sidebar, old, new))
    return tags


def follow_tag(ctx: GuiContext, browser: Browser, sidebar: Sidebar, old: str, new: str) -> None:
    """The tag ``old`` was renamed or merged into ``new``, or deleted (``new`` empty): the sidebar
    is listed again without ``old`` (the refresh on ``tags_changed`` kept it, at 0, for the pointer's
    sake), and a filter on it moves to ``new``, or is dropped."""
    sidebar.follow_tag_edit(old, new)
    sidebar.populate(SidebarContents.read(ctx.library))
    if old not in browser.filters.tags:
        return
    if browser.filters.tags == (old,):
        if new and sidebar.select_row(RowKind.TAG, new):
            browser.show_tag(new)
        else:
            sidebar.select_all_photos()
        return
    kept = [new if label == old else label for label in browser.filters.tags if label != old or new]
    browser.set_filters(replace(browser.filters, tags=tuple(dict.fromkeys(kept))), browser.collection)


def follow_collection(browser: Browser, sidebar: Sidebar, old: str, new: str) -> None:
    """The grid showed the collection ``old``: it shows ``new`` as it is now (renamed, or photos
    taken out), or all photos if it was deleted."""
    if browser.collection != old:
        return
    if new and sidebar.select_row(RowKind.COLLECTION, new):
        browser.show_collection(new)
    else:
        sidebar.select_all_photos()
