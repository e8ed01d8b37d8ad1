"""Links inside the library's folders: a photo is listed once, under its own path; a link never
walks round an excluded folder; and one file reached by two paths is never a copy to trash."""

import json
import os
import shutil

import pytest
from duplicate_pictures import own_trash
from pictures import spec_for, write


@pytest.fixture
def trash_dir(tmp_path):
    """The system trash, in a folder of the test's own."""
    yield from own_trash(tmp_path)


def _paths(library) -> list[str]:
    return sorted(str(p.path) for p in library.catalog.photos_by_ids(library.catalog.filter_photo_ids().tolist()))


def test_a_link_to_another_library_folder_does_not_list_its_photos_twice(tmp_path, open_library):
    a, b = tmp_path / "a", tmp_path / "b"
    red, *_ = [
        write(a, f"{colour}-{shape}", spec_for(colour, shape, k))
        for k, (colour, shape) in enumerate([("red", "circle"), ("blue", "square"), ("green", "star")])
    ]
    write(b, "yellow-triangle", spec_for("yellow", "triangle", 9))
    os.symlink(a, b / "link-to-a")
    library = open_library()
    library.add_root(a)
    library.add_root(b)
    library.update()
    assert library.status().photos == 4  # 7 before: a's three again under b/link-to-a
    hits = library.search("a red circle", limit=10).hits
    assert [h.photo.path for h in hits].count(red) == 1
    assert not any("link-to-a" in str(h.photo.path) for h in hits)


def test_a_link_to_an_excluded_folder_does_not_bring_its_photos_in(tmp_path, open_library):
    folder = tmp_path / "photos"
    write(folder / "private", "secret", spec_for("red", "circle", 1))
    shared = write(folder / "public", "shared", spec_for("blue", "square", 2))
    os.symlink(folder / "private", folder / "shortcut")
    library = open_library()
    root = library.add_root(folder)
    library.exclude_folder(root.id, "private")
    library.update()
    assert _paths(library) == [str(shared)]


def test_a_link_inside_a_folder_files_its_photos_under_their_own_folder(tmp_path, open_library):
    folder = tmp_path / "photos"
    beach = write(folder / "2019", "beach", spec_for("yellow", "circle", 3))
    os.symlink(folder / "2019", folder / "best")
    (folder / "sub").mkdir()
    os.symlink(folder, folder / "sub" / "up")  # a link back up: no photo is filed under sub/up
    library = open_library()
    library.add_root(folder)
    library.update()
    assert _paths(library) == [str(beach)]  # best/beach and sub/up/2019/beach before
    assert [h.photo.path for h in library.search("a yellow circle", limit=5).hits] == [beach]


def test_a_link_out_of_the_library_is_still_followed(tmp_path, open_library):
    folder, drive = tmp_path / "photos", tmp_path / "drive" / "trip"
    trip = write(drive, "trip", spec_for("green", "triangle", 4))
    folder.mkdir()
    os.symlink(drive, folder / "trip")
    library = open_library()
    library.add_root(folder)
    library.update()
    assert _paths(library) == [str(folder / "trip" / trip.name)]


def test_a_catalog_that_listed_photos_through_a_link_forgets_those_paths_and_keeps_the_files(tmp_path, open_library):
    a, b = tmp_path / "a", tmp_path / "b"
    red = write(a, "red", spec_for("red", "circle", 5))
    b.mkdir()
    os.symlink(a, b / "link-to-a")
    library = open_library()
    library.add_root(b)  # alone, b's link leads out of the library and is followed
    library.update()
    assert _paths(library) == [str(b / "link-to-a" / red.name)]
    linked = library.catalog.photo_by_path(b / "link-to-a" / red.name)
    library.tags.add(linked.id, "favourite")
    library.add_root(a)  # now the photo's own folder is in the library
    library.update()  # (listed under both paths, then the link's forgotten, before the fix)
    assert _paths(library) == [str(red)]
    assert red.exists()
    assert library.tags.labels(library.catalog.photo_by_path(red).id) == ["favourite"]  # said of the picture


