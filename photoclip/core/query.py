"""The search box's little language.

    a dog on a beach            one text term
    beach -people               minus a term: photos that match "people" are left out
    sunset + mountains          both at once
    2:sunset + lake             a weight in front of a term
    ~/Pictures/cat.jpg          a path to an image: search by that image (in the library or not)
    ~/cat.jpg + in the snow     an image and words together
    tag:beach sunset            only photos tagged "beach", ranked by "sunset"
    sunset -tag:beach           photos not tagged "beach" (also several words, quoted or known)
    tag:green circle            a tag of several words: the longest tag of the library that the
                                words after "tag:" begin with (or quote it: tag:"green circle")
    "a - b"                     quotes keep an operator inside a term
    folder:paris beach          only photos in a folder whose name holds "paris" ("2019 Paris trip"),
                                sub-folders too; several words: quoted, or the longest run of the
                                following words that a folder of the library has (like tag:)
    camera:canon                only photos taken with a camera whose name holds "canon"
    beach 2019, snow in december, sunset last summer
                                dates: a filter, not words (see photoclip.core.query_dates)
    beach - 2019, snow -december
                                left-out dates: the photos taken then are left out

An operator is a ``+`` or ``-`` at the start or after a space, so "t-shirt" stays one word.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from photoclip.core.date_filter import DateFilter
from photoclip.core.metadata_words import contains_phrase, fold, words_of
from photoclip.core.paths import expand_home
from photoclip.core.query_dates import find_dates
from photoclip.core.query_left_out_dates import glued_minus, take_left_out_dates

_WEIGHT = re.compile(r"^(\d+(?:\.\d+)?|\.\d+):(.+)$", re.S)
#: The most a term's weight counts ("1000:red" is as much as "red" alone wants to say).
MAX_WEIGHT = 100.0
#: The filters a search may name (the rest of "word:..." is words), and how such a word is written.
FILTER_KEYS = ("tag", "folder", "camera")
_SPACED_MINUS_FILTER = re.compile(rf"(^|\s)-\s+(?=(?:{'|'.join(FILTER_KEYS)}):)", re.IGNORECASE)
_KEYED = re.compile(r'(?:(?<=\s)|^)-?([^\W\d_]{2,}):(?=[^\s/\\])(?:"[^"]*"?|\S+)')


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
    without_dates: tuple[DateFilter, ...] = ()  # "- 2019", "-november": the photos taken then are left out
    folders: tuple[str, ...] = ()  # folder: filters, each a folder name's words
    cameras: tuple[str, ...] = ()  # camera: filters, each part of a camera's name
    without_tags: tuple[str, ...] = ()  # -tag: the photos with these tags are left out
    without_folders: tuple[str, ...] = ()  # -folder: the photos in these folders are left out
    without_cameras: tuple[str, ...] = ()  # -camera: the photos taken with these cameras are left out
    weightless: tuple[str, ...] = ()  # terms given a weight of 0 ("0:red"), which count for nothing
    unknown_keys: tuple[str, ...] = ()  # "foldr:paris": written like a filter that is not one, left out

    @property
    def positive(self) -> tuple[QueryTerm, ...]:
        """Terms that say what to find."""
        return tuple(t for t in self.terms if not t.negative)

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to rank by (no terms, maybe only tags)."""
        return not self.positive

    def notes(self) -> list[str]:
        """What the search should say about how it read the query: terms given a weight of 0
        ("0:red" counts for nothing) and words written like a filter that does not exist."""
        notes = [f"“{part}” has a weight of 0, so it counts for nothing." for part in self.weightless]
        for written in self.unknown_keys:
            key = written.lstrip("-").split(":", 1)[0]
            near = difflib.get_close_matches(key.lower(), FILTER_KEYS, n=1)
            hint = f" Did you mean “{near[0]}:”?" if near else ""
            notes.append(
                f"“{written}” was left out: there is no “{key}:” filter (tag:, folder: and camera: are).{hint}"
            )
        return notes


