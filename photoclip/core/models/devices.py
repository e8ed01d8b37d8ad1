"""Where a model runs and on which runtime, decided without importing torch.

On the CPU photoclip runs models with ONNX Runtime (fast to start, small); torch and open_clip
are kept for CUDA and Apple's MPS. Whether a GPU is there is told from the driver library (a
``dlopen``, milliseconds) rather than from ``torch.cuda`` (seconds of imports), and a device the
user once chose that this machine does not have falls back to the CPU with a note saying so.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import platform
import sys
from dataclasses import dataclass

DEVICES = ("auto", "cpu", "cuda", "mps")
ENGINES = ("auto", "onnx", "torch")


def physical_cores() -> int:
    """Physical CPU cores available to this process (hyper-threads share a core's FPUs)."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        cores = set()
        physical = core = None
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            for line in info:
                if line.startswith("physical id"):
                    physical = line.split(":")[1].strip()
                elif line.startswith("core id"):
                    core = line.split(":")[1].strip()
                elif not line.strip() and core is not None:
                    cores.add((physical, core))
                    physical = core = None
        if cores:
            return max(1, min(available, len(cores)))
    except OSError:
        pass
    return max(1, available)


def torch_installed() -> bool:
    """True when torch (and open_clip) could be imported, without importing them."""
    return importlib.util.find_spec("torch") is not None and importlib.util.find_spec("open_clip") is not None


def _cuda_driver_present() -> bool:
    names = ["nvcuda.dll"] if sys.platform == "win32" else ["libcuda.so.1", ctypes.util.find_library("cuda") or ""]
    for name in filter(None, names):
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def available_devices() -> list[str]:
    """The devices a model can run on here: always 'cpu'; 'cuda' with an NVIDIA driver and torch;
    'mps' on Apple silicon with torch."""
    devices = ["cpu"]
    if torch_installed() and _cuda_driver_present():
        devices.append("cuda")
    if sys.platform == "darwin" and platform.machine() == "arm64" and torch_installed():
        devices.append("mps")
    return devices


@dataclass(frozen=True)
class Placement:
    """Where a model will run, on which runtime, and why (shown by ``photoclip status``)."""

    device: str  # "cpu", "cuda" or "mps"
    engine: str  # "onnx" or "torch"
    reason: str
    note: str = ""  # something the user should hear about (a saved choice that cannot be honoured)


def choose_placement(device: str | None = "auto", engine: str | None = "auto") -> Placement:
    """The device and runtime for a model, from what was asked and what this machine has."""
    device = (device or "auto").lower()
    engine = (engine or "auto").lower()
    available = available_devices()
    note = ""
    if device.startswith("cuda"):
        device = "cuda"
    if device not in DEVICES:
        note = f"Unknown device '{device}'; using the CPU."
        device = "cpu"
    elif device != "auto" and device not in available:
        missing = {
            "cuda": "no NVIDIA GPU (or no torch) was found",
            "mps": "Apple's Metal backend needs a Mac with Apple silicon",
        }
        note = f"The device '{device}' is not available here ({missing.get(device, 'not found')}); using the CPU."
        device = "cpu"
    if device == "auto":
        device = next((d for d in ("cuda", "mps") if d in available), "cpu")
        reason = "the GPU" if device != "cpu" else "no GPU found"
    else:
        reason = "as set" if not note else "fallback"
    if engine == "torch" and not torch_installed():
        note = (note + " " if note else "") + "torch is not installed; using ONNX Runtime."
        engine = "onnx"
    if engine == "auto":
        engine = "onnx" if device == "cpu" else "torch"
    if engine == "onnx" and device != "cpu":
        # onnxruntime's CPU build runs on the CPU only; torch does the GPUs.
        note = (note + " " if note else "") + f"ONNX Runtime runs on the CPU here; {device} needs the torch engine."
        device = "cpu"
    return Placement(device, engine, reason, note.strip())
