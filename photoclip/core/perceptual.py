"""A cheap look at two pictures: the same photo (resized, re-encoded, lightly edited) or not?

Each photo is reduced to a tiny grey picture (:data:`BASE_SIDE` px square, from the grid thumbnail
photoclip already keeps, or a reduced decode of the file). Two pictures are compared by the
correlation of their :data:`COMPARE_SIDE`-px versions: resizing, re-encoding and brightness or
contrast changes leave it near 1, while another photo of the same subject, drawn or taken
afresh, moves its shapes and lands far lower. Its absolute value is used: a hue turn can swap
which of two colours is the lighter one, which flips the sign but keeps the structure. A picture
with almost no structure (a plain wall) correlates only its noise; :func:`level_difference`
compares those by their grey levels instead.

A crop moves everything a little, so :func:`cropped_similarity` also compares each picture with
windows of the other cut by up to :data:`CROP` of each side, and keeps the best match.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from photoclip.core.images import decode, read_bytes, thumbnail_path

#: Side of the stored grey picture (px); crops are cut from it.
BASE_SIDE = 32
#: Side of the pictures that are compared (px).
COMPARE_SIDE = 16
#: The largest crop (of each side, in all) looked for.
CROP = 0.05
#: The colour grid's side (blocks).
COLOUR_BLOCKS = 4
_STEPS = (0.0, 0.5, 1.0)  # where in the cropped margin a window starts (0: at the top or left)


@dataclass(frozen=True)
class Signature:
    """What a photo looks like, reduced: the grey base picture, its compare-size version (as grey
    levels, and normalised), and the mean colours of a coarse grid of blocks."""

    base: np.ndarray  # BASE_SIDE × BASE_SIDE, uint8
    levels: np.ndarray  # COMPARE_SIDE² float32 grey levels less their mean
    pattern: np.ndarray  # the same at unit length (zero for a flat picture)
    colours: np.ndarray  # COLOUR_BLOCKS × COLOUR_BLOCKS × 3 float32, mean colour of each block


def _centred(values: np.ndarray) -> np.ndarray:
    flat = np.asarray(values, np.float32).ravel()
    return flat - flat.mean()


def _normalised(values: np.ndarray) -> np.ndarray:
    flat = _centred(values)
    norm = float(np.linalg.norm(flat))
    # A flat picture has no structure to correlate (see level_difference for those).
    return flat / norm if norm > 1e-3 else np.zeros_like(flat)


def _pattern(base: Image.Image, box: tuple[float, float, float, float] | None = None) -> np.ndarray:
    small = base.resize((COMPARE_SIDE, COMPARE_SIDE), Image.Resampling.BOX, box=box)
    return _normalised(np.asarray(small, np.float32))


def signature_of_image(image: Image.Image) -> Signature:
    """The signature of an RGB picture (any size; the whole frame, squeezed square)."""
    rgb = image.convert("RGB")
    colours = np.asarray(rgb.resize((COLOUR_BLOCKS, COLOUR_BLOCKS), Image.Resampling.BOX), np.float32)
    grey = rgb.convert("L").resize((BASE_SIDE, BASE_SIDE), Image.Resampling.BOX).convert("F")
    base = np.clip(np.asarray(grey), 0, 255).astype(np.uint8)
    levels = _centred(np.asarray(grey.resize((COMPARE_SIDE, COMPARE_SIDE), Image.Resampling.BOX)))
    return Signature(base=base, levels=levels, pattern=_normalised(levels), colours=colours)


def signature_of_photo(path: Path, fingerprint: str | None, thumbnails: Path | None) -> Signature:
    """The signature of a library photo: from its grid thumbnail when the cache has it, otherwise
    from a reduced decode of the file. Raises :class:`ImageError` or OSError when neither reads."""
    if fingerprint and thumbnails is not None:
        cached = thumbnail_path(thumbnails, fingerprint)
        try:
            data = cached.read_bytes()
        except OSError:
            data = b""
        if data:
            try:
                with Image.open(io.BytesIO(data)) as thumb:
                    thumb.draft("RGB", (BASE_SIDE * 2, BASE_SIDE * 2))
                    return signature_of_image(thumb)
            except (OSError, ValueError, SyntaxError):
                pass  # a damaged cached thumbnail: read the photo itself
    decoded = decode(read_bytes(path), min_short_side=BASE_SIDE * 2, name=str(path))
    try:
        return signature_of_image(decoded.image)
    finally:
        decoded.image.close()


def structure_similarity(a: Signature, b: Signature) -> float:
    """How alike two pictures' structure is, 0 to 1 (absolute correlation at compare size)."""
    return abs(float(a.pattern @ b.pattern))


def level_difference(a: Signature, b: Signature) -> float:
    """The root-mean-square difference of the two grey pictures at compare size, each less its
    mean, in grey levels (0–255). Near 0 for a picture with little structure (a clear sky, a
    plain wall) and its copies, where the correlation only sees noise."""
    return float(np.sqrt(np.mean((a.levels - b.levels) ** 2)))


def _windows() -> list[tuple[float, float, float, float]]:
    side = BASE_SIDE * (1 - CROP)
    margin = BASE_SIDE - side
    return [(x * margin, y * margin, x * margin + side, y * margin + side) for x in _STEPS for y in _STEPS]


_WINDOWS = _windows()


def cropped_similarity(a: Signature, b: Signature) -> float:
    """The best structure similarity of each picture with windows of the other cut by up to
    :data:`CROP` of each side (one of them may be a crop of the other)."""
    best = structure_similarity(a, b)
    for whole, cut in ((a, b), (b, a)):
        cut_image = Image.fromarray(cut.base).convert("F")
        for window in _WINDOWS:
            best = max(best, abs(float(whole.pattern @ _pattern(cut_image, window))))
    return best


def colour_shift(a: Signature, b: Signature) -> float:
    """The largest difference between the two pictures' block colours, in levels (0–255) of one
    channel: a re-encoding or resizing moves them by a level or two, a colour edit by far more."""
    return float(np.abs(a.colours - b.colours).max())


def mean_colour_shift(a: Signature, b: Signature) -> float:
    """The largest difference between the two pictures' mean colours (one channel, 0–255): a crop
    moves the blocks' colours but hardly the mean; a brightness or colour edit moves both."""
    return float(np.abs(a.colours.mean(axis=(0, 1)) - b.colours.mean(axis=(0, 1))).max())
