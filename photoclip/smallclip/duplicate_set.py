"""A generated photo folder with known duplicates, for measuring how well they are found.

Originals are scenes from :mod:`photoclip.smallclip.scenes` at photo sizes (900–1800 px, a little
sensor noise, JPEG with an EXIF date). Each gets copies of every kind in :data:`COPY_KINDS`, and
*distractors* (:data:`DISTRACTORS`), pictures that look alike without being copies:

- ``distractor``: another scene of the same colour and shape drawn afresh, framed like the original;
- ``demo``: pictures as ``photoclip demo`` draws them (:mod:`photoclip.smallclip.shapes`, the
  small model's own domain: flat, graded or grainy backgrounds), in threes: one, the same in
  another colour, and the same colour and shape at another place on another background (the
  pairs a tester's library grouped). The small
  model's vectors for these are close, so only the look at the pixels keeps them apart.

The manifest says which original each file came from, so every pair the finder groups is known to
be right or wrong. The distractors draw from their own random stream: the originals and copies of
a seed are the same as before they were added.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from photoclip.smallclip import shapes
from photoclip.smallclip.scenes import render_scene
from photoclip.smallclip.shapes import COLOURS, SHAPES

ORIGINAL = "original"
DISTRACTOR = "distractor"
DEMO = "demo"
#: Files that are copies of nothing (each its own source): any group holding one is wrong.
DISTRACTORS = (DISTRACTOR, DEMO)
#: What a copy is: the kinds the brief names, each made from the original's file.
COPY_KINDS = ("exact", "resized-50", "resized-25", "re-encoded", "cropped-5", "recoloured", "brightened")
#: The kinds the target (precision and recall ≥ 0.95) is held on.
TARGET_KINDS = ("exact", "resized-50", "resized-25", "re-encoded")
#: Originals are dated well before their copies (EXIF and file time), as a camera's files are.
ORIGINAL_DATE = "2019:05:01 10:00:00"
ORIGINAL_MTIME = 1_556_700_000


@dataclass(frozen=True)
class Item:
    """One generated file: the original it comes from (its own name for originals and
    distractors) and what kind of file it is."""

    path: Path
    source: str
    kind: str


def _photo_like(image: Image.Image, rng: random.Random) -> Image.Image:
    """Sensor-like noise, so re-encoding and resizing change pixels as they do on real photos."""
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, 4.0, (image.height, image.width, 1))
    return Image.fromarray(np.clip(np.asarray(image, np.float32) + noise, 0, 255).astype(np.uint8))


def _save_original(image: Image.Image, path: Path) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = ORIGINAL_DATE  # DateTimeOriginal
    image.save(path, "JPEG", quality=92, exif=exif)
    os.utime(path, (ORIGINAL_MTIME, ORIGINAL_MTIME))


def _resized(factor: float) -> Callable[[Image.Image, random.Random], Image.Image]:
    def make(image: Image.Image, _rng: random.Random) -> Image.Image:
        size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
        return image.resize(size, Image.Resampling.LANCZOS)

    return make


def _cropped(image: Image.Image, rng: random.Random) -> Image.Image:
    """5% off the width and the height, split at random between the two sides."""
    cut_w, cut_h = round(image.width * 0.05), round(image.height * 0.05)
    left, top = rng.randint(0, cut_w), rng.randint(0, cut_h)
    return image.crop((left, top, image.width - (cut_w - left), image.height - (cut_h - top)))


def _recoloured(image: Image.Image, rng: random.Random) -> Image.Image:
    """The hue turned by 15–30° either way and the brightness moved by up to 10%."""
    turn = rng.choice((-1, 1)) * rng.uniform(15, 30) / 360
    hsv = np.asarray(image.convert("HSV"), np.float32)
    hsv[..., 0] = (hsv[..., 0] + turn * 255) % 255
    shifted = Image.fromarray(hsv.astype(np.uint8), "HSV").convert("RGB")
    return ImageEnhance.Brightness(shifted).enhance(rng.uniform(0.9, 1.1))


def _brightened(image: Image.Image, rng: random.Random) -> Image.Image:
    """Brighter or darker by 15–25%, as a quick edit in a phone's gallery does."""
    return ImageEnhance.Brightness(image).enhance(rng.choice((0.8, 1.2)) * rng.uniform(0.95, 1.05))


