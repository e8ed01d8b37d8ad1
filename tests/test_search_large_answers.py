"""A query that more than a thousand photos of a large library answer: the graph search (HNSW) must
widen until it has every one of them, or the counts, a date sort and "-n" see only the first
thousand it returns."""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest
import test_gui
from test_gui import wait_idle

from photoclip.smallclip import shapes

window = test_gui.window  # the main window fixture, shared with test_gui.py

RED = 1100
PER_OTHER_COLOUR = 200


@pytest.fixture(scope="module")
def large_library(tmp_path_factory, tiny_model):
    """2,500 small pictures, 1,100 of them red, searched through the HNSW graph as a library of
    more than EXACT_LIMIT photos is; file dates spread over the years in an order unrelated to colour;
    the red ones in a folder "album 1" with 100 others."""
    from photoclip.core.library import Library

    root = tmp_path_factory.mktemp("large")
    folder = root / "photos"
    folder.mkdir()
    rng = random.Random(11)
    colours = ["red"] * RED + [c for c in shapes.COLOURS if c != "red" for _ in range(PER_OTHER_COLOUR)]
    rng.shuffle(colours)
    reds = set()
    for sub in ("album 1", "album 2"):
        (folder / sub).mkdir()
    others = 0
    for n, colour in enumerate(colours):
        spec = shapes.random_spec(rng, size_range=(64, 96), colours=(colour,))
        others += colour != "red"
        # every red picture and a few others in one folder, where the library's share of red
        # photos (the sample's) says to expect far fewer than it holds
        sub = "album 1" if colour == "red" or others <= 100 else "album 2"
        path = folder / sub / f"p{n:05d}.png"
        shapes.render(spec).save(path)
        when = dt.datetime(2005, 1, 1) + dt.timedelta(days=rng.randrange(7000))
        os.utime(path, (when.timestamp(), when.timestamp()))
        if colour == "red":
            reds.add(path.name)
    library = Library.open(root / "library", model="photoclip-tiny", loaded_model=tiny_model)
    library.settings.set("exact_search_limit", 0)
    library.add_root(folder)
    library.update()
    yield library, reds
    library.close()


def test_every_photo_of_a_large_answer_is_counted_and_listed(large_library):
    library, reds = large_library
    first_page = library.search("red")  # the first 100, as the window and the command line ask
    listed = {hit.photo.path.name for hit in library.search("red", limit=5000).hits}
    # the graph's first thousand candidates used to cap every level at 1,000
    assert first_page.level_counts["normal"] == len(listed) > 1000
    assert len(listed & reds) >= 0.97 * len(reds)
    assert len(listed - reds) <= 0.01 * len(listed)


def test_a_folder_that_holds_more_of_an_answer_than_the_library_does_is_listed_whole(large_library):
    from photoclip.core.search_results import SearchFilters

    library, reds = large_library
    root = library.roots()[0]
    in_folder = SearchFilters(folder=(root.id, "album 1"))
    results = library.search("red", filters=in_folder)
    listed = {hit.photo.path.name for hit in library.search("red", limit=5000, filters=in_folder).hits}
    assert results.level_counts["normal"] == len(listed) > 1000 and "normal" not in results.counts_at_least
    assert len(listed & reds) >= 0.97 * len(reds)


def test_sorting_a_large_answer_by_date_orders_all_of_it(large_library):
    library, _ = large_library
    by_relevance = library.search("red", limit=5000)
    oldest = library.search("red", limit=10, sort="date-asc")
    assert oldest.level_counts == by_relevance.level_counts
    every_date = sorted(hit.photo.taken_at for hit in by_relevance.hits)
    assert [hit.photo.taken_at for hit in oldest.hits] == every_date[:10]


def test_all_ranked_lists_the_best_scores_of_the_whole_library(large_library):
    library, _ = large_library
    # words that lean on the model's generic prompts: the graph's order and the score's part most
    every = library.search("xyzzy", strictness="all", limit=10**6)
    assert len(every.ids) == 2500
    first = library.search("xyzzy", strictness="all", limit=1000)
    assert [hit.photo.id for hit in first.hits] == every.ids[:1000].tolist()
    assert "normal" not in first.counts_at_least  # the menu's counts stay whole at "all"


def test_all_sorted_by_date_lists_the_oldest_photos_of_the_whole_library(large_library, monkeypatch):
    from photoclip.core import candidates

    library, _ = large_library
    monkeypatch.setattr(candidates, "DATE_CANDIDATES", 200)  # as a library of 100,000 photos is to 5,000
    oldest = library.search("a red circle", strictness="all", sort="date-asc", limit=10)
    every_date = sorted(
        photo.taken_at for photo in library.catalog.photos_by_ids(library.catalog.filter_photo_ids().tolist())
    )
    assert [hit.photo.taken_at for hit in oldest.hits] == every_date[:10]


def test_a_count_the_search_did_not_finish_is_said_to_be_a_floor(large_library, capsys):
    from photoclip.cli.common import say_notes

    library, _ = large_library
    results = library.search("a red circle")  # a few hundred photos: the graph's first thousand hold them
    assert "normal" not in results.counts_at_least and "strict" not in results.counts_at_least
    assert results.level_counts["normal"] < 1000 and not results.more_beyond
    # "all" lists the thousand nearest of 2,500 photos: a floor, and said to be one
    assert "all" in results.counts_at_least and results.level_counts["all"] == 1000
    everything = library.search("a red circle", strictness="all")
    assert everything.more_beyond
    say_notes(everything)
    assert "100 of at least 1000 photos listed: -n 4000 lists more." in capsys.readouterr().err


def test_the_level_menu_marks_a_floor_with_a_plus(qtbot, window, large_library):
    library, _ = large_library
    win = window(library)
    wait_idle(qtbot, win)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle")
    menu = win.search_bar.relevance
    texts = {menu.itemData(row): menu.itemText(row) for row in range(menu.count())}
    normal = library.search("a red circle").level_counts["normal"]
    assert texts["normal"].endswith(f"({normal:,})")
    assert texts["all"].endswith("(1,000+)")
