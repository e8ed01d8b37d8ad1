"""What the grid shows and how it gets there: a text search, a "similar to" search or a plain
listing (the timeline, newest first), within the folder, tag or collection chosen in the sidebar
and the dates chosen in the search row; searches run in the background."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from photoclip.core.search_results import SearchFilters, SearchResults
from photoclip.gui.filter_chips import (
    Chip,
    HiddenMatches,
    chips_for,
    count_hidden,
    hidden_text,
    query_date_chips,
    without,
)

if TYPE_CHECKING:
    from photoclip.core.library import Library
    from photoclip.core.records import TimelineBucket
    from photoclip.gui.context import GuiContext
    from photoclip.gui.results_area import ResultsArea
    from photoclip.gui.search_bar import SearchBar

#: The most photos a ranked search shows.
RESULT_LIMIT = 5000


def timeline_of(
    library: Library, results: SearchResults, sort: str, whole_library: bool
) -> list[TimelineBucket] | None:
    """The months of a list in date order (a listing, or a search sorted by date), for the grid's
    headers and scrubber; None for a list ranked by relevance. Runs in the search's background job."""
    if (results.query.positive and sort == "relevance") or not len(results.ids):
        return None
    if whole_library:  # counted by SQL, without reading a date per photo
        buckets = library.timeline(newest_first=sort != "date-asc")
        if sum(b.count for b in buckets) == len(results.ids):  # no photo came or went in between
            return buckets
    return library.timeline(results.ids)


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
    #: What the filters hid from the search shown, when it shows some photos ("This search matches 12
    #: photos in the library, 2 of them in beach."), or "" (the empty page says it when it shows none).
    hidden_note = Signal(str)

    def __init__(self, ctx: GuiContext, search_bar: SearchBar, results: ResultsArea) -> None:
        super().__init__(ctx.parent)
        self.ctx, self.search_bar, self.results = ctx, search_bar, results
        self.filters = SearchFilters()
        self.collection: str | None = None  # the name of the collection ``filters`` holds the photos of
        self.similar_to: int | Path | None = None
        self.query_chips: list[Chip] = []  # the dates the words of the search shown name ("beach 2019")
        self.failure_said = False  # the status bar still says why the last search could not run
        self.shown_query = ""  # the query the results on screen answer, as typed
        search_bar.changed.connect(self._asked)
        search_bar.query.textEdited.connect(self._edited)

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
        path = self._file_of(target)
        self.search_bar.query.setText(f"similar to {path.name if path else target}")
        self.search_bar.search_now()

    def _file_of(self, target: int | Path) -> Path | None:
        """The file of the photo a "similar to ..." search is about."""
        if isinstance(target, Path):
            return target
        photo = self.ctx.library.photo(target)
        return photo.path if photo else None

    def _edited(self, text: str) -> None:
        """Typing starts a new search: a "similar to ..." one gives way to the text. Words added
        after it keep the photo: "similar to cat.jpg + snow" searches by the photo and the words.
        The box keeps the name while it is the only photo of that name in the library (a search
        reads it so); otherwise it becomes "/…/cat.jpg + snow", the photo's whole path."""
        target, self.similar_to = self.similar_to, None
        path = self._file_of(target) if target is not None else None
        if path is None:
            return
        shown = f"similar to {path.name}"
        if text.startswith(shown) and text != shown and self.ctx.library.photo_named(path.name) != path:
            written = f'"{path}"' if " " in str(path) else str(path)
            self.search_bar.query.setText(written + text[len(shown) :])

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
        self.filters_changed.emit(self.chips() + self.query_chips)
        self._asked()

    def chips(self) -> list[Chip]:
        """The active filters, as the chips above the photos show them."""
        return chips_for(self.ctx.library, self.filters, self.collection)

    def remove_filter(self, chip: Chip) -> None:
        """Takes one filter off (its chip's ✕); a chip of the search's own date words takes them out
        of the search box ("beach 2019" → "beach", "beach - 2018 2019" → "beach - 2018" for 2019's)."""
        if chip.kind == "query-date":
            from photoclip.core.query_left_out_dates import strip_query_dates

            text = self.search_bar.query.text()
            self.search(strip_query_dates(text, left_out=chip.left_out, words=chip.value if chip.left_out else None))
            return
        self.set_filters(without(self.filters, chip), None if chip.kind == "collection" else self.collection)
        if not self.filters.active:
            self.filters_cleared.emit()

    def search_everywhere(self) -> None:
        """Takes every filter off: the same search in all photos."""
        self.set_filters(SearchFilters())
        self.filters_cleared.emit()

    def set_dates(self, date_from: float | None, date_to: float | None) -> None:
        """Narrows the grid to photos taken from ``date_from`` up to ``date_to`` (the search row's
        Dates menu; None and None: any date)."""
        self.set_filters(
            dataclasses.replace(self.filters, date_from=date_from, date_to=date_to, months=()), self.collection
        )

    def _dated(self, filters: SearchFilters) -> SearchFilters:
        """``filters`` (a sidebar choice) within the dates chosen in the search row, which stay."""
        old = self.filters
        return dataclasses.replace(filters, date_from=old.date_from, date_to=old.date_to, months=old.months)

    def show_all(self) -> None:
        """No folder, tag or collection: the whole library (within the dates chosen, if any)."""
        self.set_filters(self._dated(SearchFilters()))

    def show_folder(self, root_id: int, folder: str) -> None:
        """A watched folder ('' for all of it) or one of its sub-folders, with their sub-folders."""
        self.set_filters(self._dated(SearchFilters(folder=(root_id, folder))))

    def show_tag(self, label: str) -> None:
        """The photos with a tag."""
        self.set_filters(self._dated(SearchFilters(tags=(label,))))

    def show_collection(self, name: str) -> None:
        """A collection: a saved search runs as a search, a hand-picked one lists its photos (the
        search that was in the box before is cleared: it belonged to another view)."""
        store = self.ctx.library.tags
        collection = store.collection(name)
        if collection is None:
            return
        if collection.query:
            self.filters, self.collection = self._dated(SearchFilters()), None
            self.filters_changed.emit(self.chips())
            self.search(collection.query)
        else:
            self.similar_to = None
            self.search_bar.query.clear()
            self.set_filters(self._dated(SearchFilters(photo_ids=tuple(store.collection_photo_ids(collection)))), name)

    def filtered_by_tags(self) -> bool:
        """True when what the grid shows depends on tags (a tag chosen, or ``tag:`` in the search)."""
        return bool(self.filters.tags) or "tag:" in self.search_bar.query.text()

    # -- running it --------------------------------------------------------------------------
    def _asked(self) -> None:
        """The person asked for this search or view (typed, chose a level or a folder, Find
        similar): a page that waited for them gives way to its results (see ResultsArea.held)."""
        self.results.held = False
        self.refresh()

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
        self.search_bar.show_sort_in_effect(browsing=not text and target is None)

        def job(filters: SearchFilters = filters) -> SearchResults:
            if target is not None:
                return library.similar(target, limit=RESULT_LIMIT, strictness=strictness, sort=sort, filters=filters)
            if text:
                found = library.search(text, limit=RESULT_LIMIT, strictness=strictness, sort=sort, filters=filters)
                if found.query.positive or len(found.ids) < RESULT_LIMIT:
                    return found
                # Only dates ("2019"): a listing of that time, as long as the library's own.
                return library.search(text, limit=10**9, strictness=strictness, sort=sort, filters=filters)
            browse_sort = "date" if sort == "relevance" else sort
            return library.search("", limit=10**9, sort=browse_sort, filters=filters)

        if text and not library.model_loaded and target is None:
            self.note.emit("Loading the model for the first search…")

        whole_library = not text and target is None and not filters.active

        def counted() -> tuple[SearchResults, HiddenMatches | None, list[TimelineBucket] | None]:
            results = job()
            timeline = timeline_of(library, results, sort, whole_library)
            return results, count_hidden(job, filters, library, results), timeline

        self.ctx.tasks.run(counted, done=self._show_counted, error=self._failed, key="search")

    def _show_counted(self, outcome: tuple[SearchResults, HiddenMatches | None, list[TimelineBucket] | None]) -> None:
        """Shows the results (a timeline when in date order); when a filter hid matches, says how
        many and where, once: beside the chips above the photos, or on the empty page when the
        filter hid them all."""
        results, hidden, timeline = outcome
        self._show(results, timeline)
        shown, chips = len(results.ids), self.chips()
        matched = 0 if results.closest else shown  # the closest few of nothing match nothing
        said = " ".join(results.notes) if shown else ""  # "No photo stands out clearly…: these come closest."
        if hidden is None or hidden.everywhere <= matched:
            self.hidden_note.emit(said)
            return  # the filter hides nothing this search would find
        if shown:
            self.hidden_note.emit(" ".join(filter(None, (hidden_text(matched, hidden, chips), said))))
            return
        self.hidden_note.emit("")  # the empty page says it, with the button that shows them
        where = " and ".join(chip.name for chip in chips)
        self.results.show_message(
            f"No matching photos in {where}",
            hidden_text(shown, hidden, chips),
            [("Search all photos", self.search_everywhere)],
        )

    def _show(self, results: SearchResults, timeline: list[TimelineBucket] | None = None) -> None:
        if self.failure_said:  # a search that ran is no longer the one that failed
            self.ctx.say("")
            self.failure_said = False
        count = self.results.show_results(results, timeline, dates=timeline is not None)
        self.shown_query = results.query.raw
        self.query_chips = query_date_chips(results)
        self.filters_changed.emit(self.chips() + self.query_chips)
        ranked = bool(results.query.positive)
        self.search_bar.show_level_counts(results.level_counts if ranked else None, results.counts_at_least)
        if not count:
            self._show_nothing(results)
        noun = "result" if ranked else "photo"
        self.search_bar.count.setText(f"{count:,} {noun}{'s' if count != 1 else ''}")
        self.results_shown.emit(count)

    def _show_nothing(self, results: SearchResults) -> None:
        from photoclip.gui.wording import without_terminal_advice

        # "No photo is tagged “nosuch”.": what the search named is not there
        said = without_terminal_advice(" ".join(results.notes))
        if not results.query.positive:
            if results.query.raw.strip():  # only filters typed ("folder:zu", "2019"): none of them matched
                self.results.show_message(
                    "No matching photos", said or f"No photo matches “{results.query.raw.strip()}”."
                )
            elif self.ctx.library.photo_count():
                self.results.show_message("No photos here", self._why_no_photos_here())
            else:
                self.results.show_message("Indexing your photos…", "Photos appear here as soon as they are indexed.")
            return
        if results.cut:
            hint = "Try other words, or lower the cut-off (next to the search box) to see less likely matches."
        else:  # a note says why ("No photo is tagged …"), else nothing is indexed that could match yet
            hint = "" if said else "No photo in the library matches yet."
        self.results.show_message("No matching photos", " ".join(filter(None, (said, hint))))

    def _why_no_photos_here(self) -> str:
        """An empty folder's page: the files there that could not be read, if any, else "none yet"."""
        if self.filters.folder is not None:
            unreadable = len(self.ctx.library.unreadable(self.filters.folder))
            if unreadable:
                files = f"{unreadable} file{'s' if unreadable != 1 else ''} here could not be read"
                return f"{files}: the status bar's “unreadable” lists {'them' if unreadable != 1 else 'it'} and why."
        return "This folder or tag has no photos yet."

    def _failed(self, exc: BaseException) -> None:
        from photoclip.core.errors import ModelError
        from photoclip.gui.wording import without_terminal_advice

        said = without_terminal_advice(str(exc))
        self.ctx.say(said, 15000)
        self.failure_said = True
        if isinstance(exc, ModelError):
            self.model_missing.emit(str(exc))
            return
        # The last search's photos must not stay on screen as if they answered this one.
        self.results.show_message("This search could not run", said)
        self.search_bar.count.setText("")
        self.search_bar.show_level_counts(None)
        self.query_chips = []  # the dates of the last search's words are not this one's
        self.filters_changed.emit(self.chips())
