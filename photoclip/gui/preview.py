"""The preview: the photo large, with what the library knows about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from photoclip.core.formatting import format_bytes
from photoclip.core.records import PhotoRow
from photoclip.gui.tasks import TaskRunner

PREVIEW_SIZE = 1600


def load_preview(photo: PhotoRow, thumbnails: Path | None = None) -> tuple[QImage, str]:
    """Decodes a photo upright at preview size (runs in the background); returns it and a note.

    When the file cannot be reached (its drive unplugged, or it is gone), the thumbnail photoclip
    keeps in ``thumbnails`` is shown instead, with a note saying so."""
    from photoclip.core import images

    try:
        image = images.open_upright(photo.path, min_short_side=PREVIEW_SIZE // 2)
    except Exception:
        cached = images.thumbnail_path(thumbnails, photo.fingerprint) if thumbnails and photo.fingerprint else None
        if cached is None or not cached.is_file():
            raise
        why = (
            "Its drive or share is not connected"
            if not photo.online
            else "The file cannot be read where it was (moved, renamed or deleted?)"
        )
        return QImage(str(cached)), f"{why}: this is the small copy photoclip keeps."
    image.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
    data = image.tobytes("raw", "RGB")
    return QImage(data, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888).copy(), ""


class _ScaledImage(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: QImage | None = None

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self._rescale()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        image = self._image
        if image is None or image.isNull():
            return
        if image.width() <= self.width() and image.height() <= self.height():
            # Shown at its own size: a small picture blown up to the window is only blur.
            self.setPixmap(QPixmap.fromImage(image))
            return
        scaled = image.scaled(
            self.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.setPixmap(QPixmap.fromImage(scaled))


class PreviewDialog(QDialog):
    """Shows one photo; arrow keys step through the grid, Space or Esc closes."""

    step = Signal(int)  # -1 / +1: show the previous / next photo of the grid

    def __init__(
        self,
        tasks: TaskRunner,
        tags_for: Callable[[int], list[str]] | None = None,
        parent: QWidget | None = None,
        thumbnails: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.tags_for = tags_for
        self.thumbnails = thumbnails  # the thumbnail cache: shown when the photo itself cannot be read
        self.setWindowTitle("Preview")
        self.resize(QSize(1100, 760))
        self.image = _ScaledImage()
        self.info = QFormLayout()
        side = QWidget()
        side.setLayout(self.info)
        side.setFixedWidth(300)
        layout = QHBoxLayout(self)
        layout.addWidget(self.image, 1)
        column = QVBoxLayout()
        column.addWidget(side)
        column.addStretch(1)
        layout.addLayout(column)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.hide()
        column.insertWidget(1, self.note)
        self.photo: PhotoRow | None = None

    def show_photo(self, photo: PhotoRow) -> None:
        """Shows ``photo`` (its pixels arrive from a background task)."""
        self.photo = photo
        self.setWindowTitle(photo.path.name)
        self.image.setText("Loading…")
        self.image.set_image(None)
        self.note.hide()
        while self.info.rowCount():
            self.info.removeRow(0)
        when = (
            dt.datetime.fromtimestamp(photo.taken_at, dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
            if photo.taken_at
            else "unknown"
        )
        # Without EXIF the date is the file's: when it was last written, not when it was taken.
        date_label = {"exif": "Taken", "file": "File date"}.get(photo.date_source or "", "Date")
        rows = [
            ("File", photo.path.name),
            (date_label, when),
            ("Size", format_bytes(photo.size)),
            ("Dimensions", f"{photo.width} × {photo.height}" if photo.width else "unknown"),
            ("Folder", str(photo.path.parent)),
        ]
        if self.tags_for is not None:
            rows.append(("Tags", ", ".join(self.tags_for(photo.id)) or "none"))
        if not photo.online:
            rows.append(("", "Offline: the drive or share is not connected."))
        for label, value in rows:
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.info.addRow(label, text)
        wanted = photo.id
        thumbnails = self.thumbnails
        self.tasks.run(
            lambda: load_preview(photo, thumbnails),
            done=lambda image: self._loaded(wanted, image),
            error=lambda exc: self._failed(wanted, exc),
            key="preview",
        )

    def _loaded(self, photo_id: int, loaded: tuple[QImage, str]) -> None:
        if self.photo is not None and self.photo.id == photo_id:
            image, note = loaded
            self.image.setText("")
            self.image.set_image(image)
            self.note.setText(note)
            self.note.setVisible(bool(note))

    def _failed(self, photo_id: int, exc: BaseException) -> None:
        if self.photo is not None and self.photo.id == photo_id:
            self.image.setText(f"This photo cannot be shown:\n{exc}")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Escape):
            self.close()
        elif event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.step.emit(1)
        elif event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.step.emit(-1)
        else:
            super().keyPressEvent(event)
