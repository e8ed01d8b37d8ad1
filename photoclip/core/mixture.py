"""A one-dimensional Gaussian mixture: whether a query's scores over the library form a group of
their own above the rest, and which photos belong to it.

Deterministic (components start at quantiles, a fixed number of EM rounds), numpy only, and cheap
on the few thousand values of a library sample (a few milliseconds for up to three components).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ROUNDS = 150


@dataclass(frozen=True)
class Mixture:
    """Components sorted by mean (the last is the highest)."""

    weight: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    bic: float

    @property
    def components(self) -> int:
        """How many components it has."""
        return len(self.mean)

    def top_separation(self) -> float:
        """How far the highest component stands from the next, in their pooled standard deviations
        (0 for a single component)."""
        if self.components < 2:
            return 0.0
        pooled = math.sqrt((self.sd[-1] ** 2 + self.sd[-2] ** 2) / 2)
        return float((self.mean[-1] - self.mean[-2]) / pooled)

    def top_posterior(self, values: np.ndarray) -> np.ndarray:
        """For each value, the probability that it belongs to the highest component."""
        return _responsibilities(np.asarray(values, np.float64), self.weight, self.mean, self.sd)[0][:, -1]


def _responsibilities(x: np.ndarray, weight: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> tuple[np.ndarray, float]:
    """(responsibility of each component for each value, log-likelihood of the values)."""
    log_p = -0.5 * ((x[:, None] - mean) / sd) ** 2 - np.log(sd) + np.log(weight) - 0.5 * math.log(2 * math.pi)
    top = log_p.max(1, keepdims=True)
    p = np.exp(log_p - top)
    total = p.sum(1, keepdims=True)
    return p / total, float((top[:, 0] + np.log(total[:, 0])).sum())


def fit(values: np.ndarray, components: int) -> Mixture:
    """Fits ``components`` Gaussians to ``values`` by EM."""
    x = np.asarray(values, np.float64)
    n = len(x)
    floor = 1e-3 * max(float(x.std()), 1e-9)  # no component collapses onto one value
    mean = np.quantile(x, (np.arange(components) + 0.5) / components)
    sd = np.full(components, max(float(x.std()) / components, floor))
    weight = np.full(components, 1.0 / components)
    for _ in range(ROUNDS):
        r, _ = _responsibilities(x, weight, mean, sd)
        share = r.sum(0) + 1e-12
        weight = share / n
        mean = (r * x[:, None]).sum(0) / share
        sd = np.sqrt((r * (x[:, None] - mean) ** 2).sum(0) / share) + floor
    _, log_likelihood = _responsibilities(x, weight, mean, sd)
    order = np.argsort(mean)
    bic = -2 * log_likelihood + (3 * components - 1) * math.log(n)
    return Mixture(weight[order], mean[order], sd[order], bic)


def best_fit(values: np.ndarray, most: int = 3) -> Mixture:
    """The mixture of one to ``most`` components the Bayesian information criterion prefers."""
    return min((fit(values, k) for k in range(1, most + 1)), key=lambda m: m.bic)
