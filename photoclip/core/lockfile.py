"""A lock file that makes one process at a time the writer of a library."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import IO

from photoclip.core.errors import PhotoclipError


class LibraryBusy(PhotoclipError):
    """Another photoclip process is indexing this library."""


class WriterLock:
    """An advisory lock on ``path``, released when the process ends however it ends."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._handle: IO[str] | None = None

    def acquire(self) -> None:
        """Takes the lock, or raises :class:`LibraryBusy` at once if another process holds it."""
        if self._handle is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")  # noqa: SIM115 - held for the lock's lifetime
        try:
            if os.name == "nt":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined,unused-ignore]
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise LibraryBusy(
                f"Another photoclip is updating the library {self.path.parent} right now. "
                "Wait for it to finish (or close the other window) and try again."
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Gives the lock back."""
        if self._handle is None:
            return
        try:
            if os.name == "nt":
                import msvcrt

                self._handle.seek(0)
                msvcrt.locking(self._handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined,unused-ignore]
            else:
                import fcntl

                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        finally:
            self._handle.close()
            self._handle = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._handle is not None


class WriterSection:
    """Holds the library's writer lock for a ``with`` block: the file lock keeps other processes
    out, the mutex other threads of this one (it is re-entrant for the thread that holds it)."""

    def __init__(self, lock: WriterLock, mutex: threading.RLock, wait: bool = True) -> None:
        self.lock = lock
        self.mutex = mutex
        self.wait = wait  # False: refuse at once while another thread writes (an index run)
        self.took = False

    def __enter__(self) -> None:
        if not self.mutex.acquire(blocking=self.wait):
            raise PhotoclipError("photoclip is indexing this library now: try again when that has finished.")
        try:
            if not self.lock.held:
                self.lock.acquire()
                self.took = True
        except BaseException:
            self.mutex.release()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            if self.took:
                self.lock.release()
        finally:
            self.mutex.release()
