"""Noticing that someone else changed the library: another window on it, or a command in a terminal
(``photoclip tags``, ``photoclip add``). SQLite says so cheaply (``Library.data_version``), so the
window asks every few seconds and refreshes what it shows when the answer changes."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from photoclip.core.errors import PhotoclipError

if TYPE_CHECKING:
    from photoclip.core.library import Library

#: How often the library is asked (milliseconds): a change elsewhere shows within this.
POLL_MS = 2000


class LibraryWatch(QObject):
    """Emits :attr:`changed` when the library's data version moved since the last look."""

    changed = Signal()

    def __init__(self, library: Library, interval_ms: int = POLL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._seen = self._version()
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        """Starts looking (call once the window shows the library)."""
        self._seen = self._version()
        self.timer.start()

    def stop(self) -> None:
        """Stops looking (the window is closing)."""
        self.timer.stop()

    def check(self) -> bool:
        """Looks now; True (and :attr:`changed` emitted) when the library changed since the last look."""
        version = self._version()
        if version is None or version == self._seen:
            return False
        self._seen = version
        self.changed.emit()
        return True

    def _version(self) -> int | None:
        try:
            return self.library.data_version()
        except (PhotoclipError, sqlite3.Error, OSError):  # closed, or its disk went away: look again later
            return None
