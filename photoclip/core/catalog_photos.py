"""Photos in the catalog: found, read, changed, moved, copied, deleted, filtered."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core.catalog_base import CatalogBase
from photoclip.core.catalog_kept import keep_for_later, restore_kept
from photoclip.core.catalog_text import db_text, from_db, in_folder
from photoclip.core.catalog_words import add_words_after, largest_id, refresh_words
from photoclip.core.paths import expand_home
from photoclip.core.records import PhotoMetadata, PhotoRow, PhotoStatus, Root

#: True for a photo whose file can be reached now: its root is online and no unreachable path
#: of the last scan (a link to an unplugged drive, an unreadable sub-folder) holds it.
_REACHABLE = (
    "(r.online AND NOT EXISTS (SELECT 1 FROM unreachable_paths u WHERE u.root_id = p.root_id "
    "AND (p.relpath = u.path OR p.relpath GLOB u.pattern)))"
)
_PHOTO_COLUMNS = (
    "p.id, p.root_id, p.relpath, p.size, p.mtime_ns, p.fingerprint, p.width, p.height, "
    f"p.taken_at, p.status, p.error, r.path AS root_path, {_REACHABLE} AS reachable, p.date_source"
)


def _photo(row: sqlite3.Row) -> PhotoRow:
    return PhotoRow(
        id=row["id"],
        root_id=row["root_id"],
        relpath=from_db(row["relpath"]),
        size=row["size"],
        mtime_ns=row["mtime_ns"],
        fingerprint=row["fingerprint"],
        width=row["width"],
        height=row["height"],
        taken_at=row["taken_at"],
        status=PhotoStatus(row["status"]),
        error=row["error"],
        root_path=Path(from_db(row["root_path"])),
        online=bool(row["reachable"]),
        date_source=row["date_source"],
    )


class PhotosMixin(CatalogBase):
    """The catalog's photos."""

    if TYPE_CHECKING:  # parts of the Catalog that live beside this one

        def roots(self) -> list[Root]: ...

        def embedding_count(self, model: str) -> int: ...

    def photo_stats(self, root_id: int) -> dict[str, tuple[int, int, int, str]]:
        """relpath -> (id, size, mtime_ns, status) for every photo of a root."""
        rows = self.query("SELECT relpath, id, size, mtime_ns, status FROM photos WHERE root_id = ?", (root_id,))
        return {from_db(r[0]): (r[1], r[2], r[3], r[4]) for r in rows}

    def add_pending(self, root_id: int, entries: Iterable[tuple[str, int, int]]) -> int:
        """Inserts newly found files (relpath, size, mtime_ns) as pending. Returns how many."""
        now = time.time()
        rows = [
            (root_id, db_text(rel), db_text(rel.rpartition("/")[0]), size, mtime, now) for rel, size, mtime in entries
        ]
        with self.transaction() as conn:
            last = largest_id(conn)
            conn.executemany(
                "INSERT OR IGNORE INTO photos (root_id, relpath, folder, size, mtime_ns, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            add_words_after(conn, last)
        return len(rows)

    def mark_changed(self, changes: Iterable[tuple[int, int, int]]) -> int:
        """Photos whose file changed (id, size, mtime_ns): pending again, their old vectors dropped."""
        changes = list(changes)
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE photos SET size = ?, mtime_ns = ?, status = 'pending', error = NULL WHERE id = ?",
                [(size, mtime, pid) for pid, size, mtime in changes],
            )
            conn.executemany("DELETE FROM embeddings WHERE photo_id = ?", [(pid,) for pid, _, _ in changes])
            self._bump_all_models(conn)
        return len(changes)

    def delete_photos(self, photo_ids: Iterable[int]) -> int:
        """Forgets photos whose files are gone (never touches files). Their tags and collection
        places are kept by fingerprint, and come back if the same bytes are found again; a photo
        of the same bytes still in the library has them at once (a copy trashed, a path that was
        a link forgotten: what was said of the picture stays with it)."""
        ids = list(photo_ids)
        with self.transaction() as conn:
            fingerprints = keep_for_later(conn, ids)
            conn.executemany("DELETE FROM photos WHERE id = ?", [(pid,) for pid in ids])
            for fingerprint in fingerprints:
                twins = [r[0] for r in conn.execute("SELECT id FROM photos WHERE fingerprint = ?", (fingerprint,))]
                for twin in twins:
                    restore_kept(conn, twin, fingerprint, forget=twin == twins[-1])
            self._bump_all_models(conn)
        return len(ids)

    def move_photo(self, photo_id: int, root_id: int, relpath: str, size: int, mtime_ns: int) -> None:
        """Gives a photo a new path, keeping its id, embeddings and tags."""
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM photos WHERE root_id = ? AND relpath = ? AND id != ?",
                (root_id, db_text(relpath), photo_id),
            )
            conn.execute(
                "UPDATE photos SET root_id = ?, relpath = ?, folder = ?, size = ?, mtime_ns = ? WHERE id = ?",
                (root_id, db_text(relpath), db_text(relpath.rpartition("/")[0]), size, mtime_ns, photo_id),
            )
            refresh_words(conn, [photo_id])

    def set_error(self, photo_id: int, reason: str) -> None:
        """Records why a file could not be read; it is read again when it changes (or, refused for
        its permissions, once they let it be read: see the indexer's scan)."""
        with self.transaction() as conn:
            conn.execute("UPDATE photos SET status = 'error', error = ? WHERE id = ?", (reason, photo_id))

    def refused(self, root_id: int, reason: str) -> list[tuple[int, str]]:
        """(id, relpath) of a root's photos recorded as unreadable for exactly ``reason``."""
        rows = self.query(
            "SELECT id, relpath FROM photos WHERE root_id = ? AND status = 'error' AND error = ?", (root_id, reason)
        )
        return [(r[0], from_db(r[1])) for r in rows]

    def retry(self, photo_ids: Sequence[int]) -> None:
        """Puts unreadable photos back to be read at the next indexing."""
        with self.transaction() as conn:
            conn.executemany(
                "UPDATE photos SET status = 'pending', error = NULL WHERE id = ? AND status = 'error'",
                [(int(i),) for i in photo_ids],
            )

    def photo(self, photo_id: int) -> PhotoRow | None:
        """One photo by id."""
        rows = self.photos_by_ids([photo_id])
        return rows[0] if rows else None

    def photos_by_ids(self, photo_ids: Sequence[int]) -> list[PhotoRow]:
        """Photos by id, in the order asked (ids that no longer exist are skipped)."""
        found: dict[int, PhotoRow] = {}
        ids = list(photo_ids)
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for row in self.query(
                f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id WHERE p.id IN ({marks})",
                chunk,
            ):
                found[row[0]] = _photo(row)
        return [found[i] for i in ids if i in found]

    def photos_named(self, name: str, unreadable: bool = False) -> list[PhotoRow]:
        """The readable photos (with ``unreadable``: the unreadable ones) whose file name is ``name``
        (in any folder of any root), or whose path ends with it ("trip/cat.jpg"); failing that, the
        same with ASCII case ignored ("IMG_0001.JPG" for IMG_0001.jpg, the same file on Windows and macOS)."""
        # As bytes on both sides: a path that is not UTF-8 is stored as bytes, never equal to text.
        ends_with = (
            "(CAST({path} AS BLOB) = CAST({name} AS BLOB) OR substr(CAST({path} AS BLOB), "
            "-length(CAST({name} AS BLOB)) - 1) = CAST('/' || {name} AS BLOB))"
        )
        select = (
            f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id "
            f"WHERE p.status {'=' if unreadable else '!='} 'error' AND "
        )
        for path, typed in (("p.relpath", "?1"), ("lower(p.relpath)", "lower(?1)")):
            rows = self.query(select + ends_with.format(path=path, name=typed) + " ORDER BY p.id", (db_text(name),))
            if rows:
                return [_photo(row) for row in rows]
        return []

    def photo_by_path(self, path: Path) -> PhotoRow | None:
        """The catalogued photo at ``path``, if any."""
        path = expand_home(path).absolute()  # "~$tmp.jpg" is a name: Path.expanduser raised
        roots = self.roots()
        for spelling in _spellings(path):
            for root in roots:
                try:
                    rel = spelling.relative_to(root.path)
                except ValueError:
                    continue
                rows = self.query(
                    f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id "
                    "WHERE p.root_id = ? AND p.relpath = ?",
                    (root.id, db_text(rel.as_posix())),
                )
                if rows:
                    return _photo(rows[0])
        return None

    def photos_with_fingerprint(self, fingerprint: str) -> list[PhotoRow]:
        """Every photo whose bytes hash to ``fingerprint`` (copies and moves)."""
        rows = self.query(
            f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id WHERE p.fingerprint = ?",
            (fingerprint,),
        )
        return [_photo(r) for r in rows]

    def photos_sharing_fingerprint(self) -> list[PhotoRow]:
        """Readable photos whose bytes another photo has too (exact copies), by fingerprint."""
        rows = self.query(
            f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id WHERE p.status = 'ok' "
            "AND p.fingerprint IN (SELECT fingerprint FROM photos WHERE status = 'ok' AND fingerprint IS NOT NULL "
            "GROUP BY fingerprint HAVING COUNT(*) > 1) ORDER BY p.fingerprint, p.id"
        )
        return [_photo(r) for r in rows]

    def photos_needing_embedding(
        self, model: str, root_ids: Sequence[int] | None = None, limit: int | None = None
    ) -> list[PhotoRow]:
        """Photos not in error that have no vector for ``model`` yet, on online roots."""
        where = (
            f"p.status != 'error' AND {_REACHABLE} AND NOT EXISTS "
            "(SELECT 1 FROM embeddings e WHERE e.photo_id = p.id AND e.model = ?)"
        )
        params: list = [model]
        if root_ids is not None:
            where += f" AND p.root_id IN ({','.join('?' * len(root_ids))})"
            params += list(root_ids)
        rows = self.query(
            f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id WHERE {where} "
            "ORDER BY p.root_id, p.relpath" + (f" LIMIT {int(limit)}" if limit else ""),
            params,
        )
        return [_photo(r) for r in rows]

    def errors(self, folder: tuple[int, str] | None = None) -> list[PhotoRow]:
        """Photos that could not be read, with their reasons; in ``folder`` (root id, relative
        folder, its sub-folders included) when given."""
        clause, params = in_folder(folder) if folder is not None else ("1", [])
        rows = self.query(
            f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id "
            f"WHERE p.status = 'error' AND {clause} ORDER BY r.path, p.relpath",
            params,
        )
        return [_photo(r) for r in rows]

    def counts(self, model: str | None = None) -> dict[str, int]:
        """Numbers for ``photoclip status``: photos, errors, pending, embedded (for ``model``)."""
        photos, errors, pending = self.query(
            "SELECT COUNT(*), COALESCE(SUM(status = 'error'), 0), COALESCE(SUM(status = 'pending'), 0) FROM photos"
        )[0]
        embedded = self.embedding_count(model) if model else 0
        return {"photos": photos, "errors": errors, "pending": pending, "embedded": embedded}

    def root_counts(self, listed_only: bool = False) -> dict[int, int]:
        """Photo count per root id; ``listed_only``: without the unreadable files, which no view lists."""
        # Summed, not filtered: a folder of unreadable files only is still there, with 0 photos.
        counted = "SUM(status != 'error')" if listed_only else "COUNT(*)"
        return {r[0]: r[1] for r in self.query(f"SELECT root_id, {counted} FROM photos GROUP BY root_id")}

    def folder_counts(self, root_id: int, listed_only: bool = False) -> dict[str, int]:
        """Photo count per folder (relative) of a root, each folder counted on its own; ``listed_only``
        as for :meth:`root_counts`."""
        counted = "SUM(status != 'error')" if listed_only else "COUNT(*)"
        rows = self.query(f"SELECT folder, {counted} FROM photos WHERE root_id = ? GROUP BY folder", (root_id,))
        return {from_db(folder): count for folder, count in rows}

    def store_indexed(
        self,
        items: Sequence[tuple[int, PhotoMetadata, np.ndarray | None]],
        model: str,
    ) -> None:
        """Writes what reading photos gave: metadata, status 'ok', and their vectors, in one go."""
        with self.transaction() as conn:
            seq = self._next_seq(conn, model, sum(vector is not None for _, _, vector in items))
            for photo_id, meta, vector in items:
                _forget_suggestions_if_changed(conn, photo_id, meta.fingerprint)
                conn.execute(
                    "UPDATE photos SET fingerprint = ?, width = ?, height = ?, taken_at = ?, date_source = ?, "
                    "status = 'ok', error = NULL, camera = ?, lens = ?, place = ? WHERE id = ?",
                    (meta.fingerprint, meta.width, meta.height, meta.taken_at, meta.date_source, *meta.texts, photo_id),
                )
                restore_kept(conn, photo_id, meta.fingerprint)
                if vector is not None:
                    conn.execute(
                        "INSERT OR REPLACE INTO embeddings (photo_id, model, vector, seq) VALUES (?, ?, ?, ?)",
                        (photo_id, model, np.ascontiguousarray(vector, dtype=np.float32).tobytes(), seq),
                    )
                    seq += 1
            refresh_words(conn, [photo_id for photo_id, _, _ in items])  # the camera's, lens's, place's words

    def copy_photo_data(self, source_id: int, target_id: int) -> None:
        """Gives ``target`` the metadata and every vector of ``source`` (same bytes, no re-embedding)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT fingerprint FROM photos WHERE id = ?", (source_id,)).fetchone()
            fingerprint = None if row is None else row[0]
            if row is not None:
                _forget_suggestions_if_changed(conn, target_id, fingerprint)
            conn.execute(
                "UPDATE photos SET (fingerprint, width, height, taken_at, date_source, status, error, camera, lens, "
                "place) = (SELECT fingerprint, width, height, taken_at, date_source, 'ok', NULL, camera, lens, place "
                "FROM photos WHERE id = ?) WHERE id = ?",
                (source_id, target_id),
            )
            refresh_words(conn, [target_id])
            if fingerprint:  # the target has the source's now
                restore_kept(conn, target_id, fingerprint)
            for model, vector in conn.execute(
                "SELECT model, vector FROM embeddings WHERE photo_id = ?", (source_id,)
            ).fetchall():
                conn.execute(
                    "INSERT OR REPLACE INTO embeddings (photo_id, model, vector, seq) VALUES (?, ?, ?, ?)",
                    (target_id, model, vector, self._next_seq(conn, model)),
                )

    def filter_photo_ids(
        self,
        *,
        roots: Sequence[int] | None = None,
        folder: tuple[int, str] | None = None,
        date_from: float | None = None,
        date_to: float | None = None,
        photo_ids: Sequence[int] | None = None,
        tags: Sequence[str] = (),
        months: Sequence[int] = (),
        without_tags: Sequence[str] = (),
    ) -> np.ndarray:
        """Ids of the photos that pass every given filter (a folder includes its sub-folders;
        ``months``: taken in one of these months of the year, any year; ``without_tags``: none of these)."""
        where: list[str] = ["p.status != 'error'"]
        params: list[object] = []
        if roots is not None:
            where.append(f"p.root_id IN ({','.join('?' * len(roots))})")
            params += list(roots)
        if folder is not None:
            clause, values = in_folder(folder)
            where.append(clause)
            params += values
        if date_from is not None:
            where.append("p.taken_at >= ?")
            params.append(date_from)
        if date_to is not None:
            where.append("p.taken_at < ?")
            params.append(date_to)
        if months:  # taken_at is wall-clock time stored as UTC seconds, so its UTC month is the month
            where.append(f"CAST(strftime('%m', p.taken_at, 'unixepoch') AS INTEGER) IN ({','.join('?' * len(months))})")
            params += [int(m) for m in months]
        for tag, has in [*((tag, "") for tag in tags), *((tag, "NOT ") for tag in without_tags)]:
            where.append(
                f"{has}EXISTS (SELECT 1 FROM tags t WHERE t.photo_id = p.id AND t.label = ? AND t.state != 'rejected')"
            )
            params.append(tag)
        sql = f"SELECT p.id FROM photos p WHERE {' AND '.join(where)}"
        ids = np.fromiter((r[0] for r in self.query(sql, params)), dtype=np.int64)
        if photo_ids is not None:
            ids = np.intersect1d(ids, np.asarray(photo_ids, dtype=np.int64))
        return ids

    def ids_by_date(self, ids: np.ndarray | None = None, *, newest_first: bool = True) -> np.ndarray:
        """Photo ids (all readable ones, or those of ``ids``) ordered by date taken; undated last."""
        order = "DESC" if newest_first else "ASC"
        rows = self.query(
            f"SELECT id FROM photos WHERE status != 'error' ORDER BY taken_at IS NULL, taken_at {order}, id {order}"
        )
        ordered = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return ordered if ids is None else ordered[np.isin(ordered, ids)]


def _forget_suggestions_if_changed(conn: sqlite3.Connection, photo_id: int, fingerprint: str | None) -> None:
    """When a photo's file now holds other bytes (another picture, or the same one with its metadata
    edited), the tags suggested for the old bytes go (what the person accepted, added or rejected
    stays) and tagging runs may look at it again."""
    before = conn.execute("SELECT fingerprint FROM photos WHERE id = ?", (photo_id,)).fetchone()
    if before is not None and before[0] is not None and before[0] != fingerprint:
        conn.execute("DELETE FROM tags WHERE photo_id = ? AND state = 'suggested'", (photo_id,))
        conn.execute("DELETE FROM tagging_runs WHERE photo_id = ?", (photo_id,))


def _spellings(path: Path) -> Iterable[Path]:
    """An absolute path as typed with its ".." taken out ("photos/../photos/a.jpg"), then, if that
    names no photo, through its links (looked at only then: a link may sit on a slow drive). A ".."
    after a link leads elsewhere than the text says: then only the file the path reaches counts."""
    plain = Path(os.path.normpath(path))
    if ".." not in path.parts or _same_file(plain, path):
        yield plain
    resolved = path.resolve()
    if resolved != plain:
        yield resolved


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths reach the same file (both unreachable: taken as the same, by their text)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return not (a.exists() or b.exists())
