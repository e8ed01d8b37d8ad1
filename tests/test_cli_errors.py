"""Wrong input on the command line gets a clear message and an exit status, never a traceback."""

import json
import sqlite3

import pytest
from pictures import write_set

from photoclip.cli.main import main as cli
from photoclip.core.catalog import Catalog
from photoclip.core.catalog_schema import MIGRATIONS, SCHEMA_VERSION
from photoclip.core.errors import CatalogError


def run(capsys, *args):
    """(exit status, stderr) of one command run in-process; argparse's own exit counts as one."""
    try:
        code = cli(list(args))
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().err


@pytest.fixture
def demo_library(tmp_path, capsys):
    library = tmp_path / "lib"
    folder = tmp_path / "photos"
    write_set(folder, [("red", "circle"), ("blue", "square")], 2)
    assert cli(["--library", str(library), "--model", "photoclip-tiny", "index", str(folder)]) == 0
    capsys.readouterr()
    return ["--library", str(library), "--model", "photoclip-tiny"]


def test_a_library_path_that_is_a_file_or_cannot_be_made(tmp_path, capsys, monkeypatch):
    a_file = tmp_path / "afile"
    a_file.write_text("x")
    monkeypatch.setenv("PHOTOCLIP_LIBRARY", str(a_file))
    code, err = run(capsys, "status")
    assert code == 1 and "is a file" in err and str(a_file) in err
    code, err = run(capsys, "--library", "/proc/nope", "index")
    assert code == 1 and "/proc/nope" in err and "cannot be made" in err
    code, err = run(capsys, "--library", "/proc/nope", "status")  # reading makes nothing
    assert code == 1 and "No library at /proc/nope" in err


def test_numbers_out_of_range_are_refused(tmp_path, capsys, demo_library):
    for args, option in (
        (["demo", "--count", "-5"], "--count"),
        (["demo", "--count", "0"], "--count"),
        (["demo", "--max-size", "0"], "--max-size"),
        ([*demo_library, "search", "red", "-n", "-1"], "--limit"),
        ([*demo_library, "search", "red", "--min-score", "nan"], "--min-score"),
        ([*demo_library, "search", "red", "--min-score", "inf"], "--min-score"),
        ([*demo_library, "similar", str(tmp_path / "photos" / "red-circle-0.png"), "-n", "0"], "--limit"),
    ):
        code, err = run(capsys, "--library", str(tmp_path / "demo"), *args) if args[0] == "demo" else run(capsys, *args)
        assert code == 2 and option in err and "Traceback" not in err, (args, err)


def test_empty_labels_do_not_tag_with_the_default_set(capsys, demo_library):
    for labels in ("", " , ;"):
        code, err = run(capsys, *demo_library, "tag", "--labels", labels)
        assert code == 1 and "no labels" in err.lower()
    assert run(capsys, *demo_library, "tag", "--list-sets")[0] == 0
    code, err = run(capsys, *demo_library, "search", "tag:red", "-n", "5")
    assert code == 0 and "red" not in capsys.readouterr().out  # nothing was tagged
    assert "No photo is tagged “red”." in err  # not just "No photos match."
    code, err = run(capsys, *demo_library, "search", "folder:nowhere red", "-n", "5")
    assert code == 0 and "No folder's name holds “nowhere”." in err
    code, err = run(capsys, *demo_library, "search", "camera:zzz red", "-n", "5")
    assert code == 0 and "No photo was taken with a camera whose name holds “zzz”." in err


def test_similar_to_nothing_asks_for_a_photo(capsys, demo_library):
    code, err = run(capsys, *demo_library, "similar", "")
    assert code == 2 and "'' is not a photo: give its path" in err and "neither a photo" not in err  # was ". is…"


def test_weights_given_for_the_bundled_model_are_explained(tmp_path, capsys, demo_library):
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"x")
    code, err = run(capsys, *demo_library, "--weights", str(weights), "search", "red")
    assert code == 1 and "ships with photoclip" in err and "--weights" in err
    assert "--model photoclip-tiny" not in err  # the advice given before, which was already in force


