"""The list behind the status bar's "5 unreadable": which files could not be read, and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from photoclip.core.formatting import display_path
from photoclip.gui import file_actions
from photoclip.gui.wording import plural

if TYPE_CHECKING:
    from photoclip.core.records import PhotoRow


class UnreadableDialog(QDialog):
    """Lists unreadable files (path and reason); they can be shown in their folder or their paths copied.
    photoclip tries each again when the file changes, or its permissions come to allow it."""

    def __init__(self, photos: list[PhotoRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Files photoclip could not read")
        self.resize(760, 420)
        self.photos = photos
        intro = QLabel(
            f"{plural(len(photos), 'file')} could not be read as a photo. They stay out of searches; "
            "photoclip tries each again when it changes (or, refused for its permissions, once they allow it). "
            "Nothing was changed in them."
        )
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setColumnCount(2)
        self.list.setHeaderLabels(["File", "Why"])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QTreeWidget.SelectionMode.ExtendedSelection)
        for photo in photos:
            item = QTreeWidgetItem([display_path(photo.path), photo.error or "unknown"])
            item.setToolTip(1, photo.error or "")
            self.list.addTopLevelItem(item)
        self.list.resizeColumnToContents(0)
        show = QPushButton("Show in folder")
        show.clicked.connect(self._show_in_folder)
        copy = QPushButton("Copy paths")
        copy.clicked.connect(self._copy_paths)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(show, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _chosen(self) -> list[PhotoRow]:
        rows = sorted(self.list.indexOfTopLevelItem(i) for i in self.list.selectedItems())
        return [self.photos[r] for r in rows] or list(self.photos)

    def _show_in_folder(self) -> None:
        chosen = self._chosen()
        if chosen and not file_actions.show_in_folder(chosen[0].path):
            self.note.setText(f"No file manager answered. The file is in {display_path(chosen[0].path.parent)}.")

    def _copy_paths(self) -> None:
        chosen = self._chosen()
        file_actions.copy_paths([p.path for p in chosen])
        self.note.setText(f"Copied {plural(len(chosen), 'path')}.")
