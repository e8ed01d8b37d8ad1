"""The thumbnail grid: fixed-size cells in sections, a timeline's month headers between them, and
a date scrubber beside them.

A QListView in icon mode cannot put a full-width header between its cells, so this view lays out
its cells itself (:class:`GridLayout`: arithmetic over a few hundred sections, not a rectangle per
photo) and paints only what is on screen, through the same id-backed model and delegate. Ranked
results are one section without a header: the same grid, with no headers and no scrubber.

While scrolling a month taller than the window, its header stays pinned at the top.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel, QItemSelection, QItemSelectionModel, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QRegion,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QRubberBand,
    QStyle,
    QStyleOptionRubberBand,
    QStyleOptionViewItem,
    QWidget,
)

from photoclip.gui.date_scrubber import DateScrubber
from photoclip.gui.delegate import PhotoDelegate
from photoclip.gui.grid_layout import MONTH_HEADER, YEAR_HEADER, GridLayout, Section

#: Height of the header pinned at the top while a month scrolls under it.
PINNED_HEADER = 34
#: Where header text starts from the left edge.
TEXT_INDENT = 10

_Action = QAbstractItemView.CursorAction


def count_text(count: int) -> str:
    """'1 photo', '1,234 photos'."""
    return f"{count:,} photo{'s' if count != 1 else ''}"


class SectionGrid(QAbstractItemView):
    """The grid of photos over ``model`` (painted by ``delegate``), in sections given by
    :meth:`set_sections` (none: one plain grid). The context menu is the window's."""

    def __init__(self, model: QAbstractItemModel, delegate: PhotoDelegate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cells = GridLayout(delegate.cell)
        self._sections: list[Section] = []
        self._band: tuple[QPoint, QPoint] | None = None  # the rubber band's corners, content coordinates
        self.scrubber = DateScrubber(self)
        self.scrubber.jump.connect(self.jump_to)
        self.scrubber.hide()
        self.setModel(model)
        self.setItemDelegate(delegate)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        model.rowsInserted.connect(lambda *_a: self._relayout())
        model.rowsRemoved.connect(lambda *_a: self._relayout())
        base = QFont(self.font())
        self._year_font, self._month_font = QFont(base), QFont(base)
        self._year_font.setPointSizeF(base.pointSizeF() * 1.7)
        self._year_font.setBold(True)
        self._month_font.setPointSizeF(base.pointSizeF() * 1.1)
        self._month_font.setBold(True)

    # -- sections ----------------------------------------------------------------------------
    def set_sections(self, sections: Sequence[Section]) -> None:
        """Lays the rows out in ``sections`` (a timeline's months; empty: one grid without headers).
        Sections that do not add up to the model's rows give way to one plain grid."""
        self._sections = list(sections)
        self._relayout()

    def headers(self) -> list[tuple[str, int, int]]:
        """The headers shown, in order: (title, photos under it, its first row)."""
        return [(s.title, s.count, s.start) for s in self.cells.sections if s.title is not None]

    def _relayout(self) -> None:
        model = self.model()
        self.cells.set_sections(self._sections, model.rowCount() if model is not None else 0)
        timeline = self.cells.titled and len(self.cells.sections) > 1
        if timeline != self.scrubber.isVisibleTo(self):
            # The scrubber stands in for the scroll bar (the wheel still scrolls without it).
            self.setVerticalScrollBarPolicy(
                Qt.ScrollBarPolicy.ScrollBarAlwaysOff if timeline else Qt.ScrollBarPolicy.ScrollBarAsNeeded
            )
            self.setViewportMargins(0, 0, self.scrubber.WIDTH if timeline else 0, 0)
            self.scrubber.setVisible(timeline)
        self.cells.set_width(self.viewport().width())
        self._place_scrubber()
        self.updateGeometries()
        self.scrubber.update()
        self.viewport().update()

    def _place_scrubber(self) -> None:
        port = self.viewport().geometry()
        self.scrubber.setGeometry(port.right() + 1, port.top(), self.scrubber.WIDTH, port.height())

    def jump_to(self, y: int) -> None:
        """Scrolls to content ``y``: the start of the month there, or ``y`` itself inside a month
        taller than the window (the scrubber's clicks and drags)."""
        if not self.cells.sections:
            return
        index = self.cells.section_at(y)
        top, end = self.cells.tops[index], self.cells.tops[index + 1]
        self.verticalScrollBar().setValue(top if end - top <= self.viewport().height() else y)

    def scroll_quietly(self, value: int) -> None:
        """Scrolls to ``value`` without the scrubber's bubble (a new list shown, not someone scrolling)."""
        self.scrubber.quiet = True
        try:
            self.verticalScrollBar().setValue(value)
        finally:
            self.scrubber.quiet = False

    def current_section(self) -> Section | None:
        """The section at the top of the window (what the scrubber says while scrolling)."""
        if not self.cells.sections:
            return None
        return self.cells.sections[self.cells.section_at(self.verticalScrollBar().value())]

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Tabbed into, the keyboard starts on a photo in view (the selection stays as it was)."""
        super().focusInEvent(event)
        shown, current = self.visible_rows(), self.currentIndex()
        tabbed = event.reason() in (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason)
        if tabbed and shown is not None and not (current.isValid() and shown[0] <= current.row() <= shown[1]):
            first = self.model().index(shown[0], 0)
            self.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)

    def visible_rows(self) -> tuple[int, int] | None:
        """(first, last) rows with a cell on screen, or None."""
        top = self.verticalScrollBar().value()
        return self.cells.visible_rows(top, top + self.viewport().height())

    # -- geometry (QAbstractItemView) --------------------------------------------------------
    def reset(self) -> None:
        """A new list: laid out again (with the sections given for it, if they add up)."""
        super().reset()
        self._relayout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keeps the photo at the top of the window there when the columns change."""
        top = self.visible_rows()
        super().resizeEvent(event)
        if self.cells.set_width(self.viewport().width()) and top is not None:
            self.updateGeometries()
            self.verticalScrollBar().setValue(self.cells.rect(top[0])[1])
        self._place_scrubber()
        self.updateGeometries()

    def updateGeometries(self) -> None:
        """The scroll range follows the layout."""
        height = self.viewport().height()
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, self.cells.height - height))
        bar.setPageStep(height)
        bar.setSingleStep(max(1, self.cells.cell // 4))
        super().updateGeometries()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        """Scrolls the pixels, then repaints the pinned header's band (it must not move with them):
        scrolling up moves the old header ``dy`` pixels down, so that much more; scrolling down moves
        it off the top. Never more than Qt repaints anyway: a jump of a screen or more repaints it
        all, and a second whole-window band would paint every cell twice."""
        super().scrollContentsBy(dx, dy)
        view = self.viewport()
        if self.cells.titled and abs(dy) < view.height():
            view.update(QRect(0, 0, view.width(), PINNED_HEADER + max(0, dy)))

    def visualRect(self, index: QModelIndex) -> QRect:
        """Where ``index``'s cell is in the viewport."""
        if not index.isValid() or index.row() >= self.cells.rows:
            return QRect()
        x, y, width, height = self.cells.rect(index.row())
        return QRect(x, y - self.verticalScrollBar().value(), width, height)

    def indexAt(self, point: QPoint) -> QModelIndex:
        """The photo under a viewport point (none over a header or a gap)."""
        row = self.cells.row_at(point.x(), point.y() + self.verticalScrollBar().value())
        return QModelIndex() if row is None else self.model().index(row, 0)

    def scrollTo(
        self, index: QModelIndex, hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
    ) -> None:
        """Brings ``index`` into view; a photo on its month's first line brings the header too."""
        if not index.isValid() or index.row() >= self.cells.rows:
            return
        row = index.row()
        _x, y, _w, height = self.cells.rect(row)
        section = self.cells.section_of(row)
        head = self.cells.tops[section] if y == self.cells.cells_top(section) else y
        pinned = PINNED_HEADER if self.cells.titled else 0
        bar, view = self.verticalScrollBar(), self.viewport().height()
        hints = QAbstractItemView.ScrollHint
        if hint == hints.PositionAtTop:
            bar.setValue(head)
        elif hint == hints.PositionAtBottom:
            bar.setValue(y + height - view)
        elif hint == hints.PositionAtCenter:
            bar.setValue(y + height // 2 - view // 2)
        elif head < bar.value() + (pinned if head == y else 0):
            bar.setValue(head - (pinned if head == y else 0))
        elif y + height > bar.value() + view:
            bar.setValue(y + height - view)

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        """Arrow keys move within the grid and across month headers; pages move a window's height."""
        model = self.model()
        rows = model.rowCount()
        current = self.currentIndex()
        if not rows:
            return QModelIndex()
        if not current.isValid():
            return model.index(0, 0)
        row = current.row()
        if action in (_Action.MoveLeft, _Action.MovePrevious):
            row = max(0, row - 1)
        elif action in (_Action.MoveRight, _Action.MoveNext):
            row = min(rows - 1, row + 1)
        elif action == _Action.MoveUp:
            row = self.cells.row_above(row)
        elif action == _Action.MoveDown:
            row = self.cells.row_below(row)
        elif action in (_Action.MovePageUp, _Action.MovePageDown):
            x, y, width, height = self.cells.rect(row)
            step = self.viewport().height() * (1 if action == _Action.MovePageDown else -1)
            target = min(max(0, y + height // 2 + step), self.cells.height - 1)
            row = self.cells.row_near(x + width // 2, target)
        elif action == _Action.MoveHome:
            row = 0
        elif action == _Action.MoveEnd:
            row = rows - 1
        return model.index(row, 0)

    def horizontalOffset(self) -> int:
        """The grid never scrolls sideways."""
        return 0

    def verticalOffset(self) -> int:
        """How far the grid is scrolled down."""
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: QModelIndex) -> bool:
        """Every photo of the list is shown."""
        return False

    def setSelection(self, rect: QRect, command: QItemSelectionModel.SelectionFlag) -> None:
        """Selects the photos whose cells meet ``rect`` (a click, or a rubber band)."""
        area = rect.normalized()
        offset = self.verticalScrollBar().value()
        columns, cell = self.cells.columns, self.cells.cell_width
        first_column, last_column = max(0, area.left() // cell), min(columns - 1, area.right() // cell)
        model, chosen = self.model(), QItemSelection()
        if first_column <= last_column:
            for _index, first, last in self.cells.rows_between(area.top() + offset, area.bottom() + offset):
                if first_column == 0 and last_column == columns - 1:
                    chosen.select(model.index(first, 0), model.index(last, 0))
                    continue
                for line in range(first, last + 1, columns):
                    start, end = line + first_column, min(line + last_column, last)
                    if start <= end:
                        chosen.select(model.index(start, 0), model.index(end, 0))
        self.selectionModel().select(chosen, command)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        """The whole window when the selection reaches what is on screen (never a rectangle per
        photo: selecting 100,000 photos costs nothing to repaint)."""
        visible = self.visible_rows()
        if visible is not None and any(r.bottom() >= visible[0] and r.top() <= visible[1] for r in selection):
            return QRegion(self.viewport().rect())
        return QRegion()

    # -- the rubber band ---------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A press beside the photos starts a rubber band."""
        super().mousePressEvent(event)
        point = event.position().toPoint()
        on_photo = self.indexAt(point).isValid()
        start = point + QPoint(0, self.verticalScrollBar().value())
        self._band = None if on_photo or event.button() != Qt.MouseButton.LeftButton else (start, start)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Draws the rubber band while selecting by dragging."""
        super().mouseMoveEvent(event)
        if self._band is not None and self.state() == QAbstractItemView.State.DragSelectingState:
            self._band = (self._band[0], event.position().toPoint() + QPoint(0, self.verticalScrollBar().value()))
            self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """The rubber band goes when the button is let go."""
        super().mouseReleaseEvent(event)
        if self._band is not None:
            self._band = None
            self.viewport().update()

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        """Paints the headers and cells in the damaged area only, then the pinned header."""
        painter = QPainter(self.viewport())
        area, offset = event.rect(), self.verticalScrollBar().value()
        top, bottom = area.top() + offset, area.bottom() + offset
        cells, width = self.cells, self.viewport().width()
        if cells.sections:
            for index in range(cells.section_at(top), cells.section_at(bottom) + 1):
                header = cells.headers[index]
                if header and cells.tops[index] <= bottom and cells.tops[index] + header >= top:
                    self._paint_header(painter, cells.sections[index], cells.tops[index] - offset, width)
        self._paint_cells(painter, area, offset)
        if cells.titled and offset > 0:
            self._paint_pinned(painter, offset, width)
        if self._band is not None:
            band = QStyleOptionRubberBand()
            band.initFrom(self)
            band.shape, band.opaque = QRubberBand.Shape.Rectangle, False
            band.rect = QRect(self._band[0] - QPoint(0, offset), self._band[1] - QPoint(0, offset)).normalized()
            self.style().drawControl(QStyle.ControlElement.CE_RubberBand, band, painter, self)
        painter.end()

    def _paint_cells(self, painter: QPainter, area: QRect, offset: int) -> None:
        model, delegate, chosen = self.model(), self.itemDelegate(), self.selectionModel()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        plain = option.state & ~QStyle.StateFlag.State_HasFocus  # the current cell alone has it
        current = self.currentIndex().row() if self.currentIndex().isValid() else -1
        focused = self.hasFocus()
        width, height = self.cells.cell_width, self.cells.cell
        for _index, first, last in self.cells.rows_between(area.top() + offset, area.bottom() + offset):
            for row in range(first, last + 1):
                x, y, _w, _h = self.cells.rect(row)
                if x + width <= area.left() or x > area.right():
                    continue  # a thumbnail that arrived repaints its own cell, not its whole line
                index = model.index(row, 0)
                option.rect = QRect(x, y - offset, width, height)
                state = plain
                if chosen.isSelected(index):
                    state |= QStyle.StateFlag.State_Selected
                if focused and row == current:
                    state |= QStyle.StateFlag.State_HasFocus
                option.state = state
                delegate.paint(painter, option, index)

    def _paint_header(self, painter: QPainter, section: Section, y: int, width: int) -> None:
        palette = self.palette()
        if section.year is not None:
            painter.setFont(self._year_font)
            painter.setPen(palette.color(QPalette.ColorRole.WindowText))
            year = QRect(TEXT_INDENT, y + 6, width - 2 * TEXT_INDENT, YEAR_HEADER - 6)
            painter.drawText(year, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, str(section.year))
            y += YEAR_HEADER
        line = QRect(TEXT_INDENT, y + 10, width - 2 * TEXT_INDENT, MONTH_HEADER - 12)
        self._paint_title(painter, line, section)

    def _paint_title(self, painter: QPainter, line: QRect, section: Section) -> None:
        """'June 2019' and, lighter, '124 photos' on one line."""
        palette = self.palette()
        align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.setFont(self._month_font)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        title = section.title or ""
        painter.drawText(line, align, title)
        painter.setFont(self.font())
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        indent = painter.fontMetrics().horizontalAdvance("   ") + self._title_width(title)
        painter.drawText(line.adjusted(indent, 0, 0, 0), align, count_text(section.count))

    def _title_width(self, title: str) -> int:
        return QFontMetrics(self._month_font).horizontalAdvance(title)

    def _paint_pinned(self, painter: QPainter, offset: int, width: int) -> None:
        """The header of the month at the top, once its own has scrolled away (pushed up by the next)."""
        cells = self.cells
        index = cells.section_at(offset)
        section = cells.sections[index]
        own = cells.tops[index] + (YEAR_HEADER if section.year is not None else 0)
        if section.title is None or offset <= own:
            return
        y = min(0, cells.tops[index + 1] - offset - PINNED_HEADER)
        band = QRect(0, y, width, PINNED_HEADER)
        painter.fillRect(band, self.palette().color(QPalette.ColorRole.Base))
        painter.fillRect(band.x(), band.bottom(), band.width(), 1, self.palette().color(QPalette.ColorRole.Midlight))
        self._paint_title(painter, band.adjusted(TEXT_INDENT, 0, -TEXT_INDENT, 0), section)
