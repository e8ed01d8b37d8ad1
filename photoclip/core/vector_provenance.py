"""Which weights made a library's vectors, so that other weights under the same model name remake them.

A model's vectors are stored under its name. A downloaded model's files are checked against the
registry's digests, so one name means one set of weights. Two can change under a name: the small
model shipped inside photoclip (a new version of the app may ship it retrained) and model files
the user points at (``--weights``). Searching vectors made by other weights with this text tower
ranks photos by noise, so each library records a fingerprint of the weights its vectors were
made with, and the next index run drops that model's vectors (and its cached label vectors) and
makes them again when the fingerprint differs.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.core.models.registry import TINY_MODEL_ID, bundled_model_dir

if TYPE_CHECKING:
    from photoclip.core.library import Library
    from photoclip.core.models.registry import ModelSpec

log = logging.getLogger(__name__)

#: The library setting that maps a model name to the fingerprint of the weights its vectors came from.
SETTING = "vectors_made_with"
#: How much of each weights file the fingerprint reads: enough to tell two trainings apart without
#: reading a 600 MB file through every time a library is indexed.
HEAD_BYTES = 1 << 20
#: The files of a models folder that hold weights or say how to build the model.
WEIGHT_FILES = frozenset({".safetensors", ".bin", ".pt", ".pth", ".onnx", ".json"})


def weights_fingerprint(spec: ModelSpec, weights: Path | str | None) -> str:
    """A short digest of the weights ``spec`` runs with: the files the user gave, the bundled
    small model's weights, or "" for a downloaded model (its digests are pinned by name)."""
    if weights:
        path = Path(weights).expanduser()
        files = sorted(p for p in path.rglob("*") if p.suffix in WEIGHT_FILES) if path.is_dir() else [path]
    elif spec.id == TINY_MODEL_ID:
        files = [bundled_model_dir() / "open_clip_model.safetensors"]
    else:
        return ""
    digest = hashlib.sha256()
    for file in files:
        try:
            digest.update(f"{file.name}\0{file.stat().st_size}\0".encode())
            with open(file, "rb") as handle:
                digest.update(handle.read(HEAD_BYTES))
        except OSError:
            continue  # a file that cannot be read now is the model loader's to report
    return digest.hexdigest()[:16]


def forget_vectors_of_other_weights(library: Library) -> int:
    """Drops the library model's vectors when other weights made them; returns how many were
    dropped (their photos are embedded again by the index run that called this). Vectors with no
    record are the bundled model's from an earlier version of photoclip only for that model; for
    any other they are taken as made by the weights in use, which are recorded from now on."""
    spec = library.spec
    current = weights_fingerprint(spec, library.models.weights_for(spec))
    made = dict(library.settings.get(SETTING) or {})
    recorded = made.get(spec.id)
    if recorded == current:
        return 0
    dropped = 0
    if recorded is not None or spec.id == TINY_MODEL_ID:
        ids = library.catalog.embedding_ids(spec.id)
        if len(ids):
            library.catalog.delete_model_vectors(spec.id)
            library.index(spec.id).remove(ids, generation=library.catalog.generation)
            dropped = len(ids)
            log.info("%s: %d vectors were made by other weights; making them again", spec.id, dropped)
        library.tags.forget_label_vectors(spec.id)
    made[spec.id] = current
    library.settings.set(SETTING, made)
    return dropped
