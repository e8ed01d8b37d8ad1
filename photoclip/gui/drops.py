"""Images dropped on the window (or on its search box, which would take them as text) start a
"find similar" search by that image."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from photoclip.core.images import is_supported


def dropped_image(mime: QMimeData) -> Path | None:
    """The first local image file among the dropped URLs, if any."""
    for url in mime.urls():
        if url.isLocalFile() and is_supported(url.toLocalFile()):
            return Path(url.toLocalFile())
    return None


class ImageDrops(QObject):
    """Accepts image files dragged from outside the app onto the widgets it watches; emits
    :attr:`dropped` with the image's path."""

    dropped = Signal(object)  # Path

    def watch(self, widget: QWidget) -> None:
        """Takes drops on ``widget`` (the window, the search box)."""
        widget.setAcceptDrops(True)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Handles drag-enter and drop events; every other event goes on."""
        if isinstance(event, QDragEnterEvent):
            # Thumbnails dragged out of our own grid have a source: they are not a search.
            if event.source() is None and dropped_image(event.mimeData()) is not None:
                event.acceptProposedAction()
            else:
                event.ignore()
            return True
        if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
            image = dropped_image(event.mimeData())
            if image is not None:
                event.acceptProposedAction()
                self.dropped.emit(image)
            return True
        return False
