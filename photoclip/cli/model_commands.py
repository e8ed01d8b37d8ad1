"""``photoclip models``: which models there are, which are here, fetching, exporting, choosing."""

from __future__ import annotations

import argparse
import json
from typing import Any

from photoclip.cli.common import open_library
from photoclip.cli.progress_bar import ProgressBar
from photoclip.core.errors import ModelError
from photoclip.core.formatting import display_path


def cmd_models(args: argparse.Namespace) -> int:
    """``photoclip models [--download ID] [--export ID] [--use ID]``."""
    from photoclip.core.models.registry import MODELS, get_model

    with open_library(args, create=True) as library:
        if args.use:
            spec = library.use_model(args.use)
            print(f"The library now uses {spec.id}; run 'photoclip index' to index its photos with it.")
        if args.export is not None:
            _export(library, get_model(args.export or library.spec.id), args.weights)
        if args.download is not None:
            spec = get_model(args.download or library.spec.id)
            if library.model_present(spec):
                print(f"{spec.id} is already on this machine.")
            engine = library.model(spec.id)  # fetches what is missing, then checks int8 against fp32
            print(f"{spec.id} is ready: {engine.describe()}.")
        current = library.spec.id
        rows = [_row(spec, library.model_present(spec), spec.id == current) for spec in MODELS]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'':2}{'model':34} {'size':>8} {'speed (CPU)':>16} {'ImageNet':>9}  {'here':5} note")
    for row in rows:
        size = "bundled" if row["download_mb"] == 0 else f"{row['download_mb']} MB"
        top1 = f"{row['imagenet_top1']:.1f}%" if row["imagenet_top1"] else "-"
        speed = f"{row['speed']} ~{row['cpu_images_per_s']:g}/s"
        mark = "* " if row["current"] else "  "
        print(
            f"{mark}{row['id']:34} {size:>8} {speed:>16} {top1:>9}  {'yes' if row['present'] else 'no':5} {row['note']}"
        )
    print("\n* the library's model.  Get one ready: photoclip models --download ID")
    return 0


def _row(spec: Any, present: bool, current: bool) -> dict[str, Any]:
    return {
        "id": spec.id,
        "download_mb": spec.download_mb,
        "speed": spec.speed,
        "cpu_images_per_s": spec.cpu_images_per_s,
        "imagenet_top1": spec.imagenet_top1,
        "dim": spec.dim,
        "licence": spec.licence,
        "present": present,
        "note": spec.note,
        "current": current,
        "onnx_source": f"{spec.onnx.layout}: {spec.onnx.repo}" if spec.onnx else None,
    }


def _export(library: Any, spec: Any, weights: str | None) -> None:
    """Exports ONNX graphs of ``spec`` from open_clip weights here (downloading them if allowed)."""
    from photoclip.core.models.devices import physical_cores, torch_installed
    from photoclip.core.models.download import download_weights
    from photoclip.core.models.loading import export_from_weights
    from photoclip.core.models.weights import WeightsSource, find_weights

    if spec.bundled:
        raise ModelError(f"{spec.id} ships with its ONNX graphs already.")
    if not torch_installed():
        raise ModelError("Exporting needs torch and open_clip, which are not installed with this photoclip.")
    source = find_weights(spec, weights or library.models.weights_for(spec))
    if source is None:
        source = WeightsSource(download_weights(spec, progress=ProgressBar().download), False)
    files = export_from_weights(spec, source, library.settings.get("cpu_threads") or physical_cores())
    library.models.drop(spec)
    print(f"Exported {spec.id} to {display_path(files.folder)} (checked against torch).")
