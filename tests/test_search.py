"""Searching a library of generated pictures with the small model, the way a user would."""

import datetime as dt
import os

import pytest
from pictures import spec_for, write, write_set

from photoclip.core.images import wall_clock_seconds
from photoclip.core.search_results import SearchFilters
from photoclip.smallclip import shapes

CLASSES = [(c, s) for c in ("red", "blue", "green", "yellow") for s in shapes.SHAPES]


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("photos")
    return folder, write_set(folder, CLASSES, 4, seed=11)


@pytest.fixture
def library(pictures, open_library):
    folder, _ = pictures
    library = open_library()
    library.add_root(folder)
    library.update()
    return library


def labels(hits, pictures):
    return [pictures[1][h.photo.path] for h in hits]


def test_a_red_circle_ranks_red_circles_first(library, pictures):
    results = library.search("a red circle", limit=4)
    assert labels(results.hits, pictures).count(("red", "circle")) >= 3
    assert [h.score for h in results.hits] == sorted((h.score for h in results.hits), reverse=True)


@pytest.mark.parametrize(("colour", "shape"), [("blue", "star"), ("green", "triangle"), ("yellow", "square")])
def test_other_classes_rank_first_too(library, pictures, colour, shape):
    found = labels(library.search(f"a {colour} {shape}", limit=4).hits, pictures)
    assert found.count((colour, shape)) >= 3


def test_the_cut_off_drops_unrelated_photos(library, pictures):
    everything = library.search("a red circle", limit=200, strictness="all")
    cut = library.search("a red circle", limit=200)
    assert len(everything.hits) == 64
    assert 0 < len(cut.hits) < 32
    assert all(h.score >= cut.min_score for h in cut.hits)


def test_similar_returns_the_same_colour_and_shape_without_the_photo_itself(library, pictures):
    target = next(p for p, label in pictures[1].items() if label == ("blue", "square"))
    results = library.similar(target, limit=3)
    assert target not in [h.photo.path for h in results.hits]
    assert labels(results.hits, pictures).count(("blue", "square")) >= 2


def test_similar_works_for_a_photo_outside_the_library(library, pictures, tmp_path):
    outside = write(tmp_path / "elsewhere", "query", spec_for("green", "circle", 4242))
    results = library.similar(outside, limit=3)
    assert labels(results.hits, pictures).count(("green", "circle")) >= 2
    by_path = library.search(str(outside), limit=3)  # a path typed in the search box does the same
    assert [h.photo.id for h in by_path.hits] == [h.photo.id for h in results.hits]


def test_a_path_to_a_file_that_is_not_a_photo_says_so_and_names_it(library, tmp_path):
    """A new user's `search notes/today.txt` listed a photo for the words of the file name, and a
    text file named .jpg was refused without saying which."""
    from photoclip.core.errors import ImageError

    notes = tmp_path / "notes" / "today.txt"
    notes.parent.mkdir()
    notes.write_text("not a photo")
    with pytest.raises(ImageError, match=r"today\.txt: not an image"):
        library.search(str(notes))
    fake = tmp_path / "notes" / "fake.jpg"
    fake.write_text("not a photo either")
    with pytest.raises(ImageError, match=r"fake\.jpg: not an image"):
        library.search(f"{fake} + blue")


def test_an_image_path_that_is_not_there_says_so_unless_the_library_knows_it(library, pictures, tmp_path):
    """A new user's "/tmp/nope/x.jpg" was searched as words and listed random photos."""
    from photoclip.core.errors import ImageError

    with pytest.raises(ImageError, match="No image at"):
        library.search(f"{tmp_path / 'nope' / 'x.jpg'} + blue")
    target = next(p for p, label in pictures[1].items() if label == ("blue", "square"))
    away = tmp_path / "away.jpg"
    target.rename(away)  # its drive unplugged: the catalog still holds its vector
    try:
        found = library.search(str(target), limit=3)
        assert labels(found.hits, pictures).count(("blue", "square")) >= 2
    finally:
        away.rename(target)


def test_negative_terms_leave_out_matching_photos(library, pictures):
    with_circles = labels(library.search("a red shape", limit=16).hits, pictures)
    assert ("red", "circle") in with_circles
    without = labels(library.search("a red shape - a circle", limit=16).hits, pictures)
    assert len(without) >= 8 and ("red", "circle") not in without
    assert {colour for colour, _ in without} == {"red"}


def test_combined_terms_and_weights(library, pictures):
    found = labels(library.search("a blue shape + a star", limit=4).hits, pictures)
    assert found.count(("blue", "star")) >= 3
    text_and_image = next(p for p, label in pictures[1].items() if label == ("yellow", "circle"))
    found = labels(library.search(f"{text_and_image} + 2:a yellow circle", limit=4, strictness="all").hits, pictures)
    assert found.count(("yellow", "circle")) >= 3
    # a weight of 0 takes a term out, and the search says so rather than dropping it silently
    weightless = library.search("0:blue + a star", limit=4)
    assert "“blue” has a weight of 0, so it counts for nothing." in weightless.notes
    assert {label[1] for label in labels(weightless.hits, pictures)} == {"star"}


