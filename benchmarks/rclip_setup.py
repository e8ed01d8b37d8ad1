"""Sets up rclip 3.3.0, the closest peer, for the side-by-side benchmarks, offline.

    python benchmarks/rclip_setup.py [--root /tmp/photoclip-bench/rclip]

rclip runs its model through ONNX Runtime and fetches ``visual.onnx``, ``textual.onnx`` and the
tokenizer vocabulary on first use. With no model downloads possible here, this exports the same
open_clip architecture (ViT-B-32-256) with random weights to ONNX and puts the files where rclip
looks for them (``$RCLIP_DATADIR/ViT-B-32-256-datacomp_s34b_b86k/``): the compute is the same as
with the real weights. rclip gets a virtual environment of its own, since it pins its own versions.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

DEFAULT_ROOT = Path("/tmp/photoclip-bench/rclip")
MODEL_SUBDIR = "ViT-B-32-256-datacomp_s34b_b86k"


def export_onnx(datadir: Path) -> None:
    """Random-weight ViT-B-32-256 visual and text towers as rclip's ONNX files."""
    import open_clip
    import torch

    target = datadir / MODEL_SUBDIR
    target.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    model = open_clip.create_model("ViT-B-32-256", pretrained=None).eval().requires_grad_(False)

    class Visual(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.clip = model

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.clip.encode_image(x)

    class Textual(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.clip = model

        def forward(self, tokens: torch.Tensor) -> torch.Tensor:
            return self.clip.encode_text(tokens)

    # The fused attention kernel torch uses in inference has no ONNX form; export the plain one.
    torch.backends.mha.set_fastpath_enabled(False)
    with torch.no_grad():
        torch.onnx.export(
            Visual().eval(),
            (torch.randn(2, 3, 256, 256),),
            str(target / "visual.onnx"),
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
        torch.onnx.export(
            Textual().eval(),
            (torch.zeros(2, 77, dtype=torch.int64),),
            str(target / "textual.onnx"),
            input_names=["input"],
            output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    vocab = Path(open_clip.__file__).parent / "bpe_simple_vocab_16e6.txt.gz"
    (datadir / "tokenizer").mkdir(exist_ok=True)
    shutil.copy(vocab, datadir / "tokenizer" / "bpe_simple_vocab_16e6.txt.gz")


def setup(root: Path) -> Path:
    """Creates the venv and the model files; returns the venv's python."""
    venv = root / "venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "rclip==3.3.0"], check=True)
    datadir = root / "data"
    if not (datadir / MODEL_SUBDIR / "visual.onnx").exists():
        export_onnx(datadir)
    return python


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(DEFAULT_ROOT))
    args = parser.parse_args()
    python = setup(Path(args.root))
    print(f"rclip ready: {python} with RCLIP_DATADIR={Path(args.root) / 'data'}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
