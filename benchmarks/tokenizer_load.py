"""What the text tokenizer costs a cold command-line search, each figure from a fresh process.

    python benchmarks/tokenizer_load.py [--runs 5]

Prints the medians of: importing the tokenizer module (numpy and photoclip.core.paths
included), building the ``clip-bpe`` tokenizer from the bundled ``.txt.gz``, tokenising one ASCII
query and then one query that needs ftfy (its import included), and, for comparison, loading the
same tokenizer from a saved ``tokenizer.json`` (what a disk cache would hold) and building
open_clip's Python tokenizer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PHOTOCLIP = r"""
import json, time
t0 = time.perf_counter()
from photoclip.core.models.onnx_files import TokenizerSpec
from photoclip.core.models.tokenizer import load_tokenizer
import photoclip.core.paths  # platformdirs: any photoclip command imports it anyway
t1 = time.perf_counter()
tokenizer = load_tokenizer(TokenizerSpec())
t2 = time.perf_counter()
tokenizer(["a photo of a dog on the beach"])
t3 = time.perf_counter()
tokenizer(["café au lait in Zürich"])
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "build from gz": t2 - t1, "ASCII query": t3 - t2,
                  "non-ASCII query (imports ftfy)": t4 - t3}))
"""

SAVED_JSON = r"""
import json, sys, time
t0 = time.perf_counter()
from tokenizers import Tokenizer
t1 = time.perf_counter()
Tokenizer.from_file(sys.argv[1])
t2 = time.perf_counter()
print(json.dumps({"load saved tokenizer.json": t2 - t1}))
"""

OPEN_CLIP = r"""
import json, time
from open_clip.tokenizer import SimpleTokenizer
t0 = time.perf_counter()
SimpleTokenizer()
t1 = time.perf_counter()
print(json.dumps({"open_clip SimpleTokenizer() (import not counted)": t1 - t0}))
"""


def _run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    """Runs each probe ``--runs`` times in fresh processes and prints the medians in ms."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    sys.path.insert(0, str(ROOT))
    from photoclip.core.models.onnx_files import TokenizerSpec
    from photoclip.core.models.tokenizer import load_tokenizer

    with tempfile.TemporaryDirectory() as folder:
        saved = Path(folder) / "tokenizer.json"
        load_tokenizer(TokenizerSpec())._tokenizer.save(str(saved))  # type: ignore[attr-defined]
        samples: dict[str, list[float]] = {}
        for _ in range(runs):
            for code, args in ((PHOTOCLIP, ()), (SAVED_JSON, (str(saved),)), (OPEN_CLIP, ())):
                for name, seconds in _run(code, *args).items():
                    samples.setdefault(name, []).append(seconds)
        print(f"saved tokenizer.json: {saved.stat().st_size / 1e6:.1f} MB")
    for name, values in samples.items():
        print(f"{name:50s} {statistics.median(values) * 1000:7.1f} ms  (of {len(values)})")


if __name__ == "__main__":
    main()
