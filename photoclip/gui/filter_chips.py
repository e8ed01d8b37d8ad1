"""What narrows the grid, shown above the photos as chips that can be taken off (a folder, a tag, a
collection, dates, and the dates the search's own words name: ``beach 2019``), and how many matches
a filter hides: "This search matches 12 photos in the library, 2 of them in beach."
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from photoclip.core.errors import PhotoclipError
from photoclip.core.search_results import SearchFilters
from photoclip.gui.date_labels import filter_span_text, span_text
from photoclip.gui.wording import plural

if TYPE_CHECKING:
    from photoclip.core.library import Library
    from photoclip.core.search_results import SearchResults

#: A filtered search with fewer results than this also counts what the same search finds everywhere.
FEW = 20


@dataclass(frozen=True)
class Chip:
    """One active filter: what it is (``kind``), what the chip says, and its name in a sentence."""

    kind: str  # "folder", "tag", "collection", "date" or "query-date" (dates the search's words name)
    text: str
    name: str
    value: str = ""  # the tag, for a tag chip; the date words, for a query-date chip
    left_out: bool = False  # what it names is left out ("beach - 2019"), not the only thing shown


def chips_for(library: Library, filters: SearchFilters, collection: str | None = None) -> list[Chip]:
    """The chips of ``filters`` (``collection``: the name of the collection whose photos it holds)."""
    chips = []
    if filters.folder is not None:
        root_id, folder = filters.folder
        try:
            root_path = library.find_root(root_id).path
        except PhotoclipError:  # the folder left the library
            root_path = None
        name = folder.rpartition("/")[2] if folder else (root_path.name if root_path else "a folder")
        chips.append(Chip("folder", f"Folder: {name}", name))
    for tag in filters.tags:
        chips.append(Chip("tag", f"Tag: {tag}", tag, tag))
    if filters.photo_ids is not None:
        name = collection or "a collection"
        chips.append(Chip("collection", f"Collection: {name}", name))
    if filters.date_from is not None or filters.date_to is not None or filters.months:
        span = filter_span_text(filters.date_from, filters.date_to, filters.months)
        chips.append(Chip("date", f"Dates: {span}", span))
    return chips


def query_date_chips(results: SearchResults) -> list[Chip]:
    """The chips of the dates a search's words name ("beach 2019": 2019) or leave out ("beach - 2019")."""
    chips = []
    for dates, left_out in [(results.query.dates, False)] + [(d, True) for d in results.query.without_dates]:
        if dates is None:
            continue
        span = "no date" if dates.matches_nothing else span_text(dates.start, dates.end, dates.months)
        words = " ".join(dates.words)
        said = f"Not taken {span} (“-{words}”)" if left_out else f"Dates: {span} (“{words}”)"
        chips.append(Chip("query-date", said, span, words, left_out))
    return chips


def without(filters: SearchFilters, chip: Chip) -> SearchFilters:
    """``filters`` with ``chip``'s filter taken off."""
    if chip.kind == "folder":
        return dataclasses.replace(filters, folder=None, roots=None)
    if chip.kind == "tag":
        return dataclasses.replace(filters, tags=tuple(t for t in filters.tags if t != chip.value))
    if chip.kind == "collection":
        return dataclasses.replace(filters, photo_ids=None)
    return dataclasses.replace(filters, date_from=None, date_to=None, months=())


@dataclass(frozen=True)
class HiddenMatches:
    """How many photos the filter holds, and how many the same search finds in the whole library."""

    in_filter: int
    everywhere: int


def count_hidden(
    run: Callable[[SearchFilters], SearchResults], filters: SearchFilters, library: Library, found: SearchResults
) -> HiddenMatches | None:
    """For a ranked search narrowed by ``filters`` that found few photos (``found``), runs the same
    search (``run``) on the whole library, and counts the photos in the filter; None otherwise.
    Runs in the search's own background job."""
    if not filters.active or not found.query.positive or (len(found.ids) >= FEW and not found.closest):
        return None
    whole = run(SearchFilters())
    everywhere = 0 if whole.closest else len(whole.ids)  # the closest few of nothing are no match
    in_filter = len(library.search("", limit=10**9, filters=filters).ids)
    return HiddenMatches(in_filter, everywhere)


def hidden_text(shown: int, hidden: HiddenMatches, chips: list[Chip]) -> str:
    """What the filter hides, in one sentence that says what each number counts: "This search
    matches 12 photos in the library, 2 of them in beach." (or "…, but none of them in beach.")."""
    where = " and ".join(chip.name for chip in chips) or "this filter"
    everywhere = f"This search matches {plural(hidden.everywhere, 'photo')} in the library"
    if shown:
        return f"{everywhere}, {shown:,} of them in {where}."
    if hidden.everywhere == 1:
        return f"{everywhere}, but it is not in {where}."
    return f"{everywhere}, but none of them in {where}."


class FilterChips(QWidget):
    """The chips above the photos; :attr:`removed` says which one the user took off."""

    removed = Signal(object)  # Chip

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(4, 0, 4, 4)
        self.row.setSpacing(6)
        self.chips: list[Chip] = []
        self.buttons: list[QToolButton] = []  # one per chip, in order
        self.note = _note_label()
        self.hide()

    def show_chips(self, chips: list[Chip]) -> None:
        """Replaces the chips (hidden when there are none)."""
        while self.row.count():
            widget = self.row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.chips, self.buttons = list(chips), []
        self.note = _note_label()  # what the filters hide from the search on show
        if chips:
            self.row.addWidget(QLabel("Filters:" if any(chip.left_out for chip in chips) else "Only in:"))
        for chip in chips:
            button = QToolButton()
            button.setText(f"{chip.text}  ✕")
            button.setToolTip(
                f"Take “{chip.value}” out of the search"
                if chip.kind == "query-date"
                else f"Take this filter off: search {'all photos' if len(chips) == 1 else 'more widely'}"
            )
            button.setAutoRaise(False)
            button.setStyleSheet(
                "QToolButton { border: 1px solid palette(mid); border-radius: 10px; padding: 2px 8px; }"
            )
            button.clicked.connect(lambda _checked=False, c=chip: self.removed.emit(c))
            self.row.addWidget(button)
            self.buttons.append(button)
        self.row.addWidget(self.note, 1)
        self.setVisible(bool(chips))

    def show_note(self, text: str) -> None:
        """Says beside the chips what they hide ("This search matches 12 photos in the library, 2 of
        them in beach.") or what the search says of its results ("…these come closest."), or
        nothing; the row shows for a note even without chips."""
        self.note.setText(text)
        self.setVisible(bool(self.chips) or bool(text))


def _note_label() -> QLabel:
    """The note beside the chips, wrapped: in a narrow window a long one ("“foldr:x” was left out:
    there is no “foldr:” filter …") lost its end, where it says what to type instead."""
    label = QLabel()
    label.setWordWrap(True)
    return label
