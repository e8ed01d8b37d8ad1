"""The SQLite catalog: roots, photos, their embeddings and errors.

One file in WAL mode, so searches read while the indexer writes. Each thread gets its own
connection; writes go through :meth:`Catalog.transaction`, which takes SQLite's write lock up
front so two writers queue instead of failing half-way.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from photoclip.core.catalog_connection import cannot_write, connect, is_corrupt, write_blocker, write_failure
from photoclip.core.catalog_schema import MIGRATIONS, SCHEMA_VERSION
from photoclip.core.errors import CatalogError, PhotoclipError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Root:
    """A watched folder."""

    id: int
    path: Path
    online: bool
    last_scan_at: float | None
    excluded: tuple[str, ...]


@dataclass(frozen=True)
class PhotoRow:
    """A photo as the catalog knows it."""

    id: int
    root_id: int
    relpath: str
    size: int
    mtime_ns: int
    fingerprint: str | None
    width: int | None
    height: int | None
    taken_at: float | None
    status: str
    error: str | None
    root_path: Path
    online: bool

    @property
    def path(self) -> Path:
        """Absolute path of the photo (it may be on an offline drive)."""
        return self.root_path / self.relpath

    @property
    def folder(self) -> str:
        """Folder of the photo relative to its root ('' at the root)."""
        return self.relpath.rpartition("/")[0]


@dataclass(frozen=True)
class PhotoMetadata:
    """What reading a photo tells us, stored when it is indexed."""

    fingerprint: str
    width: int
    height: int
    taken_at: float | None
    date_source: str


#: True for a photo whose file can be reached now: its root is online and no unreachable path
#: of the last scan (a link to an unplugged drive, an unreadable sub-folder) holds it.
_REACHABLE = (
    "(r.online AND NOT EXISTS (SELECT 1 FROM unreachable_paths u WHERE u.root_id = p.root_id "
    "AND (p.relpath = u.path OR p.relpath GLOB u.pattern)))"
)
_PHOTO_COLUMNS = (
    "p.id, p.root_id, p.relpath, p.size, p.mtime_ns, p.fingerprint, p.width, p.height, "
    f"p.taken_at, p.status, p.error, r.path, {_REACHABLE}"
)


def glob_escape(text: str) -> str:
    """``text`` as a literal in an SQLite GLOB pattern (which is case-sensitive, unlike LIKE)."""
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in text)


def db_text(text: str) -> str | bytes:
    """A path (or part of one) as the catalog stores it, losslessly.

    On POSIX a file name is bytes, and Python hands names that are not valid UTF-8 over as text
    with lone surrogates, which SQLite cannot store as text. Those are stored as their original
    bytes (a BLOB) instead; :func:`from_db` turns either back into the same Python string.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")
    return text


def from_db(value: str | bytes) -> str:
    """The Python string of a stored path (see :func:`db_text`)."""
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


def _photo(row: tuple) -> PhotoRow:
    return PhotoRow(
        row[0],
        row[1],
        from_db(row[2]),
        *row[3:11],
        root_path=Path(from_db(row[11])),
        online=bool(row[12]),
    )


def _split_statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer


