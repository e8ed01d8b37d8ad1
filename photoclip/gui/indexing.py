"""Background indexing for the GUI: the core's :class:`IndexQueue`, reporting through Qt signals.

The queue's callbacks run on its worker thread; emitting a signal from there delivers it on the
GUI thread (a queued connection), so the window only ever touches widgets from its own thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from photoclip.core.index_queue import IndexQueue
from photoclip.core.indexer import IndexProgress, IndexReport
from photoclip.core.library import Library


class IndexingController(QObject):
    """Runs :meth:`Library.update` in the background, one run at a time (see :class:`IndexQueue`)."""

    progress = Signal(object)  # IndexProgress
    finished = Signal(object)  # IndexReport
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.queue = IndexQueue(
            library,
            on_progress=self.progress.emit,
            on_finished=self.finished.emit,
            on_failed=self.failed.emit,
            on_busy=self.busy_changed.emit,
        )
        self.stop = self.queue.stop
        self.pause = self.queue.pause
        self.scan_all = self.queue.scan_all
        self.rescan = self.queue.rescan
        self.set_paused = self.queue.set_paused
        self.cancel = self.queue.cancel
        self.shutdown = self.queue.shutdown

    @property
    def busy(self) -> bool:
        """True while a stretch of runs is going on."""
        return self.queue.busy


__all__ = ["IndexProgress", "IndexReport", "IndexingController"]
