"""Reading photos: formats, EXIF orientation and date, decompression bombs, reduced-size decoding.

One decode serves both the model and the grid thumbnail. JPEGs are decoded at 1/2, 1/4 or 1/8
scale by libjpeg itself (``Image.draft``) when the model and the thumbnail need no more pixels,
which on phone-sized photos costs a fraction of a full decode; HEIF files use an embedded
thumbnail when one is a large enough scaled copy (pillow-heif's ``draft``). Other formats have no
reduced decode in Pillow: they are reduced right after loading, before any mode conversion or
turning upright, so the decoded picture is the only full-size buffer. Each decode first reserves
the memory it will hold from the budget shared by all decoding threads (``decode_memory``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import struct
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from photoclip.core.atomic import temporary_path
from photoclip.core.decode_memory import DECODE_MEMORY, MemoryBudget
from photoclip.core.errors import FileVanished, ImageError
from photoclip.core.exif_text import ExifText, from_image
from photoclip.core.rgb_conversion import decode_bytes, to_reduced_rgb

SUPPORTED_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".heic", ".heif", ".hif"}
)
JPEG_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".jfif"})

#: Larger images are refused as decompression bombs (a 250 MP panorama is still accepted).
MAX_PIXELS = 250_000_000
#: Grid thumbnails are at most this many pixels on their long side.
THUMBNAIL_SIZE = 256

# We check the pixel count ourselves and refuse with a clear reason; Pillow's own error stays as
# a backstop at twice this size, and its warning (which only goes to the log) is silenced.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.simplefilter("ignore", Image.DecompressionBombWarning)

_heif_lock = threading.Lock()
_heif_registered = False


def register_heif() -> bool:
    """Lets Pillow open HEIC/HEIF files (iPhone photos). Returns False if pillow-heif is missing."""
    global _heif_registered
    with _heif_lock:
        if not _heif_registered:
            try:
                import pillow_heif
            except ImportError:
                return False
            pillow_heif.register_heif_opener()
            _heif_registered = True
    return True


def is_supported(path: Path | str) -> bool:
    """True if the file name has an extension photoclip indexes."""
    return os.path.splitext(str(path))[1].lower() in SUPPORTED_EXTENSIONS


def fingerprint(data: bytes) -> str:
    """The content fingerprint: the first 128 bits of the bytes' SHA-256, in hex.

    SHA-256 rather than BLAKE2b because CPUs with SHA extensions (AMD Zen, recent Intel, Apple
    silicon) hash it about twice as fast, and every new photo is hashed whole.
    """
    return hashlib.sha256(data).hexdigest()[:32]


@dataclass
class DecodedPhoto:
    """A photo read for indexing: upright RGB pixels (possibly reduced) and what it says of itself."""

    image: Image.Image
    width: int  # full size, upright
    height: int
    taken_at: float | None
    date_source: str
    text: ExifText = field(default_factory=ExifText)  # the camera, lens and place its metadata names


#: Why a file was not read when its permissions refused it: such a file is read again once they
#: allow it (a chmod leaves its date alone, so "read again when it changes" would never come).
PERMISSION_DENIED = "permission denied"


def read_bytes(path: Path) -> bytes:
    """Reads a whole file, turning OS errors into reasons a user understands."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError as exc:
        raise FileVanished("the file vanished before it could be read") from exc
    except PermissionError as exc:
        raise ImageError(PERMISSION_DENIED) from exc
    except IsADirectoryError as exc:
        raise ImageError("a folder, not a file") from exc
    except OSError as exc:
        raise ImageError(f"could not read the file ({exc.strerror or exc})") from exc
    if not data:
        raise ImageError("the file is empty (0 bytes)")
    return data


#: EXIF's dates, best first: DateTimeOriginal (when the shutter fired), DateTimeDigitized (when it
#: was scanned or saved), DateTime (when the file was last changed by software).
_EXIF_DATES = ((0x8769, 36867), (0x8769, 36868), (None, 306))
_EXIF_DATE = re.compile(r"(\d{4})[:\-/.](\d{2})[:\-/.](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?")


def _exif_datetime(image: Image.Image) -> float | None:
    """The photo's date from EXIF as wall-clock seconds, or None.

    The wall-clock time where the photo was taken is kept as it is, and OffsetTimeOriginal is
    deliberately not applied: a photo taken at 23:30 in Tokyo on New Year's Eve belongs to that
    day for the person who took it, whatever the time was in UTC. A blank or zeroed field
    ("0000:00:00 00:00:00", which some cameras write) is skipped for the next one.
    """
    try:
        exif = image.getexif()
        values = [(exif.get_ifd(ifd) if ifd else exif).get(tag) for ifd, tag in _EXIF_DATES]
    except Exception:  # broken EXIF must not cost the photo
        return None
    for raw in values:
        if isinstance(raw, bytes):
            raw = raw.decode("ascii", "replace")
        match = _EXIF_DATE.match(raw.strip("\x00 ")) if isinstance(raw, str) else None
        if match is None:
            continue
        try:
            year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
            taken = dt.datetime(year, month, day, hour, minute, second)
        except ValueError:  # a zeroed or impossible date
            continue
        if taken.year >= 1800:
            return wall_clock_seconds(taken)
    return None


