"""What an indexing run tells the faces while it runs and when it ends."""

from __future__ import annotations

import collections
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from photoclip.core.records import TextEnum


class Phase(TextEnum):
    """Where a run is."""

    SCANNING = "scanning"
    LOADING_MODEL = "loading model"
    INDEXING = "indexing"
    SAVING = "saving"
    DONE = "done"


@dataclass
class IndexProgress:
    """A progress report, sent often during a run (from the indexing thread)."""

    phase: Phase
    done: int = 0
    total: int = 0
    rate: float = 0.0  # photos per second, recent
    eta_s: float | None = None
    errors: int = 0
    current: str = ""
    paused: bool = False


@dataclass
class IndexReport:
    """What a run did."""

    roots: int = 0
    offline: list[str] = field(default_factory=list)
    new: int = 0
    changed: int = 0
    moved: int = 0
    copied: int = 0
    deleted: int = 0
    embedded: int = 0
    remade: int = 0  # of those, photos embedded again because the model's weights changed
    errors: int = 0
    unchanged: int = 0
    vanished: int = 0  # files gone between the scan and their reading (left for the next scan)
    #: Watched folders that went offline while the run read them (unplugged, moved away), each
    #: with how many of its photos are left to index for when it is back (they are kept).
    went_offline: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    embed_seconds: float = 0.0  # the reading-and-embedding phase alone
    cancelled: bool = False
    index_status: str = ""
    walk_errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # links named like photos whose target is missing
    photo_ids: list[int] = field(default_factory=list)  # photos embedded, moved or copied

    @property
    def rate(self) -> float:
        """Photos embedded per second while embedding (model loading and the scan not counted)."""
        return self.embedded / self.embed_seconds if self.embed_seconds else 0.0


ProgressCallback = Callable[[IndexProgress], None]


class Rate:
    """Photos per second over the last few seconds, for the progress bar and time left."""

    def __init__(self, window: float = 8.0) -> None:
        self.window = window
        self.marks: collections.deque[tuple[float, int]] = collections.deque()

    def add(self, done: int) -> float:
        """Records that ``done`` photos are done now; returns the recent rate."""
        now = time.monotonic()
        self.marks.append((now, done))
        while len(self.marks) > 2 and now - self.marks[0][0] > self.window:
            self.marks.popleft()
        (t0, d0), (t1, d1) = self.marks[0], self.marks[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0
