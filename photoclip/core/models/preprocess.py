"""A model's image preprocessing in PIL and numpy: what open_clip's eval transform does, without torch.

open_clip resizes (the shortest side to the model's size, or both sides for "squash"), centre
crops, converts to a float tensor and normalises with the model's mean and std. torchvision runs
the resize through PIL for PIL images, so doing the same PIL call here gives the same pixels; the
tests hold the result within cosine 0.99 of open_clip's own preprocessing through the model.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

OPENAI_MEAN = (0.48145466, 0.4578275, 0.40821073)
OPENAI_STD = (0.26862954, 0.26130258, 0.27577711)

_RESAMPLE = {
    "bicubic": Image.Resampling.BICUBIC,
    "bilinear": Image.Resampling.BILINEAR,
    "nearest": Image.Resampling.NEAREST,
    "lanczos": Image.Resampling.LANCZOS,
}


@dataclass(frozen=True)
class PreprocessConfig:
    """The keys of open_clip's ``PreprocessCfg`` that matter at inference (also Immich's
    ``preprocess_cfg.json``)."""

    size: int = 224
    mean: tuple[float, float, float] = OPENAI_MEAN
    std: tuple[float, float, float] = OPENAI_STD
    interpolation: str = "bicubic"
    resize_mode: str = "shortest"  # "shortest" (then centre crop), "squash", or "longest" (then pad)
    fill_color: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PreprocessConfig:
        """Reads open_clip's or Immich's preprocessing dictionary (``size`` may be an int or a pair)."""
        size = data.get("size", data.get("image_size", 224))
        if isinstance(size, list | tuple):
            size = max(int(s) for s in size)
        return cls(
            size=int(size),
            mean=tuple(float(v) for v in data.get("mean", OPENAI_MEAN)),  # type: ignore[arg-type]
            std=tuple(float(v) for v in data.get("std", OPENAI_STD)),  # type: ignore[arg-type]
            interpolation=str(data.get("interpolation") or "bicubic"),
            resize_mode=str(data.get("resize_mode") or "shortest"),
            fill_color=int(data.get("fill_color") or 0),
        )

    @classmethod
    def read(cls, path: Path) -> PreprocessConfig:
        """Reads a ``preprocess_cfg.json``."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def as_dict(self) -> dict[str, Any]:
        """The dictionary :meth:`from_dict` reads."""
        data = asdict(self)
        data["mean"], data["std"] = list(self.mean), list(self.std)
        return data


def resized_and_cropped(image: Image.Image, cfg: PreprocessConfig) -> Image.Image:
    """The ``cfg.size`` square the model sees, still as a PIL image."""
    size = cfg.size
    resample = _RESAMPLE.get(cfg.interpolation, Image.Resampling.BICUBIC)
    if image.mode != "RGB":
        image = image.convert("RGB")
    width, height = image.size
    if cfg.resize_mode == "squash":
        return image.resize((size, size), resample)
    if cfg.resize_mode == "longest":
        scale = size / max(width, height)
        new = (max(1, round(width * scale)), max(1, round(height * scale)))
        canvas = Image.new("RGB", (size, size), (cfg.fill_color,) * 3)
        canvas.paste(image.resize(new, resample), ((size - new[0]) // 2, (size - new[1]) // 2))
        return canvas
    # torchvision's Resize(size): the short side becomes ``size``, the long one int(size * long / short).
    new = (size, int(size * height / width)) if width <= height else (int(size * width / height), size)
    if new != (width, height):
        image = image.resize(new, resample)
    # torchvision's CenterCrop: offsets rounded (not truncated).
    left = round((new[0] - size) / 2.0)
    top = round((new[1] - size) / 2.0)
    return image.crop((left, top, left + size, top + size))


def prepare_image(image: Image.Image, cfg: PreprocessConfig) -> np.ndarray:
    """The model input for one upright RGB image: float32, channels first, normalised."""
    pixels = np.asarray(resized_and_cropped(image, cfg), dtype=np.float32) * (1.0 / 255.0)
    mean = np.asarray(cfg.mean, dtype=np.float32)
    std = np.asarray(cfg.std, dtype=np.float32)
    return np.ascontiguousarray(((pixels - mean) / std).transpose(2, 0, 1))
