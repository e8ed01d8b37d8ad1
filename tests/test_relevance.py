"""What the automatic cut-off lets through: every query form with the small model finds what it asks
for and little else; a model with random weights (the small model's architecture and the default
model's) neither floods the page nor leaves it empty; the results' scores follow their order."""

from __future__ import annotations

import random

import numpy as np
import pytest

from photoclip.core.discernment import AGREEMENT_LIMIT, label_agreement
from photoclip.core.mixture import best_fit
from photoclip.core.relevance import Decision, QueryRelevance, Strictness
from photoclip.smallclip.evaluate_relevance import evaluate, write_plain

FORMS = (
    "phrase",
    "colour word",
    "colour phrase",
    "shape word",
    "shape phrase",
    "exclusion",
    "combination",
    "weights",
    "image",
    "image + words",
    "tag filter",
)


@pytest.fixture(scope="module")
def shapes_library(tmp_path_factory, tiny_model):
    """96 pictures drawn the classic way (3 of each colour + shape), under names that say nothing."""
    from photoclip.core.library import Library

    folder = tmp_path_factory.mktemp("pictures")
    pictures = write_plain(folder, 3, seed=2024)
    library = Library.open(tmp_path_factory.mktemp("library"), model="photoclip-tiny", loaded_model=tiny_model)
    library.add_root(folder)
    library.update()
    yield library, pictures, folder
    library.close()


@pytest.fixture(scope="module")
def figures(shapes_library):
    library, pictures, folder = shapes_library
    return evaluate(library, pictures, folder, seed=2024)


#: What the cut-off may lose, in F1, against the best cut-off in hindsight on the query's own order.
LOSS = 0.3


@pytest.mark.parametrize("form", FORMS)
def test_every_query_form_keeps_close_to_what_the_models_order_allows(figures, form):
    """The rule is held to the model's order: where the small model ranks a form's answers well
    (the best possible cut-off reaches F1 0.6), the default cut-off comes within LOSS of it."""
    result = figures[form]
    if result["best_cut_f1"] >= 0.6:
        assert result["f1"] >= result["best_cut_f1"] - LOSS, result


def test_forms_the_model_orders_well_find_what_they_ask_for_and_nothing_comes_back_empty(figures):
    for form, result in figures.items():
        if result["best_cut_f1"] >= 0.9:
            assert result["f1"] >= 0.85 and not result["nothing_right"], (form, result)


def test_one_word_finds_all_its_photos_and_only_them(shapes_library):
    library, pictures, _ = shapes_library
    for word in ("star", "circle"):
        found = {hit.photo.path.name for hit in library.search(word, limit=1000).hits}
        wanted = {name for name, picture in pictures.items() if picture.shape == word}
        assert len(found & wanted) >= 0.9 * len(wanted) and len(found - wanted) <= 2, word


def test_a_colour_word_shows_its_photos_not_nothing_and_not_the_library(shapes_library):
    """ "red" once gave nothing although the red photos were the first eight of its order."""
    library, pictures, _ = shapes_library
    found = {hit.photo.path.name for hit in library.search("red", limit=1000).hits}
    red = {name for name, picture in pictures.items() if picture.colour == "red"}
    assert len(found & red) >= 0.75 * len(red) and len(found) <= len(pictures) // 2


def test_a_word_a_quarter_of_the_library_matches_is_a_group_not_a_tail(shapes_library):
    library, pictures, _ = shapes_library
    found = {hit.photo.path.name for hit in library.search("a star", limit=1000).hits}
    stars = {name for name, picture in pictures.items() if picture.shape == "star"}
    assert len(found & stars) >= 0.9 * len(stars) and len(found - stars) <= 2


