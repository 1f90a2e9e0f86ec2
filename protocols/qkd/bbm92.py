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
from numpy.typing import ArrayLike

from qnet_core._args import real, real_array
from qnet_core.errors import ParameterError

from ._common import _bbm92_etas, _bbm92_gain_error, _bbm92_rate_eta, _check_system, _optimize_pair_number, _ret
from .system import QKDSystem

__all__ = ["bbm92_gain_error", "bbm92_rate", "bbm92_optimal_pair_number"]


def bbm92_gain_error(eta_a: ArrayLike, eta_b: ArrayLike, mean_pair_number: ArrayLike, dark_count_prob: float = 0.0,
                     misalignment: float = 0.0) -> tuple[float | np.ndarray, float | np.ndarray]:
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
    owner = "bbm92_gain_error"
    eta_a = real_array(eta_a, "eta_a", owner, lo=0.0, hi=1.0, what="a transmittance")
    eta_b = real_array(eta_b, "eta_b", owner, lo=0.0, hi=1.0, what="a transmittance")
    # a huge mean pair number has a finite limit (Q -> 1, E -> 1/2), so +inf is refused but 1e308 is not
    mean_pair_number = _check_pair_number(mean_pair_number, owner)
    y0 = real(dark_count_prob, "dark_count_prob", owner, lo=0.0, hi=1.0)
    ed = real(misalignment, "misalignment", owner, lo=0.0, hi=0.5)
    q, e = _bbm92_gain_error(eta_a, eta_b, mean_pair_number, y0, ed)
    return _ret(q), _ret(e)


def _check_pair_number(mean_pair_number, owner):
    return real_array(mean_pair_number, "mean_pair_number", owner, lo=0.0, lo_open=True,
                      what="a mean number of pairs per pulse")


def _check_pos(source_position, owner):
    return real(source_position, "source_position", owner, lo=0.0, hi=1.0,
                what="the fraction of the distance from Alice to the source")


def bbm92_optimal_pair_number(distance_km: ArrayLike, system: QKDSystem | None = None,
                              source_position: float = 0.5) -> float | np.ndarray:
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
    distance_km = real_array(distance_km, "distance_km", owner, lo=0.0, what="a fiber length")
    x = _check_pos(source_position, owner)
    mu, r = _optimize_pair_number(*_bbm92_etas(distance_km, system, x), system)
    return _ret(mu), _ret(r)


def bbm92_rate(distance_km: ArrayLike, mean_pair_number: ArrayLike | None = None, system: QKDSystem | None = None,
               source_position: float = 0.5, per: str = "pulse") -> float | np.ndarray:
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
    distance_km = real_array(distance_km, "distance_km", owner, lo=0.0, what="a fiber length")
    x = _check_pos(source_position, owner)
    if per not in ("pulse", "second"):
        raise ParameterError(f"{owner}(): per={per!r} is not allowed; use 'pulse' or 'second'")
    if mean_pair_number is None:
        _, r = _optimize_pair_number(*_bbm92_etas(distance_km, system, x), system)
    else:
        m = _check_pair_number(mean_pair_number, owner)
        r, _ = _bbm92_rate_eta(*_bbm92_etas(distance_km, system, x), m, system)
    if per == "second":
        r = r * system.rep_rate_hz
    return _ret(r)
