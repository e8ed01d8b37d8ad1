"""What a new user met on the command line (a tester's report): a search starting with ``-``, the
demo and ``$PHOTOCLIP_LIBRARY``, accepting a tag the photo never had, saved searches that find
nothing, backwards dates, and the small things. Each runs the real ``photoclip`` on a real library
indexed by the bundled small model."""

import datetime as dt
import io
import json
import os

import pytest
from pictures import write_set

from photoclip.cli.main import main as cli

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle")]
IN_2019 = dt.datetime(2019, 7, 1, 12).timestamp()


@pytest.fixture
def library(tmp_path, capsys):
    """A library of 9 pictures dated July 2019 (their files' dates), one tagged "red dot" by the
    user and one suggested "blue square"; returns (run, photos) where run(*args) gives (exit
    status, stdout, stderr), argparse's own exit included."""
    folder = tmp_path / "photos"
    photos = sorted(write_set(folder, CLASSES, 3, seed=5))
    for photo in photos:
        os.utime(photo, (IN_2019, IN_2019))
    options = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]

    def run(*args):
        try:
            code = cli([*options, *args])
        except SystemExit as exit_:
            code = exit_.code
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    assert run("index", str(folder))[0] == 0
    assert run("tags", str(photos[0]), "--add", "Red dot")[0] == 0
    assert run("tag", "--labels", "blue square, green triangle")[0] == 0
    return run, photos


def paths(out):
    return [hit["path"] for hit in json.loads(out)]


def test_a_search_may_start_with_a_word_left_out(library):
    run, _photos = library
    code, out, err = run("search", "-red", "--json", "--relevance", "all")
    assert code == 0, err
    assert paths(out) == paths(run("search", "--json", "--relevance", "all", "--", "-red")[1])
    # Options anywhere, and words that begin like one (-n, -v) are still words.
    code, out, err = run("search", "-nature", "circle", "-vintage", "-n", "2", "--json")
    assert code == 0 and len(paths(out)) <= 2, err
    code, out, _err = run("search", "circle", "-n3", "--json", "-blue", "--relevance", "all")
    assert code == 0 and len(paths(out)) == 3
    code, _out, err = run("search", "red", "-n", "-1")  # a real option keeps its checks
    assert code == 2 and "--limit" in err


def test_the_demo_builds_its_own_library_never_yours(library, tmp_path, monkeypatch, capsys):
    run, _photos = library
    code, out, _err = run("demo", "--help")
    assert code == 0 and "its own" in " ".join(out.split()) and "(default: $PHOTOCLIP_LIBRARY" not in out
    mine = tmp_path / "lib"
    code, _out, err = run("--library", str(mine), "demo", "--count", "3", "--max-size", "64")
    assert code == 1 and "a library of your own" in err
    assert not (mine / "pictures").exists()  # refused before anything was drawn or added
    status = json.loads(run("status", "--json")[1])
    assert len(status["roots"]) == 1 and status["photos"] == 9

    monkeypatch.setenv("PHOTOCLIP_LIBRARY", str(mine))  # the demo goes beside it, in a library of its own
    assert cli(["demo", "--count", "3", "--max-size", "64"]) == 0
    assert f"The demo gets a library of its own: {tmp_path / 'demo'}" in capsys.readouterr().err
    assert (tmp_path / "demo" / "pictures").is_dir()
    status = json.loads(run("status", "--json")[1])
    assert len(status["roots"]) == 1 and status["photos"] == 9


def test_accept_and_reject_only_what_the_photo_has(library):
    run, photos = library
    code, _out, err = run("tags", str(photos[0]), "--accept", "nosuchtag")
    assert code == 1 and "has no suggestion 'nosuchtag'" in err and "to add a tag use --add" in err
    code, _out, err = run("tags", str(photos[0]), "--reject", "nosuchtag")
    assert code == 1 and "has no tag 'nosuchtag'" in err
    code, out, _err = run("tags", str(photos[0]))
    assert "nosuchtag" not in out and "red dot" in out
    suggested = next(p for p in photos if "blue square" in run("tags", str(p))[1])
    code, out, _err = run("tags", str(suggested), "--accept", "Blue  Square")
    assert code == 0 and "blue square" in out and "accepted" in out


def test_a_saved_search_is_checked_and_an_empty_collection_says_so(library):
    run, _photos = library
    code, _out, err = run("collection", "save", "Reds", "--query", 'tag:"red dots"')
    assert code == 1 and "No photo has the tag 'red dots'" in err and "Tags: " in err and "red dot" in err
    code, _out, err = run("collection", "save", "Empty", "--query", "  ")
    assert code == 1 and "needs something to search for" in err
    assert "Reds" not in run("collection", "list")[1] and "Empty" not in run("collection", "list")[1]
    code, out, _err = run("collection", "save", "Reds", "--query", "tag:'red dot'")  # single quotes work too
    assert code == 0 and "Saved the collection 'Reds'" in out
    code, out, err = run("collection", "show", "Reds")
    assert code == 0 and len(out.split("\n")) == 2 and "1 photo in collection 'Reds'" in err
    assert run("collection", "save", "Picks")[0] == 0
    code, out, err = run("collection", "show", "Picks")
    assert code == 0 and out == "" and "0 photos in collection 'Picks'" in err


