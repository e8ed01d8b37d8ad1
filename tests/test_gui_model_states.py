"""The window and its model: devices this machine has, a model that does not load, a switch to a model
that cannot be downloaded, and the demo in a library of its own. Real libraries, the real small
model, real (refused) network connections."""

import socket
import sys

import pytest
import test_gui
from pictures import write_set
from test_gui import CLASSES, indexed_window, wait_idle

pytest.importorskip("PySide6")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from photoclip.core.models.devices import available_devices
from photoclip.gui.settings_dialog import SettingsDialog
from photoclip.gui.status_line import StatusLine

window = test_gui.window  # the main window fixture, shared with test_gui.py

#: Words of a terminal, or about deleting a file: the window says what to do with its buttons.
TERMINAL_WORDS = ("photoclip models", "--weights", "--download", "run the command", "delete it", "remove it")
OTHER_MODEL = "ViT-B-32/laion2b_s34b_b79k"  # not the saved default, so choosing it is a change


def closed_port() -> int:
    with socket.socket() as probe:  # a port nobody listens on: the network refuses
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answer_next_message_box(qtbot, seen: list[str]) -> None:
    """Reads the next message box that opens (its text goes to ``seen``) and closes it."""

    def close_it():
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(100, close_it)
            return
        seen.append(boxes[0].text() + "\n" + boxes[0].informativeText())
        boxes[0].close()

    QTimer.singleShot(100, close_it)


def test_settings_offer_only_the_devices_this_machine_has(qtbot, open_library):
    library = open_library()
    dialog = SettingsDialog(library)
    qtbot.addWidget(dialog)
    box = dialog.editors["device"]
    offered = [box.itemData(i) for i in range(box.count())]
    assert offered == ["auto", *available_devices()]
    if sys.platform != "darwin":
        assert "mps" not in offered  # Apple's GPU backend exists only on a Mac


@pytest.mark.skipif(sys.platform == "darwin", reason="a Mac may have the 'mps' device this test needs to lack")
def test_a_saved_device_this_machine_lacks_shows_its_fallback_in_the_status_line(qtbot, gui_context, open_library):
    library = open_library()
    library.settings.set("device", "mps")  # chosen on a Mac, opened on this machine
    ctx = gui_context(library)
    line = StatusLine(library, ctx.tasks)
    qtbot.addWidget(line)
    line.refresh()
    qtbot.waitUntil(lambda: line.plain_text() != "", timeout=30_000)
    assert "'mps' is not available here" in line.plain_text() and "using the CPU" in line.plain_text()
    assert "runs on the CPU" in line.toolTip()


def test_a_model_file_that_does_not_load_changes_nothing_and_is_explained_in_the_windows_words(
    qtbot, window, tmp_path, monkeypatch
):
    win, _folder, _classes = indexed_window(qtbot, window, tmp_path, per_class=1)
    bad = tmp_path / "downloads" / "visual.onnx"
    bad.parent.mkdir()
    bad.write_bytes(b"this is not an ONNX graph" * 40)
    (bad.parent / "textual.onnx").write_bytes(b"nor is this" * 40)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(bad), ""))  # the user's choice
    seen: list[str] = []
    answer_next_message_box(qtbot, seen)
    win.setup.choose_weights()
    qtbot.waitUntil(lambda: bool(seen), timeout=30_000)
    message = seen[0]
    assert "visual.onnx" in message and "did not use" in message
    assert not any(words in message for words in TERMINAL_WORDS), message
    assert not win.library.settings.get("weights")  # not remembered
    wait_idle(qtbot, win)
    assert win.indexing_panel.isHidden() and "Loading" not in win.status_line.plain_text()
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle")  # the model that worked still answers
    assert win.photos.rowCount() > 0


def window_with_broken_model_files(qtbot, tmp_path, open_library):
    """A library of a few photos opened with model files that are not graphs, as
    'photoclip-gui --weights FILE' would, in a started window."""
    from photoclip.core.library import Library
    from photoclip.gui.main_window import MainWindow

    write_set(tmp_path / "photos", CLASSES, 1)
    bad = tmp_path / "mine" / "visual.onnx"
    bad.parent.mkdir()
    bad.write_bytes(b"not a graph" * 50)
    (bad.parent / "textual.onnx").write_bytes(b"not a graph" * 50)
    with Library.open(tmp_path / "library", model="photoclip-tiny") as first:
        first.add_root(tmp_path / "photos")
    win = MainWindow(open_library(weights=bad, loaded_model=None))
    qtbot.addWidget(win)
    win.show()
    win.start()
    return win


def test_a_model_that_fails_to_load_at_start_leaves_no_busy_bar_and_says_what_to_do(qtbot, tmp_path, open_library):
    win = window_with_broken_model_files(qtbot, tmp_path, open_library)
    qtbot.waitUntil(
        lambda: win.results.currentWidget() is win.empty and "did not use" in win.empty.text.text(), timeout=60_000
    )
    qtbot.waitUntil(lambda: not win.indexing.busy, timeout=60_000)
    qtbot.waitUntil(win.indexing_panel.isHidden, timeout=10_000)  # no "Loading the model…" whose buttons do nothing
    assert "Loading" not in win.status_line.plain_text()
    page = win.empty.text.text()
    assert not any(words in page for words in TERMINAL_WORDS), page
    assert "Choose model files…" in win.empty.button_widgets
    win.close()


