"""Tagging with one's own words: a label tags the photos a search for it finds.

A tester tagged flat pictures of coloured shapes with "red, blue, green, yellow" and got 3 of 7
red photos, with "circle, square, star, triangle" 7 of 50, and "red, square, cat" left the red
square untagged: the rule held every label to one cosine threshold, calibrated on phrases
("red circle") whose cosines sit far above a single word's."""

import pytest
from pictures import write_set

from photoclip.core.tag_store import TagStore
from photoclip.core.tagging import LabelSet, Tagger

COLOURS = ("red", "blue", "green", "yellow", "purple")
SHAPES = ("circle", "square", "star", "triangle")


@pytest.fixture
def shapes_library(tmp_path, open_library):
    """Every colour and shape twice (40 photos: enough to tell what is ordinary), indexed."""
    classes = write_set(tmp_path / "photos", [(c, s) for c in COLOURS for s in SHAPES], 2, seed=11)
    library = open_library()
    library.add_root(tmp_path / "photos")
    library.update()
    return library, {library.catalog.photo_by_path(p).id: cls for p, cls in classes.items()}


def tagged(library, labels):
    """photo id -> the labels tagging gave it."""
    ids = library.catalog.filter_photo_ids().tolist()
    Tagger(library).tag(ids, LabelSet("own", tuple(labels)))
    store = TagStore(library.catalog)
    return {pid: {t.label for t in store.tags(pid)} for pid in ids}


@pytest.mark.parametrize("labels", [("red", "blue", "green", "yellow"), SHAPES])
def test_labels_of_one_word_tag_the_photos_their_search_finds(shapes_library, labels):
    library, classes = shapes_library
    tags = tagged(library, labels)
    for label in labels:
        want = {pid for pid, (c, s) in classes.items() if label in (c, s)}
        got = {pid for pid, given in tags.items() if label in given}
        assert got == want, label
        assert got <= {h.photo.id for h in library.search(label, limit=1000).hits}, label


def test_a_photo_fitting_two_labels_gets_both_and_a_word_nothing_is_like_tags_nothing(shapes_library):
    library, classes = shapes_library
    tags = tagged(library, ("red", "square", "cat"))
    for pid, (colour, shape) in classes.items():
        assert tags[pid] == {label for label in ("red", "square") if label in (colour, shape)}, (colour, shape)


def test_a_run_says_it_has_begun_before_measuring_its_labels(shapes_library):
    """Measuring a label set against the library takes seconds (139 labels: 5 s on 50 photos), and
    the window's status bar said nothing until the first 2,000 photos were tagged."""
    library, _classes = shapes_library
    ids = library.catalog.filter_photo_ids().tolist()
    tagger = Tagger(library)
    calls = []
    tagger.tag(
        ids,
        LabelSet("own", ("red", "square")),
        progress=lambda done, total: calls.append((done, total, dict(tagger._measured))),
    )
    assert calls[0][:2] == (0, len(ids)) and not calls[0][2]  # before any label was measured
    assert calls[-1][:2] == (len(ids), len(ids))


@pytest.mark.parametrize("word_list", [True, False])
def test_own_words_tag_a_library_too_small_to_measure(tmp_path, open_library, tiny_listing_no_words, word_list):
    """Twelve photos: too few to tell what is ordinary, so the model's thresholds (calibrated on
    phrases) decided, and no shape word tagged anything. Now each label is judged as its search is
    in such a library: every photo gets its own colour and shape, and "cat" tags nothing, also
    without the model's list of the words it learnt (as a real model runs: its lead decides)."""
    from pictures import write_neutral

    classes = [("yellow", "star"), ("blue", "star"), ("red", "circle"), ("green", "square")]
    truth = write_neutral(tmp_path / "few", classes, 3)
    library = open_library(**({} if word_list else {"weights": tiny_listing_no_words}))
    library.add_root(tmp_path / "few")
    library.update()
    labels = ("red", "blue", "yellow", "green", "circle", "square", "star", "cat")
    tags = tagged(library, labels)
    for pid, got in tags.items():
        assert got == set(truth[library.catalog.photo(pid).path.name]), (pid, got)
