"""The whole ``photoclip`` command line, declared with argparse (and nothing heavier imported, so
``--help`` answers at once)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from photoclip import __version__
from photoclip.core.query_help import syntax_text

DESCRIPTION = "Find your own photos by describing them. With no command, the desktop app opens."

EXAMPLES = """examples:
  photoclip index ~/Pictures            add a folder and index it
  photoclip search "a dog on a beach"   find photos by words
  photoclip search "beach -people" --sort date
  photoclip search "snow in december"   dates in the words are a filter
  photoclip similar ~/Pictures/cat.jpg  photos like this one
  photoclip review beach --accept-all   accept every "beach" the tagging suggested
  photoclip demo                        try it offline on generated pictures
"""


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number no smaller than ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {value}")
        return value

    parse.__name__ = "number"  # what argparse names in its message
    return parse


def score(text: str) -> float:
    """An argparse type: a finite number (a score as search shows them)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a number, not {text}")
    return value


def named(what: str, hint: str) -> Callable[[str], str]:
    """An argparse type for a path (or a name) that may not be empty: ``Path("")`` is ".", so an
    empty argument, as ``photoclip index "$DIR"`` passes with DIR unset, would otherwise mean the
    folder the command runs in, or fall back to a default (the whole library, your own library)."""

    def parse(text: str) -> str:
        if not text.strip():
            # repr() shows the spaces of a whitespace-only argument, which print as nothing.
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}: {hint}")
        return text

    parse.__name__ = what  # what argparse names in its message
    return parse


A_FOLDER = named("a folder", "give its path ('.' for the folder you are in)")
A_PHOTO = named("a photo", "give its path, or its file name in the library")
A_PHOTO_PATH = named("a photo", "give its path")
AN_ALBUM = named("an album", "name a folder of the library or @collection (leave it out for all photos)")
A_FILE = named("a file", "give its path")
A_LIBRARY = named(
    "a library folder", "give its path, or leave --library out for the default ($PHOTOCLIP_LIBRARY or your own)"
)

LIBRARY_HELP = "library folder (default: $PHOTOCLIP_LIBRARY or your user data folder)"

# The demo never builds into the user's library (it would add its pictures and switch the model).
DEMO_LIBRARY_HELP = (
    "the demo's library folder (default: its own, 'demo' beside your library, which is $PHOTOCLIP_LIBRARY or "
    "in your user data folder; refused if DIR is a library of your own)"
)


def _common(parser: argparse.ArgumentParser, top: bool, library_help: str = LIBRARY_HELP) -> None:
    """Options accepted before or after the command (``photoclip --library X search`` or the reverse)."""
    default = None if top else argparse.SUPPRESS
    parser.add_argument("--library", metavar="DIR", type=A_LIBRARY, default=default, help=library_help)
    parser.add_argument("--model", metavar="ID", default=default, help="CLIP model (see 'photoclip models')")
    parser.add_argument(
        "--weights",
        metavar="FILE",
        type=A_FILE,
        default=default,
        help="use this weights file (or models folder) instead of downloading",
    )
    parser.add_argument(
        "--device", choices=("auto", "cuda", "mps", "cpu"), default=default, help="where the model runs (default: auto)"
    )
    parser.add_argument("-v", "--verbose", action="count", default=0 if top else argparse.SUPPRESS)