def test_a_mistyped_filter_is_left_out_and_said_so(library, pictures):
    """ "foldr:paris red" searched "foldr:paris red" as one phrase (no red photo among the closest
    few), and "abc:red + circle" listed a photo or two, with no word about why."""
    typo = library.search("foldr:odd a red shape", limit=8)
    assert [t.text for t in typo.query.terms] == ["a red shape"]
    assert {colour for colour, _ in labels(typo.hits, pictures)} == {"red"}
    assert any("“foldr:odd” was left out" in n and "Did you mean “folder:”?" in n for n in typo.notes)
    circles = library.search("abc:red + circle", limit=8)
    assert [t.text for t in circles.query.terms] == ["circle"]
    assert any("“abc:red” was left out: there is no “abc:” filter" in n for n in circles.notes)
    # a weight, a time of day, a drive letter or a web address is no filter
    for fine in ("2:red + circle", "red at 10:30", "tag:none red", "see http://x.org"):
        assert not any("filter" in note for note in library.search(fine, limit=4).notes), fine


def test_filters_by_folder_and_date_and_sorting_by_date(library, pictures, tmp_path):
    folder, _labelled = pictures
    # Give a few photos in a sub-folder old file dates (they have no EXIF date).
    sub = folder / "2015"
    sub.mkdir(exist_ok=True)
    old_time = wall_clock_seconds(dt.datetime(2015, 6, 1))
    old = []
    for k, colour in enumerate(("red", "blue")):
        path = write(sub, f"old-{colour}", spec_for(colour, "circle", 9000 + k))
        os.utime(path, (old_time, dt.datetime(2015, 6, 1 + k).timestamp()))
        old.append(path)
    library.update()
    root = library.roots()[0]
    in_folder = library.search("a circle", limit=50, strictness="all", filters=SearchFilters(folder=(root.id, "2015")))
    assert sorted(h.photo.path for h in in_folder.hits) == sorted(old)
    in_2015 = library.search(
        "a circle",
        limit=50,
        strictness="all",
        filters=SearchFilters(
            date_from=wall_clock_seconds(dt.datetime(2015, 1, 1)), date_to=wall_clock_seconds(dt.datetime(2016, 1, 1))
        ),
    )
    assert sorted(h.photo.path for h in in_2015.hits) == sorted(old)
    newest_first = library.search("a circle", limit=200, strictness="all", sort="date").hits
    dates = [h.photo.taken_at for h in newest_first]
    assert dates == sorted(dates, reverse=True) and newest_first[-1].photo.path == old[0]
    for path in old:
        path.unlink()
    sub.rmdir()
    library.update()


def test_minus_tag_leaves_out_the_photos_with_that_tag(library, pictures):
    """`-tag:"green circle"` was searched as the words "tag:green circle", left out by pixels."""
    circles = [p for p, c in pictures[1].items() if c == ("green", "circle")]
    for path in circles[:2]:
        library.tags.add(library.photo_at(path).id, "set aside")
    tagged = {library.photo_at(path).id for path in circles[:2]}
    hits = library.search("a green circle -tag:set aside", limit=100).hits
    assert hits and not tagged & {h.photo.id for h in hits}
    assert {library.photo_at(p).id for p in circles[2:]} <= {h.photo.id for h in hits}  # the untagged ones stay
    alone = library.search('-tag:"set aside"', limit=1000).hits  # alone: every other photo
    assert len(alone) == library.status().embedded - 2 and not tagged & {h.photo.id for h in alone}
    for photo_id in tagged:
        library.tags.reject(photo_id, "set aside")


def test_a_minimum_score_on_left_out_words_only_is_said_not_to_apply(library, pictures):
    from photoclip.core.search import UNSCORED_NOTE

    plain = library.search("-red", limit=1000)
    with_score = library.search("-red", limit=1000, min_score=2.0)
    assert [h.photo.id for h in with_score.hits] == [h.photo.id for h in plain.hits]  # nothing to score by
    assert with_score.notes == [UNSCORED_NOTE] and UNSCORED_NOTE not in plain.notes


def test_a_tag_of_several_words_filters_without_quotes(library, pictures):
    circles = [p for p, c in pictures[1].items() if c == ("green", "circle")]
    for path in circles:
        library.tags.add(library.photo_at(path).id, "green circle")
    library.tags.add(library.photo_at(next(iter(pictures[1]))).id, "green")  # a shorter tag of the same start
    hits = library.search("tag:green circle", limit=100).hits
    assert sorted(h.photo.path for h in hits) == sorted(circles)
