"""Duplicate photos as both faces see them: groups of copies, the one to keep first, and what
each other copy is (identical bytes, resized, re-encoded, cropped, edited).

How groups are found is :mod:`photoclip.core.duplicate_finder`; moving copies to the trash is
:mod:`photoclip.core.library_duplicates`. This module holds the plain values and the rules that
do not depend on how a group was found: which copy is the best, and what the others are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from photoclip.core.formatting import format_bytes
from photoclip.core.perceptual import Signature, compare
from photoclip.core.records import PhotoRow, TextEnum

#: Two pictures are one photo when one, lightly edited and perhaps cropped, leaves at most this
#: share of the pictures' content unexplained (:func:`photoclip.core.perceptual.compare`). Copies
#: leave a few thousandths; a shape moved or in another colour leaves 0.1 (a shape of the same
#: colour, nearly the same outline) to 2. Chosen on seed 1 of the evaluation (README).
SAME_PICTURE = 0.06
#: Aspect ratios closer than this (relative) are the same frame, resized; further apart, a crop.
SAME_ASPECT = 0.015
#: In the same frame, a whole-frame residual this small means nothing was cut: the crop search is
#: skipped when labelling a copy.
UNCUT = 0.004


class CopyKind(TextEnum):
    """What a copy in a group is, compared with the copy kept."""

    IDENTICAL = "identical bytes"
    RESIZED = "resized"
    REENCODED = "re-encoded"
    CROPPED = "cropped"
    EDITED = "edited"  # colours or brightness changed
    SIMILAR = "similar shot"  # alike, but none of the above (a burst, a heavier edit)


@dataclass(frozen=True)
class DuplicateCopy:
    """One photo of a group; ``kind`` is None for the copy kept."""

    photo: PhotoRow
    kind: CopyKind | None

    @property
    def pixels(self) -> int:
        """Width × height (0 when unknown)."""
        return (self.photo.width or 0) * (self.photo.height or 0)


@dataclass(frozen=True)
class DuplicateGroup:
    """Photos that are copies of one picture, the best copy first (the one to keep)."""

    copies: tuple[DuplicateCopy, ...]

    @property
    def keep(self) -> PhotoRow:
        """The copy to keep: the most pixels, then an EXIF date (camera metadata), then a lossless
        file (unless it was saved from a lossy copy: :func:`make_group`), then the oldest date, then
        the larger file (:func:`best_first_key`)."""
        return self.copies[0].photo

    @property
    def others(self) -> tuple[DuplicateCopy, ...]:
        """The copies that could go, best first."""
        return self.copies[1:]

    @property
    def exact(self) -> bool:
        """True when every copy has the same bytes."""
        return all(c.kind == CopyKind.IDENTICAL for c in self.others)

    @property
    def reclaimable(self) -> int:
        """Bytes freed if every copy but the kept one went."""
        return sum(c.photo.size for c in self.others)

    def ids(self) -> list[int]:
        """The photos' ids, kept copy first."""
        return [c.photo.id for c in self.copies]

    def as_json(self) -> dict[str, Any]:
        """The group as ``photoclip duplicates --json`` prints it."""
        return {
            "exact": self.exact,
            "reclaimable_bytes": self.reclaimable,
            "copies": [
                {
                    "id": c.photo.id,
                    "path": str(c.photo.path),
                    "keep": c.kind is None,
                    "kind": None if c.kind is None else str(c.kind),
                    "size": c.photo.size,
                    "width": c.photo.width,
                    "height": c.photo.height,
                    "taken_at": c.photo.taken_at,
                    "date_source": c.photo.date_source,
                }
                for c in self.copies
            ],
        }


@dataclass(frozen=True)
class TrashReport:
    """What :meth:`Library.move_to_trash` did: the photos it moved to the system trash, and the
    ones it left where they are, each with the reason."""

    trashed: tuple[PhotoRow, ...] = ()
    refused: tuple[tuple[int, str], ...] = ()  # (photo id, why it stayed, naming the file)

    @property
    def freed(self) -> int:
        """Bytes the trashed copies took in their folders."""
        return sum(p.size for p in self.trashed)


def describe(photo: PhotoRow) -> str:
    """A copy as both faces show it: ``4000×3000, 1.2 MB, 2019-05-01 (EXIF)``."""
    parts = [f"{photo.width}×{photo.height}" if photo.width and photo.height else "size unknown"]
    parts.append(format_bytes(photo.size))
    if photo.taken_at is not None:
        day = dt.datetime.fromtimestamp(photo.taken_at, dt.timezone.utc).strftime("%Y-%m-%d")
        parts.append(f"{day} ({'EXIF' if photo.date_source == 'exif' else 'file date'})")
    return ", ".join(parts)


