"""How the window's parts are arranged: the search row (with the Dates menu beside the sort order),
the model banner, and the sidebar beside the results, with the filter chips above the results."""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtWidgets import QComboBox, QSplitter, QVBoxLayout, QWidget

from photoclip.gui.search_bar import SearchBar


def arrange(
    search_bar: SearchBar, chips: QWidget, banner: QWidget, sidebar: QWidget, results: QWidget, dates: QWidget
) -> QWidget:
    """The window's central widget holding the parts, top to bottom; ``dates`` joins the search
    row after the sort order (what it narrows is read together with it). The chips sit above the
    results, not above the sidebar: choosing a folder or tag makes one appear, and the sidebar's
    rows must stay where they were under the pointer."""
    search_bar.add_control(dates, after=search_bar.sort)
    # Tab follows the row as it is seen; made last, the Dates button would come after the sidebar.
    for before, after in pairwise(search_bar.widgets_in_order()):
        QWidget.setTabOrder(before, after)
    # With the Dates button the row is fuller: the relevance box keeps the width its counts need
    # ("Normal (27)"), rather than the one it had before the first search.
    search_bar.relevance.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    results_column = QWidget()
    stacked = QVBoxLayout(results_column)
    stacked.setContentsMargins(0, 0, 0, 0)
    stacked.setSpacing(0)
    stacked.addWidget(chips)
    stacked.addWidget(results, 1)
    split = QSplitter()
    split.addWidget(sidebar)
    split.addWidget(results_column)
    split.setStretchFactor(1, 1)
    split.setSizes([240, 1040])
    central = QWidget()
    column = QVBoxLayout(central)
    column.setContentsMargins(0, 0, 0, 0)
    for part in (search_bar, banner):
        column.addWidget(part)
    column.addWidget(split, 1)
    return central
