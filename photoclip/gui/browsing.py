"""What the grid shows and how it gets there: a text search, a "similar to" search or a plain
listing, within the folder, tag or collection chosen in the sidebar; searches run in the background."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from photoclip.core.search import SearchFilters, SearchResults
from photoclip.gui.filter_chips import Chip, HiddenMatches, chips_for, count_hidden, hidden_text, without

if TYPE_CHECKING:
    from photoclip.gui.context import GuiContext
    from photoclip.gui.results_area import ResultsArea
    from photoclip.gui.search_bar import SearchBar

#: The most photos a ranked search shows.
RESULT_LIMIT = 5000


class Browser(QObject):
    """Runs the search bar's query (or a listing) with the sidebar's filter and shows the results."""

    #: The grid shows a new result set (how many photos).
    results_shown = Signal(int)
    #: The library has no folders yet: the window shows the first-run page.
    no_folders = Signal()
    #: A search failed for want of a usable model (the reason): the window offers to set it up.
    model_missing = Signal(str)
    #: A line about a search under way, for the status line.
    note = Signal(str)
    #: The filters narrowing the grid changed (their chips, a list of Chip).
    filters_changed = Signal(object)
    #: Every filter was taken off here (a chip's ✕, "Search all photos"): the sidebar follows.
    filters_cleared = Signal()
    #: What the filters hid from the search just shown ("0 of 40 in beach; 12 in all photos"), or "".
    hidden_note = Signal(str)

    def __init__(self, ctx: GuiContext, search_bar: SearchBar, results: ResultsArea) -> None:
        super().__init__(ctx.parent)
        self.ctx, self.search_bar, self.results = ctx, search_bar, results
        self.filters = SearchFilters()
        self.collection: str | None = None  # the name of the collection ``filters`` holds the photos of
        self.similar_to: int | Path | None = None
        search_bar.changed.connect(self.refresh)
        # Typing starts a new search: a "similar to ..." one gives way to the text.
        search_bar.query.textEdited.connect(lambda _t: setattr(self, "similar_to", None))

    # -- what to search ----------------------------------------------------------------------
    def text_query(self) -> str:
        """The text search in the search box ('' when empty or showing a "similar to" search)."""
        return "" if self.similar_to is not None else self.search_bar.query.text().strip()

    def search(self, text: str) -> None:
        """Searches for ``text`` as if typed and entered."""
        self.similar_to = None
        self.search_bar.query.setText(text)
        self.search_bar.search_now()

    def find_similar(self, target: int | Path) -> None:
        """Shows the photos most like a library photo (by id) or an image file."""
        self.similar_to = target
        if isinstance(target, Path):
            label = target.name
        else:
            photo = self.ctx.library.photo(target)
            label = photo.path.name if photo else str(target)
        self.search_bar.query.setText(f"similar to {label}")
        self.search_bar.search_now()

    def find_similar_to_file(self, image: Path) -> None:
        """A dropped image: searches by the library's own photo when it is one, else by the file."""
        photo = self.ctx.library.photo_at(image)
        self.find_similar(photo.id if photo is not None else image)

    def clear_search(self) -> None:
        """Esc: back to browsing the current folder or tag."""
        self.similar_to = None
        self.search_bar.query.clear()
        self.search_bar.search_now()

    # -- the sidebar's filter ----------------------------------------------------------------
    def set_filters(self, filters: SearchFilters, collection: str | None = None) -> None:
        """Narrows the grid to ``filters`` and runs the search again within them."""
        self.filters, self.collection = filters, collection
        self.filters_changed.emit(self.chips())
        self.refresh()

    def chips(self) -> list[Chip]:
        """The active filters, as the chips beside the search box show them."""
        return chips_for(self.ctx.library, self.filters, self.collection)

    def remove_filter(self, chip: Chip) -> None:
        """Takes one filter off (its chip's ✕)."""
        self.set_filters(without(self.filters, chip), None if chip.kind == "collection" else self.collection)
        if not self.filters.active:
            self.filters_cleared.emit()

    def search_everywhere(self) -> None:
        """Takes every filter off: the same search in all photos."""
        self.set_filters(SearchFilters())
        self.filters_cleared.emit()

    def show_all(self) -> None:
        """No filter: the whole library."""
        self.set_filters(SearchFilters())

    def show_folder(self, root_id: int, folder: str) -> None:
        """A watched folder ('' for all of it) or one of its sub-folders, with their sub-folders."""
        self.set_filters(SearchFilters(folder=(root_id, folder)))

    def show_tag(self, label: str) -> None:
        """The photos with a tag."""
        self.set_filters(SearchFilters(tags=(label,)))

    def show_collection(self, name: str) -> None:
        """A collection: a saved search runs as a search, a hand-picked one lists its photos (the
        search that was in the box before is cleared: it belonged to another view)."""
        store = self.ctx.library.tags
        collection = store.collection(name)
        if collection is None:
            return
        if collection.query:
            self.filters, self.collection = SearchFilters(), None
            self.filters_changed.emit(self.chips())
            self.search(collection.query)
        else:
            self.similar_to = None
            self.search_bar.query.clear()
            self.set_filters(SearchFilters(photo_ids=tuple(store.collection_photo_ids(collection))), name)

    def filtered_by_tags(self) -> bool:
        """True when what the grid shows depends on tags (a tag chosen, or ``tag:`` in the search)."""
        return bool(self.filters.tags) or "tag:" in self.search_bar.query.text()

    # -- running it --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Runs the current search (or listing) in the background and shows its results."""
        text = self.search_bar.query.text().strip()
        sort = self.search_bar.sort_order()
        strictness = self.search_bar.strictness()
        filters = self.filters
        library = self.ctx.library
        target = self.similar_to
        if not library.roots():
            self.no_folders.emit()
            return

        def job(filters: SearchFilters = filters) -> SearchResults:
            if target is not None:
                return library.similar(target, limit=RESULT_LIMIT, strictness=strictness, sort=sort, filters=filters)
            if text:
                return library.search(text, limit=RESULT_LIMIT, strictness=strictness, sort=sort, filters=filters)
            browse_sort = "date" if sort == "relevance" else sort
            return library.search("", limit=10**9, sort=browse_sort, filters=filters)

        if text and not library.model_loaded and target is None:
            self.note.emit("Loading the model for the first search…")

        def counted() -> tuple[SearchResults, HiddenMatches | None]:
            results = job()
            return results, count_hidden(job, filters, library, results)

        self.ctx.tasks.run(counted, done=self._show_counted, error=self._failed, key="search")

    def _show_counted(self, outcome: tuple[SearchResults, HiddenMatches | None]) -> None:
        """Shows the results; when a filter hid matches, says how many and where."""
        results, hidden = outcome
        self._show(results)
        shown, chips = len(results.ids), self.chips()
        if hidden is None or hidden.everywhere <= shown:
            self.hidden_note.emit("")
            return  # the filter hides nothing this search would find
        self.hidden_note.emit(hidden_text(shown, hidden, chips))
        if not shown:
            where = " and ".join(chip.name for chip in chips)
            self.results.empty.show_message(
                f"No matching photos in {where}",
                f"{hidden_text(shown, hidden, chips)}. The filter beside the search box hides them.",
                [("Search all photos", self.search_everywhere)],
            )
            self.results.show_empty()

    def _show(self, results: SearchResults) -> None:
        count = self.results.show_results(results)
        ranked = bool(results.query.positive)
        self.search_bar.show_level_counts(results.level_counts if ranked else None)
        if not count:
            self._show_nothing(results)
        noun = "result" if ranked else "photo"
        self.search_bar.count.setText(f"{count:,} {noun}{'s' if count != 1 else ''}")
        self.results_shown.emit(count)

    def _show_nothing(self, results: SearchResults) -> None:
        if not results.query.positive:
            if self.ctx.library.photo_count():
                self.results.show_message("No photos here", "This folder or tag has no photos yet.")
            else:
                self.results.show_message("Indexing your photos…", "Photos appear here as soon as they are indexed.")
            return
        hint = (
            "Try other words, or lower the cut-off (next to the search box) to see less likely matches."
            if results.cut
            else "No photo in the library matches yet."
        )
        self.results.show_message("No matching photos", hint)

    def _failed(self, exc: BaseException) -> None:
        from photoclip.core.errors import ModelError
        from photoclip.gui.wording import without_terminal_advice

        self.ctx.say(without_terminal_advice(str(exc)), 15000)
        if isinstance(exc, ModelError):
            self.model_missing.emit(str(exc))