def _typed_path(text: str) -> Path:
    """A path as typed in the search box: quotes around it and ``~`` understood ("~$tmp.jpg" is a
    name, and "~nobody/x.jpg" stays as typed rather than raising)."""
    return expand_home(text.strip().strip('"').strip("'"))


def image_file(text: str) -> Path | None:
    """The image file a term is a path to (quotes and ``~`` understood), else None."""
    from photoclip.core.images import is_supported

    candidate = _typed_path(text)
    try:
        if is_supported(candidate) and candidate.is_file():
            return candidate.resolve()
    except OSError:
        return None
    return None


def names_an_image(text: str) -> bool:
    """True when a term is written as a path to an image file ("~/Pictures/cat.jpg", "C:\\x.png"),
    or to a file that is there whatever its name ("notes/today.txt"): searched as words it would
    find whatever the model makes of a file name; as an image it says what is wrong with it."""
    from photoclip.core.images import is_supported

    candidate = text.strip().strip('"').strip("'")  # as typed: "~" not expanded, no separator added
    if " " in candidate or not ("/" in candidate or "\\" in candidate):
        return False
    try:
        return is_supported(candidate) or _typed_path(candidate).is_file()
    except OSError:
        return False


#: A part of a query in the order it was typed: (sign, text, the earlier part it goes on with or None).
#: "beach -people sunset" is "beach ", "-people" and " sunset", which goes on with "beach ".
_Part = tuple[int, str, int | None]


def _parts(raw: str) -> list[_Part]:
    """The parts of ``raw`` between operators outside quotes, in text order (see split_terms)."""
    parts: list[tuple[int, list[str], int | None]] = []
    current: int | None = None  # the part the characters go to
    resume: int | None = None  # the part a one-word minus broke into, taken up after that word
    one_word = quoted = False
    for i, ch in enumerate(raw):
        at_boundary = i == 0 or raw[i - 1].isspace()
        if ch == '"':
            quoted = not quoted
            continue
        if one_word and not quoted and ch.isspace():
            one_word = False
            parts.append((parts[resume][0] if resume is not None else 1, [], resume))
            current, resume = len(parts) - 1, None
        if not quoted and ch in "+-" and at_boundary:
            glued = ch == "-" and glued_minus(raw, i)
            if glued and current is not None:
                resume = parts[current][2] if parts[current][2] is not None else current
            parts.append((-1 if ch == "-" else 1, [], None))
            current, one_word = len(parts) - 1, glued
            continue
        if current is None:  # words after a one-word minus that nothing came before
            parts.append((1, [], None))
            current = len(parts) - 1
        parts[current][1].append(ch)
    return [(sign, "".join(chars), goes_on) for sign, chars, goes_on in parts]


def _merged(parts: Sequence[tuple[int, str, Path | None, int | None]]) -> list[tuple[int, str, Path | None]]:
    """The parts with each that goes on with an earlier one joined to it; empty ones dropped."""
    texts = [text for _, text, _, _ in parts]
    for k, (_sign, text, _image, goes_on) in enumerate(parts):
        if goes_on is not None and parts[goes_on][2] is None:  # an image's name goes on with nothing
            texts[goes_on] += text
            texts[k] = ""
    return [
        (sign, text, image)
        for (sign, _, image, _), text in zip(parts, texts, strict=True)
        if text.strip() or image is not None
    ]


def split_terms(raw: str) -> list[tuple[int, str]]:
    """Splits at operators outside quotes; returns (sign, text) parts.

    A spaced operator ("sunset - beach", "sunset + lake") starts a term that runs to the next
    operator. A minus against a word leaves out that word alone (or the quoted words after it,
    ``-"blue sky"``), as web searches read it: "beach -people sunset" is "beach sunset" without
    people, where running to the next operator would leave out "people sunset" and search nothing.
    """
    return [(sign, text) for sign, text, _ in _merged([(s, t, None, g) for s, t, g in _parts(raw)])]


