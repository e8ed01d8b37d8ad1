"""The models a library has in memory, loaded on first use with the library's settings."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from photoclip.core.models.download import DownloadProgress
from photoclip.core.models.fingerprint import weights_fingerprint
from photoclip.core.models.registry import ModelSpec
from photoclip.core.paths import expand_home

if TYPE_CHECKING:
    from photoclip.core.models.engine import Engine
    from photoclip.core.settings import Settings


class LoadedModels:
    """Engines by model id; each is loaded (and fetched, when allowed) the first time it is asked for.

    A failed load changes nothing: the engines already loaded stay, and the error says what to do.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        weights: Path | str | None = None,
        weights_model: str = "",
        device: str | None = None,
        download: bool = True,
        progress: DownloadProgress | None = None,
        loaded: Engine | None = None,
        quick_start: bool = False,
    ) -> None:
        self.settings = settings
        self.quick_start = quick_start
        self._weights = weights  # given for this run (--weights), for ``weights_model``
        self._weights_model = weights_model
        self.device = device
        self.download = download
        self.progress = progress
        self.cancel = threading.Event()
        self._engines: dict[str, Engine] = {loaded.id: loaded} if loaded is not None else {}
        self._fingerprints: dict[str, str | None] = {}  # of the files each engine was loaded from
        self._lock = threading.Lock()

    def get(
        self, spec: ModelSpec, *, progress: DownloadProgress | None = None, cancel: threading.Event | None = None
    ) -> Engine:
        """The engine of ``spec``, loading it on first use (``progress`` and ``cancel`` for this load's
        download, instead of the library's own)."""
        with self._lock:
            engine = self._engines.get(spec.id)
            if engine is None:
                from photoclip.core.models.loading import load_engine

                engine = load_engine(
                    spec,
                    weights=self.weights_for(spec),
                    device=self.device or self.settings.get("device"),
                    engine=self.settings.get("engine"),
                    threads=self.settings.get("cpu_threads") or None,
                    cpu_int8=self.settings.get("cpu_int8"),
                    download=self.download,
                    progress=progress or self.progress,
                    cancel=cancel or self.cancel,
                    quick_start=self.quick_start,
                )
                self._engines[spec.id] = engine
                self._fingerprints[spec.id] = weights_fingerprint(spec, self.weights_for(spec))
            return engine

    def fingerprint(self, spec: ModelSpec) -> str | None:
        """The fingerprint of the weights ``spec`` runs with: of the files its engine was loaded
        from while it is in memory (files changed under a running app are not what it runs), else
        of the files it would load now (see :mod:`photoclip.core.models.fingerprint`)."""
        if spec.id in self._engines and spec.id in self._fingerprints:
            return self._fingerprints[spec.id]
        return weights_fingerprint(spec, self.weights_for(spec))

    def loaded(self, spec: ModelSpec) -> Engine | None:
        """The engine of ``spec`` if it is in memory (never loads)."""
        return self._engines.get(spec.id)

    def keep_only(self, ids: set[str]) -> None:
        """Drops every engine but those of ``ids`` (after a model switch)."""
        with self._lock:
            self._engines = {k: v for k, v in self._engines.items() if k in ids}

    def drop(self, spec: ModelSpec | None = None) -> None:
        """Drops one engine (or all): the next use loads it with the current settings."""
        with self._lock:
            if spec is None:
                self._engines.clear()
            else:
                self._engines.pop(spec.id, None)

    def weights_for(self, spec: ModelSpec) -> Path | str | None:
        """The model files the user pointed at for ``spec`` (this run's --weights, or the settings')."""
        if self._weights and spec.id == self._weights_model:
            return self._weights
        return (self.settings.get("weights") or {}).get(spec.id) or None

    def set_weights(self, spec: ModelSpec, path: Path | str) -> Engine:
        """Uses model files the user already has for ``spec``: they are loaded first, and only
        remembered (in the settings) once they load. A file that does not load changes nothing:
        the error says why, the settings keep what they had, and a model already loaded stays."""
        from photoclip.core.models.loading import load_engine

        given = expand_home(path).resolve()
        engine = load_engine(
            spec,
            weights=given,
            device=self.device or self.settings.get("device"),
            engine=self.settings.get("engine"),
            threads=self.settings.get("cpu_threads") or None,
            cpu_int8=self.settings.get("cpu_int8"),
            download=False,
        )
        chosen = dict(self.settings.get("weights") or {})
        chosen[spec.id] = str(given)
        self.settings.set("weights", chosen)
        with self._lock:
            self._engines[spec.id] = engine
            self._fingerprints[spec.id] = weights_fingerprint(spec, given)
        return engine

    def present(self, spec: ModelSpec) -> bool:
        """True when ``spec`` can run here without a download."""
        from photoclip.core.models.devices import choose_placement
        from photoclip.core.models.loading import model_on_machine

        engine = choose_placement(self.device or self.settings.get("device"), self.settings.get("engine")).engine
        return spec.id in self._engines or model_on_machine(spec, self.weights_for(spec), engine)
