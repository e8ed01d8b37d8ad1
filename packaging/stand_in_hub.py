"""Serves a folder of ONNX graphs as rclip's model repository, on 127.0.0.1, for the smoke test.

    python3 packaging/stand_in_hub.py FOLDER

FOLDER holds ``visual.onnx`` and ``textual.onnx`` (a random-weight export of the default
architecture will do). They are served where photoclip looks for the default model's ready-made
graphs (rclip's repository and sub-folder), with the headers the Hugging Face Hub sends, by the
tests' own stand-in (``tests/hub_server.py``; standard library only). The first line printed is
the endpoint to give photoclip as ``PHOTOCLIP_HF_ENDPOINT``; it serves until it is stopped.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rclip_location() -> tuple[str, str]:
    """The repository and folder photoclip's registry gives for the default model's graphs."""
    sys.path.insert(0, str(ROOT))
    try:
        from photoclip.core.models.registry import DEFAULT_MODEL_ID, get_model
    except ImportError:  # a Python without photoclip's dependencies: what the registry says today
        return "yurijmikhalevich/rclip-models", "ViT-B-32-256-datacomp_s34b_b86k"
    source = get_model(DEFAULT_MODEL_ID).onnx
    return source.repo, source.folder


def main() -> None:
    """Starts the stand-in hub and waits."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from hub_server import FakeHub, HubFile

    repo, folder = rclip_location()
    hub = FakeHub()
    for name in ("visual.onnx", "textual.onnx"):
        hub.files[f"{repo}/{folder}/{name}"] = HubFile((args.folder / name).read_bytes())
    hub.start()
    print(hub.endpoint, flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
