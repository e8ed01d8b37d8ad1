"""``photoclip search`` and ``photoclip similar``."""

from __future__ import annotations

import argparse
from pathlib import Path

from photoclip.cli.common import open_library, print_results, require_vectors, search_filters


def cmd_search(args: argparse.Namespace) -> int:
    """``photoclip search TEXT``."""
    with open_library(args, quick_start=True) as library:
        require_vectors(library)
        results = library.search(
            " ".join(args.query),
            limit=args.limit,
            min_score=args.min_score,
            sort=args.sort,
            filters=search_filters(args, library),
        )
        print_results(results, args)
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    """``photoclip similar PATH``."""
    with open_library(args, quick_start=True) as library:
        require_vectors(library)
        results = library.similar(
            Path(args.photo),
            limit=args.limit,
            min_score=args.min_score,
            sort=args.sort,
            filters=search_filters(args, library),
        )
        print_results(results, args)
    return 0
