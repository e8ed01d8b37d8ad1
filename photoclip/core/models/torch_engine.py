"""Running a CLIP model with torch and open_clip: for CUDA and Apple's MPS, and the reference.

The ONNX engine is tested against this one, photoclip-tiny is trained with it, and ONNX graphs
are exported from it. torch and open_clip are imported inside functions, so the rest of
photoclip (and the window) starts without paying for them.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from photoclip.core.errors import ModelError
from photoclip.core.memory import release_free_memory
from photoclip.core.models.devices import physical_cores
from photoclip.core.models.engine import unit_rows
from photoclip.core.models.preprocess import PreprocessConfig, prepare_image
from photoclip.core.models.registry import ModelSpec
from photoclip.core.models.weights import WeightsSource, load_failure

if TYPE_CHECKING:
    import torch
    from PIL import Image


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
        raise ModelError("The device 'cuda' was chosen, but torch sees no CUDA GPU here.")
    if requested == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ModelError("The device 'mps' was chosen, but Apple's Metal backend is not available here.")
    if requested not in ("cpu", "mps") and not requested.startswith("cuda"):
        raise ModelError(f"Unknown device '{requested}': use auto, cuda, mps or cpu.")
    return requested


class TorchEngine:
    """A CLIP model in torch (see :class:`~photoclip.core.models.engine.Engine`)."""

    #: Set by the loader when the device asked for could not be used (shown by ``photoclip status``).
    placement_note: str = ""

    def __init__(self, spec: ModelSpec, model: Any, preprocess: Any, tokenizer: Any, device: str) -> None:
        import torch

        self.spec = spec
        self.model = model
        self.reference_preprocess = preprocess  # open_clip's own transform, what prepare() is tested against
        self.tokenizer = tokenizer
        self._device = device
        self.dtype = torch.float16 if device.startswith("cuda") else torch.float32
        cfg = getattr(model.visual, "preprocess_cfg", {}) or {}
        self.preprocess_cfg = PreprocessConfig.from_dict(
            {**cfg, "size": cfg.get("size", getattr(model.visual, "image_size", 224))}
        )
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
    def device(self) -> str:
        """Where the model runs: 'cpu', 'cuda' or 'mps'."""
        return self._device

    @property
    def image_size(self) -> int:
        """The side of the square the image tower sees."""
        return self.preprocess_cfg.size

    @property
    def min_short_side(self) -> int:
        """Pixels the short side needs before preprocessing, so reduced decoding loses nothing."""
        return self.image_size

    def describe(self) -> str:
        """'torch on cuda, fp16' and the like."""
        precision = "fp16" if self._device.startswith("cuda") else ("int8 image MLPs" if self.image_int8 else "fp32")
        return f"torch and open_clip on {self._device}, {precision}"

    def prepare(self, image: Image.Image) -> np.ndarray:
        """The model input of one upright RGB image, the same numpy preprocessing as the ONNX engine
        (within cosine 0.99 of open_clip's own transform; safe to call from many threads)."""
        return prepare_image(image, self.preprocess_cfg)

    def encode_images(self, batch: np.ndarray) -> np.ndarray:
        """Unit vectors (float32, one row per image) for a batch of prepared images."""
        import torch

        tensor = batch if isinstance(batch, torch.Tensor) else torch.from_numpy(np.ascontiguousarray(batch))
        with self._lock, torch.inference_mode():
            features = self.model.encode_image(tensor.to(self._device, dtype=self.dtype), normalize=True)
        return unit_rows(features.float().cpu().numpy())

    def encode_pil(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Unit vectors for upright RGB images."""
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.encode_images(np.stack([self.prepare(i) for i in images]))

    def encode_text(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (float32, one row per text)."""
        import torch

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        tokens = self.tokenizer(list(texts)).to(self._device)
        with self._lock, torch.inference_mode():
            if self.trim_text:
                features = self._encode_text_trimmed(tokens)
            else:
                features = self.model.encode_text(tokens, normalize=True)
        return unit_rows(features.float().cpu().numpy())

    def release_images(self) -> None:
        """Nothing to release: the image and text towers are one torch module."""

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


def load_torch_engine(
    spec: ModelSpec,
    source: WeightsSource,
    *,
    device: str | None = "auto",
    threads: int | None = None,
    cpu_int8: bool = False,
) -> TorchEngine:
    """Loads a model's open_clip weights into torch.

    Raises :class:`ModelError` with what to do when the weights are damaged, of another
    architecture, or unsafe (a pickle that would run code is refused, never unpickled).
    """
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
        raise ModelError(load_failure(spec, source.path, exc)) from exc
    clip.eval()
    quantized = cpu_int8 and device == "cpu" and quantize_image_mlps(clip)
    if device == "cpu":
        halve_token_embedding(clip)
    loaded = TorchEngine(spec, clip, preprocess, tokenizer, device)
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
