"""``photoclip duplicates``: copies of one photo, the one to keep first, and (only when asked, and
confirmed) the others moved to the system trash."""

from __future__ import annotations

import argparse
import json
import sys

from photoclip.cli.common import open_library
from photoclip.core.duplicates import CopyKind, DuplicateGroup, TrashReport, describe
from photoclip.core.formatting import display_path, format_bytes


def cmd_duplicates(args: argparse.Namespace) -> int:
    """``photoclip duplicates [--near] [--json] [--trash [--yes]]``."""
    with open_library(args) as library:
        if args.near and not library.vector_counts():
            print("Nothing is indexed yet, so only identical files can be found: photoclip index DIR", file=sys.stderr)
        groups = library.duplicates(near=args.near, progress=_progress if args.near and not args.json else None)
        report = None
        if args.trash and groups and _confirmed(groups, args.yes):
            others = [c.photo.id for g in groups for c in g.others]
            report = library.move_to_trash(others, groups)
    if args.json:
        print(json.dumps(_as_json(groups, args.near, report), indent=2))
    else:
        _print_groups(groups, args.near, trash_asked=args.trash)
        if report is not None:
            _print_trash(report)
    return 1 if report is not None and report.refused else 0


def _progress(done: int, total: int) -> None:
    end = "\n" if done == total else "\r"
    print(f"Comparing photos that look alike: {done}/{total}", end=end, file=sys.stderr, flush=True)


def _print_groups(groups: list[DuplicateGroup], near: bool, *, trash_asked: bool) -> None:
    scope = "copies" if near else "identical files"
    if not groups:
        hint = "" if near else " (add --near for resized, re-encoded or edited copies)"
        print(f"No duplicates found among the library's photos{hint}.")
        return
    for number, group in enumerate(groups, 1):
        print(f"{number}. {len(group.copies)} {scope}, {format_bytes(group.reclaimable)} to gain")
        print(f"   keep  {display_path(group.keep.path)}  ({describe(group.keep)})")
        for copy in group.others:
            print(f"   copy  {display_path(copy.photo.path)}  ({copy.kind}; {describe(copy.photo)})")
    copies = sum(len(g.others) for g in groups)
    total = sum(g.reclaimable for g in groups)
    print(
        f"\n{len(groups)} group{'s' if len(groups) != 1 else ''}: {copies} "
        f"cop{'ies' if copies != 1 else 'y'} could go, freeing {format_bytes(total)}."
    )
    if not near:
        print("Resized, re-encoded or edited copies too: photoclip duplicates --near")
    if not trash_asked:
        print(
            f"Move the copies (not the kept ones) to the system trash: photoclip duplicates{' --near' * near} --trash"
        )


def _confirmed(groups: list[DuplicateGroup], yes: bool) -> bool:
    """Asks before moving anything (unless ``--yes``); anything but y or yes keeps the files."""
    copies = [c for g in groups for c in g.others]
    not_identical = sum(c.kind != CopyKind.IDENTICAL for c in copies)
    size = format_bytes(sum(c.photo.size for c in copies))
    question = f"Move {len(copies)} cop{'ies' if len(copies) != 1 else 'y'} ({size}) to the system trash?"
    if not_identical:
        question += f" {not_identical} of them are not identical files (resized, re-encoded, edited or similar shots)."
    if yes:
        return True
    print(f"{question} The copy kept in each group stays. [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        answer = ""
    if answer.strip().lower() in ("y", "yes"):
        return True
    print("Nothing was moved.", file=sys.stderr)
    return False


def _print_trash(report: TrashReport) -> None:
    moved = len(report.trashed)
    print(
        f"\nMoved {moved} cop{'ies' if moved != 1 else 'y'} ({format_bytes(report.freed)}) to the system trash; "
        "restore them from there if needed."
    )
    for _photo_id, reason in report.refused:
        print(f"  kept: {reason}")


def _as_json(groups: list[DuplicateGroup], near: bool, report: TrashReport | None) -> dict[str, object]:
    data: dict[str, object] = {
        "near": near,
        "groups": [g.as_json() for g in groups],
        "copies": sum(len(g.others) for g in groups),
        "reclaimable_bytes": sum(g.reclaimable for g in groups),
    }
    if report is not None:
        data["trashed"] = [str(p.path) for p in report.trashed]
        data["refused"] = [{"id": photo_id, "reason": reason} for photo_id, reason in report.refused]
    return data
