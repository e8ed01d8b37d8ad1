"""The review screen and the tag and collection menus, as real widgets without a main window: a
real library of real pictures tagged by the small model, and the keys a person presses."""

import pytest
from pictures import write_set

pytest.importorskip("PySide6")

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from photoclip.core.tagging import builtin_label_sets
from photoclip.core.xmp import read_keywords
from photoclip.gui.collection_edit_ui import collection_menu
from photoclip.gui.menus import photo_menu
from photoclip.gui.sidebar import KindRole, Sidebar, SidebarContents, TagRole
from photoclip.gui.tag_edit_ui import tag_menu
from photoclip.gui.tag_review import TagReviewView

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def library(tmp_path, open_library):
    """12 pictures at the top of a watched folder and 4 in 'trip', indexed and tagged ('shapes')."""
    write_set(tmp_path / "photos", CLASSES, 3, seed=3)
    write_set(tmp_path / "photos" / "trip", CLASSES, 1, seed=5)
    opened = open_library()
    opened.add_root(tmp_path / "photos")
    opened.update()
    opened.tag_photos(opened.album(None).photo_ids, builtin_label_sets()["shapes"])
    return opened


@pytest.fixture
def ctx(gui_context, library):
    return gui_context(library)


def open_view(qtbot, ctx, **options):
    view = TagReviewView(ctx, **options)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.grid.setFocus()
    return view


def state_of(library, photo_id, label):
    return next((t.state for t in library.tags.tags(photo_id, include_rejected=True) if t.label == label), None)


def test_enter_accepts_delete_rejects_and_n_goes_to_the_next_tag(qtbot, ctx):
    library = ctx.library
    queue = library.tags_to_review()
    label = queue[0].label
    view = open_view(qtbot, ctx, label=label)
    shown = [int(i) for i in view.photos.ids]
    assert view.label == label and len(shown) == queue[0].suggested >= 3
    assert view.photos.score_at(0) >= view.photos.score_at(1)  # best suggestion first, its score shown
    assert view.counts.text() == f"{len(shown)} suggestions to review · 0 accepted"

    with qtbot.waitSignal(ctx.events.tags_changed) as changed:
        qtbot.keyClick(view.grid, Qt.Key.Key_Return)  # the cursor starts on the first photo
    assert changed.args == [[shown[0]]]
    assert state_of(library, shown[0], label) == "accepted"
    assert [int(i) for i in view.photos.ids] == shown[1:]  # gone from the grid at once
    assert view.counts.text() == f"{len(shown) - 1} suggestions to review · 1 accepted"
    assert view.grid.currentIndex().row() == 0  # the cursor is on the next photo, ready for the next key

    selection = view.grid.selectionModel()
    selection.select(view.photos.index(1), QItemSelectionModel.SelectionFlag.Select)
    assert view.selected_ids() == shown[1:3]
    qtbot.keyClick(view.grid, Qt.Key.Key_Delete)
    assert [state_of(library, pid, label) for pid in shown[1:3]] == ["rejected", "rejected"]
    assert [int(i) for i in view.photos.ids] == shown[3:]
    assert label not in library.tags.labels(shown[1])

    qtbot.keyClick(view.grid, Qt.Key.Key_N)
    assert view.label == queue[1].label
    assert sorted(int(i) for i in view.photos.ids) == sorted(s.photo_id for s in library.suggestions(queue[1].label))
    view.show_tag(label)  # back, from the tag list
    view.accept_all_button.click()
    assert view.photos.rowCount() == 0 and library.suggestions(label) == []
    assert view.pages.currentWidget() is view.all_reviewed
    page = view.all_reviewed
    assert "Every suggestion of “" + label in page.title.text() and "press N" in page.text.text()
    assert view.choice.currentText() == f"{label} — reviewed"
    summary = library.tag_summary(label)
    assert (summary.accepted, summary.suggested) == (len(shown) - 2, 0)
    qtbot.keyClick(view.grid, Qt.Key.Key_Escape)  # closes, as the keys line under the grid says
    assert not view.isVisible()


