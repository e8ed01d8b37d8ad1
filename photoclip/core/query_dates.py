"""Dates in the search box: "beach 2019", "snow in december", "sunset last summer".

The words that say a date become a :class:`~photoclip.core.date_filter.DateFilter` and leave the
text the model sees ("snow in december" → "snow", December of any year); a query that is only a
date ("2019") lists that period's photos by date. What is understood (English):

    2019, '19                       a year (1900 to next year; other numbers stay words)
    2019-06, 2019-06-01             a month, a day (ISO; also 2019/06/01)
    december 2019, 25 dec 2019      a month or a day of a year (also "december 25, 2019")
    december, in dec                that month of every year
    summer, winter 2018             a season of every year, or of one year; seasons are whole
                                    months, northern hemisphere unless asked otherwise (summer:
                                    June–August; winter 2018: December 2017 – February 2018, the
                                    winter whose January is in 2018)
    the 90s, 1990s, '90s            a decade
    today, yesterday                a day
    this/last week, weekend, month, year, summer, december
                                    "last" is the latest one that is over: in July "last summer"
                                    is the year before's, in October this year's
    2 years ago, a month ago        that calendar year, month, week or day
    last 3 months, past week        up to today
    2018..2020, 2018-2020, from 2018 to 2020, between 2018 and 2020, june to august 2019
    since 2019, after 2019, before 2019, until 2019

Several dates in one query must all hold ("december 2018..2020": the Decembers of those years).
Words in front of a date that belong to it go with it ("in", "during", "from", "of", "the").
Words that are dates only beside a date word ("may", "march", "fall", "spring") stay words alone
("a protest march", "a hot spring"): "in march", "march 2019" and "last fall" are dates. A date
inside quotes, in a ``key:value`` word (``tag:2019``, ``folder:2019``) or a path stays as typed;
one after a ``-`` operator is taken out by the query's parser first and leaves its photos out
(:mod:`photoclip.core.query`). Days without a year ("december 25") and weekdays are not understood.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from photoclip.core.date_filter import DateFilter, add_months
from photoclip.core.date_words import ENGLISH, DateWords, seasons_for

_TOKEN = re.compile(r'"[^"]*"?|\S+?:"[^"]*"?|\S+')
_ISO_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_ISO_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")
_DECADE = re.compile(r"(\d{4}|'?\d{2})'?s")
_TOKEN_RANGE = re.compile(r"(.+?)(?:\.\.|–|—)(.+)|(\d{4})-(\d{4})")


@dataclass(frozen=True)
class _Token:
    word: str  # lower case, without the punctuation around it
    start: int
    end: int
    protected: bool  # never part of a date


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        protected = raw.startswith('"') or ":" in raw or "\\" in raw or (raw[0] in "+-~/" and len(raw) > 1)
        word = raw.lower().replace("’", "'").lstrip("([{").rstrip(",.;!?)]}")
        tokens.append(_Token(word, match.start(), match.end(), protected or not word))
    return tokens


@dataclass(frozen=True)
class _Point:
    """A date as said: a span of days (either end may be open), or months without a year."""

    start: dt.date | None = None
    end: dt.date | None = None
    months: tuple[int, ...] = ()  # a month or season without a year, its months in order

    @property
    def absolute(self) -> bool:
        return self.start is not None and self.end is not None


def _bounds(months: tuple[int, ...], year: int) -> tuple[dt.date, dt.date]:
    """The first day of ``months`` (a month, or a season's months in order) starting in ``year``,
    and the day after their last."""
    start = dt.date(year, months[0], 1)
    return start, add_months(start, len(months))


def _occurrence(months: tuple[int, ...], year: int) -> _Point:
    return _Point(*_bounds(months, year))


class _Reader:
    """Reads date expressions from tokens, one language's words, against one today."""

    def __init__(self, tokens: list[_Token], today: dt.date, words: DateWords, seasons: Mapping[str, tuple[int, ...]]):
        self.tokens, self.today, self.w, self.seasons = tokens, today, words, seasons

    def word(self, i: int) -> str:
        """Token ``i``'s word; '' past the end or for a word that is never a date."""
        if i >= len(self.tokens) or self.tokens[i].protected:
            return ""
        return self.tokens[i].word

    # -- single words -----------------------------------------------------------------------
    def year(self, word: str) -> int | None:
        if re.fullmatch(r"\d{4}", word):
            year = int(word)
            return year if 1900 <= year <= self.today.year + 1 else None
        if re.fullmatch(r"'\d{2}", word):
            year = 2000 + int(word[1:])
            return year if year <= self.today.year + 1 else year - 100
        return None

    def day_number(self, word: str) -> int | None:
        for suffix in ("", *self.w.ordinal_suffixes):
            if word.endswith(suffix) and word[: len(word) - len(suffix)].isdigit():
                number = int(word[: len(word) - len(suffix)])
                return number if 1 <= number <= 31 and len(word) - len(suffix) <= 2 else None
        return None

    def one_token(self, word: str, context: bool) -> _Point | None:
        """A date in one word: 2019, '19, 2019-06, 2019-06-01, 1990s, '90s (the 90s: with context)."""
        if not word:
            return None
        year = self.year(word)
        if year is not None:
            return _Point(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        day = _ISO_DAY.fullmatch(word)
        if day and self.year(day.group(1)):
            try:
                start = dt.date(int(day.group(1)), int(day.group(2)), int(day.group(3)))
            except ValueError:
                return None
            return _Point(start, start + dt.timedelta(days=1))
        month = _ISO_MONTH.fullmatch(word)
        if month and self.year(month.group(1)) and 1 <= int(month.group(2)) <= 12:
            return _occurrence((int(month.group(2)),), int(month.group(1)))
        decade = _DECADE.fullmatch(word)
        if decade and (context or len(decade.group(1)) != 2):
            digits = decade.group(1).lstrip("'")
            first = int(digits) if len(digits) == 4 else 2000 + int(digits)
            if len(digits) == 2 and first > self.today.year:
                first -= 100
            if first % 10 == 0 and 1900 <= first <= self.today.year:
                return _Point(dt.date(first, 1, 1), dt.date(first + 10, 1, 1))
        return None

    def token_range(self, word: str) -> _Point | None:
        """2018..2020, 2018-2020, 2018–2020, 2019-06..2019-08 in one word."""
        match = _TOKEN_RANGE.fullmatch(word)
        if match is None:
            return None
        left, right = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        a, b = self.one_token(left, True), self.one_token(right, True)
        return self.span(a, b) if a is not None and b is not None else None

    # -- a date ------------------------------------------------------------------------------
    def point(self, i: int, context: bool) -> tuple[int, _Point] | None:
        """The date that starts at token ``i`` (the longest reading); ``context``: a date word came
        before it, so words such as "march" count as dates."""
        w, months, seasons = self.word, self.w.months, self.seasons
        first = w(i)
        if not first:
            return None
        after_of = i + 2 if w(i + 1) in self.w.of else i + 1
        if first in months:  # december 25 2019; december 2019; december of 2019
            day, year = self.day_number(w(i + 1)), self.year(w(i + 2))
            if day is not None and year is not None:
                return self._day(i + 3, year, months[first], day)
            year = self.year(w(after_of))
            if year is not None:
                return after_of + 1, _occurrence((months[first],), year)
        day = self.day_number(first)
        if day is not None:  # 25 december 2019; 25th of dec 2019
            name = w(after_of)
            if name in months and self.year(w(after_of + 1)) is not None:
                return self._day(after_of + 2, self.year(w(after_of + 1)) or 0, months[name], day)
        if first in seasons:  # summer 2019; the summer of '19
            year = self.year(w(after_of))
            if year is not None:
                span = seasons[first]
                return after_of + 1, _occurrence(span, year - 1 if span[0] > span[-1] else year)
        single = self.one_token(first, context) or self.token_range(first)
        if single is not None:
            return i + 1, single
        relative = self.relative(i)
        if relative is not None:
            return relative
        if context or first not in self.w.ambiguous:
            if first in months:
                return i + 1, _Point(months=(months[first],))
            if first in seasons:
                return i + 1, _Point(months=seasons[first])
        return None

    def _day(self, j: int, year: int, month: int, day: int) -> tuple[int, _Point] | None:
        try:
            start = dt.date(year, month, day)
        except ValueError:
            return None
        return j, _Point(start, start + dt.timedelta(days=1))

    def relative(self, i: int) -> tuple[int, _Point] | None:
        """today, yesterday; this/last week, month, season...; 2 years ago; last 3 months, past week."""
        w, words, today = self.word, self.w, self.today
        first, second = w(i), w(i + 1)
        if first in words.days_back:
            day = today - dt.timedelta(days=words.days_back[first])
            return i + 1, _Point(day, day + dt.timedelta(days=1))
        count = int(first) if first.isdigit() else words.numbers.get(first)
        if count is not None and count > 0 and second in words.units and w(i + 2) in words.ago:
            return i + 3, self.units_back(words.units[second], count)
        if first in words.past:
            count = int(second) if second.isdigit() else words.numbers.get(second)
            unit = words.units.get(w(i + 2))
            if count is not None and count > 0 and unit in ("day", "week", "month", "year"):
                return i + 3, self.up_to_today(unit, count)
            if first not in words.last and words.units.get(second) in ("week", "month", "year"):
                return i + 2, self.up_to_today(words.units[second], 1)
        if first in words.this or first in words.last:
            back = 1 if first in words.last else 0
            if second in words.units:
                return i + 2, self.units_back(words.units[second], back)
            repeating = (words.months[second],) if second in words.months else self.seasons.get(second)
            if repeating:
                return i + 2, self.latest(repeating, over=bool(back))
        return None

    def units_back(self, unit: str, count: int) -> _Point:
        """The calendar day, week (from Monday), weekend, month or year ``count`` back from this one."""
        today = self.today
        if unit == "day":
            day = today - dt.timedelta(days=count)
            return _Point(day, day + dt.timedelta(days=1))
        if unit in ("week", "weekend"):
            monday = today - dt.timedelta(days=today.weekday() + 7 * count)
            start = monday + dt.timedelta(days=5 if unit == "weekend" else 0)
            return _Point(start, start + dt.timedelta(days=2 if unit == "weekend" else 7))
        if unit == "month":
            start = add_months(today, -count)
            return _Point(start, add_months(start, 1))
        return _Point(dt.date(today.year - count, 1, 1), dt.date(today.year - count + 1, 1, 1))

    def up_to_today(self, unit: str, count: int) -> _Point:
        """The last ``count`` days, weeks, months or years, today included."""
        today, tomorrow = self.today, self.today + dt.timedelta(days=1)
        if unit in ("day", "week"):
            return _Point(tomorrow - dt.timedelta(days=count * (7 if unit == "week" else 1)), tomorrow)
        months = count * (12 if unit == "year" else 1)
        back = add_months(today, -months)
        return _Point(back.replace(day=min(today.day, _month_length(back))), tomorrow)

    def latest(self, months: tuple[int, ...], *, over: bool) -> _Point:
        """The latest time of year ``months`` that has begun (``over``: that has ended) by today."""
        year = self.today.year + 1
        while True:
            start, end = _bounds(months, year)
            if (end if over else start) <= self.today:
                return _Point(start, end)
            year -= 1

    # -- phrases -----------------------------------------------------------------------------
    def span(self, a: _Point, b: _Point) -> _Point | None:
        """From ``a`` to ``b``; a month without a year takes the other side's year."""
        if a.absolute and b.absolute:
            starts, ends = [a.start, b.start], [a.end, b.end]
            return _Point(min(d for d in starts if d), max(d for d in ends if d))
        if a.months and b.months:
            run = [a.months[0]]
            while run[-1] != b.months[-1]:
                run.append(run[-1] % 12 + 1)
            return _Point(months=tuple(run))
        if a.months and b.absolute and b.start is not None:
            year = b.start.year
            if _bounds(a.months, year)[0] > b.start:
                year -= 1
            return _Point(_bounds(a.months, year)[0], b.end)
        if a.absolute and b.months and a.start is not None and a.end is not None:
            year = a.start.year
            if _bounds(b.months, year)[1] < a.end:
                year += 1
            return _Point(a.start, _bounds(b.months, year)[1])
        return None

    def expression(self, i: int) -> tuple[int, _Point] | None:
        """A whole date expression at token ``i``, the words around it that belong to it included."""
        w, words = self.word, self.w
        first = w(i)
        if not first:
            return None
        if first in words.between:
            a = self.point(i + 1, True)
            if a is not None and w(a[0]) in words.between_and:
                b = self.point(a[0] + 1, True)
                joined = self.span(a[1], b[1]) if b is not None else None
                if b is not None and joined is not None:
                    return b[0], joined
        at = i + 1 if first in words.range_from else i
        a = self.point(at, at > i)
        if a is not None and w(a[0]) in words.range_to:
            b = self.point(a[0] + 1, True)
            joined = self.span(a[1], b[1]) if b is not None else None
            if b is not None and joined is not None:
                return b[0], joined
        for kind in ("since", "after", "before", "until"):
            if first in getattr(words, kind):
                j = i + 2 if w(i + 1) in words.articles else i + 1
                found = self.point(j, True)
                if found is not None:
                    return found[0], self.open_ended(kind, found[1])
        j = i + 1 if first in words.prepositions else i
        j = j + 1 if w(j) in words.articles else j
        if j > i:
            found = self.point(j, True)
            if found is not None:
                return found
        return self.point(i, False)

    def open_ended(self, kind: str, point: _Point) -> _Point:
        """since/after/before/until a date (a month or season without a year: its latest one)."""
        if not point.absolute:
            point = self.latest(point.months, over=False)
        if kind in ("since", "after"):
            return _Point(point.start if kind == "since" else point.end, None)
        return _Point(None, point.start if kind == "before" else point.end)


def _month_length(day: dt.date) -> int:
    return (add_months(day, 1) - day.replace(day=1)).days


def find_dates(
    text: str, now: dt.date | dt.datetime | None = None, *, words: DateWords = ENGLISH, hemisphere: str = "north"
) -> tuple[DateFilter | None, str]:
    """The dates ``text`` names, as one filter (None if it names none), and the text without the
    words that said them. ``now`` is what "today" and "last summer" count from (default: today)."""
    each, rest = date_expressions(text, now, words=words, hemisphere=hemisphere)
    found: DateFilter | None = None
    for said in each:
        found = said if found is None else found & said
    return found, rest


def date_expressions(
    text: str, now: dt.date | dt.datetime | None = None, *, words: DateWords = ENGLISH, hemisphere: str = "north"
) -> tuple[list[DateFilter], str]:
    """Each date ``text`` names, one filter per expression in text order ("2018 2019": two), and
    the text without the words that said them (see find_dates)."""
    today = now.date() if isinstance(now, dt.datetime) else (now or dt.date.today())
    tokens = _tokens(text)
    reader = _Reader(tokens, today, words, seasons_for(words, hemisphere))
    found: list[DateFilter] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        read = reader.expression(i)
        if read is None:
            i += 1
            continue
        j, point = read
        start, end = tokens[i].start, tokens[j - 1].end
        spans.append((start, end))
        found.append(DateFilter(point.start, point.end, tuple(sorted(point.months)), (text[start:end],)))
        i = j
    for start, end in reversed(spans):
        before, after = text[:start].rstrip(), text[end:].lstrip()
        text = f"{before} {after}" if before and after else before + after
    return found, text.strip() if spans else text


def strip_dates(
    text: str, now: dt.date | dt.datetime | None = None, *, words: DateWords = ENGLISH, hemisphere: str = "north"
) -> str:
    """``text`` without its date words (what taking a date chip off leaves in the search box)."""
    return find_dates(text, now, words=words, hemisphere=hemisphere)[1]
