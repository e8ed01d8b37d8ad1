"""The date scrubber: a slim strip beside the timeline with its years, where a click or a drag
jumps to a month and a bubble says which ("June 2019"), as Google Photos and Immich do.

The strip is the whole timeline from top to bottom, in proportion to its height on screen (a year
of many photos takes more of the strip than a year of few). A thumb shows the part on screen, and
while the grid scrolls the bubble says which month is at the top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QEnterEvent, QFont, QMouseEvent, QPainter, QPaintEvent, QPalette, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

    from photoclip.gui.section_grid import SectionGrid

#: Space kept free above and below the strip's scale.
PAD = 8
#: How long the bubble stays after scrolling or pointing stops (ms).
BUBBLE_MS = 900


class DateScrubber(QWidget):
    """The strip beside ``grid`` (a :class:`SectionGrid`); emits :attr:`jump` with the content y a
    click or a drag points at (the grid scrolls to the month there)."""

    WIDTH = 52
    jump = Signal(int)

    def __init__(self, grid: SectionGrid) -> None:
        super().__init__(grid)
        self.grid = grid
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._pointer: int | None = None  # the pointer's y over the strip
        self._dragging = False
        self.quiet = False  # True while the grid scrolls by itself (a new list): no bubble then
        # The bubble lies over the photos, beside the strip: a child of the grid, not of the strip.
        self.bubble = QLabel(grid)
        self.bubble.setStyleSheet(
            "QLabel { background: palette(highlight); color: palette(highlighted-text);"
            " border-radius: 4px; padding: 3px 8px; font-weight: bold; }"
        )
        self.bubble.hide()
        self._fade = QTimer(self, singleShot=True, interval=BUBBLE_MS)
        self._fade.timeout.connect(self._fade_out)
        grid.verticalScrollBar().valueChanged.connect(self._scrolled)
        # The scale, drawn once per layout and size (see paintEvent), and what it was drawn for.
        self._scale: QPixmap | None = None
        self._scale_key: tuple[object, ...] | None = None
        self._label_font = QFont(self.font())
        self._label_font.setPointSizeF(self.font().pointSizeF() * 0.85)

    # -- the scale ---------------------------------------------------------------------------
    def _span(self) -> int:
        return max(1, self.height() - 2 * PAD)

    def content_y(self, y: int) -> int:
        """The grid's content y that strip ``y`` stands for."""
        share = min(max(0.0, (y - PAD) / self._span()), 1.0)
        return min(int(share * self.grid.cells.height), max(0, self.grid.cells.height - 1))

    def strip_y(self, content_y: int) -> int:
        """Where the grid's content ``content_y`` is on the strip."""
        return PAD + round(content_y / max(1, self.grid.cells.height) * self._span())

    def y_for(self, year: int, month: int) -> int | None:
        """Where the month is on the strip, the middle of its band (None when the timeline has no
        such month)."""
        tops = self.grid.cells.tops
        for index, section in enumerate(self.grid.cells.sections):
            if section.month == (year, month):
                return self.strip_y((tops[index] + tops[index + 1]) // 2)
        return None

    def title_at(self, y: int) -> str:
        """The month at strip ``y`` ('June 2019')."""
        cells = self.grid.cells
        if not cells.sections:
            return ""
        return cells.sections[cells.section_at(self.content_y(y))].title or ""

    # -- pointing ----------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A click jumps to the month under the pointer; holding the button drags through months."""
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._dragging = True
        self._point(event.position().toPoint().y())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Shows the month under the pointer; jumps there while dragging."""
        self._point(event.position().toPoint().y())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """The drag ends where the button is let go."""
        self._dragging = False
        self._fade.start()

    def enterEvent(self, event: QEnterEvent) -> None:
        """Pointing at the strip shows the bubble."""
        self._pointer = int(event.position().y())
        self.update()

    def leaveEvent(self, event: QEvent) -> None:
        """The bubble goes a moment after the pointer leaves."""
        self._pointer = None
        self._fade.start()
        self.update()

    def _point(self, y: int) -> None:
        self._pointer = y
        if self._dragging:
            self.jump.emit(self.content_y(y))
        self._show_bubble(self.title_at(y), y)
        self.update()

    def _scrolled(self, _value: int) -> None:
        self.update()
        if self._pointer is None and self.isVisible() and not self.quiet:
            section = self.grid.current_section()
            if section is not None and section.title:
                self._show_bubble(section.title, self.strip_y(self.grid.verticalScrollBar().value()))
                self._fade.start()

    def _show_bubble(self, text: str, y: int) -> None:
        if not text:
            return
        self.bubble.setText(text)
        self.bubble.adjustSize()
        top = min(max(0, self.y() + y - self.bubble.height() // 2), self.y() + self.height() - self.bubble.height())
        self.bubble.move(QPoint(self.x() - self.bubble.width() - 6, top))
        self.bubble.show()
        self.bubble.raise_()

    def _fade_out(self) -> None:
        if self._pointer is None and not self._dragging:
            self.bubble.hide()

    def hideEvent(self, event: QEvent) -> None:
        """No bubble stays behind when the timeline gives way to ranked results."""
        self.bubble.hide()
        super().hideEvent(event)

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """The scale (kept as a picture until the timeline or the strip's size changes: it is the
        same every frame of a scroll), then the thumb and the pointer's line."""
        painter = QPainter(self)
        palette = self.palette()
        cells = self.grid.cells
        key = (self.size(), cells.tops, palette.cacheKey(), self.devicePixelRatioF())
        if self._scale is None or self._scale_key is None or not _same(self._scale_key, key):
            self._scale, self._scale_key = self._draw_scale(), key
        painter.drawPixmap(0, 0, self._scale)
        top = self.grid.verticalScrollBar().value()
        start, end = self.strip_y(top), self.strip_y(top + self.grid.viewport().height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        painter.drawRoundedRect(QRectF(self.WIDTH - 7, start, 4, max(8, end - start)), 2, 2)
        if self._pointer is not None:
            painter.fillRect(4, self._pointer, self.WIDTH - 8, 2, palette.color(QPalette.ColorRole.Highlight))
        painter.end()

    def _draw_scale(self) -> QPixmap:
        """Years down the strip (those that fit) and a dot per month, on the strip's background."""
        ratio = self.devicePixelRatioF()
        scale = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
        scale.setDevicePixelRatio(ratio)
        palette = self.palette()
        scale.fill(palette.color(QPalette.ColorRole.Base))
        painter = QPainter(scale)
        painter.setPen(palette.color(QPalette.ColorRole.Midlight))
        painter.drawLine(0, 0, 0, self.height())
        cells = self.grid.cells
        painter.setFont(self._label_font)
        metrics = painter.fontMetrics()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        last_label, last_dot = -1000, -1000
        for index, section in enumerate(cells.sections):
            y = self.strip_y(cells.tops[index])
            if section.year is not None and y - last_label >= metrics.height():
                painter.setPen(palette.color(QPalette.ColorRole.WindowText))
                painter.drawText(
                    4, y, self.WIDTH - 16, metrics.height(), Qt.AlignmentFlag.AlignRight, str(section.year)
                )
                last_label = y
            elif section.month is not None and y - last_dot >= 4 and y - last_label >= metrics.height():
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(muted)
                painter.drawEllipse(QRectF(self.WIDTH - 17, y + metrics.height() / 2 - 1.5, 3, 3))
                last_dot = y
        painter.end()
        return scale


def _same(old: tuple[object, ...], new: tuple[object, ...]) -> bool:
    """True when two scale keys match: the section tops by identity (the layout makes a new list
    whenever it places the sections again), the rest by value."""
    return old[1] is new[1] and old[0] == new[0] and old[2:] == new[2:]
