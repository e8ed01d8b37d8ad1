"""Reading and writing XMP packets (sidecar files) without trusting them.

A sidecar is read only when it is a regular file: not a symbolic link (it is opened with
``O_NOFOLLOW`` too, so a link put there after the check is not followed either), not a device or
a pipe, and no larger than :data:`MAX_SIDECAR_BYTES`. XMP never needs a DTD, so a document that
declares one is refused before any entity is declared: that is what keeps entity-expansion bombs
("billion laughs") and external entities out. A packet is written back with the namespace prefixes
the file used (``digiKam:``, ``lr:``, …), its comments and processing instructions.
"""

from __future__ import annotations

import os
import re
import stat
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from photoclip.core.errors import PhotoclipError

#: Far above any real sidecar (Lightroom's, with develop history, is well under 1 MB).
MAX_SIDECAR_BYTES = 8 << 20
#: Far deeper than any real packet; it keeps the writer's recursion bounded.
MAX_DEPTH = 100

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    # .invalid is reserved (RFC 2606): the name can never belong to someone else; XMP only needs
    # a URI that is stable and unique, it is never fetched.
    "photoclip": "https://ns.photoclip.invalid/xmp/1.0/",
}
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_PACKET_BEGIN = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
_PACKET_END = b'\n<?xpacket end="w"?>\n'
# Everything outside XML 1.0's Char production: C0 controls but tab, newline and carriage return,
# lone surrogates, U+FFFE and U+FFFF.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PREFIX = re.compile(r"^[A-Za-z_][\w.-]*$")


class SidecarError(PhotoclipError):
    """A sidecar photoclip will not read or change; the message says why and what to do."""


@dataclass
class Packet:
    """A parsed sidecar: its element tree and the prefix it used for each namespace."""

    root: ET.Element
    prefixes: dict[str, str] = field(default_factory=dict)  # namespace URI -> prefix in the file


def q(prefix: str, name: str) -> str:
    """The ElementTree name of ``prefix:name`` for one of the namespaces in :data:`NS`."""
    return f"{{{NS[prefix]}}}{name}"


def xml_unsafe_characters(text: str) -> str:
    """The characters of ``text`` that XML 1.0 cannot hold (empty when there are none)."""
    return "".join(_NOT_XML_CHAR.findall(text))


def read_packet(path: Path) -> Packet | None:
    """The sidecar at ``path`` parsed, or None when there is none; raises :class:`SidecarError`."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SidecarError(
            f"The sidecar {path} could not be read ({exc.strerror or exc}); it was left as it is."
        ) from exc
    if stat.S_ISLNK(info.st_mode):
        raise SidecarError(
            f"The sidecar {path} is a symbolic link; photoclip neither reads nor writes through links, so it was "
            "left as it is. Put the file itself in its place to have photoclip's tags added to it."
        )
    if not stat.S_ISREG(info.st_mode):
        raise SidecarError(f"The sidecar {path} is not a regular file; it was left as it is.")
    return parse_packet(_read_bounded(path), path)


def _read_bounded(path: Path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise SidecarError(
            f"The sidecar {path} could not be read ({exc.strerror or exc}); it was left as it is."
        ) from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise SidecarError(f"The sidecar {path} is not a regular file; it was left as it is.")
        data = handle.read(MAX_SIDECAR_BYTES + 1)
    if len(data) > MAX_SIDECAR_BYTES:
        raise SidecarError(
            f"The sidecar {path} is larger than {MAX_SIDECAR_BYTES >> 20} MB, far more than XMP keywords need; "
            "it was not read and was left as it is. Check what the file holds."
        )
    return data


class _DoctypeRefused(Exception):
    """The document declares a DTD."""


class _Builder(ET.TreeBuilder):
    """A tree builder that keeps comments and the file's prefixes and refuses any DOCTYPE."""

    def __init__(self) -> None:
        super().__init__(insert_comments=True, insert_pis=True)
        self.prefixes: dict[str, str] = {}

    def start_ns(self, prefix: str, uri: str) -> None:
        """Remembers the first prefix the file gave each namespace."""
        self.prefixes.setdefault(uri, prefix)

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        """Called at ``<!DOCTYPE``, before any entity in it is declared: stops the parse there."""
        raise _DoctypeRefused(name)


