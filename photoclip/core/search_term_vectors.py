"""The vectors of a query's terms: words through the text model (cached as you type), images from
the library's stored vectors or through the image model."""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core.errors import ImageError
from photoclip.core.images import open_upright

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.models.engine import Engine
    from photoclip.core.models.registry import ModelSpec
    from photoclip.core.query import Query


class TermVectors:
    """What a searcher needs to turn a query's terms into vectors (mixed into Searcher)."""

    catalog: Catalog
    spec: ModelSpec
    model_provider: Callable[[], Engine]
    _text_cache: collections.OrderedDict[str, np.ndarray]
    _cache_lock: threading.Lock

    def text_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for texts, cached (the search box asks for the same words as you type)."""
        with self._cache_lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._text_cache]
        if missing:
            encoded = self.model_provider().encode_text(missing)
            with self._cache_lock:
                for text, vector in zip(missing, encoded, strict=True):
                    self._text_cache[text] = vector
                while len(self._text_cache) > 512:
                    self._text_cache.popitem(last=False)
        with self._cache_lock:
            return np.stack([self._text_cache[t] for t in texts])

    def image_vector(self, path: Path) -> np.ndarray:
        """The vector of an image: the library's stored one if it is a library photo, else computed."""
        photo = self.catalog.photo_by_path(path)
        if photo is not None:
            stored = self.catalog.vector(photo.id, self.spec.id)
            if stored is not None:
                return stored
        if not path.is_file():
            raise ImageError(f"No image at {path}: the file is not there (moved, renamed, or its drive is away).")
        model = self.model_provider()
        try:
            picture = open_upright(path, model.min_short_side)
        except ImageError as exc:
            raise ImageError(f"{path}: {exc}") from exc
        return model.encode_pil([picture])[0]

    def _term_vectors(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, weights) of the query's terms."""
        texts = [t.text for t in query.terms if t.text is not None]
        text_vectors = iter(self.text_vectors(texts)) if texts else iter(())
        vectors, weights = [], []
        for term in query.terms:
            if term.text is not None:
                vectors.append(next(text_vectors))
            else:
                assert term.image is not None
                vectors.append(self.image_vector(term.image))
            weights.append(term.weight)
        return np.stack(vectors).astype(np.float32), np.array(weights, np.float32)
