"""The right-click menus and the tagging dialog, built without a main window: a real library of
real pictures, the real small model, and a plain widget as the parent of dialogs."""

import pytest
from pictures import write_set

pytest.importorskip("PySide6")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu

from photoclip.core.records import TagSource, TagState
from photoclip.gui.indexing import IndexingController
from photoclip.gui.menus import folder_menu, photo_menu
from photoclip.gui.tagging_ui import AutoTagDialog, run_auto_tag

CLASSES = [("red", "circle"), ("blue", "square"), ("green", "triangle"), ("yellow", "star")]


@pytest.fixture
def library(tmp_path, open_library):
    """A library of 8 pictures at the top of its folder and 4 in its 'trip' sub-folder, indexed."""
    folder = tmp_path / "photos"
    write_set(folder, CLASSES, 2)
    write_set(folder / "trip", CLASSES, 1, seed=5)
    opened = open_library()
    opened.add_root(folder)
    opened.update()
    return opened


@pytest.fixture
def ctx(gui_context, library):
    """What the window would hand its parts: the library, a task runner, events, a parent widget."""
    return gui_context(library)


def action(menu: QMenu, starts: str):
    """The menu's entry whose text starts with ``starts``."""
    return next(a for a in menu.actions() if a.text().startswith(starts))


def submenu(menu: QMenu, starts: str) -> QMenu:
    """The sub-menu whose title starts with ``starts``."""
    return action(menu, starts).menu()


def photo_menu_for(ctx, photos, found=None):
    found = [] if found is None else found
    return photo_menu(ctx, photos, find_similar=found.append, preview=lambda: found.append("preview"))


def tag_with_class_names(ctx) -> list[int]:
    ids = [p.id for p in ctx.library.photos(ctx.library.album(None).photo_ids)]
    label_set = ctx.library.label_set(words="red circle, blue square, green triangle, yellow star")
    ctx.library.tag_photos(ids, label_set)
    return ids


def test_accepting_a_suggested_tag_from_the_photo_menu_reviews_it_in_the_library(qtbot, ctx):
    ids = tag_with_class_names(ctx)
    photo = next(p for p in ctx.library.photos(ids) if ctx.library.tags.tags(p.id))
    suggested = ctx.library.tags.tags(photo.id)[0]
    assert suggested.state == TagState.SUGGESTED and suggested.source == TagSource.AUTO

    entry = submenu(submenu(photo_menu_for(ctx, [photo]), "Tags"), suggested.label)
    with qtbot.waitSignal(ctx.events.tags_changed) as changed:
        action(entry, "Accept").trigger()
    assert changed.args == [[photo.id]]
    tag = next(t for t in ctx.library.tags.tags(photo.id) if t.label == suggested.label)
    assert tag.state == TagState.ACCEPTED

    # Once accepted, the entry offers only to reject it; rejecting hides it for good.
    entry = submenu(submenu(photo_menu_for(ctx, [photo]), "Tags"), suggested.label)
    assert [a.text() for a in entry.actions()] == ["Reject (never suggest again)"]
    action(entry, "Reject").trigger()
    assert suggested.label not in ctx.library.tags.labels(photo.id)
    rejected = [t for t in ctx.library.tags.tags(photo.id, include_rejected=True) if t.label == suggested.label]
    assert rejected and rejected[0].state == TagState.REJECTED


def test_find_similar_and_preview_go_to_the_callbacks_given(ctx):
    photo = ctx.library.photos(ctx.library.album(None).photo_ids[:1])[0]
    found = []
    menu = photo_menu_for(ctx, [photo], found)
    action(menu, "Find similar").trigger()
    action(menu, "Preview").trigger()
    assert found == [photo.id, "preview"]
    two = ctx.library.photos(ctx.library.album(None).photo_ids[:2])
    assert not action(photo_menu_for(ctx, two), "Find similar").isEnabled()  # similar to one photo at a time


def answer_input_dialog(text: str) -> None:
    """Types ``text`` into the input dialog that is about to open, and presses OK."""

    def answer() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
        dialog.setTextValue(text)
        dialog.accept()

    QTimer.singleShot(200, answer)


def test_add_to_collection_from_the_photo_menu_makes_the_collection(qtbot, ctx):
    photos = ctx.library.photos(ctx.library.album(None).photo_ids[:3])
    menu = photo_menu_for(ctx, photos)
    assert action(menu, "Add tag to 3 photos")  # several photos: no per-photo tag review
    answer_input_dialog("Best of")
    with qtbot.waitSignal(ctx.events.collections_changed):
        action(menu, "Add to collection").trigger()
    collection = ctx.library.tags.collection("Best of")
    assert collection is not None and collection.query is None
    assert sorted(ctx.library.tags.collection_photo_ids(collection)) == sorted(p.id for p in photos)
    assert ctx.library.collection_album("Best of").photo_ids