def parse_packet(data: bytes, path: Path) -> Packet:
    """Parses the bytes of a sidecar; raises :class:`SidecarError` for anything that is not safe XMP."""
    builder = _Builder()
    parser = ET.XMLParser(target=builder)
    try:
        parser.feed(data)
        root = parser.close()
    except _DoctypeRefused:
        raise SidecarError(
            f"The sidecar {path} declares a DTD or entities, which XMP never uses (they can make a reader expand "
            "text without end); it was not read and was left as it is. Remove the <!DOCTYPE …> part to have "
            "photoclip add its tags."
        ) from None
    except ET.ParseError as exc:
        raise SidecarError(
            f"The sidecar {path} is not well-formed XML ({exc}); it was left as it is. Repair or remove it and "
            "export again."
        ) from None
    if _depth(root) > MAX_DEPTH:
        raise SidecarError(f"The sidecar {path} nests deeper than any XMP packet does; it was left as it is.")
    if root.tag not in (q("x", "xmpmeta"), q("x", "xapmeta"), q("rdf", "RDF")):
        raise SidecarError(
            f"The sidecar {path} is XML but not an XMP packet (its root element is {root.tag}); it was left as it "
            "is. Move it aside to have photoclip write a new one."
        )
    return Packet(root, builder.prefixes)


def _depth(root: ET.Element) -> int:
    deepest = 0
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_DEPTH:
            stack.extend((child, depth + 1) for child in element)
    return deepest


def new_packet() -> Packet:
    """An empty XMP packet with one ``rdf:Description``."""
    root = ET.Element(q("x", "xmpmeta"))
    root.set(q("x", "xmptk"), "photoclip")
    rdf = ET.SubElement(root, q("rdf", "RDF"))
    ET.SubElement(rdf, q("rdf", "Description")).set(q("rdf", "about"), "")
    return Packet(root)


def serialize_packet(packet: Packet) -> bytes:
    """The packet as sidecar bytes: UTF-8 in an ``xpacket`` wrapper, every namespace declared on the root."""
    ET.indent(packet.root)
    prefixes = _assign_prefixes(packet)
    declarations = "".join(f' xmlns:{prefix}="{_attribute(uri)}"' for uri, prefix in prefixes.items())
    out: list[str] = []
    _write(packet.root, prefixes, out, declarations)
    return _PACKET_BEGIN + "".join(out).encode("utf-8") + _PACKET_END


def _names(packet: Packet) -> list[str]:
    uris: dict[str, None] = {}
    for element in packet.root.iter():
        if isinstance(element.tag, str):
            for name in (element.tag, *element.keys()):
                if name.startswith("{"):
                    uris[name[1:].split("}", 1)[0]] = None
    uris.pop(_XML_NS, None)
    return list(uris)


def _assign_prefixes(packet: Packet) -> dict[str, str]:
    well_known = {uri: prefix for prefix, uri in NS.items()}
    chosen: dict[str, str] = {}
    for uri in _names(packet):
        for prefix in (packet.prefixes.get(uri), well_known.get(uri)):
            if (
                prefix
                and _PREFIX.match(prefix)
                and not prefix.lower().startswith("xml")
                and prefix not in chosen.values()
            ):
                chosen[uri] = prefix
                break
        else:
            chosen[uri] = next(f"ns{n}" for n in range(len(chosen) + 1) if f"ns{n}" not in chosen.values())
    return chosen


def _name(name: str, prefixes: dict[str, str]) -> str:
    if not name.startswith("{"):
        return name
    uri, local = name[1:].split("}", 1)
    return f"xml:{local}" if uri == _XML_NS else f"{prefixes[uri]}:{local}"


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#09;")


def _write(element: ET.Element, prefixes: dict[str, str], out: list[str], declarations: str = "") -> None:
    if element.tag is ET.Comment:
        out.append(f"<!--{element.text or ''}-->")
    elif element.tag is ET.ProcessingInstruction:
        out.append(f"<?{element.text or ''}?>")
    else:
        name = _name(element.tag, prefixes)
        attributes = "".join(f' {_name(k, prefixes)}="{_attribute(v)}"' for k, v in element.items())
        out.append(f"<{name}{declarations}{attributes}")
        if len(element) or element.text:
            out.append(">" + _text(element.text or ""))
            for child in element:
                _write(child, prefixes, out)
            out.append(f"</{name}>")
        else:
            out.append("/>")
    if element.tail:
        out.append(_text(element.tail))
