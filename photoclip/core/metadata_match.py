"""Words that are not in the picture: folder names, file names, tags, camera, lens and place in search.

A query's words (each text term's, without common words; see :mod:`photoclip.core.metadata_words`)
are looked up among the words of each photo's folder names (and its watched folder's own name),
file name, confirmed tags (accepted or the person's own), camera, lens and place. Then:

* A photo whose words hold every word of every positive term ("paris" in "2019 Paris trip/",
  "paris trip" there too) is **named** by the query: it is relevant whatever its pixels say, and
  it comes before every photo that is not named, and among the named photos those that also
  look like the query come first (its score is its pixels' score, or the ordinary level where they
  say less, lifted by :data:`LIFT` or more, as far as it takes to stand above the rest).
* A photo that has only some of the words gets that share of the lift, and only where its pixels
  already make it clearly relevant (the "strict" level): "sunset paris" lists sunsets, the clear
  Paris ones first, and the "red" of a "Red Rock canyon" folder lifts none of its photos for
  "a red circle" but clear red circles (a red square there, close enough to be listed, is not).
* A photo named by a negative term ("beach -paris") is left out.
* A word found in more than :data:`MAX_SHARE` of the library (the watched folder "Pictures", a
  camera nearly every photo was taken with) tells nothing apart: it is not looked for at all.

When no word of the query is found (the usual case for a description of a picture) the search is
exactly what it was without this module. The ``folder:`` and ``camera:`` filters narrow a search
like ``tag:`` does: a folder whose name (a part of the photo's folder path, or the watched folder's
name) holds the words, whole; a camera whose name holds the text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from photoclip.core import catalog_words as cw
from photoclip.core.metadata_words import contains_phrase, file_stem, fold, folder_names, query_words, words_of
from photoclip.core.relevance import QueryRelevance, Strictness

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.query import Query
    from photoclip.core.search_results import SearchHit
    from photoclip.core.vectors import VectorIndex

#: What a photo named by the query gets added to its score at least, in the score's units (how
#: many spreads a photo stands above the library's ordinary level): the "strict" tail, so a named
#: photo counts as much as one whose pixels clearly stand out (more when that is what it takes to
#: come before every photo that is not named), and a photo with some of the words a share of it.
LIFT = 3.0
#: A word found in more than this share of the library's photos is no distinguishing word.
MAX_SHARE = 0.5

_EMPTY = np.zeros(0, np.int64)


def _union(arrays: Sequence[np.ndarray]) -> np.ndarray:
    return np.unique(np.concatenate(arrays)) if arrays else _EMPTY


@dataclass
class WordMatch:
    """What a query's words found: the photos, and for each its lift, whether it is named by every
    positive term, and whether a negative term names it (all aligned with ``ids``, sorted)."""

    ids: np.ndarray = field(default_factory=lambda: _EMPTY)
    lift: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    named: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    refused: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    words: frozenset[str] = frozenset()
    note: str = ""
    naming_negatives: frozenset[int] = frozenset()  # left-out terms whose words name photos

    def _aligned(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lift, named, refused) for candidate ``ids`` (zeros for photos no word found)."""
        lift = np.zeros(len(ids), np.float32)
        named, refused = np.zeros(len(ids), bool), np.zeros(len(ids), bool)
        if len(self.ids) and len(ids):
            at = np.clip(np.searchsorted(self.ids, ids), 0, len(self.ids) - 1)
            found = self.ids[at] == ids
            lift[found], named[found], refused[found] = (
                self.lift[at[found]],
                self.named[at[found]],
                self.refused[at[found]],
            )
        return lift, named, refused

    def with_candidates(
        self, index: VectorIndex, ids: np.ndarray, vectors: np.ndarray, allowed: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The index's candidates plus the named photos it did not return (a large library's
        graph search returns only the photos nearest to the query's pixels)."""
        named = self.ids[self.named & ~self.refused]
        missing = named[~np.isin(named, ids)]
        if allowed is not None:
            missing = missing[np.isin(missing, allowed)]
        if not len(missing):
            return ids, vectors
        more_ids, more_vectors = index.get_vectors(missing)
        if not len(more_ids):
            return ids, vectors
        return np.concatenate([ids, more_ids]), np.concatenate([vectors, more_vectors.astype(vectors.dtype)])

    def relevance(self, base: QueryRelevance | None, ids: np.ndarray) -> QueryRelevance | None:
        """``base`` with the named photos kept and lifted (None stays None: see :meth:`lift_scores`)."""
        if base is None or not len(self.ids):
            return base
        lift, named, refused = self._aligned(ids)
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        return LiftedRelevance(**fields, base=base, lift=lift, named=named, refused=refused)

    def judge_by_names(self, relevance: QueryRelevance | None) -> QueryRelevance | None:
        """``relevance`` with the left-out terms that name photos judged by those names, and by the
        pixels only where they find a group of their own for the word: "-paris" where a folder is
        called Paris means that folder, not the few photos nearest to a word a small model never
        learnt; "-blue" where one photo is tagged "blue sky" still means the blue photos too
        (see :meth:`QueryRelevance.excluded`)."""
        if relevance is None or not self.naming_negatives:
            return relevance
        return dataclasses.replace(relevance, judged_by_names=relevance.judged_by_names | self.naming_negatives)

    def named_among(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For candidate ``ids``: (named by every positive term, named by a left-out term)."""
        _, named, refused = self._aligned(ids)
        return named & ~refused, refused

    def lift_scores(self, ids: np.ndarray, scores: np.ndarray, relevant: np.ndarray | None = None) -> np.ndarray:
        """Scores of a library too small to measure relevance in, the named photos lifted, and those
        with some of the words by their share where the pixels make them ``relevant`` (as
        :class:`LiftedRelevance` does)."""
        if not len(self.ids):
            return scores
        lift, named, _ = self._aligned(ids)
        lifted = named if relevant is None else named | relevant
        return scores + np.where(lifted, lift, 0.0)


@dataclass(frozen=True)
class LiftedRelevance(QueryRelevance):
    """A query's relevance for one set of candidates, with what their words say added: the named
    ones are relevant at every level (unless a negative term excludes them), scores are lifted."""

    base: QueryRelevance | None = None
    lift: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    named: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    refused: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    def _base(self) -> QueryRelevance:
        assert self.base is not None
        return self.base

    def score(self, standing: np.ndarray) -> np.ndarray:
        """The pixels' score plus the lift of the photo's words: the whole lift for a named photo,
        a share of it for one that has some of the words only where the pixels make it clearly
        relevant, so a word of a visual query ("red" of a "Red Rock canyon" folder) never lifts
        photos the rest of the query does not describe above those it does."""
        base = self._base()
        pixels = base.score(standing)
        deserved = ~self.named & base.keep(standing, Strictness.STRICT)
        others = pixels + np.where(deserved, self.lift, 0.0)
        if not self.named.any():
            return others.astype(np.float32)
        # A query that names photos is a name: they come first, ordered by what their pixels say
        # (counted as at least ordinary: for a name the model never learnt, "vellmora", the
        # pixels' verdict is a guess, and a guess must not put an unnamed photo above them).
        shown = ~self.named & ~self.excluded(standing)
        shift = max(LIFT, float(others[shown].max(initial=0.0)) + 1e-3)
        return np.where(self.named, np.maximum(pixels, 0.0) + shift, others).astype(np.float32)

    def keep(self, standing: np.ndarray, level: Strictness) -> np.ndarray:
        """Relevant by the pixels (as before), or named by the words; never named by a negative term."""
        base = self._base()
        if level == Strictness.ALL:
            return base.keep(standing, level)
        return (base.keep(standing, level) | self.named) & ~self.excluded(standing)

    def excluded(self, standing: np.ndarray) -> np.ndarray:
        """Left out by a negative term's pixels or named by it ("-vellmora": that folder)."""
        return self._base().excluded(standing) | self.refused

    def keep_above(self, standing: np.ndarray, min_score: float) -> np.ndarray:
        """Candidates whose lifted score reaches ``min_score`` (negative terms still apply)."""
        return (self.score(standing) >= min_score) & ~self.excluded(standing)


class MetadataMatcher:
    """Finds a library's photos by the words of their names and metadata (see the module docstring)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    # -- words in queries ----------------------------------------------------------------------
    def _ids_of_word(
        self, word: str, roots: list[tuple[int, list[str]]], labels: list[tuple[str, list[str]]]
    ) -> np.ndarray:
        parts = [cw.ids_with_word(self.catalog, word)]
        parts.append(cw.ids_in_roots(self.catalog, [rid for rid, words in roots if word in words]))
        parts.append(cw.ids_with_labels(self.catalog, [label for label, words in labels if word in words]))
        return _union(parts)

    def match(self, query: Query, library_size: int) -> WordMatch | None:
        """What the words of ``query``'s text terms find in a library of ``library_size`` searchable
        photos; None when the query has no such words."""
        term_words = [query_words(t.text) if t.text is not None else () for t in query.terms]
        every = {w for words in term_words for w in words}
        if not every:
            return None
        note = (
            ""
            if cw.words_current(self.catalog)
            else "Folder and file names take part in searches after the next index run ('photoclip index')."
        )
        roots = [(r.id, words_of(r.path.name)) for r in self.catalog.roots()]
        labels = [(label, words_of(label)) for label in cw.tag_labels(self.catalog)]
        most = MAX_SHARE * library_size
        found: dict[str, np.ndarray] = {}
        telling: set[str] = set()  # the words that are not in most of the library
        for word in every:
            ids = self._ids_of_word(word, roots, labels)
            if len(ids) <= most:
                telling.add(word)
                if len(ids):
                    found[word] = ids
        if not found:
            return WordMatch(note=note) if note else None
        ids = _union(list(found.values()))
        lift = np.zeros(len(ids), np.float64)
        named, refused = np.ones(len(ids), bool), np.zeros(len(ids), bool)
        naming_negatives: set[int] = set()
        total = float(sum(t.weight for t in query.terms if t.weight > 0)) or 1.0
        for position, (term, words) in enumerate(zip(query.terms, term_words, strict=True)):
            wanted = [w for w in words if w in telling]
            share = np.zeros(len(ids))
            for word in wanted:
                share += np.isin(ids, found.get(word, _EMPTY)) / len(wanted)
            complete = np.isclose(share, 1.0) if wanted else np.zeros(len(ids), bool)
            if term.weight > 0:
                lift += LIFT * term.weight / total * share
                named &= complete
            else:
                refused |= complete
                if complete.any():
                    naming_negatives.add(position)
        return WordMatch(
            ids, lift.astype(np.float32), named, refused, frozenset(found), note, frozenset(naming_negatives)
        )

    def describe(self, match: WordMatch, hits: Sequence[SearchHit]) -> None:
        """Sets each hit's ``matched``: where the query's words were found ("folder: 2019 Paris trip")."""
        lifted = set(match.ids[match.lift > 0].tolist())
        mine = [h for h in hits if h.photo.id in lifted]
        if not mine:
            return
        texts = cw.texts_of(self.catalog, [h.photo.id for h in mine])
        labels = cw.confirmed_labels_of(self.catalog, [h.photo.id for h in mine])
        for hit in mine:
            photo = hit.photo
            sources = [("folder", photo.root_path.name)] + [("folder", f) for f in folder_names(photo.relpath)]
            sources.append(("file name", file_stem(photo.relpath)))
            sources += [("tag", label) for label in labels.get(photo.id, ())]
            sources += [
                (kind, text)
                for kind, text in zip(("camera", "lens", "place"), texts.get(photo.id, ("", "", "")), strict=True)
            ]
            hit.matched = tuple(
                dict.fromkeys(f"{kind}: {text}" for kind, text in sources if text and match.words & set(words_of(text)))
            )

    # -- filters -------------------------------------------------------------------------------
    def narrow(self, query: Query, allowed: np.ndarray | None) -> np.ndarray | None:
        """``allowed`` narrowed by the query's ``folder:`` and ``camera:`` filters (each must hold),
        less the photos its ``-folder:`` and ``-camera:`` filters name."""
        if not (query.folders or query.cameras or query.without_folders or query.without_cameras):
            return allowed
        result = allowed
        for name in query.folders:
            ids = self.folder_ids(name)
            result = ids if result is None else np.intersect1d(result, ids)
        for name in query.cameras:
            result = self.camera_ids(name) if result is None else np.intersect1d(result, self.camera_ids(name))
        left_out = [self.folder_ids(name) for name in query.without_folders]
        left_out += [self.camera_ids(name) for name in query.without_cameras]
        if left_out:
            every = self.catalog.filter_photo_ids() if result is None else result
            result = np.setdiff1d(every, _union(left_out))
        return result

    def camera_ids(self, name: str) -> np.ndarray:
        """Photos taken with a camera whose name holds ``name``."""
        return cw.ids_with_camera(self.catalog, [c for c in cw.cameras(self.catalog) if fold(name) in fold(c)])

    def folder_ids(self, name: str) -> np.ndarray:
        """Photos in a folder whose name holds ``name``'s words, whole and in order (sub-folders too),
        or in a watched folder whose own name does."""
        roots = [r.id for r in self.catalog.roots() if contains_phrase(r.path.name, name)]
        pairs = [
            (root_id, folder)
            for root_id, folder in cw.folders(self.catalog)
            if root_id not in roots and any(contains_phrase(part, name) for part in folder.split("/") if part)
        ]
        return _union([cw.ids_in_roots(self.catalog, roots), cw.ids_in_folders(self.catalog, pairs)])

    def known_folders(self) -> list[str]:
        """Every folder name of the library (each part of each folder path, and the watched folders' own)."""
        names = {r.path.name for r in self.catalog.roots()}
        for _, folder in cw.folders(self.catalog):
            names.update(part for part in folder.split("/") if part)
        return sorted(names)

    def known_cameras(self) -> list[str]:
        """Every camera the library's photos name."""
        return cw.cameras(self.catalog)
