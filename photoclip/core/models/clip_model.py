"""Loading a CLIP model with open_clip and turning images and text into unit vectors.

This is the only module that imports torch and open_clip, and it does so inside functions, so
the rest of photoclip (and the window) starts without paying for them.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from photoclip.core.errors import ModelError
from photoclip.core.models.download import DownloadProgress, download_weights, local_weights
from photoclip.core.models.registry import ModelSpec, bundled_model_dir, get_model

if TYPE_CHECKING:
    import torch
    from PIL import Image


def physical_cores() -> int:
    """Physical CPU cores available to this process (hyper-threads share a core's FPUs)."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        cores = set()
        physical = core = None
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            for line in info:
                if line.startswith("physical id"):
                    physical = line.split(":")[1].strip()
                elif line.startswith("core id"):
                    core = line.split(":")[1].strip()
                elif not line.strip() and core is not None:
                    cores.add((physical, core))
                    physical = core = None
        if cores:
            return max(1, min(available, len(cores)))
    except OSError:
        pass
    return max(1, available)


def pick_device(requested: str | None = "auto") -> str:
    """``cuda``, then ``mps``, then ``cpu`` for 'auto'; an explicit choice is checked, not trusted."""
    import torch

    requested = (requested or "auto").lower()
    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError("--device cuda was asked for, but no CUDA GPU is available to torch here.")
    if requested == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ModelError("--device mps was asked for, but Apple's Metal backend is not available here.")
    if requested not in ("cpu", "mps") and not requested.startswith("cuda"):
        raise ModelError(f"Unknown device '{requested}': use auto, cuda, mps or cpu.")
    return requested


@dataclass(frozen=True)
class WeightsSource:
    """Where a model's weights were found: a single file, or an open_clip ``local-dir`` folder."""

    path: Path
    is_folder: bool


def find_weights(spec: ModelSpec, weights: Path | str | None = None) -> WeightsSource | None:
    """Looks for weights without touching the network: the bundled folder, an explicit file or
    models folder, photoclip's cache, then the Hugging Face cache other tools may have filled."""
    if spec.bundled:
        folder = Path(weights) if weights else bundled_model_dir()
        return WeightsSource(folder, True) if (folder / "open_clip_config.json").is_file() else None
    if weights:
        given = Path(weights).expanduser()
        if given.is_file():
            return WeightsSource(given, False)
        if given.is_dir():
            if (given / "open_clip_config.json").is_file():
                return WeightsSource(given, True)
            for folder in (given, given / spec.slug, given / (spec.hf_repo or "").split("/")[-1]):
                for name in spec.filenames:
                    if (folder / name).is_file():
                        return WeightsSource(folder / name, False)
        raise ModelError(
            f"No weights for {spec.id} at {given}. Give the weights file itself, or a folder "
            f"holding {' or '.join(spec.filenames)}."
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


class ClipModel:
    """A loaded CLIP model: ``prepare`` images (thread-safe), ``encode_*`` to unit vectors."""

    def __init__(self, spec: ModelSpec, model: Any, preprocess: Any, tokenizer: Any, device: str) -> None:
        import torch

        self.spec = spec
        self.model = model
        self.preprocess = preprocess
        self.tokenizer = tokenizer
        self.device = device
        self.dtype = torch.float16 if device.startswith("cuda") else torch.float32
        cfg = getattr(model.visual, "preprocess_cfg", {}) or {}
        size = cfg.get("size", getattr(model.visual, "image_size", 224))
        self.image_size = max(size) if isinstance(size, (tuple, list)) else int(size)
        self.resize_mode = cfg.get("resize_mode", "shortest")
        self._lock = threading.Lock()  # one forward pass at a time; torch parallelises inside it
        # Plain open_clip CLIP with a causal, end-of-text-pooled text tower (OpenAI-style models; not
        # SigLIP or Hugging Face text towers) can skip the padding; see _encode_text_trimmed.
        from open_clip.model import CLIP

        self.trim_text = (
            type(model) is CLIP
            and getattr(model, "attn_mask", None) is not None
            and getattr(model, "text_pool_type", "") == "argmax"
            and getattr(model, "text_projection", None) is not None
        )

    @property
    def id(self) -> str:
        """The model id stored with every vector this model makes."""
        return self.spec.id

    @property
    def dim(self) -> int:
        """Length of the vectors."""
        return (
            int(self.model.text_projection.shape[1])
            if hasattr(self.model, "text_projection") and self.model.text_projection is not None
            else self.spec.dim
        )

    @property
    def min_short_side(self) -> int:
        """Pixels the short side needs before preprocessing, so reduced decoding loses nothing."""
        return self.image_size

    def prepare(self, image: Image.Image) -> torch.Tensor:
        """open_clip's own preprocessing of one upright RGB image (safe to call from many threads)."""
        return self.preprocess(image)

    def encode_images(self, batch: torch.Tensor) -> np.ndarray:
        """Unit vectors (float32, one row per image) for a batch of prepared images."""
        import torch

        with self._lock, torch.inference_mode():
            features = self.model.encode_image(batch.to(self.device, dtype=self.dtype), normalize=True)
        return features.float().cpu().numpy()

    def encode_pil(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Unit vectors for upright RGB images."""
        import torch

        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.encode_images(torch.stack([self.prepare(i) for i in images]))

    def encode_text(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (float32, one row per text)."""
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        tokens = self.tokenizer(list(texts)).to(self.device)
        with self._lock, torch.inference_mode():
            if self.trim_text:
                features = self._encode_text_trimmed(tokens)
            else:
                features = self.model.encode_text(tokens, normalize=True)
        return features.float().cpu().numpy()

    def _encode_text_trimmed(self, tokens: torch.Tensor) -> torch.Tensor:
        """open_clip's ``CLIP.encode_text``, run only up to the longest text instead of all 77 positions.

        The text tower is causal and pooled at the end-of-text token, so nothing before that token
        looks at the padding after it: the vector is the same, for ~10 of 77 positions of work on a
        short query.
        """
        import torch
        import torch.nn.functional as F

        model = self.model
        length = int((tokens != 0).sum(1).max())
        tokens = tokens[:, :length]
        cast_dtype = model.transformer.get_cast_dtype()
        x = model.token_embedding(tokens).to(cast_dtype) + model.positional_embedding[:length].to(cast_dtype)
        x = model.transformer(x, attn_mask=model.attn_mask[:length, :length])
        x = model.ln_final(x)
        x = x[torch.arange(x.shape[0], device=x.device), tokens.argmax(dim=-1)]
        x = (
            model.text_projection(x)
            if isinstance(model.text_projection, torch.nn.Linear)
            else x @ model.text_projection
        )
        return F.normalize(x, dim=-1)


def load_model(
    model: ModelSpec | str | None = None,
    *,
    weights: Path | str | None = None,
    device: str | None = "auto",
    threads: int | None = None,
    download: bool = True,
    progress: DownloadProgress | None = None,
    cancel: threading.Event | None = None,
) -> ClipModel:
    """Finds (downloading if allowed and needed) and loads a model.

    Raises :class:`ModelError` with what to do when the weights are missing, damaged or unsafe.
    """
    spec = model if isinstance(model, ModelSpec) else get_model(model)
    source = find_weights(spec, weights)
    if source is None:
        if not download:
            raise ModelError(
                f"The {spec.id} model is not on this machine ({spec.download_mb} MB to download). "
                "Run 'photoclip models --download' with a network connection, give a file with --weights, "
                "or use the demo model: --model photoclip-tiny."
            )
        source = WeightsSource(download_weights(spec, progress=progress, cancel=cancel), False)

    import open_clip
    import torch

    torch.set_num_threads(threads or physical_cores())
    device = pick_device(device)
    precision = "fp16" if device.startswith("cuda") else "fp32"
    try:
        if source.is_folder:
            name = f"local-dir:{source.path}"
            clip, _, preprocess = open_clip.create_model_and_transforms(name, device=device, precision=precision)
            tokenizer = open_clip.get_tokenizer(name)
        else:
            # A file path loses what the pretrained tag says about preprocessing; pass it on.
            tag = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained) if spec.pretrained else {}
            clip, _, preprocess = open_clip.create_model_and_transforms(
                spec.arch,
                pretrained=str(source.path),
                device=device,
                precision=precision,
                image_mean=tag.get("mean"),
                image_std=tag.get("std"),
                image_interpolation=tag.get("interpolation"),
                image_resize_mode=tag.get("resize_mode"),
                weights_only=True,
            )
            tokenizer = open_clip.get_tokenizer(spec.arch)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(_load_failure(spec, source.path, exc)) from exc
    clip.eval()
    return ClipModel(spec, clip, preprocess, tokenizer, device)


def _load_failure(spec: ModelSpec, path: Path, exc: Exception) -> str:
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
        "Delete it and download it again ('photoclip models --download')."
    )
