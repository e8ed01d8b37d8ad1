"""Watched folders in the catalog, and the parts of them the last scan could not reach."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path

from photoclip.core.catalog_base import CatalogBase
from photoclip.core.catalog_kept import keep_for_later
from photoclip.core.catalog_text import db_text, from_db, glob_escape
from photoclip.core.catalog_words import refresh_words
from photoclip.core.paths import expand_home
from photoclip.core.records import Root

_ADD_UNREACHABLE = (
    "INSERT OR REPLACE INTO unreachable_paths (root_id, path, pattern, reason, since) VALUES (?, ?, ?, ?, ?)"
)


def _unreachable_row(root_id: int, path: str, reason: str, since: float) -> tuple:
    """An ``unreachable_paths`` row: the path, and the GLOB that matches the relpaths below it."""
    return (root_id, db_text(path), db_text(glob_escape(path) + "/*"), reason, since)


class RootsMixin(CatalogBase):
    """The catalog's watched folders."""

    def add_root(self, path: Path) -> Root:
        """Adds a watched folder (idempotent) and returns it."""
        path = expand_home(path).resolve()
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO roots (path, added_at) VALUES (?, ?)", (db_text(str(path)), time.time())
            )
        root = self.root_by_path(path)
        assert root is not None
        return root

    def roots(self) -> list[Root]:
        """All watched folders, in the order they were added."""
        rows = self.query("SELECT id, path, online, last_scan_at, excluded FROM roots ORDER BY id")
        return [Root(r[0], Path(from_db(r[1])), bool(r[2]), r[3], tuple(json.loads(r[4]))) for r in rows]

    def root(self, root_id: int) -> Root | None:
        """A watched folder by id."""
        return next((r for r in self.roots() if r.id == root_id), None)

    def root_by_path(self, path: Path) -> Root | None:
        """The watched folder at exactly ``path``, if any."""
        wanted = expand_home(path).resolve()
        return next((r for r in self.roots() if r.path == wanted), None)

    def remove_root(self, root_id: int) -> int:
        """Forgets a watched folder and its photos (never touching the files). Returns photos removed.

        Their tags and collection places are kept by fingerprint, as for deleted photos, and come
        back when the folder (or a folder holding it) is added again. Unlike a deleted photo's,
        they are not handed to copies elsewhere in the library at once: removing a folder says
        nothing about the other photos, and handing them over would let go of them before the
        folder comes back."""
        with self.transaction() as conn:
            ids = [row[0] for row in conn.execute("SELECT id FROM photos WHERE root_id = ?", (root_id,))]
            keep_for_later(conn, ids)
            conn.execute("DELETE FROM roots WHERE id = ?", (root_id,))  # its photos and their tags cascade
        return len(ids)

    def absorb_root(self, inner_id: int, outer_id: int, prefix: str) -> int:
        """Makes a watched folder part of one that holds it (``prefix``: where it lies in that one,
        "2019/Paris"): its photos move over with their ids, so their vectors, tags and collection
        places stay and nothing is read again. Returns how many moved."""

        def under(text: str) -> str:
            return f"{prefix}/{text}" if text else prefix

        with self.transaction() as conn:
            photos = conn.execute("SELECT id, relpath, folder FROM photos WHERE root_id = ?", (inner_id,)).fetchall()
            conn.executemany(
                "UPDATE photos SET root_id = ?, relpath = ?, folder = ? WHERE id = ?",
                [
                    (outer_id, db_text(under(from_db(rel))), db_text(under(from_db(folder))), pid)
                    for pid, rel, folder in photos
                ],
            )
            unreachable = conn.execute(
                "SELECT path, reason, since FROM unreachable_paths WHERE root_id = ?", (inner_id,)
            ).fetchall()
            moved = [_unreachable_row(outer_id, under(from_db(path)), why, t) for path, why, t in unreachable]
            conn.executemany(_ADD_UNREACHABLE, moved)
            (inner_excluded,) = conn.execute("SELECT excluded FROM roots WHERE id = ?", (inner_id,)).fetchone()
            (outer_excluded,) = conn.execute("SELECT excluded FROM roots WHERE id = ?", (outer_id,)).fetchone()
            excluded = sorted({*json.loads(outer_excluded), *(under(e) for e in json.loads(inner_excluded))})
            conn.execute("UPDATE roots SET excluded = ? WHERE id = ?", (json.dumps(excluded), outer_id))
            conn.execute("DELETE FROM roots WHERE id = ?", (inner_id,))  # nothing of it is left to cascade
            refresh_words(conn, [pid for pid, _, _ in photos])  # the folder's name is now part of their path
        return len(photos)

    def move_root(self, root_id: int, path: Path) -> None:
        """Points a watched folder at the place it moved to (its photos keep their ids and all)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE roots SET path = ?, online = 1 WHERE id = ?", (db_text(str(Path(path).resolve())), root_id)
            )

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
                _ADD_UNREACHABLE,
                [_unreachable_row(root_id, path, reason, since.get(path, now)) for path, reason in paths.items()],
            )

    def unreachable(self, root_id: int) -> list[tuple[str, str, int]]:
        """(path, reason, photos kept under it) for what the last scan of a root could not reach."""
        rows = self.query(
            "SELECT u.path, u.reason, (SELECT COUNT(*) FROM photos p WHERE p.root_id = u.root_id "
            "AND (p.relpath = u.path OR p.relpath GLOB u.pattern)) FROM unreachable_paths u "
            "WHERE u.root_id = ? ORDER BY u.path",
            (root_id,),
        )
        return [(from_db(path), reason, count) for path, reason, count in rows]
