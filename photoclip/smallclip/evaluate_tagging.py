"""Measures zero-shot tagging with the small model on pictures it never saw.

    python -m photoclip.smallclip.evaluate_tagging [--per-class 10] [--calibrate]

In-set pictures are the 32 colour+shape classes; out-of-set pictures are shapes in colours the
label set does not have (pink, brown, grey, cyan). Both are indexed by a real library and tagged
with the built-in "shapes" label set through :class:`photoclip.core.tagging.Tagger`:

* precision: the share of tags given to in-set pictures that are right;
* coverage: the share of in-set pictures that got a tag at all;
* out-of-set rejection: the share of out-of-set pictures that got no tag.

``--calibrate`` also prints these for a grid of thresholds (how the model's defaults were chosen).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import tempfile
import time
from pathlib import Path

from photoclip.smallclip import shapes


def write_pictures(folder: Path, per_class: int, seed: int) -> dict[str, tuple[str, str]]:
    """In-set and out-of-set pictures; file name -> (colour, shape)."""
    rng = random.Random(seed)
    labels = {}
    extra = [(c, s) for c in shapes.EXTRA_COLOURS for s in shapes.SHAPES]
    for group, classes, count in (("in", shapes.CLASSES, per_class), ("out", extra, max(2, per_class // 2))):
        for colour, shape in classes:
            for k in range(count):
                spec = shapes.random_spec(rng, size_range=(64, 2000))
                background = spec.background_colour
                if background == colour:
                    background = "white" if colour != "white" else "black"
                spec = dataclasses.replace(spec, colour=colour, shape=shape, background_colour=background)
                name = f"{group}-{colour}-{shape}-{k}{'.jpg' if spec.fmt == 'JPEG' else '.png'}"
                shapes.save(spec, folder / name)
                labels[name] = (colour, shape)
    return labels


def score(decisions: dict[str, list[tuple[str, float]]], labels: dict[str, tuple[str, str]]) -> dict:
    """Precision, coverage and out-of-set rejection of a set of tag decisions."""
    given = right = covered = in_count = out_count = out_clean = 0
    for name, tags in decisions.items():
        truth = f"{labels[name][0]} {labels[name][1]}"
        if name.startswith("in-"):
            in_count += 1
            given += len(tags)
            right += sum(label == truth for label, _ in tags)
            covered += bool(tags)
        else:
            out_count += 1
            out_clean += not tags
    return {
        "precision": right / given if given else 0.0,
        "coverage": covered / in_count if in_count else 0.0,
        "out_of_set_untagged": out_clean / out_count if out_count else 0.0,
        "in_set_pictures": in_count,
        "out_of_set_pictures": out_count,
    }


def evaluate(per_class: int, seed: int, workdir: Path, calibrate: bool, weights: Path | None = None) -> dict:
    """Runs the measurement; returns the figures (and the calibration grid when asked)."""
    from photoclip.core.library import Library
    from photoclip.core.tagging import Tagger, TagRule, builtin_label_sets

    started = time.time()
    folder = workdir / "pictures"
    folder.mkdir(parents=True, exist_ok=True)
    labels = write_pictures(folder, per_class, seed)
    with Library.open(workdir / "library", cache=workdir / "cache", model="photoclip-tiny", weights=weights) as library:
        library.add_root(folder)
        library.update()
        label_set = builtin_label_sets()["shapes"]
        tagger = Tagger(library)
        report = tagger.tag(library.catalog.filter_photo_ids().tolist(), label_set, album="held-out")
        from photoclip.core.tag_store import TagStore

        store = TagStore(library.catalog)
        photos = library.catalog.photos_by_ids(library.catalog.filter_photo_ids().tolist())
        decisions = {p.path.name: [(t.label, t.score) for t in store.tags(p.id)] for p in photos}
        figures = score(decisions, labels)
        figures.update(
            rule=dataclasses.asdict(tagger.rule), tagged=report.tagged, seconds=round(time.time() - started, 1)
        )
        if calibrate:
            ids, vectors = library.index().get_vectors(library.catalog.filter_photo_ids())
            names = {p.id: p.path.name for p in photos}
            grid = []
            for min_score in (0.1, 0.12, 0.13, 0.14, 0.15, 0.16, 0.17, 0.18, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
                for margin in (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.08):
                    tagger.rule = TagRule(min_score=min_score, margin=margin)
                    decided = dict(
                        zip((names[i] for i in ids.tolist()), tagger.decide(vectors, label_set), strict=True)
                    )
                    grid.append({"min_score": min_score, "margin": margin, **score(decided, labels)})
            figures["calibration"] = grid
    return figures


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-class", type=int, default=10)
    parser.add_argument("--seed", type=int, default=5151)
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--weights", type=Path, default=None, help="another photoclip-tiny (a model folder)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="photoclip-tag-eval-") as workdir:
        figures = evaluate(args.per_class, args.seed, Path(workdir), args.calibrate, args.weights)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(
        f"in-set pictures {figures['in_set_pictures']}, out-of-set pictures {figures['out_of_set_pictures']}, "
        f"rule {figures['rule']}"
    )
    print(f"precision of tags:        {figures['precision']:.1%}")
    print(f"in-set pictures tagged:   {figures['coverage']:.1%}")
    print(f"out-of-set left untagged: {figures['out_of_set_untagged']:.1%}")
    for row in figures.get("calibration", []):
        print(
            f"  min_score {row['min_score']:.2f} margin {row['margin']:.2f}: precision {row['precision']:.3f} "
            f"coverage {row['coverage']:.3f} out-of-set untagged {row['out_of_set_untagged']:.3f}"
        )


if __name__ == "__main__":
    main()
