"""The main window: search box, folders and tags, the thumbnail grid, and indexing in the status bar.

Everything slow happens in the background (searches, the model, indexing, thumbnails); this
class only wires widgets to the library and shows results when they arrive.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QEvent, QObject, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from photoclip import APP_NAME
from photoclip.core.images import is_supported
from photoclip.core.library import Library
from photoclip.core.search import SearchFilters, SearchResults
from photoclip.core.tag_store import TagStore
from photoclip.gui.delegate import PhotoDelegate
from photoclip.gui.empty_state import EmptyState
from photoclip.gui.indexing import IndexingController
from photoclip.gui.keyboard import handle_event
from photoclip.gui.photo_grid import PhotoGrid
from photoclip.gui.photo_model import PhotoListModel
from photoclip.gui.preview import PreviewDialog
from photoclip.gui.search_bar import SearchBar
from photoclip.gui.sidebar import Sidebar
from photoclip.gui.status_panel import IndexingPanel
from photoclip.gui.tasks import TaskRunner
from photoclip.gui.thumbnails import ThumbnailLoader

log = logging.getLogger(__name__)
RESULT_LIMIT = 5000


class _WatcherRelay(QObject):
    """Carries the folder watcher's rescans (from its thread) to the GUI thread."""

    rescan = Signal(object)