def test_an_image_and_a_word_list_the_words_photos_most_like_the_image(shapes_library):
    """ "red-star.png + blue": blue photos only, the blue stars among them, and not every blue photo
    (a blue star is far from a red one as the library goes; among blue photos it is the closest)."""
    library, pictures, folder = shapes_library  # 3 pictures of each colour and shape
    red_star = next(
        name for name, picture in sorted(pictures.items()) if (picture.colour, picture.shape) == ("red", "star")
    )
    found = {hit.photo.path.name for hit in library.search(f"{folder / red_star} + blue", limit=1000).hits}
    blue = {name for name, picture in pictures.items() if picture.colour == "blue"}
    blue_stars = {name for name in blue if pictures[name].shape == "star"}
    assert found <= blue and blue_stars <= found and len(found - blue_stars) <= 1


def test_scores_follow_the_order_and_levels_nest(shapes_library):
    library, _, _ = shapes_library
    for query in ("red + circle", "2:blue + star", "a star -yellow", "a green triangle"):
        results = library.search(query, limit=1000)
        scores = [hit.score for hit in results.hits]
        assert scores == sorted(scores, reverse=True), query
        counts = results.level_counts
        assert counts["strict"] <= counts["normal"] <= counts["loose"] <= counts["all"] == 96, query
        assert len(results.hits) == counts["normal"], query


def test_a_search_of_left_out_words_only_lists_every_other_photo(shapes_library):
    library, pictures, _ = shapes_library
    found = {hit.photo.path.name for hit in library.search("-star", limit=1000).hits}
    stars = {name for name, picture in pictures.items() if picture.shape == "star"}
    assert not found & stars
    assert len(found) >= 0.9 * (len(pictures) - len(stars))


def test_date_order_sorts_every_relevant_photo_then_takes_the_first(shapes_library):
    library, _, _ = shapes_library
    relevant = library.search("a blue shape", limit=1000, sort="date-asc")
    first_three = library.search("a blue shape", limit=3, sort="date-asc")
    assert len(relevant.hits) > 3
    assert [h.photo.id for h in first_three.hits] == [h.photo.id for h in relevant.hits[:3]]
    dates = [h.photo.taken_at for h in relevant.hits]
    assert dates == sorted(dates)


def test_the_small_model_orders_its_library_differently_for_different_words(shapes_library):
    library, _, _ = shapes_library
    library.search("a star", limit=10)
    stored = library.catalog.get_meta("label_agreement:photoclip-tiny")
    assert stored is not None, "measured once and kept for the next process"
    photos, agreement = stored.split()
    assert int(photos) == 96 and float(agreement) < AGREEMENT_LIMIT


def test_label_agreement_is_one_for_one_order_and_near_zero_for_unrelated_ones():
    rng = np.random.default_rng(8)
    photos = rng.normal(size=(500, 16))
    common = rng.normal(size=16)
    same = np.stack([common * k for k in (1.0, 2.0, 3.0)])  # every label orders the photos alike
    assert label_agreement(photos, same) > 0.99
    assert abs(label_agreement(photos, np.eye(16)[:6])) < 0.15  # each label looks at its own feature


def test_the_mixture_finds_a_group_apart_and_none_in_one_bulk():
    rng = np.random.default_rng(3)
    bulk = rng.normal(0, 1, 900)
    assert Decision.fit(bulk).group is None  # a plain bulk: only its far tail is relevant
    with_group = np.concatenate([bulk, rng.normal(6, 0.7, 100)])
    decision = Decision.fit(with_group)
    assert decision.group is not None
    kept = decision.relevant(with_group, Strictness.NORMAL)
    assert kept[900:].mean() > 0.97 and kept[:900].mean() < 0.01
    assert best_fit(with_group).components >= 2


