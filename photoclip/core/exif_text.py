"""The words a photo file says about itself: camera, lens and place, from EXIF, IPTC and XMP.

Only text fields the file already holds are read (no place is looked up from GPS coordinates):
EXIF Make, Model and LensModel; the place from IPTC (City, Sub-location, Province/State, Country)
or, when IPTC has none, from XMP (photoshop:City/State/Country, Iptc4xmpCore:Location). The XMP
packet is searched with a bounded pattern rather than parsed as XML, so a hostile packet costs
nothing. A broken field costs only that field, never the photo.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.core.metadata_words import camera_name

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

_EXIF_IFD = 0x8769
_MAKE, _MODEL, _LENS_MODEL = 0x010F, 0x0110, 0xA434
#: IPTC datasets of a place, in the order they are listed.
_IPTC_PLACE = ((2, 92), (2, 90), (2, 95), (2, 101))
_XMP_PLACE = ("Iptc4xmpCore:Location", "photoshop:City", "photoshop:State", "photoshop:Country")
#: Only this much of an XMP packet is searched (a real one's place fields come early; a packet of
#: megabytes is a photo editor's history, not places).
_XMP_LIMIT = 256_000
#: No field is kept longer than this (a name, not a document).
_MAX_FIELD = 200


@dataclass(frozen=True)
class ExifText:
    """What a photo file names: its camera, lens and place ('' when it says nothing)."""

    camera: str = ""
    lens: str = ""
    place: str = ""

    def texts(self) -> tuple[str, str, str]:
        """(camera, lens, place)."""
        return (self.camera, self.lens, self.place)


def _text(value: object) -> str:
    """A field's value as clean text ('' when it is not text)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return ""
    cleaned = " ".join(value.replace("\x00", " ").split())
    return cleaned[:_MAX_FIELD]


def _iptc_place(image: Image.Image) -> list[str]:
    from PIL import ImageFile, IptcImagePlugin

    if not isinstance(image, ImageFile.ImageFile):
        return []
    info = IptcImagePlugin.getiptcinfo(image) or {}
    found = []
    for key in _IPTC_PLACE:
        value = info.get(key)
        for item in value if isinstance(value, list) else [value]:
            if _text(item):
                found.append(_text(item))
    return found


def _xmp_place(image: Image.Image) -> list[str]:
    packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    if isinstance(packet, bytes):
        packet = packet[:_XMP_LIMIT].decode("utf-8", "replace")
    if not isinstance(packet, str):
        return []
    packet = packet[:_XMP_LIMIT]
    found = []
    for name in _XMP_PLACE:
        escaped = re.escape(name)
        # As an attribute (photoshop:City="Paris") or an element (<photoshop:City>Paris</...>).
        match = re.search(rf'{escaped}\s*=\s*"([^"<]{{0,400}})"', packet) or re.search(
            rf"<{escaped}>([^<]{{0,400}})<", packet
        )
        if match and _text(html.unescape(match.group(1))):
            found.append(_text(html.unescape(match.group(1))))
    return found


def _place(image: Image.Image) -> str:
    try:
        parts = _iptc_place(image)
    except Exception:  # a damaged IPTC block costs the place, not the photo
        parts = []
    if not parts:
        try:
            parts = _xmp_place(image)
        except Exception:
            parts = []
    return ", ".join(dict.fromkeys(parts))[:_MAX_FIELD]


def from_image(image: Image.Image) -> ExifText:
    """The camera, lens and place an opened image's metadata names."""
    camera = lens = ""
    try:
        exif = image.getexif()
        camera = camera_name(_text(exif.get(_MAKE)), _text(exif.get(_MODEL)))[:_MAX_FIELD]
        lens = _text(exif.get_ifd(_EXIF_IFD).get(_LENS_MODEL))
    except Exception:  # broken EXIF must not cost the photo
        pass
    return ExifText(camera, lens, _place(image))


def from_file(path: Path) -> ExifText | None:
    """The camera, lens and place of an image file, reading only its headers (no pixels are
    decoded); None when the file cannot be opened as an image now."""
    from PIL import Image

    from photoclip.core.images import register_heif

    if path.suffix.lower() in (".heic", ".heif", ".hif"):
        register_heif()
    try:
        with Image.open(path) as image:
            return from_image(image)
    except Exception as exc:  # unreadable now, or no image: the next index run tries again
        log.debug("no metadata read from %s: %s", path, exc)
        return None
