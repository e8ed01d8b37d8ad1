"""The vectors of a query's terms: words through the text model (cached as you type), images through
the image model as they are and mirrored (see :meth:`TermVectors.image_vectors`), from the library's
stored vector when the file can't be read now."""

from __future__ import annotations

import collections
import stat
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from PIL import ImageOps

from photoclip.core.errors import ImageError, ModelError
from photoclip.core.images import open_upright

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.models.engine import Engine
    from photoclip.core.models.registry import ModelSpec
    from photoclip.core.query import Query


#: How many query images keep their vectors (the search box runs "photo.jpg + red" again as you type).
IMAGE_CACHE = 32


class QueryVectors(NamedTuple):
    """A query's term vectors: what it searches with, each term's weight, and each term as stored
    (an image's own vector, which its copies share; a word's is its only one)."""

    vectors: np.ndarray
    weights: np.ndarray
    plain: np.ndarray


class TermVectors:
    """What a searcher needs to turn a query's terms into vectors (mixed into Searcher)."""

    catalog: Catalog
    spec: ModelSpec
    model_provider: Callable[[], Engine]
    _text_cache: collections.OrderedDict[str, np.ndarray]
    _cache_lock: threading.Lock
    _image_cache: collections.OrderedDict[tuple[str, int, int], tuple[np.ndarray, np.ndarray]]

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

    def image_vectors(self, path: Path) -> tuple[np.ndarray, np.ndarray]:
        """(searched with, as stored) for an image query: the mean of the model's readings of the
        picture and of its mirror image, and the picture's own vector. A picture and its mirror image
        show the same thing, and where the two readings differ the model is unsure of a small or
        unclear subject (a 7-pixel star read as a square); their mean ranks what the picture shows
        higher (``python -m photoclip.smallclip.evaluate_relevance``, both seeds: image + words queries
        finding nothing right 6 -> 1, image F1 up on scenes and plain pictures; README, "Relevance").
        A library photo whose file can't be read now (its drive is away) searches with its stored
        vector; one whose file changed since it was indexed is read afresh both ways, as it is now."""
        photo = self.catalog.photo_by_path(path)
        stored = self.catalog.vector(photo.id, self.spec.id) if photo is not None else None
        try:
            status = path.stat()
        except OSError:
            status = None
        if status is None or not stat.S_ISREG(status.st_mode):
            if stored is not None:
                return stored, stored
            if status is not None:
                raise ImageError(f"{path} is not an image file: it is a folder, a pipe or a device.")
            raise ImageError(f"No image at {path}: the file is not there (moved, renamed, or its drive is away).")
        unchanged = photo is not None and (photo.size, photo.mtime_ns) == (status.st_size, status.st_mtime_ns)
        indexed = stored if unchanged else None  # the stored vector is a reading of these very bytes
        key = (str(path), status.st_size, status.st_mtime_ns)
        with self._cache_lock:
            cached = self._image_cache.get(key)
        if cached is not None and (indexed is None or np.array_equal(cached[1], indexed)):
            return cached
        try:
            model = self.model_provider()
            picture = open_upright(path, model.min_short_side)
            # The stored vector, made from these bytes, is the picture's own reading: only the
            # mirror image needs the model then.
            pictures = [ImageOps.mirror(picture)] if indexed is not None else [picture, ImageOps.mirror(picture)]
            encoded = model.encode_pil(pictures)
        except (ImageError, ModelError) as exc:
            if stored is not None:  # it was read when it was indexed (no model now: not downloaded, say)
                return stored, stored
            if isinstance(exc, ModelError):
                raise
            raise ImageError(f"{path}: {exc}") from exc
        plain = indexed if indexed is not None else encoded[0]
        mean = plain + encoded[-1]
        vectors = ((mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32), plain)
        with self._cache_lock:
            self._image_cache[key] = vectors
            while len(self._image_cache) > IMAGE_CACHE:
                self._image_cache.popitem(last=False)
        return vectors

    def _term_vectors(self, query: Query) -> QueryVectors:
        """The query's term vectors, weights and plain vectors (see :class:`QueryVectors`)."""
        texts = [t.text for t in query.terms if t.text is not None]
        text_vectors = iter(self.text_vectors(texts)) if texts else iter(())
        vectors, plain, weights = [], [], []
        for term in query.terms:
            if term.text is not None:
                vectors.append(next(text_vectors))
                plain.append(vectors[-1])
            else:
                assert term.image is not None
                searched, stored = self.image_vectors(term.image)
                vectors.append(searched)
                plain.append(stored)
            weights.append(term.weight)
        as_array = np.stack(vectors).astype(np.float32)
        return QueryVectors(as_array, np.array(weights, np.float32), np.stack(plain).astype(np.float32))
