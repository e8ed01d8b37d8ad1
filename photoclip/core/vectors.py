"""The vector index of one model: exact search for small libraries, HNSW (hnswlib) for large ones.

The catalog holds every vector; the files here are derived from it and can always be rebuilt.
Each file has a JSON sidecar with a checksum and the catalog position (``seq_high``,
``generation``) it reflects, so opening an index brings it up to date with what the catalog
gained or lost since, and a damaged, missing or foreign file is rebuilt rather than trusted.

Below ``exact_limit`` vectors a plain matrix-vector product is as fast as a graph search and is
exact; above it the HNSW graph answers and its candidates carry exact inner products.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core.atomic import atomic_write, atomic_write_bytes, file_checksum
from photoclip.core.rwlock import ReadWriteLock

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog

log = logging.getLogger(__name__)

#: Below this many vectors search is exact (see benchmarks/README.md for where the crossover is).
EXACT_LIMIT = 30_000
HNSW_M = 24
HNSW_EF_CONSTRUCTION = 128
#: ef for text queries (the least; see text_ef): they lie outside the image graph's distribution
#: and need a wider beam than image queries.
EF_TEXT = 400
EF_TEXT_MAX = 5000
EF_IMAGE = 200
#: A filter that keeps fewer ids than this is searched exactly over just those ids.
FILTER_EXACT_LIMIT = 100_000


def text_ef(count: int) -> int:
    """The HNSW beam width (ef) for a text query over ``count`` vectors.

    A text query lies off the image side of CLIP's space (the modality gap), so the graph's greedy
    descent starts far from its neighbours, and the larger the graph the wider the beam it needs.
    On CLIP-shaped vectors (benchmarks/README.md) recall@10 reaches 0.99 with ef 400 at 200k vectors
    but needs ef 1600 at 1M; ``count / 500`` keeps a margin above that line at every size.
    """
    return min(EF_TEXT_MAX, max(EF_TEXT, count // 500))


@dataclass
class IndexState:
    """The sidecar of an index file."""

    model: str
    dim: int
    mode: str  # "exact" or "hnsw"
    seq_high: int
    generation: int
    count: int
    checksum: str
    format: int = 1


class VectorIndex:
    """Nearest-neighbour search over the unit vectors of one model. Thread-safe."""

    def __init__(self, directory: Path, model: str, dim: int, *, exact_limit: int = EXACT_LIMIT) -> None:
        self.directory = Path(directory)
        self.model = model
        self.dim = dim
        self.exact_limit = exact_limit
        self.seq_high = 0
        self.generation = 0
        self.last_open: str = "not opened"
        self._lock = ReadWriteLock()
        self._save_lock = threading.Lock()  # one save at a time; searches still run alongside it
        self._dirty = False
        self._mode = "exact"
        # exact mode
        self._matrix = np.zeros((0, dim), dtype=np.float32)
        self._ids = np.zeros(0, dtype=np.int64)
        self._rows: dict[int, int] = {}
        # hnsw mode
        self._hnsw = None
        self._live = np.zeros(0, dtype=bool)
        self._count = 0

    # -- files -------------------------------------------------------------------------------
    @property
    def _slug(self) -> str:
        return self.model.replace("/", "--")

    @property
    def state_path(self) -> Path:
        """The JSON sidecar."""
        return self.directory / f"{self._slug}.json"

    def data_path(self, mode: str | None = None) -> Path:
        """The index file for ``mode`` (default: the current one)."""
        suffix = "hnsw" if (mode or self._mode) == "hnsw" else "exact.npy"
        return self.directory / f"{self._slug}.{suffix}"

    @property
    def mode(self) -> str:
        """'exact' or 'hnsw'."""
        return self._mode

    def __len__(self) -> int:
        return len(self._ids) if self._mode == "exact" else self._count

    @classmethod
    def from_vectors(
        cls, directory: Path, model: str, ids: np.ndarray, vectors: np.ndarray, *, exact_limit: int = EXACT_LIMIT
    ) -> VectorIndex:
        """An index built straight from vectors (benchmarks; the library builds from its catalog)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        index = cls(directory, model, vectors.shape[1], exact_limit=exact_limit)
        with index._lock.write():
            if len(ids) > exact_limit:
                index._build_hnsw(np.asarray(ids, dtype=np.int64), vectors)
            else:
                index._set_exact(np.asarray(ids, dtype=np.int64), vectors)
            index._dirty = True
        return index

    # -- opening and syncing -----------------------------------------------------------------
    def open(self, catalog: Catalog) -> str:
        """Loads the index file and brings it in step with the catalog; rebuilds when it must.

        Returns a short account of what happened (also kept in ``last_open``).
        """
        with self._lock.write():
            reason = self._load()
            if reason:
                self._rebuild(catalog)
                self.last_open = f"rebuilt ({reason})"
            else:
                added, removed = self._catch_up(catalog)
                self.last_open = f"loaded, +{added} -{removed} since last save"
            self._maybe_switch_mode()
        if self._dirty:
            self.save()
        log.info("index %s: %s", self.model, self.last_open)
        return self.last_open

    def _load(self) -> str | None:
        """Loads the files; returns why they cannot be used, or None when they were loaded."""
        try:
            state = IndexState(**json.loads(self.state_path.read_text()))
        except FileNotFoundError:
            return "no index file yet"
        except (ValueError, TypeError) as exc:
            return f"unreadable sidecar: {exc}"
        if state.model != self.model or state.dim != self.dim:
            return f"the file belongs to {state.model} ({state.dim}-d)"
        path = self.data_path(state.mode)
        if not path.is_file():
            return "index file missing"
        if file_checksum(path) != state.checksum:
            return "index file damaged (checksum mismatch)"
        try:
            if state.mode == "exact":
                data = np.load(path, allow_pickle=False)
                if data.ndim != 2 or data.shape[1] != self.dim + 2:
                    return f"index file has the wrong shape {data.shape}"
                ids = np.ascontiguousarray(data[:, :2]).view(np.int64).reshape(-1)
                self._set_exact(ids, np.ascontiguousarray(data[:, 2:]))
            else:
                import hnswlib

                index = hnswlib.Index(space="ip", dim=self.dim)
                index.load_index(str(path), allow_replace_deleted=True)
                self._hnsw = index
                self._mode = "hnsw"
                self._live = np.zeros(0, dtype=bool)
                self._count = 0
        except Exception as exc:  # a file that passed its checksum but still does not load
            return f"index file unreadable: {exc}"
        self.seq_high, self.generation = state.seq_high, state.generation
        return None

    def _catch_up(self, catalog: Catalog) -> tuple[int, int]:
        """Adds what the catalog wrote after the file was saved, drops what it deleted."""
        ids, vectors = catalog.vectors(self.model, since_seq=self.seq_high, dim=self.dim)
        seq_high = catalog.max_seq(self.model)
        generation = catalog.generation
        catalog_ids = catalog.embedding_ids(self.model)
        if self._mode == "hnsw":
            # The graph cannot tell which labels are deleted, so the catalog says which are live.
            index_ids = np.asarray(self._hnsw.get_ids_list(), dtype=np.int64)
            stale = np.setdiff1d(index_ids, catalog_ids, assume_unique=True)
            self._live = np.zeros(int(max(index_ids.max(initial=0), catalog_ids.max(initial=0))) + 1, dtype=bool)
            present = np.intersect1d(index_ids, catalog_ids, assume_unique=True)
            self._live[present] = True
            self._count = len(present)
            for label in stale:
                with contextlib.suppress(RuntimeError):  # already deleted
                    self._hnsw.mark_deleted(int(label))
            missing = np.setdiff1d(catalog_ids, index_ids, assume_unique=True)
            removed = len(stale)
        else:
            missing = np.setdiff1d(catalog_ids, self._ids, assume_unique=True)
            stale = np.setdiff1d(self._ids, catalog_ids, assume_unique=True)
            self._remove_unlocked(stale)
            removed = len(stale)
        missing = np.setdiff1d(missing, ids)
        if len(missing):
            extra_ids, extra = self._vectors_from_catalog(catalog, missing)
            ids = np.concatenate([ids, extra_ids])
            vectors = np.concatenate([vectors.reshape(-1, self.dim), extra])
        if len(ids):
            self._add_unlocked(ids, vectors)
        self.seq_high, self.generation = seq_high, generation
        self._dirty = self._dirty or bool(len(ids) or removed)
        return len(ids), removed

    def _vectors_from_catalog(self, catalog: Catalog, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids, vectors = catalog.vectors(self.model, dim=self.dim)
        keep = np.isin(ids, wanted)
        return ids[keep], vectors[keep]

    def _rebuild(self, catalog: Catalog) -> None:
        """Builds the index afresh from every vector in the catalog."""
        ids, vectors = catalog.vectors(self.model, dim=self.dim)
        self._hnsw = None
        self._mode = "exact"
        self._set_exact(np.zeros(0, dtype=np.int64), np.zeros((0, self.dim), dtype=np.float32))
        if len(ids) > self.exact_limit:
            self._build_hnsw(ids, vectors)
        else:
            self._set_exact(ids, vectors)
        self.seq_high = catalog.max_seq(self.model)
        self.generation = catalog.generation
        self._dirty = True

    def _set_exact(self, ids: np.ndarray, matrix: np.ndarray) -> None:
        self._mode = "exact"
        self._ids = np.asarray(ids, dtype=np.int64)
        self._matrix = np.ascontiguousarray(matrix, dtype=np.float32).reshape(-1, self.dim)
        self._rows = {int(i): r for r, i in enumerate(self._ids)}

    def _build_hnsw(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        import hnswlib

        index = hnswlib.Index(space="ip", dim=self.dim)
        index.init_index(
            max(1024, int(len(ids) * 1.25)), M=HNSW_M, ef_construction=HNSW_EF_CONSTRUCTION, allow_replace_deleted=True
        )
        self._hnsw = index
        self._mode = "hnsw"
        self._live = np.zeros(int(ids.max(initial=0)) + 1, dtype=bool)
        self._count = 0
        self._matrix, self._ids, self._rows = np.zeros((0, self.dim), dtype=np.float32), np.zeros(0, np.int64), {}
        if len(ids):
            self._add_unlocked(ids, vectors)

    def _maybe_switch_mode(self) -> None:
        if self._mode == "exact" and len(self._ids) > self.exact_limit:
            log.info("index %s: %d vectors, building the HNSW graph", self.model, len(self._ids))
            self._build_hnsw(self._ids.copy(), self._matrix.copy())
            self._dirty = True
        elif self._mode == "hnsw" and self._count < self.exact_limit // 2:
            ids = np.flatnonzero(self._live).astype(np.int64)
            vectors = self._hnsw.get_items(ids, return_type="numpy") if len(ids) else np.zeros((0, self.dim))
            self._hnsw = None
            self._set_exact(ids, np.asarray(vectors, dtype=np.float32))
            self._dirty = True

    # -- changes -----------------------------------------------------------------------------
    def add(self, ids: np.ndarray, vectors: np.ndarray, seq_high: int | None = None) -> None:
        """Adds (or replaces) vectors; ``seq_high`` is the catalog write they bring the index up to."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids):
            return
        with self._lock.write():
            self._add_unlocked(ids, np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dim))
            if seq_high is not None:
                self.seq_high = max(self.seq_high, seq_high)
            self._dirty = True
            self._maybe_switch_mode()

    def _add_unlocked(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        if self._mode == "exact":
            new_rows = []
            for i, (label, vector) in enumerate(zip(ids.tolist(), vectors, strict=True)):
                row = self._rows.get(label)
                if row is None:
                    new_rows.append(i)
                else:
                    self._matrix[row] = vector
            if new_rows:
                start = len(self._ids)
                self._ids = np.concatenate([self._ids, ids[new_rows]])
                self._matrix = np.concatenate([self._matrix, vectors[new_rows]])
                for offset, label in enumerate(ids[new_rows].tolist()):
                    self._rows[label] = start + offset
            return
        needed = self._hnsw.element_count + len(ids)
        if needed > self._hnsw.get_max_elements():
            self._hnsw.resize_index(max(needed, int(self._hnsw.get_max_elements() * 1.5)))
        top = int(ids.max())
        if top >= len(self._live):
            grown = np.zeros(max(top + 1, int(len(self._live) * 1.5)), dtype=bool)
            grown[: len(self._live)] = self._live
            self._live = grown
        fresh = ~self._live[ids]
        self._hnsw.add_items(vectors, ids, replace_deleted=True)
        self._live[ids] = True
        self._count += int(fresh.sum())

    def remove(self, ids: np.ndarray | list[int], generation: int | None = None) -> None:
        """Removes vectors (ids not in the index are ignored)."""
        ids = np.asarray(ids, dtype=np.int64)
        with self._lock.write():
            self._remove_unlocked(ids)
            if generation is not None:
                self.generation = generation
            self._dirty = True
            self._maybe_switch_mode()

    def _remove_unlocked(self, ids: np.ndarray) -> None:
        if self._mode == "exact":
            gone = {int(i) for i in ids if int(i) in self._rows}
            if not gone:
                return
            keep = np.array([int(i) not in gone for i in self._ids], dtype=bool)
            self._set_exact(self._ids[keep], self._matrix[keep])
            return
        for label in ids.tolist():
            if label < len(self._live) and self._live[label]:
                self._hnsw.mark_deleted(label)
                self._live[label] = False
                self._count -= 1

    # -- queries -----------------------------------------------------------------------------
    def search(
        self, query: np.ndarray, k: int, *, allowed: np.ndarray | None = None, ef: int = EF_TEXT
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` ids with the largest inner product with ``query``, and those products.

        ``allowed`` restricts the search to those ids (a folder or date filter).
        """
        query = np.asarray(query, dtype=np.float32).reshape(self.dim)
        with self._lock.read():
            if self._mode == "exact":
                if allowed is not None:
                    mask = np.isin(self._ids, allowed)
                    return _top_k(self._ids[mask], self._matrix[mask] @ query, k)
                return _top_k(self._ids, self._matrix @ query, k)
            if allowed is not None:
                allowed = np.asarray(allowed, dtype=np.int64)
                allowed = allowed[(allowed < len(self._live))]
                allowed = allowed[self._live[allowed]]
                if len(allowed) <= FILTER_EXACT_LIMIT:
                    vectors = self._hnsw.get_items(allowed, return_type="numpy") if len(allowed) else None
                    if vectors is None:
                        return np.zeros(0, np.int64), np.zeros(0, np.float32)
                    return _top_k(allowed, np.asarray(vectors, dtype=np.float32) @ query, k)
                mask = np.zeros(len(self._live), dtype=bool)
                mask[allowed] = True
                return self._knn(query, min(k, len(allowed)), max(ef, 2 * k), lambda label: bool(mask[label]))
            return self._knn(query, min(k, self._count), max(ef, k), None)

    def _knn(self, query: np.ndarray, k: int, ef: int, keep: object) -> tuple[np.ndarray, np.ndarray]:
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        # ef is per query here: hnswlib resets it on load and it is shared by the index, so set it
        # every time (a float store; cheap) rather than trust an earlier call.
        self._hnsw.set_ef(max(ef, k))
        labels, distances = self._hnsw.knn_query(query, k=k, num_threads=1, filter=keep)
        return labels[0].astype(np.int64), (1.0 - distances[0]).astype(np.float32)

    def get_vectors(self, ids: np.ndarray | list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(ids found, their vectors) for the ids that are in the index."""
        ids = np.asarray(ids, dtype=np.int64)
        with self._lock.read():
            if self._mode == "exact":
                rows = [self._rows[i] for i in ids.tolist() if i in self._rows]
                found = self._ids[rows] if rows else np.zeros(0, np.int64)
                return found, self._matrix[rows] if rows else np.zeros((0, self.dim), np.float32)
            found = ids[(ids < len(self._live))]
            found = found[self._live[found]]
            if not len(found):
                return found, np.zeros((0, self.dim), np.float32)
            return found, np.asarray(self._hnsw.get_items(found, return_type="numpy"), dtype=np.float32)

    def ids(self) -> np.ndarray:
        """Every id in the index."""
        with self._lock.read():
            return self._ids.copy() if self._mode == "exact" else np.flatnonzero(self._live).astype(np.int64)

    # -- saving ------------------------------------------------------------------------------
    def save(self) -> None:
        """Writes the index atomically (temporary file, fsync, rename) and then its sidecar.

        Searches go on while it is written; additions wait. On failure (disk full) the previous
        files stay as they were.
        """
        with self._save_lock, self._lock.read():
            if not self._dirty and self.state_path.exists():
                return
            mode = self._mode
            path = self.data_path(mode)
            if mode == "exact":
                packed = np.empty((len(self._ids), self.dim + 2), dtype=np.float32)
                packed[:, :2] = self._ids.reshape(-1, 1).view(np.float32)
                packed[:, 2:] = self._matrix
                # ids travel as raw int64 bits in the first two float32 columns
                atomic_write(path, lambda p: _save_npy(p, packed))
            else:
                atomic_write(path, lambda p: self._hnsw.save_index(str(p)))
            state = IndexState(
                self.model, self.dim, mode, self.seq_high, self.generation, len(self), file_checksum(path)
            )
            atomic_write_bytes(self.state_path, json.dumps(asdict(state), indent=1).encode())
            self._dirty = False
        other = self.data_path("exact" if mode == "hnsw" else "hnsw")
        other.unlink(missing_ok=True)

    @property
    def dirty(self) -> bool:
        """True when there are changes not yet saved."""
        return self._dirty


def _save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as handle:
        np.save(handle, array, allow_pickle=False)


def _top_k(ids: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    if k <= 0 or not len(ids):
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    if k < len(scores):
        part = np.argpartition(-scores, k - 1)[:k]
        order = part[np.argsort(-scores[part], kind="stable")]
    else:
        order = np.argsort(-scores, kind="stable")
    return ids[order], scores[order].astype(np.float32)
