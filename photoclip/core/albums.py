"""Albums: what a tagging run (or an export) applies to — a folder, a collection, or the library."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from photoclip.core.errors import PhotoclipError
from photoclip.core.paths import expand_home

if TYPE_CHECKING:
    from photoclip.core.library import Library

COLLECTION_PREFIXES = ("@", "collection:")


@dataclass(frozen=True)
class Album:
    """A resolved album: a description for people and the photo ids it holds."""

    description: str
    photo_ids: list[int]


def resolve_album(library: Library, album: str | None) -> Album:
    """``None`` or ``all``: the whole library; ``@name``: a collection (a saved search runs now);
    a folder path: that folder of the library with its sub-folders."""
    if album in (None, "", "all"):
        return Album("the whole library", library.catalog.filter_photo_ids().tolist())
    for prefix in COLLECTION_PREFIXES:
        if album.startswith(prefix):
            return collection_album(library, album[len(prefix) :])
    try:
        root, folder = library.folder_of(album)
    except PhotoclipError:
        raise PhotoclipError(f"{album} is neither a folder of the library nor a collection (@name).") from None
    path = expand_home(album).resolve()
    photo_ids = library.catalog.filter_photo_ids(folder=(root.id, folder)).tolist()
    if not photo_ids and not path.is_dir():  # a mistyped name inside a watched folder: say so, not "0 photos"
        raise PhotoclipError(f"There is no folder {path}, and the library has no photos in it.")
    return Album(str(path), photo_ids)


def collection_album(library: Library, name: str) -> Album:
    """The photos of a collection: its hand-picked ones, or what its saved search finds now."""
    store = library.tags
    collection = store.collection(name)
    if collection is None:
        known = ", ".join(c.name for c in store.collections()) or "none yet"
        raise PhotoclipError(f"No collection named '{name}' (collections: {known}).")
    if collection.query:
        results = library.search(collection.query, limit=1_000_000)
        hits = [] if results.closest else results.hits  # the closest few of nothing are not its photos
        return Album(f"collection '{name}' (search: {collection.query})", [h.photo.id for h in hits])
    return Album(f"collection '{name}'", store.collection_photo_ids(collection))
