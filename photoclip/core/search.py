"""Ranking photos for a query: text, images, combinations and exclusions, with a relevance cut-off.

Every term has a vector (text through the model, an image from the library's stored vector or
through the model). Each term is measured against the library (how far each photo stands above
the library's ordinary level for it; see :mod:`photoclip.core.relevance`); the index gives the
candidates (:mod:`photoclip.core.candidates`: all of a small library, else enough of the graph's),
which are scored exactly against each term, cut off and ordered by that one score, which is what
is shown.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core.candidates import find_candidates
from photoclip.core.catalog import Catalog
from photoclip.core.closest import closest
from photoclip.core.date_filter import DateFilter
from photoclip.core.discernment import AGREEMENT_LIMIT, Discernment, spread_labels
from photoclip.core.errors import PhotoclipError
from photoclip.core.formatting import plural
from photoclip.core.metadata_match import MetadataMatcher
from photoclip.core.models.registry import ModelSpec
from photoclip.core.paths import expand_home
from photoclip.core.query import Query, QueryTerm, parse_query
from photoclip.core.records import PhotoStatus, SortOrder
from photoclip.core.relevance import SAMPLE, QueryRelevance, Strictness
from photoclip.core.search_notes import ALL_DATES_LEFT_OUT_NOTE, CLOSEST_NOTE, SMALL_LIBRARY_NOTE, UNSCORED_NOTE
from photoclip.core.search_results import SearchFilters, SearchHit, SearchResults
from photoclip.core.search_term_vectors import TermVectors
from photoclip.core.small_library import SMALL_LIBRARY, SmallLibraryQuery, closest_few
from photoclip.core.vectors import VectorIndex
from photoclip.core.vocabulary import query_unlearnt, unlearnt_note

if TYPE_CHECKING:
    from photoclip.core.models.engine import Engine


class Searcher(TermVectors):
    """Answers queries against one model's vectors."""

    def __init__(
        self,
        catalog: Catalog,
        spec: ModelSpec,
        index_provider: Callable[[], VectorIndex],
        model_provider: Callable[[], Engine],
        vocabulary: frozenset[str] | None = None,
    ) -> None:
        self.catalog = catalog
        self.spec = spec
        self.vocabulary = vocabulary  # the words the model was trained on, when it lists them
        self.index_provider = index_provider
        self.model_provider = model_provider
        self._text_cache: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
        self._cache_lock = threading.Lock()
        self._image_cache: collections.OrderedDict[tuple[str, int, int], tuple[np.ndarray, np.ndarray]] = (
            collections.OrderedDict()
        )
        self._sample: tuple[tuple[int, int, int], np.ndarray] | None = None  # the library sample, by index state
        self.words = MetadataMatcher(catalog)  # folder and file names, tags, camera, lens, place
        self.discernment = Discernment(spec.id, catalog.get_meta, catalog.set_meta)
        self._agreement: tuple[tuple[int, int, int], float] | None = None  # by index state, like the sample

    def relevance(
        self, index: VectorIndex, query: Query, vectors: np.ndarray, weights: np.ndarray
    ) -> QueryRelevance | None:
        """The query's terms measured against a fixed sample of the library (None when it is too small)."""
        key = (len(index), index.seq_high, index.generation)
        with self._cache_lock:
            cached = self._sample if self._sample is not None and self._sample[0] == key else None
        if cached is None:
            cached = (key, index.sample(SAMPLE))
            with self._cache_lock:
                self._sample = cached
        sample = cached[1]
        if len(sample) < SMALL_LIBRARY:  # judged among its own photos instead (small_library.py)
            return None
        is_text = np.array([t.text is not None for t in query.terms])
        groups = self.trusts_groups(key, sample, len(index), measure=bool(is_text.any()))
        # the generic prompts tell hubs apart for words, and which left-out words find nothing here
        generic = sample @ self.generic_vector() if is_text.any() and self.spec.none_prompts else None
        return QueryRelevance.measure(sample @ vectors.T, weights, is_text, groups, generic)

    def _small_library(
        self,
        query: Query,
        cosines: np.ndarray,
        weights: np.ndarray,
        vectors: np.ndarray,
        wanted: np.ndarray | None,
        likeness: np.ndarray,
    ) -> SmallLibraryQuery:
        """The query judged among the photos of a library too small to measure it against
        (``likeness``: the photos' cosines with the query's terms as stored, which tell copies)."""
        is_text = np.array([t.text is not None for t in query.terms])
        generic = vectors @ self.generic_vector() if is_text.any() and self.spec.none_prompts else None
        return SmallLibraryQuery.measure(cosines, weights, is_text, generic, self.spec.tag_margin, wanted, likeness)

    def _generic_for(self, relevance: QueryRelevance | None) -> np.ndarray | None:
        """The generic prompts' vector when ``relevance`` was measured with it, else None."""
        return self.generic_vector() if relevance is not None and relevance.generic_level is not None else None

    def generic_vector(self) -> np.ndarray:
        """The model's generic prompts ("a photo.") as one unit vector: what the photos that lie near
        every text lie near (see :mod:`photoclip.core.relevance`, "Not a hub")."""
        mean = self.text_vectors(list(self.spec.none_prompts)).mean(0)
        return (mean / np.linalg.norm(mean)).astype(np.float32)

    def trusts_groups(self, key: tuple[int, int, int], sample: np.ndarray, photos: int, measure: bool) -> bool:
        """Whether a group of photos apart from the rest may be taken as a query's answer: the model
        orders this library differently for different words (:mod:`photoclip.core.discernment`).
        Measured with the model's own labels when not yet known for a library of this size (only
        when ``measure``: a query of words has the text model loaded anyway)."""
        with self._cache_lock:
            known = self._agreement[1] if self._agreement is not None and self._agreement[0] == key else None
        if known is None:
            known = self.discernment.stored(photos)
        if known is None and measure:
            from photoclip.core.tagging import builtin_label_sets

            label_set = builtin_label_sets().get(self.spec.default_label_set)
            if label_set is not None:
                labels = self.text_vectors(spread_labels(label_set.labels))
                known = self.discernment.measure(photos, sample, labels)
        if known is None:
            return True
        with self._cache_lock:
            self._agreement = (key, known)
        return known < AGREEMENT_LIMIT

    # -- searching ---------------------------------------------------------------------------
    def search(
        self,
        query: str | Query,
        *,
        limit: int = 100,
        min_score: float | None = None,
        strictness: Strictness | str = Strictness.NORMAL,
        sort: str = "relevance",
        filters: SearchFilters | None = None,
        exclude: Sequence[int] = (),
        match_metadata: bool = True,
    ) -> SearchResults:
        """Ranks the library's photos for ``query``, keeps those that stand out enough (``strictness``,
        or an explicit ``min_score`` in the same units as the scores shown), and orders them by
        relevance or date (date orders every relevant photo, then takes ``limit``). The query's words
        are also looked for in the photos' names and metadata (:mod:`photoclip.core.metadata_match`)
        unless ``match_metadata`` is False."""
        query = parse_query(query) if isinstance(query, str) else query
        filters = filters or SearchFilters()
        if query.tags or query.without_tags:
            tags, without = tuple(filters.tags) + query.tags, tuple(filters.without_tags) + query.without_tags
            filters = dataclasses.replace(filters, tags=tags, without_tags=without)
        if query.dates is not None:  # the query's dates and the filters' both apply
            date_from, date_to, months = query.dates.narrow(filters.date_from, filters.date_to, filters.months)
            filters = dataclasses.replace(filters, date_from=date_from, date_to=date_to, months=months)
        allowed = (
            self.catalog.filter_photo_ids(
                roots=filters.roots,
                folder=filters.folder,
                date_from=filters.date_from,
                date_to=filters.date_to,
                photo_ids=filters.photo_ids,
                tags=filters.tags,
                months=filters.months,
                without_tags=filters.without_tags,
            )
            if filters.active
            else None
        )
        if query.without_dates:  # "beach - 2019": every photo not taken then
            allowed = self._taken_outside(query.without_dates, allowed)
            if not len(allowed):
                return SearchResults([], query, float("inf"), notes=[ALL_DATES_LEFT_OUT_NOTE])
        allowed = self.words.narrow(query, allowed)  # folder: and camera:
        if query.is_empty:
            if not query.terms:
                return self._browse(query, allowed, limit, sort)
            # Only left-out terms ("-star", "2019 -paris"): every photo but theirs ("all": every photo).
            every = self.index_provider().ids() if allowed is None else np.asarray(allowed, np.int64)
            rest, relevance = self._without_left_out(query, every)
            counts = {str(lv): len(every) if lv == Strictness.ALL else len(rest) for lv in Strictness}
            shown = every if Strictness(strictness) == Strictness.ALL else rest
            # Nothing is scored, so a minimum score has nothing to hold photos to: said, not silently dropped.
            notes = [] if min_score is None else [UNSCORED_NOTE]
            notes += _left_out_in_vain(query, relevance)
            return dataclasses.replace(self._browse(query, shown, limit, sort), level_counts=counts, notes=notes)
        vectors, weights, plain = self._term_vectors(query)
        index = self.index_provider()
        relevance = self.relevance(index, query, vectors, weights)
        generic = self._generic_for(relevance)
        candidates = find_candidates(
            index,
            query,
            vectors,
            weights,
            wanted=limit + len(exclude),
            sort=sort,
            allowed=allowed,
            relevance=relevance,
            generic_vector=generic,
            sample=self._sample[1] if self._sample is not None else None,
            level=Strictness(strictness),
            min_score=min_score,
            dated=lambda: self.catalog.ids_by_date(allowed, newest_first=SortOrder.parse(sort) != SortOrder.DATE_ASC),
        )
        ids, candidate_vectors, edge = candidates.ids, candidates.vectors, candidates.edge()
        words = self.words.match(query, len(index)) if match_metadata else None
        if words is not None:  # photos the query's words name are candidates whatever their pixels
            ids, candidate_vectors = words.with_candidates(index, ids, candidate_vectors, allowed)
            edge = np.concatenate([edge, np.zeros(len(ids) - len(edge), bool)])
            relevance = words.relevance(words.judge_by_names(relevance), ids)
        cosines = candidate_vectors @ vectors.T
        wanted_ids = ~np.isin(ids, np.asarray(exclude, dtype=np.int64)) if len(exclude) else np.ones(len(ids), bool)
        notes, only_closest = [], False
        level = Strictness(strictness)
        named, refused = words.named_among(ids) if words is not None else (np.zeros(len(ids), bool),) * 2
        if relevance is None:  # too few photos to tell what is ordinary: judged among themselves
            likeness = candidate_vectors @ plain.T  # to the query's images as stored: which photos are copies
            small = self._small_library(query, cosines, weights, candidate_vectors, wanted_ids, likeness)
            by_pixels = {lv: small.keep(lv) for lv in Strictness}
            relevant = by_pixels[Strictness.NORMAL]
            scores = small.scores if words is None else words.lift_scores(ids, small.scores, relevant)
            eligible = ~small.excluded & ~refused & wanted_ids
            listed = {lv: (kept | named) & eligible for lv, kept in by_pixels.items()}
            if small.undecided:
                notes.append(SMALL_LIBRARY_NOTE.format(photos=plural(len(index), "photo")))
            at_least = frozenset(str(lv) for lv in Strictness) if edge.any() else frozenset()
        else:
            standing = relevance.standing(cosines, relevance.generic_cosines(candidate_vectors, generic))
            scores = relevance.score(standing)
            eligible = ~relevance.excluded(standing) & wanted_ids
            listed = {lv: relevance.keep(standing, lv) & wanted_ids for lv in Strictness}
            at_least = candidates.floors | {str(lv) for lv, kept in listed.items() if (kept & edge).any()}
        never, blind = query_unlearnt(query, self.vocabulary, found=words.words if words is not None else ())
        if blind:  # words the model never learnt: what their vectors lie near is not what they say
            listed = {lv: kept if lv == Strictness.ALL else kept & named for lv, kept in listed.items()}
            eligible = eligible & named if min_score is not None else eligible
        notes += [unlearnt_note(self.spec.id, never)] if never else []
        if min_score is not None:
            cut = float(min_score)
            keep = (scores >= cut) & eligible
        else:
            keep = listed[level]
            cut = float(scores[keep].min()) if keep.any() else float("inf")
        if not keep.any() and min_score is None and level != Strictness.ALL:
            # The closest few come from the first looser level that lists anything, so Fewer
            # never shows more than Normal, nor Normal more than More.
            looser = [listed[lv] for lv in (Strictness.NORMAL, Strictness.LOOSE) if lv.tail < level.tail]
            pool = next((shown for shown in looser if shown.any()), eligible)
            keep = closest(scores, pool) if relevance is not None else closest_few(scores, pool)
            if keep.any():
                notes.append(CLOSEST_NOTE)
                only_closest = True
        counts = {str(lv): int(kept.sum()) for lv, kept in listed.items()}
        kept = np.flatnonzero(keep)
        kept = kept[_order(kept, scores, ids, sort, self.catalog)][:limit]
        photos = {p.id: p for p in self.catalog.photos_by_ids(ids[kept].tolist())}
        hits = [
            SearchHit(photos[int(ids[k])], float(scores[k]), tuple(float(c) for c in cosines[k]))
            for k in kept.tolist()
            if int(ids[k]) in photos
        ]
        if words is not None:
            self.words.describe(words, hits)
            notes += [words.note] if words.note else []
        notes += _left_out_in_vain(query, relevance)
        return SearchResults(
            hits,
            query,
            cut,
            considered=len(ids),
            cut=int((~keep).sum()),
            notes=notes,
            level_counts=counts,
            counts_at_least=at_least,
            more_beyond=bool((keep & edge).any()),
            closest=only_closest,
        )

    def similar(
        self,
        target: int | Path,
        *,
        limit: int = 100,
        min_score: float | None = None,
        strictness: Strictness | str = Strictness.NORMAL,
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
            path = expand_home(target)  # "~$tmp.jpg" is a name: Path.expanduser raised
            photo = self.catalog.photo_by_path(path)
            if photo is not None:
                exclude.append(photo.id)
            elif not path.is_file():
                raise PhotoclipError(f"{path} is neither a photo in the library nor an image file.")
        if photo is not None and self.catalog.vector(photo.id, self.spec.id) is None:
            if photo.status == PhotoStatus.ERROR:  # indexing again would not help
                raise PhotoclipError(f"{path} could not be read when it was indexed: {photo.error}.")
            raise PhotoclipError(f"{path} is in the library but not indexed yet with {self.spec.id}.")
        query = Query(str(path), (QueryTerm(1.0, image=path),))
        return self.search(
            query, limit=limit, min_score=min_score, strictness=strictness, sort=sort, filters=filters, exclude=exclude
        )

    def _taken_outside(self, spans: Sequence[DateFilter], allowed: np.ndarray | None) -> np.ndarray:
        """``allowed`` (None: every photo) less the photos taken in any of ``spans``; a photo of
        unknown date was taken in none of them."""
        taken = [
            self.catalog.filter_photo_ids(date_from=start, date_to=end, months=months)
            for start, end, months in (span.narrow(None, None) for span in spans if not span.matches_nothing)
        ]
        every = self.catalog.filter_photo_ids() if allowed is None else np.asarray(allowed, np.int64)
        return every[~np.isin(every, np.concatenate(taken))] if taken else every

    def _without_left_out(
        self, query: Query, allowed: np.ndarray, chunk: int = 8192
    ) -> tuple[np.ndarray, QueryRelevance | None]:
        """The photos of ``allowed`` that no term of a query of left-out terms names or
        shows, judged as in any search (loosely, by pixels and by names), and how they were judged."""
        index = self.index_provider()
        ids = np.sort(np.asarray(allowed, np.int64))
        left_out = np.zeros(len(ids), bool)
        words = self.words.match(query, len(index))
        if words is not None and len(words.ids):
            left_out |= np.isin(ids, words.ids[words.refused])
        vectors, weights, plain = self._term_vectors(query)
        relevance = self.relevance(index, query, vectors, weights)
        if words is not None:
            relevance = words.judge_by_names(relevance)
        if relevance is None and len(ids):  # a library too small to measure: judged among its photos
            found, found_vectors = index.get_vectors(ids)
            cosines, likeness = found_vectors @ vectors.T, found_vectors @ plain.T
            judged = self._small_library(query, cosines, weights, found_vectors, None, likeness)
            left_out |= np.isin(ids, found[judged.excluded])
        if relevance is not None:
            generic = self._generic_for(relevance)
            for start in range(0, len(ids), chunk):
                found, found_vectors = index.get_vectors(ids[start : start + chunk])
                if len(found):
                    generic_cosines = relevance.generic_cosines(found_vectors, generic)
                    shown = relevance.excluded(relevance.standing(found_vectors @ vectors.T, generic_cosines))
                    left_out |= np.isin(ids, found[shown])
        return ids[~left_out], relevance

    def _browse(
        self, query: Query, allowed: np.ndarray | None, limit: int, sort: str, page: int = 500
    ) -> SearchResults:
        """No words to rank by: list the (filtered) photos by date, ids only beyond the first page."""
        newest_first = SortOrder.parse(sort) != SortOrder.DATE_ASC
        ids = self.catalog.ids_by_date(allowed, newest_first=newest_first)[:limit]
        hits = [SearchHit(p, 0.0) for p in self.catalog.photos_by_ids(ids[:page].tolist())]
        return SearchResults(hits, query, 0.0, considered=len(ids), all_ids=ids)


def _left_out_in_vain(query: Query, relevance: QueryRelevance | None) -> list[str]:
    """Notes for the left-out words nothing in the library is like, which so leave nothing out."""
    if relevance is None:
        return []
    vain = sorted(relevance.names_nothing - relevance.judged_by_names)
    return [f'Nothing here looks like "{query.terms[j].text}", so leaving it out leaves out no photo.' for j in vain]


def _order(kept: np.ndarray, scores: np.ndarray, ids: np.ndarray, sort: str, catalog: Catalog) -> np.ndarray:
    """The order of the kept candidates: by score, or by date over all of them (undated last)."""
    order = SortOrder.parse(sort)
    if order == SortOrder.RELEVANCE or not len(kept):
        return np.argsort(-scores[kept], kind="stable")
    dated = catalog.ids_by_date(ids[kept], newest_first=order == SortOrder.DATE)
    position = {int(i): n for n, i in enumerate(dated.tolist())}
    return np.argsort([position.get(int(i), len(position)) for i in ids[kept]], kind="stable")
