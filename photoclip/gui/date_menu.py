"""The search row's Dates menu: narrow the grid to a time (this year, last year, the last 12 months,
a year of the library, or any span picked on calendars); the choice shows as a chip that takes it
off again, as the command line's ``--from``/``--to`` do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMenu,
    QPushButton,
    QWidget,
)

from photoclip.core.date_filter import add_months, day_seconds, seconds_day

if TYPE_CHECKING:
    from photoclip.core.library import Library
    from photoclip.gui.context import GuiContext

#: Years listed in the menu itself; older ones go in a sub-menu.
YEARS_SHOWN = 12

Span = tuple[dt.date | None, dt.date | None]  # from (inclusive), to (exclusive); None: open


def quick_spans(today: dt.date) -> list[tuple[str, Span]]:
    """The menu's ready-made choices, counted from ``today``."""
    year = dt.date(today.year, 1, 1)
    tomorrow = today + dt.timedelta(days=1)
    return [
        ("This year", (year, dt.date(today.year + 1, 1, 1))),
        ("Last year", (dt.date(today.year - 1, 1, 1), year)),
        ("Last 12 months", (add_months(today, -11), tomorrow)),
        ("Last 30 days", (today - dt.timedelta(days=29), tomorrow)),
    ]


def library_years(library: Library) -> list[tuple[int, int]]:
    """(year, photos) of every year the library has photos of, newest first."""
    counts: dict[int, int] = {}
    for bucket in library.timeline():
        if bucket.year is not None:
            counts[bucket.year] = counts.get(bucket.year, 0) + bucket.count
    return sorted(counts.items(), reverse=True)


class DateRangeDialog(QDialog):
    """Two calendars: the first and the last day to show (both included)."""

    def __init__(self, first: dt.date, last: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Photos taken between")
        self.start, self.end = QDateEdit(), QDateEdit()
        for edit, day in ((self.start, first), (self.end, last)):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setDate(QDate(day.year, day.month, day.day))
        form = QFormLayout(self)
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def span(self) -> Span:
        """The days chosen, as a span (the later day's end excluded, whichever order they were set in)."""
        days = sorted((self.start.date().toPython(), self.end.date().toPython()))
        return days[0], days[1] + dt.timedelta(days=1)


class DatesButton(QPushButton):
    """A "Dates" button and its menu; emits :attr:`chosen` with a span's (date_from, date_to) as
    search filters hold them (wall-clock seconds, either None), both None for "Any date".
    ``current`` gives the filter's span now (so the menu can tick it)."""

    chosen = Signal(object, object)

    def __init__(
        self,
        ctx: GuiContext,
        current: Callable[[], tuple[float | None, float | None]],
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.current, self.today = ctx, current, today
        self.years: list[tuple[int, int]] = []
        self.setText("Dates")
        self.setToolTip("Show only the photos taken in a year, a month or between two days")
        self.setMenu(QMenu(self))
        self.menu().aboutToShow.connect(self._opening)
        self.refresh_years()

    def refresh_years(self) -> None:
        """Reads the library's years in the background (the menu lists them)."""
        library = self.ctx.library
        self.ctx.tasks.run(lambda: library_years(library), done=self._years_read, key="date-menu-years")

    def _years_read(self, years: list[tuple[int, int]]) -> None:
        changed = years != self.years
        self.years = years
        if changed and self.menu().isVisible():
            self.fill()

    def _opening(self) -> None:
        self.fill()
        self.refresh_years()  # for the next time, or for this one if it comes while the menu is open

    def fill(self) -> None:
        """Builds the menu: any date, the ready-made spans, the library's years, a span to pick."""
        menu = self.menu()
        menu.clear()
        date_from, date_to = self.current()
        now = (
            seconds_day(date_from) if date_from is not None else None,
            seconds_day(date_to) if date_to is not None else None,
        )
        self._add(menu, "Any date", (None, None), now)
        menu.addSeparator()
        for label, span in quick_spans(self.today()):
            self._add(menu, label, span, now)
        if self.years:
            menu.addSection("Years")
            target = menu
            for n, (year, count) in enumerate(self.years):
                if n == YEARS_SHOWN:
                    target = menu.addMenu("Earlier years")
                span = (dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
                self._add(target, f"{year}   ({count:,} photo{'s' if count != 1 else ''})", span, now)
        menu.addSeparator()
        pick = menu.addAction("Choose dates…")
        pick.triggered.connect(self.pick)

    def _add(self, menu: QMenu, label: str, span: Span, now: Span) -> None:
        action = menu.addAction(label)
        action.setCheckable(True)
        action.setChecked(span == now)
        action.triggered.connect(lambda _checked=False, s=span: self.choose(s))

    def choose(self, span: Span) -> None:
        """Narrows the grid to ``span`` (None and None: any date)."""
        start, end = span
        self.chosen.emit(
            day_seconds(start) if start is not None else None, day_seconds(end) if end is not None else None
        )

    def pick(self) -> None:
        """Asks for the first and last day on calendars, starting from the span shown now (or the
        library's latest year)."""
        date_from, date_to = self.current()
        latest = self.years[0][0] if self.years else self.today().year
        first = seconds_day(date_from) if date_from is not None else dt.date(latest, 1, 1)
        last = seconds_day(date_to - 1) if date_to is not None else min(self.today(), dt.date(latest, 12, 31))
        dialog = DateRangeDialog(first, max(first, last), self.ctx.parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.choose(dialog.span())
