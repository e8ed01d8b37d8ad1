"""Tags as keywords in XMP sidecar files (``photo.jpg.xmp``), as digiKam, darktable and Lightroom read them.

The photo itself is never opened for writing. photoclip's keywords go into the sidecar's
``dc:subject`` list, wherever it already is (in any ``rdf:Description``, and whether it is an
``rdf:Bag``, ``rdf:Seq`` or ``rdf:Alt``); a second one is never made. The keywords photoclip added
are also recorded in the sidecar itself, as a ``photoclip:Keywords`` bag: that is how a later
export tells its own keywords from those another program or the user wrote, and takes back only
its own when the user rejects a tag. Everything else in the sidecar stays as it was, and a sidecar
that cannot be read safely (see :mod:`photoclip.core.xmp_packet`) is never changed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from photoclip.core.atomic import atomic_write_bytes
from photoclip.core.tag_store import normalise_label
from photoclip.core.xmp_packet import (
    Packet,
    SidecarError,
    new_packet,
    q,
    read_packet,
    serialize_packet,
    xml_unsafe_characters,
)

__all__ = ["KeywordSync", "SidecarError", "read_keywords", "sidecar_path", "sync_keywords", "written_keywords"]

_CONTAINERS = (q("rdf", "Bag"), q("rdf", "Seq"), q("rdf", "Alt"))
_SUBJECT = q("dc", "subject")
_RECORD = q("photoclip", "Keywords")


def sidecar_path(photo: Path) -> Path:
    """``IMG_1.jpg`` -> ``IMG_1.jpg.xmp`` (the digiKam and darktable convention)."""
    return photo.with_name(photo.name + ".xmp")


@dataclass(frozen=True)
class KeywordSync:
    """What :func:`sync_keywords` did to one sidecar."""

    sidecar: Path
    changed: bool  # the file was written (created or updated)
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()  # labels not written: they hold characters XML 1.0 does not allow


def read_keywords(path: Path) -> list[str]:
    """The ``dc:subject`` keywords of a sidecar, from every container (empty if there is no sidecar).

    Raises :class:`SidecarError` for a sidecar that cannot be read safely.
    """
    packet = read_packet(path)
    if packet is None:
        return []
    return [li.text or "" for container in _containers(_properties(_rdf(packet), _SUBJECT)) for li in container]


def written_keywords(path: Path) -> list[str] | None:
    """The keywords photoclip recorded as its own in a sidecar, or None if it never wrote to it."""
    packet = read_packet(path)
    if packet is None:
        return None
    records = _properties(_rdf(packet), _RECORD)
    if not records:
        return None
    return [li.text or "" for container in _containers(records) for li in container]


def sync_keywords(photo: Path, keywords: Iterable[str]) -> KeywordSync:
    """Makes photoclip's keywords in the photo's sidecar exactly ``keywords``; returns what it did.

    Adds the missing ones; removes the ones photoclip wrote earlier that are no longer in
    ``keywords``; leaves every keyword it did not write alone (one that is already there is not
    added twice, nor claimed as photoclip's). No sidecar is created for no keywords, and the file
    is not rewritten when nothing changes. Raises :class:`SidecarError` (nothing written) for a
    sidecar that cannot be read safely, and ``OSError`` when it cannot be written.
    """
    path = sidecar_path(photo)
    wanted: dict[str, str] = {}
    refused: list[str] = []
    for keyword in keywords:
        # Refused, not cleaned: stripping the characters would write a keyword the user never typed
        # (and could merge two labels into one), and the sidecar would then disagree with the
        # catalog. Left out and reported, the user can rename the tag; every other keyword is written.
        if xml_unsafe_characters(keyword):
            refused.append(keyword)
        elif normalise_label(keyword):
            wanted.setdefault(normalise_label(keyword), keyword)
    packet = read_packet(path)
    if packet is None:
        if not wanted:
            return KeywordSync(path, False, refused=tuple(refused))
        packet = new_packet()
    rdf = _rdf(packet)
    subjects = _properties(rdf, _SUBJECT)
    if any((prop.text or "").strip() and not _containers([prop]) for prop in subjects):
        raise SidecarError(
            f"The sidecar {path} has a dc:subject that is not a list of keywords (not valid XMP); it was left as "
            "it is. Let the program that wrote it repair it, then export again."
        )
    records = _properties(rdf, _RECORD)
    ours = {normalise_label(li.text or "") for container in _containers(records) for li in container}

    removed = []
    for container in _containers(subjects):
        for li in list(container):
            key = normalise_label(li.text or "")
            if key in ours and key not in wanted:
                container.remove(li)
                removed.append(li.text or "")
    present = {normalise_label(li.text or "") for container in _containers(subjects) for li in container}
    theirs = present - ours
    added = [label for key, label in wanted.items() if key not in present]
    record = [label for key, label in wanted.items() if key not in theirs]
    if not added and not removed and {normalise_label(k) for k in record} == ours:
        return KeywordSync(path, False, refused=tuple(refused))

    if added:
        if not subjects:
            subjects = [ET.SubElement(_descriptions(rdf)[0], _SUBJECT)]
        container = _container_of(subjects[0])
        for label in added:
            ET.SubElement(container, q("rdf", "li")).text = label
    if records or record:
        if not records:
            home = _parent_description(rdf, subjects[0]) if subjects else _descriptions(rdf)[0]
            records = [ET.SubElement(home, _RECORD)]
        for extra in records[1:]:
            _parent_description(rdf, extra).remove(extra)
        bag = ET.SubElement(records[0], q("rdf", "Bag"))
        for old in [child for child in records[0] if child is not bag]:
            records[0].remove(old)
        records[0].text = None
        for label in record:
            ET.SubElement(bag, q("rdf", "li")).text = label
    atomic_write_bytes(path, serialize_packet(packet))
    return KeywordSync(path, True, tuple(added), tuple(removed), tuple(refused))


def _rdf(packet: Packet) -> ET.Element:
    root = packet.root
    if root.tag == q("rdf", "RDF"):
        return root
    rdf = root.find(q("rdf", "RDF"))
    if rdf is None:
        rdf = ET.SubElement(root, q("rdf", "RDF"))
    return rdf


def _descriptions(rdf: ET.Element) -> list[ET.Element]:
    found = rdf.findall(q("rdf", "Description"))
    if not found:
        description = ET.SubElement(rdf, q("rdf", "Description"))
        description.set(q("rdf", "about"), "")
        found = [description]
    return found


def _properties(rdf: ET.Element, tag: str) -> list[ET.Element]:
    """Every top-level property ``tag`` of the packet, in whichever ``rdf:Description`` it is."""
    return [prop for description in rdf.findall(q("rdf", "Description")) for prop in description.findall(tag)]


def _containers(properties: list[ET.Element]) -> list[ET.Element]:
    return [child for prop in properties for child in prop if child.tag in _CONTAINERS]


def _container_of(prop: ET.Element) -> ET.Element:
    """The list inside a property, made (as an ``rdf:Bag``) when the property is still empty."""
    for child in prop:
        if child.tag in _CONTAINERS:
            return child
    return ET.SubElement(prop, q("rdf", "Bag"))


def _parent_description(rdf: ET.Element, prop: ET.Element) -> ET.Element:
    return next(description for description in rdf.findall(q("rdf", "Description")) if prop in list(description))
