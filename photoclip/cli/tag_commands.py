"""``photoclip tag``, ``photoclip tags`` and ``photoclip collection``: zero-shot tagging from the terminal."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from photoclip.core.errors import PhotoclipError


def add_parsers(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """Adds the tagging subcommands to the main parser."""
    tag = command("tag", "tag an album's photos with labels the model was never trained on")
    tag.add_argument("album", nargs="?", help="a folder of the library, @collection, or nothing for all photos")
    which = tag.add_mutually_exclusive_group()
    which.add_argument("--labels", metavar="WORDS", help='your own labels, e.g. "beach, mountain, city"')
    which.add_argument("--label-set", metavar="NAME", help="a built-in or saved label set (see --list-sets)")
    tag.add_argument("--save-as", metavar="NAME", help="save --labels as a label set under this name")
    tag.add_argument("--redo", action="store_true", help="tag again photos this label set has already tagged")
    tag.add_argument(
        "--export-xmp",
        action="store_true",
        help="also write the accepted tags to XMP sidecars (photo.jpg.xmp); photos are never modified",
    )
    tag.add_argument(
        "--include-suggested",
        action="store_true",
        help="with --export-xmp: write the suggested tags you have not reviewed yet too",
    )
    tag.add_argument("--list-sets", action="store_true", help="list the label sets and exit")

    tags = command("tags", "show, accept, reject or add the tags of a photo")
    tags.add_argument("photo", help="path of a library photo")
    tags.add_argument("--accept", action="append", default=[], metavar="LABEL")
    tags.add_argument("--reject", action="append", default=[], metavar="LABEL")
    tags.add_argument("--add", action="append", default=[], metavar="LABEL")

    collection = command("collection", "albums that are not folders: saved searches and hand-picked sets")
    collection.add_argument("action", choices=("list", "save", "add", "show"))
    collection.add_argument("name", nargs="?")
    collection.add_argument("photos", nargs="*", help="photos to add (with 'add')")
    collection.add_argument("--query", help="with 'save': the search this collection runs")


def _default_label_set(library: object) -> str:
    from photoclip.core.models.registry import TINY_MODEL_ID

    return "shapes" if library.search_spec.id == TINY_MODEL_ID else "everyday"


def cmd_tag(args: argparse.Namespace) -> int:
    """``photoclip tag``."""
    from photoclip.cli.commands import graceful_interrupt, open_library
    from photoclip.core.albums import resolve_album
    from photoclip.core.tagging import LabelSet, Tagger, label_sets, parse_labels

    if args.include_suggested and not args.export_xmp:
        raise PhotoclipError(
            "--include-suggested only changes what --export-xmp writes; add --export-xmp to write sidecars."
        )
    with open_library(args) as library:
        tagger = Tagger(library)
        sets = label_sets(tagger.store)
        if args.list_sets:
            for name, label_set in sorted(sets.items()):
                kind = "built in" if label_set.builtin else "saved"
                preview = ", ".join(label_set.labels[:8]) + (" …" if len(label_set.labels) > 8 else "")
                print(f"{name:14} {len(label_set.labels):4d} labels ({kind}): {preview}")
            return 0
        if args.labels is not None:
            labels = parse_labels(args.labels)
            if not labels:
                raise PhotoclipError(
                    f"No labels in --labels {args.labels!r}: give words separated by commas, "
                    'e.g. --labels "beach, mountain, city".'
                )
            name = args.save_as or "custom: " + ", ".join(labels)
            if args.save_as:
                tagger.store.save_label_set(args.save_as, labels)
            label_set = LabelSet(name, labels)
        else:
            name = args.label_set or _default_label_set(library)
            if name not in sets:
                raise PhotoclipError(f"No label set '{name}'. Known: {', '.join(sorted(sets))}.")
            label_set = sets[name]
        album = resolve_album(library, args.album)
        print(
            f"Tagging {len(album.photo_ids)} photos of {album.description} with {len(label_set.labels)} labels "
            f"({label_set.name}) using {tagger.spec.id} …",
            file=sys.stderr,
        )
        stop = threading.Event()
        with graceful_interrupt(stop):
            report = tagger.tag(album.photo_ids, label_set, album=album.description, redo=args.redo, stop=stop)
        print(
            f"{report.tagged} of {report.photos} photos tagged ({report.tags} tags); "
            f"{report.skipped} already tagged with this label set"
            + (" (use --redo to tag them again)" if report.skipped else "")
            + "."
        )
        for label, count in sorted(report.per_label.items(), key=lambda kv: -kv[1])[:15]:
            print(f"  {label:24} {count}")
        if args.export_xmp:
            from photoclip.core.xmp_export import export_sidecars

            exported = export_sidecars(library.catalog, album.photo_ids, include_suggested=args.include_suggested)
            print(exported.summary())
            for line in exported.problems():
                print(line, file=sys.stderr)
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    """``photoclip tags PHOTO``."""
    from photoclip.cli.commands import open_library
    from photoclip.core.tag_store import TagStore

    with open_library(args) as library:
        photo = library.catalog.photo_by_path(Path(args.photo))
        if photo is None:
            raise PhotoclipError(f"{args.photo} is not a photo of this library.")
        store = TagStore(library.catalog)
        for label in args.accept:
            store.accept(photo.id, label)
        for label in args.reject:
            store.reject(photo.id, label)
        for label in args.add:
            store.add(photo.id, label)
        if args.accept or args.reject or args.add:
            from photoclip.core.xmp_export import follow_review

            followed = follow_review(library.catalog, photo.id)
            for sidecar in followed.written:
                print(f"Updated the XMP sidecar {sidecar} to match these tags.")
            for line in followed.problems():
                print(line, file=sys.stderr)
        tags = store.tags(photo.id)
        if not tags:
            print("No tags.")
        for tag in tags:
            score = f"{tag.score:.3f}" if tag.score is not None else "     "
            print(f"{tag.label:24} {score}  {tag.source:4}  {tag.state}")
    return 0


def cmd_collection(args: argparse.Namespace) -> int:
    """``photoclip collection``."""
    from photoclip.cli.commands import open_library
    from photoclip.core.albums import collection_album
    from photoclip.core.tag_store import TagStore

    with open_library(args) as library:
        store = TagStore(library.catalog)
        if args.action == "list":
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
        if args.action == "save":
            store.create_collection(args.name, args.query)
            print(f"Saved collection '{args.name}'.")
        elif args.action == "add":
            collection = store.collection(args.name) or store.create_collection(args.name)
            ids = []
            for path in args.photos:
                photo = library.catalog.photo_by_path(Path(path))
                if photo is None:
                    raise PhotoclipError(f"{path} is not a photo of this library.")
                ids.append(photo.id)
            store.add_to_collection(collection, ids)
            print(f"Added {len(ids)} photos to '{args.name}'.")
        else:
            for photo in library.catalog.photos_by_ids(collection_album(library, args.name).photo_ids):
                print(photo.path)
    return 0


HANDLERS = {"tag": cmd_tag, "tags": cmd_tags, "collection": cmd_collection}
