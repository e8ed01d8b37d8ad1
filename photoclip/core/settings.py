"""Settings, declared once with their type, default and meaning; stored as JSON in the library.

The command line and the GUI read and write the same declarations, so a setting cannot have one
default in one place and another elsewhere.
"""

from __future__ import annotations

import errno
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from photoclip.core.atomic import atomic_write_bytes
from photoclip.core.errors import DiskFull, PhotoclipError
from photoclip.core.models import registry
from photoclip.core.models.registry import DEFAULT_MODEL_ID
from photoclip.core.vectors import EXACT_LIMIT

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Setting:
    """One setting: its type, default, what it means, and the values it may take."""

    key: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | Callable[[], tuple[Any, ...]] | None = None
    minimum: float | None = None

    def allowed(self) -> tuple[Any, ...] | None:
        """The values the setting may take (None: any of its type)."""
        return self.choices() if callable(self.choices) else self.choices

    def check(self, value: Any) -> Any:
        """Converts ``value`` to the setting's type and validates it; raises ValueError if wrong."""
        if value is None and self.default is None:
            return None
        if self.type is bool and isinstance(value, str):
            value = value.strip().lower() in ("1", "true", "yes", "on")
        converted = self.type(value)
        allowed = self.allowed()
        if allowed is not None and converted not in allowed:
            raise ValueError(f"{self.key} must be one of {', '.join(map(str, allowed))}")
        if self.minimum is not None and converted < self.minimum:
            raise ValueError(f"{self.key} must be at least {self.minimum}")
        return converted


def _model_ids() -> tuple[str, ...]:
    return tuple(m.id for m in registry.MODELS)


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("model", str, DEFAULT_MODEL_ID, "CLIP model for indexing and search", _model_ids),
        Setting("weights", dict, {}, "model id -> a weights file or models folder to use instead of downloading"),
        Setting("device", str, "auto", "where the model runs", ("auto", "cuda", "mps", "cpu")),
        Setting(
            "engine",
            str,
            "auto",
            "the model runtime: ONNX Runtime on the CPU, torch for CUDA and MPS (auto), or one of them",
            ("auto", "onnx", "torch"),
        ),
        Setting(
            "cpu_int8",
            bool,
            True,
            "on the CPU, run the image graph in int8 where it is faster here and agrees with fp32 on test "
            "pictures (checked once per model; see 'photoclip status')",
        ),
        Setting("cpu_threads", int, 0, "threads for the model on the CPU (0: the physical cores)", minimum=0),
        Setting("decode_workers", int, 0, "threads that decode photos (0: automatic)", minimum=0),
        Setting("batch_size", int, 16, "photos per model call", minimum=1),
        Setting(
            "relevance",
            str,
            "normal",
            "how much a photo must stand out from the library to be listed: strict (fewer), normal, loose "
            "(more) or all",
            ("strict", "normal", "loose", "all"),
        ),
        Setting("thumbnail_cache_mb", int, 2048, "thumbnail cache size limit in MB", minimum=16),
        Setting("exact_search_limit", int, EXACT_LIMIT, "below this many photos, search exactly", minimum=0),
        Setting("watch_folders", bool, True, "pick up changes in watched folders by themselves"),
        Setting(
            "remember_searches",
            bool,
            True,
            "keep the searches run in the window, to suggest them again (turning it off forgets them)",
        ),
        Setting("window_geometry", str, "", "the main window's last size and place (GUI)"),
        Setting("first_run_done", bool, False, "the first-run dialog has been shown (GUI)"),
    )
}


class Settings:
    """A library's settings file. Unknown keys in the file are kept but ignored."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._values: dict[str, Any] = {}
        try:
            self._values = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(self._values, dict):
                raise ValueError("not an object")
        except FileNotFoundError:
            self._values = {}
        except (ValueError, OSError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", self.path, exc)
            self._values = {}

    def get(self, key: str) -> Any:
        """The value of a setting (its default when unset or invalid)."""
        setting = SETTINGS[key]
        if key not in self._values:
            return setting.default
        try:
            return setting.check(self._values[key])
        except (TypeError, ValueError):
            return setting.default

    def set(self, key: str, value: Any, *, save: bool = True) -> None:
        """Validates and stores a setting (the file is written only when the value changes)."""
        value = SETTINGS[key].check(value)
        if key in self._values and self._values[key] == value:
            return
        self._values[key] = value
        if save:
            self.save()

    def reset(self, key: str) -> None:
        """Returns a setting to its default."""
        self._values.pop(key, None)
        self.save()

    def save(self) -> None:
        """Writes the settings file atomically; raises :class:`PhotoclipError` saying why it cannot."""
        try:
            atomic_write_bytes(self.path, json.dumps(self._values, indent=2, sort_keys=True).encode("utf-8"))
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
                raise DiskFull(f"The settings could not be saved: the disk is full ({self.path}).") from exc
            raise PhotoclipError(f"The settings could not be saved to {self.path} ({exc.strerror or exc}).") from exc

    def as_dict(self) -> dict[str, Any]:
        """Every declared setting with its current value."""
        return {key: self.get(key) for key in SETTINGS}
