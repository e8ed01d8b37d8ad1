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


def test_adding_the_folder_that_holds_a_watched_one_takes_it_in_as_it_is(trip):
    """Adding "par" after "par/photos_bak/2019 Paris trip" was refused ("Remove it first"): and
    removing it lost its tags, and re-adding read every photo again. Its photos now move over
    with their ids: nothing is read again, and what was said of them stays."""
    library, parent, folder, tagged = trip
    before = {p.path: p.id for p in map(library.photo_at, sorted(folder.iterdir()))}
    library.exclude_folder(library.find_root(folder).id, "nothing here")
    outer = library.add_root(parent)
    assert [r.path for r in library.roots()] == [parent]
    assert outer.excluded == ("photos_bak/2019 Paris trip/nothing here",)
    assert {p: library.photo_at(p).id for p in before} == before  # the same photos, not new ones
    report = library.update()
    assert report.embedded == 3 and library.photo_count() == 9  # only "other" was read
    assert said_of(library, tagged) == (["keepme"], True, True)
    # the folder's name is now part of the photos' path: folder: and the words find them by it
    found = {h.photo.path for h in library.search('folder:"paris trip"', limit=100).hits}
    assert found == set(before)
    with pytest.raises(PhotoclipError, match="already in the library, inside"):
        library.add_root(folder)


def test_adding_a_folder_excluded_from_a_watched_one_takes_it_back_in(trip):
    """A tester excluded a sub-folder (once a watched folder of its own), then added it again:
    "already in the library, inside …", and the command line had no way to include it again."""
    library, parent, folder, tagged = trip
    library.add_root(parent)
    library.exclude_folder(library.find_root(parent).id, "photos_bak/2019 Paris trip")
    library.update()
    assert library.photo_at(tagged) is None
    assert library.add_root(folder).path == parent
    assert library.find_root(parent).excluded == ()
    library.update()
    assert said_of(library, tagged) == (["keepme"], True, True)


def test_an_offline_watched_folder_is_not_taken_in_by_one_around_it(trip):
    """Its photos would be missing from the new folder's first scan, and dropped with their vectors."""
    library, parent, folder, tagged = trip
    away = folder.with_name("unplugged")
    folder.rename(away)
    with pytest.raises(PhotoclipError, match="offline now"):
        library.add_root(parent)
    assert [r.path for r in library.roots()] == [folder]
    away.rename(folder)
    library.add_root(parent)
    library.update()
    assert said_of(library, tagged) == (["keepme"], True, True)


def test_taking_a_folder_in_while_an_index_run_writes_is_refused_at_once_not_waited_for(trip):
    """The window adds folders on its own thread: waiting for a run's end would freeze it."""
    import threading

    library, parent, folder, _tagged = trip
    held, done = threading.Event(), threading.Event()

    def index_run():  # what Library.update holds while it writes
        with library._writing():
            held.set()
            done.wait(10)

    writer = threading.Thread(target=index_run)
    writer.start()
    held.wait(10)
    try:
        with pytest.raises(PhotoclipError, match="indexing this library now"):
            library.add_root(parent)
    finally:
        done.set()
        writer.join()
    assert [r.path for r in library.roots()] == [folder]  # nothing half done
    assert library.add_root(parent).path == parent  # after the run, it is taken in


def test_a_folder_removed_to_add_its_parent_keeps_its_tags_and_collections(trip):
    library, parent, folder, tagged = trip
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
    """Index a folder, tag a photo and pick it for a collection, add the folder's parent, then
    remove that and add the folder again: the tag and the collection place are there throughout."""
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
    assert run("index", str(parent))[0] == 0  # takes the folder in, as it is
    assert "keepme" in run("tags", photo)[1]
    assert photo in run("collection", "show", "Keep")[1]
    code, out, _err = run("remove", str(parent))
    assert code == 0 and "come back if you add the folder" in out
    assert run("index", str(folder))[0] == 0
    assert "keepme" in run("tags", photo)[1]
    assert photo in run("collection", "show", "Keep")[1]
