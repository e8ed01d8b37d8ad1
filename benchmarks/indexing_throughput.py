"""Indexing throughput, side by side in one run: the model alone, a naive pipeline, rclip 3.3.0, photoclip.

    python benchmarks/make_photos.py --count 96      # 12 MP textured JPEGs, 3–5 MB each
    python benchmarks/rclip_setup.py                 # rclip in its own venv, random-weight ONNX model
    python benchmarks/indexing_throughput.py [--photos /tmp/photoclip-bench/photos]

All use the default model's architecture (ViT-B-32-256) with random weights, on the CPU: the compute
is the same as with the real weights. Each pipeline runs in a fresh process (its peak memory is its
own); times exclude loading the model, include everything else a user waits for: scanning, reading,
decoding, embedding, storing and (photoclip) writing thumbnails.

The compute bound is what the machine could do if nothing but the model and the cheapest possible
decode ran: CPU-seconds per photo of each, measured, turned into photos/s for this machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import cores, onnx_engine, random_weight_model

PHOTOS = Path("/tmp/photoclip-bench/photos")
RCLIP_ROOT = Path("/tmp/photoclip-bench/rclip")
HERE = Path(__file__).resolve().parent


def model_alone(int8: bool, batch: int = 32, rounds: int = 3) -> dict:
    """The model (photoclip's ONNX engine) on ready inputs: photos/s, and CPU-seconds per photo."""
    import numpy as np

    model = onnx_engine(int8=int8)
    x = np.random.default_rng(0).normal(size=(batch, 3, model.min_short_side, model.min_short_side)).astype(np.float32)
    model.encode_images(x)  # warm-up
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        model.encode_images(x)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    n = batch * rounds
    return {"photos_per_s": n / wall, "cpu_s_per_photo": cpu / n}


def cheapest_decode(paths: list[Path]) -> dict:
    """The least a photo must cost before the model: read, reduced-size decode, preprocess (one thread)."""
    from photoclip.core import images

    model = onnx_engine(threads=1)
    cpu = time.process_time()
    for path in paths:
        decoded = images.decode(path.read_bytes(), min_short_side=model.min_short_side, name=path.name)
        model.prepare(decoded.image)
    return {"cpu_s_per_photo": (time.process_time() - cpu) / len(paths)}


def naive(paths: list[Path]) -> dict:
    """Full-size PIL decode plus open_clip's preprocess, one image at a time."""
    import torch
    from PIL import Image

    model = random_weight_model()
    start = time.perf_counter()
    for path in paths:
        with Image.open(path) as image:
            tensor = model.reference_preprocess(image.convert("RGB"))
        model.encode_images(torch.stack([tensor]))
    seconds = time.perf_counter() - start
    return {"photos_per_s": len(paths) / seconds, "seconds": seconds, "peak_rss_mb": _peak_rss()}


def photoclip(folder: Path, batch: int, workers: int, int8: bool) -> dict:
    """photoclip's own pipeline: Library.update on a fresh library, with its ONNX engine."""
    from PIL import Image

    from photoclip.core.library import Library

    model = onnx_engine(int8=int8)
    model.encode_images(model.prepare(Image.new("RGB", (64, 64)))[None])  # loaded now, not in the timed part
    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(Path(tmp) / "library", cache=Path(tmp) / "cache", model=model.id, loaded_model=model)
        if batch:
            library.settings.set("batch_size", batch)
        if workers:
            library.settings.set("decode_workers", workers)
        library.add_root(folder)
        start = time.perf_counter()
        report = library.update()
        seconds = time.perf_counter() - start
        library.close()
    return {
        "photos_per_s": report.embedded / seconds,
        "seconds": seconds,
        "embedded": report.embedded,
        "peak_rss_mb": _peak_rss(),
    }


RCLIP_CHILD = r"""
import json, os, resource, sys, time
from rclip import main as rclip_main
from rclip.model import Model
folder = sys.argv[1]
# Load the ONNX sessions first: their loading is not indexing (photoclip's model is loaded untimed too).
model_instance = Model()
model_instance.ensure_downloaded()
_ = model_instance._session_visual, model_instance._session_text
original = rclip_main.model.Model
rclip_main.model.Model = lambda: model_instance
os.chdir(folder)
start = time.perf_counter()
rclip_main.init_rclip(folder, indexing_batch_size=8)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def rclip(folder: Path, root: Path) -> dict:
    """rclip 3.3.0 indexing the same folder with its defaults (ONNX Runtime, batch 8, threaded loading)."""
    python = root / "venv" / "bin" / "python"
    if not python.exists():
        return {"error": "rclip is not set up: run benchmarks/rclip_setup.py"}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "RCLIP_DATADIR": str(Path(tmp) / "data")}
        data = Path(env["RCLIP_DATADIR"])
        data.mkdir()
        for item in (root / "data").iterdir():
            (data / item.name).symlink_to(item)  # the model files, not the database
        result = subprocess.run(
            [str(python), "-c", RCLIP_CHILD, str(folder)], env=env, capture_output=True, text=True, check=False
        )
    if result.returncode:
        return {"error": result.stderr[-2000:]}
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    count = len([p for p in folder.iterdir() if p.suffix.lower() == ".jpg"])
    figures["photos_per_s"] = count / figures["seconds"]
    return figures


def _peak_rss() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, args: argparse.Namespace) -> None:
    """Runs one measurement in this (fresh) process and prints it as JSON."""
    paths = sorted(Path(args.photos).glob("*.jpg"))
    if kind in ("model", "model-int8"):
        out = model_alone(kind.endswith("int8"))
    elif kind == "decode":
        out = cheapest_decode(paths[:24])
    elif kind == "naive":
        out = naive(paths[: args.naive_count])
    elif kind in ("photoclip", "photoclip-fp32"):
        out = photoclip(Path(args.photos), args.batch, args.workers, int8=kind == "photoclip")
    else:
        raise SystemExit(f"unknown child {kind}")
    print(json.dumps(out))


def run_child(kind: str, args: argparse.Namespace) -> dict:
    """Runs one measurement in a fresh process."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        kind,
        "--photos",
        args.photos,
        "--batch",
        str(args.batch),
        "--workers",
        str(args.workers),
        "--naive-count",
        str(args.naive_count),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        return {"error": result.stderr[-2000:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", default=str(PHOTOS))
    parser.add_argument("--rclip-root", default=str(RCLIP_ROOT))
    parser.add_argument("--batch", type=int, default=0, help="photoclip batch size (0: its default)")
    parser.add_argument("--workers", type=int, default=0, help="photoclip decode threads (0: its default)")
    parser.add_argument("--naive-count", type=int, default=24)
    parser.add_argument("--only", help="comma-separated subset: model,decode,naive,rclip,photoclip")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args)
        return
    count = len(list(Path(args.photos).glob("*.jpg")))
    wanted = (args.only or "model,model-int8,decode,naive,rclip,photoclip-fp32,photoclip").split(",")
    print(f"{count} photos in {args.photos}, {cores()} cores, ViT-B-32-256 (random weights), CPU")
    results: dict[str, dict] = {}
    for kind in wanted:
        results[kind] = rclip(Path(args.photos), Path(args.rclip_root)) if kind == "rclip" else run_child(kind, args)
        if "error" in results[kind]:
            print(f"  {kind}: FAILED\n{results[kind]['error']}")
            continue
        shown = {k: round(v, 3) if isinstance(v, float) else v for k, v in results[kind].items()}
        print(f"  {kind:10} {shown}", flush=True)
    print()
    for model_kind, bound_kind in (("model", "bound-fp32"), ("model-int8", "bound")):
        if all(k in results and "error" not in results[k] for k in (model_kind, "decode")):
            model_ms = results[model_kind]["cpu_s_per_photo"] * 1000
            decode_ms = results["decode"]["cpu_s_per_photo"] * 1000
            bound = cores() * 1000 / (model_ms + decode_ms)
            print(
                f"compute bound ({model_kind}): model {model_ms:.0f} + decode {decode_ms:.0f} CPU-ms per photo on "
                f"{cores()} cores = {bound:.2f} photos/s"
            )
            results[bound_kind] = {"photos_per_s": bound}
    for mine_kind, bound_kind in (("photoclip", "bound"), ("photoclip-fp32", "bound-fp32")):
        mine = results.get(mine_kind, {}).get("photos_per_s")
        if not mine:
            continue
        ratios = []
        for other in ("rclip", "naive", bound_kind):
            theirs = results.get(other, {}).get("photos_per_s")
            if theirs:
                ratios.append(f"{mine / theirs:.2f}x {other}")
        print(f"{mine_kind:15} {mine:5.2f} photos/s = " + ", ".join(ratios))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()
