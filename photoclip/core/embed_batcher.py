"""Batching prepared photos through the model: the middle of the indexing pipeline."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from photoclip.core.photo_reader import ReadPhoto


class EmbedBatcher:
    """Collects photos ready for the model and embeds them ``size`` at a time.

    ``deliver(photos, vectors)`` receives each embedded batch (the writer stores it).
    """

    def __init__(
        self,
        encode: Callable[[np.ndarray], np.ndarray],
        deliver: Callable[[list[ReadPhoto], np.ndarray], None],
        size: int,
    ) -> None:
        self.encode = encode
        self.deliver = deliver
        self.size = max(1, size)
        self._waiting: list[ReadPhoto] = []

    def add(self, photo: ReadPhoto) -> None:
        """Adds a prepared photo; embeds a full batch."""
        self._waiting.append(photo)
        if len(self._waiting) >= self.size:
            self.flush()

    def flush(self) -> None:
        """Embeds and delivers what is waiting (a partial batch at the end, on pause, before a save)."""
        if not self._waiting:
            return
        batch, self._waiting = self._waiting, []
        inputs = np.stack([p.model_input for p in batch if p.model_input is not None])
        self.deliver(batch, self.encode(inputs))
