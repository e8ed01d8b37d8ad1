"""A filter on when photos were taken: a range of days, months of the year, or both.

"2019" is a range (2019-01-01 up to 2020-01-01); "in december" is a month of every year, which no
single range can say, so a filter also holds a set of months. A photo passes when its date is in
the range (an open end reaches as far as the library goes) and, if months are given, in one of
them. Dates are the wall-clock dates where the photos were taken (the catalog's ``taken_at``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from photoclip.core.date_words import ENGLISH

_UTC = dt.timezone.utc


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def day_seconds(day: dt.date) -> float:
    """The start of a day as the catalog's wall-clock seconds (naive local time read as UTC)."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=_UTC).timestamp()


def seconds_day(seconds: float) -> dt.date:
    """The day of a wall-clock ``taken_at``."""
    return dt.datetime.fromtimestamp(seconds, _UTC).date()


@dataclass(frozen=True)
class DateFilter:
    """Photos taken from ``start`` (inclusive) to ``end`` (exclusive), either end open, and only
    in ``months`` (1–12) when that is not empty. ``words`` are what the query said it with, as typed
    ("in december", "2019"), so a face can show them and take them out of the query again."""

    start: dt.date | None = None
    end: dt.date | None = None
    months: tuple[int, ...] = ()  # in calendar order
    words: tuple[str, ...] = ()

    @property
    def matches_nothing(self) -> bool:
        """True when no date can pass ("2018 2019": two years that do not overlap)."""
        if self.start is not None and self.end is not None:
            if self.start >= self.end:
                return True
            if self.months and (self.end - self.start).days < 366:
                day, wanted = self.start.replace(day=1), set(self.months)
                while day < self.end:
                    if day.month in wanted:
                        return False
                    day = add_months(day, 1)
                return True
        return False

    def __and__(self, other: DateFilter) -> DateFilter:
        """The dates both filters let through (several dates in one query narrow each other)."""
        starts = [d for d in (self.start, other.start) if d is not None]
        ends = [d for d in (self.end, other.end) if d is not None]
        start, end = (max(starts) if starts else None), (min(ends) if ends else None)
        months = self.months or other.months
        if self.months and other.months:
            months = tuple(sorted(set(self.months) & set(other.months)))
            if not months:  # no month is in both: nothing passes, which an empty range says
                start = end = start or end or dt.date(1970, 1, 1)
        return DateFilter(start, end, months, self.words + other.words)

    def narrow(
        self, date_from: float | None, date_to: float | None, months: tuple[int, ...] = ()
    ) -> tuple[float | None, float | None, tuple[int, ...]]:
        """Search filters' (date_from, date_to, months) narrowed by this filter too (both apply)."""
        if self.matches_nothing:
            return 0.0, 0.0, ()
        if self.start is not None:
            own = day_seconds(self.start)
            date_from = own if date_from is None else max(date_from, own)
        if self.end is not None:
            own = day_seconds(self.end)
            date_to = own if date_to is None else min(date_to, own)
        if months and self.months:
            both = tuple(sorted(set(months) & set(self.months)))
            return (date_from, date_to, both) if both else (0.0, 0.0, ())
        return date_from, date_to, tuple(months or self.months)

    def describe(self, month_names: tuple[str, ...] = ENGLISH.month_names) -> str:
        """What the filter lets through, for a person: '2019-01-01 – 2019-12-31',
        'December of any year', 'from 2019-03-01', '2018-01-01 – 2020-12-31, in June–August'."""
        if self.matches_nothing:
            return "no date (the dates asked for do not overlap)"
        last = (self.end - dt.timedelta(days=1)).isoformat() if self.end is not None else None
        if self.start is not None and last is not None:
            span = last if last == self.start.isoformat() else f"{self.start.isoformat()} – {last}"
        elif self.start is not None:
            span = f"from {self.start.isoformat()}"
        elif last is not None:
            span = f"until {last}"
        else:
            span = ""
        if not self.months:
            return span or "any date"
        named = month_runs(self.months, month_names)
        return f"{span}, in {named}" if span else f"{named} of any year"


def month_runs(months: tuple[int, ...], month_names: tuple[str, ...] = ENGLISH.month_names) -> str:
    """Months as runs: (6, 7, 8) → 'June–August'; (1, 2, 12) → 'December–February'; (3, 12) → 'March, December'."""
    wanted = set(months)
    if len(wanted) == 12:
        return "every month"
    runs = []
    for first in sorted(wanted):
        if (first - 2) % 12 + 1 in wanted:  # not the start of a run
            continue
        run = [first]
        while run[-1] % 12 + 1 in wanted:
            run.append(run[-1] % 12 + 1)
        runs.append(run)
    return ", ".join(
        month_names[r[0] - 1] if len(r) == 1 else f"{month_names[r[0] - 1]}–{month_names[r[-1] - 1]}" for r in runs
    )
