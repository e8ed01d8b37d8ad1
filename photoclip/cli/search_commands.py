"""``photoclip search`` and ``photoclip similar``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.cli.common import open_library, print_results, require_vectors, search_filters
from photoclip.core.errors import PhotoclipError
from photoclip.core.paths import expand_home, home_prefix

if TYPE_CHECKING:
    from photoclip.core.library import Library


def cmd_search(args: argparse.Namespace) -> int:
    """``photoclip search TEXT``."""
    return _ranked(args, lambda library, **options: library.search(" ".join(args.query), **options))


def cmd_similar(args: argparse.Namespace) -> int:
    """``photoclip similar PATH``."""
    # An empty PHOTO never gets here: the parser refuses it (Path("") would be the working folder).
    return _ranked(args, lambda library, **options: library.similar(_typed_photo(args.photo, library), **options))


def _typed_photo(text: str, library: Library) -> Path:
    """The photo ``similar`` was given. A path written from a folder (``/``, ``~/``, ``~user/``,
    ``./``, ``../``) that is not there is refused as missing: it cannot be a library photo's file
    name, which the library would look it up as, answering "no photo called … type the path
    instead" to someone who did. A name like ``trip/cat.jpg`` or ``~$tmp.jpg`` may be either, so
    the library decides."""
    home = home_prefix(text)
    path = expand_home(text)
    written_as_path = path.is_absolute() or home is not None or text.startswith(("./", "../", ".\\", "..\\"))
    # A photo on an offline drive is not there but still has its vectors: the library knows it.
    if written_as_path and not path.exists() and library.photo_at(path) is None:
        if home is not None and path == Path(text):
            # expanduser raised (no such user, or no home at all): say so rather than a traceback.
            raise PhotoclipError(f"{text} does not exist: there is no home folder {home} on this computer.")
        raise PhotoclipError(f"{text} does not exist: no such file.")
    return path if home is not None else Path(text)


def _ranked(args: argparse.Namespace, run: object) -> int:
    """Opens the library for one query, runs it with the search options, prints the results."""
    with open_library(args, quick_start=True, download=not args.no_download) as library:
        require_vectors(library)
        filters = search_filters(args, library)
        results = run(  # type: ignore[operator]
            library,
            limit=args.limit,
            min_score=args.min_score,
            **({"strictness": args.relevance} if args.relevance else {}),
            sort=args.sort,
            filters=filters,
        )
        query = results.query
        named = query.tags or query.without_tags or query.folders or query.cameras or query.dates
        named = named or query.without_folders or query.without_cameras or query.without_dates
        if not (query.terms or named or filters.active):
            # The window shows every photo for an empty box; asked for nothing here, say so.
            # "foldr:paris" alone: what was left out, and the filter it was likely meant to be
            raise PhotoclipError(
                " ".join(
                    [
                        f"nothing to search for in {query.raw!r}: give words, an image or a filter"
                        " (see 'photoclip search --help').",
                        *query.notes(),
                    ]
                )
            )
        print_results(results, args, library)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """``photoclip history [--clear | --forget TEXT] [--json]``: the searches the window kept."""
    with open_library(args, quick_start=True) as library:  # the model is never loaded for this
        if args.clear:
            library.clear_search_history()
            print("Search history cleared.", file=sys.stderr)
            return 0
        if args.forget:
            if not library.forget_search(args.forget):
                raise PhotoclipError(f"'{args.forget}' is not in the search history (see: photoclip history).")
            print(f"Forgot the search '{args.forget}'.", file=sys.stderr)
        entries = library.search_history.entries()
        if args.json:
            print(json.dumps([{"text": e.text, "at": e.at} for e in entries], indent=2, ensure_ascii=False))
            return 0
        for entry in entries:
            when = dt.datetime.fromtimestamp(entry.at).strftime("%Y-%m-%d %H:%M")
            print(f"{when}  {entry.text}")
        if not entries:
            off = "" if library.settings.get("remember_searches") else " (remembering searches is off in Settings)"
            print(f"No searches kept{off}.", file=sys.stderr)
    return 0
