"""Faults, bad input and load: the library stays intact and says what happened."""

import os
import shutil
import sqlite3
import threading
import time

import numpy as np
import pytest
from bad_files import make_corpus
from pictures import spec_for, write, write_set

from photoclip.core.errors import DiskFull
from photoclip.core.indexer import IndexProgress
from photoclip.smallclip import shapes

CLASSES = [(c, s) for c in ("red", "blue", "green", "yellow") for s in shapes.SHAPES]


def test_a_corpus_of_bad_and_unusual_files(tmp_path, open_library):
    folder = tmp_path / "mixed"
    expected = make_corpus(folder)
    assert len(expected) >= 30
    library = open_library()
    library.add_root(folder)
    report = library.update()
    by_path = {}
    for photo in library.catalog.photos_by_ids(library.catalog.filter_photo_ids().tolist()):
        by_path[photo.relpath] = photo
    errors = {p.relpath: p.error for p in library.catalog.errors()}
    for rel, outcome in expected.items():
        if outcome == "ok":
            assert rel in by_path, f"{rel!r} was not indexed (error: {errors.get(rel)})"
            assert library.catalog.vector(by_path[rel].id, "photoclip-tiny") is not None
        elif outcome == "error":
            assert errors.get(rel), f"{rel!r} should be reported as unreadable"
        else:
            assert rel not in by_path and rel not in errors, f"{rel!r} is not a photo and must not be listed"
    assert report.errors == sum(1 for o in expected.values() if o == "error")
    assert not [r for r in errors if expected.get(r) != "error"]
    reasons = " | ".join(errors.values())
    assert "empty" in reasons and "not an image" in reasons and "refused" in reasons and "truncated" in reasons
    # Orientation is applied: every orientation gives the same upright picture, so the same vector.
    vectors = [library.catalog.vector(by_path[f"orientation-{o}.jpg"].id, "photoclip-tiny") for o in range(1, 9)]
    assert min(float(v @ vectors[0]) for v in vectors) > 0.99


def test_a_file_deleted_mid_run_is_not_an_error(tmp_path, open_library):
    folder = tmp_path / "photos"
    photos = sorted(write_set(folder, CLASSES[:4], 5))
    library = open_library()
    library.settings.set("batch_size", 2)
    library.settings.set("decode_workers", 1)
    library.add_root(folder)
    doomed = photos[-1]

    def delete_late_file(p: IndexProgress):
        if p.phase == "indexing" and p.done == 1 and doomed.exists():
            doomed.unlink()

    report = library.update(progress=delete_late_file)
    assert report.vanished == 1 and report.errors == 0
    assert not library.catalog.errors()
    assert library.update().deleted == 1
    assert library.status().photos == 19


def test_a_drive_unplugged_mid_run_keeps_everything(tmp_path, open_library, tiny_model):
    drive = tmp_path / "usb"
    write_set(drive / "DCIM", CLASSES, 2)
    library = open_library()
    library.settings.set("batch_size", 2)
    library.settings.set("decode_workers", 1)
    root = library.add_root(drive)
    away = tmp_path / "unplugged"

    def unplug(p: IndexProgress):
        if p.phase == "indexing" and p.done == 6 and drive.exists():
            drive.rename(away)

    report = library.update(progress=unplug)
    assert report.vanished > 0 and report.errors == 0 and report.deleted == 0
    assert not library.catalog.root(root.id).online
    assert library.status().photos == 32 and not library.catalog.errors()
    embedded_before = library.catalog.embedding_count("photoclip-tiny")
    vectors_before = dict(zip(*library.catalog.vectors("photoclip-tiny"), strict=True))
    assert library.update().deleted == 0  # still unplugged: kept
    away.rename(drive)
    report = library.update()
    assert report.embedded == 32 - embedded_before  # only the ones never done
    ids, vectors = library.catalog.vectors("photoclip-tiny")
    assert len(ids) == 32
    for photo_id, vector in zip(ids.tolist(), vectors, strict=True):
        if photo_id in vectors_before:
            assert np.array_equal(vector, vectors_before[photo_id])  # not embedded again


@pytest.mark.parametrize("damage", ["corrupt", "truncate", "delete", "other model"])
def test_a_damaged_index_is_rebuilt_and_search_results_are_unchanged(tmp_path, open_library, damage):
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 2)
    library = open_library()
    library.settings.set("exact_search_limit", 0)  # the HNSW graph, as a large library has
    library.add_root(folder)
    library.update()
    before = [(h.photo.id, round(h.score, 5)) for h in library.search("a green star", limit=8, strictness="all").hits]
    index = library.index()
    data = index.data_path()
    library.close()
    if damage == "corrupt":
        raw = bytearray(data.read_bytes())
        for offset in range(64, len(raw), 501):
            raw[offset] ^= 0x5A
        data.write_bytes(bytes(raw))
    elif damage == "truncate":
        data.write_bytes(data.read_bytes()[:1000])
    elif damage == "delete":
        data.unlink()
    else:
        other = data.with_name(data.name.replace("photoclip-tiny", "someone-else"))
        data.rename(other)
        index.state_path.write_text(index.state_path.read_text().replace('"photoclip-tiny"', '"someone-else"'))
        other.rename(data)
    reopened = open_library()
    assert reopened.index().last_open.startswith("rebuilt")
    after = [(h.photo.id, round(h.score, 5)) for h in reopened.search("a green star", limit=8, strictness="all").hits]
    assert after == before


