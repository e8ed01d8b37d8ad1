"""Re-scanning an unchanged library: the stat-only walk that runs at every start and after changes.

    python benchmarks/rescan.py [--files 100000]

Creates a library of ``--files`` catalogued, indexed photos (small files in 1,000 folders, with
stored vectors, so no photo needs the model) and times ``Library.update()`` on it when nothing
changed: the scan must find that out from ``stat`` alone, without reading a file or loading the model.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import numpy as np
from common import peak_rss_mb

from photoclip.core.catalog import PhotoMetadata
from photoclip.core.indexer import IndexReport
from photoclip.core.library import Library

ROOT = Path("/tmp/photoclip-bench/rescan")


def build(files: int, root: Path) -> Path:
    """The photo folder and its library (kept between runs)."""
    photos = root / "photos"
    marker = root / f"built-{files}"
    if marker.exists():
        return photos
    shutil.rmtree(root, ignore_errors=True)
    photos.mkdir(parents=True)
    per_folder = 100
    for i in range(files):
        folder = photos / f"{2000 + i // 20_000}" / f"{(i // per_folder) % 200:03d}"
        if i % per_folder == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"IMG_{i:06d}.jpg").write_bytes(b"\xff\xd8\xff")
    library = Library.open(root / "library", cache=root / "cache", model="photoclip-tiny")
    library.add_root(photos)
    library.indexer().scan(library.roots(), IndexReport(), library.index())
    ids = library.catalog.filter_photo_ids()
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(ids), 128)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for start in range(0, len(ids), 20_000):
        chunk = ids[start : start + 20_000]
        library.catalog.store_indexed(
            [
                (int(i), PhotoMetadata(f"{i:032x}", 4000, 3000, 0.0, "file"), v)
                for i, v in zip(chunk, vectors[start : start + 20_000], strict=True)
            ],
            "photoclip-tiny",
        )
    library.close()
    marker.touch()
    return photos


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--root", default=str(ROOT))
    args = parser.parse_args()
    root = Path(args.root)
    started = time.perf_counter()
    build(args.files, root)
    print(f"library of {args.files:,} photos ready ({time.perf_counter() - started:.0f} s to build)")
    for attempt in range(3):
        library = Library.open(root / "library", cache=root / "cache", model="photoclip-tiny")
        library.index()  # opening the index is start-up work, not re-scan work
        start = time.perf_counter()
        report = library.update()
        seconds = time.perf_counter() - start
        loaded = library.model_loaded
        library.close()
        print(
            f"  re-scan {attempt + 1}: {seconds:.2f} s, {report.unchanged:,} unchanged, {report.new} new, "
            f"model loaded: {loaded}"
        )
    print(f"peak RSS {peak_rss_mb():.0f} MB; files on disk: {sum(len(f) for _, _, f in os.walk(root / 'photos')):,}")


if __name__ == "__main__":
    main()
