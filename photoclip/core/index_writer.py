"""Storing what indexing found: the last part of the pipeline, and the only writer of the run.

It runs on the thread that called the indexer, so the catalog and the vector index are written
by one thread only. Embedded batches are committed whole (a stopped run loses at most one).
"""

from __future__ import annotations

import numpy as np

from photoclip.core.catalog import Catalog
from photoclip.core.errors import DiskFull
from photoclip.core.index_progress import IndexReport
from photoclip.core.photo_reader import ReadKind, ReadPhoto
from photoclip.core.scanner import offline_reason
from photoclip.core.vectors import VectorIndex


class IndexWriter:
    """Applies reads to the catalog and the index: moves, copies, errors, and embedded batches."""

    def __init__(
        self,
        catalog: Catalog,
        index: VectorIndex,
        model_id: str,
        report: IndexReport,
        vanished_by_fingerprint: dict[str, list[int]],
    ) -> None:
        self.catalog = catalog
        self.index = index
        self.model_id = model_id
        self.report = report
        self.vanished = vanished_by_fingerprint
        self.claimed: set[int] = set()  # vanished photos found again under a new name
        self.went_offline: set[int] = set()  # roots found offline when their photos could not be read

    def store_batch(self, photos: list[ReadPhoto], vectors: np.ndarray) -> None:
        """Stores an embedded batch: metadata and vectors in one transaction, then the index."""
        self.catalog.store_indexed(
            [(p.photo.id, p.meta, v) for p, v in zip(photos, vectors, strict=True)],  # type: ignore[misc]
            self.model_id,
        )
        ids = np.array([p.photo.id for p in photos], dtype=np.int64)
        self.index.add(ids, vectors, seq_high=self.catalog.max_seq(self.model_id))
        self.report.embedded += len(photos)
        self.report.photo_ids += ids.tolist()

    def apply(self, read: ReadPhoto) -> None:
        """Applies one read that needs no model (moves, copies, errors, vanished, a full disk)."""
        photo, report = read.photo, self.report
        if read.kind == ReadKind.MOVE:
            candidates = [pid for pid in self.vanished.get(read.fingerprint, []) if pid not in self.claimed]
            if candidates:
                original = candidates[0]
                self.claimed.add(original)
                # The pending row of the new name is merged into the original photo (it had no vector).
                self.catalog.move_photo(original, photo.root_id, photo.relpath, photo.size, photo.mtime_ns)
                report.moved += 1
                report.new -= 1
                report.photo_ids.append(original)
                return
            # Both names now exist (a copy of a moved photo): treat it as a copy of the first.
            read.kind, read.source_id = ReadKind.COPY, self.vanished[read.fingerprint][0]
        if read.kind == ReadKind.COPY:
            self.catalog.copy_photo_data(read.source_id, photo.id)
            vector = self.catalog.vector(photo.id, self.model_id)
            if vector is not None:
                self.index.add(np.array([photo.id]), vector[None, :], seq_high=self.catalog.max_seq(self.model_id))
            report.copied += 1
            report.photo_ids.append(photo.id)
        elif read.kind == ReadKind.ERROR:
            self.catalog.set_error(photo.id, read.reason)
            report.errors += 1
        elif read.kind == ReadKind.GONE:
            # Deleted or moved away mid-run, or its drive was unplugged: nothing wrong with the photo.
            # It stays as it is; the next scan finds where it went (or that its folder is offline).
            report.vanished += 1
            if photo.root_id in self.went_offline:
                return  # known already: no need to look at the folder again for each of its photos
            root = self.catalog.root(photo.root_id)
            if root is not None and offline_reason(root, 1):
                self.catalog.set_root_online(root.id, False)
                self.went_offline.add(root.id)
        elif read.kind == ReadKind.DISK_FULL:
            raise DiskFull(
                f"The disk is full ({read.reason}). What was indexed so far is kept; free some space "
                "and run the index again to carry on."
            )
