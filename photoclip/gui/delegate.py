"""Painting one grid cell: the thumbnail, the relevance score, an offline badge and, in a list by
date, the date (a file's date, standing in for a photo that holds none, in italics with a ~)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from photoclip.gui.date_labels import photo_date

#: Height of the line under a thumbnail that says its date (in a list by date).
CAPTION = 18


class PhotoDelegate(QStyledItemDelegate):
    """Draws thumbnails at a fixed cell size, so the view can lay out 100k items at once."""

    def __init__(self, cell: int = 176, parent: object = None) -> None:
        super().__init__(parent)
        self.cell = cell
        self.show_scores = True
        self.show_dates = False  # on in a list sorted by date

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(self.cell, self.cell)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        cell = option.rect.adjusted(4, 4, -4, -4)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRoundedRect(QRectF(option.rect.adjusted(1, 1, -1, -1)), 6, 6)
        if option.state & QStyle.StateFlag.State_HasFocus:
            # The keyboard's place in the grid (Tab into it, arrows), selected or not.
            ring = palette.color(QPalette.ColorRole.Highlight)
            painter.setPen(QPen(ring.darker(140) if selected else ring, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(option.rect.adjusted(2, 2, -2, -2)), 6, 6)
        # Ask our model directly rather than through index.data(): no QVariant round trips per cell
        # (PySide6 6.12.0 lost a reference to None on each empty one, see pyproject.toml).
        model = index.model()
        row = index.row()
        image = model.thumbnail_at(row)
        area = cell.adjusted(3, 3, -3, -3)
        if self.show_dates:  # a line under the picture for its date
            area.adjust(0, 0, 0, -CAPTION)
        if isinstance(image, QImage) and not image.isNull():
            scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(area.center())
            painter.drawImage(target, image)
        else:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase).darker(104))
            painter.drawRoundedRect(QRectF(area), 4, 4)
        photo = model.photo_at(row)
        badges = []
        score = model.score_at(row)
        if self.show_scores and score is not None:
            badges.append((f"{score:.2f}", QColor(20, 20, 20, 170)))
        if photo is not None and not photo.online:
            badges.append(("offline", QColor(150, 60, 20, 210)))
        font = QFont(painter.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(font)
        y = area.bottom() - 20
        for text, colour in badges:
            width = painter.fontMetrics().horizontalAdvance(text) + 10
            badge = QRectF(area.right() - width - 2, y, width, 18)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(badge, 4, 4)
            painter.setPen(QPen(QColor(255, 255, 255)))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
            y -= 22
        if self.show_dates and photo is not None and photo.taken_at is not None:
            font.setItalic(photo.date_source == "file")  # a file's date: "~5 Jan 2020", in italics
            painter.setFont(font)
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
            painter.setPen(palette.color(role))
            line = QRect(area.left(), area.bottom() + 3, area.width(), CAPTION - 3)
            painter.drawText(
                line,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                photo_date(photo.taken_at, photo.date_source),
            )
        painter.restore()
