"""Errors that photoclip explains to the user: each carries a message that says what to do."""

from __future__ import annotations

from pathlib import Path


class PhotoclipError(Exception):
    """Base of errors with a message meant for the user, shown without a traceback."""


class CatalogError(PhotoclipError):
    """The catalog cannot be opened or used."""

    @classmethod
    def corrupt(cls, path: Path, detail: object) -> CatalogError:
        """The message for a damaged catalog file: keep it, restore a backup or start afresh."""
        return cls(
            f"The library catalog {path} is damaged ({detail}). photoclip has not changed it. "
            f"Restore a copy from {Path(path).parent / 'backups'} if one is there, or move the file "
            "aside and run 'photoclip index' again to rebuild the library from your folders."
        )


class ModelError(PhotoclipError):
    """A model cannot be found, fetched or loaded."""


class ImageError(PhotoclipError):
    """A file cannot be read as a photo; the message is the reason recorded for it."""


class FileVanished(ImageError):
    """The file was there when the folder was scanned and is gone now (deleted, moved, or its
    drive went away): not a fault of the file, so it is not recorded as one."""


class DiskFull(PhotoclipError):
    """The disk holding the library or its cache is full; the run stopped and kept what it had."""