def test_dates_given_backwards_are_turned_round_and_said(library):
    run, _photos = library
    code, out, err = run("search", "circle", "--from", "2020", "--to", "2019", "--json")
    assert code == 0 and "--from 2020 is after --to 2019: searching from 2019 to 2020" in err
    assert paths(out) and paths(out) == paths(run("search", "circle", "--from", "2019", "--to", "2020", "--json")[1])


def test_forgetting_a_search_that_was_never_kept_says_so(library, tmp_path, open_library):
    run, _photos = library
    kept = open_library(tmp_path / "lib")
    kept.remember_search("red circle")
    kept.close()
    code, out, err = run("history", "--forget", "nosuch")
    assert code == 1 and "'nosuch' is not in the search history" in err and out == ""
    code, out, err = run("history", "--forget", "Red circle")
    assert code == 0 and "Forgot the search" in err and "red circle" not in out


def test_collection_add_and_remove_name_the_paths_that_are_wrong(library, tmp_path):
    run, photos = library
    missing = str(tmp_path / "nothere.jpg")
    code, _out, err = run("collection", "add", "Picks", str(photos[0]), str(photos[1]), missing)
    assert code == 1 and "Nothing was changed" in err and missing in err
    assert "Picks" not in run("collection", "list")[1]
    assert run("collection", "add", "Picks", str(photos[0]))[0] == 0
    code, out, _err = run("collection", "remove", "Picks", str(photos[0]), str(photos[1]))
    assert code == 0 and "Took 1 photo out of 'Picks' (1 was not in it)." in out


def test_deleting_a_tag_you_accepted_asks_first(library, monkeypatch):
    run, photos = library
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    code, _out, err = run("tags", "--delete", "red dot")
    assert code == 1 and "accepted on 1 photo" in err and "Nothing was deleted" in err
    assert "red dot" in run("tags")[1]
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out, _err = run("tags", "--delete", "red dot")
    assert code == 0 and "Deleted the tag 'red dot' from 1 photo." in out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # only suggested: nothing to ask
    code, out, err = run("tags", "--delete", "green triangle")
    assert code == 0 and "Deleted the tag 'green triangle'" in out and "[y/N]" not in err
    assert run("tags", str(photos[1]), "--add", "star")[0] == 0
    code, out, err = run("tags", "--delete", "star", "--yes")  # for scripts: no question
    assert code == 0 and "Deleted the tag 'star' from 1 photo." in out and "[y/N]" not in err


def test_explain_of_a_search_with_only_a_tag_has_no_leading_separator(library):
    run, _photos = library
    code, out, _err = run("search", "tag:red dot", "--explain")
    reasons = out.splitlines()[1]
    assert code == 0 and reasons.strip().startswith("looks like: "), out


def test_the_searches_the_demo_suggests_find_what_they_say(tmp_path, capsys):
    """A tester saw the demo's ``search "a blue star -noisy"`` say "Nothing here looks like 'noisy',
    so leaving it out leaves out no photo" (not reproduced): each suggestion must list photos,
    without a word of what it could not do."""
    import shlex

    demo = tmp_path / "demo"
    assert cli(["--library", str(demo), "demo", "--count", "160", "--max-size", "160"]) == 0
    suggested = [
        shlex.split(line.strip())[1:]
        for line in capsys.readouterr().out.splitlines()
        if line.strip().startswith("photoclip") and " search " in line
    ]
    assert len(suggested) >= 2
    for args in suggested:
        assert cli([*args, "--paths"]) == 0, args
        said = capsys.readouterr()
        assert said.out.strip(), args
        assert "leaves out no photo" not in said.err and "come closest" not in said.err, (args, said.err)


def test_a_tagging_run_counts_in_words_a_person_reads(library):
    """It said "with 1 labels", and "Tagged 9 of 9 photos" just before "8 of 9 photos tagged"."""
    run, _photos = library
    code, out, err = run("tag", "--labels", "square", "--redo")
    assert code == 0 and "with 1 label (" in err and "Looked at 9 of 9 photos" in err and "Tagged" not in err
    assert "of 9 photos tagged (" in out and " 1 tags)" not in out


def test_listing_collections_when_there_are_none_says_how_to_make_one(library):
    """``collection list`` printed nothing at all."""
    run, photos = library
    code, out, err = run("collection", "list")
    assert code == 0 and out == "" and "No collections yet" in err
    assert run("collection", "add", "faves", str(photos[0]))[0] == 0
    code, out, err = run("collection", "list")
    assert "faves" in out and "No collections yet" not in err


def test_tagging_with_labels_the_model_never_learnt_says_why_they_tag_nothing(library):
    """``tag --label-set everyday`` with the small model said only "0 of 9 photos tagged"."""
    run, _photos = library
    code, out, err = run("tag", "--label-set", "everyday", "--redo")
    assert code == 0 and "0 of 9 photos tagged" in out
    assert "photoclip-tiny never learnt the words of" in err and "they tag nothing" in err
    code, _out, err = run("tag", "--labels", "square, cat", "--redo")
    assert "never learnt the words of 1 label of 2 (“cat”)" in err
