"""Adding a watched folder, and finding one again that was renamed or moved while photoclip was
closed (or a drive mounted elsewhere): its photos keep their tags, collections and vectors."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from photoclip.core.errors import PhotoclipError

if TYPE_CHECKING:
    from photoclip.core.records import Root
    from photoclip.gui.context import GuiContext


class MovedAnswer(Enum):
    """What the user said to "Is this <old folder> moved here?"."""

    RELOCATE = "relocate"
    ADD_NEW = "add new"
    CANCEL = "cancel"


def ask_if_moved(ctx: GuiContext, old: Root, folder: Path) -> MovedAnswer:
    """Asks whether ``folder`` is the offline watched folder ``old``, moved."""
    box = QMessageBox(ctx.parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Is this a folder you moved?")
    box.setText(f"Is this {old.path} moved here?")
    box.setInformativeText(
        f"{old.path} is offline, and {folder} holds the same photos. If it is the same folder, moved or "
        "renamed, photoclip follows it: its photos keep their tags and collections and need no indexing."
    )
    relocate = box.addButton("Yes, it moved here", QMessageBox.ButtonRole.AcceptRole)
    add_new = box.addButton("No, add it as a new folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(relocate)
    box.exec()
    clicked = box.clickedButton()
    if clicked is relocate:
        return MovedAnswer.RELOCATE
    if clicked is add_new:
        return MovedAnswer.ADD_NEW
    return MovedAnswer.CANCEL


def add_or_relocate(ctx: GuiContext, folder: Path) -> Root | None:
    """Adds ``folder`` to the library, unless it is an offline watched folder moved and the user
    says so: then that folder is followed (see :meth:`Library.relocate_root`). None when nothing
    was added (cancelled, or refused with a message)."""
    library = ctx.library
    try:
        moved = library.find_moved_root(folder) if library.find_root_or_none(folder) is None else None
        if moved is not None:
            answer = ask_if_moved(ctx, moved, folder)
            if answer is MovedAnswer.CANCEL:
                return None
            if answer is MovedAnswer.RELOCATE:
                root = library.relocate_root(moved.id, folder)
                ctx.say(f"{moved.path} is now followed at {root.path}; its photos kept their tags.", 15000)
                ctx.events.folders_changed.emit()
                return root
        root = library.add_root(folder)
    except (PhotoclipError, OSError) as exc:
        QMessageBox.warning(ctx.parent, "Cannot add this folder", str(exc))
        return None
    ctx.events.folders_changed.emit()
    return root


def locate_root(ctx: GuiContext, root_id: int) -> Root | None:
    """ "Locate folder…" on an offline watched folder: asks where it is now and follows it there.
    None when the user cancelled or the folder chosen does not hold its photos (they are told why)."""
    library = ctx.library
    try:
        old = library.find_root(root_id)
    except PhotoclipError:  # it left the library while the menu was open
        return None
    start = next((str(p) for p in old.path.parents if p.is_dir()), str(Path.home()))
    chosen = QFileDialog.getExistingDirectory(ctx.parent, f"Where is {old.path.name} now?", start)
    if not chosen:
        return None
    try:
        root = library.relocate_root(root_id, Path(chosen))
    except (PhotoclipError, OSError) as exc:
        QMessageBox.warning(ctx.parent, "Not the same folder", str(exc))
        return None
    ctx.say(f"{old.path} is now followed at {root.path}; its photos kept their tags.", 15000)
    ctx.events.folders_changed.emit()
    return root