def test_an_image_beside_words_lists_the_group_most_like_it_among_the_words_photos():
    """ "red-star.jpg + blue" in 400 photos: 48 are blue, 12 of those stars. Among the blue photos the
    stars stand apart as most like the image; the rule once took every blue photo more like it than
    the median blue one (24 listed for 12 right). With no group among them the median still holds."""
    rng = np.random.default_rng(5)
    blue = np.zeros(400, bool)
    blue[:48] = True
    star = np.zeros(400, bool)
    star[:12] = True
    star[48:84] = True  # stars of other colours are fairly like the image too
    words = np.where(blue, rng.normal(0.7, 0.03, 400), rng.normal(0.3, 0.03, 400))
    image = np.where(star, rng.normal(0.8, 0.02, 400), rng.normal(0.5, 0.04, 400))
    sample = np.stack([image, words], axis=1)
    relevance = QueryRelevance.measure(sample, np.array([1.0, 1.0]), np.array([False, True]))
    kept = relevance.keep(relevance.standing(sample), Strictness.NORMAL)
    assert kept[:12].all() and kept.sum() <= 13
    # The blue photos all alike to the image: no group among them, the more alike half is listed.
    image[:48] = rng.normal(0.6, 0.02, 48)
    sample = np.stack([image, words], axis=1)
    relevance = QueryRelevance.measure(sample, np.array([1.0, 1.0]), np.array([False, True]))
    kept = relevance.keep(relevance.standing(sample), Strictness.NORMAL)
    assert kept.sum() == 24 and kept[:48].sum() == 24


def test_a_photo_the_words_find_that_outranks_the_images_group_is_listed():
    """``scene-00015.jpg + orange`` (seed 8080): the model read the small shape as a square, so the
    group most like the image among the orange photos was the orange squares, while the first photo
    in the order shown, an orange photo of the image's shape, was not listed: nothing right."""
    rng = np.random.default_rng(7)
    orange = np.zeros(400, bool)
    orange[:48] = True
    misread = np.zeros(400, bool)
    misread[12:24] = True  # the orange "squares": the group most like the image among the orange photos
    words = np.where(orange, rng.normal(0.7, 0.03, 400), rng.normal(0.3, 0.03, 400))
    image = np.where(misread, rng.normal(0.8, 0.02, 400), rng.normal(0.5, 0.04, 400))
    words[0], image[0] = 0.95, 0.68  # the most orange of all, less like the image than the group
    sample = np.stack([image, words], axis=1)
    relevance = QueryRelevance.measure(sample, np.array([1.0, 1.0]), np.array([False, True]))
    standing = relevance.standing(sample)
    kept = relevance.keep(standing, Strictness.NORMAL)
    scores = relevance.score(standing)
    assert scores[0] > scores[12:24].max() and kept[0] and kept[12:24].all()
    outranking = orange & ~misread & (scores > scores[12:24].max())  # photo 0, and any other such
    assert kept.sum() == 12 + outranking.sum() and not kept[~orange].any()


