"""Where each cell and header of the photo grid goes, by arithmetic.

The grid is a run of sections: the months of a timeline, each under its header (and a year's first
month under the year too), or one section with no header for ranked results. Every cell has the
same size, so a section's height is its header plus its rows of cells, and any row, point or
rectangle is found from a few hundred section tops with a bisection: 100,000 photos cost no more
to lay out than 100, and a resize or a new result set is laid out at once.

Coordinates are the grid's content coordinates (y from the top of the first section).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from photoclip.core.records import TimelineBucket
from photoclip.gui.date_labels import month_title

#: Height of a month header, and of the year line a year's first month has above it.
MONTH_HEADER = 40
YEAR_HEADER = 38


@dataclass(frozen=True)
class Section:
    """A run of ``count`` rows of the model from ``start`` on, under a header saying ``title``
    ('June 2019'; None: no header). ``year`` is set on the first month of a year the list shows,
    which gets the year's own line above its month header; ``year_count`` is that year's photos."""

    start: int
    count: int
    title: str | None = None
    year: int | None = None
    year_count: int = 0
    #: The bucket's own year and month (None for photos with no date, or no timeline).
    month: tuple[int, int] | None = None


def sections_from_timeline(buckets: Sequence[TimelineBucket]) -> list[Section]:
    """The sections of a timeline: a header per month, the year's line over each year's first month."""
    year_counts: dict[int | None, int] = {}
    for bucket in buckets:
        year_counts[bucket.year] = year_counts.get(bucket.year, 0) + bucket.count
    sections, previous_year = [], object()
    for bucket in buckets:
        first_of_year = bucket.year is not None and bucket.year != previous_year
        previous_year = bucket.year
        sections.append(
            Section(
                bucket.position,
                bucket.count,
                month_title(bucket.year, bucket.month),
                bucket.year if first_of_year else None,
                year_counts[bucket.year] if first_of_year else 0,
                None if bucket.year is None or bucket.month is None else (bucket.year, bucket.month),
            )
        )
    return sections


class GridLayout:
    """Lays out sections of cells ``cell`` pixels high in as many columns of at least ``cell``
    pixels as fit a width; the columns share the width left over, so the grid fills the window."""

    def __init__(self, cell: int) -> None:
        self.cell = cell
        self.cell_width = cell
        self.columns = 1
        self.sections: list[Section] = []
        self.starts: list[int] = []  # each section's first row
        self.tops: list[int] = [0]  # each section's top, and the end of the last one
        self.headers: list[int] = []  # each section's header height
        self.rows = 0

    # -- building ----------------------------------------------------------------------------
    def set_sections(self, sections: Sequence[Section], rows: int) -> None:
        """Lays out ``rows`` rows in ``sections``; sections that do not add up to ``rows`` (a list
        changed under them) give way to one plain section, so every row always has a place."""
        if sum(s.count for s in sections) != rows or any(s.count <= 0 for s in sections):
            sections = [Section(0, rows)] if rows else []
        self.sections, self.rows = list(sections), rows
        self.starts = [s.start for s in self.sections]
        self.headers = [
            (MONTH_HEADER if s.title is not None else 0) + (YEAR_HEADER if s.year is not None else 0)
            for s in self.sections
        ]
        self._place()

    def set_width(self, width: int) -> bool:
        """Fits the columns to ``width``; True when their number (so the height of it all) changed."""
        columns = max(1, width // self.cell)
        self.cell_width = max(self.cell, width // columns)
        if columns == self.columns:
            return False
        self.columns = columns
        self._place()
        return True

    def _place(self) -> None:
        tops, y = [], 0
        for section, header in zip(self.sections, self.headers, strict=True):
            tops.append(y)
            y += header + self.grid_rows(section) * self.cell
        tops.append(y)
        self.tops = tops

    @property
    def titled(self) -> bool:
        """True when the sections have headers (a timeline)."""
        return any(s.title is not None for s in self.sections)

    @property
    def height(self) -> int:
        """The height of everything."""
        return self.tops[-1]

    def grid_rows(self, section: Section) -> int:
        """How many rows of cells ``section`` takes."""
        return -(-section.count // self.columns)

    # -- finding -----------------------------------------------------------------------------
    def section_of(self, row: int) -> int:
        """The index of the section holding ``row``."""
        return max(0, bisect.bisect_right(self.starts, row) - 1)

    def section_at(self, y: int) -> int:
        """The index of the section whose band (header and cells) holds content ``y`` (clamped)."""
        return min(max(0, bisect.bisect_right(self.tops, y) - 1), len(self.sections) - 1)

    def cells_top(self, index: int) -> int:
        """Where section ``index``'s first row of cells starts."""
        return self.tops[index] + self.headers[index]

    def rect(self, row: int) -> tuple[int, int, int, int]:
        """(x, y, width, height) of ``row``'s cell."""
        index = self.section_of(row)
        line, column = divmod(row - self.starts[index], self.columns)
        return column * self.cell_width, self.cells_top(index) + line * self.cell, self.cell_width, self.cell

    def row_at(self, x: int, y: int) -> int | None:
        """The row whose cell holds the point, or None (a header, a gap, past the end)."""
        if not self.sections or y < 0 or x < 0 or y >= self.height:
            return None
        index = self.section_at(y)
        below = y - self.cells_top(index)
        column = x // self.cell_width
        if below < 0 or column >= self.columns:
            return None
        offset = (below // self.cell) * self.columns + column
        return self.starts[index] + offset if offset < self.sections[index].count else None

    def row_near(self, x: int, y: int) -> int:
        """The row whose cell is nearest the point (for paging and jumping; the list must not be empty)."""
        index = self.section_at(y)
        section = self.sections[index]
        line = min(max(0, (y - self.cells_top(index)) // self.cell), self.grid_rows(section) - 1)
        column = min(max(0, x // self.cell_width), self.columns - 1)
        return section.start + min(line * self.columns + column, section.count - 1)

    def row_below(self, row: int) -> int:
        """The row under ``row`` (the same column of the next line, crossing into the next section)."""
        index = self.section_of(row)
        section = self.sections[index]
        line, column = divmod(row - section.start, self.columns)
        if (line + 1) * self.columns < section.count:
            return section.start + min((line + 1) * self.columns + column, section.count - 1)
        if index + 1 < len(self.sections):
            after = self.sections[index + 1]
            return after.start + min(column, after.count - 1)
        return row

    def row_above(self, row: int) -> int:
        """The row over ``row`` (the same column of the line before, crossing into the section before)."""
        index = self.section_of(row)
        section = self.sections[index]
        line, column = divmod(row - section.start, self.columns)
        if line > 0:
            return section.start + (line - 1) * self.columns + column
        if index > 0:
            before = self.sections[index - 1]
            last_line = (before.count - 1) // self.columns
            return before.start + min(last_line * self.columns + column, before.count - 1)
        return row

    def visible_rows(self, top: int, bottom: int) -> tuple[int, int] | None:
        """(first, last) rows with a cell between content ``top`` and ``bottom``, or None."""
        if not self.sections or bottom <= top:
            return None
        first = last = None
        for _index, start, end in self.rows_between(top, bottom):
            first = start if first is None else first
            last = end
        return None if first is None or last is None else (first, last)

    def rows_between(self, top: int, bottom: int) -> Iterator[tuple[int, int, int]]:
        """For each section between content ``top`` and ``bottom``: (section index, first row, last
        row) of its cells in that band (sections whose cells are all outside it are left out)."""
        if not self.sections:
            return
        for index in range(self.section_at(top), self.section_at(bottom) + 1):
            section, cells = self.sections[index], self.cells_top(index)
            first_line = max(0, (top - cells) // self.cell)
            last_line = min(self.grid_rows(section) - 1, (bottom - cells) // self.cell)
            if last_line < first_line or bottom < cells:
                continue
            first = section.start + first_line * self.columns
            last = section.start + min((last_line + 1) * self.columns, section.count) - 1
            yield index, first, last
