"""Any decoded picture to 8-bit RGB, reduced by a whole factor, without a second full-size buffer.

The full-size pixels are converted a strip of rows at a time: each strip is converted (16-bit and
float scaled down, transparency laid over white, palettes and CMYK expanded), reduced, and pasted
into the small result. So the only full-size buffer is the decoded picture itself; a conversion
of the whole picture at once (or, worse, through float64) would need two to eight times as much.
Converting before reducing also averages the right values: colours over white, not palette indices.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
from PIL import Image

#: Pixels per strip: small next to any photo worth reducing, large enough that the per-strip
#: overhead does not show (a strip's temporaries are a few megabytes).
STRIP_PIXELS = 1 << 18
#: Bytes a strip's temporaries may take per pixel (the cropped source, its RGB or RGBA form, and
#: int64 arithmetic for 16-bit pictures).
STRIP_BYTES_PER_PIXEL = 24
#: How many times a format's decoder holds the picture while loading it, measured with Pillow 13
#: (``ru_maxrss``): WebP goes through libwebp's buffer and a bytes copy, HEIF through libheif's planes.
DECODER_COPIES = {"WEBP": 4, "HEIF": 3}

_DEEP_MODES = ("I", "F")


def _is_deep(mode: str) -> bool:
    """16-bit, 32-bit integer and float pictures: values that do not fit a byte as they are."""
    return mode in _DEEP_MODES or mode.startswith("I;16")


def bytes_per_pixel(mode: str) -> int:
    """Bytes Pillow holds per pixel of ``mode`` (multi-band 8-bit modes are stored 4 bytes a pixel)."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def reduced_size(size: tuple[int, int], factor: int) -> tuple[int, int]:
    """The size ``Image.reduce(factor)`` gives (partial blocks at the edges count)."""
    return math.ceil(size[0] / factor), math.ceil(size[1] / factor)


def decode_bytes(image_format: str | None, mode: str, size: tuple[int, int], factor: int) -> int:
    """The most memory decoding and converting a picture of this header will hold at once.

    The decoded picture (times the copies its decoder makes), the reduced RGB result twice (once
    more for turning it upright), and the strips the conversion works through.
    """
    width, height = size
    decoded = width * height * bytes_per_pixel(mode) * DECODER_COPIES.get(image_format or "", 1)
    out_w, out_h = reduced_size(size, factor)
    strips = 0 if mode == "RGB" else min(width * height, max(STRIP_PIXELS, width * factor)) * STRIP_BYTES_PER_PIXEL
    return decoded + 2 * out_w * out_h * 4 + strips


def deep_range(image: Image.Image) -> float:
    """The value a 16-bit, 32-bit or float picture's white is taken to be.

    Pictures using more than 8 bits are scaled from the full 16-bit range; those that stay within
    0–255 (or 0–1, as float pictures often do) are stretched to fill it. The maximum is found a
    strip at a time, so the picture is never copied whole.
    """
    high = 0.0
    for strip in _strips(image, 1):
        values = np.asarray(strip)
        if values.size:
            high = max(high, float(np.nanmax(values)))
    return 65535.0 if high > 255 else max(high, 1.0)


def _deep_to_rgb(strip: Image.Image, white: float) -> Image.Image:
    values = np.asarray(strip)
    if values.dtype.kind == "f":
        grey = np.clip(np.nan_to_num(values) * np.float32(255.0 / white), 0, 255)
    else:  # integer pictures have an integer white: integer arithmetic, exact and a strip at a time
        grey = np.clip(values.astype(np.int64) * 255 // int(white), 0, 255)
    return Image.fromarray(grey.astype(np.uint8)).convert("RGB")


def _to_rgb(strip: Image.Image, white: float) -> Image.Image:
    """RGB for any mode: transparency over white, deep pictures scaled down, not clipped."""
    if strip.mode == "RGB":
        return strip
    if _is_deep(strip.mode):
        return _deep_to_rgb(strip, white)
    if strip.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (strip.mode == "P" and "transparency" in strip.info):
        rgba = strip.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return strip.convert("RGB")


def _strips(image: Image.Image, factor: int) -> Iterator[Image.Image]:
    width, height = image.size
    rows = max(factor, STRIP_PIXELS // max(width, 1) // factor * factor)
    for top in range(0, height, rows):
        yield image.crop((0, top, width, min(height, top + rows)))


def to_reduced_rgb(image: Image.Image, factor: int) -> Image.Image:
    """8-bit RGB, ``factor`` times smaller on each side (1: full size). ``image`` must be loaded.

    An RGB picture is reduced directly (or returned as it is); any other mode is converted and
    reduced strip by strip into the result.
    """
    factor = max(1, factor)
    if image.mode == "RGB":
        return image.reduce(factor) if factor > 1 else image
    white = deep_range(image) if _is_deep(image.mode) else 255.0
    result = Image.new("RGB", reduced_size(image.size, factor))
    top = 0
    for strip in _strips(image, factor):
        rgb = _to_rgb(strip, white)
        result.paste(rgb.reduce(factor) if factor > 1 else rgb, (0, top // factor))
        top += strip.height
    return result
