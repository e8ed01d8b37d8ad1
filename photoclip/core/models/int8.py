"""An int8 image graph where it is faster here and agrees with fp32 on real weights; fp32 otherwise.

Dynamic int8 quantisation can hurt a real ViT's vectors (activation outliers) even where random
weights show nothing, so it is never trusted blind: when a model is prepared on this machine,
the fixed test pictures (:mod:`photoclip.core.models.calibration`) are embedded by both graphs,
and int8 is kept only if the vectors agree (mean cosine ≥ :data:`MIN_MEAN_COSINE`, and each
picture's nearest neighbour among the others is the same) and it is measurably faster on this
CPU. The decision and its figures are written into the model's manifest, and ``photoclip
status`` shows them.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from photoclip.core.models.calibration import calibration_pictures
from photoclip.core.models.onnx_files import OnnxModelFiles
from photoclip.core.models.preprocess import prepare_image

log = logging.getLogger(__name__)

MIN_MEAN_COSINE = 0.995
#: int8 must take at most this share of fp32's time to be worth its (small) loss.
MAX_TIME_RATIO = 0.9
#: Two neighbours closer than this in fp32 are a tie no precision can be asked to break.
TIE = 2e-3
PICTURES = 24
#: Below this size an image graph (photoclip-tiny's convolutions: 1.5 MB) runs in milliseconds anyway.
MIN_GRAPH_BYTES = 20_000_000


def visual_signature(path: Path) -> str:
    """Size and modification time of the fp32 image graph: the decision is redone if it changes."""
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def quantize(fp32: Path, int8: Path) -> None:
    """Writes an int8 copy of an image graph (dynamic quantisation of its matrix products)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    temporary = int8.with_name(f".{int8.name}.tmp")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser's advice to pre-process is for static quantisation
    try:
        quantize_dynamic(
            str(fp32),
            str(temporary),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Gemm"],
        )
    finally:
        root.setLevel(level)
    os.replace(temporary, int8)


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    from photoclip.core.models.onnx_engine import session_options

    return ort.InferenceSession(str(path), sess_options=session_options(threads), providers=["CPUExecutionProvider"])


def _embed(session: Any, batch: np.ndarray) -> tuple[np.ndarray, float]:
    """(unit vectors, seconds of the fastest of two runs) for a batch."""
    name = session.get_inputs()[0].name
    fixed_batch = session.get_inputs()[0].shape[0] == 1
    best = float("inf")
    out = None
    for _ in range(2):
        started = time.perf_counter()
        if fixed_batch:
            out = np.concatenate([session.run(None, {name: batch[i : i + 1]})[0] for i in range(len(batch))])
        else:
            out = session.run(None, {name: batch})[0]
        best = min(best, time.perf_counter() - started)
    assert out is not None
    out = out.astype(np.float32)
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12), best


def neighbours_agree(reference: np.ndarray, candidate: np.ndarray) -> float:
    """The share of pictures whose nearest other picture is the same under both sets of vectors
    (pictures whose two nearest are a near tie in ``reference`` count as agreeing)."""
    agree = 0
    ref = reference @ reference.T
    cand = candidate @ candidate.T
    np.fill_diagonal(ref, -np.inf)
    np.fill_diagonal(cand, -np.inf)
    for row_ref, row_cand in zip(ref, cand, strict=True):
        order = np.argsort(-row_ref)
        tie = row_ref[order[0]] - row_ref[order[1]] < TIE
        agree += bool(tie or np.argmax(row_cand) == order[0])
    return agree / len(reference)


def compare(files: OnnxModelFiles, fp32: Path, int8: Path, threads: int) -> dict[str, Any]:
    """Embeds the test pictures with both graphs; returns the figures and the choice."""
    batch = np.stack([prepare_image(p, files.preprocess) for p in calibration_pictures(PICTURES)])
    reference, fp32_s = _embed(_session(fp32, threads), batch)
    candidate, int8_s = _embed(_session(int8, threads), batch)
    cosines = np.sum(reference * candidate, axis=1)
    figures: dict[str, Any] = {
        "mean_cosine": round(float(cosines.mean()), 6),
        "min_cosine": round(float(cosines.min()), 6),
        "same_neighbours": round(neighbours_agree(reference, candidate), 4),
        "fp32_s": round(fp32_s, 4),
        "int8_s": round(int8_s, 4),
        "pictures": len(batch),
    }
    if figures["mean_cosine"] < MIN_MEAN_COSINE or figures["same_neighbours"] < 1.0:
        figures["chosen"] = "fp32"
        figures["reason"] = (
            f"int8 disagreed with fp32 (mean cosine {figures['mean_cosine']:.4f}, "
            f"same nearest neighbour for {figures['same_neighbours']:.0%} of the test pictures)"
        )
    elif int8_s > MAX_TIME_RATIO * fp32_s:
        figures["chosen"] = "fp32"
        figures["reason"] = f"int8 is not faster on this CPU ({int8_s:.2f} s against {fp32_s:.2f} s)"
    else:
        figures["chosen"] = "int8"
        figures["reason"] = f"{fp32_s / int8_s:.1f}x faster, vectors agree"
    return figures


def choose_precision(files: OnnxModelFiles, *, threads: int, work_dir: Path, enabled: bool = True) -> OnnxModelFiles:
    """The model files with the image graph this machine should run: int8 when it passes the guard.

    The decision is made once per image graph and kept in the manifest of ``work_dir`` (a folder
    of the user's cache; the model's own folder may be read-only, as the bundled one is).
    """
    fp32 = files.folder / files.visual
    signature = visual_signature(fp32)
    if not enabled:
        return files.with_changes(visual_int8="", int8_check={"chosen": "fp32", "reason": "int8 turned off"})
    known = files.int8_check
    decided = known.get("signature") == signature and known.get("chosen") in ("int8", "fp32")
    if decided and (known["chosen"] == "fp32" or (files.folder / files.visual_int8).is_file()):
        return files
    if fp32.stat().st_size < MIN_GRAPH_BYTES:
        check = {"chosen": "fp32", "reason": "the image graph is too small to gain from int8", "signature": signature}
        return files.with_changes(visual_int8="", int8_check=check)
    work_dir.mkdir(parents=True, exist_ok=True)
    int8 = work_dir / "visual.int8.onnx"
    log.info("checking an int8 image graph for %s against fp32", files.model_id)
    try:
        quantize(fp32, int8)
        figures = compare(files, fp32, int8, threads)
    except Exception as exc:  # a graph ONNX Runtime cannot quantise stays in fp32
        log.warning("int8 quantisation of %s failed: %s", files.model_id, exc)
        figures = {"chosen": "fp32", "reason": f"int8 quantisation failed ({type(exc).__name__})"}
    figures["signature"] = signature
    if figures["chosen"] == "int8":
        try:
            name = int8.relative_to(files.folder).as_posix()
        except ValueError:  # kept in the cache beside a read-only model folder
            name = str(int8)
        return files.with_changes(visual_int8=name, int8_check=figures)
    int8.unlink(missing_ok=True)
    return files.with_changes(visual_int8="", int8_check=figures)
