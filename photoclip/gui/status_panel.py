"""The status bar's indexing panel: a progress bar with counts, speed and time left; pause and cancel."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from photoclip.core.formatting import format_duration
from photoclip.core.indexer import IndexProgress


class IndexingPanel(QWidget):
    """Shows indexing progress; hidden when nothing is being indexed."""

    pause_toggled = Signal(bool)
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setFixedWidth(220)
        self.bar.setTextVisible(True)
        self.pause = QToolButton()
        self.pause.setText("Pause")
        self.pause.setCheckable(True)
        self.pause.toggled.connect(self._pause_toggled)
        self.cancel = QToolButton()
        self.cancel.setText("Cancel")
        self.cancel.clicked.connect(self.cancel_clicked.emit)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.pause)
        layout.addWidget(self.cancel)
        self.hide()

    def _pause_toggled(self, paused: bool) -> None:
        self.pause.setText("Resume" if paused else "Pause")
        self.pause_toggled.emit(paused)

    def update_progress(self, p: IndexProgress) -> None:
        """Shows one progress report."""
        if p.phase == "done":
            self.hide()
            self.pause.setChecked(False)
            return
        self.show()
        if p.phase == "indexing":
            self.bar.setRange(0, max(1, p.total))
            self.bar.setValue(p.done)
            self.bar.setFormat(f"{p.done:,} / {p.total:,}")
            state = "Paused" if p.paused else f"Indexing · {p.rate:.1f} photos/s · {format_duration(p.eta_s)} left"
            errors = f" · {p.errors} unreadable" if p.errors else ""
            self.label.setText(state + errors)
        else:
            self.bar.setRange(0, 0)  # busy, length unknown
            self.bar.setFormat("")
            self.label.setText(
                {"scanning": "Looking for new photos…", "loading model": "Loading the model…", "saving": "Saving…"}.get(
                    p.phase, p.phase
                )
            )
