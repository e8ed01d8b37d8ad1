"""Giving memory back to the operating system after a one-off peak (loading, checking a model)."""

from __future__ import annotations

import contextlib
import ctypes
import gc


def release_free_memory() -> None:
    """Hands memory freed by a one-off job back to the OS.

    glibc keeps freed heap memory for reuse, so a process that held a 600 MB checkpoint, or two
    model graphs while comparing them, would go on showing it as resident. A no-op where there is
    no glibc.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
