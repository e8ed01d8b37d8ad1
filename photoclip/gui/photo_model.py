"""The grid's model: photo ids (and scores) in an array; rows are built only when the view asks.

A result set of 100k photos costs two NumPy arrays. Photo rows are fetched a page at a time (by the
callable it is given, ``Library.photos``) for the rows the view paints and kept in a small cache;
thumbnails come from the ThumbnailLoader.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt, QUrl

from photoclip.core.records import PhotoRow
from photoclip.gui.date_labels import photo_date_tooltip
from photoclip.gui.thumbnails import ThumbnailLoader

PhotoRole = Qt.ItemDataRole.UserRole + 1
ScoreRole = Qt.ItemDataRole.UserRole + 2
IdRole = Qt.ItemDataRole.UserRole + 3
PAGE = 200


class PhotoListModel(QAbstractListModel):
    """A list of photos by id, with optional scores; ``fetch`` gives the rows of ids (in any order,
    skipping ids no longer there)."""

    def __init__(
        self,
        fetch: Callable[[Sequence[int]], list[PhotoRow]],
        thumbnails: ThumbnailLoader,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.fetch = fetch
        self.thumbnails = thumbnails
        self.ids = np.zeros(0, dtype=np.int64)
        self.scores: np.ndarray | None = None
        self._rows: collections.OrderedDict[int, PhotoRow] = collections.OrderedDict()
        self._row_of: dict[int, int] | None = None
        thumbnails.ready.connect(self._thumbnail_ready)

    # -- contents ----------------------------------------------------------------------------
    def set_photos(
        self,
        ids: np.ndarray | list[int],
        scores: np.ndarray | list[float] | None = None,
        rows: list[PhotoRow] | None = None,
    ) -> None:
        """Replaces the list (a search result, a folder, a tag)."""
        self.beginResetModel()
        self.ids = np.asarray(ids, dtype=np.int64)
        self.scores = None if scores is None else np.asarray(scores, dtype=np.float32)
        self._row_of = None
        if rows:
            for row in rows[: PAGE * 5]:
                self._remember(row)
        self.endResetModel()

    def remove_ids(self, ids: set[int]) -> None:
        """Takes photos out of the list (deleted from the library)."""
        keep = ~np.isin(self.ids, np.fromiter(ids, dtype=np.int64, count=len(ids)))
        if keep.all():
            return
        self.set_photos(self.ids[keep], None if self.scores is None else self.scores[keep])

    def invalidate(self, ids: set[int] | None = None) -> None:
        """Forgets cached photo rows (they changed: a move, an offline root, new tags)."""
        if ids is None:
            self._rows.clear()
        else:
            for photo_id in ids:
                self._rows.pop(photo_id, None)
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

    def photo_at(self, row: int) -> PhotoRow | None:
        """The row of the photo at ``row`` (fetched with its page if needed)."""
        if not 0 <= row < len(self.ids):
            return None
        photo_id = int(self.ids[row])
        photo = self._rows.get(photo_id)
        if photo is None:
            start = (row // PAGE) * PAGE
            for fetched in self.fetch(self.ids[start : start + PAGE].tolist()):
                self._remember(fetched)
            photo = self._rows.get(photo_id)
        else:
            self._rows.move_to_end(photo_id)
        return photo

    def _remember(self, photo: PhotoRow) -> None:
        self._rows[photo.id] = photo
        while len(self._rows) > PAGE * 25:
            self._rows.popitem(last=False)

    def thumbnail_at(self, row: int) -> object:
        """The thumbnail (a QImage) of the photo at ``row``, or None while it loads."""
        photo = self.photo_at(row)
        return None if photo is None else self.thumbnails.get(photo.id, photo.fingerprint, photo.path)

    def score_at(self, row: int) -> float | None:
        """The relevance of the photo at ``row`` (None when the list is not a search)."""
        return None if self.scores is None or not 0 <= row < len(self.scores) else float(self.scores[row])

    def row_of(self, photo_id: int) -> int | None:
        """The row showing ``photo_id``, if it is in the list."""
        if self._row_of is None:
            self._row_of = {int(i): r for r, i in enumerate(self.ids.tolist())}
        return self._row_of.get(photo_id)

    # -- Qt model interface ------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.ids)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = index.row()
        if role == IdRole:
            return int(self.ids[row])
        if role == ScoreRole:
            return None if self.scores is None else float(self.scores[row])
        photo = self.photo_at(row)
        if photo is None:
            return None
        if role == PhotoRole:
            return photo
        if role == Qt.ItemDataRole.DisplayRole:
            return Path(photo.relpath).name
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnails.get(photo.id, photo.fingerprint, photo.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            score = "" if self.scores is None else f"\nrelevance {float(self.scores[row]):.3f}"
            size = f"\n{photo.width} × {photo.height}" if photo.width else ""
            offline = "\n(offline: its drive or share is not connected)" if not photo.online else ""
            when = f"\n{photo_date_tooltip(photo.taken_at, photo.date_source)}" if photo.taken_at is not None else ""
            return f"{photo.path}{size}{when}{score}{offline}"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        """Dragged thumbnails travel as file URLs, which file managers and editors accept."""
        mime = QMimeData()
        urls = []
        for index in indexes:
            photo = self.photo_at(index.row())
            if photo is not None:
                urls.append(QUrl.fromLocalFile(str(photo.path)))
        mime.setUrls(urls)
        mime.setText("\n".join(u.toLocalFile() for u in urls))
        return mime

    def _thumbnail_ready(self, photo_id: int) -> None:
        row = self.row_of(photo_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
