"""``photoclip tag``, ``photoclip tags`` and ``photoclip collection``: zero-shot tagging from the terminal
(``photoclip review`` and whole-tag edits: :mod:`photoclip.cli.review_commands`)."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING

from photoclip.cli.common import graceful_interrupt, open_library
from photoclip.cli.review_commands import cmd_review, cmd_tag_edits, spelt
from photoclip.core.errors import PhotoclipError
from photoclip.core.formatting import display_path, plural, print_paths
from photoclip.core.records import Tag, TagState

if TYPE_CHECKING:
    from photoclip.core.library import Library

ALL = None  # what a bare --accept or --reject stands for (argparse's const): every suggestion of the photo


def cmd_tag(args: argparse.Namespace) -> int:
    """``photoclip tag``."""
    if args.include_suggested and not args.export_xmp:
        raise PhotoclipError(
            "--include-suggested only changes what --export-xmp writes; add --export-xmp to write sidecars."
        )
    with open_library(args) as library:
        if args.list_sets:
            for name, label_set in sorted(library.label_sets().items()):
                kind = "built in" if label_set.builtin else "saved"
                preview = ", ".join(label_set.labels[:8]) + (" …" if len(label_set.labels) > 8 else "")
                print(f"{name:14} {len(label_set.labels):4d} labels ({kind}): {preview}")
            return 0
        label_set = library.label_set(args.label_set, words=args.labels, save_as=args.save_as)
        album = library.album(args.album)
        print(
            f"Tagging {plural(len(album.photo_ids), 'photo')} of {album.description} with "
            f"{plural(len(label_set.labels), 'label')} "
            f"({label_set.name}) using {library.search_spec.id} …",
            file=sys.stderr,
        )
        stop = threading.Event()
        with graceful_interrupt(stop):
            report = library.tag_photos(
                album.photo_ids, label_set, album=album.description, redo=args.redo, stop=stop, progress=_progress
            )
        print(
            f"{report.tagged} of {plural(report.photos, 'photo')} tagged ({plural(report.tags, 'tag')}); "
            f"{report.skipped} already tagged with this label set"
            + (" (use --redo to tag them again)" if report.skipped else "")
            + "."
        )
        if report.unlearnt:
            more = ", …" if len(report.unlearnt) > 5 else ""
            some = ", ".join(f"“{label}”" for label in report.unlearnt[:5]) + more
            print(
                f"{library.search_spec.id} never learnt the words of {plural(len(report.unlearnt), 'label')} "
                f"of {len(label_set.labels)} ({some}): they tag nothing.",
                file=sys.stderr,
            )
        for label, count in sorted(report.per_label.items(), key=lambda kv: -kv[1])[:15]:
            print(f"  {label:24} {count}")
        if args.export_xmp:
            exported = library.export_xmp(album.photo_ids, include_suggested=args.include_suggested)
            print(exported.summary())
            for line in exported.problems():
                print(line, file=sys.stderr)
    return 0


def _progress(done: int, total: int) -> None:
    """A tagging run's progress on a terminal, one line redrawn; elsewhere (a log) only its end."""
    if done == total or sys.stderr.isatty():
        end = "\n" if done == total else "\r"
        print(f"Looked at {done:,} of {plural(total, 'photo')}", end=end, file=sys.stderr, flush=True)


def cmd_tags(args: argparse.Namespace) -> int:
    """``photoclip tags PHOTO``; without a photo, every tag (see :mod:`photoclip.cli.review_commands`)."""
    if args.photo is None or args.rename or args.merge or args.delete or args.into:
        if args.photo is not None:
            raise PhotoclipError("--rename, --merge and --delete change a tag on every photo: leave out the photo.")
        return cmd_tag_edits(args)
    with open_library(args) as library:
        photo = library.require_photo(args.photo)
        own = library.tags.tags(photo.id, include_rejected=True)
        accept, reject = _labels_named(own, args.accept, args.reject)
        _require_own_tags(own, accept, reject)
        for label in accept:
            library.tags.accept(photo.id, label)
        for label in reject:
            library.tags.reject(photo.id, label)
        for label in args.add:
            library.tags.add(photo.id, label)
        if ALL in args.accept:
            said = f"Accepted {len(accept)} suggestion{'' if len(accept) == 1 else 's'}: {', '.join(accept)}."
            print(said if accept else "This photo has no suggestions to accept.")
        if accept or reject or args.add:
            followed = library.follow_review(photo.id)
            for sidecar in followed.written:
                print(f"Updated the XMP sidecar {display_path(sidecar)} to match these tags.")
            for line in followed.problems():
                print(line, file=sys.stderr)
        _print_tags(library.tags.tags(photo.id, include_rejected=True))
    return 0


