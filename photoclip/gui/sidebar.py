"""The sidebar: the library's folders (with photo counts, offline ones marked), collections and tags
(a tag that is only suggested, not yet accepted on any photo, is set in grey italics with the
number of its suggestions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPalette
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from photoclip.core.records import Root, TagSummary

if TYPE_CHECKING:
    from photoclip.core.library import Library

KindRole = Qt.ItemDataRole.UserRole + 10
RootRole = Qt.ItemDataRole.UserRole + 11
FolderRole = Qt.ItemDataRole.UserRole + 12
TagRole = Qt.ItemDataRole.UserRole + 13
CollectionRole = Qt.ItemDataRole.UserRole + 14


class RowKind(str, Enum):
    """What a sidebar row stands for (its :data:`KindRole`; stored as the plain value)."""

    ALL = "all"  # every photo
    HEADER = "header"  # "Folders", "Collections", "Tags"
    FOLDER = "folder"  # a watched folder or one of its sub-folders
    TAG = "tag"
    COLLECTION = "collection"


@dataclass(frozen=True)
class SidebarContents:
    """What the sidebar lists, as plain values read from the library."""

    roots: list[Root]
    root_counts: dict[int, int]  # photos per watched folder
    folder_counts: dict[int, dict[str, int]]  # root id -> photos per sub-folder (each on its own)
    tags: list[tuple[str, int]] = field(default_factory=list)  # label, photos
    collections: list[tuple[str, str]] = field(default_factory=list)  # name, what to show beside it
    tag_states: dict[str, TagSummary] = field(default_factory=dict)  # label -> accepted and suggested counts

    @classmethod
    def read(cls, library: Library) -> SidebarContents:
        """Reads folders, their counts, tags and collections through the library."""
        roots = library.roots()
        store = library.tags
        collections = [
            (c.name, "search" if c.query else f"{len(store.collection_photo_ids(c)):,}") for c in store.collections()
        ]
        summaries = library.tag_summaries()
        return cls(
            roots=roots,
            root_counts=library.root_counts(),
            folder_counts={root.id: library.folder_counts(root.id) for root in roots},
            tags=[(t.label, t.photos) for t in summaries],
            collections=collections,
            tag_states={t.label: t for t in summaries},
        )


def _item(
    parent: QTreeWidget | QTreeWidgetItem,
    texts: list[str],
    kind: RowKind,
    *,
    root: int = -1,
    folder: str = "",
    tag: str = "",
    collection: str = "",
) -> QTreeWidgetItem:
    """A sidebar row with every role set, so reading any role back never meets an empty QVariant."""
    item = QTreeWidgetItem(parent, texts)
    item.setData(0, KindRole, kind.value)
    item.setData(0, RootRole, root)
    item.setData(0, FolderRole, folder)
    item.setData(0, TagRole, tag)
    item.setData(0, CollectionRole, collection)
    return item


class Sidebar(QTreeWidget):
    """Folders and tags; selecting one filters the grid."""

    folder_selected = Signal(int, str)  # root id, folder relative to it ('' = the whole root)
    tag_selected = Signal(str)
    collection_selected = Signal(str)
    all_selected = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setRootIsDecorated(True)
        self.setUniformRowHeights(True)
        self.setMinimumWidth(200)
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, self.header().ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, self.header().ResizeMode.ResizeToContents)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.itemSelectionChanged.connect(self._selected)
        self._offline_brush = QBrush(QColor(170, 80, 30))
        self._tag_order: list[str] = []  # the tags as last listed

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A right-click only opens the row's menu: selecting the row would filter the grid, and the
        filter chip that appears above the photos must not move the rows before the menu is built
        for the row under the pointer (it once offered Rename… and Delete… for the row above)."""
        if event.button() == Qt.MouseButton.RightButton:
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """The right button's release, like its press, selects nothing (see :meth:`mousePressEvent`)."""
        if event.button() == Qt.MouseButton.RightButton:
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def in_use(self) -> bool:
        """True while the user is pointing at or working in the sidebar: its rows must not move then."""
        return self.underMouse() or self.hasFocus()

    def _stable_tags(self, tags: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """While the sidebar is in use, the tags in the order they were listed (a tag that lost its
        last photo stays, at 0, and new ones come after), so no row moves under the pointer; by
        count otherwise."""
        if self.in_use() and self._tag_order:
            counts = dict(tags)
            tags = [(label, counts.pop(label, 0)) for label in self._tag_order] + list(counts.items())
        self._tag_order = [label for label, _count in tags]
        return tags

    def follow_tag_edit(self, old: str, new: str) -> None:
        """A whole tag was renamed or merged into ``new``, or deleted (``new`` empty): the next
        :meth:`populate` lists it under its new name in its old place, or not at all. Only a tag
        that lost its photos one by one stays at 0 while the sidebar is in use; an edited tag is
        gone, and a row left for it would filter on a tag no photo has."""
        order = self._tag_order
        if old not in order:
            return
        if new and new not in order:
            order[order.index(old)] = new
        else:
            order.remove(old)

    def populate(self, contents: SidebarContents) -> None:
        """Rebuilds the tree, keeping what was selected and expanded."""
        selected = self._key(self.currentItem()) if self.currentItem() else None
        expanded = {self._key(item) for item in self.rows() if item.isExpanded()}
        self.blockSignals(True)
        self.clear()
        counts = contents.root_counts
        _item(self, ["All photos", f"{sum(counts.values()):,}"], RowKind.ALL)
        folders_header = _item(self, ["Folders", ""], RowKind.HEADER, folder="Folders")
        folders_header.setFlags(Qt.ItemFlag.ItemIsEnabled)
        for root in contents.roots:
            label = root.path.name or str(root.path)
            item = _item(folders_header, [label, f"{counts.get(root.id, 0):,}"], RowKind.FOLDER, root=root.id)
            tip = str(root.path)
            if not root.online:
                item.setText(0, f"{label} (offline)")
                item.setForeground(0, self._offline_brush)
                tip += "\nOffline: the drive or share is not connected. Its photos stay in the library."
            item.setToolTip(0, tip)
            self._add_subfolders(item, root.id, contents.folder_counts.get(root.id, {}))
        folders_header.setExpanded(True)
        if contents.collections:
            header = _item(self, ["Collections", ""], RowKind.HEADER, folder="Collections")
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for name, detail in contents.collections:
                _item(header, [name, detail], RowKind.COLLECTION, collection=name)
            header.setExpanded(True)
        if contents.tags:
            tags_header = _item(self, ["Tags", ""], RowKind.HEADER, folder="Tags")
            tags_header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for label, count in self._stable_tags(contents.tags):
                item = _item(tags_header, [label, f"{count:,}"], RowKind.TAG, tag=label)
                self._show_tag_state(item, contents.tag_states.get(label))
            tags_header.setExpanded(True)
        for item in self.rows():
            key = self._key(item)
            if key in expanded:
                item.setExpanded(True)
            if key == selected:
                self.setCurrentItem(item)
        self.blockSignals(False)

    def _show_tag_state(self, item: QTreeWidgetItem, summary: TagSummary | None) -> None:
        """Accepted tags look like the other rows; a tag that is only suggested is grey and italic,
        with its suggestions counted; one with both shows the suggestions after a plus."""
        if summary is None or not summary.suggested:
            return
        if summary.accepted:
            item.setText(1, f"{summary.accepted:,} +{summary.suggested:,}")
            item.setToolTip(
                0,
                f"{summary.accepted:,} photos have “{summary.label}”; {summary.suggested:,} more are suggested "
                "(right-click → Review suggestions…)",
            )
            return
        item.setText(1, f"{summary.suggested:,} suggested")
        item.setToolTip(0, f"Only suggested so far, on {summary.suggested:,} photos: right-click → Review suggestions…")
        grey = QBrush(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        for column in (0, 1):
            font = item.font(column)
            font.setItalic(True)
            item.setFont(column, font)
            item.setForeground(column, grey)

    def _add_subfolders(self, parent: QTreeWidgetItem, root_id: int, counts: dict[str, int]) -> None:
        totals: dict[str, int] = {}
        for folder, count in counts.items():
            parts = folder.split("/") if folder else []
            for depth in range(1, len(parts) + 1):
                key = "/".join(parts[:depth])
                totals[key] = totals.get(key, 0) + count
        items: dict[str, QTreeWidgetItem] = {"": parent}
        for folder in sorted(totals):
            parent_key = folder.rpartition("/")[0]
            items[folder] = _item(
                items[parent_key],
                [folder.rpartition("/")[2], f"{totals[folder]:,}"],
                RowKind.FOLDER,
                root=root_id,
                folder=folder,
            )

    def rows(self) -> list[QTreeWidgetItem]:
        """Every row, headers and nested folders included (in no particular order)."""
        found, stack = [], [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            found.append(item)
            stack.extend(item.child(i) for i in range(item.childCount()))
        return found

    @staticmethod
    def _key(item: QTreeWidgetItem) -> tuple:
        return (
            item.data(0, KindRole),
            item.data(0, RootRole),
            item.data(0, FolderRole) or item.data(0, TagRole) or item.text(0),
        )

    def _selected(self) -> None:
        item = self.currentItem()
        if item is None:
            return
        kind = item.data(0, KindRole)
        if kind == RowKind.FOLDER:
            self.folder_selected.emit(int(item.data(0, RootRole)), item.data(0, FolderRole))
        elif kind == RowKind.TAG:
            self.tag_selected.emit(item.data(0, TagRole))
        elif kind == RowKind.COLLECTION:
            self.collection_selected.emit(item.data(0, CollectionRole))
        elif kind == RowKind.ALL:
            self.all_selected.emit()

    def select_row(self, kind: RowKind, name: str, *, quiet: bool = True) -> bool:
        """Selects the tag or collection row called ``name`` (after a rename); ``quiet``: without
        telling anyone. False when there is no such row."""
        role = TagRole if kind == RowKind.TAG else CollectionRole
        for item in self.rows():
            if item.data(0, KindRole) == kind and item.data(0, role) == name:
                self.blockSignals(quiet)
                self.setCurrentItem(item)
                self.blockSignals(False)
                return True
        return False

    def select_all_photos(self, *, quiet: bool = False) -> None:
        """Selects "All photos" (clears folder and tag filters); ``quiet``: only shows it, for a
        filter already taken off elsewhere."""
        for item in self.rows():
            if item.data(0, KindRole) == RowKind.ALL:
                self.blockSignals(quiet)
                self.setCurrentItem(item)
                self.blockSignals(False)
                return
