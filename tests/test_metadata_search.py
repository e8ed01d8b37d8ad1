"""Words that are not in the picture: folder names, file names, tags, camera, lens and place take
part in search, on a library of generated pictures whose names say nothing of their pixels."""

import json
import os
import random
import sqlite3
import struct

import numpy as np
import pytest
from pictures import spec_for, write
from PIL import Image

from photoclip.cli.main import main as cli
from photoclip.core.catalog import Catalog
from photoclip.core.catalog_schema import MIGRATIONS
from photoclip.smallclip import shapes

# Folder -> how many pictures; the folder names are all the library knows of these pictures.
FOLDERS = {
    "Camera Roll": 30,
    "2019 Vellmora trip": 6,
    "Zürich 2020": 4,
    "misc/Quistrel wedding/day 2": 3,
}


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    """Random shapes under neutral file names (IMG_0001...), plus two files named harbourWalk_*."""
    root = tmp_path_factory.mktemp("words") / "Pictures"
    rng = random.Random(5)
    placed: dict[str, list] = {}
    n = 0
    for folder, count in FOLDERS.items():
        for _ in range(count):
            colour, shape = rng.choice(list(shapes.COLOURS)), rng.choice(shapes.SHAPES)
            placed.setdefault(folder, []).append(write(root / folder, f"IMG_{n:04d}", spec_for(colour, shape, n)))
            n += 1
    for k in range(2):
        placed.setdefault("harbour", []).append(
            write(root / "Camera Roll", f"harbourWalk_{k:02d}", spec_for("cyan", "square", 700 + k))
        )
    return root, placed


@pytest.fixture
def library(pictures, open_library):
    library = open_library()
    library.add_root(pictures[0])
    library.update()
    return library


def paths(results):
    return [h.photo.path for h in results.hits]


def test_a_folder_name_finds_the_photos_in_it_first_whatever_their_pixels(library, pictures):
    wanted = set(pictures[1]["2019 Vellmora trip"])
    results = library.search("vellmora", limit=50)
    assert set(paths(results)[: len(wanted)]) == wanted
    assert all(h.matched == ("folder: 2019 Vellmora trip",) for h in results.hits[: len(wanted)])
    # The pixels alone do not find them: the words did.
    pixels_only = library.search("vellmora", limit=50, match_metadata=False)
    assert set(paths(pixels_only)[: len(wanted)]) != wanted
    # Several words, any case, at any strictness; "trip" alone is in one folder too.
    for query in ("Vellmora Trip", "photos of the vellmora trip"):
        assert set(paths(library.search(query, limit=50, strictness="strict"))[: len(wanted)]) == wanted


def test_accents_case_sub_folders_and_file_names(library, pictures):
    zurich = set(pictures[1]["Zürich 2020"])
    assert set(paths(library.search("zurich", limit=50))[: len(zurich)]) == zurich
    assert set(paths(library.search("ZÜRICH", limit=50))[: len(zurich)]) == zurich
    wedding = set(pictures[1]["misc/Quistrel wedding/day 2"])
    found = library.search("quistrel wedding", limit=50)
    assert set(paths(found)[: len(wedding)]) == wedding
    assert found.hits[0].matched == ("folder: Quistrel wedding",)
    harbour = set(pictures[1]["harbour"])  # camelCase in a file name: "harbourWalk_01"
    walk = library.search("harbour walk", limit=50)
    assert set(paths(walk)[:2]) == harbour
    assert walk.hits[0].matched[0].startswith("file name: harbourWalk_")


def test_a_query_whose_words_name_nothing_is_exactly_as_before(library):
    for query in ("a red circle", "a blue shape -a star", "a green triangle + a square"):
        with_words = library.search(query, limit=100)
        without = library.search(query, limit=100, match_metadata=False)
        assert [(h.photo.id, h.score) for h in with_words.hits] == [(h.photo.id, h.score) for h in without.hits]
        assert with_words.level_counts == without.level_counts
        assert all(h.matched == () for h in with_words.hits)


def test_a_word_in_most_of_the_library_lifts_nothing(library):
    """'roll' is in "Camera Roll", which holds most of the library: it tells no photo apart."""
    with_words = library.search("a roll", limit=100)
    without = library.search("a roll", limit=100, match_metadata=False)
    assert [(h.photo.id, h.score) for h in with_words.hits] == [(h.photo.id, h.score) for h in without.hits]