def _search_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-n", "--limit", type=at_least(1), default=20, help="how many results (default 20)")
    parser.add_argument(
        "--min-score",
        type=score,
        default=None,
        help="an explicit cut-off, in the units of the scores shown (how far a photo stands out from the library)",
    )
    parser.add_argument(
        "--relevance",
        choices=("strict", "normal", "loose", "all"),
        default=None,
        help="how much a photo must stand out to be listed: strict (fewer) ... all (default: the library's setting)",
    )
    parser.add_argument("--sort", choices=("relevance", "date", "date-asc"), default="relevance")
    parser.add_argument("--no-download", action="store_true", help="never download the model (fail instead)")
    parser.add_argument(
        "--root", action="append", metavar="DIR", type=A_FOLDER, help="only photos under this watched folder"
    )
    parser.add_argument("--folder", metavar="DIR", type=A_FOLDER, help="only photos in this folder and its sub-folders")
    parser.add_argument("--from", dest="date_from", metavar="DATE", help="taken on or after YYYY[-MM[-DD]]")
    parser.add_argument("--to", dest="date_to", metavar="DATE", help="taken up to the end of YYYY[-MM[-DD]]")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--paths", action="store_true", help="print only the paths, one per line")
    # No "-0": an option that looks like a number would make argparse read "--min-score -0.5" as options.
    parser.add_argument("--null", action="store_true", help="print only the paths, each ended by a NUL byte (xargs -0)")
    parser.add_argument(
        "--explain", action="store_true", help="say why each photo matched: each term's score, and what it looks like"
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="photoclip", description=DESCRIPTION, epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"photoclip {__version__}")
    _common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str, library_help: str = LIBRARY_HELP) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _common(sub, top=False, library_help=library_help)
        return sub

    index = command("index", "add folders to the library and index new, changed, moved and deleted photos")
    index.add_argument("folders", nargs="*", metavar="DIR", type=A_FOLDER, help="folders to add (default: rescan all)")
    index.add_argument("--no-download", action="store_true", help="never download the model")
    index.add_argument(
        "--exclude",
        action="append",
        metavar="SUBFOLDER",
        type=A_FOLDER,
        default=[],
        help="leave a sub-folder of the given folder out (repeatable)",
    )

    search = command("search", "find photos by words, by an image, or both")
    search.epilog = syntax_text()  # the same list as the window's Help page
    search.formatter_class = argparse.RawDescriptionHelpFormatter
    search.add_argument(
        "query",
        nargs="+",
        help='e.g. "a dog on a beach", "beach -people", "2:sunset + lake", a path to an image, tag:beach; '
        'dates are a filter: "beach 2019", "snow in december", "sunset last summer", "2019" alone',
    )
    _search_options(search)

    similar = command("similar", "find the photos most like a photo (from the library or not)")
    similar.add_argument(
        "photo", type=A_PHOTO, help="path of a photo, or the file name of a library photo (cat.jpg, trip/cat.jpg)"
    )
    _search_options(similar)

    status = command("status", "show the library's folders, counts and model")
    status.add_argument("--json", action="store_true")
    status.add_argument("--errors", action="store_true", help="list the files that could not be read, and why")

    remove = command(
        "remove",
        "take a watched folder out of the library (the files are not touched; its photos' tags and "
        "collections come back if the folder is added again)",
    )
    remove.add_argument("folder", metavar="DIR", type=A_FOLDER)

    relocate = command("relocate", "a watched folder moved (renamed, or a drive mounted elsewhere): follow it")
    relocate.add_argument(
        "old", metavar="OLD", type=A_FOLDER, help="the folder as the library knows it (see 'photoclip status')"
    )
    relocate.add_argument("new", metavar="NEW", type=A_FOLDER, help="where it is now")

    models = command("models", "list the supported models; download, export or choose one")
    models.add_argument(
        "--download",
        metavar="ID",
        nargs="?",
        const="",
        help="fetch a model and get it ready to run here (default: the library's)",
    )
    models.add_argument(
        "--export",
        metavar="ID",
        nargs="?",
        const="",
        help="make ONNX graphs from open_clip weights here (--weights FILE, or downloaded ones); needs torch",
    )
    models.add_argument("--use", metavar="ID", help="make this the library's model")
    models.add_argument("--json", action="store_true")

    demo = command(
        "demo",
        "build a demo library of its own, of generated pictures indexed with the bundled small model",
        DEMO_LIBRARY_HELP,
    )
    demo.add_argument("--count", type=at_least(1), default=300, help="how many pictures (default 300)")
    demo.add_argument(
        "--folder", metavar="DIR", type=A_FOLDER, help="where to write them (default: inside the demo library)"
    )
    demo.add_argument(
        "--max-size", type=at_least(64), default=1600, help="largest picture side in px, 64 or more (default 1600)"
    )
    duplicates = command("duplicates", "list copies of one photo (identical files; with --near also resized or edited)")
    duplicates.add_argument("--near", action="store_true", help="also resized, re-encoded, cropped or edited copies")
    duplicates.add_argument("--json", action="store_true", help="print JSON")
    duplicates.add_argument(
        "--trash", action="store_true", help="move every copy but the kept one to the system trash (asks first)"
    )
    duplicates.add_argument(
        "--yes",
        action="store_true",
        help="with --trash: do not ask (for scripts); moves only identical, resized and re-encoded copies",
    )
    history = command("history", "the searches run in the window, most recent first (the command line keeps none)")
    history.add_argument("--clear", action="store_true", help="forget every search")
    history.add_argument("--forget", metavar="TEXT", help="forget one search")
    history.add_argument("--json", action="store_true", help="print JSON")
    _tagging_parsers(command)
    return parser


