"""Measures the small model on freshly generated pictures it never saw, through photoclip itself.

    python -m photoclip.smallclip.evaluate [--per-class 15] [--seed 4242] [--json]

The pictures (every size from 64 to 4000 px, 1:2 to 2:1, JPEG and PNG) are written to a folder,
indexed by a real photoclip library (reduced-size decoding, thumbnails, the catalog), and then:

* zero-shot accuracy: each picture's stored vector against the 32 colour+shape prompts
  ("a {colour} {shape}" and "a photo of a {colour} {shape}", averaged);
* precision@5: ``Library.search("a {colour} {shape}")`` for each of the 32 classes, the share of the
  top 5 that are that class;
* the relevance cut-off that best separates matching from non-matching (query, photo) pairs.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from photoclip.smallclip import shapes

TEMPLATES = ("a {}", "a photo of a {}")


def write_held_out(folder: Path, per_class: int, seed: int) -> dict[str, tuple[str, str]]:
    """``per_class`` pictures of each of the 32 classes; returns file name -> class."""
    import dataclasses

    rng = random.Random(seed)
    labels = {}
    for colour, shape in shapes.CLASSES:
        for k in range(per_class):
            spec = shapes.random_spec(rng)
            background = spec.background_colour if spec.background_colour != colour else "grey"
            spec = dataclasses.replace(spec, colour=colour, shape=shape, background_colour=background)
            name = f"held-{colour}-{shape}-{k}{'.jpg' if spec.fmt == 'JPEG' else '.png'}"
            shapes.save(spec, folder / name)
            labels[name] = (colour, shape)
    return labels


def class_vectors(model: object, classes: list[tuple[str, str]]) -> np.ndarray:
    """Prompt-ensemble text vectors, one unit row per class."""
    prompts = [t.format(f"{c} {s}") for c, s in classes for t in TEMPLATES]
    text = model.encode_text(prompts).reshape(len(classes), len(TEMPLATES), -1).mean(1)
    return text / np.linalg.norm(text, axis=1, keepdims=True)


def best_cutoff(scores: np.ndarray, matches: np.ndarray) -> tuple[float, float]:
    """The threshold with the best F1 over (query, photo) pairs, and that F1."""
    best = (0.0, 0.0)
    for threshold in np.unique(np.round(scores, 3)):
        kept = scores >= threshold
        tp = float((kept & matches).sum())
        precision = tp / max(1.0, float(kept.sum()))
        recall = tp / max(1.0, float(matches.sum()))
        f1 = 2 * precision * recall / max(1e-9, precision + recall)
        if f1 > best[1]:
            best = (float(threshold), f1)
    return best


def evaluate(per_class: int, seed: int, workdir: Path) -> dict:
    """Runs the whole measurement; returns the figures."""
    from photoclip.core.library import Library

    started = time.time()
    folder = workdir / "pictures"
    folder.mkdir(parents=True, exist_ok=True)
    labels = write_held_out(folder, per_class, seed)
    with Library.open(workdir / "library", cache=workdir / "cache", model="photoclip-tiny") as library:
        library.add_root(folder)
        report = library.update()
        model = library.model()
        ids, vectors = library.catalog.vectors("photoclip-tiny")
        photos = {p.id: p for p in library.catalog.photos_by_ids(ids.tolist())}
        truth = [labels[photos[i].path.name] for i in ids.tolist()]
        classes = list(shapes.CLASSES)
        text = class_vectors(model, classes)
        predicted = (vectors @ text.T).argmax(1)
        accuracy = float(np.mean([classes[p] == t for p, t in zip(predicted, truth, strict=True)]))
        colour_ok = float(np.mean([classes[p][0] == t[0] for p, t in zip(predicted, truth, strict=True)]))
        shape_ok = float(np.mean([classes[p][1] == t[1] for p, t in zip(predicted, truth, strict=True)]))
        precisions = {}
        for colour, shape in classes:
            hits = library.search(f"a {colour} {shape}", limit=5, strictness="all").hits
            precisions[f"{colour} {shape}"] = sum(labels[h.photo.path.name] == (colour, shape) for h in hits) / 5
        plain = model.encode_text([f"a {c} {s}" for c, s in classes])
        pair_scores = vectors @ plain.T
        matches = np.array([[t == c for c in classes] for t in truth])
        cutoff, f1 = best_cutoff(pair_scores.ravel(), matches.ravel())
        image_pairs = vectors @ vectors.T
        same = np.array([[a == b for b in truth] for a in truth])
        off_diagonal = ~np.eye(len(truth), dtype=bool)
        image_cutoff, image_f1 = best_cutoff(image_pairs[off_diagonal], same[off_diagonal])
    return {
        "pictures": len(labels),
        "zero_shot_accuracy": round(accuracy, 4),
        "colour_accuracy": round(colour_ok, 4),
        "shape_accuracy": round(shape_ok, 4),
        "mean_precision_at_5": round(float(np.mean(list(precisions.values()))), 4),
        "worst_precision_at_5": min(precisions.items(), key=lambda kv: kv[1]),
        "best_text_cutoff": round(cutoff, 3),
        "cutoff_f1": round(f1, 4),
        "match_score_median": round(float(np.median(pair_scores[matches])), 3),
        "nonmatch_score_p99": round(float(np.percentile(pair_scores[~matches], 99)), 3),
        "best_image_cutoff": round(image_cutoff, 3),
        "image_cutoff_f1": round(image_f1, 4),
        "index_rate_photos_per_s": round(report.rate, 1),
        "seconds": round(time.time() - started, 1),
    }


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-class", type=int, default=15)
    parser.add_argument("--seed", type=int, default=4242, help="differs from every training seed")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="photoclip-eval-") as workdir:
        figures = evaluate(args.per_class, args.seed, Path(workdir))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"held-out pictures:        {figures['pictures']} (64–4000 px, JPEG and PNG, never seen in training)")
    print(
        f"zero-shot accuracy (32):  {figures['zero_shot_accuracy']:.1%}  (colour {figures['colour_accuracy']:.1%}, "
        f"shape {figures['shape_accuracy']:.1%})"
    )
    print(f"mean precision@5:         {figures['mean_precision_at_5']:.3f}  (worst: {figures['worst_precision_at_5']})")
    print(
        f"best text cut-off:        {figures['best_text_cutoff']}  (F1 {figures['cutoff_f1']:.3f}; matches' median "
        f"{figures['match_score_median']}, non-matches' 99th percentile {figures['nonmatch_score_p99']})"
    )
    print(
        f"best image cut-off:       {figures['best_image_cutoff']}  (F1 {figures['image_cutoff_f1']:.3f}, "
        "for find similar)"
    )
    print(f"took {figures['seconds']} s")


if __name__ == "__main__":
    main()