def test_a_catalog_from_a_newer_photoclip_is_refused_byte_for_byte_untouched(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(CatalogError, match="newer photoclip"):
        Catalog(path)
    assert path.read_bytes() == before  # journal mode was switched to WAL in the header before the fix


def test_a_failed_migration_is_rolled_back_and_explained(tmp_path, capsys):
    path = tmp_path / "lib" / "catalog.sqlite3"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:-1]:
        conn.executescript(script)
    import re

    # A table or an index of that name already there makes the last migration fail (an index made
    # IF NOT EXISTS would not: a table of its name does).
    created = re.search(r"CREATE (?:TABLE|INDEX)(?: IF NOT EXISTS)? (\w+)", MIGRATIONS[-1]).group(1)
    conn.execute(f"CREATE TABLE {created} (x)")  # a table in the way of what the last migration creates
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    code, err = run(capsys, "--library", str(path.parent), "status")
    assert code == 1 and "could not be upgraded" in err and "rolled back" in err and "Traceback" not in err
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION - 1
    assert list((path.parent / "backups").glob("catalog-v*.sqlite3"))


def test_a_search_for_nothing_says_so_instead_of_listing_every_photo(capsys, demo_library):
    for query in ("", "   ", "+", "-", "0:red"):
        code = cli([*demo_library, "search", query])
        printed = capsys.readouterr()
        assert code == 1 and "nothing to search for" in printed.err and printed.out == "", (query, printed)
    # Narrowed by an option (or a tag:, folder: or date word), an empty query lists those photos by date.
    assert run(capsys, *demo_library, "search", "", "--from", "2000")[0] == 0
    # A mistyped filter alone: nothing is left to search for, and the message says which filter was meant.
    code, err = run(capsys, *demo_library, "search", "foldr:paris")
    assert code == 1 and "nothing to search for" in err and "Did you mean “folder:”?" in err, err


def test_no_photo_above_an_explicit_min_score_suggests_lowering_it(capsys, demo_library):
    code, err = run(capsys, *demo_library, "search", "red", "--min-score", "100")
    assert code == 0 and "No photos match with a score of 100 or more (try a lower --min-score)" in err
    assert "--relevance" not in err  # --min-score wins over it: that hint would not help


def test_a_second_index_run_still_says_a_file_could_not_be_read(tmp_path, capsys):
    """The second run said "0 unreadable" of a file still unreadable (it is not read again)."""
    folder = tmp_path / "photos"
    write_set(folder, [("red", "circle")], 2)
    (folder / "bad.png").write_text("not a picture")
    args = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny", "index", str(folder)]
    assert cli(args) == 0
    first = capsys.readouterr().out
    assert "1 unreadable" in first and "before" not in first
    assert cli(args) == 0
    second = capsys.readouterr().out
    assert "0 unreadable" in second and "1 file could not be read before" in second and "status --errors" in second