def test_an_image_query_lists_the_closest_layer_and_more_adds_the_next():
    """Photos like an image come in layers: 12 of the same thing above 120 that share its colour or
    its shape, above the rest. Fitted by the Bayesian criterion alone, a 96-photo library's answer
    was the layer of partial likeness with the answer in it (34 listed for 3 right)."""
    rng = np.random.default_rng(21)
    for answer in (12, 3):
        rest = rng.normal(-0.35, 0.45, 260 - 4 * (12 - answer))
        colour, shape = rng.normal(1.3, 0.3, 36 // (12 // answer)), rng.normal(2.0, 0.35, 84 // (12 // answer))
        same = rng.normal(3.9, 0.4, answer)
        values = np.concatenate([rest, colour, shape, same])
        decision = Decision.fit(values, layers=True)
        normal = decision.relevant(values, Strictness.NORMAL)
        assert normal[-answer:].all() and normal[:-answer].sum() <= 1, (answer, normal.sum())
        loose = decision.relevant(values, Strictness.LOOSE)
        assert (loose >= normal).all()
        if answer == 3:  # where the criterion alone took the wider layer, More lists it
            assert loose.sum() > 10 * answer, loose.sum()
        strict = decision.relevant(values, Strictness.STRICT)
        assert (strict <= normal).all()
    # Three of the same thing among 144 (a small library of busy scenes): they barely move a Bayesian
    # fit, so a layer is judged by Akaike's criterion (Bayes's found them in 3 of these 10 libraries).
    found = 0
    for seed in range(10):
        r = np.random.default_rng(seed)
        parts = [r.normal(-0.13, 0.13, 28), r.normal(-0.09, 1.1, 93), r.normal(1.99, 0.32, 20), r.normal(3.81, 0.21, 3)]
        values = np.concatenate(parts)
        kept = Decision.fit(values, layers=True).relevant(values, Strictness.NORMAL)
        found += bool(kept[-3:].all() and kept[:-3].sum() <= 1)
    assert found >= 8, found
    # Plain noise still has no group most of the time, and lists little when it seems to.
    listed = []
    for seed in range(20):
        noise = np.random.default_rng(seed).normal(size=100)
        listed.append(Decision.fit(noise, layers=True).relevant(noise, Strictness.NORMAL).mean())
    assert np.mean(listed) <= 0.06 and max(listed) <= 0.15
    # A bulk that is not one Gaussian (left-skewed) has no layers to find: no more than the plain rule.
    skewed = -np.random.default_rng(1000).lognormal(0, 0.7, 1000)
    skewed = (skewed - np.median(skewed)) / (1.4826 * np.median(np.abs(skewed - np.median(skewed))))
    plain = Decision.fit(skewed).relevant(skewed, Strictness.NORMAL).sum()
    assert Decision.fit(skewed, layers=True).relevant(skewed, Strictness.NORMAL).sum() <= plain
    # A burst of 29 shots, two of them a little closer to the photo asked about: one layer, all 29.
    shots, rest = [1.0, *rng.normal(0.985, 0.003, 2), *rng.normal(0.95, 0.01, 27)], rng.normal(0.55, 0.08, 470)
    burst = np.concatenate([shots, rest])
    burst = (burst - np.median(burst)) / (1.4826 * np.median(np.abs(burst - np.median(burst))))
    assert Decision.fit(burst, layers=True).relevant(burst, Strictness.NORMAL)[:30].all()


def test_more_adds_the_layer_that_shares_part_of_the_search():
    """ "a red circle": 12 red circles above 120 red things and circles, above the rest. More listed
    the same 12 as Normal whenever the fit that found the 12 was also the criterion's own (a new
    user: Fewer, Normal and More nearly always gave the same count); it now adds the red things and
    the circles, as the README says. Where nothing shares part of it ("blue"), More is Normal."""
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(-0.3, 0.4, 245), rng.normal(3.1, 0.3, 120), rng.normal(6.8, 0.2, 12)])
    decision = Decision.fit(values, layers=True)
    assert decision.relevant(values, Strictness.NORMAL).sum() == 12
    loose = decision.relevant(values, Strictness.LOOSE)
    assert loose[245:].all() and not loose[:245].any()
    # Left out ("beach -red circle"), it leaves out the red circles, not every red thing and circle.
    cosines = np.stack([rng.normal(0, 1, len(values)), values], 1)
    rel = QueryRelevance.measure(cosines, np.array([1.0, -1.0]), np.array([True, True]))
    excluded = rel.excluded(rel.standing(cosines))
    assert excluded[-12:].all() and excluded.sum() <= 14, excluded.sum()
    blue = np.concatenate([rng.normal(-0.2, 0.8, 333), rng.normal(10.6, 0.37, 48)])
    decision = Decision.fit(blue, layers=True)
    assert (decision.relevant(blue, Strictness.LOOSE) == decision.relevant(blue, Strictness.NORMAL)).all()
    # Layers that stand out but hold most of the library are the library: More adds none of them.
    broad = np.concatenate([rng.normal(-0.3, 0.4, 100), rng.normal(3.1, 0.3, 280), rng.normal(6.8, 0.2, 12)])
    decision = Decision.fit(broad, layers=True)
    assert decision.relevant(broad, Strictness.LOOSE).sum() <= 12 + 5


def test_an_answer_in_shades_is_one_layer_not_its_brightest_few():
    """ "blue" with a model that scores 3 vivid blue photos a little above the other 45 blue ones, all
    of them far above the rest: a fit that splits off the 3 stood apart enough to be taken as the
    closest layer, and "blue" listed 3 of its 48 photos."""
    for seed in range(10):
        rng = np.random.default_rng(seed)
        values = np.concatenate([rng.normal(-0.2, 0.8, 333), rng.normal(10.6, 0.37, 45), rng.normal(12.2, 0.37, 3)])
        kept = Decision.fit(values, layers=True).relevant(values, Strictness.NORMAL)
        assert kept[-48:].all() and kept[:-48].sum() <= 1, (seed, kept.sum())


