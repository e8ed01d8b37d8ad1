"""The library's watched folders and photos, as the faces see them (part of :class:`Library`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.core.errors import PhotoclipError
from photoclip.core.paths import expand_home
from photoclip.core.records import PhotoRow, Root
from photoclip.core.root_moves import same_photos
from photoclip.core.scanner import offline_reason

if TYPE_CHECKING:
    from photoclip.core.catalog import Catalog
    from photoclip.core.lockfile import WriterSection
    from photoclip.core.vectors import VectorIndex


class FoldersMixin:
    """Watched folders (add, remove, exclude sub-folders) and photos by id or path."""

    catalog: Catalog
    _indexes: dict[str, VectorIndex]

    def _writing(self, wait: bool = True) -> WriterSection:
        raise NotImplementedError

    def roots(self) -> list[Root]:
        """The watched folders."""
        return self.catalog.roots()

    def add_root(self, path: Path | str) -> Root:
        """Adds a folder to watch. A folder inside an existing one is refused (one excluded from it
        is taken back in, its photos indexed at the next scan); watched folders inside the new one
        become part of it, their photos kept as they are (nothing is read
        again: adding "Pictures" after "Pictures/2019" costs only the photos new to the library)."""
        folder = expand_home(path).resolve()
        if not folder.is_dir():
            raise PhotoclipError(f"{folder} is not a folder.")
        inner = []
        for root in self.catalog.roots():
            if folder == root.path:
                return root
            if root.path in folder.parents:
                inside = folder.relative_to(root.path).as_posix()
                if inside in (e.strip("/") for e in root.excluded):  # left out once: asked for again
                    self.include_folder(root.id, inside)
                    return self.find_root(root.id)
                raise PhotoclipError(f"{folder} is already in the library, inside {root.path}.")
            if folder in root.path.parents:
                inner.append(root)
        if not inner:
            return self.catalog.add_root(folder)
        for root in inner:
            if not root.path.is_dir():  # the new folder's scan would find its photos gone and drop them
                raise PhotoclipError(
                    f"{folder} holds {root.path}, a watched folder that is offline now: connect it (or "
                    f"'photoclip remove' it), then add {folder}."
                )
        # No index run may write the folders taken in meanwhile; one that is going on is not waited
        # for (the window would freeze until it ends): the user is asked to add the folder after it.
        with self._writing(wait=False):
            outer = self.catalog.add_root(folder)
            for root in inner:
                self.catalog.absorb_root(root.id, outer.id, root.path.relative_to(folder).as_posix())
        return self.find_root(outer.id)  # with the exclusions it took over

    def find_root(self, path_or_id: Path | str | int) -> Root:
        """A watched folder by id or path (raises if it is not one)."""
        if isinstance(path_or_id, int) or str(path_or_id).isdigit():
            root = self.catalog.root(int(str(path_or_id)))
        else:
            root = self.catalog.root_by_path(Path(path_or_id))
        if root is None:
            raise PhotoclipError(f"{path_or_id} is not a folder of this library (see 'photoclip status').")
        return root

    def find_root_or_none(self, path: Path | str) -> Root | None:
        """The watched folder at exactly ``path``, or None."""
        return self.catalog.root_by_path(Path(path))

    def remove_root(self, path_or_id: Path | str | int) -> int:
        """Forgets a watched folder and its photos; the files themselves are never touched."""
        root = self.find_root(path_or_id)
        with self._writing():
            ids = self.catalog.filter_photo_ids(roots=[root.id])
            removed = self.catalog.remove_root(root.id)
            for index in self._indexes.values():
                index.remove(ids, generation=self.catalog.generation)
                index.save()
        return removed

    def find_moved_root(self, path: Path | str) -> Root | None:
        """The offline watched folder whose photos are at ``path`` (renamed or moved while photoclip
        was closed, or a drive mounted elsewhere), or None.

        A folder matches when the photos sampled from the old one are at the same relative paths
        under ``path`` with the same bytes (fingerprints).
        """
        folder = expand_home(path).resolve()
        counts = self.catalog.root_counts()
        for root in self.catalog.roots():
            if root.path == folder or not counts.get(root.id) or offline_reason(root, counts[root.id]) is None:
                continue
            if same_photos(self.catalog, root, folder):
                return root
        return None

    def relocate_root(self, root_id: int, path: Path | str) -> Root:
        """Points a watched folder at where it is now, keeping its photos' ids, vectors, tags and
        collections, after checking that the photos there are the same ones (by their bytes).

        Raises :class:`PhotoclipError` saying why when ``path`` does not hold the folder's photos.
        """
        root = self.find_root(root_id)
        folder = expand_home(path).resolve()
        if not folder.is_dir():
            raise PhotoclipError(f"{folder} is not a folder.")
        for other in self.catalog.roots():
            if other.id != root.id and (
                other.path == folder or other.path in folder.parents or folder in other.path.parents
            ):
                raise PhotoclipError(f"{folder} overlaps {other.path}, which is already in the library.")
        if not same_photos(self.catalog, root, folder):
            raise PhotoclipError(
                f"The photos in {folder} are not those of {root.path}: none of the photos sampled from it are there "
                "with the same content. Choose the folder the photos were moved to."
            )
        with self._writing():
            self.catalog.move_root(root.id, folder)
        return self.find_root(root.id)

    def folder_of(self, path: Path | str) -> tuple[Root, str]:
        """The watched folder holding ``path`` and the path's folder relative to it ('' at its top).

        Raises :class:`PhotoclipError` when ``path`` is not inside a folder of the library.
        """
        wanted = expand_home(path).resolve()
        for root in self.catalog.roots():
            if wanted == root.path or root.path in wanted.parents:
                return root, "" if wanted == root.path else wanted.relative_to(root.path).as_posix()
        raise PhotoclipError(f"{wanted} is not inside a folder of this library (see 'photoclip status').")

    def exclude_folder(self, root_id: int, folder: str) -> None:
        """Leaves a sub-folder of a watched folder out of the library (its photos go at the next scan)."""
        root = self.find_root(root_id)
        self.catalog.set_root_excluded(root.id, [*root.excluded, folder])

    def include_folder(self, root_id: int, folder: str) -> None:
        """Takes an excluded sub-folder back in (indexed at the next scan)."""
        root = self.find_root(root_id)
        self.catalog.set_root_excluded(root.id, [f for f in root.excluded if f.strip("/") != folder.strip("/")])

    def root_counts(self) -> dict[int, int]:
        """Photos per watched folder, as its photos are listed (an unreadable file is not one)."""
        return self.catalog.root_counts(listed_only=True)

    def folder_counts(self, root_id: int) -> dict[str, int]:
        """Photos per sub-folder (relative) of a watched folder, each counted on its own, as listed."""
        return self.catalog.folder_counts(root_id, listed_only=True)

    # -- photos ------------------------------------------------------------------------------
    def photo(self, photo_id: int) -> PhotoRow | None:
        """One photo by id."""
        return self.catalog.photo(photo_id)

    def photos(self, photo_ids: Sequence[int]) -> list[PhotoRow]:
        """Photos by id, in the order asked (ids no longer there are skipped)."""
        return self.catalog.photos_by_ids(photo_ids)

    def photo_at(self, path: Path | str) -> PhotoRow | None:
        """The library's photo at ``path``, if it is one."""
        return self.catalog.photo_by_path(Path(path))

    def require_photo(self, path: Path | str) -> PhotoRow:
        """The library's photo at ``path``; raises saying so when it is not one."""
        photo = self.photo_at(path)
        if photo is None:
            raise PhotoclipError(f"{path} is not a photo of this library.")
        return photo

    def unreadable(self, folder: tuple[int, str] | None = None) -> list[PhotoRow]:
        """The files that could not be read, with their reasons; in ``folder`` (root id, relative
        folder, its sub-folders included) when given."""
        return self.catalog.errors(folder)

    def unreadable_count(self) -> int:
        """How many files could not be read (this run or before)."""
        return self.catalog.counts()["errors"]

    def photo_count(self) -> int:
        """How many photos the library holds (readable or not)."""
        return self.catalog.counts()["photos"]

    def data_version(self) -> int:
        """Changes when someone else (another window, a command in a terminal) changed the library."""
        return self.catalog.data_version()

    def vector_counts(self) -> dict[str, int]:
        """Model id -> how many photos have a vector of it."""
        return self.catalog.models_with_vectors()