def test_an_empty_path_is_refused_never_read_as_the_working_folder(tmp_path, capsys, monkeypatch, demo_library):
    """``photoclip index "$DIR"`` with DIR unset indexed the folder it ran in (Path("") is ".");
    every argument that names a folder, a photo, an album or the library refuses an empty one."""
    here = tmp_path / "here"
    write_set(here, [("green", "triangle")], 2)  # photos a wrong "." would add
    monkeypatch.chdir(here)
    monkeypatch.setenv("PHOTOCLIP_LIBRARY", str(tmp_path / "default-lib"))
    photo = str(tmp_path / "photos" / "red-circle-0.png")
    for args, said in (
        (["index", ""], "'' is not a folder"),
        (["index", "  "], "'  ' is not a folder"),
        (["index", str(tmp_path / "photos"), "--exclude", ""], "'' is not a folder"),
        (["remove", ""], "'' is not a folder"),
        (["relocate", str(tmp_path / "photos"), ""], "'' is not a folder"),
        (["similar", ""], "'' is not a photo"),
        (["search", "red", "--folder", ""], "'' is not a folder"),
        (["search", "red", "--root", " "], "' ' is not a folder"),
        (["tags", ""], "'' is not a photo"),
        (["tag", "", "--labels", "red, blue"], "'' is not an album"),  # "" was the whole library
        (["review", "red", "--album", ""], "'' is not an album"),
        (["collection", "add", "Picks", photo, ""], "'' is not a photo"),
        (["--weights", "", "search", "red"], "'' is not a file"),
    ):
        code, err = run(capsys, *demo_library, *args)
        assert code == 2 and said in err and "Traceback" not in err, (args, err)
    monkeypatch.setattr("photoclip.cli.main._start_gui", lambda args: 0)  # no window, whatever happens
    for args in (["--library", "", "index", str(here)], ["index", str(here), "--library", ""], ["--library", ""]):
        code, err = run(capsys, *args)  # the bare one would open the window on the default library
        assert code == 2 and "'' is not a library folder" in err and "leave --library out" in err, (args, err)
    assert not (tmp_path / "default-lib").exists()  # "" fell back to $PHOTOCLIP_LIBRARY
    assert cli([*demo_library, "status", "--json"]) == 0
    roots = [root["path"] for root in json.loads(capsys.readouterr().out)["roots"]]
    assert roots == [str(tmp_path / "photos")]  # the working folder was never added
    assert cli([*demo_library, "collection", "list"]) == 0
    assert capsys.readouterr().out == ""  # no collection was made


def test_similar_to_a_path_that_is_not_there_says_the_file_does_not_exist(tmp_path, capsys, demo_library):
    for typed in (str(tmp_path / "nonexist.jpg"), "./nonexist.jpg", "../nonexist.jpg"):
        code, err = run(capsys, *demo_library, "similar", typed)
        assert code == 1 and f"{typed} does not exist: no such file" in err, err
        assert "type the image's path instead" not in err  # it was typed
    # A bare name is still a library photo's name, or said not to be one.
    code, err = run(capsys, *demo_library, "similar", "red-circle-0.png", "-n", "1")
    assert code == 0
    code, err = run(capsys, *demo_library, "similar", "nonexist.jpg")
    assert code == 1 and "No photo called nonexist.jpg in the library" in err


def test_similar_to_a_path_from_an_unknown_users_home_says_so_without_a_traceback(tmp_path, capsys, demo_library):
    """Path.expanduser raised RuntimeError ("Could not determine home directory.") for a "~user"
    that is no user: a traceback."""
    typed = "~photoclip-no-such-user/cat.jpg"
    code, err = run(capsys, *demo_library, "similar", typed)
    assert code == 1 and f"{typed} does not exist: there is no home folder ~photoclip-no-such-user" in err, err
    code, err = run(capsys, *demo_library, "similar", "~/photoclip-nonexist.jpg")
    assert code == 1 and "~/photoclip-nonexist.jpg does not exist: no such file" in err, err


def test_collection_add_counts_each_photo_once_and_says_which_were_there(tmp_path, capsys, demo_library):
    a, b, c = (
        str(tmp_path / "photos" / name) for name in ("red-circle-0.png", "blue-square-0.png", "red-circle-1.png")
    )
    assert cli([*demo_library, "collection", "add", "Picks", a, b, a]) == 0
    assert capsys.readouterr().out.strip() == "Added 2 photos to 'Picks'."  # was "Added 3 photos"
    assert cli([*demo_library, "collection", "add", "Picks", a, c]) == 0
    assert capsys.readouterr().out.strip() == "Added 1 photo to 'Picks' (1 was in it already)."
    assert cli([*demo_library, "collection", "show", "Picks"]) == 0
    printed = capsys.readouterr()
    assert sorted(printed.out.split()) == sorted([a, b, c]) and "3 photos" in printed.err


