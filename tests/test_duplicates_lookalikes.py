"""Near copies are copies of one photo, never different pictures that look alike to the small model.

A tester's library of flat pictures (one shape on a plain grey background, as a new user's first
photos or the demo's are) had ``--near`` group a red square with a blue, a green and a yellow
one, two triangles of different colours, and two demo squares of one colour at different places
on different backgrounds; ``--near --trash --yes`` would have moved them all. Here the same kinds
of pictures are indexed with the real small model: the look-alikes stay apart, the real copies
(identical, resized, re-encoded, cropped 5%, brightened) still form one group, and only the sure
copies are moved by ``--yes``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil

import pytest
from duplicate_pictures import own_trash
from PIL import Image, ImageDraw, ImageEnhance

from photoclip.cli.main import main as cli
from photoclip.core.duplicates import CopyKind
from photoclip.smallclip import shapes

COLOURS = {"red": (220, 30, 30), "blue": (30, 60, 220), "green": (30, 170, 50), "yellow": (240, 220, 20)}


def flat(colour: str, shape: str, size=(640, 480)) -> Image.Image:
    """A shape in the middle of a plain light grey picture, as the tester drew them."""
    image = Image.new("RGB", size, (235, 235, 235))
    draw, (w, h), fill = ImageDraw.Draw(image), size, COLOURS[colour]
    if shape == "circle":
        draw.ellipse((w * 0.25, h * 0.2, w * 0.75, h * 0.8), fill=fill)
    elif shape == "square":
        draw.rectangle((w * 0.25, h * 0.2, w * 0.75, h * 0.8), fill=fill)
    elif shape == "triangle":
        draw.polygon([(w / 2, h * 0.15), (w * 0.8, h * 0.85), (w * 0.2, h * 0.85)], fill=fill)
    else:  # star
        points = []
        for i in range(10):
            r = min(w, h) * (0.4 if i % 2 == 0 else 0.16)
            a = math.pi / 2 + i * math.pi / 5
            points.append((w / 2 + r * math.cos(a), h / 2 - r * math.sin(a)))
        draw.polygon(points, fill=fill)
    return image


def _save(image: Image.Image, path, quality=90):
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=quality) if path.suffix == ".jpg" else image.save(path)
    return path


@pytest.fixture
def trash_dir(tmp_path):
    """The system trash, in a folder of the test's own."""
    yield from own_trash(tmp_path)


@pytest.fixture
def lookalikes(tmp_path):
    """Different pictures that look alike, and one photo with its copies (path by name)."""
    photos = tmp_path / "photos"
    made = {}
    for colour in COLOURS:  # one square in each colour, the same place
        made[f"{colour} square"] = _save(flat(colour, "square"), photos / "squares" / f"{colour}.jpg")
    for colour in ("green", "yellow"):
        made[f"{colour} star"] = _save(flat(colour, "star"), photos / "stars" / f"{colour}.jpg")
    for colour in ("red", "blue"):
        made[f"{colour} circle"] = _save(flat(colour, "circle"), photos / "circles" / f"{colour}.jpg")
    # Demo squares of one colour: another place on another background, and another colour.
    spec = shapes.ShapeSpec("square", "blue", "gradient", "orange", 256, 455, 190, 150, 40, 8, "PNG", 5)
    moved = dataclasses.replace(spec, background_colour="grey", centre_x=70, centre_y=330, seed=6)
    made["demo"] = _save(shapes.render(spec), photos / "demo" / "00031-blue-square.png")
    made["demo moved"] = _save(shapes.render(moved), photos / "demo" / "00005-blue-square.png")
    made["demo purple"] = _save(
        shapes.render(dataclasses.replace(spec, colour="purple", seed=7)), photos / "demo" / "purple.png"
    )
    # The one photo with copies: a green triangle at 1600×1200.
    original = flat("green", "triangle", (1600, 1200))
    made["original"] = _save(original, photos / "dups" / "original.jpg")
    made["identical"] = photos / "dups" / "exact copy.jpg"
    shutil.copyfile(made["original"], made["identical"])
    made["resized"] = _save(original.resize((800, 600)), photos / "dups" / "resized.jpg")
    made["re-encoded"] = _save(original, photos / "dups" / "reencoded.jpg", quality=40)
    made["cropped"] = _save(original.crop((40, 30, 1560, 1170)), photos / "dups" / "cropped.jpg")
    made["brightened"] = _save(ImageEnhance.Brightness(original).enhance(0.8), photos / "dups" / "darker.jpg")
    for name in ("identical", "resized", "re-encoded", "cropped", "brightened"):  # written after the original
        os.utime(made[name], (1_700_000_000, 1_700_000_000))
    os.utime(made["original"], (1_556_700_000, 1_556_700_000))
    return photos, made


