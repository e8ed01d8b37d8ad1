"""XMP sidecars written for real photos of a real library: other programs' sidecars, bad sidecars, bad labels.

The sidecars are read back with the standard library's own XML parser, not only with photoclip's.
"""

import os
import xml.etree.ElementTree as ET

import pytest
from pictures import write_set

from photoclip.core.tag_store import TagStore
from photoclip.core.xmp import read_keywords, sidecar_path
from photoclip.core.xmp_export import export_sidecars
from photoclip.core.xmp_packet import MAX_SIDECAR_BYTES

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DC = "http://purl.org/dc/elements/1.1/"
HEAD = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:Rating="4"'
)
TAIL = "</rdf:RDF></x:xmpmeta>"


@pytest.fixture
def photos(tmp_path, open_library):
    """A library of five photos, each with the user's tag "holiday"."""
    folder = tmp_path / "album"
    paths = sorted(write_set(folder, [("red", "circle"), ("blue", "square")], 3, seed=5))[:5]
    for extra in set(folder.iterdir()) - set(paths):
        extra.unlink()
    library = open_library()
    library.add_root(folder)
    library.update()
    store = TagStore(library.catalog)
    ids = [library.catalog.photo_by_path(p).id for p in paths]
    for photo_id in ids:
        store.add(photo_id, "holiday")
    return library, store, paths, ids


def parsed(sidecar):
    return ET.parse(sidecar).getroot()


def subjects(root):
    return root.findall(f".//{{{DC}}}subject")


@pytest.mark.parametrize("kind", ["Seq", "Alt"])
def test_keywords_go_into_an_existing_seq_or_alt(photos, kind):
    library, _store, paths, ids = photos
    sidecar = sidecar_path(paths[0])
    sidecar.write_text(
        HEAD + f"><dc:subject xmlns:dc='{DC}'><rdf:{kind}><rdf:li>family</rdf:li><rdf:li>Beach</rdf:li></rdf:{kind}>"
        "</dc:subject></rdf:Description>" + TAIL
    )
    report = export_sidecars(library.catalog, ids[:1])
    assert report.written == [sidecar]
    found = subjects(parsed(sidecar))
    assert len(found) == 1 and [c.tag for c in found[0]] == [f"{{{RDF}}}{kind}"]
    assert [li.text for li in found[0][0]] == ["family", "Beach", "holiday"]


def test_keywords_in_a_second_description_are_merged_there(photos):
    library, _store, paths, ids = photos
    sidecar = sidecar_path(paths[0])
    sidecar.write_text(
        HEAD + f'/><rdf:Description rdf:about="" xmlns:dc="{DC}"><dc:subject><rdf:Bag><rdf:li>family</rdf:li>'
        "</rdf:Bag></dc:subject></rdf:Description>" + TAIL
    )
    export_sidecars(library.catalog, ids[:1])
    root = parsed(sidecar)
    first, second = root.findall(f".//{{{RDF}}}Description")
    assert first.get("{http://ns.adobe.com/xap/1.0/}Rating") == "4" and not subjects(first)
    assert len(subjects(root)) == 1 and len(subjects(second)[0]) == 1
    assert [li.text for li in subjects(second)[0][0]] == ["family", "holiday"]


def test_a_label_with_a_control_character_is_reported_not_written(photos):
    library, store, paths, ids = photos
    store.add(ids[0], "odd\x01label")
    report = export_sidecars(library.catalog, ids[:1])
    sidecar = sidecar_path(paths[0])
    root = parsed(sidecar)  # well-formed: the standard parser reads it
    assert [li.text for subject in subjects(root) for container in subject for li in container] == ["holiday"]
    assert "\x01" not in sidecar.read_text()
    assert report.refused == [(paths[0], "odd\x01label")]
    assert any("control characters" in line and "photoclip tags" in line for line in report.problems())


