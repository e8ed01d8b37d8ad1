"""Measures words that are not in the picture: a generated library where some answers are only in
folder names (or tags) and others only in the pixels, searched with metadata matching on and off.

    python -m photoclip.smallclip.evaluate_metadata [--seed 31] [--per-place 10] [--per-class 6] [--json]

The library, indexed by a real photoclip library with photoclip-tiny:

* **places**: folders named after made-up places and events ("Vellmora trip", "Quistrel wedding")
  holding pictures of random colours and shapes: the model cannot know the answer, only the folder
  name can. Query: the place's words; the answer: that folder's pictures.
* **tags**: a few pictures of an ordinary folder carry a confirmed tag ("grandma ilse"). Query: "ilse".
* **shapes**: every colour and shape, under neutral folders and file names (IMG_0042.jpg,
  "DCIM/100CANON"): only the pixels know. Queries: "a {colour} {shape}"; the answer: every picture of
  that class wherever it is. One place folder is named "Red Rock canyon", so "red" of "a red circle"
  is also a folder word there: the visual queries meet names that partly match them.

For each kind: precision@5 (ranked by relevance), and at the library's default relevance
("normal") the share of the answer that was listed (recall) and the share of the list that was the
answer (precision), with metadata matching on and off.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import tempfile
import time
from pathlib import Path

import numpy as np

from photoclip.smallclip import shapes

#: Made-up places and events (words the small model never saw), and the folders they are in.
PLACES = {
    "vellmora": "2019 Vellmora trip",
    "quistrel wedding": "Family/Quistrel wedding",
    "ambrelle": "Ambrelle weekend",
    "tolvane harbour": "Tolvane harbour walk",
    "hesketh farm": "Visits/Hesketh farm",
    "orrinby": "Orrinby with the kids",
    "marsk lighthouse": "Marsk lighthouse",
    "red rock canyon": "Red Rock canyon",
}
NEUTRAL = ("Camera Roll", "DCIM/100CANON", "Phone backup", "Scans/Box 3")
TAG = ("ilse", "grandma ilse", 6)  # query, tag, how many pictures carry it


def _picture(folder: Path, name: str, colour: str, shape: str, rng: random.Random) -> Path:
    spec = shapes.random_spec(rng, size_range=(96, 600))
    background = spec.background_colour if spec.background_colour != colour else "grey"
    spec = dataclasses.replace(spec, colour=colour, shape=shape, background_colour=background)
    folder.mkdir(parents=True, exist_ok=True)
    return shapes.save(spec, folder / f"{name}{'.jpg' if spec.fmt == 'JPEG' else '.png'}")


def write_library(root: Path, per_place: int, per_class: int, seed: int) -> dict[str, dict[str, set[Path]]]:
    """Writes the pictures; returns kind -> query -> the pictures that answer it."""
    rng = random.Random(seed)
    answers: dict[str, dict[str, set[Path]]] = {"places": {}, "tags": {}, "shapes": {}}
    classes: dict[tuple[str, str], set[Path]] = {c: set() for c in shapes.CLASSES}
    number = 0
    for query, folder in PLACES.items():
        for _ in range(per_place):
            colour, shape = rng.choice(shapes.CLASSES)
            path = _picture(root / folder, f"IMG_{number:04d}", colour, shape, rng)
            answers["places"].setdefault(query, set()).add(path)
            classes[(colour, shape)].add(path)
            number += 1
    for colour, shape in shapes.CLASSES:
        for _ in range(per_class):
            path = _picture(root / rng.choice(NEUTRAL), f"DSC_{number:04d}", colour, shape, rng)
            classes[(colour, shape)].add(path)
            number += 1
    answers["shapes"] = {f"a {colour} {shape}": found for (colour, shape), found in classes.items()}
    return answers


def _figures(results: list[tuple[list[Path], list[Path], set[Path]]]) -> dict[str, float]:
    """Mean precision@5, recall and precision over (ranked top, listed at normal, answer) triples."""
    p5 = [sum(p in answer for p in top[:5]) / min(5, len(answer)) for top, _, answer in results]
    recall = [len(answer & set(listed)) / len(answer) for _, listed, answer in results]
    precision = [len(answer & set(listed)) / len(listed) if listed else 0.0 for _, listed, answer in results]
    return {
        "queries": len(results),
        "precision_at_5": round(float(np.mean(p5)), 4),
        "recall": round(float(np.mean(recall)), 4),
        "precision": round(float(np.mean(precision)), 4),
    }


def evaluate(per_place: int, per_class: int, seed: int, workdir: Path) -> dict:
    """Writes and indexes the library, runs every query with metadata on and off; returns the figures."""
    from photoclip.core.library import Library

    started = time.time()
    pictures = workdir / "Pictures"
    answers = write_library(pictures, per_place, per_class, seed)
    figures: dict = {}
    with Library.open(workdir / "library", cache=workdir / "cache", model="photoclip-tiny") as library:
        library.add_root(pictures)
        library.update()
        query, tag, count = TAG
        tagged = sorted(answers["shapes"]["a green square"] | answers["shapes"]["a blue star"])[:count]
        for path in tagged:
            photo = library.photo_at(path)
            assert photo is not None
            library.tags.add(photo.id, tag)
        answers["tags"] = {query: set(tagged)}
        figures["photos"] = library.photo_count()
        for kind, queries in answers.items():
            for on in (True, False):
                rows = []
                for text, answer in queries.items():
                    ranked = library.search(text, limit=5, strictness="all", match_metadata=on)
                    listed = library.search(text, limit=1000, strictness="normal", match_metadata=on)
                    rows.append(([h.photo.path for h in ranked.hits], [h.photo.path for h in listed.hits], answer))
                figures[f"{kind} {'on' if on else 'off'}"] = _figures(rows)
        texts = {text for queries in answers.values() for text in queries}
        timings = []
        for text in sorted(texts):
            library.search(text, limit=50)  # the text vector cached, as when typing
            for on in (True, False):
                begun = time.perf_counter()
                library.search(text, limit=50, match_metadata=on)
                timings.append((on, time.perf_counter() - begun))
        for on in (True, False):
            figures[f"search ms {'on' if on else 'off'}"] = round(
                1000 * float(np.median([t for o, t in timings if o == on])), 1
            )
    figures["seconds"] = round(time.time() - started, 1)
    return figures


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=31)
    parser.add_argument("--per-place", type=int, default=10, help="pictures in each place's folder")
    parser.add_argument("--per-class", type=int, default=6, help="pictures of each colour and shape in neutral folders")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="photoclip-eval-metadata-") as workdir:
        figures = evaluate(args.per_place, args.per_class, args.seed, Path(workdir))
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['photos']} photos; relevance 'normal' for recall and precision; {figures['seconds']} s")
    print(f"{'answer only in':16} {'metadata':9} {'queries':>7} {'p@5':>7} {'recall':>7} {'precision':>9}")
    for kind, label in (("places", "folder names"), ("tags", "a tag"), ("shapes", "the pixels")):
        for on in ("on", "off"):
            row = figures[f"{kind} {on}"]
            print(
                f"{label:16} {on:9} {row['queries']:>7} {row['precision_at_5']:>7.3f} {row['recall']:>7.3f} "
                f"{row['precision']:>9.3f}"
            )
    print(f"median search time: {figures['search ms on']} ms with metadata, {figures['search ms off']} ms without")


if __name__ == "__main__":
    main()
