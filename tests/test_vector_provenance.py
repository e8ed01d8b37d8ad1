"""A library's vectors are made again when the weights behind its model's name change: the small
model retrained in a new version of photoclip, or other model files the user points at."""

import shutil
import sqlite3

import numpy as np
import pytest

from tests.pictures import write_set

CLASSES = [("red", "circle"), ("blue", "star"), ("green", "square")]


def other_tiny_weights(folder):
    """The shipped small model with its image projection changed: the same name, other weights."""
    from safetensors.numpy import load_file, save_file

    from photoclip.core.models.registry import bundled_model_dir

    out = folder / "other-tiny"
    out.mkdir()
    shutil.copy(bundled_model_dir() / "open_clip_config.json", out)
    weights = load_file(str(bundled_model_dir() / "open_clip_model.safetensors"))
    weights["visual.head.proj.weight"] = weights["visual.head.proj.weight"][::-1].copy()
    save_file(weights, str(out / "open_clip_model.safetensors"), metadata={"format": "pt"})
    return out


def stored_vectors(library):
    ids = library.catalog.embedding_ids("photoclip-tiny")
    return {int(i): library.catalog.vector(int(i), "photoclip-tiny") for i in ids}


def indexed_with_the_shipped_model(tmp_path, open_library, per_class):
    """A library of ``per_class`` pictures of each class, indexed by the shipped small model."""
    folder = tmp_path / "pictures"
    write_set(folder, CLASSES, per_class)
    library = open_library()
    library.add_root(folder)
    assert library.update().embedded == len(CLASSES) * per_class
    return library


def test_vectors_made_by_other_weights_under_the_same_name_are_made_again(tmp_path, open_library):
    from photoclip.cli.common import summarise
    from photoclip.core.library import Library

    library = indexed_with_the_shipped_model(tmp_path, open_library, 2)
    shipped = stored_vectors(library)
    report = library.update()  # the same weights: nothing to do
    assert report.embedded == report.remade == 0 and "indexed again" not in summarise(report, "photoclip-tiny")
    library.close()

    other = Library.open(tmp_path / "library", model="photoclip-tiny", weights=other_tiny_weights(tmp_path))
    try:
        report = other.update()
        assert report.embedded == report.remade == 6
        assert "6 of them were indexed again: the weights behind photoclip-tiny changed." in summarise(
            report, "photoclip-tiny"
        )
        remade = stored_vectors(other)
        assert remade.keys() == shipped.keys()
        assert all(not np.allclose(remade[i], shipped[i], atol=1e-3) for i in shipped)
        # a search now compares the other weights' text with their own pictures
        assert other.search("a red circle").hits[0].photo.path.name.startswith("red-circle")
    finally:
        other.close()

    back = open_library()  # the shipped weights again
    assert back.update().embedded == 6
    again = stored_vectors(back)
    assert all(np.allclose(again[i], shipped[i], atol=1e-4) for i in shipped)


def test_a_library_the_small_model_of_an_earlier_version_indexed_is_indexed_again(tmp_path, open_library):
    indexed_with_the_shipped_model(tmp_path, open_library, 1).close()
    with sqlite3.connect(tmp_path / "library" / "catalog.sqlite3") as conn:
        # as a library from before photoclip recorded the weights
        assert conn.execute("DELETE FROM meta WHERE key = 'vectors_made_with:photoclip-tiny'").rowcount == 1

    reopened = open_library()
    report = reopened.update()
    assert report.embedded == 3 and not report.errors
    assert reopened.search("a blue star").hits[0].photo.path.name.startswith("blue-star")
    assert reopened.update().embedded == 0


def test_weights_that_are_not_there_or_do_not_load_lose_no_vectors(tmp_path, open_library):
    from photoclip.core.errors import PhotoclipError
    from photoclip.core.library import Library

    indexed_with_the_shipped_model(tmp_path, open_library, 1).close()
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"not a model")
    for weights in (tmp_path / "mistyped.safetensors", broken):
        library = Library.open(tmp_path / "library", model="photoclip-tiny", weights=weights)
        try:
            if weights.exists():
                with pytest.raises(PhotoclipError):
                    library.update()
            else:
                assert library.update().embedded == 0
            assert len(library.catalog.embedding_ids("photoclip-tiny")) == 3
        finally:
            library.close()
    reopened = open_library()
    assert reopened.update().embedded == 0  # the shipped weights' vectors were never dropped


def test_a_run_over_one_folder_leaves_the_vectors_of_the_rest_alone(tmp_path, open_library):
    from photoclip.core.library import Library

    library = indexed_with_the_shipped_model(tmp_path, open_library, 1)
    write_set(tmp_path / "more", [("yellow", "triangle")], 2)
    library.add_root(tmp_path / "more")
    assert library.update().embedded == 2
    library.close()
    other = Library.open(tmp_path / "library", model="photoclip-tiny", weights=other_tiny_weights(tmp_path))
    try:
        first = other.roots()[:1]
        assert other.update(roots=first).embedded == 0  # a run over one of two folders drops nothing
        stale = "indexed with other weights for photoclip-tiny"
        assert any(stale in note for note in other.search("a red circle").notes)  # and the search says so
        assert other.update().remade == 5  # the next run over every folder makes them again
        assert not any(stale in note for note in other.search("a red circle").notes)
    finally:
        other.close()


def test_a_library_indexed_folder_by_folder_is_not_taken_for_stale(tmp_path, open_library):
    """As ``photoclip demo`` and ``photoclip index FOLDER`` index: the run names its folders."""
    write_set(tmp_path / "pictures", CLASSES, 1)
    library = open_library()
    library.add_root(tmp_path / "pictures")
    assert library.update(roots=library.roots()).embedded == 3
    assert not any("indexed with other weights" in note for note in library.search("a red circle").notes)
    report = library.update()
    assert report.embedded == report.remade == 0


def test_weights_changed_on_disk_under_a_running_library_are_taken_up_when_it_next_loads_them(tmp_path, open_library):
    """The record is of what the engine in memory was loaded from, not of what the files are now."""
    from photoclip.core.library import Library
    from photoclip.core.models.registry import bundled_model_dir

    indexed_with_the_shipped_model(tmp_path, open_library, 1).close()
    weights = other_tiny_weights(tmp_path)
    running = Library.open(tmp_path / "library", model="photoclip-tiny", weights=weights)
    try:
        assert running.update().remade == 3
        # the user overwrites the files while the library is open: the engine in memory is unchanged
        shutil.copy(bundled_model_dir() / "open_clip_model.safetensors", weights / "open_clip_model.safetensors")
        assert running.update().remade == 0
    finally:
        running.close()
    reopened = Library.open(tmp_path / "library", model="photoclip-tiny", weights=weights)
    try:
        assert reopened.update().remade == 3  # loaded from the new files, which did not make the vectors
    finally:
        reopened.close()


def test_the_window_says_when_its_startup_scan_made_the_vectors_again(qtbot, tmp_path, open_library):
    pytest.importorskip("PySide6")
    from photoclip.core.library import Library
    from photoclip.gui.main_window import MainWindow

    indexed_with_the_shipped_model(tmp_path, open_library, 2).close()
    library = Library.open(tmp_path / "library", model="photoclip-tiny", weights=other_tiny_weights(tmp_path))
    win = MainWindow(library)
    qtbot.addWidget(win)
    win.show()
    win.start()
    try:
        qtbot.waitUntil(lambda: "6 photos indexed again" in win.statusBar().currentMessage(), timeout=60_000)
        assert library.update().remade == 0  # and they are made: the next run has nothing to do
    finally:
        win.close()
        library.close()
