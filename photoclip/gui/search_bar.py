"""The row above the grid: the search box, the sort order, how strict relevance is, and the count."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QToolButton, QWidget

#: A search runs this long after a word is finished (a space typed) ...
WORD_DELAY_MS = 150
#: ... or after typing stops in the middle of a word: a partial word ("bl") is not searched while
#: the next letters are coming, so it never flashes results for nonsense.
PAUSE_DELAY_MS = 800

#: A filter key with nothing after it yet (``folder:``, ``sunset tag:"``): the name is still to come.
_KEY_WITHOUT_VALUE = re.compile(r'(?:^|\s)-?(?:tag|folder|camera):"?$', re.IGNORECASE)
#: The widest count beside the search box that it keeps room for, so the box never changes width.
WIDEST_COUNT = "000,000 results"
#: The relevance box keeps room for its widest choice with a count, for the same reason.
WIDEST_LEVEL = "All, ranked (000,000)"

#: Narrower than this beside the choices, the search box goes on a row of its own.
MIN_QUERY_WIDTH = 280

#: The relevance levels, from fewer results to more, as people read them.
LEVELS = (
    ("strict", "Fewer"),
    ("normal", "Normal"),
    ("loose", "More"),
    ("all", "All, ranked"),
)


def relevance_box(value: str) -> QComboBox:
    """A choice of how much a photo must stand out to be listed (see photoclip.core.relevance)."""
    box = QComboBox()
    for key, label in LEVELS:
        box.addItem(label, key)
    box.setCurrentIndex(max(0, box.findData(value)))
    box.setToolTip(
        "How much a photo must stand out from the rest of your library to be listed: fewer, clearer "
        "matches or more, looser ones. The numbers say how many photos each choice shows."
    )
    return box


class SearchBar(QWidget):
    """Emits :attr:`changed` when the query, the sort order or the relevance asks for a new search
    (typing waits for a word to be finished or a pause; Enter at once) and :attr:`add_folder` for its
    "Add folder…" button."""

    changed = Signal()
    add_folder = Signal()

    def __init__(self, relevance: str = "normal", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Describe a photo… e.g. “a dog on a beach at sunset”, “beach -people”")
        self.query.setClearButtonEnabled(True)
        self.query.setMinimumHeight(34)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self._search)
        self.searched = ""  # the text the last search asked for ran with (a chosen suggestion may match it)
        self.query.textEdited.connect(self._typed)
        self.query.returnPressed.connect(self.search_now)
        self.sort = QComboBox()
        self.sort.addItem("Most relevant", "relevance")
        self.sort.addItem("Newest first", "date")
        self.sort.addItem("Oldest first", "date-asc")
        self._chosen_sort = "relevance"  # the user's choice; the box may show the order in effect instead
        self._showing_effect = False  # the box is being set to the order in effect, not by the user
        self.sort.currentIndexChanged.connect(self._sort_changed)
        self.sort.activated.connect(lambda _i: setattr(self, "_chosen_sort", str(self.sort.currentData())))
        self.relevance = relevance_box(relevance)
        self._keep_room_for_counts()
        self.relevance.currentIndexChanged.connect(lambda _i: self.search_now())
        self.count = QLabel()
        # Room for the widest count, aligned right: "0 photos", "2 results", "31 results" do not move the box.
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance(WIDEST_COUNT))
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        add = QToolButton()
        add.setText("Add folder…")
        add.clicked.connect(self.add_folder)
        self._controls: list[QWidget] = [self.sort, self.relevance, self.count, add]
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(8, 8, 8, 4)
        self._grid.setColumnStretch(0, 1)
        self._two_rows: bool | None = None
        self._lay_out(two_rows=False)

    def _lay_out(self, two_rows: bool) -> None:
        """One row, or, in a narrow window, the search box alone on the first row and the choices
        under it: side by side they left the box a few letters wide."""
        if two_rows == self._two_rows:
            return
        self._two_rows = two_rows
        self._grid.addWidget(self.query, 0, 0, 1, 1 + len(self._controls) if two_rows else 1)
        for column, widget in enumerate(self._controls, start=1):  # under the box, to the right
            self._grid.addWidget(widget, 1 if two_rows else 0, column)

    def add_control(self, widget: QWidget, after: QWidget) -> None:
        """Puts ``widget`` in the row after ``after`` (the window's Dates button after the sort order)."""
        self._controls.insert(self._controls.index(after) + 1, widget)
        self._two_rows = None
        self._lay_out(two_rows=False)

    def widgets_in_order(self) -> list[QWidget]:
        """The search box and the choices as they are seen, for Tab to follow."""
        return [self.query, *self._controls]

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Lays the bar out again when the room left for the search box crosses MIN_QUERY_WIDTH."""
        super().resizeEvent(event)
        margins = self._grid.contentsMargins()
        beside = len(self._controls) * self._grid.horizontalSpacing() + margins.left() + margins.right()
        beside += sum(w.sizeHint().width() for w in self._controls)
        self._lay_out(two_rows=event.size().width() - beside < MIN_QUERY_WIDTH)

    def _keep_room_for_counts(self) -> None:
        """Makes the relevance box as wide as its widest choice with a count ("All, ranked (000,000)"),
        so the counts each search writes into it never change its width, nor the search box's."""
        box = self.relevance
        policy = box.sizeAdjustPolicy()
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        box.setItemText(0, WIDEST_LEVEL)
        box.setMinimumWidth(box.sizeHint().width())
        box.setItemText(0, LEVELS[0][1])
        box.setSizeAdjustPolicy(policy)

    def _typed(self, text: str) -> None:
        if _KEY_WITHOUT_VALUE.search(text):
            self.timer.stop()  # "folder:" names no folder yet: wait for it (Enter still searches)
            return
        at_boundary = not text or text[-1].isspace() or text[-1] in '+-:"'
        self.timer.start(WORD_DELAY_MS if at_boundary else PAUSE_DELAY_MS)

    def search_now(self) -> None:
        """Searches at once (Enter), without waiting for the typing delay."""
        self.timer.stop()
        self._search()

    def _search(self) -> None:
        self.searched = self.query.text()
        self.changed.emit()

    def take_suggestion(self, text: str) -> None:
        """Puts a chosen suggestion in the box and searches it, unless that search is the one shown
        (Enter on a highlighted suggestion has already searched it)."""
        self.query.setText(text)
        if text != self.searched:
            self.search_now()
        else:
            self.timer.stop()

    def strictness(self) -> str:
        """'strict', 'normal', 'loose' or 'all'."""
        return str(self.relevance.currentData())

    def set_strictness(self, value: str) -> None:
        """Shows ``value`` as chosen (without searching)."""
        self.relevance.blockSignals(True)
        self.relevance.setCurrentIndex(max(0, self.relevance.findData(value)))
        self.relevance.blockSignals(False)

    def show_level_counts(self, counts: dict[str, int] | None, at_least: frozenset[str] = frozenset()) -> None:
        """Writes into each choice how many photos it would show for the current search ("1,000+"
        for those ``at_least`` that many: a large library's search counted no further)."""
        for row, (key, label) in enumerate(LEVELS):
            number = (counts or {}).get(key)
            more = "+" if key in at_least else ""
            self.relevance.setItemText(row, label if number is None else f"{label} ({number:,}{more})")

    def sort_order(self) -> str:
        """The order the user chose: "relevance", "date" (newest first) or "date-asc"."""
        return self._chosen_sort

    def _sort_changed(self, _index: int) -> None:
        if self._showing_effect:
            return
        self._chosen_sort = str(self.sort.currentData())
        self._search()

    def show_sort_in_effect(self, browsing: bool) -> None:
        """Browsing (nothing searched) lists by date, as there is nothing to rank by: the box shows
        the date order in effect and "Most relevant" is greyed; a search shows the user's choice again."""
        item = self.sort.model().item(self.sort.findData("relevance"))
        item.setEnabled(not browsing)
        item.setToolTip("Search for something to rank by relevance" if browsing else "")
        shown = "date" if browsing and self._chosen_sort == "relevance" else self._chosen_sort
        self._showing_effect = True
        self.sort.setCurrentIndex(self.sort.findData(shown))
        self._showing_effect = False
