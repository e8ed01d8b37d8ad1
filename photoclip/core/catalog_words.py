"""The catalog's words of each photo (folder names, file name, camera, lens, place) and the SQL
that finds photos by them (part of the catalog; see :mod:`photoclip.core.metadata_words`).

``photo_words`` is an inverted index, one row per (word, photo): a query word finds its photos
and how many there are with one index lookup, whatever the size of the library. Rows follow the
photo: written when a photo is added, moved, read or copied, deleted with it (a foreign key).
Root names and tags are not stored here: a watched folder can be renamed and tags change often,
and there are few of either, so they are matched when a query comes.

``photos.camera``, ``lens`` and ``place`` hold what the file's metadata names; NULL means the file
has not been read for it yet (photos indexed before these columns existed are read at the next
index run: only their headers, see :mod:`photoclip.core.metadata_backfill`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core.catalog_text import db_text, from_db
from photoclip.core.metadata_words import photo_words

if TYPE_CHECKING:
    from photoclip.core.catalog_base import CatalogBase

#: Bumped when the way words are made changes: the next index run makes every photo's words again.
WORDS_VERSION = "1"
_WORDS_KEY = "words_version"


def _rows_words(rows: Iterable[Sequence]) -> list[tuple[str, int]]:
    """(word, photo id) rows for photos given as (id, relpath, camera, lens, place), in the index's
    order (inserting in key order is several times faster than in photo order)."""
    out = []
    for photo_id, relpath, camera, lens, place in rows:
        out += [(word, photo_id) for word in photo_words(from_db(relpath), (camera, lens, place))]
    out.sort()
    return out


def refresh_words(conn: sqlite3.Connection, photo_ids: Sequence[int]) -> None:
    """Makes the words of these photos again from what the catalog holds (inside a transaction)."""
    for start in range(0, len(photo_ids), 900):
        chunk = list(photo_ids[start : start + 900])
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(
            f"SELECT id, relpath, camera, lens, place FROM photos WHERE id IN ({marks})", chunk
        ).fetchall()
        conn.execute(f"DELETE FROM photo_words WHERE photo_id IN ({marks})", chunk)
        conn.executemany("INSERT OR IGNORE INTO photo_words (word, photo_id) VALUES (?, ?)", _rows_words(rows))


def add_words_after(conn: sqlite3.Connection, last_id: int) -> None:
    """Words for the photos added since ``last_id`` was the largest id (new rows get larger ids)."""
    rows = conn.execute("SELECT id, relpath, camera, lens, place FROM photos WHERE id > ?", (last_id,)).fetchall()
    conn.executemany("INSERT OR IGNORE INTO photo_words (word, photo_id) VALUES (?, ?)", _rows_words(rows))


def largest_id(conn: sqlite3.Connection) -> int:
    """The largest photo id now (0 for none)."""
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM photos").fetchone()[0])


def words_current(catalog: CatalogBase) -> bool:
    """True when every photo's words were made the way this version makes them."""
    return catalog.get_meta(_WORDS_KEY) == WORDS_VERSION


def make_all_words(catalog: CatalogBase) -> int:
    """Makes every photo's words again (after an upgrade, or a change in how words are made);
    returns how many photos. Pure string work: about a second per 100,000 photos."""
    with catalog.transaction() as conn:
        rows = conn.execute("SELECT id, relpath, camera, lens, place FROM photos").fetchall()
        conn.execute("DELETE FROM photo_words")
        conn.executemany("INSERT OR IGNORE INTO photo_words (word, photo_id) VALUES (?, ?)", _rows_words(rows))
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_WORDS_KEY, WORDS_VERSION))
    return len(rows)


# Photo ids below are of every photo, unreadable ones too: those have no vector, so a search never
# lists them, and leaving out the join that would tell keeps a word's lookup to its index entries.


def ids_with_word(catalog: CatalogBase, word: str) -> np.ndarray:
    """Photos whose folder, file name, camera, lens or place has ``word`` (sorted ids)."""
    rows = catalog.query("SELECT photo_id FROM photo_words WHERE word = ? ORDER BY photo_id", (word,))
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def ids_in_roots(catalog: CatalogBase, root_ids: Sequence[int]) -> np.ndarray:
    """Photos of these watched folders (sorted ids)."""
    if not root_ids:
        return np.zeros(0, np.int64)
    marks = ",".join("?" * len(root_ids))
    rows = catalog.query(f"SELECT id FROM photos WHERE root_id IN ({marks}) ORDER BY id", list(root_ids))
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def tag_labels(catalog: CatalogBase) -> list[str]:
    """Every tag label of the library, whatever its state. Read one index step per label (a
    recursive "next label after this one"), so a library with a million tag rows and a few hundred
    labels answers in a millisecond, not in a scan of every row."""
    rows = catalog.query(
        "WITH RECURSIVE next(label) AS (SELECT MIN(label) FROM tags UNION ALL "
        "SELECT (SELECT MIN(label) FROM tags WHERE label > next.label) FROM next WHERE next.label IS NOT NULL) "
        "SELECT label FROM next WHERE label IS NOT NULL"
    )
    return [r[0] for r in rows]


