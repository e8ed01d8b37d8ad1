"""Pictures of one solid shape on a background, with captions: the small model's whole world.

The project's own CLIP model is trained and tested on these pictures, and ``photoclip demo``
builds its library from them. Everything is drawn from a seeded ``random.Random`` so a run can be
repeated exactly. This module needs only Pillow and NumPy.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

#: The eight colours the label set knows, with their sRGB centres.
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (215, 30, 35),
    "green": (40, 165, 60),
    "blue": (35, 75, 215),
    "yellow": (245, 220, 40),
    "purple": (125, 45, 165),
    "orange": (245, 135, 20),
    "black": (18, 18, 18),
    "white": (245, 245, 245),
}

#: Colours outside the label set. The model learns their names too, as a real CLIP knows far
#: more words than any label set; tagging uses them to show that an unknown colour gets no tag.
EXTRA_COLOURS: dict[str, tuple[int, int, int]] = {
    "pink": (250, 150, 200),
    "brown": (120, 72, 35),
    "grey": (128, 128, 128),
    "cyan": (40, 215, 225),
}

ALL_COLOURS: dict[str, tuple[int, int, int]] = {**COLOURS, **EXTRA_COLOURS}
SHAPES: tuple[str, ...] = ("circle", "square", "triangle", "star")
BACKGROUNDS: tuple[str, ...] = ("plain", "gradient", "noisy")
CLASSES: tuple[tuple[str, str], ...] = tuple((c, s) for c in COLOURS for s in SHAPES)


@dataclass(frozen=True)
class ShapeSpec:
    """Everything needed to draw one picture again, pixel for pixel."""

    shape: str
    colour: str
    background: str
    background_colour: str
    width: int
    height: int
    centre_x: float
    centre_y: float
    extent: float  # diameter of the shape's bounding circle, in pixels
    rotation: float  # degrees, small: shapes stand upright
    fmt: str  # "JPEG" or "PNG"
    seed: int

    @property
    def label(self) -> str:
        """The class name, e.g. ``"red circle"``."""
        return f"{self.colour} {self.shape}"

    @property
    def relative_size(self) -> float:
        """Shape extent as a fraction of the picture's short side."""
        return self.extent / min(self.width, self.height)


