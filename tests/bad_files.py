"""A corpus of bad and unusual files, each with what photoclip must do with it.

``make_corpus(folder)`` writes the files and returns {relative path: expectation}, where the
expectation is "ok" (indexed), "error" (skipped and reported with a reason), or "skip" (not a
photo file at all: never listed).
"""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import numpy as np
from pictures import jpeg_with_orientation, spec_for, write_grey16_png
from PIL import Image

from photoclip.smallclip import shapes


def _picture(size: tuple[int, int] = (240, 160), seed: int = 1) -> Image.Image:
    spec = spec_for("blue", "circle", seed, size_range=(max(size), max(size)))
    import dataclasses

    spec = dataclasses.replace(
        spec, width=size[0], height=size[1], centre_x=size[0] / 2, centre_y=size[1] / 2, extent=min(size) * 0.5
    )
    return shapes.render(spec)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims an enormous size (a decompression bomb's calling card)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def make_corpus(folder: Path) -> dict[str, str]:
    """Writes the corpus; returns relative path -> expected outcome."""
    folder.mkdir(parents=True, exist_ok=True)
    expect: dict[str, str] = {}

    def put(name: str, data: bytes, outcome: str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expect[name] = outcome

    good = _picture()
    jpeg = _save(good, "JPEG", quality=90)
    put("good.jpg", jpeg, "ok")
    put("truncated.jpg", jpeg[: len(jpeg) // 2], "error")
    put("zero-bytes.jpg", b"", "error")
    put("notes-not-a-photo.jpg", b"shopping list: eggs, milk\n" * 20, "error")
    put("bomb.png", _png_header_only(100_000, 100_000), "error")
    put("cmyk.jpg", _save(good.convert("CMYK"), "JPEG"), "ok")
    put(
        "16-bit-grey.png",
        _save(
            Image.fromarray((np.arange(240 * 160, dtype=np.uint16).reshape(160, 240) * 1.7).astype(np.uint16)), "PNG"
        ),
        "ok",
    )
    # A small file of a huge 16-bit picture (64 MP, 128 MB of pixels): decoded reduced, within the budget.
    write_grey16_png(folder / "huge-16-bit-grey.png", 8000, 8000)
    expect["huge-16-bit-grey.png"] = "ok"
    rgba = good.convert("RGBA")
    rgba.putalpha(128)
    put("translucent.png", _save(rgba, "PNG"), "ok")
    palette = good.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.info["transparency"] = 0
    put("palette-transparent.png", _save(palette, "PNG", transparency=0), "ok")
    put("grey-alpha.png", _save(good.convert("LA"), "PNG"), "ok")
    frames = [_picture(seed=s) for s in (2, 3, 4)]
    put("animated.gif", _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0), "ok")
    put("transparent.gif", _save(palette, "GIF", transparency=0), "ok")
    for orientation in range(1, 9):
        jpeg_with_orientation(folder / f"orientation-{orientation}.jpg", good, orientation)
        expect[f"orientation-{orientation}.jpg"] = "ok"
    broken_exif = jpeg[:2] + b"\xff\xe1\x00\x40Exif\x00\x00" + os.urandom(56) + jpeg[2:]
    put("broken-exif.jpg", broken_exif, "ok")
    put("multi-page.tiff", _save(frames[0], "TIFF", save_all=True, append_images=frames[1:]), "ok")
    put(
        "lzw-16bit.tiff",
        _save(Image.fromarray(np.full((80, 120), 40000, np.uint16)), "TIFF", compression="tiff_lzw"),
        "ok",
    )
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
        put("iphone.heic", _save(good, "HEIF", quality=80), "ok")
    except ImportError:  # pragma: no cover - a dependency of photoclip
        pass
    put("modern.webp", _save(good, "WEBP", quality=80), "ok")
    put("old.bmp", _save(good, "BMP"), "ok")
    put("one-pixel.png", _save(Image.new("RGB", (1, 1), (200, 10, 10)), "PNG"), "ok")
    put("panorama.jpg", _save(_picture((6000, 120)), "JPEG"), "ok")
    put("png-named.jpg", _save(good, "PNG"), "ok")
    put("SHOUTING.JPG", jpeg, "ok")
    put("progressive.jpg", _save(good, "JPEG", progressive=True, quality=85), "ok")
    put("greyscale.jpg", _save(good.convert("L"), "JPEG"), "ok")
    scrambled = bytearray(_save(_picture((600, 400)), "PNG"))
    middle = len(scrambled) // 2
    scrambled[middle : middle + 400] = os.urandom(400)  # the compressed pixel stream, scrambled
    put("scrambled.png", bytes(scrambled), "error")
    put("ünïcödé 写真 😀.jpg", jpeg, "ok")
    put("line\nbreak.jpg", jpeg, "ok")
    deep = "/".join(["a-rather-long-folder-name-for-a-deep-archive"] * 4)
    put(f"{deep}/{'very-long-file-name-' * 9}.jpg", jpeg, "ok")
    put("notes.txt", b"not a photo, not even named like one", "skip")
    (folder / "folder-named-like-a-photo.jpg").mkdir()
    put("folder-named-like-a-photo.jpg/inside.jpg", jpeg, "ok")
    os.symlink(folder / "does-not-exist.jpg", folder / "dangling-link.jpg")
    expect["dangling-link.jpg"] = "skip"
    os.symlink(folder, folder / "loop")  # a folder symlink back to its parent: a loop
    put(".hidden/secret.jpg", jpeg, "skip")
    return expect
