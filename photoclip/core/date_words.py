"""The words a language says dates with, for :mod:`photoclip.core.query_dates`.

The grammar in ``query_dates`` reads words only through a :class:`DateWords`, so another language
whose date phrases keep English's word order ("december 2019", "2 years ago", "from X to Y") is a
new table here and nothing more; one with another order ("vor 2 Jahren") needs its own rules too.

Seasons are meteorological (whole months) and northern-hemisphere by default: spring is March to
May, summer June to August, autumn September to November, winter December to February.
:func:`seasons_for` turns them around for the southern hemisphere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DateWords:
    """One language's date vocabulary (all lower case)."""

    #: Month names and abbreviations → month number.
    months: Mapping[str, int]
    #: Season names → their months in order, northern hemisphere.
    seasons: Mapping[str, tuple[int, ...]]
    #: Words that are dates only beside a date word ("in march", "may 2019", "last fall"): alone,
    #: "a protest march", "a hot spring" or "may" mean something a photo can show.
    ambiguous: frozenset[str]
    #: "today", "yesterday" → days back from today.
    days_back: Mapping[str, int]
    #: Units of "2 years ago" and "last 3 months" (plural forms too) → day, week, weekend, month, year.
    units: Mapping[str, str]
    #: Number words for "two years ago", "a month ago".
    numbers: Mapping[str, int]
    this: frozenset[str]
    last: frozenset[str]  # "last summer": the latest one that is over
    past: frozenset[str]  # "past 3 months", "past week": up to today
    ago: frozenset[str]
    #: Words in front of a date that belong to it ("snow in december" → "snow").
    prepositions: frozenset[str]
    articles: frozenset[str]
    of: frozenset[str]  # "summer of 2019", "25th of december"
    since: frozenset[str]  # from the start of the date on
    after: frozenset[str]  # from the end of the date on
    before: frozenset[str]  # up to the start of the date
    until: frozenset[str]  # up to the end of the date
    range_from: frozenset[str]  # "from 2018 to 2020"
    range_to: frozenset[str]
    between: frozenset[str]
    between_and: frozenset[str]
    ordinal_suffixes: tuple[str, ...] = field(default=())
    month_names: tuple[str, ...] = field(default=())  # for saying what was understood, January first


def seasons_for(words: DateWords, hemisphere: str) -> Mapping[str, tuple[int, ...]]:
    """The seasons' months where the person lives: 'north' (as listed) or 'south' (six months on)."""
    if hemisphere == "north":
        return words.seasons
    if hemisphere != "south":
        raise ValueError(f"hemisphere must be 'north' or 'south', not {hemisphere!r}")
    return {name: tuple((m + 5) % 12 + 1 for m in months) for name, months in words.seasons.items()}


_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

ENGLISH = DateWords(
    months={
        **{name: n for n, name in enumerate(_MONTH_NAMES, 1)},
        **{name[:3]: n for n, name in enumerate(_MONTH_NAMES, 1)},
        "sept": 9,
    },
    seasons={
        "spring": (3, 4, 5),
        "summer": (6, 7, 8),
        "autumn": (9, 10, 11),
        "fall": (9, 10, 11),
        "winter": (12, 1, 2),
    },
    ambiguous=frozenset({"may", "march", "mar", "jan", "fall", "spring"}),
    days_back={"today": 0, "yesterday": 1},
    units={
        "day": "day",
        "days": "day",
        "week": "week",
        "weeks": "week",
        "weekend": "weekend",
        "month": "month",
        "months": "month",
        "year": "year",
        "years": "year",
    },
    numbers={
        "a": 1,
        "an": 1,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
    },
    this=frozenset({"this", "current"}),
    last=frozenset({"last", "previous"}),
    past=frozenset({"past", "last"}),
    ago=frozenset({"ago"}),
    prepositions=frozenset({"in", "during", "on", "from", "of", "at"}),
    articles=frozenset({"the"}),
    of=frozenset({"of"}),
    since=frozenset({"since"}),
    after=frozenset({"after"}),
    before=frozenset({"before"}),
    until=frozenset({"until", "till", "til"}),
    range_from=frozenset({"from"}),
    range_to=frozenset({"to", "until", "till", "through", "thru", "-", "–", "—"}),
    between=frozenset({"between"}),
    between_and=frozenset({"and"}),
    ordinal_suffixes=("st", "nd", "rd", "th"),
    month_names=tuple(name.capitalize() for name in _MONTH_NAMES),
)
