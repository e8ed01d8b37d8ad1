"""Which photos are relevant to a query: a cut-off that adapts to the query, the library and the model.

A raw cosine means different things for different queries and models: CLIP ViT-B scores text
against photos around 0.2–0.3, an image against photos around 0.5–0.9, photoclip-tiny words
around 0.3–0.8, and a short word scores higher across the board than a long phrase. So no fixed
number can be the cut-off. Instead each term of a query is measured against *this library*:

* **Standing.** The cosines of a fixed sample of the library's photos with the term give its
  ordinary level (the median) and spread (the median absolute deviation, scaled to a standard
  deviation). A photo's standing for the term is how many spreads it lies above the ordinary
  level. Whatever the model and the wording, most photos of a library are not what a query asks
  for, so they stand near 0 and the photos it asks for stand out.
* **A group of its own.** When a query matches a good share of the library ("a circle" in a
  library where a quarter of the photos are circles) those photos widen the spread themselves,
  so "how far out" alone would miss them. So the sample's standings are also fitted with a
  mixture of one to five Gaussians, for the layers of likeness a query's photos come in (see
  Decision.fit; an image beside words, judged among the words' photos, with up to three): when
  the highest component stands well apart from the next (``SEPARATION`` pooled deviations) and is
  not the bulk of the library (``GROUP_SHARE``), it is the query's answer, and a photo belongs to
  it when its probability of coming from that component is high enough (``posterior``). For
  words, two components above the bulk with no dip between them and alike in size are one answer
  in two shades, not two layers (``LAYER_SIZE``, ``RAMP``): a layer of partial likeness outnumbers its answer.
  A model that does not tell the photos apart by what words name finds the same "groups" for
  every query (its clusters of look-alike photos); for such a model and library groups are not
  trusted (:mod:`photoclip.core.discernment`).
* **More.** The loose level also lists the layers under the closest one that stand the normal
  tail out themselves ("a red circle": the red things and the circles), unless they hold more
  than GROUP_SHARE of the library.
* **Otherwise a tail.** With no group apart (a library of unrelated photos, a model that sees no
  structure, a query for something rare), a photo is relevant when it stands ``tail`` spreads
  out: 2 for "normal", which a Gaussian bulk passes about once in 44 photos.
* **Not a hub.** Some photos lie near every text (CLIP's "hubs"): they stand out for "xyzzy", for
  "a photo of my grandmother" in a library of shapes, for words the model never learnt, as much
  as for the model's generic prompts ("a photo."), alone or as a group. Such words order the
  library much as those prompts do (see :mod:`photoclip.core.hubs`). So a photo's standing for
  words is counted beyond what its standing for those prompts predicts: less that rank
  correlation times how far it stands out for them (the expectation for standardised values).
  Everything above (group, tail, score, order) is decided on that standing: a hub stands out no
  more for words that say nothing more, a query's own photos still do. Left-out words are judged
  without it ("-star" leaves out every star, hubs too), unless with it they find nothing: "-xyzzy"
  leaves out nothing rather than the hubs.

Query forms: each positive word term of a combined query ("red + circle", "2:red + circle",
"photo.jpg + blue") must be relevant on its own, and an image term in such a query is judged among
the photos the words find (the group of them that stands apart as most like the image, else those
more like it than half of them), so "photo.jpg + blue" finds the blue photos most like the image,
and any of the words' photos that outranks all of those in the score shown (the group can be the
model's misreading of a small picture, while the order has a right photo first); a photo even
loosely relevant to a negative term ("star -yellow") is left out; a query of images only is
judged by its combined score. The score shown and used for the order is the weighted mean
standing over the positive terms.

Nothing here was fitted to a model: the standing is a standardisation, the separation and
posterior are properties of the mixture, and the tail is a Gaussian tail probability. The
constants were checked on random-weight models (neither a flood nor an empty page) and measured on
generated pictures with photoclip-tiny (``python -m photoclip.smallclip.evaluate_relevance``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from photoclip.core.hubs import GenericLevel, lean, robust_spread
from photoclip.core.mixture import Mixture, fits, one_slope_cut
from photoclip.core.strictness import Strictness as Strictness  # where most of photoclip finds it

#: Below this many photos there is no ordinary level to measure: everything is listed, ranked.
MIN_LIBRARY = 20
#: How many of the library's photos measure a term's ordinary level and spread.
SAMPLE = 4096
#: A mixture's highest component is a group of its own when its mean lies this many pooled
#: standard deviations above the next one's (two Gaussians this far apart overlap by about 16%)...
SEPARATION = 2.0
#: ...and it holds at most this share of the library (a larger "group" is the library itself)
#: and at least this many photos of the sample (one or two photos are a tail, not a group).
GROUP_SHARE = 0.5
MIN_GROUP = 3
#: A member of a group lies within this many of its standard deviations below its mean: a photo
#: halfway between the group and the rest is closer to the group, but it is not one of them.
MEMBER_REACH = 3.0
#: The most layers of likeness a search's values are fitted with (see Decision.fit).
LAYERS = 5
#: A layer of partial likeness ("red things" under "a red circle") shares about half of what a search
#: asks, so the answer stands above it by about as much as it stands above the rest of the library.
#: A top layer that stands above the next by less than this share of the next one's height over the
#: rest is one answer in shades (the vivid blues above the pale ones for "blue"), not a closer layer.
LAYER_STEP = 1 / 3
#: A layer of partial likeness holds at least this many times its answer's photos (the red things
#: and the circles under the red circles); two layers nearer in size are one answer in two shades
#: unless the values sink between them below RAMP of the lower one's height (see mixture.dip).
LAYER_SIZE = 2.0
RAMP = 0.8
#: In a query of words and images, an image term is judged among the sample's photos the words find
#: (see QueryRelevance.measure); with fewer than MIN_FOUND of them that says little, and it must
#: stand this far above the ordinary instead.
IMAGE_FLOOR = 0.5
MIN_FOUND = 5


@dataclass(frozen=True)
class Decision:
    """Whether values of one term (or of the combined score) are relevant, fitted on the sample."""

    group: Mixture | None  # the mixture when its highest component is a group of its own
    wider: Mixture | None = None  # in layers: the next layer out, for "loose"

    @classmethod
    def fit(cls, sample: np.ndarray, groups: bool = True, layers: bool = False, words: bool = False) -> Decision:
        """Looks for a group of its own among the sample's standings (unless ``groups`` is False:
        a model whose groups are not the query's, see :mod:`photoclip.core.discernment`).

        With ``layers`` (as every search fits them) the values are taken to come in layers of
        likeness: the same thing, things that share a part of it (its colour, its setting, its kind;
        for words, "a red circle" above the red things and the circles), the rest. Of up to three
        components the Bayesian criterion often prefers the layer of partial
        likeness with the answer in it (a hundred photos of the same colour or shape around a dozen
        of the same thing), so fits of up to LAYERS components are looked at too, and the answer is
        the closest layer that stands apart: the smallest top group among the criterion's own and
        those of fits that explain the values better than any fit without a group, lie twice
        SEPARATION apart from the next layer (a burst of shots that fade in likeness is one layer),
        stand the normal tail out and stand above the next layer by at least LAYER_STEP of its
        height over the rest (vivid and pale blues are one answer to "blue"). "Better" is Akaike's
        criterion here: three photos of the same thing among 150 barely move the Bayesian one, and
        the other conditions keep plain noise out (it lists no more than without layers). The
        criterion's group, when wider, is what "loose" adds. For ``words`` no fit counts that cuts
        one slope of values in two (see LAYER_SIZE and :func:`photoclip.core.mixture.one_slope_cut`)."""
        photos = int(np.isfinite(sample).sum())
        if not groups or photos == 0:
            return cls(None)
        candidates = fits(sample, LAYERS if layers else 3)
        if words:
            candidates = [m for m in candidates if not one_slope_cut(m, sample, LAYER_SIZE, RAMP)]
        best = min((m for m in candidates if m.components <= 3), key=lambda m: m.bic)
        chosen = best if _apart(best, photos) else None
        if not layers:
            return cls(chosen)
        no_group = min(m.aic for m in candidates if not _apart(m, photos))
        layered = [
            m
            for m in candidates
            if m.components > 1
            and (
                m is chosen
                or (
                    _apart(m, photos)
                    and m.aic < no_group
                    and m.top_separation() >= 2 * SEPARATION
                    and m.mean[-1] >= Strictness.NORMAL.tail
                    and _top_step(m) >= LAYER_STEP
                )
            )
        ]
        if not layered:
            return cls(None)
        closest_layer = min(layered, key=lambda m: m.weight[-1])
        return cls(closest_layer, chosen if chosen is not None and chosen is not closest_layer else None)

    def relevant(self, values: np.ndarray, level: Strictness, partly: bool = True) -> np.ndarray:
        """Which values are relevant at ``level``; ``partly`` False leaves out what More adds for
        sharing part of it (a left-out "-red car" leaves out red cars, not every red thing)."""
        if level == Strictness.ALL:
            return np.ones(len(values), bool)
        if self.group is None:
            return values >= level.tail
        keep = _in_group(self.group, values, level.posterior)
        if level == Strictness.LOOSE:
            if self.wider is not None:
                keep |= _in_group(self.wider, values, Strictness.NORMAL.posterior)
            if partly:
                keep |= _partly_like(self.group, values)
        return keep


def _apart(mixture: Mixture, photos: int) -> bool:
    """Whether a mixture's highest component is a group of its own (see SEPARATION, GROUP_SHARE)."""
    return bool(
        mixture.components > 1
        and mixture.top_separation() >= SEPARATION
        and mixture.weight[-1] <= GROUP_SHARE
        and round(mixture.weight[-1] * photos) >= MIN_GROUP  # its soft count, rounded
        and mixture.mean[-1] > 0
    )


