"""The two model runtimes: ONNX Runtime (what users run on the CPU) against torch (the reference),
the int8 guard, exporting, and a search path that never imports torch."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from pictures import write_set

from photoclip.core.models.calibration import calibration_pictures
from photoclip.core.models.int8 import choose_precision, compare

TEXTS = [
    "a red circle",
    "a small blue star on a noisy background",
    "x",
    "Ein Foto von einem Café — 東京の夜景 🌃",
    "it’s a ﬁne &amp; Ｃａｔ",
    " ".join(["long"] * 200),
]


def cosines(a, b):
    return np.sum(a * b, axis=1)


def test_the_bundled_onnx_graphs_give_the_torch_vectors(tiny_model, tiny_torch):
    assert tiny_model.describe().startswith("ONNX Runtime")
    pictures = calibration_pictures(12)
    batch = np.stack([tiny_torch.prepare(p) for p in pictures])
    assert cosines(tiny_model.encode_images(batch), tiny_torch.encode_images(batch)).min() >= 0.999
    assert cosines(tiny_model.encode_text(TEXTS), tiny_torch.encode_text(TEXTS)).min() >= 0.999
    # Images prepared by each engine (numpy) against open_clip's own transform (torchvision).
    reference = tiny_torch.encode_images(np.stack([tiny_torch.reference_preprocess(p).numpy() for p in pictures]))
    assert cosines(tiny_model.encode_pil(pictures), reference).min() >= 0.99


@pytest.fixture(scope="module")
def default_architecture(tmp_path_factory):
    """ViT-B-32-256 (the default model's architecture) with random weights, in torch and exported to ONNX
    by photoclip's own exporter: the same compute as the real model."""
    import open_clip
    import torch
    from safetensors.torch import save_file

    from photoclip.core.models.onnx_export import export_onnx
    from photoclip.core.models.registry import get_model
    from photoclip.core.models.torch_engine import load_torch_engine
    from photoclip.core.models.weights import WeightsSource

    folder = tmp_path_factory.mktemp("vit")
    torch.manual_seed(0)
    weights = folder / "random.safetensors"
    model = open_clip.create_model("ViT-B-32-256", pretrained=None)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(weights))
    del model
    spec = get_model("ViT-B-32-256/datacomp_s34b_b86k")
    reference = load_torch_engine(spec, WeightsSource(weights, False), device="cpu", threads=2)
    files = export_onnx(reference, folder / "onnx")  # raises if the graphs disagree with torch
    return spec, reference, files


def test_an_export_of_the_default_architecture_gives_the_torch_vectors(default_architecture):
    from photoclip.core.models.onnx_engine import OnnxEngine

    spec, reference, files = default_architecture
    engine = OnnxEngine(spec, files, threads=2)
    pictures = calibration_pictures(6)
    batch = np.stack([engine.prepare(p) for p in pictures])
    assert cosines(engine.encode_images(batch), reference.encode_images(batch)).min() >= 0.999
    assert cosines(engine.encode_text(TEXTS), reference.encode_text(TEXTS)).min() >= 0.999
    assert engine.encode_images(batch[:1]).shape == (1, 512)  # any batch size, not only the traced one


def test_the_int8_guard_keeps_int8_only_where_it_agrees_with_fp32(default_architecture, tmp_path):
    _, _, files = default_architecture
    chosen = choose_precision(files, threads=2, work_dir=tmp_path)
    check = chosen.int8_check
    assert check["chosen"] in ("int8", "fp32") and check["reason"]
    # Random weights have no activation outliers: int8 agrees (whether it is kept also depends on speed here).
    assert check["mean_cosine"] >= 0.995 and check["same_neighbours"] == 1.0
    assert (chosen.visual_int8 != "") == (check["chosen"] == "int8")
    if chosen.visual_int8:
        assert chosen.visual_path.is_file()
    again = choose_precision(chosen, threads=2, work_dir=tmp_path)
    assert again.int8_check == check  # decided once per image graph


