"""The desktop app under pytest-qt (offscreen), with the small model and real folders."""

import datetime as dt
import shutil
import sys

import pytest
from pictures import spec_for, write, write_set

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from photoclip.gui.main_window import MainWindow
from photoclip.gui.photo_model import PhotoRole

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def window(qtbot, open_library):
    windows = []

    def _make(library=None, start=True):
        library = library or open_library()
        library.settings.set("watch_folders", True)
        win = MainWindow(library)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        if start:
            win.start()
        windows.append(win)
        return win

    yield _make
    for win in windows:
        win.close()


def wait_idle(qtbot, win, timeout=60_000):
    qtbot.waitUntil(lambda: not win.indexing.busy and not win.tasks.busy, timeout=timeout)


def grid_labels(win, classes_by_path, count):
    found = []
    for row in range(min(count, win.photos.rowCount())):
        photo = win.photos.data(win.photos.index(row), PhotoRole)
        found.append(classes_by_path.get(photo.path))
    return found


def indexed_window(qtbot, window, tmp_path, per_class=3):
    folder = tmp_path / "photos"
    classes = write_set(folder, CLASSES, per_class)
    win = window()
    win.add_folder(folder)
    qtbot.waitUntil(lambda: win.library.status().embedded == len(classes), timeout=60_000)
    wait_idle(qtbot, win)
    return win, folder, classes


def test_the_window_is_shown_before_the_model_has_loaded(qtbot, tmp_path):
    from photoclip.core.library import Library

    write_set(tmp_path / "photos", CLASSES, 1)
    with Library.open(tmp_path / "library", model="photoclip-tiny") as library:
        library.add_root(tmp_path / "photos")
    library = Library.open(tmp_path / "library", model="photoclip-tiny")  # a fresh process would start like this
    win = MainWindow(library)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    assert win.isVisible() and not library.model_loaded
    win.start()
    qtbot.waitUntil(lambda: library.model_loaded, timeout=60_000)
    wait_idle(qtbot, win)
    win.close()
    library.close()


def test_first_run_offers_folders_and_the_demo(qtbot, window):
    win = window()
    assert win.results.currentWidget() is win.empty
    labels = list(win.empty.button_widgets)
    assert "Add a folder…" in labels and "Try the demo pictures" in labels


def test_adding_a_folder_indexes_it_with_progress_to_done(qtbot, window, tmp_path):
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 3)
    win = window()
    seen = []
    win.indexing.progress.connect(lambda p: seen.append((p.phase, p.done, p.total)))
    win.add_folder(folder)
    qtbot.waitUntil(lambda: ("done", 12, 12) in seen, timeout=60_000)
    wait_idle(qtbot, win)
    assert any(phase == "indexing" for phase, _, _ in seen)
    qtbot.waitUntil(win.indexing_panel.isHidden, timeout=10_000)  # the last report may still be queued
    assert win.photos.rowCount() == 12
    assert win.results.currentWidget() is win.grid


def test_typing_a_query_fills_the_grid_with_the_right_photos_first(qtbot, window, tmp_path):
    win, _folder, classes = indexed_window(qtbot, window, tmp_path)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        qtbot.keyClicks(win.search_box, "a blue square")
    assert grid_labels(win, classes, 3).count(("blue", "square")) >= 2
    assert win.photos.scores is not None and win.photos.scores[0] >= win.photos.scores[-1]
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        qtbot.keyClick(win.search_box, Qt.Key.Key_Escape)
    assert win.photos.rowCount() == 12 and win.photos.scores is None


def test_the_grid_shows_where_the_keyboard_is(qtbot, window, tmp_path):
    """Tabbed or arrowed into, the grid rings its current photo (it showed nothing, so the first
    Right seemed to skip a photo)."""
    win, _folder, _classes = indexed_window(qtbot, window, tmp_path, per_class=2)
    win.grid.setCurrentIndex(win.photos.index(1, 0))
    win.grid.selectionModel().clearSelection()  # Tab moves the keyboard there, selecting nothing
    win.grid.setFocus()
    qtbot.waitUntil(win.grid.hasFocus, timeout=5_000)
    current, other = (win.grid.visualRect(win.photos.index(row, 0)) for row in (1, 2))
    focused = [win.grid.viewport().grab(cell).toImage() for cell in (current, other)]
    win.search_box.setFocus()
    qtbot.waitUntil(lambda: not win.grid.hasFocus(), timeout=5_000)
    unfocused = [win.grid.viewport().grab(cell).toImage() for cell in (current, other)]
    assert focused[0] != unfocused[0]  # the current photo is ringed while the grid has the keyboard
    assert focused[1] == unfocused[1]  # and no other