def test_a_full_disk_stops_indexing_cleanly_and_loses_nothing(tmp_path, open_library):
    folder = tmp_path / "photos"
    write_set(folder, CLASSES[:4], 3)
    library = open_library()
    library.add_root(folder)
    library.update()
    ids_before, vectors_before = library.catalog.vectors("photoclip-tiny")
    for k in range(40):
        write(folder / "more", f"extra-{k}", spec_for("purple", "star", 600 + k))
    conn = library.catalog._connect()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 3}")  # SQLite's own "disk full", a few pages away
    with pytest.raises(DiskFull, match="full"):
        library.update()
    assert library.catalog.integrity_check() == "ok"
    ids_after, vectors_after = library.catalog.vectors("photoclip-tiny")
    kept = dict(zip(ids_after.tolist(), vectors_after, strict=True))
    assert all(np.array_equal(kept[i], v) for i, v in zip(ids_before.tolist(), vectors_before, strict=True))
    conn.execute("PRAGMA max_page_count = 1073741823")
    library.update()
    assert library.status().embedded == 52 and library.status().pending == 0


def test_a_full_disk_for_thumbnails_stops_the_run_with_a_clear_message(tmp_path, open_library, monkeypatch):
    import errno

    from photoclip.core import images

    folder = tmp_path / "photos"
    write_set(folder, CLASSES[:2], 3)
    library = open_library()
    library.add_root(folder)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(images, "write_thumbnail", no_space)  # the cache disk fills up
    with pytest.raises(DiskFull, match="disk is full"):
        library.update()
    assert not library.catalog.errors()  # the photos are not blamed
    monkeypatch.undo()
    library.update()
    assert library.status().embedded == 6


def test_searches_while_indexing_and_saving_stay_correct(tmp_path, open_library):
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 4, size_range=(96, 200))
    library = open_library()
    library.settings.set("exact_search_limit", 0)
    library.settings.set("batch_size", 4)
    library.add_root(folder)
    indexer = library.indexer()
    indexer.save_every_s = 0.0  # save the index after every batch, while searches run
    failures, done = [], threading.Event()

    def index() -> None:
        try:
            with library._writing():
                indexer.run()
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=index)
    thread.start()
    searches = 0
    text = library.model().encode_text(["a red circle"])[0]
    while not done.is_set() or searches < 5:
        results = library.search("a red circle", limit=10, strictness="all")
        for hit in results.hits:
            stored = library.catalog.vector(hit.photo.id, "photoclip-tiny")
            assert stored is not None and abs(float(stored @ text) - hit.terms[0]) < 1e-4  # the cosine behind the score
        assert [h.score for h in results.hits] == sorted((h.score for h in results.hits), reverse=True)
        searches += 1
        library.index().save()
    thread.join(timeout=120)
    assert not thread.is_alive() and not failures
    assert len(library.search("a red circle", limit=200, strictness="all").hits) == 64


def test_killed_indexer_resumes_without_losing_or_doubling(tmp_path):
    """A short run of reliability/kill_indexer.py: SIGKILL at random points, then check."""
    from kill_indexer import check_library, kill_and_resume

    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 3, size_range=(200, 900))
    rounds = kill_and_resume(folder, tmp_path / "library", kills=4, seed=3)
    assert rounds == 4
    check_library(tmp_path / "library", expected_photos=48, complete=True)


def test_watched_folder_under_load_ends_exactly_right(tmp_path, open_library):
    """A short run of reliability/watcher_load.py: bursts of copies, a renamed folder, deletions."""
    from watcher_load import run_watch_load

    library = open_library()
    summary = run_watch_load(library, tmp_path, copies=300, renamed=100, deleted=100, bursts=5)
    assert summary["catalog_matches_disk"] and summary["all_embedded"] and summary["renamed_kept_vectors"]


def test_symlink_loops_and_odd_names_do_not_hang_the_scan(tmp_path, open_library):
    folder = tmp_path / "loops"
    write(folder / "a", "one", spec_for("red", "circle", 1))
    os.symlink(folder, folder / "a" / "back-to-top")
    os.symlink(folder / "a", folder / "a" / "self")
    library = open_library()
    library.add_root(folder)
    started = time.monotonic()
    report = library.update()
    assert report.embedded == 1 and time.monotonic() - started < 30
    shutil.rmtree(folder)


def test_the_catalog_survives_a_crashed_write(tmp_path, open_library):
    """A transaction that dies half-way (here: an exception inside it) leaves nothing behind."""
    folder = tmp_path / "photos"
    write_set(folder, CLASSES[:2], 2)
    library = open_library()
    root = library.add_root(folder)
    library.update()
    before = library.catalog.counts("photoclip-tiny")
    with pytest.raises(RuntimeError), library.catalog.transaction() as conn:
        conn.execute("DELETE FROM embeddings")
        conn.execute("DELETE FROM photos WHERE root_id = ?", (root.id,))
        raise RuntimeError("power cut")
    assert library.catalog.counts("photoclip-tiny") == before
    assert sqlite3.connect(library.paths.catalog).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
