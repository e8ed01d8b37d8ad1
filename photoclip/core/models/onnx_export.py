"""Exporting an open_clip model to ONNX graphs, checked against torch before they are used.

Two graphs, as rclip does: the image tower (float32 images in, un-normalised vectors out) and the
text tower (int64 token ids in). Both take any batch size, and the text graph any sequence length
up to the context (the engine runs it only up to the longest text). torch's own multi-head
attention records its batch and length as constants when traced, so for the export it is swapped
for the same arithmetic written with shape-free reshapes.
"""

from __future__ import annotations

import copy
import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from photoclip.core.errors import ModelError
from photoclip.core.models.onnx_files import OnnxModelFiles, TokenizerSpec

if TYPE_CHECKING:
    from photoclip.core.models.torch_engine import TorchEngine

log = logging.getLogger(__name__)

OPSET = 18
#: Exported graphs must give the torch model's vectors to within this cosine (fp32 gives ~1 - 1e-7).
MIN_COSINE = 0.999
CHECK_TEXTS = (
    "a photo of a dog",
    "aerial view of a traffic jam at night, with long exposure light trails",
    "x",
    "Ein Foto von einem Café — 東京の夜景 🌃",
)


def _exportable(clip: Any) -> Any:
    """A copy of the model whose attention layers export with free batch and length."""
    import torch
    import torch.nn.functional as F

    class ExportableAttention(torch.nn.Module):
        """nn.MultiheadAttention's self-attention arithmetic, with no sizes baked into reshapes."""

        def __init__(self, attention: torch.nn.MultiheadAttention) -> None:
            super().__init__()
            self.attention = attention

        def forward(self, query: Any, key: Any, value: Any, need_weights: bool = False, attn_mask: Any = None) -> Any:
            mha = self.attention
            x = query if mha.batch_first else query.transpose(0, 1)
            qkv = F.linear(x, mha.in_proj_weight, mha.in_proj_bias)
            qkv = qkv.unflatten(-1, (3, mha.num_heads, mha.head_dim)).permute(2, 0, 3, 1, 4)
            out = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=attn_mask)
            out = mha.out_proj(out.transpose(1, 2).flatten(-2))
            return (out if mha.batch_first else out.transpose(0, 1)), None

    clip = copy.deepcopy(clip).float().cpu().eval()
    for module in list(clip.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, torch.nn.MultiheadAttention):
                if child.in_proj_weight is None or child.bias_k is not None:
                    raise ModelError("This model's attention layers cannot be exported to ONNX by photoclip.")
                setattr(module, name, ExportableAttention(child))
    return clip


def _text_module(clip: Any, trimmable: bool) -> Any:
    import torch

    class TextTower(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.clip = clip

        def forward(self, ids: Any) -> Any:
            model = self.clip
            if not trimmable:
                return model.encode_text(ids)
            length = ids.shape[1]
            x = model.token_embedding(ids) + model.positional_embedding[:length]
            x = model.transformer(x, attn_mask=model.attn_mask[:length, :length])
            x = model.ln_final(x)
            x = x[torch.arange(x.shape[0]), ids.argmax(dim=-1)]
            projection = model.text_projection
            return projection(x) if isinstance(projection, torch.nn.Linear) else x @ projection

    return TextTower().eval()


def _image_module(clip: Any) -> Any:
    import torch

    class ImageTower(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.clip = clip

        def forward(self, images: Any) -> Any:
            return self.clip.encode_image(images)

    return ImageTower().eval()


def export_onnx(engine: TorchEngine, folder: Path, *, source: str = "exported") -> OnnxModelFiles:
    """Writes ``visual.onnx``, ``textual.onnx`` and their manifest into ``folder`` and checks them
    against ``engine`` on fixed inputs; raises :class:`ModelError` when they disagree."""
    import torch

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    clip = _exportable(engine.model)
    size = engine.image_size
    context = int(getattr(engine.model, "context_length", 77) or 77)
    trimmable = bool(engine.trim_text)
    images = torch.from_numpy(np.random.default_rng(0).normal(size=(2, 3, size, size)).astype(np.float32))
    ids = torch.as_tensor(engine.tokenizer(list(CHECK_TEXTS[:2])))
    if trimmable:
        ids = ids[:, : int((ids != 0).sum(1).max())]
    partial = {}
    for name, module, sample, axes in (
        ("visual.onnx", _image_module(clip), images, {"image": {0: "batch"}}),
        (
            "textual.onnx",
            _text_module(clip, trimmable),
            ids,
            {"text": {0: "batch", 1: "length"} if trimmable else {0: "batch"}},
        ),
    ):
        target = folder / name
        partial[name] = target.with_name(f".{name}.export.tmp")
        with warnings.catch_warnings(), torch.inference_mode(False), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                module,
                (sample,),
                str(partial[name]),
                input_names=[next(iter(axes))],
                output_names=["embedding"],
                dynamic_axes={**axes, "embedding": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
    for name, path in partial.items():
        path.replace(folder / name)
    files = OnnxModelFiles(
        folder=folder,
        model_id=engine.id,
        preprocess=engine.preprocess_cfg,
        tokenizer=TokenizerSpec(kind="clip-bpe", path="", context_length=context, pad_id=0, clean="lower"),
        dim=engine.dim,
        source=source,
    )
    check_against_torch(files, engine)
    files.save()
    return files


def check_against_torch(files: OnnxModelFiles, engine: TorchEngine) -> dict[str, float]:
    """The lowest cosine between ONNX and torch vectors on fixed pictures and texts; raises when
    either is under :data:`MIN_COSINE` (the graphs are then not used)."""
    from photoclip.core.models.calibration import calibration_pictures
    from photoclip.core.models.onnx_engine import OnnxEngine

    onnx = OnnxEngine(engine.spec, files, threads=2)
    pictures = calibration_pictures(8)
    batch = np.stack([engine.prepare(p) for p in pictures])
    image = float(np.min(np.sum(onnx.encode_images(batch) * engine.encode_images(batch), axis=1)))
    text = float(np.min(np.sum(onnx.encode_text(CHECK_TEXTS) * engine.encode_text(CHECK_TEXTS), axis=1)))
    if min(image, text) < MIN_COSINE:
        raise ModelError(
            f"The ONNX export of {engine.id} does not match the torch model (cosine {min(image, text):.4f}); "
            "photoclip keeps using torch for this model."
        )
    log.info("ONNX export of %s checked: image cosine %.6f, text %.6f", engine.id, image, text)
    return {"image": image, "text": text}
