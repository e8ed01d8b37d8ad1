"""The thumbnail grid: a QListView in icon mode, uniform cells, batched layout, drag-out only."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from photoclip.gui.delegate import PhotoDelegate

#: Rows laid out per pass: a 100k-photo grid lays out in steps and stays responsive meanwhile.
LAYOUT_BATCH = 2000


class PhotoGrid(QListView):
    """The grid of photos over ``model``, painted by ``delegate``.

    Uniform item sizes let the view place 100k cells by arithmetic instead of asking for each
    cell's size; the context menu is the window's (it knows the library).
    """

    def __init__(self, model: QAbstractItemModel, delegate: PhotoDelegate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self.setGridSize(QSize(delegate.cell, delegate.cell))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setModel(model)
        self.setItemDelegate(delegate)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
