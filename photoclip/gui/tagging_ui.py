"""Tagging in the GUI: the "Auto-tag album…" dialog, tag review in the photo menu, collections."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
)

from photoclip.core.albums import Album, collection_album
from photoclip.core.tagging import LabelSet, Tagger, TagReport, label_sets, parse_labels

if TYPE_CHECKING:
    from photoclip.core.catalog import PhotoRow
    from photoclip.core.xmp_export import XmpExportReport
    from photoclip.gui.main_window import MainWindow

OWN_WORDS = "Your own words…"


class AutoTagDialog(QDialog):
    """Chooses a label set (built in, saved, or typed) and how to run."""

    def __init__(self, window: MainWindow, album: Album) -> None:
        super().__init__(window)
        self.setWindowTitle("Auto-tag album")
        self.sets = label_sets(window.tag_store)
        self.choice = QComboBox()
        default = "shapes" if window.library.search_spec.id == "photoclip-tiny" else "everyday"
        for name, label_set in sorted(self.sets.items(), key=lambda kv: (kv[0] != default, kv[0])):
            self.choice.addItem(f"{name} ({len(label_set.labels)} labels)", name)
        self.choice.addItem(OWN_WORDS, OWN_WORDS)
        self.words = QPlainTextEdit()
        self.words.setPlaceholderText("beach, mountain, city, birthday, receipt …")
        self.words.setMaximumHeight(90)
        self.save_as = QComboBox()
        self.save_as.setEditable(True)
        self.save_as.setPlaceholderText("save these words as a label set (optional name)")
        self.choice.currentIndexChanged.connect(self._changed)
        self.redo = QCheckBox("Tag again photos this label set has already tagged")
        self.export = QCheckBox(
            "Also write accepted tags to XMP sidecars (photo.jpg.xmp) for digiKam, darktable, Lightroom"
        )
        self.include_suggested = QCheckBox("… and the suggested tags not reviewed yet")
        self.include_suggested.setEnabled(False)
        self.export.toggled.connect(self.include_suggested.setEnabled)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Tag")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Album", QLabel(f"{album.description} — {len(album.photo_ids):,} photos"))
        form.addRow("Labels", self.choice)
        form.addRow("", self.words)
        form.addRow("", self.save_as)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.redo)
        layout.addWidget(self.export)
        layout.addWidget(self.include_suggested)
        layout.addWidget(buttons)
        self._changed()

    def _changed(self) -> None:
        own = self.choice.currentData() == OWN_WORDS
        self.words.setVisible(own)
        self.save_as.setVisible(own)

    def label_set(self) -> LabelSet | None:
        """The chosen labels (None if the user typed none)."""
        name = self.choice.currentData()
        if name != OWN_WORDS:
            return self.sets[name]
        labels = parse_labels(self.words.toPlainText())
        if not labels:
            return None
        saved = self.save_as.currentText().strip()
        return LabelSet(saved or "custom: " + ", ".join(labels), labels)


class _TagProgress(QObject):
    progress = Signal(int, int)


def auto_tag(window: MainWindow, album: Album) -> None:
    """Asks for labels and tags the album in the background, with progress in the status bar."""
    if not album.photo_ids:
        QMessageBox.information(window, "Auto-tag", "This album has no photos yet.")
        return
    dialog = AutoTagDialog(window, album)
    if not dialog.exec():
        return
    label_set = dialog.label_set()
    if label_set is None:
        QMessageBox.information(window, "Auto-tag", "Type at least one label.")
        return
    if not label_set.builtin and not label_set.name.startswith("custom: "):
        window.tag_store.save_label_set(label_set.name, label_set.labels)
    run_auto_tag(
        window,
        album,
        label_set,
        redo=dialog.redo.isChecked(),
        export=dialog.export.isChecked(),
        include_suggested=dialog.include_suggested.isChecked(),
    )


def run_auto_tag(
    window: MainWindow,
    album: Album,
    label_set: LabelSet,
    *,
    redo: bool = False,
    export: bool = False,
    include_suggested: bool = False,
) -> None:
    """Tags the album in the background; progress in the status bar, ``tagging_finished`` at the end."""
    relay = _TagProgress(window)
    relay.progress.connect(
        lambda done, total: window.statusBar().showMessage(f"Tagging {album.description}: {done:,} / {total:,}")
    )
    stop = threading.Event()
    window._tagging_stop = stop
    library = window.library

    def job() -> tuple[TagReport, XmpExportReport | None]:
        report = Tagger(library).tag(
            album.photo_ids, label_set, album=album.description, redo=redo, progress=relay.progress.emit, stop=stop
        )
        if not export:
            return report, None
        from photoclip.core.xmp_export import export_sidecars

        return report, export_sidecars(library.catalog, album.photo_ids, include_suggested=include_suggested)

    def done(outcome: tuple[TagReport, XmpExportReport | None]) -> None:
        report, exported = outcome
        window.statusBar().showMessage(
            f"Tagged {report.tagged:,} of {report.photos:,} photos of {album.description} "
            f"({report.tags:,} tags, {report.skipped:,} already tagged)"
            + (f". {exported.summary()}" if exported else ""),
            20000,
        )
        window.refresh_sidebar()
        window.tagging_finished.emit(report)
        if exported and exported.problems():
            QMessageBox.warning(window, "XMP sidecars", "\n".join(exported.problems()))

    window.statusBar().showMessage(f"Tagging {album.description}…")
    window.tasks.run(job, done=done, error=lambda exc: QMessageBox.warning(window, "Auto-tag", str(exc)))


def extend_photo_menu(window: MainWindow, menu: QMenu, photos: list[PhotoRow]) -> None:
    """Adds the tag review (accept, reject, add) and collection entries to the photo menu."""
    menu.addSeparator()
    if len(photos) == 1:
        photo = photos[0]
        tags_menu = menu.addMenu("Tags")
        for tag in window.tag_store.tags(photo.id):
            label = f"{tag.label}  ({tag.score:.2f}, suggested)" if tag.state == "suggested" else tag.label
            entry = tags_menu.addMenu(label)
            if tag.state == "suggested":
                entry.addAction("Accept", lambda t=tag: _change(window, photo.id, "accept", t.label))
            entry.addAction(
                "Remove" if tag.source == "user" else "Reject (never suggest again)",
                lambda t=tag: _change(window, photo.id, "reject", t.label),
            )
        if tags_menu.isEmpty():
            tags_menu.addAction("(no tags)").setEnabled(False)
        tags_menu.addSeparator()
        tags_menu.addAction("Add tag…", lambda: _add_tag(window, [photo]))
    else:
        menu.addAction(f"Add tag to {len(photos)} photos…", lambda: _add_tag(window, photos))
    menu.addAction("Add to collection…", lambda: _add_to_collection(window, photos))


def _change(window: MainWindow, photo_id: int, action: str, label: str) -> None:
    getattr(window.tag_store, action)(photo_id, label)
    window.refresh_sidebar()
    window.photos.invalidate({photo_id})
    follow_sidecars(window, [photo_id])


def _add_tag(window: MainWindow, photos: list[PhotoRow]) -> None:
    label, ok = QInputDialog.getText(window, "Add tag", "Tag:")
    if ok and label.strip():
        for photo in photos:
            window.tag_store.add(photo.id, label)
        window.refresh_sidebar()
        follow_sidecars(window, [photo.id for photo in photos])


def follow_sidecars(window: MainWindow, photo_ids: list[int]) -> None:
    """Brings the sidecars photoclip wrote for these photos in line with their reviewed tags, in the background."""
    from photoclip.core.xmp_export import follow_review

    catalog = window.library.catalog

    def job() -> list[str]:
        return [line for photo_id in photo_ids for line in follow_review(catalog, photo_id).problems()]

    def done(problems: list[str]) -> None:
        if problems:
            window.statusBar().showMessage(" ".join(problems), 20000)

    window.tasks.run(job, done=done, error=lambda exc: QMessageBox.warning(window, "XMP sidecars", str(exc)))


def _add_to_collection(window: MainWindow, photos: list[PhotoRow]) -> None:
    names = [c.name for c in window.tag_store.collections() if not c.query]
    name, ok = QInputDialog.getItem(
        window, "Add to collection", "Collection (type a new name to create one):", names, 0, True
    )
    if ok and name.strip():
        collection = window.tag_store.collection(name) or window.tag_store.create_collection(name)
        window.tag_store.add_to_collection(collection, [p.id for p in photos])
        window.refresh_sidebar()


def extend_folder_menu(window: MainWindow, menu: QMenu, root_id: int, folder: str) -> None:
    """Adds "Auto-tag…" to a folder's menu."""
    from photoclip.core.albums import resolve_album

    root = window.library.catalog.root(root_id)
    path = root.path / folder if folder else root.path
    menu.addSeparator()
    menu.addAction("Auto-tag…", lambda: auto_tag(window, resolve_album(window.library, str(path))))


def save_search_as_collection(window: MainWindow) -> None:
    """Saves the search box's query as a collection (an album that updates itself)."""
    query = window.search_box.text().strip()
    if not query or window.similar_to is not None:
        QMessageBox.information(
            window, "Save search", "Type a search first; a saved search is an album of whatever it finds."
        )
        return
    name, ok = QInputDialog.getText(window, "Save search as collection", "Name:", text=query)
    if ok and name.strip():
        window.tag_store.create_collection(name, query)
        window.refresh_sidebar()


def collection_menu(window: MainWindow, name: str) -> QMenu:
    """Auto-tag or delete a collection."""
    menu = QMenu(window)
    menu.addAction("Auto-tag…", lambda: auto_tag(window, collection_album(window.library, name)))
    return menu
