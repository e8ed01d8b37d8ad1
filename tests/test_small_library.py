"""A library too small to measure what is ordinary in it (under 20 photos): a search lists the photos
that stand apart for it among the library's own, not every photo. Until 2026-11-30 every search in
such a library listed every photo, best first: "a red circle" in a folder of ten showed all ten."""

from __future__ import annotations

from pathlib import Path

import pytest
from pictures import write_neutral

from photoclip.core.search_notes import CLOSEST_NOTE, SMALL_LIBRARY_NOTE


def small_library(tmp_path, open_library, classes, per_class, seed=0):
    folder = tmp_path / "few"
    truth = write_neutral(folder, classes, per_class, seed)
    library = open_library()
    library.add_root(folder)
    library.update()
    return library, folder, truth


def found(library, query, **options):
    results = library.search(query, limit=100, **options)
    return results, [hit.photo.path.name for hit in results.hits]


STARS_AND_MORE = [("yellow", "star"), ("blue", "star"), ("red", "circle"), ("green", "square")]


def test_words_list_their_own_photos_in_a_library_of_sixteen(tmp_path, open_library):
    library, _, truth = small_library(tmp_path, open_library, STARS_AND_MORE, 4)
    for query, wanted in (
        ("a blue star", {("blue", "star")}),
        ("star", {("blue", "star"), ("yellow", "star")}),
        ("red", {("red", "circle")}),
        ("a green square", {("green", "square")}),
    ):
        results, names = found(library, query)
        assert {truth[name] for name in names} == wanted, (query, [truth[n] for n in names])
        assert len(names) == 4 * len(wanted), query
        assert not results.closest and SMALL_LIBRARY_NOTE.format(photos="16 photos") not in results.notes
        counts = results.level_counts
        assert counts["strict"] <= counts["normal"] <= counts["loose"] <= counts["all"] == 16


@pytest.mark.parametrize("word_list", [True, False])
def test_words_nothing_here_answers_show_only_the_closest_few_said_as_such(
    tmp_path, open_library, tiny_listing_no_words, word_list
):
    """Also without the model's list of the words it learnt (as a real model runs): their lead
    over the generic prompts decides."""
    folder = tmp_path / "few"
    write_neutral(folder, STARS_AND_MORE, 4)
    library = open_library(**({} if word_list else {"weights": tiny_listing_no_words}))
    library.add_root(folder)
    library.update()
    for query in ("xyzzy", "a purple triangle", "a dog on a beach"):
        results, names = found(library, query)
        assert results.closest and 0 < len(names) <= 3, (query, names)
        assert CLOSEST_NOTE in results.notes and results.level_counts["normal"] == 0


def test_left_out_words_and_combinations(tmp_path, open_library):
    library, _, truth = small_library(tmp_path, open_library, STARS_AND_MORE, 4)
    for query in ("star -yellow", "blue + star", "2:blue + star"):
        _, names = found(library, query)
        assert sorted(truth[name] for name in names) == [("blue", "star")] * 4, (query, names)


def test_an_image_finds_its_likes_and_beside_words_their_colour(tmp_path, open_library):
    classes = [("red", "circle"), ("blue", "circle"), ("red", "square"), ("blue", "square")]
    library, folder, truth = small_library(tmp_path, open_library, classes, 4, seed=7)
    image = next(name for name, what in truth.items() if what == ("red", "circle"))
    _, names = found(library, str(folder / image))
    assert image in names and {truth[name] for name in names} == {("red", "circle")}, names
    _, names = found(library, f"{folder / image} + blue")
    assert sorted(truth[name] for name in names) == [("blue", "circle")] * 4, names
    _, names = found(library, f"{folder / image} + red")  # the image itself is one of the red circles
    assert sorted(truth[name] for name in names) == [("red", "circle")] * 4, names
    # a left-out image leaves out its likes; a review found the words then judged by image cosines
    _, names = found(library, f"circle -{folder / image}")
    assert sorted(truth[name] for name in names) == [("blue", "circle")] * 4, names
    # "find similar" leaves the photo itself out, and its likes still stand apart from the rest
    similar = library.similar(library.require_photo(folder / image).id, limit=100).hits
    assert sorted(truth[hit.photo.path.name] for hit in similar) == [("red", "circle")] * 3


