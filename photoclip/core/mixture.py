"""A one-dimensional Gaussian mixture: whether a query's scores over the library form a group of
their own above the rest, and which photos belong to it.

Deterministic (fixed starting points, EM until the fit stops improving), numpy only. A query's
answer is often a small, tight group at the very top (a dozen photos of 400), which EM started
from evenly spread quantiles tends to miss: it settles on splitting the broad bulk instead. So
each number of components is also started with one component on the top few percent of the values,
and the start that explains the values best is kept. A large sample is fitted on a fine histogram
(each bin's count as its weight, a bin's width adding its rounding variance), which keeps a
search's few fits to milliseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: The most EM rounds per start, and the change in log-likelihood per value that ends them earlier.
ROUNDS = 100
TOLERANCE = 1e-5
#: The top shares of the values that seed a component of their own (besides the quantile start).
TOP_STARTS = (0.02, 0.05, 0.1)
#: With three components or more, one start also lays them in layers from the top (an image's
#: likeness comes so): the top one on the top 2%, the next ones on bands whose tops are spaced evenly
#: on a log scale up to this share, the lowest on the rest.
LAYERS_REACH = 0.5
#: Above this many values the fit runs on a histogram of this many bins.
BINS = 512
#: No component is narrower than this share of the values' standard deviation: a component seeded
#: on the top one or two values of plain noise must not shrink onto them and pass for a group.
SD_FLOOR = 0.1


@dataclass(frozen=True)
class Mixture:
    """Components sorted by mean (the last is the highest)."""

    weight: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    bic: float  # the Bayesian information criterion: lower is a better account of the values
    aic: float  # Akaike's: the same with a lighter price per parameter

    @property
    def components(self) -> int:
        """How many components it has."""
        return len(self.mean)

    @property
    def bulk_mean(self) -> float:
        """The mean of the heaviest component: where most of the values lie."""
        return float(self.mean[int(np.argmax(self.weight))])

    def top_separation(self) -> float:
        """How far the highest component stands from the next, in their pooled standard deviations
        (0 for a single component)."""
        if self.components < 2:
            return 0.0
        pooled = math.sqrt((self.sd[-1] ** 2 + self.sd[-2] ** 2) / 2)
        return float((self.mean[-1] - self.mean[-2]) / pooled)

    def top_posterior(self, values: np.ndarray) -> np.ndarray:
        """For each value, the probability that it belongs to the highest component."""
        x = np.asarray(values, np.float64)
        return _responsibilities(x, np.ones(len(x)), self.weight, self.mean, self.sd)[0][-1]

    def posterior_from(self, values: np.ndarray, lowest_mean: float) -> np.ndarray:
        """For each value, the probability that it belongs to a component whose mean is at least
        ``lowest_mean``."""
        x = np.asarray(values, np.float64)
        responsibility = _responsibilities(x, np.ones(len(x)), self.weight, self.mean, self.sd)[0]
        return responsibility[self.mean >= lowest_mean].sum(0)


def _responsibilities(
    x: np.ndarray, count: np.ndarray, weight: np.ndarray, mean: np.ndarray, sd: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(responsibility of each component for each value, components x values; log-likelihood of the
    counted values). The parameters may carry a leading axis (one fit per start), which the results
    keep. Components run along the rows so that the sums over them are row by row, not along a short
    last axis, which numpy does slowly."""
    level = (np.log(weight) - np.log(sd) - 0.5 * math.log(2 * math.pi))[..., None]
    log_p = x - mean[..., None]
    log_p /= sd[..., None]
    log_p *= log_p
    log_p *= -0.5
    log_p += level
    top = log_p.max(-2, keepdims=True)
    log_p -= top
    p = np.exp(log_p, out=log_p)
    total = p.sum(-2, keepdims=True)
    p /= total
    return p, (top[..., 0, :] + np.log(total[..., 0, :])) @ count


@dataclass(frozen=True)
class _Points:
    """The values as fitted: points, their counts, the variance a point's rounding adds, and the
    narrowest a component may be."""

    x: np.ndarray
    count: np.ndarray
    rounding: float
    floor: float

    @classmethod
    def of(cls, values: np.ndarray) -> _Points:
        x = np.asarray(values, np.float64)
        x = x[np.isfinite(x)]  # a damaged vector must not take the whole fit down
        spread = float(x.std()) if len(x) else 0.0
        floor = SD_FLOOR * max(spread, 1e-9)  # no component collapses onto a value or two
        if len(x) <= BINS:
            return cls(x, np.ones(len(x)), 0.0, floor)
        counts, edges = np.histogram(x, bins=BINS)
        centres = (edges[:-1] + edges[1:]) / 2
        used = counts > 0
        width = float(edges[1] - edges[0])
        return cls(centres[used], counts[used].astype(np.float64), width * width / 12, floor)


def _em(points: _Points, weight: np.ndarray, mean: np.ndarray, sd: np.ndarray) -> list[Mixture]:
    """EM from each start (one per row of the parameters) until its log-likelihood stops improving.
    The starts run side by side, each stopping on its own: a search fits some twenty starts, and one
    round for all of them costs about what one round for one does."""
    x, count, rounding, floor = points.x, points.count, points.rounding, points.floor
    n = float(count.sum())
    last = np.full(len(mean), -math.inf)
    running = np.ones(len(mean), bool)
    for _ in range(ROUNDS):
        r, log_likelihood = _responsibilities(x, count, weight[running], mean[running], sd[running])
        improving = log_likelihood - last[running] >= TOLERANCE * n
        running[running] = improving
        if not running.any():
            break
        last[running] = log_likelihood[improving]
        r = r[improving]
        share = r @ count + 1e-12
        weight[running] = share / n
        mean[running] = r @ (count * x) / share
        centred = (x - mean[running][..., None]) ** 2
        sd[running] = np.maximum(np.sqrt(np.einsum("n,skn,skn->sk", count, r, centred) / share + rounding), floor)
    _, log_likelihood = _responsibilities(x, count, weight, mean, sd)
    parameters = 3 * mean.shape[1] - 1
    mixtures = []
    for w, m, s, ll in zip(weight, mean, sd, log_likelihood, strict=True):
        order = np.argsort(m)
        bic = -2 * ll + math.log(n) * parameters
        mixtures.append(Mixture(w[order], m[order], s[order], float(bic), float(-2 * ll + 2 * parameters)))
    return mixtures


