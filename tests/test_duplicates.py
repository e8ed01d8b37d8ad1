"""Duplicates in a real library: identical files, resized and re-encoded copies, the copy kept,
and moving chosen copies to the system trash without ever touching the kept one."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import time

import pytest
from duplicate_pictures import own_trash, photo_with_copies
from PIL import Image

from photoclip.core.duplicates import CopyKind


@pytest.fixture
def trash_dir(tmp_path):
    """The system trash, in a folder of the test's own."""
    yield from own_trash(tmp_path)


def _index(open_library, folder, exact_search_limit=None):
    library = open_library()
    if exact_search_limit is not None:
        library.settings.set("exact_search_limit", exact_search_limit)
    library.update([library.add_root(folder)])
    return library


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_identical_files_are_one_group_with_the_original_kept(tmp_path, open_library):
    photos = tmp_path / "photos"
    red = photo_with_copies(photos, "red", "red", "circle", seed=1)
    blue = photo_with_copies(photos, "blue", "blue", "square", seed=2)
    shutil.copyfile(blue.original, photos / "blue-again.jpg")  # three of one, written later
    library = _index(open_library, photos)

    groups = library.duplicates()

    assert sorted(len(g.copies) for g in groups) == [2, 3]
    assert groups[0].reclaimable >= groups[1].reclaimable  # the most space to gain first
    by_keep = {g.keep.path: g for g in groups}
    assert set(by_keep) == {blue.original, red.original}  # the older file, not its later copies
    for group in groups:
        assert group.exact and all(c.kind == CopyKind.IDENTICAL for c in group.others)
        assert group.reclaimable == sum(c.photo.size for c in group.others) > 0
    assert {c.photo.path for c in by_keep[red.original].others} == {red.identical}
    # Resized and re-encoded copies are not identical files: only --near finds them.
    listed = {c.photo.path for g in groups for c in g.copies}
    assert red.resized not in listed and red.reencoded not in listed


@pytest.mark.parametrize("search", ["exact", "graph"])
def test_near_finds_resized_and_reencoded_copies_but_not_the_same_subject_drawn_again(tmp_path, open_library, search):
    photos = tmp_path / "photos"
    made = [
        photo_with_copies(photos, f"p{k}", colour, shape, seed=10 + k)
        for k, (colour, shape) in enumerate([("green", "triangle"), ("green", "triangle"), ("yellow", "star")])
    ]
    # A large library's vectors are in an HNSW graph: its neighbours are asked there instead.
    library = _index(open_library, photos, exact_search_limit=0 if search == "graph" else None)
    assert library.index().mode == ("hnsw" if search == "graph" else "exact")

    groups = library.duplicates(near=True)

    assert len(groups) == 3
    for copies in made:
        group = next(g for g in groups if g.keep.path == copies.original)  # the largest, with its EXIF date
        kinds = {c.photo.path: c.kind for c in group.others}
        assert kinds == {
            copies.identical: CopyKind.IDENTICAL,
            copies.resized: CopyKind.RESIZED,
            copies.reencoded: CopyKind.REENCODED,
        }
    grouped = {c.photo.path for g in groups for c in g.copies}
    assert not {copies.other for copies in made} & grouped  # another picture of the same class


def test_best_copy_first_largest_then_oldest_then_exif(tmp_path, open_library):
    photos = tmp_path / "photos"
    copies = photo_with_copies(photos, "a", "blue", "circle", seed=3)
    copies.identical.unlink()
    with Image.open(copies.original) as opened:
        image = opened.convert("RGB")
    # Smaller but dated 2015 by EXIF: the largest copy still comes first.
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2015:01:01 09:00:00"
    image.resize((image.width // 2, image.height // 2)).save(photos / "old-small.jpg", exif=exif)
    # Full size, dated by its file time, exactly the original's EXIF time: the EXIF date wins the
    # tie, although this file was written before the original's (which would win otherwise).
    image.save(photos / "same-day.jpg", quality=80)
    when = time.mktime(dt.datetime(2019, 5, 1, 10, 0, 0).timetuple())  # file dates are read as local time
    os.utime(photos / "same-day.jpg", (when, when))
    os.utime(copies.original, (when + 3600, when + 3600))
    library = _index(open_library, photos)

    group = next(g for g in library.duplicates(near=True) if copies.original in {c.photo.path for c in g.copies})

    # Among copies of one size, the older date first: the re-encoded copy and the half-size one
    # are dated by their later file times.
    assert [c.photo.path.name for c in group.copies] == [
        copies.original.name,
        "same-day.jpg",
        copies.reencoded.name,
        "old-small.jpg",
        copies.resized.name,
    ]
    assert group.copies[0].photo.date_source == "exif" and group.copies[1].photo.date_source == "file"


def test_trash_moves_only_the_chosen_copy_and_never_the_kept_one(tmp_path, open_library, trash_dir):
    photos = tmp_path / "photos"
    copies = photo_with_copies(photos, "red", "red", "star", seed=4)
    third = photos / "third.jpg"
    shutil.copyfile(copies.original, third)
    library = _index(open_library, photos)
    group = next(g for g in library.duplicates() if g.keep.path == copies.original)
    kept_bytes, kept_stat = _digest(copies.original), copies.original.stat()
    chosen = library.photo_at(copies.identical)

    report = library.move_to_trash([chosen.id, group.keep.id], [group])

    assert [p.path for p in report.trashed] == [copies.identical]
    assert report.freed == chosen.size
    assert not copies.identical.exists()
    assert (trash_dir / "files" / copies.identical.name).read_bytes() == copies.original.read_bytes()
    assert "kept for its group" in dict(report.refused)[group.keep.id]
    assert _digest(copies.original) == kept_bytes and copies.original.stat().st_mtime_ns == kept_stat.st_mtime_ns
    assert third.exists()
    assert library.photo_at(copies.identical) is None  # the library forgot it
    again = next(g for g in library.duplicates() if g.keep.path == copies.original)
    assert [c.photo.path for c in again.others] == [third]


def test_trash_refuses_when_the_kept_copy_changed_or_the_photo_is_no_copy(tmp_path, open_library, trash_dir):
    photos = tmp_path / "photos"
    copies = photo_with_copies(photos, "red", "red", "square", seed=5)
    library = _index(open_library, photos)
    group = next(g for g in library.duplicates() if g.keep.path == copies.original)
    other = library.photo_at(copies.other)

    report = library.move_to_trash([other.id], [group])
    assert report.trashed == () and "not a copy" in report.refused[0][1]

    # The kept file is edited after the groups were shown: its copy is then the only one left of
    # the picture that was compared, so it stays.
    with Image.open(copies.original) as opened:
        opened.convert("RGB").rotate(90).save(copies.original, "JPEG")
    report = library.move_to_trash([library.photo_at(copies.identical).id], [group])
    assert report.trashed == ()
    assert "no longer there as it was compared" in report.refused[0][1]
    assert copies.identical.exists() and not trash_dir.exists()
