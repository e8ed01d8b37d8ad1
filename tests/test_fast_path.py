"""Reduced-size JPEG decoding must give the model what open_clip's own preprocessing gives it."""

import pytest
from pictures import jpeg_with_orientation, spec_for
from PIL import Image, ImageOps

from photoclip.core import images
from photoclip.smallclip import shapes


def reference_vector(model, path):
    """open_clip's own preprocessing of the full-size, upright image."""
    upright = ImageOps.exif_transpose(Image.open(path)).convert("RGB")
    return model.encode_images(model.preprocess(upright)[None])[0]


def fast_vector(model, path):
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
def test_fast_path_embedding_matches_open_clip_preprocessing(tmp_path, tiny_model, size, orientation):
    spec = spec_for("orange", "triangle", sum(size) + orientation, size_range=(max(size), max(size)))
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
    path = jpeg_with_orientation(tmp_path / "photo.jpg", shapes.render(spec), orientation)
    fast, decoded = fast_vector(tiny_model, path)
    reference = reference_vector(tiny_model, path)
    cosine = float(fast @ reference)
    assert cosine >= 0.99, f"cosine {cosine:.4f} at {size}, orientation {orientation}"
    assert (decoded.width, decoded.height) == size
    if max(size) >= 2000:
        assert max(decoded.image.size) <= max(size) // 2  # it really was decoded at reduced scale
