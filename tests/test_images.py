import io

import numpy as np
import pytest
from pictures import jpeg_with_orientation
from PIL import Image

from photoclip.core import images
from photoclip.core.errors import ImageError


def gradient(width=320, height=200):
    xs = np.linspace(0, 255, width, dtype=np.float32)[None, :, None]
    ys = np.linspace(0, 255, height, dtype=np.float32)[:, None, None]
    rgb = np.concatenate(
        [
            np.broadcast_to(xs, (height, width, 1)),
            np.broadcast_to(ys, (height, width, 1)),
            np.full((height, width, 1), 90, np.float32),
        ],
        axis=2,
    )
    return Image.fromarray(rgb.astype(np.uint8), "RGB")


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"])
def test_every_common_format_decodes_upright_rgb(fmt):
    picture = gradient()
    decoded = images.decode(encoded(picture, fmt), name=f"x.{fmt.lower()}")
    assert decoded.image.mode == "RGB"
    assert (decoded.width, decoded.height) == picture.size
    difference = np.abs(np.asarray(decoded.image, np.int16) - np.asarray(picture, np.int16)).mean()
    assert difference < 12  # GIF's palette and JPEG lose a little


def test_heic_decodes(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    path = tmp_path / "IMG_0001.HEIC"
    gradient().save(path, "HEIF", quality=90)
    decoded = images.decode(path.read_bytes(), name=path.name)
    assert decoded.image.size == (320, 200)


def test_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (64, 64), c) for c in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100)
    pixel = images.decode(buffer.getvalue(), name="a.gif").image.getpixel((10, 10))
    assert pixel[0] > 200 and pixel[2] < 50


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied(tmp_path, orientation):
    upright = Image.new("RGB", (300, 150), (0, 0, 255))
    upright.paste((255, 0, 0), (0, 0, 100, 50))  # a red block at the top left when upright
    path = jpeg_with_orientation(tmp_path / f"o{orientation}.jpg", upright, orientation)
    decoded = images.decode(path.read_bytes(), name=path.name)
    assert decoded.image.size == (300, 150) and (decoded.width, decoded.height) == (300, 150)
    red, _, blue = decoded.image.getpixel((20, 20))
    assert red > 200 and blue < 60


def test_reduced_decoding_keeps_what_the_model_needs():
    big = gradient(4000, 3000)
    data = encoded(big, "JPEG", quality=90)
    decoded = images.decode(data, min_short_side=256, name="big.jpg")
    assert min(decoded.image.size) >= 256
    assert decoded.image.size[0] < 4000  # decoded at a fraction of full size
    assert (decoded.width, decoded.height) == (4000, 3000)  # but the photo's real size is recorded


def test_transparency_goes_over_white_and_16_bit_is_scaled_not_clipped():
    palette = Image.new("P", (32, 32), 0)
    palette.putpalette([0, 0, 0] * 256)
    palette.info["transparency"] = 0
    assert images.decode(encoded(palette, "PNG"), name="p.png").image.getpixel((5, 5)) == (255, 255, 255)
    deep = Image.fromarray(np.full((16, 16), 30000, dtype=np.uint16))
    value = images.decode(encoded(deep, "PNG"), name="d.png").image.getpixel((3, 3))
    assert 100 < value[0] < 130  # 30000/65535 of white, not saturated


def test_exif_date_taken_is_read():
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2019:07:14 18:30:05"
    decoded = images.decode(encoded(gradient(), "JPEG", exif=exif.tobytes()), name="d.jpg")
    assert decoded.date_source == "exif"
    import datetime as dt

    assert dt.datetime.fromtimestamp(decoded.taken_at, dt.timezone.utc).strftime("%Y-%m-%d %H:%M") == "2019-07-14 18:30"


def test_decompression_bombs_are_refused_before_decoding(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    with pytest.raises(ImageError, match="refused"):
        images.decode(encoded(gradient(64, 64), "PNG"), name="bomb.png")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"this is a text file, not a photo", "not an image"),
    ],
)
def test_unreadable_bytes_give_a_reason(tmp_path, data, reason):
    path = tmp_path / "photo.jpg"
    path.write_bytes(data)
    with pytest.raises(ImageError, match=reason):
        images.decode(images.read_bytes(path), name=path.name)


def test_truncated_jpeg_is_reported_as_damaged():
    data = encoded(gradient(800, 600), "JPEG")
    with pytest.raises(ImageError, match=r"truncated|damaged"):
        images.decode(data[: len(data) // 3], name="cut.jpg")


def test_thumbnails_are_small_and_written_atomically(tmp_path):
    path = images.write_thumbnail(tmp_path, "ab" * 16, gradient(1200, 800))
    assert max(Image.open(path).size) == images.THUMBNAIL_SIZE
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind
