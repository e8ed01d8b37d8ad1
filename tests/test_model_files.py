"""Model files that must be refused: damaged weights, and pickles that would run code."""

import os
import pickle
import shutil
import subprocess
import sys

import pytest

from photoclip.core.errors import ModelError
from photoclip.core.models.loading import load_engine
from photoclip.core.models.registry import bundled_model_dir


class RunsCode:
    """Unpickling this object runs a command: what a booby-trapped model file does."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def model_copy(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(bundled_model_dir(), folder)
    return folder


def test_the_bundled_model_loads_and_embeds(tiny_model):
    vectors = tiny_model.encode_text(["a red circle", "a blue square"])
    assert vectors.shape == (2, tiny_model.dim)
    assert abs(float((vectors[0] ** 2).sum()) - 1) < 1e-4


def test_truncated_weights_are_refused_with_a_clear_message(model_copy):
    weights = model_copy / "open_clip_model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(ModelError, match="damaged or incomplete"):
        load_engine("photoclip-tiny", weights=model_copy, device="cpu", engine="torch")


def test_corrupted_weights_are_refused(model_copy):
    weights = model_copy / "open_clip_model.safetensors"
    weights.write_bytes(b"\xff" * 64 + weights.read_bytes()[64:])
    with pytest.raises(ModelError, match="damaged or incomplete"):
        load_engine("photoclip-tiny", weights=model_copy, device="cpu", engine="torch")


def test_a_pickle_that_would_run_code_is_refused_and_never_runs(model_copy, tmp_path):
    marker = tmp_path / "pwned"
    (model_copy / "open_clip_model.safetensors").unlink()
    with open(model_copy / "open_clip_pytorch_model.bin", "wb") as handle:
        pickle.dump({"state_dict": RunsCode(marker)}, handle)
    with pytest.raises(ModelError, match="Refused"):
        load_engine("photoclip-tiny", weights=model_copy, device="cpu", engine="torch")
    assert not marker.exists()


def test_no_weights_and_no_download_says_what_to_do(tmp_path):
    with pytest.raises(ModelError) as raised:
        load_engine("ViT-B-32/laion2b_s34b_b79k", download=False)
    message = str(raised.value)
    assert "not on this machine" in message and "--weights" in message and "photoclip-tiny" in message


def test_importing_the_core_does_not_import_torch_or_qt():
    code = (
        "import sys; import photoclip.core.library, photoclip.cli.main, photoclip.cli.commands; "
        "bad = [m for m in ('torch', 'open_clip', 'PySide6') if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_weights_file_for_a_named_architecture_loads_like_a_download(
    tmp_path, tiny_torch, tiny_as_named_architecture
):
    """The path real models take: an open_clip architecture name plus a weights file."""
    import numpy as np

    weights = tmp_path / "downloaded.safetensors"
    shutil.copy(bundled_model_dir() / "open_clip_model.safetensors", weights)
    model = load_engine(tiny_as_named_architecture, weights=weights, device="cpu", engine="torch")
    text = ["a red circle", "a green star"]
    assert np.allclose(model.encode_text(text), tiny_torch.encode_text(text), atol=1e-5)


def test_text_encoding_skips_padding_without_changing_the_vectors(tiny_torch):
    import numpy as np

    texts = ["a red circle", "a photo of a small yellow star on a noisy purple background", "star"]
    assert tiny_torch.trim_text
    trimmed = tiny_torch.encode_text(texts)
    tiny_torch.trim_text = False
    try:
        full = tiny_torch.encode_text(texts)
    finally:
        tiny_torch.trim_text = True
    assert np.abs(trimmed - full).max() < 1e-5


def test_a_truncated_download_is_refused(tmp_path, tiny_as_named_architecture):
    weights = tmp_path / "open_clip_model.safetensors"
    data = (bundled_model_dir() / "open_clip_model.safetensors").read_bytes()
    weights.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ModelError, match="damaged or incomplete"):
        load_engine(tiny_as_named_architecture, weights=weights, device="cpu", engine="torch")


def test_weights_of_another_architecture_are_refused(tmp_path, tiny_as_named_architecture):
    from safetensors.torch import load_file, save_file

    state = load_file(str(bundled_model_dir() / "open_clip_model.safetensors"))
    state["text_projection"] = state["text_projection"][:, :64].contiguous()  # another embedding width
    weights = tmp_path / "other.safetensors"
    save_file(state, str(weights))
    with pytest.raises(ModelError, match="does not hold weights"):
        load_engine(tiny_as_named_architecture, weights=weights, device="cpu", engine="torch")
