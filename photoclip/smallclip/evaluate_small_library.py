"""How well searches judge a library too small to measure what is ordinary in it (under 20 photos).

    python -m photoclip.smallclip.evaluate_small_library [--look all] [--draws 150] [--seed 7070] [--json]

A person trying photoclip on a folder of ten or forty photos gets :mod:`photoclip.core.small_library`'s
rule instead of the large-library one. Its pictures are drawn as
:mod:`photoclip.smallclip.evaluate_relevance` draws them (scenes, classic and unseen pictures, from
seeds training never used) and indexed by a real library; then ``--draws`` small libraries of 6,
12, 19, 30 and 49 photos (under ``small_library.SMALL_LIBRARY``) are drawn from it, and in each
every query form is judged by the rule on the photos' own vectors, with the query vectors a
search uses (an image's reading and its mirror image's; the search's plumbing, names and metadata
aside: the small libraries are drawn, not indexed one by one). Reported per size and form: mean F1
against the truth; for words nothing here answers, how many photos the rule calls relevant; for
a library of one colour only asked for that colour, the share it lists; beside them the F1 of
listing every photo, which is what a library under 20 did before the rule, and from 20 photos on
what the large-library rule of :mod:`photoclip.core.relevance` lists for words, which such a
library used before.

Forms: a phrase ("a red circle"), a colour or shape word, an exclusion ("star -yellow"), a
combination ("red + circle"), an image (the first photos of the draw in turn; the answer is the
photos of its colour and shape, itself among them), an image beside another colour.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from photoclip.smallclip.shapes import COLOURS, SHAPES

SIZES = (6, 12, 19, 30, 49)
UNKNOWN = ("xyzzy", "a dog on a beach", "receipts", "birthday cake", "a photo of my grandmother")


def _f1(listed: np.ndarray, truth: np.ndarray) -> float:
    right = int((listed & truth).sum())
    precision = right / listed.sum() if listed.any() else float(not truth.any())
    recall = right / truth.sum() if truth.any() else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


class _Tally:
    """Adds one query's F1 (and listing every photo's) to its form, when it has a right answer."""

    def __init__(self, forms: dict[str, list[float]], every: dict[str, list[float]]) -> None:
        self.forms, self.every = forms, every

    def __call__(self, form: str, listed: np.ndarray, answer: np.ndarray) -> None:
        if answer.any():
            self.forms.setdefault(form, []).append(_f1(listed, answer))
            self.every.setdefault(form, []).append(_f1(np.ones(len(answer), bool), answer))


def evaluate(
    vectors: np.ndarray,
    truth: list[tuple[str | None, str | None]],
    searcher: Any,
    draws: int,
    seed: int,
    queried: np.ndarray | None = None,
) -> dict[str, Any]:
    """Figures per library size and form (see the module docstring); ``queried``: each photo's
    vector as an image query searches with it (its mirror image's reading mixed in), else ``vectors``."""
    queried = vectors if queried is None else queried
    from photoclip.core.relevance import MIN_LIBRARY, QueryRelevance
    from photoclip.core.small_library import SmallLibraryQuery
    from photoclip.core.strictness import Strictness

    margin = searcher.spec.tag_margin
    generic = searcher.generic_vector()
    palette = list(COLOURS)
    words = [f"a {c} {s}" for c in palette for s in SHAPES] + palette + list(SHAPES) + list(UNKNOWN)
    word_vectors = dict(zip(words, searcher.text_vectors(words), strict=True))
    rng = np.random.default_rng(seed)
    colours = np.array([c or "" for c, _ in truth])
    shapes = np.array([s or "" for _, s in truth])

    def judge(
        x: np.ndarray, terms: list[tuple[float, np.ndarray, bool]], plain: np.ndarray | None = None
    ) -> np.ndarray:
        """``plain``: the terms as stored (an image query's own vector), when they differ from ``terms``."""
        weights = np.array([w for w, _, _ in terms], np.float32)
        is_text = np.array([t for _, _, t in terms])
        cosines = x @ np.stack([v for _, v, _ in terms]).T
        likeness = None if plain is None else x @ plain.T
        generic_cosines = x @ generic if is_text.any() else None
        measured = SmallLibraryQuery.measure(cosines, weights, is_text, generic_cosines, margin, None, likeness)
        return measured.keep(Strictness.NORMAL)

    def large_rule(x: np.ndarray, vector: np.ndarray) -> np.ndarray:
        """What the large-library rule (relevance.py) lists for one word term, measured on these photos."""
        cosines, generic_cosines = (x @ vector)[:, None], x @ generic
        measured = QueryRelevance.measure(cosines, np.ones(1, np.float32), np.array([True]), True, generic_cosines)
        return measured.keep(measured.standing(cosines, generic_cosines), Strictness.NORMAL)

    report: dict[str, Any] = {}
    for size in SIZES:
        forms: dict[str, list[float]] = {}
        every: dict[str, list[float]] = {}
        note = _Tally(forms, every)

        for _ in range(draws):
            drawn = rng.choice(len(vectors), size, replace=False)
            x, c, s, q = vectors[drawn], colours[drawn], shapes[drawn], queried[drawn]
            large = size >= MIN_LIBRARY  # what the large-library rule would list here, beside
            for colour in COLOURS:
                note("colour word", judge(x, [(1.0, word_vectors[colour], True)]), c == colour)
                if large:
                    note("colour word, large-library rule", large_rule(x, word_vectors[colour]), c == colour)
                for shape in SHAPES:
                    phrase, answer = word_vectors[f"a {colour} {shape}"], (c == colour) & (s == shape)
                    note("phrase", judge(x, [(1.0, phrase, True)]), answer)
                    if large:
                        note("phrase, large-library rule", large_rule(x, phrase), answer)
            for shape in SHAPES:
                note("shape word", judge(x, [(1.0, word_vectors[shape], True)]), s == shape)
                if large:
                    note("shape word, large-library rule", large_rule(x, word_vectors[shape]), s == shape)
            colour, shape = str(rng.choice(palette)), str(rng.choice(SHAPES))
            pair = [(1.0, word_vectors[colour], True), (1.0, word_vectors[shape], True)]
            note("combination", judge(x, pair), (c == colour) & (s == shape))
            left_out = [(1.0, word_vectors[shape], True), (-1.0, word_vectors[colour], True)]
            note("exclusion", judge(x, left_out), (s == shape) & (c != colour) & (c != ""))
            for k in range(min(3, size)):
                if not c[k]:
                    continue
                note("image", judge(x, [(1.0, q[k], False)], x[k : k + 1]), (c == c[k]) & (s == s[k]))
                other = str(rng.choice([o for o in palette if o != c[k]]))
                beside = [(1.0, q[k], False), (1.0, word_vectors[other], True)]
                as_stored = np.stack([x[k], word_vectors[other]])
                note("image + words", judge(x, beside, as_stored), (c == other) & (s == s[k]))
            for words_never_learnt in UNKNOWN:
                forms.setdefault("unknown words: photos listed", []).append(
                    float(judge(x, [(1.0, word_vectors[words_never_learnt], True)]).sum())
                )
            one = str(rng.choice(palette))  # (as many of its photos as there are, when fewer than the size)
            of_it = np.flatnonzero(colours == one)
            alike = vectors[rng.choice(of_it, min(size, len(of_it)), replace=False)]
            forms.setdefault("one colour only: share listed", []).append(
                float(judge(alike, [(1.0, word_vectors[one], True)]).mean())
            )
        report[str(size)] = {
            form: {"rule": round(statistics.mean(values), 3)}
            | ({"every_photo": round(statistics.mean(every[form]), 3)} if form in every else {})
            for form, values in forms.items()
        }
    return report


def main() -> None:
    """Command-line entry point."""
    from photoclip.core.library import Library
    from photoclip.smallclip.evaluate_relevance import write_plain
    from photoclip.smallclip.scenes import write_scenes
    from photoclip.smallclip.unseen import write_unseen

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-class", type=int, default=12)
    parser.add_argument("--draws", type=int, default=150)
    parser.add_argument("--seed", type=int, default=7070)
    parser.add_argument("--look", choices=("scenes", "plain", "unseen", "all"), default="all")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    looks = ("plain", "scenes", "unseen") if args.look == "all" else (args.look,)
    report = {}
    for look in looks:
        with tempfile.TemporaryDirectory(prefix="photoclip-small-") as tmp:
            folder = Path(tmp) / look
            if look == "scenes":
                pictures = write_scenes(folder, args.per_class, 0, args.seed)
            elif look == "unseen":
                pictures = write_unseen(folder, args.per_class, args.seed)
            else:
                pictures = write_plain(folder, args.per_class, args.seed)
            with Library.open(Path(tmp) / "library", cache=Path(tmp) / "cache", model="photoclip-tiny") as library:
                library.add_root(folder)
                library.update()
                ids, vectors = library.index().get_vectors(library.catalog.filter_photo_ids())
                paths = {photo.id: photo.path for photo in library.catalog.photos_by_ids(ids.tolist())}
                truth = [(pictures[paths[int(i)].name].colour, pictures[paths[int(i)].name].shape) for i in ids]
                searcher = library.searcher()
                queried = np.stack([searcher.image_vectors(paths[int(i)])[0] for i in ids])
                report[look] = evaluate(np.asarray(vectors), truth, searcher, args.draws, args.seed, queried)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for look, sizes in report.items():
        print(f"{look}: mean F1 of the small-library rule (and of listing every photo) per library size")
        forms = list(dict.fromkeys(form for figures in sizes.values() for form in figures))
        print(f"  {'form':30}" + "".join(f"{size + ' photos':>18}" for size in sizes))
        for form in forms:
            cells = []
            for figures in sizes.values():
                if form not in figures:
                    cells.append("-")
                    continue
                f = figures[form]
                cells.append(f"{f['rule']:.3f}" + (f" ({f['every_photo']:.3f})" if "every_photo" in f else ""))
            print(f"  {form:30}" + "".join(f"{cell:>18}" for cell in cells))


if __name__ == "__main__":
    main()
