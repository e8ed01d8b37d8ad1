"""The duplicates view on its own (a GuiContext, no main window): going through the groups with
the keyboard, marking copies (never the kept one), revealing one, and moving marked copies to the
trash only after the confirmation is answered with "Move to trash"."""

from __future__ import annotations

import pytest
from duplicate_pictures import own_trash, photo_with_copies
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenuBar, QMessageBox

from photoclip.gui.duplicates_view import KEYS_HELP, DuplicatesView, open_duplicates
from photoclip.gui.menu_bar import MenuBarActions, build_menu_bar


@pytest.fixture
def trash_dir(tmp_path):
    """The system trash, in a folder of the test's own."""
    yield from own_trash(tmp_path)


@pytest.fixture
def library_with_copies(tmp_path, open_library):
    """Two originals, each with an identical, a resized and a re-encoded copy, indexed."""
    photos = tmp_path / "photos"
    made = [
        photo_with_copies(photos, "red", "red", "circle", 31),
        photo_with_copies(photos, "blue", "blue", "square", 32),
    ]
    library = open_library()
    library.update([library.add_root(photos)])
    return library, made


def _open(qtbot, ctx, revealed):
    view = DuplicatesView(ctx, reveal=revealed.append)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.groups_found, timeout=30_000):
        pass
    view.show()
    view.activateWindow()
    view.copies.setFocus()
    qtbot.waitUntil(view.copies.hasFocus)
    return view


def _paths(view):
    return [c.photo.path for c in view.group().copies]


def test_keys_go_through_groups_mark_copies_but_never_the_kept_one_and_reveal(qtbot, gui_context, library_with_copies):
    library, made = library_with_copies
    revealed = []
    view = _open(qtbot, gui_context(library), revealed)
    assert len(view.groups) == 2 and view.current == 0
    first = view.group()
    assert _paths(view)[0] in {c.original for c in made}  # the kept copy first
    assert view.copies.currentRow() == 1  # the cursor starts on the first copy that could go

    qtbot.keyClick(view.copies, Qt.Key.Key_Space)
    assert view.marked_here() == [first.others[0].photo.id]
    qtbot.keyClick(view.copies, Qt.Key.Key_Up)  # onto the kept copy: Space does nothing there
    qtbot.keyClick(view.copies, Qt.Key.Key_Space)
    assert first.keep.id not in view.marked
    qtbot.keyClick(view.copies, Qt.Key.Key_R)
    assert revealed == [first.keep.path]

    qtbot.keyClick(view.copies, Qt.Key.Key_PageDown)
    assert view.current == 1 and view.group() != first and view.marked_here() == []
    qtbot.keyClick(view.copies, Qt.Key.Key_PageDown)  # the last group stays
    assert view.current == 1
    qtbot.keyClick(view.copies, Qt.Key.Key_PageUp)
    assert view.group() == first and view.marked_here() == [first.others[0].photo.id]  # marks are kept

    view.near.setChecked(True)  # resized copies too: looked for again
    qtbot.waitUntil(lambda: view.groups is not None and len(view.group().copies) == 4, timeout=30_000)
    qtbot.keyClick(view.copies, Qt.Key.Key_A)
    assert len(view.marked_here()) == 3 and view.group().keep.id not in view.marked


def test_trash_only_after_confirmation_and_never_the_kept_copy(qtbot, gui_context, library_with_copies, trash_dir):
    library, _made = library_with_copies
    view = _open(qtbot, gui_context(library), [])
    group = view.group()
    keep, copy = group.keep.path, group.others[0].photo.path
    kept_bytes = keep.read_bytes()

    qtbot.keyClick(view.copies, Qt.Key.Key_Delete)  # nothing marked: nothing asked, nothing moved
    assert view.confirmation is None

    qtbot.keyClick(view.copies, Qt.Key.Key_Space)
    qtbot.keyClick(view.copies, Qt.Key.Key_Delete)
    box = view.confirmation
    assert box is not None and box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    assert str(copy) in box.detailedText() and str(keep) in box.informativeText()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert copy.exists() and not trash_dir.exists()

    qtbot.keyClick(view.copies, Qt.Key.Key_Delete)
    with qtbot.waitSignal(view.photos_trashed, timeout=30_000) as trashed:
        view.confirmation.button(QMessageBox.StandardButton.Yes).click()
    assert trashed.args[0] == [group.others[0].photo.id]
    assert not copy.exists() and (trash_dir / "files" / copy.name).exists()
    assert keep.read_bytes() == kept_bytes
    assert len(view.groups) == 1 and keep not in _paths(view)  # the group had nothing left to decide
    assert library.photo_at(copy) is None


def test_view_menu_opens_one_duplicates_view(qtbot, gui_context, library_with_copies):
    library, _made = library_with_copies
    ctx = gui_context(library)
    bar = QMenuBar(ctx.parent)
    opened = []
    build_menu_bar(
        bar,
        MenuBarActions(
            *(lambda *_: None for _ in range(8)), find_duplicates=lambda: opened.append(open_duplicates(ctx))
        ),
    )
    view_menu = next(a.menu() for a in bar.actions() if a.text() == "&View")
    entry = next(a for a in view_menu.actions() if a.text() == "&Duplicates…")

    entry.trigger()
    entry.trigger()

    assert len(opened) == 2 and opened[0] is opened[1] and opened[0].isVisible()
    with qtbot.waitSignal(opened[0].groups_found, timeout=30_000):
        pass
    opened[0].close()


def test_a_again_unmarks_long_names_are_shortened_and_the_kept_path_is_never_broken(
    qtbot, gui_context, tmp_path, open_library
):
    photos = tmp_path / "photos"
    made = photo_with_copies(photos, "red", "red", "circle", 33)
    long_name = made.identical.with_name("very_long_name_" * 12 + "copy.jpg")
    made.identical.rename(long_name)
    library = open_library()
    library.update([library.add_root(photos)])
    view = _open(qtbot, gui_context(library), [])
    view.resize(700, 500)
    view.near.setChecked(True)
    qtbot.waitUntil(lambda: view.groups is not None and len(view.group().copies) == 4, timeout=30_000)

    qtbot.keyClick(view.copies, Qt.Key.Key_A)
    assert len(view.marked_here()) == 3
    qtbot.keyClick(view.copies, Qt.Key.Key_A)  # all were marked: A takes them back
    assert view.marked_here() == []
    assert "A: mark all (again: none)" in KEYS_HELP  # what Help lists, read from the same string

    # The long name is shortened in the middle, whole in the tooltip; nothing scrolls sideways.
    item = next(
        view.copies.item(i) for i in range(view.copies.count()) if view.copies.item(i).toolTip() == str(long_name)
    )
    shown = item.text().splitlines()[1]
    assert "…" in shown and shown.endswith("copy.jpg") and shown.startswith(str(photos)[:12])  # both ends
    assert not view.copies.horizontalScrollBar().isVisible()

    # The confirmation writes the kept copy's path on a line of its own that does not wrap.
    qtbot.keyClick(view.copies, Qt.Key.Key_A)
    qtbot.keyClick(view.copies, Qt.Key.Key_Delete)
    box = view.confirmation
    assert f"<br><span style='white-space:pre'>{made.original}</span>" in box.informativeText()
    assert str(long_name) in box.detailedText() and f"Kept:\n{made.original}" in box.detailedText()
    box.button(QMessageBox.StandardButton.Cancel).click()