def sabotaged(source, target, seed=0):
    """A copy of an ONNX graph with its largest weight scrambled: a graph that disagrees."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(source))
    largest = max(
        (i for i in model.graph.initializer if i.data_type == onnx.TensorProto.FLOAT),
        key=lambda i: int(np.prod(i.dims)),
    )
    values = numpy_helper.to_array(largest).copy()
    np.random.default_rng(seed).shuffle(values.reshape(-1))
    largest.CopyFrom(numpy_helper.from_array(values, largest.name))
    onnx.save(model, str(target))
    return target


def test_the_int8_guard_chooses_fp32_for_a_graph_that_disagrees(tiny_model, tmp_path):
    files = tiny_model.files
    bad = sabotaged(files.folder / files.visual, tmp_path / "bad.onnx")
    figures = compare(files, files.folder / files.visual, bad, threads=2)
    assert figures["chosen"] == "fp32" and "disagreed" in figures["reason"]
    assert figures["mean_cosine"] < 0.995 or figures["same_neighbours"] < 1.0


def test_a_quantisation_that_goes_wrong_leaves_the_model_in_fp32(default_architecture, tmp_path, monkeypatch):
    """Injected fault: the quantiser writes a damaged graph (as activation outliers would make it)."""
    from photoclip.core.models import int8

    real = int8.quantize

    def damaging_quantize(fp32, out):
        real(fp32, out)
        sabotaged(out, out, seed=1)

    monkeypatch.setattr(int8, "quantize", damaging_quantize)
    _, _, files = default_architecture
    chosen = choose_precision(files.with_changes(int8_check={}), threads=2, work_dir=tmp_path)
    assert chosen.int8_check["chosen"] == "fp32" and "disagreed" in chosen.int8_check["reason"]
    assert chosen.visual_int8 == "" and not (tmp_path / "visual.int8.onnx").exists()


def test_indexing_searching_and_tagging_never_import_torch(tmp_path):
    folder = tmp_path / "photos"
    write_set(folder, [("red", "circle"), ("blue", "square"), ("green", "star")], 2)
    script = textwrap.dedent(
        f"""
        import sys
        from photoclip.cli.main import main
        library = ["--library", {str(tmp_path / "lib")!r}, "--model", "photoclip-tiny"]
        assert main([*library, "index", {str(folder)!r}]) == 0
        assert main([*library, "search", "a red circle", "-n", "2"]) == 0
        assert main([*library, "similar", {str(folder / "red-circle-0.png")!r}, "-n", "2"]) == 0
        assert main([*library, "tag", "--label-set", "shapes"]) == 0
        assert main([*library, "status"]) == 0
        heavy = sorted(m for m in ("torch", "torchvision", "open_clip") if m in sys.modules)
        print("HEAVY", heavy)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY []"
    assert "ONNX Runtime on the CPU" in result.stdout


def test_each_graph_is_loaded_only_when_it_is_needed(tmp_path):
    """A text search loads only the text graph; finding photos like a library photo only the image
    graph (for its mirror image), and none while its folder is away (its vector is stored); after
    indexing and after an image query the image graph is let go again (the window at rest holds
    the text graph only)."""
    from photoclip.core.library import Library

    folder = tmp_path / "photos"
    write_set(folder, [("red", "circle"), ("blue", "square")], 2)
    with Library.open(tmp_path / "lib", model="photoclip-tiny") as library:
        library.add_root(folder)
        library.update()
        engine = library.models.loaded(library.spec)
        assert engine._image is None and engine._text is None  # indexing's image graph was released
    with Library.open(tmp_path / "lib", model="photoclip-tiny") as library:
        library.search("a red circle", limit=2)
        engine = library.models.loaded(library.spec)
        assert engine._text is not None and engine._image is None
    with Library.open(tmp_path / "lib", model="photoclip-tiny") as library:
        assert library.similar(folder / "red-circle-0.png", limit=2).hits
        engine = library.models.loaded(library.spec)
        assert engine is not None and engine._text is None and engine._image is None  # used, let go
        library.search("a red circle", limit=2)
        assert library.search(f"{folder / 'blue-square-0.png'} + red", limit=2).hits
        assert engine._text is not None and engine._image is None
    folder.rename(tmp_path / "away")
    with Library.open(tmp_path / "lib", model="photoclip-tiny") as library:
        assert library.similar(folder / "red-circle-0.png", limit=2).hits
        assert library.models.loaded(library.spec) is None
