"""Zero-shot tagging: labels a photo with words the model was never trained to output.

Each label is encoded through several prompt templates ("a photo of a {}.", "a close-up photo of
a {}.", ...) and the vectors are averaged: CLIP's prompt ensembling. A photo gets the labels
whose vectors it is closest to, under a rule that does not assume the list is right for it:

* the photo is one a search for the label would list at Normal by its pixels (a search also
  finds photos by their names; a tag says what is in the picture): it stands out for the label
  against this library, hubs counted down (:mod:`photoclip.core.relevance`). No cosine threshold
  fits every label: a single word ("square") scores far below a phrase ("red square"), and a
  threshold calibrated on phrases tagged a tenth of the squares. So a receipt is not tagged
  "beach" because beach is the best of a poor list, and a word nothing here is like tags nothing;
* it is within ``spread`` of the best such label, and at most ``max_tags`` labels are kept.

In a library too small to tell what is ordinary (under ``small_library.SMALL_LIBRARY`` photos) a label
is judged as a search of it is there, among the library's own photos
(:mod:`photoclip.core.small_library`). Only for labels scored with another model than searches use
do the model's own thresholds decide: the score clears ``tag_min_score`` and beats the "none of
these" baseline (generic prompts such as "a photo of something.") by ``tag_margin``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from photoclip.core.errors import PhotoclipError
from photoclip.core.paths import resources_dir
from photoclip.core.strictness import Strictness
from photoclip.core.tag_store import TagStore, normalise_label
from photoclip.core.vocabulary import knows_nothing_of, model_vocabulary

if TYPE_CHECKING:
    from photoclip.core.library import Library
    from photoclip.core.models.registry import ModelSpec
    from photoclip.core.relevance import QueryRelevance

BUILTIN_DIR_NAME = "labels"
#: The key the "none of these" baseline is cached under (no label can be an empty string).
NONE_LABEL = ""


@dataclass(frozen=True)
class LabelSet:
    """A named list of labels."""

    name: str
    labels: tuple[str, ...]
    builtin: bool = False


@dataclass(frozen=True)
class TagRule:
    """The decision rule's knobs (thresholds come from the model by default)."""

    min_score: float
    margin: float
    spread: float = 0.05
    max_tags: int = 3

    @classmethod
    def for_model(cls, spec: ModelSpec, **overrides: Any) -> TagRule:
        """The rule with the model's own thresholds."""
        return cls(min_score=spec.tag_min_score, margin=spec.tag_margin, **overrides)


@dataclass
class TagReport:
    """What a tagging run did."""

    album: str
    label_set: str
    photos: int = 0
    tagged: int = 0
    tags: int = 0
    skipped: int = 0  # already tagged with this label set (use redo to tag again)
    cancelled: bool = False
    per_label: dict[str, int] = field(default_factory=dict)
    unlearnt: tuple[str, ...] = ()  # labels of words the model never learnt: they tag nothing


def parse_labels(text: str) -> tuple[str, ...]:
    """``"beach, mountain; city"`` (or one per line) -> ('beach', 'mountain', 'city'), duplicates dropped."""
    parts = [normalise_label(p) for chunk in text.splitlines() for p in chunk.replace(";", ",").split(",")]
    return tuple(dict.fromkeys(p for p in parts if p))


def read_label_file(path: Path) -> LabelSet:
    """A label set file: one label per line, '#' comments, an optional '# name: NAME' line."""
    name = path.stem
    labels = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            if stripped[1:].strip().lower().startswith("name:"):
                name = stripped.split(":", 1)[1].strip()
            continue
        if stripped:
            labels.append(normalise_label(stripped))
    return LabelSet(name, tuple(dict.fromkeys(labels)), builtin=True)


def builtin_label_sets() -> dict[str, LabelSet]:
    """The label sets shipped in ``resources/labels``."""
    folder = resources_dir() / BUILTIN_DIR_NAME
    sets = [read_label_file(p) for p in sorted(folder.glob("*.txt"))]
    return {s.name: s for s in sets}


def label_sets(store: TagStore) -> dict[str, LabelSet]:
    """Built-in and saved label sets (a saved one may not shadow a built-in name)."""
    sets = builtin_label_sets()
    for name, labels in store.label_sets().items():
        sets.setdefault(name, LabelSet(name, labels))
    return sets


