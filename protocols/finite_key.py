"""Finite-size key length of decoy-state BB84 (Lim, Curty, Walenta, Xu, Zbinden 2014).

Analysis: C. C. W. Lim et al., "Concise security bounds for practical decoy-state quantum key
distribution", Phys. Rev. A 89, 022307 (2014): three intensities ``mu1 > mu2 + mu3``,
``mu2 > mu3 >= 0`` chosen with probabilities ``p1, p2, p3``; the key is drawn from the X basis
(chosen with probability ``p_x`` by both parties), the phase error is estimated from the Z
basis. Composable security ``eps_sec`` and correctness ``eps_cor``, valid against general
attacks. Statistical fluctuations use Hoeffding's inequality; per intensity
``n^{+-}_{k} = exp(mu_k) / p_k (n_k +- sqrt(n / 2 ln(21 / eps_sec)))``. Then (their Eqs. (2)-(5))

* ``s_0 >= tau_0 (mu2 n^-_{mu3} - mu3 n^+_{mu2}) / (mu2 - mu3)``,
* ``s_1 >= tau_1 mu1 [n^-_{mu2} - n^+_{mu3} - (mu2**2 - mu3**2) / mu1**2 (n^+_{mu1} - s_0 / tau_0)]
  / [mu1 (mu2 - mu3) - mu2**2 + mu3**2]``,
* ``v_{Z,1} <= tau_1 (m^+_{Z,mu2} - m^-_{Z,mu3}) / (mu2 - mu3)`` (errors),
* ``phi_X <= v_{Z,1}/s_{Z,1} + gamma(eps_sec, v_{Z,1}/s_{Z,1}, s_{Z,1}, s_{X,1})`` with
  ``gamma(a, b, c, d) = sqrt((c + d)(1 - b) b / (c d ln 2) log2((c + d) / (c d (1 - b) b) 21**2 / a**2))``,
* ``l = s_{X,0} + s_{X,1} - s_{X,1} h(phi_X) - lambda_EC - 6 log2(21 / eps_sec) - log2(2 / eps_cor)``,
  ``lambda_EC = f n_X h(E_X)``,

where ``tau_n = sum_k p_k exp(-mu_k) mu_k**n / n!``. The observed counts are replaced by their
expected values under the link model of :mod:`protocols.bb84` (as in the paper's simulations).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass

import numpy as np

from qnet_core.errors import ParameterError
from qnet_core.metrics import binary_entropy

from .bb84 import QKDSystem, _check_system, coherent_gain_error

__all__ = ["FiniteKeyResult", "finite_key_length", "finite_key_rate", "finite_key_curve"]


@dataclass(frozen=True, slots=True)
class FiniteKeyResult:
    """Finite-size key of decoy BB84 for one block (Lim et al. 2014).

    ``key_length`` is in bits (>= 0), ``key_rate_per_pulse = key_length / n_pulses``; the
    remaining fields are the parameters used and the intermediate bounds.
    """

    n_pulses: float
    key_length: float
    key_rate_per_pulse: float
    mu1: float
    mu2: float
    mu3: float
    p1: float
    p2: float
    p_x: float
    s_x0: float
    s_x1: float
    phase_error: float
    qber_x: float

    def to_dict(self) -> dict:
        return asdict(self)


def _pulses_for_block(n_x, eta, system, mu1, mu2, mu3, p1, p2, p_x):
    """Expected pulses N needed for ``n_x`` X-basis detections: ``n_X = N p_x**2 sum_k p_k Q_k``."""
    q, _ = coherent_gain_error(eta, np.array([mu1, mu2, mu3]), system.dark_count_prob, system.misalignment)
    per_pulse = p_x**2 * float(np.sum(np.array([p1, p2, 1.0 - p1 - p2]) * np.asarray(q)))
    return n_x / per_pulse if per_pulse > 0 else math.inf


def _length(n_pulses, eta, system, mu1, mu2, mu3, p1, p2, p_x, eps_sec, eps_cor, n_x=None):
    if n_x is not None:
        n_pulses = _pulses_for_block(n_x, eta, system, mu1, mu2, mu3, p1, p2, p_x)
        if not math.isfinite(n_pulses):
            return 0.0, 0.0, 0.0, 0.5, 0.5
    y0, ed, f = system.dark_count_prob, system.misalignment, system.ec_efficiency
    mus = np.array([mu1, mu2, mu3])
    ps = np.array([p1, p2, 1.0 - p1 - p2])
    q, e = coherent_gain_error(eta, mus, y0, ed)
    q, e = np.asarray(q), np.asarray(e)
    nx_k = n_pulses * ps * p_x**2 * q
    nz_k = n_pulses * ps * (1 - p_x) ** 2 * q
    mx_k = nx_k * e
    mz_k = nz_k * e
    ln = math.log(21.0 / eps_sec)
    tau0 = float(np.sum(ps * np.exp(-mus)))
    tau1 = float(np.sum(ps * np.exp(-mus) * mus))

    def pm(counts):
        tot = counts.sum()
        d = math.sqrt(tot / 2.0 * ln)
        w = np.exp(mus) / ps
        return w * (counts - d), w * (counts + d)

    def s01(counts):
        lo, hi = pm(counts)
        s0 = max(0.0, tau0 * (mu2 * lo[2] - mu3 * hi[1]) / (mu2 - mu3))
        s1 = tau1 * mu1 * (lo[1] - hi[2] - (mu2**2 - mu3**2) / mu1**2 * (hi[0] - s0 / tau0)) / (
            mu1 * (mu2 - mu3) - mu2**2 + mu3**2
        )
        return s0, max(0.0, s1)

    sx0, sx1 = s01(nx_k)
    _, sz1 = s01(nz_k)
    mlo, mhi = pm(mz_k)
    vz1 = tau1 * (mhi[1] - mlo[2]) / (mu2 - mu3)
    n_x = nx_k.sum()
    e_x = mx_k.sum() / n_x if n_x > 0 else 0.5
    if sx1 <= 0 or sz1 <= 0:
        return 0.0, float(sx0), float(sx1), 0.5, float(e_x)
    b = min(max(vz1 / sz1, 1e-300), 0.5)
    c, d = sz1, sx1
    arg = (c + d) / (c * d * (1 - b) * b) * 21.0**2 / eps_sec**2
    gamma = math.sqrt(max(0.0, (c + d) * (1 - b) * b / (c * d * math.log(2.0)) * math.log2(arg))) if arg > 1 else 0.0
    phi = min(0.5, b + gamma)
    lam_ec = f * n_x * float(binary_entropy(min(e_x, 0.5)))
    ell = sx0 + sx1 - sx1 * float(binary_entropy(phi)) - lam_ec - 6.0 * math.log2(21.0 / eps_sec) - math.log2(2.0 / eps_cor)
    return float(max(0.0, ell)), float(sx0), float(sx1), float(phi), float(e_x)


def _check_inputs(n_pulses, eps_sec, eps_cor, owner):
    if isinstance(n_pulses, bool) or not isinstance(n_pulses, numbers.Real) or not math.isfinite(n_pulses) or n_pulses <= 0:
        raise ParameterError(f"{owner}(): n_pulses={n_pulses!r} must be a finite number > 0")
    for name, v in (("eps_sec", eps_sec), ("eps_cor", eps_cor)):
        if not (isinstance(v, numbers.Real) and 0.0 < v < 1.0):
            raise ParameterError(f"{owner}(): {name}={v!r} must lie in (0, 1)")


def finite_key_length(distance_km: float, n_pulses: float, system: QKDSystem | None = None, *,
                      mu1: float = 0.5, mu2: float = 0.1, mu3: float = 2e-4, p1: float = 0.7,
                      p2: float = 0.2, p_x: float = 0.8, eps_sec: float = 1e-10,
                      eps_cor: float = 1e-15) -> FiniteKeyResult:
    """Finite-size secret key length (bits) of decoy BB84 with given protocol parameters.

    Parameters
    ----------
    distance_km : float
        Fiber length in km.
    n_pulses : float
        Pulses sent in the block, N (> 0).
    system : QKDSystem, optional
    mu1, mu2, mu3 : float
        Intensities with ``mu1 > mu2 + mu3`` and ``mu2 > mu3 >= 0``.
    p1, p2 : float
        Probabilities of mu1 and mu2 (``p3 = 1 - p1 - p2 > 0``).
    p_x : float
        Probability of the X (key) basis, in (0, 1).
    eps_sec, eps_cor : float
        Secrecy and correctness parameters (Lim et al. use 1e-10 and 1e-15).

    Returns
    -------
    FiniteKeyResult

    Examples
    --------
    >>> finite_key_length(50.0, 1e10).key_length > 0
    True
    """
    owner = "finite_key_length"
    system = _check_system(system, owner)
    _check_inputs(n_pulses, eps_sec, eps_cor, owner)
    vals = [float(v) for v in (mu1, mu2, mu3, p1, p2, p_x)]
    mu1, mu2, mu3, p1, p2, p_x = vals
    if not all(math.isfinite(v) for v in vals):
        raise ParameterError(f"{owner}(): intensities and probabilities must be finite; got {vals}")
    if not (mu3 >= 0 and mu2 > mu3 and mu1 > mu2 + mu3):
        raise ParameterError(
            f"{owner}(): intensities mu1={mu1}, mu2={mu2}, mu3={mu3} must satisfy mu1 > mu2 + mu3 and mu2 > mu3 >= 0"
        )
    if not (p1 > 0 and p2 > 0 and p1 + p2 < 1 and 0 < p_x < 1):
        raise ParameterError(
            f"{owner}(): probabilities p1={p1}, p2={p2}, p_x={p_x} must satisfy p1, p2 > 0, p1 + p2 < 1, 0 < p_x < 1"
        )
    eta = float(system.transmittance(distance_km))
    ell, sx0, sx1, phi, ex = _length(float(n_pulses), eta, system, mu1, mu2, mu3, p1, p2, p_x, eps_sec, eps_cor)
    return FiniteKeyResult(float(n_pulses), float(ell), float(ell) / float(n_pulses), mu1, mu2, mu3, p1, p2, p_x,
                           float(sx0), float(sx1), float(phi), float(ex))


def finite_key_rate(distance_km: float, n_pulses: float | None, system: QKDSystem | None = None, *,
                    mu3: float = 2e-4, eps_sec: float = 1e-10, eps_cor: float = 1e-15,
                    block_size_x: float | None = None) -> FiniteKeyResult:
    """Finite-size key rate with ``mu1, mu2, p1, p2, p_x`` optimized (Nelder-Mead, scipy).

    Starts from a few points and keeps the best; returns a zero-length result (with the
    starting parameters) where no positive key is found.

    Either ``n_pulses`` (pulses sent, N) is fixed, or (``n_pulses=None``) the post-processing
    block size ``block_size_x`` = n_X (X-basis detections), as in Lim et al. 2014, Fig. 1; then
    N is the expected number of pulses giving n_X detections, ``N = n_X / (p_x**2 sum_k p_k Q_k)``,
    and the rate is ``l / N``.

    Examples
    --------
    >>> finite_key_rate(50.0, 1e10).key_rate_per_pulse > finite_key_rate(50.0, 1e8).key_rate_per_pulse
    True
    """
    from scipy.optimize import minimize

    owner = "finite_key_rate"
    system = _check_system(system, owner)
    if (n_pulses is None) == (block_size_x is None):
        raise ParameterError(
            f"{owner}(): give exactly one of n_pulses={n_pulses!r} and block_size_x={block_size_x!r}"
        )
    n_x = None
    if n_pulses is None:
        _check_inputs(block_size_x, eps_sec, eps_cor, owner)
        n_x = float(block_size_x)
    else:
        _check_inputs(n_pulses, eps_sec, eps_cor, owner)
    if not (isinstance(mu3, numbers.Real) and 0 <= mu3 < 0.05):
        raise ParameterError(f"{owner}(): mu3={mu3!r} must lie in [0, 0.05)")
    eta = float(system.transmittance(distance_km))
    n = float(n_pulses) if n_x is None else 0.0

    def unpack(x):
        sig = 1.0 / (1.0 + np.exp(-np.asarray(x)))
        mu1 = 0.05 + 1.15 * sig[0]
        mu2 = mu3 + (mu1 - 2 * mu3) * 0.95 * sig[1] + 1e-6
        p1 = 0.02 + 0.96 * sig[2]
        p2 = (1 - p1) * (0.02 + 0.96 * sig[3])
        p_x = 0.02 + 0.97 * sig[4]
        return mu1, mu2, mu3, p1, p2, p_x

    def neg(x):
        params = unpack(x)
        if n_x is None:
            return -_length(n, eta, system, *params, eps_sec, eps_cor)[0]
        ell = _length(None, eta, system, *params, eps_sec, eps_cor, n_x=n_x)[0]
        return -ell / _pulses_for_block(n_x, eta, system, *params)

    def logit(v):
        return math.log(v / (1 - v))

    best_x, best_v = None, 0.0
    for mu1_0, frac2, p1_0, px_0 in ((0.5, 0.25, 0.6, 0.8), (0.4, 0.35, 0.4, 0.6), (0.7, 0.2, 0.8, 0.9)):
        x0 = np.array([logit((mu1_0 - 0.05) / 1.15), logit(frac2), logit((p1_0 - 0.02) / 0.96), 0.0,
                       logit((px_0 - 0.02) / 0.97)])
        res = minimize(neg, x0, method="Nelder-Mead", options={"xatol": 1e-3, "fatol": 0.0, "maxiter": 600})
        if -res.fun > best_v:
            best_v, best_x = -res.fun, res.x
    if best_x is None:
        mu1, mu2, p1, p2, p_x = 0.5, 0.1, 0.7, 0.2, 0.8
    else:
        mu1, mu2, _, p1, p2, p_x = unpack(best_x)
    if n_x is not None:
        n = _pulses_for_block(n_x, eta, system, mu1, mu2, mu3, p1, p2, p_x)
        if not math.isfinite(n):
            return FiniteKeyResult(math.inf, 0.0, 0.0, mu1, mu2, mu3, p1, p2, p_x, 0.0, 0.0, 0.5, 0.5)
    return finite_key_length(distance_km, n, system, mu1=mu1, mu2=mu2, mu3=mu3, p1=p1, p2=p2, p_x=p_x,
                             eps_sec=eps_sec, eps_cor=eps_cor)


def finite_key_curve(distance_km, n_pulses: float, system: QKDSystem | None = None, *, mu3: float = 2e-4,
                     eps_sec: float = 1e-10, eps_cor: float = 1e-15):
    """Finite-size key rate versus distance for a block of ``n_pulses`` (parameters optimized per distance).

    Returns a :class:`protocols.keyrate.KeyRateCurve` (protocol ``"bb84-decoy-finite"``) whose
    ``key_rate_per_pulse`` is ``l / N`` of the efficient (biased-basis) protocol of Lim et al.
    2014, ``qber`` the X-basis QBER and ``mu`` the optimized signal intensity ``mu1``. Beyond
    the last distance with a key, the optimizer's starting parameters are reported.

    Examples
    --------
    >>> c = finite_key_curve([50.0, 300.0], 1e10)
    >>> bool(c.key_rate_per_pulse[0] > 0), float(c.key_rate_per_pulse[1])
    (True, 0.0)
    """
    from .bounds import fiber_transmissivity, plob_bound
    from .keyrate import KeyRateCurve, _distances

    owner = "finite_key_curve"
    system = _check_system(system, owner)
    d = _distances(distance_km, owner)
    res = []
    for x in d:
        if res and res[-1].key_length == 0.0:
            # rates decrease with distance: once zero, stay zero (saves the optimizations)
            res.append(finite_key_length(float(x), n_pulses, system, mu3=mu3, eps_sec=eps_sec, eps_cor=eps_cor))
            continue
        res.append(finite_key_rate(float(x), n_pulses, system, mu3=mu3, eps_sec=eps_sec, eps_cor=eps_cor))
    r = np.array([x.key_rate_per_pulse for x in res])
    return KeyRateCurve(
        distance_km=d,
        key_rate_per_pulse=r,
        key_rate_bps=r * system.rep_rate_hz,
        qber=np.array([x.qber_x for x in res]),
        mu=np.array([x.mu1 for x in res]),
        plob_per_pulse=np.asarray(plob_bound(fiber_transmissivity(d, system.attenuation_db_per_km)), dtype=float),
        protocol="bb84-decoy-finite",
        params={"system": system.to_dict(), "n_pulses": float(n_pulses), "eps_sec": eps_sec, "eps_cor": eps_cor,
                "mu3": mu3},
    )
