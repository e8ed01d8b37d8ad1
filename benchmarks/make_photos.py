"""Photo-like 12 MP JPEGs for the indexing benchmarks: 4000×3000, textured, 3–5 MB, as phones write them.

    python benchmarks/make_photos.py [--count 96] [--out /tmp/photoclip-bench/photos]

Smooth shapes and gradients alone compress to a few hundred KB and decode unrealistically fast;
real photos carry fine texture (foliage, fabric, sensor noise) that keeps JPEGs at 3–5 MB and makes
decoding cost what it costs. Each picture here mixes large soft structure with noise at several
scales so that it does the same. EXIF orientation varies as on a phone held either way.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

DEFAULT_DIR = Path("/tmp/photoclip-bench/photos")


def photo(seed: int, width: int = 4000, height: int = 3000) -> Image.Image:
    """One textured, photo-like picture."""
    rng = np.random.default_rng(seed)
    py = random.Random(seed)
    # Large structure: a low-resolution colour field blown up (sky, walls, fields).
    base = rng.integers(0, 255, size=(6, 8, 3), dtype=np.uint8)
    image = Image.fromarray(base, "RGB").resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(py.randint(6, 14)):  # objects
        x, y = py.randint(0, width), py.randint(0, height)
        r = py.randint(150, 900)
        colour = tuple(py.randint(0, 255) for _ in range(3))
        if py.random() < 0.5:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        else:
            draw.rectangle((x - r, y - r // 2, x + r, y + r // 2), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(6))
    pixels = np.asarray(image, dtype=np.int16)
    # Texture at three scales: what makes real photos big and slow to decode.
    for cell, amplitude in ((1, 12), (3, 12), (12, 12)):
        h, w = height // cell + 1, width // cell + 1
        grain = rng.integers(-amplitude, amplitude + 1, size=(h, w, 1), dtype=np.int16)
        if cell > 1:
            grain = np.repeat(np.repeat(grain, cell, axis=0), cell, axis=1)
        pixels = pixels + grain[:height, :width]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def make(count: int, out: Path) -> list[Path]:
    """Writes ``count`` photos (kept between runs: only missing ones are made)."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = out / f"IMG_{20240000 + i}.jpg"
        paths.append(path)
        if path.exists():
            continue
        exif = Image.Exif()
        exif[0x0112] = (1, 1, 6, 1, 8, 1)[i % 6]  # mostly landscape, some portrait
        exif.get_ifd(0x8769)[36867] = f"2024:{1 + i % 12:02d}:{1 + i % 28:02d} 12:00:00"
        photo(i).save(path, "JPEG", quality=90, exif=exif.tobytes())
    return paths


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=96)
    parser.add_argument("--out", default=str(DEFAULT_DIR))
    args = parser.parse_args()
    started = time.time()
    paths = make(args.count, Path(args.out))
    sizes = [p.stat().st_size / 1e6 for p in paths]
    print(
        f"{len(paths)} photos in {args.out}: {min(sizes):.1f}–{max(sizes):.1f} MB "
        f"(mean {sum(sizes) / len(sizes):.1f} MB), {time.time() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
