"""Loading a CLIP model with open_clip and turning images and text into unit vectors.

This is the only module that imports torch and open_clip, and it does so inside functions, so
the rest of photoclip (and the window) starts without paying for them.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator, Sequence
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
        folder = Path(weights).expanduser() if weights else bundled_model_dir()
        if (folder / "open_clip_config.json").is_file():
            return WeightsSource(folder, True)
        if weights:
            raise ModelError(
                f"{weights} is not a {spec.id} model folder. {spec.id} ships with photoclip, so it needs no "
                "--weights; leave the option out (or give --weights with another --model)."
            )
        return None
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
        self.image_int8 = False
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


def quantize_image_mlps(clip: Any) -> bool:
    """Runs the image tower's MLP layers in int8 on the CPU (dynamic quantization, per-channel weights).

    The MLPs are two thirds of a ViT's work; in int8 the image tower runs ~1.4x faster on an AVX2 CPU
    and its vectors stay within cosine 0.999 of fp32 on the architectures tested. Attention and
    the text tower stay in fp32. Returns False (and changes nothing) for towers without such MLPs.
    """
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    blocks = getattr(getattr(clip.visual, "transformer", None), "resblocks", None)
    if not blocks:
        return False
    names = {
        f"transformer.resblocks.{i}.mlp.{layer}": per_channel_dynamic_qconfig
        for i, block in enumerate(blocks)
        for layer in ("c_fc", "c_proj")
        if isinstance(getattr(getattr(block, "mlp", None), layer, None), torch.nn.Linear)
    }
    if not names:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch points eager quantization users at torchao
        quantize_dynamic(clip.visual, names, dtype=torch.qint8, inplace=True)
    return True


def load_model(
    model: ModelSpec | str | None = None,
    *,
    weights: Path | str | None = None,
    device: str | None = "auto",
    threads: int | None = None,
    cpu_int8: bool = False,
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
            streamed = source.path.suffix == ".safetensors"
            with skipped_weight_init() if streamed else contextlib.nullcontext():
                clip, _, preprocess = open_clip.create_model_and_transforms(
                    spec.arch,
                    pretrained=None if streamed else str(source.path),
                    device="cpu" if streamed else device,
                    precision="fp32" if streamed else precision,
                    image_mean=tag.get("mean"),
                    image_std=tag.get("std"),
                    image_interpolation=tag.get("interpolation"),
                    image_resize_mode=tag.get("resize_mode"),
                    weights_only=True,
                )
            if streamed:
                load_safetensors_streaming(clip, source.path)
                if device != "cpu" or precision != "fp32":
                    clip = clip.to(device=device, dtype=torch.float16 if precision == "fp16" else torch.float32)
            tokenizer = open_clip.get_tokenizer(spec.arch)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(_load_failure(spec, source.path, exc)) from exc
    clip.eval()
    quantized = cpu_int8 and device == "cpu" and quantize_image_mlps(clip)
    if device == "cpu":
        halve_token_embedding(clip)
    loaded = ClipModel(spec, clip, preprocess, tokenizer, device)
    loaded.image_int8 = bool(quantized)
    release_free_memory()
    return loaded


@contextlib.contextmanager
def skipped_weight_init() -> Iterator[None]:
    """Builds a model without drawing random initial weights (a second of CPU for a ViT-B),
    when every weight is about to be overwritten from a checkpoint anyway."""
    import torch

    names = (
        "uniform_",
        "normal_",
        "trunc_normal_",
        "kaiming_uniform_",
        "kaiming_normal_",
        "xavier_uniform_",
        "xavier_normal_",
        "orthogonal_",
    )
    saved = {name: getattr(torch.nn.init, name) for name in names}
    for name in names:
        setattr(torch.nn.init, name, lambda tensor, *args, **kwargs: tensor)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(torch.nn.init, name, function)


def load_safetensors_streaming(clip: Any, path: Path) -> None:
    """Copies a safetensors checkpoint into the model one tensor at a time.

    open_clip's own loader reads the whole checkpoint into memory before copying it, so loading a
    600 MB model peaks at twice that; this never holds more than one tensor of the file at once.
    The file must hold exactly the model's parameters and buffers, with the right shapes.
    """
    import torch
    from safetensors import safe_open

    state = clip.state_dict()
    with safe_open(str(path), framework="pt") as checkpoint:
        keys = set(checkpoint.keys())
        missing, unexpected = sorted(set(state) - keys), sorted(keys - set(state))
        if missing or unexpected:
            raise RuntimeError(
                f"Error(s) in loading state_dict: missing keys {missing[:5]}, unexpected keys {unexpected[:5]}"
            )
        with torch.no_grad():
            for name in keys:
                tensor = checkpoint.get_tensor(name)
                if tensor.shape != state[name].shape:
                    raise RuntimeError(
                        f"Error(s) in loading state_dict: size mismatch for {name}: "
                        f"{tuple(tensor.shape)} in the file, {tuple(state[name].shape)} in the model"
                    )
                state[name].copy_(tensor)
                del tensor


def halve_token_embedding(clip: Any) -> None:
    """Keeps the text tower's token table (49,408 rows; 100 MB in fp32) in fp16.

    Only a handful of rows are read per query and open_clip casts them to fp32 straight away, so
    the vectors are the same to within fp16 rounding of the inputs (cosine > 0.99999).
    """
    import torch

    table = getattr(clip, "token_embedding", None)
    if isinstance(table, torch.nn.Embedding) and table.weight.dtype == torch.float32:
        table.half()


def release_free_memory() -> None:
    """Hands memory freed while loading (the checkpoint's copy, replaced fp32 weights) back to the OS.

    glibc keeps freed heap memory for reuse, so a process that loaded a 600 MB checkpoint would go on
    showing it as resident. A no-op where there is no glibc.
    """
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


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