def test_a_folder_named_with_an_everyday_word_narrows_to_it(library, pictures):
    """ "folder:pictures" once found nothing: "pictures" is too common a word to count in a search's
    words, but a folder filter that names only such words means them."""
    everything = set(paths(library.search("", limit=1000)))
    assert set(paths(library.search("folder:pictures", limit=1000))) == everything
    assert set(paths(library.search("folder:Pictures a red circle", limit=1000))) <= everything
    assert not library.search("folder:photos", limit=1000).hits


def test_a_negative_word_leaves_out_the_photos_it_names(library, pictures):
    vellmora = set(pictures[1]["2019 Vellmora trip"])
    everything = library.search("a shape -vellmora", limit=100, strictness="loose")
    assert everything.hits and not vellmora & set(paths(everything))
    every = set(paths(library.search("", limit=1000)))
    rest = set(paths(library.search("-vellmora", limit=1000)))  # nothing else asked: every other photo
    # A word that names a folder means that folder; the small model never learnt "vellmora", so its
    # pixels would leave out whatever cluster the word happens to land near.
    assert rest == every - vellmora
    assert set(paths(library.search("-vellmora", limit=1000, strictness="all"))) == every


def test_confirmed_tags_lift_their_photos_suggestions_do_not(library, pictures):
    chosen = [library.photo_at(p) for p in pictures[1]["Camera Roll"][:3]]
    for photo in chosen:
        library.tags.add(photo.id, "Grandma Ilse")
    guessed = library.photo_at(pictures[1]["Camera Roll"][5])
    library.tags.suggest(guessed.id, [("ilse", 0.9)], model="photoclip-tiny", label_set="test")
    results = library.search("ilse", limit=50)
    assert {h.photo.id for h in results.hits[:3]} == {p.id for p in chosen}
    assert results.hits[0].matched == ("tag: grandma ilse",)
    assert guessed.id not in [h.photo.id for h in results.hits if h.matched]


def test_folder_filter_narrows_like_tag(library, pictures):
    vellmora = sorted(pictures[1]["2019 Vellmora trip"])
    assert sorted(paths(library.search("folder:vellmora", limit=50))) == vellmora
    narrowed = library.search("folder:2019 vellmora trip a shape", limit=50, strictness="all")
    assert sorted(paths(narrowed)) == vellmora and narrowed.query.terms[0].text == "a shape"
    assert sorted(paths(library.search('folder:"vellmora trip"', limit=50))) == vellmora
    wedding = sorted(pictures[1]["misc/Quistrel wedding/day 2"])  # a sub-folder's photos are in its parent
    assert sorted(paths(library.search("folder:quistrel", limit=50))) == wedding
    assert sorted(paths(library.search("folder:misc", limit=50))) == wedding
    assert library.search("folder:nowhere", limit=50).hits == []
    assert library.search("folder:vell", limit=50).hits == []  # whole words only
    # Left out: "-folder:" and, spaced, "- folder:" (which kept only that folder's photos), and "- tag:"
    every = set(paths(library.search("", limit=1000)))
    for query in ("-folder:vellmora", "- folder:vellmora", "a shape -folder:vellmora", "a shape - folder:vellmora"):
        found = set(paths(library.search(query, limit=1000, strictness="all")))
        assert found == every - set(vellmora), query
    photo = library.photo_at(wedding[0])
    library.tags.add(photo.id, "kept out")
    for query in ("a shape - tag:kept out", "a shape -tag:kept out"):
        found = set(paths(library.search(query, limit=1000, strictness="all")))
        assert found == every - {wedding[0]}, query


def _iptc_city(city: str) -> bytes:
    """A JPEG APP13 segment (Photoshop IRB 0x0404) holding IPTC City, as photo software writes it."""
    value = city.encode()
    record = b"\x1c\x02\x5a" + struct.pack(">H", len(value)) + value
    record += b"\0" * (len(record) % 2)
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(record)) + record
    payload = b"Photoshop 3.0\0" + block
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def _camera_jpeg(path, colour, seed, make, model, lens="", city=None, xmp=None):
    image = shapes.render(spec_for(colour, "circle", seed, (120, 300)))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = make, model
    if lens:
        exif.get_ifd(0x8769)[0xA434] = lens
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90, exif=exif.tobytes(), **({"xmp": xmp} if xmp else {}))
    if city:
        data = path.read_bytes()
        path.write_bytes(data[:2] + _iptc_city(city) + data[2:])
    return path