class MainWindow(QMainWindow):
    """The photoclip window. Call :meth:`start` once it is shown."""

    results_shown = Signal(int)  # how many photos the grid shows after a search or a filter
    tagging_finished = Signal(object)  # TagReport

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.tag_store = TagStore(library.catalog)
        self.tasks = TaskRunner(parent=self)
        self.filters = SearchFilters()
        self.similar_to: int | Path | None = None
        self.watcher = None
        self._started = False
        self.setWindowTitle(f"{APP_NAME} — {library.paths.root}")
        self.setAcceptDrops(True)
        self.resize(1280, 820)
        self._build()
        self._restore_geometry()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search_bar = SearchBar(self.library.settings.get("min_score"))
        self.search_bar.changed.connect(self.refresh)
        self.search_bar.add_folder.connect(self.add_folder)
        self.search_box = self.search_bar.query
        self.search_box.installEventFilter(self)
        # Typing starts a new search: a "similar to ..." one gives way to the text.
        self.search_box.textEdited.connect(lambda _t: setattr(self, "similar_to", None))
        self.sort_box = self.search_bar.sort
        self.cutoff = self.search_bar.cutoff
        self.count_label = self.search_bar.count

        self.thumbnails = ThumbnailLoader(self.library.paths.thumbnails, parent=self)
        self.photos = PhotoListModel(self.library.catalog, self.thumbnails, self)
        self.delegate = PhotoDelegate(parent=self)
        self.grid = PhotoGrid(self.photos, self.delegate)
        self.grid.customContextMenuRequested.connect(self._grid_menu)
        self.grid.doubleClicked.connect(lambda index: self.open_preview(index.row()))
        self.grid.installEventFilter(self)
        self.grid.verticalScrollBar().valueChanged.connect(lambda _v: self._visible_changed())

        self.empty = EmptyState()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.empty)
        self.sidebar = Sidebar()
        self.sidebar.folder_selected.connect(self._folder_selected)
        self.sidebar.tag_selected.connect(self._tag_selected)
        self.sidebar.all_selected.connect(self._all_selected)
        self.sidebar.collection_selected.connect(self._collection_selected)
        self.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        split = QSplitter()
        split.addWidget(self.sidebar)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setSizes([240, 1040])
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        column = QWidget()
        vertical = QVBoxLayout(column)
        vertical.setContentsMargins(0, 0, 0, 0)
        vertical.addWidget(self.search_bar)
        vertical.addWidget(split, 1)
        layout.addWidget(column)
        self.setCentralWidget(central)

        self.status_label = QLabel()
        self.indexing_panel = IndexingPanel()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.indexing_panel)
        self.preview: PreviewDialog | None = None
        self._menus()
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.focus_search)

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction("&Add folder…", self.add_folder, QKeySequence("Ctrl+O"))
        file_menu.addAction("Rescan all folders", self.scan_all)
        file_menu.addAction("Save search as collection…", self._save_search)
        file_menu.addAction("Auto-tag the whole library…", self._auto_tag_all)
        file_menu.addSeparator()
        file_menu.addAction("&Settings…", self.open_settings, QKeySequence("Ctrl+,"))
        file_menu.addSeparator()
        file_menu.addAction("&Quit", self.close, QKeySequence.StandardKey.Quit)
        view = self.menuBar().addMenu("&View")
        self.show_scores = QAction("Show relevance scores", self, checkable=True, checked=True)
        self.show_scores.toggled.connect(self._toggle_scores)
        view.addAction(self.show_scores)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction("&About photoclip", self._about)

    # -- start-up ----------------------------------------------------------------------------
    def start(self) -> None:
        """Fills the window from the library, then starts the model, the watcher and a rescan."""
        if self._started:
            return
        self._started = True
        self.indexing = IndexingController(self.library, self)
        self.indexing.progress.connect(self.indexing_panel.update_progress)
        self.indexing.progress.connect(self._indexing_progress)
        self.indexing.finished.connect(self._indexing_finished)
        self.indexing.failed.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.indexing_panel.pause_toggled.connect(self.indexing.set_paused)
        self.indexing_panel.cancel_clicked.connect(self.indexing.cancel)
        self.refresh_sidebar()
        self.refresh()
        if self.library.roots() and self.library.model_present():
            self._model_ready()

    def _model_ready(self) -> None:
        """The model's weights are here: load it in the background, rescan, watch."""
        self.status_label.setText("Loading the model…")
        self.tasks.run(
            lambda: self.library.model(self.library.search_spec.id),
            done=lambda _m: self._loaded(),
            error=self._model_failed,
            key="model",
        )
        self.scan_all()
        self._start_watcher()

    def _loaded(self) -> None:
        self.update_status()
        if self.search_box.text().strip():
            self.refresh()

    def _model_failed(self, exc: BaseException) -> None:
        self.status_label.setText("The model could not be loaded.")
        from photoclip.gui.model_setup import show_model_setup

        show_model_setup(self, str(exc))

    def _start_watcher(self) -> None:
        if self.watcher is not None or not self.library.settings.get("watch_folders"):
            return
        from photoclip.core.watcher import FolderWatcher

        self._relay = _WatcherRelay(self)
        self._relay.rescan.connect(self.indexing.rescan)
        self.watcher = FolderWatcher(self._relay.rescan.emit)
        self.watcher.start()
        self.watcher.set_roots(self.library.roots())

    def scan_all(self) -> None:
        """Rescans every folder for what changed (in the background)."""
        if self.library.roots() and self.library.model_present():
            self.indexing.scan_all()

    # -- searching and browsing --------------------------------------------------------------
    def focus_search(self) -> None:
        """Ctrl+F: puts the cursor in the search box."""
        self.search_box.setFocus()
        self.search_box.selectAll()

    def search(self, text: str) -> None:
        """Searches for ``text`` as if typed and entered."""
        self.similar_to = None
        self.search_box.setText(text)
        self.search_bar.search_now()

    def find_similar(self, target: int | Path) -> None:
        """Shows the photos most like a library photo (by id) or an image file."""
        self.similar_to = target
        label = Path(target).name if isinstance(target, Path) else self._photo_name(target)
        self.search_box.setText(f"similar to {label}")
        self.search_bar.search_now()

    def _photo_name(self, photo_id: int) -> str:
        photo = self.library.catalog.photo(photo_id)
        return photo.path.name if photo else str(photo_id)

    def refresh(self) -> None:
        """Runs the current search (or listing) in the background and shows its results."""
        text = self.search_box.text().strip()
        sort = self.search_bar.sort_order()
        cutoff = self.search_bar.min_score()
        filters = self.filters
        library = self.library
        target = self.similar_to
        if not library.roots():
            self._show_empty()
            return

        def job() -> SearchResults:
            if target is not None:
                return library.similar(target, limit=RESULT_LIMIT, min_score=cutoff, sort=sort, filters=filters)
            if text:
                return library.search(text, limit=RESULT_LIMIT, min_score=cutoff, sort=sort, filters=filters)
            browse_sort = "date" if sort == "relevance" else sort
            return library.search("", limit=10**9, sort=browse_sort, filters=filters)

        if text and not library.model_loaded and target is None:
            self.status_label.setText("Loading the model for the first search…")
        self.tasks.run(job, done=self._show_results, error=self._search_failed, key="search")

    def _show_results(self, results: SearchResults) -> None:
        ranked = bool(results.query.positive)
        ids = results.ids
        scores = [h.score for h in results.hits] if ranked else None
        self.photos.set_photos(ids, scores, rows=[h.photo for h in results.hits[:1000]])
        self.thumbnails.set_visible(set(ids[:400].tolist()))
        if len(ids):
            self.stack.setCurrentWidget(self.grid)
            self.grid.scrollToTop()
            self._visible_changed()
        else:
            self._show_no_results(results)
        self.count_label.setText(
            f"{len(ids):,} result{'s' if len(ids) != 1 else ''}"
            if ranked
            else f"{len(ids):,} photo{'s' if len(ids) != 1 else ''}"
        )
        self.update_status()
        self.results_shown.emit(len(ids))

    def _search_failed(self, exc: BaseException) -> None:
        self.statusBar().showMessage(str(exc), 15000)
        from photoclip.core.errors import ModelError

        if isinstance(exc, ModelError):
            from photoclip.gui.model_setup import show_model_setup

            show_model_setup(self, str(exc))

    def _show_no_results(self, results: SearchResults) -> None:
        if not results.query.positive:
            if self.library.catalog.counts()["photos"]:
                self.empty.show_message("No photos here", "This folder or tag has no photos yet.")
            else:
                self.empty.show_message("Indexing your photos…", "Photos appear here as soon as they are indexed.")
        else:
            hint = (
                "Try other words, or lower the cut-off (next to the search box) to see less likely matches."
                if results.cut
                else "No photo in the library matches yet."
            )
            self.empty.show_message("No matching photos", hint)
        self.stack.setCurrentWidget(self.empty)

    def _show_empty(self) -> None:
        from photoclip.gui.model_setup import show_first_run

        show_first_run(self)

    def _visible_changed(self) -> None:
        first = self.grid.indexAt(self.grid.rect().topLeft())
        if not first.isValid():
            return
        per_page = max(1, (self.grid.viewport().width() // self.delegate.cell)) * (
            self.grid.viewport().height() // self.delegate.cell + 2
        )
        start = first.row()
        visible = {int(i) for i in self.photos.ids[max(0, start - per_page) : start + 2 * per_page]}
        self.thumbnails.set_visible(visible)

    # -- filters -----------------------------------------------------------------------------
    def _folder_selected(self, root_id: int, folder: str) -> None:
        self.filters = SearchFilters(folder=(root_id, folder))
        self.refresh()

    def _tag_selected(self, label: str) -> None:
        self.filters = SearchFilters(tags=(label,))
        self.refresh()

    def _collection_selected(self, name: str) -> None:
        collection = self.tag_store.collection(name)
        if collection is None:
            return
        if collection.query:  # a saved search: run it
            self.filters = SearchFilters()
            self.search(collection.query)
        else:
            self.filters = SearchFilters(photo_ids=tuple(self.tag_store.collection_photo_ids(collection)))
            self.refresh()

    def _all_selected(self) -> None:
        self.filters = SearchFilters()
        self.refresh()

    def refresh_sidebar(self) -> None:
        """Rebuilds folders (with counts and offline marks) and tags."""
        collections = [
            (c.name, "search" if c.query else f"{len(self.tag_store.collection_photo_ids(c)):,}")
            for c in self.tag_store.collections()
        ]
        self.sidebar.populate(self.library.catalog, self.library.roots(), self.tag_store.counts(), collections)

    def update_status(self) -> None:
        """The status bar's summary of the library."""
        status = self.library.status()
        offline = status.offline_roots + sum(1 for r in status.roots for _ in r.unreachable)
        parts = [f"{status.photos:,} photos", f"{status.embedded:,} indexed"]
        if status.errors:
            parts.append(f"{status.errors} unreadable")
        if offline:
            parts.append(f"{offline} folder{'s' if offline > 1 else ''} offline")
        model = self.library.search_spec.id
        if model != self.library.spec.id:
            parts.append(f"searching with {model} until {self.library.spec.id} has indexed everything")
        else:
            parts.append(model)
        self.status_label.setText("  ·  ".join(parts))

    def _indexing_progress(self, progress: object) -> None:
        """While indexing: show newly found photos after the scan, and new thumbnails as they come."""
        import time

        phase = getattr(progress, "phase", "")
        now = time.monotonic()
        if phase == "loading model" or (phase == "indexing" and now - getattr(self, "_last_tick", 0.0) > 1.5):
            self._last_tick = now
            self.refresh_sidebar()
            self.update_status()
            if phase == "loading model" and not self.search_box.text().strip():
                self.refresh()  # the photos just found appear (their thumbnails follow as they are indexed)
            else:
                self.photos.invalidate()

    def _indexing_finished(self, report: object) -> None:
        self.refresh_sidebar()
        if self.watcher is not None:
            self.watcher.set_roots(self.library.roots())
        changed = (
            getattr(report, "embedded", 0)
            + getattr(report, "moved", 0)
            + getattr(report, "deleted", 0)
            + getattr(report, "copied", 0)
        )
        if changed or getattr(report, "offline", None):
            self.photos.invalidate()
            self.refresh()
        else:
            self.update_status()

    # -- actions -----------------------------------------------------------------------------
    def add_folder(self, folder: str | Path | None = None) -> None:
        """Asks for a folder (unless given), adds it and starts indexing it."""
        if folder is None:
            from photoclip.core.paths import default_pictures_dir

            folder = QFileDialog.getExistingDirectory(self, "Add a folder of photos", str(default_pictures_dir()))
            if not folder:
                return
        try:
            root = self.library.add_root(Path(folder))
        except Exception as exc:
            QMessageBox.warning(self, "Cannot add this folder", str(exc))
            return
        self.refresh_sidebar()
        if self.watcher is not None:
            self.watcher.set_roots(self.library.roots())
        if not self.library.model_present():
            from photoclip.gui.model_setup import show_model_setup

            show_model_setup(self)
            return
        if self.watcher is None:
            self._model_ready()
        self.indexing.rescan({root.id: [""]})
        self.refresh()

    def open_settings(self) -> None:
        """Opens the settings dialog and applies what changed."""
        from photoclip.gui.settings_dialog import open_settings

        open_settings(self)

    def _save_search(self) -> None:
        from photoclip.gui.tagging_ui import save_search_as_collection

        save_search_as_collection(self)

    def _auto_tag_all(self) -> None:
        from photoclip.core.albums import resolve_album
        from photoclip.gui.tagging_ui import auto_tag

        auto_tag(self, resolve_album(self.library, None))

    def extend_photo_menu(self, menu: object, photos: list) -> None:
        """Adds the tagging entries to a photo's right-click menu."""
        from photoclip.gui.tagging_ui import extend_photo_menu

        extend_photo_menu(self, menu, photos)

    def extend_folder_menu(self, menu: object, root_id: int, folder: str) -> None:
        """Adds "Auto-tag…" to a folder's right-click menu."""
        from photoclip.gui.tagging_ui import extend_folder_menu

        extend_folder_menu(self, menu, root_id, folder)

    def _toggle_scores(self, shown: bool) -> None:
        self.delegate.show_scores = shown
        self.grid.viewport().update()

    def _about(self) -> None:
        from photoclip import __version__

        QMessageBox.about(
            self,
            "About photoclip",
            f"photoclip {__version__}\nFind your own photos by describing them.\n"
            f"Library: {self.library.paths.root}\nModel: {self.library.spec.id}",
        )

    def selected_photos(self) -> list:
        """The catalog rows of the selected photos, in grid order."""
        rows = sorted(i.row() for i in self.grid.selectionModel().selectedIndexes())
        return [p for p in (self.photos.photo_at(r) for r in rows) if p is not None]

    def open_preview(self, row: int) -> None:
        """Shows the photo at ``row`` large."""
        photo = self.photos.photo_at(row)
        if photo is None:
            return
        if self.preview is None:
            self.preview = PreviewDialog(self.tasks, self.tag_store.labels, self)
            self.preview.step.connect(self._preview_step)
        self.preview.show_photo(photo)
        self.preview.show()
        self.preview.raise_()

    def _preview_step(self, delta: int) -> None:
        current = self.grid.currentIndex().row()
        row = min(max(0, current + delta), self.photos.rowCount() - 1)
        self.grid.setCurrentIndex(self.photos.index(row))
        self.open_preview(row)

    def _grid_menu(self, position: object) -> None:
        from photoclip.gui.menus import photo_menu

        index = self.grid.indexAt(position)
        if not index.isValid():
            return
        if not self.grid.selectionModel().isSelected(index):
            self.grid.setCurrentIndex(index)
        photo_menu(self, self.selected_photos()).exec(self.grid.viewport().mapToGlobal(position))

    def _sidebar_menu(self, position: object) -> None:
        from photoclip.gui.menus import folder_menu
        from photoclip.gui.sidebar import CollectionRole, KindRole

        item = self.sidebar.itemAt(position)
        if item is not None and item.data(0, KindRole) == "collection":
            from photoclip.gui.tagging_ui import collection_menu

            collection_menu(self, item.data(0, CollectionRole)).exec(self.sidebar.viewport().mapToGlobal(position))
            return
        menu = folder_menu(self, item) if item is not None else None
        if menu is not None:
            menu.exec(self.sidebar.viewport().mapToGlobal(position))

    # -- keyboard, drag and drop, closing ----------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return handle_event(self, watched, event) or super().eventFilter(watched, event)

    def clear_search(self) -> None:
        """Esc: back to browsing the current folder or tag."""
        self.similar_to = None
        self.search_box.clear()
        self.search_bar.search_now()

    @staticmethod
    def _dropped_image(event: QDragEnterEvent | QDropEvent) -> Path | None:
        for url in event.mimeData().urls():
            if url.isLocalFile() and is_supported(url.toLocalFile()):
                return Path(url.toLocalFile())
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.source() is None and self._dropped_image(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        image = self._dropped_image(event)
        if image is not None:
            event.acceptProposedAction()
            photo = self.library.catalog.photo_by_path(image)
            self.find_similar(photo.id if photo is not None else image)

    def _restore_geometry(self) -> None:
        saved = self.library.settings.get("window_geometry")
        if saved:
            self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.library.settings.set("window_geometry", bytes(self.saveGeometry().toBase64()).decode("ascii"))
        if self.watcher is not None:
            self.watcher.stop()
        if self._started:
            self.indexing.shutdown()
        self.tasks.wait(10_000)
        self.thumbnails.wait(5_000)
        super().closeEvent(event)
