"""Getting a model ready to run: which runtime, where its files are, fetching or exporting them.

On the CPU the ONNX engine runs the model. Its graphs are, in order of preference: the bundled
ones (photoclip-tiny), a folder the user gave (``--weights DIR``), ones already in photoclip's
cache, graphs exported here from open_clip weights that are on this machine, and lastly graphs
downloaded ready-made (rclip's or Immich's hub repositories) or exported after downloading the
weights. On CUDA and MPS the torch engine loads open_clip weights as before. Either way the
result is an :class:`~photoclip.core.models.engine.Engine`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path

from photoclip.core.atomic import atomic_write_bytes
from photoclip.core.errors import ModelError
from photoclip.core.memory import release_free_memory
from photoclip.core.models.devices import Placement, choose_placement, physical_cores, torch_installed
from photoclip.core.models.download import DownloadProgress, download_weights, local_weights
from photoclip.core.models.engine import Engine
from photoclip.core.models.onnx_files import OnnxModelFiles
from photoclip.core.models.registry import ModelSpec, bundled_onnx_dir, get_model
from photoclip.core.models.weights import WeightsSource, find_weights, holds_onnx
from photoclip.core.paths import expand_home, models_cache_dir

log = logging.getLogger(__name__)


def onnx_cache_dir(spec: ModelSpec) -> Path:
    """Where exported or downloaded ONNX graphs of ``spec`` are kept (shared by all libraries)."""
    return spec.download_dir / "onnx"


def find_onnx(spec: ModelSpec, weights: Path | str | None = None) -> OnnxModelFiles | None:
    """ONNX graphs of ``spec`` already on this machine (no network, no export), or None."""
    if weights:
        given = expand_home(weights)
        if given.is_file() and given.suffix == ".onnx":
            given = given.parent if given.parent.name not in ("visual", "textual") else given.parent.parent
        if given.is_dir() and holds_onnx(given):
            from photoclip.core.models.onnx_layouts import read_model_folder

            return read_model_folder(given, model_id=spec.id, preprocess=spec.preprocess, dim=spec.dim)
        # Weights to export from (find_weights says clearly when they are not that either): the
        # graphs made from them before, if any.
        source = find_weights(spec, given)
        if source is None or spec.bundled:
            return None
        return _manifest(export_dir(spec, source), spec)
    return _manifest(bundled_onnx_dir() if spec.bundled else onnx_cache_dir(spec), spec)


def _manifest(folder: Path, spec: ModelSpec) -> OnnxModelFiles | None:
    try:
        files = OnnxModelFiles.load(folder)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if files.model_id != spec.id or files.missing():
        return None
    return files


def export_dir(spec: ModelSpec, source: WeightsSource) -> Path:
    """Where graphs exported from ``source`` go: the model's own ONNX folder for its downloaded
    weights, else a folder named after the file (path, size and time), so another file never
    reuses them."""
    if source.path == local_weights(spec):
        return onnx_cache_dir(spec)
    info = source.path.stat()
    key = f"{source.path.resolve()}:{info.st_size}:{info.st_mtime_ns}".encode("utf-8", "surrogateescape")
    return spec.download_dir / "exports" / hashlib.blake2b(key, digest_size=8).hexdigest()


def model_on_machine(spec: ModelSpec, weights: Path | str | None = None, engine: str = "onnx") -> bool:
    """True when ``spec`` can run here without downloading anything."""
    try:
        if engine == "onnx" and find_onnx(spec, weights) is not None:
            return True
        return find_weights(spec, weights) is not None and (engine == "torch" or torch_installed())
    except ModelError:
        return False


def load_engine(
    model: ModelSpec | str | None = None,
    *,
    weights: Path | str | None = None,
    device: str | None = "auto",
    engine: str | None = "auto",
    threads: int | None = None,
    cpu_int8: bool = True,
    download: bool = True,
    progress: DownloadProgress | None = None,
    cancel: threading.Event | None = None,
    quick_start: bool = False,
) -> Engine:
    """A model ready to encode, fetched or exported first when allowed and needed.

    ``quick_start`` is for a process that encodes once and exits (a command-line search): the
    ONNX engine then skips work that pays off only over many calls.

    Raises :class:`ModelError` saying what to do when it cannot be had (no network, damaged
    files, nothing that runs it here).
    """
    spec = model if isinstance(model, ModelSpec) else get_model(model)
    placement = choose_placement(device, engine)
    threads = threads or physical_cores()
    if placement.engine == "torch":
        try:
            return _torch(spec, weights, placement, threads, cpu_int8, download, progress, cancel)
        except ModelError as exc:
            if placement.device == "cpu" or "device" not in str(exc):
                raise
            log.warning("%s; running %s on the CPU instead", exc, spec.id)
            placement = Placement("cpu", "onnx", "fallback", f"{exc} Using the CPU instead.")
    files = find_onnx(spec, weights)
    if files is None:
        files = _obtain_onnx(spec, weights, threads, download, progress, cancel)
    decided, new = _with_precision(spec, files, threads, cpu_int8)
    from photoclip.core.models.onnx_engine import OnnxEngine

    loaded = OnnxEngine(spec, decided, threads=threads, cache=spec.download_dir / "optimized", quick_start=quick_start)
    loaded.placement_note = placement.note
    if new:  # prepared on this machine just now: finish the job
        loaded.prepare_graphs()
        release_free_memory()
    return loaded


def _torch(
    spec: ModelSpec,
    weights: Path | str | None,
    placement: Placement,
    threads: int,
    cpu_int8: bool,
    download: bool,
    progress: DownloadProgress | None,
    cancel: threading.Event | None,
) -> Engine:
    from photoclip.core.models.torch_engine import load_torch_engine

    source = find_weights(spec, weights)
    if source is None:
        if not download:
            raise ModelError(_not_here(spec))
        source = WeightsSource(download_weights(spec, progress=progress, cancel=cancel), False)
    loaded = load_torch_engine(spec, source, device=placement.device, threads=threads, cpu_int8=cpu_int8)
    loaded.placement_note = placement.note
    return loaded


def _obtain_onnx(
    spec: ModelSpec,
    weights: Path | str | None,
    threads: int,
    download: bool,
    progress: DownloadProgress | None,
    cancel: threading.Event | None,
) -> OnnxModelFiles:
    """ONNX graphs made here from weights on this machine, or fetched; raises when neither can be."""
    source = find_weights(spec, weights)
    if source is not None:
        return export_from_weights(spec, source, threads)
    if weights:
        raise ModelError(f"No model files for {spec.id} at {weights}.")
    if not download:
        raise ModelError(_not_here(spec))
    if spec.onnx is not None:
        from photoclip.core.models.onnx_fetch import fetch_onnx_source

        return fetch_onnx_source(spec, onnx_cache_dir(spec), progress=progress, cancel=cancel)
    if not torch_installed():
        raise ModelError(
            f"{spec.id} is published only as open_clip weights, and making ONNX graphs from them needs torch, "
            "which is not installed with this photoclip. Choose another model, or install photoclip's torch edition."
        )
    path = download_weights(spec, progress=progress, cancel=cancel)
    return export_from_weights(spec, WeightsSource(path, False), threads)


def export_from_weights(spec: ModelSpec, source: WeightsSource, threads: int) -> OnnxModelFiles:
    """Exports ONNX graphs from open_clip weights into photoclip's cache (needs torch)."""
    if not torch_installed():
        raise ModelError(
            f"The {spec.id} weights are here, but turning them into ONNX graphs needs torch, which is not "
            "installed. Give a folder of ONNX graphs instead (visual.onnx and textual.onnx)."
        )
    from photoclip.core.models.onnx_export import export_onnx
    from photoclip.core.models.torch_engine import load_torch_engine

    log.info("exporting %s to ONNX (once)", spec.id)
    reference = load_torch_engine(spec, source, device="cpu", threads=threads)
    return export_onnx(reference, export_dir(spec, source))


