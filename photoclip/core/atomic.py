"""Writing files so that a crash or a full disk leaves either the old file or the new one."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path

_counter = itertools.count()
#: ``.NAME.PID.THREAD.N.tmp``: what :func:`temporary_path` makes.
_TEMPORARY = re.compile(r"^\..+\.(\d+)\.\d+\.\d+\.tmp$")


def temporary_path(target: Path) -> Path:
    """A hidden temporary beside ``target``, unique per process, thread and call, that names its
    process so that a later run can tell a leftover of a killed writer from a live one's file."""
    return target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.{next(_counter)}.tmp")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # no cheap check there; an age limit decides instead
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


def remove_stale_temporaries(folder: Path) -> int:
    """Deletes temporaries left in ``folder`` by writers that were killed mid-save.

    A temporary is stale when the process that made it is gone (a reused process id only keeps a
    file a little longer); where processes cannot be checked (Windows), when it is a day old.
    Returns how many were removed; a folder that cannot be read is left alone.
    """
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if not match:
            continue
        try:
            if os.name == "nt":
                stale = now - entry.stat(follow_symlinks=False).st_mtime > 86_400
            else:
                stale = not _process_alive(int(match.group(1)))
            if stale:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed


def fsync_dir(folder: Path) -> None:
    """Makes a rename inside ``folder`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    """Calls ``write(temporary_path)``, fsyncs the result and renames it over ``target``.

    If ``write`` fails (disk full, say) the temporary file is removed and ``target`` is untouched.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    # Unique per writer: two threads saving the same file must not share a temporary.
    temporary = temporary_path(target)
    try:
        write(temporary)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):  # on a read-only disk the temporary was never made
            temporary.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Writes ``data`` to ``target`` atomically."""
    atomic_write(target, lambda path: _write_bytes(path, data))


def _write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def file_checksum(path: Path, chunk: int = 16 << 20) -> str:
    """A fast CRC-32 of a whole file with its size ("size:crc"), to catch damaged index files."""
    crc = 0
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            crc = zlib.crc32(block, crc)
            size += len(block)
    return f"{size}:{crc:08x}"
