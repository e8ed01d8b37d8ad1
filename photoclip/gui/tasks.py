"""The one way the GUI runs work in the background: a function, then a callback on the GUI thread.

    tasks.run(lambda: library.search(text), done=show_results, error=show_error, key="search")

Results and errors come back through a queued Qt signal, so callbacks always run on the GUI
thread. A ``key`` makes a task supersede an older one with the same key: a result that arrives
after a newer task of its kind was started is dropped (typing fast never shows stale results).
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; its signal carries a finished task's outcome there."""

    finished = Signal(int, object, object)  # task id, result, error


class _Job(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.task_id, self.fn, self.relay = task_id, fn, relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result, error = self.fn(), None
        except BaseException as exc:  # delivered to the error callback, never lost
            result, error = None, exc
            if not _expected(exc):
                log.error("background task failed:\n%s", "".join(traceback.format_exception(exc)))
        self.relay.finished.emit(self.task_id, result, error)


def _expected(exc: BaseException) -> bool:
    from photoclip.core.errors import PhotoclipError

    return isinstance(exc, PhotoclipError)


class TaskRunner(QObject):
    """Runs callables on a thread pool and delivers their outcome on the GUI thread."""

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None, str | None]] = {}
        self._latest: dict[str, int] = {}

    def run(
        self,
        fn: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        error: Callable[[BaseException], None] | None = None,
        key: str | None = None,
    ) -> int:
        """Starts ``fn`` in the background; returns the task id."""
        task_id = next(self._ids)
        self._callbacks[task_id] = (done, error, key)
        if key:
            self._latest[key] = task_id
        self.pool.start(_Job(task_id, fn, self._relay))
        return task_id

    @Slot(int, object, object)
    def _deliver(self, task_id: int, result: Any, exc: BaseException | None) -> None:
        done, error, key = self._callbacks.pop(task_id, (None, None, None))
        if key and self._latest.get(key) != task_id:
            return  # superseded by a newer task of the same kind
        if exc is None:
            if done is not None:
                done(result)
        elif error is not None:
            error(exc)

    @property
    def busy(self) -> bool:
        """True while any task is running or queued."""
        return bool(self._callbacks)

    def wait(self, msecs: int = 30_000) -> bool:
        """Blocks until the pool is idle (for shutdown and tests)."""
        return self.pool.waitForDone(msecs)