def _with_image_names(parts: list[_Part], is_image: Callable[[str], Path | None]) -> list[tuple[int, str, Path | None]]:
    """The parts with those that together spell an image's name joined into one term: Windows names
    a copy "IMG_0001 - Copy.jpg", and "IMG_0001 - Copy.jpg + snow" is that photo and a word, not
    three terms; "trip -2020/a.jpg + snow" is an image too. The longest run that names an image
    wins; then the parts that go on with an earlier one are joined to it (see split_terms)."""
    out: list[tuple[int, str, Path | None, int | None]] = []
    where: dict[int, int] = {}  # part -> the term it ended up in
    i = 0
    while i < len(parts):
        sign, text, goes_on = parts[i]
        image, end = None, i
        for j in range(len(parts) - 1, i, -1):
            # in text order and with their spaces, the parts joined with their operators give back
            # the text (less any quotes, which _parts drops; a quoted name is one part anyway)
            joined = text + "".join(
                t if g is not None else ("-" if s < 0 else "+") + t for s, t, g in parts[i + 1 : j + 1]
            )
            weighted = _WEIGHT.match(joined.strip())
            image = is_image((weighted.group(2) if weighted else joined).strip())
            if image is not None:
                text, end = joined, j
                break
        for k in range(i, end + 1):
            where[k] = len(out)
        out.append((sign, text, image, None if image is not None or goes_on is None else where[goes_on]))
        i = end + 1
    return _merged(out)


def _take_named(text: str, key: str, choose: Callable[[list[str]], int]) -> tuple[tuple[str, ...], str]:
    """The values named after ``key:`` in ``text`` (lower-case), and the text without them. A value
    is quoted, or the first ``choose(following words)`` words after ``key:`` (at least one)."""
    values: list[str] = []
    out = []
    position = 0
    # A value in double quotes, or in single quotes around the whole value (an apostrophe inside a
    # word, "tag:kid's party", is not a quote); a bare "key:" (or "key:" with empty or unfinished
    # quotes) is a filter still being typed: it names nothing and is not a word to search for.
    pattern = rf'(?:^|(?<=\s)){key}:(?:"(?P<dq>[^"]+)"|\'(?P<sq>[^\']+)\'(?=\s|$)|(?P<bare>""|"\s*$|(?=\s|$))|\S)'
    for match in re.finditer(pattern, text):
        if match.start() < position:  # inside a value of several words already taken
            continue
        out.append(text[position : match.start()])
        quoted = match.group("dq") or match.group("sq")
        if quoted or match.group("bare") is not None:
            if quoted:
                values.append(" ".join(quoted.split()).lower())
            position = match.end()
            continue
        rest = text[match.start() + len(key) + 1 :]
        following = rest.split()
        count = max(1, choose([w.lower() for w in following]))
        values.append(" ".join(following[:count]).lower())
        for word in following[:count]:  # skip past exactly the words the value used
            rest = rest[rest.index(word) + len(word) :]
        position = len(text) - len(rest)
    out.append(text[position:])
    return tuple(values), "".join(out).strip()


def _take_tags(text: str, known: Sequence[str], key: str = "tag") -> tuple[tuple[str, ...], str]:
    """The tags named after ``tag:`` (or ``key:``, "-tag:") in ``text``, and the text without them.
    An unquoted tag is the longest known tag the following words spell (whole words), else one word."""
    known_words = sorted((k.lower().split() for k in known if k.strip()), key=len, reverse=True)
    return _take_named(text, key, lambda words: next((len(k) for k in known_words if words[: len(k)] == k), 1))


def _longest(words: list[str], known: Sequence[str], holds: Callable[[str, str], bool]) -> int:
    """How many of ``words`` (the most) some name of ``known`` holds, by ``holds(name, phrase)``;
    never ending on a common word ("folder:paris a circle" is the folder "paris")."""
    for count in range(len(words), 1, -1):
        phrase = " ".join(words[:count])
        if words_of(words[count - 1]) and any(holds(name, phrase) for name in known):
            return count
    return 1


