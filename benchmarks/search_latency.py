"""Search latency and recall: exact search against HNSW at several library sizes.

    python benchmarks/search_latency.py [--sizes 10000,100000,200000,1000000] [--queries 200]
    python benchmarks/search_latency.py --end-to-end      # text query through Library.search at 100k
    python benchmarks/search_latency.py --answer 5000     # a query 5,000 of those 100k photos answer

For each size it prints, for text-like and image queries, the p50/p95 latency of exact search
(one matrix-vector product) and of HNSW at several ``ef``, with HNSW's recall@10 against the exact
answer, then what photoclip's own VectorIndex does at that size (exact below its limit, HNSW
above). Vectors are synthetic but CLIP-shaped (see common.py). Times exclude the text encoder
except with --end-to-end, which times the default model's text tower (random weights: the same
compute) plus the index and the catalog, as a user's search does.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from common import clip_like_vectors, peak_rss_mb, percentiles, text_like_queries, timed

from photoclip.core.vectors import EF_IMAGE, EXACT_LIMIT, HNSW_EF_CONSTRUCTION, HNSW_M, VectorIndex, text_ef


def recall_at_10(found: list[np.ndarray], truth: list[np.ndarray]) -> float:
    """Mean share of the true top 10 that a search found."""
    return float(
        np.mean([len(set(f[:10].tolist()) & set(t[:10].tolist())) / 10 for f, t in zip(found, truth, strict=True)])
    )


def exact_top(matrix: np.ndarray, ids: np.ndarray, query: np.ndarray, k: int = 10) -> np.ndarray:
    """The true top-k ids by inner product."""
    scores = matrix @ query
    part = np.argpartition(-scores, k - 1)[:k]
    return ids[part[np.argsort(-scores[part])]]


def measure(index: VectorIndex, queries: np.ndarray, truth: list[np.ndarray], ef: int) -> str:
    """Times top-10 searches of ``queries`` at ``ef``; "p50 … p95 … recall@10 …" for a report line."""
    found, samples = [], []
    for q in queries:
        start = time.perf_counter()
        found.append(index.search(q, 10, ef=ef)[0])
        samples.append(time.perf_counter() - start)
    p50, p95 = percentiles(samples)
    return f"p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  recall@10 {recall_at_10(found, truth):.3f}"


def bench_size(size: int, queries: int, dim: int, workdir: Path) -> None:
    """Exact and HNSW latency and recall at one library size."""
    vectors = clip_like_vectors(size + queries, dim, seed=1)
    held_out, vectors = vectors[:queries], vectors[queries:]
    ids = np.arange(1, size + 1, dtype=np.int64)
    text = text_like_queries(queries, dim, seed=1)
    kinds = {"text": text, "image": held_out}
    print(f"\n== {size:,} vectors ({dim}-d) ==")
    truth = {k: [exact_top(vectors, ids, q) for q in qs] for k, qs in kinds.items()}
    for kind, qs in kinds.items():
        samples = [t for q in qs for t in timed(lambda q=q: exact_top(vectors, ids, q), 1)]
        p50, p95 = percentiles(samples)
        print(f"  exact          {kind:5}  p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  recall@10 1.000")
    started = time.perf_counter()
    hnsw = VectorIndex.from_vectors(workdir / f"hnsw-{size}", "bench", ids, vectors, exact_limit=0)
    build = time.perf_counter() - started
    print(
        f"  HNSW build: {build:.1f} s (M={HNSW_M}, ef_construction={HNSW_EF_CONSTRUCTION}), "
        f"peak RSS so far {peak_rss_mb():.0f} MB"
    )
    for kind, qs in kinds.items():
        for ef in (100, 200, 400, 800, 1600):
            print(f"  HNSW ef={ef:<4}   {kind:5}  {measure(hnsw, qs, truth[kind], ef)}")
    # What photoclip itself does at this size: exact below its limit, else the same HNSW graph.
    auto = (
        hnsw
        if size > EXACT_LIMIT
        else VectorIndex.from_vectors(workdir / f"auto-{size}", "bench", ids, vectors, exact_limit=EXACT_LIMIT)
    )
    for kind, qs in kinds.items():
        ef = text_ef(size) if kind == "text" else EF_IMAGE
        print(f"  photoclip ({auto.mode:5}) {kind:5}  ef={ef:<4} {measure(auto, qs, truth[kind], ef)}")
    del hnsw, auto


def catalogued_library(tmp: Path, size: int, model: Any, planted: tuple[str, int] | None = None) -> Any:
    """A library of ``size`` catalogued photos with CLIP-shaped vectors, its index opened; with
    ``planted`` (words, count), that many photos are made to answer those words (moved towards
    their text vector until they stand well out), as "people" or "dog" does in a real library."""
    from photoclip.core.catalog import PhotoMetadata
    from photoclip.core.library import Library

    library = Library.open(tmp / "library", cache=tmp / "cache", model=model.id, loaded_model=model)
    root = library.catalog.add_root(tmp)
    library.catalog.add_pending(root.id, ((f"{i // 1000:03d}/IMG_{i:06d}.jpg", 1, 1) for i in range(size)))
    ids = library.catalog.filter_photo_ids()
    vectors = clip_like_vectors(size, model.dim, seed=2)
    if planted is not None:
        words, count = planted
        text = model.encode_text([words])[0]
        chosen = np.random.default_rng(3).choice(size, count, replace=False)
        moved = vectors[chosen] + 0.5 * text
        vectors[chosen] = moved / np.linalg.norm(moved, axis=1, keepdims=True)
    for start in range(0, size, 20_000):
        chunk = ids[start : start + 20_000]
        library.catalog.store_indexed(
            [
                # dates spread over 2000-2030, unrelated to what the photos show
                (int(i), PhotoMetadata(f"{i:032x}", 4000, 3000, 9.5e8 + (int(i) * 7919) % 10**9, "file"), v)
                for i, v in zip(chunk, vectors[start : start + 20_000], strict=True)
            ],
            model.id,
        )
    return library


def end_to_end(size: int, queries: int) -> None:
    """Text queries through Library.search on a catalogued library of ``size`` photos."""
    from common import random_weight_model

    model = random_weight_model()
    with tempfile.TemporaryDirectory() as tmp:
        library = catalogued_library(Path(tmp), size, model)
        opened = time.perf_counter()
        library.index()
        print(f"\n== end to end: Library.search at {size:,} photos (text tower of {model.id}, random weights) ==")
        print(f"  opening the index: {time.perf_counter() - opened:.2f} s ({library.index().mode})")
        words = ["dog", "beach", "sunset", "mountain", "birthday", "receipt", "snow", "car", "cat", "lake"]
        texts = [
            f"a {a} near a {b} {k}"
            for k in range(queries // 10 + 1)
            for a, b in zip(words, words[3:] + words[:3], strict=True)
        ][:queries]
        library.search(texts[0], limit=20)  # warm-up: first call builds the searcher
        samples = []
        for text in texts[1:]:
            start = time.perf_counter()
            library.search(text, limit=20, strictness="all")
            samples.append(time.perf_counter() - start)
        p50, p95 = percentiles(samples)
        encode = percentiles(timed(lambda: model.encode_text(["a photo of a dog on a beach at sunset"]), 30))
        print(
            f"  text query, 20 results: p50 {p50:.1f} ms  p95 {p95:.1f} ms  (text encoder alone p50 {encode[0]:.1f} ms)"
        )
        library.close()


def large_answer(size: int, answer: int, repeats: int) -> None:
    """A query that ``answer`` photos of a ``size``-photo library answer, through Library.search
    at the default level: the time to the answer and what it counts, as the window (5,000 results)
    and the command line (100) ask, by relevance and by date; beside it an everyday query."""
    from common import random_weight_model

    model = random_weight_model()
    words = "a dog on a beach"
    with tempfile.TemporaryDirectory() as tmp:
        library = catalogued_library(Path(tmp), size, model, planted=(words, answer))
        library.index()
        print(f"\n== a query {answer:,} of {size:,} photos answer ({library.index().mode}, {model.id}) ==")
        library.search(words, limit=20)  # warm-up
        for query, limit, sort, level in (
            (words, 100, "relevance", "normal"),
            (words, 5000, "relevance", "normal"),
            (words, 100, "date", "normal"),
            ("a birthday near a snow", 5000, "relevance", "normal"),
            ("a birthday near a snow", 5000, "relevance", "all"),
            ("a birthday near a snow", 100, "date", "all"),
        ):
            search = functools.partial(library.search, query, limit=limit, sort=sort, strictness=level)
            p50, _ = percentiles(timed(search, repeats))
            found = search()
            print(
                f"  {query!r:26} -n {limit:<5} by {sort:9} at {level:6}: p50 {p50:7.1f} ms; normal counts "
                f"{found.level_counts.get('normal')}, {len(found.hits)} listed"
            )
        everyday = ["dog", "beach", "sunset", "mountain", "birthday", "receipt", "snow", "car", "cat", "lake"]
        queries = everyday + [f"a {a} near a {b}" for a, b in zip(everyday, everyday[3:] + everyday[:3], strict=True)]
        counted = [library.search(q, limit=100).level_counts["normal"] for q in queries]
        truth = every_photo_counts(library, queries)
        missed = sum(t - c for c, t in zip(counted, truth, strict=True))
        same = sum(c == t for c, t in zip(counted, truth, strict=True))
        print(
            f"  {len(queries)} everyday queries, -n 100: the count at normal equals every photo scored for "
            f"{same}; {missed} of {sum(truth)} relevant photos missed"
        )
        library.close()


def every_photo_counts(library: Any, queries: list[str]) -> list[int]:
    """How many photos each query lists at normal when every photo of the library is scored, with
    the relevance the search itself measures (the truth a graph search is held to)."""
    from photoclip.core.query import parse_query
    from photoclip.core.relevance import Strictness

    searcher, index = library.searcher(), library.index()
    _, every = index.get_vectors(index.ids())
    counts = []
    for text in queries:
        query = parse_query(text)
        vectors, weights, _ = searcher._term_vectors(query)
        relevance = searcher.relevance(index, query, vectors, weights)
        generic = every @ searcher.generic_vector() if relevance.generic_level is not None else None
        standing = relevance.standing(every @ vectors.T, generic)
        counts.append(int(relevance.keep(standing, Strictness.NORMAL).sum()))
    return counts


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,200000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--end-to-end", action="store_true", help="only the Library.search timing at 100k")
    parser.add_argument("--e2e-size", type=int, default=100_000)
    parser.add_argument("--answer", type=int, default=0, help="only a query this many photos answer, at --e2e-size")
    args = parser.parse_args()
    if args.answer:
        large_answer(args.e2e_size, args.answer, 10)
        return
    if args.end_to_end:
        end_to_end(args.e2e_size, args.queries)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            bench_size(size, args.queries, args.dim, Path(tmp))
    print(f"\npeak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
