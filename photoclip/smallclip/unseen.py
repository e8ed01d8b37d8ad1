"""Pictures drawn by a renderer training never uses: shapes in colours of its own (not
:data:`photoclip.smallclip.shapes.COLOURS`' values) on noisy two-colour gradients, some outlined,
turned or blurred, saved as JPEG. A rule tuned to photoclip's own pictures shows here: the issue's
own measure was such a renderer, and ``evaluate_relevance --look unseen`` asks every query of it."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from photoclip.smallclip.scenes import Scene, shuffled_classes

COLOURS = {
    "red": (200, 40, 50),
    "green": (60, 160, 70),
    "blue": (40, 80, 200),
    "yellow": (235, 205, 40),
    "orange": (240, 130, 30),
    "purple": (120, 50, 150),
    "white": (245, 245, 240),
    "black": (25, 25, 30),
}


def _background(size: tuple[int, int], rng: random.Random) -> Image.Image:
    top, bottom = (np.array([rng.randint(60, 230) for _ in range(3)], float) for _ in range(2))
    t = np.linspace(0, 1, size[1])[:, None, None]
    noise = np.random.default_rng(rng.randint(0, 2**31)).integers(-12, 13, (size[1], size[0], 3))
    return Image.fromarray(np.clip(top * (1 - t) + bottom * t + noise, 0, 255).astype(np.uint8))


def _corners(shape: str, cx: float, cy: float, r: float, turn: float) -> list[tuple[float, float]]:
    if shape == "square":
        points = [(r, 45 + 90 * k) for k in range(4)]
    elif shape == "triangle":
        points = [(r, -90 + 120 * k) for k in range(3)]
    else:
        points = [(r if k % 2 == 0 else r * 0.5, -90 + 36 * k) for k in range(10)]
    return [(cx + d * math.cos(math.radians(a + turn)), cy + d * math.sin(math.radians(a + turn))) for d, a in points]


def draw(colour: str, shape: str, rng: random.Random) -> Image.Image:
    """One picture of a ``colour`` ``shape``."""
    size = rng.choice([(320, 240), (240, 320), (400, 300), (256, 256)])
    image = _background(size, rng)
    pen = ImageDraw.Draw(image)
    r = min(size) * rng.uniform(0.18, 0.35)
    cx, cy = rng.uniform(r, size[0] - r), rng.uniform(r, size[1] - r)
    outline = (0, 0, 0) if rng.random() < 0.3 and colour != "black" else None
    if shape == "circle":
        e = rng.uniform(0.9, 1.1)
        pen.ellipse([cx - r, cy - r * e, cx + r, cy + r * e], fill=COLOURS[colour], outline=outline, width=3)
    else:
        pen.polygon(_corners(shape, cx, cy, r, rng.uniform(-20, 20)), fill=COLOURS[colour], outline=outline)
    return image.filter(ImageFilter.GaussianBlur(1.2)) if rng.random() < 0.3 else image


def write_unseen(folder: Path, per_class: int, seed: int) -> dict[str, Scene]:
    """``per_class`` pictures of each colour and shape as JPEG, under names that say nothing;
    returns file name -> what it shows."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    written = {}
    for index, (colour, shape) in enumerate(shuffled_classes(rng, COLOURS, per_class)):
        name = f"DSC{index:05d}.jpg"
        draw(colour, shape, rng).save(folder / name, quality=rng.randint(60, 92))
        written[name] = Scene(name, colour, shape, "gradient", 0.0, 0)
    return written
