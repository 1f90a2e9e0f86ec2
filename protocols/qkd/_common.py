"""Formulas and checks shared by the QKD modules (private).

Each closed form of the link model of :mod:`protocols.qkd.system` is written here once, on
float64 arrays that broadcast, without input checks; the public functions of
:mod:`protocols.qkd.bb84` and :mod:`protocols.qkd.bbm92` (whose docstrings state the model,
the papers and the equations) check their inputs and call these, and so do the other QKD
modules:

* yields and errors: :func:`_single_photon_yield_error`, :func:`_coherent_gain_error`,
  :func:`_decoy_estimates_vacuum_weak` (BB84 with weak coherent pulses),
  :func:`_bbm92_gain_error` (SPDC pair source);
* key rates per pulse at a transmittance: :func:`_rate_single_photon_eta`,
  :func:`_decoy_rate_eta`, :func:`_bbm92_rate_eta` (with :func:`_bbm92_etas`, the two arms of a
  link split at the source);
* maximization over the intensity, vectorized over the transmittances: :func:`_optimize_mu`,
  :func:`_optimize_pair_number`;
* checks of the public boundary: :func:`_check_system`, :func:`_check_decoy`,
  :func:`_distances`; :func:`_ret` returns a 0-d result as a Python float.

The constants :data:`SIFT_FACTOR` and :data:`DECOY_METHODS` are public through
:mod:`protocols.qkd.bb84`. Nothing else here is public; the QKD modules import these names, and
nothing else should.
"""

from __future__ import annotations

import math

import numpy as np

from qnet_core.errors import ParameterError
from qnet_core.metrics import _binary_entropy as binary_entropy  # clips rounding-level estimates
from qnet_core._args import real_array
from qnet_core.validation import check_positive

from .system import QKDSystem

__all__: list[str] = []

#: Fraction of clicks kept by sifting in symmetric BB84 (and BBM92).
SIFT_FACTOR = 0.5
#: Error probability of a click caused only by background light / dark counts.
E0 = 0.5
#: Decoy-state estimates offered by :func:`protocols.qkd.bb84.decoy_bb84_rate`.
DECOY_METHODS = ("infinite", "vacuum+weak")
#: Signal intensities searched by :func:`_optimize_mu` before the golden-section refinement.
_MU_GRID = np.geomspace(1e-3, 1.2, 96)


# ============================================================================ checks
def _ret(x):
    """A 0-d result as a Python float, anything else as a float64 array."""
    x = np.asarray(x, dtype=np.float64)
    return x if x.ndim else float(x)


def _check_system(system, owner):
    if system is None:
        return QKDSystem()
    if not isinstance(system, QKDSystem):
        raise ParameterError(f"{owner}(): system={system!r} must be a QKDSystem")
    return system


def _check_decoy(decoy, nu, owner):
    if decoy not in DECOY_METHODS:
        raise ParameterError(f"{owner}(): decoy={decoy!r} is not allowed; use one of {DECOY_METHODS}")
    nu = check_positive(nu, "nu", owner)
    return decoy, nu


def _distances(distance_km, owner):
    """Distances of a key-rate table: a 1-D float64 array of finite lengths >= 0 (km)."""
    d = np.atleast_1d(real_array(distance_km, "distance_km", owner))
    if d.ndim != 1 or d.size == 0:
        raise ParameterError(
            f"{owner}(): distance_km must be a number or a 1-D sequence of numbers, got shape {d.shape}"
        )
    if not np.all(np.isfinite(d)) or np.any(d < 0):
        bad = d[~(np.isfinite(d) & (d >= 0))][0]
        raise ParameterError(f"{owner}(): distance_km={float(bad)!r} must be a finite number >= 0")
    return d


# ============================================================================ BB84 yields and errors
def _single_photon_yield_error(eta, y0, ed):
    """``Y1 = 1 - (1 - Y0)(1 - eta)`` and ``e1`` with ``e1 Y1 = e_d eta + Y0 (1 - eta) / 2`` (arrays)."""
    eta = np.asarray(eta, dtype=np.float64)
    y1 = eta + y0 * (1.0 - eta)  # = 1 - (1 - Y0)(1 - eta), without cancellation at tiny eta
    err = ed * eta + E0 * y0 * (1.0 - eta)
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = np.where(y1 > 0, err / np.where(y1 > 0, y1, 1.0), 0.0)
    return y1, e1


