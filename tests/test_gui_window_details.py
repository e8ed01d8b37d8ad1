"""Details a new user met in the window: the sidebar's right-click menu acts on the row clicked, the
empty page says why it is empty, what a filter hides is said once, the sort box shows the order in
effect, an offline photo's preview says "offline" once, the search box keeps its width, and Tab
goes along the search row.
Real widgets, a real library of real pictures, the real small model."""

import pytest
import test_gui
from pictures import write_set
from test_gui import CLASSES, wait_idle

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from photoclip.gui import menus
from photoclip.gui.sidebar import KindRole, RowKind, TagRole

window = test_gui.window  # the main window fixture, shared with test_gui.py

TAGS = ("green square", "purple square", "red dot")


@pytest.fixture
def tagged_window(qtbot, window, tmp_path, open_library):
    """A window on 8 indexed pictures, three of them tagged: one tag each."""
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 2)
    library = open_library()
    library.add_root(folder)
    library.update()
    ids = sorted(int(i) for i in library.album(None).photo_ids)
    for photo_id, label in zip(ids, TAGS, strict=False):
        library.tags.add(photo_id, label)
    win = window(library)
    wait_idle(qtbot, win)
    qtbot.waitUntil(lambda: win.results_shown is not None and win.photos.rowCount() == len(ids), timeout=30_000)
    return win


def tag_item(win, label):
    for item in win.sidebar.rows():
        if item.data(0, KindRole) == RowKind.TAG and item.data(0, TagRole) == label:
            return item
    raise LookupError(label)


def right_click(widget, pos: QPoint) -> None:
    """A right-click as a desktop delivers it: to the window, which hands the press to the widget
    under the pointer and then the context-menu event Qt makes of it, to whichever widget is there
    once the press has been handled."""
    window = widget.window().windowHandle()
    at = widget.mapTo(widget.window(), pos)
    QTest.mousePress(window, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, at)
    QTest.mouseRelease(window, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, at)
    QApplication.processEvents()


def test_right_clicking_a_tag_opens_that_tags_menu_and_moves_nothing(qtbot, tagged_window, monkeypatch):
    win = tagged_window
    asked = []
    monkeypatch.setattr(menus, "tag_menu", lambda _ctx, label: asked.append(label))  # no menu to wait on
    assert not win.chips.isVisible()
    for label in reversed(TAGS):
        asked.clear()
        center = win.sidebar.visualItemRect(tag_item(win, label)).center()
        right_click(win.sidebar.viewport(), center)
        assert asked == [label]  # the menu of the row clicked, not of the row that moved under the pointer
        assert not win.chips.isVisible() and win.browser.filters.tags == ()  # a right-click filters nothing

    # A left-click filters, and the chip that appears does not push the sidebar's rows down.
    before = win.sidebar.mapTo(win, QPoint(0, 0))
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        qtbot.mouseClick(
            win.sidebar.viewport(),
            Qt.MouseButton.LeftButton,
            pos=win.sidebar.visualItemRect(tag_item(win, "red dot")).center(),
        )
    assert win.browser.filters.tags == ("red dot",)
    qtbot.waitUntil(win.chips.isVisible, timeout=5_000)
    QApplication.processEvents()
    assert win.sidebar.mapTo(win, QPoint(0, 0)) == before


def test_a_search_that_finds_nothing_says_so_and_a_filter_key_alone_searches_nothing(qtbot, tagged_window):
    win = tagged_window
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("folder:zu")  # no folder's name holds "zu"
    assert win.results.currentWidget() is win.empty
    assert win.empty.title.text() == "No matching photos"
    # not "This folder or tag has no photos yet.", nor "No photo matches “folder:zu”." (which says less)
    assert win.empty.text.text() == "No folder's name holds “zu”."

    # Typing "folder:" names no folder yet: nothing is searched (not the word "folder") until more comes.
    win.search_box.clear()
    win.search_box.setFocus()
    with qtbot.assertNotEmitted(win.search_bar.changed, wait=1_200):
        qtbot.keyClicks(win.search_box, "sunset folder:")
    with qtbot.waitSignal(win.search_bar.changed, timeout=5_000):
        qtbot.keyClicks(win.search_box, "photos ")  # the name came: the search follows the typing again


def test_the_sort_box_shows_the_order_in_effect(qtbot, tagged_window):
    win = tagged_window
    sort = win.search_bar.sort
    relevance = sort.model().item(sort.findData("relevance"))
    assert sort.currentText() == "Newest first" and not relevance.isEnabled()  # browsing: by date, nothing to rank by
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle")
    assert sort.currentText() == "Most relevant" and relevance.isEnabled()  # the user's choice, back with a search
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.browser.clear_search()
    assert sort.currentText() == "Newest first"
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        sort.setCurrentIndex(sort.findData("date-asc"))  # chosen while browsing: kept for the next search
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle")
    assert sort.currentText() == "Oldest first" and win.search_bar.sort_order() == "date-asc"


