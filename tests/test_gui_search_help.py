"""The window's search helpers under pytest-qt (offscreen), with the small model and real folders:
suggestions as you type, the search history, the Help page (F1), and why a result matched."""

import pytest
from pictures import write_set

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent, QKeyCombination, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication

from photoclip.gui.help_dialog import DIALOG_KEYS, HelpDialog, all_keys
from photoclip.gui.keyboard import GRID_KEYS, SEARCH_BOX_KEYS
from photoclip.gui.main_window import MainWindow
from photoclip.gui.preview import PREVIEW_KEYS
from photoclip.gui.search_completer import COMPLETER_KEYS
from photoclip.gui.settings_dialog import SettingsDialog, apply_settings

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def win(qtbot, open_library, tmp_path):
    """A window on 8 indexed pictures, one of them tagged "beach ball", two searches remembered."""
    write_set(tmp_path / "photos", CLASSES, 2)
    library = open_library()
    library.add_root(tmp_path / "photos")
    library.update()
    tagged = library.search("a red circle", limit=1).hits[0].photo
    library.tags.add(tagged.id, "beach ball")
    library.remember_search("blue square -red")
    library.remember_search("a red circle")
    window = MainWindow(library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    idle(qtbot, window)
    window.tagged = tagged
    yield window
    window.close()


def idle(qtbot, window):
    qtbot.waitUntil(lambda: not window.tasks.busy and not (window.indexing and window.indexing.busy), timeout=60_000)


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key where Qt would deliver it: to the open popup (the suggestions), else to the search box."""
    qtbot.keyClick(QApplication.activePopupWidget() or window.search_box, key, modifier)


def type_text(qtbot, window, text):
    for ch in text:
        qtbot.keyClicks(QApplication.activePopupWidget() or window.search_box, ch)


def searches(window):
    """Records the text of every search the search bar asks for."""
    asked = []
    window.search_bar.changed.connect(lambda: asked.append(window.search_box.text()))
    return asked


def test_suggestions_offer_recent_searches_and_tag_names_and_never_search_half_a_word(qtbot, win):
    completer, asked = win.assist.completer, searches(win)
    win.search_box.setFocus()
    type_text(qtbot, win, "bl")
    assert completer.shown() == ["blue square -red"]
    press(qtbot, win, Qt.Key.Key_Down)  # onto the suggestion: it is shown in the box ...
    assert win.search_box.text() == "blue square -red"
    qtbot.wait(1200)  # ... but neither it nor the half-typed "bl" is searched (the pause is 800 ms)
    assert asked == []
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        press(qtbot, win, Qt.Key.Key_Return)
    assert asked == ["blue square -red"] and not completer.popup.isVisible()

    # Nothing chosen: Enter searches what is typed, as without the list.
    win.search_box.clear()
    type_text(qtbot, win, "a re")
    assert completer.shown() == ["a red circle"]
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        press(qtbot, win, Qt.Key.Key_Return)
    assert asked[-1] == "a re"

    # Esc gives back what was typed; a second Esc (list closed) clears the search as before.
    win.search_box.clear()
    type_text(qtbot, win, "a re")
    press(qtbot, win, Qt.Key.Key_Down)
    press(qtbot, win, Qt.Key.Key_Escape)
    assert win.search_box.text() == "a re" and not completer.popup.isVisible()
    press(qtbot, win, Qt.Key.Key_Escape)
    assert win.search_box.text() == ""
    # Ctrl+Space in the empty box: the recent searches, most recent first.
    win.activateWindow()
    win.search_box.setFocus()
    qtbot.waitUntil(win.search_box.hasFocus, timeout=5_000)
    press(qtbot, win, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert completer.shown() == ["a re", "blue square -red", "a red circle"]  # Enter kept "a re" too
    press(qtbot, win, Qt.Key.Key_Escape)

    # A plain word is completed from tag names, and after tag: a tag's whole name, quoted.
    type_text(qtbot, win, "bea")
    assert "beach ball" in completer.shown()
    win.search_box.clear()
    type_text(qtbot, win, "tag:bea")
    assert completer.shown() == ['tag:"beach ball" ']
    view = completer.popup
    before = len(asked)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(completer.model.index(0, 0)).center()
        )
    assert asked[before:] == ['tag:"beach ball" ']
    assert [win.photos.photo_at(r).id for r in range(win.photos.rowCount())] == [win.tagged.id]


def test_searches_are_remembered_when_entered_or_looked_at_not_as_typed(qtbot, win):
    library, memory = win.library, win.assist.memory
    memory.settle.setInterval(300)
    win.search_box.clear()
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        type_text(qtbot, win, "green")  # no Enter: searched after the pause ...
    type_text(qtbot, win, " triangle")  # ... but typed on before it settled: not kept
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: library.recent_searches()[0] == "green triangle", timeout=10_000)
    assert "green" not in library.recent_searches()
    win.search_box.clear()
    type_text(qtbot, win, "yellow star")
    press(qtbot, win, Qt.Key.Key_Return)  # Enter keeps it at once
    qtbot.waitUntil(lambda: library.recent_searches()[0] == "yellow star", timeout=10_000)
    assert memory.recent[:2] == ["yellow star", "green triangle"]
    # A search that could not run is not kept, nor one by a photo's name (a new user's history held
    # "similar to blue circle.jpg", which had said two photos have that name).
    for text in (f"{win.library.roots()[0].path / 'gone.jpg'} + blue", "similar to red-circle-0.png"):
        win.search_box.clear()
        type_text(qtbot, win, text)
        press(qtbot, win, Qt.Key.Key_Return)
        idle(qtbot, win)
    qtbot.wait(200)  # a write to the history would be queued by now
    assert library.recent_searches()[:2] == ["yellow star", "green triangle"]
    # "similar to" before words that name no photo is a search like any other
    win.search_box.clear()
    type_text(qtbot, win, "similar to a lion")
    press(qtbot, win, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: library.recent_searches()[0] == "similar to a lion", timeout=10_000)
    # File → Clear search history forgets them all, on disk too.
    clear = next(a for a in win.menuBar().actions()[0].menu().actions() if a.text() == "Clear search history")
    clear.trigger()
    idle(qtbot, win)
    assert memory.recent == [] and library.recent_searches() == []
    assert not (library.paths.root / "search_history.json").exists()


def test_f1_opens_the_help_page_with_the_syntax_and_every_shortcut(qtbot, win):
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5_000)
    qtbot.keyClick(win, Qt.Key.Key_F1)
    qtbot.waitUntil(
        lambda: win.findChild(HelpDialog) is not None and win.findChild(HelpDialog).isVisible(), timeout=5_000
    )
    text = win.findChild(HelpDialog).text.toPlainText()
    for shown in ("beach -people", "2:sunset + lake", "tag:beach sunset", "folder:paris beach", "beach 2019"):
        assert shown in text
    for keys in ("Ctrl+F", "Ctrl+L", "Ctrl+O", "F1", "Ctrl+Space", "Shift+Del", "PgDn/PgUp"):
        assert keys in text
    listed = all_keys(win)
    assert all(k.what != "(not described)" for k in listed), [k for k in listed if k.what == "(not described)"]
    assert any(k.keys == "F1" and "Search syntax and shortcuts" in k.what for k in listed)
    # The dialogs' keys are listed under the menu entries that open them, which must exist.
    entries = {
        f"{top.text().replace('&', '')} → {action.text().replace('&', '')}"
        for top in win.menuBar().actions()
        if top.menu() is not None
        for action in top.menu().actions()
    }
    for _module, where in DIALOG_KEYS:
        assert where in entries and any(k.where == where for k in listed), where


def _close_popup():
    if QApplication.activePopupWidget() is not None:
        QApplication.activePopupWidget().close()


def _event(keys):
    combination = QKeySequence(keys)[0]
    return QKeyEvent(QEvent.Type.KeyPress, combination.key(), combination.keyboardModifiers())


def test_the_keys_the_help_page_lists_are_the_keys_the_code_handles(qtbot, win):
    """The search box's, grid's and preview's declared keys each do something there."""
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle")
    filter_ = win.keyboard
    try:
        for keys, _what in GRID_KEYS:
            win.grid.setCurrentIndex(win.photos.index(0))
            QTimer.singleShot(300, _close_popup)  # Shift+F10 opens the photos' menu, which waits
            assert filter_.eventFilter(win.grid, _event(keys)), keys
        for keys, _what in SEARCH_BOX_KEYS:
            assert filter_.eventFilter(win.search_box, _event(keys)) or not win.photos.rowCount(), keys
    finally:
        QApplication.clipboard().clear()  # see test_gui.py: the offscreen clipboard outlives Python
    idle(qtbot, win)
    win.results.open_preview(0)
    preview = win.results.preview
    steps = []
    preview.step.connect(steps.append)
    for keys, _what in PREVIEW_KEYS:
        for key in keys.split(", "):
            preview.show()
            qtbot.keyClick(preview, QKeySequence(key)[0].key())
            assert steps or not preview.isVisible(), key
            steps.clear()
    assert {k for k, _ in COMPLETER_KEYS} == {"Down, Up", "Enter", "Esc", "Shift+Del"}  # exercised above


# Every key a person might try, alone and with a modifier: a key the code acts on must be on the
# Help page (a new key handled without being declared there fails here).
_TRIED = [getattr(Qt.Key, f"Key_{c}") for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"] + [
    getattr(Qt.Key, f"Key_{name}")
    for name in [
        "Return",
        "Enter",
        "Escape",
        "Space",
        "Tab",
        "Backspace",
        "Delete",
        "Insert",
        "Home",
        "End",
        "PageUp",
        "PageDown",
        "Left",
        "Right",
        "Up",
        "Down",
        "F1",
        "F2",
        "F3",
        "F5",
        "F11",
        "F12",
        "Plus",
        "Minus",
        "Slash",
    ]
]
_MODIFIERS = [
    Qt.KeyboardModifier.NoModifier,
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
]


def _portable(key, modifier=Qt.KeyboardModifier.NoModifier):
    text = QKeySequence(QKeyCombination(modifier, key)).toString(QKeySequence.SequenceFormat.PortableText)
    return text.replace("Return", "Enter")  # the Help page writes both Enter keys as one


def _listed(declared):
    """The keys of a declared list ("Right, Down", or a standard key's bindings) as Qt writes them."""
    found = set()
    for keys, _what in declared:
        bindings = (
            QKeySequence.keyBindings(keys)
            if isinstance(keys, QKeySequence.StandardKey)
            else [QKeySequence(key) for key in keys.split(", ")]
        )
        found |= {b.toString(QKeySequence.SequenceFormat.PortableText) for b in bindings}
    return found


def _undeclared(acts, listed):
    """The keys ``acts(key, modifier)`` says were used that ``listed`` lacks (a key used whatever
    the modifier counts as listed when the key alone is)."""
    missing = []
    for key in _TRIED:
        for modifier in _MODIFIERS:
            if acts(key, modifier) and not {_portable(key, modifier), _portable(key)} & listed:
                missing.append(_portable(key, modifier))
    return missing


def test_every_key_the_search_box_grid_preview_and_suggestions_use_is_on_the_help_page(qtbot, win):
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle")
    filter_ = win.keyboard

    def used_by(widget):
        def acts(key, modifier):
            win.grid.setCurrentIndex(win.photos.index(0))  # Enter and Space need a current photo
            try:
                return filter_.eventFilter(widget, QKeyEvent(QEvent.Type.KeyPress, key, modifier))
            finally:
                if win.results.preview is not None:
                    win.results.preview.hide()

        return acts

    try:
        assert _undeclared(used_by(win.grid), _listed(GRID_KEYS)) == []
        assert _undeclared(used_by(win.search_box), _listed(SEARCH_BOX_KEYS)) == []
    finally:
        QApplication.clipboard().clear()  # see test_gui.py: the offscreen clipboard outlives Python
    idle(qtbot, win)

    completer = win.assist.completer

    def used_by_suggestions(key, modifier):
        completer.update("", forced=True)  # the recent searches, one of them chosen
        completer.popup.setCurrentIndex(completer.model.index(0, 0))
        return completer.eventFilter(completer.popup, QKeyEvent(QEvent.Type.KeyPress, key, modifier))

    win.search_box.setFocus()
    assert _undeclared(used_by_suggestions, _listed(COMPLETER_KEYS)) == []
    completer.popup.hide()

    win.results.open_preview(0)
    preview, steps = win.results.preview, []
    preview.step.connect(steps.append)

    def used_by_preview(key, modifier):
        preview.show()
        steps.clear()
        qtbot.keyClick(preview, key, modifier)
        return bool(steps) or not preview.isVisible()

    assert _undeclared(used_by_preview, _listed(PREVIEW_KEYS)) == []


def test_turning_off_remember_searches_forgets_them_and_offers_none(qtbot, win):
    library, completer = win.library, win.assist.completer
    assert win.assist.memory.recent == ["a red circle", "blue square -red"]  # read at start-up
    dialog = SettingsDialog(library, win)
    qtbot.addWidget(dialog)
    dialog.editors["remember_searches"].setChecked(False)
    assert dialog.changes() == {"remember_searches": False}
    apply_settings(win.ctx, dialog.changes())
    assert not (library.paths.root / "search_history.json").exists()
    win.activateWindow()
    win.search_box.setFocus()
    qtbot.waitUntil(win.search_box.hasFocus, timeout=5_000)
    press(qtbot, win, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert completer.shown() == []  # the list read at start-up is not offered any more
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        type_text(qtbot, win, "yellow star")
        press(qtbot, win, Qt.Key.Key_Return)
    idle(qtbot, win)
    assert library.recent_searches() == [] and not (library.paths.root / "search_history.json").exists()
    win.search_box.clear()
    press(qtbot, win, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert completer.shown() == []


def test_the_preview_says_why_a_result_matched(qtbot, win):
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("red circle -blue")
    win.grid.setCurrentIndex(win.photos.index(0))
    win.results.open_preview(0)
    preview = win.results.preview
    qtbot.waitUntil(lambda: preview.why.get("looks") is not None and preview.why["looks"].text() != "…", timeout=30_000)
    hit = win.results.shown_search.hits[0]
    assert preview.why["score"].text() == f"{hit.score:.2f}"
    terms = preview.why["terms"].text()
    assert f"<b>red circle</b>&nbsp;{hit.terms[0]:.2f}" in terms
    left_out = f"{hit.terms[1]:.2f}".replace("-", "−")
    assert f"<span style='color:gray'>−blue</span>&nbsp;{left_out}" in terms  # the left-out term, as typed
    expected = [label for label, _ in win.library.looks_like(hit.photo.id)]
    assert preview.why["looks"].text() == ", ".join(expected) and len(expected) == 3
    # Stepping to the next result: its own reasons.
    preview.step.emit(1)
    second = win.results.shown_search.hits[1]
    assert preview.photo.id == second.photo.id and preview.why["score"].text() == f"{second.score:.2f}"
    # A listing (no search) ranks nothing: no reasons.
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.browser.clear_search()
    win.results.open_preview(0)
    assert preview.why == {} and "Why it matched" not in _texts(preview)


def _texts(preview):
    from PySide6.QtWidgets import QLabel

    return " ".join(label.text() for label in preview.findChildren(QLabel))
