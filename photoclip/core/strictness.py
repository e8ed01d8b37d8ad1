"""How much a photo must stand out to be listed: the levels a search offers, from fewer to more."""

from __future__ import annotations

from photoclip.core.records import TextEnum


class Strictness(TextEnum):
    """How much a photo must stand out to be listed: fewer results (strict) to more (loose, all)."""

    STRICT = "strict"
    NORMAL = "normal"
    LOOSE = "loose"
    ALL = "all"

    @property
    def tail(self) -> float:
        """The standing a photo needs when the query's photos form no group of their own."""
        return {"strict": 3.0, "normal": 2.0, "loose": 1.5, "all": float("-inf")}[self.value]

    @property
    def posterior(self) -> float:
        """The probability of belonging to the query's group a photo needs."""
        return {"strict": 0.9, "normal": 0.5, "loose": 0.2, "all": 0.0}[self.value]
