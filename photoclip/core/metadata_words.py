"""Words a photo carries besides its pixels, and the words of a query, in one comparable form.

A photo's words come from its folder names, its file name, and the camera, lens and place its
EXIF/IPTC/XMP fields name; a query's words from what the person typed. Both go through the same
steps, so "Café", "cafe" and "CAFES" meet:

* split into runs of letters and digits (anything else, ``_ - .`` and spaces included, separates);
  a run is also split where camelCase or a letter/digit change begins a new part ("ParisTrip",
  "IMG2019"), and the whole run is kept too, so "iPhone" is found by "iphone" and by "phone";
* folded: accents dropped (NFKD without combining marks) and case-folded;
* reduced to a base form: a plural's final "s", "es" or "ies" taken off (both sides alike, so the
  rule only has to be consistent, not correct English);
* words of one character and common words ("a", "the", "photo", "img", "dsc") are dropped: they
  would tie a query to everything.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

#: Never matched: function words (English and the commonest of French, German, Spanish, Italian)
#: and the words cameras and phones put in every file or folder name.
_COMMON = (
    "a an the of in on at to and or with without for from by into onto over under near is are was be",
    "this that these those it its my our your his her their some any me we you i",
    "de la le les du des un une et en au aux und der die das ein eine mit von im am el los las y con del",
    "il lo gli di da",
    "photo picture image pic shot snapshot img dsc dscn dscf dcim pxl mvimg imag jpg jpeg png heic heif",
    "tif tiff webp raw cr2 nef arw dng copy edit edited final",
)
STOPWORDS = frozenset(word for line in _COMMON for word in line.split())

_RUN = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """``text`` without accents and case (NFKD, combining marks dropped, case-folded)."""
    if text.isascii():  # the common case, at a fraction of the cost
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def base_form(word: str) -> str:
    """A folded word with a plural ending taken off ("beaches" -> "beach", "cities" -> "city");
    words with digits and short words are left as they are."""
    if len(word) < 4 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _parts(run: str) -> list[str]:
    """A run of letters and digits split where camelCase or a letter/digit change starts a part."""
    if run.isdigit() or (run.isalpha() and (run.islower() or run.isupper() or run[1:].islower())):
        return [run]  # most runs ("IMG", "0042", "Paris"): nothing to split
    parts, start = [], 0
    for i in range(1, len(run)):
        before, ch = run[i - 1], run[i]
        after = run[i + 1] if i + 1 < len(run) else ""
        if (
            before.isdigit() != ch.isdigit()
            or (before.islower() and ch.isupper())
            or (before.isupper() and ch.isupper() and after.islower())
        ):
            parts.append(run[start:i])
            start = i
    parts.append(run[start:])
    return parts


def _clean(text: str) -> str:
    """Lone surrogates (bytes of a name that is not UTF-8) become separators."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8").replace("?", " ")
    return text


def words_of(text: str, common: bool = False) -> list[str]:
    """The comparable words of a name or a phrase, in order, repeats kept (see the module docstring);
    ``common`` keeps the everyday words ("pictures", "photos") too."""
    words: list[str] = []
    for run in _RUN.findall(_clean(text)):
        pieces = _parts(run)
        for piece in [run, *pieces] if len(pieces) > 1 else [run]:
            word = base_form(fold(piece))
            if len(word) > 1 and (common or word not in STOPWORDS):
                words.append(word)
    return words


def query_words(text: str) -> tuple[str, ...]:
    """The words of a query term that can match a photo's words, without repeats.

    A query is not split at camelCase (what a person types is already words, and "iPhone" should
    stay one word), only folded and reduced like the photo's words."""
    seen: dict[str, None] = {}
    for run in _RUN.findall(_clean(text)):
        word = base_form(fold(run))
        if len(word) > 1 and word not in STOPWORDS:
            seen[word] = None
    return tuple(seen)


def folder_names(relpath: str) -> list[str]:
    """The folder names above a photo ("2019/Paris trip/x.jpg" -> ["2019", "Paris trip"])."""
    return [part for part in relpath.split("/")[:-1] if part]


def file_stem(relpath: str) -> str:
    """A photo's file name without its folder and extension."""
    name = relpath.rpartition("/")[2]
    stem, dot, _ = name.rpartition(".")
    return stem if dot and stem else name


@functools.lru_cache(maxsize=4096)
def _name_words(name: str) -> frozenset[str]:
    """The words of a folder name, camera, lens or place: the same few for many photos."""
    return frozenset(words_of(name))


def photo_words(relpath: str, texts: Iterable[str | None] = ()) -> set[str]:
    """Every word of a photo: its folder names, its file name and ``texts`` (camera, lens, place)."""
    words = set(words_of(file_stem(relpath)))
    for name in [*folder_names(relpath), *texts]:
        if name:
            words |= _name_words(name)
    return words


def contains_phrase(name: str, phrase: str) -> bool:
    """True when ``phrase``'s words appear one after another among ``name``'s words
    ("paris" and "paris trip" are in "2019 Paris trip"; "pari" is not)."""
    wanted, have = words_of(phrase), words_of(name)
    if not wanted:  # a name of everyday words only ("folder:pictures"): those are what it says
        wanted, have = words_of(phrase, common=True) or [fold(phrase).strip()], words_of(name, common=True)
    return any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))


def camera_name(make: str | None, model: str | None) -> str:
    """One name for a camera from EXIF Make and Model, the make not repeated
    ("Canon" + "Canon EOS R5" -> "Canon EOS R5"; "Apple" + "iPhone 12" -> "Apple iPhone 12")."""
    make = " ".join((make or "").replace("\x00", " ").split())
    model = " ".join((model or "").replace("\x00", " ").split())
    first = make.split(" ")[0].casefold() if make else ""
    if model and first and model.casefold().startswith(first):
        return model
    return " ".join(part for part in (make, model) if part)