def test_the_search_box_keeps_its_width_whatever_the_counts_beside_it_say(qtbot, tagged_window):
    win = tagged_window
    bar = win.search_bar
    widths = set()
    for count, levels in [
        ("0 photos", None),
        ("2 results", {"strict": 1, "normal": 2, "loose": 5, "all": 8}),
        ("31 results", {"strict": 12, "normal": 31, "loose": 310, "all": 4_200}),
        ("12,345 photos", None),
    ]:
        bar.count.setText(count)
        bar.show_level_counts(levels)
        bar.relevance.setCurrentIndex(bar.relevance.currentIndex())
        win.centralWidget().layout().activate()
        bar.layout().activate()
        QApplication.processEvents()
        widths.add(win.search_box.width())
    assert len(widths) == 1


def test_what_a_date_filter_hides_from_a_search_is_said_once_in_one_sentence(qtbot, window, tmp_path):
    from test_gui_timeline import dated_window

    win = dated_window(qtbot, window, tmp_path)
    win.search_bar.relevance.setCurrentIndex(win.search_bar.relevance.findData("all"))
    wait_idle(qtbot, win)
    win.dates.menu().aboutToShow.emit()  # Dates → 2019
    qtbot.waitUntil(lambda: win.dates.years != [], timeout=10_000)
    win.dates.fill()
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        next(a for a in win.dates.menu().actions() if a.text().startswith("2019")).trigger()
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a red circle 2018")  # 2018 in the words, 2019 in the filter: none can show
    qtbot.waitUntil(lambda: win.results.currentWidget() is win.empty, timeout=10_000)
    everywhere = len(win.library.search("a red circle 2018", strictness="all").ids)
    assert everywhere == 2
    said = win.empty.text.text()
    assert said == "This search matches 2 photos in the library, but none of them in 2019."
    assert win.empty.title.text() == "No matching photos in 2019"
    assert win.chips.note.text() == ""  # not said a second time beside the chips


def test_tab_goes_along_the_search_row_as_it_is_seen(tagged_window):
    """Tab from the search box: the sort order, Dates, the relevance, in the row's order (Dates,
    made after the rest, once came after the sidebar)."""
    win = tagged_window
    bar = win.search_bar
    row = [bar.query, bar.sort, win.dates, bar.relevance]
    reached, widget = [], bar.query
    for _ in range(50):
        if widget in row and widget not in reached:
            reached.append(widget)
        widget = widget.nextInFocusChain()
    assert reached == row
    assert bar.query.focusPolicy() & Qt.FocusPolicy.TabFocus and win.dates.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_in_a_narrow_window_the_search_box_gets_a_row_of_its_own(qtbot, tagged_window):
    """At 640 pixels the choices beside it left the search box 62 pixels: a few letters of a query."""
    win = tagged_window
    bar = win.search_bar
    for width, two_rows in ((1280, False), (640, True), (1280, False)):
        win.resize(width, 600)
        qtbot.waitUntil(lambda w=width: win.width() == w, timeout=5_000)
        qtbot.waitUntil(lambda r=two_rows: (bar.relevance.geometry().top() >= bar.query.geometry().bottom()) == r)
        assert bar.query.width() >= 280, (width, bar.query.width())
        for control in (bar.sort, win.dates, bar.relevance, bar.count):  # every choice stays whole
            assert control.isVisible() and control.width() >= control.minimumSizeHint().width()


def test_a_long_note_above_the_photos_is_read_whole_in_a_narrow_window(qtbot, tagged_window):
    """ "“foldr:x” was left out: there is no “foldr:” filter … Did you mean “folder:”?" lost its end
    (what to type instead) past the window's edge."""
    win = tagged_window
    win.resize(640, 480)
    qtbot.waitUntil(lambda: win.width() == 640, timeout=5_000)
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("foldr:x a red circle")
    note = win.chips.note
    qtbot.waitUntil(lambda: "Did you mean “folder:”?" in note.text() and note.isVisible(), timeout=10_000)

    def read_whole() -> bool:
        on_one_line = note.fontMetrics().horizontalAdvance(note.text()) <= note.contentsRect().width()
        wrapped = note.wordWrap() and note.heightForWidth(note.width()) <= note.height()
        return note.geometry().right() <= win.chips.width() and (on_one_line or wrapped)

    qtbot.waitUntil(read_whole, timeout=5_000)