def test_a_small_tight_answer_above_partial_matches_is_the_group_not_the_partial_matches():
    """ "a black star" in 384 photos: 12 black stars stand well above 120 photos that are black or a
    star, which stand above the rest. Started from even quantiles only, the fit once took all 132
    as the group (171 results for 12 right)."""
    rng = np.random.default_rng(11)
    rest, partial, answer = rng.normal(-0.3, 0.55, 252), rng.normal(1.3, 0.45, 120), rng.normal(3.1, 0.13, 12)
    values = np.concatenate([rest, partial, answer])
    decision = Decision.fit(values)
    assert decision.group is not None
    kept = decision.relevant(values, Strictness.NORMAL)
    assert kept[-12:].all() and kept[:-12].sum() <= 2
    # Plain noise has no group, however few the photos; the top value or two are not one.
    assert Decision.fit(np.arange(10.0)).group is None
    for seed in range(10):
        noise = np.random.default_rng(seed).normal(size=100)
        assert Decision.fit(noise).relevant(noise, Strictness.NORMAL).mean() <= 0.06
    # One damaged vector (NaN) in a large sample does not take the fit down.
    damaged = np.concatenate([values, rng.normal(size=600), [np.nan]])
    assert best_fit(damaged).components >= 1
    # A broad answer (a quarter of the library) stays one group and is not split into a top slice.
    broad = np.concatenate([rng.normal(0, 1, 300), rng.normal(5, 0.8, 100)])
    kept = Decision.fit(broad).relevant(broad, Strictness.NORMAL)
    assert kept[300:].mean() > 0.95 and kept[:300].mean() < 0.01


# -- random weights ------------------------------------------------------------------------------


def random_tiny(folder):
    """photoclip-tiny's architecture with random weights, as a model folder a user could point at."""
    import json

    import open_clip
    import torch
    from safetensors.torch import save_file

    from photoclip.smallclip.train import OPEN_CLIP_CONFIG

    torch.manual_seed(7)
    model = open_clip.model.CLIP(**OPEN_CLIP_CONFIG["model_cfg"])
    out = folder / "random-tiny"
    out.mkdir()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(out / "open_clip_model.safetensors"))
    (out / "open_clip_config.json").write_text(json.dumps(OPEN_CLIP_CONFIG))
    return out


def random_vit(folder):
    """The default model's architecture (ViT-B-32-256) with random weights, loaded in torch."""
    import open_clip
    import torch
    from safetensors.torch import save_file

    from photoclip.core.models.registry import get_model
    from photoclip.core.models.torch_engine import load_torch_engine
    from photoclip.core.models.weights import WeightsSource

    torch.manual_seed(11)
    path = folder / "random-vit.safetensors"
    save_file({k: v.contiguous() for k, v in open_clip.create_model("ViT-B-32-256").state_dict().items()}, str(path))
    spec = get_model("ViT-B-32-256/datacomp_s34b_b86k")
    return spec, load_torch_engine(spec, WeightsSource(path, False), device="cpu", threads=2)


@pytest.fixture(scope="module", params=["photoclip-tiny", "ViT-B-32-256"])
def random_library(request, tmp_path_factory):
    from photoclip.core.library import Library

    folder = tmp_path_factory.mktemp("pictures")
    pictures = write_plain(folder, 2, seed=99)
    home = tmp_path_factory.mktemp("random")
    if request.param == "photoclip-tiny":
        weights = random_tiny(home)
        library = Library.open(home / "library", cache=home / "cache", model="photoclip-tiny", weights=weights)
    else:
        spec, engine = random_vit(home)
        library = Library.open(home / "library", cache=home / "cache", model=spec.id, loaded_model=engine)
    library.add_root(folder)
    library.update()
    yield library, folder, pictures
    library.close()