def _labels_named(tags: list[Tag], accept: list[str | None], reject: list[str | None]) -> tuple[list[str], list[str]]:
    """The labels to accept and reject: ``--accept`` alone (:data:`ALL`) stands for every suggestion
    of the photo (less those rejected in the same command); ``--reject`` alone is refused, naming
    the labels it could take, as rejecting every tag at once is rarely meant and not undone with one
    command."""
    if ALL in reject:
        shown = ", ".join(t.label for t in tags if t.state != TagState.REJECTED) or "none"
        raise PhotoclipError(
            f"Say which tag to reject: --reject LABEL (this photo's tags: {shown}). "
            "To reject a tag's suggestions on every photo: photoclip review TAG --reject-all."
        )
    rejected = {spelt(label) for label in reject if label is not None}
    named = [label for label in accept if label is not None]
    if ALL in accept:
        named += [t.label for t in tags if t.state == TagState.SUGGESTED and t.label not in rejected]
    return list(dict.fromkeys(named)), [label for label in reject if label is not None]


def _print_tags(tags: list[Tag]) -> None:
    """A photo's tags, best first; rejected ones are only counted (they stay so tagging never
    suggests them again, but the photo does not have them)."""
    shown = [tag for tag in tags if tag.state != TagState.REJECTED]
    rejected = len(tags) - len(shown)
    if not shown:
        print("No tags" + (f" ({rejected} rejected)." if rejected else "."))
        return
    for tag in shown:
        score = f"{tag.score:.3f}" if tag.score is not None else "     "
        print(f"{tag.label:24} {score}  {tag.source.value:4}  {tag.state.value}")
    if rejected:
        print(f"({rejected} rejected)")


def _require_own_tags(tags: list[Tag], accept: list[str], reject: list[str]) -> None:
    """Refuses, before anything changes, to accept a suggestion the photo never had (a typo would
    otherwise become a tag of the user's own) or to reject a tag it does not show."""
    by_label = {tag.label: tag for tag in tags}
    shown = ", ".join(t.label for t in tags if t.state != TagState.REJECTED) or "none"
    for label in accept:
        if spelt(label) not in by_label:
            raise PhotoclipError(
                f"This photo has no suggestion '{spelt(label)}' (its tags: {shown}); to add a tag use --add."
            )
    for label in reject:
        tag = by_label.get(spelt(label))
        if tag is None or tag.state == TagState.REJECTED:
            raise PhotoclipError(f"This photo has no tag '{spelt(label)}' to reject (its tags: {shown}).")


