"""What a search returns, and what narrows it: the results with what produced them, one result, the filters."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from photoclip.core.catalog import PhotoRow
from photoclip.core.query import Query


@dataclass(frozen=True)
class SearchFilters:
    """Restricts a search to part of the library."""

    roots: tuple[int, ...] | None = None
    folder: tuple[int, str] | None = None  # (root id, folder relative to it), sub-folders included
    date_from: float | None = None  # wall-clock seconds, inclusive
    date_to: float | None = None  # exclusive
    photo_ids: tuple[int, ...] | None = None  # a hand-picked collection
    tags: tuple[str, ...] = ()
    months: tuple[int, ...] = ()  # months of the year (1-12), any year: "in december"; empty: any
    without_tags: tuple[str, ...] = ()  # photos with any of these tags are left out

    @property
    def active(self) -> bool:
        """True when anything is filtered."""
        return bool(self.months or self.without_tags) or any(
            v not in (None, ())
            for v in (self.roots, self.folder, self.date_from, self.date_to, self.photo_ids, self.tags or None)
        )


@dataclass
class SearchHit:
    """One result: the photo, its score (shown, and what results are ordered by), and its cosine
    with each of the query's terms (what made the score)."""

    photo: PhotoRow
    score: float
    terms: tuple[float, ...] = ()
    #: Where the query's words were found in the photo's names or metadata ("folder: 2019 Paris trip").
    matched: tuple[str, ...] = ()


@dataclass
class SearchResults:
    """Results with what produced them."""

    hits: list[SearchHit]
    query: Query
    min_score: float
    considered: int = 0  # candidates scored before the cut-off
    cut: int = 0  # candidates under the cut-off
    notes: list[str] = field(default_factory=list)
    # Every result in order, when there are more than ``hits`` carries (listing a whole library):
    # the grid shows them by id and fetches rows only for what is on screen.
    all_ids: np.ndarray | None = None
    #: How many photos each relevance level would list for this query ('strict', 'normal', ...).
    level_counts: dict[str, int] = field(default_factory=dict)
    #: The levels whose count is a floor: a large library's search scored only part of it, and
    #: those levels list photos up to its edge (the level asked for is always counted whole).
    counts_at_least: frozenset[str] = frozenset()
    #: So is the count of what this search lists ("all" in a large library: its nearest photos).
    more_beyond: bool = False
    #: None stood out: the hits are only the few closest (a page, not an answer for a script).
    closest: bool = False

    @property
    def ids(self) -> np.ndarray:
        """Ids of every result, in order."""
        if self.all_ids is not None:
            return self.all_ids
        return np.fromiter((h.photo.id for h in self.hits), dtype=np.int64, count=len(self.hits))
