"""Test pictures: generated shapes with known colour and shape, written like a user's photos."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from PIL import Image

from photoclip.smallclip import shapes


def spec_for(
    colour: str, shape: str, seed: int, size_range: tuple[int, int] = (96, 700), fmt: str | None = None
) -> shapes.ShapeSpec:
    """A random picture of a ``colour`` ``shape`` (background of another colour)."""
    rng = random.Random(seed)
    spec = shapes.random_spec(rng, size_range=size_range)
    background = (
        spec.background_colour if spec.background_colour != colour else next(c for c in shapes.COLOURS if c != colour)
    )
    return dataclasses.replace(spec, colour=colour, shape=shape, background_colour=background, fmt=fmt or spec.fmt)


def write(folder: Path, name: str, spec: shapes.ShapeSpec) -> Path:
    """Writes one picture; the extension follows the spec's format."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}{'.jpg' if spec.fmt == 'JPEG' else '.png'}"
    return shapes.save(spec, path)


def write_set(
    folder: Path, classes: list[tuple[str, str]], per_class: int, seed: int = 0, size_range: tuple[int, int] = (96, 700)
) -> dict[Path, tuple[str, str]]:
    """``per_class`` pictures of each (colour, shape); returns path -> class."""
    written = {}
    for c, (colour, shape) in enumerate(classes):
        for k in range(per_class):
            spec = spec_for(colour, shape, seed * 100_000 + c * 100 + k, size_range)
            written[write(folder, f"{colour}-{shape}-{k}", spec)] = (colour, shape)
    return written


def jpeg_with_orientation(path: Path, image: Image.Image, orientation: int, quality: int = 92) -> Path:
    """Saves ``image`` stored so that a viewer applying EXIF ``orientation`` shows it upright."""
    from PIL import ImageOps

    # Store the pixels in the orientation whose correction gives back ``image``.
    inverse = {
        1: None,
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_90,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_270,
    }
    stored = image if inverse[orientation] is None else image.transpose(inverse[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(path, "JPEG", quality=quality, exif=exif.tobytes())
    # sanity: correcting what was stored must give the picture back
    assert ImageOps.exif_transpose(Image.open(path)).size == image.size
    return path
