"""What narrows the grid, in the window: filter chips above the photos, what a filter hides,
collections, and the grid and the tag list right after a review. Real library, real small model."""

import pytest
import test_gui
from pictures import write_set
from test_gui import indexed_window, wait_idle

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QLineEdit

from photoclip.gui.menus import photo_menu
from photoclip.gui.sidebar import CollectionRole, KindRole, RowKind, Sidebar, SidebarContents, TagRole
from photoclip.gui.wording import plural

window = test_gui.window  # the main window fixture, shared with test_gui.py


def sidebar_row(win, kind: RowKind, name: str):
    role = TagRole if kind == RowKind.TAG else CollectionRole
    rows = [win.sidebar.topLevelItem(i) for i in range(win.sidebar.topLevelItemCount())]
    children = [row.child(i) for row in rows for i in range(row.childCount())]
    return next(item for item in children if item.data(0, KindRole) == kind and item.data(0, role) == name)


def tag_rows(sidebar) -> list[tuple[str, str]]:
    header = next(
        sidebar.topLevelItem(i) for i in range(sidebar.topLevelItemCount()) if sidebar.topLevelItem(i).text(0) == "Tags"
    )
    return [(header.child(i).text(0), header.child(i).text(1)) for i in range(header.childCount())]


def holiday_shown(qtbot, window, tmp_path):
    """An indexed window whose red circles have the tag "holiday", chosen in the sidebar; the
    pictures' classes and the red circles' ids."""
    win, _folder, classes = indexed_window(qtbot, window, tmp_path)
    reds = [win.library.photo_at(p).id for p, label in classes.items() if label == ("red", "circle")]
    for photo_id in reds:
        win.library.tags.add(photo_id, "holiday")
    win.refresh_sidebar()
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.sidebar.setCurrentItem(sidebar_row(win, RowKind.TAG, "holiday"))
    return win, classes, reds


def test_a_tag_chosen_in_the_sidebar_shows_as_a_chip_that_takes_it_off(qtbot, window, tmp_path):
    win, classes, reds = holiday_shown(qtbot, window, tmp_path)
    assert win.photos.rowCount() == len(reds)
    assert win.chips.isVisible() and [c.text for c in win.chips.chips] == ["Tag: holiday"]
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.chips.buttons[0].click()
    assert win.photos.rowCount() == len(classes) and win.chips.isHidden()
    assert win.sidebar.currentItem().data(0, KindRole) == RowKind.ALL  # the sidebar follows


def test_a_filtered_search_that_finds_nothing_says_how_many_match_in_all_photos(qtbot, window, tmp_path):
    folder = tmp_path / "photos"
    write_set(folder / "reds", [("red", "circle")], 4)
    blues = write_set(folder / "blues", [("blue", "square")], 4, seed=3)
    win = window()
    win.add_folder(folder)
    qtbot.waitUntil(lambda: win.library.status().embedded == 8, timeout=60_000)
    wait_idle(qtbot, win)
    for path in blues:
        win.library.tags.add(win.library.photo_at(path).id, "blue")
    query = "tag:blue square"  # only photos tagged "blue": none of them is in the folder "reds"
    everywhere = len(win.library.search(query).ids)
    assert everywhere > 0
    root = win.library.roots()[0]
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.browser.show_folder(root.id, "reds")
    assert [c.text for c in win.chips.chips] == ["Folder: reds"]
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search(query)
    assert win.photos.rowCount() == 0
    assert win.results.currentWidget() is win.empty and win.empty.title.text() == "No matching photos in reds"
    but = "but it is not" if everywhere == 1 else "but none of them"
    assert win.empty.text.text() == f"This search matches {plural(everywhere, 'photo')} in the library, {but} in reds."
    assert win.chips.note.text() == ""  # said once: on the empty page, not beside the chip too
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.empty.button_widgets["Search all photos"].click()
    assert win.photos.rowCount() == everywhere and not win.chips.chips


def test_choosing_a_collection_clears_the_search_that_was_in_the_box(qtbot, window, tmp_path):
    win, _folder, classes = indexed_window(qtbot, window, tmp_path)
    picked = [win.library.photo_at(p).id for p, label in classes.items() if label == ("green", "triangle")]
    store = win.library.tags
    store.add_to_collection(store.create_collection("greens"), picked)
    win.refresh_sidebar()
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.search("a yellow star")
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        win.sidebar.setCurrentItem(sidebar_row(win, RowKind.COLLECTION, "greens"))
    assert win.search_box.text() == ""
    assert sorted(int(i) for i in win.photos.ids) == sorted(picked)
    assert [c.text for c in win.chips.chips] == ["Collection: greens"]


