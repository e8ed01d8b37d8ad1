"""Indexing in the background: one worker thread, a queue of rescans, pause, resume and cancel.

Requests (a full scan, a new folder, folders the watcher saw change) are merged while a run is
going on and run next, so a thousand files copied in bursts cost a few runs, not a thousand.
The desktop app wraps this in Qt signals; scripts and tests use it as it is.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from photoclip.core.errors import PhotoclipError

if TYPE_CHECKING:
    from photoclip.core.indexer import IndexProgress, IndexReport
    from photoclip.core.library import Library

log = logging.getLogger(__name__)


def _ignore(_value: object) -> None:
    return None


class IndexQueue:
    """Runs :meth:`Library.update` on a worker thread, one run at a time.

    The callbacks are called on the worker thread: ``on_progress`` with each
    :class:`IndexProgress`, ``on_finished`` with each run's :class:`IndexReport`, ``on_failed``
    with a message when a run fails (the next request retries), ``on_busy`` when the worker starts
    or finishes a stretch of runs.
    """

    def __init__(
        self,
        library: Library,
        *,
        on_progress: Callable[[IndexProgress], None] = _ignore,
        on_finished: Callable[[IndexReport], object] = _ignore,
        on_failed: Callable[[str], object] = _ignore,
        on_busy: Callable[[bool], object] = _ignore,
    ) -> None:
        self.library = library
        self.on_progress = on_progress
        self.on_finished = on_finished
        self.on_failed = on_failed
        self.on_busy = on_busy
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
        """True while a stretch of runs is going on."""
        return self._busy

    def idle(self) -> bool:
        """True when no run is going on and none is queued."""
        with self._lock:
            return not self._busy and not self._full and not self._under

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
                self._run(*job)
            self._set_busy(False)

    def _run(self, full: bool, under: dict[int, list[str]]) -> None:
        try:
            if full:
                report = self.library.update(progress=self.on_progress, stop=self.stop, pause=self.pause)
            else:
                known = {r.id: r for r in self.library.roots()}
                report = self.library.update(
                    [known[i] for i in under if i in known],
                    under={i: under[i] for i in under if i in known},
                    progress=self.on_progress,
                    stop=self.stop,
                    pause=self.pause,
                )
            self.on_finished(report)
        except PhotoclipError as exc:
            self.on_failed(str(exc))
        except Exception as exc:  # the app must survive a failed run; the next one retries
            log.exception("indexing failed")
            self.on_failed(f"Indexing failed: {type(exc).__name__}: {exc}")

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.on_busy(busy)
