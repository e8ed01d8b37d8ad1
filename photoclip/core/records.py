"""What the library knows, as plain values: photos, watched folders, tags, collections, and the
states they can be in. Both faces read these; only the storage modules make them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class TextEnum(str, Enum):
    """An enum whose members are their text: they compare, hash, print and format as it (Python
    3.11 would otherwise format a str-mixed enum as ``Class.MEMBER``)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class PhotoStatus(TextEnum):
    """Where a photo is in indexing (the catalog's ``photos.status``, held to these by a CHECK)."""

    PENDING = "pending"  # found, not read yet
    OK = "ok"  # read
    ERROR = "error"  # unreadable; ``PhotoRow.error`` says why


class TagSource(TextEnum):
    """Who made a tag."""

    AUTO = "auto"  # zero-shot tagging, with a score
    USER = "user"


class TagState(TextEnum):
    """A tag's review state. A rejected auto tag is kept so tagging never proposes it again."""

    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class IndexMode(TextEnum):
    """How a model's vectors are searched."""

    EXACT = "exact"  # one matrix-vector product over them all
    HNSW = "hnsw"  # an approximate nearest-neighbour graph, for large libraries


class SortOrder(TextEnum):
    """How results are ordered."""

    RELEVANCE = "relevance"
    DATE = "date"  # newest first
    DATE_ASC = "date-asc"  # oldest first

    @classmethod
    def parse(cls, value: str | SortOrder) -> SortOrder:
        """A sort order from its name (also 'newest', 'oldest', 'date-desc')."""
        aliases = {"newest": cls.DATE, "date-desc": cls.DATE, "oldest": cls.DATE_ASC}
        if isinstance(value, SortOrder):
            return value
        try:
            return aliases.get(value) or cls(value)
        except ValueError:
            from photoclip.core.errors import PhotoclipError

            raise PhotoclipError(f"Unknown sort order '{value}': use relevance, date or date-asc.") from None


@dataclass(frozen=True)
class Root:
    """A watched folder."""

    id: int
    path: Path
    online: bool
    last_scan_at: float | None
    excluded: tuple[str, ...]


@dataclass(frozen=True)
class PhotoRow:
    """A photo as the catalog knows it."""

    id: int
    root_id: int
    relpath: str
    size: int
    mtime_ns: int
    fingerprint: str | None
    width: int | None
    height: int | None
    taken_at: float | None
    status: PhotoStatus
    error: str | None
    root_path: Path
    online: bool
    #: Where ``taken_at`` came from: 'exif', 'file' (the file's time), or None before it is read.
    date_source: str | None = None

    @property
    def path(self) -> Path:
        """Absolute path of the photo (it may be on an offline drive)."""
        return self.root_path / self.relpath

    @property
    def folder(self) -> str:
        """Folder of the photo relative to its root ('' at the root)."""
        return self.relpath.rpartition("/")[0]


@dataclass(frozen=True)
class PhotoMetadata:
    """What reading a photo tells us, stored when it is indexed."""

    fingerprint: str
    width: int
    height: int
    taken_at: float | None
    date_source: str
    #: What the file's metadata names ('' for nothing): EXIF Make and Model, LensModel, the place.
    camera: str = ""
    lens: str = ""
    place: str = ""

    @property
    def texts(self) -> tuple[str, str, str]:
        """(camera, lens, place), as the catalog stores them."""
        return (self.camera, self.lens, self.place)


@dataclass(frozen=True)
class Tag:
    """One tag of one photo."""

    label: str
    source: TagSource
    score: float | None
    state: TagState


@dataclass(frozen=True)
class Collection:
    """An album that is not a folder: a saved search (``query``) or a hand-picked set."""

    id: int
    name: str
    query: str | None


@dataclass(frozen=True)
class TimelineBucket:
    """One month of the timeline: its photos are ``count`` photos from ``position`` on in the
    date-ordered list it was made for (the year and month headers of the grid, the date scrubber)."""

    year: int | None  # None: the photos with no date, which come last
    month: int | None
    count: int
    position: int


@dataclass(frozen=True)
class TagSummary:
    """A tag across the library (or an album): how many photos have it accepted (or given by the
    user) and how many have it only as a suggestion still to review."""

    label: str
    accepted: int
    suggested: int

    @property
    def photos(self) -> int:
        """Photos that show the tag (accepted or suggested)."""
        return self.accepted + self.suggested


@dataclass(frozen=True)
class Suggestion:
    """One unreviewed auto tag: ``label`` suggested for ``photo_id`` with the model's ``score``."""

    photo_id: int
    label: str
    score: float | None


@dataclass(frozen=True)
class TagChange:
    """What an edit of tags did: ``labels`` renamed or merged into ``into`` (None: deleted; for a
    review, ``into`` is the label itself), on ``photo_ids``; the saved searches rewritten to the new
    name; and what happened to the XMP sidecars photoclip wrote (when it was asked to follow them)."""

    labels: tuple[str, ...]
    into: str | None
    photo_ids: tuple[int, ...]
    saved_searches: tuple[str, ...] = ()
    sidecars_written: int = 0
    sidecar_problems: tuple[str, ...] = ()

    @property
    def renamed(self) -> dict[str, str]:
        """Old label -> new label, for the labels that now go by another name."""
        return {label: self.into for label in self.labels if self.into and label != self.into}
