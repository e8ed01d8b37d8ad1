"""The review screen: one tag's suggestions in a grid, accepted or rejected with the keyboard.

Enter accepts the selected photos (or the current one), Delete rejects them, N goes to the next
tag with suggestions; "Accept all" takes the rest. A review of an album (a folder or a collection)
shows only that album's photos. Each decision is written at once through :class:`Library` (one
transaction), the photos leave the grid at once, the counts follow, the window hears of it on
``tags_changed``, and the XMP sidecars photoclip wrote follow in the background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
)

from photoclip.gui.delegate import PhotoDelegate
from photoclip.gui.empty_state import EmptyState
from photoclip.gui.photo_grid import PhotoGrid
from photoclip.gui.photo_model import PhotoListModel
from photoclip.gui.tag_menus import follow_sidecars
from photoclip.gui.thumbnails import ThumbnailLoader
from photoclip.gui.wording import plural

if TYPE_CHECKING:
    from photoclip.core.albums import Album
    from photoclip.core.records import TagChange, TagSummary
    from photoclip.gui.context import GuiContext

KEYS_HELP = "Enter: accept · Delete: reject · N: next tag · Ctrl+A: select all · Esc: close"


class TagReviewView(QDialog):
    """Goes through the suggested tags of the library or of an album, one tag at a time."""

    def __init__(self, ctx: GuiContext, album: Album | None = None, label: str | None = None) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.scope = album.photo_ids if album is not None else None
        self.where = album.description if album is not None else "the whole library"
        self.label: str | None = None
        self.summaries: dict[str, TagSummary] = {}
        self.order: list[str] = []  # the tags as first listed: N goes down this list
        self._own_change = False
        self.setWindowTitle("Review suggested tags")
        self.resize(980, 700)
        self.thumbnails = ThumbnailLoader(ctx.library.paths.thumbnails, capacity=400, parent=self)
        self.photos = PhotoListModel(ctx.library.photos, self.thumbnails, self)
        self.grid = PhotoGrid(self.photos, PhotoDelegate(parent=self))
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.grid.verticalScrollBar().valueChanged.connect(lambda _v: self._visible_changed())
        self.grid.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._build()
        ctx.events.tags_changed.connect(self._changed_elsewhere)
        self._read_summaries()
        self.show_tag(label if label in self.summaries and self.summaries[label].suggested else self._next_label())

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.choice = QComboBox()
        self.choice.setMinimumWidth(260)
        self.choice.activated.connect(lambda i: self.show_tag(self.choice.itemData(i)))
        self.counts = QLabel()
        # Not "self.done": that would hide QDialog.done(), which closing the dialog calls.
        self.all_reviewed = EmptyState()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.grid)
        self.pages.addWidget(self.all_reviewed)
        self.accept_button = QPushButton("Accept selected")
        self.reject_button = QPushButton("Reject selected")
        self.accept_all_button = QPushButton("Accept all")
        self.next_button = QPushButton("Next tag ▶")
        close = QPushButton("Close")
        self.accept_button.clicked.connect(self.accept_selected)
        self.reject_button.clicked.connect(self.reject_selected)
        self.accept_all_button.clicked.connect(self.accept_all)
        self.next_button.clicked.connect(self.next_tag)
        close.clicked.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(QLabel("Tag:"))
        top.addWidget(self.choice)
        top.addWidget(QLabel(f"in {self.where}"))
        top.addStretch(1)
        top.addWidget(self.counts)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.reject_button, self.accept_all_button, self.next_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        for button in (self.accept_button, self.reject_button, self.accept_all_button, self.next_button, close):
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the grid
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.pages, 1)
        column.addWidget(QLabel(KEYS_HELP))
        column.addLayout(buttons)
        # The grid takes Enter for "activate", Delete and letters for itself (a keyboard search):
        # a filter on it catches them first. The dialog's own shortcuts serve when it lacks focus.
        self.grid.installEventFilter(self)
        self.keys = {
            Qt.Key.Key_Return: self.accept_selected,
            Qt.Key.Key_Enter: self.accept_selected,
            Qt.Key.Key_Delete: self.reject_selected,
            Qt.Key.Key_Backspace: self.reject_selected,
            Qt.Key.Key_N: self.next_tag,
        }
        for key, slot in (("Del", self.reject_selected), ("N", self.next_tag)):
            QShortcut(QKeySequence(key), self, activated=slot)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter, Delete and N on the grid: accept, reject, next tag."""
        plain = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        if (
            watched is self.grid
            and isinstance(event, QKeyEvent)
            and event.key() in self.keys
            and event.modifiers() in plain
        ):
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()  # the key comes here as a key press, not to a shortcut as well
            elif event.type() == QEvent.Type.KeyPress:
                self.keys[Qt.Key(event.key())]()
            return True
        return super().eventFilter(watched, event)

    # -- what is shown -----------------------------------------------------------------------
    def _read_summaries(self) -> None:
        summaries = self.ctx.library.tag_summaries(self.scope)
        self.summaries = {t.label: t for t in summaries}
        waiting = sorted((t for t in summaries if t.suggested), key=lambda t: (-t.suggested, t.label))
        self.order += [t.label for t in waiting if t.label not in self.order]
        self.choice.blockSignals(True)
        self.choice.clear()
        for label in self.order:
            left = self.summaries[label].suggested if label in self.summaries else 0
            self.choice.addItem(f"{label} — {left} suggested" if left else f"{label} — reviewed", label)
        self.choice.setCurrentIndex(max(0, self.choice.findData(self.label)))
        self.choice.blockSignals(False)

    def show_tag(self, label: str | None) -> None:
        """Shows the suggestions of ``label`` (None: nothing left to review)."""
        self.label = label
        ids = []
        scores = []
        if label is not None:
            for suggestion in self.ctx.library.suggestions(label, self.scope):
                ids.append(suggestion.photo_id)
                scores.append(suggestion.score if suggestion.score is not None else 0.0)
        self.photos.set_photos(ids, scores)
        self.thumbnails.set_visible(set(ids[:200]))
        self.choice.setCurrentIndex(max(0, self.choice.findData(label)))
        self._place_cursor(0)
        self._show_page()

    def _show_page(self) -> None:
        summary = self.summaries.get(self.label or "")
        accepted = summary.accepted if summary else 0
        left = self.photos.rowCount()
        if self.label is None:
            self.counts.setText("")
        else:
            self.counts.setText(f"{plural(left, 'suggestion')} to review · {accepted:,} accepted")
        if left:
            self.pages.setCurrentWidget(self.grid)
            self.grid.setFocus()
        else:
            following = self._next_label()
            if self.label is None:
                title, text = "Nothing to review", f"No tag has suggestions to review in {self.where}."
            else:
                title = f"Every suggestion of “{self.label}” is reviewed"
                text = f"Next: “{following}” — press N." if following else "No other tag has suggestions here."
            self.all_reviewed.show_message(title, text)
            self.pages.setCurrentWidget(self.all_reviewed)
        self._update_buttons()
        self._visible_changed()

    def _update_buttons(self) -> None:
        left = self.photos.rowCount()
        chosen = len(self.selected_ids())
        self.accept_button.setEnabled(chosen > 0)
        self.reject_button.setEnabled(chosen > 0)
        self.accept_button.setText(f"Accept {chosen} ⏎" if chosen > 1 else "Accept ⏎")
        self.reject_button.setText(f"Reject {chosen} ⌦" if chosen > 1 else "Reject ⌦")
        self.accept_all_button.setEnabled(left > 0)
        self.accept_all_button.setText(f"Accept all {left:,}" if left else "Accept all")
        self.next_button.setEnabled(self._next_label() is not None)

    def _place_cursor(self, row: int) -> None:
        """Puts the cursor (and the selection) on ``row``, or the last row when it is past the end."""
        count = self.photos.rowCount()
        if not count:
            return
        index = self.photos.index(min(row, count - 1))
        self.grid.setCurrentIndex(index)  # in extended selection, this also selects it alone
        self.grid.scrollTo(index)

    def _visible_changed(self) -> None:
        first = self.grid.indexAt(self.grid.rect().topLeft())
        start = first.row() if first.isValid() else 0
        self.thumbnails.set_visible({int(i) for i in self.photos.ids[max(0, start - 60) : start + 200]})

    def _next_label(self) -> str | None:
        """The tag after the current one (in the order first listed, round the end) that still has suggestions."""
        if not self.order:
            return None
        start = self.order.index(self.label) + 1 if self.label in self.order else 0
        for label in self.order[start:] + self.order[:start]:
            summary = self.summaries.get(label)
            if label != self.label and summary is not None and summary.suggested:
                return label
        return None

    def selected_ids(self) -> list[int]:
        """The selected photos (in grid order), or the current one when none is selected."""
        rows = sorted({i.row() for i in self.grid.selectionModel().selectedIndexes()})
        if not rows and self.grid.currentIndex().isValid() and self.pages.currentWidget() is self.grid:
            rows = [self.grid.currentIndex().row()]
        return [int(self.photos.ids[r]) for r in rows if r < len(self.photos.ids)]

    # -- decisions ---------------------------------------------------------------------------
    def accept_selected(self) -> None:
        """Accepts the tag for the selected photos (Enter)."""
        self._review(self.selected_ids(), accept=True)

    def reject_selected(self) -> None:
        """Rejects the tag for the selected photos (Delete): it is never suggested to them again."""
        self._review(self.selected_ids(), accept=False)

    def accept_all(self) -> None:
        """Accepts the tag for every photo still in the grid."""
        self._review([int(i) for i in self.photos.ids], accept=True)

    def next_tag(self) -> None:
        """Goes to the next tag that has suggestions (N)."""
        following = self._next_label()
        if following is not None:
            self.show_tag(following)

    def _review(self, photo_ids: list[int], *, accept: bool) -> None:
        if self.label is None or not photo_ids:
            return
        library = self.ctx.library
        rows = [self.photos.row_of(pid) for pid in photo_ids]
        first_row = min(r for r in rows if r is not None) if any(r is not None for r in rows) else 0
        decide = library.accept_suggestions if accept else library.reject_suggestions
        change: TagChange = decide(self.label, photo_ids, follow_sidecars=False)
        self.photos.remove_ids(set(photo_ids))  # gone from the grid now, whatever the library says next
        self._read_summaries()
        self._place_cursor(first_row)
        self._show_page()
        verb = "Accepted" if accept else "Rejected"
        self.ctx.say(f"{verb} “{self.label}” for {plural(len(change.photo_ids), 'photo')}.", 5000)
        if change.photo_ids:
            self._own_change = True
            try:
                self.ctx.events.tags_changed.emit(list(change.photo_ids))
            finally:
                self._own_change = False
            follow_sidecars(self.ctx, list(change.photo_ids))

    def _changed_elsewhere(self, _photo_ids: object) -> None:
        """Tags changed in the window or a tagging run: the grid shows what is left to review now."""
        if self._own_change or not self.isVisible():
            return
        current = self.grid.currentIndex().row()
        self._read_summaries()
        self.show_tag(self.label if self.label in self.summaries else self._next_label())
        self._place_cursor(max(0, current))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Waits for thumbnails still being read, then closes (a hidden view ignores tag changes)."""
        self.thumbnails.wait(2000)
        super().closeEvent(event)


def open_tag_review(ctx: GuiContext, label: str | None = None, album: Album | None = None) -> TagReviewView:
    """Opens the review screen over the window, on ``label`` (default: the tag with most suggestions)
    and within ``album`` (default: the whole library); a review already open gives way to it."""
    for existing in ctx.parent.findChildren(TagReviewView):
        if existing.isVisible():
            existing.close()
    view = TagReviewView(ctx, album, label)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    view.raise_()
    view.activateWindow()
    return view
