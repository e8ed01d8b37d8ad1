"""open_clip's text cleaning, character for character, with ftfy imported only when it can matter.

open_clip cleans every text before tokenising it: ``ftfy.fix_text`` (mojibake, curly quotes,
ligatures, fullwidth letters, control characters), ``html.unescape`` twice, then whitespace
collapsing, and lower case (``clean="lower"``, CLIP's default), or no lower case
(``"whitespace"``), or punctuation removed too (``"canonicalize"``, SigLIP's). Importing ftfy costs
~50 ms, which a cold command-line search notices, and on printable ASCII without ``&`` both ftfy
and ``html.unescape`` give the text back unchanged (tests/test_tokenizer.py checks this against
ftfy itself), so such text skips them.
"""

from __future__ import annotations

import html
import string
from collections.abc import Callable

#: The cleanings open_clip knows, by the name its model configs use.
CLEANINGS = ("lower", "whitespace", "canonicalize")

_PUNCTUATION = str.maketrans("", "", string.punctuation)


def needs_ftfy(text: str) -> bool:
    """False when ``ftfy.fix_text`` and ``html.unescape`` are certain to leave ``text`` as it is.

    That is printable ASCII without ``&``: ftfy's fixes all concern non-ASCII characters,
    control characters (terminal escapes, ``\\r``) or HTML entities, which need ``&``.
    """
    return not (text.isascii() and text.isprintable() and "&" not in text)


def basic_clean(text: str) -> str:
    """open_clip's ``basic_clean``: ftfy, HTML entities unescaped twice, ends stripped."""
    if needs_ftfy(text):
        import ftfy  # ~50 ms; only for text that it could change

        text = ftfy.fix_text(text)
        text = html.unescape(html.unescape(text))
    return text.strip()


def whitespace_clean(text: str) -> str:
    """open_clip's ``whitespace_clean``: every run of whitespace becomes one space."""
    return " ".join(text.split())


def canonicalize_text(text: str) -> str:
    """open_clip's ``canonicalize_text`` (from big_vision): no punctuation, lower case, single spaces."""
    text = text.replace("_", " ").translate(_PUNCTUATION).lower()
    return " ".join(text.split())


def _clean_lower(text: str) -> str:
    return whitespace_clean(basic_clean(text)).lower()


def _clean_whitespace(text: str) -> str:
    return whitespace_clean(basic_clean(text))


def _clean_canonicalize(text: str) -> str:
    return canonicalize_text(basic_clean(text))


_CLEAN_FUNCTIONS: dict[str, Callable[[str], str]] = {
    "lower": _clean_lower,
    "whitespace": _clean_whitespace,
    "canonicalize": _clean_canonicalize,
}


def cleaner(name: str) -> Callable[[str], str]:
    """The cleaning function open_clip calls ``name``; ValueError for a name it does not know."""
    try:
        return _CLEAN_FUNCTIONS[name]
    except KeyError:
        raise ValueError(f"unknown text cleaning {name!r}: expected one of {', '.join(CLEANINGS)}") from None


def clean_text(text: str, name: str = "lower") -> str:
    """``text`` cleaned the way open_clip's tokenizer with ``clean=name`` cleans it."""
    return cleaner(name)(text)