def best_first_key(photo: PhotoRow) -> tuple[int, int, int, int, float, int, int, int]:
    """Sort key putting the copy to keep first: the most pixels; then a copy with an EXIF date (the
    camera's metadata) over one without; then a lossless file (:func:`is_lossless`) over a lossy
    one; then a name that is not a copy's (:func:`is_copy_name`); then the oldest date; then, among
    lossy files, the larger (of one picture at one size, the less compressed); then the older file
    (a copy is usually written after its original), and the photo the library found first."""
    pixels = (photo.width or 0) * (photo.height or 0)
    # An EXIF date comes with the rest of the camera's metadata (GPS, camera, exposure); a PNG or
    # TIFF exported from a camera JPEG usually has none of it, and keeping it over the original
    # would trash what only the original holds. So this comes before lossless-ness.
    exif = 0 if photo.date_source == "exif" else 1
    # Of one picture at one size, a lossless file holds all a lossy one does, whichever was made
    # from which: a JPEG saved from a TIFF lost detail, a TIFF saved from a JPEG lost none. This
    # comes before the dates, which only guess which file came first.
    lossless = is_lossless(photo)
    taken = photo.taken_at if photo.taken_at is not None else float("inf")
    # Between lossless files the size is only how hard the format compresses: it says nothing.
    larger = 0 if lossless else -photo.size
    # A name a file manager gives a copy ("IMG_1001 (copy).jpg") says which came second better than
    # the file dates, which a copy made with its dates kept, or a restore, can turn round.
    copy_named = 1 if is_copy_name(photo.path.stem) else 0
    return (-pixels, exif, 0 if lossless else 1, copy_named, taken, larger, photo.mtime_ns, photo.id)


#: How file managers and systems name a copy: "x copy", "x copy 2" (macOS), "x - Copy", "x - Copy (2)"
#: (Windows), "x (copy)", "x (another copy)", "x (3rd copy)" (GNOME), "Copy of x", "x (1)" (browsers,
#: Windows), and the same in a few languages ("Kopie", "copie", "copia").
COPY_NAME = re.compile(
    r"(?:^(?:copy|kopie|copie|copia) (?:of|von|de|di) )"
    r"|(?:[ _-]+(?:copy|kopie|copie|copia)(?: ?\(?\d+\)?)?$)"
    r"|(?:\((?:another |\d+(?:st|nd|rd|th) )?(?:copy|kopie|copie|copia)\)$)"
    r"|(?: \(\d+\)$)",
    re.IGNORECASE,
)


def is_copy_name(stem: str) -> bool:
    """Whether a file name (without its extension) is one a copy gets ("IMG_1001 (copy)", "x - Copy")."""
    return COPY_NAME.search(stem) is not None


#: Formats that always keep every pixel as it was. GIF is not one for photos (256 colours); HEIC,
#: AVIF and JPEG are lossy as cameras and phones write them; WebP may be either (:func:`is_lossless`).
LOSSLESS_SUFFIXES = frozenset({".png", ".bmp", ".tif", ".tiff"})


def is_lossless(photo: PhotoRow) -> bool:
    """Whether the photo's file keeps every pixel exactly: PNG, BMP, TIFF, or a lossless WebP."""
    suffix = photo.path.suffix.lower()
    if suffix == ".webp":
        return _webp_is_lossless(photo.path)
    return suffix in LOSSLESS_SUFFIXES


def _webp_is_lossless(path: Path) -> bool:
    """Whether a WebP file holds a lossless picture: its image chunk is 'VP8L' (lossy: 'VP8 '),
    perhaps after a 'VP8X' header and metadata chunks. A file that cannot be read counts as lossy:
    the rule then falls back to the dates, as before."""
    try:
        with path.open("rb") as file:
            head = file.read(12)
            if head[:4] != b"RIFF" or head[8:12] != b"WEBP":
                return False
            while len(chunk := file.read(8)) == 8:
                kind, size = chunk[:4], int.from_bytes(chunk[4:], "little")
                if kind in (b"VP8L", b"VP8 "):
                    return kind == b"VP8L"
                file.seek(size + (size & 1), 1)  # chunks are padded to an even length
    except OSError:
        return False
    return False


#: A lossless file was saved from a lossy one when at least this share of its pixel values equal
#: the lossy file's as decoded, counted where the picture has detail: a JPEG written from a lossless
#: original, even at quality 100, changes most values there by a step or two (colour subsampling and
#: rounding), while flat areas (a night sky, a page) come out exactly equal whichever came first.
SAVED_FROM_SHARE = 0.99
#: An 8×8 block has detail when its values span at least this much; at least DETAILED_BLOCKS such
#: blocks are needed to tell (else the lossless file is kept, as the formats say).
DETAIL = 16
DETAILED_BLOCKS = 64
#: Pictures larger than this are not compared (two full decodes would take gigabytes).
SAVED_FROM_MAX_PIXELS = 40_000_000


