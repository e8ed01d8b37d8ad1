"""Dates as the window writes them: month headers ("June 2019"), the date on a thumbnail
("24 Dec 2019", or "~5 Jan 2020" when it is the file's date), and a date filter on its chip
("2019", "June – August 2019", "since March 2019", "December, any year")."""

from __future__ import annotations

import datetime as dt

from photoclip.core.date_filter import add_months, month_runs, seconds_day
from photoclip.core.date_words import ENGLISH

#: Month names, January first.
MONTHS = ENGLISH.month_names
SHORT_MONTHS = tuple(name[:3] for name in MONTHS)
#: What a photo with no date at all is listed under.
NO_DATE = "No date"


def month_title(year: int | None, month: int | None) -> str:
    """A timeline header: 'June 2019', or 'No date' for the photos without one."""
    if year is None or month is None:
        return NO_DATE
    return f"{MONTHS[month - 1]} {year}"


def short_day(day: dt.date) -> str:
    """'24 Dec 2019'."""
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"


def photo_date(taken_at: float | None, source: str | None) -> str:
    """The date a thumbnail shows: '24 Dec 2019'; '~5 Jan 2020' when it is the file's time (the
    photo holds no date of its own, as the command line marks it); '' when there is none."""
    if taken_at is None:
        return ""
    text = short_day(seconds_day(taken_at))
    return f"~{text}" if source == "file" else text


def photo_date_tooltip(taken_at: float | None, source: str | None) -> str:
    """The date line of a thumbnail's tooltip, saying where the date came from."""
    if taken_at is None:
        return "No date"
    moment = dt.datetime.fromtimestamp(taken_at, dt.timezone.utc)
    text = f"{short_day(moment.date())}, {moment:%H:%M}"
    if source == "file":
        return f"File date {text} (the photo holds no date of its own)"
    return f"Taken {text}"


def _start_point(day: dt.date) -> str:
    if day.month == 1 and day.day == 1:
        return str(day.year)
    return f"{MONTHS[day.month - 1]} {day.year}" if day.day == 1 else short_day(day)


def _end_point(end: dt.date) -> str:
    """The last day before ``end``, as coarsely as it allows: 'until 2018' for an end of 2019-01-01."""
    last = end - dt.timedelta(days=1)
    if end.month == 1 and end.day == 1:
        return str(last.year)
    return f"{MONTHS[last.month - 1]} {last.year}" if end.day == 1 else short_day(last)


def _span(start: dt.date, end: dt.date) -> str:
    last = end - dt.timedelta(days=1)
    if end <= start:
        return "no date"
    if (start.month, start.day, end.month, end.day) == (1, 1, 1, 1):
        return str(start.year) if end.year - start.year == 1 else f"{start.year} – {last.year}"
    if start.day == 1 and end.day == 1:
        if add_months(start, 1) == end:
            return f"{MONTHS[start.month - 1]} {start.year}"
        if start.year == last.year:
            return f"{MONTHS[start.month - 1]} – {MONTHS[last.month - 1]} {start.year}"
        return f"{MONTHS[start.month - 1]} {start.year} – {MONTHS[last.month - 1]} {last.year}"
    if start == last:
        return short_day(start)
    if start.year == last.year:
        return f"{start.day} {SHORT_MONTHS[start.month - 1]} – {short_day(last)}"
    return f"{short_day(start)} – {short_day(last)}"


def span_text(start: dt.date | None, end: dt.date | None, months: tuple[int, ...] = ()) -> str:
    """A date filter in a few words: from ``start`` (inclusive) to ``end`` (exclusive), either open,
    only in ``months`` when given. '2019', '2018 – 2020', 'June 2019', '3 Jun – 5 Aug 2019',
    'since March 2019', 'until 2018', '2018 – 2020, June–August', 'December, any year'."""
    if start is not None and end is not None:
        span = _span(start, end)
    elif start is not None:
        span = f"since {_start_point(start)}"
    elif end is not None:
        span = f"until {_end_point(end)}"
    else:
        span = ""
    if not months:
        return span or "any date"
    named = month_runs(months)
    return f"{span}, {named}" if span else f"{named}, any year"


def filter_span_text(date_from: float | None, date_to: float | None, months: tuple[int, ...] = ()) -> str:
    """:func:`span_text` of search filters' wall-clock seconds (``date_to`` exclusive)."""
    start = seconds_day(date_from) if date_from is not None else None
    end = seconds_day(date_to - 1) + dt.timedelta(days=1) if date_to is not None else None
    return span_text(start, end, months)
