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
from qnet_core.metrics import binary_entropy

from .bb84 import SIFT_FACTOR, QKDSystem, _check_system, _optimize_mu, _ret

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

    Examples
    --------
    >>> q, e = bbm92_gain_error(1.0, 1.0, 0.02)
    >>> round(e, 6)
    0.002488
    """
    ea = np.asarray(eta_a, dtype=np.float64)
    eb = np.asarray(eta_b, dtype=np.float64)
    lam = 0.5 * np.asarray(mean_pair_number, dtype=np.float64)
    y0, ed, e0 = float(dark_count_prob), float(misalignment), 0.5
    a = ea * lam
    b = eb * lam
    c = ea * eb * lam
    da = 1.0 + a
    db = 1.0 + b
    dab = 1.0 + a + b - c
    v = da * db
    # Q = 1 - (1-Y0)(A + B) + (1-Y0)^2 C with A = 1/da^2, B = 1/db^2, C = 1/dab^2, rearranged so that
    # no large terms cancel at high loss: Q = (1-A)(1-B) + (C - AB) + Y0 [(A-C) + (B-C)] + Y0^2 C.
    one_minus_a = a * (2.0 + a) / da**2
    one_minus_b = b * (2.0 + b) / db**2
    c_minus_ab = (a * b + c) * (v + dab) / (dab**2 * v**2)
    a_minus_c = eb * lam * (1.0 - ea) * (dab + da) / (da**2 * dab**2)
    b_minus_c = ea * lam * (1.0 - eb) * (dab + db) / (db**2 * dab**2)
    q = one_minus_a * one_minus_b + c_minus_ab + y0 * (a_minus_c + b_minus_c) + y0**2 / dab**2
    eq = e0 * q - 2.0 * (e0 - ed) * ea * eb * lam * (1.0 + lam) / (da * db * dab)
    q = np.maximum(q, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(q > 0, np.clip(eq, 0.0, None) / np.where(q > 0, q, 1.0), 0.0)
    return _ret(q), _ret(np.minimum(e, 0.5))


def _rate_eta(eta_a, eta_b, mpn, system):
    q, e = bbm92_gain_error(eta_a, eta_b, mpn, system.dark_count_prob, system.misalignment)
    q, e = np.asarray(q), np.asarray(e)
    h = binary_entropy(e)
    return np.maximum(SIFT_FACTOR * q * (1.0 - system.ec_efficiency * h - h), 0.0), e


def _etas(distance_km, system, source_position):
    d = np.asarray(distance_km, dtype=np.float64)
    return system.transmittance(d * source_position), system.transmittance(d * (1.0 - source_position))


def _check_pos(source_position, owner):
    x = float(source_position)
    if not 0.0 <= x <= 1.0:
        raise ParameterError(f"{owner}(): source_position={source_position!r} must lie in [0, 1] (fraction of the distance from Alice)")
    return x


def bbm92_optimal_pair_number(distance_km, system: QKDSystem | None = None, source_position: float = 0.5):
    """Mean pair number maximizing the BBM92 rate at each distance, and that rate (per pulse).

    Examples
    --------
    >>> mu, r = bbm92_optimal_pair_number(100.0)
    >>> 0 < mu < 1 and r > 0
    True
    """
    owner = "bbm92_optimal_pair_number"
    system = _check_system(system, owner)
    x = _check_pos(source_position, owner)
    ea, eb = _etas(distance_km, system, x)
    ea = np.asarray(ea)
    eb = np.broadcast_to(np.asarray(eb), ea.shape)
    flat_b = eb.reshape(-1)

    def rate_fn(e, m):
        # e is the flattened eta_a (optionally with a trailing grid axis); pair it with eta_b
        b = flat_b.reshape(e.shape[0], *([1] * (np.ndim(e) - 1)))
        return _rate_eta(e, b, m, system)[0]

    mu, r = _optimize_mu(ea, system, "infinite", 0.0, rate_fn=rate_fn)
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
        _, r = bbm92_optimal_pair_number(distance_km, system, x)
        r = np.asarray(r)
    else:
        m = np.asarray(mean_pair_number, dtype=np.float64)
        if not np.all(np.isfinite(m)) or np.any(m <= 0):
            raise ParameterError(f"{owner}(): mean_pair_number={mean_pair_number!r} must be > 0")
        ea, eb = _etas(distance_km, system, x)
        r, _ = _rate_eta(ea, eb, m, system)
    if per == "second":
        r = r * system.rep_rate_hz
    return _ret(r)
