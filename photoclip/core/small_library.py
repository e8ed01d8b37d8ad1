"""Which photos are relevant in a library too small to measure what is ordinary in it.

Under ``relevance.MIN_LIBRARY`` photos there is no ordinary level and spread to stand a photo
against (see :mod:`photoclip.core.relevance`), and listing every photo, best first, made the first
search a new user tries with a folder of ten photos look broken: "a red circle" showed all ten; up
to ``SMALL_LIBRARY`` photos the ordinary level is measured on too few to tell a rare answer from
the layer of partial likeness under it. Two things can still be told apart in a handful of photos:

* **A step in the scores.** Sorted best first, a query's scores usually fall in a large step from
  its photos to the rest ("a red circle": 0.07, 0.06, 0.06, 0.05, 0.05, then -0.02 ...). A step
  counts when it is ``STEP_RATIO`` times the typical (median) step; of those, the highest one at
  least half as large as the largest parts the query's photos from the rest. Likeness comes in
  layers (the red circles above the red squares and the blue circles, above the rest), and the
  closest layer is the answer, unless its step is a ripple beside the one under the next layer.
* **A lead over the generic prompts.** A photo that a query's words describe is closer to them than
  to the model's generic prompts ("a photo."). Words the model never learnt ("xyzzy") score about
  as high as those prompts on every photo, and so do the photos above a step among them. So for
  words the photos above the step must lead the generic prompts by half the model's ``tag_margin``
  (their median, as a layer), and with no step (every photo, or none, is what the words ask for) a
  photo is relevant when it leads them by the whole margin. When the photos under the step lead
  them by the whole margin too (all ten photos are red; the step parts the vivid reds from the pale
  ones), those are relevant too.

A query of images only has no lead to measure: the photos above the step, or with no step every
photo, best first (said as such). The photo itself (or a copy of it) is always listed, and its own
step counts: a photo unlike the rest has its step right under it. An image beside words
("photo.jpg + blue") is judged among the photos the words find, as in a large library: those of
them above a step in likeness to the image (the image itself aside; a step a tenth of how far
the image's likeness spans over the library, ``IMAGE_STEP_SHARE``, not a ripple among a few).
Left-out words leave out the photos that lead the generic prompts for them by half the margin; a
left-out image, its copies and the photos a step more like it.

The lead is the one per-model number here (``tag_margin``, which tagging's small-library rule uses
too): calibrated for photoclip-tiny, and CLIP's usual margin for the real models (not calibrated
for them). Measured on libraries of 6-19 photos drawn from the evaluation's pictures
(``python -m photoclip.smallclip.evaluate_small_library``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from photoclip.core.relevance import combine
from photoclip.core.strictness import Strictness

#: Under this many photos a query is judged among the library's own photos. At 20 (the fewest a
#: sample measures an ordinary level on) the large-library rule listed a phrase's one or two photos
#: with the layer under them: on libraries drawn from the evaluation's pictures, phrases read F1
#: 0.41 / 0.57 (plain / scenes) at 20 photos and 0.44 / 0.55 at 60, this rule 0.99 / 0.98 at both;
#: at 100 photos it reads shape words on scenes worse (0.83 against 0.96), so the rules meet here.
SMALL_LIBRARY = 50
#: A step between consecutive scores (best first) counts when it is this many times the median
#: step: between ten scores drawn from one smooth spread the largest step is about three times it.
STEP_RATIO = 3.0
#: The step taken is the highest counting one at least this share of the largest.
STEP_SHARE = 0.5
#: How much of the lead over the generic prompts each level asks of the photos above a step, and
#: (times two) of every photo when there is no step.
LEAD_SHARE = {Strictness.STRICT: 1.0, Strictness.NORMAL: 0.5, Strictness.LOOSE: 0.25}
#: Fewer photos than this are too few to show a step (three have two steps, and neither can be
#: three times their median).
MIN_PHOTOS = 4
#: Among the photos words find, a step in likeness to an image beside them must also be this share
#: of how far the image's likeness spans over the library: among four blue stars, one a ripple
#: apart from the rest (0.025 of a span near 0.7) was listed alone.
IMAGE_STEP_SHARE = 0.1
#: A photo this close to a query image is a copy of it (or the photo itself).
COPY = 0.99
#: When nothing is relevant the closest few are still shown, marked as only that.
CLOSEST = 3


def step_cut(scores: np.ndarray, least: float = 0.0) -> float:
    """The lowest score above the step that parts ``scores`` (see the module docstring; the step at
    least ``least``), else infinity (no step: nothing parts them)."""
    ordered = np.sort(np.asarray(scores, np.float64))[::-1]
    steps = ordered[:-1] - ordered[1:]
    moving = steps[steps > 0]  # ties (copies of one photo) are no steps, nor what a step is measured by
    if len(ordered) < MIN_PHOTOS or len(moving) < 2:
        return float("inf")
    typical = float(np.median(moving))
    counting = (steps >= STEP_RATIO * typical) & (steps >= STEP_SHARE * steps.max()) & (steps >= least)
    if not counting.any():
        return float("inf")
    return float(ordered[int(np.flatnonzero(counting)[0])])


@dataclass(frozen=True)
class SmallLibraryDecision:
    """One score's relevance among the few photos of a small library (see the module docstring)."""

    cut: float  # the lowest score above the step (infinity: no step)
    lead: float | None  # the model's lead over the generic prompts; None for images only
    upper_leads: float  # the median lead of the photos above the step
    joins: bool  # with a step, the photos under it lead the generic prompts by the whole lead

    @classmethod
    def fit(
        cls, scores: np.ndarray, leads: np.ndarray | None, margin: float, least: float = 0.0
    ) -> SmallLibraryDecision:
        """Fitted on the photos that may be listed: their ``scores`` and, for words, how far each
        leads the generic prompts (``leads``; None for images only); ``margin``: the model's lead;
        ``least``: the smallest step that counts."""
        cut = step_cut(scores, least)
        if leads is None:
            return cls(cut, None, 0.0, False)
        above, under = leads[scores >= cut], leads[scores < cut]
        upper = float(np.median(above)) if len(above) else 0.0
        return cls(cut, margin, upper, bool(len(under)) and float(np.median(under)) >= margin)

    @property
    def has_step(self) -> bool:
        """Whether a step parts the query's photos from the rest."""
        return bool(np.isfinite(self.cut))

    def keep(self, scores: np.ndarray, leads: np.ndarray | None, level: Strictness) -> np.ndarray:
        """Which photos are relevant at ``level``."""
        if level == Strictness.ALL or (not self.has_step and (self.lead is None or leads is None)):
            return np.ones(len(scores), bool)
        above = scores >= self.cut
        if self.lead is None or leads is None:
            return above
        share = LEAD_SHARE[level]
        keep = above & (leads > 0) if self.upper_leads >= share * self.lead else np.zeros(len(scores), bool)
        if not self.has_step or self.joins:
            keep |= leads >= 2 * share * self.lead
        return keep


