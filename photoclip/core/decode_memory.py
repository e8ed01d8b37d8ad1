"""The memory budget shared by every thread that decodes photos.

A few hundred kilobytes of PNG can hold a 15000×15000 picture: 450 MB of pixels once decoded. The
indexer decodes on several threads and the grid's thumbnail loader on more, so without a common
limit a folder of such files would be decoded side by side until the machine runs out of memory.
Before decoding, each file reserves the bytes its decode will hold (estimated from its header)
from :data:`DECODE_MEMORY`; it waits while others hold the budget and gives the bytes back when
done. A file needing more than the whole budget still decodes, but only once nothing else is held.
"""

from __future__ import annotations

import collections
import contextlib
import os
import sys
import threading
from collections.abc import Iterator

#: The share of physical memory that decoding may hold at once, and the cap on it: enough for
#: several full-size decodes of even very large photos, never most of a desktop's memory.
RAM_SHARE = 0.25
MAX_DEFAULT_BYTES = 4 << 30
MIN_DEFAULT_BYTES = 512 << 20
#: Assumed when the platform will not tell how much memory it has.
ASSUMED_RAM_BYTES = 8 << 30


def physical_memory_bytes() -> int:
    """The machine's physical memory in bytes (an assumed 8 GB when the platform will not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        pass
    if sys.platform == "win32":
        import ctypes

        class _MemoryStatus(ctypes.Structure):
            _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong)] + [
                (name, ctypes.c_ulonglong)
                for name in ("total", "avail", "page_total", "page_avail", "virtual_total", "virtual_avail", "ext")
            ]

        status = _MemoryStatus()
        status.length = ctypes.sizeof(status)
        if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):
            return int(status.total)
    return ASSUMED_RAM_BYTES


def default_capacity() -> int:
    """A quarter of physical memory, between 512 MB and 4 GB."""
    return max(MIN_DEFAULT_BYTES, min(MAX_DEFAULT_BYTES, int(physical_memory_bytes() * RAM_SHARE)))


class MemoryBudget:
    """Bytes that decoding threads may hold at once, handed out first come, first served.

    Waiting in arrival order keeps a large file from being overtaken forever by a stream of small
    ones. The budget keeps its own accounting (``held``, ``peak_held``, ``peak_shared``,
    ``reservations``) so that tests and diagnostics can see what it allowed.
    """

    def __init__(self, capacity: int) -> None:
        self._capacity = max(1, int(capacity))
        self._changed = threading.Condition()
        self._queue: collections.deque[object] = collections.deque()
        self.held = 0
        self.holders = 0
        self.reservations = 0
        self.largest = 0
        self.peak_held = 0
        self.peak_shared = 0

    @property
    def capacity(self) -> int:
        """The most bytes held at once by two or more reservations together."""
        return self._capacity

    @capacity.setter
    def capacity(self, value: int) -> None:
        with self._changed:
            self._capacity = max(1, int(value))
            self._changed.notify_all()

    def reset_peaks(self) -> None:
        """Starts the peaks and counts afresh (what is held now is the new starting point)."""
        with self._changed:
            self.peak_held = self.peak_shared = self.held
            self.reservations = self.largest = 0

    @contextlib.contextmanager
    def reserve(self, nbytes: int) -> Iterator[None]:
        """Holds ``nbytes`` of the budget for the ``with`` block, waiting for them first.

        A reservation larger than the whole budget waits until nothing else is held and then runs
        alone: everyone after it waits until it is done.
        """
        nbytes = max(0, int(nbytes))
        ticket = object()
        with self._changed:
            self._queue.append(ticket)
            try:
                while not (self._queue[0] is ticket and (self.holders == 0 or self.held + nbytes <= self._capacity)):
                    self._changed.wait()
            finally:
                self._queue.remove(ticket)
                self._changed.notify_all()  # the next in line may fit as well (or may now be first)
            self.held += nbytes
            self.holders += 1
            self.reservations += 1
            self.largest = max(self.largest, nbytes)
            self.peak_held = max(self.peak_held, self.held)
            if self.holders > 1:
                self.peak_shared = max(self.peak_shared, self.held)
        try:
            yield
        finally:
            with self._changed:
                self.held -= nbytes
                self.holders -= 1
                self._changed.notify_all()


#: The budget every photo decode in this process reserves from (indexer threads, thumbnail loaders,
#: previews): ``images.decode`` takes its bytes from here unless it is given another budget.
DECODE_MEMORY = MemoryBudget(default_capacity())
