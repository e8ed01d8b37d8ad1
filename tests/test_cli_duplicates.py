"""``photoclip duplicates`` as a user types it: the groups, the kept copy first, what each copy is,
the space to gain, JSON, and moving copies to the trash only when asked and confirmed."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest
from duplicate_pictures import COPY_MTIME, EXIF_DATE, ORIGINAL_MTIME, own_trash, photo_with_copies
from pictures import spec_for
from PIL import Image

from photoclip.cli.main import main as cli
from photoclip.smallclip import shapes


@pytest.fixture
def trash_dir(tmp_path):
    """The system trash, in a folder of the test's own."""
    yield from own_trash(tmp_path)


def listed(tmp_path, photos, capsys, near: bool = True) -> str:
    """Indexes ``photos`` into a library of its own; what ``duplicates [--near]`` then prints."""
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*library, "index", str(photos)]) == 0
    capsys.readouterr()
    assert cli([*library, "duplicates", *(["--near"] if near else [])]) == 0
    return capsys.readouterr().out


@pytest.fixture
def indexed(tmp_path, capsys):
    """A library of two originals with their copies, indexed from the command line."""
    photos = tmp_path / "photos"
    made = [
        photo_with_copies(photos, "red", "red", "circle", 21),
        photo_with_copies(photos, "blue", "blue", "star", 22),
    ]
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*library, "index", str(photos)]) == 0
    capsys.readouterr()
    return library, made


def test_lists_identical_files_with_the_kept_copy_first_and_the_space_to_gain(indexed, capsys):
    library, made = indexed

    assert cli([*library, "duplicates"]) == 0
    out = capsys.readouterr().out

    for copies in made:
        keep = out.index(f"keep  {copies.original}")
        assert out.index(f"copy  {copies.identical}  (identical bytes;") > keep
        assert str(copies.resized) not in out  # not identical: --near finds it
    size = sum(c.identical.stat().st_size for c in made)
    assert "2 groups: 2 copies could go, freeing" in out
    assert out.count("2 identical files: one to keep, 1 copy, ") == 2  # it said "2 identical files" of 1 copy
    assert f"{size / 1000:.1f} KB" in out or f"{size / 1e6:.1f} MB" in out
    assert "photoclip duplicates --near" in out


