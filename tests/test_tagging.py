"""Zero-shot tagging: from the command line and the GUI, review, filters, XMP sidecars."""

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pictures import spec_for, write, write_neutral, write_set

from photoclip.cli.main import main as cli
from photoclip.core.search_results import SearchFilters
from photoclip.core.tag_store import TagStore
from photoclip.core.tagging import LabelSet, Tagger, builtin_label_sets, parse_labels
from photoclip.core.xmp import read_keywords, sidecar_path

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def tagged_folder(tmp_path, open_library):
    folder = tmp_path / "album"
    classes = write_set(folder, CLASSES, 3, seed=3)
    library = open_library()
    library.add_root(folder)
    library.update()
    return library, folder, classes


def test_parse_labels_accepts_commas_semicolons_and_lines():
    assert parse_labels("Beach, mountain;  city\nsnowy   peaks,beach") == ("beach", "mountain", "city", "snowy peaks")


def test_builtin_label_sets_are_large_enough():
    sets = builtin_label_sets()
    assert len(sets["everyday"].labels) >= 100
    assert {"receipt", "screenshot", "beach", "dog", "birthday party"} <= set(sets["everyday"].labels)
    assert len(sets["shapes"].labels) == 32


def test_tagging_an_album_gives_the_right_labels(tagged_folder):
    library, _folder, classes = tagged_folder
    report = Tagger(library).tag(library.catalog.filter_photo_ids().tolist(), builtin_label_sets()["shapes"])
    assert report.photos == 12 and report.tagged >= 10
    store = TagStore(library.catalog)
    right = given = 0
    for path, (colour, shape) in classes.items():
        tags = store.tags(library.catalog.photo_by_path(path).id)
        given += len(tags)
        right += sum(t.label == f"{colour} {shape}" for t in tags)
        assert all(t.source == "auto" and t.state == "suggested" and 0 < t.score <= 1 for t in tags)
    assert given and right / given >= 0.8


def test_a_rerun_tags_only_new_photos_unless_asked_to_redo(tagged_folder):
    library, folder, _classes = tagged_folder
    shapes_set = builtin_label_sets()["shapes"]
    tagger = Tagger(library)
    tagger.tag(library.catalog.filter_photo_ids().tolist(), shapes_set)
    write(folder, "late-arrival", spec_for("red", "circle", 777))
    library.update()
    again = tagger.tag(library.catalog.filter_photo_ids().tolist(), shapes_set)
    assert (again.photos, again.skipped) == (13, 12)
    redo = tagger.tag(library.catalog.filter_photo_ids().tolist(), shapes_set, redo=True)
    assert redo.skipped == 0


def test_a_rejected_tag_never_comes_back(tagged_folder):
    library, _folder, classes = tagged_folder
    store = TagStore(library.catalog)
    path = next(p for p, c in classes.items() if c == ("red", "circle"))
    photo_id = library.catalog.photo_by_path(path).id
    label_set = LabelSet("mine", ("red circle", "blue square"))
    Tagger(library).tag([photo_id], label_set)
    assert "red circle" in store.labels(photo_id)
    store.reject(photo_id, "red circle")
    store.add(photo_id, "holiday")
    Tagger(library).tag([photo_id], label_set, redo=True)
    assert "red circle" not in store.labels(photo_id)
    assert [t.label for t in store.tags(photo_id)] == ["holiday"]
    store.accept(photo_id, "red circle")  # the user may still change their mind
    assert "red circle" in store.labels(photo_id)


def test_a_picture_outside_the_label_set_gets_no_tag(tmp_path, open_library):
    folder = tmp_path / "odd"
    for k, colour in enumerate(("pink", "brown", "grey", "cyan")):
        write(folder, f"{colour}", spec_for(colour, "circle", 300 + k))
    library = open_library()
    library.add_root(folder)
    library.update()
    report = Tagger(library).tag(library.catalog.filter_photo_ids().tolist(), builtin_label_sets()["shapes"])
    assert report.tagged <= 1