def test_tabbed_into_a_scrolled_grid_the_keyboard_starts_on_a_photo_in_view(qtbot, window, tmp_path):
    win, _folder, _classes = indexed_window(qtbot, window, tmp_path)
    win.resize(700, 420)
    qtbot.waitUntil(lambda: win.grid.verticalScrollBar().maximum() > 0, timeout=5_000)
    win.grid.setCurrentIndex(win.photos.index(0, 0))
    win.grid.verticalScrollBar().setValue(win.grid.verticalScrollBar().maximum())
    win.search_box.setFocus()
    win.grid.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(win.grid.hasFocus, timeout=5_000)
    first, last = win.grid.visible_rows()
    assert first > 0 and first <= win.grid.currentIndex().row() <= last


def test_keyboard_moves_from_the_search_box_to_the_grid_and_opens_the_preview(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QApplication

    win, _folder, _classes = indexed_window(qtbot, window, tmp_path, per_class=2)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        qtbot.keyClicks(win.search_box, "a red circle")
        qtbot.keyClick(win.search_box, Qt.Key.Key_Return)
    qtbot.keyClick(win.search_box, Qt.Key.Key_Down)
    assert win.grid.hasFocus() and win.grid.currentIndex().row() == 0
    first = win.photos.photo_at(0)
    qtbot.keyClick(win.grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.results.preview is not None and win.results.preview.isVisible(), timeout=10_000)
    assert win.results.preview.windowTitle() == first.path.name
    qtbot.keyClick(win.grid, Qt.Key.Key_Space)  # Space toggles the quick preview off again
    assert not win.results.preview.isVisible()
    win.grid.selectionModel().select(win.grid.currentIndex(), win.grid.selectionModel().SelectionFlag.Select)
    try:
        qtbot.keyClick(win.grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.clipboard().text() == str(first.path)
    finally:
        # The offscreen platform keeps clipboard data in a C++ static that outlives Python; let go
        # of ours now, or deleting it at process exit crashes the interpreter after the tests ran.
        QApplication.clipboard().clear()


def test_settings_changes_are_saved_and_applied(qtbot, window, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from photoclip.gui.settings_dialog import SettingsDialog

    win = window()

    def change_and_accept():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible())
        editor = dialog.editors["relevance"]
        editor.setCurrentIndex(editor.findData("strict"))
        dialog.accept()

    QTimer.singleShot(200, change_and_accept)
    win.open_settings()
    assert win.library.settings.get("relevance") == "strict"
    assert win.search_bar.strictness() == "strict"  # the search row follows the setting


def test_right_click_find_similar_shows_neighbours(qtbot, window, tmp_path):
    from photoclip.gui.menus import photo_menu

    win, _folder, classes = indexed_window(qtbot, window, tmp_path)
    target = next(p for p, label in classes.items() if label == ("yellow", "star"))
    photo = win.library.photo_at(target)
    menu = photo_menu(win.ctx, [photo], find_similar=win.find_similar, preview=win.results.preview_current)
    action = next(a for a in menu.actions() if a.text() == "Find similar")
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        action.trigger()
    shown = grid_labels(win, classes, 2)
    assert target not in [win.photos.photo_at(r).path for r in range(win.photos.rowCount())]
    assert shown.count(("yellow", "star")) >= 1 and shown[0] == ("yellow", "star")


def _menu_opened_by(qtbot, win, *keys, event=None):
    """(entries, top-left) of the popup menu a key press on the grid (or ``event`` sent to it)
    opens, None when none opens."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen = []

    def look():
        menu = QApplication.activePopupWidget()
        seen.append(None if menu is None else ([a.text() for a in menu.actions()], menu.pos()))
        if menu is not None:
            menu.close()

    QTimer.singleShot(500, look)
    if event is not None:
        QApplication.sendEvent(win.grid, event)
    else:
        qtbot.keyClick(win.grid, *keys)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    return seen[0]


def test_shift_f10_and_the_menu_key_open_the_photos_menu_on_the_current_photo(qtbot, window, tmp_path):
    """The keyboard's right-click: the menu of the current photo opens over it, wherever the pointer is."""
    from PySide6.QtCore import Qt

    win, _folder, _classes = indexed_window(qtbot, window, tmp_path)
    for keys in ((Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier), (Qt.Key.Key_Menu,)):
        current = win.photos.index(1, 0)
        win.grid.setFocus()
        win.grid.setCurrentIndex(current)
        opened = _menu_opened_by(qtbot, win, *keys)
        assert opened is not None, keys
        entries, where = opened
        assert "Find similar" in entries
        assert where == win.grid.viewport().mapToGlobal(win.grid.visualRect(current).center())
        assert [p.path for p in win.results.selected_photos()] == [win.photos.photo_at(1).path]
    # Where the platform follows the Menu key with a context-menu event of its own, that is the same
    # request, not a second menu; one without the key before it opens the menu on the current photo.
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QContextMenuEvent

    def keyboard_event():
        at = QPoint(1, 1)
        return QContextMenuEvent(
            QContextMenuEvent.Reason.Keyboard, at, win.grid.mapToGlobal(at), Qt.KeyboardModifier.NoModifier
        )

    assert _menu_opened_by(qtbot, win, event=keyboard_event()) is None
    again = _menu_opened_by(qtbot, win, event=keyboard_event())
    assert again is not None and again[1] == win.grid.viewport().mapToGlobal(win.grid.visualRect(current).center())


def test_watched_folder_picks_up_new_deleted_and_moved_photos(qtbot, window, tmp_path):
    win, folder, classes = indexed_window(qtbot, window, tmp_path)
    catalog = win.library.catalog
    new = write(tmp_path / "incoming", "fresh", spec_for("purple", "circle", 31))
    shutil.copy(new, folder / new.name)
    qtbot.waitUntil(
        lambda: (
            catalog.photo_by_path(folder / new.name) is not None
            and catalog.vector(catalog.photo_by_path(folder / new.name).id, "photoclip-tiny") is not None
        ),
        timeout=60_000,
    )
    qtbot.waitUntil(lambda: win.photos.row_of(catalog.photo_by_path(folder / new.name).id) is not None, timeout=30_000)

    doomed = sorted(classes)[0]
    doomed_id = catalog.photo_by_path(doomed).id
    doomed.unlink()
    qtbot.waitUntil(lambda: catalog.photo(doomed_id) is None, timeout=60_000)

    moving = sorted(classes)[1]
    moving_photo = catalog.photo_by_path(moving)
    win.library.tags.add(moving_photo.id, "keep me")
    (folder / "sorted").mkdir()
    moved_to = folder / "sorted" / moving.name
    moving.rename(moved_to)
    qtbot.waitUntil(lambda: (catalog.photo(moving_photo.id) or moving_photo).path == moved_to, timeout=60_000)
    assert catalog.vector(moving_photo.id, "photoclip-tiny") is not None
    assert win.library.tags.labels(moving_photo.id) == ["keep me"]  # the same photo, tags and all
    wait_idle(qtbot, win)


def test_a_missing_root_shows_offline_and_keeps_its_photos(qtbot, window, tmp_path):
    win, folder, classes = indexed_window(qtbot, window, tmp_path)
    win.indexing.watcher.poll_s = 0.5
    folder.rename(tmp_path / "unplugged")
    qtbot.waitUntil(lambda: not win.library.roots()[0].online, timeout=30_000)
    wait_idle(qtbot, win)
    qtbot.waitUntil(lambda: "(offline)" in win.sidebar.topLevelItem(1).child(0).text(0), timeout=10_000)
    assert win.library.status().photos == len(classes)
    assert win.photos.rowCount() == len(classes)
    (tmp_path / "unplugged").rename(folder)
    qtbot.waitUntil(lambda: win.library.roots()[0].online, timeout=30_000)
    wait_idle(qtbot, win)


def test_auto_tag_an_album_then_review_and_filter_by_tag(qtbot, window, tmp_path):
    from photoclip.core.xmp import read_keywords, sidecar_path
    from photoclip.gui.menus import photo_menu
    from photoclip.gui.sidebar import KindRole, TagRole
    from photoclip.gui.tagging_ui import AutoTagDialog, run_auto_tag

    win, folder, classes = indexed_window(qtbot, window, tmp_path)
    album = win.library.album(str(folder))
    dialog = AutoTagDialog(win.library, album, win)
    assert dialog.label_set().name == "shapes"  # the demo model's own labels are offered first
    dialog.choice.setCurrentIndex(dialog.choice.count() - 1)  # "Your own words…"
    dialog.words.setPlainText("red circle, blue square, green triangle, yellow star")
    chosen = dialog.label_set()
    assert chosen.labels == ("red circle", "blue square", "green triangle", "yellow star")
    with qtbot.waitSignal(win.tagging_finished, timeout=60_000) as finished:
        run_auto_tag(win.ctx, album, chosen, export=True, include_suggested=True)
    assert finished.args[0].tagged >= 10
    assert "XMP sidecar" in win.statusBar().currentMessage()

    tag_items = [win.sidebar.topLevelItem(i) for i in range(win.sidebar.topLevelItemCount())]
    tags_header = next(item for item in tag_items if item.text(0) == "Tags")
    red = next(
        tags_header.child(i)
        for i in range(tags_header.childCount())
        if tags_header.child(i).data(0, TagRole) == "red circle"
    )
    # Only suggested so far: the sidebar counts the suggestions ("2 suggested", in grey italics).
    assert red.data(0, KindRole) == "tag" and red.text(1).endswith(" suggested") and int(red.text(1).split()[0]) >= 2
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.sidebar.setCurrentItem(red)
    shown = grid_labels(win, classes, win.photos.rowCount())
    assert shown and shown.count(("red", "circle")) >= len(shown) - 1

    photo = win.photos.photo_at(0)
    menu = photo_menu(win.ctx, [photo], find_similar=win.find_similar, preview=win.results.preview_current)
    tags_menu = next(a.menu() for a in menu.actions() if a.text() == "Tags")
    entry = next(a.menu() for a in tags_menu.actions() if a.text().startswith("red circle"))
    sidecar = sidecar_path(photo.path)
    assert "red circle" in read_keywords(sidecar)
    next(a for a in entry.actions() if a.text().startswith("Reject")).trigger()
    assert "red circle" not in win.library.tags.labels(photo.id)
    qtbot.waitUntil(lambda: "red circle" not in read_keywords(sidecar), timeout=30_000)  # the sidecar follows


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on (PEP 683): its count cannot drain"
)
def test_painting_and_sidebar_refreshes_do_not_drain_references_to_none(qtbot, window, tmp_path):
    """PySide6 on Python 3.11 drops a reference to None per empty QVariant read; enough of them
    abort the interpreter. Our painting and sidebar code must not read empty roles at all."""

    win, _folder, _classes = indexed_window(qtbot, window, tmp_path)
    win.results.thumbnails.clear()
    before = sys.getrefcount(None)
    for _ in range(30):
        win.grid.viewport().repaint()
        win.refresh_sidebar()
    assert sys.getrefcount(None) - before > -50


def test_a_search_that_cannot_run_clears_the_last_results_and_its_message_goes_with_the_next(qtbot, window, tmp_path):
    """A missing image typed in the box: the grid said "3 results" of the search before, and the
    status bar kept the error after the next search had run."""
    win, folder, _classes = indexed_window(qtbot, window, tmp_path)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search(f"a red circle {dt.date.today().year}")  # the year the pictures were written
    assert win.results.currentWidget() is not win.results.empty and win.search_bar.count.text()
    assert win.browser.query_chips  # the year narrows the search, shown as a chip
    win.search(str(folder / "nope.jpg"))
    qtbot.waitUntil(lambda: win.results.currentWidget() is win.results.empty, timeout=30_000)
    assert win.results.empty.title.text() == "This search could not run"
    assert "nope.jpg" in win.results.empty.text.text() and win.search_bar.count.text() == ""
    win.grab().save(str(tmp_path / "cannot-run.png"))
    assert "nope.jpg" in win.statusBar().currentMessage() and not win.browser.query_chips
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a blue square")
    assert win.results.currentWidget() is not win.results.empty and win.photos.rowCount()
    assert win.statusBar().currentMessage() == ""


def test_a_search_for_a_tag_no_photo_has_says_so(qtbot, window, tmp_path):
    """ "tag:nosuch red" only said "No matching photos": the tag is not there, not the photos."""
    win, _folder, _classes = indexed_window(qtbot, window, tmp_path)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("tag:nosuch red")
    assert win.results.currentWidget() is win.results.empty
    assert "No photo is tagged “nosuch”." in win.results.empty.text.text()
