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

from PySide6.QtCore import QPoint, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QMainWindow

from photoclip.core.formatting import display_path
from photoclip.core.library import Library
from photoclip.gui.browsing import Browser
from photoclip.gui.context import GuiContext, LibraryEvents
from photoclip.gui.date_menu import DatesButton
from photoclip.gui.demo import DemoOpener
from photoclip.gui.drops import ImageDrops
from photoclip.gui.duplicates_view import open_duplicates
from photoclip.gui.filter_chips import FilterChips
from photoclip.gui.geometry import place_window, saved_geometry
from photoclip.gui.keyboard import KeyActions, Keyboard
from photoclip.gui.library_watch import LibraryWatch
from photoclip.gui.menu_bar import MenuBarActions, build_menu_bar, show_about
from photoclip.gui.model_download import ModelBanner
from photoclip.gui.model_keeper import ModelKeeper
from photoclip.gui.model_setup import ModelSetup
from photoclip.gui.results_area import ResultsArea
from photoclip.gui.search_assist import attach_search_assist
from photoclip.gui.search_bar import SearchBar
from photoclip.gui.sidebar import Sidebar, SidebarContents
from photoclip.gui.status_line import StatusLine, run_message
from photoclip.gui.status_panel import IndexingPanel
from photoclip.gui.tag_edit_ui import install_tag_review
from photoclip.gui.tag_menus import save_search_as_collection
from photoclip.gui.tagging_ui import auto_tag
from photoclip.gui.tasks import TaskRunner
from photoclip.gui.window_layout import arrange

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
    closed = Signal()  # the window closed (its library may be closed now)

    def __init__(self, library: Library, title: str | None = None) -> None:
        super().__init__()
        self.library = library
        self.tasks = TaskRunner(parent=self)
        self.events = LibraryEvents(self)
        self.ctx = GuiContext(library, self.tasks, self.events, self)
        self.indexing: IndexingController | None = None
        self._started = False
        self._last_tick = 0.0
        # The desktop adds the app's name (its display name) to the title itself.
        self.setWindowTitle(title or display_path(library.paths.root).replace(str(Path.home()), "~", 1))
        self._build()
        self._connect_events()
        place_window(self, library.settings.get("window_geometry"))

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        library = self.library
        self.search_bar = SearchBar(library.settings.get("relevance"))
        self.search_bar.add_folder.connect(self.add_folder)
        self.search_box = self.search_bar.query
        self.count_label = self.search_bar.count
        self.chips = FilterChips()
        self.banner = ModelBanner()
        self.results = ResultsArea(library.photos, library.paths.thumbnails, self.tasks, library.tags.labels)
        self.photos, self.grid, self.empty = self.results.photos, self.results.grid, self.results.empty
        self.grid.customContextMenuRequested.connect(self._grid_menu)
        self.browser = Browser(self.ctx, self.search_bar, self.results)
        self.browser.results_shown.connect(self.results_shown)
        self.browser.no_folders.connect(self._show_first_run)
        self.browser.model_missing.connect(lambda _reason: self.show_model_setup())
        self.browser.filters_changed.connect(self.chips.show_chips)
        self.browser.hidden_note.connect(self.chips.show_note)
        self.chips.removed.connect(self.browser.remove_filter)
        self.sidebar = Sidebar()
        self.sidebar.folder_selected.connect(self.browser.show_folder)
        self.sidebar.tag_selected.connect(self.browser.show_tag)
        self.sidebar.all_selected.connect(self.browser.show_all)
        self.sidebar.collection_selected.connect(self.browser.show_collection)
        self.sidebar.customContextMenuRequested.connect(self._sidebar_menu)
        self.browser.filters_cleared.connect(lambda: self.sidebar.select_all_photos(quiet=True))
        self.dates = DatesButton(self.ctx, lambda: (self.browser.filters.date_from, self.browser.filters.date_to))
        self.dates.chosen.connect(self.browser.set_dates)
        self.setCentralWidget(arrange(self.search_bar, self.chips, self.banner, self.sidebar, self.results, self.dates))

        self.status_line = StatusLine(library, self.tasks)
        self.browser.note.connect(self.status_line.setText)
        self.indexing_panel = IndexingPanel()
        self.statusBar().addWidget(self.status_line, 1)
        self.statusBar().addPermanentWidget(self.indexing_panel)
        self.setup = ModelSetup(self.ctx, self.empty)
        self.setup.page_shown.connect(self._page_shown)
        self.setup.add_folder.connect(self.add_folder)
        self.demo = DemoOpener(self.ctx)
        self.setup.demo_wanted.connect(self.demo.open)
        self.model = ModelKeeper(self.ctx, self.setup, self.banner)
        self.model.note.connect(self.status_line.setText)
        self.model.usable.connect(self._model_usable)
        self.model.loaded.connect(self._loaded)
        self.watch = LibraryWatch(library, parent=self)
        self.watch.changed.connect(self._changed_elsewhere)
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
        self.assist = attach_search_assist(self, self.ctx, self.search_bar, self.browser, self.results)
        self._menus()
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search, whatsThis="go to the search box")
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.focus_search, whatsThis="go to the search box")

    def _menus(self) -> None:
        self.show_scores = build_menu_bar(
            self.menuBar(),
            MenuBarActions(
                add_folder=self.add_folder,
                rescan_all=self.scan_all,
                save_search=lambda: save_search_as_collection(self.ctx, self.browser.text_query()),
                auto_tag_all=lambda: auto_tag(self.ctx, self.library.album(None)),
                open_settings=self.open_settings,
                quit=self.close,
                show_scores=self.results.set_show_scores,
                about=lambda: show_about(self, self.library),
                find_duplicates=lambda: open_duplicates(self.ctx, self.refresh_sidebar, self.refresh),
                search_help=self.assist.show_help,
                clear_search_history=self.assist.clear_history,
            ),
        )
        install_tag_review(self.ctx, self.menuBar(), self.browser, self.sidebar)

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
        self.indexing.failed.connect(self._indexing_failed)
        self.indexing_panel.pause_toggled.connect(self.indexing.set_paused)
        self.indexing_panel.cancel_clicked.connect(self.indexing.cancel)
        self.indexing_panel.resume_clicked.connect(self.scan_all)
        self.refresh_sidebar()
        self.refresh()
        self.watch.start()
        if self.library.roots():
            self.model.start()

    def _page_shown(self) -> None:
        """A set-up page went up: it stays until the person acts (see ResultsArea.held)."""
        self.results.held = self.setup.on_page
        self.results.show_empty()

    def _model_usable(self) -> None:
        """The model's files are here: rescan and watch (the run loads the model as it needs it)."""
        self.results.held = False
        if self.results.currentWidget() is self.empty and self.library.roots():
            self.refresh()  # the set-up page gives way to the photos
        self.scan_all()
        self._start_watcher()

    def _loaded(self) -> None:
        self.update_status()
        if self.search_box.text().strip():
            self.refresh()

    def _start_watcher(self) -> None:
        if self.indexing is not None and self.library.settings.get("watch_folders"):
            self.indexing.watch()

    def scan_all(self) -> None:
        """Rescans every folder for what changed (in the background)."""
        if self.indexing is not None and self.library.roots() and self.library.model_present():
            self.indexing.scan_all()

    def show_model_setup(self, reason: str | None = None) -> None:
        """Offers to fetch or choose the model (it is missing or cannot be loaded): on the set-up
        page, or in a banner when another model still answers searches."""
        self.update_status()  # no "Loading the model…" stays behind
        self.model.missing(reason or None)

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
        self._folders_changed()
        if message := run_message(report):  # new model weights; a folder that went offline mid-run
            self.statusBar().showMessage(message, 60_000)
        if report.cancelled:
            library = self.library
            self.tasks.run(lambda: library.status().pending, done=self.indexing_panel.offer_resume, key="pending")
        if report.embedded + report.moved + report.deleted + report.copied or report.offline or report.went_offline:
            self.photos.invalidate()
            self.refresh()
        else:
            self.update_status()

    def _follow_roots(self) -> None:
        if self.indexing is not None:
            self.indexing.follow_roots()

    def _indexing_failed(self, text: str) -> None:
        """A run failed (the model did not load, the disk is full): no busy bar stays behind."""
        from photoclip.gui.wording import without_terminal_advice

        self.indexing_panel.stopped()
        if not self.model.indexing_failed(text):
            self.statusBar().showMessage(without_terminal_advice(text), 15000)
        self.update_status()

    def _tags_changed(self, photo_ids: list[int] | None) -> None:
        self.refresh_sidebar()
        if photo_ids is not None:
            self.photos.invalidate(set(photo_ids))
        if self.browser.filtered_by_tags():
            self.results.keep_place()
            self.refresh()  # a photo whose tag was taken off leaves this view now
        else:
            self.update_status()

    def _changed_elsewhere(self) -> None:
        """Another window or a command changed the library: show it as it is now."""
        if self.indexing is not None and self.indexing.busy:
            return  # our own run writes too; its progress refreshes the window
        self._folders_changed()
        self.photos.invalidate()
        self.results.keep_place()
        self.refresh()

    def _folders_changed(self) -> None:
        self.refresh_sidebar()
        self._follow_roots()

    def _root_removed(self, _root_id: int) -> None:
        self.sidebar.select_all_photos()
        self._folders_changed()
        self.refresh()
        self.scan_all()  # another folder's link may reach the photos that left with it

    # -- actions -----------------------------------------------------------------------------
    def add_folder(self, folder: str | Path | None = None) -> None:
        """Asks for a folder (unless given), adds it and starts indexing it."""
        if folder is None:
            from photoclip.core.paths import folder_dialog_start

            folder = QFileDialog.getExistingDirectory(self, "Add a folder of photos", str(folder_dialog_start()))
            if not folder:
                return
        from photoclip.gui.folders import add_or_relocate

        root = add_or_relocate(self.ctx, Path(folder))
        if root is None:
            return
        if not self.library.model_present():
            self.model.missing()
            self.refresh()
            return
        if not self.model.started:
            self.model.load()
        self.scan_all()  # every folder: another one's link into this one no longer lists its photos
        self.refresh()

    def open_settings(self) -> None:
        """Opens the settings dialog and applies what changed: a new model or a folder included
        again starts a rescan, the search row follows the cut-off."""
        from photoclip.gui.settings_dialog import open_settings

        applied = open_settings(self.ctx, add_folder=self.add_folder, remove_folder=self._remove_root)
        if applied is None:
            return
        if "model" in applied.changes:
            self.model.switched()
            self.update_status()
        elif applied.needs_rescan:
            if self.library.model_present():
                self.scan_all()
            else:
                self.show_model_setup()
        if "relevance" in applied.changes:
            self.search_bar.set_strictness(applied.changes["relevance"])
        self.update_status()

    def _remove_root(self, root_id: int) -> None:
        from photoclip.gui.menus import remove_root

        if self.indexing is not None:
            remove_root(self.ctx, root_id, self.indexing)

    def _grid_menu(self, position: QPoint) -> None:
        from photoclip.gui.menus import grid_menu_at

        grid_menu_at(
            self.ctx, self.results, position, find_similar=self.find_similar, collection=self.browser.collection
        )

    def _sidebar_menu(self, position: QPoint) -> None:
        from photoclip.gui.menus import sidebar_menu_at

        if self.indexing is not None:
            sidebar_menu_at(self.ctx, self.sidebar, position, self.indexing)

    # -- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        """Saves the window's place, stops watching, indexing and long jobs, and waits for them."""
        self.library.settings.set("window_geometry", saved_geometry(self))
        self.watch.stop()
        self.ctx.closing.set()
        if self.indexing is not None:
            self.indexing.shutdown()
        self.tasks.wait(10_000)
        self.results.thumbnails.wait(5_000)
        super().closeEvent(event)
        self.closed.emit()
