"""Dates after a minus in a query: "beach - 2019", "snow -december", "red -last summer" leave out
the photos taken then. Read with the query's other dates they kept only those photos, the
opposite of what was asked; so the query's parser takes them out first (see
:mod:`photoclip.core.query` for the little language, :mod:`photoclip.core.query_dates` for the dates)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable

from photoclip.core.date_filter import DateFilter
from photoclip.core.query_dates import date_expressions, strip_dates


def _left_out_spans(text: str) -> list[tuple[int, int, bool]]:
    """Where ``text``'s left-out parts are, from their minus to the next operator, and whether the
    minus is against a word (then it leaves out that word alone, see split_terms); quotes hold none."""
    operators, quoted = [], False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "+-" and (i == 0 or text[i - 1].isspace()):
            operators.append(i)
    return [
        (i, operators[k + 1] if k + 1 < len(operators) else len(text), glued_minus(text, i))
        for k, i in enumerate(operators)
        if text[i] == "-"
    ]


def glued_minus(text: str, i: int) -> bool:
    """Whether the minus at ``i`` is against a word ("-people"), as query._parts reads it."""
    return i + 1 < len(text) and not text[i + 1].isspace() and text[i + 1] not in "+-"


#: The most words one date expression takes ("from june to august 2019").
DATE_WORDS = 6


def _left_out_dates(
    text: str, now: dt.date | dt.datetime | None, in_image_name: Callable[[str], bool] = lambda _: False
) -> list[tuple[int, int, list[DateFilter], str]]:
    """The left-out parts of ``text`` that name dates: (start, end, one filter per date, what is
    left of the part). A minus against a word takes the one date that word begins ("-last summer",
    "-december 2019"), the words after it being searched for; a spaced minus every date up to the
    next operator ("- 2018 2019": both years). ``in_image_name``: whether a part is inside an
    image's name the query gives ("red + trips/a -2019 b.jpg")."""
    from photoclip.core.query import names_an_image  # the parser imports this module

    found = []
    for start, end, glued in _left_out_spans(text):
        part = text[start + 1 : end]
        if names_an_image(part.strip()) or in_image_name(text[start:end].strip()):
            continue  # "trip -2020/a.jpg": an image's name
        if not glued:
            each, rest = date_expressions(part, now)
            if each:
                found.append((start, end, _as_spans(each), f" - {rest.strip()} " if rest.strip() else " "))
            continue
        words = part.split()
        for n in range(min(DATE_WORDS, len(words)), 0, -1):
            each, rest = date_expressions(" ".join(words[:n]), now)
            spans = _as_spans(each)
            if len(spans) == 1 and not rest:
                found.append((start, end, spans, f" {' '.join(words[n:])} "))
                break
    return found


def _as_spans(each: list[DateFilter]) -> list[DateFilter]:
    """One left-out part's dates as the spans of time it leaves out: its bounds ("since 2019",
    "until 2020") make one range together, as they do kept; any other date is a span of its own
    ("2018 2019": both years). Each bound on its own left out every dated photo."""
    bounds = [k for k, date in enumerate(each) if (date.start is None) != (date.end is None) and not date.months]
    if len(bounds) < 2:
        return each
    merged = functools.reduce(operator.and_, (each[k] for k in bounds))
    return [merged if k == bounds[0] else date for k, date in enumerate(each) if k == bounds[0] or k not in bounds]


def take_left_out_dates(
    text: str, now: dt.date | dt.datetime | None, in_image_name: Callable[[str], bool] = lambda _: False
) -> tuple[tuple[DateFilter, ...], str]:
    """The dates that left-out parts name ("beach - 2019", "snow -december"), and ``text`` without
    them. Read with the other dates, "- 2019" kept only the photos of 2019: the opposite of what
    was asked."""
    taken = _left_out_dates(text, now, in_image_name)
    for start, end, _, rest in reversed(taken):
        text = text[:start].rstrip() + rest + text[end:].lstrip()
    return tuple(date for _, _, each, _ in taken for date in each), _spaced(text)


def strip_query_dates(
    text: str, now: dt.date | dt.datetime | None = None, *, left_out: bool = False, words: str | None = None
) -> str:
    """``text`` without the dates it names, or with ``left_out`` those it leaves out, or only the
    left-out one said with ``words`` (what taking one date chip off leaves)."""
    if left_out and words is not None:
        return _without_left_out_date(text, now, words)
    if left_out:
        return take_left_out_dates(text, now)[1]
    masked, kept = text, {}
    for k, (start, end, _, _) in enumerate(reversed(_left_out_dates(text, now))):
        token = f"\x00{k}\x00"  # a word that is no date, standing in for a left-out part meanwhile
        kept[token] = masked[start:end]
        masked = masked[:start] + token + masked[end:]
    stripped = strip_dates(masked, now)
    for token, part in kept.items():
        stripped = stripped.replace(token, part)
    return stripped


def _without_left_out_date(text: str, now: dt.date | dt.datetime | None, words: str) -> str:
    """``text`` without the one left-out date said with ``words`` ("beach - 2018 2019", 2019's
    chip taken off: "beach - 2018"); the text as it is when no left-out date is said so."""
    for start, end, each, rest in reversed(_left_out_dates(text, now)):
        date = next((d for d in each if " ".join(d.words) == words), None)
        if date is None:
            continue
        part = rest
        if len(each) > 1:  # only that date's words go; the part's minus stays for the others
            part = text[start:end]
            for said in date.words:
                part = part.replace(said, " ", 1)
            part = f" {part.strip()} "
        return _spaced(text[:start].rstrip() + part + text[end:].lstrip())
    return text


def _spaced(text: str) -> str:
    """``text`` with the spaces a taken-out part leaves behind run into one."""
    return re.sub(" {2,}", " ", text).strip()
