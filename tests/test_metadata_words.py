"""The words of names and queries, and the folder: and camera: filters of the search box."""

import io

from PIL import Image

from photoclip.core.exif_text import from_image
from photoclip.core.metadata_words import (
    camera_name,
    contains_phrase,
    photo_words,
    query_words,
    words_of,
)
from photoclip.core.query import parse_query


def no_image(text):
    return None


def test_names_split_into_comparable_words():
    assert words_of("2019 Paris trip") == ["2019", "paris", "trip"]
    assert words_of("IMG_20190612_123456") == ["20190612", "123456"]  # "img" tells nothing
    assert words_of("harbourWalk-02") == ["harbourwalk", "harbour", "walk", "02"]
    assert words_of("Apple iPhone 12") == ["apple", "iphone", "phone", "12"]
    assert words_of("HTMLFile.v2") == ["htmlfile", "html", "file", "v2"]
    assert words_of("Café de Flore") == ["cafe", "flore"]  # accents and common words go
    assert words_of("Beaches, Cities & Boxes") == ["beach", "city", "box"]  # plurals
    assert words_of("Paris") == ["paris"] and words_of("glass") == ["glass"]  # not plurals
    assert words_of("a the of photo") == []


def test_names_that_are_not_utf8_keep_their_readable_words():
    assert words_of("Ostrava \udcff\udcfe trip") == ["ostrava", "trip"]


def test_query_words_are_folded_like_names_but_not_split_at_capitals():
    assert query_words("a photo of the Beaches of ZÜRICH") == ("beach", "zurich")
    assert query_words("iPhone") == ("iphone",)
    assert query_words("red, red circle") == ("red", "circle")


def test_a_photos_words_come_from_its_folders_file_camera_lens_and_place():
    words = photo_words("Trips/Lofoten 2018/DSC_0042.JPG", ("SONY ILCE-7M3", "FE 35mm F1.8", "Reine, Norway"))
    assert {"trip", "lofoten", "2018", "0042", "sony", "ilce", "7m3", "35mm", "reine", "norway"} <= words
    assert "dsc" not in words and "jpg" not in words


def test_phrases_are_whole_words_in_order():
    assert contains_phrase("2019 Paris trip", "paris")
    assert contains_phrase("2019 Paris trip", "Paris Trip")
    assert contains_phrase("Trip to Paris", "trip to paris")
    assert not contains_phrase("2019 Paris trip", "pari")
    assert not contains_phrase("2019 Paris trip", "trip paris")


def test_a_camera_is_named_without_repeating_its_make():
    assert camera_name("Canon", "Canon EOS R5") == "Canon EOS R5"
    assert camera_name("NIKON CORPORATION", "NIKON D750") == "NIKON D750"
    assert camera_name("Apple", "iPhone 12 Pro") == "Apple iPhone 12 Pro"
    assert camera_name("", "X100V") == "X100V" and camera_name(None, None) == ""


def test_broken_or_odd_exif_costs_only_the_field():
    exif = Image.Exif()
    exif[0x010F] = b"\xff\xfe\x00bad"  # bytes where text belongs
    exif[0x0110] = 12345  # a number where text belongs
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buffer, "JPEG", exif=exif.tobytes())
    buffer.seek(0)
    text = from_image(Image.open(buffer))
    assert text.lens == "" and text.place == "" and "\x00" not in text.camera


def test_folder_and_camera_filters_parse_like_tag():
    query = parse_query("folder:paris sunset", no_image)
    assert query.folders == ("paris",) and query.terms[0].text == "sunset"
    query = parse_query('folder:"2019 Paris trip" camera:"eos r5" -people', no_image)
    assert query.folders == ("2019 paris trip",) and query.cameras == ("eos r5",)
    assert [t.text for t in query.terms] == ["people"] and query.terms[0].negative
    known = ["2019 Paris trip", "Quistrel wedding"]
    query = parse_query("folder:2019 paris trip beach", no_image, known_folders=known)
    assert query.folders == ("2019 paris trip",) and query.terms[0].text == "beach"
    query = parse_query("folder:quistrel a circle", no_image, known_folders=known)  # never ends on "a"
    assert query.folders == ("quistrel",) and query.terms[0].text == "a circle"
    query = parse_query("camera:canon eos sunset tag:beach", no_image, known_cameras=["Canon EOS R5"])
    assert query.cameras == ("canon eos",) and query.tags == ("beach",) and query.terms[0].text == "sunset"
    assert parse_query("folder:paris", no_image).is_empty  # only a filter: the folder's photos by date
