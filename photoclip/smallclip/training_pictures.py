"""The pictures photoclip-tiny is trained on: rendered from seeds, captioned anew each time they are seen."""

from __future__ import annotations

import functools
import io
import multiprocessing
import random

import numpy as np
from PIL import Image

from photoclip.smallclip import scenes, shapes

Described = shapes.ShapeSpec | scenes.Scene


def sample(seed: int, size: int, scene_share: float) -> tuple[np.ndarray, Described]:
    """One training picture, already resized (to ``size`` square) the way the model's preprocessing
    resizes it; a scene with ``scene_share``'s chance, else one upright shape."""
    rng = random.Random(seed)
    jpeg = rng.random() < 0.6
    if rng.random() < scene_share:
        if rng.random() < 0.05:
            colour, shape = None, None  # clutter only
        else:
            colour, shape = rng.choice(tuple(shapes.COLOURS)), rng.choice(shapes.SHAPES)
        image, described = scenes.render_scene(rng, colour, shape, size_range=(64, 640))
        quality = rng.randint(30, 95)
    else:
        colours = tuple(shapes.ALL_COLOURS) if rng.random() < 0.2 else tuple(shapes.COLOURS)
        described = shapes.random_spec(rng, size_range=(64, 640), colours=colours)
        image = shapes.render(described)
        jpeg, quality = described.fmt == "JPEG", rng.randint(60, 95)
    if jpeg:  # the artefacts users' photos carry
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    image = image.resize((size, size), Image.Resampling.BICUBIC)
    return np.asarray(image, dtype=np.uint8), described


def describe(picture: Described, rng: random.Random) -> str:
    """A caption for a training picture, worded anew each time it is seen."""
    if isinstance(picture, scenes.Scene):
        return scenes.caption(picture, rng)
    return shapes.caption(picture, rng)


#: The file beside the weights listing every word of the captions the model was trained on.
VOCABULARY_FILE = "vocabulary.txt"


def caption_vocabulary(samples: int = 20_000, seed: int = 0) -> list[str]:
    """Every word the training captions use, from ``samples`` pictures captioned three times each
    (sorted): what photoclip-tiny can know, written beside its weights (VOCABULARY_FILE) so that a
    search can tell "a dog on a beach" is words it never learnt (:mod:`photoclip.core.vocabulary`)."""
    import re

    rng = random.Random(seed)
    words: set[str] = set()
    for index in range(samples):
        _, described = sample(seed + index, 16, 0.5)
        for _ in range(3):
            words.update(re.findall(r"[a-z]+", describe(described, rng).lower()))
    return sorted(words)


def build_pool(
    count: int, seed: int, workers: int, size: int, scene_share: float
) -> tuple[np.ndarray, list[Described]]:
    """Renders ``count`` pictures in parallel; returns uint8 NHWC pixels and their specs."""
    seeds = [seed * 1_000_003 + i for i in range(count)]
    pixels = np.empty((count, size, size, 3), dtype=np.uint8)
    specs: list[Described] = []
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for i, (array, spec) in enumerate(
            pool.imap(functools.partial(sample, size=size, scene_share=scene_share), seeds, chunksize=256)
        ):
            pixels[i] = array
            specs.append(spec)
    return pixels, specs
