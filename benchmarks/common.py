"""Shared helpers for the benchmarks: synthetic CLIP-like vectors, timing, random-weight models."""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
BENCH_DIR = Path("/tmp/photoclip-bench")
# Benchmarks never touch the user's own cache (model decisions, optimised graphs, thumbnails).
os.environ.setdefault("PHOTOCLIP_CACHE", str(BENCH_DIR / "cache"))


def clip_like_vectors(
    count: int, dim: int = 512, *, clusters: int = 2000, seed: int = 0, chunk: int = 100_000
) -> np.ndarray:
    """Unit vectors shaped like CLIP image embeddings of a photo library.

    Real embeddings are not uniform on the sphere: they share a strong common direction (the
    "image" side of CLIP's modality gap) and gather in clusters (events, places, faces), each with
    a few directions of spread. Uniform random vectors would make HNSW look worse than it is on
    photos; these make it look about as it does.
    """
    rng = np.random.default_rng(seed)
    mean = rng.normal(size=dim).astype(np.float32)
    mean /= np.linalg.norm(mean)
    centres = rng.normal(size=(clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((count, dim), dtype=np.float32)
    for start in range(0, count, chunk):
        n = min(chunk, count - start)
        which = rng.integers(0, clusters, size=n)
        noise = rng.normal(size=(n, dim)).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        block = 0.55 * mean + 0.60 * centres[which] + 0.45 * noise
        out[start : start + n] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def text_like_queries(count: int, dim: int = 512, *, clusters: int = 2000, seed: int = 0) -> np.ndarray:
    """Unit vectors shaped like CLIP text queries for such a library: off the image side (the
    modality gap), near one cluster. Cosines with matching images land around 0.25–0.35 as with
    real CLIP, and the query is out of the image graph's distribution, as real text queries are."""
    rng = np.random.default_rng(seed)
    mean = rng.normal(size=dim).astype(np.float32)
    mean /= np.linalg.norm(mean)
    centres = rng.normal(size=(clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    query_rng = np.random.default_rng(seed + 7919)
    text_side = query_rng.normal(size=dim).astype(np.float32)
    text_side /= np.linalg.norm(text_side)
    which = query_rng.integers(0, clusters, size=count)
    noise = query_rng.normal(size=(count, dim)).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    block = 0.75 * text_side + 0.30 * centres[which] + 0.10 * mean + 0.55 * noise
    return block / np.linalg.norm(block, axis=1, keepdims=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) of a list of durations, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Durations (seconds) of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def random_weight_model(
    arch: str = "ViT-B-32-256",
    model_id: str = "ViT-B-32-256/datacomp_s34b_b86k",
    threads: int | None = None,
    int8: bool = False,
) -> object:
    """The default model's architecture with random weights in torch: the same compute as the real one."""
    from photoclip.core.models.devices import physical_cores
    from photoclip.core.models.registry import get_model
    from photoclip.core.models.torch_engine import load_torch_engine
    from photoclip.core.models.weights import WeightsSource

    return load_torch_engine(
        get_model(model_id),
        WeightsSource(random_weights_file(arch), False),
        device="cpu",
        threads=threads or physical_cores(),
        cpu_int8=int8,
    )


def onnx_engine(int8: bool = True, threads: int | None = None) -> object:
    """The random-weight default model as users run it on the CPU: ONNX Runtime, int8 image graph if
    the guard keeps it (``int8``) or fp32."""
    from photoclip.core.models.devices import physical_cores
    from photoclip.core.models.loading import load_engine

    return load_engine(
        "ViT-B-32-256/datacomp_s34b_b86k",
        weights=random_weights_onnx(),
        device="cpu",
        threads=threads or physical_cores(),
        cpu_int8=int8,
    )


def random_weights_onnx(arch: str = "ViT-B-32-256", model_id: str = "ViT-B-32-256/datacomp_s34b_b86k") -> Path:
    """The random-weight model exported by photoclip's own exporter (once): a folder to give photoclip
    with ``--weights``, as a user with the real graphs would."""
    folder = BENCH_DIR / f"{arch}-random-onnx"
    if (folder / "photoclip_onnx.json").exists():
        return folder
    from photoclip.core.models.onnx_export import export_onnx

    export_onnx(random_weight_model(arch, model_id), folder, source="user")
    return folder


def cores() -> int:
    """CPU cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def random_weights_file(arch: str = "ViT-B-32-256") -> Path:
    """A weights file of the default architecture with random weights (written once), so that
    benchmarks can load a model through photoclip's real loading path with --weights."""
    target = BENCH_DIR / f"{arch}-random" / "open_clip_model.safetensors"
    if target.exists():
        return target
    import open_clip
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(0)
    model = open_clip.create_model(arch, pretrained=None)
    target.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(target))
    return target


def synthetic_library(
    path: Path,
    photos: int,
    model_id: str = "ViT-B-32-256/datacomp_s34b_b86k",
    dim: int = 512,
    thumbnails: Path | None = None,
    distinct_thumbnails: int = 2000,
    make_files: bool = False,
) -> Path:
    """A catalogued library of ``photos`` indexed photos with CLIP-like vectors (built once).

    Photos share ``distinct_thumbnails`` real thumbnails when ``thumbnails`` is given, so the grid
    has JPEGs to read without 100k files on disk. Without ``make_files`` the photo files do not
    exist: such a library must not be rescanned (the scan would find every photo gone).
    """
    from photoclip.core.catalog import PhotoMetadata
    from photoclip.core.library import Library

    marker = path / f".built-{photos}"
    if marker.exists():
        return path
    import shutil

    shutil.rmtree(path, ignore_errors=True)
    library = Library.open(path / "library", cache=path / "cache", model=model_id)
    folder = path / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    root = library.catalog.add_root(folder)
    relpaths = [f"{2000 + i // 5000}/IMG_{i:06d}.jpg" for i in range(photos)]
    stats = [(4_000_000, 1)] * photos
    if make_files:
        from PIL import Image

        tiny = folder / "tiny.jpg"
        Image.new("RGB", (8, 8), (120, 140, 160)).save(tiny)
        data = tiny.read_bytes()
        tiny.unlink()
        stats = []
        for rel in relpaths:
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            info = target.stat()
            stats.append((info.st_size, info.st_mtime_ns))
    library.catalog.add_pending(
        root.id, ((rel, size, mtime) for rel, (size, mtime) in zip(relpaths, stats, strict=True))
    )
    ids = library.catalog.filter_photo_ids()
    vectors = clip_like_vectors(photos, dim, seed=3)
    for start in range(0, photos, 20_000):
        chunk = ids[start : start + 20_000]
        library.catalog.store_indexed(
            [
                (
                    int(i),
                    PhotoMetadata(f"{int(i) % distinct_thumbnails:032x}", 4000, 3000, 1.5e9 + int(i) * 60, "exif"),
                    v,
                )
                for i, v in zip(chunk, vectors[start : start + 20_000], strict=True)
            ],
            model_id,
        )
    if thumbnails is not None:
        from PIL import Image

        from photoclip.core import images

        for k in range(distinct_thumbnails):
            noise = Image.effect_noise((256, 192), 40 + k % 50).convert("RGB")
            images.write_thumbnail(thumbnails, f"{k:032x}", noise)
    library.index()  # build the vector index now, not in the timed part
    library.close()
    marker.touch()
    return path


def open_window(root: Path) -> Any:
    """The desktop app's main window on the synthetic library at ``root``, shown at 1280×800 with
    its own first listing done (so it does not land in the middle of the frames measured)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from photoclip.core.library import Library
    from photoclip.gui.launch import make_application
    from photoclip.gui.main_window import MainWindow

    make_application()
    window = MainWindow(Library.open(root / "library", cache=root / "cache"))
    window.resize(1280, 800)
    window.show()
    QApplication.processEvents()
    while window.tasks.busy:
        QApplication.processEvents()
    return window


def close_window(window: Any, before_mb: float, cached: int, photos: int) -> None:
    """Lets queued thumbnail reads land, prints the memory the window took while it was measured
    (``cached`` thumbnails kept of ``photos``), and closes the window and its library."""
    from memory_at_rest import rss_mb
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(1500, loop.quit)
    loop.exec()
    print(
        f"  memory: {before_mb:.0f} MB before, {rss_mb():.0f} MB after scrolling "
        f"({cached} thumbnails kept of {photos:,})"
    )
    window.close()
    window.library.close()
