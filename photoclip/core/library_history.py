"""Search history and what the search box suggests, as the faces see them (part of :class:`Library`)."""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING

from photoclip.core.search_history import SearchHistory
from photoclip.core.suggestions import Names, Suggestion, suggest

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.paths import LibraryPaths
    from photoclip.core.settings import Settings
    from photoclip.core.tag_store import TagStore

log = logging.getLogger(__name__)


class HistoryMixin:
    """Recent searches (kept only while the ``remember_searches`` setting is on) and the names
    searches are completed with.

    The window records a search once its results were looked at (Enter, or a pause on them);
    the command line never records: scripts would flood the list, and the shell keeps its own.
    """

    paths: LibraryPaths
    settings: Settings
    catalog: Catalog
    tags: TagStore

    @property
    def search_history(self) -> SearchHistory:
        """The library's recent searches (``search_history.json`` in the library folder)."""
        return SearchHistory(self.paths.root / "search_history.json")

    def remember_search(self, text: str) -> bool:
        """Puts a search first in the history; False when not kept (history off, nothing to keep,
        or the library folder cannot be written: a lost suggestion is no reason to fail)."""
        try:
            if not self.settings.get("remember_searches"):
                self.search_history.clear()  # turned off (perhaps by hand in settings.json): nothing stays
                return False
            return self.search_history.add(text)
        except OSError as exc:
            log.warning("search not remembered: %s", exc)
            return False

    def recent_searches(self, limit: int | None = None) -> list[str]:
        """The searches run in the window, most recent first."""
        return self.search_history.recent(limit)

    def forget_search(self, text: str) -> bool:
        """Takes one search out of the history; False when it was not in it."""
        return self.search_history.remove(text)

    def clear_search_history(self) -> None:
        """Forgets every search (the file is deleted)."""
        self.search_history.clear()

    def search_names(self) -> Names:
        """The tag and folder names searches are completed with, each with its number of photos
        (a folder's name counts the photos under every folder of that name, sub-folders too)."""
        folders: Counter[str] = Counter()
        for root in self.catalog.roots():
            counts = self.catalog.folder_counts(root.id, listed_only=True)
            folders[root.path.name] += sum(counts.values())
            for folder, count in counts.items():
                for part in {p for p in folder.split("/") if p}:
                    folders[part] += count
        folders.pop("", None)
        return Names(tags=tuple(self.tags.counts()), folders=tuple(folders.most_common()))

    def suggest_searches(self, text: str, names: Names | None = None) -> list[Suggestion]:
        """What the search box offers for ``text`` (see :func:`photoclip.core.suggestions.suggest`)."""
        return suggest(text, self.recent_searches(), self.search_names() if names is None else names)
