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
expected values under the link model of :mod:`protocols.qkd.bb84` (as in the paper's simulations).
No key (``l = 0``) where the bound on ``s_{X,1}`` or ``s_{Z,1}`` is not positive; ``phi_X`` is
capped at 1/2. ``log2`` of the argument of ``gamma`` is taken as a sum of logarithms, so it does
not overflow when ``v_{Z,1}`` vanishes (a link without errors).

Optimization (:func:`finite_key_rate`, :func:`finite_key_curve`): ``mu1, mu2, p1, p2, p_x`` are
searched in the box ``mu1`` in [0.1, 1.5], ``mu2 = mu3 + t (mu1 - 2 mu3)``,
``p2 = (1 - p1) u``, ``t, u, p1, p_x`` in [0.001, 0.999] (``mu3`` fixed), which keeps every
constraint above. The clipped length is flat (zero) wherever no key exists, so the search
maximizes a continuous surrogate that equals the key length where a key exists and, elsewhere,
the unclipped margin ``l`` (continued through ``s_1 <= 0`` and ``phi_X > 1/2``) per X-basis
detection, which never prefers sending nothing. Both are put on one scale by ``asinh``. The
surrogate is evaluated on 512 points of the Halton sequence (deterministic) and at
the warm start (the previous optimum along a curve); bounded truncated Newton (scipy ``TNC``,
central-difference gradients) then starts from the best three and the warm start, and the best
true key is kept.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike

from qnet_core._args import real
from qnet_core.errors import ParameterError
from qnet_core.metrics import _binary_entropy as binary_entropy  # clips rounding-level estimates

from .._common import close_progress, progress_reporter
from ._common import _check_system, _coherent_gain_error, _distances
from .bounds import fiber_transmissivity, plob_bound
from .curve import KeyRateCurve
from .system import QKDSystem

__all__ = ["FiniteKeyResult", "finite_key_length", "finite_key_rate", "finite_key_curve"]

#: Search box of the optimizer in its own coordinates (mu1, t, p1, u, p_x), see the module docstring.
_BOX_LO = np.array([0.1, 0.001, 0.001, 0.001, 0.001])
_BOX_HI = np.array([1.5, 0.999, 0.999, 0.999, 0.999])
#: Parameters reported with a zero-length result (the defaults of finite_key_length).
_DEFAULTS = {"mu1": 0.5, "mu2": 0.1, "p1": 0.7, "p2": 0.2, "p_x": 0.8}
_N_STARTS = 512  # quasi-random (Halton) starting points
_N_LOCAL = 3  # local searches from the best starting points (plus the warm start)
_FD_STEP = 1e-6  # central-difference step in the unit box
_MARGIN_WEIGHT = 1e3  # scale of the per-detection margin where no key exists


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
        """The result as a JSON-friendly dict.

        Returns
        -------
        dict
            Field name to value, as :func:`dataclasses.asdict` gives it.
        """
        return asdict(self)


def _key_terms(eta, system, mu1, mu2, mu3, p1, p2, p_x, eps_sec, eps_cor, n_pulses=None, n_x=None):
    """Lim et al. 2014 Eqs. (1)-(5) over arrays of protocol parameters (they broadcast together).

    Give ``n_pulses`` (N) or ``n_x`` (expected X-basis detections; N then follows from
    ``n_X = N p_x**2 sum_k p_k Q_k``). Returns ``(length, margin, n_pulses, n_x, s_x0, s_x1,
    phi_x, e_x)``: ``length`` is the key length (>= 0); ``margin`` equals it where it is
    positive and otherwise is the unclipped length continued through ``s_1 <= 0`` and
    ``phi_x > 1/2`` (continuous, negative where no key exists).
    """
    y0, ed, f = system.dark_count_prob, system.misalignment, system.ec_efficiency
    mu1, mu2, mu3, p1, p2, p_x = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64)
                                                       for v in (mu1, mu2, mu3, p1, p2, p_x)))
    mus = np.stack([mu1, mu2, mu3])
    ps = np.stack([p1, p2, 1.0 - p1 - p2])
    q, e = _coherent_gain_error(eta, mus, y0, ed)
    ln = math.log(21.0 / eps_sec)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        n = (n_x / (p_x**2 * np.sum(ps * q, axis=0)) if n_pulses is None
             else np.broadcast_to(np.float64(n_pulses), p_x.shape))
        ok = np.isfinite(n)
        n = np.where(ok, n, 0.0)
        nx_k = n * ps * p_x**2 * q
        nz_k = n * ps * (1.0 - p_x) ** 2 * q
        boltz = np.exp(-mus)
        tau0 = np.sum(ps * boltz, axis=0)
        tau1 = np.sum(ps * boltz * mus, axis=0)
        w = 1.0 / (ps * boltz)

        def pm(counts):  # Hoeffding: n^-_k, n^+_k
            dev = np.sqrt(counts.sum(axis=0) / 2.0 * ln)
            return w * (counts - dev), w * (counts + dev)

        def s01(counts):  # Eqs. (2), (3)
            lo, hi = pm(counts)
            s0 = np.maximum(0.0, tau0 * (mu2 * lo[2] - mu3 * hi[1]) / (mu2 - mu3))
            s1 = tau1 * mu1 * (lo[1] - hi[2] - (mu2**2 - mu3**2) / mu1**2 * (hi[0] - s0 / tau0)) / (
                mu1 * (mu2 - mu3) - mu2**2 + mu3**2
            )
            return s0, s1

        sx0, sx1 = s01(nx_k)
        _, sz1 = s01(nz_k)
        mlo, mhi = pm(nz_k * e)
        vz1 = tau1 * (mhi[1] - mlo[2]) / (mu2 - mu3)  # Eq. (4)
        nx = nx_k.sum(axis=0)
        e_x = np.where(nx > 0, (nx_k * e).sum(axis=0) / nx, 0.5)
        valid = (sx1 > 0) & (sz1 > 0) & ok
        c = np.where(valid, sz1, 1.0)
        d = np.where(valid, sx1, 1.0)
        b_raw = np.maximum(vz1 / c, 1e-300)
        b = np.minimum(b_raw, 0.5)
        log2_arg = (np.log2(c + d) - np.log2(c) - np.log2(d) - np.log2((1.0 - b) * b)
                    + 2.0 * math.log2(21.0 / eps_sec))
        gamma = np.sqrt(np.maximum(0.0, (c + d) * (1.0 - b) * b / (c * d * math.log(2.0)) * log2_arg))
        phi_raw = b_raw + gamma  # Eq. (5) before the cap at 1/2
        phi = np.minimum(phi_raw, 0.5)
        h_phi, h_ex = binary_entropy(np.stack([phi, np.minimum(e_x, 0.5)]))
        rest = sx0 - f * nx * h_ex - 6.0 * math.log2(21.0 / eps_sec) - math.log2(2.0 / eps_cor)
        length = np.where(valid, np.maximum(0.0, rest + sx1 * (1.0 - h_phi)), 0.0)
        # continuation: 1 - h(phi) -> 1/(2 phi) - 1 for phi > 1/2 (-> -1 as s_Z1 -> 0+), then linear in s_1 <= 0
        g = np.where(phi_raw <= 0.5, 1.0 - h_phi, 0.5 / phi_raw - 1.0)
        margin = np.where(valid, rest + sx1 * g,
                          np.where(sx1 <= 0, rest + sx1 + np.minimum(sz1, 0.0), rest - sx1 + sz1))
        margin = np.where(ok, margin, -np.inf)
    return length, margin, n, nx, sx0, sx1, phi, e_x


