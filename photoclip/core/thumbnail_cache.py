"""Keeping the thumbnail cache within its size limit (the oldest thumbnails go first)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of the thumbnail cache."""
    total = files = 0
    for entry in _entries(folder):
        total += entry[1]
        files += 1
    return total, files


def _entries(folder: Path) -> list[tuple[str, int, float]]:
    found: list[tuple[str, int, float]] = []
    try:
        shards = list(os.scandir(folder))
    except OSError:
        return found
    for shard in shards:
        if not shard.is_dir():
            continue
        try:
            for entry in os.scandir(shard.path):
                if entry.name.endswith(".jpg"):
                    info = entry.stat()
                    found.append((entry.path, info.st_size, info.st_mtime))
        except OSError:
            continue
    return found


def prune(folder: Path, max_bytes: int) -> int:
    """Deletes the oldest thumbnails until the cache fits ``max_bytes``; returns how many went.

    Only thumbnails are deleted (they are remade from the photo when needed), never photos.
    """
    entries = _entries(folder)
    total = sum(size for _, size, _ in entries)
    if total <= max_bytes:
        return 0
    removed = 0
    for path, size, _ in sorted(entries, key=lambda e: e[2]):
        if total <= max_bytes * 0.9:  # a little headroom so the next run does not prune again at once
            break
        try:
            os.unlink(path)
        except OSError:
            continue
        total -= size
        removed += 1
    return removed
