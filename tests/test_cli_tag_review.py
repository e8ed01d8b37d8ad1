"""The command line of tag review: ``photoclip review``, ``photoclip tags`` without a photo (rename,
merge, delete) and ``photoclip collection rename|delete|remove``, on a library tagged by the real
small model."""

import pytest
from pictures import write_set

from photoclip.cli.main import main as cli
from photoclip.core.library import Library
from photoclip.core.tagging import builtin_label_sets
from photoclip.core.xmp import read_keywords

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def tagged(tmp_path, open_library):
    """A tagged library, closed, and a function that runs ``photoclip`` on it."""
    folder = tmp_path / "album"
    classes = write_set(folder, CLASSES, 3, seed=3)
    write_set(folder / "trip", CLASSES, 1, seed=9)
    library = open_library()
    library.add_root(folder)
    library.update()
    library.tag_photos(library.album(None).photo_ids, builtin_label_sets()["shapes"])
    library_dir = str(library.paths.root)
    library.close()

    def run(*args):
        return cli(["--library", library_dir, "--model", "photoclip-tiny", *args])

    return run, folder, classes, library_dir


def reopen(library_dir, open_library):
    return open_library(library_dir)


def test_review_lists_a_tags_suggestions_then_accepts_and_rejects_them(tagged, capsys, open_library):
    run, folder, _classes, library_dir = tagged
    assert run("review") == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0].split("  ")[0].strip()
    assert "suggested" in out and "Review one with: photoclip review" in out

    assert run("review", first) == 0
    captured = capsys.readouterr()
    listed = [line.split("  ", 1)[1] for line in captured.out.splitlines()]
    assert len(listed) >= 2 and all(path.startswith(str(folder)) for path in listed)
    assert f"{len(listed)} suggestions of '{first}' left to review" in captured.err

    assert run("review", first, "--accept", listed[0], "--reject", listed[1]) == 0
    captured = capsys.readouterr()
    assert f"Accepted '{first}' for 1 photo." in captured.out and f"Rejected '{first}' for 1 photo." in captured.out
    assert f"{len(listed) - 2} suggestions of '{first}' left" in captured.err
    library = reopen(library_dir, open_library)
    accepted = library.photo_at(listed[0])
    assert [t.state for t in library.tags.tags(accepted.id) if t.label == first] == ["accepted"]
    library.close()

    assert run("review", first, "--accept-all") == 0
    assert f"Accepted '{first}' for {len(listed) - 2} photos." in capsys.readouterr().out
    assert run("tags") == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith(first + " "))
    assert line.split()[-2:] == [str(len(listed) - 1), "accepted"]

    assert run("review", first, "--accept", listed[1]) == 0  # rejected already: not a suggestion any more
    err = capsys.readouterr().err
    assert "had no suggestion" in err and "Next: photoclip review '" in err

    assert run("review", "no such tag", "--accept-all") == 1  # a typo changes nothing and says so
    err = capsys.readouterr().err
    assert "No photo has the tag 'no such tag'. Tags with suggestions: " in err
    assert run("review", "no such tag") == 1


def test_review_of_an_album_and_by_photo(tagged, capsys):
    run, folder, _classes, _dir = tagged
    trip = str(folder / "trip")
    assert run("review", "--album", trip, "--by-photo") == 0
    lines = capsys.readouterr().out.splitlines()
    assert 1 <= len(lines) <= 4 and all(line.startswith(trip) for line in lines)
    assert run("review", "--album", trip) == 0
    out = capsys.readouterr().out
    counts = [int(line.split()[-4]) for line in out.splitlines() if "suggested" in line]
    assert sum(counts) == sum(len(line.split(",")) for line in lines)
    label = out.splitlines()[0].split("  ")[0].strip()
    assert run("review", label, "--album", trip, "--reject-all") == 0
    assert run("review", "--album", trip) == 0
    assert label not in capsys.readouterr().out.split("Review one with")[0].split()


def test_tags_are_renamed_merged_and_deleted_and_sidecars_follow(tagged, capsys):
    run, folder, classes, _dir = tagged
    photo = sorted(classes)[0]
    assert run("tags", str(photo), "--add", "Walk", "--add", "dog") == 0
    assert run("tags", str(sorted(classes)[1]), "--add", "hike") == 0
    assert run("tag", str(folder), "--label-set", "shapes", "--export-xmp") == 0
    sidecar = photo.with_name(photo.name + ".xmp")
    assert {"walk", "dog"} <= set(read_keywords(sidecar))
    capsys.readouterr()

    assert run("tags", "--rename", "walk", "Stroll") == 0
    out = capsys.readouterr().out
    assert "Renamed the tag 'walk' to 'stroll' on 1 photo." in out and "Updated 1 XMP sidecar" in out
    assert "stroll" in read_keywords(sidecar) and "walk" not in read_keywords(sidecar)

    assert run("tags", "--rename", "stroll", "hike") == 1
    assert "already a tag 'hike'" in capsys.readouterr().err
    assert run("tags", "--merge", "stroll", "hike", "--into", "hike") == 0
    assert "Merged 'stroll' into 'hike' (1 photo)." in capsys.readouterr().out
    assert "hike" in read_keywords(sidecar) and "stroll" not in read_keywords(sidecar)

    assert run("tags", "--delete", "dog", "--yes") == 0  # accepted by the user: it would ask
    assert "Deleted the tag 'dog' from 1 photo." in capsys.readouterr().out
    assert "dog" not in read_keywords(sidecar)
    assert run("tags") == 0
    listed = capsys.readouterr().out
    assert "hike" in listed and "dog" not in listed and "stroll" not in listed

    assert run("tags", "--merge", "hike") == 1
    assert "--into NAME" in capsys.readouterr().err
    assert run("tags", str(photo), "--delete", "hike") == 1
    assert "leave out the photo" in capsys.readouterr().err
    assert run("tags", "--rename", "hike", " ") == 1
    assert "at least one letter" in capsys.readouterr().err


def test_collections_are_renamed_deleted_and_photos_taken_out(tagged, capsys, open_library):
    run, _folder, classes, library_dir = tagged
    photos = [str(p) for p in sorted(classes)[:3]]
    assert run("collection", "add", "Trip", *photos) == 0
    assert run("collection", "save", "Reds", "--query", "a red circle") == 0
    assert run("collection", "rename", "Trip", "Summer") == 0
    assert "Renamed the collection 'Trip' to 'Summer'." in capsys.readouterr().out
    assert run("collection", "rename", "Summer", "Reds") == 1
    assert "already a collection called 'Reds'" in capsys.readouterr().err
    assert run("collection", "remove", "Summer", photos[0]) == 0
    assert "Took 1 photo out of 'Summer'." in capsys.readouterr().out
    assert run("collection", "show", "Summer") == 0
    assert capsys.readouterr().out.split() == photos[1:]
    assert run("collection", "remove", "Reds", photos[0]) == 1
    assert "saved search" in capsys.readouterr().err
    assert run("collection", "delete", "Summer") == 0
    assert "Deleted the collection 'Summer' (2 photos" in capsys.readouterr().out
    assert run("collection", "list") == 0
    assert capsys.readouterr().out.split()[0] == "Reds"
    library = reopen(library_dir, open_library)
    assert isinstance(library, Library) and len(library.album(None).photo_ids) == 16