def test_tags_filter_searches_and_combine_with_words(tagged_folder):
    library, _folder, classes = tagged_folder
    store = TagStore(library.catalog)
    beach = [library.catalog.photo_by_path(p).id for p, c in classes.items() if c[1] in ("circle", "square")]
    for photo_id in beach:
        store.add(photo_id, "Beach")
    tagged = library.search("tag:beach", limit=100)
    assert sorted(h.photo.id for h in tagged.hits) == sorted(beach)
    ranked = library.search("tag:beach a red circle", limit=3, strictness="all")
    assert all(h.photo.id in beach for h in ranked.hits)
    assert classes[ranked.hits[0].photo.path] == ("red", "circle")
    assert len(library.search("", filters=SearchFilters(tags=("beach",)), limit=100).hits) == len(beach)


def test_cli_tags_an_album_and_exports_xmp_sidecars(tagged_folder, capsys, tmp_path):
    library, folder, classes = tagged_folder
    library_dir = str(library.paths.root)
    library.close()
    photo = next(iter(sorted(classes)))
    sidecar = photo.with_name(photo.name + ".xmp")
    sidecar.write_text(  # a sidecar another program wrote before: its contents must survive
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="4">'
        '<dc:subject xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Bag><rdf:li>family</rdf:li></rdf:Bag>'
        "</dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    broken = sidecar_path(sorted(classes)[-1])
    broken.write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF>")  # half a file: reported, left alone
    before = {p: p.read_bytes() for p in [*classes, broken]}
    assert (
        cli(
            [
                "--library",
                library_dir,
                "--model",
                "photoclip-tiny",
                "tag",
                str(folder),
                "--label-set",
                "shapes",
                "--export-xmp",
                "--include-suggested",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert "of 12 photos tagged" in captured.out and "XMP sidecar" in captured.out
    assert f"The sidecar {broken} is not well-formed XML" in captured.err
    assert {p: p.read_bytes() for p in [*classes, broken]} == before  # the photos themselves untouched
    other = sorted(classes)[1]
    exiftool = shutil.which("exiftool")
    if exiftool is None:  # photoclip's own reader, and the standard library's parser for the rating
        subjects = read_keywords(sidecar)
        assert "family" in subjects and f"{classes[photo][0]} {classes[photo][1]}" in subjects
        description = ET.parse(sidecar).getroot().find(".//{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description")
        assert description.get("{http://ns.adobe.com/xap/1.0/}Rating") == "4"
        assert read_keywords(Path(str(other) + ".xmp"))
        return
    result = subprocess.run(
        [exiftool, "-json", "-XMP-dc:Subject", "-XMP-xmp:Rating", str(sidecar)],
        capture_output=True,
        text=True,
        check=True,
    )
    read = json.loads(result.stdout)[0]
    subjects = read["Subject"] if isinstance(read["Subject"], list) else [read["Subject"]]
    assert "family" in subjects and f"{classes[photo][0]} {classes[photo][1]}" in subjects
    assert read["Rating"] == 4
    read_other = json.loads(
        subprocess.run(
            [exiftool, "-json", "-XMP-dc:Subject", str(other) + ".xmp"], capture_output=True, text=True, check=True
        ).stdout
    )[0]
    assert read_other["Subject"]


def test_sidecars_follow_the_tag_review(tagged_folder, capsys):
    library, folder, _classes = tagged_folder
    Tagger(library).tag(library.catalog.filter_photo_ids().tolist(), builtin_label_sets()["shapes"])
    store = TagStore(library.catalog)
    photo = next(
        p.path for p in library.catalog.photos_by_ids(library.catalog.filter_photo_ids().tolist()) if store.tags(p.id)
    )
    library_dir = str(library.paths.root)
    library.close()
    sidecar = sidecar_path(photo)
    sidecar.write_text(  # the user's own keyword, written by another program
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:subject><rdf:Bag><rdf:li>family</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    args = ["--library", library_dir, "--model", "photoclip-tiny"]
    export = [*args, "tag", str(folder), "--label-set", "shapes", "--export-xmp"]

    assert cli(export) == 0
    assert read_keywords(sidecar) == ["family"]  # suggestions are not written unless asked for
    assert cli([*export, "--include-suggested"]) == 0
    written = read_keywords(sidecar)
    suggested = written[1:]
    assert written[0] == "family" and suggested

    capsys.readouterr()
    assert cli([*args, "tags", str(photo), "--reject", suggested[0]]) == 0
    assert f"Updated the XMP sidecar {sidecar}" in capsys.readouterr().out
    assert read_keywords(sidecar) == ["family", *suggested[1:]]  # the rest wait for their review
    assert cli([*args, "tags", str(photo), "--add", "Holiday"]) == 0
    assert read_keywords(sidecar) == ["family", *suggested[1:], "holiday"]

    assert cli(export) == 0  # exported again without suggestions: only what the user reviewed stays
    assert read_keywords(sidecar) == ["family", "holiday"]


def test_cli_review_with_tags_command(tagged_folder, capsys):
    library, _folder, classes = tagged_folder
    path = next(p for p, c in classes.items() if c == ("blue", "square"))
    library_dir = str(library.paths.root)
    library.close()
    args = ["--library", library_dir, "--model", "photoclip-tiny"]
    assert cli([*args, "tags", str(path), "--add", "Sea side"]) == 0
    assert "sea side" in capsys.readouterr().out
    assert cli([*args, "tags", str(path), "--reject", "sea side"]) == 0
    assert "sea side" not in capsys.readouterr().out


def test_tagging_a_folder_that_is_not_there_says_so(tagged_folder, capsys):
    """A mistyped sub-folder of a watched folder said "Tagging 0 photos of …" and tagged nothing."""
    library, folder, _classes = tagged_folder
    library_dir = str(library.paths.root)
    library.close()
    code = cli(["--library", library_dir, "tag", str(folder / "nonexist"), "--labels", "red"])
    err = capsys.readouterr().err
    assert code == 1 and "There is no folder" in err and "Tagging 0 photos" not in err, err


def test_a_photo_whose_picture_changed_loses_the_suggestions_made_for_the_old_one(tmp_path, open_library):
    """A tester overwrote red_circle_0002.jpg with a green circle and indexed again: it still
    suggested "red circle", a search for tag:"red circle" found it, and tagging again skipped it
    ("already tagged"). What the person accepted or added stays."""
    import os

    from photoclip.core.tagging import Tagger, builtin_label_sets

    folder = tmp_path / "photos"
    truth = write_neutral(folder, [("red", "circle"), ("blue", "square"), ("yellow", "star")], 8)
    library = open_library()
    library.add_root(folder)
    library.update()
    shapes = builtin_label_sets()["shapes"]
    ids = library.catalog.filter_photo_ids().tolist()
    Tagger(library).tag(ids, shapes)
    name = next(n for n, what in truth.items() if what == ("red", "circle"))
    photo = library.require_photo(folder / name)
    assert "red circle" in library.tags.labels(photo.id)
    library.tags.add(photo.id, "holiday")

    changed = write(folder, "green", spec_for("green", "triangle", 77, fmt="JPEG"))
    os.replace(changed, folder / name)  # the same name, another picture
    library.update()
    labels = library.tags.labels(photo.id)
    assert "red circle" not in labels and "holiday" in labels, labels
    assert photo.id not in {hit.photo.id for hit in library.search('tag:"red circle"', limit=100).hits}
    Tagger(library).tag(ids, shapes)  # not "already tagged": it is looked at again
    assert "green triangle" in library.tags.labels(photo.id), library.tags.labels(photo.id)

    # overwritten with another library photo's bytes: read as a copy of it, never embedded again
    circles = [n for n, what in truth.items() if what == ("red", "circle") and n != name]
    other = library.require_photo(folder / circles[0])
    square = next(n for n, what in truth.items() if what == ("blue", "square"))
    assert "red circle" in library.tags.labels(other.id)
    shutil.copyfile(folder / square, folder / other.path.name)
    assert library.update().copied == 1
    assert "red circle" not in library.tags.labels(other.id)
    Tagger(library).tag(ids, shapes)
    assert "blue square" in library.tags.labels(other.id), library.tags.labels(other.id)
