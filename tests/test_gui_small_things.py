"""Small things a user trips over in the window: the tagging dialog's own-words field, Open with no
viewer, the preview of an offline or tiny photo and its date, plurals, the unreadable files behind
the status bar, and Resume after Cancel. Real library, real pictures, the real small model."""

import pytest
import test_gui
from pictures import spec_for, write, write_set
from PIL import Image
from test_gui import CLASSES, indexed_window, wait_idle

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QLabel

from photoclip.gui.menus import photo_menu
from photoclip.gui.status_line import StatusLine
from photoclip.gui.tagging_ui import OWN_WORDS, AutoTagDialog

window = test_gui.window  # the main window fixture, shared with test_gui.py


@pytest.fixture
def library(tmp_path, open_library):
    """One picture, indexed."""
    write(tmp_path / "photos", "only", spec_for("red", "circle", 1))
    opened = open_library()
    opened.add_root(tmp_path / "photos")
    opened.update()
    return opened


def test_the_own_words_field_has_a_label_and_its_hints_show(qtbot, library):
    dialog = AutoTagDialog(library, library.album(None))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choice.setCurrentIndex(dialog.choice.findData(OWN_WORDS))
    label = dialog.form.labelForField(dialog.words)
    assert label is not None and label.text() == "Your words" and label.isVisible()
    assert "commas" in dialog.words_hint.text() and dialog.words_hint.isVisible()
    assert dialog.save_as.lineEdit().placeholderText()  # an editable box shows its line edit's hint
    dialog.choice.setCurrentIndex(0)
    assert not dialog.words.isVisible() and not label.isVisible()


def test_open_without_an_image_viewer_tells_the_user(qtbot, gui_context, library, tmp_path, monkeypatch):
    ctx = gui_context(library)
    nowhere = tmp_path / "no-programs"
    nowhere.mkdir()
    monkeypatch.setenv("PATH", str(nowhere))  # OS-level: no xdg-open, no file manager, no viewer
    photo = library.photos(library.album(None).photo_ids)[0]
    menu = photo_menu(ctx, [photo], find_similar=lambda _id: None, preview=lambda: None)
    with qtbot.waitSignal(ctx.events.message, timeout=10_000) as said:
        next(a for a in menu.actions() if a.text() == "Open").trigger()
    assert f"No program opened {photo.path.name}" in said.args[0] and str(photo.path) in said.args[0]
    with qtbot.waitSignal(ctx.events.message, timeout=10_000) as said:
        next(a for a in menu.actions() if a.text() == "Show in folder").trigger()
    assert str(photo.path.parent) in said.args[0]


def test_an_offline_photo_previews_from_its_thumbnail_saying_offline_once(qtbot, window, tmp_path):
    win, folder, _classes = indexed_window(qtbot, window, tmp_path, per_class=1)
    folder.rename(tmp_path / "unplugged")
    win.scan_all()
    qtbot.waitUntil(lambda: not win.library.roots()[0].online, timeout=30_000)
    wait_idle(qtbot, win)
    win.photos.invalidate()
    win.results.open_preview(0)
    preview = win.results.preview
    qtbot.waitUntil(lambda: preview.note.isVisible() or "cannot" in preview.image.text(), timeout=10_000)
    assert "small copy" in preview.note.text()
    shown = [label.text() for label in preview.findChildren(QLabel) if label.isVisible()]
    assert sum("not connected" in text for text in shown) == 1  # said once, not in the facts and the note
    assert preview.image.pixmap() is not None and not preview.image.pixmap().isNull()
    # Plugged in again while the preview is open: it shows the photo itself, no longer said to be
    # offline (it kept the small copy and "not connected" until stepped away from and back).
    preview.recheck.setInterval(200)
    preview.recheck.start()
    (tmp_path / "unplugged").rename(folder)

    def shows_the_file() -> bool:
        shown = [label.text() for label in preview.findChildren(QLabel) if label.isVisible()]
        return not preview.note.isVisible() and not any("not connected" in text for text in shown)

    qtbot.waitUntil(shows_the_file, timeout=10_000)
    assert preview.image.pixmap() is not None and not preview.image.pixmap().isNull()
    preview.close()


