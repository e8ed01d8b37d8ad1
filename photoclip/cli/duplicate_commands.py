"""``photoclip duplicates``: copies of one photo, the one to keep first, and (only when asked, and
confirmed) the others moved to the system trash.

Only *sure* copies (:data:`SURE`: identical bytes, resized, re-encoded) go on the one question
(or ``--yes``). A cropped or edited copy, or a similar shot, is a judgement a look at thumbnails
can get wrong, so each group holding one is asked about on its own, and ``--yes`` never moves
them: a script cannot look at the pictures."""

from __future__ import annotations

import argparse
import json
import sys

from photoclip.cli.common import open_library
from photoclip.core.duplicates import CopyKind, DuplicateCopy, DuplicateGroup, TrashReport, describe
from photoclip.core.formatting import display_path, format_bytes, plural

#: Copies the one question (and ``--yes``) may move: the same picture, only stored differently.
SURE = (CopyKind.IDENTICAL, CopyKind.RESIZED, CopyKind.REENCODED)


def cmd_duplicates(args: argparse.Namespace) -> int:
    """``photoclip duplicates [--near] [--json] [--trash [--yes]]``."""
    with open_library(args) as library:
        if args.near and not library.vector_counts():
            print("Nothing is indexed yet, so only identical files can be found: photoclip index DIR", file=sys.stderr)
        groups = library.duplicates(near=args.near, progress=_progress if args.near and not args.json else None)
        report, left = None, []
        if not args.json:  # what would move is shown before any question about moving it
            _print_groups(groups, args.near, trash_asked=args.trash)
            sys.stdout.flush()
        if args.trash and groups:
            chosen, left = _chosen(groups, args.yes)
            if chosen:
                report = library.move_to_trash(chosen, groups)
    if args.json:
        print(json.dumps(_as_json(groups, args.near, report, left), indent=2))
    else:
        if report is not None:
            _print_trash(report)
        if left:
            _print_left(left, args.yes)
    return 1 if report is not None and report.refused else 0


def _progress(done: int, total: int) -> None:
    end = "\n" if done == total else "\r"
    print(f"Comparing photos that look alike: {done}/{total}", end=end, file=sys.stderr, flush=True)


def _print_groups(groups: list[DuplicateGroup], near: bool, *, trash_asked: bool) -> None:
    scope = "files" if near else "identical files"
    if not groups:
        hint = "" if near else " (add --near for resized, re-encoded or edited copies)"
        print(f"No duplicates found among the library's photos{hint}.")
        return
    for number, group in enumerate(groups, 1):
        others = len(group.others)
        print(
            f"{number}. {len(group.copies)} {scope}: one to keep, {plural(others, 'copy', 'copies')}, "
            f"{format_bytes(group.reclaimable)} to gain"
        )
        print(f"   keep  {display_path(group.keep.path)}  ({describe(group.keep)})")
        for copy in group.others:
            print(f"   copy  {display_path(copy.photo.path)}  ({copy.kind}; {describe(copy.photo)})")
    copies = sum(len(g.others) for g in groups)
    total = sum(g.reclaimable for g in groups)
    print(
        f"\n{plural(len(groups), 'group')}: {plural(copies, 'copy', 'copies')} could go, freeing {format_bytes(total)}."
    )
    if not near:
        print("Resized, re-encoded or edited copies too: photoclip duplicates --near")
    if not trash_asked:
        print(
            f"Move the copies (not the kept ones) to the system trash: photoclip duplicates{' --near' * near} --trash"
        )


def _chosen(groups: list[DuplicateGroup], yes: bool) -> tuple[list[int], list[DuplicateCopy]]:
    """The copies to move: the sure ones after one question (or ``--yes``), then each group's
    doubtful ones after a question of its own (never with ``--yes``); and the copies left."""
    sure = [c for g in groups for c in g.others if c.kind in SURE]
    chosen = [c.photo.id for c in sure] if sure and _confirmed(sure, yes) else []
    left = []
    doubtful = [g for g in groups if any(c.kind not in SURE for c in g.others)]
    for number, group in enumerate(doubtful, 1):
        copies = [c for c in group.others if c.kind not in SURE]
        if not yes and _ask_group(group, copies, number, len(doubtful)):
            chosen += [c.photo.id for c in copies]
        else:
            left += copies
    return chosen, left


def _confirmed(copies: list[DuplicateCopy], yes: bool) -> bool:
    """Asks before moving the sure copies (unless ``--yes``); anything but y or yes keeps the files."""
    size = format_bytes(sum(c.photo.size for c in copies))
    question = f"Move {plural(len(copies), 'copy', 'copies')} ({size}) to the system trash?"
    not_identical = sum(c.kind != CopyKind.IDENTICAL for c in copies)
    if not_identical:
        question += f" {not_identical} of them are resized or re-encoded, not identical files."
    if yes:
        return True
    return _answer(f"{question} The copy kept in each group stays. [y/N] ", "Nothing was moved.")


def _ask_group(group: DuplicateGroup, copies: list[DuplicateCopy], number: int, count: int) -> bool:
    """Asks about one group's cropped, edited or similar copies, showing what they are."""
    lines = [f"\nLook before moving these ({number} of {count}; cropped, edited or only similar):"]
    lines.append(f"   keep  {display_path(group.keep.path)}  ({describe(group.keep)})")
    lines += [f"   copy  {display_path(c.photo.path)}  ({c.kind}; {describe(c.photo)})" for c in copies]
    print("\n".join(lines), file=sys.stderr)
    return _answer(f"Move {'these' if len(copies) != 1 else 'this'} to the system trash too? [y/N] ", "Kept.")


def _answer(question: str, declined: str) -> bool:
    """True when the person answers y or yes; anything else (or no answer) keeps the files."""
    print(question, end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        answer = ""
    if answer.strip().lower() in ("y", "yes"):
        return True
    print(declined, file=sys.stderr)
    return False


def _print_left(left: list[DuplicateCopy], yes: bool) -> None:
    why = "--yes moves only identical, resized and re-encoded copies" if yes else "not chosen"
    print(
        f"\nLeft where they are ({why}): {len(left)} cropped, edited or similar cop{'ies' if len(left) != 1 else 'y'}."
    )
    without_yes = " or answer for each group without --yes" if yes else ""
    print(f"Look at them in the window (View → Duplicates…){without_yes}.")


def _print_trash(report: TrashReport) -> None:
    moved = len(report.trashed)
    print(
        f"\nMoved {plural(moved, 'copy', 'copies')} ({format_bytes(report.freed)}) to the system trash; "
        "restore them from there if needed."
    )
    for _photo_id, reason in report.refused:
        print(f"  kept: {reason}")


def _as_json(
    groups: list[DuplicateGroup], near: bool, report: TrashReport | None, left: list[DuplicateCopy]
) -> dict[str, object]:
    data: dict[str, object] = {
        "near": near,
        "groups": [g.as_json() for g in groups],
        "copies": sum(len(g.others) for g in groups),
        "reclaimable_bytes": sum(g.reclaimable for g in groups),
    }
    if report is not None:
        data["trashed"] = [str(p.path) for p in report.trashed]
        data["refused"] = [{"id": photo_id, "reason": reason} for photo_id, reason in report.refused]
    if left:
        data["left"] = [str(c.photo.path) for c in left]
    return data
