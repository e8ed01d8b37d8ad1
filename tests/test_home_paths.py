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
