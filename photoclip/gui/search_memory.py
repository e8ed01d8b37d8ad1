"""Which searches the window remembers, and when: not every keystroke, only a search a person ran.

A search is kept once its results were shown and then looked at: Enter was pressed, or the text
stayed as it was for :data:`SETTLE_MS` after its results came (typing on, or choosing a
suggestion, stops that clock). A search that found nothing is kept only when entered with Enter;
one that could not run (a missing image, a name two photos share) is never kept: Enter keeps a
search once its results came. "Similar to …" searches name one photo, not something to ask
again, and are never kept, whether Find similar wrote them or they were typed. The list lives in the
library (:meth:`Library.remember_search`); this keeps a copy for the suggestions to read at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from photoclip.core.named_photo import names_a_photo_file
from photoclip.core.search_history import HISTORY_LIMIT, normalised

if TYPE_CHECKING:
    from photoclip.gui.context import GuiContext
    from photoclip.gui.search_bar import SearchBar

#: Results looked at this long without typing on: the search counts as one that was run.
SETTLE_MS = 2500


class SearchMemory(QObject):
    """Records the window's searches and holds the recent ones (most recent first) in :attr:`recent`."""

    #: :attr:`recent` changed (loaded, a search kept or forgotten, cleared).
    changed = Signal()

    def __init__(
        self, ctx: GuiContext, search_bar: SearchBar, text_query: Callable[[], str], shown_query: Callable[[], str]
    ) -> None:
        super().__init__(ctx.parent)
        # what the box holds now, and what the results on screen answer (typing on may differ)
        self.ctx, self.text_query, self.shown_query = ctx, text_query, shown_query
        self.recent: list[str] = []
        self._shown = ""  # the text search whose results are on screen, waiting to settle
        self._entered = ""  # the search Enter was pressed on, kept once its results come
        self.settle = QTimer(self, singleShot=True)
        self.settle.setInterval(SETTLE_MS)
        self.settle.timeout.connect(self._settled)
        search_bar.query.textEdited.connect(lambda _text: self.settle.stop())
        search_bar.query.returnPressed.connect(self._enter_pressed)

    def load(self) -> None:
        """Reads the library's recent searches (in the background)."""
        library = self.ctx.library
        self.ctx.tasks.run(library.recent_searches, done=self._loaded, key="search-history")

    def _loaded(self, recent: list[str]) -> None:
        self.recent = list(recent)
        self.changed.emit()

    def offered(self) -> list[str]:
        """The recent searches the suggestions may offer: none while Settings → Remember searches
        is off (turning it off mid-session must not leave the old list on screen)."""
        return self.recent if self.ctx.library.settings.get("remember_searches") else []

    def results_shown(self, count: int) -> None:
        """The grid shows a new result set: a text search with results starts the settling clock."""
        if self._entered and normalised(self.shown_query()) == self._entered:
            self.record(self._entered)  # even if typed on since: Enter said this one was meant
            self._entered = ""
        self._shown = self.text_query() if count else ""
        if self._shown:
            self.settle.start()
        else:
            self.settle.stop()

    def _enter_pressed(self) -> None:
        self._entered = normalised(self.text_query())

    def chose_suggestion(self) -> None:
        """A suggestion is being chosen: what is on screen was not what the person settled on."""
        self.settle.stop()

    def _settled(self) -> None:
        if self._shown and self.text_query() == self._shown:
            self.record(self._shown)

    def record(self, text: str) -> None:
        """Keeps ``text`` first among the recent searches (when remembering searches is on)."""
        text = normalised(text)
        library = self.ctx.library
        if not text or names_a_photo_file(text) or not library.settings.get("remember_searches"):
            return
        key = text.casefold()
        self.recent = [text, *(r for r in self.recent if r.casefold() != key)][:HISTORY_LIMIT]
        self.changed.emit()
        self.ctx.tasks.run(lambda: library.remember_search(text))

    def forget(self, text: str) -> None:
        """Takes one search out of the list (Shift+Del on it in the suggestions)."""
        library = self.ctx.library
        self.recent = [r for r in self.recent if r.casefold() != text.casefold()]
        self.changed.emit()
        self.ctx.tasks.run(lambda: library.forget_search(text))

    def clear(self) -> None:
        """Forgets every search, here and in the library."""
        library = self.ctx.library
        self.recent = []
        self.settle.stop()
        self.changed.emit()
        self.ctx.tasks.run(library.clear_search_history, done=lambda _r: self.ctx.say("Search history cleared.", 5000))
