"""How well the default relevance cut-off decides what a person sees, for every kind of query.

    python -m photoclip.smallclip.evaluate_relevance [--look all] [--per-class 12] [--seed 7070] [--json]

Three looks of pictures, each drawn afresh from seeds training never used: scenes from
:mod:`photoclip.smallclip.scenes` (textured backgrounds, turned and small objects, clutter, clutter-only
pictures), classic pictures (one upright shape, :func:`write_plain`) and pictures of a renderer
training never uses (:mod:`photoclip.smallclip.unseen`: other colours, gradients, outlines). Each is indexed by a real
photoclip library; then each query form is searched with the default cut-off
and its results are held against what the query should find: precision, recall and F1 per
query, averaged per form, and the queries that found nothing right although right answers exist;
beside them the best F1 any cut-off could reach on the query's own ranking ("best cut"), which
separates what the rule loses from what the model's order allows.

Query forms: a phrase ("a red circle"), one word ("red", "star"), a colour or shape alone in a
phrase ("something red", "a star"), an exclusion ("star -yellow"), a combination ("red + circle"),
weights ("2:red + circle"), an image (every library photo in turn; the photo itself and the others
of its colour and shape are the answer), an image with words ("photo.jpg + blue", every photo with
another colour),
and a tag filter ("tag:holiday a red circle"). A query that finds nothing right is named with where its
first right answer stands in its own order (#40: the model ranks 39 wrong photos above it). Words
the small model never learnt ("a dog on a beach", "xyzzy") have no right answer: for them the
figure is how many photos the cut-off calls relevant (the closest few are still shown, said to be
only that, and not counted). The same library is then tagged with the "shapes" label set by
tagging's default rule, scored the same way, and with label sets of one's own words, one word a
label ("red, blue, ...", "circle, square, ...", "red, square, cat"): F1 over (picture, label) pairs.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from photoclip.smallclip import shapes
from photoclip.smallclip.scenes import Scene, shuffled_classes, write_scenes
from photoclip.smallclip.shapes import COLOURS, SHAPES
from photoclip.smallclip.unseen import write_unseen

#: (form, query, does this scene belong in the answer)
Case = tuple[str, str, Callable[[Scene], bool]]
#: Queries of words the small model never learnt: nothing in a library of shapes answers them.
UNKNOWN_WORDS = (
    "a dog on a beach",
    "snowy mountains at sunset",
    "a photo of my grandmother",
    "receipts",
    "birthday cake",
    "xyzzy",
    "qwerty asdf",
    "bl",
)


@dataclass
class FormResult:
    """The figures of one query form."""

    queries: int = 0
    f1: list[float] = field(default_factory=list)
    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    nothing_right: list[str] = field(default_factory=list)
    best: list[float] = field(default_factory=list)  # the best F1 any cut-off on the query's own order gives

    def summary(self) -> dict[str, Any]:
        """Means over the form's queries."""
        return {
            "queries": self.queries,
            "f1": round(statistics.mean(self.f1), 3) if self.f1 else None,
            "precision": round(statistics.mean(self.precision), 3) if self.precision else None,
            "recall": round(statistics.mean(self.recall), 3) if self.recall else None,
            "nothing_right": self.nothing_right,
            "best_cut_f1": round(statistics.mean(self.best), 3) if self.best else None,
        }


