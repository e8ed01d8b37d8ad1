"""Background indexing for the GUI: the core's :class:`IndexQueue` and :class:`FolderWatcher`,
reporting through Qt signals.

The queue's callbacks run on its worker thread and the watcher's on its own; emitting a signal from
there delivers it on the GUI thread (a queued connection), so the window only ever touches widgets
from its own thread.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from photoclip.core.index_queue import IndexQueue
from photoclip.core.indexer import IndexProgress, IndexReport
from photoclip.core.library import Library

if TYPE_CHECKING:
    from photoclip.core.watcher import FolderWatcher


class IndexingController(QObject):
    """Runs :meth:`Library.update` in the background, one run at a time (see :class:`IndexQueue`),
    and, once :meth:`watch` is called, rescans the folders a watcher sees change."""

    progress = Signal(object)  # IndexProgress
    finished = Signal(object)  # IndexReport
    failed = Signal(str)
    busy_changed = Signal(bool)
    _watcher_saw = Signal(object)  # root id -> folders, from the watcher's thread

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
        self.watcher: FolderWatcher | None = None
        self._watcher_saw.connect(self._saw)
        self._heard_busy = False
        self.busy_changed.connect(self._hear_busy)

    @property
    def busy(self) -> bool:
        """True while a run is going on or asked for, and until this thread has heard the last one
        end: its report arrives just before that, so once this is False the window has shown it."""
        return not self.queue.idle() or self._heard_busy

    def _hear_busy(self, busy: bool) -> None:
        self._heard_busy = busy

    @property
    def watching(self) -> bool:
        """True once :meth:`watch` started a folder watcher."""
        return self.watcher is not None

    def watch(self) -> None:
        """Starts watching the library's folders (once); changes seen are rescanned."""
        if self.watcher is not None:
            return
        from photoclip.core.watcher import FolderWatcher

        self.watcher = FolderWatcher(self._watcher_saw.emit)
        self.watcher.start()
        self.follow_roots()

    def _saw(self, folders: dict[int, list[str]]) -> None:
        # Without the model's files a run would fetch them unseen (or wait on the network); the
        # window fetches them in sight and rescans everything once they are here.
        if self.library.model_present():
            self.rescan(folders)

    def follow_roots(self) -> None:
        """Watches the library's folders as they are now (after one was added, removed or came back)."""
        if self.watcher is not None:
            self.watcher.set_roots(self.library.roots())

    def shutdown(self) -> None:
        """Stops the watcher and the indexing worker."""
        if self.watcher is not None:
            self.watcher.stop()
        self.queue.shutdown()


__all__ = ["IndexProgress", "IndexReport", "IndexingController"]
