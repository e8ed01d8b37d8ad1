"""Running a CLIP model with ONNX Runtime: the default on the CPU, with no torch in the process.

The image and text graphs are separate sessions, each made on first use: a text search loads
only the text graph, indexing only the image graph (released again afterwards), and finding
photos similar to a library photo loads neither (its vector is stored). Input names, dtypes and
fixed sizes are read from each graph, so graphs exported by photoclip, rclip or Immich all run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from photoclip.core.errors import ModelError
from photoclip.core.models.engine import unit_rows
from photoclip.core.models.onnx_files import OnnxModelFiles
from photoclip.core.models.preprocess import prepare_image

if TYPE_CHECKING:
    from pathlib import Path

    from PIL import Image

    from photoclip.core.models.registry import ModelSpec
    from photoclip.core.models.tokenizer import TextTokenizer

log = logging.getLogger(__name__)

_NUMPY_TYPES = {
    "tensor(float)": np.float32,
    "tensor(float16)": np.float16,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
}


def session_options(threads: int, *, level: str = "all", prepack: bool = True) -> Any:
    """ONNX Runtime options for one of photoclip's sessions on the CPU."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = {
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "none": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    }[level]
    options.log_severity_level = 3  # warnings about unused initialisers are not the user's business
    if not prepack:
        options.add_session_config_entry("session.disable_prepacking", "1")
    return options


def optimized_copy(source: Path, cache: Path) -> Path:
    """Where the optimised form of ``source`` is kept: a small graph file and its weights beside it.

    Optimising a ViT's graph takes most of a second; the saved result loads in milliseconds,
    because ONNX Runtime maps its weights file instead of parsing and copying them. The name
    carries the source's size and time and ONNX Runtime's version, so a changed file or runtime
    makes a new one.
    """
    import onnxruntime as ort

    info = source.stat()
    tag = f"{source.stem}.{info.st_size:x}-{info.st_mtime_ns:x}-ort{ort.__version__}"
    return cache / f"{tag}.onnx"


def _open_session(path: Path, threads: int, cache: Path | None, level: str, prepack: bool) -> Any:
    """A session for ``path``, from its saved optimised copy when there is one (made now if not)."""
    import onnxruntime as ort

    providers = ["CPUExecutionProvider"]
    if cache is not None:
        ready = optimized_copy(path, cache)
        weights = ready.with_suffix(".data")
        if ready.is_file() and weights.is_file():
            try:
                options = session_options(threads, level="none", prepack=prepack)
                return ort.InferenceSession(str(ready), sess_options=options, providers=providers)
            except Exception as exc:  # a damaged copy: made again below
                log.warning("optimised copy %s unusable (%s); making it again", ready, exc)
        try:
            cache.mkdir(parents=True, exist_ok=True)
            for stale in cache.glob(f"{path.stem}.*"):
                stale.unlink(missing_ok=True)
            options = session_options(threads, level=level, prepack=prepack)
            options.optimized_model_filepath = str(ready)
            options.add_session_config_entry("session.optimized_model_external_initializers_file_name", weights.name)
            options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
            return ort.InferenceSession(str(path), sess_options=options, providers=providers)
        except Exception as exc:  # a full or read-only disk: run from the original instead
            log.info("could not keep an optimised copy of %s (%s)", path.name, exc)
            for leftover in (ready, weights):
                leftover.unlink(missing_ok=True)
    return ort.InferenceSession(
        str(path), sess_options=session_options(threads, level=level, prepack=prepack), providers=providers
    )


class _Graph:
    """One ONNX session and what its single input expects."""

    def __init__(
        self, path: Path, threads: int, cache: Path | None = None, *, level: str = "all", prepack: bool = True
    ) -> None:
        try:
            self.session = _open_session(path, threads, cache, level, prepack)
        except Exception as exc:  # onnxruntime raises its own exception types for unreadable files
            raise ModelError(
                f"The model file {path} could not be loaded ({str(exc).splitlines()[0][:200]}). "
                "It may be damaged or incomplete; remove it and let photoclip fetch the model again."
            ) from exc
        first = self.session.get_inputs()[0]
        self.input = first.name
        self.dtype = _NUMPY_TYPES.get(first.type, np.float32)
        shape = list(first.shape)
        self.fixed_batch = shape[0] if isinstance(shape[0], int) else None
        self.fixed_length = shape[1] if len(shape) > 1 and isinstance(shape[1], int) else None
        self.lock = threading.Lock()  # one run at a time; ONNX Runtime uses all threads inside it

    def run(self, batch: np.ndarray) -> np.ndarray:
        batch = np.ascontiguousarray(batch, dtype=self.dtype)
        with self.lock:
            if self.fixed_batch == 1 and len(batch) != 1:  # Immich's graphs take one item at a time
                return np.concatenate(
                    [self.session.run(None, {self.input: batch[i : i + 1]})[0] for i in range(len(batch))]
                )
            return self.session.run(None, {self.input: batch})[0]


