"""Suggestions under the search box as you type: recent searches, tag and folder names.

The list (a :class:`QCompleter` popup) never takes the search away from the typing: nothing in it
is chosen until an arrow key or the mouse chooses it, so Enter searches what is typed; moving
through it puts each suggestion in the box without searching; Enter or a click searches the one
chosen (a whole suggestion, never half a word); Esc closes it and gives back what was typed. With
the list closed, the arrow keys do what they did before (Down goes to the grid).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photoclip.core.suggestions import Names, Suggestion, suggest

if TYPE_CHECKING:
    from photoclip.gui.context import GuiContext
    from photoclip.gui.search_bar import SearchBar
    from photoclip.gui.search_memory import SearchMemory

#: The item's whole search box text (what choosing it puts there) and its note ("tag · 12 photos").
TEXT_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_ROLE = Qt.ItemDataRole.UserRole + 3
#: The library's tag and folder names are read again when older than this (seconds) as you type.
NAMES_STALE_S = 60.0
#: The keys of the suggestions, for the Help page (a test holds the list to this); Ctrl+Space,
#: which opens them, is a QShortcut the Help page reads from the window.
COMPLETER_KEYS = (
    ("Down, Up", "while suggestions show: choose one (it is not searched until Enter)"),
    ("Enter", "search the chosen suggestion, or what is typed when none is chosen"),
    ("Esc", "close the suggestions and go back to what was typed"),
    ("Shift+Del", "forget the chosen recent search"),
)


class _NoteDelegate(QStyledItemDelegate):
    """A suggestion on the left, where it comes from in grey on the right."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """Paints the row as usual, then its note right-aligned."""
        super().paint(painter, option, index)
        note = str(index.data(NOTE_ROLE) or "")
        if not note:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        painter.setPen(palette.highlightedText().color() if selected else palette.placeholderText().color())
        rect: QRect = option.rect.adjusted(0, 0, -8, 0)  # type: ignore[attr-defined]
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), note)
        painter.restore()


class SearchCompleter(QObject):
    """The suggestions popup of a :class:`SearchBar`, fed by a :class:`SearchMemory` and the
    library's names (read in the background)."""

    def __init__(self, ctx: GuiContext, search_bar: SearchBar, memory: SearchMemory) -> None:
        super().__init__(search_bar)
        self.ctx, self.bar, self.memory = ctx, search_bar, memory
        self.box = search_bar.query
        self.names = Names()
        self._names_read = 0.0
        self.typed = ""  # what the person typed, given back by Esc
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setWidget(self.box)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(TEXT_ROLE)
        self.completer.setMaxVisibleItems(12)
        self.completer.highlighted[str].connect(self._highlighted)
        self.completer.activated[str].connect(self._activated)
        self.popup = self.completer.popup()
        self.popup.setItemDelegate(_NoteDelegate(self.popup))
        self.popup.installEventFilter(self)  # after QCompleter's own filter, so it sees the keys first
        self.box.textEdited.connect(self.update)
        # Two keys: Ctrl+Space is Cmd+Space on a Mac, which the system keeps for Spotlight.
        self.shortcuts = [
            QShortcut(QKeySequence(keys), self.box, context=Qt.ShortcutContext.WidgetShortcut)
            for keys in ("Ctrl+Space", "Alt+Down")
        ]
        for shortcut in self.shortcuts:
            shortcut.setWhatsThis("Search box: show recent searches and suggestions")
            shortcut.activated.connect(lambda: self.update(self.box.text(), forced=True))
        ctx.events.tags_changed.connect(lambda _ids: self.read_names())
        ctx.events.folders_changed.connect(self.read_names)

    # -- what to offer -----------------------------------------------------------------------
    def read_names(self) -> None:
        """Reads the library's tag and folder names again (in the background)."""
        library = self.ctx.library
        self._names_read = time.monotonic()
        self.ctx.tasks.run(library.search_names, done=self._names_came, key="search-names")

    def _names_came(self, names: Names) -> None:
        self.names = names

    def suggestions(self, text: str) -> list[Suggestion]:
        """What the list offers for ``text`` now (recent searches, then names)."""
        return suggest(text, self.memory.offered(), self.names)

    def update(self, text: str, forced: bool = False) -> None:
        """Shows the suggestions for ``text`` (typed, or asked for with Ctrl+Space), or hides the
        list when there are none; nothing in it is chosen."""
        if time.monotonic() - self._names_read > NAMES_STALE_S:
            self.read_names()  # photos indexed since bring new folder names; used from the next key on
        self.typed = text
        found = self.suggestions(text) if text.strip() or forced else []
        self.model.clear()
        for suggestion in found:
            item = QStandardItem(suggestion.text)
            item.setData(suggestion.text, TEXT_ROLE)
            item.setData(suggestion.kind, KIND_ROLE)
            item.setData(suggestion.note or ("recent search" if suggestion.kind == "recent" else ""), NOTE_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        if not found:
            self.popup.hide()
            return
        self.completer.setCompletionPrefix("")
        self.completer.complete(self.box.rect())
        self.popup.setCurrentIndex(QModelIndex())  # Enter searches what is typed until a row is chosen

    def shown(self) -> list[str]:
        """The texts the list offers now (empty when it is closed)."""
        if not self.popup.isVisible():
            return []
        return [str(self.model.item(row).data(TEXT_ROLE)) for row in range(self.model.rowCount())]

    # -- choosing ----------------------------------------------------------------------------
    def _highlighted(self, text: str) -> None:
        """An arrow key or the mouse is on a suggestion: show it in the box, search nothing yet."""
        self.bar.timer.stop()  # the half-typed word waiting for its pause is not searched either
        self.memory.chose_suggestion()
        self.box.setText(text)

    def _activated(self, text: str) -> None:
        self.popup.hide()
        self.bar.take_suggestion(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc gives back what was typed; Shift+Del forgets the chosen recent search."""
        if watched is not self.popup or event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() == Qt.Key.Key_Escape:
            self.popup.hide()
            self.box.setText(self.typed)
            return True
        current = self.popup.currentIndex()
        shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if event.key() == Qt.Key.Key_Delete and shift and current.isValid() and current.data(KIND_ROLE) == "recent":
            self.memory.forget(str(current.data(TEXT_ROLE)))
            self.box.setText(self.typed)
            self.update(self.typed, forced=not self.typed.strip())
            return True
        return False
