"""The window's place on screen, two windows on one library, and folders that moved while photoclip
was closed: found again with "Locate folder…", or recognised when added again. Real folders on disk."""

import pytest
import test_gui
from test_gui import indexed_window, wait_idle

pytest.importorskip("PySide6")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from photoclip.gui.menus import folder_menu

window = test_gui.window  # the main window fixture, shared with test_gui.py


def press_in_next_question(qtbot, button_text: str, seen: list[str]) -> None:
    """Answers the next message box by the button whose text starts with ``button_text``."""

    def answer():
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(100, answer)
            return
        seen.append(boxes[0].text())
        next(b for b in boxes[0].buttons() if b.text().startswith(button_text)).click()

    QTimer.singleShot(100, answer)


def unplug_and_move(qtbot, win, folder, moved_to):
    """The folder is renamed while photoclip does not look; the next scan finds it gone (offline)."""
    folder.rename(moved_to)
    win.scan_all()
    qtbot.waitUntil(lambda: not win.library.roots()[0].online, timeout=30_000)
    wait_idle(qtbot, win)


def test_locate_folder_follows_an_offline_folder_to_where_it_moved(qtbot, window, tmp_path, monkeypatch):
    win, folder, classes = indexed_window(qtbot, window, tmp_path, per_class=2)
    photo = win.library.photo_at(next(iter(classes)))
    win.library.tags.add(photo.id, "keep me")
    moved_to = tmp_path / "renamed photos"
    unplug_and_move(qtbot, win, folder, moved_to)
    root = win.library.roots()[0]
    menu = folder_menu(win.ctx, root.id, "", win.indexing)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args, **kwargs: str(moved_to))  # the user's pick
    next(a for a in menu.actions() if a.text() == "Locate folder…").trigger()
    (root,) = win.library.roots()
    assert root.path == moved_to.resolve()
    wait_idle(qtbot, win)
    assert win.library.roots()[0].online
    again = win.library.photo(photo.id)  # the same photo: its id, tags and vector kept
    assert again.path == moved_to.resolve() / photo.relpath and win.library.tags.labels(photo.id) == ["keep me"]
    assert win.library.status().embedded == len(classes)


def test_adding_a_folder_that_is_an_offline_one_moved_asks_and_follows_it(qtbot, window, tmp_path):
    win, folder, classes = indexed_window(qtbot, window, tmp_path, per_class=2)
    old_root = win.library.roots()[0]
    moved_to = tmp_path / "photos on the new disk"
    unplug_and_move(qtbot, win, folder, moved_to)
    seen: list[str] = []
    press_in_next_question(qtbot, "Yes", seen)
    win.add_folder(moved_to)
    assert seen == [f"Is this {old_root.path} moved here?"]
    roots = win.library.roots()
    assert [(r.id, r.path) for r in roots] == [(old_root.id, moved_to.resolve())]  # followed, not doubled
    wait_idle(qtbot, win)
    assert win.library.status().photos == len(classes)


def test_the_first_window_fits_the_screen_and_can_be_made_narrow(qtbot, window):
    win = window()
    available = win.screen().availableGeometry()
    assert available.contains(win.frameGeometry()), (available, win.frameGeometry())
    win.resize(600, 460)
    assert win.width() == 600  # half a small laptop's screen


def test_the_window_opens_again_where_it_was_left_and_never_larger_than_the_screen(qtbot, window, open_library):
    library = open_library()
    win = window(library, start=False)
    win.resize(640, 480)
    win.move(20, 30)
    win.close()
    again = window(library, start=False)
    assert (again.width(), again.height()) == (640, 480)
    again.resize(3000, 2000)  # left that large on a big monitor
    again.close()
    third = window(library, start=False)
    screen = third.screen().availableGeometry()
    qtbot.waitUntil(lambda: screen.contains(third.frameGeometry()), timeout=5_000)  # title bar and all


def test_two_windows_on_one_library_see_each_others_changes(qtbot, window, tmp_path, open_library):
    first, _folder, classes = indexed_window(qtbot, window, tmp_path, per_class=1)
    second = window(open_library(), start=True)  # the same library, opened again (another window or process)
    wait_idle(qtbot, second)
    photo = second.library.photo_at(next(iter(classes)))
    second.library.tags.add(photo.id, "seen elsewhere")
    second.events.tags_changed.emit([photo.id])

    def first_lists_the_tag():
        rows = [first.sidebar.topLevelItem(i) for i in range(first.sidebar.topLevelItemCount())]
        return any(row.text(0) == "Tags" and row.child(0).text(0) == "seen elsewhere" for row in rows)

    qtbot.waitUntil(first_lists_the_tag, timeout=15_000)


def test_the_window_title_leaves_the_app_name_to_the_desktop(qtbot, window):
    QApplication.setApplicationDisplayName("photoclip")  # the desktop adds it to every title
    try:
        win = window(start=False)
        assert "photoclip —" not in win.windowTitle() and not win.windowTitle().startswith("photoclip")
        assert win.windowTitle().endswith("library")
    finally:
        QApplication.setApplicationDisplayName("")


def test_a_folder_another_ones_link_reaches_is_listed_once_as_it_is_added_and_removed(
    qtbot, window, tmp_path, monkeypatch
):
    from pictures import spec_for, write

    main, other = tmp_path / "main", tmp_path / "other"
    home = write(main, "home", spec_for("green", "star", 1))
    trip = write(other, "trip", spec_for("red", "circle", 2))
    (main / "link-to-other").symlink_to(other)
    through_link = main / "link-to-other" / trip.name
    win = window()

    def listed() -> list:
        return sorted(p.path for p in win.library.photos(win.library.catalog.filter_photo_ids().tolist()))

    win.add_folder(main)
    qtbot.waitUntil(lambda: listed() == sorted([home, through_link]), timeout=60_000)
    win.add_folder(other)  # the link now leads into the library: its photo is listed once, at its own path
    qtbot.waitUntil(lambda: listed() == sorted([home, trip]), timeout=30_000)  # both trips until Rescan all
    wait_idle(qtbot, win)
    root = next(r for r in win.library.roots() if r.path == other.resolve())
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)  # "Remove?"
    menu = folder_menu(win.ctx, root.id, "", win.indexing)
    next(a for a in menu.actions() if a.text().startswith("Remove")).trigger()
    qtbot.waitUntil(lambda: listed() == sorted([home, through_link]), timeout=30_000)  # no trip until Rescan all
    wait_idle(qtbot, win)


def test_the_add_a_folder_dialog_opens_where_there_is_a_folder(qtbot, window, tmp_path, monkeypatch):
    """A new user without a Pictures folder was shown a dialog opened on that missing folder."""
    import platformdirs

    opened_at = []

    def dialog(parent, title, start, *args, **kwargs):
        opened_at.append(start)
        return ""  # cancelled

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", dialog)
    monkeypatch.setattr(platformdirs, "user_pictures_dir", lambda: str(tmp_path / "no Pictures here"))
    monkeypatch.setenv("HOME", str(tmp_path))
    win = window()
    win.add_folder()
    pictures = tmp_path / "Pictures"
    pictures.mkdir()
    monkeypatch.setattr(platformdirs, "user_pictures_dir", lambda: str(pictures))
    win.add_folder()
    assert opened_at == [str(tmp_path), str(pictures)]
    assert win.library.roots() == []  # cancelling adds nothing
