"""A fixed set of test pictures, drawn the same way on every machine, for checking model files.

They stand in for photos when a model is prepared here: an ONNX export is compared with torch on
them, and an int8 image graph with its fp32 original. They are drawn, not shipped, so they cost
the repository nothing, and they vary in what trips up reduced precision: flat colour, fine
texture, hard edges, gradients, noise, and busy scenes of many shapes.
"""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

_SIZE = (320, 240)


def _scene(rng: random.Random, kind: int) -> Image.Image:
    width, height = _SIZE
    base = tuple(rng.randrange(256) for _ in range(3))
    image = Image.new("RGB", _SIZE, base)
    draw = ImageDraw.Draw(image)
    if kind == 0:  # sky over ground: two gradients and a horizon
        top = np.array([rng.randrange(256) for _ in range(3)], np.float32)
        bottom = np.array([rng.randrange(256) for _ in range(3)], np.float32)
        ramp = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
        pixels = top * (1 - ramp) + bottom * ramp
        pixels = np.broadcast_to(pixels, (height, width, 3)).copy()
        horizon = rng.randrange(height // 3, 2 * height // 3)
        pixels[horizon:] *= 0.55
        image = Image.fromarray(pixels.astype(np.uint8))
    elif kind == 1:  # stripes and checks: fine, high-contrast texture
        step = rng.randrange(3, 17)
        for x in range(0, width, 2 * step):
            draw.rectangle([x, 0, x + step - 1, height], fill=tuple(rng.randrange(256) for _ in range(3)))
        for y in range(0, height, 2 * step):
            draw.rectangle([0, y, width, y + step // 2], fill=tuple(rng.randrange(256) for _ in range(3)))
    elif kind == 2:  # soft "clouds": blurred noise
        cells = np.random.default_rng(rng.randrange(1 << 30)).integers(0, 256, (height // 8, width // 8, 3))
        image = Image.fromarray(cells.astype(np.uint8)).resize(_SIZE, Image.Resampling.BICUBIC)
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(2, 8)))
    elif kind == 3:  # sensor noise over a flat colour
        noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(8, 40), (height, width, 3))
        image = Image.fromarray(np.clip(np.array(base, np.float32) + noise, 0, 255).astype(np.uint8))
    # many shapes on top: what photos of things have
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(1, 9)):
        colour = tuple(rng.randrange(256) for _ in range(3))
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(10, width // 2), y0 + rng.randrange(10, height // 2)
        shape = rng.randrange(3)
        if shape == 0:
            draw.ellipse([x0, y0, x1, y1], fill=colour)
        elif shape == 1:
            draw.rectangle([x0, y0, x1, y1], fill=colour, outline=(0, 0, 0), width=rng.randrange(0, 4))
        else:
            points = [(rng.randrange(width), rng.randrange(height)) for _ in range(rng.randrange(3, 7))]
            draw.polygon(points, fill=colour)
    return image


def calibration_pictures(count: int = 32, seed: int = 20261129) -> list[Image.Image]:
    """``count`` pictures (320×240 RGB), the same ones every time for the same seed."""
    rng = random.Random(seed)
    return [_scene(rng, i % 5) for i in range(count)]
