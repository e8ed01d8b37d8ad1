"""Opening the catalog's SQLite file, and telling "damaged" from "cannot be written here".

A catalog on a read-only disk or a full one is healthy: SQLite only fails to create the WAL's
shared-memory file next to it. Such a catalog is opened read-only (searching needs nothing
more), and writes are refused with the reason, never with advice to move a good file aside.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from photoclip.core.errors import CatalogError, DiskFull

_CORRUPT = ("malformed", "not a database", "file is encrypted", "database disk image")


def is_corrupt(exc: BaseException) -> bool:
    """True when SQLite says the file itself is damaged (not merely that it cannot write)."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.DatabaseError) and any(word in text for word in _CORRUPT)


def write_blocker(folder: Path) -> str | None:
    """Why nothing can be written in ``folder`` now ('read-only disk', 'disk full'), or None."""
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return None
    if info.f_flag & getattr(os, "ST_RDONLY", 1):
        return "the disk is read-only"
    if info.f_bavail == 0 or info.f_favail == 0:
        return "the disk is full"
    if not os.access(folder, os.W_OK):
        return "no permission to write in the library folder"
    return None


def connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection to the catalog, opened (not only created) so that failures show here; its rows
    are ``sqlite3.Row`` (read by column name)."""
    if read_only:
        # mode=ro works while the WAL's -shm file exists; immutable=1 when it cannot be made.
        last: sqlite3.Error | None = None
        for options in ("mode=ro", "immutable=1"):
            conn = sqlite3.connect(
                f"file:{quote(str(path))}?{options}", uri=True, isolation_level=None, check_same_thread=False
            )
            try:
                conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
                conn.row_factory = sqlite3.Row
                return conn
            except sqlite3.Error as exc:
                conn.close()
                last = exc
                if is_corrupt(exc):
                    break
        assert last is not None
        raise last
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60)
    try:
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row  # rows are read by column name
    return conn


def cannot_write(path: Path, reason: str) -> CatalogError:
    """The error for a write to a catalog that can only be read now."""
    return CatalogError(
        f"The library {path.parent} cannot be written now: {reason}. Its catalog is fine and searching "
        "works; indexing, tagging and changing settings need the disk to be writable"
        + (" (free some space and try again)." if "full" in reason else ".")
    )


def write_failure(path: Path, exc: sqlite3.Error) -> Exception:
    """The error a user sees for a write SQLite refused: damaged, full, read-only, or as it was."""
    text = str(exc).lower()
    if is_corrupt(exc):
        return CatalogError.corrupt(path, exc)
    if "full" in text:
        return DiskFull(
            f"The disk holding the library is full ({exc}); nothing was half-written. Free some space and try again."
        )
    if "readonly" in text or "read-only" in text:
        return cannot_write(path, write_blocker(path.parent) or "it is read-only")
    if "disk i/o" in text:
        blocker = write_blocker(path.parent)
        if blocker and "full" in blocker:
            return DiskFull(
                f"The disk holding the library is full ({exc}); nothing was half-written. "
                "Free some space and try again."
            )
        if blocker:
            return cannot_write(path, blocker)
    return exc


def is_space_error(exc: BaseException) -> bool:
    """True for an OSError that means the disk is full."""
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))
