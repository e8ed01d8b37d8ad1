"""Writing files so that a crash or a full disk leaves either the old file or the new one."""

from __future__ import annotations

import itertools
import os
import threading
import zlib
from collections.abc import Callable
from pathlib import Path

_counter = itertools.count()


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
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.{next(_counter)}.tmp")
    try:
        write(temporary)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Writes ``data`` to ``target`` atomically."""
    atomic_write(target, lambda path: path.write_bytes(data))


def file_checksum(path: Path, chunk: int = 16 << 20) -> str:
    """A fast CRC-32 of a whole file with its size ("size:crc"), to catch damaged index files."""
    crc = 0
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            crc = zlib.crc32(block, crc)
            size += len(block)
    return f"{size}:{crc:08x}"