def test_a_search_of_left_out_words_only_leaves_them_out(tmp_path, open_library):
    """``-red`` listed all 16 photos: only searches with a word to find judged left-out words."""
    library, _, truth = small_library(tmp_path, open_library, STARS_AND_MORE, 4)
    results, names = found(library, "-red")
    assert len(names) == 12 and ("red", "circle") not in {truth[name] for name in names}
    assert results.level_counts["normal"] == 12


def test_when_every_photo_is_what_the_words_ask_every_photo_is_listed(tmp_path, open_library):
    classes = [("red", "circle"), ("red", "square"), ("red", "triangle"), ("red", "star")]
    library, _, _ = small_library(tmp_path, open_library, classes, 3)
    results, names = found(library, "red")
    assert len(names) == 12 and not results.closest


def test_the_command_line_lists_only_the_photos_asked_for(tmp_path, capsys):
    from photoclip.cli.main import main as cli

    truth = write_neutral(tmp_path / "few", STARS_AND_MORE, 2)
    options = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*options, "index", str(tmp_path / "few")]) == 0
    capsys.readouterr()
    assert cli([*options, "search", "a yellow star", "--paths"]) == 0
    listed = [Path(line).name for line in capsys.readouterr().out.split()]
    assert sorted(truth[name] for name in listed) == [("yellow", "star")] * 2


def test_images_whose_likeness_nothing_parts_list_every_photo_said_why():
    """With no step in an image's likeness (evenly spread scores) nothing tells its likes from the
    rest: every photo is listed, best first, and the search says why."""
    import numpy as np

    from photoclip.core.small_library import SmallLibraryQuery
    from photoclip.core.strictness import Strictness

    cosines = np.linspace(0.6, 0.1, 12, dtype=np.float32)[:, None]
    judged = SmallLibraryQuery.measure(cosines, np.ones(1, np.float32), np.array([False]), None, 0.02)
    assert judged.undecided and judged.keep(Strictness.NORMAL).all()
    stepped = cosines.copy()
    stepped[:3] += 0.3  # three photos far more like it than the rest
    judged = SmallLibraryQuery.measure(stepped, np.ones(1, np.float32), np.array([False]), None, 0.02)
    assert not judged.undecided and judged.keep(Strictness.NORMAL).tolist() == [True] * 3 + [False] * 9


def test_a_library_of_a_few_dozen_photos_lists_a_phrases_own_photos(tmp_path, open_library):
    """At 20 photos and more the library was judged as a large one, whose ordinary level, measured
    on a few dozen photos, could not tell a phrase's few photos from the layer under them: a tester
    saw "blue triangle" give 3 photos at 19 photos and 7 at 20 (black triangles, white squares)."""
    classes = [(c, s) for c in ("red", "blue", "yellow", "green") for s in ("circle", "square", "star", "triangle")]
    library, _, truth = small_library(tmp_path, open_library, classes, 2)  # 32 photos
    for colour, shape in (("blue", "triangle"), ("red", "star"), ("yellow", "square")):
        _, names = found(library, f"a {colour} {shape}")
        assert sorted(truth[name] for name in names) == [(colour, shape)] * 2, (colour, shape, names)


def test_an_image_and_its_copy_are_listed_for_it_and_left_out_by_it(tmp_path, open_library):
    """Whichever of 32 scenes is asked for, it and a copy of it are listed, and ``-photo.jpg`` leaves
    out both. An image query reads the picture and its mirror image, whose mean is less than 0.99
    like the picture itself for a third of these scenes; a copy is told by the picture's own vector."""
    import shutil

    from photoclip.smallclip.scenes import write_scenes

    folder = tmp_path / "scenes"
    scenes = write_scenes(folder, 1, 0, 7070)
    library = open_library()
    library.add_root(folder)
    library.update()
    for image in sorted(scenes):
        copy = f"copy of {image}"
        shutil.copyfile(folder / image, folder / copy)
        library.update()
        _, names = found(library, str(folder / image))
        assert {image, copy} <= set(names), image
        _, names = found(library, f"-{folder / image}")
        assert image not in names and copy not in names and len(names) >= 16, (image, names)
        (folder / copy).unlink()
        library.update()
