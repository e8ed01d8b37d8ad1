"""``similar to NAME`` typed in a search: the library photo of that file name, as Find similar writes
it in the window's search box; a real library of real pictures and the real small model."""

import os
from pathlib import Path

import pytest
from pictures import write_set

from photoclip.core.errors import PhotoclipError
from photoclip.smallclip.evaluate_relevance import write_plain


@pytest.fixture
def library(tmp_path, open_library):
    """32 plain pictures (one of each colour and shape) at the top, and two copies of a name in folders."""
    folder = tmp_path / "photos"
    pictures = write_plain(folder, 1, seed=77)
    write_set(folder / "2019", [("red", "circle")], 1)
    write_set(folder / "2020", [("red", "circle")], 1)
    opened = open_library()
    opened.add_root(folder)
    opened.update()
    return opened, folder, pictures


def names(results):
    return [hit.photo.path for hit in results.hits]


def test_a_photo_named_by_its_file_name_is_searched_like_its_path(library):
    opened, folder, pictures = library
    name = next(n for n, p in pictures.items() if (p.colour, p.shape) == ("green", "star"))
    by_name = opened.search(f"similar to {name} + blue", limit=10, strictness="all")
    by_path = opened.search(f"{folder / name} + blue", limit=10, strictness="all")
    assert by_name.query.terms[0].image is not None and by_name.query.terms[0].image.name == name
    assert names(by_name) == names(by_path)
    # Its own folder narrows a name that two photos share; so does any case of "similar to".
    found = opened.search("Similar to 2020/red-circle-0.png", limit=3, strictness="all")
    assert found.query.terms[0].image is not None and found.query.terms[0].image.parent.name == "2020"
    # A copy Windows named "NAME - Copy.png" is one name beside words, not "NAME" minus "Copy.png".
    copy = folder / f"{Path(name).stem} - Copy.png"
    copy.write_bytes((folder / name).read_bytes())
    opened.update()
    by_copy = opened.search(f"similar to {copy.name} + blue", limit=10, strictness="all")
    assert [t.image.name if t.image else t.text for t in by_copy.query.terms] == [copy.name, "blue"]
    # The name as Windows and macOS match it, whatever its case.
    upper = opened.search(f"similar to {name.upper()}", limit=3, strictness="all").query.terms[0]
    assert upper.image is not None and upper.image.name == name


def test_similar_to_a_name_alone_lists_what_find_similar_lists_without_the_photo_itself(library):
    """`search "similar to NAME"` put the photo itself first where `photoclip similar NAME` and the
    window's Find similar, which the README calls the same thing, leave it out."""
    opened, folder, pictures = library
    name = next(n for n, p in pictures.items() if (p.colour, p.shape) == ("green", "star"))
    typed = opened.search(f"similar to {name}", limit=40, strictness="all")
    assert folder / name not in names(typed)
    assert names(typed) == names(opened.similar(Path(name), limit=40, strictness="all"))


def test_a_named_photo_beside_another_image_or_an_unreadable_namesake(library):
    opened, folder, pictures = library
    first, second = sorted(pictures)[:2]
    query = opened.search(f"similar to {first} + {folder / second}", limit=3, strictness="all").query
    assert [t.image.name for t in query.terms] == [first, second]
    (folder / "2021").mkdir()
    (folder / "2021" / first).write_bytes(b"not a picture")
    opened.update()
    assert opened.unreadable() and opened.search(f"similar to {first}", limit=3).query.terms[0].image.name == first


def test_a_name_no_photo_or_several_photos_have_is_a_clear_error(library):
    opened, folder, _pictures = library
    with pytest.raises(PhotoclipError, match=r"No photo called nope\.jpg in the library: type the image's path"):
        opened.search("similar to nope.jpg + blue")
    # A photo of that name the library could not read is not "no photo called" it.
    (folder / "broken.jpg").write_bytes(b"not a picture")
    opened.update()
    for ask in (lambda: opened.search("similar to broken.jpg"), lambda: opened.similar(Path("broken.jpg"))):
        with pytest.raises(PhotoclipError, match=r"broken\.jpg is in the library but could not be read: "):
            ask()
    with pytest.raises(PhotoclipError, match=r"2 photos are called red-circle-0\.png .*2019.*2020"):
        opened.search("similar to red-circle-0.png")
    # A folder whose name is not UTF-8 (kept as bytes in the catalog) holds a namesake too.
    write_set(folder / os.fsdecode(b"\xe9t\xe9"), [("red", "circle")], 1)
    opened.update()
    with pytest.raises(PhotoclipError, match=r"3 photos are called red-circle-0\.png"):
        opened.search("similar to red-circle-0.png")


