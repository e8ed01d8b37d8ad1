"""Exact nearest-neighbour search: every vector in one matrix, one matrix-vector product per query.

For up to a few hundred thousand vectors this is as fast as a graph search on a desktop CPU
(benchmarks/README.md) and it is exact, so it is what most libraries use.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from photoclip.core.records import IndexMode


def top_k(ids: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` ids with the highest scores, best first (ties keep their order)."""
    if k <= 0 or not len(ids):
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    if k < len(scores):
        part = np.argpartition(-scores, k - 1)[:k]
        order = part[np.argsort(-scores[part], kind="stable")]
    else:
        order = np.argsort(-scores, kind="stable")
    return ids[order], scores[order].astype(np.float32)


class ExactIndex:
    """Unit vectors by id in a dense matrix. Not thread-safe: its owner locks around it."""

    mode = IndexMode.EXACT

    def __init__(self, dim: int, ids: np.ndarray | None = None, matrix: np.ndarray | None = None) -> None:
        self.dim = dim
        self._ids = np.zeros(0, np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        self._matrix = (
            np.zeros((0, dim), np.float32)
            if matrix is None
            else np.ascontiguousarray(matrix, dtype=np.float32).reshape(-1, dim)
        )
        self._rows = {int(i): r for r, i in enumerate(self._ids.tolist())}

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Adds vectors; an id already present gets the new vector."""
        new_rows: list[int] = []
        for i, label in enumerate(ids.tolist()):
            row = self._rows.get(label)
            if row is None:
                self._rows[label] = len(self._ids) + len(new_rows)
                new_rows.append(i)
            else:
                self._matrix[row] = vectors[i]
        if new_rows:
            self._ids = np.concatenate([self._ids, ids[new_rows]])
            self._matrix = np.concatenate([self._matrix, vectors[new_rows]])

    def remove(self, ids: np.ndarray) -> None:
        """Drops vectors (ids not present are ignored)."""
        gone = {int(i) for i in ids.tolist()} & self._rows.keys()
        if gone:
            keep = ~np.isin(self._ids, np.fromiter(gone, dtype=np.int64, count=len(gone)))
            self._ids, self._matrix = self._ids[keep], self._matrix[keep]
            self._rows = {int(i): r for r, i in enumerate(self._ids.tolist())}

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None, ef: int = 0
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best ids for ``query`` (among ``allowed``) and their inner products."""
        if allowed is not None:
            mask = np.isin(self._ids, allowed)
            return top_k(self._ids[mask], self._matrix[mask] @ query, k)
        return top_k(self._ids, self._matrix @ query, k)

    def get_vectors(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids present, their vectors), in the order asked."""
        rows = [self._rows[i] for i in ids.tolist() if i in self._rows]
        if not rows:
            return np.zeros(0, np.int64), np.zeros((0, self.dim), np.float32)
        return self._ids[rows], self._matrix[rows]

    def sample(self, count: int, seed: int = 0) -> np.ndarray:
        """Up to ``count`` of the vectors, picked at random (the same ones for the same index)."""
        if len(self._ids) <= count:
            return self._matrix.copy()
        rows = np.random.default_rng(seed).choice(len(self._ids), count, replace=False)
        return self._matrix[np.sort(rows)]

    def ids(self) -> np.ndarray:
        """Every id, in insertion order."""
        return self._ids.copy()

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything, for a switch to another kind of index."""
        return self._ids.copy(), self._matrix.copy()

    # -- files -------------------------------------------------------------------------------
    def write(self, path: Path) -> None:
        """Saves to ``path`` as one .npy matrix; ids travel as raw int64 bits in its first two columns."""
        packed = np.empty((len(self._ids), self.dim + 2), dtype=np.float32)
        packed[:, :2] = self._ids.reshape(-1, 1).view(np.float32)
        packed[:, 2:] = self._matrix
        with open(path, "wb") as handle:
            np.save(handle, packed, allow_pickle=False)

    @classmethod
    def read(cls, path: Path, dim: int) -> ExactIndex:
        """Loads what :meth:`write` saved; raises ValueError when the file has the wrong shape."""
        data = np.load(path, allow_pickle=False)
        if data.ndim != 2 or data.shape[1] != dim + 2:
            raise ValueError(f"index file has the wrong shape {data.shape}")
        ids = np.ascontiguousarray(data[:, :2]).view(np.int64).reshape(-1)
        return cls(dim, ids, np.ascontiguousarray(data[:, 2:]))
