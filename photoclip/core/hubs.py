"""Photos that lie near every text (CLIP's "hubs"), told apart from the photos a query describes.

A hub stands out for "xyzzy", for words a model never learnt, as much as for the model's generic
prompts ("a photo."), so a cut-off that only asks how far a photo stands out lists hubs for words
that say nothing. Such words order the library much as the generic prompts do; words the model
knows less so. :mod:`photoclip.core.relevance` counts a photo's standing for words only beyond what
these two measures predict: how far it stands out for the generic prompts, times how closely the
words' order follows theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: No spread is taken as smaller than this (a library of near-identical photos).
MIN_SPREAD = 1e-3


def robust_spread(values: np.ndarray, median: np.ndarray | float) -> np.ndarray:
    """The median absolute deviation from ``median``, scaled to a standard deviation, per column
    (at least MIN_SPREAD): a spread that the few photos a query asks for do not widen."""
    return np.maximum(1.4826 * np.median(np.abs(values - median), axis=0), MIN_SPREAD)


@dataclass(frozen=True)
class GenericLevel:
    """The ordinary level and spread of the library's cosines with the generic prompts."""

    median: float
    spread: float

    @classmethod
    def measure(cls, sample_cosines: np.ndarray) -> GenericLevel:
        """Measured on the library sample's cosines with the generic prompts' vector."""
        median = float(np.median(sample_cosines))
        return cls(median, float(robust_spread(sample_cosines, median)))

    def standing_out(self, cosines: np.ndarray) -> np.ndarray:
        """How many spreads each cosine stands above the ordinary level (0 for those at or below it)."""
        return np.maximum((cosines - self.median) / self.spread, 0.0).astype(np.float32)


def lean(standing: np.ndarray, generic_cosines: np.ndarray) -> float:
    """How closely a term's order of the sample follows the generic prompts' (Spearman's rank
    correlation, so a photo far out for the term does not sway it; 0 when opposed or unrelated).
    The small model on two scene libraries and the demo's: 0.71–0.97 for words it never learnt
    ("xyzzy", "receipts", "a dog on a beach"), 0–0.66 for words it knows ("star", "red", "noisy")."""
    with np.errstate(invalid="ignore", divide="ignore"):  # constant values: no correlation
        value = float(np.corrcoef(np.argsort(np.argsort(standing)), np.argsort(np.argsort(generic_cosines)))[0, 1])
    return max(value, 0.0) if np.isfinite(value) else 0.0
