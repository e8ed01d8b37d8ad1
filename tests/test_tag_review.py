"""Reviewing tags in bulk and editing tags and collections as a whole, through Library: a real
catalog, photos tagged by the real small model, and XMP sidecars that follow every edit."""

import pytest
from pictures import write_set

from photoclip.core import tag_edits
from photoclip.core.errors import PhotoclipError
from photoclip.core.records import TagState
from photoclip.core.tagging import builtin_label_sets
from photoclip.core.xmp import read_keywords, sidecar_path, written_keywords

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def tagged(tmp_path, open_library):
    """12 pictures (3 of each class), indexed and zero-shot tagged with the 'shapes' label set."""
    folder = tmp_path / "album"
    classes = write_set(folder, CLASSES, 3, seed=3)
    library = open_library()
    library.add_root(folder)
    library.update()
    library.tag_photos(library.album(None).photo_ids, builtin_label_sets()["shapes"])
    ids = {library.photo_at(path).id: c for path, c in classes.items()}
    return library, folder, ids


def states(library, label):
    """photo id -> state of ``label`` on it (rejected included)."""
    return {
        pid: tag.state
        for pid in library.album(None).photo_ids
        for tag in library.tags.tags(pid, include_rejected=True)
        if tag.label == label
    }


def test_a_tags_suggestions_are_accepted_and_rejected_in_bulk(tagged):
    library, _folder, ids = tagged
    queue = library.tags_to_review()
    assert queue and all(t.suggested and not t.accepted for t in queue)
    label = queue[0].label
    suggested = library.suggestions(label)
    assert len(suggested) == queue[0].suggested >= 2
    assert [s.score for s in suggested] == sorted((s.score for s in suggested), reverse=True)

    first, *rest = [s.photo_id for s in suggested]
    accepted = library.accept_suggestions(label, [first])
    assert accepted.photo_ids == (first,)
    summary = next(t for t in library.tag_summaries() if t.label == label)
    assert (summary.accepted, summary.suggested) == (1, len(rest))

    rejected = library.reject_suggestions(label)  # all that are left; the accepted one stays
    assert rejected.photo_ids == tuple(sorted(rest))
    assert states(library, label) == {first: "accepted", **{pid: "rejected" for pid in rest}}
    assert library.suggestions(label) == []
    assert label not in [t.label for t in library.tags_to_review()]
    # a new tagging run never suggests it again to the photos where it was rejected
    library.tag_photos(list(ids), builtin_label_sets()["shapes"], redo=True)
    assert states(library, label) == {first: "accepted", **{pid: "rejected" for pid in rest}}


def test_an_albums_review_lists_only_its_photos(tagged):
    library, folder, _ids = tagged
    album = library.album(str(folder))
    some = album.photo_ids[:5]
    listed = library.photos_with_suggestions(some)
    assert listed and {pid for pid, _ in listed} <= set(some)
    for pid, found in listed:
        assert all(s.photo_id == pid for s in found)
        assert {s.label for s in found} == {t.label for t in library.tags.tags(pid) if t.state == "suggested"}
    in_album = library.tags_to_review(some)
    assert sum(t.suggested for t in in_album) == sum(len(found) for _, found in listed)
    label = in_album[0].label
    assert {s.photo_id for s in library.suggestions(label, some)} <= set(some)


def test_renaming_a_tag_and_the_errors_that_say_what_to_do(tagged):
    library, _folder, ids = tagged
    red = [pid for pid, c in ids.items() if c == ("red", "circle")]
    for pid in red:
        library.tags.add(pid, "Sunny")
    change = library.rename_tag("sunny", "Summer Holiday")
    assert change.into == "summer holiday" and set(change.photo_ids) == set(red)
    assert states(library, "sunny") == {}
    assert states(library, "summer holiday") == dict.fromkeys(red, "accepted")
    assert library.tags.tags(red[0])[0].source == "user"

    with pytest.raises(PhotoclipError, match="at least one letter"):
        library.rename_tag("summer holiday", "   ")
    with pytest.raises(PhotoclipError, match="No photo has the tag 'winter'"):
        library.rename_tag("winter", "snow")
    with pytest.raises(PhotoclipError, match="already called"):
        library.rename_tag("summer holiday", "Summer  HOLIDAY")
    other = next(t.label for t in library.tag_summaries() if t.label != "summer holiday")
    with pytest.raises(PhotoclipError, match=f"already a tag '{other}'.*Merge"):
        library.rename_tag("summer holiday", other)
    assert states(library, "summer holiday") == dict.fromkeys(red, "accepted")  # refused: nothing changed


