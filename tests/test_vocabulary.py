"""Words the bundled model never learnt: it ships the list of its training captions' words, so a
search or a label made only of other words finds nothing, and a search says which words it
ignored. A fresh-eyes tester's first search in the window, "dog on a beach" (the app's own
tagline), listed 50 white triangles on beige as relevant; "birthday cake" listed 51."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from photoclip.core.search_notes import CLOSEST_NOTE
from photoclip.core.vocabulary import knows_nothing_of, read_vocabulary, unlearnt

COLOURS = {"red": (220, 30, 30), "blue": (30, 60, 220), "yellow": (240, 220, 20), "white": (250, 250, 250)}
BACKGROUNDS = [(200, 200, 200), (120, 110, 100), (60, 80, 90), (230, 220, 200)]


def draw(path: Path, colour: str, shape: str, rng: random.Random) -> None:
    """A flat shape drawn another way than photoclip's own renderers (as the tester drew them)."""
    width, height = rng.choice([320, 640, 800]), rng.choice([240, 480, 600])
    image = Image.new("RGB", (width, height), rng.choice(BACKGROUNDS))
    pen = ImageDraw.Draw(image)
    s = min(width, height) * 0.35
    cx, cy = width / 2 + rng.uniform(-0.1, 0.1) * width, height / 2 + rng.uniform(-0.1, 0.1) * height
    fill = COLOURS[colour]
    if shape == "circle":
        pen.ellipse([cx - s, cy - s, cx + s, cy + s], fill=fill)
    elif shape == "square":
        pen.rectangle([cx - s, cy - s, cx + s, cy + s], fill=fill)
    elif shape == "triangle":
        pen.polygon([(cx, cy - s), (cx - s, cy + s), (cx + s, cy + s)], fill=fill)
    else:
        points = [(i, s if i % 2 == 0 else s * 0.4) for i in range(10)]
        pen.polygon(
            [
                (cx + r * math.cos(-math.pi / 2 + i * math.pi / 5), cy + r * math.sin(-math.pi / 2 + i * math.pi / 5))
                for i, r in points
            ],
            fill=fill,
        )
    image.save(path, quality=85)


@pytest.fixture(scope="module")
def flat_shapes(tmp_path_factory):
    """80 such pictures under names that say nothing, and a folder named "beach" holding two."""
    folder = tmp_path_factory.mktemp("flat")
    rng = random.Random(5)
    for i in range(80):
        place = folder / "beach" if i < 2 else folder
        place.mkdir(exist_ok=True)
        draw(
            place / f"IMG_{i:04d}.jpg",
            rng.choice(list(COLOURS)),
            rng.choice(["circle", "square", "triangle", "star"]),
            rng,
        )
    return folder


def opened(tmp_path, tiny_model, folder, **options):
    from photoclip.core.library import Library

    library = Library.open(tmp_path / "library", model="photoclip-tiny", loaded_model=tiny_model, **options)
    library.add_root(folder)
    library.update()
    return library


def test_the_shipped_word_list_holds_every_word_of_the_training_captions():
    from photoclip.core.models.registry import bundled_model_dir
    from photoclip.smallclip.training_pictures import caption_vocabulary

    shipped = read_vocabulary(bundled_model_dir() / "vocabulary.txt")
    assert shipped is not None and set(caption_vocabulary(samples=300, seed=99)) <= shipped
    assert unlearnt("two red stars on a beach", shipped) == ["beach"]  # plurals and fillers are known
    assert knows_nothing_of("a dog on a beach", shipped) and not knows_nothing_of("a red dog", shipped)


def test_words_the_model_never_learnt_find_nothing_and_are_named(tmp_path, tiny_model, flat_shapes):
    library = opened(tmp_path, tiny_model, flat_shapes)
    try:
        for words in ("dog on a beach", "birthday cake", "a photo of a dog on a beach"):
            results = library.search(words, limit=1000)
            assert results.level_counts["normal"] == 0 and results.closest, (words, results.level_counts)
            assert CLOSEST_NOTE in results.notes
            named = "“birthday”" if "cake" in words else "“dog”"  # "beach" found a folder: not named
            assert any("never learnt" in note and named in note for note in results.notes), results.notes
            assert not any("“beach”" in note for note in results.notes)
        # an explicit minimum score does not bring back what the words cannot say
        assert not library.search("xyzzy", limit=1000, min_score=-1.0).hits
        # a word it knows beside one it does not: the known one is searched, the other named
        results = library.search("a red dog", limit=1000)
        assert results.level_counts["normal"] > 0 and any("“dog”" in note for note in results.notes)
        # a folder's name is not the model's to know: "beach" still lists the folder's photos
        named = {hit.photo.path.parent.name for hit in library.search("beach", limit=1000).hits}
        assert named == {"beach"}
    finally:
        library.close()


def test_the_same_library_without_the_word_list_listed_a_group_for_them(
    tmp_path, tiny_model, flat_shapes, tiny_listing_no_words
):
    """What the word list changes: without it (as before), the model's vectors for words it never
    learnt lie near a group of these pictures, and the group was listed as relevant."""
    library = opened(tmp_path, tiny_model, flat_shapes, weights=tiny_listing_no_words)
    try:
        listed = [
            library.search(words, limit=1000).level_counts["normal"] for words in ("dog on a beach", "birthday cake")
        ]
        assert max(listed) > 0, listed
    finally:
        library.close()


def test_labels_the_model_never_learnt_tag_nothing(tmp_path, tiny_model, flat_shapes):
    from photoclip.core.tagging import LabelSet, Tagger, builtin_label_sets

    library = opened(tmp_path, tiny_model, flat_shapes)
    try:
        ids = library.catalog.filter_photo_ids().tolist()
        Tagger(library).tag(ids, builtin_label_sets()["everyday"], album="everyday")
        Tagger(library).tag(ids, LabelSet("own", ("cat", "beach", "square")), album="own")
        given = {tag.label for pid in ids for tag in library.tags.tags(pid)}
        assert given == {"square"}, given
    finally:
        library.close()
