"""Where a model's ONNX graphs come from, end to end through the loader, against the stand-in hub:
ready-made graphs fetched by the registry's source, graphs exported here after downloading open_clip
weights, and graphs exported once from a weights file the user gave."""

import dataclasses
import shutil

import numpy as np
import pytest
from hub_models import serve_rclip
from hub_server import FakeHub, HubFile

from photoclip.core.models.loading import load_engine
from photoclip.core.models.onnx_engine import OnnxEngine
from photoclip.core.models.registry import OnnxSource, bundled_model_dir, get_model

TEXTS = ["a red circle", "a blue star on a noisy background"]


@pytest.fixture
def hub(monkeypatch):
    server = FakeHub().start()
    monkeypatch.setenv("PHOTOCLIP_HF_ENDPOINT", server.endpoint)
    yield server
    server.stop()


def test_ready_made_graphs_are_fetched_from_the_source_the_registry_names(hub, tiny_model):
    files = tiny_model.files
    serve_rclip(hub, (files.folder / files.visual).read_bytes(), (files.folder / files.textual).read_bytes())
    # photoclip-tiny's text graph reads its token table from the weights file; serve a self-contained one.
    import onnx

    textual = onnx.load(str(files.textual_path))  # loads the external table too
    hub.files["yurijmikhalevich/rclip-models/ViT-B-32-256-datacomp_s34b_b86k/textual.onnx"] = HubFile(
        textual.SerializeToString()
    )
    spec = dataclasses.replace(
        get_model("ViT-B-32-256/datacomp_s34b_b86k"),
        dim=128,
        preprocess=files.preprocess,
        onnx=OnnxSource("rclip", "yurijmikhalevich/rclip-models", "ViT-B-32-256-datacomp_s34b_b86k"),
    )
    seen = []
    engine = load_engine(spec, device="cpu", threads=2, progress=lambda done, total: seen.append((done, total)))
    assert isinstance(engine, OnnxEngine) and engine.files.source == "rclip"
    assert seen and seen[-1][0] == seen[-1][1]
    assert np.allclose(engine.encode_text(TEXTS), tiny_model.encode_text(TEXTS), atol=1e-5)
    requests = len(hub.requests)
    again = load_engine(spec, device="cpu", threads=2)
    assert len(hub.requests) == requests and again.files.folder == engine.files.folder  # nothing fetched twice


def test_a_model_published_only_as_weights_is_downloaded_then_exported(hub, tiny_as_named_architecture, tiny_torch):
    spec = tiny_as_named_architecture
    hub.files["example/tiny/open_clip_model.safetensors"] = HubFile(
        (bundled_model_dir() / "open_clip_model.safetensors").read_bytes()
    )
    engine = load_engine(spec, device="cpu", threads=2)
    assert isinstance(engine, OnnxEngine) and engine.files.source == "exported"
    assert np.sum(engine.encode_text(TEXTS) * tiny_torch.encode_text(TEXTS), axis=1).min() >= 0.999
    manifest = engine.files.folder / "photoclip_onnx.json"
    made = manifest.stat().st_mtime_ns
    requests = len(hub.requests)
    load_engine(spec, device="cpu", threads=2)
    assert manifest.stat().st_mtime_ns == made and len(hub.requests) == requests  # exported once, fetched once


def test_a_weights_file_the_user_gave_is_exported_once_and_never_confused_with_another(
    tmp_path, tiny_as_named_architecture, tiny_torch
):
    spec = tiny_as_named_architecture
    weights = tmp_path / "mine.safetensors"
    shutil.copy(bundled_model_dir() / "open_clip_model.safetensors", weights)
    first = load_engine(spec, weights=weights, device="cpu", threads=2)
    assert first.files.source == "exported"
    assert np.sum(first.encode_text(TEXTS) * tiny_torch.encode_text(TEXTS), axis=1).min() >= 0.999
    again = load_engine(spec, weights=weights, device="cpu", threads=2)
    assert again.files.folder == first.files.folder
    other = tmp_path / "other.safetensors"
    shutil.copy(weights, other)
    assert load_engine(spec, weights=other, device="cpu", threads=2).files.folder != first.files.folder


def test_a_folder_of_graphs_the_user_has_is_used_as_it_is(tmp_path, tiny_model):
    """Offline import: --weights DIR with rclip's layout."""
    folder = tmp_path / "rclip-data" / "ViT-B-32-256-datacomp_s34b_b86k"
    folder.mkdir(parents=True)
    import onnx

    shutil.copy(tiny_model.files.folder / tiny_model.files.visual, folder / "visual.onnx")
    onnx.save(onnx.load(str(tiny_model.files.textual_path)), str(folder / "textual.onnx"))
    spec = dataclasses.replace(
        get_model("ViT-B-32-256/datacomp_s34b_b86k"), dim=128, preprocess=tiny_model.files.preprocess
    )
    engine = load_engine(spec, weights=tmp_path / "rclip-data", device="cpu", threads=2)
    assert engine.files.source == "rclip"
    assert np.allclose(engine.encode_text(TEXTS), tiny_model.encode_text(TEXTS), atol=1e-5)
    assert sorted(p.name for p in folder.iterdir()) == ["textual.onnx", "visual.onnx"]  # the user's folder untouched


def test_model_files_that_do_not_load_are_not_remembered_and_change_nothing(
    tmp_path, open_library, tiny_model, tiny_as_named_architecture
):
    from photoclip.core.errors import ModelError

    library = open_library()
    before = library.settings.get("weights")
    bad = tmp_path / "not-a-model.safetensors"
    bad.write_bytes(b"\x00" * 1000)
    with pytest.raises(ModelError, match="damaged or incomplete"):
        library.set_weights(tiny_as_named_architecture, bad)
    assert library.settings.get("weights") == before  # the bad path was not saved
    assert library.model() is tiny_model  # the working model stays
    assert library.model_present()
