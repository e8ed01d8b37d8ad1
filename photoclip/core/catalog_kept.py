"""What people said of photos that leave the catalog, kept by the bytes' fingerprint.

A photo leaves when its file is deleted, when its sub-folder is excluded, or when its whole
watched folder is removed. Its tags and hand-picked collection places go to ``kept_tags`` and
``kept_collection_photos``; a photo with the same bytes found later (the folder added again, or
its parent folder added) gets them back. Both steps run inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable


def keep_for_later(conn: sqlite3.Connection, photo_ids: Iterable[int]) -> set[str]:
    """Copies the tags and collection places of ``photo_ids`` into the kept tables, by
    fingerprint, before the photos' rows go. Returns the fingerprints kept (a photo never read
    has none: there is nothing to recognise it by later)."""
    rows = [(time.time(), pid) for pid in photo_ids]
    conn.executemany(
        "INSERT OR REPLACE INTO kept_tags (fingerprint, label, source, score, state, model, label_set, "
        "added_at, removed_at) SELECT p.fingerprint, t.label, t.source, t.score, t.state, t.model, "
        "t.label_set, t.added_at, ? FROM tags t JOIN photos p ON p.id = t.photo_id "
        "WHERE t.photo_id = ? AND p.fingerprint IS NOT NULL",
        rows,
    )
    conn.executemany(
        "INSERT OR REPLACE INTO kept_collection_photos (collection_id, fingerprint, removed_at) "
        "SELECT c.collection_id, p.fingerprint, ? FROM collection_photos c JOIN photos p ON p.id = c.photo_id "
        "WHERE c.photo_id = ? AND p.fingerprint IS NOT NULL",
        rows,
    )
    return {
        row[0]
        for _, pid in rows
        for row in conn.execute("SELECT fingerprint FROM photos WHERE id = ? AND fingerprint NOT NULL", (pid,))
    }


def restore_kept(conn: sqlite3.Connection, photo_id: int, fingerprint: str, forget: bool = True) -> None:
    """Gives a photo the tags and collection places kept from a photo with its bytes (and, with
    ``forget``, lets go of them: no later photo of those bytes has them again)."""
    conn.execute(
        "INSERT OR IGNORE INTO tags (photo_id, label, source, score, state, model, label_set, added_at) "
        "SELECT ?, label, source, score, state, model, label_set, added_at FROM kept_tags WHERE fingerprint = ?",
        (photo_id, fingerprint),
    )
    conn.execute(
        "INSERT OR IGNORE INTO collection_photos (collection_id, photo_id) "
        "SELECT collection_id, ? FROM kept_collection_photos WHERE fingerprint = ?",
        (photo_id, fingerprint),
    )
    if forget:
        conn.execute("DELETE FROM kept_tags WHERE fingerprint = ?", (fingerprint,))
        conn.execute("DELETE FROM kept_collection_photos WHERE fingerprint = ?", (fingerprint,))
