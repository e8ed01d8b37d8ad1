"""Ships photoclip-tiny's ONNX graphs beside its weights, without storing its token table twice.

``python -m photoclip.smallclip.bundle_onnx`` exports the bundled model (checked against torch)
into its own folder. The text graph's largest tensor, the 49,408-row token table, is not copied
into ``textual.onnx``: the graph reads those fp16 bytes straight out of
``open_clip_model.safetensors`` (ONNX external data with an offset) and casts them to fp32, the
same values torch loads. The repository then holds the model once (the limit for its one binary
is 16 MB).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

WEIGHTS = "open_clip_model.safetensors"


def safetensors_entry(path: Path, name: str) -> tuple[str, list[int], int, int]:
    """(dtype, shape, offset of its bytes in the file, length) of one tensor of a safetensors file."""
    with open(path, "rb") as handle:
        header_length = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(header_length))
    entry = header[name]
    begin, end = entry["data_offsets"]
    return entry["dtype"], list(entry["shape"]), 8 + header_length + begin, end - begin


def link_initializer(graph_path: Path, initializer: str, weights: Path, tensor: str) -> None:
    """Replaces an fp32 initializer of an ONNX file by the fp16 tensor of a safetensors file in the
    same folder (external data) and a Cast back to fp32."""
    import onnx
    from onnx import TensorProto, helper

    dtype, shape, offset, length = safetensors_entry(weights, tensor)
    if dtype != "F16":
        raise ValueError(f"{tensor} is {dtype} in {weights}; only F16 is linked")
    model = onnx.load(str(graph_path))
    found = next(i for i in model.graph.initializer if i.name == initializer)
    if list(found.dims) != shape:
        raise ValueError(f"{initializer} has shape {list(found.dims)} in the graph and {shape} in {weights}")
    model.graph.initializer.remove(found)
    linked = TensorProto(name=f"{initializer}.fp16", data_type=TensorProto.FLOAT16, dims=shape)
    linked.data_location = TensorProto.EXTERNAL
    for key, value in (("location", weights.name), ("offset", str(offset)), ("length", str(length))):
        entry = linked.external_data.add()
        entry.key, entry.value = key, value
    model.graph.initializer.append(linked)
    model.graph.node.insert(0, helper.make_node("Cast", [linked.name], [initializer], to=TensorProto.FLOAT))
    onnx.save(model, str(graph_path))


def bundle(folder: Path | None = None) -> Path:
    """Exports photoclip-tiny's graphs into its folder; returns the manifest's path."""
    from photoclip.core.models.onnx_export import check_against_torch, export_onnx
    from photoclip.core.models.registry import bundled_model_dir, get_model
    from photoclip.core.models.torch_engine import load_torch_engine
    from photoclip.core.models.weights import find_weights

    folder = Path(folder or bundled_model_dir())
    spec = get_model("photoclip-tiny")
    source = find_weights(spec, folder)
    assert source is not None, f"no photoclip-tiny weights in {folder}"
    reference = load_torch_engine(spec, source, device="cpu", threads=2)
    files = export_onnx(reference, folder, source="bundled")
    link_initializer(files.textual_path, "clip.token_embedding.weight", folder / WEIGHTS, "token_embedding.weight")
    print(json.dumps(check_against_torch(files, reference)))
    return files.save()


if __name__ == "__main__":
    print(bundle())
