"""Links named like photos whose target is missing: skipped files, never offline folders."""

import os
import shutil

from pictures import spec_for, write

from photoclip.cli.main import main
from photoclip.gui.status_line import offline_details, status_text


def _library_with_links(tmp_path, open_library):
    """A watched folder holding a photo, a link to a photo on a USB drive, three links to photos
    that are nowhere, and a link to a folder on the drive that is not there."""
    folder = tmp_path / "photos"
    drive = tmp_path / "usb"
    write(folder, "home", spec_for("green", "star", 1))
    os.symlink(write(drive, "beach", spec_for("red", "circle", 2)), folder / "beach.png")
    for k in range(3):
        os.symlink(tmp_path / "nowhere" / f"{k}.jpg", folder / f"dangling-{k}.jpg")
    os.symlink(drive / "trip", folder / "trip")
    library = open_library()
    library.add_root(folder)
    return folder, drive, library


def test_links_to_missing_photos_are_skipped_files_not_offline_folders(tmp_path, open_library, capsys):
    folder, _drive, library = _library_with_links(tmp_path, open_library)
    report = library.update()
    assert report.embedded == 2
    assert sorted(os.path.basename(s.partition(":")[0]) for s in report.skipped) == [
        f"dangling-{k}.jpg" for k in range(3)
    ]
    assert [e.partition(":")[0] for e in report.walk_errors] == [str(folder / "trip")]  # the folder link only

    status = library.status()
    assert status.offline_folders == 1  # trip/, not the three links ("4 folders offline" before)
    assert [(u.path, u.photos) for u in status.roots[0].missing_photos] == [(f"dangling-{k}.jpg", 0) for k in range(3)]
    text = status_text(status, status.model)
    assert "1 folder offline" in text  # the window's count
    assert offline_details(status)[0] == f"Offline: {folder}/trip (link target missing (drive unplugged?))"

    assert main(["--library", str(tmp_path / "library"), "--model", "photoclip-tiny", "status"]) == 0
    said = capsys.readouterr().out
    assert "dangling-0.jpg/" not in said and said.count("OFFLINE") == 1
    assert "missing        0    dangling-0.jpg  (link target missing; skipped)" in said


def test_a_photo_whose_link_lost_its_target_is_kept_offline_until_it_is_back(tmp_path, open_library):
    folder, drive, library = _library_with_links(tmp_path, open_library)
    library.update()
    photo = library.catalog.photo_by_path(folder / "beach.png")
    shutil.move(drive, tmp_path / "unplugged")  # the link now points nowhere

    report = library.update()
    assert report.deleted == 0
    kept = library.catalog.photo_by_path(folder / "beach.png")
    assert kept is not None and kept.id == photo.id and not kept.online
    assert any(h.photo.id == photo.id for h in library.search("a red circle", limit=2).hits)
    status = library.status()
    assert status.offline_folders == 1 and ("beach.png", 1) in [
        (u.path, u.photos) for u in status.roots[0].missing_photos
    ]
    assert "1 folder offline" in status_text(status, status.model)

    shutil.move(tmp_path / "unplugged", drive)  # plugged in again
    report = library.update()
    assert report.deleted == 0 and report.embedded == 0
    back = library.catalog.photo_by_path(folder / "beach.png")
    assert back.id == photo.id and back.online
    assert library.status().missing_photos == 3  # only the links that never had a photo
