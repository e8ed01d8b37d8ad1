"""Indexing: find what changed in the watched folders, read and embed what is new, keep the rest.

The pipeline: a scan (stat only) finds new, changed and vanished files; a small pool of decode
threads reads each new file once, fingerprints its bytes, decodes it at reduced scale, writes its
grid thumbnail and prepares the model input; the calling thread batches those inputs through the
model and is the only writer of the catalog and the vector index. The decode threads share one
memory budget (``decode_memory.DECODE_MEMORY``): a small file holding a huge picture waits its turn
rather than being decoded next to several others.

A file whose bytes match a photo that vanished in the same run is a move: the photo keeps its id,
vector and tags. A file whose bytes match a photo already embedded is a copy: it gets that vector.
Work is committed batch by batch, so a stopped run loses at most one batch and the next run picks
up exactly the photos that still have no vector.
"""

from __future__ import annotations

import collections
import concurrent.futures as futures
import errno
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from photoclip.core import images
from photoclip.core.atomic import remove_stale_temporaries
from photoclip.core.catalog import Catalog, PhotoMetadata, PhotoRow, Root
from photoclip.core.errors import DiskFull, FileVanished, ImageError
from photoclip.core.scanner import diff_root, offline_reason
from photoclip.core.vectors import VectorIndex

if TYPE_CHECKING:
    from photoclip.core.models.engine import Engine

log = logging.getLogger(__name__)


@dataclass
class IndexProgress:
    """A progress report, sent often during a run (from the indexing thread)."""

    phase: str  # "scanning", "loading model", "indexing", "saving", "done"
    done: int = 0
    total: int = 0
    rate: float = 0.0  # photos per second, recent
    eta_s: float | None = None
    errors: int = 0
    current: str = ""
    paused: bool = False


@dataclass
class IndexReport:
    """What a run did."""

    roots: int = 0
    offline: list[str] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    moved: int = 0
    copied: int = 0
    deleted: int = 0
    embedded: int = 0
    errors: int = 0
    unchanged: int = 0
    vanished: int = 0  # files gone between the scan and their reading (left for the next scan)
    seconds: float = 0.0
    embed_seconds: float = 0.0  # the reading-and-embedding phase alone
    cancelled: bool = False
    index_status: str = ""
    walk_errors: list[str] = field(default_factory=list)
    photo_ids: list[int] = field(default_factory=list)  # photos embedded, moved or copied

    @property
    def rate(self) -> float:
        """Photos embedded per second while embedding (model loading and the scan not counted)."""
        return self.embedded / self.embed_seconds if self.embed_seconds else 0.0


ProgressCallback = Callable[[IndexProgress], None]


@dataclass
class _Item:
    photo: PhotoRow
    kind: str  # "embed", "move", "copy", "error"
    fingerprint: str = ""
    tensor: Any = None
    meta: PhotoMetadata | None = None
    source_id: int = 0
    reason: str = ""