def _with_precision(spec: ModelSpec, files: OnnxModelFiles, threads: int, enabled: bool) -> tuple[OnnxModelFiles, bool]:
    """The files with the image graph's precision decided (once per graph; see int8.py), and
    whether that decision was made just now."""
    from photoclip.core.models.int8 import choose_precision

    # Only photoclip's own cache is written to: never the bundled folder, nor a user's folder.
    ours = files.folder.resolve().is_relative_to(models_cache_dir().resolve())
    if ours and os.access(files.folder, os.W_OK):
        chosen = choose_precision(files, threads=threads, work_dir=files.folder, enabled=enabled)
        new = chosen != files
        if new and enabled:
            try:
                chosen.save()
            except OSError as exc:
                log.warning("could not record the int8 decision for %s: %s", spec.id, exc)
        return chosen, new
    work = spec.download_dir / "int8"
    record = work / "decision.json"
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    int8 = work / "visual.int8.onnx"
    current = files.with_changes(
        int8_check=known, visual_int8=str(int8) if known.get("chosen") == "int8" and int8.is_file() else ""
    )
    chosen = choose_precision(current, threads=threads, work_dir=work, enabled=enabled)
    new = chosen.int8_check != known
    if enabled and new:
        try:
            work.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(record, json.dumps(chosen.int8_check, indent=1).encode("utf-8"))
        except OSError as exc:
            log.warning("could not record the int8 decision for %s: %s", spec.id, exc)
    return chosen, new


def describe_placement(
    spec: ModelSpec, weights: Path | str | None, device: str | None, engine: str | None
) -> tuple[str, str, str]:
    """(device, how the model runs, a note) for ``photoclip status``, without loading anything."""
    placement = choose_placement(device, engine)
    if placement.engine == "torch":
        return placement.device, f"torch and open_clip on {placement.device} ({placement.reason})", placement.note
    files = find_onnx(spec, weights)
    if files is None:
        return "cpu", f"ONNX Runtime on the CPU ({placement.reason})", placement.note
    # A read-only model folder (the bundled one) keeps its decision in the cache instead.
    check = files.int8_check or _recorded_int8(spec)
    if check.get("chosen") == "int8":
        precision = f"images in int8 ({check.get('reason', '')}; mean cosine {check.get('mean_cosine', 0):.4f} to fp32)"
    elif check.get("chosen") == "fp32":
        precision = f"images in fp32 ({check.get('reason', '')})"
    else:
        precision = "image precision chosen at the first indexing run"
    return "cpu", f"ONNX Runtime on the CPU ({placement.reason}), {precision}", placement.note


def _recorded_int8(spec: ModelSpec) -> dict:
    try:
        return json.loads((spec.download_dir / "int8" / "decision.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _not_here(spec: ModelSpec) -> str:
    return (
        f"The {spec.id} model is not on this machine ({spec.download_mb} MB to download). "
        "Download it ('photoclip models --download') with a network connection, point photoclip at model files "
        "you already have (--weights), or use the demo model that ships with photoclip (photoclip-tiny)."
    )
