"""A cheap look at two pictures: the same photo (resized, re-encoded, cropped, lightly edited) or
two different pictures that merely look alike?

Each photo is reduced to a small colour picture (:data:`SIDE` px square, the whole frame squeezed,
from the grid thumbnail photoclip already keeps or a reduced decode of the file). Two pictures are
one photo when the first, after the best *light edit* (one brightness gain and offset for all
channels, clamped to :data:`GAIN` and :data:`OFFSET`, and for detailed pictures a hue turn of up
to :data:`HUE_TURN`), reproduces the second pixel by pixel, colours included.

The residual is measured against the picture's *content*: the colour energy of its pixels away
from its median colour (its background, when a plain background fills most of it). A small shape
on a plain wall is then judged by the shape's pixels, not drowned by the wall; a shape moved or
recoloured leaves a residual as large as its content (a ratio near 1 or more), a copy a few
hundredths. Correlations of normalised grey levels, which this replaced, cannot tell a red square
from a blue one in the same place: normalisation throws away exactly the difference.

A hue turn is only looked for when a good share of the picture is detailed (:data:`DETAILED`): on
a flat picture, one shape on a plain background, a turned colour and a different picture of the
same layout are the same thing to any look at the pixels, so only brightness is allowed there.

A crop moves everything a little: :func:`compare` also cuts windows keeping 1 - :data:`CROP` or
more of each side from one picture (a pixel apart, then half a pixel about the best) and
keeps the window that explains the other best; the same residual must then hold, so a crop
search cannot pair two flat pictures that only share a background.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from photoclip.core.images import decode, read_bytes, thumbnail_path

#: Side of the stored colour picture (px).
SIDE = 32
#: The largest crop looked for: the share of the width (and of the height) cut, both edges together.
CROP = 0.10
#: A light edit's brightness: gain and offset (levels of 255) allowed, the same for every channel.
GAIN = (0.72, 1.40)
OFFSET = 24.0
#: A light edit's hue turn (degrees), tried in these steps, for detailed pictures only.
HUE_TURN = 30.0
HUE_STEP = 7.5
#: The share of a picture's pixels that differ from their neighbours at or above which it is
#: detailed (a photo's texture), below which flat (a shape on a plain or graded background).
DETAILED = 0.45
#: Neighbouring pixels closer than this (levels, any channel) are one flat area.
FLAT_STEP = 6.0
#: Content energy is never taken below this (levels, root mean square per channel): two nearly
#: plain pictures are judged by their absolute colours rather than by noise.
ENERGY_FLOOR = 10.0
#: Pixels this close to 0 or 255 are left out of the fit (a brightened copy clips there).
CLIPPED = 3.0
#: A window's offsets and sizes are tried in steps of twice this share of the side (a pixel),
#: then of this (half a pixel) about the best window. (A half-pixel grid everywhere costs twice
#: the time and found 3 more of 100 crops on seed 2.)
CROP_STEP = 1 / (2 * SIDE)


@dataclass(frozen=True)
class Signature:
    """What a photo looks like, reduced: its colour picture and how much of it is detailed."""

    rgb: np.ndarray  # SIDE × SIDE × 3, float32 levels
    detail: float  # share of pixels that differ from a neighbour by FLAT_STEP or more

    @property
    def spread(self) -> float:
        """How far its pixels lie from its median colour (levels, root mean square per channel):
        how much there is in it to compare at all (a black frame: under one level)."""
        return math.sqrt(self.energy / self.rgb.size)

    @property
    def energy(self) -> float:
        """Its colour energy away from its median colour (its background, when one fills most of it)."""
        pixels = self.rgb.reshape(-1, 3)
        return float(((pixels - np.median(pixels, axis=0)) ** 2).sum())


@dataclass(frozen=True)
class Match:
    """How one picture explains another: the residual left (a share of the content), whether a
    crop was needed, and the light edit found."""

    residual: float
    cropped: bool
    gain: float
    offset: float
    turn: float  # degrees
    window: tuple[float, ...] = (0.0, 0.0, 1.0, 1.0)  # of the picture cut: x0, y0, width, height

    @property
    def edited(self) -> bool:
        """True when the colours or the brightness moved further than encoding moves them."""
        return abs(self.gain - 1) > 0.05 or abs(self.offset) > 6 or self.turn != 0


def signature_of_image(image: Image.Image) -> Signature:
    """The signature of a picture (any size; the whole frame, squeezed square)."""
    small = image.convert("RGB").resize((SIDE, SIDE), Image.Resampling.BOX)
    rgb = np.asarray(small, np.float32)
    steps = np.zeros((SIDE, SIDE), bool)
    steps[:, :-1] |= np.abs(np.diff(rgb, axis=1)).max(axis=2) >= FLAT_STEP
    steps[:-1, :] |= np.abs(np.diff(rgb, axis=0)).max(axis=2) >= FLAT_STEP
    return Signature(rgb=rgb, detail=float(steps.mean()))


def signature_of_photo(path: Path, fingerprint: str | None, thumbnails: Path | None) -> Signature:
    """The signature of a library photo: from its grid thumbnail when the cache has it, otherwise
    from a reduced decode of the file. Raises :class:`ImageError` or OSError when neither reads."""
    if fingerprint and thumbnails is not None:
        try:
            data = thumbnail_path(thumbnails, fingerprint).read_bytes()
        except OSError:
            data = b""
        if data:
            try:
                with Image.open(io.BytesIO(data)) as thumb:
                    thumb.draft("RGB", (SIDE * 2, SIDE * 2))
                    return signature_of_image(thumb)
            except (OSError, ValueError, SyntaxError):
                pass  # a damaged cached thumbnail: read the photo itself
    decoded = decode(read_bytes(path), min_short_side=SIDE * 2, name=str(path))
    try:
        return signature_of_image(decoded.image)
    finally:
        decoded.image.close()


def _hue_turn(degrees: float) -> np.ndarray:
    """The rotation of RGB about the grey axis: a hue turn that keeps grey and lightness."""
    k = np.full(3, 1 / math.sqrt(3), np.float32)
    cross = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]], np.float32)
    t = math.radians(degrees)
    return (math.cos(t) * np.eye(3) + math.sin(t) * cross + (1 - math.cos(t)) * np.outer(k, k)).astype(np.float32)


def _content(signature: Signature) -> float:
    """A picture's colour energy away from its median colour (:attr:`Signature.energy`), never
    below :data:`ENERGY_FLOOR` a level."""
    return max(signature.energy, signature.rgb.size * ENERGY_FLOOR**2)


def _residuals(sources: np.ndarray, target: np.ndarray, content: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The light edit (gain, offset) taking each of ``sources`` (m × n × 3) nearest to ``target``
    (n × 3), and the residual each leaves as a share of ``content``."""
    x = sources.reshape(len(sources), -1)
    y = np.broadcast_to(target.reshape(1, -1), x.shape)
    use = (y > CLIPPED) & (y < 255 - CLIPPED)  # clipped pixels say little of the gain
    count = np.maximum(use.sum(axis=1), 1)
    mx = (x * use).sum(axis=1) / count
    my = (y * use).sum(axis=1) / count
    dx = (x - mx[:, None]) * use
    variance = (dx * dx).sum(axis=1)
    gain = np.where(variance > 1e-3, (dx * (y - my[:, None])).sum(axis=1) / np.maximum(variance, 1e-3), 1.0)
    gain = np.clip(gain, *GAIN)
    offset = np.clip(my - gain * mx, -OFFSET, OFFSET)
    predicted = np.clip(gain[:, None] * x + offset[:, None], 0, 255)
    return ((predicted - y) ** 2).sum(axis=1) / content, gain, offset


