"""Indexing real generated pictures with the small model: minimal work, resumption, bad files, offline roots."""

import os
import shutil
import threading

import numpy as np
from pictures import spec_for, write, write_set

from photoclip.core import images
from photoclip.core.indexer import IndexProgress

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


class CountingModel:
    """The real small model, counting how many images go through it."""

    def __init__(self, model):
        self.model = model
        self.images = 0

    def __getattr__(self, name):
        return getattr(self.model, name)

    def encode_images(self, batch):
        self.images += len(batch)
        return self.model.encode_images(batch)


def open_counting(open_library, tiny_model, **options):
    counter = CountingModel(tiny_model)
    library = open_library(loaded_model=counter, **options)
    return library, counter


def test_indexing_stores_vectors_metadata_and_thumbnails(tmp_path, open_library):
    photos = write_set(tmp_path / "photos", CLASSES, 3)
    library = open_library()
    library.add_root(tmp_path / "photos")
    report = library.update()
    assert report.embedded == 12 and report.errors == 0
    status = library.status()
    assert status.photos == 12 and status.embedded == 12 and status.pending == 0
    for path in photos:
        photo = library.catalog.photo_by_path(path)
        assert photo.status == "ok" and photo.width and photo.taken_at
        assert images.thumbnail_path(library.paths.thumbnails, photo.fingerprint).is_file()


def test_reindexing_does_exactly_the_minimum(tmp_path, open_library, tiny_model):
    folder = tmp_path / "photos"
    photos = sorted(write_set(folder, CLASSES, 3))
    library, counter = open_counting(open_library, tiny_model)
    library.add_root(folder)
    library.update()
    assert counter.images == 12
    counter.images = 0
    assert library.update().unchanged == 12 and counter.images == 0

    moved_from, modified, deleted = photos[0], photos[1], photos[2]
    original = library.catalog.photo_by_path(moved_from)
    original_vector = library.catalog.vector(original.id, "photoclip-tiny")
    (folder / "2024" / "trip").mkdir(parents=True)
    moved_to = folder / "2024" / "trip" / ("renamed" + moved_from.suffix)
    moved_from.rename(moved_to)
    write(folder, modified.stem, spec_for("purple", "star", 999, fmt="JPEG" if modified.suffix == ".jpg" else "PNG"))
    deleted.unlink()
    write(folder, "new-1", spec_for("black", "circle", 501))
    write(folder, "new-2", spec_for("white", "square", 502))

    report = library.update()
    assert counter.images == 3  # two new photos and the modified one; the moved one is not re-embedded
    assert (report.embedded, report.moved, report.deleted, report.changed) == (3, 1, 1, 1)
    moved = library.catalog.photo_by_path(moved_to)
    assert moved.id == original.id  # same photo: its vector (and later its tags) kept
    assert np.array_equal(library.catalog.vector(moved.id, "photoclip-tiny"), original_vector)
    assert library.catalog.photo_by_path(deleted) is None
    assert library.status().photos == 13 and library.status().embedded == 13
    assert len(library.index()) == 13


def test_a_copy_of_a_known_photo_reuses_its_vector(tmp_path, open_library, tiny_model):
    folder = tmp_path / "photos"
    photos = sorted(write_set(folder, CLASSES, 1))
    library, counter = open_counting(open_library, tiny_model)
    library.add_root(folder)
    library.update()
    shutil.copy(photos[0], folder / ("copy" + photos[0].suffix))
    counter.images = 0
    report = library.update()
    assert report.copied == 1 and counter.images == 0
    copy = library.catalog.photo_by_path(folder / ("copy" + photos[0].suffix))
    assert np.array_equal(
        library.catalog.vector(copy.id, "photoclip-tiny"),
        library.catalog.vector(library.catalog.photo_by_path(photos[0]).id, "photoclip-tiny"),
    )


