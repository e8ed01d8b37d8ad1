"""Which photos a search scores: all of a small library, or enough of a large library's graph.

A library under the exact-search limit is scored whole. A larger one is searched through its HNSW
graph, which returns the nearest photos to one vector: here the vector whose inner product orders
photos as the score does with its correction for hubs taken whole (``QueryRelevance.direction`` and
``ceiling``), so hubs that the score counts down do not crowd out the photos it counts up. The graph
is asked for twice as many as the library sample says the level lists (at least a thousand), then
for WIDEN times as many while photos past them could still be listed: some of the farthest are, or
the farthest could still score as high as the lowest listed photo. So a query that thousands of
photos answer ("people" in 100,000) is counted, sorted by date and listed whole. At "all" the
photos relevant at "normal" are found the same way (the menu's counts stay whole), then enough for
the best ``-n`` by score, or, sorted by date, the first ``-n`` by date are added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from photoclip.core.query import Query
from photoclip.core.records import IndexMode, SortOrder
from photoclip.core.relevance import QueryRelevance, Strictness
from photoclip.core.vectors import EF_IMAGE, VectorIndex, text_ef

#: A large library's search starts from this many of the graph's nearest photos (at "all", as many
#: as asked for, and sorted by date at least DATE_CANDIDATES: "all" sorts those)...
FIRST_CANDIDATES = 1000
DATE_CANDIDATES = 5000
#: ...or twice as many as the library sample says are relevant, and asks for WIDEN times as many
#: while photos past them may be listed (see _more_beyond; EDGE: the share taken as the farthest).
WIDEN = 4
EDGE = 0.1
#: A direction that counts hubs down points away from what photos share, where the graph's greedy
#: search loses its way: at ef = k it found 81-88% of the true nearest 100 of 1,000 (100,000
#: CLIP-shaped vectors, random-weight ViT-B-32 words), at 4k 98-100%, for 9 ms more.
GRAPH_BREADTH = 4


class Candidates(NamedTuple):
    """The photos a search scores, in the graph's order, and whether they are every photo it could."""

    ids: np.ndarray
    vectors: np.ndarray
    complete: bool
    graph_count: int | None = None
    floors: frozenset[str] = frozenset()  # levels that may list photos past the candidates

    def edge(self) -> np.ndarray:
        """Which candidates are the graph's farthest EDGE share, and the newest photos added for a
        date sort of "all" (none when the candidates are complete): a level that lists any of them
        may list more photos beyond them."""
        edge = np.zeros(len(self.ids), bool)
        if not self.complete:
            edge[-max(1, int(self.from_graph * EDGE)) : self.from_graph] = True
            edge[self.from_graph :] = True
        return edge

    @property
    def from_graph(self) -> int:
        """How many of the candidates came from the graph (the rest are the newest or oldest photos)."""
        return len(self.ids) if self.graph_count is None else self.graph_count


def find_candidates(
    index: VectorIndex,
    query: Query,
    vectors: np.ndarray,
    weights: np.ndarray,
    *,
    wanted: int,
    sort: str,
    allowed: np.ndarray | None,
    relevance: QueryRelevance | None,
    generic_vector: np.ndarray | None,
    sample: np.ndarray | None,
    level: Strictness,
    min_score: float | None,
    dated: Callable[[], np.ndarray] | None = None,
) -> Candidates:
    """The photos the query's photos are found among: every photo (of ``allowed``) when search
    is exact, else the graph's nearest in the order of the score, enough of them to hold every photo
    relevant at ``level`` (or passing an explicit ``min_score``). ``vectors``, ``weights``: the
    query's terms; ``generic_vector``: the generic prompts' when ``relevance`` was measured with
    them; ``sample``: the library sample's vectors it was measured on, which tell how many to expect;
    ``dated``: every photo it may list in the date order asked, for "all" sorted by date."""
    if relevance is None:  # too small a library to measure: the plain combined vector
        direction = (weights[:, None] * vectors).sum(0) / float(weights[weights > 0].sum())
    else:
        direction = relevance.direction(vectors, generic_vector)
    ef = text_ef(len(index)) if any(t.text is not None for t in query.terms) else EF_IMAGE
    # At "all" every photo is listed; the photos relevant at "normal" are still all found, so the
    # menu's counts stay whole, and the best ``wanted`` by score.
    every = level == Strictness.ALL and min_score is None
    judged = Strictness.NORMAL if every else level
    by_relevance = SortOrder.parse(sort) == SortOrder.RELEVANCE
    sample_standing: np.ndarray | None = None
    if index.mode == IndexMode.EXACT:
        k = len(index)
    else:  # twice what the library sample says is relevant, more if photos past them may be
        eligible = len(index) if allowed is None else len(allowed)
        expected = 0.0
        if relevance is not None and sample is not None and len(sample):
            sample_standing = _standing(relevance, sample, vectors, generic_vector)
            expected = float(_listed(relevance, sample_standing, judged, min_score).mean()) * eligible
        k = max(FIRST_CANDIDATES, int(2 * expected))
        if every:
            k = max(k, 2 * wanted if by_relevance else max(wanted, DATE_CANDIDATES))
    while True:
        breadth = GRAPH_BREADTH * k if relevance is not None and relevance.generic_level is not None else k
        found, _ = index.search(direction, k, allowed=allowed, ef=max(ef, breadth))
        ids, candidate_vectors = index.get_vectors(found)
        if len(found) < k or k >= len(index):
            return Candidates(ids, candidate_vectors, complete=True)
        if relevance is None:
            return Candidates(ids, candidate_vectors, complete=False)
        judge = _Judge(relevance, candidate_vectors, vectors, generic_vector, sample_standing)
        more = judge.more_beyond(judged, min_score)
        if every and by_relevance and not more:
            more = judge.better_beyond(wanted)
        if not more:
            graph = Candidates(ids, candidate_vectors, False, floors=judge.floors())
            if every and not by_relevance and dated is not None:
                return _with_the_first_by_date(index, graph, dated(), wanted)
            return graph
        k *= WIDEN


