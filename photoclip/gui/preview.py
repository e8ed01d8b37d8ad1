"""The preview: the photo large, with what the library knows about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from photoclip.core.formatting import format_bytes
from photoclip.core.records import PhotoRow
from photoclip.core.search_results import SearchHit, SearchResults
from photoclip.core.why import TermScore, hit_for, term_scores
from photoclip.gui.tasks import TaskRunner

PREVIEW_SIZE = 1600
#: How often an open preview showing only the small copy looks for the photo's file again.
RECHECK_MS = 3000
#: The preview's keys, for the Help page (held to what keyPressEvent does by a test).
PREVIEW_KEYS = (
    ("Right, Down", "the next photo of the grid"),
    ("Left, Up", "the previous photo"),
    ("Space, Esc", "close the preview"),
)


def load_preview(photo: PhotoRow, thumbnails: Path | None = None) -> tuple[QImage, str]:
    """Decodes a photo upright at preview size (runs in the background); returns it and a note.

    When the file cannot be reached (its drive unplugged, or it is gone), the thumbnail photoclip
    keeps in ``thumbnails`` is shown instead, with a note saying so. (The facts beside the photo
    already say a photo is offline: the note does not say it again.)"""
    from photoclip.core import images

    try:
        image = images.open_upright(photo.path, min_short_side=PREVIEW_SIZE // 2)
    except Exception:
        cached = images.thumbnail_path(thumbnails, photo.fingerprint) if thumbnails and photo.fingerprint else None
        if cached is None or not cached.is_file():
            raise
        kept = "this is the small copy photoclip keeps."
        if not photo.online:
            return QImage(str(cached)), kept.capitalize()
        return QImage(str(cached)), f"The file cannot be read where it was (moved, renamed or deleted?): {kept}"
    image.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
    data = image.tobytes("raw", "RGB")
    return QImage(data, image.width, image.height, image.width * 3, QImage.Format.Format_RGB888).copy(), ""


def _value_label(value: str, rich: bool = False) -> QLabel:
    text = QLabel(value)
    text.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    text.setWordWrap(True)
    text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return text


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


def terms_html(scores: list[TermScore]) -> str:
    """A query's terms with the photo's score for each ("beach 0.31 · −people 0.12"): a term the
    search leaves out written as typed, with its minus, in grey; an image term as "like cat.jpg"."""
    parts = []
    for term in scores:
        name = escape(("like " if term.image else "") + term.term)
        name = f"<span style='color:gray'>−{name}</span>" if term.negative else f"<b>{name}</b>"
        parts.append(f"{name}&nbsp;{term.score:.2f}".replace("&nbsp;-", "&nbsp;−"))  # a minus, not a hyphen
    return " · ".join(parts)


class PreviewDialog(QDialog):
    """Shows one photo; arrow keys step through the grid, Space or Esc closes. A search's result
    also shows why it matched: its score, each term's, and what the photo looks like to the model."""

    step = Signal(int)  # -1 / +1: show the previous / next photo of the grid

    def __init__(
        self,
        tasks: TaskRunner,
        tags_for: Callable[[int], list[str]] | None = None,
        parent: QWidget | None = None,
        thumbnails: Path | None = None,
        looks_like: Callable[[int], list[tuple[str, float]]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.tags_for = tags_for
        self.looks_like = looks_like  # Library.looks_like: run in the background, it may load labels
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
        self.why: dict[str, QLabel] = {}  # the "why it matched" rows shown now, by name
        self.offline: QLabel | None = None  # the row saying the photo's folder is not connected
        self.search: SearchResults | None = None  # the search that ranked the photo shown, if any
        # While only photoclip's small copy can be shown, look now and then for the file coming back
        # (a drive plugged in again): the preview then shows the photo itself, as if opened afresh.
        self.recheck = QTimer(self, singleShot=True)
        self.recheck.setInterval(RECHECK_MS)
        self.recheck.timeout.connect(self._look_for_file)

    def show_photo(self, photo: PhotoRow, search: SearchResults | None = None) -> None:
        """Shows ``photo`` (its pixels arrive from a background task); when ``search`` ranked it,
        why it matched too."""
        self.photo, self.search = photo, search
        self.recheck.stop()
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
        for label, value in rows:
            self.info.addRow(label, _value_label(value))
        self.offline = None
        if not photo.online:
            self.offline = _value_label("Offline: the drive or share is not connected.")
            self.info.addRow("", self.offline)
        hit = hit_for(search, photo.id) if search is not None else None
        self.why = self._show_why(hit, search) if hit is not None and search is not None else {}
        self._relayout()
        wanted = photo.id
        thumbnails = self.thumbnails
        self.tasks.run(
            lambda: load_preview(photo, thumbnails),
            done=lambda image: self._loaded(wanted, image),
            error=lambda exc: self._failed(wanted, exc),
            key="preview",
        )

    def _show_why(self, hit: SearchHit, search: SearchResults) -> dict[str, QLabel]:
        """Rows under the photo's facts: the score shown on its thumbnail, each term's score, where
        its names matched, and what it looks like (asked for in the background)."""
        heading = QLabel("<b>Why it matched</b>")
        heading.setContentsMargins(0, 10, 0, 0)
        self.info.addRow(heading)
        rows = {"score": _value_label(f"{hit.score:.2f}")}
        rows["score"].setToolTip(
            "How far this photo stands out from the rest of your library for this search: the number "
            "on its thumbnail, which the results are ordered by."
        )
        scores = term_scores(hit, search.query)
        rows["terms"] = _value_label(terms_html(scores), rich=True)
        rows["terms"].setToolTip(
            "The photo's similarity to each part of the search (the model's cosine: higher is closer; "
            "what counts as high depends on the model). A term with a minus is one the search leaves "
            "out: the lower its number, the better."
        )
        matched = getattr(hit, "matched", ())  # where the words were found in its names, if anywhere
        if matched:
            rows["matched"] = _value_label(", ".join(matched))
        if self.looks_like is not None:
            rows["looks"] = _value_label("…")
            looks_like, wanted = self.looks_like, hit.photo.id
            self.tasks.run(
                lambda: looks_like(wanted),
                done=lambda labels: self._looked(wanted, labels),
                error=lambda _exc: self._looked(wanted, []),
                key="looks-like",
            )
        names = {"score": "Score", "terms": "Terms", "matched": "Found in", "looks": "Looks like"}
        for key, label in rows.items():
            self.info.addRow(names[key], label)
        return rows

    def _looked(self, photo_id: int, labels: list[tuple[str, float]]) -> None:
        if self.photo is None or self.photo.id != photo_id or "looks" not in self.why:
            return
        shown = self.why["looks"]
        shown.setText(", ".join(label for label, _ in labels) or "unknown")
        shown.setToolTip(
            "The everyday words the model finds nearest to this photo, whatever was searched:\n"
            + "\n".join(f"{label}  {score:.2f}" for label, score in labels)
        )
        self._relayout()  # the words may take two lines now

    def _relayout(self) -> None:
        # QFormLayout keeps the heights of wrapped rows from its first pass, when the width of the
        # labels' column was not known yet (text clipped): once this pass is done, lay out again.
        QTimer.singleShot(0, self.info.invalidate)

    def showEvent(self, event: QShowEvent) -> None:
        """Lays the facts out again once shown (see :meth:`_relayout`)."""
        super().showEvent(event)
        self._relayout()

    def _loaded(self, photo_id: int, loaded: tuple[QImage, str]) -> None:
        if self.photo is not None and self.photo.id == photo_id:
            image, note = loaded
            self.image.setText("")
            self.image.set_image(image)
            self.note.setText(note)
            self.note.setVisible(bool(note))
            if note:  # the small copy: the file itself could not be read
                self.recheck.start()
            if not note and self.offline is not None:
                # read from its own file: the folder is back since the grid last looked
                self.info.removeRow(self.offline)
                self.offline = None
                self._relayout()

    def _look_for_file(self) -> None:
        photo, thumbnails = self.photo, self.thumbnails
        if photo is None or not self.isVisible():
            return

        def look() -> tuple[QImage, str] | None:  # in the background: a sleeping drive can take seconds
            return load_preview(photo, thumbnails) if photo.path.is_file() else None

        self.tasks.run(look, done=lambda loaded: self._file_looked_for(photo.id, loaded), key="preview-recheck")

    def _file_looked_for(self, photo_id: int, loaded: tuple[QImage, str] | None) -> None:
        if self.photo is None or self.photo.id != photo_id or not self.isVisible():
            return
        if loaded is None:  # still away: look again later
            self.recheck.start()
        elif not loaded[1]:  # read from the file itself: shown in place of the small copy
            self._loaded(photo_id, loaded)
        # else the file is there but cannot be read (damaged, no permission): looking again won't help

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