def test_taking_a_tag_off_a_photo_takes_it_out_of_that_tag_at_once(qtbot, window, tmp_path):
    win, _classes, reds = holiday_shown(qtbot, window, tmp_path)
    photo = win.photos.photo_at(0)
    menu = photo_menu(win.ctx, [photo], find_similar=win.find_similar, preview=win.results.preview_current)
    tags = next(a.menu() for a in menu.actions() if a.text() == "Tags")
    entry = next(a.menu() for a in tags.actions() if a.text() == "holiday")
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        next(a for a in entry.actions() if a.text() == "Remove").trigger()
    assert win.photos.rowCount() == len(reds) - 1 and win.photos.row_of(photo.id) is None
    assert sidebar_row(win, RowKind.TAG, "holiday").text(1) == str(len(reds) - 1)
    wait_idle(qtbot, win)


def point_at(qtbot, widget) -> None:
    """Moves the pointer onto ``widget`` and lets Qt tell the widgets it entered and left."""
    qtbot.mouseMove(widget, QPoint(30, 20))
    QApplication.processEvents()


def test_the_tag_list_keeps_its_order_while_the_pointer_is_on_it(qtbot):
    sidebar, elsewhere = Sidebar(), QLineEdit()
    for widget in (sidebar, elsewhere):
        qtbot.addWidget(widget)
        widget.show()
        qtbot.waitExposed(widget)
    elsewhere.move(sidebar.geometry().right() + 50, 0)  # another window, beside it
    QApplication.processEvents()

    def contents(tags):
        return SidebarContents(roots=[], root_counts={}, folder_counts={}, tags=tags)

    point_at(qtbot, sidebar.viewport())
    sidebar.populate(contents([("beach", 5), ("city", 3), ("snow", 1)]))
    # Tags reviewed while the pointer is on the list: counts change, no row moves (or goes).
    sidebar.populate(contents([("city", 6), ("beach", 4), ("forest", 2)]))
    assert tag_rows(sidebar) == [("beach", "4"), ("city", "6"), ("snow", "0"), ("forest", "2")]
    elsewhere.activateWindow()  # the user moved on: to another window, typing there
    elsewhere.setFocus()
    qtbot.waitUntil(lambda: not sidebar.hasFocus(), timeout=5_000)
    point_at(qtbot, elsewhere)
    sidebar.populate(contents([("city", 6), ("beach", 4), ("forest", 2)]))
    assert tag_rows(sidebar) == [("city", "6"), ("beach", "4"), ("forest", "2")]  # most used first again


def test_the_window_says_when_no_photo_stands_out_and_the_closest_are_shown(qtbot, window, tmp_path):
    """The command line said "No photo stands out clearly…; these come closest" and the window
    showed the same few photos without a word (a new user's Fewer on a busy scene)."""
    win, _folder, _classes = indexed_window(qtbot, window, tmp_path, per_class=8)  # enough to tell
    win.search("a car in the rain")  # nothing like it in a library of coloured shapes
    wait_idle(qtbot, win)
    assert win.photos.rowCount() > 0
    assert not win.chips.isHidden() and "come closest" in win.chips.note.text()
    win.search("a red circle")  # a clear answer: no such note
    wait_idle(qtbot, win)
    assert "come closest" not in win.chips.note.text()


def test_words_typed_after_find_similar_keep_the_photo(qtbot, window, tmp_path):
    """A new user typed " + blue" after Find similar's "similar to picture.jpg": the words were
    searched alone (one result), the photo dropped."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    win, _folder, classes = indexed_window(qtbot, window, tmp_path, per_class=6)
    red_circle = next(path for path, label in sorted(classes.items()) if label == ("red", "circle"))
    win.find_similar(win.library.photo_at(red_circle).id)
    wait_idle(qtbot, win)
    assert win.search_box.text() == f"similar to {red_circle.name}"
    QTest.keyClicks(win.search_box, " + blue")
    # the name alone says which photo: the box is left as typed (it jumped to the photo's whole path)
    assert win.search_box.text() == f"similar to {red_circle.name} + blue"
    QTest.keyClick(win.search_box, Qt.Key.Key_Return)
    wait_idle(qtbot, win)
    shown = [win.photos.photo_at(row).path for row in range(win.photos.rowCount())]
    assert shown and all(classes[path] == ("blue", "square") for path in shown)


def test_words_typed_after_find_similar_on_a_shared_name_write_the_photos_path(qtbot, window, tmp_path):
    """Two photos called the same: "similar to NAME + blue" would not say which one, so the box
    writes the photo's whole path before the words."""
    import shutil

    from PySide6.QtTest import QTest

    win, _folder, classes = indexed_window(qtbot, window, tmp_path, per_class=3)
    red_circle = next(path for path, label in sorted(classes.items()) if label == ("red", "circle"))
    other = next(path for path, label in sorted(classes.items()) if label != ("red", "circle"))
    namesake = tmp_path / "more" / red_circle.name
    namesake.parent.mkdir()
    shutil.copy(other, namesake)
    win.add_folder(namesake.parent)
    qtbot.waitUntil(lambda: win.library.status().embedded == len(classes) + 1, timeout=60_000)
    wait_idle(qtbot, win)
    win.find_similar(win.library.photo_at(red_circle).id)
    wait_idle(qtbot, win)
    QTest.keyClicks(win.search_box, " + blue")
    assert win.search_box.text() == f"{red_circle} + blue"
