"""What the relevance cut-off costs a search: Library.search with the small model, and the part of it
spent deciding which photos are relevant.

    python benchmarks/relevance_cost.py [--per-class 12] [--repeats 5]

A library of generated scenes (:func:`photoclip.smallclip.scenes.write_scenes`; ``--per-class 130``
makes 4,680 photos, past the 4,096-photo sample the cut-off is measured on) is indexed once with
photoclip-tiny, the shipped small model. Then each query form is searched at the default
strictness ("normal"): phrases, colour and shape words, a combination, an exclusion, an image, an
image beside words. For each form it prints the p50 of the whole ``Library.search`` (text or image
encoder, ranking, cut-off, catalog) and of ``Searcher.relevance`` alone (the library sample's
cosines and the mixture fits that decide the cut-off). Interpreter start-up and model loading are
left out here (``cold_query.py`` measures a whole command); the numbers are for comparing the
cut-off's cost run to run.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import BENCH_DIR

from photoclip.core.library import Library
from photoclip.core.query import parse_query
from photoclip.smallclip.scenes import write_scenes
from photoclip.smallclip.shapes import COLOURS, SHAPES


def _median_ms(samples: list[float]) -> float:
    return 1000 * statistics.median(samples)


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-class", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=BENCH_DIR) as tmp:
        folder = Path(tmp) / "pictures"
        scenes = write_scenes(folder, args.per_class, args.per_class * 4, seed=4242)
        colours = list(COLOURS)
        example = next(name for name, scene in sorted(scenes.items()) if scene.colour is not None)
        forms = {
            "phrase": [f"a {c} {s}" for c in colours[:4] for s in SHAPES],
            "colour word": colours,
            "shape word": list(SHAPES),
            "combination": [f"{c} + {s}" for c, s in zip(colours, SHAPES * 2, strict=False)],
            "exclusion": [f"{s} -{c}" for c, s in zip(colours, SHAPES * 2, strict=False)],
            "image": [str(folder / example)],
            "image + words": [f"{folder / example} + {c}" for c in colours],
        }
        with Library.open(Path(tmp) / "library", cache=Path(tmp) / "cache", model="photoclip-tiny") as library:
            library.add_root(folder)
            started = time.perf_counter()
            library.update()
            print(f"{len(scenes)} scenes indexed in {time.perf_counter() - started:.1f} s")
            library.search(forms["phrase"][0])  # the first search loads the model and samples the library
            searcher = library.searcher()
            index = searcher.index_provider()
            print(f"{'form':15} {'queries':>7} {'search p50':>11} {'cut-off p50':>12}")
            for form, queries in forms.items():
                whole, deciding = [], []
                for _ in range(args.repeats):
                    for text in queries:
                        started = time.perf_counter()
                        library.search(text, limit=50)
                        whole.append(time.perf_counter() - started)
                        query = parse_query(text)
                        vectors, weights, _ = searcher._term_vectors(query)
                        started = time.perf_counter()
                        searcher.relevance(index, query, vectors, weights)
                        deciding.append(time.perf_counter() - started)
                print(f"{form:15} {len(queries):7d} {_median_ms(whole):8.1f} ms {_median_ms(deciding):9.1f} ms")


if __name__ == "__main__":
    main()
