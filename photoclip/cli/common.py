"""What the command line's commands share: opening the library, Ctrl-C, dates, filters, output."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from photoclip.cli.progress_bar import ProgressBar
from photoclip.core.errors import PhotoclipError
from photoclip.core.formatting import display_path, format_duration, print_paths
from photoclip.core.images import wall_clock_seconds
from photoclip.core.library import Library
from photoclip.core.search_results import SearchFilters, SearchResults


def open_library(args: argparse.Namespace, *, create: bool = False, **options: Any) -> Library:
    """Opens the library the options name, reporting model downloads on the terminal. Only a
    command that fills a library (``create``) makes one: a mistyped ``--library`` given to
    ``status`` or ``search`` says so instead of leaving an empty library behind."""
    folder, made = Library.made_at(args.library)
    if not create and not made:
        raise PhotoclipError(
            f"No library at {display_path(folder)} yet: 'photoclip index FOLDER' makes one "
            "(or --library names another)."
        )
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


def summarise(report: Any, model_id: str, unreadable: int = 0) -> str:
    """A few lines saying what an index run did; ``unreadable``: how many files the library holds
    that could not be read, this run or before (an unchanged one is not read again)."""
    lines = []
    for offline in report.offline:
        lines.append(f"offline: {offline} — its photos are kept")
    for error in report.walk_errors[:5]:
        lines.append(f"not reached: {error} — the photos known there are kept")
    if len(report.walk_errors) > 5:
        lines.append(f"… and {len(report.walk_errors) - 5} more not reached: photoclip status lists them")
    for folder, left in report.went_offline.items():
        waiting = (
            f"{left} photo{'s' if left != 1 else ''} left to index: connect it (or move it back) and run "
            "'photoclip index' again"
            if left
            else "its photos are kept"
        )
        lines.append(f"offline: {folder} went missing during the run — {waiting}")
    for skipped in report.skipped[:5]:
        lines.append(f"skipped: {skipped} — a photo indexed from it before is kept until it is back")
    if len(report.skipped) > 5:
        lines.append(f"… and {len(report.skipped) - 5} more links to missing photos: photoclip status lists them")
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
    if report.remade:
        lines.append(f"{report.remade} of them were indexed again: the weights behind {model_id} changed.")
    if unreadable > report.errors:
        earlier = unreadable - report.errors
        lines.append(
            f"{earlier} file{'s' if earlier != 1 else ''} could not be read before and"
            f" {'are' if earlier != 1 else 'is'} not read again until changed."
        )
    if report.errors or unreadable:
        lines.append("See which files could not be read, and why: photoclip status --errors")
    if report.cancelled:
        lines.append("Stopped. Run 'photoclip index' again to carry on where it stopped.")
    return "\n".join(lines)


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


def search_filters(args: argparse.Namespace, library: Library) -> SearchFilters:
    """The filters the search options ask for (--root, --folder, --from, --to)."""
    roots = tuple(library.find_root(r).id for r in args.root) if args.root else None
    folder = None
    if args.folder:
        root, relative = library.folder_of(args.folder)
        folder = (root.id, relative)
    first, last = args.date_from, args.date_to
    start, end = parse_date(first, end=False), parse_date(last, end=True)
    if start is not None and end is not None and end <= start:
        # Backwards, as "from 2020 to 2018" typed in the search is: the span between them, said aloud.
        first, last = last, first
        start, end = parse_date(first, end=False), parse_date(last, end=True)
        print(
            f"--from {args.date_from} is after --to {args.date_to}: searching from {first} to {last}.", file=sys.stderr
        )
    return SearchFilters(roots=roots, folder=folder, date_from=start, date_to=end)


def print_results(results: SearchResults, args: argparse.Namespace, library: Library | None = None) -> None:
    """Prints results as the options ask: lines for people, --paths, or --json (with --explain,
    each result's reasons: its score for each term, and the everyday words nearest to it). What
    the query's date words were taken to mean goes to stderr, so stdout stays the results."""
    dates = results.query.dates
    if dates is not None:
        said = ", ".join(f"'{w}'" for w in dates.words)
        print(f"dates: {dates.describe()} (from {said})", file=sys.stderr)
    for left_out in results.query.without_dates:
        said = ", ".join(f"'{w}'" for w in left_out.words)
        print(f"left out: photos taken {left_out.describe()} (from -{said})", file=sys.stderr)
    if args.json:
        rows = [dict(hit_json(h), closest=results.closest) for h in results.hits]
        if getattr(args, "explain", False) and library is not None:
            for row, hit in zip(rows, results.hits, strict=True):
                row["terms"] = term_scores(hit, results)
                row["matched"] = list(hit.matched)
                row["looks_like"] = [
                    {"label": label, "score": round(s, 4)} for label, s in library.looks_like(hit.photo.id)
                ]
        print(json.dumps(rows, indent=2))
        say_notes(results)
        return
    if args.paths or args.null:  # a file name may hold a newline; NULs never
        # Only photos that answer the search: a script should not copy the closest few of nothing.
        shown = () if results.closest else results.hits
        print_paths((hit.photo.path for hit in shown), end=b"\0" if args.null else b"\n")
        say_notes(results)
        return
    for hit in results.hits:
        offline = "  [offline]" if not hit.photo.online else ""
        print(f"{hit.score:6.2f}  {shown_date(hit.photo):11}  {display_path(hit.photo.path)}{offline}")
        if getattr(args, "explain", False) and library is not None:
            print("        " + explanation(hit, results, library))
    say_notes(results)
    if not results.hits:
        if getattr(args, "min_score", None) is not None and results.cut:
            hint = f" with a score of {args.min_score:g} or more (try a lower --min-score)"
        else:
            hint = " (try --relevance loose, or all to list every photo ranked)" if results.cut else ""
        print(f"No photos match{hint}.", file=sys.stderr)
    elif any(h.photo.date_source == "file" for h in results.hits):
        print("~ before a date: the file's date (the photo has no date taken in it).", file=sys.stderr)


def say_notes(results: SearchResults) -> None:
    """The search's notes, and how many more photos pass the cut-off than -n let through, on stderr
    (stdout stays the results, whatever the output's form)."""
    for note in results.notes:
        print(note, file=sys.stderr)
    relevant = results.considered - results.cut
    if results.query.positive and results.more_beyond:
        more = max(relevant, len(results.hits)) * 4
        print(f"{len(results.hits)} of at least {relevant} photos listed: -n {more} lists more.", file=sys.stderr)
    elif results.query.positive and not results.closest and relevant > len(results.hits):
        print(
            f"{len(results.hits)} of {relevant} relevant photos listed: -n {relevant} lists them all.", file=sys.stderr
        )


def shown_date(photo: Any) -> str:
    """A photo's date for a line of results: ' 2019-06-01' taken (EXIF), '~2019-06-01' the file's
    date, blank when unknown (the same width each way, so the paths line up)."""
    if photo.taken_at is None:
        return " " * 11
    day = dt.datetime.fromtimestamp(photo.taken_at, dt.timezone.utc).strftime("%Y-%m-%d")
    return ("~" if photo.date_source == "file" else " ") + day


def term_scores(hit: Any, results: SearchResults) -> list[dict[str, Any]]:
    """Each term of the query with the photo's cosine for it ("beach": 0.31, "-people": 0.12)."""
    return [
        {"term": _term_text(term), "score": round(score, 4)}
        for term, score in zip(results.query.terms, hit.terms, strict=False)
    ]


def _term_text(term: Any) -> str:
    text = term.text if term.text is not None else display_path(term.image.name)
    return ("-" if term.weight < 0 else "") + text


def explanation(hit: Any, results: SearchResults, library: Library) -> str:
    """One line: each term's cosine, where its words were found in the photo's names or metadata
    ("folder: 2019 Paris trip"), and what the photo looks like to the model."""
    # A query of filters only ("tag:red dot") has no term to score: its line starts with the rest.
    parts = [", ".join(f"{t['term']} {t['score']:.2f}" for t in term_scores(hit, results))]
    parts = [part for part in parts if part]
    if hit.matched:
        parts.append("matched " + ", ".join(hit.matched))
    looks = ", ".join(label for label, _ in library.looks_like(hit.photo.id))
    if looks:
        parts.append(f"looks like: {looks}")
    return "; ".join(parts)


def hit_json(hit: Any) -> dict[str, Any]:
    """One result as JSON."""
    photo = hit.photo
    return {
        "path": str(photo.path),
        "score": round(hit.score, 5),
        "id": photo.id,
        "taken_at": photo.taken_at,
        "date": shown_date(photo).strip().lstrip("~") or None,
        "date_source": photo.date_source,  # 'exif' (taken), 'file' (the file's date) or None
        "width": photo.width,
        "height": photo.height,
        "root": str(photo.root_path),
        "online": photo.online,
    }


def confirm(question: str) -> bool:
    """Asks ``question`` on the terminal; only y or yes agrees (no answer, as from a script's
    empty stdin, is a no)."""
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def require_vectors(library: Library) -> None:
    """Raises, saying what to do, when the library holds no vectors of its model yet."""
    counts = library.vector_counts()
    if counts.get(library.spec.id):
        return
    others = counts
    if others:
        listed = ", ".join(f"{m} ({n} photos)" for m, n in others.items())
        raise PhotoclipError(
            f"No photos are indexed with {library.spec.id}; the library has vectors of "
            f"{listed}. Use --model, or run 'photoclip index' to index with {library.spec.id}."
        )
    raise PhotoclipError(
        "No photos are indexed yet. Add a folder: photoclip index ~/Pictures (or try 'photoclip demo')."
    )