def _partly_like(group: Mixture, values: np.ndarray) -> np.ndarray:
    """What More adds under the closest layer: the photos of every layer that stands the normal tail
    out ("a red circle": the red things and the circles under it), unless those layers hold more
    than GROUP_SHARE of the library (then they are the library, not a layer of it)."""
    tail = Strictness.NORMAL.tail
    if group.weight[group.mean >= tail].sum() > GROUP_SHARE:
        return np.zeros(len(values), bool)
    return (values >= tail) & (group.posterior_from(values, tail) >= Strictness.NORMAL.posterior)


def _top_step(mixture: Mixture) -> float:
    """How far the highest component lies above the next, as a share of how far that one lies above
    the bulk (the heaviest component); infinite when the next one is no higher than the bulk."""
    below = float(mixture.mean[-2] - mixture.bulk_mean)
    return float("inf") if below <= 0 else float(mixture.mean[-1] - mixture.mean[-2]) / below


def _in_group(group: Mixture, values: np.ndarray, posterior: float) -> np.ndarray:
    """Values above the next component that belong to the highest one with at least ``posterior``,
    and every value above the highest one's mean: far out, a wider next component's tail outweighs a
    narrow top one's, and the photo most like the query (the query's own photo) would drop out."""
    like_a_member = values >= group.mean[-1] - MEMBER_REACH * group.sd[-1]
    belongs = (values > group.mean[-2]) & like_a_member & (group.top_posterior(values) >= posterior)
    return belongs | (values >= group.mean[-1])


