"""Words the model never learnt ("xyzzy", "a photo of my grandmother" in a library of shapes) list
no photo as relevant: the photos that lie near every text (hubs) must stand out for a query beyond
where they stand for the model's generic prompts. A rare photo that the words do describe is still
found. The libraries here run the small model without its list of the words it was trained on
(which alone would say "xyzzy" is unknown), as a real model runs: the hub rule must do it."""

from __future__ import annotations

import numpy as np
import pytest

from photoclip.core.relevance import QueryRelevance, Strictness
from photoclip.smallclip.evaluate_relevance import write_plain
from photoclip.smallclip.scenes import write_scenes

NOTHING = "No photo stands out clearly for this search; these come closest."


@pytest.fixture(scope="module")
def rare_library(tmp_path_factory, tiny_model, tiny_listing_no_words):
    """Two pictures of each colour + shape, but one red circle only: "a red circle" is a rare find."""
    from photoclip.core.library import Library

    folder = tmp_path_factory.mktemp("pictures")
    pictures = write_plain(folder, 2, seed=4242)
    red_circles = sorted(n for n, p in pictures.items() if (p.colour, p.shape) == ("red", "circle"))
    for name in red_circles[1:]:
        (folder / name).unlink()
        del pictures[name]
    library = Library.open(
        tmp_path_factory.mktemp("library"),
        model="photoclip-tiny",
        loaded_model=tiny_model,
        weights=tiny_listing_no_words,
    )
    library.add_root(folder)
    library.update()
    yield library, pictures
    library.close()


@pytest.mark.parametrize("words", ["xyzzy", "a photo of my grandmother", "receipts", "bl"])
def test_words_the_model_never_learnt_list_nothing_as_relevant(rare_library, words):
    library, _ = rare_library
    results = library.search(words, limit=1000)
    assert results.level_counts["normal"] == 0 and results.level_counts["strict"] == 0, results.level_counts
    # what comes closest is still shown, and said to be only that
    assert results.hits and NOTHING in results.notes


@pytest.fixture(scope="module")
def scenes_library(tmp_path_factory, tiny_model, tiny_listing_no_words):
    """Busy scenes, four of each colour + shape and 16 of clutter only: here the small model's hubs
    for words it does not know come as a group of their own, not a few photos far out."""
    from photoclip.core.library import Library

    folder = tmp_path_factory.mktemp("scenes")
    write_scenes(folder, 4, 16, seed=22)
    library = Library.open(
        tmp_path_factory.mktemp("library"),
        model="photoclip-tiny",
        loaded_model=tiny_model,
        weights=tiny_listing_no_words,
    )
    library.add_root(folder)
    library.update()
    yield library
    library.close()


@pytest.mark.parametrize("words", ["snowy mountains at sunset", "flower", "foo bar", "receipts", "red + xyzzy"])
def test_hubs_that_form_a_group_are_not_an_answer_to_words_the_model_does_not_know(scenes_library, words):
    results = scenes_library.search(words, limit=1000)
    assert results.level_counts["normal"] == 0, results.level_counts
    assert results.closest and NOTHING in results.notes
    if "+" not in words:  # the score shown is the corrected standing too: none of these stands out
        assert results.hits[0].score < Strictness.NORMAL.tail, results.hits[0].score


VAIN = 'Nothing here looks like "{}", so leaving it out leaves out no photo.'


@pytest.mark.parametrize("left_out", ["xyzzy", "people", "a photo of my grandmother"])
@pytest.mark.parametrize("query", ["triangle", "a blue square"])
def test_leaving_out_words_the_model_does_not_know_leaves_out_nothing(rare_library, scenes_library, query, left_out):
    """Judged as known words are, "-xyzzy" would leave out the hubs: photos of triangles that lie
    near every text. Nothing in the library is like it, so it leaves out nothing, and says so."""
    for library in (rare_library[0], scenes_library):
        plain = library.search(query, limit=1000)
        without = library.search(f'{query} -"{left_out}"', limit=1000)  # quoted: a phrase, not one word
        assert [h.photo.id for h in without.hits] == [h.photo.id for h in plain.hits]
        assert without.level_counts == plain.level_counts
        assert VAIN.format(left_out) in without.notes
        alone = library.search(f'-"{left_out}"', limit=1000)  # only left-out words: every photo
        assert len(alone.hits) == len(library.catalog.filter_photo_ids()), len(alone.hits)


