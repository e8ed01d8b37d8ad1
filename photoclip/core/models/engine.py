"""The one small interface both model runtimes offer: prepare images, encode images and texts.

:class:`~photoclip.core.models.onnx_engine.OnnxEngine` (ONNX Runtime; the CPU default, no torch)
and :class:`~photoclip.core.models.torch_engine.TorchEngine` (torch + open_clip; CUDA, MPS, the
reference and the exporter) both satisfy it, and make the same vectors for the same model id
(within cosine 0.999 in fp32), so a library never cares which one made a vector.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from PIL import Image

    from photoclip.core.models.registry import ModelSpec


@runtime_checkable
class Engine(Protocol):
    """A loaded CLIP model. ``prepare`` is thread-safe; the encoders serialise their own calls."""

    spec: ModelSpec

    @property
    def id(self) -> str:
        """The model id stored with every vector this engine makes."""
        ...

    @property
    def dim(self) -> int:
        """Length of the vectors."""
        ...

    @property
    def min_short_side(self) -> int:
        """Pixels the short side of a decoded image needs, so that reduced decoding loses nothing."""
        ...

    @property
    def device(self) -> str:
        """'cpu', 'cuda' or 'mps'."""
        ...

    def describe(self) -> str:
        """Which runtime, device and precision, for ``photoclip status`` ('ONNX Runtime, CPU, int8 images')."""
        ...

    def prepare(self, image: Image.Image) -> np.ndarray:
        """The model input of one upright RGB image (float32, channels first)."""
        ...

    def encode_images(self, batch: np.ndarray) -> np.ndarray:
        """Unit vectors (float32, one row per image) for a batch of prepared images."""
        ...

    def encode_pil(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Unit vectors for upright RGB images."""
        ...

    def encode_text(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors (float32, one row per text)."""
        ...

    def release_images(self) -> None:
        """Frees what only image encoding needs (after indexing); it is loaded again when needed."""
        ...


def unit_rows(features: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (float32); a zero row stays zero."""
    features = np.asarray(features, dtype=np.float32)
    norms = np.linalg.norm(features, axis=-1, keepdims=True)
    return features / np.maximum(norms, 1e-12)
