"""What to offer while a search is typed: recent searches it begins, and the library's tag and
folder names the word being typed begins (plain, or after ``tag:`` / ``folder:``).

Pure functions over plain values, so the search box and the tests share one behaviour:

    suggest("bea", recent=["beach -people"], names=Names(tags=(("beach", 12),)))
    -> [Suggestion("beach -people", ..., "recent"), Suggestion("beach", ..., "tag")]

A suggestion is always a whole search box text: choosing it never leaves half a word behind.
What is typed matches without regard to case or accents ("zu" offers "Zürich 2020"), as the
search itself reads names (:func:`photoclip.core.metadata_words.fold`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from photoclip.core.metadata_words import fold

#: At most this many recent searches, then names, in one list.
RECENT_SHOWN = 4
NAMES_SHOWN = 8
#: A plain word is completed from this many letters on (one letter matches half the library).
MIN_WORD = 2

# The value being typed after a filter key at a word start: tag:bea, folder:"2019 par
_FILTER = re.compile(r'(?:^|(?<=\s))(-?)(tag|folder):("?)([^"]*)$', re.IGNORECASE)
# The last word and what it begins with: an operator and a weight (-peo, +sun, 2:lak).
_LAST_WORD = re.compile(r"(?:^|(?<=\s))([-+]?(?:\d+(?:\.\d+)?:)?)([^\s:/\\\"]*)$")


@dataclass(frozen=True)
class Names:
    """The names the library has: tags and folders, each with its number of photos."""

    tags: tuple[tuple[str, int], ...] = ()
    folders: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """One entry of the list: the search box's text if chosen, what the list says beside it, and
    where it came from ('recent', 'tag' or 'folder')."""

    text: str
    kind: str
    note: str = field(default="", compare=False)


def suggest(
    text: str, recent: Sequence[str], names: Names, limit: int = RECENT_SHOWN + NAMES_SHOWN
) -> list[Suggestion]:
    """Suggestions for the search box holding ``text`` (with nothing typed: the recent searches)."""
    if not text.strip():
        return [Suggestion(r, "recent") for r in recent[:limit]]
    found = _recent_matches(text, recent) + _name_matches(text, names)
    unique: dict[str, Suggestion] = {}
    for suggestion in found:
        key = " ".join(suggestion.text.split()).casefold()
        if key != " ".join(text.split()).casefold():  # what is typed already is no suggestion
            unique.setdefault(key, suggestion)
    return list(unique.values())[:limit]


def _recent_matches(text: str, recent: Sequence[str]) -> list[Suggestion]:
    """Recent searches that begin with what is typed, then those with a word that does."""
    typed = fold(" ".join(text.split()))
    starting = [r for r in recent if fold(r).startswith(typed)]
    inside = [r for r in recent if r not in starting and f" {typed}" in f" {fold(r)}"]
    return [Suggestion(r, "recent") for r in (starting + inside)[:RECENT_SHOWN]]


def _name_matches(text: str, names: Names) -> list[Suggestion]:
    after_key = _FILTER.search(text)
    if after_key is not None:
        sign, key, _quote, value = after_key.groups()
        pool = names.tags if key.lower() == "tag" else names.folders
        head = text[: after_key.start()] + f"{sign}{key.lower()}:"
        typed = fold(value.lstrip())
        # The name begins with what is typed, or one of its words does ("par": "2019 Paris trip").
        chosen = [(n, c) for n, c in pool if fold(n).startswith(typed) or _phrase_from(n, typed) is not None]
        if chosen or not typed:
            return [
                Suggestion(f"{head}{_quoted(name)} ", key.lower(), _photos(count))
                for name, count in _ranked(chosen)[:NAMES_SHOWN]
            ]
    word = _LAST_WORD.search(text)
    if word is None or len(word.group(2)) < MIN_WORD:
        return []
    head = text[: word.start()] + word.group(1)
    typed = fold(word.group(2))
    found: list[tuple[str, str, str, int]] = []  # (phrase, kind, name, count)
    for kind, pool in (("tag", names.tags), ("folder", names.folders)):
        for name, count in pool:
            phrase = _phrase_from(name, typed)
            if phrase is not None:
                found.append((phrase, kind, name, count))
    # Whole names first (the word begins the name), then the most photos.
    found.sort(key=lambda f: (not fold(f[2]).startswith(typed), -f[3], f[0]))
    return [
        Suggestion(head + phrase, kind, f"{kind} · {_photos(count)}" if name.casefold() == phrase else f"{kind} {name}")
        for phrase, kind, name, count in found[:NAMES_SHOWN]
    ]


def _phrase_from(name: str, typed: str) -> str | None:
    """The words of ``name`` (lower case, accents kept: they go into the search box) from the first
    one whose folded form begins with ``typed`` (folded), or None."""
    words = name.casefold().split()
    for i, word in enumerate(words):
        if fold(word).startswith(typed):
            return " ".join(words[i:])
    return None


def _ranked(pairs: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(pairs, key=lambda p: (-p[1], p[0].casefold()))


def _quoted(name: str) -> str:
    # Quoted when it has a space: the query reads a quoted name whole, whatever else the library has.
    return f'"{name}"' if any(ch.isspace() for ch in name) else name


def _photos(count: int) -> str:
    return f"{count:,} photo{'s' if count != 1 else ''}"
