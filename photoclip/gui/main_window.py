"""The main window: search box, folders and tags, the thumbnail grid, and indexing in the status bar.

Everything slow happens in the background (searches, the model, indexing, thumbnails, the status
line). The window builds its parts, hands each the collaborators it needs (a :class:`GuiContext`,
callbacks), and reacts to what they report: it is the only place that knows all of them.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPoint, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from photoclip import APP_NAME
from photoclip.core.library import Library
from photoclip.gui.browsing import Browser
from photoclip.gui.context import GuiContext, LibraryEvents
from photoclip.gui.drops import ImageDrops
from photoclip.gui.duplicates_view import open_duplicates
from photoclip.gui.keyboard import KeyActions, Keyboard
from photoclip.gui.menu_bar import MenuBarActions, build_menu_bar, show_about
from photoclip.gui.model_setup import ModelSetup
from photoclip.gui.results_area import ResultsArea
from photoclip.gui.search_bar import AUTO_CUTOFF, SearchBar
from photoclip.gui.sidebar import Sidebar, SidebarContents
from photoclip.gui.status_line import StatusLine
from photoclip.gui.status_panel import IndexingPanel
from photoclip.gui.tasks import TaskRunner

if TYPE_CHECKING:
    from photoclip.core.indexer import IndexProgress, IndexReport
    from photoclip.gui.indexing import IndexingController

log = logging.getLogger(__name__)
#: While indexing, the sidebar and the status line follow at most this often (seconds).
INDEXING_REFRESH_S = 1.5


class MainWindow(QMainWindow):
    """The photoclip window. Call :meth:`start` once it is shown."""

    results_shown = Signal(int)  # how many photos the grid shows after a search or a filter
    tagging_finished = Signal(object)  # TagReport

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.tasks = TaskRunner(parent=self)
        self.events = LibraryEvents(self)
        self.ctx = GuiContext(library, self.tasks, self.events, self)
        self.indexing: IndexingController | None = None
        self._started = False
        self._model_started = False
        self._last_tick = 0.0
        self.setWindowTitle(f"{APP_NAME} — {library.paths.root}")
        self.resize(1280, 820)
        self._build()
        self._connect_events()
        self._restore_geometry()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        library = self.library
        self.search_bar = SearchBar(library.settings.get("min_score"))
        self.search_bar.add_folder.connect(self.add_folder)
        self.search_box = self.search_bar.query
        self.cutoff = self.search_bar.cutoff
        self.count_label = self.search_bar.count
        self.results = ResultsArea(library.photos, library.paths.thumbnails, self.tasks, library.tags.labels)
        self.photos, self.grid, self.empty = self.results.photos, self.results.grid, self.results.empty
        self.grid.customContextMenuRequested.connect(self._grid_menu)
        self.browser = Browser(self.ctx, self.search_bar, self.results)
        self.browser.results_shown.connect(self.results_shown)
        self.browser.no_folders.connect(self._show_first_run)
        self.browser.model_missing.connect(self.show_model_setup)
        self.sidebar = Sidebar()
        self.sidebar.folder_selected.connect(self.browser.show_folder)
        self.sidebar.tag_selected.connect(self.browser.show_tag)
        self.sidebar.all_selected.connect(self.browser.show_all)
        self.sidebar.collection_selected.connect(self.browser.show_collection)
        self.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        split = QSplitter()
        split.addWidget(self.sidebar)
        split.addWidget(self.results)
        split.setStretchFactor(1, 1)
        split.setSizes([240, 1040])
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search_bar)
        column.addWidget(split, 1)
        self.setCentralWidget(central)

        self.status_line = StatusLine(library, self.tasks)
        self.browser.note.connect(self.status_line.setText)
        self.indexing_panel = IndexingPanel()
        self.statusBar().addWidget(self.status_line, 1)
        self.statusBar().addPermanentWidget(self.indexing_panel)
        self.setup = ModelSetup(self.ctx, self.empty)
        self.setup.page_shown.connect(self.results.show_empty)
        self.setup.add_folder.connect(self.add_folder)
        self.setup.model_ready.connect(self._weights_arrived)
        self.keyboard = Keyboard(
            self.search_box,
            self.grid,
            KeyActions(
                clear_search=self.browser.clear_search,
                open_preview=self.results.open_preview,
                toggle_preview=self.results.toggle_preview,
                selected_paths=lambda: [p.path for p in self.results.selected_photos()],
            ),
        )
        self.drops = ImageDrops(self)
        self.drops.watch(self)
        self.drops.watch(self.search_box)  # the line edit would take a dropped file as text
        self.drops.dropped.connect(self.browser.find_similar_to_file)
        self._menus()
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.focus_search)

    def _menus(self) -> None:
        self.show_scores = build_menu_bar(
            self.menuBar(),
            MenuBarActions(
                add_folder=self.add_folder,
                rescan_all=self.scan_all,
                save_search=self._save_search,
                auto_tag_all=self._auto_tag_all,
                open_settings=self.open_settings,
                quit=self.close,
                show_scores=self.results.set_show_scores,
                about=lambda: show_about(self, self.library),
                find_duplicates=lambda: open_duplicates(self.ctx, self.refresh_sidebar, self.refresh),
            ),
        )

    def _connect_events(self) -> None:
        """What the window's parts report about the library, shown where it shows."""
        self.events.message.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        self.events.tags_changed.connect(self._tags_changed)
        self.events.collections_changed.connect(self.refresh_sidebar)
        self.events.folders_changed.connect(self._folders_changed)
        self.events.root_removed.connect(self._root_removed)
        self.events.tagging_finished.connect(self.tagging_finished)
        self.results_shown.connect(lambda _count: self.update_status())

    # -- start-up ----------------------------------------------------------------------------
    def start(self) -> None:
        """Fills the window from the library, then starts the model, the watcher and a rescan."""
        if self._started:
            return
        self._started = True
        from photoclip.gui.indexing import IndexingController

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
        self._model_started = True
        self.status_line.setText("Loading the model…")
        self.tasks.run(
            lambda: self.library.model(self.library.search_spec.id),
            done=lambda _m: self._loaded(),
            error=self._model_failed,
            key="model",
        )
        self.scan_all()
        self._start_watcher()

    def _weights_arrived(self) -> None:
        self.refresh()
        self._model_ready()

    def _loaded(self) -> None:
        self.update_status()
        if self.search_box.text().strip():
            self.refresh()

    def _model_failed(self, exc: BaseException) -> None:
        self.status_line.setText("The model could not be loaded.")
        self.show_model_setup(str(exc))

    def _start_watcher(self) -> None:
        if self.indexing is not None and self.library.settings.get("watch_folders"):
            self.indexing.watch()

    def scan_all(self) -> None:
        """Rescans every folder for what changed (in the background)."""
        if self.indexing is not None and self.library.roots() and self.library.model_present():
            self.indexing.scan_all()

    def show_model_setup(self, reason: str | None = None) -> None:
        """Offers to fetch or choose the model (it is missing or cannot be loaded)."""
        self.setup.show_model_setup(reason or None)

    def _show_first_run(self) -> None:
        self.setup.show_first_run()
        self.count_label.setText("")
        self.update_status()

    # -- searching and browsing (see Browser) ------------------------------------------------
    def focus_search(self) -> None:
        """Ctrl+F: puts the cursor in the search box."""
        self.search_box.setFocus()
        self.search_box.selectAll()

    def search(self, text: str) -> None:
        """Searches for ``text`` as if typed and entered."""
        self.browser.search(text)

    def find_similar(self, target: int | Path) -> None:
        """Shows the photos most like a library photo (by id) or an image file."""
        self.browser.find_similar(target)

    def refresh(self) -> None:
        """Runs the current search (or listing) again and shows its results."""
        self.browser.refresh()

    def refresh_sidebar(self) -> None:
        """Rebuilds folders (with counts and offline marks), collections and tags."""
        self.sidebar.populate(SidebarContents.read(self.library))

    def update_status(self) -> None:
        """Refreshes the status line's summary of the library (read in the background)."""
        self.status_line.refresh()

    # -- following the library ---------------------------------------------------------------
    def _indexing_progress(self, progress: IndexProgress) -> None:
        """While indexing: show newly found photos after the scan, and new thumbnails as they come."""
        now = time.monotonic()
        phase = progress.phase
        if phase == "loading model" or (phase == "indexing" and now - self._last_tick > INDEXING_REFRESH_S):
            self._last_tick = now
            self.refresh_sidebar()
            self.update_status()
            if phase == "loading model" and not self.search_box.text().strip():
                self.refresh()  # the photos just found appear (their thumbnails follow as they are indexed)
            else:
                self.photos.invalidate()

    def _indexing_finished(self, report: IndexReport) -> None:
        self.refresh_sidebar()
        self._follow_roots()
        if report.embedded + report.moved + report.deleted + report.copied or report.offline:
            self.photos.invalidate()
            self.refresh()
        else:
            self.update_status()

    def _follow_roots(self) -> None:
        if self.indexing is not None:
            self.indexing.follow_roots()

    def _tags_changed(self, photo_ids: list[int] | None) -> None:
        self.refresh_sidebar()
        if photo_ids is not None:
            self.photos.invalidate(set(photo_ids))

    def _folders_changed(self) -> None:
        self.refresh_sidebar()
        self._follow_roots()

    def _root_removed(self, _root_id: int) -> None:
        self.sidebar.select_all_photos()
        self._folders_changed()
        self.refresh()

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
        self._folders_changed()
        if not self.library.model_present():
            self.show_model_setup()
            return
        if not self._model_started:
            self._model_ready()
        if self.indexing is not None:
            self.indexing.rescan({root.id: [""]})
        self.refresh()

    def open_settings(self) -> None:
        """Opens the settings dialog and applies what changed: a new model or a folder included
        again starts a rescan, the search row follows the cut-off."""
        from photoclip.gui.settings_dialog import open_settings

        applied = open_settings(self.ctx, add_folder=self.add_folder, remove_folder=self._remove_root)
        if applied is None:
            return
        if applied.needs_rescan:
            if self.library.model_present():
                self.scan_all()
            else:
                self.show_model_setup()
        if "min_score" in applied.changes:
            value = applied.changes["min_score"]
            self.cutoff.setValue(AUTO_CUTOFF if value is None else value)
        self.update_status()

    def _remove_root(self, root_id: int) -> None:
        from photoclip.gui.menus import remove_root

        if self.indexing is not None:
            remove_root(self.ctx, root_id, self.indexing)

    def _save_search(self) -> None:
        from photoclip.gui.tag_menus import save_search_as_collection

        save_search_as_collection(self.ctx, self.browser.text_query())

    def _auto_tag_all(self) -> None:
        from photoclip.gui.tagging_ui import auto_tag

        auto_tag(self.ctx, self.library.album(None))

    def _grid_menu(self, position: QPoint) -> None:
        from photoclip.gui.menus import photo_menu

        index = self.grid.indexAt(position)
        if not index.isValid():
            return
        if not self.grid.selectionModel().isSelected(index):
            self.grid.setCurrentIndex(index)
        photos = self.results.selected_photos()
        menu = photo_menu(self.ctx, photos, find_similar=self.find_similar, preview=self.results.preview_current)
        menu.exec(self.grid.viewport().mapToGlobal(position))

    def _sidebar_menu(self, position: QPoint) -> None:
        from photoclip.gui.menus import sidebar_menu

        if self.indexing is None:
            return
        menu = sidebar_menu(self.ctx, self.sidebar.itemAt(position), self.indexing)
        if menu is not None:
            menu.exec(self.sidebar.viewport().mapToGlobal(position))

    # -- closing -----------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = self.library.settings.get("window_geometry")
        if saved:
            self.restoreGeometry(QByteArray.fromBase64(saved.encode("ascii")))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Saves the window's place, stops watching, indexing and long jobs, and waits for them."""
        self.library.settings.set("window_geometry", bytes(self.saveGeometry().toBase64()).decode("ascii"))
        self.ctx.closing.set()
        if self.indexing is not None:
            self.indexing.shutdown()
        self.tasks.wait(10_000)
        self.results.thumbnails.wait(5_000)
        super().closeEvent(event)