def cmd_collection(args: argparse.Namespace) -> int:
    """``photoclip collection``."""
    with open_library(args) as library:
        store = library.tags
        if args.action == "list":
            if not store.collections():
                print(
                    "No collections yet: 'photoclip collection add NAME PHOTO...' makes one, "
                    "'photoclip collection save NAME --query \"WORDS\"' saves a search.",
                    file=sys.stderr,
                )
            for collection in store.collections():
                kind = (
                    f"search: {collection.query}"
                    if collection.query
                    else f"{len(store.collection_photo_ids(collection))} photos"
                )
                print(f"{collection.name:24} {kind}")
            return 0
        if not args.name:
            raise PhotoclipError("Give the collection's name.")
        if args.action in ("save", "show", "delete") and args.photos:
            _refuse_extra_words(args)
        if args.action in ("rename", "delete", "remove"):
            return edit_collection(library, args)
        if args.action == "save":
            if args.query is None:
                collection = store.create_collection(args.name)
                # Saving an existing saved search again without --query keeps its search: say what
                # it is now, not what a new name would have become.
                if collection.query:
                    print(
                        f"The collection '{collection.name}' stays a saved search (search: {collection.query}); "
                        "change it with --query."
                    )
                else:
                    print(f"Saved the collection '{collection.name}' (hand-picked: add photos with 'collection add').")
            else:
                library.save_search(args.name, args.query)
                print(f"Saved the collection '{args.name}' (search: {args.query.strip()}).")
        elif args.action == "add":
            ids = library_photo_ids(library, args.photos, "add")
            collection = store.collection(args.name) or store.create_collection(args.name)
            # A photo named twice, or already in the collection, is not added again: count the new ones.
            held = set(store.collection_photo_ids(collection))
            new = [photo_id for photo_id in dict.fromkeys(ids) if photo_id not in held]
            store.add_to_collection(collection, new)
            already = len(set(ids) & held)
            print(
                f"Added {plural(len(new), 'photo')} to '{collection.name}'"
                + (f" ({already} {'was' if already == 1 else 'were'} in it already)." if already else ".")
            )
        else:
            album = library.collection_album(args.name)
            print_paths(photo.path for photo in library.photos(album.photo_ids))
            print(f"{plural(len(album.photo_ids), 'photo')} in {album.description}.", file=sys.stderr)
    return 0


def _refuse_extra_words(args: argparse.Namespace) -> None:
    """Refuses words after the name that ``save``, ``show`` and ``delete`` take none of: argparse
    files them under PHOTO..., and ignoring them made ``collection save Reds "red"`` an empty
    hand-picked collection when a saved search was meant."""
    extra = " ".join(args.photos)
    if args.action == "save" and args.query is None:
        # shlex.quote would print 'red'; double quotes are what the README and --help show.
        raise PhotoclipError(
            f"'collection save' takes only the collection's name. To save a search: "
            f'photoclip collection save {_quoted(args.name)} --query "{extra}"; to hand-pick photos: '
            f"photoclip collection add {_quoted(args.name)} PHOTO..."
        )
    raise PhotoclipError(f"'collection {args.action}' takes only the collection's name, not {extra!r}.")


def _quoted(name: str) -> str:
    """A collection's name as typed on a command line: quoted when it holds a space."""
    return f'"{name}"' if " " in name else name


def library_photo_ids(library: Library, paths: list[str], action: str) -> list[int]:
    """The ids of the photos at ``paths``, all checked before anything changes: one path that is no
    photo of the library changes nothing, and the message names every such path."""
    if not paths:
        raise PhotoclipError(f"Name the photos: photoclip collection {action} NAME PHOTO...")
    ids, problems = [], []
    for path in paths:
        try:
            ids.append(library.require_photo(path).id)
        except PhotoclipError as exc:
            problems.append(f"  {path}: {exc}")
    if problems:
        raise PhotoclipError(
            f"Nothing was changed: {len(problems)} of the {len(paths)} photos named "
            f"{'is' if len(problems) == 1 else 'are'} not in the library.\n" + "\n".join(problems)
        )
    return ids


def edit_collection(library: Library, args: argparse.Namespace) -> int:
    """``photoclip collection rename NAME NEW``, ``delete NAME``, ``remove NAME PHOTO...``."""
    if args.action == "rename":
        if len(args.photos) != 1:
            raise PhotoclipError("Give the collection's name and its new name: photoclip collection rename OLD NEW")
        renamed = library.rename_collection(args.name, args.photos[0])
        print(f"Renamed the collection '{args.name}' to '{renamed.name}'.")
    elif args.action == "delete":
        held = library.delete_collection(args.name)
        print(
            f"Deleted the collection '{args.name}' ({plural(held, 'photo')}; "
            "the photos themselves stay in the library)."
        )
    else:
        ids = library_photo_ids(library, args.photos, "remove")
        removed = library.remove_from_collection(args.name, ids)
        absent = len(set(ids)) - removed
        print(
            f"Took {plural(removed, 'photo')} out of '{args.name}'"
            + (f" ({absent} {'was' if absent == 1 else 'were'} not in it)." if absent > 0 else ".")
        )
    return 0


HANDLERS = {"tag": cmd_tag, "tags": cmd_tags, "review": cmd_review, "collection": cmd_collection}
