"""Writing tags to XMP sidecar files (``photo.jpg.xmp``), as digiKam and darktable read them.

The photo itself is never opened for writing. An existing sidecar is kept: photoclip's keywords are
added to its ``dc:subject`` bag and everything else in it stays as it was.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from photoclip.core.atomic import atomic_write_bytes

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def sidecar_path(photo: Path) -> Path:
    """``IMG_1.jpg`` -> ``IMG_1.jpg.xmp`` (the digiKam and darktable convention)."""
    return photo.with_name(photo.name + ".xmp")


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _empty_packet() -> ET.Element:
    root = ET.Element(_q("x", "xmpmeta"))
    root.set(_q("x", "xmptk"), "photoclip")
    rdf = ET.SubElement(root, _q("rdf", "RDF"))
    description = ET.SubElement(rdf, _q("rdf", "Description"))
    description.set(_q("rdf", "about"), "")
    return root


def read_keywords(path: Path) -> list[str]:
    """The ``dc:subject`` keywords of a sidecar (empty if there is none)."""
    if not path.exists():
        return []
    root = ET.parse(path).getroot()
    return [li.text or "" for subject in root.iter(_q("dc", "subject")) for li in subject.iter(_q("rdf", "li"))]


def write_keywords(photo: Path, keywords: Iterable[str]) -> Path:
    """Adds ``keywords`` to the photo's sidecar (created if missing); returns the sidecar path."""
    path = sidecar_path(photo)
    root = ET.parse(path).getroot() if path.exists() else _empty_packet()
    rdf = root if root.tag == _q("rdf", "RDF") else root.find(_q("rdf", "RDF"))
    if rdf is None:
        rdf = ET.SubElement(root, _q("rdf", "RDF"))
    description = rdf.find(_q("rdf", "Description"))
    if description is None:
        description = ET.SubElement(rdf, _q("rdf", "Description"))
        description.set(_q("rdf", "about"), "")
    subject = description.find(_q("dc", "subject"))
    if subject is None:
        subject = ET.SubElement(description, _q("dc", "subject"))
    bag = subject.find(_q("rdf", "Bag"))
    if bag is None:
        bag = ET.SubElement(subject, _q("rdf", "Bag"))
    present = {(li.text or "").strip().lower() for li in bag.findall(_q("rdf", "li"))}
    for keyword in keywords:
        if keyword.strip().lower() not in present:
            ET.SubElement(bag, _q("rdf", "li")).text = keyword
            present.add(keyword.strip().lower())
    ET.indent(root)
    data = (
        b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        + ET.tostring(root, encoding="unicode").encode("utf-8")
        + b'\n<?xpacket end="w"?>\n'
    )
    atomic_write_bytes(path, data)
    return path