def _windows(aspect_whole: float, aspect_cut: float, step: float, around: np.ndarray | None = None) -> np.ndarray:
    """Windows (x0, y0, width, height, as shares of the side) of a picture with ``aspect_whole``
    that a crop with ``aspect_cut`` could show, each side keeping 1 - CROP or more: on a grid of
    ``step``, or one step either way of each of ``around``'s (x0, y0, width)."""
    if around is None:
        sizes = np.arange(1.0, 1 - CROP - 1e-9, -step)
        starts = [
            (x0, y0, fx) for fx in sizes for x0 in np.arange(0, 1 - fx + 1e-9, step) for y0 in np.arange(0, 1.0, step)
        ]
    else:
        x, y, fx = (float(v) for v in around[:3])
        starts = [
            (x + i * step, y + j * step, fx + k * step) for i in (-1, 0, 1) for j in (-1, 0, 1) for k in (-1, 0, 1)
        ]
    out = []
    for x0, y0, fx in starts:
        fy = min(fx * aspect_whole / aspect_cut, 1.0)
        inside = x0 >= 0 and y0 >= 0 and x0 + fx <= 1 + 1e-9 and y0 + fy <= 1 + 1e-9
        if inside and 1 - CROP - 1e-9 <= fx <= 1 and fy >= 1 - CROP - 1e-9:
            out.append((x0, y0, fx, fy))
    return np.asarray(out, np.float32).reshape(-1, 4)


