"""Ranking photos for a query: text, images, combinations and exclusions, with a relevance cut-off.

Every term has a vector (text through the model, an image from the library's stored vector or
through the model). A photo's *relevance* is the weighted mean cosine of the positive terms, the
number shown to the user. The *rank key* also subtracts the negative terms, linearly, so the
index can be searched with one combined vector, and its candidates are then re-scored exactly.
A photo is listed when its relevance clears the cut-off and it does not itself match a negative
term (its cosine with it stays under that term's cut-off): "beach -people" drops photos that a
search for "people" would find.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core.catalog import Catalog, PhotoRow
from photoclip.core.errors import PhotoclipError
from photoclip.core.images import open_upright
from photoclip.core.models.registry import ModelSpec
from photoclip.core.query import Query, QueryTerm, parse_query
from photoclip.core.records import SortOrder
from photoclip.core.vectors import EF_IMAGE, VectorIndex, text_ef

if TYPE_CHECKING:
    from photoclip.core.models.engine import Engine


@dataclass(frozen=True)
class SearchFilters:
    """Restricts a search to part of the library."""

    roots: tuple[int, ...] | None = None
    folder: tuple[int, str] | None = None  # (root id, folder relative to it), sub-folders included
    date_from: float | None = None  # wall-clock seconds, inclusive
    date_to: float | None = None  # exclusive
    photo_ids: tuple[int, ...] | None = None  # a hand-picked collection
    tags: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        """True when anything is filtered."""
        return any(
            v not in (None, ())
            for v in (self.roots, self.folder, self.date_from, self.date_to, self.photo_ids, self.tags or None)
        )


@dataclass
class SearchHit:
    """One result: the photo, its relevance (shown) and the key it was ranked by."""

    photo: PhotoRow
    score: float
    rank: float


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

    @property
    def ids(self) -> np.ndarray:
        """Ids of every result, in order."""
        if self.all_ids is not None:
            return self.all_ids
        return np.fromiter((h.photo.id for h in self.hits), dtype=np.int64, count=len(self.hits))


class Searcher:
    """Answers queries against one model's vectors."""

    def __init__(
        self,
        catalog: Catalog,
        spec: ModelSpec,
        index_provider: Callable[[], VectorIndex],
        model_provider: Callable[[], Engine],
    ) -> None:
        self.catalog = catalog
        self.spec = spec
        self.index_provider = index_provider
        self.model_provider = model_provider
        self._text_cache: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
        self._cache_lock = threading.Lock()

    # -- term vectors ------------------------------------------------------------------------
    def text_vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for texts, cached (the search box asks for the same words as you type)."""
        with self._cache_lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._text_cache]
        if missing:
            encoded = self.model_provider().encode_text(missing)
            with self._cache_lock:
                for text, vector in zip(missing, encoded, strict=True):
                    self._text_cache[text] = vector
                while len(self._text_cache) > 512:
                    self._text_cache.popitem(last=False)
        with self._cache_lock:
            return np.stack([self._text_cache[t] for t in texts])

    def image_vector(self, path: Path) -> np.ndarray:
        """The vector of an image: the library's stored one if it is a library photo, else computed."""
        photo = self.catalog.photo_by_path(path)
        if photo is not None:
            stored = self.catalog.vector(photo.id, self.spec.id)
            if stored is not None:
                return stored
        model = self.model_provider()
        return model.encode_pil([open_upright(path, model.min_short_side)])[0]

    def _term_vectors(self, query: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(vectors, weights, cut-offs) for the query's terms."""
        texts = [t.text for t in query.terms if t.text is not None]
        text_vectors = iter(self.text_vectors(texts)) if texts else iter(())
        vectors, weights, cutoffs = [], [], []
        for term in query.terms:
            if term.text is not None:
                vectors.append(next(text_vectors))
                cutoffs.append(self.spec.text_min_score)
            else:
                assert term.image is not None
                vectors.append(self.image_vector(term.image))
                cutoffs.append(self.spec.image_min_score)
            weights.append(term.weight)
        return np.stack(vectors).astype(np.float32), np.array(weights, np.float32), np.array(cutoffs, np.float32)

    def default_min_score(self, query: Query) -> float:
        """The cut-off for a query: the positive terms' own cut-offs, weighted like the terms."""
        positive = query.positive
        if not positive:
            return 0.0
        total = sum(t.weight for t in positive)
        return float(
            sum(
                t.weight * (self.spec.text_min_score if t.text is not None else self.spec.image_min_score)
                for t in positive
            )
            / total
        )

    # -- searching ---------------------------------------------------------------------------
    def search(
        self,
        query: str | Query,
        *,
        limit: int = 100,
        min_score: float | None = None,
        sort: str = "relevance",
        filters: SearchFilters | None = None,
        exclude: Sequence[int] = (),
    ) -> SearchResults:
        """Ranks the library's photos for ``query``; see the module docstring for the rules."""
        query = parse_query(query) if isinstance(query, str) else query
        filters = filters or SearchFilters()
        if query.tags:
            filters = SearchFilters(
                filters.roots,
                filters.folder,
                filters.date_from,
                filters.date_to,
                filters.photo_ids,
                tuple(filters.tags) + query.tags,
            )
        allowed = (
            self.catalog.filter_photo_ids(
                roots=filters.roots,
                folder=filters.folder,
                date_from=filters.date_from,
                date_to=filters.date_to,
                photo_ids=filters.photo_ids,
                tags=filters.tags,
            )
            if filters.active
            else None
        )
        if query.is_empty:
            return self._browse(query, allowed, limit, sort)
        vectors, weights, cutoffs = self._term_vectors(query)
        positive_weight = float(weights[weights > 0].sum())
        direction = (weights[:, None] * vectors).sum(0) / positive_weight
        cut = self.default_min_score(query) if min_score is None else float(min_score)
        index = self.index_provider()
        simple = len(query.terms) == 1
        wanted = limit + len(exclude)
        k = wanted if simple else max(3 * wanted, 300)
        ef = text_ef(len(index)) if any(t.text is not None for t in query.terms) else EF_IMAGE
        ids, _ = index.search(direction, k, allowed=allowed, ef=ef)
        ids, candidate_vectors = index.get_vectors(ids)
        scores = candidate_vectors @ vectors.T  # exact cosine of every candidate with every term
        relevance = (scores[:, weights > 0] * weights[weights > 0]).sum(1) / positive_weight
        rank = (scores * weights).sum(1) / positive_weight
        keep = relevance >= cut if cut > 0 else np.ones(len(ids), dtype=bool)  # a cut-off of 0 keeps everything
        negatives = weights < 0
        if negatives.any():
            keep &= (scores[:, negatives] < cutoffs[negatives]).all(1)
        if len(exclude):
            keep &= ~np.isin(ids, np.asarray(exclude, dtype=np.int64))
        order = np.argsort(-rank[keep], kind="stable")[:limit]
        chosen_ids = ids[keep][order]
        photos = {p.id: p for p in self.catalog.photos_by_ids(chosen_ids.tolist())}
        hits = [
            SearchHit(photos[i], float(s), float(r))
            for i, s, r in zip(chosen_ids.tolist(), relevance[keep][order], rank[keep][order], strict=True)
            if i in photos
        ]
        _sort(hits, sort)
        return SearchResults(hits, query, cut, considered=len(ids), cut=int((~keep).sum()))

    def similar(
        self,
        target: int | Path,
        *,
        limit: int = 100,
        min_score: float | None = None,
        sort: str = "relevance",
        filters: SearchFilters | None = None,
    ) -> SearchResults:
        """Photos nearest to a library photo (by id or path) or to an outside image file."""
        exclude: list[int] = []
        if isinstance(target, int):
            photo = self.catalog.photo(target)
            if photo is None:
                raise PhotoclipError(f"No photo with id {target} in the library.")
            path = photo.path
            exclude.append(photo.id)
        else:
            path = Path(target).expanduser()
            photo = self.catalog.photo_by_path(path)
            if photo is not None:
                exclude.append(photo.id)
            elif not path.is_file():
                raise PhotoclipError(f"{path} is neither a photo in the library nor an image file.")
        if photo is not None and self.catalog.vector(photo.id, self.spec.id) is None:
            raise PhotoclipError(f"{path} is in the library but not indexed yet with {self.spec.id}.")
        query = Query(str(path), (QueryTerm(1.0, image=path),))
        return self.search(query, limit=limit, min_score=min_score, sort=sort, filters=filters, exclude=exclude)

    def _browse(
        self, query: Query, allowed: np.ndarray | None, limit: int, sort: str, page: int = 500
    ) -> SearchResults:
        """No words to rank by: list the (filtered) photos by date, ids only beyond the first page."""
        newest_first = SortOrder.parse(sort) != SortOrder.DATE_ASC
        ids = self.catalog.ids_by_date(allowed, newest_first=newest_first)[:limit]
        hits = [SearchHit(p, 0.0, 0.0) for p in self.catalog.photos_by_ids(ids[:page].tolist())]
        return SearchResults(hits, query, 0.0, considered=len(ids), all_ids=ids)


def _sort(hits: list[SearchHit], sort: str | SortOrder) -> None:
    order = SortOrder.parse(sort)
    if order == SortOrder.DATE:
        hits.sort(key=lambda h: h.photo.taken_at or float("-inf"), reverse=True)
    elif order == SortOrder.DATE_ASC:
        hits.sort(key=lambda h: h.photo.taken_at or float("inf"))
