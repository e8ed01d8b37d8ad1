"""Why a photo matched a search: its score for each term of the query, in the query's order.

A :class:`~photoclip.core.search.SearchHit` carries the photo's cosine with each term; this names
them as the person typed them ("beach", "-people", "cat.jpg"), so the window's preview and
``photoclip search --explain`` say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from photoclip.core.query import Query, QueryTerm
from photoclip.core.search_results import SearchHit, SearchResults


@dataclass(frozen=True)
class TermScore:
    """One term of a query and a photo's cosine with it (a negative term: the photo is left out
    when it matches that one)."""

    term: str
    score: float
    negative: bool = False
    image: bool = False

    def __str__(self) -> str:
        return f"{'-' if self.negative else ''}{self.term} {self.score:.2f}"


def term_label(term: QueryTerm) -> str:
    """A term as typed: its words, or its image's file name."""
    if term.text is not None:
        return term.text
    return term.image.name if term.image is not None else "?"


def term_scores(hit: SearchHit, query: Query) -> list[TermScore]:
    """The photo's score for each term of ``query``, in order (none for a listing without words)."""
    return [
        TermScore(term_label(term), score, term.negative, term.text is None)
        for term, score in zip(query.terms, hit.terms, strict=False)
    ]


def hit_for(results: SearchResults, photo_id: int) -> SearchHit | None:
    """The hit of a photo among ranked results (None if it is not one of them, or for a listing)."""
    if not results.query.positive:
        return None
    return next((hit for hit in results.hits if hit.photo.id == photo_id), None)