def test_one_file_under_two_names_is_not_a_copy_and_is_never_trashed(tmp_path, open_library, trash_dir):
    folder = tmp_path / "photos"
    original = write(folder, "original", spec_for("red", "star", 6))
    copy = folder / f"copy{original.suffix}"
    shutil.copyfile(original, copy)
    stamp = original.stat().st_mtime_ns
    os.utime(copy, ns=(stamp, stamp))
    library = open_library()
    library.add_root(folder)
    library.update()
    [group] = library.duplicates()
    # The copy is replaced by a second name of the original file (a hard link): same size, same
    # time, same bytes, so only the files' identity tells them apart.
    copy.unlink()
    os.link(original, copy)
    chosen = next(c.photo.id for c in group.others)
    report = library.move_to_trash([chosen], [group])
    assert report.trashed == () and "own file" in report.refused[0][1]
    assert original.exists() and copy.exists() and not trash_dir.exists()
    assert library.duplicates() == []  # found afresh, one file under two names is no group


def test_links_into_a_hidden_folder_of_the_library_are_followed(tmp_path, open_library):
    # git-annex and DataLad keep every photo in .git/annex and put a link where the photo belongs.
    folder = tmp_path / "archive"
    stored = write(folder / ".git" / "annex" / "objects" / "ab", "SHA256E-s1--beach", spec_for("blue", "circle", 7))
    (folder / "2019").mkdir(parents=True)
    os.symlink(stored, folder / "2019" / f"beach{stored.suffix}")
    library = open_library()
    library.add_root(folder)
    library.update()
    assert _paths(library) == [str(folder / "2019" / f"beach{stored.suffix}")]


def test_a_link_to_a_folder_that_holds_another_library_folder_skips_that_one(tmp_path, open_library):
    pictures, phone = tmp_path / "Pictures", tmp_path / "Pictures" / "phone"
    beach = write(pictures / "2019", "beach", spec_for("yellow", "circle", 3))
    selfie = write(phone, "selfie", spec_for("red", "square", 4))
    best = tmp_path / "best"
    best.mkdir()
    os.symlink(pictures, best / "everything")
    library = open_library()
    library.add_root(phone)
    library.add_root(best)
    library.update()
    assert _paths(library) == sorted([str(selfie), str(best / "everything" / "2019" / beach.name)])


def test_the_tags_of_a_forgotten_copy_stay_with_the_picture(tmp_path, open_library, trash_dir):
    folder = tmp_path / "photos"
    original = write(folder, "original", spec_for("green", "circle", 8))
    shutil.copyfile(original, folder / f"copy{original.suffix}")
    library = open_library()
    library.add_root(folder)
    library.update()
    [group] = library.duplicates()
    copy_id = group.others[0].photo.id
    library.tags.add(copy_id, "favourite")  # said of the copy the person happened to open
    assert library.move_to_trash([copy_id], [group]).trashed
    assert library.tags.labels(group.keep.id) == ["favourite"]


def test_indexing_a_new_folder_that_another_ones_link_reached_lists_its_photos_once(tmp_path, capsys):
    from photoclip.cli.main import main as cli

    main, other = tmp_path / "main", tmp_path / "other"
    home = write(main, "home", spec_for("green", "star", 1))
    trip = write(other, "trip", spec_for("red", "circle", 2))
    os.symlink(other, main / "link-to-other")
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*library, "index", str(main)]) == 0  # the link leads out of the library: followed
    assert cli([*library, "index", str(other)]) == 0  # now it leads into it
    capsys.readouterr()
    assert cli([*library, "search", "a red circle", "--json", "--relevance", "all"]) == 0
    paths = sorted(row["path"] for row in json.loads(capsys.readouterr().out))
    assert paths == sorted([str(home), str(trip)])  # main/link-to-other/trip too before
