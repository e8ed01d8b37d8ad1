"""A watched folder that goes away while ``index`` runs: said so, its photos kept and left to do."""

import pytest
from pictures import write_set

from photoclip.cli.common import summarise
from photoclip.core import indexer
from photoclip.core.index_progress import Phase
from photoclip.core.tag_store import TagStore
from photoclip.gui.status_line import run_message

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def vanishing(tmp_path, open_library):
    """A library watching ``vanish/`` (40 small photos), read four at a time by one thread."""
    folder = tmp_path / "vanish"
    write_set(folder, CLASSES, 10, size_range=(96, 128))
    library = open_library()
    library.settings.set("batch_size", 4)
    library.settings.set("decode_workers", 1)
    library.add_root(folder)
    return folder, tmp_path / "vanish_gone", library


def test_a_folder_moved_away_mid_run_is_reported_with_the_photos_left_for_when_it_is_back(vanishing):
    folder, gone, library = vanishing

    def progress(p):  # the user moves the folder away once the first batch is in
        if p.phase == Phase.INDEXING and p.done == 4 and folder.exists():
            folder.rename(gone)

    report = library.update(progress=progress)
    assert 4 <= report.embedded < 40 and report.deleted == 0
    left = 40 - report.embedded
    assert report.went_offline == {str(folder): left}
    said = summarise(report, "photoclip-tiny")
    assert f"offline: {folder} went missing during the run — {left} photos left to index" in said
    assert run_message(report) == f"{folder} went offline during indexing: {left} photos left for when it is back."
    status = library.status()
    assert status.offline_roots == 1 and status.photos == 40

    gone.rename(folder)  # moved back: the next run carries on where this one was cut off
    again = library.update()
    assert again.embedded == left and again.deleted == 0 and not again.went_offline
    assert library.status().embedded == 40


def test_a_folder_that_vanishes_between_its_check_and_its_walk_keeps_its_photos(vanishing, monkeypatch):
    folder, gone, library = vanishing
    assert library.update().embedded == 40
    photo = library.catalog.photo_by_path(next(folder.iterdir()))
    TagStore(library.catalog).add(photo.id, "mine")
    real_diff_root = indexer.diff_root

    def diff_root(catalog, root, under=""):  # unplugged just after the scan saw the folder there
        if folder.exists():
            folder.rename(gone)
        return real_diff_root(catalog, root, under)

    monkeypatch.setattr(indexer, "diff_root", diff_root)
    report = library.update()
    assert report.deleted == 0  # "40 removed" before: the walk of a missing folder lists nothing
    assert library.status().photos == 40 and library.status().offline_roots == 1

    monkeypatch.undo()
    gone.rename(folder)
    again = library.update()
    assert again.deleted == 0 and again.unchanged == 40
    assert TagStore(library.catalog).labels(photo.id) == ["mine"]


@pytest.mark.parametrize("part", ["", "sub"])
def test_a_folder_gone_during_its_walk_and_back_before_the_run_ends_keeps_its_photos(vanishing, monkeypatch, part):
    """The walk of a missing watched folder listed nothing and said nothing; back by the end of the
    run, its folder was online, so every photo counted as deleted (tags back by fingerprint only,
    vectors computed again). The watcher's scan of a sub-folder (``part``) did the same."""
    folder, gone, library = vanishing
    (folder / "sub").mkdir()
    for path in sorted(folder.glob("red-*")):
        path.rename(folder / "sub" / path.name)
    assert library.update().embedded == 40
    photo = library.catalog.photo_by_path(next((folder / "sub").iterdir()))
    TagStore(library.catalog).add(photo.id, "mine")
    real_diff_root = indexer.diff_root

    def diff_root(catalog, root, under=""):  # unplugged for the walk only
        folder.rename(gone)
        try:
            return real_diff_root(catalog, root, under)
        finally:
            gone.rename(folder)

    monkeypatch.setattr(indexer, "diff_root", diff_root)
    root = library.catalog.roots()[0]
    report = library.update(under={root.id: [part]} if part else None)
    assert report.deleted == 0 and library.status().photos == 40, report

    monkeypatch.undo()
    again = library.update()
    assert again.deleted == 0 and again.embedded == 0 and again.unchanged == 40
    assert library.catalog.photo_by_path(photo.path).id == photo.id
    assert TagStore(library.catalog).labels(photo.id) == ["mine"]
