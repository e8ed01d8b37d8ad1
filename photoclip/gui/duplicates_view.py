"""The duplicates view: groups of copies of one photo, one group at a time, driven by the keyboard.

The copy kept for a group comes first and can never be marked. The person marks the copies to
let go (Space, or A for all of the group's; A again unmarks them all), reveals one in the file manager (R) and moves the
marked ones to the system trash (Delete), which happens only after a confirmation whose default
answer is Cancel. Finding and trashing run on the window's task runner; the library does the
work (:meth:`Library.duplicates`, :meth:`Library.move_to_trash`) and refuses anything unsafe.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFontMetrics, QIcon, QKeyEvent, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from photoclip.core.duplicates import DuplicateGroup, TrashReport, describe
from photoclip.core.formatting import display_path, format_bytes, plural
from photoclip.gui.file_actions import show_in_folder
from photoclip.gui.thumbnails import ThumbnailLoader

if TYPE_CHECKING:
    from photoclip.gui.context import GuiContext

KEYS_HELP = (
    "Space: mark a copy · A: mark all (again: none) · PgDn/PgUp: next/previous group · R: show in folder"
    " · Del: move to trash"
)
_PHOTO_ID = Qt.ItemDataRole.UserRole
#: Room the list leaves beside a copy's text: the check box, the thumbnail, margins (px).
_BESIDE_TEXT = 220
#: The widest a path is written in the trash confirmation before it is shortened in the middle (px).
_CONFIRM_PATH_WIDTH = 560


class DuplicatesView(QDialog):
    """Goes through the library's duplicate groups; see the module docstring for the keys."""

    #: Ids of photos moved to the trash (the window refreshes what it shows).
    photos_trashed = Signal(list)
    #: A search for groups finished (how many were found).
    groups_found = Signal(int)

    def __init__(self, ctx: GuiContext, *, reveal: Callable[[Path], object] = show_in_folder) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.reveal = reveal
        self.groups: list[DuplicateGroup] | None = None  # None while looking
        self.current = 0
        self.marked: set[int] = set()
        self.confirmation: QMessageBox | None = None
        self.notice: QMessageBox | None = None
        self._items: dict[int, QListWidgetItem] = {}
        self.setWindowTitle("Duplicates")
        self.resize(860, 640)
        self.thumbnails = ThumbnailLoader(ctx.library.paths.thumbnails, capacity=200, parent=self)
        self.thumbnails.ready.connect(self._thumbnail_ready)
        self._build()
        self.find()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.near = QCheckBox("Also resized, re-encoded, cropped and edited copies")
        self.near.toggled.connect(lambda _on: self.find())
        self.summary = QLabel()
        self.copies = QListWidget()
        self.copies.setIconSize(QSize(160, 160))
        self.copies.setSpacing(4)
        # A long file name is shortened in the middle (the full path is the tooltip), never
        # scrolled to: a sideways scroll bar would hide the thumbnails.
        self.copies.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.copies.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.copies.itemChanged.connect(self._item_changed)
        self.copies.installEventFilter(self)
        self.previous_button = QPushButton("◀ Previous group")
        self.next_button = QPushButton("Next group ▶")
        self.reveal_button = QPushButton("Show in folder")
        self.trash_button = QPushButton("Move to trash…")
        close = QPushButton("Close")
        self.previous_button.clicked.connect(self.previous_group)
        self.next_button.clicked.connect(self.next_group)
        self.reveal_button.clicked.connect(self.reveal_current)
        self.trash_button.clicked.connect(self.ask_to_trash)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.previous_button, self.next_button, self.reveal_button, self.trash_button, close):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the list of copies
            buttons.addWidget(button)
        self.near.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        column = QVBoxLayout(self)
        column.addWidget(self.near)
        column.addWidget(self.summary)
        column.addWidget(self.copies, 1)
        column.addWidget(QLabel(KEYS_HELP))
        column.addLayout(buttons)
        for keys, slot in (
            (("PgDown", "N"), self.next_group),
            (("PgUp", "P"), self.previous_group),
            (("R",), self.reveal_current),
            (("A",), self.mark_all_or_none),
            (("Del",), self.ask_to_trash),
        ):
            for key in keys:
                QShortcut(QKeySequence(key), self, activated=slot)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space on the list marks or unmarks the current copy; a resized list writes its paths
        again to fit."""
        if watched is self.copies and event.type() == QEvent.Type.Resize:
            self._write_labels()
        if watched is self.copies and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Space:
            if event.type() == QEvent.Type.KeyPress:
                self.toggle_current()
            return True
        return super().eventFilter(watched, event)

    # -- finding -----------------------------------------------------------------------------
    def find(self) -> None:
        """Looks for the groups again (in the background)."""
        near = self.near.isChecked()
        self.groups = None
        self.marked.clear()
        self.copies.clear()
        self._items.clear()
        self.summary.setText("Looking for duplicates…")
        self._update_buttons()
        self.ctx.tasks.run(
            lambda: self.ctx.library.duplicates(near=near), done=self._found, error=self._failed, key="duplicates"
        )

    def _found(self, groups: list[DuplicateGroup]) -> None:
        self.groups = groups
        self.current = 0
        self._show_group()
        self.groups_found.emit(len(groups))

    def _failed(self, exc: BaseException) -> None:
        self.groups = []
        self.summary.setText(f"Duplicates could not be found: {exc}")
        self._update_buttons()

    # -- one group ---------------------------------------------------------------------------
    def group(self) -> DuplicateGroup | None:
        """The group on screen."""
        return self.groups[self.current] if self.groups else None

    def _show_group(self) -> None:
        self.copies.blockSignals(True)
        self.copies.clear()
        self._items.clear()
        group = self.group()
        if group is None:
            none = "No duplicates found." if self.groups is not None else "Looking for duplicates…"
            if not self.near.isChecked() and self.groups is not None:
                none += " Tick the box above to look for resized or edited copies too."
            self.summary.setText(none)
        else:
            assert self.groups is not None
            self.summary.setText(
                f"Group {self.current + 1} of {len(self.groups)}: {len(group.copies)} copies, "
                f"{format_bytes(group.reclaimable)} to gain if all but the first go."
            )
            for copy in group.copies:
                item = QListWidgetItem()
                item.setData(_PHOTO_ID, copy.photo.id)
                item.setToolTip(display_path(copy.photo.path))
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if copy.kind is not None:  # the kept copy cannot be marked
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                    item.setCheckState(
                        Qt.CheckState.Checked if copy.photo.id in self.marked else Qt.CheckState.Unchecked
                    )
                item.setFlags(flags)
                self.copies.addItem(item)
                self._items[copy.photo.id] = item
                image = self.thumbnails.get(copy.photo.id, copy.photo.fingerprint, copy.photo.path)
                if image is not None:
                    item.setIcon(QIcon(QPixmap.fromImage(image)))
            self.copies.setCurrentRow(1 if len(group.copies) > 1 else 0)
        self._write_labels()
        self.copies.blockSignals(False)
        self.thumbnails.set_visible(set(self._items))
        self._update_buttons()

    def _write_labels(self) -> None:
        """Each copy's text, its path shortened in the middle to the list's width."""
        group = self.group()
        if group is None:
            return
        room = max(120, self.copies.viewport().width() - _BESIDE_TEXT)
        metrics = self.copies.fontMetrics()
        for copy in group.copies:
            item = self._items.get(copy.photo.id)
            if item is not None:
                path = metrics.elidedText(display_path(copy.photo.path), Qt.TextElideMode.ElideMiddle, room)
                first = "KEEP (the best copy)" if copy.kind is None else f"copy: {copy.kind}"
                item.setText(f"{first}\n{path}\n{describe(copy.photo)}")

    def _thumbnail_ready(self, photo_id: int) -> None:
        item = self._items.get(photo_id)
        group = self.group()
        if item is None or group is None:
            return
        photo = next(c.photo for c in group.copies if c.photo.id == photo_id)
        image = self.thumbnails.get(photo_id, photo.fingerprint, photo.path)
        if image is not None and not image.isNull():
            item.setIcon(QIcon(QPixmap.fromImage(image)))

    def _update_buttons(self) -> None:
        count = len(self.groups or [])
        self.previous_button.setEnabled(self.current > 0)
        self.next_button.setEnabled(self.current + 1 < count)
        self.reveal_button.setEnabled(self.group() is not None)
        self.trash_button.setEnabled(bool(self.marked_here()))
        marked = self.marked_here()
        self.trash_button.setText(f"Move {len(marked)} to trash…" if marked else "Move to trash…")

    # -- keys --------------------------------------------------------------------------------
    def next_group(self) -> None:
        """Shows the next group (PgDown, N)."""
        if self.groups and self.current + 1 < len(self.groups):
            self.current += 1
            self._show_group()

    def previous_group(self) -> None:
        """Shows the previous group (PgUp, P)."""
        if self.groups and self.current > 0:
            self.current -= 1
            self._show_group()

    def current_photo_id(self) -> int | None:
        """The copy the list's cursor is on."""
        item = self.copies.currentItem()
        return None if item is None else int(item.data(_PHOTO_ID))

    def toggle_current(self) -> None:
        """Marks or unmarks the current copy (Space); the kept copy cannot be marked."""
        item = self.copies.currentItem()
        if item is not None and item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)

    def mark_all_or_none(self) -> None:
        """Marks every copy of the group but the kept one (A); when all are marked already,
        unmarks them all, so a second A takes back the first."""
        group = self.group()
        if group is not None:
            every = len(self.marked_here()) == len(group.others)
            state = Qt.CheckState.Unchecked if every else Qt.CheckState.Checked
            for copy in group.others:
                self._items[copy.photo.id].setCheckState(state)

    def _item_changed(self, item: QListWidgetItem) -> None:
        photo_id = int(item.data(_PHOTO_ID))
        if item.checkState() == Qt.CheckState.Checked:
            self.marked.add(photo_id)
        else:
            self.marked.discard(photo_id)
        self._update_buttons()

    def marked_here(self) -> list[int]:
        """The marked copies of the group on screen (never its kept copy)."""
        group = self.group()
        return [] if group is None else [c.photo.id for c in group.others if c.photo.id in self.marked]

    def reveal_current(self) -> None:
        """Shows the current copy in the file manager (R)."""
        group, photo_id = self.group(), self.current_photo_id()
        if group is not None and photo_id is not None:
            self.reveal(next(c.photo.path for c in group.copies if c.photo.id == photo_id))

    # -- the trash ---------------------------------------------------------------------------
    def ask_to_trash(self) -> None:
        """Asks before moving the marked copies to the system trash (Delete); Cancel is the default."""
        group, ids = self.group(), self.marked_here()
        if group is None or not ids:
            self.ctx.say("Mark the copies to move to the trash first (Space, or A for all).", 5000)
            return
        chosen = [c.photo for c in group.others if c.photo.id in ids]
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Move to trash",
            f"Move {plural(len(chosen), 'copy', 'copies')} "
            f"({format_bytes(sum(p.size for p in chosen))}) to the system trash?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        # The kept path on a line of its own that never breaks (shortened in the middle when very
        # long; whole in the details): a path wrapped at a slash reads as two places.
        kept = display_path(group.keep.path)
        shown = QFontMetrics(box.font()).elidedText(kept, Qt.TextElideMode.ElideMiddle, _CONFIRM_PATH_WIDTH)
        box.setInformativeText(
            "<p>The kept copy stays where it is:<br>"
            f"<span style='white-space:pre'>{html.escape(shown)}</span></p>"
            "<p>Files in the trash can be restored from there.</p>"
        )
        box.setDetailedText(
            "Moved to the trash:\n" + "\n".join(display_path(p.path) for p in chosen) + f"\n\nKept:\n{kept}"
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Move to trash")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self._answered(button is yes, group, ids))
        self.confirmation = box
        box.open()

    def _answered(self, confirmed: bool, group: DuplicateGroup, ids: list[int]) -> None:
        self.confirmation = None
        if not confirmed:
            return
        self.trash_button.setEnabled(False)
        self.summary.setText("Moving to the trash…")
        self.ctx.tasks.run(
            lambda: self.ctx.library.move_to_trash(ids, [group]),
            done=lambda report: self._trashed(group, report),
            error=self._trash_failed,
        )

    def _trashed(self, group: DuplicateGroup, report: TrashReport) -> None:
        gone = {p.id for p in report.trashed}
        self.marked -= gone
        if self.groups is not None and group in self.groups:
            left = tuple(c for c in group.copies if c.photo.id not in gone)
            where = self.groups.index(group)
            if len(left) > 1:
                self.groups[where] = DuplicateGroup(left)
            else:
                del self.groups[where]
                self.current = min(self.current, max(0, len(self.groups) - 1))
        self._show_group()
        if gone:
            self.ctx.say(f"Moved {len(gone)} to the trash ({format_bytes(report.freed)}).", 8000)
            self.photos_trashed.emit(sorted(gone))
        if report.refused:
            self._tell("Some copies were kept", "\n".join(reason for _id, reason in report.refused))

    def _trash_failed(self, exc: BaseException) -> None:
        self._show_group()
        self._tell("Nothing was moved to the trash", str(exc))

    def _tell(self, title: str, text: str) -> None:
        self.notice = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        self.notice.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Waits for thumbnails still being read, then closes."""
        self.thumbnails.wait(2000)
        super().closeEvent(event)


def open_duplicates(ctx: GuiContext, *on_trashed: Callable[[], object]) -> DuplicatesView:
    """Opens the duplicates view over the window (View → Duplicates…); an open one comes forward.
    Each of ``on_trashed`` is called after photos were moved to the trash (the window refreshes)."""
    for existing in ctx.parent.findChildren(DuplicatesView):
        if existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return existing
    view = DuplicatesView(ctx)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    for refresh in on_trashed:
        view.photos_trashed.connect(lambda _ids, refresh=refresh: refresh())
    view.show()
    return view
