"""``similar to NAME`` typed in a search: the library photo of that file name, as Find similar writes
it in the window's search box; a real library of real pictures and the real small model."""

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


def test_a_name_no_photo_or_several_photos_have_is_a_clear_error(library):
    opened, _folder, _pictures = library
    with pytest.raises(PhotoclipError, match=r"No photo called nope\.jpg in the library"):
        opened.search("similar to nope.jpg + blue")
    with pytest.raises(PhotoclipError, match=r"2 photos are called red-circle-0\.png .*2019.*2020"):
        opened.search("similar to red-circle-0.png")


def test_similar_to_words_stays_words(library):
    opened, _folder, _pictures = library
    query = opened.search("similar to a lion", limit=3).query
    assert [t.text for t in query.terms] == ["similar to a lion"] and query.terms[0].image is None