def wall_clock_seconds(moment: dt.datetime) -> float:
    """A naive local date-time as sortable seconds (as if it were UTC, so no DST surprises)."""
    return moment.replace(tzinfo=dt.timezone.utc).timestamp()


def file_time_seconds(mtime_ns: int) -> float:
    """A file's modification time as wall-clock seconds in the machine's local time."""
    return wall_clock_seconds(dt.datetime.fromtimestamp(mtime_ns / 1e9))


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(0x0112, 1))
    except Exception:
        return 1


# How each EXIF orientation is undone (the same table as ImageOps.exif_transpose), applied to the
# reduced picture rather than the full-size one.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def decode(data: bytes, *, min_short_side: int = 0, name: str = "", budget: MemoryBudget | None = None) -> DecodedPhoto:
    """Decodes a photo from its bytes: upright, RGB, at least ``min_short_side`` px on its short side
    when the file has that many (reduced by a whole factor down to that size; 0: full size).

    The memory the decode holds is reserved from ``budget`` (default: :data:`DECODE_MEMORY`, shared
    by every decoding thread) first, waiting while other decodes hold it.
    Raises :class:`ImageError` with a readable reason for anything that is not a usable image.
    """
    if Path(name).suffix.lower() in (".heic", ".heif", ".hif"):
        register_heif()
    try:
        image: Image.Image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError as exc:
        if not register_heif():
            raise ImageError("not an image, or a format photoclip cannot read") from exc
        try:
            image = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            raise ImageError("not an image, or a format photoclip cannot read") from exc
    except Image.DecompressionBombError as exc:
        raise ImageError(f"refused: larger than {MAX_PIXELS // 1_000_000} megapixels") from exc
    except Exception as exc:
        raise ImageError(f"cannot read the image header ({exc})") from exc
    try:
        full_w, full_h = image.size
        if full_w * full_h > MAX_PIXELS:
            raise ImageError(
                f"refused: {full_w}x{full_h} is larger than {MAX_PIXELS // 1_000_000} megapixels "
                "(a decompression bomb or an extreme panorama)"
            )
        if full_w <= 0 or full_h <= 0:
            raise ImageError("the image has no pixels")
        if min_short_side:
            # A reduced decode where the format has one (JPEG, HEIF's embedded thumbnails; for the
            # others draft() does nothing). Both sides stay at least the size asked, in the stored
            # (unrotated) frame.
            image.draft("RGB", (min_short_side, min_short_side))
        # The short side is the short side whichever way the photo is turned.
        factor = max(1, min(image.size) // min_short_side) if min_short_side else 1
        with (budget or DECODE_MEMORY).reserve(decode_bytes(image.format, image.mode, image.size, factor)):
            # Decode before reading EXIF: for some formats (PNG) reading EXIF decodes the pixels, and a
            # failure there must not be swallowed with the EXIF and leave a half-decoded image behind.
            image.load()
            orientation = _orientation(image)
            taken_at = _exif_datetime(image)
            text = from_image(image)
            source, image = image, to_reduced_rgb(image, factor)
            if image is not source:
                source.close()  # the full-size pixels go now, while this decode still holds their bytes
            del source
            if orientation in _UPRIGHT:
                image = image.transpose(_UPRIGHT[orientation])
    except ImageError:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageError(f"refused: larger than {MAX_PIXELS // 1_000_000} megapixels") from exc
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError, struct.error) as exc:
        reason = str(exc) or type(exc).__name__
        if "truncated" in reason.lower() or isinstance(exc, EOFError):
            raise ImageError(f"the file is truncated or damaged ({reason})") from exc
        raise ImageError(f"the image data is damaged ({reason})") from exc
    if orientation in (5, 6, 7, 8):
        full_w, full_h = full_h, full_w
    return DecodedPhoto(
        image=image,
        width=full_w,
        height=full_h,
        taken_at=taken_at,
        date_source="exif" if taken_at is not None else "file",
        text=text,
    )


def make_thumbnail(image: Image.Image, size: int = THUMBNAIL_SIZE) -> Image.Image:
    """A grid thumbnail at most ``size`` px on its long side."""
    thumb = image.copy()
    thumb.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return thumb


def thumbnail_path(cache: Path, fingerprint_hex: str) -> Path:
    """Where the thumbnail of the photo with this fingerprint lives."""
    return cache / fingerprint_hex[:2] / f"{fingerprint_hex}.jpg"


def write_thumbnail(cache: Path, fingerprint_hex: str, image: Image.Image) -> Path:
    """Writes a thumbnail atomically (a crash never leaves half a JPEG in the cache)."""
    target = thumbnail_path(cache, fingerprint_hex)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_path(target)
    make_thumbnail(image).save(temporary, "JPEG", quality=85)
    os.replace(temporary, target)
    return target


def open_upright(path: Path, min_short_side: int = 0) -> Image.Image:
    """Opens a file as upright RGB (for previews and outside query images)."""
    return decode(read_bytes(path), min_short_side=min_short_side, name=str(path)).image