def _coherent_gain_error(eta, mu, y0, ed):
    """``Q = 1 - (1 - Y0) exp(-eta mu)`` and ``E`` with ``E Q = e_d (1 - exp(-eta mu)) + Y0 exp(-eta mu) / 2``."""
    eta = np.asarray(eta, dtype=np.float64)
    mu = np.asarray(mu, dtype=np.float64)
    signal = -np.expm1(-eta * mu)  # 1 - exp(-eta mu), accurate at tiny eta mu
    q = signal + y0 * (1.0 - signal)
    eq = ed * signal + E0 * y0 * (1.0 - signal)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(q > 0, eq / np.where(q > 0, q, 1.0), 0.0)
    return q, e


def _decoy_estimates_vacuum_weak(q_mu, e_mu, q_nu, e_nu, y0, mu, nu):
    """Vacuum + weak decoy ``(Y1^L, e1^U)`` (Ma, Qi, Zhao, Lo 2005, Eqs. (34), (37)), clipped."""
    q_mu, e_mu, q_nu, e_nu, y0, mu, nu = (np.asarray(a, dtype=np.float64) for a in (q_mu, e_mu, q_nu, e_nu, y0, mu, nu))
    y1 = mu / (mu * nu - nu**2) * (
        q_nu * np.exp(nu) - q_mu * np.exp(mu) * nu**2 / mu**2 - (mu**2 - nu**2) / mu**2 * y0
    )
    y1 = np.maximum(y1, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = np.where(y1 > 0, (e_nu * q_nu * np.exp(nu) - E0 * y0) / (np.where(y1 > 0, y1, 1.0) * nu), 0.5)
    return y1, np.clip(e1, 0.0, 0.5)


# ============================================================================ BB84 key rates
def _rate_single_photon_eta(eta, system):
    """Shor-Preskill rate per pulse ``q Y1 [1 - f h(e1) - h(e1)]`` (>= 0) and ``e1``."""
    y1, e1 = _single_photon_yield_error(eta, system.dark_count_prob, system.misalignment)
    e1 = np.minimum(e1, 0.5)
    h = binary_entropy(e1)
    r = SIFT_FACTOR * y1 * (1.0 - system.ec_efficiency * h - h)
    return np.maximum(r, 0.0), e1


def _decoy_rate_eta(eta, mu, system, decoy, nu):
    """GLLP rate per pulse (>= 0), QBER ``E_mu`` and gain ``Q_mu`` for arrays eta, mu (broadcast)."""
    y0, ed, f = system.dark_count_prob, system.misalignment, system.ec_efficiency
    q_mu, e_mu = _coherent_gain_error(eta, mu, y0, ed)
    if decoy == "infinite":
        y1, e1 = _single_photon_yield_error(eta, y0, ed)
    else:
        q_nu, e_nu = _coherent_gain_error(eta, nu, y0, ed)
        y1, e1 = _decoy_estimates_vacuum_weak(q_mu, e_mu, q_nu, e_nu, y0, mu, nu)
    e1 = np.minimum(e1, 0.5)
    q1 = y1 * mu * np.exp(-mu)
    r = SIFT_FACTOR * (q1 * (1.0 - binary_entropy(e1)) - q_mu * f * binary_entropy(e_mu))
    return np.maximum(r, 0.0), e_mu, q_mu


def _optimize_mu(eta, system, decoy, nu, rate_fn=None, grid=None):
    """Vectorized per-eta maximization of the rate over mu: log grid + golden-section refinement.

    ``rate_fn(eta, mu)`` (default: the decoy-state rate) gets the flattened ``eta`` with a trailing
    grid axis, then without it. Returns ``(mu, rate)`` shaped like ``eta``.
    """
    eta = np.asarray(eta, dtype=np.float64)
    flat = eta.reshape(-1)
    grid = _MU_GRID if grid is None else grid
    if decoy == "vacuum+weak":
        grid = grid[grid > nu * 1.0001]
        if grid.size == 0:
            raise ParameterError(f"optimal_mu(): nu={nu!r} leaves no signal intensity mu > nu to optimize over")
    if rate_fn is None:
        def rate_fn(e, m):
            return _decoy_rate_eta(e, m, system, decoy, nu)[0]
    vals = rate_fn(flat[:, None], grid[None, :])
    k = np.argmax(vals, axis=1)
    lo = np.log(grid[np.maximum(k - 1, 0)])
    hi = np.log(grid[np.minimum(k + 1, grid.size - 1)])
    gr = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = lo.copy(), hi.copy()
    c = b - gr * (b - a)
    d = a + gr * (b - a)
    fc = rate_fn(flat, np.exp(c))
    fd = rate_fn(flat, np.exp(d))
    for _ in range(40):
        left = fc >= fd
        b = np.where(left, d, b)
        a = np.where(left, a, c)
        new_c = b - gr * (b - a)
        new_d = a + gr * (b - a)
        c_next = np.where(left, new_c, d)
        d_next = np.where(left, c, new_d)
        fc_next = np.where(left, rate_fn(flat, np.exp(new_c)), fd)
        fd_next = np.where(left, fc, rate_fn(flat, np.exp(new_d)))
        c, d, fc, fd = c_next, d_next, fc_next, fd_next
    mu_ref = np.exp(0.5 * (a + b))
    r_ref = rate_fn(flat, mu_ref)
    best_grid = vals[np.arange(flat.size), k]
    use_ref = r_ref >= best_grid
    mu = np.where(use_ref, mu_ref, grid[k])
    r = np.where(use_ref, r_ref, best_grid)
    return mu.reshape(eta.shape), r.reshape(eta.shape)


# ============================================================================ BBM92
def _bbm92_gain_error(eta_a, eta_b, mean_pair_number, y0, ed):
    """Coincidence gain ``Q`` and QBER ``E`` (<= 1/2) of an SPDC pair source (Ma, Fung, Lo 2007, Eqs. (9)-(10))."""
    ea = np.asarray(eta_a, dtype=np.float64)
    eb = np.asarray(eta_b, dtype=np.float64)
    lam = 0.5 * np.asarray(mean_pair_number, dtype=np.float64)
    e0 = 0.5
    a = ea * lam
    b = eb * lam
    c = ea * eb * lam
    da = 1.0 + a
    db = 1.0 + b
    # Q = 1 - (1-Y0)(A + B) + (1-Y0)^2 C with A = 1/da^2, B = 1/db^2, C = 1/dab^2, rearranged so that
    # no large terms cancel at high loss: Q = (1-A)(1-B) + (C - AB) + Y0 [(A-C) + (B-C)] + Y0^2 C.
    # Every term is written as products of ratios (a/da, 1/da, ...), so nothing overflows for a huge
    # mean pair number (Q -> 1 and E -> 1/2 as mu -> inf); da*db and 1+a+b-c may reach inf, whose
    # reciprocals are then the correct limit 0.
    with np.errstate(over="ignore"):
        dab = 1.0 + a + b - c
        ia, ib, iab = 1.0 / da, 1.0 / db, 1.0 / dab
        iv = ia * ib
        one_minus_a = (a * ia) * ((2.0 + a) * ia)
        one_minus_b = (b * ib) * ((2.0 + b) * ib)
        c_minus_ab = ((a * ia) * (b * ib) + (c * ia) * ib) * iab * (iab + iv)
        a_minus_c = (eb * lam * iab) * (1.0 - ea) * (ia + iab) * ia
        b_minus_c = (ea * lam * iab) * (1.0 - eb) * (ib + iab) * ib
        q = one_minus_a * one_minus_b + c_minus_ab + y0 * (a_minus_c + b_minus_c) + y0**2 * iab**2
        eq = e0 * q - 2.0 * (e0 - ed) * (ea * lam * ia) * (eb * (1.0 + lam) * ib) * iab
    q = np.maximum(q, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.where(q > 0, np.clip(eq, 0.0, None) / np.where(q > 0, q, 1.0), 0.0)
    return q, np.minimum(e, 0.5)


def _bbm92_rate_eta(eta_a, eta_b, mean_pair_number, system):
    """Koashi-Preskill rate per pulse ``q Q [1 - f h(E) - h(E)]`` (>= 0) and ``E``."""
    q, e = _bbm92_gain_error(eta_a, eta_b, mean_pair_number, system.dark_count_prob, system.misalignment)
    h = binary_entropy(e)
    return np.maximum(SIFT_FACTOR * q * (1.0 - system.ec_efficiency * h - h), 0.0), e


def _bbm92_etas(distance_km, system, source_position):
    """Transmittances source -> Alice and source -> Bob with the source at ``source_position`` of the link."""
    d = np.asarray(distance_km, dtype=np.float64)
    return system.transmittance(d * source_position), system.transmittance(d * (1.0 - source_position))


def _optimize_pair_number(eta_a, eta_b, system):
    """Mean pair number maximizing the BBM92 rate for each pair of arms, and that rate (shaped like ``eta_a``)."""
    ea = np.asarray(eta_a, dtype=np.float64)
    flat_b = np.broadcast_to(np.asarray(eta_b, dtype=np.float64), ea.shape).reshape(-1)

    def rate_fn(e, m):
        # e is the flattened eta_a (optionally with a trailing grid axis); pair it with eta_b
        b = flat_b.reshape(e.shape[0], *([1] * (np.ndim(e) - 1)))
        return _bbm92_rate_eta(e, b, m, system)[0]

    return _optimize_mu(ea, system, "infinite", 0.0, rate_fn=rate_fn)
