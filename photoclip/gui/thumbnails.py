"""Grid thumbnails: read off the GUI thread from the thumbnail cache, kept in a bounded memory cache.

Thumbnails are keyed by the photo's content fingerprint. A missing one (a cache cleared, a photo
indexed before the cache moved) is made from the photo itself by the same worker. Requests for
photos that have scrolled out of view are dropped before they start, so flinging through 100k
photos never queues 100k reads.
"""

from __future__ import annotations

import collections
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from photoclip.core import images


class _Loaded(QObject):
    loaded = Signal(int, QImage)  # photo id, image (null when the photo cannot be read)


class _Read(QRunnable):
    def __init__(self, loader: ThumbnailLoader, photo_id: int, fingerprint: str | None, path: Path) -> None:
        super().__init__()
        self.loader, self.photo_id, self.fingerprint, self.path = loader, photo_id, fingerprint, path

    def run(self) -> None:
        if not self.loader._still_wanted(self.photo_id):
            return
        image = QImage()
        try:
            cached = images.thumbnail_path(self.loader.cache_dir, self.fingerprint) if self.fingerprint else None
            if cached is None or not cached.exists():
                data = images.read_bytes(self.path)
                fingerprint = self.fingerprint or images.fingerprint(data)
                decoded = images.decode(data, min_short_side=images.THUMBNAIL_SIZE, name=self.path.name)
                cached = images.write_thumbnail(self.loader.cache_dir, fingerprint, decoded.image)
            image = QImage(str(cached))
            if not image.isNull():  # 3 bytes a pixel: 800 thumbnails stay under ~120 MB
                image = image.convertToFormat(QImage.Format.Format_RGB888)
        except Exception:  # an unreadable or offline photo shows a placeholder
            image = QImage()
        self.loader._signals.loaded.emit(self.photo_id, image)


class ThumbnailLoader(QObject):
    """Hands out thumbnails as QImages; emits ``ready(photo_id)`` when one arrives."""

    ready = Signal(int)

    def __init__(self, cache_dir: Path, capacity: int = 800, threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cache_dir = Path(cache_dir)
        self.capacity = capacity
        self._images: collections.OrderedDict[int, QImage] = collections.OrderedDict()
        self._requested: set[int] = set()
        self._wanted: set[int] = set()
        self._lock = threading.Lock()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._signals = _Loaded()
        self._signals.loaded.connect(self._on_loaded)

    def get(self, photo_id: int, fingerprint: str | None, path: Path) -> QImage | None:
        """The thumbnail if it is in memory; otherwise starts loading it and returns None.

        A photo not indexed yet (no fingerprint) gets no read: the indexer writes its thumbnail from
        the decode it does anyway, and the grid shows it once that is done.
        """
        image = self._images.get(photo_id)
        if image is not None:
            self._images.move_to_end(photo_id)
            return image
        if fingerprint is None:
            return None
        with self._lock:
            self._wanted.add(photo_id)
            if photo_id in self._requested:
                return None
            self._requested.add(photo_id)
        self._pool.start(_Read(self, photo_id, fingerprint, path))
        return None

    def set_visible(self, photo_ids: set[int]) -> None:
        """Only these photos are on screen; queued reads for others are skipped."""
        with self._lock:
            self._wanted = set(photo_ids)

    def _still_wanted(self, photo_id: int) -> bool:
        with self._lock:
            if photo_id in self._wanted:
                return True
            self._requested.discard(photo_id)
            return False

    def _on_loaded(self, photo_id: int, image: QImage) -> None:
        with self._lock:
            self._requested.discard(photo_id)
        self._images[photo_id] = image
        while len(self._images) > self.capacity:
            self._images.popitem(last=False)
        self.ready.emit(photo_id)

    def forget(self, photo_id: int) -> None:
        """Drops a cached thumbnail (the photo changed)."""
        self._images.pop(photo_id, None)

    def clear(self) -> None:
        """Drops every cached thumbnail."""
        self._images.clear()

    @property
    def cached(self) -> int:
        """How many thumbnails are in memory."""
        return len(self._images)

    def wait(self, msecs: int = 10_000) -> bool:
        """Blocks until queued reads are done (tests, shutdown)."""
        return self._pool.waitForDone(msecs)
