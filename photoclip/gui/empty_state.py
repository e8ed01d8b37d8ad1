"""What the grid shows when there is nothing to show: what to do next, with the buttons to do it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

#: The widest the message's text runs; a narrower page narrows it (a long path would be cut off).
TEXT_WIDTH = 560


class EmptyState(QWidget):
    """A centred message with a title, a line of text, optional buttons and an optional progress bar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setFixedWidth(TEXT_WIDTH)  # a fixed width lets the label work out its wrapped height
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(420)
        self.progress.hide()
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(10)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addSpacing(8)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(16)
        layout.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QWidget()
        row.setLayout(self.buttons)
        layout.addWidget(row, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
        self.button_widgets: dict[str, QPushButton] = {}

    def show_message(self, title: str, text: str, buttons: list[tuple[str, Callable[[], None]]] = ()) -> None:
        """Replaces the message and the buttons (the first button is the default one)."""
        self.title.setText(title)
        self.text.setText(text)
        self._fit_text()
        self.progress.hide()
        while self.buttons.count():
            widget = self.buttons.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.button_widgets = {}
        for i, (label, action) in enumerate(buttons):
            button = QPushButton(label)
            button.setMinimumHeight(34)
            button.clicked.connect(action)
            if i == 0:
                button.setDefault(True)
            self.buttons.addWidget(button)
            self.button_widgets[label] = button

    def show_progress(self, done: int, total: int | None, text: str) -> None:
        """Shows a progress bar under the message (model downloads)."""
        self.progress.show()
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done / total * 1000))
        else:
            self.progress.setRange(0, 0)
        self.progress.setFormat(text)
        self.progress.setTextVisible(True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keeps the text within the page when the window is narrower than the text's width."""
        super().resizeEvent(event)
        self._fit_text()

    def _fit_text(self) -> None:
        margin = 2 * 24
        self.text.setFixedWidth(max(160, min(TEXT_WIDTH, self.width() - margin)))
        # A wrapped label inside an aligned layout item is given one line's height unless told.
        # (-1 before the label has text to wrap: Qt then warns of a negative size)
        self.text.setMinimumHeight(max(0, self.text.heightForWidth(self.text.width())))
