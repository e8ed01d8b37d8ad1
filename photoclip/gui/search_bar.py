"""The row above the grid: the search box, the sort order, how strict relevance is, and the count."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

#: A search runs this long after a word is finished (a space typed) ...
WORD_DELAY_MS = 150
#: ... or after typing stops in the middle of a word: a partial word ("bl") is not searched while
#: the next letters are coming, so it never flashes results for nonsense.
PAUSE_DELAY_MS = 800

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
        self.sort.currentIndexChanged.connect(lambda _i: self._search())
        self.relevance = relevance_box(relevance)
        self.relevance.currentIndexChanged.connect(lambda _i: self.search_now())
        self.count = QLabel()
        add = QToolButton()
        add.setText("Add folder…")
        add.clicked.connect(self.add_folder)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 8, 8, 4)
        row.addWidget(self.query, 1)
        row.addWidget(self.sort)
        row.addWidget(self.relevance)
        row.addWidget(self.count)
        row.addWidget(add)

    def _typed(self, text: str) -> None:
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

    def show_level_counts(self, counts: dict[str, int] | None) -> None:
        """Writes into each choice how many photos it would show for the current search."""
        for row, (key, label) in enumerate(LEVELS):
            number = (counts or {}).get(key)
            self.relevance.setItemText(row, label if number is None else f"{label} ({number:,})")

    def sort_order(self) -> str:
        """ "relevance", "date" (newest first) or "date-asc"."""
        return str(self.sort.currentData())