class OnnxEngine:
    """A CLIP model in ONNX graphs (see :class:`~photoclip.core.models.engine.Engine`)."""

    #: Set by the loader when the device asked for could not be used (shown by ``photoclip status``).
    placement_note: str = ""

    def __init__(
        self,
        spec: ModelSpec,
        files: OnnxModelFiles,
        *,
        threads: int,
        cache: Path | None = None,
        quick_start: bool = False,
    ) -> None:
        self.spec = spec
        self.files = files
        self.threads = threads
        # Optimised copies of the graphs live here (None: optimise in memory every time).
        self.cache = cache
        # One query and done (a command-line search): skip repacking the text graph's weights for
        # speed, which costs more at load than it saves on one run.
        self.quick_start = quick_start
        self._image: _Graph | None = None
        self._text: _Graph | None = None
        self._tokenizer: TextTokenizer | None = None
        self._load_lock = threading.Lock()

    # -- what it is --------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The model id stored with every vector this engine makes."""
        return self.spec.id

    @property
    def dim(self) -> int:
        """Length of the vectors."""
        return self.files.dim or self.spec.dim

    @property
    def min_short_side(self) -> int:
        """Pixels the short side of a decoded image needs before preprocessing."""
        return self.files.preprocess.size

    @property
    def device(self) -> str:
        """Always the CPU (ONNX Runtime's CPU provider)."""
        return "cpu"

    @property
    def precision(self) -> str:
        """'int8' or 'fp32' for the image graph (the text graph is fp32)."""
        return self.files.precision

    def describe(self) -> str:
        """'ONNX Runtime on the CPU, images in int8 (checked against fp32)'."""
        check = self.files.int8_check
        if self.files.visual_int8:
            detail = f"images in int8 (mean cosine {check.get('mean_cosine', 0):.4f} to fp32 on test pictures)"
        elif check.get("reason"):
            detail = f"images in fp32 ({check['reason']})"
        else:
            detail = "fp32"
        return f"ONNX Runtime on the CPU, {detail}"

    # -- loading -----------------------------------------------------------------------------
    def _image_graph(self) -> _Graph:
        with self._load_lock:
            if self._image is None:
                self._image = _Graph(self.files.visual_path, self.threads, self.cache, level="all")
            return self._image

    def _text_graph(self) -> tuple[_Graph, TextTokenizer]:
        with self._load_lock:
            if self._tokenizer is None:
                from photoclip.core.models.tokenizer import load_tokenizer

                self._tokenizer = load_tokenizer(self.files.tokenizer, self.files.folder)
            if self._text is None:
                self._text = _Graph(
                    self.files.textual_path, self.threads, self.cache, level="extended", prepack=not self.quick_start
                )
            return self._text, self._tokenizer

    def prepare_graphs(self) -> None:
        """Makes the optimised copies of both graphs now (once per model and machine), so that the
        first search and the first indexing run start at full speed; keeps neither session."""
        self._image_graph()
        self._text_graph()
        with self._load_lock:
            self._image = self._text = None

    def release_images(self) -> None:
        """Drops the image session (hundreds of MB for a ViT); it is made again when needed."""
        with self._load_lock:
            self._image = None

    # -- encoding ----------------------------------------------------------------------------
    def prepare(self, image: Image.Image) -> np.ndarray:
        """The model input of one upright RGB image (safe to call from many threads)."""
        return prepare_image(image, self.files.preprocess)

    def encode_images(self, batch: np.ndarray) -> np.ndarray:
        """Unit vectors for a batch of prepared images."""
        if not len(batch):
            return np.zeros((0, self.dim), dtype=np.float32)
        return unit_rows(self._image_graph().run(batch))

    def encode_pil(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Unit vectors for upright RGB images."""
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.encode_images(np.stack([self.prepare(i) for i in images]))

    def encode_text(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for texts.

        A graph whose sequence length is free is run only up to the longest text (CLIP's text
        tower is causal and pooled at the end-of-text token, so the padding after it changes
        nothing): a short query costs ~10 of 77 positions.
        """
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        graph, tokenizer = self._text_graph()
        tokens = tokenizer(list(texts))
        if graph.fixed_length is None and self.files.tokenizer.kind == "clip-bpe" and self.files.tokenizer.pad_id == 0:
            length = int((tokens != 0).sum(1).max())
            tokens = tokens[:, : max(length, 1)]
        elif graph.fixed_length is not None and graph.fixed_length != tokens.shape[1]:
            raise ModelError(
                f"The text graph of {self.id} takes {graph.fixed_length} tokens, its tokenizer makes "
                f"{tokens.shape[1]}: the model files do not belong together."
            )
        return unit_rows(graph.run(tokens))
