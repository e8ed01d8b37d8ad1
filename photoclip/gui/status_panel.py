"""The status bar's indexing panel: a progress bar with counts, speed and time left; pause and
cancel; after a cancelled run, a way to go on (Resume)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from photoclip.core.formatting import format_duration
from photoclip.core.indexer import IndexProgress
from photoclip.gui.wording import plural

PHASES = {"scanning": "Looking for new photos…", "loading model": "Loading the model…", "saving": "Saving…"}


class IndexingPanel(QWidget):
    """Shows indexing progress; hidden when nothing is being indexed."""

    pause_toggled = Signal(bool)
    cancel_clicked = Signal()
    #: "Resume" after a cancelled run: index the rest.
    resume_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(True)
        self.pause = QToolButton()
        self.pause.setText("Pause")
        self.pause.setCheckable(True)
        self.pause.toggled.connect(self._pause_toggled)
        self.cancel = QToolButton()
        self.cancel.setText("Cancel")
        self.cancel.clicked.connect(self.cancel_clicked.emit)
        self.resume = QToolButton()
        self.resume.setText("Resume")
        self.resume.setToolTip("Index the photos the cancelled run left, so that searches find them")
        self.resume.clicked.connect(self._resume)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.pause)
        layout.addWidget(self.cancel)
        layout.addWidget(self.resume)
        self.resume.hide()
        self.hide()

    def _pause_toggled(self, paused: bool) -> None:
        self.pause.setText("Resume" if paused else "Pause")
        self.pause_toggled.emit(paused)

    def _running(self, running: bool) -> None:
        for widget in (self.bar, self.pause, self.cancel):
            widget.setVisible(running)
        self.resume.setVisible(not running)

    def _resume(self) -> None:
        self.hide()
        self.resume_clicked.emit()

    def update_progress(self, p: IndexProgress) -> None:
        """Shows one progress report."""
        if p.phase == "done":
            self.stopped()
            return
        self._running(True)
        self.show()
        if p.phase == "indexing":
            self.bar.setRange(0, max(1, p.total))
            self.bar.setValue(p.done)
            self.bar.setFormat(f"{p.done:,} / {p.total:,}")
            state = "Paused" if p.paused else f"Indexing · {p.rate:.1f} photos/s · {format_duration(p.eta_s)} left"
            errors = f" · {p.errors:,} unreadable" if p.errors else ""
            self.label.setText(state + errors)
        else:
            self.bar.setRange(0, 0)  # busy, length unknown
            self.bar.setFormat("")
            self.label.setText(PHASES.get(p.phase, str(p.phase)))

    def stopped(self) -> None:
        """The run ended, however it ended (done, failed): no busy bar is left behind."""
        self.hide()
        self.pause.setChecked(False)  # a pause left set would hold the next run

    def offer_resume(self, left: int) -> None:
        """After Cancel: says how many photos are not searchable yet and offers to index them."""
        self.stopped()
        if left <= 0:
            return
        self.label.setText(f"Stopped: {plural(left, 'photo')} not indexed yet")
        self._running(False)
        self.show()
