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
    """The project's own small CLIP model, loaded once for the whole run."""
    from photoclip.core.models.clip_model import load_model

    return load_model("photoclip-tiny", device="cpu", threads=2)


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
