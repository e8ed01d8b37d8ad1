"""Test pictures: generated shapes with known colour and shape, written like a user's photos, and huge
pictures in small files.

A 15000×15000 16-bit greyscale PNG is 450 MB of pixels but well under a megabyte on disk when most
rows repeat the row above (PNG's "Up" filter turns such a row into zeros, which deflate squeezes
to almost nothing). ``write_grey16_png`` writes it row by row, so the test itself never needs the
memory it checks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import struct
import zlib
from pathlib import Path

import numpy as np
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


def write_neutral(
    folder: Path, classes: list[tuple[str, str]], per_class: int, seed: int = 0
) -> dict[str, tuple[str, str]]:
    """``per_class`` pictures of each class under names that say nothing (IMG_0000...): the pixels
    alone must find them. Returns file name -> class."""
    written = {}
    for c, (colour, shape) in enumerate(classes):
        for k in range(per_class):
            path = write(folder, f"IMG_{c * per_class + k:04d}", spec_for(colour, shape, seed + 100 * c + k))
            written[path.name] = (colour, shape)
    return written


def write_dated(folder: Path, photos: dict[str, tuple[str, str, str | None, dt.datetime]], first_seed: int) -> Path:
    """Writes ``photos`` (name: colour, shape, EXIF DateTimeOriginal or None, the file's modification
    time) as JPEGs in ``folder``, each drawn with its own seed from ``first_seed`` on."""
    for k, (name, (colour, shape, taken, mtime)) in enumerate(photos.items()):
        path = write(folder, name, spec_for(colour, shape, first_seed + k, fmt="JPEG"))
        if taken is not None:
            date_jpeg(path, taken)
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return folder


def date_jpeg(path: Path, original: str, digitized: str | None = None) -> Path:
    """Saves the JPEG at ``path`` again with EXIF DateTimeOriginal ``original`` (and DateTimeDigitized)."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = original
    if digitized is not None:
        exif.get_ifd(0x8769)[36868] = digitized
    with Image.open(path) as image:
        image.load()
        image.save(path, "JPEG", quality=90, exif=exif.tobytes())
    return path


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


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_grey16_png(path: Path, width: int, height: int, bands: int = 12) -> Path:
    """Writes a 16-bit greyscale PNG of horizontal bands, each a left-to-right ramp of its own slope.

    The values use the whole 16-bit range, so decoding must scale them down rather than clip them.
    """
    columns = np.arange(width, dtype=np.float64) / max(width - 1, 1)
    band_height = max(1, -(-height // bands))
    repeat_above = b"\x02" + bytes(2 * width)  # filter "Up" and zeros: the same pixels as the row above
    compressor = zlib.compressobj(6)
    parts = []
    for row in range(height):
        if row % band_height == 0:
            band = row // band_height
            slope = 0.3 + 0.7 * ((band * 5) % bands) / max(bands - 1, 1)
            ramp = (65535 * (columns * slope + (1 - slope) * (band % 2))).clip(0, 65535).astype(">u2")
            parts.append(compressor.compress(b"\x00" + ramp.tobytes()))
        else:
            parts.append(compressor.compress(repeat_above))
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 16, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
    )
    return path