class Catalog:
    """The library's catalog file. Safe to share between threads."""

    def __init__(self, path: Path, backups_dir: Path | None = None) -> None:
        self.path = Path(path)
        self.backups_dir = backups_dir or self.path.parent / "backups"
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        #: True when the file can only be read here (a read-only or full disk); writes are refused.
        self.read_only = False
        self.read_only_reason = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CatalogError(
                f"The library folder {self.path.parent} cannot be made ({exc.strerror or exc})."
            ) from exc
        self._migrate()

    # -- connections -------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _open(self) -> sqlite3.Connection:
        if not self.read_only:
            try:
                return connect(self.path, read_only=False)
            except sqlite3.Error as exc:
                if is_corrupt(exc):
                    raise CatalogError.corrupt(self.path, exc) from exc
                blocker = write_blocker(self.path.parent)
                if not self.path.is_file() or blocker is None:
                    raise CatalogError(f"The library catalog {self.path} cannot be opened ({exc}).") from exc
                self.read_only, self.read_only_reason = True, blocker
                log.info("catalog %s opened read-only: %s", self.path, blocker)
        try:
            return connect(self.path, read_only=True)
        except sqlite3.Error as exc:
            if is_corrupt(exc):
                raise CatalogError.corrupt(self.path, exc) from exc
            raise CatalogError(f"The library catalog {self.path} cannot be opened ({exc}).") from exc

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        try:
            return self._connect().execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            if is_corrupt(exc):
                raise CatalogError.corrupt(self.path, exc) from exc
            raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; commits on success, rolls back on any exception.

        Raises :class:`CatalogError` (read-only) or :class:`DiskFull` with the reason when the
        catalog cannot be written here.
        """
        if self.read_only:
            raise cannot_write(self.path, self.read_only_reason)
        conn = self._connect()
        if conn.in_transaction:  # nested: part of the outer transaction
            yield conn
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise write_failure(self.path, exc) from exc
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise write_failure(self.path, exc) from exc
            raise

    def close(self) -> None:
        """Closes every thread's connection and checkpoints the WAL."""
        with self._lock:
            for conn in self._connections:
                with suppress(sqlite3.Error):
                    conn.close()
            self._connections.clear()
        self._local = threading.local()

    # -- schema ------------------------------------------------------------------------------
    def _migrate(self) -> None:
        existed = self.path.exists() and self.path.stat().st_size > 0
        conn = self._connect()
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if existed:
                check = conn.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise CatalogError.corrupt(self.path, check)
        except sqlite3.DatabaseError as exc:
            raise CatalogError.corrupt(self.path, exc) from exc
        # Checked before anything is written, so a newer catalog is left exactly as it was.
        if version > SCHEMA_VERSION:
            raise CatalogError(
                f"The catalog {self.path} was written by a newer photoclip (schema {version}, "
                f"this program knows {SCHEMA_VERSION}). Update photoclip to open it."
            )
        if self.read_only:
            if version < SCHEMA_VERSION:
                raise cannot_write(self.path, f"{self.read_only_reason}, and the catalog needs an upgrade first")
            return
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # persistent in the file; a no-op once set
        except sqlite3.Error as exc:
            raise write_failure(self.path, exc) from exc
        if version == SCHEMA_VERSION:
            return
        if existed and version > 0:
            try:
                backup = self._backup(version)
            except (OSError, sqlite3.Error) as exc:
                raise CatalogError(
                    f"The catalog {self.path} needs an upgrade, and a copy must be made first, but it could "
                    f"not be written to {self.backups_dir} ({exc}). Nothing was changed."
                ) from exc
        for target in range(version, SCHEMA_VERSION):
            try:
                conn.execute("BEGIN IMMEDIATE")
                for statement in _split_statements(MIGRATIONS[target]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target + 1}")
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                failure = write_failure(self.path, exc)
                if isinstance(failure, PhotoclipError):
                    raise failure from exc
                kept = f" A copy from before the upgrade is in {backup}." if existed and version > 0 else ""
                raise CatalogError(
                    f"The catalog {self.path} could not be upgraded from schema {target} ({exc}); "
                    f"the upgrade was rolled back and the file is as it was.{kept}"
                ) from exc

    def _backup(self, version: int) -> Path:
        """Copies the catalog aside (consistently, through SQLite) before a migration."""
        self.backups_dir.mkdir(parents=True, exist_ok=True)
        target = self.backups_dir / f"catalog-v{version}-{time.strftime('%Y%m%d-%H%M%S')}.sqlite3"
        with sqlite3.connect(target) as backup:
            self._connect().backup(backup)
        return target

    @property
    def schema_version(self) -> int:
        """The catalog's schema version."""
        return self._query("PRAGMA user_version")[0][0]

    def integrity_check(self) -> str:
        """SQLite's full integrity check plus the catalog's own invariants; 'ok' when all hold."""
        result = self._query("PRAGMA integrity_check")[0][0]
        if result != "ok":
            return result
        orphans = self._query(
            "SELECT COUNT(*) FROM embeddings e LEFT JOIN photos p ON p.id = e.photo_id WHERE p.id IS NULL"
        )[0][0]
        if orphans:
            return f"{orphans} embeddings without a photo"
        return "ok"

    # -- meta --------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A value from the catalog's key-value table."""
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        """Stores a value in the catalog's key-value table."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- roots -------------------------------------------------------------------------------
    def add_root(self, path: Path) -> Root:
        """Adds a watched folder (idempotent) and returns it."""
        path = Path(path).expanduser().resolve()
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO roots (path, added_at) VALUES (?, ?)", (db_text(str(path)), time.time())
            )
        root = self.root_by_path(path)
        assert root is not None
        return root

    def roots(self) -> list[Root]:
        """All watched folders, in the order they were added."""
        rows = self._query("SELECT id, path, online, last_scan_at, excluded FROM roots ORDER BY id")
        return [Root(r[0], Path(from_db(r[1])), bool(r[2]), r[3], tuple(json.loads(r[4]))) for r in rows]

    def root(self, root_id: int) -> Root | None:
        """A watched folder by id."""
        return next((r for r in self.roots() if r.id == root_id), None)

    def root_by_path(self, path: Path) -> Root | None:
        """The watched folder at exactly ``path``, if any."""
        wanted = Path(path).expanduser().resolve()
        return next((r for r in self.roots() if r.path == wanted), None)

    def remove_root(self, root_id: int) -> int:
        """Forgets a watched folder and its photos (never touching the files). Returns photos removed."""
        with self.transaction() as conn:
            count = conn.execute("SELECT COUNT(*) FROM photos WHERE root_id = ?", (root_id,)).fetchone()[0]
            conn.execute("DELETE FROM roots WHERE id = ?", (root_id,))
        return count

    def set_root_online(self, root_id: int, online: bool) -> None:
        """Marks a root online or offline (its photos stay either way)."""
        with self.transaction() as conn:
            conn.execute("UPDATE roots SET online = ? WHERE id = ?", (int(online), root_id))

    def set_root_scanned(self, root_id: int) -> None:
        """Records that a root was fully scanned now."""
        with self.transaction() as conn:
            conn.execute("UPDATE roots SET last_scan_at = ?, online = 1 WHERE id = ?", (time.time(), root_id))

    def set_root_excluded(self, root_id: int, excluded: Iterable[str]) -> None:
        """Sets the sub-folders of a root that are not indexed."""
        clean = sorted({e.strip("/") for e in excluded if e.strip("/")})
        with self.transaction() as conn:
            conn.execute("UPDATE roots SET excluded = ? WHERE id = ?", (json.dumps(clean), root_id))

    def set_unreachable(self, root_id: int, under: str, paths: dict[str, str]) -> None:
        """Records the paths (relpath -> reason) a scan of ``under`` (a sub-folder of the root, ''
        for all of it) could not reach; what it reached again is no longer unreachable."""
        under = under.strip("/")
        now = time.time()
        with self.transaction() as conn:
            since = {
                from_db(path): at
                for path, at in conn.execute("SELECT path, since FROM unreachable_paths WHERE root_id = ?", (root_id,))
            }
            if under:
                conn.execute(
                    "DELETE FROM unreachable_paths WHERE root_id = ? AND (path = ? OR path GLOB ?)",
                    (root_id, db_text(under), db_text(glob_escape(under) + "/*")),
                )
            else:
                conn.execute("DELETE FROM unreachable_paths WHERE root_id = ?", (root_id,))
            conn.executemany(
                "INSERT OR REPLACE INTO unreachable_paths (root_id, path, pattern, reason, since) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (root_id, db_text(path), db_text(glob_escape(path) + "/*"), reason, since.get(path, now))
                    for path, reason in paths.items()
                ],
            )

    def unreachable(self, root_id: int) -> list[tuple[str, str, int]]:
        """(path, reason, photos kept under it) for what the last scan of a root could not reach."""
        rows = self._query(
            "SELECT u.path, u.reason, (SELECT COUNT(*) FROM photos p WHERE p.root_id = u.root_id "
            "AND (p.relpath = u.path OR p.relpath GLOB u.pattern)) FROM unreachable_paths u "
            "WHERE u.root_id = ? ORDER BY u.path",
            (root_id,),
        )
        return [(from_db(path), reason, count) for path, reason, count in rows]

    # -- photos ------------------------------------------------------------------------------
    def photo_stats(self, root_id: int) -> dict[str, tuple[int, int, int, str]]:
        """relpath -> (id, size, mtime_ns, status) for every photo of a root."""
        rows = self._query("SELECT relpath, id, size, mtime_ns, status FROM photos WHERE root_id = ?", (root_id,))
        return {from_db(r[0]): (r[1], r[2], r[3], r[4]) for r in rows}

    def add_pending(self, root_id: int, entries: Iterable[tuple[str, int, int]]) -> int:
        """Inserts newly found files (relpath, size, mtime_ns) as pending. Returns how many."""
        now = time.time()
        rows = [
            (root_id, db_text(rel), db_text(rel.rpartition("/")[0]), size, mtime, now) for rel, size, mtime in entries
        ]
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO photos (root_id, relpath, folder, size, mtime_ns, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
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
        places are kept by fingerprint, and come back if the same bytes are found again."""
        ids = [(pid,) for pid in photo_ids]
        now = time.time()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO kept_tags (fingerprint, label, source, score, state, model, label_set, "
                "added_at, removed_at) SELECT p.fingerprint, t.label, t.source, t.score, t.state, t.model, "
                "t.label_set, t.added_at, ? FROM tags t JOIN photos p ON p.id = t.photo_id "
                "WHERE t.photo_id = ? AND p.fingerprint IS NOT NULL",
                [(now, pid) for (pid,) in ids],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO kept_collection_photos (collection_id, fingerprint, removed_at) "
                "SELECT c.collection_id, p.fingerprint, ? FROM collection_photos c JOIN photos p ON p.id = c.photo_id "
                "WHERE c.photo_id = ? AND p.fingerprint IS NOT NULL",
                [(now, pid) for (pid,) in ids],
            )
            conn.executemany("DELETE FROM photos WHERE id = ?", ids)
            self._bump_all_models(conn)
        return len(ids)

    @staticmethod
    def _restore_kept(conn: sqlite3.Connection, photo_id: int, fingerprint: str) -> None:
        """Gives a photo the tags and collection places kept from a deleted photo with its bytes."""
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
        conn.execute("DELETE FROM kept_tags WHERE fingerprint = ?", (fingerprint,))
        conn.execute("DELETE FROM kept_collection_photos WHERE fingerprint = ?", (fingerprint,))

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

    def set_error(self, photo_id: int, reason: str) -> None:
        """Records why a file could not be read; it is retried when it changes."""
        with self.transaction() as conn:
            conn.execute("UPDATE photos SET status = 'error', error = ? WHERE id = ?", (reason, photo_id))

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
            for row in self._query(
                f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id WHERE p.id IN ({marks})",
                chunk,
            ):
                found[row[0]] = _photo(row)
        return [found[i] for i in ids if i in found]

    def photo_by_path(self, path: Path) -> PhotoRow | None:
        """The catalogued photo at ``path``, if any."""
        path = Path(path).expanduser().absolute()
        for root in self.roots():
            try:
                rel = path.relative_to(root.path)
            except ValueError:
                try:
                    rel = path.resolve().relative_to(root.path)
                except ValueError:
                    continue
            rows = self._query(
                f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id "
                "WHERE p.root_id = ? AND p.relpath = ?",
                (root.id, db_text(rel.as_posix())),
            )
            if rows:
                return _photo(rows[0])
        return None

    def photos_with_fingerprint(self, fingerprint: str) -> list[PhotoRow]:
        """Every photo whose bytes hash to ``fingerprint`` (copies and moves)."""
        rows = self._query(
            f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id WHERE p.fingerprint = ?",
            (fingerprint,),
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
        rows = self._query(
            f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id WHERE {where} "
            "ORDER BY p.root_id, p.relpath" + (f" LIMIT {int(limit)}" if limit else ""),
            params,
        )
        return [_photo(r) for r in rows]

    def errors(self) -> list[PhotoRow]:
        """Photos that could not be read, with their reasons."""
        rows = self._query(
            f"SELECT {_PHOTO_COLUMNS} FROM photos p JOIN roots r ON r.id = p.root_id "
            "WHERE p.status = 'error' ORDER BY r.path, p.relpath"
        )
        return [_photo(r) for r in rows]

    def counts(self, model: str | None = None) -> dict[str, int]:
        """Numbers for ``photoclip status``: photos, errors, pending, embedded (for ``model``)."""
        photos, errors, pending = self._query(
            "SELECT COUNT(*), COALESCE(SUM(status = 'error'), 0), COALESCE(SUM(status = 'pending'), 0) FROM photos"
        )[0]
        embedded = self.embedding_count(model) if model else 0
        return {"photos": photos, "errors": errors, "pending": pending, "embedded": embedded}

    def root_counts(self) -> dict[int, int]:
        """Photo count per root id."""
        return dict(self._query("SELECT root_id, COUNT(*) FROM photos GROUP BY root_id"))

    def folder_counts(self, root_id: int) -> dict[str, int]:
        """Photo count per folder (relative) of a root, each folder counted on its own."""
        rows = self._query("SELECT folder, COUNT(*) FROM photos WHERE root_id = ? GROUP BY folder", (root_id,))
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
                conn.execute(
                    "UPDATE photos SET fingerprint = ?, width = ?, height = ?, taken_at = ?, date_source = ?, "
                    "status = 'ok', error = NULL WHERE id = ?",
                    (meta.fingerprint, meta.width, meta.height, meta.taken_at, meta.date_source, photo_id),
                )
                self._restore_kept(conn, photo_id, meta.fingerprint)
                if vector is not None:
                    conn.execute(
                        "INSERT OR REPLACE INTO embeddings (photo_id, model, vector, seq) VALUES (?, ?, ?, ?)",
                        (photo_id, model, np.ascontiguousarray(vector, dtype=np.float32).tobytes(), seq),
                    )
                    seq += 1

    def copy_photo_data(self, source_id: int, target_id: int) -> None:
        """Gives ``target`` the metadata and every vector of ``source`` (same bytes, no re-embedding)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE photos SET (fingerprint, width, height, taken_at, date_source, status, error) = "
                "(SELECT fingerprint, width, height, taken_at, date_source, 'ok', NULL FROM photos WHERE id = ?) "
                "WHERE id = ?",
                (source_id, target_id),
            )
            fingerprint = conn.execute("SELECT fingerprint FROM photos WHERE id = ?", (target_id,)).fetchone()
            if fingerprint and fingerprint[0]:
                self._restore_kept(conn, target_id, fingerprint[0])
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
    ) -> np.ndarray:
        """Ids of the photos that pass every given filter (a folder includes its sub-folders)."""
        where, params = ["p.status != 'error'"], []
        if roots is not None:
            where.append(f"p.root_id IN ({','.join('?' * len(roots))})")
            params += list(roots)
        if folder is not None:
            root_id, rel = folder
            rel = rel.strip("/")
            where.append("p.root_id = ?")
            params.append(root_id)
            if rel:
                where.append("(p.folder = ? OR p.folder LIKE ? ESCAPE '\\')")
                escaped = rel.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                params += [db_text(rel), db_text(escaped + "/%")]
        if date_from is not None:
            where.append("p.taken_at >= ?")
            params.append(date_from)
        if date_to is not None:
            where.append("p.taken_at < ?")
            params.append(date_to)
        for tag in tags:
            where.append(
                "EXISTS (SELECT 1 FROM tags t WHERE t.photo_id = p.id AND t.label = ? AND t.state != 'rejected')"
            )
            params.append(tag)
        sql = f"SELECT p.id FROM photos p WHERE {' AND '.join(where)}"
        ids = np.fromiter((r[0] for r in self._query(sql, params)), dtype=np.int64)
        if photo_ids is not None:
            ids = np.intersect1d(ids, np.asarray(photo_ids, dtype=np.int64))
        return ids

    def ids_by_date(self, ids: np.ndarray | None = None, *, newest_first: bool = True) -> np.ndarray:
        """Photo ids (all readable ones, or those of ``ids``) ordered by date taken; undated last."""
        order = "DESC" if newest_first else "ASC"
        rows = self._query(
            f"SELECT id FROM photos WHERE status != 'error' ORDER BY taken_at IS NULL, taken_at {order}, id {order}"
        )
        ordered = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        return ordered if ids is None else ordered[np.isin(ordered, ids)]

    # -- embeddings --------------------------------------------------------------------------
    @staticmethod
    def _next_seq(conn: sqlite3.Connection, model: str, count: int = 1) -> int:
        """Reserves ``count`` write numbers for ``model`` and returns the first.

        A counter in ``meta`` keeps the numbers growing when the newest vector is deleted, so an
        index file can tell a catalog that lost writes (its counter went back) from one that only
        deleted photos.
        """
        key = f"seq:{model}"
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        top = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM embeddings WHERE model = ?", (model,)).fetchone()[0]
        first = max(int(row[0]) if row else 0, top) + 1
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(first + count - 1)))
        return first

    @staticmethod
    def _bump_all_models(conn: sqlite3.Connection) -> None:
        """Deletions change no seq; a generation counter tells index files to re-check their ids."""
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('generation', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    @property
    def generation(self) -> int:
        """Grows on every deletion of photos or vectors."""
        return int(self.get_meta("generation", "0") or 0)

    def embedding_count(self, model: str) -> int:
        """How many photos have a vector for ``model``."""
        return self._query("SELECT COUNT(*) FROM embeddings WHERE model = ?", (model,))[0][0]

    def max_seq(self, model: str) -> int:
        """The highest write number given out for ``model`` (0 when none); it never goes back."""
        counter = self.get_meta(f"seq:{model}")
        top = self._query("SELECT COALESCE(MAX(seq), 0) FROM embeddings WHERE model = ?", (model,))[0][0]
        return max(int(counter) if counter else 0, top)

    def embedding_ids(self, model: str) -> np.ndarray:
        """Ids of every photo with a vector for ``model``."""
        rows = self._query("SELECT photo_id FROM embeddings WHERE model = ?", (model,))
        return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))

    def vectors(self, model: str, since_seq: int = 0, dim: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) for ``model`` written after ``since_seq``; vectors as float32 rows."""
        rows = self._query("SELECT photo_id, vector FROM embeddings WHERE model = ? AND seq > ?", (model, since_seq))
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        if not rows:
            return ids, np.zeros((0, dim or 0), dtype=np.float32)
        blob = b"".join(r[1] for r in rows)
        return ids, np.frombuffer(blob, dtype=np.float32).reshape(len(rows), -1).copy()

    def vector(self, photo_id: int, model: str) -> np.ndarray | None:
        """The stored vector of one photo for ``model``."""
        rows = self._query("SELECT vector FROM embeddings WHERE photo_id = ? AND model = ?", (photo_id, model))
        return np.frombuffer(rows[0][0], dtype=np.float32).copy() if rows else None

    def models_with_vectors(self) -> dict[str, int]:
        """Model id -> number of vectors, for every model the catalog holds vectors of."""
        return dict(self._query("SELECT model, COUNT(*) FROM embeddings GROUP BY model"))

    def delete_model_vectors(self, model: str) -> None:
        """Drops all vectors of a model (after switching away from it, on request)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM embeddings WHERE model = ?", (model,))
            self._bump_all_models(conn)
