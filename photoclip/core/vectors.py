"""The vector index of one model: exact search for small libraries, an HNSW graph for large ones.

The catalog holds every vector; the files here are derived from it and can always be rebuilt.
Each file has a JSON sidecar with a checksum and the catalog position (``seq_high``,
``generation``) it reflects, so opening an index brings it up to date with what the catalog
gained or lost since, and a damaged, missing or foreign file is rebuilt rather than trusted.

Below ``exact_limit`` vectors a plain matrix-vector product (:class:`ExactIndex`) is as fast as a
graph search and is exact; above it an HNSW graph (:class:`HnswIndex`) answers and its candidates
carry exact inner products. :class:`VectorIndex` owns whichever is in use: the files, the catalog
sync, the switch between the two, and the locking (hnswlib must not add and search at once).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core.atomic import atomic_write, atomic_write_bytes, file_checksum, remove_stale_temporaries
from photoclip.core.exact_index import ExactIndex
from photoclip.core.hnsw_index import HNSW_EF_CONSTRUCTION, HNSW_M, HnswIndex
from photoclip.core.records import IndexMode
from photoclip.core.rwlock import ReadWriteLock

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog

__all__ = ["EF_IMAGE", "EF_TEXT", "EXACT_LIMIT", "HNSW_EF_CONSTRUCTION", "HNSW_M", "VectorIndex", "text_ef"]

log = logging.getLogger(__name__)

#: Below this many vectors search is exact (see benchmarks/README.md for where the crossover is).
EXACT_LIMIT = 30_000
#: ef for text queries (the least; see text_ef): they lie outside the image graph's distribution
#: and need a wider beam than image queries.
EF_TEXT = 400
EF_TEXT_MAX = 5000
EF_IMAGE = 200
#: Version of the files. 2: HNSW graphs without slot reuse (files of version 1 may hold the
#: replace-deleted label bug and are rebuilt once).
FILE_FORMAT = 2


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
    mode: str  # an IndexMode
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
        #: Set when the catalog holds fewer vectors than this index had seen (a damaged -wal file).
        self.lost_from_catalog = 0
        self._lock = ReadWriteLock()
        self._save_lock = threading.Lock()  # one save at a time; searches still run alongside it
        self._dirty = False
        self._impl: ExactIndex | HnswIndex = ExactIndex(dim)

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
        suffix = "hnsw" if (mode or self.mode) == IndexMode.HNSW else "exact.npy"
        return self.directory / f"{self._slug}.{suffix}"

    @property
    def mode(self) -> IndexMode:
        """Exact search or an HNSW graph."""
        return self._impl.mode

    def __len__(self) -> int:
        return len(self._impl)

    @classmethod
    def from_vectors(
        cls, directory: Path, model: str, ids: np.ndarray, vectors: np.ndarray, *, exact_limit: int = EXACT_LIMIT
    ) -> VectorIndex:
        """An index built straight from vectors (benchmarks; the library builds from its catalog)."""
        index = cls(directory, model, np.asarray(vectors).shape[1], exact_limit=exact_limit)
        with index._lock.write():
            index._impl = index._build(np.asarray(ids, dtype=np.int64), np.asarray(vectors, dtype=np.float32))
            index._dirty = True
        return index

    def _build(self, ids: np.ndarray, vectors: np.ndarray) -> ExactIndex | HnswIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(ids) > self.exact_limit:
            log.info("index %s: building the HNSW graph of %d vectors", self.model, len(ids))
            return HnswIndex.build(self.dim, ids, vectors)
        return ExactIndex(self.dim, ids, vectors)

    # -- opening and syncing -----------------------------------------------------------------
    def open(self, catalog: Catalog) -> str:
        """Loads the index file and brings it in step with the catalog; rebuilds when it must.

        Returns a short account of what happened (also kept in ``last_open``). Opening never
        needs to write: when the brought-up-to-date index cannot be saved (a full disk, a
        read-only library), it is kept in memory and saved by a later change.
        """
        remove_stale_temporaries(self.directory)
        with self._lock.write():
            catalog_ids = catalog.embedding_ids(self.model)
            reason = self._load(catalog_ids)
            if reason:
                self._rebuild(catalog)
                self.last_open = f"rebuilt ({reason})"
            else:
                added, removed = self._catch_up(catalog, catalog_ids)
                self.last_open = f"loaded, +{added} -{removed} since last save"
            self._maybe_reshape()
        if self.lost_from_catalog:
            self.last_open += (
                f"; the catalog has lost {self.lost_from_catalog} vectors it had written "
                "(its -wal file was damaged or removed): run 'photoclip index' to make them again"
            )
            log.warning("index %s: %s", self.model, self.last_open)
        if self._dirty:
            try:
                self.save()
            except OSError as exc:
                log.warning("index %s: kept in memory, not saved (%s)", self.model, exc.strerror or exc)
        log.info("index %s: %s", self.model, self.last_open)
        return self.last_open

    def _load(self, catalog_ids: np.ndarray) -> str | None:
        """Loads the files; returns why they cannot be used, or None when they were loaded."""
        try:
            state = IndexState(**json.loads(self.state_path.read_text()))
        except FileNotFoundError:
            return "no index file yet"
        except (ValueError, TypeError, OSError) as exc:
            return f"unreadable sidecar: {exc}"
        if state.model != self.model or state.dim != self.dim:
            return f"the file belongs to {state.model} ({state.dim}-d)"
        if state.mode == IndexMode.HNSW and state.format < FILE_FORMAT:
            return "graph written by an older photoclip"
        path = self.data_path(state.mode)
        try:
            if not path.is_file():
                return "index file missing"
            if file_checksum(path) != state.checksum:
                return "index file damaged (checksum mismatch)"
            if state.mode == IndexMode.EXACT:
                self._impl = ExactIndex.read(path, self.dim)
            else:
                self._impl = HnswIndex.read(
                    path, self.dim, lambda labels: np.intersect1d(labels, catalog_ids, assume_unique=True)
                )
        except Exception as exc:  # a file that passed its checksum but still does not load
            self._impl = ExactIndex(self.dim)
            return f"index file unreadable: {exc}"
        self.seq_high, self.generation = state.seq_high, state.generation
        return None

    def _catch_up(self, catalog: Catalog, catalog_ids: np.ndarray) -> tuple[int, int]:
        """Adds what the catalog wrote after the file was saved, drops what it deleted."""
        seq_high = catalog.max_seq(self.model)
        if seq_high < self.seq_high:
            # The catalog is behind the index: writes it had committed are gone (a -wal file lost).
            known = self._impl.ids()
            self.lost_from_catalog = len(np.setdiff1d(known, catalog_ids, assume_unique=True)) or (
                self.seq_high - seq_high
            )
        ids, vectors = catalog.vectors(self.model, since_seq=self.seq_high, dim=self.dim)
        stale = np.setdiff1d(self._impl.ids(), catalog_ids, assume_unique=True)
        self._impl.remove(stale)
        missing = np.setdiff1d(np.setdiff1d(catalog_ids, self._impl.ids(), assume_unique=True), ids)
        if len(missing):
            extra_ids, extra = self._vectors_from_catalog(catalog, missing)
            ids = np.concatenate([ids, extra_ids])
            vectors = np.concatenate([vectors.reshape(-1, self.dim), extra])
        if len(ids):
            self._impl.add(ids, np.ascontiguousarray(vectors, dtype=np.float32))
        self.seq_high, self.generation = seq_high, catalog.generation
        self._dirty = self._dirty or bool(len(ids) or len(stale))
        return len(ids), len(stale)

    def _vectors_from_catalog(self, catalog: Catalog, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        ids, vectors = catalog.vectors(self.model, dim=self.dim)
        keep = np.isin(ids, wanted)
        return ids[keep], vectors[keep]

    def _rebuild(self, catalog: Catalog) -> None:
        """Builds the index afresh from every vector in the catalog."""
        ids, vectors = catalog.vectors(self.model, dim=self.dim)
        self._impl = self._build(ids, vectors)
        self.seq_high = catalog.max_seq(self.model)
        self.generation = catalog.generation
        self._dirty = True

    def _maybe_reshape(self) -> None:
        """Switches between exact and HNSW as the count crosses the limit; compacts a sparse graph."""
        impl = self._impl
        if isinstance(impl, ExactIndex) and len(impl) > self.exact_limit:
            self._impl = self._build(*impl.all_vectors())
        elif isinstance(impl, HnswIndex) and len(impl) < self.exact_limit // 2:
            self._impl = ExactIndex(self.dim, *impl.all_vectors())
        elif isinstance(impl, HnswIndex) and impl.needs_compaction():
            log.info("index %s: compacting the graph (%d deleted slots)", self.model, impl.deleted_slots)
            self._impl = impl.compacted()
        else:
            return
        self._dirty = True

    # -- changes -----------------------------------------------------------------------------
    def add(self, ids: np.ndarray | list[int], vectors: np.ndarray, seq_high: int | None = None) -> None:
        """Adds (or replaces) vectors; ``seq_high`` is the catalog write they bring the index up to."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        # One id twice in a batch: the later vector wins, as if added one after the other.
        _, last = np.unique(ids[::-1], return_index=True)
        if len(last) != len(ids):
            keep = np.sort(len(ids) - 1 - last)
            ids, vectors = ids[keep], vectors[keep]
        with self._lock.write():
            self._impl.add(ids, vectors)
            if seq_high is not None:
                self.seq_high = max(self.seq_high, seq_high)
            self._dirty = True
            self._maybe_reshape()

    def remove(self, ids: np.ndarray | list[int], generation: int | None = None) -> None:
        """Removes vectors (ids not in the index are ignored)."""
        with self._lock.write():
            self._impl.remove(np.asarray(ids, dtype=np.int64))
            if generation is not None:
                self.generation = generation
            self._dirty = True
            self._maybe_reshape()

    # -- queries -----------------------------------------------------------------------------
    def search(
        self, query: np.ndarray, k: int, *, allowed: np.ndarray | None = None, ef: int = EF_TEXT
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` ids with the largest inner product with ``query``, and those products.

        ``allowed`` restricts the search to those ids (a folder or date filter).
        """
        query = np.asarray(query, dtype=np.float32).reshape(self.dim)
        with self._lock.read():
            return self._impl.search(query, k, allowed, ef)

    def get_vectors(self, ids: np.ndarray | list[int]) -> tuple[np.ndarray, np.ndarray]:
        """(ids found, their vectors) for the ids that are in the index."""
        with self._lock.read():
            return self._impl.get_vectors(np.asarray(ids, dtype=np.int64))

    def sample(self, count: int) -> np.ndarray:
        """Up to ``count`` of the index's vectors, picked at random but the same for the same index:
        what a query's ordinary level over the library is measured on."""
        with self._lock.read():
            return self._impl.sample(count)

    def ids(self) -> np.ndarray:
        """Every id in the index."""
        with self._lock.read():
            return self._impl.ids()

    # -- saving ------------------------------------------------------------------------------
    def save(self) -> None:
        """Writes the index atomically (temporary file, fsync, rename) and then its sidecar.

        Searches go on while it is written; additions wait. On failure (disk full) the previous
        files stay as they were and the error is raised.
        """
        with self._save_lock, self._lock.read():
            if not self._dirty and self.state_path.exists():
                return
            impl = self._impl
            path = self.data_path(impl.mode)
            atomic_write(path, impl.write)
            state = IndexState(
                self.model,
                self.dim,
                impl.mode,
                self.seq_high,
                self.generation,
                len(impl),
                file_checksum(path),
                FILE_FORMAT,
            )
            atomic_write_bytes(self.state_path, json.dumps(asdict(state), indent=1).encode())
            self._dirty = False
        other = self.data_path(IndexMode.EXACT if impl.mode == IndexMode.HNSW else IndexMode.HNSW)
        other.unlink(missing_ok=True)

    @property
    def dirty(self) -> bool:
        """True when there are changes not yet saved."""
        return self._dirty