def test_near_json_lists_resized_and_reencoded_copies(indexed, capsys):
    library, made = indexed

    assert cli([*library, "duplicates", "--near", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)

    assert data["near"] is True and len(data["groups"]) == 2
    for copies in made:
        group = next(g for g in data["groups"] if g["copies"][0]["path"] == str(copies.original))
        assert group["copies"][0]["keep"] is True and group["copies"][0]["kind"] is None
        kinds = {c["path"]: c["kind"] for c in group["copies"][1:]}
        assert kinds == {
            str(copies.identical): "identical bytes",
            str(copies.resized): "resized",
            str(copies.reencoded): "re-encoded",
        }
        assert group["reclaimable_bytes"] == sum(c["size"] for c in group["copies"][1:])
        assert all(not c["keep"] for c in group["copies"][1:])
    assert data["reclaimable_bytes"] == sum(g["reclaimable_bytes"] for g in data["groups"])


def test_the_groups_are_shown_before_the_question_about_moving_them(indexed, capsys, monkeypatch, trash_dir):
    """A tester was asked "Move 6 copies (1.3 MB) to the system trash?" before any group was listed:
    the list came after every answer."""
    library, made = indexed
    shown_when_asked = []

    class Person:
        def readline(self) -> str:
            shown_when_asked.append(capsys.readouterr().out)
            return "n\n"

    monkeypatch.setattr(sys, "stdin", Person())
    assert cli([*library, "duplicates", "--trash"]) == 0
    assert shown_when_asked and all(f"keep  {c.original}" in shown_when_asked[0] for c in made)
    assert all(c.identical.exists() for c in made)


def test_trash_asks_first_and_moves_nothing_unless_the_answer_is_yes(indexed, capsys, monkeypatch, trash_dir):
    library, made = indexed
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))  # the person answers "n" at the prompt

    assert cli([*library, "duplicates", "--trash"]) == 0
    captured = capsys.readouterr()
    assert "Move 2 copies" in captured.err and "[y/N]" in captured.err and "Nothing was moved" in captured.err
    assert all(c.identical.exists() for c in made) and not trash_dir.exists()

    assert cli([*library, "duplicates", "--trash", "--yes", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(data["trashed"]) == sorted(str(c.identical) for c in made) and data["refused"] == []
    for copies in made:
        assert not copies.identical.exists() and copies.original.exists()
        assert (trash_dir / "files" / copies.identical.name).exists()
        assert copies.resized.exists() and copies.reencoded.exists()  # not in the exact groups

    assert cli([*library, "duplicates"]) == 0
    assert "No duplicates found" in capsys.readouterr().out


def test_near_keeps_a_lossless_file_over_a_jpeg_of_the_same_pixels_and_the_larger_jpeg(tmp_path, capsys):
    """The keep rule knew pixels and dates only: a small JPEG, older, was kept and the TIFF with the
    same pixels, lossless, was the "re-encoded" copy to trash."""
    photos = tmp_path / "photos"
    photos.mkdir()

    def picture(colour: str, shape: str, seed: int) -> Image.Image:
        return shapes.render(spec_for(colour, shape, seed, size_range=(560, 760), fmt="JPEG")).convert("RGB")

    def save(image: Image.Image, name: str, mtime: int, **options: object) -> Path:
        image.save(photos / name, **options)
        os.utime(photos / name, (mtime, mtime))
        return photos / name

    red, blue, green = picture("red", "circle", 31), picture("blue", "star", 32), picture("green", "triangle", 33)
    # The lossy files are older: by the dates alone they were the originals.
    jpeg = save(red, "IMG_0024.jpg", ORIGINAL_MTIME, quality=70)
    tiff = save(red, "tiff.tiff", COPY_MTIME)
    webp_jpeg = save(blue, "IMG_0025.jpg", ORIGINAL_MTIME, quality=70)
    webp = save(blue, "blue.webp", COPY_MTIME, lossless=True)
    # Two JPEGs of one EXIF date: the more compressed one was older, so it was kept.
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = EXIF_DATE
    low = save(green, "green-q40.jpg", ORIGINAL_MTIME, quality=40, exif=exif)
    high = save(green, "green-q95.jpg", COPY_MTIME, quality=95, exif=exif)
    out = listed(tmp_path, photos, capsys, near=True)

    for kept, copy in ((tiff, jpeg), (webp, webp_jpeg), (high, low)):
        assert f"keep  {kept}  (" in out, out
        assert f"copy  {copy}  (re-encoded;" in out, out


def test_near_keeps_a_camera_jpeg_over_a_png_of_the_same_pixels_without_its_exif(tmp_path, capsys):
    """A PNG exported from a camera JPEG has its pixels but not its EXIF date, GPS or camera data:
    the lossless rule kept the PNG and called the camera original the re-encoded copy to trash
    (``--trash --yes`` moves those without a question of their own)."""
    photos = tmp_path / "photos"
    photos.mkdir()
    image = shapes.render(spec_for("red", "circle", 41, size_range=(560, 760), fmt="JPEG")).convert("RGB")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = EXIF_DATE
    camera = photos / "IMG_0041.jpg"
    image.save(camera, quality=90, exif=exif)
    os.utime(camera, (COPY_MTIME, COPY_MTIME))
    # The export is dated by its file time, months before the JPEG's EXIF date: by the dates alone
    # and by lossless-ness it would be kept.
    export = photos / "export.png"
    image.save(export)
    os.utime(export, (ORIGINAL_MTIME - 10**7, ORIGINAL_MTIME - 10**7))
    out = listed(tmp_path, photos, capsys, near=True)

    assert f"keep  {camera}  (" in out, out
    assert f"copy  {export}  (re-encoded;" in out, out


def test_near_keeps_the_jpeg_a_png_was_saved_from_and_calls_its_twin_identical(tmp_path, capsys):
    """A fresh-eyes tester copied a JPEG (no EXIF date) and saved a PNG of it: ``duplicates --near``
    kept the PNG, lossless, and ``--trash --yes`` trashed both JPEGs, the original among them; the
    byte-identical copy was called "re-encoded". The PNG holds exactly the JPEG's decoded pixels,
    so it was saved from it: the JPEG is the original."""
    import shutil

    photos = tmp_path / "photos"
    photos.mkdir()
    image = shapes.render(spec_for("green", "star", 6, size_range=(560, 760), fmt="JPEG")).convert("RGB")
    original = photos / "original.jpg"
    image.save(original, quality=85)
    twin = photos / "exact.jpg"
    shutil.copyfile(original, twin)
    png = photos / "as_png.png"
    with Image.open(original) as decoded:
        decoded.save(png)
    for path, mtime in ((original, ORIGINAL_MTIME), (twin, COPY_MTIME), (png, ORIGINAL_MTIME - 10**7)):
        os.utime(path, (mtime, mtime))  # by its file date alone the PNG would be the oldest
    out = listed(tmp_path, photos, capsys, near=True)
    assert f"keep  {original}  (" in out, out
    assert f"copy  {twin}  (identical bytes;" in out, out
    assert f"copy  {png}  (re-encoded;" in out, out


def test_near_keeps_a_mostly_flat_png_over_the_jpeg_exported_from_it(tmp_path, capsys):
    """A review found the rule above keeping a JPEG exported from a night-sky PNG: its flat black
    comes out of a JPEG exactly as it went in, so 99% of the values matched. Only the values where
    the picture has detail count now, and a picture too flat to tell keeps the lossless file."""
    from PIL import ImageDraw

    photos = tmp_path / "photos"
    photos.mkdir()
    pairs = []
    for name, box in (("moon", (560, 360, 640, 440)), ("big-moon", (300, 100, 900, 700))):
        sky = Image.new("RGB", (1200, 800))
        ImageDraw.Draw(sky).ellipse(box, fill=(255, 255, 230))
        original, export = photos / f"{name}.png", photos / f"{name}-export.jpg"
        sky.save(original)
        sky.save(export, quality=95)
        os.utime(original, (ORIGINAL_MTIME, ORIGINAL_MTIME))
        os.utime(export, (COPY_MTIME, COPY_MTIME))
        pairs.append((original, export))
    out = listed(tmp_path, photos, capsys, near=True)
    for original, export in pairs:
        assert f"keep  {original}  (" in out, out
        assert f"copy  {export}  (re-encoded;" in out, out


def test_a_file_named_as_a_copy_is_the_copy_whatever_its_date(tmp_path, capsys):
    """``sub/IMG_1001 (copy).jpg`` (dated 2018) was kept and ``IMG_1001.jpg`` (2020), its identical
    original, offered for the trash: the older file date won. A copy made with its dates kept, or a
    restore, turns the dates round; the name a file manager gives a copy does not."""
    import shutil

    photos = tmp_path / "photos"
    (photos / "sub").mkdir(parents=True)
    image = shapes.render(spec_for("blue", "star", 8, size_range=(560, 760), fmt="JPEG")).convert("RGB")
    original = photos / "IMG_1001.jpg"
    image.save(original, quality=88)
    copies = [photos / "sub" / "IMG_1001 (copy).jpg", photos / "IMG_1001 - Copy.jpg", photos / "IMG_1001 copy 2.jpg"]
    for copy in copies:
        shutil.copyfile(original, copy)
        os.utime(copy, (ORIGINAL_MTIME - 10**7, ORIGINAL_MTIME - 10**7))  # older than the original
    os.utime(original, (COPY_MTIME, COPY_MTIME))
    out = listed(tmp_path, photos, capsys, near=False)
    assert f"keep  {original}  (" in out, out
    assert all(f"copy  {copy}  (identical bytes;" in out for copy in copies), out
