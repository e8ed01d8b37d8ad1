"""A library on a disk that is full or read-only: reads go on, writes say why they cannot, nothing
is called damaged. The disks here are real (a small tmpfs per test, filled or remounted read-only)."""

import os
import subprocess
import sys

import pytest
from pictures import write_set

from photoclip.core.catalog import Catalog
from photoclip.core.errors import CatalogError, DiskFull, PhotoclipError

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


def photoclip(*args, library):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "photoclip.cli.main", "--library", str(library), "--model", "photoclip-tiny", *args],
        capture_output=True,
        text=True,
        env=env,
    )


@pytest.fixture
def library_on_small_disk(tmp_path, small_disk, open_library):
    """A library of 12 indexed photos whose catalog and index live on the small disk."""
    photos = tmp_path / "photos"
    write_set(photos, CLASSES, 3)
    library = open_library(small_disk.path / "library")
    library.add_root(photos)
    assert library.update().embedded == 12
    library.close()
    return small_disk, small_disk.path / "library", photos


def test_a_read_only_library_still_searches_and_says_why_it_cannot_index(library_on_small_disk):
    disk, library, photos = library_on_small_disk
    disk.read_only()
    result = photoclip("search", "a red circle", "-n", "3", "--paths", library=library)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 3
    assert "damaged" not in result.stderr
    result = photoclip("status", library=library)
    assert result.returncode == 0 and "Photos:  12" in result.stdout, result.stderr
    (photos / "new.png").write_bytes((photos / "red-circle-0.png").read_bytes())
    result = photoclip("index", library=library)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "damaged" not in result.stderr
    assert "read-only" in result.stderr


def test_a_full_disk_still_searches_and_indexing_says_the_disk_is_full(library_on_small_disk):
    disk, library, photos = library_on_small_disk
    next((library / "index").glob("*.json")).unlink()
    disk.fill()
    # The index must be rebuilt from the catalog (its sidecar is gone) but cannot be saved: search
    # answers from memory (it crashed with OSError ENOSPC before the fix).
    result = photoclip("search", "a red circle", "-n", "3", "--paths", library=library)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 3
    result = photoclip("status", library=library)
    assert result.returncode == 0, result.stderr
    write_set(photos / "more", CLASSES[:1], 2, seed=5)
    result = photoclip("index", library=library)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "full" in result.stderr and "damaged" not in result.stderr
    result = photoclip("index", "--model", "photoclip-tiny", library=library)
    assert "Traceback" not in result.stderr, result.stderr
    disk.free()
    result = photoclip("index", library=library)
    assert result.returncode == 0, result.stderr
    assert "2 indexed" in result.stdout


def test_the_catalog_opens_read_only_and_refuses_writes_with_a_reason(library_on_small_disk):
    disk, library, _ = library_on_small_disk
    disk.read_only()
    catalog = Catalog(library / "catalog.sqlite3")
    assert catalog.read_only and "read-only" in catalog.read_only_reason
    assert catalog.counts()["photos"] == 12
    with pytest.raises(CatalogError, match="read-only") as raised:
        catalog.set_meta("x", "y")
    assert "damaged" not in str(raised.value)
    catalog.close()


def test_a_full_disk_is_not_called_damaged(library_on_small_disk):
    disk, library, _ = library_on_small_disk
    disk.fill()
    catalog = Catalog(library / "catalog.sqlite3")
    assert catalog.counts()["photos"] == 12
    with pytest.raises(PhotoclipError) as raised, catalog.transaction() as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('big', ?)", ("x" * 2_000_000,))
    assert isinstance(raised.value, DiskFull | CatalogError) and "damaged" not in str(raised.value)
    catalog.close()
