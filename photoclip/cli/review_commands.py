"""``photoclip review`` (suggested tags in bulk) and ``photoclip tags`` without a photo (list,
rename, merge and delete tags): the command-line face of tag review."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from photoclip.cli.common import confirm, open_library
from photoclip.core.errors import PhotoclipError
from photoclip.core.formatting import display_path, plural

if TYPE_CHECKING:
    from photoclip.core.library import Library
    from photoclip.core.records import TagChange


def report_sidecars(change: TagChange) -> None:
    """Says which sidecars photoclip wrote were brought in line, and what could not be."""
    if change.sidecars_written:
        print(f"Updated {change.sidecars_written} XMP sidecar files photoclip wrote, to match.")
    for line in change.sidecar_problems:
        print(line, file=sys.stderr)


def cmd_tag_edits(args: argparse.Namespace) -> int:
    """``photoclip tags`` with no photo: every tag with its counts, or --rename, --merge, --delete."""
    if args.accept or args.reject or args.add:
        raise PhotoclipError("--accept, --reject and --add change one photo's tags: name the photo first.")
    if args.into and not args.merge:
        raise PhotoclipError("--into names what --merge makes of the tags: use it with --merge.")
    with open_library(args) as library:
        if args.rename:
            old, new = args.rename
            if spelt(old) != spelt(new) and library.tag_photo_count(new) and library.tag_photo_count(old):
                raise PhotoclipError(
                    f"There is already a tag '{spelt(new)}' ({plural(library.tag_photo_count(new), 'photo')}). "
                    "To make the "
                    f"two one tag: photoclip tags --merge '{spelt(old)}' --into '{spelt(new)}'"
                )
            change = library.rename_tag(old, new)
            on = plural(len(change.photo_ids), "photo")
            print(f"Renamed the tag '{change.labels[0]}' to '{change.into}' on {on}.")
        elif args.merge:
            if not args.into:
                raise PhotoclipError("Say what the tags become: --merge A B --into NAME (NAME may be A or B).")
            change = library.merge_tags(args.merge, args.into)
            print(
                f"Merged {', '.join(repr(x) for x in change.labels)} into '{change.into}' "
                f"({plural(len(change.photo_ids), 'photo')})."
            )
        elif args.delete:
            if not delete_confirmed(library, args.delete, args.yes):
                print("Nothing was deleted.", file=sys.stderr)
                return 1
            change = library.delete_tag(args.delete)
            print(f"Deleted the tag '{change.labels[0]}' from {plural(len(change.photo_ids), 'photo')}.")
        else:
            print_tag_list(library)
            return 0
        for name in change.saved_searches:
            print(f"The saved search '{name}' now names the tag '{change.into}'.")
        report_sidecars(change)
    return 0


def delete_confirmed(library: Library, label: str, yes: bool) -> bool:
    """Asks before deleting a tag that photos carry as accepted (or added by hand): that is the
    user's own review work, undone on every photo at once. Suggestions alone go without asking."""
    summary = library.tag_summary(label)
    if yes or summary is None or not summary.accepted:
        return True  # an unknown tag: delete_tag says which tags there are
    suggested = f" and suggested for {plural(summary.suggested, 'photo')}" if summary.suggested else ""
    return confirm(
        f"Delete the tag '{summary.label}'? It is accepted on {plural(summary.accepted, 'photo')}{suggested}; "
        "it comes off every one of them."
    )


def spelt(label: str) -> str:
    """A label as the library keeps it (lower case, single spaces)."""
    return " ".join(label.lower().split())


def print_tag_list(library: Library) -> None:
    """Every tag: photos that have it, and suggestions still to review."""
    summaries = library.tag_summaries()
    if not summaries:
        print("No tags yet. Tag an album with: photoclip tag [ALBUM]")
    for tag in summaries:
        waiting = f", {tag.suggested} suggested (see: photoclip review)" if tag.suggested else ""
        print(f"{tag.label:28} {tag.accepted:6d} accepted{waiting}")


