"""Background indexing for the GUI: one worker thread, a queue of rescans, pause, resume and cancel.

Requests (a full scan, a new folder, folders the watcher saw change) are merged while a run is
going on and run next, so a thousand files copied in bursts cost a few runs, not a thousand.
Progress and results reach the window through Qt signals, on the GUI thread.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from photoclip.core.errors import PhotoclipError
from photoclip.core.indexer import IndexProgress, IndexReport
from photoclip.core.library import Library

log = logging.getLogger(__name__)


class IndexingController(QObject):
    """Runs :meth:`Library.update` in the background, one run at a time."""

    progress = Signal(object)  # IndexProgress
    finished = Signal(object)  # IndexReport
    failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._quit = threading.Event()
        self.stop = threading.Event()
        self.pause = threading.Event()
        self._full = False
        self._under: dict[int, set[str]] = {}
        self._busy = False
        self._thread = threading.Thread(target=self._loop, name="photoclip-indexer", daemon=True)
        self._thread.start()

    # -- requests ----------------------------------------------------------------------------
    def scan_all(self) -> None:
        """Queues a scan of every watched folder."""
        with self._lock:
            self._full = True
        self._wake.set()

    def rescan(self, under: dict[int, list[str]]) -> None:
        """Queues rescans of some folders (root id -> relative folders, '' for the whole root)."""
        with self._lock:
            for root_id, folders in under.items():
                self._under.setdefault(root_id, set()).update(folders)
        self._wake.set()

    def set_paused(self, paused: bool) -> None:
        """Pauses (after the current photo) or resumes the run."""
        if paused:
            self.pause.set()
        else:
            self.pause.clear()

    def cancel(self) -> None:
        """Stops the current run after its batch and drops queued requests (work done is kept)."""
        with self._lock:
            self._full = False
            self._under.clear()
        self.pause.clear()
        self.stop.set()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stops the worker thread (the current batch is committed first)."""
        self._quit.set()
        self.cancel()
        self._wake.set()
        self._thread.join(timeout)

    @property
    def busy(self) -> bool:
        """True while a run is going on or queued."""
        return self._busy

    # -- the worker --------------------------------------------------------------------------
    def _take(self) -> tuple[bool, dict[int, list[str]]] | None:
        with self._lock:
            if not self._full and not self._under:
                return None
            full, under = self._full, {k: sorted(v) for k, v in self._under.items()}
            self._full, self._under = False, {}
            return full, under

    def _loop(self) -> None:
        while not self._quit.is_set():
            self._wake.wait()
            self._wake.clear()
            while not self._quit.is_set():
                job = self._take()
                if job is None:
                    break
                self._set_busy(True)
                self.stop.clear()
                full, under = job
                try:
                    if full:
                        report = self.library.update(progress=self.progress.emit, stop=self.stop, pause=self.pause)
                    else:
                        known = {r.id: r for r in self.library.roots()}
                        roots = [known[i] for i in under if i in known]
                        report = self.library.update(
                            roots,
                            under={i: under[i] for i in under if i in known},
                            progress=self.progress.emit,
                            stop=self.stop,
                            pause=self.pause,
                        )
                    self.finished.emit(report)
                except PhotoclipError as exc:
                    self.failed.emit(str(exc))
                except Exception as exc:  # the app must survive a failed run; the next one retries
                    log.exception("indexing failed")
                    self.failed.emit(f"Indexing failed: {type(exc).__name__}: {exc}")
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)


__all__ = ["IndexProgress", "IndexReport", "IndexingController"]
