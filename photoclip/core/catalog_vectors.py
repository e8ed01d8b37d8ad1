"""Vectors in the catalog: the source of truth the vector index files are derived from."""

from __future__ import annotations

import numpy as np

from photoclip.core.catalog_base import CatalogBase


class VectorsMixin(CatalogBase):
    """The catalog's embeddings, per model."""

    @property
    def generation(self) -> int:
        """Grows on every deletion of photos or vectors."""
        return int(self.get_meta("generation", "0") or 0)

    def embedding_count(self, model: str) -> int:
        """How many photos have a vector for ``model``."""
        return self.query("SELECT COUNT(*) FROM embeddings WHERE model = ?", (model,))[0][0]

    def max_seq(self, model: str) -> int:
        """The highest write number given out for ``model`` (0 when none); it never goes back."""
        counter = self.get_meta(f"seq:{model}")
        top = self.query("SELECT COALESCE(MAX(seq), 0) FROM embeddings WHERE model = ?", (model,))[0][0]
        return max(int(counter) if counter else 0, top)

    def embedding_ids(self, model: str) -> np.ndarray:
        """Ids of every photo with a vector for ``model``."""
        rows = self.query("SELECT photo_id FROM embeddings WHERE model = ?", (model,))
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def vectors(self, model: str, since_seq: int = 0, dim: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) for ``model`` written after ``since_seq``; vectors as float32 rows."""
        rows = self.query("SELECT photo_id, vector FROM embeddings WHERE model = ? AND seq > ?", (model, since_seq))
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        if not rows:
            return ids, np.zeros((0, dim or 0), dtype=np.float32)
        blob = b"".join(r[1] for r in rows)
        return ids, np.frombuffer(blob, dtype=np.float32).reshape(len(rows), -1).copy()

    def vector(self, photo_id: int, model: str) -> np.ndarray | None:
        """The stored vector of one photo for ``model``."""
        rows = self.query("SELECT vector FROM embeddings WHERE photo_id = ? AND model = ?", (photo_id, model))
        return np.frombuffer(rows[0][0], dtype=np.float32).copy() if rows else None

    def models_with_vectors(self) -> dict[str, int]:
        """Model id -> number of vectors, for every model the catalog holds vectors of."""
        return {r[0]: r[1] for r in self.query("SELECT model, COUNT(*) FROM embeddings GROUP BY model")}

    def delete_model_vectors(self, model: str) -> None:
        """Drops all vectors of a model (after switching away from it, on request)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM embeddings WHERE model = ?", (model,))
            self._bump_all_models(conn)