def test_a_tiny_picture_is_previewed_at_its_own_size_and_its_file_date_is_not_called_taken(qtbot, window, tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(folder / "icon.png")  # no EXIF: its date is the file's
    win = window()
    win.add_folder(folder)
    qtbot.waitUntil(lambda: win.library.status().embedded == 1, timeout=60_000)
    wait_idle(qtbot, win)
    win.results.open_preview(0)
    preview = win.results.preview
    qtbot.waitUntil(lambda: preview.image.pixmap() is not None and not preview.image.pixmap().isNull(), timeout=10_000)
    shown = preview.image.pixmap().size()
    assert (shown.width(), shown.height()) == (40, 30)  # not blown up to the window
    labels = [preview.info.itemAt(i, preview.info.ItemRole.LabelRole) for i in range(preview.info.rowCount())]
    texts = [item.widget().text() for item in labels if item is not None]
    assert "Taken" not in texts and "File date" in texts
    preview.close()


def test_one_photo_is_one_photo(qtbot, gui_context, library):
    ctx = gui_context(library)
    line = StatusLine(library, ctx.tasks)
    qtbot.addWidget(line)
    line.refresh()
    qtbot.waitUntil(lambda: line.plain_text() != "", timeout=30_000)
    assert line.plain_text().startswith("1 photo  ·  1 indexed")
    dialog = AutoTagDialog(library, library.album(None))
    qtbot.addWidget(dialog)
    assert any(w.text().endswith("— 1 photo") for w in dialog.findChildren(QLabel))


def test_the_unreadable_count_in_the_status_bar_opens_the_list_of_those_files(
    qtbot, gui_context, tmp_path, open_library
):
    folder = tmp_path / "photos"
    write_set(folder, CLASSES[:1], 2)
    (folder / "half.jpg").write_bytes(b"\xff\xd8\xff\xe0 a jpeg that stops here")
    library = open_library()
    library.add_root(folder)
    library.update()
    ctx = gui_context(library)
    line = StatusLine(library, ctx.tasks)
    qtbot.addWidget(line)
    line.refresh()
    qtbot.waitUntil(lambda: "1 unreadable" in line.plain_text(), timeout=30_000)
    assert '<a href="unreadable">1 unreadable</a>' in line.text()
    line.linkActivated.emit("unreadable")  # a click on the link
    qtbot.waitUntil(lambda: line.unreadable_dialog is not None and line.unreadable_dialog.isVisible(), timeout=10_000)
    listed = line.unreadable_dialog.list.topLevelItem(0)
    assert line.unreadable_dialog.list.topLevelItemCount() == 1
    assert listed.text(0).endswith("half.jpg") and listed.text(1)  # the file and why
    line.unreadable_dialog.close()


def test_after_cancel_the_rest_can_be_resumed(qtbot, window, tmp_path):
    folder = tmp_path / "photos"
    classes = write_set(folder, CLASSES, 6)
    win = window()
    win.library.settings.set("batch_size", 2)
    paused = []

    def pause_at_first_batch(progress):
        if progress.phase == "indexing" and progress.done >= 2 and not paused:
            paused.append(True)
            win.indexing.set_paused(True)

    win.indexing.progress.connect(pause_at_first_batch)
    win.add_folder(folder)
    qtbot.waitUntil(lambda: bool(paused), timeout=60_000)
    win.indexing_panel.cancel.click()
    qtbot.waitUntil(lambda: win.indexing_panel.resume.isVisible(), timeout=60_000)
    left = win.library.status().pending
    assert 0 < left < len(classes)
    assert win.indexing_panel.label.text() == f"Stopped: {left} photos not indexed yet"
    win.indexing_panel.resume.click()
    qtbot.waitUntil(lambda: win.library.status().embedded == len(classes), timeout=60_000)
    wait_idle(qtbot, win)


def test_the_sidebar_counts_the_photos_its_rows_list(qtbot, tmp_path, open_library):
    """An unreadable file is no photo of the grid: "All photos 5" listed 3 photos. A folder of
    unreadable files only keeps its row (0), where it can be excluded."""
    from photoclip.gui.sidebar import Sidebar, SidebarContents

    folder = tmp_path / "photos"
    write_set(folder, CLASSES[:1], 2)
    write_set(folder / "trip", CLASSES[1:2], 1)
    (folder / "trip" / "half.jpg").write_bytes(b"\xff\xd8\xff\xe0 a jpeg that stops here")
    (folder / "raw").mkdir()
    (folder / "raw" / "one.jpg").write_bytes(b"\xff\xd8 unreadable too")  # still a row, to exclude it there
    library = open_library()
    library.add_root(folder)
    library.update()
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.populate(SidebarContents.read(library))
    counts = {item.text(0): item.text(1) for item in sidebar.rows()}
    listed = len(library.search("", limit=1000).ids)
    assert listed == 3 and counts["All photos"] == "3" and counts["photos"] == "3"
    assert counts["trip"] == "1" and counts["raw"] == "0"


def test_a_folder_of_unreadable_files_says_so_when_chosen(qtbot, window, tmp_path, open_library):
    """It said "This folder or tag has no photos yet" of a folder whose one file could not be read."""
    folder = tmp_path / "photos"
    write_set(folder, CLASSES[:1], 1)
    (folder / "raw").mkdir()
    (folder / "raw" / "one.jpg").write_bytes(b"\xff\xd8 unreadable")
    library = open_library()
    library.add_root(folder)
    library.update()
    win = window(library)
    wait_idle(qtbot, win)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.browser.show_folder(library.roots()[0].id, "raw")
    assert win.results.currentWidget() is win.results.empty
    assert win.results.empty.text.text().startswith("1 file here could not be read")
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.browser.show_folder(library.roots()[0].id, "")
    assert win.photos.rowCount() == 1  # the folder as a whole lists its readable photo
