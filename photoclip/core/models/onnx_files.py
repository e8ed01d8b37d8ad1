"""What a folder of ONNX model files holds, written down once as ``photoclip_onnx.json``.

However the graphs came (shipped with photoclip, exported here from open_clip weights, or
downloaded in rclip's or Immich's layout), the ONNX engine reads the same description: where the
image and text graphs are, how images are prepared, how text is tokenised, and which precision
the image graph runs in on this machine (see :mod:`photoclip.core.models.int8`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from photoclip.core.atomic import atomic_write_bytes
from photoclip.core.models.preprocess import PreprocessConfig

MANIFEST = "photoclip_onnx.json"


@dataclass(frozen=True)
class TokenizerSpec:
    """How to turn text into the text graph's token ids."""

    kind: str = "clip-bpe"  # "clip-bpe" (open_clip's SimpleTokenizer) or "hf-json" (a tokenizer.json)
    path: str = ""  # the BPE vocabulary (.txt.gz) or tokenizer.json, relative to the folder; "" = bundled
    context_length: int = 77
    pad_id: int = 0
    clean: str = "lower"  # open_clip's cleaning: "lower", "whitespace" or "canonicalize"


@dataclass(frozen=True)
class OnnxModelFiles:
    """A model's ONNX graphs and what the engine needs to run them."""

    folder: Path
    model_id: str
    visual: str = "visual.onnx"  # file names relative to ``folder``
    textual: str = "textual.onnx"
    preprocess: PreprocessConfig = field(default_factory=PreprocessConfig)
    tokenizer: TokenizerSpec = field(default_factory=TokenizerSpec)
    dim: int = 0
    source: str = ""  # "bundled", "exported", "rclip", "immich" or "user"
    #: The int8 image graph, once the guard has chosen it; "" runs the fp32 graph.
    visual_int8: str = ""
    #: What the int8 guard measured and decided ({"chosen": "int8"|"fp32", "mean_cosine": ..., ...}).
    int8_check: dict[str, Any] = field(default_factory=dict)

    @property
    def visual_path(self) -> Path:
        """The image graph to run: int8 when the guard chose it, else fp32."""
        return self.folder / (self.visual_int8 or self.visual)

    @property
    def textual_path(self) -> Path:
        """The text graph."""
        return self.folder / self.textual

    @property
    def precision(self) -> str:
        """'int8' or 'fp32' for the image graph."""
        return "int8" if self.visual_int8 else "fp32"

    def tokenizer_path(self) -> Path | None:
        """The tokenizer file, or None for photoclip's bundled CLIP vocabulary."""
        return self.folder / self.tokenizer.path if self.tokenizer.path else None

    def with_changes(self, **changes: Any) -> OnnxModelFiles:
        """A copy with some fields changed."""
        return replace(self, **changes)

    # -- the manifest ------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """The manifest's contents (paths relative to the folder)."""
        return {
            "format": 1,
            "model_id": self.model_id,
            "visual": self.visual,
            "textual": self.textual,
            "preprocess": self.preprocess.as_dict(),
            "tokenizer": self.tokenizer.__dict__,
            "dim": self.dim,
            "source": self.source,
            "visual_int8": self.visual_int8,
            "int8_check": self.int8_check,
        }

    def save(self) -> Path:
        """Writes ``photoclip_onnx.json`` into the folder (atomically)."""
        path = self.folder / MANIFEST
        atomic_write_bytes(path, json.dumps(self.to_json(), indent=1).encode("utf-8"))
        return path

    @classmethod
    def load(cls, folder: Path) -> OnnxModelFiles:
        """Reads a folder's manifest; raises ValueError (or OSError) when it is missing or wrong."""
        folder = Path(folder)
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != 1:
            raise ValueError(f"{folder / MANIFEST} is not a photoclip ONNX manifest")
        files = cls(
            folder=folder,
            model_id=str(data["model_id"]),
            visual=str(data["visual"]),
            textual=str(data["textual"]),
            preprocess=PreprocessConfig.from_dict(data.get("preprocess") or {}),
            tokenizer=TokenizerSpec(**(data.get("tokenizer") or {})),
            dim=int(data.get("dim") or 0),
            source=str(data.get("source") or ""),
            visual_int8=str(data.get("visual_int8") or ""),
            int8_check=dict(data.get("int8_check") or {}),
        )
        for name in (files.visual, files.textual, files.visual_int8):
            if name and (Path(name).is_absolute() or ".." in Path(name).parts):
                raise ValueError(f"{folder / MANIFEST} names a file outside its folder: {name}")
        return files

    def missing(self) -> list[str]:
        """The files the manifest names that are not there."""
        names = [self.visual, self.textual] + ([self.visual_int8] if self.visual_int8 else [])
        if self.tokenizer.path:
            names.append(self.tokenizer.path)
        return [name for name in names if not (self.folder / name).is_file()]