def test_an_interrupted_run_resumes_without_embedding_anything_twice(tmp_path, open_library, tiny_model):
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 10)
    library, counter = open_counting(open_library, tiny_model)
    library.settings.set("batch_size", 4)
    library.add_root(folder)
    stop = threading.Event()

    def stop_midway(p: IndexProgress):
        if p.phase == "indexing" and p.done >= 13:
            stop.set()

    first = library.update(progress=stop_midway, stop=stop)
    assert first.cancelled and 0 < first.embedded < 40
    library.close()

    library, counter2 = open_counting(open_library, tiny_model)
    second = library.update()
    assert first.embedded + second.embedded == 40
    # The summary adds up: what the first run read is unchanged, the rest indexed now ("40 unchanged").
    assert second.unchanged == first.embedded and second.embedded + second.unchanged == 40
    assert counter.images + counter2.images <= 40 + 4  # at most the one batch in flight is redone
    ids, _vectors = library.catalog.vectors("photoclip-tiny")
    assert len(ids) == len(set(ids.tolist())) == 40
    assert library.catalog.integrity_check() == "ok"
    assert len(library.index()) == 40


def test_broken_files_are_reported_and_do_not_stop_the_run(tmp_path, open_library):
    folder = tmp_path / "photos"
    good = write_set(folder, CLASSES, 2)
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "notes.jpg").write_text("meeting notes, not a photo")
    whole = next(iter(good)).read_bytes()
    (folder / "cut.jpg").write_bytes(whole[: len(whole) // 4] if whole[:2] == b"\xff\xd8" else b"\xff\xd8\xff\xe0")
    library = open_library()
    library.add_root(folder)
    report = library.update()
    assert report.embedded == len(good) and report.errors == 3
    reasons = {p.path.name: p.error for p in library.catalog.errors()}
    assert set(reasons) == {"empty.jpg", "notes.jpg", "cut.jpg"}
    assert "empty" in reasons["empty.jpg"] and "not an image" in reasons["notes.jpg"]
    # Unchanged broken files are not retried; a fixed one is.
    assert library.update().errors == 0
    write(folder, "notes", spec_for("red", "star", 77, fmt="JPEG"))
    os.utime(folder / "notes.jpg", ns=(1, 1_000_000_000))
    report = library.update()
    assert report.embedded == 1 and len(library.catalog.errors()) == 2


def test_a_missing_root_keeps_its_photos_offline_until_it_returns(tmp_path, open_library, tiny_model):
    drive = tmp_path / "usb-drive"
    write_set(drive / "DCIM", CLASSES, 2)
    library, counter = open_counting(open_library, tiny_model)
    root = library.add_root(drive)
    library.update()
    away = tmp_path / "unplugged"
    drive.rename(away)

    report = library.update()
    assert report.offline and report.deleted == 0
    status = library.status()
    assert status.photos == 8 and not status.roots[0].online
    results = library.search("a red circle", strictness="all", limit=3)
    assert results.hits and all(not h.photo.online for h in results.hits)

    drive.mkdir()  # an empty mount point: the drive is still not there
    assert library.update().deleted == 0 and library.status().photos == 8
    drive.rmdir()

    away.rename(drive)
    counter.images = 0
    report = library.update()
    assert not report.offline and counter.images == 0 and report.unchanged == 8
    assert library.catalog.root(root.id).online


def test_switching_models_keeps_the_old_one_serving_until_the_new_one_covers_the_library(
    tmp_path, open_library, monkeypatch
):
    import dataclasses

    from photoclip.core.models import registry

    # A second model (the bundled weights under another id) to switch to.
    other = dataclasses.replace(registry.get_model("photoclip-tiny"), id="photoclip-tiny-b")
    monkeypatch.setattr(registry, "MODELS", (*registry.MODELS, other))
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 3)
    library = open_library()
    library.add_root(folder)
    library.update()
    library.use_model("photoclip-tiny-b")
    assert library.search_spec.id == "photoclip-tiny"  # the new model has no vectors yet
    assert library.search("a red circle", limit=3).hits  # searches keep working meanwhile
    stop = threading.Event()

    def stop_midway(p: IndexProgress):
        if p.phase == "indexing" and p.done >= 5:
            stop.set()

    library.settings.set("batch_size", 2)
    library.update(progress=stop_midway, stop=stop)
    assert 0 < library.catalog.embedding_count("photoclip-tiny-b") < 12
    assert library.search_spec.id == "photoclip-tiny"
    library.update()
    assert library.search_spec.id == "photoclip-tiny-b"
    assert library.catalog.embedding_count("photoclip-tiny") == 12  # old vectors kept for switching back
    assert library.search("a red circle", limit=3).hits
