"""BBM92 (entanglement-based BB84) with an SPDC pair source in the middle of the link.

Model: Ma, Fung, Lo, "Quantum key distribution with entangled photon sources",
Phys. Rev. A 76, 012307 (2007), Sec. III. A polarization-entangled SPDC source emits n pairs
with probability ``P(n) = (n + 1) lam**n / (1 + lam)**(n + 2)``; the mean pair number is
``mu = 2 lam``. Each side has transmittance ``eta_A``, ``eta_B`` (fiber half-span times
detector efficiency) and background click probability ``Y0`` per window. The coincidence gain
and QBER are (their Eqs. (9) and (10))::

    Q = 1 - (1 - Y0A) / (1 + eta_A lam)**2 - (1 - Y0B) / (1 + eta_B lam)**2
          + (1 - Y0A)(1 - Y0B) / (1 + eta_A lam + eta_B lam - eta_A eta_B lam)**2
    E Q = e0 Q - 2 (e0 - e_d) eta_A eta_B lam (1 + lam)
          / [(1 + eta_A lam)(1 + eta_B lam)(1 + eta_A lam + eta_B lam - eta_A eta_B lam)]

with ``e0 = 1/2``. Multi-pair emission raises the QBER with ``mu``, so the rate has an
optimum mean pair number. Key rate per pulse (Koashi-Preskill; Ma, Fung, Lo Eq. (12), with
the error-correction inefficiency ``f``): ``R = q Q [1 - f h(E) - h(E)]``, ``q = 1/2``.
"""

from __future__ import annotations

import numpy as np

from qnet_core.errors import ParameterError

from ._common import _bbm92_etas, _bbm92_gain_error, _bbm92_rate_eta, _check_system, _optimize_pair_number, _ret
from .system import QKDSystem

__all__ = ["bbm92_gain_error", "bbm92_rate", "bbm92_optimal_pair_number"]


def bbm92_gain_error(eta_a, eta_b, mean_pair_number, dark_count_prob: float = 0.0, misalignment: float = 0.0):
    """Coincidence gain ``Q`` and QBER ``E`` of an SPDC entangled source (Ma, Fung, Lo 2007, Eqs. (9)-(10)).

    Parameters
    ----------
    eta_a, eta_b : float or array_like
        Transmittances source -> Alice and source -> Bob (including detectors), in [0, 1].
    mean_pair_number : float or array_like
        Mean number of emitted pairs per pulse ``mu = 2 lam`` (> 0).
    dark_count_prob : float
        Background click probability per window on each side.
    misalignment : float
        Intrinsic detector/polarization error ``e_d``.

    Returns
    -------
    q : float or numpy.ndarray
        Coincidence probability per pulse, broadcast shape of the inputs.
    e : float or numpy.ndarray
        QBER of the coincidences.

    Examples
    --------
    >>> q, e = bbm92_gain_error(1.0, 1.0, 0.02)
    >>> round(e, 6)
    0.002488
    """
    q, e = _bbm92_gain_error(eta_a, eta_b, mean_pair_number, float(dark_count_prob), float(misalignment))
    return _ret(q), _ret(e)


def _check_pos(source_position, owner):
    x = float(source_position)
    if not 0.0 <= x <= 1.0:
        raise ParameterError(f"{owner}(): source_position={source_position!r} must lie in [0, 1] (fraction of the distance from Alice)")
    return x


def bbm92_optimal_pair_number(distance_km, system: QKDSystem | None = None, source_position: float = 0.5):
    """Mean pair number maximizing the BBM92 rate at each distance, and that rate (per pulse).

    Parameters
    ----------
    distance_km : float or array_like
        Total fiber length(s) between Alice and Bob, km (>= 0).
    system : QKDSystem, optional
        Hardware of both receivers; default ``QKDSystem()``.
    source_position : float, default 0.5
        Fraction of the distance from Alice to the source, in [0, 1].

    Returns
    -------
    mu : float or numpy.ndarray
        Optimal mean pair number per pulse, shaped like ``distance_km``.
    rate : float or numpy.ndarray
        The corresponding secret bits per pulse (0 where no key can be made).

    Examples
    --------
    >>> mu, r = bbm92_optimal_pair_number(100.0)
    >>> 0 < mu < 1 and r > 0
    True
    """
    owner = "bbm92_optimal_pair_number"
    system = _check_system(system, owner)
    x = _check_pos(source_position, owner)
    mu, r = _optimize_pair_number(*_bbm92_etas(distance_km, system, x), system)
    return _ret(mu), _ret(r)


def bbm92_rate(distance_km, mean_pair_number=None, system: QKDSystem | None = None,
               source_position: float = 0.5, per: str = "pulse"):
    """Asymptotic BBM92 key rate with the SPDC source at ``source_position`` of the link.

    Parameters
    ----------
    distance_km : float or array_like
        Alice-Bob fiber length in km; the source sits ``source_position * distance_km`` from Alice.
    mean_pair_number : float or array_like, optional
        Mean pairs per pulse (``2 lam``); ``None`` optimizes it per distance.
    system : QKDSystem, optional
        Fiber and detector parameters (same detectors on both sides).
    per : {"pulse", "second"}

    Returns
    -------
    float or ndarray
        Secret bits per pulse (or per second), 0.0 where no key.

    Examples
    --------
    >>> bbm92_rate(0.0, 0.1, QKDSystem(detector_efficiency=1.0, dark_count_prob=0.0, misalignment=0.0)) > 0.02
    True
    """
    owner = "bbm92_rate"
    system = _check_system(system, owner)
    x = _check_pos(source_position, owner)
    if per not in ("pulse", "second"):
        raise ParameterError(f"{owner}(): per={per!r} is not allowed; use 'pulse' or 'second'")
    if mean_pair_number is None:
        _, r = _optimize_pair_number(*_bbm92_etas(distance_km, system, x), system)
    else:
        m = np.asarray(mean_pair_number, dtype=np.float64)
        if not np.all(np.isfinite(m)) or np.any(m <= 0):
            raise ParameterError(f"{owner}(): mean_pair_number={mean_pair_number!r} must be > 0")
        r, _ = _bbm92_rate_eta(*_bbm92_etas(distance_km, system, x), m, system)
    if per == "second":
        r = r * system.rep_rate_hz
    return _ret(r)
