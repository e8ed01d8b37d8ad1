"""What each ``photoclip`` subcommand does: a thin layer over :class:`photoclip.core.library.Library`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from photoclip.cli.progress_bar import ProgressBar
from photoclip.core.errors import PhotoclipError
from photoclip.core.formatting import display_path, format_duration, print_paths
from photoclip.core.images import wall_clock_seconds
from photoclip.core.library import Library
from photoclip.core.search import SearchFilters, SearchResults


def run(args: argparse.Namespace) -> int:
    """Runs the parsed command; returns the exit status."""
    handler = {
        "index": cmd_index,
        "search": cmd_search,
        "similar": cmd_similar,
        "status": cmd_status,
        "remove": cmd_remove,
        "demo": cmd_demo,
    }.get(args.command)
    if handler is None and args.command == "models":
        from photoclip.cli.model_commands import cmd_models

        handler = cmd_models
    if handler is None:
        from photoclip.cli import tag_commands

        handler = tag_commands.HANDLERS[args.command]
    return handler(args)


def open_library(args: argparse.Namespace, **options: Any) -> Library:
    """Opens the library the options name, reporting model downloads on the terminal."""
    bar = ProgressBar()
    return Library.open(
        args.library,
        model=args.model,
        weights=args.weights,
        device=args.device,
        download_progress=bar.download,
        **options,
    )


@contextmanager
def graceful_interrupt(stop: threading.Event) -> Iterator[None]:
    """First Ctrl-C asks the run to stop after the current batch; a second one stops at once."""
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():
            signal.signal(signal.SIGINT, previous)
            raise KeyboardInterrupt
        stop.set()
        print("\nStopping after the current batch; what is done is kept. Ctrl-C again to quit now.", file=sys.stderr)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, previous)


# -- index -------------------------------------------------------------------------------------
def cmd_index(args: argparse.Namespace) -> int:
    """``photoclip index [DIR...]``."""
    with open_library(args, download=not args.no_download) as library:
        library.check_writable()
        if args.model:
            library.use_model(args.model)
        roots = None
        if args.folders:
            roots = [library.add_root(folder) for folder in args.folders]
            if args.exclude:
                for root in roots:
                    library.catalog.set_root_excluded(root.id, list(root.excluded) + args.exclude)
                roots = [library.find_root(r.id) for r in roots]
        elif not library.roots():
            raise PhotoclipError("The library has no folders yet. Add one: photoclip index ~/Pictures")
        stop = threading.Event()
        bar = ProgressBar()
        with graceful_interrupt(stop):
            report = library.update(roots, progress=bar.indexing, stop=stop)
        print(summarise(report, library.spec.id))
        return 130 if report.cancelled else 0


def summarise(report: Any, model_id: str) -> str:
    """A few lines saying what an index run did."""
    lines = []
    for offline in report.offline:
        lines.append(f"offline: {offline} — its photos are kept")
    parts = [
        f"{report.embedded} indexed",
        f"{report.moved} moved",
        f"{report.copied} copies",
        f"{report.deleted} removed",
        f"{report.errors} unreadable",
        f"{report.unchanged} unchanged",
    ]
    speed = f" ({report.rate:.1f} photos/s)" if report.embedded else ""
    lines.append(f"{', '.join(parts)} in {format_duration(report.seconds)}{speed} with {model_id}.")
    if report.errors:
        lines.append("See which files could not be read, and why: photoclip status --errors")
    if report.cancelled:
        lines.append("Stopped. Run 'photoclip index' again to carry on where it stopped.")
    return "\n".join(lines)


# -- search ------------------------------------------------------------------------------------
def parse_date(text: str | None, *, end: bool) -> float | None:
    """YYYY, YYYY-MM or YYYY-MM-DD as wall-clock seconds; with ``end``, the start of the next period."""
    if not text:
        return None
    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        year, month, day = ([*numbers, 1, 1])[:3]
        start = dt.datetime(year, month if len(numbers) > 1 else 1, day if len(numbers) > 2 else 1)
    except (ValueError, TypeError) as exc:
        raise PhotoclipError(f"'{text}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.") from exc
    if end:
        if len(numbers) == 1:
            start = start.replace(year=start.year + 1)
        elif len(numbers) == 2:
            start = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            start += dt.timedelta(days=1)
    return wall_clock_seconds(start)


def _filters(args: argparse.Namespace, library: Library) -> SearchFilters:
    roots = tuple(library.find_root(r).id for r in args.root) if args.root else None
    folder = None
    if args.folder:
        path = Path(args.folder).expanduser().resolve()
        for root in library.roots():
            if path == root.path or root.path in path.parents:
                folder = (root.id, path.relative_to(root.path).as_posix() if path != root.path else "")
                break
        else:
            raise PhotoclipError(f"{path} is not inside a folder of this library.")
    return SearchFilters(
        roots=roots,
        folder=folder,
        date_from=parse_date(args.date_from, end=False),
        date_to=parse_date(args.date_to, end=True),
    )


def _print_results(results: SearchResults, args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps([_hit_json(h) for h in results.hits], indent=2))
        return
    if args.paths:
        print_paths(hit.photo.path for hit in results.hits)
        return
    for hit in results.hits:
        date = (
            dt.datetime.fromtimestamp(hit.photo.taken_at, dt.timezone.utc).strftime("%Y-%m-%d")
            if hit.photo.taken_at
            else "          "
        )
        offline = "  [offline]" if not hit.photo.online else ""
        print(f"{hit.score:.3f}  {date}  {display_path(hit.photo.path)}{offline}")
    if not results.hits:
        hint = f" (cut-off {results.min_score:.2f}; try --min-score 0)" if results.cut else ""
        print(f"No photos match{hint}.", file=sys.stderr)


def _hit_json(hit: Any) -> dict[str, Any]:
    photo = hit.photo
    return {
        "path": str(photo.path),
        "score": round(hit.score, 5),
        "id": photo.id,
        "taken_at": photo.taken_at,
        "width": photo.width,
        "height": photo.height,
        "root": str(photo.root_path),
        "online": photo.online,
    }


def cmd_search(args: argparse.Namespace) -> int:
    """``photoclip search TEXT``."""
    with open_library(args, quick_start=True) as library:
        _require_vectors(library)
        results = library.search(
            " ".join(args.query),
            limit=args.limit,
            min_score=args.min_score,
            sort=args.sort,
            filters=_filters(args, library),
        )
        _print_results(results, args)
    return 0


def cmd_similar(args: argparse.Namespace) -> int:
    """``photoclip similar PATH``."""
    with open_library(args, quick_start=True) as library:
        _require_vectors(library)
        results = library.similar(
            Path(args.photo),
            limit=args.limit,
            min_score=args.min_score,
            sort=args.sort,
            filters=_filters(args, library),
        )
        _print_results(results, args)
    return 0


def _require_vectors(library: Library) -> None:
    if library.catalog.embedding_count(library.spec.id):
        return
    others = library.catalog.models_with_vectors()
    if others:
        listed = ", ".join(f"{m} ({n} photos)" for m, n in others.items())
        raise PhotoclipError(
            f"No photos are indexed with {library.spec.id}; the library has vectors of "
            f"{listed}. Use --model, or run 'photoclip index' to index with {library.spec.id}."
        )
    raise PhotoclipError(
        "No photos are indexed yet. Add a folder: photoclip index ~/Pictures (or try 'photoclip demo')."
    )


# -- status, remove ----------------------------------------------------------------------------
def cmd_status(args: argparse.Namespace) -> int:
    """``photoclip status``."""
    with open_library(args) as library:
        status = library.status()
        errors = library.catalog.errors() if args.errors else []
        if args.json:
            data = status.as_json()
            if args.errors:
                data["error_files"] = [{"path": str(p.path), "reason": p.error} for p in errors]
            print(json.dumps(data, indent=2))
            return 0
        print(f"Library: {display_path(status.library)}")
        present = "on this machine" if status.model_present else "not downloaded yet"
        print(f"Model:   {status.model} ({present})")
        print(f"Runs on: {status.engine}")
        print(
            f"Photos:  {status.photos}  indexed {status.embedded}  waiting {status.pending}  unreadable {status.errors}"
        )
        print("Folders:" if status.roots else "Folders: none yet (photoclip index DIR)")
        for root in status.roots:
            state = "online " if root.online else "OFFLINE"
            reason = f"  ({root.offline_reason})" if root.offline_reason else ""
            print(f"  {state}  {root.photos:7d}  {display_path(root.path)}{reason}")
            for part in root.unreachable:
                print(
                    f"  OFFLINE  {part.photos:7d}    {display_path(part.path)}/  ({part.reason}; its photos are kept)"
                )
        for model, count in status.other_models.items():
            print(f"Also stored: {count} vectors of {model}")
        for note in status.notes:
            print(f"Note:    {note}")
        if args.errors:
            print(f"\nUnreadable files ({len(errors)}):" if errors else "\nNo unreadable files.")
            for photo in errors:
                print(f"  {display_path(photo.path)}: {photo.error}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """``photoclip remove DIR``."""
    with open_library(args) as library:
        root = library.find_root(args.folder)
        count = library.remove_root(root.id)
        print(f"Removed {display_path(root.path)} and its {count} photos from the library (the files are untouched).")
    return 0


# -- demo -------------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    """``photoclip demo``: generated pictures, indexed with the bundled model, ready to search."""
    from photoclip.core.models.registry import TINY_MODEL_ID
    from photoclip.core.paths import default_library_dir
    from photoclip.smallclip.shapes import generate_folder

    library_dir = Path(args.library).expanduser() if args.library else default_library_dir().parent / "demo"
    folder = Path(args.folder).expanduser() if args.folder else library_dir / "pictures"
    if not folder.exists() or not any(folder.iterdir()):
        print(f"Drawing {args.count} pictures into {folder} …", file=sys.stderr)
        generate_folder(folder, args.count, seed=7, size_range=(64, args.max_size))
    with Library.open(library_dir, model=TINY_MODEL_ID, device=args.device) as library:
        library.use_model(TINY_MODEL_ID)
        root = library.add_root(folder)
        stop = threading.Event()
        with graceful_interrupt(stop):
            report = library.update([root], progress=ProgressBar().indexing, stop=stop)
        print(summarise(report, TINY_MODEL_ID))
    print(
        f"\nThe demo library is ready. Try:\n"
        f'  photoclip --library {library_dir} search "a red circle"\n'
        f'  photoclip --library {library_dir} search "a blue star -noisy"\n'
        f"  photoclip --library {library_dir} similar {next(iter(sorted(folder.iterdir())))}\n"
        f"  photoclip --library {library_dir}          (the desktop app)"
    )
    return 0
