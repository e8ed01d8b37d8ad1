"""What ``photoclip status`` and the window's status bar show: a typed snapshot of a library."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class UnreachablePath:
    """A file or sub-folder of a watched folder that the last scan could not reach."""

    path: str  # relative to the watched folder
    reason: str
    photos: int  # photos kept under it
    #: "folder" (a sub-folder offline: its drive unplugged, or it cannot be listed) or "photo" (a
    #: link named like a photo whose target is missing: a skipped file, never a folder offline).
    kind: str = "folder"


@dataclass(frozen=True)
class RootStatus:
    """One watched folder."""

    id: int
    path: str
    online: bool
    offline_reason: str | None
    photos: int
    last_scan_at: float | None
    excluded: tuple[str, ...]
    unreachable: list[UnreachablePath] = field(default_factory=list)

    @property
    def offline_folders(self) -> list[UnreachablePath]:
        """Its sub-folders that could not be reached (their photos kept)."""
        return [part for part in self.unreachable if part.kind == "folder"]

    @property
    def missing_photos(self) -> list[UnreachablePath]:
        """Its links to photos whose target is missing (a photo indexed from one is kept)."""
        return [part for part in self.unreachable if part.kind == "photo"]


@dataclass(frozen=True)
class LibraryStatus:
    """Counts, folders and the model of a library at one moment."""

    library: str
    model: str
    model_present: bool
    roots: list[RootStatus]
    photos: int
    embedded: int
    pending: int
    errors: int
    other_models: dict[str, int]
    device: str = ""  # where the model runs, once it is loaded
    engine: str = ""  # which runtime runs it, and in what precision
    notes: list[str] = field(default_factory=list)  # things the user should know (a device fell back, ...)

    @property
    def offline_roots(self) -> int:
        """Watched folders that are offline now."""
        return sum(1 for root in self.roots if not root.online)

    @property
    def offline_folders(self) -> int:
        """Watched folders offline and sub-folders of them that could not be reached; never a link
        to a missing photo file (the window once said "3 folders offline" for three such links)."""
        return self.offline_roots + sum(len(root.offline_folders) for root in self.roots)

    @property
    def missing_photos(self) -> int:
        """Links named like photos whose target is missing, in every watched folder."""
        return sum(len(root.missing_photos) for root in self.roots)

    def as_json(self) -> dict[str, Any]:
        """A plain dictionary for ``photoclip status --json``."""
        data = asdict(self)
        for root in data["roots"]:
            root["excluded"] = list(root["excluded"])
        return data
