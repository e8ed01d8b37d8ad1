""" "Find similar" from the command line, the whole process, beside a text search in the same run.

    python benchmarks/find_similar.py [--runs 5] [--photos 300]

An image query reads the photo and its mirror image (photoclip/core/search_term_vectors.py): for a
library photo the stored vector is the first reading, and the mirror image needs the file decoded
and the image graph loaded, which a text search never does. This times what a person waits for,
``photoclip similar IMG_00000.jpg -n 20`` against ``photoclip search "…" -n 20`` on the same indexed
library of 1280×960 JPEGs, with the random-weight ViT-B-32-256 graphs (the default model's
compute), runs alternating; wall time and peak memory are medians of ``--runs``.
"""

from __future__ import annotations

import argparse

from cold_query import QUERY, indexed_library, measured, print_medians
from common import BENCH_DIR


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photos", type=int, default=300)
    args = parser.parse_args()
    root = BENCH_DIR / f"find-similar-{args.photos}"
    photos = root / "photos"
    photoclip, env = indexed_library(root, args.photos)
    commands = {
        "search (text)": [*photoclip, "search", QUERY, "-n", "20"],
        "similar (image)": [*photoclip, "similar", str(photos / "IMG_00000.jpg"), "-n", "20"],
    }
    for command in commands.values():  # the files in the page cache, as after any earlier use
        measured(command, env)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            results[name].append(measured(command, env))
    print(f"whole process on {args.photos} indexed photos, median of {args.runs} (alternating):")
    medians = print_medians(results, width=16)
    text, image = medians["search (text)"], medians["similar (image)"]
    print(f"  similar / search: wall {image[0] / text[0]:.2f}x, peak memory {image[1] / text[1]:.2f}x")


if __name__ == "__main__":
    main()
