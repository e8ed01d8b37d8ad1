"""Photos with known copies for the duplicates tests, and a system trash of the test's own.

``photo_with_copies`` writes an original (a generated shape picture, dated by EXIF in 2019) and
the copies a person's folders collect: the same file copied, a half-size copy, a copy re-saved
at JPEG quality 60, and another picture of the same colour and shape framed alike (not a copy).
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pictures import spec_for
from PIL import Image, ImageOps

from photoclip.smallclip import shapes

#: The originals' EXIF date, and a file time well after it for the copies.
EXIF_DATE = "2019:05:01 10:00:00"
ORIGINAL_MTIME = 1_556_700_000
COPY_MTIME = 1_700_000_000


@dataclass(frozen=True)
class Copies:
    """The files ``photo_with_copies`` wrote."""

    original: Path
    identical: Path
    resized: Path
    reencoded: Path
    other: Path  # the same colour and shape drawn again: not a copy


def _save(image: Image.Image, path: Path, quality: int, *, exif_date: str | None, mtime: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    if exif_date:
        exif.get_ifd(0x8769)[36867] = exif_date
    image.save(path, "JPEG", quality=quality, exif=exif)
    os.utime(path, (mtime, mtime))
    return path


def photo_with_copies(folder: Path, name: str, colour: str, shape: str, seed: int) -> Copies:
    """An original and its copies under ``folder`` (originals/, copies/, others/)."""
    spec = spec_for(colour, shape, seed, size_range=(560, 760), fmt="JPEG")
    image = shapes.render(spec)
    original = _save(image, folder / "originals" / f"{name}.jpg", 92, exif_date=EXIF_DATE, mtime=ORIGINAL_MTIME)
    identical = folder / "copies" / f"{name} (copy).jpg"
    identical.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(original, identical)
    os.utime(identical, (COPY_MTIME, COPY_MTIME))
    half = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
    resized = _save(half, folder / "copies" / f"{name}-small.jpg", 90, exif_date=None, mtime=COPY_MTIME)
    reencoded = _save(image, folder / "copies" / f"{name}-q60.jpg", 60, exif_date=None, mtime=COPY_MTIME)
    drawn = shapes.render(spec_for(colour, shape, seed + 7919, size_range=(560, 760), fmt="JPEG"))
    framed = ImageOps.fit(drawn, image.size, Image.Resampling.LANCZOS)
    other = _save(framed, folder / "others" / f"{name}-again.jpg", 92, exif_date=EXIF_DATE, mtime=ORIGINAL_MTIME)
    return Copies(original, identical, resized, reencoded, other)


def own_trash(tmp_path: Path) -> Iterator[Path]:
    """For a fixture: the system trash, as send2trash finds it on Linux (the freedesktop trash under
    $XDG_DATA_HOME, for files on the home folder's drive), moved under ``tmp_path``: HOME and
    XDG_DATA_HOME point there, so the user's own trash is never touched. send2trash reads
    XDG_DATA_HOME when it is imported, so its module is loaded again with the test's values (and
    once more afterwards with the real ones)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the test's own trash folder is the freedesktop one (Linux)")
    import send2trash.plat_other as freedesktop

    home = tmp_path / "home"
    home.mkdir()
    saved = {key: os.environ.get(key) for key in ("HOME", "XDG_DATA_HOME")}
    os.environ["HOME"] = str(home)
    os.environ["XDG_DATA_HOME"] = str(home / ".local" / "share")
    importlib.reload(freedesktop)
    try:
        yield home / ".local" / "share" / "Trash"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        importlib.reload(freedesktop)