class Tagger:
    """Scores photos against a label set and stores the tags the rule allows."""

    def __init__(self, library: Library, spec: ModelSpec | None = None, rule: TagRule | None = None) -> None:
        self.library = library
        self.spec = spec or library.search_spec
        self.rule = rule or TagRule.for_model(self.spec)
        self.store = library.tags
        self._measured: dict[tuple[str, ...], tuple[list[QueryRelevance], np.ndarray | None] | None] = {}
        self._unlearnt: dict[tuple[str, ...], tuple[str, ...]] = {}

    def _templates_key(self) -> str:
        text = "\x1f".join(self.spec.prompt_templates)
        return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()

    def label_vectors(self, labels: Sequence[str]) -> np.ndarray:
        """Prompt-ensemble vectors of ``labels`` (cached in the catalog per model and templates)."""
        key = self._templates_key()
        cached = self.store.cached_label_vectors(self.spec.id, key, labels)
        missing = [label for label in labels if label not in cached]
        if missing:
            model = self.library.model(self.spec.id)
            templates = self.spec.prompt_templates
            prompts = [t.format(label) for label in missing for t in templates]
            encoded = model.encode_text(prompts).reshape(len(missing), len(templates), -1).mean(1)
            encoded /= np.linalg.norm(encoded, axis=1, keepdims=True)
            fresh = dict(zip(missing, encoded, strict=True))
            self.store.store_label_vectors(self.spec.id, key, fresh)
            cached.update(fresh)
        return np.stack([cached[label] for label in labels]).astype(np.float32)

    def none_vector(self) -> np.ndarray:
        """The "none of these" baseline: the mean of the model's generic prompts (cached like labels,
        so tagging with label vectors already made loads no text model)."""
        text = "\x1f".join(self.spec.none_prompts)
        key = "none:" + hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
        cached = self.store.cached_label_vectors(self.spec.id, key, [NONE_LABEL])
        if NONE_LABEL in cached:
            return cached[NONE_LABEL].astype(np.float32)
        vectors = self.library.model(self.spec.id).encode_text(list(self.spec.none_prompts))
        mean = vectors.mean(0)
        vector = (mean / np.linalg.norm(mean)).astype(np.float32)
        self.store.store_label_vectors(self.spec.id, key, {NONE_LABEL: vector})
        return vector

    def decide(self, photo_vectors: np.ndarray, label_set: LabelSet) -> list[list[tuple[str, float]]]:
        """For each photo (row), the (label, score) tags the rule gives it, best first.

        A label is a candidate for the photos a search for it would list at Normal: measured against
        the library, hubs counted down (:mod:`photoclip.core.relevance`), so that "square" and
        "red" tag what their searches find although a single word's cosines sit far below a
        phrase's; then the module's rule of the best and those near it. For another model than the
        one searches use, the model's own thresholds decide instead.
        """
        labels = label_set.labels
        scores = photo_vectors @ self.label_vectors(labels).T
        rule = self.rule
        listed = self.listed(photo_vectors, labels)
        if listed is None:
            baseline = photo_vectors @ self.none_vector()
            near_best = scores >= scores.max(1, keepdims=True) - rule.spread
            listed = (scores >= rule.min_score) & (scores - baseline[:, None] >= rule.margin) & near_best
        unlearnt = self.unlearnt(labels)  # labels of words the model never learnt tag nothing
        listed = listed & ~np.array([label in unlearnt for label in labels])
        out: list[list[tuple[str, float]]] = []
        for row, candidates in zip(scores, listed, strict=True):
            if not candidates.any():
                out.append([])
                continue
            best = float(row[candidates].max())
            keep = candidates & (row >= best - rule.spread)
            chosen = sorted(((labels[i], float(row[i])) for i in np.flatnonzero(keep)), key=lambda t: -t[1])
            out.append(chosen[: rule.max_tags])
        return out

    def unlearnt(self, labels: Sequence[str]) -> tuple[str, ...]:
        """The labels made only of words the model never learnt (:mod:`photoclip.core.vocabulary`)."""
        key = tuple(labels)
        if key not in self._unlearnt:
            vocabulary = model_vocabulary(self.spec, self.library.models.weights_for(self.spec))
            self._unlearnt[key] = tuple(label for label in labels if knows_nothing_of(label, vocabulary))
        return self._unlearnt[key]

    def listed(self, photo_vectors: np.ndarray, labels: Sequence[str]) -> np.ndarray | None:
        """Which photos (rows) a search for each label (columns) lists at Normal, judged as a search
        of its words is; None when the library is too small to tell, or searches use another model."""
        relevances = self._relevances(labels)
        if relevances is None:
            return self._listed_in_a_small_library(photo_vectors, labels)
        measured, generic = relevances
        vectors = self.label_vectors(labels)
        out = np.zeros((len(photo_vectors), len(labels)), bool)
        for j, relevance in enumerate(measured):
            cosines = photo_vectors @ vectors[j][:, None]
            standing = relevance.standing(cosines, relevance.generic_cosines(photo_vectors, generic))
            out[:, j] = relevance.keep(standing, Strictness.NORMAL)
        return out

    def _listed_in_a_small_library(self, photo_vectors: np.ndarray, labels: Sequence[str]) -> np.ndarray | None:
        """In a library too small to measure what is ordinary in it, each label judged as a search
        of it is there (:mod:`photoclip.core.small_library`): among the library's own photos, by a
        step in their scores and their lead over the generic prompts. None for another model than
        the one searches use, or a library too large for this (whose measuring failed)."""
        from photoclip.core.small_library import SMALL_LIBRARY, SmallLibraryDecision

        if self.spec.id != self.library.search_spec.id:
            return None
        index = self.library.index(self.spec.id)
        library_vectors = index.sample(SMALL_LIBRARY)
        if len(library_vectors) >= SMALL_LIBRARY or not len(library_vectors):
            return None
        label_vectors, generic = self.label_vectors(labels), self.none_vector()
        at_home, here = library_vectors @ label_vectors.T, photo_vectors @ label_vectors.T
        home_leads = at_home - (library_vectors @ generic)[:, None]
        leads = here - (photo_vectors @ generic)[:, None]
        out = np.zeros(here.shape, bool)
        for j in range(len(labels)):
            decision = SmallLibraryDecision.fit(at_home[:, j], home_leads[:, j], self.spec.tag_margin)
            out[:, j] = decision.keep(here[:, j], leads[:, j], Strictness.NORMAL)
        return out

    def _relevances(self, labels: Sequence[str]) -> tuple[list[QueryRelevance], np.ndarray | None] | None:
        """Each label measured against the library sample, as a search of its words would be (kept
        for the run: a label set is measured once, not per chunk of photos)."""
        key = tuple(labels)
        if key in self._measured:
            return self._measured[key]
        from photoclip.core.query import Query, QueryTerm

        found: tuple[list[QueryRelevance], np.ndarray | None] | None = None
        if self.spec.id == self.library.search_spec.id:
            searcher = self.library.searcher()
            index = self.library.index(self.spec.id)
            measured = []
            for label, vector in zip(labels, self.label_vectors(labels), strict=True):
                query = Query(label, (QueryTerm(1.0, text=label),))
                relevance = searcher.relevance(index, query, vector[None, :], np.ones(1, np.float32))
                if relevance is None:
                    break
                measured.append(relevance)
            else:
                uses_generic = any(r.generic_level is not None for r in measured)
                found = (measured, searcher.generic_vector() if uses_generic else None)
        self._measured[key] = found
        return found

    def tag(
        self,
        photo_ids: Sequence[int],
        label_set: LabelSet,
        *,
        album: str = "",
        redo: bool = False,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
        chunk: int = 2000,
    ) -> TagReport:
        """Tags the photos (those with a vector); a re-run only tags photos new to this label set."""
        if not label_set.labels:
            raise PhotoclipError(f"The label set '{label_set.name}' has no labels.")
        report = TagReport(album=album, label_set=label_set.name, unlearnt=self.unlearnt(label_set.labels))
        index = self.library.index(self.spec.id)
        ids, _ = index.get_vectors(np.asarray(list(photo_ids), dtype=np.int64))
        ids = ids.tolist()
        report.photos = len(ids)
        if redo:
            self.store.clear_suggestions(ids, label_set.name)
        todo = self.store.untagged(ids, label_set.name, self.spec.id)
        report.skipped = len(ids) - len(todo)
        if progress is not None and todo:
            progress(0, len(todo))  # measuring the labels takes seconds: show that the run has begun
        self.label_vectors(label_set.labels)  # encode once, before the loop
        if todo:
            self._relevances(label_set.labels)  # measure once, before the loop, too
        for start in range(0, len(todo), chunk):
            if stop is not None and stop.is_set():
                report.cancelled = True
                break
            part = todo[start : start + chunk]
            found, vectors = index.get_vectors(np.asarray(part, dtype=np.int64))
            for photo_id, tags in zip(found.tolist(), self.decide(vectors, label_set), strict=True):
                if tags:
                    self.store.suggest(photo_id, tags, model=self.spec.id, label_set=label_set.name)
                    report.tagged += 1
                    report.tags += len(tags)
                    for label, _score in tags:
                        report.per_label[label] = report.per_label.get(label, 0) + 1
            self.store.mark_tagged(found.tolist(), label_set.name, self.spec.id)
            if progress is not None:
                progress(min(start + chunk, len(todo)), len(todo))
        return report
