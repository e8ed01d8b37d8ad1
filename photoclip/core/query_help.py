"""What a search may say, with examples: one list for the window's Help page and the command
line's ``photoclip search --help``, so the two never tell different stories.

The grammar itself is :mod:`photoclip.core.query` (and :mod:`photoclip.core.query_dates`); a test
runs every example here through it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SyntaxExample:
    """One form a search can take: an example of it and what it finds."""

    example: str
    meaning: str


QUERY_SYNTAX: tuple[SyntaxExample, ...] = (
    SyntaxExample("a dog on a beach at sunset", "photos that look like the description"),
    SyntaxExample("beach -people sunset", "minus: leave out photos that match “people” (the word after it)"),
    SyntaxExample("beach - people on bikes", "a spaced minus leaves out everything up to the next + or -"),
    SyntaxExample("sunset + lake", "plus: photos that match both"),
    SyntaxExample("2:sunset + lake", "a weight in front of a term: “sunset” counts twice"),
    SyntaxExample("tag:beach sunset", "only photos tagged “beach”, ranked by “sunset”"),
    SyntaxExample('tag:"green circle"', "a tag of several words (quotes are needed only if it is ambiguous)"),
    SyntaxExample("sunset -tag:beach", "photos not tagged “beach”, ranked by “sunset”"),
    SyntaxExample("folder:paris beach", "only photos in a folder whose name holds “paris”, sub-folders too"),
    SyntaxExample("beach -folder:work", "photos not in a folder whose name holds “work” (-camera: likewise)"),
    SyntaxExample("camera:fuji", "only photos taken with a camera whose name holds “fuji”"),
    SyntaxExample("beach 2019", "dates are a filter: beaches among the photos of 2019"),
    SyntaxExample("snow in december", "a month of any year; also seasons, “last summer”, “the 90s”"),
    SyntaxExample("beach - 2019", "a date after a minus: beaches, leaving out the photos of 2019"),
    SyntaxExample("~/Pictures/cat.jpg", "a path to an image: photos like it (in the library or not)"),
    SyntaxExample("~/cat.jpg + in the snow", "an image and words together"),
    SyntaxExample('"t-shirt - blue"', "quotes keep + and - inside a term"),
)

#: How the results are cut off: the relevance choice beside the search box (and --relevance).
RELEVANCE_HELP: tuple[SyntaxExample, ...] = (
    SyntaxExample("Fewer (strict)", "only photos that stand out clearly from the rest of the library"),
    SyntaxExample("Normal", "the photos that stand out (the default)"),
    SyntaxExample("More (loose)", "looser matches too"),
    SyntaxExample("All, ranked", "every photo, best first"),
)


def syntax_text(width: int = 28) -> str:
    """The query syntax as plain text lines, for a terminal."""
    lines = ["what a search may say:"]
    lines += [f"  {e.example:<{width}} {e.meaning}" for e in QUERY_SYNTAX]
    return "\n".join(lines)
