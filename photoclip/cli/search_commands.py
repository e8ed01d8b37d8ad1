"""``photoclip search`` and ``photoclip similar``."""

from __future__ import annotations

import argparse
from pathlib import Path

from photoclip.cli.common import open_library, print_results, require_vectors, search_filters


def cmd_search(args: argparse.Namespace) -> int:
    """``photoclip search TEXT``."""
    return _ranked(args, lambda library, **options: library.search(" ".join(args.query), **options))


def cmd_similar(args: argparse.Namespace) -> int:
    """``photoclip similar PATH``."""
    return _ranked(args, lambda library, **options: library.similar(Path(args.photo), **options))


def _ranked(args: argparse.Namespace, run: object) -> int:
    """Opens the library for one query, runs it with the search options, prints the results."""
    with open_library(args, quick_start=True) as library:
        require_vectors(library)
        results = run(  # type: ignore[operator]
            library,
            limit=args.limit,
            min_score=args.min_score,
            **({"strictness": args.relevance} if args.relevance else {}),
            sort=args.sort,
            filters=search_filters(args, library),
        )
        print_results(results, args, library)
    return 0