_EDITS: dict[str, tuple[Callable[[Image.Image, random.Random], Image.Image], int]] = {
    "resized-50": (_resized(0.5), 90),
    "resized-25": (_resized(0.25), 90),
    "re-encoded": (lambda image, _rng: image, 60),
    "cropped-5": (_cropped, 90),
    "recoloured": (_recoloured, 90),
    "brightened": (_brightened, 90),
}


def _demo_three(rng: random.Random) -> list[Image.Image]:
    """A demo picture, the same in another colour, and the same colour and shape elsewhere on
    another background (the three different pictures the tester's library grouped)."""
    spec = shapes.random_spec(rng, size_range=(400, 1600))
    other_colour = rng.choice([c for c in COLOURS if c not in (spec.colour, spec.background_colour)])
    radius = spec.extent / 2
    moved = dataclasses.replace(
        spec,
        background=rng.choice(shapes.BACKGROUNDS),
        background_colour=rng.choice([c for c in shapes.ALL_COLOURS if c not in (spec.colour, spec.background_colour)]),
        centre_x=rng.uniform(radius, spec.width - radius),
        centre_y=rng.uniform(radius, spec.height - radius),
        seed=rng.getrandbits(32),
    )
    recoloured = dataclasses.replace(spec, colour=other_colour, seed=rng.getrandbits(32))
    return [shapes.render(s) for s in (spec, recoloured, moved)]


def _write_demo(folder: Path, index: int, rng: random.Random) -> list[Item]:
    """Three demo pictures (:func:`_demo_three`), each a distractor of its own."""
    items = []
    for k, picture in enumerate(_demo_three(rng)):
        path = folder / "others" / f"{rng.getrandbits(40):013d}.png"
        picture.save(path)
        items.append(Item(path, f"demo-{index}-{k}", DEMO))
    return items


def write_duplicate_set(folder: Path, originals: int, seed: int) -> list[Item]:
    """Writes ``originals`` originals with a copy of each kind and distractors under ``folder``
    (``originals/``, ``copies/``, ``others/``; file names say nothing of what a file is)."""
    rng = random.Random(seed)
    extra = random.Random(f"distractors-{seed}")
    classes = [(c, s) for c in COLOURS for s in SHAPES]
    items: list[Item] = []
    for sub in ("originals", "copies", "others"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    names = iter(rng.sample(range(100_000, 999_999), originals * (len(COPY_KINDS) + 2)))
    for index in range(originals):
        colour, shape = classes[index % len(classes)]
        source = f"original-{index}"
        image = _photo_like(render_scene(rng, colour, shape, size_range=(900, 1800))[0], rng)
        path = folder / "originals" / f"IMG_{next(names)}.jpg"
        _save_original(image, path)
        items.append(Item(path, source, ORIGINAL))
        with Image.open(path) as opened:
            decoded = opened.convert("RGB")
        for kind in COPY_KINDS:
            copy = folder / "copies" / f"IMG_{next(names)}.jpg"
            if kind == "exact":
                shutil.copyfile(path, copy)
            else:
                edit, quality = _EDITS[kind]
                edit(decoded, rng).save(copy, "JPEG", quality=quality)
            items.append(Item(copy, source, kind))
        # Framed as the original is: a library's photos mostly share a few shapes (4:3, 3:2), so
        # the frame alone must not tell a distractor from a copy.
        drawn = render_scene(rng, colour, shape, size_range=(900, 1800))[0]
        other = _photo_like(ImageOps.fit(drawn, image.size, Image.Resampling.LANCZOS), rng)
        other_path = folder / "others" / f"IMG_{next(names)}.jpg"
        _save_original(other, other_path)
        items.append(Item(other_path, f"distractor-{index}", DISTRACTOR))
        items += _write_demo(folder, index, extra)
    return items
