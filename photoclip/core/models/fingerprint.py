"""A short fingerprint of the weights a model runs with, to tell which weights made stored vectors."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.core.models.registry import TINY_MODEL_ID, bundled_model_dir
from photoclip.core.paths import expand_home

if TYPE_CHECKING:
    from photoclip.core.models.registry import ModelSpec

#: The files of a models folder that hold weights or say how to build the model.
WEIGHT_FILES = frozenset({".safetensors", ".bin", ".pt", ".pth", ".onnx", ".json", ".data"})


def weights_fingerprint(spec: ModelSpec, weights: Path | str | None) -> str | None:
    """A short digest of the weights ``spec`` runs with and how pictures are fed to them; "" for a
    downloaded model (its digests are pinned by name); None when the files given are not there
    (the model loader says why, and nothing is dropped).

    The bundled model's weights file is hashed whole (7 MB). Files the user gives, up to hundreds
    of MB, are known by name, size and modification time: a copy or a touch costs a needless
    re-index, never a missed one."""
    parts = [repr(spec.preprocess)]
    if weights:
        path = expand_home(weights)
        if not path.exists():
            return None
        files = sorted(p for p in path.rglob("*") if p.suffix in WEIGHT_FILES) if path.is_dir() else [path]
        try:
            stats = [(f.relative_to(path) if path.is_dir() else f.name, f.stat()) for f in files]
        except OSError:
            return None
        parts += [f"{name}:{stat.st_size}:{stat.st_mtime_ns}" for name, stat in stats]
    elif spec.id == TINY_MODEL_ID:
        try:
            parts.append(_file_digest(bundled_model_dir() / "open_clip_model.safetensors"))
        except OSError:
            return None
    else:
        return ""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _file_digest(path: Path) -> str:
    stat = path.stat()
    return _digest_of(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _digest_of(path: Path, size: int, mtime_ns: int) -> str:
    """A file's SHA-256, read once per process while its size and time stay the same."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
