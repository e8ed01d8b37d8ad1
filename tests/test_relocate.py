"""A watched folder renamed or moved while photoclip was closed: found again, never doubled."""

import shutil

import pytest
from pictures import write_set

from photoclip.cli.main import main as cli
from photoclip.core.errors import PhotoclipError

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def moved_library(tmp_path, open_library):
    folder = tmp_path / "Holidays 2019"
    write_set(folder / "beach", CLASSES, 3)
    library = open_library()
    root = library.add_root(folder)
    library.update()
    photo = library.photo_at(folder / "beach" / "red-circle-0.png")
    library.tags.add(photo.id, "sea")
    collection = library.tags.create_collection("best")
    library.tags.add_to_collection(collection, [photo.id])
    vector = library.index().get_vectors([photo.id])[1][0]
    new = tmp_path / "Photos" / "2019 Holidays"
    new.parent.mkdir()
    shutil.move(folder, new)  # renamed while photoclip was closed
    library.update()  # the old place is offline now: everything kept
    assert library.photo_count() == 12
    return library, root, photo, vector, new


def test_locating_a_moved_folder_keeps_ids_vectors_tags_and_collections(moved_library):
    library, root, photo, vector, new = moved_library
    assert library.find_moved_root(new).id == root.id
    library.relocate_root(root.id, new)
    report = library.update()
    assert report.embedded == 0 and report.deleted == 0 and report.new == 0
    again = library.photo_at(new / "beach" / "red-circle-0.png")
    assert again.id == photo.id and again.online
    assert library.tags.labels(photo.id) == ["sea"]
    assert library.tags.collection_photo_ids(library.tags.collection("best")) == [photo.id]
    assert (library.index().get_vectors([photo.id])[1][0] == vector).all()
    assert [r.path for r in library.roots()] == [new]


def test_a_folder_that_holds_other_photos_is_not_taken_for_the_moved_one(moved_library, tmp_path):
    library, root, _, _, _new = moved_library
    other = tmp_path / "other"
    write_set(other / "beach", CLASSES, 3, seed=9)  # same names, other pictures
    assert library.find_moved_root(other) is None
    with pytest.raises(PhotoclipError, match="not those of"):
        library.relocate_root(root.id, other)


def test_adding_the_moved_folder_from_the_command_line_follows_it_instead_of_doubling(tmp_path, capsys):
    folder = tmp_path / "Holidays"
    write_set(folder, CLASSES, 2)
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*library, "index", str(folder)]) == 0
    shutil.move(folder, tmp_path / "Holidays (old drive)")
    assert cli([*library, "index"]) == 0
    capsys.readouterr()
    assert cli([*library, "index", str(tmp_path / "Holidays (old drive)")]) == 0
    out = capsys.readouterr().out
    assert "the folder moved" in out and "0 indexed" in out
    assert cli([*library, "status", "--json"]) == 0
    import json

    status = json.loads(capsys.readouterr().out)
    assert status["photos"] == 8 and len(status["roots"]) == 1  # not 16 photos in two folders