XMP_PLACE = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Reykjav&#237;k" '
    b'photoshop:Country="Iceland"/></rdf:RDF></x:xmpmeta>'
)


def test_camera_lens_and_place_from_the_files_metadata(library, pictures):
    folder = pictures[0] / "Cameras"
    lens = "XF16-80mmF4 R OIS WR"
    fuji = [_camera_jpeg(folder / f"F{k}.jpg", "red", 800 + k, "FUJIFILM", "X-T4", lens) for k in range(3)]
    canon = _camera_jpeg(folder / "C0.jpg", "blue", 810, "Canon", "Canon EOS R5", city="Trondheim")
    iceland = _camera_jpeg(folder / "C1.jpg", "green", 811, "Canon", "Canon EOS R5", xmp=XMP_PLACE)
    try:
        library.update()
        assert sorted(paths(library.search("camera:fuji", limit=50))) == sorted(fuji)
        assert sorted(paths(library.search("camera:canon eos a circle", limit=50, strictness="all"))) == sorted(
            [canon, iceland]
        )
        assert sorted(paths(library.search('camera:"x-t4"', limit=50))) == sorted(fuji)
        every = set(paths(library.search("", limit=1000)))
        for query in ("-camera:fuji", "a shape - camera:fuji"):
            assert set(paths(library.search(query, limit=1000, strictness="all"))) == every - set(fuji), query
        words = library.search("fujifilm", limit=50)
        assert set(paths(words)[:3]) == set(fuji) and words.hits[0].matched == ("camera: FUJIFILM X-T4",)
        assert set(paths(library.search("xf16", limit=50))[:3]) == set(fuji)  # the lens
        trondheim = library.search("trondheim", limit=50)  # IPTC City
        assert paths(trondheim)[0] == canon and trondheim.hits[0].matched == ("place: Trondheim",)
        assert paths(library.search("reykjavik", limit=50))[0] == iceland  # XMP photoshop:City
    finally:
        for path in [*fuji, canon, iceland]:
            path.unlink()
        folder.rmdir()
        library.update()


def test_names_that_are_not_utf8_are_searched_by_their_readable_words(library, pictures, tmp_path):
    if os.uname().sysname == "Darwin":
        pytest.skip("macOS file names are always UTF-8")
    odd = pictures[0] / os.fsdecode(b"Ostrava \xff\xfe trip")
    picture = write(odd, os.fsdecode(b"lidka\xe9_01"), spec_for("pink", "star", 901))
    try:
        library.update()
        found = library.search("ostrava", limit=50)
        assert paths(found)[0] == picture and found.hits[0].matched[0].startswith("folder: Ostrava")
        assert paths(library.search("lidka", limit=50))[0] == picture
        assert paths(library.search("folder:ostrava", limit=50)) == [picture]
    finally:
        picture.unlink()
        odd.rmdir()
        library.update()


