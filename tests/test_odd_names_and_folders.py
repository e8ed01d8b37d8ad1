"""File names that are not UTF-8, and sub-folders that cannot be read for a moment."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from pictures import spec_for, write

from photoclip.core.errors import PhotoclipError
from photoclip.core.tag_store import TagStore

BAD_NAME = os.fsdecode(b"caf\xe9 \xff-red.png")  # Latin-1 bytes: not valid UTF-8
BAD_FOLDER = os.fsdecode(b"\xc0\xc1 old photos")


def photoclip(*args, library):
    """The real command, in a fresh process, as a user runs it from a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "photoclip.cli.main", "--library", str(library), "--model", "photoclip-tiny", *args],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


def test_a_file_name_that_is_not_utf8_is_indexed_and_never_stops_a_run(tmp_path, open_library):
    folder = tmp_path / "photos"
    odd = write(folder, "x", spec_for("red", "circle", 1)).rename(folder / BAD_NAME)
    write(folder / BAD_FOLDER, "blue", spec_for("blue", "square", 2))
    write(folder, "green", spec_for("green", "triangle", 3))
    library = open_library()
    library.add_root(folder)
    report = library.update()  # raised UnicodeEncodeError in add_pending before the fix
    assert report.embedded == 3 and report.errors == 0
    hit = library.search("a red circle", limit=1).hits[0]
    assert hit.photo.path == odd and hit.photo.path.exists()
    # The next scan finds nothing changed: the stored name is the same bytes as on disk.
    again = library.update()
    assert again.unchanged == 3 and again.new == 0 and again.deleted == 0
    # A move of such a file keeps its id (its vector and tags go with it).
    TagStore(library.catalog).add(hit.photo.id, "mine")
    moved = folder / BAD_FOLDER / BAD_NAME
    odd.rename(moved)
    report = library.update()
    assert report.moved == 1
    assert library.catalog.photo_by_path(moved).id == hit.photo.id
    assert TagStore(library.catalog).labels(hit.photo.id) == ["mine"]
    library.close()


def test_the_command_line_prints_such_names(tmp_path):
    folder = tmp_path / "photos"
    write(folder, "x", spec_for("red", "circle", 1)).rename(folder / BAD_NAME)
    library = tmp_path / "lib"
    result = photoclip("index", str(folder), library=library)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    # --paths gives the name's own bytes, so `xargs` and scripts find the file.
    result = photoclip("search", "a red circle", "--paths", library=library)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == os.fsencode(folder / BAD_NAME)
    # For reading, the bytes that are not UTF-8 show as replacement characters.
    result = photoclip("search", "a red circle", library=library)
    assert result.returncode == 0, result.stderr
    assert "caf\ufffd \ufffd-red.png" in result.stdout.decode("utf-8")
    result = photoclip("search", "a red circle", "--json", library=library)
    assert json.loads(result.stdout)[0]["path"] == str(folder / BAD_NAME)


def _photos(tmp_path, open_library):
    folder = tmp_path / "photos"
    elsewhere = tmp_path / "usb-drive" / "trip"
    write(folder, "home", spec_for("green", "star", 1))
    for k, (colour, shape) in enumerate([("red", "circle"), ("blue", "square"), ("yellow", "star")]):
        write(elsewhere, f"trip-{k}", spec_for(colour, shape, 10 + k))
    os.symlink(elsewhere, folder / "trip")  # a sub-folder on another drive
    library = open_library()
    library.add_root(folder)
    assert library.update().embedded == 4
    return folder, elsewhere, library


def test_photos_of_a_subfolder_whose_drive_is_unplugged_are_kept_with_their_tags(tmp_path, open_library):
    folder, elsewhere, library = _photos(tmp_path, open_library)
    store = TagStore(library.catalog)
    trip = library.catalog.photo_by_path(folder / "trip" / "trip-0.png")
    store.add(trip.id, "holiday")
    collection = store.create_collection("best")
    store.add_to_collection(collection, [trip.id])
    shutil.move(elsewhere, tmp_path / "unplugged")  # the link now points nowhere

    report = library.update()
    assert report.deleted == 0  # "3 removed" before the fix
    assert any("trip" in error for error in report.walk_errors)
    kept = library.catalog.photo_by_path(folder / "trip" / "trip-0.png")
    assert kept is not None and not kept.online
    assert store.labels(kept.id) == ["holiday"]
    assert store.collection_photo_ids(collection) == [kept.id]
    status = library.status()
    assert status.photos == 4
    assert [(u.path, u.photos) for u in status.roots[0].unreachable] == [("trip", 3)]
    # Searches still list them (marked offline), as for an unplugged watched folder.
    assert any(h.photo.id == kept.id for h in library.search("a red circle", limit=4).hits)

    shutil.move(tmp_path / "unplugged", elsewhere)  # plugged in again
    report = library.update()
    assert report.embedded == 0 and report.deleted == 0
    back = library.catalog.photo_by_path(folder / "trip" / "trip-0.png")
    assert back.id == trip.id and back.online
    assert store.labels(trip.id) == ["holiday"]
    assert library.status().roots[0].unreachable == []


