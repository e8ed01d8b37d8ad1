"""Duplicate photos, as the faces see them (part of :class:`Library`): finding the groups, and
moving chosen copies to the system trash.

Moving to the trash is the only thing photoclip ever does to a user's files, so it is careful:
only copies of a group the user was shown, never the group's kept copy, and only while the kept
copy is still on disk as it was compared (so the picture always survives in one copy); a copy
said to hold identical bytes has them checked again first. Files go to the system trash (the
user can restore them), never deleted; then the library forgets them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from photoclip.core.duplicate_finder import DuplicateFinder, Progress, file_identity
from photoclip.core.duplicates import CopyKind, DuplicateGroup, TrashReport
from photoclip.core.errors import PhotoclipError
from photoclip.core.images import fingerprint, read_bytes
from photoclip.core.records import PhotoRow

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.lockfile import WriterSection
    from photoclip.core.models.registry import ModelSpec
    from photoclip.core.paths import LibraryPaths
    from photoclip.core.vectors import VectorIndex

log = logging.getLogger(__name__)


class DuplicatesMixin:
    """Groups of duplicate photos, and moving copies to the system trash."""

    catalog: Catalog
    paths: LibraryPaths
    _indexes: dict[str, VectorIndex]

    if TYPE_CHECKING:  # parts of the Library that live beside this one

        def index(self, model_id: str | None = None) -> VectorIndex: ...

        @property
        def search_spec(self) -> ModelSpec: ...

        def _writing(self) -> WriterSection: ...

        def check_writable(self) -> None: ...

    def duplicates(self, near: bool = False, *, progress: Progress | None = None) -> list[DuplicateGroup]:
        """Groups of copies of one picture among the reachable photos, the most space to gain first;
        in each, the copy to keep first (the most pixels, an EXIF date, lossless unless saved from a
        lossy copy, oldest, the larger file: :func:`photoclip.core.duplicates.make_group`).

        Without ``near`` only identical files (same bytes); with it also resized, re-encoded,
        cropped and lightly edited copies, and bursts, found from the stored vectors (no model is
        loaded) and confirmed from the grid thumbnails. ``progress(done, total)`` follows the
        looking at thumbnails, the slow part.
        """
        index = self.index(self.search_spec.id) if near else None
        return DuplicateFinder(self.catalog, index, self.paths.thumbnails).find(near=near, progress=progress)

    def move_to_trash(self, photo_ids: Sequence[int], groups: Sequence[DuplicateGroup] | None = None) -> TrashReport:
        """Moves the chosen copies to the system trash and forgets them; returns what moved and
        what stayed (and why).

        Each photo must be a copy (not the kept one) of one of ``groups`` (default: the groups
        :meth:`duplicates` finds with ``near`` now); the group's kept copy must still be on disk
        unchanged, and the copy unchanged since it was compared. Nothing is ever deleted.
        """
        try:
            from send2trash import send2trash
        except ImportError as exc:  # a broken install; deleting instead is not an option
            raise PhotoclipError("Moving to the trash needs the send2trash package: pip install send2trash") from exc
        self.check_writable()
        wanted = list(dict.fromkeys(int(i) for i in photo_ids))
        if groups is None:
            groups = self.duplicates(near=True)
        group_of = {photo_id: group for group in groups for photo_id in group.ids()}
        trashed: list[PhotoRow] = []
        refused: list[tuple[int, str]] = []
        with self._writing():
            for photo_id in wanted:
                group = group_of.get(photo_id)
                reason = (
                    self._why_not(photo_id, group) if group is not None else "it is not a copy in a duplicate group"
                )
                photo = self.catalog.photo(photo_id)
                if reason is None and photo is not None:
                    try:
                        send2trash(str(photo.path))
                    except Exception as exc:  # send2trash raises OSError and its own errors
                        reason = f"it could not be moved to the trash ({exc})"
                    else:
                        if photo.path.exists():
                            reason = "it is still in its folder after being moved to the trash"
                        else:
                            trashed.append(photo)
                            continue
                where = f"{photo.path}: " if photo is not None else f"photo {photo_id}: "
                refused.append((photo_id, where + (reason or "it is no longer in the library")))
            if trashed:
                self._forget([p.id for p in trashed])
        return TrashReport(trashed=tuple(trashed), refused=tuple(refused))

    def _why_not(self, photo_id: int, group: DuplicateGroup) -> str | None:
        """Why a copy of ``group`` must stay, or None when it may go to the trash."""
        if photo_id == group.keep.id:
            return "it is the copy kept for its group, which never goes to the trash"
        photo = self.catalog.photo(photo_id)
        kept = self.catalog.photo(group.keep.id)
        shown = next(c for c in group.copies if c.photo.id == photo_id)
        if photo is None:
            return "it is no longer in the library"
        if kept is None or not _as_compared(kept, group.keep):
            return (
                f"the copy kept for its group ({group.keep.path}) is no longer there as it was compared "
                "(moved, changed or offline), so this copy stays"
            )
        if not _as_compared(photo, shown.photo):
            return "it changed since it was compared (find the duplicates again)"
        if (identity := file_identity(photo.path)) is not None and identity == file_identity(kept.path):
            return "it is the kept copy's own file reached by another path (a link): trashing it would remove the photo"
        if shown.kind == CopyKind.IDENTICAL:
            try:
                same = fingerprint(read_bytes(photo.path)) == fingerprint(read_bytes(kept.path)) == kept.fingerprint
            except PhotoclipError as exc:
                return f"its bytes could not be checked against the kept copy ({exc})"
            if not same:
                return "its bytes are no longer those of the kept copy"
        return None

    def _forget(self, photo_ids: list[int]) -> None:
        """Takes trashed photos out of the catalog and the vector indexes (tags kept by fingerprint)."""
        self.catalog.delete_photos(photo_ids)
        for index in self._indexes.values():
            index.remove(photo_ids, generation=self.catalog.generation)
            try:
                index.save()
            except OSError as exc:  # the index is rebuilt from the catalog when it is next opened
                log.warning("could not save the %s index: %s", index.model, exc)


def _as_compared(now: PhotoRow, then: PhotoRow) -> bool:
    """True when the photo's file is on disk, reachable, at the same path, size and time as when
    its group was found."""
    if not now.online or now.path != then.path or (now.size, now.mtime_ns) != (then.size, then.mtime_ns):
        return False
    try:
        stat = os.stat(now.path)
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (now.size, now.mtime_ns)