def _take_metadata(
    text: str, known_folders: Sequence[str], known_cameras: Sequence[str], sign: str = ""
) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """``folder:`` and ``camera:`` filters (``-folder:`` and ``-camera:`` with ``sign`` "-"), and the
    text without them. Unquoted, a folder takes the most following words that a known folder name
    holds as whole words, a camera the most that a known camera's name holds."""
    folders, text = _take_named(text, f"{sign}folder", lambda words: _longest(words, known_folders, contains_phrase))
    cameras, text = _take_named(
        text,
        f"{sign}camera",
        lambda words: _longest(words, known_cameras, lambda name, part: fold(part) in fold(name)),
    )
    return folders, cameras, text


def parse_query(
    raw: str,
    is_image: Callable[[str], Path | None] = image_file,
    known_tags: Sequence[str] = (),
    now: dt.date | dt.datetime | None = None,
    known_folders: Sequence[str] = (),
    known_cameras: Sequence[str] = (),
) -> Query:
    """Parses what the user typed. ``is_image`` decides whether a term names an image file;
    ``known_tags`` (the library's tag labels) let a tag of several words go unquoted; ``now`` is
    what relative dates ("last summer") count from (default: today); ``known_folders`` and
    ``known_cameras`` let ``folder:`` and ``camera:`` take several words unquoted."""
    # "red - tag:x" leaves out the photos tagged x, as "red -tag:x" does (the filter was taken out
    # first, the minus left with nothing, and the photos tagged x kept)
    text = _SPACED_MINUS_FILTER.sub(r"\1-", raw.strip())
    without_tags, text = _take_tags(text, known_tags, key="-tag")
    tags, text = _take_tags(text, known_tags)
    without_folders, without_cameras, text = _take_metadata(text, known_folders, known_cameras, sign="-")
    folders, cameras, text = _take_metadata(text, known_folders, known_cameras)
    filters = Query(
        raw,
        (),
        tags,
        folders=folders,
        cameras=cameras,
        without_tags=without_tags,
        without_folders=without_folders,
        without_cameras=without_cameras,
    )
    whole = is_image(text) if text else None
    if whole is not None:  # a path with " - " or "+" in its name is still one image
        return dataclasses.replace(filters, terms=(QueryTerm(1.0, image=whole),))
    # Meant as a filter, "foldr:paris" searched as words finds whatever the model makes of them
    unknown = [m for m in _KEYED.finditer(text) if m.group(1).lower() not in FILTER_KEYS]
    unknown_keys = tuple(dict.fromkeys(m.group(0) for m in unknown))
    for m in reversed(unknown):
        text = text[: m.start()] + text[m.end() :]
    typed = text

    @functools.cache  # looked for only when a left-out part names a date: each try costs a stat
    def image_names() -> tuple[str, ...]:
        return tuple(name for _, name, image in _with_image_names(_parts(typed), is_image) if image is not None)

    without_dates, text = take_left_out_dates(text, now, lambda part: any(part in name for name in image_names()))
    dates, text = find_dates(text, now)
    terms, weightless = [], []
    for sign, part, image in _with_image_names(_parts(text), is_image):
        part = part.strip()
        weight = 1.0
        match = _WEIGHT.match(part)
        if match:
            # "999…9:red" would be an infinite weight, and a weighted mean of it no number at all
            weight, part = min(float(match.group(1)), MAX_WEIGHT), match.group(2).strip()
        if part and weight == 0:
            weightless.append(part)
        if not part or weight == 0:
            continue
        image = image or is_image(part)
        if image is not None:
            terms.append(QueryTerm(sign * weight, image=image))
        elif names_an_image(part):  # not there now: a library photo offline, or an error when searched
            terms.append(QueryTerm(sign * weight, image=_typed_path(part).absolute()))
        else:
            terms.append(QueryTerm(sign * weight, text=" ".join(part.split())))
    return dataclasses.replace(
        filters,
        terms=tuple(terms),
        dates=dates,
        without_dates=without_dates,
        weightless=tuple(weightless),
        unknown_keys=unknown_keys,
    )
