"""Finding a model's open_clip weights on this machine (no network), and explaining load failures.

open_clip weights are what the torch engine loads and what ONNX graphs are exported from. They
come from the bundled folder (photoclip-tiny), a file or folder the user gave (``--weights``),
photoclip's download cache, or the Hugging Face cache another tool filled.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from photoclip.core.errors import ModelError
from photoclip.core.models.download import local_weights
from photoclip.core.models.registry import ModelSpec, bundled_model_dir
from photoclip.core.paths import expand_home


@dataclass(frozen=True)
class WeightsSource:
    """Where a model's weights were found: a single file, or an open_clip ``local-dir`` folder."""

    path: Path
    is_folder: bool


def holds_onnx(folder: Path) -> bool:
    """True for a folder that holds ONNX graphs (in any layout photoclip reads)."""
    return folder.is_dir() and any(folder.glob("**/*.onnx"))


def find_weights(spec: ModelSpec, weights: Path | str | None = None) -> WeightsSource | None:
    """Looks for open_clip weights without touching the network: the bundled folder, an explicit
    file or models folder, photoclip's cache, then the Hugging Face cache other tools may have filled.

    Returns None when there are none here (a ``weights`` folder of ONNX graphs holds none either).
    """
    if spec.bundled:
        folder = expand_home(weights) if weights else bundled_model_dir()
        if (folder / "open_clip_config.json").is_file():
            return WeightsSource(folder, True)
        if weights and not holds_onnx(folder):
            raise ModelError(
                f"{weights} is not a {spec.id} model folder. {spec.id} ships with photoclip, so it needs no "
                "--weights; leave the option out (or give --weights with another --model)."
            )
        return None
    if weights:
        given = expand_home(weights)
        if given.is_file():
            if given.suffix == ".onnx":
                return None
            return WeightsSource(given, False)
        if given.is_dir():
            if (given / "open_clip_config.json").is_file():
                return WeightsSource(given, True)
            for folder in (given, given / spec.slug, given / (spec.hf_repo or "").split("/")[-1]):
                for name in spec.filenames:
                    if (folder / name).is_file():
                        return WeightsSource(folder / name, False)
            if holds_onnx(given):
                return None
        raise ModelError(
            f"No model files for {spec.id} at {given}. Give the weights file itself ({' or '.join(spec.filenames)}), "
            "or a folder of ONNX graphs (visual.onnx and textual.onnx, or Immich's visual/ and textual/ folders)."
        )
    cached = local_weights(spec)
    if cached:
        return WeightsSource(cached, False)
    try:
        from huggingface_hub import try_to_load_from_cache

        for name in spec.filenames:
            found = try_to_load_from_cache(spec.hf_repo or "", name)
            if isinstance(found, str):
                return WeightsSource(Path(found), False)
    except Exception:
        pass
    return None


def load_failure(spec: ModelSpec, path: Path, exc: Exception) -> str:
    """What to tell the user when a weights file does not load: unsafe, of another model, or damaged."""
    text = f"{type(exc).__name__}: {exc}"
    if "weights_only" in text or "Unpickl" in text or "unpickl" in text:
        return (
            f"Refused to load {path}: it is a pickle that holds more than plain weights, and loading it "
            "could run code. Use the .safetensors file of the model instead."
        )
    if "state_dict" in text or "size mismatch" in text or "Missing key" in text:
        return f"The file {path} does not hold weights of {spec.id} ({spec.arch}): {text.splitlines()[0]}"
    return (
        f"The model file {path} is damaged or incomplete ({text.splitlines()[0][:200]}). "
        "Choose another file, or let photoclip download the model again."
    )