def test_merged_tags_combine_accepted_over_rejected_over_suggested(tagged):
    library, _folder, ids = tagged
    a, b, c, d, e = list(ids)[:5]
    store = library.tags
    for pid, label, score in [(a, "sea", 0.3), (a, "ocean", 0.5), (b, "sea", 0.2), (b, "ocean", 0.4)]:
        store.suggest(pid, [(label, score)], model="m", label_set="test")
    store.suggest(c, [("sea", 0.3), ("ocean", 0.3)], model="m", label_set="test")
    store.suggest(d, [("ocean", 0.6)], model="m", label_set="test")
    store.reject(b, "ocean")  # b: sea suggested, ocean rejected -> rejected
    store.accept(c, "sea")  # c: sea accepted, ocean suggested -> accepted
    store.suggest(e, [("sea", 0.2)], model="m", label_set="test")
    store.reject(e, "sea")
    store.add(e, "ocean")  # e: sea rejected, ocean the user's own -> accepted, the user's
    change = library.merge_tags(["sea", "ocean"], "Seaside")
    assert set(change.photo_ids) == {a, b, c, d, e}
    assert states(library, "sea") == states(library, "ocean") == {}
    assert states(library, "seaside") == {a: "suggested", b: "rejected", c: "accepted", d: "suggested", e: "accepted"}
    tag = {pid: next(t for t in store.tags(pid, include_rejected=True) if t.label == "seaside") for pid in (a, e)}
    assert tag[a].score == pytest.approx(0.5) and tag[a].source == "auto"  # the best suggestion's score
    assert tag[e].source == "user" and tag[e].score is None
    # renaming onto an existing tag merges only when asked
    store.suggest(a, [("coast", 0.9)], model="m", label_set="test")
    with pytest.raises(PhotoclipError):
        library.rename_tag("coast", "seaside")
    library.rename_tag("coast", "seaside", merge=True)
    assert states(library, "seaside")[a] == "suggested"
    assert next(t for t in store.tags(a) if t.label == "seaside").score == pytest.approx(0.9)


def test_deleting_a_tag_keeps_what_was_rejected(tagged):
    library, _folder, ids = tagged
    label = library.tags_to_review()[0].label
    photos = [s.photo_id for s in library.suggestions(label)]
    library.reject_suggestions(label, photos[:1])
    library.accept_suggestions(label, photos[1:2])
    change = library.delete_tag(label)
    assert change.into is None and set(change.photo_ids) == set(photos[1:])
    assert states(library, label) == {photos[0]: "rejected"}
    assert label not in [t.label for t in library.tag_summaries()]
    with pytest.raises(PhotoclipError, match="No photo has the tag"):
        library.delete_tag(label)
    library.tag_photos(list(ids), builtin_label_sets()["shapes"], redo=True)
    assert states(library, label)[photos[0]] == "rejected"  # never suggested there again


def test_an_edit_is_all_or_nothing(tagged, monkeypatch):
    library, _folder, _ids = tagged
    label = library.tags_to_review()[0].label
    before = states(library, label)
    library.tags.create_collection("Finds", f"tag:{label}")

    def broken(*_args):
        raise OSError("disk gone half-way")

    monkeypatch.setattr(tag_edits, "_rename_in_saved_searches", broken)
    with pytest.raises(OSError):
        library.rename_tag(label, "renamed")
    assert states(library, label) == before and states(library, "renamed") == {}
    assert library.tags.collection("Finds").query == f"tag:{label}"


def test_saved_searches_follow_a_renamed_tag(tagged):
    library, _folder, ids = tagged
    red = [pid for pid, c in ids.items() if c == ("red", "circle")]
    for pid in red:
        library.tags.add(pid, "red circle")
    library.tags.add(red[0], "red")
    library.tags.create_collection("Reds", "tag:red circle")
    library.tags.create_collection("Quoted", 'tag:"red circle" -blue')
    library.tags.create_collection("Only red", "tag:red")
    change = library.rename_tag("red circle", "scarlet disc", merge=False)
    assert set(change.saved_searches) == {"Reds", "Quoted"}
    assert library.tags.collection("Reds").query == 'tag:"scarlet disc"'
    assert library.tags.collection("Quoted").query == 'tag:"scarlet disc" -blue'
    assert library.tags.collection("Only red").query == "tag:red"  # another tag
    assert sorted(library.collection_album("Reds").photo_ids) == sorted(red)
    assert tag_edits.rename_in_query("sunset -tag:beach", "beach", "sea side") == 'sunset -tag:"sea side"'
    assert tag_edits.rename_in_query("tag:green circle", "green", "lime", ["green circle", "green"]) == (
        "tag:green circle"
    )


def test_kept_tags_of_a_deleted_photo_follow_a_rename(tagged, tmp_path):
    library, _folder, ids = tagged
    photo = library.photo(next(iter(ids)))
    library.tags.add(photo.id, "keeper")
    library.tags.add(photo.id, "gone soon")
    moved = tmp_path / "aside.png"
    photo.path.rename(moved)
    library.update()
    library.tags.add(next(iter(ids.keys() - {photo.id})), "keeper")  # the tag still exists on another photo
    library.tags.add(next(iter(ids.keys() - {photo.id})), "gone soon")
    library.rename_tag("keeper", "treasure")
    library.delete_tag("gone soon")
    moved.rename(photo.path)
    library.update()
    back = library.photo_at(photo.path)
    assert [t.label for t in library.tags.tags(back.id) if t.source == "user"] == ["treasure"]


