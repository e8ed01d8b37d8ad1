"""The library by date, as the faces see it (part of :class:`Library`): year and month buckets for
the timeline's headers and its date scrubber.

A timeline is drawn over a date-ordered list of photo ids, the one an empty search lists
(``library.search("", sort="date")``, its ``ids``) or a search sorted by date; each bucket says
where its month starts in that list, so a header or a scrubber position maps straight to a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core.records import TimelineBucket

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog


class TimelineMixin:
    """Buckets of photos by month."""

    catalog: Catalog

    def timeline(
        self, ids: Sequence[int] | np.ndarray | None = None, *, newest_first: bool = True
    ) -> list[TimelineBucket]:
        """The months of a date-ordered list of photos, in its order, with where each starts in it.

        Without ``ids``: the whole library in the order an empty search lists it (newest first, or
        oldest first), counted by SQL without reading a row per photo. With ``ids`` (a filtered
        browse or a date-sorted search's ``results.ids``): a bucket for each run of photos of one
        month, as they come. Photos with no date are a bucket of their own, ``year`` None.
        """
        if ids is None:
            buckets, position = [], 0
            for year, month, count in self.catalog.month_counts(newest_first=newest_first):
                buckets.append(TimelineBucket(year, month, count, position))
                position += count
            return buckets
        taken = self.catalog.dates_of(ids)
        if not len(taken):
            return []
        # Months since 1970 of each photo (-1: no date); a bucket starts where that changes.
        months = np.full(len(taken), -1, dtype=np.int64)
        dated = ~np.isnan(taken)
        months[dated] = taken[dated].astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
        starts = np.flatnonzero(np.r_[True, months[1:] != months[:-1]])
        counts = np.diff(np.r_[starts, len(months)])
        return [
            TimelineBucket(None, None, int(count), int(start))
            if months[start] < 0
            else TimelineBucket(int(months[start] // 12 + 1970), int(months[start] % 12 + 1), int(count), int(start))
            for start, count in zip(starts, counts, strict=True)
        ]
