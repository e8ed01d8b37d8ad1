"""The CUDA path, on a machine with an NVIDIA GPU: what the build machine (no GPU) cannot check.

    python benchmarks/cuda_check.py [--per-class 10] [--photos-only]

Prints, each a line:

1. placement: with the driver present, ``auto`` picks CUDA and the torch engine, decided without
   importing torch;
2. agreement: photoclip-tiny on CUDA (fp16) against the ONNX engine on the CPU (what a library
   indexed elsewhere holds) on the same prepared pictures: cosine of each picture's and each
   prompt's vector (min and mean), and the share of pictures whose zero-shot class is the same;
3. the default architecture (ViT-B-32-256, random weights: the same compute) on CUDA: images per
   second through ``encode_images`` at batch 64, model already loaded (it leaves out decoding and
   loading, which the whole-process lines below include);
4. whole processes, the command to its answer: ``photoclip index`` of the pictures and a cold
   ``photoclip search`` with ``--device cuda`` and ``--device cpu``, each in its own library, and
   how many of the CUDA library's top 20 the CPU library's search also lists.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import random_weights_file  # also keeps the benchmarks' caches apart (PHOTOCLIP_CACHE)

ROOT = Path(__file__).resolve().parents[1]


def placement_line() -> str:
    """Where ``auto`` puts a model here, and whether deciding it imported torch."""
    from photoclip.core.models.devices import available_devices, choose_placement

    chosen = choose_placement("auto", "auto")
    return (
        f"placement: devices {available_devices()}, auto -> {chosen.device}/{chosen.engine} ({chosen.reason}); "
        f"torch imported to decide: {'torch' in sys.modules}"
    )


def agreement_lines(folder: Path, labels: dict[str, tuple[str, str]], device: str) -> list[str]:
    """photoclip-tiny on CUDA against the ONNX engine on the CPU, on the same inputs."""
    from PIL import Image

    from photoclip.core.models.loading import load_engine
    from photoclip.core.models.registry import TINY_MODEL_ID
    from photoclip.smallclip.evaluate import class_vectors
    from photoclip.smallclip.shapes import CLASSES

    cuda = load_engine(TINY_MODEL_ID, device=device, engine="torch", download=False)
    cpu = load_engine(TINY_MODEL_ID, device="cpu", engine="onnx", download=False)
    names = sorted(labels)
    batch = np.stack([cuda.prepare(Image.open(folder / n).convert("RGB")) for n in names])
    on_gpu, on_cpu = cuda.encode_images(batch), cpu.encode_images(batch)
    image_cos = (on_gpu * on_cpu).sum(1)
    classes = list(CLASSES)
    text_gpu, text_cpu = class_vectors(cuda, classes), class_vectors(cpu, classes)
    text_cos = (text_gpu * text_cpu).sum(1)
    pick_gpu, pick_cpu = (on_gpu @ text_gpu.T).argmax(1), (on_cpu @ text_cpu.T).argmax(1)
    truth = np.array([classes.index(labels[n]) for n in names])
    return [
        f"engines: {cuda.describe()} | {cpu.describe()}",
        f"agreement, {len(names)} pictures: image cosine min {image_cos.min():.5f} mean {image_cos.mean():.5f}; "
        f"prompt cosine min {text_cos.min():.5f}; same zero-shot class {np.mean(pick_gpu == pick_cpu):.4f}; "
        f"accuracy cuda {np.mean(pick_gpu == truth):.4f}, cpu {np.mean(pick_cpu == truth):.4f}",
    ]


def throughput_line(device: str, count: int = 2048, batch: int = 64) -> str:
    """The default architecture's image tower on CUDA, loaded through photoclip's own loader."""
    import torch

    from photoclip.core.models.loading import load_engine

    started = time.perf_counter()
    engine = load_engine(
        "ViT-B-32-256/datacomp_s34b_b86k", weights=random_weights_file(), device=device, engine="torch", download=False
    )
    loaded = time.perf_counter() - started
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((batch, 3, engine.image_size, engine.image_size), dtype=np.float32)
    engine.encode_images(inputs)  # warm-up: kernels chosen, memory taken
    started = time.perf_counter()
    for _ in range(count // batch):
        engine.encode_images(inputs)
    seconds = time.perf_counter() - started
    text_started = time.perf_counter()
    engine.encode_text(["a dog on a beach at sunset"])
    text_ms = (time.perf_counter() - text_started) * 1000
    where = torch.cuda.get_device_name() if device == "cuda" else device
    return (
        f"ViT-B-32-256 on {where}: {count / seconds:,.0f} images/s at batch {batch} "
        f"(numpy in, vectors out), loaded in {loaded:.1f} s, one query's text {text_ms:.1f} ms"
    )


def photoclip(*args: str) -> tuple[float, str]:
    """Runs the command line as a user would; (seconds, what it printed)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "photoclip.cli.main", *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"photoclip {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def whole_process_lines(folder: Path, work: Path, count: int, gpu: str, model: tuple[str, ...]) -> list[str]:
    """Index and search with ``model`` (command-line options), on the GPU and on the CPU, each in its
    own library, after a warm-up run on two pictures (model caches made, as any later run finds them)."""
    lines, tops = [], {}
    warm_up = work / "warm-up"
    if not warm_up.exists():
        warm_up.mkdir()
        for picture in sorted(folder.iterdir())[:2]:
            (warm_up / picture.name).write_bytes(picture.read_bytes())
    for device in (gpu, "cpu"):
        library = work / f"library-{model[1].replace('/', '-')}-{device}-{len(tops)}"
        common = ("--library", str(library), *model, "--device", device)
        # A first run on a machine also exports or checks the model once; a warm-up takes that out.
        photoclip("--library", str(library) + "-warm-up", *model, "--device", device, "index", str(warm_up))
        index_s, _ = photoclip(*common, "index", str(folder))
        search_s, out = photoclip(*common, "search", "a red circle", "--paths", "-n", "20", "--relevance", "all")
        _, status = photoclip(*common, "status")
        runs_on = next((line.strip() for line in status.splitlines() if line.strip().startswith("Runs on")), "")
        tops[device] = out.split()
        lines.append(
            f"whole process, {model[1]}, --device {device}: index {count} pictures {index_s:.1f} s "
            f"({count / index_s:.1f}/s), cold search {search_s:.2f} s; {runs_on}"
        )
    shared = len(set(tops[gpu]) & set(tops["cpu"]))
    lines.append(f"  top 20 for 'a red circle': {shared} of 20 the same photos on the two devices")
    return lines


def main() -> None:
    """Prints the checks, one line each (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=10, help="pictures per colour+shape class")
    parser.add_argument("--device", default="cuda", help="the GPU to check (cpu: a dry run of this script)")
    args = parser.parse_args()
    print(placement_line(), flush=True)
    from photoclip.smallclip.evaluate import write_held_out

    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        work = Path(tmp)
        (work / "pictures").mkdir()
        labels = write_held_out(work / "pictures", args.per_class, seed=4242)
        for line in agreement_lines(work / "pictures", labels, args.device):
            print(line, flush=True)
        print(throughput_line(args.device, count=2048 if args.device == "cuda" else 128), flush=True)
        from common import random_weights_onnx

        default = ("--model", "ViT-B-32-256/datacomp_s34b_b86k", "--weights")
        for model in (
            ("--model", "photoclip-tiny"),
            (*default, str(random_weights_file())) if args.device != "cpu" else (*default, str(random_weights_onnx())),
        ):
            for line in whole_process_lines(work / "pictures", work, len(labels), args.device, model):
                print(line, flush=True)


if __name__ == "__main__":
    main()
