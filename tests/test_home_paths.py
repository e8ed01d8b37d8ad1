"""``~`` in typed paths: only "~", "~/..." and "~user/..." name a home folder; "~$tmp.jpg" is a
file name, and a home that cannot be found is no crash."""

from __future__ import annotations

from pathlib import Path

from photoclip.core.paths import expand_home, home_prefix


def test_only_a_home_folder_written_before_a_separator_is_a_home():
    assert home_prefix("~") == "~"
    assert home_prefix("~/Pictures/cat.jpg") == "~"
    assert home_prefix("~anna/cat.jpg") == "~anna"
    for name in ("~$tmp.jpg", "~nouser.jpg", "cat~.jpg", "trip/~cat.jpg", ""):
        assert home_prefix(name) is None, name


def test_expand_home_leaves_names_and_unknown_homes_as_written():
    """Path.expanduser raised RuntimeError for both."""
    assert expand_home("~/cat.jpg") == Path.home() / "cat.jpg"
    assert expand_home("~$tmp.jpg") == Path("~$tmp.jpg")
    assert expand_home(Path("~nouser.jpg")) == Path("~nouser.jpg")
    assert expand_home("~photoclip-no-such-user/cat.jpg") == Path("~photoclip-no-such-user/cat.jpg")


def test_a_library_photo_looked_up_by_a_name_starting_with_a_tilde(tmp_path, open_library):
    """Catalog.photo_by_path expanded "~" in any name: "~$tmp.jpg" raised RuntimeError."""
    library = open_library(tmp_path / "lib")
    assert library.catalog.photo_by_path(Path("~$tmp.jpg")) is None


def test_names_and_homes_with_a_tilde_never_raise_through_the_command_line(tmp_path, capsys):
    """ "~nouser.jpg" raised RuntimeError (no such user's home) out of Library.similar and the
    query parser; "~$tmp.jpg" is a library photo's name, found as such."""
    from pictures import write_set

    from photoclip.cli.main import main as cli

    folder = tmp_path / "photos"
    write_set(folder, [("red", "circle"), ("blue", "square")], 1)
    odd = folder / "~$tmp.png"
    odd.write_bytes(next(folder.glob("red-*")).read_bytes())
    options = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*options, "index", str(folder)]) == 0
    capsys.readouterr()
    assert cli([*options, "similar", "~nouser.jpg"]) == 1
    assert "~nouser.jpg" in capsys.readouterr().err
    assert cli([*options, "similar", "~$tmp.png", "-n", "1", "--relevance", "all"]) == 0
    assert capsys.readouterr().out.strip()
    assert cli([*options, "search", "similar to ~$tmp.png + blue", "-n", "1", "--relevance", "all"]) == 0
    assert cli([*options, "search", "~nouser", "-n", "1"]) in (0, 1)  # words: answered, never a traceback


def test_folders_named_with_a_tilde_are_indexed_tagged_and_removed(tmp_path, capsys, monkeypatch):
    """A folder "~$tmp" (typed relative to the working folder) or "~nouser" made indexing, tagging,
    removing and relocating raise RuntimeError: folder arguments went through Path.expanduser."""
    from pictures import write_set

    from photoclip.cli.main import main as cli

    monkeypatch.chdir(tmp_path)
    write_set(tmp_path / "~$tmp", [("red", "circle"), ("blue", "square")], 1)
    options = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*options, "index", "~$tmp"]) == 0
    assert "2 indexed" in capsys.readouterr().out
    assert cli([*options, "tag", "~$tmp", "--labels", "shapes"]) == 0
    capsys.readouterr()
    for command in (["index", "~nouser/trip"], ["tag", "~nouser", "--labels", "shapes"], ["remove", "~nouser"]):
        assert cli([*options, *command]) == 1, command
        assert "~nouser" in capsys.readouterr().err
    assert cli([*options, "remove", "~$tmp"]) == 0
    assert "2 photos" in capsys.readouterr().out
