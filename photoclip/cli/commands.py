"""The ``photoclip`` commands that manage the library (index, status, remove, demo), and the dispatch
to the others. Each is a thin layer over :class:`photoclip.core.library.Library`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path

from photoclip.cli.common import graceful_interrupt, open_library, summarise
from photoclip.cli.progress_bar import ProgressBar
from photoclip.core.errors import PhotoclipError
from photoclip.core.formatting import display_path
from photoclip.core.library import Library
from photoclip.core.records import Root


def run(args: argparse.Namespace) -> int:
    """Runs the parsed command; returns the exit status."""
    handler = {
        "index": cmd_index,
        "status": cmd_status,
        "remove": cmd_remove,
        "relocate": cmd_relocate,
        "demo": cmd_demo,
    }.get(args.command)
    if handler is None and args.command in ("search", "similar", "history"):
        from photoclip.cli import search_commands

        handler = {
            "search": search_commands.cmd_search,
            "similar": search_commands.cmd_similar,
            "history": search_commands.cmd_history,
        }[args.command]
    if handler is None and args.command == "duplicates":
        from photoclip.cli.duplicate_commands import cmd_duplicates

        handler = cmd_duplicates
    if handler is None and args.command == "models":
        from photoclip.cli.model_commands import cmd_models

        handler = cmd_models
    if handler is None:
        from photoclip.cli import tag_commands

        handler = tag_commands.HANDLERS[args.command]
    return handler(args)


# -- index -------------------------------------------------------------------------------------
def cmd_index(args: argparse.Namespace) -> int:
    """``photoclip index [DIR...]``."""
    with open_library(args, create=True, download=not args.no_download) as library:
        library.check_writable()
        if args.model:  # the library's model from now on, once it has run: a model that cannot load changes nothing
            library.use_model(args.model, persist=False)
        roots = None
        if args.exclude and not args.folders:
            raise PhotoclipError("--exclude names a sub-folder of the folders given: photoclip index DIR --exclude SUB")
        if args.folders:
            known = {root.id for root in library.roots()}
            left_out = _sub_folders(args.folders, args.exclude)  # checked before anything is added
            roots = [_add_or_relocate(library, folder) for folder in args.folders]
            for root, parts in zip(roots, left_out, strict=True):
                for part in parts:
                    library.exclude_folder(root.id, part)
            roots = [library.find_root(r.id) for r in roots]
            if any(root.id not in known for root in roots):
                roots = None  # every folder: another one's link into a new one no longer lists its photos
        elif not library.roots():
            raise PhotoclipError("The library has no folders yet. Add one: photoclip index ~/Pictures")
        stop = threading.Event()
        bar = ProgressBar()
        with graceful_interrupt(stop):
            report = library.update(roots, progress=bar.indexing, stop=stop)
        if args.model:
            library.use_model(args.model)
        print(summarise(report, library.spec.id, unreadable=library.unreadable_count()))
        return 130 if report.cancelled else 0


def _sub_folders(folders: list[str], excluded: list[str]) -> list[list[str]]:
    """For each folder given to ``index``, the ``--exclude`` values inside it, relative to it. A value
    is a path (from the working folder, or absolute) or a path inside the folder ("raw" or
    "pics/raw" for ~/pics/raw, run from ~); one that names no folder inside any of them is refused:
    it was stored as given and left nothing out."""
    from photoclip.core.paths import expand_home

    def forms(path: Path) -> tuple[Path, ...]:  # as written (a linked sub-folder is walked) and resolved
        return (Path(os.path.normpath(path.absolute())), path.resolve())

    bases = [expand_home(folder) for folder in folders]
    out: list[list[str]] = [[] for _ in bases]
    for value in excluded:
        found = False
        for parts, base in zip(out, bases, strict=True):
            if not base.is_dir():
                continue  # said when the folder is added
            pairs = [(b, c) for b in forms(base) for c in (*forms(expand_home(value)), *forms(base / value))]
            inside = next(((b, c) for b, c in pairs if c != b and b in c.parents and c.is_dir()), None)
            if inside is not None:
                parts.append(inside[1].relative_to(inside[0]).as_posix())
                found = True
        if not found and any(base.is_dir() for base in bases):
            where = ", ".join(display_path(base.absolute()) for base in bases)
            wanted = Path(value).name.casefold()
            near = sorted(
                {p.name for base in bases if base.is_dir() for p in base.iterdir() if p.name.casefold() == wanted}
            )
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise PhotoclipError(f"--exclude {value}: no such folder inside {where}{hint}.")
    return out


# -- status, remove ----------------------------------------------------------------------------
def cmd_status(args: argparse.Namespace) -> int:
    """``photoclip status``."""
    with open_library(args) as library:
        status = library.status()
        errors = library.unreadable() if args.errors else []
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
            for part in root.excluded:
                print(f"  left out          {display_path(part)}/  (--exclude; 'photoclip index' on it takes it back)")
            for part in root.offline_folders:
                print(
                    f"  OFFLINE  {part.photos:7d}    {display_path(part.path)}/  ({part.reason}; its photos are kept)"
                )
            for part in root.missing_photos:  # files, not folders: a link whose photo is on an unplugged drive
                kept = "its photo is kept" if part.photos else "skipped"
                print(f"  missing  {part.photos:7d}    {display_path(part.path)}  ({part.reason}; {kept})")
        for model, count in status.other_models.items():
            print(f"Also stored: {count} vectors of {model}")
        for note in status.notes:
            print(f"Note:    {note}")
        if args.errors:
            print(f"\nUnreadable files ({len(errors)}):" if errors else "\nNo unreadable files.")
            for photo in errors:
                print(f"  {display_path(photo.path)}: {photo.error}")
    return 0


def _add_or_relocate(library: Library, folder: str) -> Root:
    """Adds a folder, unless it is an offline folder of the library that moved here: then that one
    is pointed here, keeping its photos, tags and collections."""
    moved = library.find_moved_root(folder) if library.find_root_or_none(folder) is None else None
    if moved is None:
        return library.add_root(folder)
    root = library.relocate_root(moved.id, folder)
    print(
        f"{display_path(root.path)} holds the photos of {display_path(moved.path)}, which is offline: "
        "the folder moved, so it keeps its photos, tags and collections."
    )
    return root


def cmd_relocate(args: argparse.Namespace) -> int:
    """``photoclip relocate OLD NEW``."""
    with open_library(args) as library:
        old = library.find_root(args.old)
        root = library.relocate_root(old.id, args.new)
        print(f"{display_path(old.path)} is now {display_path(root.path)}; its photos, tags and collections are kept.")
        print("Run 'photoclip index' to pick up what changed there.")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """``photoclip remove DIR``."""
    with open_library(args) as library:
        root = library.find_root(args.folder)
        count = library.remove_root(root.id)
        print(f"Removed {display_path(root.path)} and its {count} photos from the library (the files are untouched).")
        print("Their tags and collections come back if you add the folder (or a folder holding it) again.")
    return 0


# -- demo -------------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    """``photoclip demo``: generated pictures, indexed with the bundled model, ready to search."""
    from photoclip.core.models.registry import TINY_MODEL_ID
    from photoclip.core.paths import default_library_dir, expand_home
    from photoclip.smallclip.shapes import generate_folder

    yours = default_library_dir()
    if args.library:
        library_dir = expand_home(args.library)
    else:  # never $PHOTOCLIP_LIBRARY itself: the demo would take the user's library over
        library_dir = yours.parent / "demo"
        if library_dir.resolve() == yours.resolve():
            library_dir = yours.parent / "photoclip-demo"
        print(f"The demo gets a library of its own: {library_dir} (yours, {yours}, is not touched).", file=sys.stderr)
    folder = expand_home(args.folder) if args.folder else library_dir / "pictures"
    with Library.open(library_dir, model=TINY_MODEL_ID, device=args.device) as library:
        _require_demo_library(library, folder)
        if not folder.exists() or not any(folder.iterdir()):
            print(f"Drawing {args.count} pictures into {folder} …", file=sys.stderr)
            generate_folder(folder, args.count, seed=7, size_range=(64, args.max_size))
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


def _require_demo_library(library: Library, folder: Path) -> None:
    """Refuses to build the demo into a library that watches folders other than the demo's own
    pictures (a library of the user's): the demo would add its pictures there and switch it to the
    small model."""
    own = library.paths.root.resolve()
    others = [root for root in library.roots() if root.path != folder.resolve() and own not in root.path.parents]
    if others:
        raise PhotoclipError(
            f"{display_path(library.paths.root)} is a library of your own (it watches {display_path(others[0].path)}"
            f"{f' and {len(others) - 1} more folders' if len(others) > 1 else ''}): the demo would add its pictures "
            "to it and switch it to the small model. Give the demo a new folder (--library DIR), or leave "
            "--library out for its own."
        )