def test_the_grid_follows_a_change_made_elsewhere(qtbot, ctx):
    library = ctx.library
    label = library.tags_to_review()[0].label
    view = open_view(qtbot, ctx, label=label)
    first = int(view.photos.ids[0])
    library.accept_suggestions(label, [first])  # from the photo menu of the window, say
    ctx.events.tags_changed.emit([first])
    assert first not in [int(i) for i in view.photos.ids]


def test_an_albums_review_shows_only_its_photos_and_ends_when_all_are_reviewed(qtbot, ctx, tmp_path):
    library = ctx.library
    trip = library.album(str(tmp_path / "photos" / "trip"))
    view = open_view(qtbot, ctx, album=trip)
    seen = set()
    while view.label is not None and view.photos.rowCount():
        seen |= {int(i) for i in view.photos.ids}
        view.grid.selectAll()
        qtbot.keyClick(view.grid, Qt.Key.Key_Return)
        qtbot.keyClick(view.grid, Qt.Key.Key_N)
    assert seen and seen <= set(trip.photo_ids)
    assert library.tags_to_review(trip.photo_ids) == []
    assert library.tags_to_review()  # the rest of the library still waits
    assert not view.next_button.isEnabled()


def sidebar_rows(library, qtbot):
    sidebar = Sidebar()
    qtbot.addWidget(sidebar)
    sidebar.populate(SidebarContents.read(library))
    return sidebar, {item.data(0, TagRole): item for item in sidebar.rows() if item.data(0, KindRole) == "tag"}


def test_the_sidebar_sets_suggested_tags_apart_from_accepted_ones(qtbot, ctx):
    library = ctx.library
    queue = library.tags_to_review()
    only_suggested, mixed = queue[0], queue[1]
    photos = [s.photo_id for s in library.suggestions(mixed.label)]
    library.accept_suggestions(mixed.label, photos[:1])
    library.tags.add(photos[0], "picnic")
    _sidebar, rows = sidebar_rows(library, qtbot)  # the sidebar owns the rows: kept alive
    plain = rows["picnic"]
    assert plain.text(1) == "1" and not plain.font(0).italic()
    grey = rows[only_suggested.label]
    assert grey.text(1) == f"{only_suggested.suggested} suggested"
    assert grey.font(0).italic() and grey.foreground(0).color() != plain.foreground(0).color()
    assert "Review suggestions" in grey.toolTip(0)
    both = rows[mixed.label]
    assert both.text(1) == f"1 +{len(photos) - 1}" and not both.font(0).italic()


def when_open(kind, act, tries: int = 100) -> None:
    """Calls ``act`` on the ``kind`` dialog once it is open (two dialogs may follow one another, so
    each answer waits for its own instead of firing at a fixed time)."""

    def attempt(left: int) -> None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        if found:
            act(found[0])
        elif left:
            QTimer.singleShot(50, lambda: attempt(left - 1))

    QTimer.singleShot(50, lambda: attempt(tries))


def answer_input(text: str, seen: list | None = None) -> None:
    """Types ``text`` into the input dialog about to open (an editable or a list one) and presses OK;
    its question goes to ``seen``."""

    def answer(dialog: QInputDialog) -> None:
        if seen is not None:
            seen.append(dialog.labelText())
        dialog.setTextValue(text)
        dialog.accept()

    when_open(QInputDialog, answer)


def answer_question(button_text: str, seen: list) -> None:
    """Clicks ``button_text`` in the message box about to open; its text goes to ``seen``."""

    def answer(box: QMessageBox) -> None:
        seen.append(box.text() + "\n" + box.informativeText())
        seen.append(box.defaultButton().text())
        next(b for b in box.buttons() if b.text() == button_text).click()

    when_open(QMessageBox, answer)


def actions(menu):
    return {a.text().rstrip("…").split(" ")[0]: a for a in menu.actions() if a.text()}