def write_plain(folder: Path, per_class: int, seed: int) -> dict[str, Scene]:
    """``per_class`` pictures of each colour+shape class drawn the training pictures' way (one
    upright shape on a plain, gradient or noisy background), under names that say nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pictures = {}
    for index, (colour, shape) in enumerate(shuffled_classes(rng, COLOURS, per_class)):
        spec = shapes.random_spec(rng, size_range=(96, 900), colours=(colour,), shapes=(shape,))
        name = f"picture-{index:05d}{'.jpg' if spec.fmt == 'JPEG' else '.png'}"
        shapes.save(spec, folder / name)
        pictures[name] = Scene(name, colour, shape, spec.background, spec.relative_size, 0, spec.background_colour)
    return pictures


def cases(scenes: dict[str, Scene], folder: Path, tagged: set[str], rng: random.Random) -> list[Case]:
    """Every query of every form, with its truth."""
    out: list[Case] = []

    def main_is(c: str | None = None, s: str | None = None) -> Callable[[Scene], bool]:
        return lambda x: (c is None or x.colour == c) and (s is None or x.shape == s) and x.colour is not None

    for c in COLOURS:
        for s in SHAPES:
            out.append(("phrase", f"a {c} {s}", main_is(c, s)))
        out.append(("colour word", c, main_is(c=c)))
        out.append(("colour phrase", f"something {c}", main_is(c=c)))
    for s in SHAPES:
        out.append(("shape word", s, main_is(s=s)))
        out.append(("shape phrase", f"a {s}", main_is(s=s)))
    # Every colour+shape class once per form of words, not a dozen drawn at random.
    classes = [(c, s) for c in COLOURS for s in SHAPES]
    for c, s in classes:
        out.append(("exclusion", f"{s} -{c}", lambda x, c=c, s=s: x.shape == s and x.colour != c))
        out.append(("combination", f"{c} + {s}", main_is(c, s)))
        out.append(("weights", f"2:{c} + {s}", main_is(c, s)))
    # Every picture of a colour and shape is asked as an image query: which one is drawn moves an
    # image form's mean by 0.02-0.03 on scenes (a small star among clutter finds little, a large one
    # on a plain patch nearly everything), so a dozen or 32 examples measure the draw as much as the rule.
    for name in sorted(scenes):
        c, s = scenes[name].colour, scenes[name].shape
        if c is None or s is None:
            continue
        # The photo itself is a right answer: it is exactly what the query shows.
        out.append(("image", str(folder / name), main_is(c, s)))
        other = rng.choice([k for k in COLOURS if k != c])
        out.append(
            ("image + words", f"{folder / name} + {other}", lambda x, o=other, s=s: x.colour == o and x.shape == s)
        )
    for c, s in classes:
        out.append(("tag filter", f"tag:holiday a {c} {s}", lambda x, c=c, s=s: main_is(c, s)(x) and x.name in tagged))
    return out


def hindsight(library: Any, query: str, truth: set[str]) -> tuple[float, int | None]:
    """The F1 of the best cut-off in hindsight on the query's own ranking (every photo, ordered by
    its score): what the model's order allows any cut-off rule, and so what the rule is held to;
    and where the first right answer stands in that order (None: no right answer)."""
    if not truth:
        return 1.0, None
    ranked = [hit.photo.path.name in truth for hit in library.search(query, limit=100_000, strictness="all").hits]
    right, best = 0, 0.0
    for shown, is_right in enumerate(ranked, start=1):
        right += is_right
        best = max(best, 2 * right / (shown + len(truth)))
    return best, (ranked.index(True) + 1 if any(ranked) else None)


def evaluate(library: Any, scenes: dict[str, Scene], folder: Path, seed: int, min_score: float | None = None) -> dict:
    """Runs every case through ``library.search``; returns figures per form."""
    rng = random.Random(seed)
    tagged = {name for name in sorted(scenes) if rng.random() < 0.5}
    for name in tagged:
        library.tags.add(library.require_photo(folder / name).id, "holiday")
    forms: dict[str, FormResult] = {}
    for form, query, belongs in cases(scenes, folder, tagged, rng):
        truth = {name for name, scene in scenes.items() if belongs(scene)}
        options: dict[str, Any] = {} if min_score is None else {"min_score": min_score}
        hits = library.search(query, limit=100_000, **options).hits
        found = {hit.photo.path.name for hit in hits}
        right = len(found & truth)
        precision = right / len(found) if found else (1.0 if not truth else 0.0)
        recall = right / len(truth) if truth else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result = forms.setdefault(form, FormResult())
        result.queries += 1
        result.f1.append(f1)
        result.precision.append(precision)
        result.recall.append(recall)
        best, first_right = hindsight(library, query, truth)
        result.best.append(best)
        if truth and not right:
            # where the model ranks its first right answer tells a cut-off's miss from the model's
            named = query if form not in ("image", "image + words") else Path(query).name
            result.nothing_right.append(f"{named} (first right answer: #{first_right})")
    return {form: result.summary() for form, result in forms.items()}


def evaluate_unknown_words(library: Any) -> dict[str, Any]:
    """How many photos the default cut-off calls relevant for words nothing in the library shows."""
    listed = [library.search(words, limit=100_000).level_counts.get("normal", 0) for words in UNKNOWN_WORDS]
    return {
        "queries": len(listed),
        "mean_listed": round(statistics.mean(listed), 2),
        "listing_any": sum(map(bool, listed)),
    }


def evaluate_tagging(library: Any, scenes: dict[str, Scene], folder: Path) -> dict[str, Any]:
    """Tags every picture with the "shapes" label set by the default rule and holds the tags
    against what the pictures show: precision of the tags given, recall of the pictures' own
    colour+shape, and the share of clutter-only pictures left without a tag."""
    from photoclip.core.tagging import Tagger, builtin_label_sets

    ids = library.catalog.filter_photo_ids().tolist()
    Tagger(library).tag(ids, builtin_label_sets()["shapes"], album="evaluation")
    given = right = wanted = found = empty = empty_clean = 0
    for photo in library.catalog.photos_by_ids(ids):
        scene = scenes[photo.path.name]
        labels = {tag.label for tag in library.tags.tags(photo.id) if tag.label != "holiday"}
        truth = f"{scene.colour} {scene.shape}" if scene.colour else None
        given += len(labels)
        right += truth in labels
        if truth is None:
            empty += 1
            empty_clean += not labels
        else:
            wanted += 1
            found += truth in labels
    precision = right / given if given else 0.0
    recall = found / wanted if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "clutter_untagged": round(empty_clean / empty, 3) if empty else None,
    }


#: Label sets of one's own words, one word a label: what a person types, not the phrases the
#: built-in set holds ("cat" is a word nothing here is like: it must tag nothing).
OWN_WORDS = {"colours": tuple(COLOURS), "shapes": tuple(SHAPES), "red, square, cat": ("red", "square", "cat")}


def evaluate_own_words(library: Any, scenes: dict[str, Scene]) -> dict[str, float]:
    """F1 of tagging's default rule with each of OWN_WORDS, over (picture, label) pairs: a picture
    should get each label that names its main object's colour or shape, and no other."""
    import numpy as np

    from photoclip.core.tagging import LabelSet, Tagger

    ids, vectors = library.index().get_vectors(library.catalog.filter_photo_ids())
    by_id = {photo.id: photo.path.name for photo in library.catalog.photos_by_ids(ids.tolist())}
    names = [by_id[int(i)] for i in ids]
    assert isinstance(vectors, np.ndarray)
    out = {}
    for name, labels in OWN_WORDS.items():
        right = given = wanted = 0
        for picture, tags in zip(names, Tagger(library).decide(vectors, LabelSet(name, labels)), strict=True):
            scene = scenes[picture]
            truth = {label for label in labels if scene.colour is not None and label in (scene.colour, scene.shape)}
            got = {label for label, _score in tags}
            right, given, wanted = right + len(truth & got), given + len(got), wanted + len(truth)
        precision, recall = right / given if given else 0.0, right / wanted if wanted else 1.0
        out[name] = round(2 * precision * recall / (precision + recall) if precision + recall else 0.0, 3)
    return out


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-class", type=int, default=12)
    parser.add_argument("--empty", type=int, default=48, help="scenes of clutter only")
    parser.add_argument("--seed", type=int, default=7070)
    parser.add_argument(
        "--look",
        choices=("scenes", "plain", "unseen", "both", "all"),
        default="all",
        help="scenes, classic pictures, another renderer's (unseen), scenes and classic (both), or all three",
    )
    parser.add_argument("--min-score", type=float, default=None, help="a fixed cut-off instead of the default")
    parser.add_argument("--weights", type=Path, default=None, help="another photoclip-tiny (a model folder)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from photoclip.core.library import Library

    looks = {"both": ("scenes", "plain"), "all": ("scenes", "plain", "unseen")}.get(args.look, (args.look,))
    report: dict[str, Any] = {}
    for look in looks:
        with tempfile.TemporaryDirectory(prefix="photoclip-relevance-") as tmp:
            folder = Path(tmp) / look
            started = time.monotonic()
            if look == "scenes":
                scenes = write_scenes(folder, args.per_class, args.empty, args.seed)
            elif look == "unseen":
                scenes = write_unseen(folder, args.per_class, args.seed)
            else:
                scenes = write_plain(folder, args.per_class, args.seed)
            with Library.open(
                Path(tmp) / "library", cache=Path(tmp) / "cache", model="photoclip-tiny", weights=args.weights
            ) as library:
                library.add_root(folder)
                library.update()
                forms = evaluate(library, scenes, folder, args.seed, args.min_score)
                unknown = evaluate_unknown_words(library)
                tagging = evaluate_tagging(library, scenes, folder)
                tagging["own_words_f1"] = evaluate_own_words(library, scenes)
            report[look] = {
                "pictures": len(scenes),
                "seconds": round(time.monotonic() - started),
                "forms": forms,
                "unknown_words": unknown,
                "tagging": tagging,
            }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for look, figures in report.items():
        cut = "default cut-off" if args.min_score is None else f"--min-score {args.min_score}"
        print(f"{look}: {figures['pictures']} pictures, {figures['seconds']} s; {cut} per query form:")
        print(f"  {'form':15} {'queries':>7} {'F1':>6} {'precision':>9} {'recall':>6} {'best cut':>8}  nothing right")
        for form, f in figures["forms"].items():
            print(
                f"  {form:15} {f['queries']:7d} {f['f1']:6.3f} {f['precision']:9.3f} {f['recall']:6.3f} "
                f"{f['best_cut_f1']:8.3f}  {', '.join(f['nothing_right']) or '-'}"
            )
        u = figures["unknown_words"]
        print(
            f"  words it never learnt: {u['queries']} queries, {u['mean_listed']} photos called relevant on average, "
            f"{u['listing_any']} of them calling any"
        )
        t = figures["tagging"]
        clutter = "" if t["clutter_untagged"] is None else f", clutter-only pictures untagged {t['clutter_untagged']}"
        print(
            f"  tagging (shapes set, default rule): F1 {t['f1']:.3f}, precision {t['precision']:.3f}, "
            f"recall {t['recall']:.3f}{clutter}"
        )
        own = ", ".join(f"{name} {f1:.3f}" for name, f1 in t["own_words_f1"].items())
        print(f"  tagging with one's own words, F1: {own}")


if __name__ == "__main__":
    main()
