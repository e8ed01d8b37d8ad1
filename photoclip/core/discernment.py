"""Whether a model tells this library's photos apart by what its words name.

The relevance rule (:mod:`photoclip.core.relevance`) trusts a group of photos that stands apart
from the rest for a query: "a circle" in a library where a quarter of the photos are circles. That
is only sound when the group is the query's. A model that does not see what words name (random
weights, a broken export, a model that knows nothing of this library's world) still sorts the
photos into clusters by how they look, and then *every* query finds the same clusters "apart",
so one query floods the page with a third of the library.

Such a model ranks the photos in nearly the same order whatever the words: the standings of its
labels agree. So the model is measured once per library: the photos of the library sample are
ranked for a fixed handful of the model's own labels (its default label set, the words it is
suited to), and the median rank correlation between two labels' orders is the *agreement*. With
photoclip-tiny on its shapes, different labels order the photos differently (agreement 0.0-0.15
on generated libraries); random-weight ViT-B-32 exports agree at 0.7-0.8, as does photoclip-tiny
asked in everyday words it never learnt (0.9). Above ``AGREEMENT_LIMIT`` groups are not trusted,
and only the tail rule (how far a photo stands out) decides.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence

import numpy as np

from photoclip.core.errors import PhotoclipError

#: Labels' orders of the photos that agree more than this (median rank correlation) mean the
#: model does not tell the photos apart by what the words name.
AGREEMENT_LIMIT = 0.6
#: How many of the default label set's labels measure the agreement (spread evenly over the set).
LABELS = 32
#: The agreement is measured again when the library has grown or shrunk by more than this share.
REMEASURE_CHANGE = 0.2


def label_agreement(sample: np.ndarray, labels: np.ndarray) -> float:
    """The median rank correlation between two labels' orders of the sample's photos (photos ×
    dim sample, labels × dim label vectors)."""
    if len(labels) < 2 or len(sample) < 3:
        return 0.0
    cosines = sample @ labels.T
    ranks = np.argsort(np.argsort(cosines, axis=0), axis=0).astype(np.float64)
    ranks -= ranks.mean(axis=0)
    norms = np.linalg.norm(ranks, axis=0)
    norms[norms == 0] = 1.0
    ranks /= norms
    correlation = ranks.T @ ranks
    pairs = correlation[np.triu_indices(len(labels), k=1)]
    return float(np.median(pairs))


def spread_labels(labels: Sequence[str], count: int = LABELS) -> list[str]:
    """At most ``count`` labels taken evenly over ``labels`` (so not one colour or one theme)."""
    if len(labels) <= count:
        return list(labels)
    picks = np.linspace(0, len(labels) - 1, count).round().astype(int)
    return [labels[i] for i in dict.fromkeys(picks.tolist())]


class Discernment:
    """Remembers a model's label agreement over a library, in the catalog's key-value table.

    ``get_meta``/``set_meta`` read and write that table; writing is best effort (a search on a
    read-only library measures again next time instead of failing)."""

    def __init__(
        self,
        model_id: str,
        get_meta: Callable[[str], str | None],
        set_meta: Callable[[str, str], None],
    ) -> None:
        self.key = f"label_agreement:{model_id}"
        self._get_meta = get_meta
        self._set_meta = set_meta

    def stored(self, photos: int) -> float | None:
        """The agreement measured on a library of about ``photos`` photos, if there is one."""
        value = self._get_meta(self.key)
        if not value:
            return None
        try:
            measured_on, agreement = value.split()
            count, result = int(measured_on), float(agreement)
        except ValueError:  # written by a different version: measure again
            return None
        if abs(photos - count) > REMEASURE_CHANGE * max(count, 1):
            return None
        return result

    def measure(self, photos: int, sample: np.ndarray, labels: np.ndarray) -> float:
        """Measures the agreement and stores it for the next process (when the catalog can be written)."""
        agreement = label_agreement(sample, labels)
        # A cache: a full disk or a read-only or busy catalog only cost measuring again next time.
        with contextlib.suppress(PhotoclipError, sqlite3.Error, OSError):
            self._set_meta(self.key, f"{photos} {agreement:.4f}")
        return agreement