def _starts(points: _Points, components: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Starting (weight, mean, sd): evenly spread quantiles, and one component on each top share."""
    order = np.argsort(points.x)
    xs, counts = points.x[order], points.count[order]
    cumulative = np.cumsum(counts) / counts.sum()

    def quantile(q: np.ndarray | float) -> np.ndarray:
        return xs[np.minimum(np.searchsorted(cumulative, q), len(xs) - 1)]

    spread = float(xs[-1] - xs[0]) / 4 or 1.0
    k = components
    starts = [(np.full(k, 1.0 / k), quantile((np.arange(k) + 0.5) / k), np.full(k, spread / k))]
    if k >= 2:
        for top in TOP_STARTS:
            cut = float(quantile(1 - top))
            high = xs >= cut
            if not high.any() or high.all():
                continue
            lower = quantile((np.arange(k - 1) + 0.5) / (k - 1) * (1 - top))
            top_mean = float(np.average(xs[high], weights=counts[high]))
            mean = np.append(lower, max(top_mean, cut))
            weight = np.append(np.full(k - 1, (1 - top) / (k - 1)), top)
            sd = np.append(np.full(k - 1, spread / k), max(float(xs[-1] - cut) / 2, spread / 20))
            starts.append((weight, mean, sd))
    if k >= 3:  # layers: the top one on the top share, the others cut evenly (on a log scale) up to half
        tops = TOP_STARTS[0] * (LAYERS_REACH / TOP_STARTS[0]) ** (np.arange(k - 1) / (k - 2))
        bounds = np.concatenate([[0.0], 1 - tops[::-1], [1.0]])  # ascending quantile bounds
        starts.append((np.diff(bounds), quantile((bounds[:-1] + bounds[1:]) / 2), np.full(k, spread / k)))
    return starts


def fit(values: np.ndarray, components: int) -> Mixture:
    """Fits ``components`` Gaussians to ``values`` by EM from each start; keeps the best fit."""
    return _fit(_Points.of(values), components)


def _fit(points: _Points, components: int) -> Mixture:
    starts = _starts(points, components)
    weight, mean, sd = (np.array([start[i] for start in starts], np.float64) for i in range(3))
    return min(_em(points, weight, mean, sd), key=lambda m: m.bic)


def fits(values: np.ndarray, most: int = 3) -> list[Mixture]:
    """The best fit of each number of components from one to ``most`` (the values binned once)."""
    points = _Points.of(values)
    return [_fit(points, k) for k in range(1, most + 1)]


def best_fit(values: np.ndarray, most: int = 3) -> Mixture:
    """The mixture of one to ``most`` components the Bayesian information criterion prefers.

    Not Akaike's: it finds a dozen photos apart a little more often on a library of a few hundred,
    but it also finds "groups" in plain noise (a third of a 100-photo library listed for nothing)."""
    return min(fits(values, most), key=lambda m: m.bic)


def dip(values: np.ndarray, low: float, high: float, points: int = 48) -> float:
    """How far the values' density sinks between ``low`` and ``high`` (two components' means): its
    lowest point between them over the lower of its heights at the two, by a Gaussian kernel
    estimate with Silverman's bandwidth. Near 1 (no dip) the values ramp from one to the other: a
    fit that puts two components there has cut one slope in two."""
    x = np.asarray(values, np.float64)
    x = x[np.isfinite(x)]
    if len(x) < 2 or high <= low:
        return 1.0
    quartiles = np.percentile(x, [25, 75])
    scale = min(float(x.std()), float(quartiles[1] - quartiles[0]) / 1.34) or float(x.std())
    bandwidth = max(0.9 * scale * len(x) ** -0.2, 1e-6)
    grid = np.linspace(low, high, points)
    counts, edges = np.histogram(x, bins=min(BINS, len(x)))  # bins far finer than the bandwidth
    centres = (edges[:-1] + edges[1:]) / 2
    density = (np.exp(-0.5 * ((grid[:, None] - centres[None, :]) / bandwidth) ** 2) * counts).sum(1)
    return float(density.min() / max(min(density[0], density[-1]), 1e-12))


def one_slope_cut(mixture: Mixture, values: np.ndarray, size_ratio: float, ramp: float) -> bool:
    """Whether a fit's top two components, both above the bulk (its heaviest), cut one slope of
    ``values`` in two: the lower holds fewer than ``size_ratio`` times the top's share and the values
    do not sink between them (their :func:`dip` is at least ``ramp``). "star" on pictures the model
    never saw: the clearest stars pile at the top, the rest spread below; two layers, Normal listed
    33 of 76 stars."""
    if mixture.components < 3 or mixture.mean[-2] <= mixture.bulk_mean:
        return False
    if mixture.weight[-2] >= size_ratio * mixture.weight[-1]:
        return False
    return dip(values, mixture.mean[-2], mixture.mean[-1]) >= ramp