def test_leaving_out_words_the_model_knows_still_leaves_out_their_photos(rare_library):
    library, pictures = rare_library
    results = library.search("triangle -red", limit=1000)
    shown = [pictures[hit.photo.path.name] for hit in results.hits]
    assert shown and all(p.colour != "red" for p in shown) and {p.shape for p in shown} == {"triangle"}
    assert not any(note.startswith("Nothing here looks like") for note in results.notes)
    stars = {n for n, p in pictures.items() if p.shape == "star"}
    assert not stars & {hit.photo.path.name for hit in library.search("-star", limit=1000).hits}


def test_a_saved_search_for_words_the_model_does_not_know_holds_no_photo(rare_library):
    library, _ = rare_library
    library.save_search("receipts", "receipts")
    assert library.collection_album("receipts").photo_ids == []  # nothing to tag or review
    library.save_search("red circles", "a red circle")
    assert len(library.collection_album("red circles").photo_ids) >= 1


def test_the_window_does_not_count_the_closest_few_as_matches_a_filter_hides(rare_library):
    pytest.importorskip("PySide6")
    from photoclip.core.search_results import SearchFilters
    from photoclip.gui.filter_chips import count_hidden

    library, _ = rare_library
    some = SearchFilters(photo_ids=tuple(int(i) for i in library.catalog.filter_photo_ids()[:10]))
    found = library.search("xyzzy", filters=some)
    hidden = count_hidden(lambda filters: library.search("xyzzy", filters=filters), some, library, found)
    assert found.closest and hidden is not None and hidden.everywhere == 0


def test_a_rare_photo_the_words_describe_is_still_found(rare_library):
    library, pictures = rare_library
    found = [hit.photo.path.name for hit in library.search("a red circle", limit=1000).hits]
    (red_circle,) = [n for n, p in pictures.items() if (p.colour, p.shape) == ("red", "circle")]
    assert red_circle in found[:1]
    results = library.search("a red circle", limit=1000)
    assert NOTHING not in results.notes


def test_a_hub_stands_out_for_words_only_beyond_what_the_generic_prompts_predict():
    """Words that order the sample as the generic prompts do (nonsense to the model) list no hub;
    words that order it their own way keep the photos standing out for them, hub or not."""
    rng = np.random.default_rng(3)
    generic = rng.normal(0.3, 0.01, 400).astype(np.float32)
    generic[0] = 0.35  # photo 0 is a hub: five spreads out for "a photo."
    echo = (generic - 0.1 + rng.normal(0, 0.002, 400)).astype(np.float32)  # follows the generic order
    own = rng.normal(0.2, 0.01, 400).astype(np.float32)  # an order of its own
    own[0] = own[1] = 0.25  # the hub and another photo, five spreads out for these words
    echo[1] = 0.25  # and photo 1 stands out for the nonsense words too, though no hub
    for words, expected in ((echo, [False, True]), (own, [True, True])):
        sample = words[:, None]
        relevance = QueryRelevance.measure(sample, np.array([1.0]), np.array([True]), False, generic)
        standing = relevance.standing(sample[:2], generic[:2])
        assert relevance.keep(standing, Strictness.NORMAL).tolist() == expected
        assert relevance.keep(standing, Strictness.ALL).all()
        with pytest.raises(ValueError):
            relevance.standing(sample[:2])  # measured with the generic prompts, so they are needed
    image = QueryRelevance.measure(echo[:, None], np.array([1.0]), np.array([False]), False, generic)
    assert image.keep(image.standing(echo[:2, None], generic[:2]), Strictness.NORMAL).all()  # an image: no hub rule


def test_the_graphs_search_direction_orders_photos_by_a_bound_on_their_score(rare_library):
    """A large library's graph is searched along QueryRelevance.direction; its candidates are only
    enough if no photo further along could score more than the farthest one's ceiling."""
    from photoclip.core.query import parse_query

    library, _ = rare_library
    searcher, index = library.searcher(), library.index()
    _, photos = index.get_vectors(index.ids())
    for words in ("a red circle", "xyzzy", "star -yellow", "2:blue + square"):
        query = parse_query(words)
        vectors, weights, _ = searcher._term_vectors(query)
        relevance = searcher.relevance(index, query, vectors, weights)
        assert relevance is not None and relevance.generic_level is not None
        generic = photos @ searcher.generic_vector()
        score = relevance.score(relevance.standing(photos @ vectors.T, generic))
        ceiling = relevance.ceiling(photos @ vectors.T, generic)
        along = photos @ relevance.direction(vectors, searcher.generic_vector())
        assert np.all(ceiling >= score - 1e-4)
        if words == "xyzzy":  # words that lean on the generic prompts: a bound, not the score
            assert np.any(ceiling > score + 1e-3)
        order = np.argsort(-along)
        assert np.all(np.diff(ceiling[order]) <= 1e-3)  # the direction's order is the ceiling's