def _weights(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Bilinear resampling matrices (m × SIDE × SIDE): row i weighs the source pixels at the
    centre of the i-th of SIDE steps across each window (start and size as shares of the side)."""
    centres = (np.arange(SIDE, dtype=np.float32) + 0.5) / SIDE
    at = np.clip((starts[:, None] + sizes[:, None] * centres) * SIDE - 0.5, 0, SIDE - 1)  # m × SIDE
    low = np.minimum(at.astype(int), SIDE - 2)
    high_share = at - low
    out = np.zeros((len(starts), SIDE, SIDE), np.float32)
    rows = np.arange(len(starts))[:, None], np.arange(SIDE)[None, :]
    out[rows[0], rows[1], low] = 1 - high_share
    out[rows[0], rows[1], low + 1] += high_share
    return out


def _cut(rgb: np.ndarray, windows: np.ndarray) -> np.ndarray:
    """Each window of ``rgb`` resampled to SIDE × SIDE, as m × SIDE² × 3 (separably: the rows,
    then the columns)."""
    down = _weights(windows[:, 1], windows[:, 3]) @ rgb.reshape(SIDE, SIDE * 3)  # m × SIDE × SIDE·3
    across = _weights(windows[:, 0], windows[:, 2])[:, None] @ down.reshape(len(windows), SIDE, SIDE, 3)
    return across.reshape(len(windows), -1, 3)


def _best(whole: Signature, cut: np.ndarray, windows: np.ndarray, turns: list[float], content: float) -> Match:
    """The window of ``whole`` and light edit that explain ``cut`` best (window 0 is the frame)."""
    sources = _cut(whole.rgb, windows)
    best = Match(math.inf, False, 1.0, 0.0, 0.0)
    for turn in turns:
        turned = sources if turn == 0 else sources @ _hue_turn(turn).T
        left, gain, offset = _residuals(turned, cut, content)
        i = int(np.argmin(left))
        # A crop must explain the picture clearly better than the whole frame: resampling a
        # window smooths a little, which alone should not read as a crop.
        if i and float(left[0]) <= 1.5 * float(left[i]):
            i = 0
        if float(left[i]) < best.residual:
            best = Match(float(left[i]), i > 0, float(gain[i]), float(offset[i]), turn, tuple(windows[i]))
    return best


def compare(
    a: Signature, b: Signature, aspect_a: float | None, aspect_b: float | None, *, settle: float = 0.0
) -> Match:
    """How well one picture explains the other: in the whole frame, then, unless that already
    leaves a residual of ``settle`` or less, through a window of either cut by up to CROP (when
    both aspect ratios are known). A hue turn is tried only when both pictures are detailed."""
    turns = [0.0]
    if min(a.detail, b.detail) >= DETAILED:
        steps = int(HUE_TURN / HUE_STEP)
        turns += [sign * HUE_STEP * k for k in range(1, steps + 1) for sign in (1, -1)]
    pixels_a, pixels_b = a.rgb.reshape(-1, 3), b.rgb.reshape(-1, 3)
    content = (_content(a) + _content(b)) / 2
    frame = np.asarray([(0, 0, 1, 1)], np.float32)
    best = _best(a, pixels_b, frame, turns, content)
    if best.residual <= settle or not (aspect_a and aspect_b):
        return best
    # Windows a pixel apart first, then half a pixel about the best; a hue turn and a crop at
    # once are looked for only at the turn that fitted the whole frame best.
    turns = sorted({0.0, best.turn})
    for whole, cut, aspect_whole, aspect_cut in ((a, pixels_b, aspect_a, aspect_b), (b, pixels_a, aspect_b, aspect_a)):
        coarse = _best(
            whole, cut, np.concatenate([frame, _windows(aspect_whole, aspect_cut, 2 * CROP_STEP)]), turns, content
        )
        if coarse.cropped:
            around = _windows(aspect_whole, aspect_cut, CROP_STEP, np.asarray(coarse.window))
            coarse = _best(whole, cut, np.concatenate([frame, around]), [coarse.turn], content)
        if coarse.residual < best.residual:
            best = coarse
    return best
