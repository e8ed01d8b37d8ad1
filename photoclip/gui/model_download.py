"""Fetching a model while the window goes on working: the download in the background, and a banner
above the grid that shows it, its failure (with Retry), or offers it.

After a switch to a model that is not on this computer, the model that made the library's
vectors still answers searches; the banner says so, so nothing looks stuck and no result is hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from photoclip.core.formatting import format_bytes
from photoclip.gui.wording import model_problem

if TYPE_CHECKING:
    from photoclip.core.models.registry import ModelSpec
    from photoclip.gui.context import GuiContext


class ModelDownload(QObject):
    """Fetches a model (and gets it ready to run) in the background, one at a time. Closing the
    window stops it; a download that stopped goes on where it was the next time."""

    #: Bytes done and the total (None while unknown).
    progress = Signal(int, object)
    #: The model is here and loaded (its id).
    finished = Signal(str)
    #: The download failed (the model's id, what happened in the window's words).
    failed = Signal(str, str)

    def __init__(self, ctx: GuiContext) -> None:
        super().__init__(ctx.parent)
        self.ctx = ctx
        self.running: str | None = None  # the model being fetched

    def start(self, spec: ModelSpec, *, old_model: str | None = None) -> None:
        """Starts fetching ``spec`` (nothing when it is already being fetched). ``old_model``:
        the model that answers searches meanwhile, named in a failure message."""
        if self.running == spec.id:
            return
        self.running = spec.id
        library = self.ctx.library

        def job() -> str:
            library.model(spec.id, progress=self.progress.emit, cancel=self.ctx.closing)
            return spec.id

        def failed(exc: BaseException) -> None:
            self.running = None
            self.failed.emit(spec.id, model_problem(str(exc), old_model=old_model))

        def done(model_id: str) -> None:
            self.running = None
            self.finished.emit(model_id)

        self.ctx.tasks.run(job, done=done, error=failed, key=f"download {spec.id}")


def progress_text(done: int, total: int | None) -> str:
    """``12.0 MB / 350.0 MB`` (or only what is done while the size is unknown)."""
    return format_bytes(done) + (f" / {format_bytes(total)}" if total else "")


class ModelBanner(QFrame):
    """A strip above the grid about a model on its way: downloading, failed (Retry), or not here yet."""

    #: The user asked to (re)start the download.
    download_clicked = Signal()
    #: The user asked to choose model files instead.
    choose_files_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("modelBanner")
        self.setStyleSheet("#modelBanner { background: palette(alternate-base); }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(True)
        self.download = QPushButton("Retry")
        self.download.clicked.connect(self.download_clicked.emit)
        self.choose = QPushButton("Choose model files…")
        self.choose.clicked.connect(self.choose_files_clicked.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.download)
        layout.addWidget(self.choose)
        self.hide()

    def _show(self, text: str, *, progress: bool, download: str | None) -> None:
        self.text.setText(text)
        self.progress.setVisible(progress)
        self.download.setVisible(download is not None)
        self.download.setText(download or "")
        self.choose.setVisible(not progress)
        self.show()

    def downloading(self, spec: ModelSpec, old_model: str | None) -> None:
        """The download of ``spec`` has started."""
        meanwhile = f" Meanwhile, searches use {old_model}." if old_model else ""
        self.progress.setRange(0, 0)
        self.progress.setFormat("")
        self._show(f"Downloading the {spec.id} model ({spec.download_mb} MB).{meanwhile}", progress=True, download=None)

    def advance(self, done: int, total: int | None) -> None:
        """One progress report of the download."""
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done / total * 1000))
        self.progress.setFormat(progress_text(done, total))

    def failed(self, message: str, *, retry: bool = True) -> None:
        """The model could not be had (a download stopped, a file did not load): why, with Retry
        (a download) and "Choose model files…"."""
        self._show(message.replace("\n\n", " "), progress=False, download="Retry" if retry else None)

    def not_here(self, spec: ModelSpec, old_model: str) -> None:
        """The library's model is not on this computer yet; ``old_model`` answers searches."""
        self._show(
            f"This library is set to the {spec.id} model, which is not on this computer yet. "
            f"Searches use {old_model} until it is here and has looked at your photos.",
            progress=False,
            download=f"Download {spec.id} ({spec.download_mb} MB)",
        )
