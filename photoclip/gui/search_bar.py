"""The row above the grid: the search box, the sort order, the relevance cut-off and the result count."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

#: Typing waits this long for the next key before searching, so a search runs per word, not per key.
SEARCH_DELAY_MS = 300
#: The cut-off box's "auto" value (the model's own cut-off); just below the box's real range.
AUTO_CUTOFF = -0.01


def cutoff_box(value: float | None, auto_text: str) -> QDoubleSpinBox:
    """A spin box for a relevance cut-off from 0 to 1, whose lowest step means "the model's own"
    (shown as ``auto_text``)."""
    box = QDoubleSpinBox()
    box.setRange(AUTO_CUTOFF, 1.0)
    box.setSingleStep(0.01)
    box.setDecimals(2)
    box.setSpecialValueText(auto_text)
    box.setValue(AUTO_CUTOFF if value is None else value)
    return box


def cutoff_value(box: QDoubleSpinBox) -> float | None:
    """The cut-off a :func:`cutoff_box` shows, or None for the model's own."""
    value = box.value()
    return None if value <= AUTO_CUTOFF + 1e-9 else round(value, 2)


class SearchBar(QWidget):
    """Emits :attr:`changed` when the query, the sort order or the cut-off asks for a new search
    (typing debounced, Enter at once) and :attr:`add_folder` for its "Add folder…" button."""

    changed = Signal()
    add_folder = Signal()

    def __init__(self, min_score: float | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Describe a photo… e.g. “a dog on a beach at sunset”, “beach -people”")
        self.query.setClearButtonEnabled(True)
        self.query.setMinimumHeight(34)
        self.timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.changed)
        self.query.textEdited.connect(lambda _t: self.timer.start())
        self.query.returnPressed.connect(self.search_now)
        self.sort = QComboBox()
        self.sort.addItem("Most relevant", "relevance")
        self.sort.addItem("Newest first", "date")
        self.sort.addItem("Oldest first", "date-asc")
        self.sort.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.cutoff = cutoff_box(min_score, "auto")
        self.cutoff.setPrefix("cut-off ")
        self.cutoff.setToolTip("Photos less relevant than this are not shown (auto: the model's own cut-off)")
        self.cutoff.valueChanged.connect(lambda _v: self.timer.start())
        self.count = QLabel()
        add = QToolButton()
        add.setText("Add folder…")
        add.clicked.connect(self.add_folder)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 8, 8, 4)
        row.addWidget(self.query, 1)
        row.addWidget(self.sort)
        row.addWidget(self.cutoff)
        row.addWidget(self.count)
        row.addWidget(add)

    def search_now(self) -> None:
        """Searches at once (Enter), without waiting for the typing delay."""
        self.timer.stop()
        self.changed.emit()

    def min_score(self) -> float | None:
        """The cut-off the user set, or None for the model's own."""
        return cutoff_value(self.cutoff)

    def sort_order(self) -> str:
        """ "relevance", "date" (newest first) or "date-asc"."""
        return str(self.sort.currentData())