def test_search_explain_says_where_the_words_were_found(library, pictures, capsys):
    argv = ["--library", str(library.paths.root), "--model", "photoclip-tiny"]
    assert cli([*argv, "search", "vellmora trip", "-n", "3", "--explain"]) == 0
    out = capsys.readouterr().out
    assert out.count("matched folder: 2019 Vellmora trip") == 3
    assert cli([*argv, "search", "folder:zurich", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted(r["path"] for r in rows) == sorted(str(p) for p in pictures[1]["Zürich 2020"])
    assert cli([*argv, "search", "zurich", "-n", "1", "--json", "--explain"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["matched"] == ["folder: Zürich 2020"]


def test_an_old_library_is_upgraded_and_its_photos_found_by_their_names(pictures, open_library, tmp_path):
    """A library indexed before names counted (catalog schema 4) finds photos by folder name
    after its next index run, which also reads the camera of photos indexed before."""
    root = pictures[0]
    camera = _camera_jpeg(root / "Old camera" / "P1.jpg", "yellow", 820, "OLYMPUS IMAGING CORP.", "E-M10")
    try:
        library = open_library(tmp_path / "old")
        library.add_root(root)
        library.update()
        library.close()
        # Take the catalog back to schema 4, as an older photoclip left it.
        path = library.paths.catalog
        conn = sqlite3.connect(path)
        conn.executescript(
            "DROP TABLE photo_words; ALTER TABLE photos DROP COLUMN camera; ALTER TABLE photos DROP COLUMN lens; "
            "ALTER TABLE photos DROP COLUMN place; DELETE FROM meta WHERE key = 'words_version'; "
            "PRAGMA user_version = 4;"
        )
        conn.close()
        library = open_library(tmp_path / "old")
        assert library.catalog.schema_version == len(MIGRATIONS)
        assert list((tmp_path / "old" / "backups").glob("catalog-v4-*.sqlite3"))
        before = library.search("vellmora", limit=50)
        assert before.notes and "next index run" in before.notes[-1]
        report = library.update()
        assert report.embedded == 0  # nothing was embedded again
        after = library.search("vellmora", limit=50)
        assert set(paths(after)[:6]) == set(pictures[1]["2019 Vellmora trip"]) and not after.notes
        assert paths(library.search("camera:olympus", limit=5)) == [camera]
    finally:
        camera.unlink()
        camera.parent.rmdir()


def test_a_new_catalog_has_its_words_and_keeps_them_through_moves_and_copies(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    root = catalog.add_root(tmp_path)
    catalog.add_pending(root.id, [("Lofoten 2018/IMG_1.jpg", 1, 1), ("Lofoten 2018/IMG_2.jpg", 1, 1)])
    first, second = (catalog.photo_by_path(tmp_path / "Lofoten 2018" / n).id for n in ("IMG_1.jpg", "IMG_2.jpg"))

    def words(photo_id):
        return {r[0] for r in catalog.query("SELECT word FROM photo_words WHERE photo_id = ?", (photo_id,))}

    assert words(first) == {"lofoten", "2018"}
    catalog.move_photo(first, root.id, "Senja/IMG_1.jpg", 1, 1)
    assert words(first) == {"senja"}
    from photoclip.core.records import PhotoMetadata

    meta = PhotoMetadata("f" * 32, 1, 1, 0.0, "file", camera="SONY ILCE-7M3", lens="FE 35mm F1.8", place="")
    catalog.store_indexed([(first, meta, np.ones(4, np.float32))], "m")
    assert {"sony", "ilce", "7m3", "fe", "35mm"} <= words(first)
    catalog.copy_photo_data(first, second)
    assert words(second) == {"lofoten", "2018", "sony", "ilce", "7m3", "fe", "35mm", "35", "mm", "f1"}
    catalog.delete_photos([first])
    assert words(first) == set()


def test_some_of_the_words_lift_only_photos_the_pixels_already_find(library, pictures):
    """The query "a red circle vellmora": a red circle of the Vellmora folder gets a third of the lift (one of
    the three words); the folder's other photos are no more listed than without the words."""
    from photoclip.core.metadata_match import LIFT

    inside = write(pictures[0] / "2019 Vellmora trip", "IMG_9001", spec_for("red", "circle", 9001))
    outside = [write(pictures[0] / "Camera Roll", f"IMG_90{k}", spec_for("red", "circle", 9010 + k)) for k in range(3)]
    try:
        library.update()
        on = library.search("a red circle vellmora", limit=100)
        off = library.search("a red circle vellmora", limit=100, match_metadata=False)
        assert set(paths(on)) == set(paths(off)) and {inside, *outside} <= set(paths(on))
        lifted, before = ({h.photo.path: h.score for h in r.hits} for r in (on, off))
        assert lifted[inside] == pytest.approx(before[inside] + LIFT / 3, abs=1e-4)
        assert all(lifted[p] == pytest.approx(before[p], abs=1e-6) for p in outside)
        assert paths(on)[0] == inside and on.hits[0].matched == ("folder: 2019 Vellmora trip",)
    finally:
        for path in [inside, *outside]:
            path.unlink()
        library.update()


def test_named_photos_are_found_beyond_the_graphs_nearest(library, pictures, monkeypatch):
    """A large library's graph search returns only the photos nearest to the query's pixels; the
    photos its words name are scored too."""
    from photoclip.core import search
    from photoclip.core.candidates import Candidates, find_candidates

    def few(*args, **options):
        found = find_candidates(*args, **options)
        return Candidates(found.ids[:5], found.vectors[:5], complete=False)

    monkeypatch.setattr(search, "find_candidates", few)
    found = library.search("vellmora", limit=50)
    assert set(pictures[1]["2019 Vellmora trip"]) <= set(paths(found))
