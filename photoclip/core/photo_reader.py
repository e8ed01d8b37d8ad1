"""Reading photos for indexing, on a pool of decode threads: the first part of the indexing pipeline.

Each file is read once: its bytes are fingerprinted, and only bytes new to the library are
decoded (at reduced scale), given a grid thumbnail and prepared for the model. A file whose bytes
match a photo that vanished in this run is a move; one whose bytes match a photo already embedded
is a copy. Results come back in the order the photos were asked for, a bounded number in flight.
"""

from __future__ import annotations

import collections
import concurrent.futures as futures
import errno
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core import images
from photoclip.core.errors import FileVanished, ImageError
from photoclip.core.records import PhotoMetadata, PhotoRow, PhotoStatus, TextEnum

if TYPE_CHECKING:
    from PIL import Image

    from photoclip.core.catalog import Catalog

log = logging.getLogger(__name__)


class ReadKind(TextEnum):
    """What reading a file found."""

    EMBED = "embed"  # new bytes, decoded and prepared for the model
    MOVE = "move"  # the bytes of a photo that vanished in this run
    COPY = "copy"  # the bytes of a photo already embedded
    ERROR = "error"  # not a usable photo; ``reason`` says why
    GONE = "gone"  # the file vanished between the scan and now (not its fault)
    DISK_FULL = "disk full"  # the thumbnail could not be written


@dataclass
class ReadPhoto:
    """One file as reading found it."""

    photo: PhotoRow
    kind: ReadKind
    fingerprint: str = ""
    model_input: np.ndarray | None = None
    meta: PhotoMetadata | None = None
    source_id: int = 0
    reason: str = ""


class PhotoReader:
    """Reads files into :class:`ReadPhoto` items, on ``workers`` threads."""

    def __init__(
        self,
        catalog: Catalog,
        model_id: str,
        thumbnails: Path,
        prepare: Callable[[Image.Image], np.ndarray],
        min_short_side: int,
        vanished_by_fingerprint: dict[str, list[int]],
        *,
        workers: int = 2,
    ) -> None:
        self.catalog = catalog
        self.model_id = model_id
        self.thumbnails = thumbnails
        self.prepare = prepare
        self.min_short_side = max(min_short_side, images.THUMBNAIL_SIZE)
        self.vanished = vanished_by_fingerprint
        self.workers = max(1, workers)

    def read_all(self, photos: Iterable[PhotoRow], stop: threading.Event, in_flight: int) -> Iterator[ReadPhoto]:
        """Yields each photo's :class:`ReadPhoto`, in order, with at most ``in_flight`` being read."""
        pool = futures.ThreadPoolExecutor(self.workers, thread_name_prefix="photoclip-decode")
        pending: collections.deque[futures.Future[ReadPhoto]] = collections.deque()
        queue = iter(photos)
        try:
            while True:
                while len(pending) < in_flight and not stop.is_set():
                    photo = next(queue, None)
                    if photo is None:
                        break
                    pending.append(pool.submit(self.read, photo))
                if not pending or stop.is_set():
                    return
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)

    def read(self, photo: PhotoRow) -> ReadPhoto:
        """Reads one file (runs in a decode thread); never raises for the file's own faults."""
        try:
            data = images.read_bytes(photo.path)
            fingerprint = images.fingerprint(data)
            if fingerprint in self.vanished:
                return ReadPhoto(photo, ReadKind.MOVE, fingerprint)
            source = self._embedded_twin(photo, fingerprint)
            if source:
                return ReadPhoto(photo, ReadKind.COPY, fingerprint, source_id=source)
            decoded = images.decode(data, min_short_side=self.min_short_side, name=photo.relpath)
            if not images.thumbnail_path(self.thumbnails, fingerprint).exists():
                images.write_thumbnail(self.thumbnails, fingerprint, decoded.image)
            taken_at = decoded.taken_at if decoded.taken_at is not None else images.file_time_seconds(photo.mtime_ns)
            meta = PhotoMetadata(
                fingerprint, decoded.width, decoded.height, taken_at, decoded.date_source, *decoded.text.texts()
            )
            return ReadPhoto(photo, ReadKind.EMBED, fingerprint, model_input=self.prepare(decoded.image), meta=meta)
        except FileVanished:
            return ReadPhoto(photo, ReadKind.GONE)
        except ImageError as exc:
            return ReadPhoto(photo, ReadKind.ERROR, reason=str(exc))
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                return ReadPhoto(photo, ReadKind.DISK_FULL, reason=str(exc))
            return ReadPhoto(photo, ReadKind.ERROR, reason=f"could not read or write ({exc.strerror or exc})")
        except MemoryError:
            return ReadPhoto(photo, ReadKind.ERROR, reason="too large to decode in the memory available")
        except Exception as exc:  # a decoder bug must cost one photo, never the run
            log.exception("unexpected error reading %s", photo.path)
            return ReadPhoto(photo, ReadKind.ERROR, reason=f"unexpected error: {type(exc).__name__}: {exc}")

    def _embedded_twin(self, photo: PhotoRow, fingerprint: str) -> int:
        """Another photo of the library with these bytes and a vector of the model, or 0."""
        for other in self.catalog.photos_with_fingerprint(fingerprint):
            if (
                other.id != photo.id
                and other.status == PhotoStatus.OK
                and self.catalog.vector(other.id, self.model_id) is not None
            ):
                return other.id
        return 0
