"""Shared fixtures: every test gets its own library, cache and thumbnail folders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """No test touches the user's real library, cache or settings."""
    monkeypatch.setenv("PHOTOCLIP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PHOTOCLIP_LIBRARY", str(tmp_path / "library"))
    monkeypatch.delenv("PHOTOCLIP_HF_ENDPOINT", raising=False)
    yield


@pytest.fixture(scope="session")
def tiny_model():
    """The project's own small CLIP model as users run it (ONNX Runtime), loaded once for the run."""
    from photoclip.core.models.loading import load_engine

    return load_engine("photoclip-tiny", device="cpu", threads=2)


@pytest.fixture(scope="session")
def tiny_listing_no_words(tmp_path_factory):
    """The small model's files without the list of words it was trained on: it then cannot tell
    words it never learnt by their spelling, as a real model cannot, and the hub rule must."""
    import shutil

    from photoclip.core.models.registry import bundled_model_dir

    folder = tmp_path_factory.mktemp("tiny-without-vocabulary") / "photoclip-tiny"
    shutil.copytree(bundled_model_dir(), folder, ignore=shutil.ignore_patterns("vocabulary.txt"))
    return folder


@pytest.fixture(scope="session")
def tiny_torch():
    """The same model in torch and open_clip: the reference the ONNX engine is held to."""
    from photoclip.core.models.registry import get_model
    from photoclip.core.models.torch_engine import load_torch_engine
    from photoclip.core.models.weights import find_weights

    spec = get_model("photoclip-tiny")
    return load_torch_engine(spec, find_weights(spec), device="cpu", threads=2)


@pytest.fixture
def open_library(tmp_path, tiny_model):
    """Opens (or reopens) the test's library with the small model already in memory."""
    from photoclip.core.library import Library

    opened = []

    def _open(path=None, **options):
        options.setdefault("model", "photoclip-tiny")
        options.setdefault("loaded_model", tiny_model)
        library = Library.open(path or tmp_path / "library", **options)
        opened.append(library)
        return library

    yield _open
    for library in opened:
        library.close()


@pytest.fixture
def small_disk(tmp_path):
    """A real, small file system (tmpfs) of its own, to fill up or make read-only.

    Yields a helper with ``path``, ``fill()`` (writes until the disk is full) and ``read_only()``.
    Needs the right to mount (root, as in CI); skips with the reason otherwise.
    """
    import subprocess

    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here ({mounted.stderr.strip() or 'not root'})")

    class Disk:
        path = mount_point

        def fill(self):
            filler = os.open(mount_point / "filler", os.O_WRONLY | os.O_CREAT)
            try:
                while True:
                    os.write(filler, b"\0" * 65536)
            except OSError:
                pass
            try:
                while True:
                    os.write(filler, b"\0" * 512)
            except OSError:
                pass
            os.close(filler)

        def free(self):
            (mount_point / "filler").unlink(missing_ok=True)

        def read_only(self):
            subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)

        def writable(self):
            subprocess.run(["mount", "-o", "remount,rw", str(mount_point)], check=True)

    try:
        yield Disk()
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


@pytest.fixture
def tiny_as_named_architecture(tmp_path):
    """photoclip-tiny as the real models are published: an open_clip architecture name (its config
    registered with open_clip) and a weights file on the hub (``example/tiny``), no ONNX graphs."""
    import dataclasses
    import json

    import open_clip

    from photoclip.core.models.registry import bundled_model_dir, get_model

    config = json.loads((bundled_model_dir() / "open_clip_config.json").read_text())
    (tmp_path / "tiny-named.json").write_text(json.dumps(config["model_cfg"]))
    open_clip.add_model_config(tmp_path / "tiny-named.json")
    return dataclasses.replace(
        get_model("photoclip-tiny"),
        id="example/tiny-named",
        arch="tiny-named",
        pretrained="",
        hf_repo="example/tiny",
        filenames=("open_clip_model.safetensors",),
        onnx=None,
    )


@pytest.fixture
def gui_context(qtbot, open_library):
    """What the main window hands its parts (a library, a task runner, events, a parent widget),
    without a window: for testing menus and dialogs on their own."""
    from PySide6.QtWidgets import QWidget

    from photoclip.gui.context import GuiContext, LibraryEvents
    from photoclip.gui.tasks import TaskRunner

    def make(library):
        parent = QWidget()
        qtbot.addWidget(parent)
        return GuiContext(library, TaskRunner(parent=parent), LibraryEvents(parent), parent)

    made = []
    yield lambda library: made.append(make(library)) or made[-1]
    for context in made:
        context.closing.set()
        context.tasks.wait()