def test_unsafe_sidecars_are_skipped_reported_and_left_as_they_were(photos, tmp_path):
    library, _store, paths, ids = photos
    broken, bomb, to_device, to_elsewhere, huge = (sidecar_path(p) for p in paths[:5])
    broken.write_text(HEAD + "><dc:subject>" + TAIL)
    lol = "&lol9;"
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    bomb.write_text(f'<?xml version="1.0"?><!DOCTYPE x:xmpmeta [{entities}]>' + HEAD + f' xmp:Label="{lol}"/>' + TAIL)
    to_device.symlink_to("/dev/zero")
    elsewhere = tmp_path / "elsewhere.xmp"
    elsewhere.write_text(HEAD + "/>" + TAIL)
    to_elsewhere.symlink_to(elsewhere)
    with open(huge, "w") as out:  # valid XMP, padded past the bound
        out.write(HEAD + "/>" + TAIL)
        out.write(" " * (MAX_SIDECAR_BYTES + 1 - out.tell()))
    before = {p: p.read_bytes() for p in (broken, bomb, elsewhere, huge)}
    later = paths[0].with_name("zz-last.png")
    later.write_bytes(paths[0].read_bytes())
    library.update()
    last_id = library.catalog.photo_by_path(later).id
    TagStore(library.catalog).add(last_id, "holiday")

    report = export_sidecars(library.catalog, [*ids, last_id])

    assert read_keywords(sidecar_path(later)) == ["holiday"]  # the photo after the bad ones was exported
    assert report.written == [sidecar_path(later)]
    assert len(report.skipped) == 5
    reasons = dict(zip((broken, bomb, to_device, to_elsewhere, huge), report.skipped, strict=True))
    for sidecar, reason in reasons.items():
        assert str(sidecar) in reason and "left" in reason
    assert "not well-formed" in reasons[broken]
    assert "DTD" in reasons[bomb]
    assert "symbolic link" in reasons[to_device] and "symbolic link" in reasons[to_elsewhere]
    assert "larger than" in reasons[huge]
    assert {p: p.read_bytes() for p in (broken, bomb, elsewhere, huge)} == before
    assert os.readlink(to_device) == "/dev/zero" and os.readlink(to_elsewhere) == str(elsewhere)
    assert any(str(broken) in line for line in report.problems())


def test_other_programs_namespaces_and_keywords_survive(photos):
    library, _store, paths, ids = photos
    sidecar = sidecar_path(paths[0])
    sidecar.write_text(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:digiKam="http://www.digikam.org/ns/1.0/" '
        f'xmlns:lr="http://ns.adobe.com/lightroom/1.0/" xmlns:dc="{DC}">'
        "<!-- written by digiKam -->"
        "<digiKam:TagsList><rdf:Seq><rdf:li>People/Family</rdf:li></rdf:Seq></digiKam:TagsList>"
        "<lr:hierarchicalSubject><rdf:Bag><rdf:li>People|Family</rdf:li></rdf:Bag></lr:hierarchicalSubject>"
        "<dc:subject><rdf:Bag><rdf:li>Family</rdf:li></rdf:Bag></dc:subject>"
        "</rdf:Description>" + TAIL
    )
    export_sidecars(library.catalog, ids[:1])
    text = sidecar.read_text()
    assert 'xmlns:digiKam="http://www.digikam.org/ns/1.0/"' in text and "<digiKam:TagsList>" in text
    assert 'xmlns:lr="http://ns.adobe.com/lightroom/1.0/"' in text and "<!-- written by digiKam -->" in text
    root = parsed(sidecar)
    assert [li.text for li in root.find(".//{http://www.digikam.org/ns/1.0/}TagsList")[0]] == ["People/Family"]
    assert read_keywords(sidecar) == ["Family", "holiday"]


def test_only_reviewed_tags_are_written_and_a_rejected_one_is_taken_back(photos):
    library, store, paths, ids = photos
    sidecar = sidecar_path(paths[0])
    sidecar.write_text(  # the user's own "Beach", written in another program before photoclip
        HEAD + f"><dc:subject xmlns:dc='{DC}'><rdf:Bag><rdf:li>Beach</rdf:li></rdf:Bag></dc:subject>"
        "</rdf:Description>" + TAIL
    )
    store.suggest(ids[0], [("red circle", 0.9), ("sunset", 0.5)], model="photoclip-tiny", label_set="mine")
    store.add(ids[0], "beach")
    export_sidecars(library.catalog, ids[:1])
    assert read_keywords(sidecar) == ["Beach", "holiday"]  # suggestions not written; "beach" is there already
    export_sidecars(library.catalog, ids[:1], include_suggested=True)
    assert read_keywords(sidecar) == ["Beach", "holiday", "red circle", "sunset"]
    store.reject(ids[0], "red circle")
    store.reject(ids[0], "beach")  # photoclip's tag goes; the user's own keyword was never photoclip's
    store.reject(ids[0], "holiday")
    export_sidecars(library.catalog, ids[:1])
    assert read_keywords(sidecar) == ["Beach"]
    assert parsed(sidecar).find(".//{http://ns.adobe.com/xap/1.0/}Rating") is None  # an attribute, kept as one
    assert parsed(sidecar).find(f".//{{{RDF}}}Description").get("{http://ns.adobe.com/xap/1.0/}Rating") == "4"


def test_no_sidecar_is_made_for_a_photo_without_accepted_tags(photos):
    library, store, paths, ids = photos
    store.reject(ids[1], "holiday")
    store.suggest(ids[1], [("red circle", 0.9)], model="photoclip-tiny", label_set="mine")
    report = export_sidecars(library.catalog, ids[1:2])
    assert not sidecar_path(paths[1]).exists() and report.written == []