def random_spec(
    rng: random.Random,
    *,
    size_range: tuple[int, int] = (64, 4000),
    colours: tuple[str, ...] = tuple(COLOURS),
    shapes: tuple[str, ...] = SHAPES,
    formats: tuple[str, ...] = ("JPEG", "PNG"),
) -> ShapeSpec:
    """Draws a random picture description within the domain's rules.

    Long side between ``size_range``; aspect ratio log-uniform from 1:2 to 2:1; the shape's extent
    10–60% of the short side, placed anywhere it fits whole; the background another colour.
    """
    long_side = round(math.exp(rng.uniform(math.log(size_range[0]), math.log(size_range[1]))))
    aspect = math.exp(rng.uniform(math.log(0.5), math.log(2.0)))
    if aspect >= 1:
        width, height = long_side, max(size_range[0] // 2, round(long_side / aspect))
    else:
        width, height = max(size_range[0] // 2, round(long_side * aspect)), long_side
    extent = rng.uniform(0.10, 0.60) * min(width, height)
    radius = extent / 2
    colour = rng.choice(colours)
    background_colour = rng.choice([c for c in ALL_COLOURS if c != colour])
    return ShapeSpec(
        shape=rng.choice(shapes),
        colour=colour,
        background=rng.choice(BACKGROUNDS),
        background_colour=background_colour,
        width=width,
        height=height,
        centre_x=rng.uniform(radius, width - radius),
        centre_y=rng.uniform(radius, height - radius),
        extent=extent,
        rotation=rng.uniform(-15, 15),  # upright, give or take: a 45° square is a diamond
        fmt=rng.choice(formats),
        seed=rng.getrandbits(32),
    )


def _jitter(rgb: tuple[int, int, int], rng: random.Random, amount: int) -> tuple[int, int, int]:
    r, g, b = (min(255, max(0, v + rng.randint(-amount, amount))) for v in rgb)
    return (r, g, b)


def _background(spec: ShapeSpec, rng: random.Random) -> Image.Image:
    base = np.array(_jitter(ALL_COLOURS[spec.background_colour], rng, 12), dtype=np.float32)
    w, h = spec.width, spec.height
    if spec.background == "plain":
        return Image.new("RGB", (w, h), tuple(int(v) for v in base))
    if spec.background == "gradient":
        # A gradient within one colour: from the colour itself towards a lighter or darker shade.
        other = base * 0.55 if base.mean() > 90 else base + (255 - base) * 0.45
        angle = rng.uniform(0, 2 * math.pi)
        xs = np.linspace(-0.5, 0.5, w, dtype=np.float32)[None, :]
        ys = np.linspace(-0.5, 0.5, h, dtype=np.float32)[:, None]
        t = (xs * math.cos(angle) + ys * math.sin(angle)) + 0.5
        t = np.clip(t, 0, 1)[..., None]
        pixels = base * (1 - t) + other * t
        return Image.fromarray(pixels.astype(np.uint8), "RGB")
    # Noisy: grain of a random scale, so small and large pictures both show it.
    cell = rng.choice((1, 1, 2, 4, 8))
    sigma = rng.uniform(8, 35)
    np_rng = np.random.default_rng(spec.seed)
    gw, gh = max(1, w // cell), max(1, h // cell)
    noise = np_rng.normal(0.0, sigma, size=(gh, gw, 1)).astype(np.float32)
    grain = np.clip(base + noise, 0, 255).astype(np.uint8)
    image = Image.fromarray(grain, "RGB")
    return image if (gw, gh) == (w, h) else image.resize((w, h), Image.Resampling.NEAREST)


def _outline(spec: ShapeSpec) -> list[tuple[float, float]] | None:
    """Polygon of the shape (None for a circle), rotated about its centre."""
    r = spec.extent / 2
    if spec.shape == "circle":
        return None
    if spec.shape == "square":
        points = [(r * math.cos(math.radians(a)), r * math.sin(math.radians(a))) for a in (45, 135, 225, 315)]
    elif spec.shape == "triangle":
        points = [(r * math.cos(math.radians(a)), r * math.sin(math.radians(a))) for a in (-90, 30, 150)]
    else:  # five-pointed star, inner radius at the classic 0.382 ratio
        points = []
        for k in range(10):
            radius = r if k % 2 == 0 else r * 0.382
            a = math.radians(-90 + 36 * k)
            points.append((radius * math.cos(a), radius * math.sin(a)))
    theta = math.radians(spec.rotation)
    cos_t, sin_t = math.cos(theta), math.sin(theta)
    return [(spec.centre_x + x * cos_t - y * sin_t, spec.centre_y + x * sin_t + y * cos_t) for x, y in points]


def render(spec: ShapeSpec) -> Image.Image:
    """Draws the picture that ``spec`` describes (RGB, deterministic for a given spec)."""
    rng = random.Random(spec.seed)
    image = _background(spec, rng)
    fill = _jitter(ALL_COLOURS[spec.colour], rng, 14)
    draw = ImageDraw.Draw(image)
    outline = _outline(spec)
    if outline is None:
        r = spec.extent / 2
        box = (spec.centre_x - r, spec.centre_y - r, spec.centre_x + r, spec.centre_y + r)
        draw.ellipse(box, fill=fill)
    else:
        draw.polygon(outline, fill=fill)
    return image


def _position_words(spec: ShapeSpec) -> str:
    fx, fy = spec.centre_x / spec.width, spec.centre_y / spec.height
    vertical = "top" if fy < 0.33 else "bottom" if fy > 0.67 else ""
    horizontal = "left" if fx < 0.33 else "right" if fx > 0.67 else ""
    if not vertical and not horizontal:
        return "in the middle"
    if vertical and horizontal:
        return f"in the {vertical} {horizontal} corner"
    return f"on the {vertical or horizontal}"


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


#: How often a caption names only the colour or only the shape, so that each word stands alone
#: and the ways people ask for one ("red", "something red", "a star") mean what they say.
PART_SHARE = 0.14


def part_of(colour: str, shape: str, rng: random.Random) -> str:
    """Half a description: the colour or the shape alone, worded as people write it."""
    if rng.random() < 0.45:
        return rng.choice((shape, shape, f"{shape} shape", f"{shape}-shaped thing"))
    return rng.choice(
        (
            colour,
            colour,
            f"{colour} shape",
            f"something {colour}",
            f"{colour} thing",
            f"{colour} object",
            f"anything {colour}",
        )
    )


def caption(spec: ShapeSpec, rng: random.Random) -> str:
    """One natural caption for the picture, worded differently on each call."""
    colour, shape, bg = spec.colour, spec.shape, spec.background_colour
    size = spec.relative_size
    size_word = ""
    if rng.random() < 0.35:
        size_word = (
            rng.choice(("small", "little", "tiny"))
            if size < 0.22
            else (rng.choice(("large", "big", "huge")) if size > 0.45 else "")
        )
    core = " ".join(w for w in (size_word, colour, shape) if w)
    if rng.random() < PART_SHARE:
        core = part_of(colour, shape, rng)
        if core.split()[0] in ("something", "anything") or core == colour:
            return f"{rng.choice(('', '', 'a photo of ', 'a picture of '))}{core}".strip()
    prefix = rng.choice(
        (
            "",
            "",
            "{a} ",
            "{a} ",
            "a photo of {a} ",
            "a picture of {a} ",
            "an image of {a} ",
            "a drawing of {a} ",
            "a close-up photo of {a} ",
            "there is {a} ",
        )
    )
    prefix = prefix.replace("{a}", _article(core))
    kind = {"plain": rng.choice(("plain", "solid", "flat")), "gradient": "gradient", "noisy": "noisy"}[spec.background]
    suffix = rng.choice(
        (
            "",
            "",
            f" on {_article(bg)} {bg} background",
            f" on {_article(kind)} {kind} {bg} background",
            f" against {_article(bg)} {bg} background",
            f" {_position_words(spec)}",
            f" {_position_words(spec)} of the picture",
            f" on {bg}",
        )
    )
    return f"{prefix}{core}{suffix}".strip()


def save(spec: ShapeSpec, path: Path, image: Image.Image | None = None) -> Path:
    """Renders (unless given) and writes the picture as JPEG or PNG, as its spec says."""
    image = image if image is not None else render(spec)
    if spec.fmt == "JPEG":
        image.save(path, "JPEG", quality=random.Random(spec.seed).randint(70, 95))
    else:
        image.save(path, "PNG", compress_level=1)
    return path


def file_name(spec: ShapeSpec, index: int) -> str:
    """A file name that shows what the picture holds, like a user's own descriptive names would."""
    extension = ".jpg" if spec.fmt == "JPEG" else ".png"
    return f"{index:05d}-{spec.colour}-{spec.shape}{extension}"


def generate_folder(
    folder: Path,
    count: int,
    *,
    seed: int = 0,
    size_range: tuple[int, int] = (64, 4000),
    colours: tuple[str, ...] = tuple(COLOURS),
    descriptive_names: bool = True,
) -> list[tuple[Path, ShapeSpec]]:
    """Writes ``count`` random pictures into ``folder`` and returns their paths and specs."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    written = []
    for i in range(count):
        spec = random_spec(rng, size_range=size_range, colours=colours)
        name = file_name(spec, i) if descriptive_names else f"IMG_{i:05d}{'.jpg' if spec.fmt == 'JPEG' else '.png'}"
        written.append((save(spec, folder / name), spec))
    return written
