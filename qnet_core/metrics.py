"""Figures of merit for states: fidelity, distances, entropies, entanglement measures."""

from __future__ import annotations

import numpy as np

__all__ = ["binary_entropy"]


def binary_entropy(p):
    """Binary Shannon entropy h(p) = -p log2 p - (1-p) log2(1-p) in bits.

    Vectorized; ``h(0) = h(1) = 0``. Values outside [0, 1] are clipped into it, so
    callers that feed estimates (e.g. a QBER slightly above 1/2 or below 0 from
    rounding) get a finite answer; validate probabilities at your own boundary.

    Examples
    --------
    >>> float(binary_entropy(0.5))
    1.0
    """
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -p * np.log2(p) - (1.0 - p) * np.log2(1.0 - p)
    h = np.where((p <= 0.0) | (p >= 1.0), 0.0, h)
    return h if h.ndim else float(h)