def _tagging_parsers(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """The tagging subcommands: tag, tags, review, collection."""
    tag = command("tag", "tag an album's photos with labels the model was never trained on")
    tag.add_argument(
        "album", nargs="?", type=AN_ALBUM, help="a folder of the library, @collection, or nothing for all photos"
    )
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

    tags = command(
        "tags", "show, accept, reject or add the tags of a photo; without one: list, rename, merge or delete tags"
    )
    tags.add_argument(
        "photo", nargs="?", type=A_PHOTO_PATH, help="path of a library photo (none: every tag, with its counts)"
    )
    tags.add_argument(
        "--accept",
        action="append",
        nargs="?",
        const=None,  # tag_commands.ALL: every suggestion of the photo
        default=[],
        metavar="LABEL",
        help="accept this suggestion (repeatable); without a label: all of the photo's suggestions",
    )
    tags.add_argument(
        "--reject",
        action="append",
        nargs="?",
        const=None,  # refused, naming the labels to choose from: rejecting every tag at once is rarely meant
        default=[],
        metavar="LABEL",
        help="reject this tag (repeatable; a label is needed: 'review TAG --reject-all' rejects a tag everywhere)",
    )
    tags.add_argument("--add", action="append", default=[], metavar="LABEL")
    edit = tags.add_mutually_exclusive_group()
    edit.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"), help="rename a tag on every photo")
    edit.add_argument("--merge", nargs="+", metavar="LABEL", help="make these tags one (with --into NAME)")
    edit.add_argument(
        "--delete", metavar="LABEL", help="take a tag off every photo (asks first when photos have it accepted)"
    )
    tags.add_argument("--into", metavar="NAME", help="with --merge: the tag they become (may be one of them)")
    tags.add_argument(
        "--yes", action="store_true", help="with --delete: do not ask, even when photos have the tag accepted"
    )

    review = command("review", "review suggested tags in bulk: a tag's suggestions, or an album's")
    review.add_argument("tag", nargs="?", help="the tag to review (none: the tags with suggestions, and counts)")
    review.add_argument("--album", type=AN_ALBUM, help="only the photos of this folder of the library or @collection")
    review.add_argument("--accept-all", action="store_true", help="accept every suggestion of the tag")
    review.add_argument("--reject-all", action="store_true", help="reject every suggestion of the tag")
    review.add_argument(
        "--accept", action="extend", nargs="+", default=[], metavar="PHOTO", type=A_PHOTO_PATH, help="accept for these"
    )
    review.add_argument(
        "--reject", action="extend", nargs="+", default=[], metavar="PHOTO", type=A_PHOTO_PATH, help="reject for these"
    )
    review.add_argument("--by-photo", action="store_true", help="list the photos with suggestions, each with them")

    collection = command("collection", "albums that are not folders: saved searches and hand-picked sets")
    collection.add_argument("action", choices=("list", "save", "add", "show", "rename", "delete", "remove"))
    collection.add_argument("name", nargs="?")
    collection.add_argument(
        "photos",
        nargs="*",
        type=named("a photo", "give its path (with 'rename': the new name)"),
        help="photos to add or remove (with 'add', 'remove'); the new name (with 'rename')",
    )
    collection.add_argument("--query", help="with 'save': the search this collection runs")