def test_random_weights_neither_flood_the_page_nor_leave_it_empty(random_library):
    library, folder, pictures = random_library
    names = sorted(pictures)
    rng = random.Random(5)
    queries = ["a dog on a beach", "red", "bl", "a red circle", "star -yellow", "red + circle", "receipts"]
    queries += [str(folder / name) for name in rng.sample(names, 4)]
    queries += [f"{folder / rng.choice(names)} + blue"]
    for query in queries:
        shown = len(library.search(query, limit=1000).hits)
        assert 1 <= shown <= len(names) // 3, (query, shown)
        more = len(library.search(query, limit=1000, strictness="loose").hits)
        assert shown <= more <= len(names) // 2, (query, more)  # More is more, never the library
    stored = library.catalog.get_meta(f"label_agreement:{library.search_spec.id}")
    assert stored is not None and float(stored.split()[1]) >= AGREEMENT_LIMIT, stored
    # Tagging asks what a search for each label lists: with random weights, never the whole library.
    from photoclip.core.tagging import Tagger, builtin_label_sets

    for label_set in ("everyday", "shapes"):
        report = Tagger(library).tag(library.catalog.filter_photo_ids().tolist(), builtin_label_sets()[label_set])
        assert report.tagged <= len(names) // 3, (label_set, report)


def test_fewer_never_shows_more_than_normal_nor_normal_than_more(shapes_library):
    """When a level lists nothing, the closest few it shows instead come from the next looser level
    (a new user once saw 12 for Fewer, 3 for Normal and 9 for More on "wedding")."""
    library, _, _ = shapes_library
    for query in ("wedding", "zzzz", "a castle at night"):
        shown = [
            len(library.search(query, limit=1000, strictness=level).hits) for level in ("strict", "normal", "loose")
        ]
        assert 0 < shown[0] <= shown[1] <= shown[2], (query, shown)


def test_a_phrase_lists_its_own_photos_not_the_layer_that_shares_half_of_it(tmp_path, tiny_model):
    """On 384 plain pictures (seed 8080) "a red circle" listed 132: its 12 above the 36 other red
    things and the 84 other circles, taken together as the group by the Bayesian criterion alone
    (phrases' F1 0.943). A query of words is now fitted in layers as an image's is."""
    from photoclip.core.library import Library

    folder = tmp_path / "pictures"
    pictures = write_plain(folder, 12, seed=8080)
    with Library.open(tmp_path / "library", model="photoclip-tiny", loaded_model=tiny_model) as library:
        library.add_root(folder)
        library.update()
        for colour, shape in (("red", "circle"), ("green", "star")):
            found = {hit.photo.path.name for hit in library.search(f"a {colour} {shape}", limit=1000).hits}
            wanted = {name for name, p in pictures.items() if (p.colour, p.shape) == (colour, shape)}
            assert found == wanted, (colour, shape, len(found))


def test_a_tag_holding_a_left_out_word_does_not_stop_the_pixels_leaving_out_what_it_shows(tmp_path, tiny_model):
    """A user tagged one black square "blue sky"; "-blue" then listed every blue photo again, since
    a left-out word that names photos was left to the names alone (meant for a folder name the
    model never learnt, which stays so: "-vellmora" in test_metadata_search)."""
    from photoclip.core.library import Library

    folder = tmp_path / "pictures"
    pictures = write_plain(folder, 3, seed=2024)
    with Library.open(tmp_path / "library", model="photoclip-tiny", loaded_model=tiny_model) as library:
        library.add_root(folder)
        library.update()
        black = next(name for name, p in pictures.items() if (p.colour, p.shape) == ("black", "square"))
        library.tags.add(library.photo_at(folder / black).id, "blue sky")
        for query in ("-blue", "a star -blue"):
            found = {hit.photo.path.name for hit in library.search(query, limit=1000, strictness="loose").hits}
            blue = {name for name, p in pictures.items() if p.colour == "blue"}
            assert found and not found & (blue | {black}), (query, sorted(found & (blue | {black})))