def saved_from(lossless: PhotoRow, lossy: PhotoRow) -> bool:
    """Whether ``lossless``'s pixels are ``lossy``'s as decoded where the picture has detail: it
    was saved from that file. A file that cannot be read, or a picture too flat or too large to
    tell, says no."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if (lossless.width or 0) * (lossless.height or 0) > SAVED_FROM_MAX_PIXELS:
        return False
    try:
        with Image.open(lossless.path) as a, Image.open(lossy.path) as b:
            saved = np.asarray(a.convert("RGB"))
            turned = b.getexif().get(0x0112, 1) not in (1, None)
            candidates = [np.asarray(b.convert("RGB"))]
            if turned:  # saved from the upright picture
                candidates.append(np.asarray(ImageOps.exif_transpose(b).convert("RGB")))
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return False
    detailed = _detailed(saved)
    if detailed is None:
        return False
    for candidate in candidates:
        if candidate.shape == saved.shape and float((candidate == saved)[detailed].mean()) >= SAVED_FROM_SHARE:
            return True
    return False


def _detailed(pixels: np.ndarray) -> np.ndarray | None:
    """A mask of the pixels in 8×8 blocks with detail (DETAIL), or None when there are too few."""
    height, width = pixels.shape[0] // 8 * 8, pixels.shape[1] // 8 * 8
    if not height or not width:
        return None
    blocks = pixels[:height, :width].reshape(height // 8, 8, width // 8, 8, 3)
    span = blocks.max(axis=(1, 3)).astype(np.int16) - blocks.min(axis=(1, 3))
    busy = (span >= DETAIL).any(axis=-1)
    if int(busy.sum()) < DETAILED_BLOCKS:
        return None
    mask = np.zeros(pixels.shape, bool)
    mask[:height, :width] = np.repeat(np.repeat(busy, 8, axis=0), 8, axis=1)[:, :, None]
    return mask


def aspect_of(photo: PhotoRow) -> float | None:
    """Width over height (None when unknown)."""
    if not photo.width or not photo.height:
        return None
    return photo.width / photo.height


def kind_of(copy: PhotoRow, kept: PhotoRow, signatures: dict[int, Signature]) -> CopyKind:
    """What ``copy`` is compared with ``kept`` (both of one group)."""
    if copy.fingerprint is not None and copy.fingerprint == kept.fingerprint:
        return CopyKind.IDENTICAL
    a, b = signatures.get(kept.id), signatures.get(copy.id)
    if a is None or b is None:
        return CopyKind.SIMILAR
    ratio_kept, ratio_copy = aspect_of(kept), aspect_of(copy)
    match = compare(a, b, ratio_kept, ratio_copy, settle=UNCUT)
    if match.residual > SAME_PICTURE:  # in the group through another copy, not like this one
        return CopyKind.SIMILAR
    same_frame = (
        ratio_copy is not None
        and ratio_kept is not None
        and abs(ratio_copy - ratio_kept) <= SAME_ASPECT * max(ratio_copy, ratio_kept)
    )
    if match.cropped or not same_frame:
        return CopyKind.CROPPED
    if match.edited:
        return CopyKind.EDITED
    if (copy.width, copy.height) != (kept.width, kept.height):
        return CopyKind.RESIZED
    return CopyKind.REENCODED


def make_group(photos: Iterable[PhotoRow], signatures: dict[int, Signature]) -> DuplicateGroup:
    """A group from its photos: ordered best first, each other copy with its kind. A lossless file
    whose pixels are exactly a lossy copy's, as decoded, was saved from it (a PNG of a JPEG): the
    lossy file, the original, is kept, and the larger derivative is the copy that could go."""
    ordered = sorted(photos, key=best_first_key)
    if is_lossless(ordered[0]):
        first = ordered[0]
        alike = best_first_key(first)[:2]  # as many pixels, and an EXIF date alike
        source = next(
            (p for p in ordered[1:] if best_first_key(p)[:2] == alike and not is_lossless(p) and saved_from(first, p)),
            None,
        )
        if source is not None:
            ordered.remove(source)
            ordered.insert(0, source)
    kept = ordered[0]
    copies = [DuplicateCopy(kept, None)] + [DuplicateCopy(p, kind_of(p, kept, signatures)) for p in ordered[1:]]
    return DuplicateGroup(tuple(copies))


class UnionFind:
    """Disjoint sets of ids: pairs joined become one group (a copy of a copy is in the group)."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        """The representative of ``item``'s set."""
        parent = self._parent.setdefault(item, item)
        while parent != item:
            grand = self._parent[parent]
            self._parent[item] = grand  # path halving keeps the chains short
            item, parent = parent, grand
        return item

    def join(self, a: int, b: int) -> None:
        """Puts ``a`` and ``b`` in one set."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self._parent[max(root_a, root_b)] = min(root_a, root_b)

    def sets(self) -> list[list[int]]:
        """Every set of two or more, each in ascending order."""
        out: dict[int, list[int]] = {}
        for item in list(self._parent):
            out.setdefault(self.find(item), []).append(item)
        return [sorted(members) for members in out.values() if len(members) > 1]


def groups_from_sets(
    sets: Sequence[Sequence[int]], photos: dict[int, PhotoRow], signatures: dict[int, Signature]
) -> list[DuplicateGroup]:
    """Groups of the given sets of ids (ids without a photo are left out), the most space
    to gain first."""
    groups = []
    for members in sets:
        rows = [photos[i] for i in members if i in photos]
        if len(rows) > 1:
            groups.append(make_group(rows, signatures))
    groups.sort(key=lambda g: (-g.reclaimable, g.keep.id))
    return groups
