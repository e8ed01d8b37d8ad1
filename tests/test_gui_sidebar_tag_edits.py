"""The sidebar after a whole tag is edited from its own menu: a renamed tag shows under its new name
with its count, a deleted one is gone (no stale "0" row left behind), and the grid's filter on the
old tag follows the new name or is dropped. Real widgets, a real library of real pictures, the real
small model."""

import pytest
import test_gui
import test_gui_window_details
from test_gui_tag_review import actions, answer_input, answer_question
from test_gui_window_details import tag_item

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from photoclip.gui.sidebar import KindRole, RowKind, TagRole
from photoclip.gui.tag_edit_ui import tag_menu

window = test_gui.window  # the main window fixture, shared with test_gui.py
tagged_window = test_gui_window_details.tagged_window  # 8 pictures, three tagged: one tag each


def tag_rows(win) -> dict[str, str]:
    """The sidebar's tag rows, label -> the count beside it."""
    return {item.data(0, TagRole): item.text(1) for item in win.sidebar.rows() if item.data(0, KindRole) == RowKind.TAG}


def test_a_renamed_or_deleted_tag_leaves_no_stale_row_and_its_filter_follows(qtbot, tagged_window):
    win = tagged_window
    with qtbot.waitSignal(win.results_shown, timeout=30_000):
        qtbot.mouseClick(
            win.sidebar.viewport(),
            Qt.MouseButton.LeftButton,
            pos=win.sidebar.visualItemRect(tag_item(win, "green square")).center(),
        )
    # The pointer stays on the sidebar while the menu's dialogs come and go (offscreen, no pointer
    # moves: Qt's own flag for it is set as a desktop sets it), so the sidebar is in use throughout.
    win.sidebar.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, True)
    assert win.browser.filters.tags == ("green square",) and win.sidebar.in_use()

    answer_input("Verde")
    with qtbot.waitSignal(win.ctx.events.tag_edited, timeout=10_000):
        actions(tag_menu(win.ctx, "green square"))["Rename"].trigger()
    assert tag_rows(win) == {"verde": "1", "purple square": "1", "red dot": "1"}
    assert win.browser.filters.tags == ("verde",)
    assert win.sidebar.currentItem().data(0, TagRole) == "verde"

    seen = []
    answer_question("Delete tag", seen)
    with qtbot.waitSignal(win.ctx.events.tag_edited, timeout=10_000):
        actions(tag_menu(win.ctx, "purple square"))["Delete"].trigger()
    assert tag_rows(win) == {"verde": "1", "red dot": "1"}
    assert win.browser.filters.tags == ("verde",)  # another tag's deletion leaves the filter be

    answer_question("Delete tag", seen)
    with qtbot.waitSignal(win.ctx.events.tag_edited, timeout=10_000):
        actions(tag_menu(win.ctx, "verde"))["Delete"].trigger()
    assert tag_rows(win) == {"red dot": "1"}
    assert win.browser.filters.tags == ()  # the filter on the deleted tag is dropped
    assert win.sidebar.currentItem().data(0, KindRole) == RowKind.ALL
