"""Approximate nearest-neighbour search with an HNSW graph (hnswlib), for libraries too large to scan.

hnswlib facts this relies on (see the brief): ``ef`` is reset on every load, so it is set per
query; ``mark_deleted`` hides a label but keeps its slot; adding a label that has a slot (live or
deleted) updates that slot in place. Slots are never handed to another label (hnswlib's
``replace_deleted`` did that, and re-adding removed labels then lost other labels from the
lookup table), so a label owns exactly one slot for the life of the graph; when deleted slots
pile up the graph is rebuilt from its live vectors.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from photoclip.core.exact_index import top_k
from photoclip.core.records import IndexMode

HNSW_M = 24
HNSW_EF_CONSTRUCTION = 128
#: A filter that keeps fewer ids than this is searched exactly over just those ids.
FILTER_EXACT_LIMIT = 100_000
#: Vectors read from the graph at a time by such a search, so a large filter is never copied whole.
SCAN_CHUNK = 16_384
#: Rebuild once deleted slots are this share of the graph (and at least COMPACT_MIN_DELETED).
COMPACT_SHARE = 0.25
COMPACT_MIN_DELETED = 1000


class HnswIndex:
    """An hnswlib graph over unit vectors (inner product). Not thread-safe: its owner locks around it."""

    mode = IndexMode.HNSW

    def __init__(self, dim: int, graph: Any, live: np.ndarray, slots: np.ndarray) -> None:
        self.dim = dim
        self._graph = graph
        self._live = live  # by label: has a visible vector
        self._slots = slots  # by label: has a slot in the graph (live or deleted)
        self._count = int(live.sum())

    @classmethod
    def build(cls, dim: int, ids: np.ndarray, vectors: np.ndarray) -> HnswIndex:
        """A new graph holding ``vectors`` under ``ids``."""
        import hnswlib

        graph = hnswlib.Index(space="ip", dim=dim)
        graph.init_index(max(1024, int(len(ids) * 1.25)), M=HNSW_M, ef_construction=HNSW_EF_CONSTRUCTION)
        top = int(ids.max(initial=0)) + 1
        index = cls(dim, graph, np.zeros(top, dtype=bool), np.zeros(top, dtype=bool))
        if len(ids):
            index.add(ids, vectors)
        return index

    def __len__(self) -> int:
        return self._count

    @property
    def deleted_slots(self) -> int:
        """Slots held by deleted labels (memory the graph still uses)."""
        return int(self._graph.element_count) - self._count

    def needs_compaction(self) -> bool:
        """True when so many slots are deleted that a rebuild pays for itself."""
        deleted = self.deleted_slots
        return deleted >= COMPACT_MIN_DELETED and deleted > COMPACT_SHARE * self._graph.element_count

    def compacted(self) -> HnswIndex:
        """A new graph with only the live vectors."""
        ids, vectors = self.all_vectors()
        return HnswIndex.build(self.dim, ids, vectors)

    def _grow(self, top: int) -> None:
        if top >= len(self._live):
            size = max(top + 1, int(len(self._live) * 1.5))
            for name in ("_live", "_slots"):
                grown = np.zeros(size, dtype=bool)
                old = getattr(self, name)
                grown[: len(old)] = old
                setattr(self, name, grown)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        """Adds vectors; a label seen before (live or deleted) gets its own slot back, updated."""
        needed = self._graph.element_count + int((~self._has_slot(ids)).sum())
        if needed > self._graph.get_max_elements():
            self._graph.resize_index(max(needed, int(self._graph.get_max_elements() * 1.5)))
        self._grow(int(ids.max()))
        fresh = ~self._live[ids]
        self._graph.add_items(vectors, ids)
        self._live[ids] = True
        self._slots[ids] = True
        self._count += int(fresh.sum())

    def _has_slot(self, ids: np.ndarray) -> np.ndarray:
        inside = ids < len(self._slots)
        result = np.zeros(len(ids), dtype=bool)
        result[inside] = self._slots[ids[inside]]
        return result

    def _live_of(self, ids: np.ndarray) -> np.ndarray:
        ids = ids[ids < len(self._live)]
        return ids[self._live[ids]]

    def remove(self, ids: np.ndarray) -> None:
        """Hides vectors (ids not present are ignored); their slots stay until a compaction."""
        for label in self._live_of(ids).tolist():
            self._graph.mark_deleted(label)
            self._live[label] = False
            self._count -= 1

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None, ef: int = 400
    ) -> tuple[np.ndarray, np.ndarray]:
        """About the ``k`` best ids for ``query`` (among ``allowed``), with exact inner products."""
        if allowed is None:
            return self._knn(query, min(k, self._count), max(ef, k), None)
        allowed = self._live_of(np.asarray(allowed, dtype=np.int64))
        if len(allowed) <= FILTER_EXACT_LIMIT:
            return self._scan(query, allowed, k)
        mask = np.zeros(len(self._live), dtype=bool)
        mask[allowed] = True
        return self._knn(query, min(k, len(allowed)), max(ef, 2 * k), lambda label: bool(mask[label]))

    def _scan(self, query: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The exact ``k`` best of ``ids``, reading their vectors a chunk at a time."""
        best_ids, best_scores = [np.zeros(0, np.int64)], [np.zeros(0, np.float32)]
        for start in range(0, len(ids), SCAN_CHUNK):
            chunk = ids[start : start + SCAN_CHUNK]
            vectors = np.asarray(self._graph.get_items(chunk, return_type="numpy"), dtype=np.float32)
            found, scores = top_k(chunk, vectors @ query, k)
            best_ids.append(found)
            best_scores.append(scores)
        return top_k(np.concatenate(best_ids), np.concatenate(best_scores), k)

    def _knn(
        self, query: np.ndarray, k: int, ef: int, keep: Callable[[int], bool] | None
    ) -> tuple[np.ndarray, np.ndarray]:
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        # ef is shared by the graph and reset by hnswlib on load, so it is set for every query.
        self._graph.set_ef(max(ef, k))
        labels, distances = self._graph.knn_query(query, k=k, num_threads=1, filter=keep)
        return labels[0].astype(np.int64), (1.0 - distances[0]).astype(np.float32)

    def get_vectors(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ids present, their vectors), in the order asked."""
        found = self._live_of(ids)
        if not len(found):
            return found, np.zeros((0, self.dim), np.float32)
        return found, np.asarray(self._graph.get_items(found, return_type="numpy"), dtype=np.float32)

    def sample(self, count: int, seed: int = 0) -> np.ndarray:
        """Up to ``count`` of the live vectors, picked at random (the same ones for the same graph)."""
        ids = self.ids()
        if len(ids) > count:
            ids = np.sort(np.random.default_rng(seed).choice(ids, count, replace=False))
        return self.get_vectors(ids)[1]

    def ids(self) -> np.ndarray:
        """Every live id."""
        return np.flatnonzero(self._live).astype(np.int64)

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of every live label."""
        return self.get_vectors(self.ids())

    # -- files -------------------------------------------------------------------------------
    def write(self, path: Path) -> None:
        """Saves the graph (deleted marks included) to ``path``."""
        self._graph.save_index(str(path))

    @classmethod
    def read(cls, path: Path, dim: int, live_ids: Callable[[np.ndarray], np.ndarray]) -> HnswIndex:
        """Loads a graph. ``live_ids(labels)`` says which of its labels are live (the catalog knows;
        the graph's own deleted marks cannot be read back through hnswlib).

        Raises ValueError for a graph whose lookup table does not match its slots (one label in
        two slots, or a slot with no label): a file written by a photoclip with the replace-deleted
        bug, which must be rebuilt rather than trusted.
        """
        import hnswlib

        graph = hnswlib.Index(space="ip", dim=dim)
        graph.load_index(str(path))
        labels = np.asarray(graph.get_ids_list(), dtype=np.int64)
        if len(labels) != graph.element_count or len(np.unique(labels)) != len(labels):
            raise ValueError("the graph's labels do not match its slots")
        top = int(labels.max(initial=0)) + 1
        slots = np.zeros(top, dtype=bool)
        slots[labels] = True
        live = np.zeros(top, dtype=bool)
        live[live_ids(labels)] = True
        index = cls(dim, graph, live, slots)
        # Labels the catalog no longer has must not answer searches (they may be live in the file).
        for label in np.setdiff1d(labels, index.ids(), assume_unique=True).tolist():
            with contextlib.suppress(RuntimeError):  # already marked in the file
                graph.mark_deleted(label)
        return index