def test_the_model_page_stays_when_a_listing_refreshes_behind_it_and_gives_way_to_the_persons_choice(
    qtbot, tmp_path, open_library
):
    """A listing refreshed as indexing starts came back after the model's page went up and put the
    photos over it: the page's text was there, its buttons out of sight (seen in CI under load)."""
    win = window_with_broken_model_files(qtbot, tmp_path, open_library)
    qtbot.waitUntil(lambda: "did not use" in win.empty.text.text(), timeout=60_000)
    wait_idle(qtbot, win)
    win.refresh()  # what indexing's first progress does: the photos found so far, in the background
    wait_idle(qtbot, win)
    assert win.results.currentWidget() is win.empty and "Choose model files…" in win.empty.button_widgets
    win.browser.show_all()  # the person picks "All photos" in the sidebar
    qtbot.waitUntil(lambda: win.results.currentWidget() is win.results.grid, timeout=30_000)
    win.close()


def test_switching_model_offline_keeps_the_old_model_answering_and_offers_retry(qtbot, window, tmp_path, monkeypatch):
    win, _folder, _classes = indexed_window(qtbot, window, tmp_path, per_class=2)
    monkeypatch.setenv("PHOTOCLIP_HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")  # no network
    failures = []
    win.setup.download.failed.connect(lambda model, text: failures.append(text))

    def switch_model():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog) and w.isVisible())
        box = dialog.editors["model"]
        box.setCurrentIndex(box.findData(OTHER_MODEL))
        dialog.accept()

    QTimer.singleShot(200, switch_model)
    win.open_settings()
    assert win.library.spec.id == OTHER_MODEL
    assert win.banner.isVisible() and "Downloading" in win.banner.text.text()  # the download is in sight
    qtbot.waitUntil(lambda: len(failures) == 1, timeout=90_000)
    assert win.banner.isVisible() and win.banner.download.isVisible() and win.banner.download.text() == "Retry"
    banner = win.banner.text.text()
    assert "searches use photoclip-tiny" in banner and not any(w in banner for w in TERMINAL_WORDS), banner
    assert win.results.currentWidget() is win.grid  # the set-up page does not hide what can still be found
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle")
    assert win.photos.rowCount() > 0 and win.photos.scores is not None
    win.banner.download.click()  # Retry: tried again, and said again
    assert "Downloading" in win.banner.text.text()
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=90_000)
    assert win.banner.download.text() == "Retry"
    wait_idle(qtbot, win)


def test_the_demo_opens_its_own_library_and_leaves_the_users_model_alone(qtbot, window, tmp_path):
    from photoclip.core.models.registry import DEFAULT_MODEL_ID, TINY_MODEL_ID

    # The demo library lives where 'photoclip demo' makes it, beside the user's; its pictures are drawn
    # only when that folder is empty, so a few drawn here keep the test short.
    write_set(tmp_path / "demo" / "pictures", CLASSES, 2)
    win = window()
    win.library.use_model(DEFAULT_MODEL_ID)
    next(b for label, b in win.empty.button_widgets.items() if label == "Try the demo pictures").click()
    qtbot.waitUntil(lambda: bool(win.demo.windows), timeout=60_000)
    demo = win.demo.windows[0]
    assert demo is not win and demo.library is not win.library
    assert demo.library.paths.root.resolve() == (tmp_path / "demo").resolve()
    assert demo.library.spec.id == TINY_MODEL_ID
    qtbot.waitUntil(lambda: demo.library.status().embedded == 8, timeout=60_000)
    wait_idle(qtbot, demo)
    assert win.library.spec.id == DEFAULT_MODEL_ID and win.library.settings.get("model") == DEFAULT_MODEL_ID
    assert win.library.roots() == []  # the user's library gained no demo folder
    demo.close()
    assert not win.demo.windows


def test_adding_a_folder_before_the_model_is_here_keeps_the_models_page(qtbot, window, tmp_path, open_library):
    """A new user's first act: the page saying the model is missing went up, then the folder's
    (empty) listing put "Indexing your photos…" over it, and nothing was indexing."""
    library = open_library(tmp_path / "fresh", model=OTHER_MODEL, loaded_model=None)  # its files are not here
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 1)
    win = window(library)
    win.add_folder(folder)
    wait_idle(qtbot, win)
    qtbot.wait(200)  # any listing still on its way back from the worker thread
    wait_idle(qtbot, win)
    assert win.results.currentWidget() is win.empty
    assert win.empty.title.text() == "One more step: the model"
    assert any(label.startswith("Download the model") for label in win.empty.button_widgets)