def test_collections_are_renamed_deleted_and_photos_taken_out(tagged):
    library, _folder, ids = tagged
    picked = list(ids)[:4]
    store = library.tags
    store.add_to_collection(store.create_collection("Trip"), picked)
    store.create_collection("Reds", "a red circle")
    assert library.rename_collection("Trip", "  Summer trip ").name == "Summer trip"
    assert store.collection("Trip") is None
    assert library.collection_album("Summer trip").photo_ids == sorted(picked)
    with pytest.raises(PhotoclipError, match="already a collection called 'Reds'"):
        library.rename_collection("Summer trip", "Reds")
    with pytest.raises(PhotoclipError, match="needs a name"):
        library.rename_collection("Summer trip", " ")
    with pytest.raises(PhotoclipError, match="No collection named 'Nope'"):
        library.rename_collection("Nope", "Yes")

    assert library.remove_from_collection("Summer trip", [*picked[:2], 10**9]) == 2
    assert library.collection_album("Summer trip").photo_ids == sorted(picked[2:])
    with pytest.raises(PhotoclipError, match="saved search"):
        library.remove_from_collection("Reds", picked)

    assert library.delete_collection("Summer trip") == 2
    assert [c.name for c in store.collections()] == ["Reds"]
    assert len(library.album(None).photo_ids) == len(ids)  # the photos stay


def export_with_suggestions(library, photo_id, others=("family",)):
    """A sidecar another program wrote (``others``), then photoclip's export with suggestions."""
    photo = library.photo(photo_id)
    keywords = "".join(f"<rdf:li>{k}</rdf:li>" for k in others)
    sidecar_path(photo.path).write_text(
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:subject><rdf:Bag>{keywords}</rdf:Bag></dc:subject></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    library.export_xmp([photo_id], include_suggested=True)
    return sidecar_path(photo.path)


def test_sidecars_follow_rename_merge_delete_and_bulk_review(tagged):
    library, _folder, ids = tagged
    a, b = list(ids)[:2]
    store = library.tags
    store.suggest(a, [("sea", 0.4), ("dune", 0.3), ("sky", 0.2)], model="m", label_set="test")
    store.add(a, "walk")
    store.add(b, "walk")
    sidecar = export_with_suggestions(library, a, others=("family", "sky"))
    assert {"family", "sea", "dune", "walk"} <= set(read_keywords(sidecar))
    assert "sky" not in (written_keywords(sidecar) or [])  # another program's: not photoclip's

    change = library.rename_tag("sea", "Seaside")  # an unreviewed suggestion photoclip wrote on request
    assert change.sidecars_written == 1 and not change.sidecar_problems
    keywords = read_keywords(sidecar)
    assert "seaside" in keywords and "sea" not in keywords and "family" in keywords

    library.merge_tags(["walk"], "hike")
    keywords = read_keywords(sidecar)
    assert "hike" in keywords and "walk" not in keywords
    assert not sidecar_path(library.photo(b).path).exists()  # no sidecar is made where there was none

    library.reject_suggestions("dune", [a])
    assert "dune" not in read_keywords(sidecar)
    library.accept_suggestions("seaside", [a])
    library.delete_tag("hike")
    library.delete_tag("sky")  # photoclip's tag "sky" goes; the keyword another program wrote stays
    keywords = read_keywords(sidecar)
    assert "hike" not in keywords and "seaside" in keywords
    assert keywords.count("sky") == 1 and "family" in keywords

    # the window's way: the edit first, the sidecars after, in the background
    quiet = library.rename_tag("seaside", "shore", follow_sidecars=False)
    assert "seaside" in read_keywords(sidecar) and quiet.sidecars_written == 0
    report = library.follow_sidecars(quiet.photo_ids, quiet.renamed)
    assert report.written == [sidecar]
    assert "shore" in read_keywords(sidecar) and "seaside" not in read_keywords(sidecar)


def test_merge_rules_on_plain_rows():
    rows = [
        {
            "label": "a",
            "source": "auto",
            "score": 0.2,
            "state": "suggested",
            "model": "m1",
            "label_set": "x",
            "added_at": 5,
        },
        {
            "label": "b",
            "source": "auto",
            "score": 0.7,
            "state": "suggested",
            "model": "m2",
            "label_set": "y",
            "added_at": 3,
        },
    ]
    merged = tag_edits.combine(rows, "c")
    assert (merged["label"], merged["state"], merged["score"], merged["model"], merged["added_at"]) == (
        "c",
        TagState.SUGGESTED,
        0.7,
        "m2",
        3,
    )
    rows[0]["state"] = "rejected"
    assert tag_edits.combine(rows, "c")["state"] == "rejected"
    rows[1]["state"] = "accepted"
    assert tag_edits.combine(rows, "c")["state"] == "accepted"


def test_a_review_of_nothing_changes_nothing(tagged):
    library, _folder, _ids = tagged
    assert library.accept_suggestions("no such tag").photo_ids == ()
    assert library.reject_suggestions("no such tag", []).photo_ids == ()