def test_look_alikes_stay_apart_and_the_real_copies_form_one_group(lookalikes, open_library):
    photos, made = lookalikes
    library = open_library()
    library.update([library.add_root(photos)])

    groups = library.duplicates(near=True)

    assert [g.keep.path for g in groups] == [made["original"]]
    kinds = {c.photo.path: c.kind for c in groups[0].others}
    assert kinds == {
        made["identical"]: CopyKind.IDENTICAL,
        made["resized"]: CopyKind.RESIZED,
        made["re-encoded"]: CopyKind.REENCODED,
        made["cropped"]: CopyKind.CROPPED,
        made["brightened"]: CopyKind.EDITED,
    }


def test_a_copy_of_a_flat_picture_is_still_found(tmp_path, open_library):
    photos = tmp_path / "photos"
    square = flat("red", "square")
    kept = _save(square, photos / "1998" / "old scan.jpg")
    smaller = _save(square.resize((320, 240), Image.Resampling.LANCZOS), photos / "mail" / "scan small.jpg")
    _save(flat("blue", "square"), photos / "2019" / "IMG_0002.jpg")
    library = open_library()
    library.update([library.add_root(photos)])

    groups = library.duplicates(near=True)

    assert [[c.photo.path for c in g.copies] for g in groups] == [[kept, smaller]]
    assert groups[0].others[0].kind == CopyKind.RESIZED


def test_two_shots_in_the_dark_are_not_copies_of_each_other(tmp_path, open_library):
    """Two different near-black pictures (a lens cap, a pocket) pass any pixel check: there is
    nothing in them to differ. They were grouped as copies, one of them "edited"; an identical file
    is still found by its bytes."""
    photos = tmp_path / "photos"
    dark = [
        ImageEnhance.Brightness(flat(colour, shape)).enhance(level)
        for colour, shape, level in (("red", "square", 0.01), ("blue", "triangle", 0.02), ("yellow", "star", 0.015))
    ]
    first = _save(dark[0], photos / "IMG_0001.jpg")
    for k, picture in enumerate(dark[1:], start=2):
        _save(picture, photos / f"IMG_000{k}.jpg")
    same = photos / "copy of IMG_0001.jpg"
    shutil.copyfile(first, same)
    library = open_library()
    library.update([library.add_root(photos)])

    groups = library.duplicates(near=True)

    assert [sorted(c.photo.path.name for c in g.copies) for g in groups] == [["IMG_0001.jpg", same.name]]
    assert groups[0].others[0].kind == CopyKind.IDENTICAL


def test_trash_yes_moves_only_the_sure_copies_and_asks_for_each_doubtful_group(
    lookalikes, tmp_path, capsys, monkeypatch, trash_dir
):
    photos, made = lookalikes
    library = ["--library", str(tmp_path / "lib"), "--model", "photoclip-tiny"]
    assert cli([*library, "index", str(photos)]) == 0
    capsys.readouterr()

    assert cli([*library, "duplicates", "--near", "--trash", "--yes", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)

    sure = {made["identical"], made["resized"], made["re-encoded"]}
    assert {p for p in data["trashed"]} == {str(p) for p in sure}
    assert set(data["left"]) == {str(made["cropped"]), str(made["brightened"])}
    assert not any(p.exists() for p in sure) and made["cropped"].exists() and made["brightened"].exists()
    assert all(p.exists() for name, p in made.items() if name not in ("identical", "resized", "re-encoded"))

    # Without --yes the doubtful group is shown and asked about on its own: "n" keeps them.
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("n\n"))
    assert cli([*library, "duplicates", "--near", "--trash"]) == 0
    captured = capsys.readouterr()
    assert "cropped, edited or only similar" in captured.err and f"copy  {made['cropped']}" in captured.err
    assert "Kept." in captured.err and "Left where they are (not chosen): 2 cropped" in captured.out
    assert made["cropped"].exists() and made["brightened"].exists()
