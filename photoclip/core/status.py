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

    def as_json(self) -> dict[str, Any]:
        """A plain dictionary for ``photoclip status --json``."""
        data = asdict(self)
        for root in data["roots"]:
            root["excluded"] = list(root["excluded"])
        return data
