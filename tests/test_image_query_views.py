"""An image query reads the picture and its mirror image: what a person would call the same picture
finds the same photos, and a library photo whose drive is away still searches with what was stored."""

import shutil

import pytest
from pictures import write_set
from PIL import Image, ImageOps

from photoclip.smallclip import shapes

CLASSES = [(c, s) for c in ("red", "blue", "green", "yellow") for s in shapes.SHAPES]


@pytest.fixture
def library(tmp_path, open_library):
    folder = tmp_path / "photos"
    pictures = write_set(folder, CLASSES, 4, seed=11)
    library = open_library()
    library.add_root(folder)
    library.update()
    return library, pictures


def test_a_photo_and_its_mirror_image_find_the_same_photos_in_the_same_order(library, tmp_path):
    """Turning a photo left to right does not change what it shows; the search it makes should not
    change either (the model read a small shape one way and its mirror image another)."""
    library, pictures = library
    (tmp_path / "outside").mkdir()
    for path in list(pictures)[::8]:
        mirrored = tmp_path / "outside" / f"mirrored-{path.stem}.png"
        with Image.open(path) as picture:
            ImageOps.mirror(picture.convert("RGB")).save(mirrored)
        as_is = library.search(str(path), limit=6, strictness="all").hits
        turned = library.search(str(mirrored), limit=6, strictness="all").hits
        assert [h.photo.id for h in as_is] == [h.photo.id for h in turned], path.name
        # each photo's likeness to the query, the "why" a person sees (the score also counts names)
        assert [h.terms[0] for h in as_is] == pytest.approx([h.terms[0] for h in turned], abs=0.01)


def test_a_photo_whose_folder_is_away_still_finds_its_neighbours(library, tmp_path):
    """The file can't be read (a drive unplugged): the stored vector still answers "find similar"."""
    library, pictures = library
    target = next(p for p, label in pictures.items() if label == ("blue", "square"))
    before = [h.photo.id for h in library.similar(target, limit=5).hits]
    shutil.move(tmp_path / "photos", tmp_path / "unplugged")
    after = library.similar(target, limit=5).hits
    assert [pictures[tmp_path / "photos" / h.photo.path.name] for h in after].count(("blue", "square")) >= 2
    assert len(after) == len(before)


def test_a_small_star_the_model_reads_as_a_triangle_still_finds_stars_beside_a_colour(tmp_path, open_library):
    """``picture-00318.jpg + purple`` (the evaluation's plain pictures, seed 7070): a 12-pixel red
    star that the model read as a triangle listed twelve purple triangles and no purple star."""
    from photoclip.smallclip.evaluate_relevance import write_plain

    pictures = write_plain(tmp_path / "photos", 12, 7070)
    assert (pictures["picture-00318.jpg"].colour, pictures["picture-00318.jpg"].shape) == ("red", "star")
    library = open_library()
    library.add_root(tmp_path / "photos")
    library.update()
    hits = library.search(f"{tmp_path / 'photos' / 'picture-00318.jpg'} + purple").hits
    found = [(pictures[h.photo.path.name].colour, pictures[h.photo.path.name].shape) for h in hits]
    assert found[0] == ("purple", "star")
    assert found.count(("purple", "star")) >= 10 and {colour for colour, _ in found} == {"purple"}


def test_a_photo_changed_since_it_was_indexed_is_searched_as_it_is_now(library, tmp_path):
    """A red circle painted blue, not indexed again: the search by it was half the old picture's
    reading and half the new one's mirror image, and listed red and blue photos mixed."""
    library, pictures = library
    path = next(p for p, label in pictures.items() if label == ("red", "circle") and p.suffix == ".png")
    with Image.open(path) as picture:
        red, green, blue = picture.convert("RGB").split()
    Image.merge("RGB", (blue, green, red)).save(path)  # a blue circle now
    found = [pictures[h.photo.path] for h in library.search(str(path), limit=4, strictness="all").hits]
    assert found[:3] == [("blue", "circle")] * 3, found


def test_a_path_that_is_not_a_file_says_so(library, tmp_path):
    import os

    from photoclip.core.errors import ImageError

    library, _ = library
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    with pytest.raises(ImageError, match="is not an image file"):
        library.search(str(fifo))


def test_a_library_photo_named_through_dot_dot_is_that_photo(library, tmp_path):
    """``similar photos/../photos/a.jpg`` took the photo for an outside image and listed it."""
    library, pictures = library
    target = next(iter(pictures))
    roundabout = tmp_path / "photos" / ".." / "photos" / target.name
    assert library.catalog.photo_by_path(roundabout).path == target
    assert target not in [h.photo.path for h in library.similar(roundabout, limit=5).hits]


def test_find_similar_on_a_library_photo_works_without_the_model(tmp_path, open_library):
    """The model can't be loaded (weights not downloaded, a wrong --weights): the photo's stored
    vector still answers, as it did before image queries read the mirror image."""
    from photoclip.core.library import Library

    pictures = write_set(tmp_path / "photos", [("red", "circle"), ("blue", "square")], 3, seed=1)
    with Library.open(tmp_path / "lib", cache=tmp_path / "cache", model="photoclip-tiny") as library:
        library.add_root(tmp_path / "photos")
        library.update()
    (tmp_path / "not-a-model").mkdir()
    opened = Library.open(
        tmp_path / "lib", cache=tmp_path / "cache", model="photoclip-tiny", weights=tmp_path / "not-a-model"
    )
    with opened as library:
        target = next(p for p, label in pictures.items() if label == ("red", "circle"))
        found = [pictures[h.photo.path] for h in library.similar(target, limit=2).hits]
    assert found == [("red", "circle")] * 2


def test_a_dot_dot_after_a_link_is_the_file_it_reaches(library, tmp_path):
    """``photos/link/../a.jpg`` where ``link`` points elsewhere reaches ``elsewhere/../a.jpg``, not
    the library's ``photos/a.jpg``: taking the text's word for it named the wrong photo."""
    library, pictures = library
    target = next(iter(pictures))
    (tmp_path / "elsewhere" / "deeper").mkdir(parents=True)
    shutil.copyfile(target, tmp_path / "elsewhere" / target.name)
    (tmp_path / "photos" / "link").symlink_to(tmp_path / "elsewhere" / "deeper")
    assert library.catalog.photo_by_path(tmp_path / "photos" / "link" / ".." / target.name) is None
