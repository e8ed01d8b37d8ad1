"""The few photos shown, marked as only the closest, when none clears a search's cut-off."""

from __future__ import annotations

import numpy as np

#: When no photo clears the cut-off, the closest few are still shown (marked as such): those
#: within this many spreads of the best one, at most CLOSEST of them. An empty page says less than
#: "nothing stands out; here is what comes nearest".
CLOSEST_BAND = 1.0
CLOSEST = 12


def closest(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """The few candidates nearest to the query when none clears the cut-off (see CLOSEST_BAND)."""
    if not eligible.any():
        return eligible
    best = float(scores[eligible].max())
    near = eligible & (scores >= best - CLOSEST_BAND) & (scores > 0)
    if near.sum() > CLOSEST:
        near &= scores >= np.sort(scores[near])[-CLOSEST]
    return near