def cmd_review(args: argparse.Namespace) -> int:
    """``photoclip review [TAG]``."""
    acts = args.accept_all or args.reject_all or args.accept or args.reject
    if acts and not args.tag:
        raise PhotoclipError("Name the tag to review: photoclip review TAG --accept-all (see: photoclip review).")
    if args.accept_all and args.reject_all:
        raise PhotoclipError("--accept-all and --reject-all together would undo each other: choose one.")
    with open_library(args) as library:
        scope = library.album(args.album).photo_ids if args.album else None
        where = f" in {library.album(args.album).description}" if args.album else ""
        if args.by_photo:
            print_by_photo(library, scope if scope is not None else library.album(None).photo_ids)
            return 0
        if not args.tag:
            queue = library.tags_to_review(scope)
            if not queue:
                print(f"No suggestions to review{where}.")
            for tag in queue:
                print(f"{tag.label:28} {tag.suggested:6d} suggested  ({tag.accepted} accepted)")
            if queue:
                print(f"Review one with: photoclip review '{queue[0].label}' [--accept-all | --reject PHOTO...]")
            return 0
        require_known_tag(library, args.tag, scope)
        if acts:
            review(library, args, scope)
        left = library.suggestions(args.tag, scope)
        if not acts:
            rows = {photo.id: photo for photo in library.photos([s.photo_id for s in left])}
            for suggestion in left:
                if suggestion.photo_id in rows:
                    print(f"{suggestion.score or 0:.3f}  {display_path(rows[suggestion.photo_id].path)}")
        print(f"{len(left)} suggestions of '{spelt(args.tag)}' left to review{where}.", file=sys.stderr)
        if not left:
            following = [t.label for t in library.tags_to_review(scope)]
            if following:
                print(f"Next: photoclip review '{following[0]}'", file=sys.stderr)
    return 0


def require_known_tag(library: Library, label: str, scope: list[int] | None) -> None:
    """Refuses a tag no photo has (a typo, most often), naming the tags that do wait for review."""
    if library.tag_summary(label) is not None:
        return
    waiting = [t.label for t in library.tags_to_review(scope)][:8]
    hint = f" Tags with suggestions: {', '.join(waiting)}." if waiting else " No tag has suggestions to review."
    raise PhotoclipError(f"No photo has the tag '{spelt(label)}'.{hint}")


def review(library: Library, args: argparse.Namespace, scope: list[int] | None) -> None:
    """Accepts and rejects what the options say (photos named are checked before anything changes)."""
    accept = [library.require_photo(path).id for path in args.accept]
    reject = [library.require_photo(path).id for path in args.reject]
    if set(accept) & set(reject):
        raise PhotoclipError("A photo cannot be both accepted and rejected in one review.")
    changes = []
    if accept:
        changes.append(("Accepted", library.accept_suggestions(args.tag, accept)))
    if reject:
        changes.append(("Rejected", library.reject_suggestions(args.tag, reject)))
    if args.accept_all:
        changes.append(("Accepted", library.accept_suggestions(args.tag, scope)))
    if args.reject_all:
        changes.append(("Rejected", library.reject_suggestions(args.tag, scope)))
    for verb, change in changes:
        print(f"{verb} '{change.labels[0]}' for {plural(len(change.photo_ids), 'photo')}.")
        report_sidecars(change)
    named = set(accept) | set(reject)
    done = {pid for _verb, change in changes for pid in change.photo_ids}
    if named - done:
        print(
            f"{len(named - done)} of the photos named had no suggestion of '{args.tag}' to review "
            "(see: photoclip tags PHOTO).",
            file=sys.stderr,
        )


def print_by_photo(library: Library, photo_ids: list[int]) -> None:
    """Each photo of the album that has suggestions, with them."""
    listed = library.photos_with_suggestions(photo_ids)
    rows = {p.id: p for p in library.photos([pid for pid, _ in listed])}
    listed = sorted((item for item in listed if item[0] in rows), key=lambda item: str(rows[item[0]].path))
    for pid, found in listed:
        words = ", ".join(f"{s.label} {s.score or 0:.2f}" for s in found)
        print(f"{display_path(rows[pid].path)}  {words}")
    if not listed:
        print("No suggestions to review here.")
