"""Pictures for judging relevance in a second look, busier than the one-shape pictures.

:mod:`photoclip.smallclip.shapes` draws one shape, upright, on a plain, gradient or noisy
background. These scenes vary what a cut-off rule could otherwise be tuned to: textured, striped,
checked and two-colour backgrounds; the object anywhere from small to large, turned up to 45°,
sometimes outlined or blurred; clutter around it; JPEG quality from poor to fine. Each scene has
one *main object* (one of the 8 colours and 4 shapes the queries use) or none, and clutter that no
query names (hexagons, crosses, rings and ellipses in pink, brown, grey or cyan), so what each
query should find is known exactly. photoclip-tiny's later training stages learn from scenes
too (:mod:`photoclip.smallclip.training_pictures`), from seeds the evaluations never draw.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from photoclip.smallclip.shapes import ALL_COLOURS, COLOURS, EXTRA_COLOURS, PART_SHARE, SHAPES, part_of

CLUTTER_SHAPES = ("hexagon", "cross", "ring", "ellipse")
BACKGROUNDS = ("plain", "two-colour", "stripes", "checks", "texture", "blotches")


@dataclass(frozen=True)
class Scene:
    """What a scene shows: its main object (None for clutter only) and how it was drawn."""

    name: str
    colour: str | None
    shape: str | None
    background: str
    relative_size: float  # the main object's extent over the short side
    clutter: int
    background_colour: str = ""
    clutter_items: tuple[tuple[str, str], ...] = ()  # (colour, shape) of each thing around it


def _polygon(shape: str, cx: float, cy: float, r: float, turn: float) -> list[tuple[float, float]]:
    if shape == "square":
        angles, radii = [45, 135, 225, 315], [r] * 4
    elif shape == "triangle":
        angles, radii = [-90, 30, 150], [r] * 3
    elif shape == "star":
        angles = [-90 + 36 * k for k in range(10)]
        radii = [r if k % 2 == 0 else r * 0.382 for k in range(10)]
    elif shape == "hexagon":
        angles, radii = [60 * k for k in range(6)], [r] * 6
    else:  # cross
        w = r * 0.35
        points = [
            (-w, -r),
            (w, -r),
            (w, -w),
            (r, -w),
            (r, w),
            (w, w),
            (w, r),
            (-w, r),
            (-w, w),
            (-r, w),
            (-r, -w),
            (-w, -w),
        ]
        return _turned(points, cx, cy, turn)
    points = [
        (rad * math.cos(math.radians(a)), rad * math.sin(math.radians(a))) for a, rad in zip(angles, radii, strict=True)
    ]
    return _turned(points, cx, cy, turn)


def _turned(points: list[tuple[float, float]], cx: float, cy: float, turn: float) -> list[tuple[float, float]]:
    c, s = math.cos(math.radians(turn)), math.sin(math.radians(turn))
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in points]


def _draw(
    draw: ImageDraw.ImageDraw,
    shape: str,
    cx: float,
    cy: float,
    r: float,
    turn: float,
    fill: tuple,
    outline: tuple | None,
) -> None:
    width = max(1, int(r * 0.08)) if outline else 0
    if shape == "circle":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=fill, outline=outline, width=width)
    elif shape == "ellipse":
        draw.ellipse((cx - r, cy - r * 0.45, cx + r, cy + r * 0.45), fill=fill)
    elif shape == "ring":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=fill, width=max(2, int(r * 0.3)))
    else:
        draw.polygon(_polygon(shape, cx, cy, r, turn), fill=fill, outline=outline, width=width)


def _tone(rgb: tuple[int, int, int], rng: random.Random, amount: int = 18) -> tuple[int, int, int]:
    return tuple(min(255, max(0, v + rng.randint(-amount, amount))) for v in rgb)  # type: ignore[return-value]


def _background(kind: str, size: tuple[int, int], rng: random.Random, avoid: str | None) -> tuple[Image.Image, str]:
    names = [c for c in ALL_COLOURS if c != avoid]
    first_name, second_name = rng.sample(names, 2)
    first, second = _tone(ALL_COLOURS[first_name], rng), _tone(ALL_COLOURS[second_name], rng)
    width, height = size
    image = Image.new("RGB", size, first)
    draw = ImageDraw.Draw(image)
    if kind == "two-colour":
        split = rng.uniform(0.3, 0.7)
        if rng.random() < 0.5:
            draw.rectangle((0, int(height * split), width, height), fill=second)
        else:
            draw.rectangle((int(width * split), 0, width, height), fill=second)
    elif kind == "stripes":
        step = max(2, int(min(size) * rng.uniform(0.03, 0.12)))
        for x in range(0, width + height, 2 * step):
            draw.polygon([(x, 0), (x + step, 0), (x + step - height, height), (x - height, height)], fill=second)
    elif kind == "checks":
        step = max(2, int(min(size) * rng.uniform(0.05, 0.2)))
        for y in range(0, height, step):
            for x in range((y // step) % 2 * step, width, 2 * step):
                draw.rectangle((x, y, x + step - 1, y + step - 1), fill=second)
    elif kind == "texture":
        noise = np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(15, 45), (height, width, 1))
        image = Image.fromarray(np.clip(np.asarray(image, np.float32) + noise, 0, 255).astype(np.uint8))
    elif kind == "blotches":
        for _ in range(rng.randint(4, 12)):
            r = min(size) * rng.uniform(0.1, 0.4)
            cx, cy = rng.uniform(0, width), rng.uniform(0, height)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_tone(second, rng, 30))
        image = image.filter(ImageFilter.GaussianBlur(min(size) * 0.03))
    return image, first_name


def render_scene(
    rng: random.Random, colour: str | None, shape: str | None, size_range: tuple[int, int] = (96, 1200)
) -> tuple[Image.Image, Scene]:
    """One scene with a main ``colour`` ``shape`` (or clutter only when both are None)."""
    long_side = round(math.exp(rng.uniform(math.log(size_range[0]), math.log(size_range[1]))))
    aspect = math.exp(rng.uniform(math.log(0.5), math.log(2.0)))
    size = (
        (long_side, max(48, round(long_side / aspect)))
        if aspect >= 1
        else (max(48, round(long_side * aspect)), long_side)
    )
    short = min(size)
    background = rng.choice(BACKGROUNDS)
    image, background_colour = _background(background, size, rng, colour)
    draw = ImageDraw.Draw(image)
    relative = rng.uniform(0.12, 0.7)
    main_r = relative * short / 2
    clutter = rng.choice((0, 0, 1, 1, 2, 3))
    items = []
    for _ in range(clutter):  # things no query names, smaller than the main object
        r = main_r * rng.uniform(0.25, 0.6)
        clutter_colour, clutter_shape = rng.choice(tuple(EXTRA_COLOURS)), rng.choice(CLUTTER_SHAPES)
        items.append((clutter_colour, clutter_shape))
        _draw(
            draw,
            clutter_shape,
            rng.uniform(r, size[0] - r),
            rng.uniform(r, size[1] - r),
            r,
            rng.uniform(0, 360),
            _tone(EXTRA_COLOURS[clutter_colour], rng),
            None,
        )
    if colour is not None and shape is not None:
        outline = _tone((20, 20, 20), rng) if rng.random() < 0.2 else None
        _draw(
            draw,
            shape,
            rng.uniform(main_r, size[0] - main_r),
            rng.uniform(main_r, size[1] - main_r),
            main_r,
            rng.uniform(-45, 45),
            _tone(COLOURS[colour], rng, 14),
            outline,
        )
    if rng.random() < 0.15:
        image = image.filter(ImageFilter.GaussianBlur(short * 0.006))
    return image, Scene("", colour, shape, background, relative, clutter, background_colour, tuple(items))


def shuffled_classes(
    rng: random.Random, colours: Iterable[str], per_class: int, empty: int = 0
) -> list[tuple[str | None, str | None]]:
    """Every colour (in ``colours``' order) with every shape ``per_class`` times, and ``empty``
    pictures of no class, in ``rng``'s order: what a generator draws, one picture each."""
    wanted: list[tuple[str | None, str | None]] = [(c, s) for c in colours for s in SHAPES for _ in range(per_class)]
    wanted += [(None, None)] * empty
    rng.shuffle(wanted)
    return wanted


def write_scenes(folder: Path, per_class: int, empty: int, seed: int) -> dict[str, Scene]:
    """``per_class`` scenes of each of the 32 colour+shape classes and ``empty`` of clutter only,
    as JPEG (quality 30 to 95) or PNG; returns file name -> scene."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    scenes = {}
    for index, (colour, shape) in enumerate(shuffled_classes(rng, COLOURS, per_class, empty)):
        image, scene = render_scene(rng, colour, shape)
        jpeg = rng.random() < 0.7
        name = f"scene-{index:05d}{'.jpg' if jpeg else '.png'}"  # names say nothing about the content
        if jpeg:
            image.save(folder / name, "JPEG", quality=rng.randint(30, 95))
        else:
            image.save(folder / name, "PNG", compress_level=1)
        scenes[name] = dataclasses.replace(scene, name=name)
    return scenes


_KIND_WORDS = {
    "plain": ("plain", "flat"),
    "two-colour": ("two-colour", "split"),
    "stripes": ("striped",),
    "checks": ("checked", "chequered"),
    "texture": ("textured", "grainy"),
    "blotches": ("blotchy", "mottled"),
}


def caption(scene: Scene, rng: random.Random) -> str:
    """One natural description of a scene, worded differently on each call (for training)."""
    if scene.colour is None or scene.shape is None:
        things = [f"a {c} {s}" for c, s in scene.clutter_items] or ["nothing"]
        return rng.choice(("", "a picture of ", "a photo of ")) + " and ".join(things[:2])
    size = ""
    if rng.random() < 0.3:
        size = "small " if scene.relative_size < 0.25 else "large " if scene.relative_size > 0.5 else ""
    core = f"{size}{scene.colour} {scene.shape}"
    if rng.random() < PART_SHARE:
        core = part_of(scene.colour, scene.shape, rng)
    article = "an" if core[0] in "aeiou" else "a"
    prefix = rng.choice(("", "", f"{article} ", f"{article} ", f"a photo of {article} ", f"a picture of {article} "))
    if core.split()[0] in ("something", "anything") or core == scene.colour:
        prefix = rng.choice(("", "a photo of "))
    kind = rng.choice(_KIND_WORDS[scene.background])
    suffix_choices = ["", "", f" on a {kind} background", f" on a {kind} {scene.background_colour} background"]
    if scene.clutter_items:
        c, s = rng.choice(scene.clutter_items)
        suffix_choices += [f" with a {c} {s}", f" next to a small {c} {s}", " among other shapes"]
    return f"{prefix}{core}{rng.choice(suffix_choices)}".strip()
