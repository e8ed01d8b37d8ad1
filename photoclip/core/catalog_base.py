"""The catalog's connections, transactions and schema: what every part of the catalog stands on.

One SQLite file in WAL mode, so searches read while the indexer writes. Each thread gets its own
connection; writes go through :meth:`CatalogBase.transaction`, which takes SQLite's write lock up
front so two writers queue instead of failing half-way. Rows are read by column name.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from photoclip.core.catalog_connection import cannot_write, connect, is_corrupt, write_blocker, write_failure
from photoclip.core.catalog_schema import MIGRATIONS, SCHEMA_VERSION
from photoclip.core.errors import CatalogError, PhotoclipError

log = logging.getLogger(__name__)


def _split_statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer


class CatalogBase:
    """The catalog file: connections, transactions, schema migrations and the key-value table.
    Safe to share between threads."""

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

    def query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Rows of a read-only statement (for the storage layer's own modules: the catalog's parts
        and the tag store), by column name or position."""
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
        # Off while tables are rebuilt (a DROP would cascade); checked, then on again.
        conn.execute("PRAGMA foreign_keys=OFF")
        for target in range(version, SCHEMA_VERSION):
            try:
                conn.execute("BEGIN IMMEDIATE")
                for statement in _split_statements(MIGRATIONS[target]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target + 1}")
                broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise sqlite3.IntegrityError(f"{len(broken)} rows would point at nothing after it")
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
            finally:
                if not conn.in_transaction:
                    conn.execute("PRAGMA foreign_keys=ON")

    def _backup(self, version: int) -> Path:
        """Copies the catalog aside (consistently, through SQLite) before a migration."""
        self.backups_dir.mkdir(parents=True, exist_ok=True)
        target = self.backups_dir / f"catalog-v{version}-{time.strftime('%Y%m%d-%H%M%S')}.sqlite3"
        with sqlite3.connect(target) as backup:
            self._connect().backup(backup)
        return target

    def data_version(self) -> int:
        """A number that changes when another connection (another window or process on this library,
        or another thread here) commits a change; cheap enough to poll."""
        return int(self.query("PRAGMA data_version")[0][0])

    @property
    def schema_version(self) -> int:
        """The catalog's schema version."""
        return self.query("PRAGMA user_version")[0][0]

    def integrity_check(self) -> str:
        """SQLite's full integrity check plus the catalog's own invariants; 'ok' when all hold."""
        result = self.query("PRAGMA integrity_check")[0][0]
        if result != "ok":
            return result
        orphans = self.query(
            "SELECT COUNT(*) FROM embeddings e LEFT JOIN photos p ON p.id = e.photo_id WHERE p.id IS NULL"
        )[0][0]
        if orphans:
            return f"{orphans} embeddings without a photo"
        return "ok"

    # -- meta --------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A value from the catalog's key-value table."""
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        """Stores a value in the catalog's key-value table."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- helpers of the writers ----------------------------------------------------------
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
