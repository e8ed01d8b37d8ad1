"""``similar to cat.jpg``, ``cat.jpg + snow``: a search by a library photo named by its file name alone.

The window writes "similar to NAME" in the search box for Find similar, and the README shows words
typed after it; typed by hand (or kept from an earlier session) it must mean the same photo. A
term "similar to NAME" whose NAME is an image file's name is that file when it is a path, else the
one library photo of that name; none or several is a clear error, not a search for the words. Any
other "similar to ..." ("similar to a lion") stays words. A term that is an image file's bare name
("cat.jpg + snow") and no file in the working folder means the same: searched as words, it found
whatever the model makes of a file name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.core.errors import PhotoclipError
from photoclip.core.query import image_file, split_terms

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.records import PhotoRow

SIMILAR_TO = re.compile(r"^\s*similar to\s+(?P<name>.+?)\s*$", re.IGNORECASE)


def mentions_photo_name(text: str) -> bool:
    """Whether a query may name a photo by its file name ("similar to NAME", "cat.jpg + snow"):
    worth looking the name up."""
    from photoclip.core.images import is_supported

    return "similar to" in text.lower() or any(is_supported(word.strip("\"'")) for word in text.split())


def names_a_photo_file(text: str) -> bool:
    """Whether a search is "similar to NAME" with NAME (or a part of it between "+" and "-") an
    image file's name ("similar to cat.jpg + snow"); "similar to a lion" is words."""
    from photoclip.core.images import is_supported

    match = SIMILAR_TO.match(text)
    if match is None:
        return False
    name = match.group("name")
    return any(is_supported(part.strip().strip("\"'")) for part in (name, *(text for _, text in split_terms(name))))


def words_after_a_name(text: str) -> str:
    """ "similar to cat.jpg snow" as "similar to cat.jpg + snow": words typed after Find similar's
    "similar to NAME" narrow its search, as "+ snow" does (they made the whole text words, and the
    photo was dropped). Any other text as it is."""
    from photoclip.core.images import is_supported

    match = SIMILAR_TO.match(text)
    if match is None or names_a_photo_file(text):
        return text
    words = match.group("name").split(" ")
    for k in range(len(words) - 2, -1, -1):  # the last image file's name with words after it
        if is_supported(words[k].strip("\"'")) and words[k + 1][:1] not in ("+", "-", ""):
            return f"similar to {' '.join(words[: k + 1])} + {' '.join(words[k + 1 :])}"
    return text


def image_or_named_photo(text: str, catalog: Catalog) -> Path | None:
    """The image a term means: a path to an image file, "similar to NAME", or an image file's bare
    name (see the module); a path with folders that is not there is left to the query's parser."""
    found = image_file(text)
    if found is not None:
        return found
    match = SIMILAR_TO.match(text)
    if match is not None:
        return named_photo(match.group("name"), catalog)
    return None if "/" in text or "\\" in text else named_photo(text, catalog)


def named_photo(name: str, catalog: Catalog) -> Path | None:
    """The image ``NAME`` of "similar to NAME" means: the file when it is a path to one, else the
    one library photo of that name; None when it is no image file's name (words, then)."""
    from photoclip.core.images import is_supported

    name = name.strip().strip("\"'")
    if not is_supported(name):
        return None
    found = image_file(name)
    if found is not None:
        return found
    # "trip/cat.jpg" narrows a name to a folder
    named = sorted(catalog.photos_named(name.replace("\\", "/")), key=lambda photo: str(photo.path))
    if not named:  # "basic/cat.jpg" where basic is the watched folder itself: its name starts the path
        named = _named_from_above(name.replace("\\", "/"), catalog)
    if len(named) == 1:
        return named[0].path
    if not named and ("+" in name or " -" in name):
        return None  # "similar to cat.jpg + dog.png" as a whole: its parts are looked at next
    if not named:
        unreadable = catalog.photos_named(name.replace("\\", "/"), unreadable=True)
        if unreadable:
            why = (unreadable[0].error or "not an image photoclip can read").rstrip(".")
            raise PhotoclipError(f"{name} is in the library but could not be read: {why}.")
        raise PhotoclipError(f"No photo called {name} in the library: type the image's path instead.")
    some = ", ".join(str(photo.path) for photo in named[:2]) + (", ..." if len(named) > 2 else "")
    # A photo in a sub-folder of its watched folder can be told by that folder ("trip/cat.jpg").
    folders = [Path(photo.relpath).parent.name for photo in named if "/" in photo.relpath]
    how = f'add its folder ("{folders[0]}/{Path(name).name}") or type its whole path' if folders else "type its path"
    raise PhotoclipError(f"{len(named)} photos are called {name} ({some}): {how}.")


def _named_from_above(name: str, catalog: Catalog) -> list[PhotoRow]:
    """The photos whose whole path ends with ``name`` when it starts above their watched folder
    ("basic/cat.jpg" for a watched folder basic): the catalog knows paths from the watched folder down."""
    parts = [part for part in name.split("/") if part]
    if len(parts) < 2:
        return []
    wanted = "/" + "/".join(parts)
    # every such photo is one of those called by the file name alone
    found = [p for p in catalog.photos_named(parts[-1]) if p.path.as_posix().endswith(wanted)]
    return sorted(found, key=lambda photo: str(photo.path))
