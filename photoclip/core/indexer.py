"""Indexing: find what changed in the watched folders, read and embed what is new, keep the rest.

The pipeline, one part per module: a scan (stat only; :mod:`scanner`) finds new, changed and
vanished files; a pool of decode threads reads each new file once (:mod:`photo_reader`:
fingerprint, reduced-size decode, grid thumbnail, model input); batches go through the model
(:mod:`embed_batcher`); and the calling thread stores the results (:mod:`index_writer`), the only
writer of the catalog and the vector index. The decode threads share one memory budget
(``decode_memory.DECODE_MEMORY``): a small file holding a huge picture waits its turn rather than
being decoded next to several others.

A file whose bytes match a photo that vanished in the same run is a move: the photo keeps its id,
vector and tags. A file whose bytes match a photo already embedded is a copy: it gets that vector.
Work is committed batch by batch, so a stopped run loses at most one batch and the next run picks
up exactly the photos that still have no vector.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.core.atomic import remove_stale_temporaries
from photoclip.core.catalog import Catalog
from photoclip.core.embed_batcher import EmbedBatcher
from photoclip.core.images import PERMISSION_DENIED
from photoclip.core.index_progress import IndexProgress, IndexReport, Phase, ProgressCallback, Rate
from photoclip.core.index_writer import IndexWriter
from photoclip.core.photo_reader import PhotoReader, ReadKind
from photoclip.core.records import PhotoRow, PhotoStatus, Root
from photoclip.core.scanner import diff_root, offline_reason
from photoclip.core.vectors import VectorIndex

if TYPE_CHECKING:
    from photoclip.core.models.engine import Engine

__all__ = ["IndexProgress", "IndexReport", "Indexer", "Phase", "ProgressCallback"]

log = logging.getLogger(__name__)


class Indexer:
    """Runs indexing passes over a library. One run at a time; the caller's thread is the writer."""

    def __init__(
        self,
        catalog: Catalog,
        index_for: Callable[[str], VectorIndex],
        model_provider: Callable[[], Engine],
        model_id: str,
        thumbnails: Path,
        *,
        decode_workers: int = 2,
        batch_size: int = 32,
        save_every_s: float = 60.0,
    ) -> None:
        self.catalog = catalog
        self.index_for = index_for
        self.model_provider = model_provider
        self.model_id = model_id
        self.thumbnails = thumbnails
        self.decode_workers = max(1, decode_workers)
        self.batch_size = max(1, batch_size)
        self.save_every_s = save_every_s

    # -- the scan ----------------------------------------------------------------------------
    def scan(
        self, roots: Iterable[Root], report: IndexReport, index: VectorIndex, under: dict[int, list[str]] | None = None
    ) -> dict[int, PhotoRow]:
        """Applies what changed on disk to the catalog; returns the vanished photos by id.

        ``under`` limits a root's scan to some of its sub-folders (what the folder watcher saw).
        Vanished photos stay in the catalog until the embed phase has had the chance to find
        them again under a new name.
        """
        root_counts = self.catalog.root_counts()
        vanished: list[int] = []
        for root in roots:
            report.roots += 1
            reason = offline_reason(root, root_counts.get(root.id, 0))
            if reason:
                self.catalog.set_root_online(root.id, False)
                report.offline.append(f"{root.path}: {reason}")
                continue
            unreadable = False
            for part in (under or {}).get(root.id, [""]):
                self._retry_allowed(root, part)
                diff = diff_root(self.catalog, root, part)
                report.walk_errors += diff.walk_errors
                report.skipped += diff.skipped
                if "" in diff.unreachable:  # the watched folder itself cannot be listed
                    unreadable = True
                    report.offline.append(f"{root.path}: folder cannot be read ({diff.unreachable['']})")
                    continue
                self.catalog.set_unreachable(root.id, part, diff.unreachable)
                self.catalog.add_pending(root.id, ((f.relpath, f.size, f.mtime_ns) for f in diff.new))
                self.catalog.mark_changed((pid, f.size, f.mtime_ns) for pid, f in diff.changed)
                if diff.changed:  # their old vectors must not answer searches any more
                    index.remove([pid for pid, _ in diff.changed], generation=self.catalog.generation)
                report.new += len(diff.new)
                report.changed += len(diff.changed)
                report.unchanged += diff.unchanged
                vanished += diff.vanished
            if unreadable:
                self.catalog.set_root_online(root.id, False)
                continue
            if not root.online:
                self.catalog.set_root_online(root.id, True)
            if not under:
                self.catalog.set_root_scanned(root.id)
        return {p.id: p for p in self.catalog.photos_by_ids(vanished)}

    def _retry_allowed(self, root: Root, part: str) -> None:
        """Puts back to be read the photos of a root (or its sub-folder ``part``) that their
        permissions refused and now allow: a chmod leaves a file's date alone."""
        prefix = part.strip("/") + "/" if part.strip("/") else ""
        allowed = [
            photo_id
            for photo_id, relpath in self.catalog.refused(root.id, PERMISSION_DENIED)
            if relpath.startswith(prefix) and os.access(root.path / relpath, os.R_OK)
        ]
        if allowed:
            self.catalog.retry(allowed)

    # -- a whole run -------------------------------------------------------------------------
    def run(
        self,
        roots: Iterable[Root] | None = None,
        *,
        under: dict[int, list[str]] | None = None,
        progress: ProgressCallback | None = None,
        stop: threading.Event | None = None,
        pause: threading.Event | None = None,
    ) -> IndexReport:
        """Scans ``roots`` (default: all) and indexes what needs it. Safe to stop at any moment."""
        started = time.monotonic()
        report = IndexReport()
        claimed: set[int] = set()
        stop = stop or threading.Event()
        notify = progress or (lambda _p: None)
        roots = list(self.catalog.roots() if roots is None else roots)
        notify(IndexProgress(Phase.SCANNING))
        self._remove_leftover_thumbnails()
        index = self.index_for(self.model_id)
        vanished = self.scan(roots, report, index, under)
        online_ids = [r.id for r in self.catalog.roots() if r.online and r.id in {x.id for x in roots}]
        work = [p for p in self.catalog.photos_needing_embedding(self.model_id, online_ids) if p.id not in vanished]
        if work and not stop.is_set():
            notify(IndexProgress(Phase.LOADING_MODEL, total=len(work)))
            model = self.model_provider()
            embed_started = time.monotonic()
            claimed = self._embed(work, vanished, model, index, report, notify, stop, pause)
            report.embed_seconds = time.monotonic() - embed_started
        if not stop.is_set():
            # Not those of a root that is offline now: gone from a folder that vanished after the scan
            # looked at it (unplugged mid-scan: the walk then finds nothing), they are still there.
            gone_from = {photo.root_id for pid, photo in vanished.items() if pid not in claimed}
            offline = {r.id for r in self.catalog.roots() if r.id in gone_from and offline_reason(r, 1)}
            gone = [pid for pid, photo in vanished.items() if pid not in claimed and photo.root_id not in offline]
            if gone:
                self.catalog.delete_photos(gone)
                index.remove(gone, generation=self.catalog.generation)
                report.deleted = len(gone)
        report.cancelled = stop.is_set()
        notify(IndexProgress(Phase.SAVING, done=report.embedded, total=len(work)))
        index.save()
        report.index_status = index.last_open
        report.seconds = time.monotonic() - started
        notify(
            IndexProgress(
                Phase.DONE,
                done=report.embedded + report.moved + report.copied + report.errors,
                total=len(work),
                errors=report.errors,
            )
        )
        return report

    def _remove_leftover_thumbnails(self) -> None:
        """Half-written thumbnails of a run that was killed (their writer is gone)."""
        try:
            folders = [entry.path for entry in os.scandir(self.thumbnails) if entry.is_dir()]
        except OSError:
            return
        for folder in folders:
            remove_stale_temporaries(Path(folder))

    # -- reading, embedding, storing ---------------------------------------------------------
    def _embed(
        self,
        work: list[PhotoRow],
        vanished: dict[int, PhotoRow],
        model: Engine,
        index: VectorIndex,
        report: IndexReport,
        notify: ProgressCallback,
        stop: threading.Event,
        pause: threading.Event | None,
    ) -> set[int]:
        """Reads, embeds and stores ``work``; returns the vanished photos found again (moves)."""
        vanished_by_fp: dict[str, list[int]] = collections.defaultdict(list)
        for photo in vanished.values():
            if photo.fingerprint and photo.status == PhotoStatus.OK:
                vanished_by_fp[photo.fingerprint].append(photo.id)
        reader = PhotoReader(
            self.catalog,
            self.model_id,
            self.thumbnails,
            model.prepare,
            model.min_short_side,
            vanished_by_fp,
            workers=self.decode_workers,
        )
        writer = IndexWriter(self.catalog, index, self.model_id, report, vanished_by_fp)
        batcher = EmbedBatcher(model.encode_images, writer.store_batch, self.batch_size)
        rate = Rate()
        last_save = time.monotonic()
        in_flight = max(2 * self.batch_size, 4 * self.decode_workers)
        read_ids: set[int] = set()  # photos read (embedded, moved, copied, unreadable): not left to do
        for done, read in enumerate(reader.read_all(work, stop, in_flight), start=1):
            if read.kind == ReadKind.EMBED:
                batcher.add(read)
            else:
                writer.apply(read)
            if read.kind != ReadKind.GONE:
                read_ids.add(read.photo.id)
            speed = rate.add(done)
            eta = (len(work) - done) / speed if speed else None
            notify(IndexProgress(Phase.INDEXING, done, len(work), speed, eta, report.errors, read.photo.relpath))
            while pause is not None and pause.is_set() and not stop.is_set():
                notify(IndexProgress(Phase.INDEXING, done, len(work), 0.0, None, report.errors, "", paused=True))
                batcher.flush()
                stop.wait(0.2)
            if time.monotonic() - last_save > self.save_every_s:
                batcher.flush()
                index.save()
                last_save = time.monotonic()
        batcher.flush()
        self._report_went_offline(writer.went_offline, work, read_ids, report)
        return writer.claimed

    def _report_went_offline(
        self, root_ids: set[int], work: list[PhotoRow], read_ids: set[int], report: IndexReport
    ) -> None:
        """Says which roots went offline during the run and how many of their photos wait for
        them: a folder unplugged mid-run otherwise ended with "217 indexed", as if all was done."""
        for root_id in sorted(root_ids):
            root = self.catalog.root(root_id)
            if root is not None:
                left = sum(1 for p in work if p.root_id == root_id and p.id not in read_ids)
                report.went_offline[str(root.path)] = left
