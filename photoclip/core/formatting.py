"""Numbers and paths as people read them (shared by the command line and the GUI)."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path


def format_duration(seconds: float | None) -> str:
    """``1:02:03``, ``4:05`` or ``--:--`` when unknown."""
    if seconds is None or seconds != seconds or seconds == float("inf"):
        return "--:--"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_bytes(count: float) -> str:
    """Human-readable size in SI units, e.g. ``605.2 MB``."""
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``1 photo``, ``2 photos``, ``1,204 photos`` (``many`` for a noun whose plural is not noun + s)."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


def display_path(path: Path | str) -> str:
    """A path as text a person can read. A file name that is not valid UTF-8 (Python keeps its bytes
    as lone surrogates) shows its odd bytes as U+FFFD instead of making printing fail; a control
    character in a name (a newline, an escape that would drive the terminal) shows as its escape
    (``\\n``, ``\\x1b``), so one photo stays one line. Scripts that need the bytes use --paths or --null."""
    text = os.fsencode(os.fspath(path)).decode("utf-8", "replace")
    if not any(unicodedata.category(c) == "Cc" for c in text):
        return text
    return "".join(repr(c)[1:-1] if unicodedata.category(c) == "Cc" else c for c in text)


def print_paths(paths: Iterable[Path | str], end: bytes = b"\n") -> None:
    """Prints paths as their own bytes, each followed by ``end`` (a NUL for names that hold a
    newline), so scripts and ``xargs`` find the files whatever their names are."""
    out = sys.stdout
    out.flush()
    for path in paths:
        out.buffer.write(os.fsencode(os.fspath(path)) + end)
    out.buffer.flush()