def _check_inputs(n_pulses, eps_sec, eps_cor, owner):
    if (isinstance(n_pulses, bool) or not isinstance(n_pulses, numbers.Real)
            or (isinstance(n_pulses, numbers.Integral) and n_pulses >= 2**1024)  # beyond float: 10**400
            or not math.isfinite(n_pulses) or n_pulses <= 0):
        raise ParameterError(f"{owner}(): n_pulses={n_pulses!r} must be a finite number > 0")
    for name, v in (("eps_sec", eps_sec), ("eps_cor", eps_cor)):
        if not (isinstance(v, numbers.Real) and 0.0 < v < 1.0):
            raise ParameterError(f"{owner}(): {name}={v!r} must lie in (0, 1)")


def _result(eta, system, n_pulses, n_x, mu1, mu2, mu3, p1, p2, p_x, eps_sec, eps_cor):
    length, _, n, _, sx0, sx1, phi, e_x = (
        float(v) for v in _key_terms(eta, system, mu1, mu2, mu3, p1, p2, p_x, eps_sec, eps_cor, n_pulses, n_x)
    )
    if n_x is not None and n == 0.0:  # no detections at all: infinitely many pulses
        return FiniteKeyResult(math.inf, 0.0, 0.0, mu1, mu2, mu3, p1, p2, p_x, 0.0, 0.0, 0.5, 0.5)
    return FiniteKeyResult(n, length, length / n, mu1, mu2, mu3, p1, p2, p_x, sx0, sx1, phi, e_x)


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

    Notes
    -----
    Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014), Eqs. (1)-(5), with the expected
    counts of the link model of :mod:`protocols.qkd.bb84`.

    Examples
    --------
    >>> finite_key_length(50.0, 1e10).key_length > 0
    True
    """
    owner = "finite_key_length"
    system = _check_system(system, owner)
    _check_inputs(n_pulses, eps_sec, eps_cor, owner)
    # mean photon numbers above 100 leave no single-photon events (and exp(mu) overflows near 709)
    mu1, mu2, mu3 = (real(v, n, owner, lo=0.0, hi=100.0, what="an intensity (mean photon number)")
                     for v, n in ((mu1, "mu1"), (mu2, "mu2"), (mu3, "mu3")))
    p1, p2, p_x = (real(v, n, owner, lo=0.0, hi=1.0) for v, n in ((p1, "p1"), (p2, "p2"), (p_x, "p_x")))
    distance_km = real(distance_km, "distance_km", owner, lo=0.0, what="a fiber length")
    if not (mu3 >= 0 and mu2 > mu3 and mu1 > mu2 + mu3):
        raise ParameterError(
            f"{owner}(): intensities mu1={mu1}, mu2={mu2}, mu3={mu3} must satisfy mu1 > mu2 + mu3 and mu2 > mu3 >= 0"
        )
    if not (p1 > 0 and p2 > 0 and p1 + p2 < 1 and 0 < p_x < 1):
        raise ParameterError(
            f"{owner}(): probabilities p1={p1}, p2={p2}, p_x={p_x} must satisfy p1, p2 > 0, p1 + p2 < 1, 0 < p_x < 1"
        )
    eta = float(system.transmittance(distance_km))
    return _result(eta, system, float(n_pulses), None, mu1, mu2, mu3, p1, p2, p_x, eps_sec, eps_cor)


# ----------------------------------------------------------------------------- optimizer
@functools.cache
def _starting_points():
    """First 512 points (from index 1) of the Halton sequence in [0, 1]**5, bases 2, 3, 5, 7, 11.

    Deterministic and low-discrepancy; written out to avoid importing ``scipy.stats``.
    """
    idx = np.arange(1, _N_STARTS + 1)
    pts = np.zeros((_N_STARTS, 5))
    for j, base in enumerate((2, 3, 5, 7, 11)):
        i, scale = idx.copy(), 1.0
        while np.any(i > 0):  # radical inverse of i in this base
            scale /= base
            pts[:, j] += scale * (i % base)
            i //= base
    return pts


def _box_params(u, mu3):
    """Unit-box points ``u`` (shape (m, 5)) -> ``mu1, mu2, p1, p2, p_x`` arrays of shape (m,)."""
    x = _BOX_LO + (_BOX_HI - _BOX_LO) * np.clip(u, 0.0, 1.0)
    mu1, t, p1, frac2, p_x = x.T
    return mu1, mu3 + t * (mu1 - 2.0 * mu3), p1, (1.0 - p1) * frac2, p_x


def _score(u, task, n_ref=1.0):
    """Surrogate to maximize at unit-box points ``u`` (shape (m, 5)), the key rate per pulse, and N.

    Where a key exists: ``asinh(l)`` for a fixed N, ``asinh(l n_ref / N)`` for a fixed n_X (the
    key per pulse); elsewhere ``asinh(w margin / n_X)``, a deficit per X-basis detection that
    rises towards the region with a key and never rewards sending nothing.
    """
    eta, system, mu3, eps_sec, eps_cor, n_pulses, n_x = task
    mu1, mu2, p1, p2, p_x = _box_params(u, mu3)
    length, margin, n, nx, *_ = _key_terms(eta, system, mu1, mu2, mu3, p1, p2, p_x, eps_sec, eps_cor, n_pulses, n_x)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rate = np.where(n > 0, length / np.where(n > 0, n, 1.0), 0.0)
        gain = margin if n_x is None else margin / n * n_ref
        z = np.where(margin > 0, gain, _MARGIN_WEIGHT * margin / np.maximum(nx, 1e-300))
    return np.arcsinh(np.nan_to_num(z, nan=-1e300, neginf=-1e300)), rate, n


def _optimize(task, warm=None):
    """Unit-box point with the largest key rate found for ``task`` (None if no key), and that rate.

    Surrogate on the Halton starting points and ``warm``; bounded truncated Newton from the best
    ``_N_LOCAL`` of them and from ``warm``.
    """
    from scipy.optimize import minimize

    starts = _starting_points() if warm is None else np.vstack([_starting_points(), warm])
    score, rate, n = _score(starts, task)
    picks = list(np.argsort(-score, kind="stable")[:_N_LOCAL])
    if warm is not None and starts.shape[0] - 1 not in picks:
        picks.append(starts.shape[0] - 1)
    i = int(np.argmax(rate))
    best_u, best_rate = starts[i], float(rate[i])
    steps = _FD_STEP * np.eye(5)
    for i in picks:
        n_ref = float(n[i]) if n[i] > 0 else 1.0

        def neg_score(x, n_ref=n_ref):
            pts = np.clip(np.vstack([x, x + steps, x - steps]), 0.0, 1.0)
            s = _score(pts, task, n_ref)[0]
            return -s[0], -(s[1:6] - s[6:]) / np.diag(pts[1:6] - pts[6:])

        res = minimize(neg_score, starts[i], jac=True, method="TNC", bounds=[(0.0, 1.0)] * 5,
                       options={"maxfun": 400, "ftol": 1e-7})
        x = np.clip(res.x, 0.0, 1.0)
        r = float(_score(x[None], task)[1][0])
        if r > best_rate:
            best_u, best_rate = x, r
    return (best_u if best_rate > 0 else None), best_rate


def _result_at(task, u):
    """``FiniteKeyResult`` of ``task`` at the unit-box point ``u`` (None: the defaults of finite_key_length)."""
    eta, system, mu3, eps_sec, eps_cor, n_pulses, n_x = task
    if u is None:
        p = _DEFAULTS
    else:
        mu1, mu2, p1, p2, p_x = (float(v[0]) for v in _box_params(u[None], mu3))
        p = {"mu1": mu1, "mu2": mu2, "p1": p1, "p2": p2, "p_x": p_x}
    return _result(eta, system, n_pulses, n_x, p["mu1"], p["mu2"], mu3, p["p1"], p["p2"], p["p_x"], eps_sec, eps_cor)


def _check_mu3(mu3, owner):
    if isinstance(mu3, bool) or not (isinstance(mu3, numbers.Real) and 0 <= mu3 < 0.05):
        raise ParameterError(f"{owner}(): mu3={mu3!r} must lie in [0, 0.05)")
    return float(mu3)


def finite_key_rate(distance_km: float, n_pulses: float | None, system: QKDSystem | None = None, *,
                    mu3: float = 2e-4, eps_sec: float = 1e-10, eps_cor: float = 1e-15,
                    block_size_x: float | None = None) -> FiniteKeyResult:
    """Finite-size key rate with ``mu1, mu2, p1, p2, p_x`` optimized (global search, deterministic).

    Parameters
    ----------
    distance_km : float
        Fiber length in km.
    n_pulses : float or None
        Pulses sent in the block, N (> 0); ``None`` to fix ``block_size_x`` instead.
    system : QKDSystem, optional
    mu3 : float
        Weakest (vacuum-like) intensity, fixed, in [0, 0.05).
    eps_sec, eps_cor : float
        Secrecy and correctness parameters.
    block_size_x : float, optional
        Post-processing block size n_X (X-basis detections), as in Lim et al. 2014, Fig. 1;
        then N is the expected number of pulses giving n_X detections,
        ``N = n_X / (p_x**2 sum_k p_k Q_k)``, and the rate ``l / N`` is maximized.

    Returns
    -------
    FiniteKeyResult
        At the optimum; a zero-length result with the defaults of :func:`finite_key_length`
        (``mu1=0.5, mu2=0.1, p1=0.7, p2=0.2, p_x=0.8``) where no key is found.

    Notes
    -----
    Lim et al., PRA 89, 022307 (2014). Maximizes ``l`` (fixed N) or ``l / N`` (fixed n_X) over
    the box of the module docstring: a continuous surrogate (the length where a key exists, the
    margin per X detection elsewhere) on 512 Halton points, then bounded truncated Newton
    (scipy ``TNC``) from the best three.

    Examples
    --------
    >>> finite_key_rate(50.0, 1e10).key_rate_per_pulse > finite_key_rate(50.0, 1e8).key_rate_per_pulse
    True
    """
    owner = "finite_key_rate"
    system = _check_system(system, owner)
    distance_km = real(distance_km, "distance_km", owner, lo=0.0, what="a fiber length")
    if (n_pulses is None) == (block_size_x is None):
        raise ParameterError(
            f"{owner}(): give exactly one of n_pulses={n_pulses!r} and block_size_x={block_size_x!r}"
        )
    _check_inputs(block_size_x if n_pulses is None else n_pulses, eps_sec, eps_cor, owner)
    mu3 = _check_mu3(mu3, owner)
    n_pulses = None if n_pulses is None else float(n_pulses)
    n_x = None if block_size_x is None else float(block_size_x)
    eta = float(system.transmittance(distance_km))
    task = (eta, system, mu3, eps_sec, eps_cor, n_pulses, n_x)
    return _result_at(task, _optimize(task)[0])


def finite_key_curve(distance_km: ArrayLike, n_pulses: float, system: QKDSystem | None = None, *, mu3: float = 2e-4,
                     eps_sec: float = 1e-10, eps_cor: float = 1e-15,
                     progress: bool | Callable[[int, int], object] | None = None) -> KeyRateCurve:
    """Finite-size key rate versus distance for a block of ``n_pulses`` (parameters optimized per distance).

    Parameters
    ----------
    distance_km : float or 1-D array_like
        Fiber lengths in km (>= 0), in any order.
    n_pulses : float
        Pulses sent in the block, N (> 0).
    system : QKDSystem, optional
    mu3, eps_sec, eps_cor : float
        As in :func:`finite_key_rate`.
    progress : None, True or callable
        ``progress(done_distances, total_distances)`` is called after each distance (``True``:
        a ``tqdm`` bar, needs the ``progress`` extra). The result does not depend on it.

    Returns
    -------
    KeyRateCurve
        Protocol ``"bb84-decoy-finite"``; ``key_rate_per_pulse`` is ``l / N`` of the efficient
        (biased-basis) protocol of Lim et al. 2014, ``qber`` the X-basis QBER and ``mu`` the
        optimized signal intensity ``mu1``. Where there is no key, the defaults of
        :func:`finite_key_length` are reported.

    Notes
    -----
    Distances are optimized in increasing order as in :func:`finite_key_rate`, each one also
    starting from the previous distance's optimum (warm start); beyond the first distance
    without a key no more optimizations are run (the key shrinks with distance).

    Examples
    --------
    >>> c = finite_key_curve([50.0, 300.0], 1e10)
    >>> bool(c.key_rate_per_pulse[0] > 0), float(c.key_rate_per_pulse[1])
    (True, 0.0)
    """
    owner = "finite_key_curve"
    system = _check_system(system, owner)
    d = _distances(distance_km, owner)
    _check_inputs(n_pulses, eps_sec, eps_cor, owner)
    mu3 = _check_mu3(mu3, owner)
    n_pulses = float(n_pulses)
    res = [None] * d.size
    warm, exhausted = None, False
    report = progress_reporter(progress, d.size, owner, "distances")
    try:
        for done, i in enumerate(np.argsort(d, kind="stable"), 1):
            eta = float(system.transmittance(float(d[i])))
            task = (eta, system, mu3, eps_sec, eps_cor, n_pulses, None)
            u = None if exhausted else _optimize(task, warm)[0]
            res[i] = _result_at(task, u)
            warm, exhausted = u, u is None
            if report is not None:
                report(done, d.size)
    finally:
        close_progress(report)
    r = np.array([x.key_rate_per_pulse for x in res])
    return KeyRateCurve(
        distance_km=d,
        key_rate_per_pulse=r,
        key_rate_bps=r * system.rep_rate_hz,
        qber=np.array([x.qber_x for x in res]),
        mu=np.array([x.mu1 for x in res]),
        plob_per_pulse=np.asarray(plob_bound(fiber_transmissivity(d, system.attenuation_db_per_km)), dtype=float),
        protocol="bb84-decoy-finite",
        params={"system": system.to_dict(), "n_pulses": n_pulses, "eps_sec": eps_sec, "eps_cor": eps_cor,
                "mu3": mu3},
    )
