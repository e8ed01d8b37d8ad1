"""The search box's little language.

    a dog on a beach            one text term
    beach -people               minus a term: photos that match "people" are left out
    sunset + mountains          both at once
    2:sunset + lake             a weight in front of a term
    ~/Pictures/cat.jpg          a path to an image: search by that image (in the library or not)
    ~/cat.jpg + in the snow     an image and words together
    tag:beach sunset            only photos tagged "beach", ranked by "sunset"
    tag:green circle            a tag of several words: the longest tag of the library that the
                                words after "tag:" begin with (or quote it: tag:"green circle")
    "a - b"                     quotes keep an operator inside a term
    beach 2019, snow in december, sunset last summer
                                dates: a filter, not words (see photoclip.core.query_dates)

An operator is a ``+`` or ``-`` at the start or after a space, so "t-shirt" stays one word.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from photoclip.core.date_filter import DateFilter
from photoclip.core.query_dates import find_dates

_WEIGHT = re.compile(r"^(\d+(?:\.\d+)?|\.\d+):(.+)$", re.S)


@dataclass(frozen=True)
class QueryTerm:
    """One part of a query: words or an image, with a weight (negative: leave out matches)."""

    weight: float
    text: str | None = None
    image: Path | None = None

    @property
    def negative(self) -> bool:
        """True for a term introduced by ``-``."""
        return self.weight < 0


@dataclass(frozen=True)
class Query:
    """A parsed query."""

    raw: str
    terms: tuple[QueryTerm, ...]
    tags: tuple[str, ...] = ()
    dates: DateFilter | None = None  # when the photos were taken, from the query's date words

    @property
    def positive(self) -> tuple[QueryTerm, ...]:
        """Terms that say what to find."""
        return tuple(t for t in self.terms if not t.negative)

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to rank by (no terms, maybe only tags)."""
        return not self.positive


def _default_is_image(text: str) -> Path | None:
    from photoclip.core.images import is_supported

    candidate = Path(text.strip().strip('"').strip("'")).expanduser()
    try:
        if is_supported(candidate) and candidate.is_file():
            return candidate.resolve()
    except OSError:
        return None
    return None


def _split(raw: str) -> list[tuple[int, str]]:
    """Splits at operators outside quotes; returns (sign, text) parts."""
    parts: list[tuple[int, str]] = []
    buffer: list[str] = []
    sign, quoted = 1, False
    for i, ch in enumerate(raw):
        at_boundary = i == 0 or raw[i - 1].isspace()
        if ch == '"':
            quoted = not quoted
            continue
        if not quoted and ch in "+-" and at_boundary:
            if "".join(buffer).strip():
                parts.append((sign, "".join(buffer)))
            sign, buffer = (-1 if ch == "-" else 1), []
            continue
        buffer.append(ch)
    if "".join(buffer).strip():
        parts.append((sign, "".join(buffer)))
    return parts


def _take_tags(text: str, known: Sequence[str]) -> tuple[tuple[str, ...], str]:
    """The tags named after ``tag:`` in ``text``, and the text without them. An unquoted tag is the
    longest known tag the following words spell (whole words), else one word."""
    tags: list[str] = []
    known_words = sorted((k.lower().split() for k in known if k.strip()), key=len, reverse=True)
    out = []
    position = 0
    for match in re.finditer(r'(?:^|(?<=\s))tag:(?:"([^"]+)"|(\S+))', text):
        out.append(text[position : match.start()])
        if match.group(1):
            tags.append(match.group(1).strip().lower())
            position = match.end()
            continue
        following = text[match.start() + 4 :].split()
        lowered = [w.lower() for w in following]
        chosen = next((k for k in known_words if lowered[: len(k)] == k), [lowered[0]])
        tags.append(" ".join(chosen))
        # Skip past exactly the words the tag used.
        rest = text[match.start() + 4 :]
        for word in following[: len(chosen)]:
            rest = rest[rest.index(word) + len(word) :]
        position = len(text) - len(rest)
    out.append(text[position:])
    return tuple(tags), "".join(out).strip()


def parse_query(
    raw: str,
    is_image: Callable[[str], Path | None] = _default_is_image,
    known_tags: Sequence[str] = (),
    now: dt.date | dt.datetime | None = None,
) -> Query:
    """Parses what the user typed. ``is_image`` decides whether a term names an image file;
    ``known_tags`` (the library's tag labels) let a tag of several words go unquoted; ``now`` is
    what relative dates ("last summer") count from (default: today)."""
    text = raw.strip()
    tags, text = _take_tags(text, known_tags)
    whole = is_image(text) if text else None
    if whole is not None:  # a path with " - " or "+" in its name is still one image
        return Query(raw, (QueryTerm(1.0, image=whole),), tags)
    dates, text = find_dates(text, now)
    terms = []
    for sign, part in _split(text):
        part = part.strip()
        weight = 1.0
        match = _WEIGHT.match(part)
        if match:
            weight, part = float(match.group(1)), match.group(2).strip()
        if not part or weight == 0:
            continue
        image = is_image(part)
        if image is not None:
            terms.append(QueryTerm(sign * weight, image=image))
        else:
            terms.append(QueryTerm(sign * weight, text=" ".join(part.split())))
    return Query(raw, tuple(terms), tags, dates)