def test_adding_a_tag_from_the_photo_menu_gives_it_to_the_photo(qtbot, ctx):
    photo = ctx.library.photos(ctx.library.album(None).photo_ids[:1])[0]
    answer_input_dialog("Grandma")
    with qtbot.waitSignal(ctx.events.tags_changed):
        action(submenu(photo_menu_for(ctx, [photo]), "Tags"), "Add tag").trigger()
    tag = ctx.library.tags.tags(photo.id)[0]
    assert tag.label == "grandma" and tag.source == TagSource.USER
    assert action(submenu(submenu(photo_menu_for(ctx, [photo]), "Tags"), "grandma"), "Remove")


@pytest.fixture
def indexing(library):
    """Real background indexing of the library, as the window runs it."""
    controller = IndexingController(library)
    yield controller
    controller.shutdown()


def test_excluding_a_folder_from_its_menu_takes_its_photos_out_at_the_rescan(qtbot, ctx, indexing, tmp_path):
    library = ctx.library
    root = library.roots()[0]
    in_trip = sorted((tmp_path / "photos" / "trip").iterdir())
    assert all(library.photo_at(p) is not None for p in in_trip)
    menu = folder_menu(ctx, root.id, "trip", indexing)
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Rescan",
        "Exclude from the library",
        "Review suggestions…",
        "Auto-tag…",
    ]
    with qtbot.waitSignal(indexing.finished, timeout=60_000):
        action(menu, "Exclude").trigger()
    assert library.find_root(root.id).excluded == ("trip",)

    with qtbot.waitSignal(indexing.finished, timeout=60_000):
        action(folder_menu(ctx, root.id, "", indexing), "Rescan").trigger()
    assert all(library.photo_at(p) is None for p in in_trip)
    assert library.photo_count() == 8  # the pictures outside the folder stay
    assert all(p.exists() for p in in_trip)  # and the files are untouched


def test_the_rescan_that_excluding_starts_already_takes_the_photos_out(qtbot, ctx, indexing, tmp_path):
    library = ctx.library
    in_trip = sorted((tmp_path / "photos" / "trip").iterdir())
    with qtbot.waitSignal(indexing.finished, timeout=60_000):
        action(folder_menu(ctx, library.roots()[0].id, "trip", indexing), "Exclude").trigger()
    assert all(library.photo_at(p) is None for p in in_trip)


def test_a_watched_folder_menu_offers_removal_and_a_gone_folder_has_no_menu(ctx, indexing):
    root = ctx.library.roots()[0]
    menu = folder_menu(ctx, root.id, "", indexing)
    assert "Remove from library…" in [a.text() for a in menu.actions()]
    assert folder_menu(ctx, root.id + 100, "", indexing) is None


def test_the_auto_tag_dialog_offers_the_models_labels_and_saves_named_words_only_when_run(qtbot, ctx, tmp_path):
    library = ctx.library
    album = library.album(str(tmp_path / "photos" / "trip"))
    assert len(album.photo_ids) == 4
    dialog = AutoTagDialog(library, album, ctx.parent)
    qtbot.addWidget(dialog)
    assert dialog.label_set().name == "shapes"  # the demo model's own labels come first
    dialog.choice.setCurrentIndex(dialog.choice.count() - 1)  # "Your own words…"
    assert dialog.label_set() is None  # nothing typed yet
    dialog.words.setPlainText("red circle, blue square; green triangle\nyellow star")
    dialog.save_as.setEditText("my shapes")
    chosen = dialog.label_set()
    assert chosen.name == "my shapes"
    assert chosen.labels == ("red circle", "blue square", "green triangle", "yellow star")
    assert "my shapes" not in library.label_sets()  # looking is not saving
    dialog.label_set(save=True)
    assert library.label_sets()["my shapes"].labels == chosen.labels

    messages = []
    ctx.events.message.connect(lambda text, _ms: messages.append(text))
    with qtbot.waitSignal(ctx.events.tagging_finished, timeout=60_000) as finished:
        run_auto_tag(ctx, album, chosen)
    assert finished.args[0].photos == 4 and finished.args[0].tagged >= 3
    assert sum(bool(library.tags.tags(i)) for i in album.photo_ids) == finished.args[0].tagged
    assert messages[-1].startswith(f"Tagged {finished.args[0].tagged} of 4 photos")


def test_saving_a_search_that_can_find_nothing_says_why_and_saves_nothing(qtbot, ctx):
    from PySide6.QtWidgets import QMessageBox

    from photoclip.gui.tag_menus import save_search_as_collection

    said = []

    def close_warning() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        said.append(box.text())
        box.accept()

    answer_input_dialog("Typo")
    QTimer.singleShot(600, close_warning)
    save_search_as_collection(ctx, 'tag:"no such tag" circle')
    assert said and "No photo has the tag 'no such tag'" in said[0]
    assert ctx.library.tags.collection("Typo") is None
    answer_input_dialog("Circles")
    with qtbot.waitSignal(ctx.events.collections_changed):
        save_search_as_collection(ctx, "circle")
    assert ctx.library.tags.collection("Circles").query == "circle"