@dataclass(frozen=True)
class SmallLibraryQuery:
    """A whole query judged among a small library's photos: one score per photo (the weighted mean
    cosine of its positive terms, less that of its left-out ones), and which photos are relevant."""

    scores: np.ndarray
    excluded: np.ndarray  # left out by a left-out word
    copies: np.ndarray  # copies of the query image (the photo itself), in a query of images only
    words: SmallLibraryDecision | None  # the positive words' decision (None: no words)
    word_scores: np.ndarray | None
    leads: np.ndarray | None
    images: SmallLibraryDecision | None  # the images' decision, among the words' photos when beside words
    image_scores: np.ndarray | None

    @classmethod
    def measure(
        cls,
        cosines: np.ndarray,
        weights: np.ndarray,
        is_text: np.ndarray,
        generic_cosines: np.ndarray | None,
        margin: float,
        wanted: np.ndarray | None = None,
        likeness: np.ndarray | None = None,
    ) -> SmallLibraryQuery:
        """``cosines``: photos × terms; ``generic_cosines``: the photos' with the generic prompts (None
        when the model has none, or the query no words); ``margin``: the model's lead (``tag_margin``);
        ``wanted``: the photos that may be listed ("find similar" leaves the photo itself out);
        ``likeness``: the photos' cosines with the terms as stored, which tell an image's copies
        (an image query searches with its mirror image's reading mixed in; None: ``cosines``)."""
        scores = combine(cosines, weights)
        if (weights < 0).any():  # left-out terms push their photos down too
            scores = scores - combine(cosines, -weights)
        listable = np.ones(len(cosines), bool) if wanted is None else wanted
        likeness = cosines if likeness is None else likeness
        excluded = np.zeros(len(cosines), bool)
        ahead = None if generic_cosines is None else cosines - generic_cosines[:, None]
        for j in np.flatnonzero(weights < 0):  # judged loosely, as left-out terms always are
            if is_text[j] and ahead is not None:
                excluded |= ahead[:, j] >= margin / 2
            elif not is_text[j]:  # a left-out image: its copies and the photos a step more like it
                excluded |= (cosines[:, j] >= step_cut(cosines[listable, j])) | (likeness[:, j] >= COPY)
        fit = ~excluded & listable
        words, images = is_text & (weights > 0), ~is_text & (weights > 0)
        copies: np.ndarray = np.zeros(len(cosines), bool)
        word_decision = image_decision = word_scores = leads = image_scores = None
        if words.any():
            only_words = np.where(words, weights, 0.0)
            # words alone are judged by the score, in which left-out words lower the photos they
            # describe; beside images (an image's cosines dwarf words') by the words' own
            word_scores = combine(cosines, only_words) if (~is_text).any() else scores
            leads = None if ahead is None else combine(ahead, only_words)
            word_decision = SmallLibraryDecision.fit(word_scores[fit], _at(leads, fit), margin)
            if images.any():  # the image is judged among the words' photos, as in a large library
                fit &= word_decision.keep(word_scores, leads, Strictness.NORMAL)
        if images.any():
            image_scores = combine(cosines, np.where(images, weights, 0.0))
            copies = np.asarray((likeness[:, images] >= COPY).any(1))
            least = 0.0
            if words.any():  # among the words' photos the image itself is no step: its kind is
                least = IMAGE_STEP_SHARE * float(np.ptp(image_scores[listable])) if listable.any() else 0.0
                fit &= ~copies
                copies = np.zeros(len(cosines), bool)
            image_decision = SmallLibraryDecision.fit(image_scores[fit], None, margin, least)
        return cls(scores, excluded, copies, word_decision, word_scores, leads, image_decision, image_scores)

    def keep(self, level: Strictness) -> np.ndarray:
        """Which photos are relevant at ``level`` (those a left-out word names never are)."""
        keep = np.ones(len(self.scores), bool)
        if self.words is not None and self.word_scores is not None:
            keep &= self.words.keep(self.word_scores, self.leads, level)
        if self.images is not None and self.image_scores is not None:
            keep &= self.images.keep(self.image_scores, None, level)
        return (keep | self.copies) & ~self.excluded

    @property
    def undecided(self) -> bool:
        """A query of images only with no step: every photo is listed, best first."""
        return self.words is None and self.images is not None and not self.images.has_step


def _at(values: np.ndarray | None, mask: np.ndarray) -> np.ndarray | None:
    return None if values is None else values[mask]


def closest_few(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """The CLOSEST best-scored of the ``eligible`` photos: shown, marked as only that, when none is relevant."""
    out = np.zeros(len(scores), bool)
    candidates = np.flatnonzero(eligible)
    out[candidates[np.argsort(-scores[candidates], kind="stable")[:CLOSEST]]] = True
    return out
