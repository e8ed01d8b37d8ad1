"""Walking watched folders and comparing what is on disk with the catalog (stat only, no reads)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from photoclip.core.catalog import Catalog, Root
from photoclip.core.images import SUPPORTED_EXTENSIONS
from photoclip.core.records import PhotoStatus

#: Folders that hold caches, trash or other programs' data, never a user's photos.
SKIPPED_FOLDERS = frozenset(
    {"@eaDir", "#recycle", "$RECYCLE.BIN", "System Volume Information", "__MACOSX", "lost+found", "node_modules"}
)

#: Why a link named like a photo (``beach.jpg -> /media/usb/beach.jpg``) was skipped: a missing
#: file, not a folder. A photo already indexed from it is kept (shown offline) until it is back.
PHOTO_LINK_MISSING = "link target missing"
#: Why a link to anything else was not followed: most likely a folder on an unplugged drive.
FOLDER_LINK_MISSING = "link target missing (drive unplugged?)"


@dataclass(frozen=True)
class FileStat:
    """A photo file as the folder walk saw it."""

    relpath: str  # POSIX-style, relative to the root
    size: int
    mtime_ns: int


@dataclass
class ScanDiff:
    """How a root (or a part of it) differs from the catalog."""

    root: Root
    new: list[FileStat] = field(default_factory=list)
    changed: list[tuple[int, FileStat]] = field(default_factory=list)
    vanished: list[int] = field(default_factory=list)
    unchanged: int = 0
    walk_errors: list[str] = field(default_factory=list)
    #: relpath (a file or a folder, '' for the watched folder itself) -> why it could not be reached.
    #: The photos known under such a path are kept, not counted as vanished.
    unreachable: dict[str, str] = field(default_factory=dict)
    #: Links named like photos whose target is gone ("path: reason"): files skipped, not folders
    #: offline. They are in ``unreachable`` too, so a photo indexed from one is kept.
    skipped: list[str] = field(default_factory=list)


def walk(
    root: Path,
    excluded: tuple[str, ...] = (),
    under: str = "",
    errors: list[str] | None = None,
    unreachable: dict[str, str] | None = None,
    other_roots: tuple[Path, ...] = (),
    skipped: list[str] | None = None,
) -> Iterator[FileStat]:
    """Yields every photo file below ``root`` (or below its sub-folder ``under``).

    Hidden folders, other programs' cache folders and excluded sub-folders are skipped. Links are
    followed, but not into what the library reaches anyway or leaves out (see :class:`_Links`), and
    a loop is cut where it comes back to a folder already seen. What cannot be reached (a folder
    that cannot be listed, a link whose target is gone) is put in ``unreachable`` (relpath ->
    reason) and described in ``errors``, the watched folder itself as '' when it cannot be looked at
    (gone mid-run), even when only a sub-folder was asked for; a sub-folder asked for that cannot
    be looked at in a folder that is there is no error (its photos are gone). A link named like a
    photo whose target is gone is a missing file, not a folder: it is described in ``skipped``.
    """
    excluded_set = {e.strip("/") for e in excluded}
    under = under.strip("/")
    if under and any(_under(under, e) for e in excluded_set):
        return  # the folder asked for is itself left out: nothing in it belongs to the library
    start = root / under if under else root
    seen: set[tuple[int, int]] = set()
    stack = [(start, False)]  # a folder, and whether the walk came to it through a link
    links = _Links(root, excluded_set, other_roots)

    def cannot_reach(path: Path, reason: str, described: list[str] | None = errors) -> None:
        if described is not None:
            described.append(f"{path}: {reason}")
        if unreachable is not None:
            unreachable[Path(path).relative_to(root).as_posix() if path != root else ""] = reason

    while stack:
        folder, linked = stack.pop()
        try:
            info = folder.stat()
        except OSError as exc:
            if folder != start:
                cannot_reach(folder, exc.strerror or str(exc))
            elif (whole := _root_cannot_be_reached(root, start, exc)) is not None:
                # The watched folder itself went away (unplugged mid-run): said so, not listed as
                # empty, which counted all its photos as deleted (and deleted them when the folder
                # was back by the end of the run). A sub-folder gone from a folder that is there
                # is no error: its photos are gone.
                cannot_reach(root, whole)
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            continue  # a symlink loop, or two links to one folder
        seen.add(key)
        if linked and links.elsewhere(key):
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            cannot_reach(folder, exc.strerror or str(exc))
            continue
        for entry in entries:
            name = entry.name
            try:
                is_link = entry.is_symlink()
                if is_link and not os.path.exists(entry.path):
                    # A link to a folder or photo on a drive that is not there now: what it held stays.
                    if names_a_photo(name):
                        cannot_reach(Path(entry.path), PHOTO_LINK_MISSING, skipped)
                    elif not name.startswith("."):
                        cannot_reach(Path(entry.path), FOLDER_LINK_MISSING)
                    continue
                if is_link and links.reached_anyway(entry.path):
                    continue
                if entry.is_dir(follow_symlinks=True):
                    if name.startswith(".") or name in SKIPPED_FOLDERS:
                        continue
                    rel = Path(entry.path).relative_to(root).as_posix()
                    if rel in excluded_set:
                        continue
                    stack.append((Path(entry.path), linked or is_link))
                    continue
                if not names_a_photo(name):
                    continue
                st = entry.stat(follow_symlinks=True)
                if not stat.S_ISREG(st.st_mode):
                    continue
            except OSError:
                continue  # vanished between listing and stat
            yield FileStat(Path(entry.path).relative_to(root).as_posix(), st.st_size, st.st_mtime_ns)


def _root_cannot_be_reached(root: Path, start: Path, exc: OSError) -> str | None:
    """Why the walk of ``root`` (from ``start``, the folder or its sub-folder asked for) cannot
    reach the watched folder itself, when ``start`` could not be looked at; None when it can."""
    if start != root:
        try:
            root.stat()
        except OSError as root_exc:
            exc = root_exc
        else:
            return None
    return exc.strerror or str(exc)


def names_a_photo(name: str) -> bool:
    """Whether a file of this name is one the walk indexes (a known image extension; not a
    macOS ``._`` resource fork)."""
    return not name.startswith("._") and os.path.splitext(name)[1].lower() in SUPPORTED_EXTENSIONS


def is_missing_photo(root: Path, relpath: str) -> bool:
    """Whether an unreachable path of a root (see :attr:`ScanDiff.unreachable`) is a photo file
    whose link lost its target rather than a folder: named like a photo and not a folder now. A
    folder that cannot be listed is still a folder, whatever its name."""
    return bool(relpath) and names_a_photo(relpath.rpartition("/")[2]) and not os.path.isdir(root / relpath)


class _Links:
    """Where the walk's links lead, worked out only when it meets one (most folders hold none).

    A link is not followed into what the library reaches anyway or leaves out: another library
    folder, a folder of this one the walk enters under its own name, an excluded folder. Following
    it listed a photo twice, filed it under the link's name (``best/`` for ``2019/``, so
    ``folder:2019`` missed it) and brought excluded photos in. A link into a hidden folder of this
    one (git-annex keeps every photo in ``.git/annex``) is followed: the walk never goes there.
    """

    def __init__(self, root: Path, excluded: set[str], other_roots: tuple[Path, ...]) -> None:
        self.root = root
        self.excluded = excluded
        self.other_roots = other_roots  # as stored: resolved when added, never touched unless needed
        self._bases: tuple[Path, ...] | None = None
        self._stops: set[tuple[int, int]] | None = None

    def reached_anyway(self, link: str) -> bool:
        """Whether following ``link`` would list what the library lists elsewhere or leaves out."""
        target = Path(os.path.realpath(link))
        if any(_within(target, other) for other in self.other_roots):
            return True
        if self._bases is None:
            self._bases = (self.root, Path(os.path.realpath(self.root)))
        for base in self._bases:
            if _within(target, base):
                rel = target.relative_to(base).as_posix()
                if any(_under(rel, e) for e in self.excluded):
                    return True
                folders = Path(rel).parts if target.is_dir() else Path(rel).parts[:-1]
                return not any(part.startswith(".") or part in SKIPPED_FOLDERS for part in folders)
        return False

    def elsewhere(self, key: tuple[int, int]) -> bool:
        """Whether a folder the walk came to through a link (say one that holds another library
        folder) is another library folder or an excluded one: its photos are listed there, or not."""
        if self._stops is None:
            self._stops = set()
            for folder in (*self.other_roots, *(self.root / e for e in self.excluded)):
                try:
                    info = folder.stat()
                except OSError:
                    continue  # an offline library folder: nothing of it can be reached this way either
                self._stops.add((info.st_dev, info.st_ino))
        return key in self._stops


def offline_reason(root: Root, known_photos: int) -> str | None:
    """Why a root must be treated as offline (its photos kept), or None when it is there.

    A missing folder is offline; so is an empty one that used to hold photos, which is what an
    unmounted drive or share leaves behind at its mount point.
    """
    path = root.path
    try:
        if not path.is_dir():
            return "folder not found (drive unplugged or share not mounted?)"
        if known_photos and not any(os.scandir(path)):
            return "folder is empty (drive or share not mounted?)"
    except OSError as exc:
        return f"folder cannot be read ({exc.strerror or exc})"
    return None


def diff_root(catalog: Catalog, root: Root, under: str = "") -> ScanDiff:
    """Compares a root (or its sub-folder ``under``) on disk with the catalog; links into the
    library's other folders are not followed (see :func:`walk`)."""
    diff = ScanDiff(root)
    known = catalog.photo_stats(root.id)
    prefix = under.strip("/") + "/" if under.strip("/") else ""
    if prefix:
        known = {rel: v for rel, v in known.items() if rel.startswith(prefix)}
    seen: set[str] = set()
    others = tuple(r.path for r in catalog.roots() if r.id != root.id)
    found = walk(root.path, root.excluded, under.strip("/"), diff.walk_errors, diff.unreachable, others, diff.skipped)
    for item in found:
        seen.add(item.relpath)
        entry = known.get(item.relpath)
        if entry is None:
            diff.new.append(item)
        elif entry[1] != item.size or entry[2] != item.mtime_ns:
            diff.changed.append((entry[0], item))
        elif entry[3] != PhotoStatus.PENDING:  # one found by a run that stopped before reading it is still to do
            diff.unchanged += 1
    # Files gone from disk, and those in a sub-folder the user has just excluded (never walked);
    # not those under a path the walk could not reach, which may well still be there.
    blocked = tuple(diff.unreachable)
    diff.vanished = [
        v[0] for rel, v in known.items() if rel not in seen and not any(_under(rel, path) for path in blocked)
    ]
    return diff


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _under(relpath: str, path: str) -> bool:
    """Whether ``relpath`` is ``path`` or lies below it ('' holds everything)."""
    return not path or relpath == path or relpath.startswith(path + "/")
