"""Reduced-size decoding (JPEG's draft, other formats reduced right after loading) must give the model
what open_clip's own preprocessing gives it."""

import numpy as np
import pytest
from pictures import jpeg_with_orientation, spec_for
from PIL import Image, ImageOps

from photoclip.core import images
from photoclip.smallclip import shapes


def reference_of(torch_model, upright):
    """open_clip's own preprocessing (torchvision) of a full-size, upright image, through torch."""
    return torch_model.encode_images(torch_model.reference_preprocess(upright)[None])[0]


def reference_vector(torch_model, path):
    """open_clip's own preprocessing of the full-size, upright image."""
    return reference_of(torch_model, ImageOps.exif_transpose(Image.open(path)).convert("RGB"))


def fast_vector(model, path):
    """What photoclip does: reduced decode, numpy preprocessing, ONNX Runtime."""
    decoded = images.decode(
        path.read_bytes(), min_short_side=max(model.min_short_side, images.THUMBNAIL_SIZE), name=path.name
    )
    return model.encode_images(model.prepare(decoded.image)[None])[0], decoded


@pytest.mark.parametrize(
    ("size", "orientation"),
    [
        ((4000, 3000), 1),
        ((4000, 3000), 6),
        ((3000, 4000), 8),
        ((2400, 1600), 3),
        ((1200, 900), 1),
        ((800, 1600), 5),
        ((513, 400), 2),
        ((300, 200), 1),
    ],
)
def test_fast_path_embedding_matches_open_clip_preprocessing(tmp_path, tiny_model, tiny_torch, size, orientation):
    picture = noisy_picture(size, sum(size) + orientation, "orange", "triangle")
    path = jpeg_with_orientation(tmp_path / "photo.jpg", picture, orientation)
    fast, decoded = fast_vector(tiny_model, path)
    reference = reference_vector(tiny_torch, path)
    cosine = float(fast @ reference)
    assert cosine >= 0.99, f"cosine {cosine:.4f} at {size}, orientation {orientation}"
    assert (decoded.width, decoded.height) == size
    if max(size) >= 2000:
        assert max(decoded.image.size) <= max(size) // 2  # it really was decoded at reduced scale


def noisy_picture(size, seed, colour="green", shape="square"):
    """One shape in the middle of a noisy background, exactly ``size`` pixels."""
    spec = spec_for(colour, shape, seed, size_range=(max(size), max(size)))
    import dataclasses

    spec = dataclasses.replace(
        spec,
        width=size[0],
        height=size[1],
        centre_x=size[0] / 2,
        centre_y=size[1] / 2,
        extent=min(size) * 0.4,
        background="noisy",
    )
    return shapes.render(spec)


def over_white(rgba):
    return Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")


@pytest.mark.parametrize("kind", ["png", "png-16-bit", "png-translucent", "png-palette", "tiff", "webp", "bmp"])
def test_other_formats_are_reduced_early_and_embed_like_open_clip(tmp_path, tiny_model, tiny_torch, kind):
    size = (3000, 2000)
    picture = noisy_picture(size, seed=len(kind))
    path = tmp_path / f"photo.{kind.split('-')[0]}"
    if kind == "png-16-bit":
        grey = picture.convert("L")
        Image.fromarray(np.asarray(grey, np.uint16) * 257).save(path)
        upright = grey.convert("RGB")
    elif kind == "png-translucent":
        rgba = picture.convert("RGBA")
        rgba.putalpha(Image.linear_gradient("L").resize(size))
        rgba.save(path)
        upright = over_white(rgba)
    elif kind == "png-palette":
        palette = picture.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
        palette.save(path)
        upright = palette.convert("RGB")
    else:
        picture.save(path, **({"quality": 90} if kind == "webp" else {}))
        upright = picture
    fast, decoded = fast_vector(tiny_model, path)
    reference = reference_of(tiny_torch, upright)
    cosine = float(fast @ reference)
    assert cosine >= 0.99, f"cosine {cosine:.4f} for {kind}"
    assert (decoded.width, decoded.height) == size
    assert max(decoded.image.size) <= max(size) // 2  # reduced right after loading, not kept full size


def test_a_png_turned_by_its_exif_is_reduced_and_upright(tmp_path, tiny_model, tiny_torch):
    upright = noisy_picture((2000, 3000), seed=7)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned a quarter to the left: the reader turns it back
    path = tmp_path / "turned.png"
    upright.transpose(Image.Transpose.ROTATE_90).save(path, exif=exif.tobytes())
    fast, decoded = fast_vector(tiny_model, path)
    reference = reference_of(tiny_torch, upright)
    assert float(fast @ reference) >= 0.99
    assert (decoded.width, decoded.height) == (2000, 3000) and decoded.image.width < decoded.image.height
    assert max(decoded.image.size) <= 1500