def test_a_subfolder_that_cannot_be_listed_keeps_its_photos(tmp_path, open_library, monkeypatch):
    folder, _, library = _photos(tmp_path, open_library)
    real_scandir = os.scandir
    blocked = str(folder / "trip")

    def scandir(path="."):  # injected fault: permission denied on one folder, as chmod 000 gives a user
        if os.fspath(path) == blocked:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = library.update()
    assert report.deleted == 0
    assert any("Permission denied" in error for error in report.walk_errors)
    assert library.status().photos == 4
    monkeypatch.undo()
    report = library.update()
    assert report.deleted == 0 and library.status().roots[0].unreachable == []


def test_a_photo_deleted_for_real_is_removed_but_its_tags_come_back_with_its_bytes(tmp_path, open_library):
    folder, _, library = _photos(tmp_path, open_library)
    store = TagStore(library.catalog)
    photo = library.catalog.photo_by_path(folder / "home.png")
    store.add(photo.id, "garden")
    backup = tmp_path / "home-backup.png"
    shutil.move(folder / "home.png", backup)
    assert library.update().deleted == 1
    shutil.move(backup, folder / "home.png")  # restored from a backup: same bytes
    library.update()
    restored = library.catalog.photo_by_path(folder / "home.png")
    assert store.labels(restored.id) == ["garden"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX file names are bytes")
def test_names_round_trip_through_the_catalog_unchanged(tmp_path, open_library):
    library = open_library()
    (tmp_path / "p").mkdir()
    root = library.catalog.add_root(tmp_path / "p")
    names = [BAD_NAME, f"{BAD_FOLDER}/{BAD_NAME}", "plain.jpg", "ünïcødé/名前.jpg"]
    library.catalog.add_pending(root.id, [(n, 1, 1) for n in names])
    assert sorted(library.catalog.photo_stats(root.id)) == sorted(names)
    assert library.catalog.folder_counts(root.id) == {"": 2, BAD_FOLDER: 1, "ünïcødé": 1}


def test_index_says_which_sub_folder_it_could_not_reach(tmp_path):
    folder = tmp_path / "photos"
    write(folder, "home", spec_for("green", "star", 1))
    os.symlink(tmp_path / "usb-drive" / "trip", folder / "trip")  # the drive is not plugged in
    result = photoclip("index", str(folder), library=tmp_path / "lib")
    assert result.returncode == 0, result.stderr
    said = result.stdout.decode() + result.stderr.decode()
    assert "not reached:" in said and str(folder / "trip") in said and "1 indexed" in said


def test_null_ended_paths_keep_a_name_with_a_newline_whole(tmp_path):
    folder = tmp_path / "photos"
    odd = write(folder, "x", spec_for("red", "circle", 1)).rename(folder / "beach\nday.png")
    write(folder, "y", spec_for("blue", "square", 2))
    library = tmp_path / "lib"
    assert photoclip("index", str(folder), library=library).returncode == 0
    result = photoclip("search", "a red circle", "--null", library=library)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(b"\0")[0] == os.fsencode(odd)  # --paths splits it in two lines
    assert result.stdout.endswith(b"\0")
    # read by a person, one photo is one line: the newline shows as \n (a tester saw the layout break)
    shown = photoclip("search", "a red circle", library=library).stdout.decode().splitlines()
    assert any(line.endswith("beach\\nday.png") for line in shown), shown
    assert not any(line.strip() == "day.png" for line in shown)


def test_a_photo_refused_for_its_permissions_is_read_once_it_may_be(tmp_path, open_library, monkeypatch):
    from photoclip.core import images

    folder = tmp_path / "photos"
    locked = write(folder, "locked", spec_for("red", "circle", 1))
    write(folder, "open", spec_for("blue", "square", 2))
    real_open = open

    def refusing_open(path, *args, **kwargs):  # injected fault, as chmod 000 gives a user (root reads anyway)
        if os.fspath(path) == os.fspath(locked):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    real_access = os.access

    def access(path, mode, *args, **kwargs):  # what os.access says of such a file to its user
        return False if os.fspath(path) == os.fspath(locked) else real_access(path, mode, *args, **kwargs)

    monkeypatch.setattr(images, "open", refusing_open, raising=False)
    monkeypatch.setattr(os, "access", access)
    library = open_library()
    library.add_root(folder)
    assert library.update().errors == 1
    assert [(p.path, p.error) for p in library.catalog.errors()] == [(locked, "permission denied")]
    still = library.update()  # still refused: not read again, so no error again and no model loaded
    assert still.errors == 0 and still.embedded == 0 and len(library.catalog.errors()) == 1
    monkeypatch.undo()  # the user fixes the permissions; the file itself is unchanged
    report = library.update()
    assert report.embedded == 1 and report.errors == 0  # "0 indexed" and still listed as unreadable before
    assert library.catalog.errors() == []
    assert library.search("a red circle", limit=1).hits[0].photo.path == locked


def test_a_file_that_is_not_an_image_is_not_read_again_until_it_changes(tmp_path, open_library):
    folder = tmp_path / "photos"
    write(folder, "open", spec_for("blue", "square", 2))
    (folder / "notes.jpg").write_text("not a picture")
    library = open_library()
    library.add_root(folder)
    assert library.update().errors == 1
    again = library.update()
    assert again.errors == 0 and again.embedded == 0 and len(library.catalog.errors()) == 1
    # "Find similar" on it says why, not "not indexed yet" (which indexing again would not change).
    reason = library.catalog.errors()[0].error
    with pytest.raises(PhotoclipError, match="could not be read when it was indexed") as raised:
        library.similar(folder / "notes.jpg")
    assert reason in str(raised.value)
