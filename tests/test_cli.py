"""The ``photoclip`` command as a user types it."""

import json
import subprocess
import sys
import time
from pathlib import Path

from pictures import write_set

from photoclip.cli.main import main as cli

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


def test_help_and_version_answer_at_once_without_torch():
    for args in (["--help"], ["--version"], ["search", "--help"]):
        started = time.monotonic()
        code = (
            f"import sys, runpy; sys.argv = ['photoclip'] + {args!r}\n"
            "try:\n    runpy.run_module('photoclip.cli.main', run_name='__main__')\n"
            "except SystemExit: pass\n"
            "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        assert out.strip().endswith("NO-TORCH")
        assert time.monotonic() - started < 10  # a whole interpreter start; typically 0.1 s


def test_index_search_similar_status_from_the_command_line(tmp_path, capsys):
    folder = tmp_path / "photos"
    classes = write_set(folder, CLASSES, 3)
    (folder / "broken.jpg").write_text("not a photo")
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*library, "index", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "12 indexed" in out and "1 unreadable" in out

    assert cli([*library, "search", "a green triangle", "-n", "2", "--json", "--no-download"]) == 0
    said = capsys.readouterr()
    hits = json.loads(said.out)
    # -n cut the list, and stderr says so (a library this small is judged among its own photos)
    assert "2 of 3 relevant photos listed: -n 3 lists them all." in said.err
    from pathlib import Path

    assert [classes[Path(h["path"])] for h in hits] == [("green", "triangle")] * 2
    assert hits[0]["score"] >= hits[-1]["score"]

    target = next(p for p, c in classes.items() if c == ("red", "circle"))
    assert cli([*library, "similar", str(target), "-n", "1", "--paths"]) == 0
    said = capsys.readouterr()
    paths = said.out.split()
    assert "1 of 2 relevant photos listed" in said.err  # the other red circles; the photo itself is not one
    assert str(target) not in paths and classes[Path(paths[0])] == ("red", "circle")

    assert cli([*library, "status", "--json", "--errors"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["photos"] == 13 and status["embedded"] == 12 and status["errors"] == 1
    assert status["roots"][0]["online"] is True
    assert status["error_files"][0]["path"].endswith("broken.jpg")
    assert "not an image" in status["error_files"][0]["reason"]

    assert cli([*library, "index"]) == 0
    again = capsys.readouterr().out
    assert "0 indexed" in again and "13 unchanged" in again  # the broken file is not retried until it changes


def test_clear_messages_instead_of_tracebacks(tmp_path, capsys):
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*library, "search", "anything"]) == 1
    err = capsys.readouterr().err
    assert "No library at" in err and "photoclip index FOLDER" in err
    assert not (tmp_path / "lib").exists()  # a search, a status or a typo never leaves an empty library
    assert cli([*library, "index"]) == 1
    assert "no folders yet" in capsys.readouterr().err
    assert cli([*library, "search", "anything"]) == 1
    assert "No photos are indexed yet" in capsys.readouterr().err
    assert cli([*library, "index", str(tmp_path / "missing")]) == 1
    assert "is not a folder" in capsys.readouterr().err
    assert cli(["--library", str(tmp_path / "lib"), "--model", "no-such-model", "status"]) == 1
    assert "Unknown model" in capsys.readouterr().err


def test_demo_builds_a_searchable_library_offline(tmp_path, capsys):
    assert cli(["--library", str(tmp_path / "demo"), "demo", "--count", "40", "--max-size", "400"]) == 0
    out = capsys.readouterr().out
    assert "40 indexed" in out and "search" in out
    assert cli(["--library", str(tmp_path / "demo"), "search", "a blue circle", "-n", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert not any(row["closest"] for row in rows)  # they answer the search
    hits = [Path(h["path"]) for h in rows]
    # The demo's files are named after what they show (00011-black-star.jpg): the model must find them.
    blue_circles = {p for p in (tmp_path / "demo" / "pictures").iterdir() if "blue-circle" in p.name}
    assert hits and "blue-circle" in hits[0].name
    assert blue_circles <= set(hits) or set(hits) <= blue_circles, hits
    # Words the model does not know: the page shows the closest few, said to be only that; a script
    # gets no paths (it should not copy them), and JSON marks them.
    assert cli(["--library", str(tmp_path / "demo"), "search", "xyzzy", "--paths"]) == 0
    said = capsys.readouterr()
    assert said.out == "" and "No photo stands out clearly" in said.err and "relevant photos listed" not in said.err
    assert cli(["--library", str(tmp_path / "demo"), "search", "xyzzy", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(row["closest"] for row in rows)
    assert cli(["--library", str(tmp_path / "demo"), "tag", "--label-set", "shapes"]) == 0
    assert "photos tagged" in capsys.readouterr().out


def test_remove_forgets_a_folder_but_never_touches_files(tmp_path, capsys):
    folder = tmp_path / "photos"
    classes = write_set(folder, CLASSES, 1)
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    cli([*library, "index", str(folder)])
    before = {p: p.read_bytes() for p in classes}
    assert cli([*library, "remove", str(folder)]) == 0
    assert "its 4 photos" in capsys.readouterr().out
    assert {p: p.read_bytes() for p in classes} == before
    cli([*library, "status", "--json"])
    assert json.loads(capsys.readouterr().out)["photos"] == 0