@dataclass(frozen=True)
class ImageAmongWords:
    """An image term beside words, judged among the photos the words find: the group of them most
    like the image when there is one, else those more like it than the median of them."""

    median: float
    decision: Decision

    def relevant(self, values: np.ndarray, level: Strictness) -> np.ndarray:
        """Which values are relevant at ``level``."""
        if self.decision.group is None:
            return values >= self.median
        return self.decision.relevant(values, level)


@dataclass(frozen=True)
class QueryRelevance:
    """A query's terms measured against the library: levels, spreads and decisions."""

    weights: np.ndarray  # one per term; negative for "-term"
    is_text: np.ndarray  # per term: a word term (else an image)
    median: np.ndarray
    spread: np.ndarray
    terms: tuple[Decision, ...]
    combined: Decision
    judged_by_names: frozenset[int] = frozenset()  # left-out terms that name photos (see excluded)
    names_nothing: frozenset[int] = frozenset()  # left-out words nothing here is like (see excluded)
    beside_words: dict[int, ImageAmongWords] = field(default_factory=dict)  # image terms beside words
    generic_level: GenericLevel | None = None  # the generic prompts' ordinary level and spread
    leans: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # per term, see "Not a hub"

    @classmethod
    def measure(
        cls,
        sample_cosines: np.ndarray,
        weights: np.ndarray,
        is_text: np.ndarray,
        groups: bool = True,
        generic_cosines: np.ndarray | None = None,
    ) -> QueryRelevance:
        """Fits every decision from the cosines of the library sample (photos × terms); ``groups``
        False judges by the tail alone. ``generic_cosines`` (the sample's with the model's generic
        prompts, when the query has words) let words tell their own photos from hubs."""
        median = np.median(sample_cosines, axis=0)
        spread = robust_spread(sample_cosines, median)
        standing = (sample_cosines - median) / spread
        generic_level, leans, names_nothing = None, np.zeros(standing.shape[1], np.float32), set()
        if generic_cosines is not None and len(generic_cosines) >= MIN_LIBRARY:
            generic_level = GenericLevel.measure(generic_cosines)
            hubness = generic_level.standing_out(generic_cosines)
            for j in np.flatnonzero(is_text & (weights > 0)):  # "-star" leaves out every star, hubs too
                leans[j] = lean(standing[:, j], generic_cosines)
            for j in np.flatnonzero(is_text & (weights < 0)):  # ...but "-xyzzy" leaves out no hub
                own = standing[:, j] - lean(standing[:, j], generic_cosines) * hubness
                if not Decision.fit(own, groups, layers=True, words=True).relevant(own, Strictness.NORMAL).any():
                    names_nothing.add(int(j))
            standing = standing - leans * hubness[:, None]
        # Only word and left-out terms need their own decision (a positive image is judged by the
        # combined score or among the words' photos). Words come in layers too (see Decision.fit),
        # "a red circle" above red things and circles (plain, seed 8080: phrases 0.943 -> 0.995).
        terms = tuple(
            Decision.fit(standing[:, j], groups, layers=True, words=bool(is_text[j]))
            if is_text[j] or weights[j] < 0
            else Decision(None)
            for j in range(standing.shape[1])
        )
        words_only = bool(is_text[weights > 0].all())
        combined = Decision.fit(combine(standing, weights), groups, layers=True, words=words_only)
        # "photo.jpg + blue": the words say what is wanted, the image what it should look like. A
        # blue star is not close to a red one, as the whole library goes, but it is closer to it
        # than most blue photos are; so an image term beside words is judged among the photos the
        # words find: the group of them most like the image, or else those more like it than half.
        beside_words: dict[int, ImageAmongWords] = {}
        words = (weights > 0) & is_text
        if words.any():
            found = np.ones(len(standing), bool)
            for j in np.flatnonzero(words):
                found &= terms[j].relevant(standing[:, j], Strictness.NORMAL)
            if found.sum() >= MIN_FOUND:
                for j in np.flatnonzero((weights > 0) & ~is_text):
                    among = standing[found, j]
                    beside_words[int(j)] = ImageAmongWords(float(np.median(among)), Decision.fit(among, groups))
        return cls(
            weights,
            is_text,
            median.astype(np.float32),
            spread.astype(np.float32),
            terms,
            combined,
            names_nothing=frozenset(names_nothing),
            beside_words=beside_words,
            generic_level=generic_level,
            leans=leans,
        )

    def generic_cosines(self, photo_vectors: np.ndarray, generic_vector: np.ndarray | None) -> np.ndarray | None:
        """The photos' cosines with the generic prompts' vector, when measured with them (else None)."""
        return None if self.generic_level is None or generic_vector is None else photo_vectors @ generic_vector

    def standing(self, cosines: np.ndarray, generic_cosines: np.ndarray | None = None) -> np.ndarray:
        """Candidates' standings (candidates × terms); given their cosines with the generic prompts
        (needed when the query was measured with them), words' standings beyond what those predict."""
        standing = (cosines - self.median) / self.spread
        if self.generic_level is not None:
            if generic_cosines is None or len(generic_cosines) != len(cosines):
                raise ValueError("the candidates' cosines with the generic prompts are needed")
            standing = standing - self.leans * self.generic_level.standing_out(generic_cosines)[:, None]
        return standing.astype(np.float32)

    def direction(self, vectors: np.ndarray, generic_vector: np.ndarray | None = None) -> np.ndarray:
        """The vector whose inner product with a photo's orders photos as :meth:`ceiling` does: what a
        large library's graph is searched with. ``vectors``: the terms' vectors; ``generic_vector``:
        the generic prompts', when measured with them."""
        per_term = np.where(self.weights > 0, self.weights, 0.0) / self.spread
        direction = (per_term[:, None] * vectors).sum(0)
        if self.generic_level is not None and generic_vector is not None:
            hub = float((per_term * self.spread * self.leans).sum()) / self.generic_level.spread
            direction = direction - hub * generic_vector
        return (direction / float(self.weights[self.weights > 0].sum())).astype(np.float32)

    def ceiling(self, cosines: np.ndarray, generic_cosines: np.ndarray | None = None) -> np.ndarray:
        """The score with the correction for hubs taken whole (the score takes it only above the
        ordinary level): never under the score, in the order of :meth:`direction`."""
        standing = (cosines - self.median) / self.spread
        if self.generic_level is not None and generic_cosines is not None:
            level = self.generic_level
            standing = standing - self.leans * ((generic_cosines - level.median) / level.spread)[:, None]
        return self.score(standing.astype(np.float32))

    def score(self, standing: np.ndarray) -> np.ndarray:
        """The one score a result shows and is ordered by."""
        return combine(standing, self.weights)

    def keep(self, standing: np.ndarray, level: Strictness) -> np.ndarray:
        """Which candidates are relevant at ``level`` (see the module docstring)."""
        if level == Strictness.ALL:
            return np.ones(len(standing), bool)
        positive = np.flatnonzero(self.weights > 0)
        words = [j for j in positive if self.is_text[j]]
        if len(positive) == 1 or not words:
            keep = self.combined.relevant(self.score(standing), level)
        else:
            found = np.ones(len(standing), bool)  # what the words find
            for j in words:
                found &= self.terms[j].relevant(standing[:, j], level)
            keep = found.copy()
            for j in positive:
                if self.is_text[j]:
                    continue
                if int(j) in self.beside_words:
                    keep &= self.beside_words[int(j)].relevant(standing[:, j], level)
                else:
                    keep &= standing[:, j] >= IMAGE_FLOOR
            if keep.any() and not keep.all():  # what the words find and outranks every listed photo is
                scores = self.score(standing)  # listed: the image's group may be the model's misreading
                keep |= found & (scores > scores[keep].max())
        return keep & ~self.excluded(standing)

    def excluded(self, standing: np.ndarray) -> np.ndarray:
        """Candidates relevant to a negative term. Judged loosely whatever the strictness: someone
        who writes "-people" would rather lose a borderline photo than see people. A term that
        names photos (see ``judged_by_names``) is left to the names unless its photos form a group
        of their own: then the model knows the word ("-blue" where one photo is tagged "blue
        sky"), and what it sees is left out too; otherwise it would leave out whatever few photos
        happen to lie nearest to a word it never learnt ("-vellmora" for a folder of that name). A
        word whose own photos, hubs counted down, are none at Normal (``names_nothing``: "-xyzzy")
        leaves nothing out: judged as it is, it would leave out the hubs, which lie near every word."""
        excluded = np.zeros(len(standing), bool)
        for j in np.flatnonzero(self.weights < 0):
            decision = self.terms[j]
            if int(j) in self.names_nothing:
                continue
            if int(j) not in self.judged_by_names or decision.group is not None:
                excluded |= decision.relevant(standing[:, j], Strictness.LOOSE, partly=False)
        return excluded

    def keep_above(self, standing: np.ndarray, min_score: float) -> np.ndarray:
        """Candidates whose score reaches an explicit ``min_score`` (negative terms still apply)."""
        return (self.score(standing) >= min_score) & ~self.excluded(standing)


def combine(standing: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted mean standing (or cosine) over the positive terms (0 for a query of left-out
    terms only; ``-weights`` gives the mean over the left-out ones)."""
    positive = weights > 0
    if not positive.any():
        return np.zeros(len(standing), np.float32)
    return ((standing[:, positive] * weights[positive]).sum(1) / float(weights[positive].sum())).astype(np.float32)