def _with_the_first_by_date(index: VectorIndex, found: Candidates, dated: np.ndarray, wanted: int) -> Candidates:
    """The graph's candidates and the first ``wanted`` photos of ``dated`` (every photo the search
    may list, in the order asked): "all" sorted by date lists those, wherever the graph would rank them."""
    first = dated[:wanted]
    ids, vectors = index.get_vectors(first[~np.isin(first, found.ids)])
    complete = len(dated) <= wanted
    return Candidates(
        np.concatenate([found.ids, ids]),
        np.concatenate([found.vectors, vectors]),
        complete,
        len(found.ids),
        found.floors if not complete else frozenset(),
    )


class _Judge:
    """One set of candidates measured once against the query: their standings and scores, and the
    ceiling of the farthest EDGE share (see ``QueryRelevance.ceiling``), beside the library
    sample's standings; what tells whether photos past the candidates may count."""

    def __init__(
        self,
        relevance: QueryRelevance,
        candidate_vectors: np.ndarray,
        vectors: np.ndarray,
        generic_vector: np.ndarray | None,
        sample_standing: np.ndarray | None,
    ) -> None:
        self.relevance = relevance
        self.standing = _standing(relevance, candidate_vectors, vectors, generic_vector)
        self.scores = relevance.score(self.standing)
        self.edge = slice(-max(1, int(len(candidate_vectors) * EDGE)), None)
        farthest = candidate_vectors[self.edge]
        ceiling = relevance.ceiling(farthest @ vectors.T, relevance.generic_cosines(farthest, generic_vector))
        self.edge_ceiling = float(ceiling.min())
        self.sample_standing = sample_standing

    def more_beyond(self, level: Strictness, min_score: float | None) -> bool:
        """Whether photos past the candidates may be listed: some of the farthest are, or the
        farthest could score as high as the lowest listed photo (among the candidates and the
        library sample) or ``min_score``."""
        if _listed(self.relevance, self.standing[self.edge], level, min_score).any():
            return True
        floor = min_score
        if floor is None:
            lowest = []
            for standing in (self.standing, self.sample_standing):
                if standing is not None and len(standing):
                    listed = self.relevance.keep(standing, level)
                    if listed.any():
                        lowest.append(float(self.relevance.score(standing)[listed].min()))
            if not lowest:
                return False
            floor = min(lowest)
        return self.edge_ceiling >= floor

    def better_beyond(self, wanted: int) -> bool:
        """Whether a photo past the candidates could score higher than the ``wanted``-th best of them."""
        if len(self.scores) <= wanted:
            return True
        return self.edge_ceiling > float(np.partition(self.scores, -wanted)[-wanted])

    def floors(self) -> frozenset[str]:
        """The levels whose count over these candidates is only a floor: "all", and those that may
        list photos past them (the level asked for was widened for; the others were not)."""
        levels = (Strictness.STRICT, Strictness.NORMAL, Strictness.LOOSE)
        return frozenset(str(lv) for lv in (Strictness.ALL, *(lv for lv in levels if self.more_beyond(lv, None))))


def _standing(
    relevance: QueryRelevance, photo_vectors: np.ndarray, vectors: np.ndarray, generic_vector: np.ndarray | None
) -> np.ndarray:
    """The photos' standings for the query's terms."""
    return relevance.standing(photo_vectors @ vectors.T, relevance.generic_cosines(photo_vectors, generic_vector))


def _listed(relevance: QueryRelevance, standing: np.ndarray, level: Strictness, min_score: float | None) -> np.ndarray:
    """Which of these standings the search lists at ``level`` (or with an explicit ``min_score``)."""
    if min_score is not None:
        return relevance.keep_above(standing, min_score)
    return relevance.keep(standing, level)