def ids_with_labels(catalog: CatalogBase, labels: Sequence[str]) -> np.ndarray:
    """Photos carrying one of these labels confirmed: accepted, or the person's own (suggestions are
    the model's guesses from the pixels, which the search already weighs) (sorted ids)."""
    if not labels:
        return np.zeros(0, np.int64)
    marks = ",".join("?" * len(labels))
    rows = catalog.query(
        f"SELECT DISTINCT photo_id FROM tags WHERE label IN ({marks}) AND state = 'accepted' ORDER BY photo_id",
        list(labels),
    )
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def confirmed_labels_of(catalog: CatalogBase, photo_ids: Sequence[int]) -> dict[int, list[str]]:
    """The confirmed tag labels of each of these photos."""
    out: dict[int, list[str]] = {}
    for start in range(0, len(photo_ids), 900):
        chunk = list(photo_ids[start : start + 900])
        for photo_id, label in catalog.query(
            f"SELECT photo_id, label FROM tags WHERE state = 'accepted' AND photo_id IN ({','.join('?' * len(chunk))}) "
            "ORDER BY label",
            chunk,
        ):
            out.setdefault(photo_id, []).append(label)
    return out


def folders(catalog: CatalogBase) -> list[tuple[int, str]]:
    """Every (root id, folder relative to it) that holds photos: one index step per folder (a
    recursive "next folder after this one" in each watched folder), not a scan of every photo."""
    found: list[tuple[int, str]] = []
    for (root_id,) in catalog.query("SELECT id FROM roots ORDER BY id"):
        rows = catalog.query(
            "WITH RECURSIVE next(folder) AS (SELECT MIN(folder) FROM photos WHERE root_id = ?1 UNION ALL "
            "SELECT (SELECT MIN(folder) FROM photos WHERE root_id = ?1 AND folder > next.folder) FROM next "
            "WHERE next.folder IS NOT NULL) SELECT folder FROM next WHERE folder IS NOT NULL",
            (root_id,),
        )
        found += [(root_id, from_db(r[0])) for r in rows]
    return found


def ids_in_folders(catalog: CatalogBase, wanted: Sequence[tuple[int, str]]) -> np.ndarray:
    """Photos directly in these folders (sorted ids)."""
    found: list[int] = []
    for root_id, folder in wanted:
        rows = catalog.query("SELECT id FROM photos WHERE root_id = ? AND folder = ?", (root_id, db_text(folder)))
        found += [r[0] for r in rows]
    return np.unique(np.asarray(found, dtype=np.int64))


def cameras(catalog: CatalogBase) -> list[str]:
    """Every camera the library's photos name."""
    return [r[0] for r in catalog.query("SELECT DISTINCT camera FROM photos WHERE camera != '' ORDER BY camera")]


def ids_with_camera(catalog: CatalogBase, names: Sequence[str]) -> np.ndarray:
    """Readable photos whose camera is one of ``names`` (sorted ids)."""
    if not names:
        return np.zeros(0, np.int64)
    marks = ",".join("?" * len(names))
    rows = catalog.query(
        f"SELECT id FROM photos WHERE camera IN ({marks}) AND status != 'error' ORDER BY id", list(names)
    )
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def texts_of(catalog: CatalogBase, photo_ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """(camera, lens, place) of these photos ('' where the file names none or was not read yet)."""
    out: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(photo_ids), 900):
        chunk = list(photo_ids[start : start + 900])
        for r in catalog.query(
            f"SELECT id, camera, lens, place FROM photos WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ):
            out[r[0]] = (r[1] or "", r[2] or "", r[3] or "")
    return out


def photos_without_texts(catalog: CatalogBase, after_id: int, limit: int) -> list[tuple[int, str, str]]:
    """(id, root path, relpath) of up to ``limit`` readable photos after ``after_id`` on online
    folders whose files were never read for camera, lens and place."""
    rows = catalog.query(
        "SELECT p.id, r.path, p.relpath FROM photos p JOIN roots r ON r.id = p.root_id "
        "WHERE p.id > ? AND p.camera IS NULL AND p.status = 'ok' AND r.online ORDER BY p.id LIMIT ?",
        (after_id, limit),
    )
    return [(r[0], from_db(r[1]), from_db(r[2])) for r in rows]


def store_texts(catalog: CatalogBase, texts: Sequence[tuple[int, str, str, str]]) -> None:
    """Stores (id, camera, lens, place) read from files, and makes those photos' words again."""
    with catalog.transaction() as conn:
        conn.executemany(
            "UPDATE photos SET camera = ?, lens = ?, place = ? WHERE id = ?",
            [(camera, lens, place, photo_id) for photo_id, camera, lens, place in texts],
        )
        refresh_words(conn, [t[0] for t in texts])