def test_collection_save_with_words_after_the_name_says_how_to_save_a_search(capsys, demo_library):
    code, err = run(capsys, *demo_library, "collection", "save", "Reds", "red")
    assert code == 1 and 'photoclip collection save Reds --query "red"' in err, err
    assert "photoclip collection add Reds PHOTO..." in err
    code, err = run(capsys, *demo_library, "collection", "delete", "Reds", "now")
    assert code == 1 and "takes only the collection's name" in err
    assert cli([*demo_library, "collection", "list"]) == 0
    assert "Reds" not in capsys.readouterr().out  # no empty hand-picked collection was made
    assert run(capsys, *demo_library, "collection", "save", "Reds", "--query", "red")[0] == 0
    assert cli([*demo_library, "collection", "list"]) == 0
    assert "search: red" in capsys.readouterr().out
    # Saved again without a search, it stays the saved search it was (it became an empty hand-picked set).
    assert cli([*demo_library, "collection", "save", "Reds"]) == 0
    out = capsys.readouterr().out
    assert "search: red" in out and "hand-picked" not in out, out  # it said "hand-picked"
    assert cli([*demo_library, "collection", "list"]) == 0
    assert "search: red" in capsys.readouterr().out


def test_an_index_run_with_a_model_that_cannot_load_leaves_the_library_on_its_model(tmp_path, capsys):
    """``--model ViT-B-32/... index`` failed (no weights on the machine) but had already made that
    model the library's: every search then said no photo was indexed with it, until ``models --use``."""
    import json

    from pictures import write_set

    write_set(tmp_path / "photos", [("red", "circle"), ("blue", "square")], 2)
    library = ["--library", str(tmp_path / "lib")]
    assert cli([*library, "--model", "photoclip-tiny", "index", str(tmp_path / "photos")]) == 0
    assert cli([*library, "--model", "ViT-B-32/laion2b_s34b_b79k", "index", "--no-download"]) == 1
    capsys.readouterr()
    assert json.loads((tmp_path / "lib" / "settings.json").read_text())["model"] == "photoclip-tiny"
    assert cli([*library, "search", "a red circle", "--paths"]) == 0
    assert capsys.readouterr().out.strip()


def test_exclude_takes_a_path_from_here_or_inside_the_folder_and_refuses_one_that_is_neither(
    tmp_path, capsys, monkeypatch
):
    """``index pics --exclude pics/big2`` (run from pics' parent) stored "pics/big2" inside pics, a
    folder that does not exist, and left nothing out; a mistyped name was taken without a word, and
    ``status`` never said what was left out."""
    from pictures import write_set

    write_set(tmp_path / "pics" / "keep", [("red", "circle")], 2)
    write_set(tmp_path / "pics" / "big2", [("blue", "square")], 2)
    monkeypatch.chdir(tmp_path)
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*library, "index", "pics", "--exclude", "nonexistent"]) == 1
    assert "--exclude nonexistent: no such folder inside" in capsys.readouterr().err
    if not (tmp_path / "pics" / "BIG2").exists():  # a file system that tells case apart
        assert cli([*library, "index", "pics", "--exclude", "BIG2"]) == 1  # a tester typed "private" for Private
        assert "(did you mean big2?)" in capsys.readouterr().err
    assert cli([*library, "index", "pics", "--exclude", "pics/big2"]) == 0
    assert "2 indexed" in capsys.readouterr().out  # the two in keep/, not big2's
    assert cli([*library, "status"]) == 0
    assert "left out          big2/" in capsys.readouterr().out
    # a linked sub-folder, walked like any other, can be left out too; a missing folder is said first
    (tmp_path / "pics" / "link").symlink_to(tmp_path / "pics" / "big2", target_is_directory=True)
    assert cli([*library, "index", "pics", "--exclude", "pics/link"]) == 0
    capsys.readouterr()
    assert cli([*library, "index", "nothere", "--exclude", "sub"]) == 1
    assert "nothere is not a folder" in capsys.readouterr().err
