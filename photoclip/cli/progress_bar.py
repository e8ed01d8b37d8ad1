"""A terminal progress bar for indexing and downloads: count, speed and time left."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from photoclip.core.formatting import format_bytes, format_duration
from photoclip.core.indexer import IndexProgress


class ProgressBar:
    """Redraws one line on a terminal (at most 10 times a second); elsewhere prints a line now and then."""

    def __init__(self, stream: TextIO | None = None, interval: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval if self.tty else 5.0
        self._last = 0.0
        self._last_phase = ""
        self._width = 0

    def _write(self, text: str, final: bool = False) -> None:
        if self.tty:
            columns = shutil.get_terminal_size((100, 20)).columns
            text = text[: columns - 1]
            self.stream.write("\r" + text + " " * max(0, self._width - len(text)) + ("\n" if final else ""))
            self._width = 0 if final else len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def _due(self, force: bool) -> bool:
        now = time.monotonic()
        if force or now - self._last >= self.interval:
            self._last = now
            return True
        return False

    def indexing(self, p: IndexProgress) -> None:
        """Shows an indexing progress report."""
        changed_phase = p.phase != self._last_phase
        self._last_phase = p.phase
        if p.phase in ("scanning", "loading model", "saving"):
            if changed_phase:
                label = {
                    "scanning": "Scanning folders…",
                    "loading model": f"Loading the model ({p.total} photos to index)…",
                    "saving": "Saving the index…",
                }[p.phase]
                self._write(label, final=not self.tty)
            return
        if p.phase == "done":
            if self._width:
                self._write("", final=True)
            return
        if not self._due(changed_phase or p.done == p.total):
            return
        fraction = p.done / p.total if p.total else 1.0
        bar = "#" * int(fraction * 24)
        state = "paused" if p.paused else f"{p.rate:5.1f} photos/s  {format_duration(p.eta_s)} left"
        errors = f"  {p.errors} unreadable" if p.errors else ""
        self._write(f"[{bar:<24}] {p.done}/{p.total}  {state}{errors}")

    def download(self, done: int, total: int | None) -> None:
        """Shows a download progress report."""
        if not self._due(total is not None and done >= total):
            return
        if total:
            bar = "#" * int(done / total * 24)
            self._write(
                f"Downloading the model [{bar:<24}] {format_bytes(done)} / {format_bytes(total)}", final=done >= total
            )
        else:
            self._write(f"Downloading the model… {format_bytes(done)}")