def test_words_typed_after_find_similars_text_narrow_its_search(library):
    """A tester added " red" after the window's "similar to NAME": the whole text became words (and
    the model "never learnt 'similar', 'jpg'"), the photo dropped from the search."""
    opened, _, pictures = library
    name = next(n for n, p in pictures.items() if (p.colour, p.shape) == ("green", "star"))
    typed = opened.search(f"similar to {name} blue", limit=10, strictness="all")
    plus = opened.search(f"similar to {name} + blue", limit=10, strictness="all")
    assert [t.image.name if t.image else t.text for t in typed.query.terms] == [name, "blue"]
    assert names(typed) == names(plus)


def test_similar_to_words_stays_words(library):
    opened, _folder, pictures = library
    results = opened.search("similar to a lion", limit=3)
    assert [t.text for t in results.query.terms] == ["similar to a lion"] and results.query.terms[0].image is None
    assert not any("searched as words" in note for note in results.notes)
    # A name without its extension is words too, but it says so (a new user's search for
    # "similar to picture-00002" listed squares without a word about it).
    stem = Path(sorted(pictures)[0]).stem
    notes = opened.search(f"similar to {stem}", limit=3).notes
    assert any(f"No photo is called “{stem}”, so it was searched as words" in note for note in notes)


def test_similar_takes_a_library_photos_name_like_a_search_does(library):
    """`photoclip similar cat.jpg` said it was "neither a photo in the library nor an image file"."""
    from pathlib import Path

    opened, folder, pictures = library
    name = sorted(pictures)[0]
    by_name = opened.similar(Path(name), limit=5, strictness="all")
    by_path = opened.similar(folder / name, limit=5, strictness="all")
    assert names(by_name) == names(by_path) and folder / name not in names(by_name)
    with pytest.raises(PhotoclipError, match=r'add its folder \("2019/red-circle-0\.png"\)'):
        opened.similar(Path("red-circle-0.png"))


def test_a_bare_file_name_beside_words_is_that_library_photo(library, tmp_path, monkeypatch):
    """ "IMG_10004.jpg + blue" run outside the photo's folder searched the file name as words and
    found nothing that stood out; a name that no photo has said nothing about it either."""
    opened, folder, pictures = library
    monkeypatch.chdir(tmp_path)  # not the photos' folder: the name is no file here
    name = next(n for n, p in pictures.items() if (p.colour, p.shape) == ("green", "star"))
    bare = opened.search(f"{name} + blue", limit=10, strictness="all")
    by_path = opened.search(f"{folder / name} + blue", limit=10, strictness="all")
    assert [t.image.name if t.image else t.text for t in bare.query.terms] == [name, "blue"]
    assert names(bare) == names(by_path)
    assert opened.search(f"2:{name} -blue", limit=3).query.terms[0].weight == 2.0
    with pytest.raises(PhotoclipError, match=r"No photo called nosuch\.jpg in the library: type the image's path"):
        opened.search("nosuch.jpg + blue")
    with pytest.raises(PhotoclipError, match=r"2 photos are called red-circle-0\.png"):
        opened.search("red-circle-0.png + green")
    words = opened.search("a red circle", limit=3)  # no file name: words, as before
    assert all(t.image is None for t in words.query.terms)


def test_a_name_may_start_with_the_watched_folders_own_name(library, tmp_path, monkeypatch):
    """A tester whose watched folder was pics/basic typed ``similar basic/red_star_0031.jpg``: "No
    photo called basic/red_star_0031.jpg", while "sub/name.jpg" inside the folder worked."""
    opened, folder, _ = library
    photo = next(iter(sorted((folder / "2019").iterdir())))
    monkeypatch.chdir(tmp_path.parent)  # none of these is a path from here
    for typed in (f"photos/2019/{photo.name}", f"{tmp_path.name}/photos/2019/{photo.name}"):
        results = opened.search(f"similar to {typed}", limit=5)
        assert results.query.terms[0].image == photo, typed
    with pytest.raises(PhotoclipError, match="No photo called"):
        opened.search("similar to elsewhere/2019/" + photo.name, limit=5)
