"""Telling whether a folder holds the photos of a watched folder that went offline (it moved)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.core import images
from photoclip.core.errors import ImageError

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.records import Root

#: How many of the old folder's photos are checked, and what share must be found unchanged.
SAMPLE = 12
ENOUGH = 0.75


def same_photos(catalog: Catalog, root: Root, folder: Path, sample: int = SAMPLE) -> bool:
    """True when photos of ``root``, picked evenly across it, are in ``folder`` at the same relative
    paths with the same bytes. Photos deleted since are allowed for; a different folder with a few
    files of the same names is not."""
    ids = catalog.filter_photo_ids(roots=[root.id])
    photos = [p for p in catalog.photos_by_ids(ids.tolist()) if p.fingerprint]
    if not photos:
        return False
    picked = random.Random(root.id).sample(photos, min(sample, len(photos)))
    found = 0
    for photo in picked:
        candidate = folder / photo.relpath
        try:
            if candidate.is_file() and candidate.stat().st_size == photo.size:
                found += images.fingerprint(images.read_bytes(candidate)) == photo.fingerprint
        except (OSError, ImageError):
            continue
    return found >= max(1, round(ENOUGH * len(picked)))
