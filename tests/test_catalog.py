import sqlite3

import numpy as np
import pytest

from photoclip.core.catalog import Catalog, PhotoMetadata
from photoclip.core.catalog_schema import MIGRATIONS, SCHEMA_VERSION
from photoclip.core.errors import CatalogError


def test_new_catalog_is_wal_and_at_the_current_schema(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    assert catalog.schema_version == SCHEMA_VERSION
    mode = sqlite3.connect(tmp_path / "catalog.sqlite3").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    assert catalog.integrity_check() == "ok"


def test_migration_backs_up_the_old_catalog_first(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(MIGRATIONS[0])
    old.execute("PRAGMA user_version = 1")
    old.execute("INSERT INTO roots (path, added_at) VALUES ('/photos', 0)")
    old.commit()
    old.close()
    catalog = Catalog(path)
    assert catalog.schema_version == SCHEMA_VERSION
    assert [r.path.as_posix() for r in catalog.roots()] == ["/photos"]
    backups = list((tmp_path / "backups").glob("catalog-v1-*.sqlite3"))
    assert len(backups) == 1
    saved = sqlite3.connect(backups[0])
    assert saved.execute("PRAGMA user_version").fetchone()[0] == 1
    assert saved.execute("SELECT path FROM roots").fetchall() == [("/photos",)]


def test_a_catalog_from_a_newer_photoclip_is_refused_untouched(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    Catalog(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(CatalogError, match="newer photoclip"):
        Catalog(path)
    assert path.read_bytes() == before


def test_a_damaged_catalog_is_reported_never_emptied(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    catalog = Catalog(path)
    root = catalog.add_root(tmp_path)
    catalog.add_pending(root.id, [(f"p{i}.jpg", 1, 1) for i in range(500)])
    catalog.close()
    data = bytearray(path.read_bytes())
    data[0:16] = b"garbage garbage!"  # the SQLite header
    path.write_bytes(bytes(data))
    with pytest.raises(CatalogError, match="damaged") as raised:
        Catalog(path)
    assert "backups" in str(raised.value)
    assert path.read_bytes() == bytes(data)  # left exactly as found


def test_vectors_round_trip_with_increasing_write_numbers(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    root = catalog.add_root(tmp_path)
    catalog.add_pending(root.id, [("a.jpg", 10, 1), ("b.jpg", 20, 2)])
    ids = [p.id for p in catalog.photos_needing_embedding("m")]
    vectors = np.eye(2, 4, dtype=np.float32)
    catalog.store_indexed(
        [(pid, PhotoMetadata("fp" + str(pid), 4, 3, 0.0, "file"), v) for pid, v in zip(ids, vectors, strict=True)], "m"
    )
    got_ids, got = catalog.vectors("m")
    assert sorted(got_ids.tolist()) == sorted(ids)
    assert np.allclose(got[np.argsort(got_ids)], vectors)
    assert catalog.max_seq("m") == 2
    assert catalog.vectors("m", since_seq=1)[0].tolist() == [ids[1]]
    assert catalog.photos_needing_embedding("m") == []
    assert {p.id for p in catalog.photos_needing_embedding("other")} == set(ids)


def test_removing_a_root_forgets_its_photos_and_vectors(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    root = catalog.add_root(tmp_path)
    catalog.add_pending(root.id, [("a.jpg", 10, 1)])
    pid = catalog.photos_needing_embedding("m")[0].id
    catalog.store_indexed([(pid, PhotoMetadata("f", 1, 1, 0.0, "file"), np.ones(4, np.float32))], "m")
    assert catalog.remove_root(root.id) == 1
    assert catalog.embedding_count("m") == 0
    assert catalog.integrity_check() == "ok"


def test_states_outside_the_known_ones_are_refused_by_the_catalog(tmp_path):
    import sqlite3

    catalog = Catalog(tmp_path / "catalog.sqlite3")
    root = catalog.add_root(tmp_path)
    catalog.add_pending(root.id, [("a.jpg", 1, 1)])
    photo_id = catalog.photos_needing_embedding("m")[0].id
    with pytest.raises(sqlite3.IntegrityError), catalog.transaction() as conn:
        conn.execute("UPDATE photos SET status = 'done' WHERE id = ?", (photo_id,))
    with pytest.raises(sqlite3.IntegrityError), catalog.transaction() as conn:
        conn.execute(
            "INSERT INTO tags (photo_id, label, source, state, added_at) VALUES (?, 'x', 'auto', 'maybe', 0)",
            (photo_id,),
        )
    assert catalog.photo(photo_id).status == "pending"


def test_an_old_catalog_is_upgraded_keeping_every_photo_vector_and_tag(tmp_path):
    """A schema-3 catalog (before the CHECK constraints) goes through the table rebuild intact."""
    import sqlite3

    from photoclip.core.catalog_schema import MIGRATIONS

    path = tmp_path / "catalog.sqlite3"
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:3]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO roots (id, path, added_at) VALUES (1, '/photos', 0)")
    for i in range(1, 51):
        conn.execute(
            "INSERT INTO photos (id, root_id, relpath, folder, size, mtime_ns, status, added_at) "
            "VALUES (?, 1, ?, '', 1, 1, 'ok', 0)",
            (i, f"p{i}.jpg"),
        )
        conn.execute("INSERT INTO embeddings VALUES (?, 'm', ?, ?)", (i, bytes(8), i))
        conn.execute("INSERT INTO tags VALUES (?, 'beach', 'user', NULL, 'accepted', NULL, NULL, 0)", (i,))
    conn.commit()
    conn.close()
    catalog = Catalog(path)
    assert catalog.schema_version == len(MIGRATIONS)
    assert catalog.counts("m") == {"photos": 50, "errors": 0, "pending": 0, "embedded": 50}
    assert catalog.query("SELECT COUNT(*) FROM tags")[0][0] == 50
    assert catalog.integrity_check() == "ok"
    # The upgrade adds the index of photos by date (the timeline's months counted from it).
    assert catalog.query("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'photos_taken'")
    catalog.delete_photos([1])  # cascades still work after the rebuild
    assert catalog.query("SELECT COUNT(*) FROM embeddings")[0][0] == 49


def test_a_change_made_elsewhere_is_noticed(tmp_path):
    """Two windows (or a window and a command) on one library: each can tell the other wrote."""
    mine = Catalog(tmp_path / "catalog.sqlite3")
    other = Catalog(tmp_path / "catalog.sqlite3")
    before = mine.data_version()
    assert mine.data_version() == before  # nothing happened
    other.add_root(tmp_path)
    assert mine.data_version() != before
    mine.close()
    other.close()