def test_the_tag_menu_renames_merges_and_deletes_after_saying_how_many(qtbot, ctx):
    library = ctx.library
    first, second = (t.label for t in library.tags_to_review()[:2])
    menu = tag_menu(ctx, first)
    entries = actions(menu)
    assert entries["Review"].isEnabled() and "suggestion" in entries["Review"].text()
    assert set(entries) == {"Review", "Rename", "Merge", "Delete"}

    asked = []
    answer_input("Round Things", asked)
    with qtbot.waitSignal(ctx.events.tag_edited) as edited:
        entries["Rename"].trigger()
    assert asked == [f"New name for “{first}” ({library.tag_summary('round things').photos} photos):"]
    assert edited.args == [first, "round things"]
    assert library.tag_summary(first) is None and library.tag_summary("round things")

    seen = []
    answer_input(second)  # a name another tag has: asked, then merged
    answer_question("Merge", seen)
    actions(tag_menu(ctx, "round things"))["Rename"].trigger()
    assert "already a tag" in seen[0] and library.tag_summary("round things") is None

    merged = library.tag_summary(second)
    seen.clear()
    answer_question("Cancel", seen)
    actions(tag_menu(ctx, second))["Delete"].trigger()
    assert f"from {merged.photos} photos" in seen[0] and seen[1] == "Cancel"  # the default answer
    assert library.tag_summary(second) == merged
    answer_question("Delete tag", seen)
    with qtbot.waitSignal(ctx.events.tag_edited) as edited:
        actions(tag_menu(ctx, second))["Delete"].trigger()
    assert edited.args == [second, ""] and library.tag_summary(second) is None


def test_a_renamed_tag_is_renamed_in_the_sidecars_photoclip_wrote(qtbot, ctx):
    library = ctx.library
    label = library.tags_to_review()[0].label
    photo = library.photo(library.suggestions(label)[0].photo_id)
    library.accept_suggestions(label, [photo.id])
    library.export_xmp([photo.id])
    sidecar = photo.path.with_name(photo.path.name + ".xmp")
    assert label in read_keywords(sidecar)
    answer_input("favourite")
    actions(tag_menu(ctx, label))["Rename"].trigger()
    qtbot.waitUntil(lambda: "favourite" in read_keywords(sidecar), timeout=10_000)
    assert label not in read_keywords(sidecar)


def test_collections_are_renamed_deleted_and_photos_taken_out_from_the_menus(qtbot, ctx):
    library = ctx.library
    picked = library.photos(library.album(None).photo_ids[:3])
    store = library.tags
    store.add_to_collection(store.create_collection("Trip"), [p.id for p in picked])
    store.create_collection("Reds", "a red circle")

    answer_input("Summer")
    with qtbot.waitSignal(ctx.events.collection_edited) as edited:
        actions(collection_menu(ctx, "Trip"))["Rename"].trigger()
    assert edited.args == ["Trip", "Summer"] and store.collection("Summer") is not None

    taken = []
    menu = photo_menu(ctx, picked[:2], find_similar=print, preview=print, collection="Summer", removed=taken.extend)
    remove = next(a for a in menu.actions() if a.text().startswith("Remove 2 photos from “Summer”"))
    with qtbot.waitSignal(ctx.events.collection_edited):
        remove.trigger()
    assert taken == [p.id for p in picked[:2]]
    assert library.collection_album("Summer").photo_ids == [picked[2].id]
    saved = photo_menu(ctx, picked[:1], find_similar=print, preview=print, collection="Reds")
    assert not [a for a in saved.actions() if a.text().startswith("Remove")]  # a saved search holds no one by hand

    seen = []
    answer_question("Delete", seen)
    with qtbot.waitSignal(ctx.events.collection_edited) as edited:
        actions(collection_menu(ctx, "Summer"))["Delete"].trigger()
    assert "(1 photo)" in seen[0] and "stay in the library" in seen[0] and seen[1] == "Cancel"
    assert edited.args == ["Summer", ""] and [c.name for c in store.collections()] == ["Reds"]
