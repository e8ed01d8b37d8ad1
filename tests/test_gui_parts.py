"""Parts of the window on their own: the status line, the settings dialog, the sidebar, image drops.
A real library of real pictures; no main window."""

import os
import threading

import pytest
from pictures import write_set

pytest.importorskip("PySide6")

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtWidgets import QPushButton

from photoclip.gui.drops import dropped_image
from photoclip.gui.settings_dialog import SettingsDialog, apply_settings
from photoclip.gui.sidebar import FolderRole, KindRole, Sidebar, SidebarContents
from photoclip.gui.status_line import StatusLine

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def library(tmp_path, open_library):
    """8 pictures at the top of a watched folder and 4 in its 'trip' sub-folder, indexed."""
    write_set(tmp_path / "photos", CLASSES, 2)
    write_set(tmp_path / "photos" / "trip", CLASSES, 1, seed=5)
    opened = open_library()
    opened.add_root(tmp_path / "photos")
    opened.update()
    return opened


@pytest.fixture
def ctx(gui_context, library):
    """What the window would hand its parts: the library, a task runner, events, a parent widget."""
    return gui_context(library)


def test_the_status_line_reads_the_library_off_the_gui_thread(qtbot, ctx, monkeypatch):
    """A watched folder on a sleeping network drive answers late; the window must not wait for it.
    Injected OS fault: os.scandir of the watched folder blocks until the test lets it go."""
    root = ctx.library.roots()[0].path
    gate = threading.Event()
    callers = []
    real_scandir = os.scandir

    def slow_scandir(path=".", *args):
        if os.fspath(path) == str(root):
            callers.append(threading.current_thread())
            gate.wait(timeout=30)
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "scandir", slow_scandir)
    line = StatusLine(ctx.library, ctx.tasks)
    qtbot.addWidget(line)
    line.refresh()  # returns while the folder still has not answered
    assert line.text() == ""
    gate.set()
    qtbot.waitUntil(lambda: line.text() != "", timeout=30_000)
    assert callers and threading.main_thread() not in callers
    assert line.text() == "12 photos  ·  12 indexed  ·  photoclip-tiny"


def test_settings_take_an_excluded_folder_back_and_save_what_changed(qtbot, ctx):
    library = ctx.library
    root = library.roots()[0]
    library.exclude_folder(root.id, "trip")
    dialog = SettingsDialog(library, ctx.parent)
    qtbot.addWidget(dialog)
    assert dialog.folders.item(0).text().startswith(f"{root.path}  —  12 photos")
    dialog.excluded.item(0).setSelected(True)
    next(b for b in dialog.findChildren(QPushButton) if b.text() == "Include again").click()
    dialog.editors["relevance"].setCurrentIndex(dialog.editors["relevance"].findData("loose"))
    assert dialog.included_again() == [(root.id, "trip")]
    # The model shown is the one running (opened with another than the saved one), left as it is.
    assert library.settings.get("model") != library.spec.id
    assert dialog.editors["model"].currentData() == library.spec.id
    assert dialog.changes() == {"relevance": "loose"}

    with qtbot.waitSignal(ctx.events.folders_changed):
        applied = apply_settings(ctx, dialog.changes(), dialog.included_again())
    assert library.find_root(root.id).excluded == ()
    assert library.settings.get("relevance") == "loose"
    assert applied.needs_rescan  # the folder taken back must be indexed again
    assert not apply_settings(ctx, {"relevance": "strict"}).needs_rescan


def test_the_sidebar_shows_folders_tags_and_collections_read_through_the_library(qtbot, ctx):
    library = ctx.library
    first = library.album(None).photo_ids[0]
    library.tags.add(first, "picnic")
    library.tags.add_to_collection(library.tags.create_collection("Best"), [first])
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.populate(SidebarContents.read(library))
    rows = {(item.data(0, KindRole), item.text(0), item.data(0, FolderRole)): item.text(1) for item in sidebar.rows()}
    assert rows[("all", "All photos", "")] == "12"
    assert rows[("folder", "photos", "")] == "12"
    assert rows[("folder", "trip", "trip")] == "4"
    assert rows[("tag", "picnic", "")] == "1"
    assert rows[("collection", "Best", "")] == "1"


def test_a_dropped_image_file_is_found_among_the_urls(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    picture = next(iter(write_set(tmp_path, CLASSES[:1], 1)))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(text)), QUrl.fromLocalFile(str(picture))])
    assert dropped_image(mime) == picture
    mime.setUrls([QUrl.fromLocalFile(str(text)), QUrl("https://example.com/cat.jpg")])
    assert dropped_image(mime) is None


def test_an_image_dropped_on_a_watched_widget_is_reported_and_nothing_else_is(qtbot, tmp_path):
    # Qt delivers a drop only to the target of a drag under way, and a drag-enter event made by hand
    # cannot be asked for its source; so the drop is handed to the filter as Qt would hand it.
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QLineEdit

    from photoclip.gui.drops import ImageDrops

    picture = next(iter(write_set(tmp_path, CLASSES[:1], 1)))
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    box = QLineEdit()
    qtbot.addWidget(box)
    drops = ImageDrops()
    drops.watch(box)
    seen = []
    drops.dropped.connect(seen.append)

    def drop(path):
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        mime.setText(str(path))
        event = QDropEvent(
            QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        event.ignore()
        taken = drops.eventFilter(box, event)  # True: the line edit never sees it (nor takes it as text)
        return taken, event.isAccepted()  # asked while the event's data is still alive

    assert drop(text) == (True, False)
    assert drop(picture) == (True, True)
    assert seen == [picture]


def test_the_first_run_and_model_pages_say_what_the_user_chose(qtbot, ctx):
    from photoclip.gui.empty_state import EmptyState
    from photoclip.gui.model_setup import ModelSetup

    empty = EmptyState()
    qtbot.addWidget(empty)
    setup = ModelSetup(ctx, empty)
    with qtbot.waitSignal(setup.page_shown):
        setup.show_first_run()
    assert empty.title.text() == "Welcome to photoclip"
    with qtbot.waitSignal(setup.add_folder) as chosen:
        empty.button_widgets["Add a folder…"].click()
    assert chosen.args == [None]  # the window asks which folder

    with qtbot.waitSignal(setup.page_shown):
        setup.show_model_setup("The file was cut short.")
    assert "photoclip-tiny" in empty.text.text() and empty.text.text().endswith("The file was cut short.")
    # The model that ships with photoclip is never downloaded: no "Download the model (0 MB)".
    assert list(empty.button_widgets) == ["Choose model files…", "Try the demo instead"]
    ctx.library.use_model("ViT-B-32/laion2b_s34b_b79k", persist=False)
    with qtbot.waitSignal(setup.page_shown):
        setup.show_model_setup()
    assert [label.split(" (")[0] for label in empty.button_widgets] == [
        "Download the model",
        "Choose model files…",
        "Try the demo instead",
    ]
    with qtbot.waitSignal(setup.demo_wanted):  # the demo opens in its own window; this library is left as it is
        empty.button_widgets["Try the demo instead"].click()