class _Rate:
    """Photos per second over the last few seconds, for the progress bar and time left."""

    def __init__(self, window: float = 8.0) -> None:
        self.window = window
        self.marks: collections.deque[tuple[float, int]] = collections.deque()

    def add(self, done: int) -> float:
        now = time.monotonic()
        self.marks.append((now, done))
        while len(self.marks) > 2 and now - self.marks[0][0] > self.window:
            self.marks.popleft()
        (t0, d0), (t1, d1) = self.marks[0], self.marks[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0


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
                diff = diff_root(self.catalog, root, part)
                report.walk_errors += diff.walk_errors
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
        self._claimed: set[int] = set()
        stop = stop or threading.Event()
        notify = progress or (lambda _p: None)
        roots = list(self.catalog.roots() if roots is None else roots)
        notify(IndexProgress("scanning"))
        self._remove_leftover_thumbnails()
        index = self.index_for(self.model_id)
        vanished = self.scan(roots, report, index, under)
        online_ids = [r.id for r in self.catalog.roots() if r.online and r.id in {x.id for x in roots}]
        work = [p for p in self.catalog.photos_needing_embedding(self.model_id, online_ids) if p.id not in vanished]
        if work and not stop.is_set():
            notify(IndexProgress("loading model", total=len(work)))
            model = self.model_provider()
            embed_started = time.monotonic()
            self._embed(work, vanished, model, index, report, notify, stop, pause)
            report.embed_seconds = time.monotonic() - embed_started
        if not stop.is_set():
            gone = [pid for pid in vanished if pid not in self._claimed]
            if gone:
                self.catalog.delete_photos(gone)
                index.remove(gone, generation=self.catalog.generation)
                report.deleted = len(gone)
        report.cancelled = stop.is_set()
        notify(IndexProgress("saving", done=report.embedded, total=len(work)))
        index.save()
        report.index_status = index.last_open
        report.seconds = time.monotonic() - started
        notify(
            IndexProgress(
                "done",
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

    # -- reading and embedding ---------------------------------------------------------------
    def _read(
        self, photo: PhotoRow, vanished_by_fp: dict[str, list[int]], min_short_side: int, prepare: Callable[[Any], Any]
    ) -> _Item:
        """Runs in a decode thread: read once, fingerprint, and decode only if the bytes are new."""
        try:
            data = images.read_bytes(photo.path)
            fp = images.fingerprint(data)
            if fp in vanished_by_fp:
                return _Item(photo, "move", fp)
            for other in self.catalog.photos_with_fingerprint(fp):
                if (
                    other.id != photo.id
                    and other.status == "ok"
                    and self.catalog.vector(other.id, self.model_id) is not None
                ):
                    return _Item(photo, "copy", fp, source_id=other.id)
            decoded = images.decode(data, min_short_side=min_short_side, name=photo.relpath)
            thumb = images.thumbnail_path(self.thumbnails, fp)
            if not thumb.exists():
                images.write_thumbnail(self.thumbnails, fp, decoded.image)
            taken_at = decoded.taken_at if decoded.taken_at is not None else images.file_time_seconds(photo.mtime_ns)
            meta = PhotoMetadata(fp, decoded.width, decoded.height, taken_at, decoded.date_source)
            return _Item(photo, "embed", fp, tensor=prepare(decoded.image), meta=meta)
        except FileVanished:
            return _Item(photo, "gone")
        except ImageError as exc:
            return _Item(photo, "error", reason=str(exc))
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                return _Item(photo, "disk full", reason=str(exc))
            return _Item(photo, "error", reason=f"could not read or write ({exc.strerror or exc})")
        except MemoryError:
            return _Item(photo, "error", reason="too large to decode in the memory available")
        except Exception as exc:  # a decoder bug must cost one photo, never the run
            log.exception("unexpected error reading %s", photo.path)
            return _Item(photo, "error", reason=f"unexpected error: {type(exc).__name__}: {exc}")

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
    ) -> None:
        vanished_by_fp: dict[str, list[int]] = collections.defaultdict(list)
        for photo in vanished.values():
            if photo.fingerprint and photo.status == "ok":
                vanished_by_fp[photo.fingerprint].append(photo.id)
        min_side = max(model.min_short_side, images.THUMBNAIL_SIZE)
        rate = _Rate()
        done = 0
        batch: list[_Item] = []
        last_save = time.monotonic()

        def flush() -> None:
            nonlocal batch
            if not batch:
                return
            vectors = model.encode_images(np.stack([item.tensor for item in batch]))
            self.catalog.store_indexed(
                [(i.photo.id, i.meta, v) for i, v in zip(batch, vectors, strict=True)], self.model_id
            )
            index.add(np.array([i.photo.id for i in batch]), vectors, seq_high=self.catalog.max_seq(self.model_id))
            report.embedded += len(batch)
            report.photo_ids += [i.photo.id for i in batch]
            batch = []

        pool = futures.ThreadPoolExecutor(self.decode_workers, thread_name_prefix="photoclip-decode")
        pending: collections.deque[futures.Future[_Item]] = collections.deque()
        queue = iter(work)
        in_flight = max(2 * self.batch_size, 4 * self.decode_workers)
        try:
            while True:
                while len(pending) < in_flight and not stop.is_set():
                    photo = next(queue, None)
                    if photo is None:
                        break
                    pending.append(pool.submit(self._read, photo, vanished_by_fp, min_side, model.prepare))
                if not pending or stop.is_set():
                    break
                item = pending.popleft().result()
                self._apply(item, vanished_by_fp, index, report)
                if item.kind == "embed":
                    batch.append(item)
                    if len(batch) >= self.batch_size:
                        flush()
                done += 1
                speed = rate.add(done)
                remaining = len(work) - done
                notify(
                    IndexProgress(
                        "indexing",
                        done,
                        len(work),
                        speed,
                        remaining / speed if speed else None,
                        report.errors,
                        item.photo.relpath,
                    )
                )
                while pause is not None and pause.is_set() and not stop.is_set():
                    notify(IndexProgress("indexing", done, len(work), 0.0, None, report.errors, "", paused=True))
                    flush()
                    stop.wait(0.2)
                if time.monotonic() - last_save > self.save_every_s:
                    flush()
                    index.save()
                    last_save = time.monotonic()
            flush()
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    def _apply(
        self, item: _Item, vanished_by_fp: dict[str, list[int]], index: VectorIndex, report: IndexReport
    ) -> None:
        """The writer's decision for one read file (moves, copies and errors; embeds are batched)."""
        photo = item.photo
        if item.kind == "move":
            candidates = [pid for pid in vanished_by_fp.get(item.fingerprint, []) if pid not in self._claimed]
            if candidates:
                original = candidates[0]
                self._claimed.add(original)
                # The pending row of the new name is merged into the original photo (it had no vector).
                self.catalog.move_photo(original, photo.root_id, photo.relpath, photo.size, photo.mtime_ns)
                report.moved += 1
                report.new -= 1
                report.photo_ids.append(original)
                return
            # Both names now exist (a copy of a moved photo): treat it as a copy of the first.
            item.kind, item.source_id = "copy", vanished_by_fp[item.fingerprint][0]
        if item.kind == "copy":
            self.catalog.copy_photo_data(item.source_id, photo.id)
            vector = self.catalog.vector(photo.id, self.model_id)
            if vector is not None:
                index.add(np.array([photo.id]), vector[None, :], seq_high=self.catalog.max_seq(self.model_id))
            report.copied += 1
            report.photo_ids.append(photo.id)
        elif item.kind == "error":
            self.catalog.set_error(photo.id, item.reason)
            report.errors += 1
        elif item.kind == "gone":
            # Deleted or moved away mid-run, or its drive was unplugged: nothing wrong with the photo.
            # It stays as it is; the next scan finds where it went (or that its folder is offline).
            report.vanished += 1
            root = self.catalog.root(photo.root_id)
            if root is not None and offline_reason(root, 1):
                self.catalog.set_root_online(root.id, False)
        elif item.kind == "disk full":
            raise DiskFull(
                f"The disk is full ({item.reason}). What was indexed so far is kept; free some space "
                "and run the index again to carry on."
            )
