"""Words a model never learnt: the bundled small model knows only the words of its training captions.

photoclip-tiny was trained on captions of coloured shapes ("a small red circle on a striped
background"), some eighty words in all. Every text still gets a vector, and "a dog on a beach"
lies nearer some of its pictures than others, so in a library of shapes a group of them stood out
for it: the window's first search, the app's own tagline, listed fifty white triangles as relevant.
A real CLIP model has seen most of the words people type; a model that ships the list of words it
was trained on (``ModelSpec.vocabulary``, a file beside its weights) lets a search say which words
it never learnt, and a query or label made only of them finds nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from photoclip.core.models.registry import ModelSpec
    from photoclip.core.query import Query

#: Words that carry no content of their own: a query of only these and unknown words is unknown.
FILLER = frozenset(
    (
        *("a", "an", "the", "of", "on", "in", "at", "to", "with", "and", "or", "by", "for", "from"),
        *("near", "under", "over", "into", "onto", "my", "our", "your", "his", "her", "their", "its"),
        *("this", "that", "these", "those", "some", "me", "i", "we", "you", "it", "is", "are", "was", "be"),
        # what any picture is: a small model's captions use them ("a photo of ..."), so they tell
        # nothing of whether it learnt what the rest of the words ask for
        *("photo", "photos", "picture", "pictures", "image", "images", "pic", "snapshot", "shot"),
        *("thing", "things", "something", "object", "objects"),
    )
)


@functools.cache
def read_vocabulary(path: Path) -> frozenset[str] | None:
    """The words listed in ``path``, one a line (None when the file is missing or unreadable)."""
    try:
        return frozenset(line.strip().lower() for line in path.read_text("utf-8").splitlines() if line.strip())
    except (OSError, UnicodeDecodeError):
        return None


def content_words(text: str) -> list[str]:
    """The words of ``text`` that say something (letters only, lower case, fillers left out)."""
    return [word for word in re.findall(r"[^\W\d_]+", text.lower()) if word not in FILLER]


def knows(word: str, vocabulary: frozenset[str]) -> bool:
    """Whether ``word`` (lower case) or its singular ("stars", "boxes") is in ``vocabulary``."""
    if word in vocabulary:
        return True
    if len(word) > 3 and word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2] in vocabulary
    return len(word) > 3 and word.endswith("s") and not word.endswith("ss") and word[:-1] in vocabulary


def unlearnt(text: str, vocabulary: frozenset[str] | None) -> list[str]:
    """The content words of ``text`` the model never learnt (none when it lists no vocabulary)."""
    if vocabulary is None:
        return []
    return [word for word in content_words(text) if not knows(word, vocabulary)]


def knows_nothing_of(text: str, vocabulary: frozenset[str] | None) -> bool:
    """True when ``text`` has content words and the model learnt none of them."""
    words = content_words(text)
    return vocabulary is not None and bool(words) and not any(knows(word, vocabulary) for word in words)


def model_vocabulary(spec: ModelSpec, weights: Path | str | None = None) -> frozenset[str] | None:
    """The words ``spec``'s model was trained on, when its files list them (the bundled model's
    folder, or the folder of the ``weights`` it runs with: a model trained again lists its own);
    else None."""
    if not spec.vocabulary:
        return None
    from photoclip.core.models.registry import bundled_model_dir

    folder = bundled_model_dir() if weights is None else Path(weights)
    return read_vocabulary((folder if folder.is_dir() else folder.parent) / spec.vocabulary)


def query_unlearnt(
    query: Query, vocabulary: frozenset[str] | None, found: Iterable[str] = ()
) -> tuple[list[str], bool]:
    """The words of ``query``'s terms the model never learnt (those ``found`` in the library's names
    aside: they found photos), and whether its positive terms are all words of which it learnt none
    (then no photo is relevant for what it shows)."""
    words = [term.text for term in query.terms if term.text is not None]
    named = {word.casefold() for word in found}
    never = list(dict.fromkeys(w for text in words for w in unlearnt(text, vocabulary) if w not in named))
    positive = [term for term in query.terms if term.weight > 0]
    blind = bool(positive) and all(
        term.text is not None and knows_nothing_of(term.text, vocabulary) for term in positive
    )
    return never, blind


def unlearnt_note(model: str, words: list[str]) -> str:
    """What a search says of the words its model never learnt."""
    quoted = ", ".join(f"“{word}”" for word in words[:5])
    return f"{model} never learnt {quoted}: it knows only what its training pictures show."
