"""Removing a watched folder sets its photos' tags and collection places aside, by their bytes:
adding the folder again, or a folder holding it, gives them back. Through Library, with real
files, the real small model and a real catalog.

A tester found them gone for good: photoclip tells you to remove a folder before adding its
parent, and doing so lost every tag and hand-picked album place of its photos."""

import pytest
from pictures import write_set

from photoclip.core.errors import PhotoclipError

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle")]


@pytest.fixture
def trip(tmp_path, open_library):
    """A folder inside another (with pictures of its own), indexed; one photo tagged 'keepme'
    by hand and put in the hand-picked collection 'Keep'."""
    parent = tmp_path / "par"
    folder = parent / "photos_bak" / "2019 Paris trip"
    pictures = sorted(write_set(folder, CLASSES, 2, seed=5))
    write_set(parent / "other", CLASSES, 1, seed=6)
    library = open_library()
    library.add_root(folder)
    library.update()
    photo = library.photo_at(pictures[0])
    library.tags.add(photo.id, "keepme")
    library.tags.add_to_collection(library.tags.create_collection("Keep"), [photo.id])
    return library, parent, folder, pictures[0]


def said_of(library, path):
    """(hand-given tags, collection 'Keep' is exactly this photo, tag:keepme finds exactly it)."""
    photo = library.photo_at(path)
    assert photo is not None
    hits = library.search("tag:keepme", limit=100).hits
    return (
        [t.label for t in library.tags.tags(photo.id) if t.source == "user"],
        library.collection_album("Keep").photo_ids == [photo.id],
        [h.photo.id for h in hits] == [photo.id],
    )


def test_a_folder_removed_to_add_its_parent_keeps_its_tags_and_collections(trip):
    library, parent, folder, tagged = trip
    with pytest.raises(PhotoclipError, match="Remove it first"):
        library.add_root(parent)
    assert library.remove_root(folder) == 6
    assert library.photo_at(tagged) is None
    assert library.collection_album("Keep").photo_ids == []
    library.add_root(parent)
    library.update()
    assert library.photo_count() == 9
    assert said_of(library, tagged) == (["keepme"], True, True)


def test_a_folder_removed_and_added_again_keeps_its_tags_and_collections(trip, open_library):
    library, _parent, folder, tagged = trip
    library.remove_root(folder)
    library.close()
    library = open_library()  # a later run, as with the command line
    library.add_root(folder)
    library.update()
    assert said_of(library, tagged) == (["keepme"], True, True)
    # given back once: removing the folder again and re-adding keeps them again, no more, no less
    library.remove_root(folder)
    library.add_root(folder)
    library.update()
    assert said_of(library, tagged) == (["keepme"], True, True)


def test_the_testers_steps_on_the_command_line(tmp_path, capsys):
    """Index a folder, tag a photo and pick it for a collection, be told to remove the folder to
    add its parent, do so: the tag and the collection place are still there after."""
    from photoclip.cli.main import main as cli

    parent = tmp_path / "par"
    folder = parent / "photos_bak" / "2019 Paris trip"
    photo = str(sorted(write_set(folder, CLASSES, 1, seed=5))[0])
    options = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]

    def run(*args):
        code = cli([*options, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    assert run("index", str(folder))[0] == 0
    assert run("tags", photo, "--add", "keepme")[0] == 0
    assert run("collection", "add", "Keep", photo)[0] == 0
    code, _out, err = run("index", str(parent))
    assert code != 0 and f"'photoclip remove {folder}'" in err
    code, out, _err = run("remove", str(folder))
    assert code == 0 and "come back if you add the folder" in out
    assert run("index", str(parent))[0] == 0
    assert "keepme" in run("tags", photo)[1]
    assert photo in run("collection", "show", "Keep")[1]
