"""BB84 secret-key rates: analytic asymptotic formulas and a Monte Carlo of the protocol.

Link model (one fiber span between Alice and Bob, :class:`~protocols.qkd.system.QKDSystem`):

* the overall transmittance of a photon is ``eta = detector_efficiency * 10**(-alpha L / 10)``
  (fiber loss from :class:`channels.Fiber`);
* ``dark_count_prob`` = ``Y0``, the probability of a background click of Bob's detection
  system in one detection window (both detectors together), independent of the signal;
* a signal click has an error with probability ``misalignment`` (``e_d``), a click caused only
  by background has error 1/2 (``e_0``);
* ``ec_efficiency`` = ``f >= 1``, the error-correction leak is ``f h(E)`` per sifted bit;
* BB84 with random symmetric bases, so a fraction ``q = 1/2`` of clicks is sifted.

With this model the yield and error of an n-photon state are, exactly,
``Y_n = 1 - (1 - Y0) (1 - eta)**n`` and
``e_n Y_n = e_d (1 - (1 - eta)**n) + e_0 Y0 (1 - eta)**n``, and for a phase-randomized
coherent state of mean ``mu``: ``Q_mu = 1 - (1 - Y0) exp(-eta mu)``,
``E_mu Q_mu = e_d (1 - exp(-eta mu)) + e_0 Y0 exp(-eta mu)``. These agree with Ma, Qi, Zhao,
Lo, Phys. Rev. A 72, 012326 (2005), Eqs. (1)-(5), up to the ``O(Y0 eta)`` terms that paper
drops (it adds dark and signal clicks); we keep them so that the Monte Carlo below is the
*same* stochastic process as the formulas.

Key rates (per signal pulse; times ``rep_rate_hz`` for bits per second):

* single-photon BB84, Shor-Preskill (Shor & Preskill, PRL 85, 441 (2000)):
  ``R = q Y1 [1 - f h(e1) - h(e1)]``; per sifted bit ``1 - f h(Q) - h(Q)``, which for ``f = 1``
  is ``1 - 2 h(Q)``, positive for ``Q < 11.0 %``.
* weak coherent pulses, GLLP with an infinite number of decoys (Gottesman, Lo, Lutkenhaus,
  Preskill, QIC 4, 325 (2004); Lo, Ma, Chen, PRL 94, 230504 (2005), Eq. (1)):
  ``R = q {-Q_mu f h(E_mu) + Q_1 [1 - h(e_1)]}``, ``Q_1 = Y_1 mu exp(-mu)``.
* vacuum + weak decoy (Ma, Qi, Zhao, Lo 2005, Eqs. (34) and (37)): the same formula with the
  lower bound ``Y_1^L`` and upper bound ``e_1^U`` estimated from ``Q_mu, Q_nu, Y0``.

The signal intensity ``mu`` is optimized per distance by :func:`optimal_mu`. The formulas are
written once, in :mod:`protocols.qkd._common`, and shared with the other QKD modules; the Monte
Carlo's compiled kernel (:mod:`protocols.qkd._kernels`) is imported on its first run only.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike

from qnet_core.errors import ParameterError
from qnet_core.metrics import _binary_entropy as binary_entropy  # clips rounding-level estimates
from qnet_core.random import SeedLike, as_generator, spawn_seeds
from qnet_core._args import real, real_array
from qnet_core.validation import check_nonnegative, check_positive, check_probability

from ._common import (DECOY_METHODS, E0, SIFT_FACTOR, _check_decoy, _check_system, _coherent_gain_error,
                      _decoy_estimates_vacuum_weak, _decoy_rate_eta, _optimize_mu, _rate_single_photon_eta, _ret,
                      _single_photon_yield_error)
from .system import GYS_2004, QKDSystem  # noqa: F401  (defined in .system; still importable from here)

__all__ = [
    "DECOY_METHODS",
    "SIFT_FACTOR",
    "shor_preskill_key_fraction",
    "single_photon_yield_error",
    "coherent_gain_error",
    "bb84_single_photon_rate",
    "decoy_bb84_rate",
    "decoy_estimates_vacuum_weak",
    "optimal_mu",
    "max_distance_km",
    "MonteCarloResult",
    "simulate_decoy_bb84",
]


def _owner_check_positive_int(value, name, owner):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ParameterError(f"{owner}(): {name}={value!r} must be a positive integer")
    return int(value)


def _check_mu_array(mu, owner, name="mu"):
    return real_array(mu, name, owner, lo=0.0, lo_open=True, what="an intensity (mean photon number)")


#: Most chunks (seed streams) one Monte Carlo run may use; a larger run is refused up front.
#: Each chunk costs ~0.2 ms of Python overhead besides its pulses, so more chunks than this only
#: add overhead (raise ``chunk_pulses``; 4096 chunks of the default 2**27 pulses is 5.5e11 pulses).
MAX_CHUNKS = 4096
#: Most pulses one Monte Carlo run may simulate: counts stay exact in float64 below 2**53.
MAX_PULSES = 2**53


def _probs(value, name, owner, hi=1.0):
    return real_array(value, name, owner, lo=0.0, hi=hi)


# ----------------------------------------------------------------------------- closed forms
def shor_preskill_key_fraction(qber: ArrayLike, ec_efficiency: float = 1.0) -> float | np.ndarray:
    """Secret fraction per sifted bit ``1 - f h(Q) - h(Q)`` (Shor-Preskill), clipped at 0.

    With ``f = 1`` this is ``1 - 2 h(Q)``, zero at ``Q = 11.00 %``
    (Shor & Preskill, PRL 85, 441 (2000)).

    Parameters
    ----------
    qber : float or array_like
        Quantum bit error rate(s) Q in [0, 0.5].
    ec_efficiency : float, default 1.0
        Error-correction inefficiency f >= 1 (1 is the Shannon limit).

    Returns
    -------
    float or numpy.ndarray
        Secret bits per sifted bit, in [0, 1], shaped like ``qber``.

    Examples
    --------
    >>> round(shor_preskill_key_fraction(0.0), 3)
    1.0
    """
    q = real_array(qber, "qber", "shor_preskill_key_fraction", lo=0.0, hi=0.5, what="a QBER")
    f = check_positive(ec_efficiency, "ec_efficiency", "shor_preskill_key_fraction")
    if f < 1:
        raise ParameterError(f"shor_preskill_key_fraction(): ec_efficiency={ec_efficiency!r} must be >= 1")
    h = binary_entropy(q)
    return _ret(np.maximum(0.0, 1.0 - f * h - h))


def single_photon_yield_error(eta: ArrayLike, dark_count_prob: float,
                              misalignment: float) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Yield ``Y1`` and error rate ``e1`` of a single photon through transmittance ``eta``.

    ``Y1 = 1 - (1 - Y0)(1 - eta)``, ``e1 Y1 = e_d eta + Y0 (1 - eta) / 2``.

    Parameters
    ----------
    eta : float or array_like
        Overall transmittance (channel times detector efficiency), in [0, 1].
    dark_count_prob : float
        Background yield Y0 per pulse, in [0, 1].
    misalignment : float
        Optical error probability e_d, in [0, 1/2].

    Returns
    -------
    y1 : float or numpy.ndarray
        Single-photon yield Y1 in [0, 1], shaped like ``eta``.
    e1 : float or numpy.ndarray
        Single-photon error rate e1 (1/2 where Y1 = 0).

    Examples
    --------
    >>> y1, e1 = single_photon_yield_error(1.0, 0.0, 0.02)
    >>> (y1, e1)
    (1.0, 0.02)
    """
    owner = "single_photon_yield_error"
    eta = _probs(eta, "eta", owner)
    y0 = real(dark_count_prob, "dark_count_prob", owner, lo=0.0, hi=1.0)
    ed = real(misalignment, "misalignment", owner, lo=0.0, hi=0.5)
    y1, e1 = _single_photon_yield_error(eta, y0, ed)
    return _ret(y1), _ret(e1)


def coherent_gain_error(eta: ArrayLike, mu: ArrayLike, dark_count_prob: float,
                        misalignment: float) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Gain ``Q_mu`` and QBER ``E_mu`` of a phase-randomized coherent state of mean ``mu``.

    ``Q = 1 - (1 - Y0) exp(-eta mu)``, ``E Q = e_d (1 - exp(-eta mu)) + Y0 exp(-eta mu) / 2``
    (Ma, Qi, Zhao, Lo 2005, Eqs. (3)-(5), keeping the ``Y0 eta`` cross terms).

    Parameters
    ----------
    eta : float or array_like
        Overall transmittance (channel times detector efficiency), in [0, 1].
    mu : float or array_like
        Mean photon number per pulse (> 0); broadcasts against ``eta``.
    dark_count_prob : float
        Background yield Y0 per pulse, in [0, 1].
    misalignment : float
        Optical error probability e_d, in [0, 1/2].

    Returns
    -------
    q : float or numpy.ndarray
        Gain Q_mu (click probability per pulse), broadcast shape of ``eta`` and ``mu``.
    e : float or numpy.ndarray
        QBER E_mu of the clicks.

    Examples
    --------
    >>> q, e = coherent_gain_error(1.0, 1e-9, 0.0, 0.0)
    >>> round(q * 1e9, 6), e
    (1.0, 0.0)
    """
    owner = "coherent_gain_error"
    eta = _probs(eta, "eta", owner)
    mu = real_array(mu, "mu", owner, lo=0.0, what="an intensity (mean photon number)")
    y0 = real(dark_count_prob, "dark_count_prob", owner, lo=0.0, hi=1.0)
    ed = real(misalignment, "misalignment", owner, lo=0.0, hi=0.5)
    q, e = _coherent_gain_error(eta, mu, y0, ed)
    return _ret(q), _ret(e)


def bb84_single_photon_rate(distance_km: ArrayLike, system: QKDSystem | None = None,
                            per: str = "pulse") -> float | np.ndarray:
    """Asymptotic key rate of BB84 with an ideal single-photon source (Shor-Preskill).

    ``R = q Y1 [1 - f h(e1) - h(e1)]`` per pulse with ``q = 1/2``.

    Parameters
    ----------
    distance_km : float or array_like
        Fiber length(s) in km (>= 0).
    system : QKDSystem, optional
        Hardware; default ``QKDSystem()``.
    per : {"pulse", "sifted", "second"}
        Normalization: secret bits per emitted pulse, per sifted bit, or per second
        (``rep_rate_hz`` pulses per second).

    Returns
    -------
    float or ndarray
        Key rate, same shape as ``distance_km``; 0.0 where no key can be made.

    Examples
    --------
    >>> bb84_single_photon_rate(0.0, QKDSystem(dark_count_prob=0.0, misalignment=0.0, detector_efficiency=1.0))
    0.5
    """
    system = _check_system(system, "bb84_single_photon_rate")
    eta = system.transmittance(distance_km)
    r, e1 = _rate_single_photon_eta(eta, system)
    return _ret(_normalize(r, per, system, np.asarray(eta), "bb84_single_photon_rate", single=True))


def _normalize(r_pulse, per, system, eta, owner, single=False, q_sift=None):
    if per == "pulse":
        return r_pulse
    if per == "second":
        return r_pulse * system.rep_rate_hz
    if per == "sifted":
        if q_sift is None:
            q_sift, _ = _single_photon_yield_error(eta, system.dark_count_prob, system.misalignment)
        q_sift = SIFT_FACTOR * np.asarray(q_sift)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(q_sift > 0, r_pulse / np.where(q_sift > 0, q_sift, 1.0), 0.0)
    raise ParameterError(f"{owner}(): per={per!r} is not allowed; use 'pulse', 'sifted' or 'second'")


def decoy_estimates_vacuum_weak(q_mu: ArrayLike, e_mu: ArrayLike, q_nu: ArrayLike, e_nu: ArrayLike, y0: ArrayLike,
                                mu: ArrayLike, nu: ArrayLike) -> tuple[float | np.ndarray, float | np.ndarray]:
    """Vacuum + weak decoy bounds ``(Y1^L, e1^U)`` (Ma, Qi, Zhao, Lo 2005, Eqs. (34), (37)).

    ``Y1^L = mu / (mu nu - nu**2) [Q_nu e**nu - Q_mu e**mu nu**2 / mu**2 - (mu**2 - nu**2) / mu**2 Y0]``
    and ``e1^U = (E_nu Q_nu e**nu - Y0 / 2) / (Y1^L nu)``. Vectorized; ``Y1^L`` is clipped at
    0 and ``e1^U`` into [0, 1/2] (a non-positive ``Y1^L`` means no key).

    Parameters
    ----------
    q_mu, e_mu : float or array_like
        Gain and QBER of the signal states (intensity ``mu``).
    q_nu, e_nu : float or array_like
        Gain and QBER of the weak decoy states (intensity ``nu``).
    y0 : float or array_like
        Vacuum yield (background click probability).
    mu, nu : float or array_like
        Signal and weak decoy intensities, ``0 < nu < mu``.

    Returns
    -------
    y1 : float or numpy.ndarray
        Lower bound on the single-photon yield, >= 0.
    e1 : float or numpy.ndarray
        Upper bound on the single-photon error rate, in [0, 1/2].

    Examples
    --------
    >>> y1, e1 = decoy_estimates_vacuum_weak(0.0, 0.0, 0.0, 0.0, 0.0, 0.5, 0.1)
    >>> (y1, e1)
    (0.0, 0.5)
    """
    owner = "decoy_estimates_vacuum_weak"
    q_mu, e_mu, q_nu, e_nu, y0 = (_probs(v, n, owner) for v, n in ((q_mu, "q_mu"), (e_mu, "e_mu"), (q_nu, "q_nu"),
                                                                     (e_nu, "e_nu"), (y0, "y0")))
    mu = _check_mu_array(mu, owner)
    nu = _check_mu_array(nu, owner, "nu")
    # exp(mu) overflows above ~709; such intensities carry no single-photon information
    mu = real_array(mu, "mu", owner, hi=700.0, what="an intensity (mean photon number)")
    if np.any(mu <= nu):
        raise ParameterError(f"{owner}(): mu={_ret(mu)!r} must exceed the weak decoy intensity nu={_ret(nu)!r}")
    y1, e1 = _decoy_estimates_vacuum_weak(q_mu, e_mu, q_nu, e_nu, y0, mu, nu)
    return _ret(y1), _ret(e1)


def decoy_bb84_rate(distance_km: ArrayLike, mu: ArrayLike | None = None, system: QKDSystem | None = None,
                    decoy: str = "infinite", nu: float = 0.05, per: str = "pulse") -> float | np.ndarray:
    """Asymptotic key rate of decoy-state BB84 with weak coherent pulses.

    Parameters
    ----------
    distance_km : float or array_like
        Fiber length(s) in km.
    mu : float or array_like, optional
        Signal intensity (mean photon number, > 0). ``None`` optimizes it per distance
        (:func:`optimal_mu`).
    system : QKDSystem, optional
    decoy : {"infinite", "vacuum+weak"}
        ``"infinite"``: GLLP with exact single-photon yield and error (infinitely many decoys;
        Lo, Ma, Chen 2005, Eq. (1)). ``"vacuum+weak"``: the practical estimate of Ma, Qi, Zhao,
        Lo 2005 (Eqs. (34), (37)) with a vacuum decoy and a weak decoy of intensity ``nu``.
    nu : float, default 0.05
        Weak decoy intensity (must be < mu), used by ``"vacuum+weak"`` only.
    per : {"pulse", "sifted", "second"}
        Normalization (per signal pulse, per sifted signal bit, per second).

    Returns
    -------
    float or ndarray
        Rate (0.0 where no key), same shape as ``distance_km``.

    Examples
    --------
    >>> r = decoy_bb84_rate(50.0, mu=0.5, system=GYS_2004)
    >>> 1e-4 < r < 1e-3
    True
    """
    owner = "decoy_bb84_rate"
    system = _check_system(system, owner)
    decoy, nu = _check_decoy(decoy, nu, owner)
    eta = np.asarray(system.transmittance(distance_km))
    if mu is None:
        mu_arr, _ = _optimize_mu(eta, system, decoy, nu)
    else:
        mu_arr = _check_mu_array(mu, owner)  # broadcasts against distance_km
        if decoy == "vacuum+weak" and np.any(mu_arr <= nu):
            raise ParameterError(f"{owner}(): mu={mu!r} must exceed the weak decoy intensity nu={nu!r}")
    r, e_mu, q_mu = _decoy_rate_eta(eta, mu_arr, system, decoy, nu)
    return _ret(_normalize(r, per, system, eta, owner, q_sift=q_mu))


def optimal_mu(distance_km: ArrayLike, system: QKDSystem | None = None, decoy: str = "infinite",
               nu: float = 0.05) -> float | np.ndarray:
    """Signal intensity maximizing the decoy-state key rate at each distance.

    Searches mu in [1e-3, 1.2] on a log grid, refined by golden section. Where no key can be
    made at any mu the returned mu is the grid point with the largest (zero) rate, i.e. the
    smallest grid value.

    Parameters
    ----------
    distance_km : float or array_like
        Fiber length(s) in km (>= 0).
    system : QKDSystem, optional
        Hardware; default ``QKDSystem()``.
    decoy : {"infinite", "vacuum+weak"}, default "infinite"
        Decoy method, as in :func:`decoy_bb84_rate`.
    nu : float, default 0.05
        Weak decoy intensity, used by ``"vacuum+weak"`` only.

    Returns
    -------
    (mu, rate) : floats or ndarrays shaped like ``distance_km``

    Examples
    --------
    >>> mu, r = optimal_mu(50.0, GYS_2004)
    >>> 0.3 < mu < 0.8
    True
    """
    owner = "optimal_mu"
    system = _check_system(system, owner)
    decoy, nu = _check_decoy(decoy, nu, owner)
    eta = system.transmittance(distance_km)
    mu, r = _optimize_mu(eta, system, decoy, nu)
    return _ret(mu), _ret(r)


def max_distance_km(rate_fn: Callable[[float], float], hi_km: float = 1000.0, tol_km: float = 1e-3) -> float:
    """Largest distance (km) at which ``rate_fn(distance_km) > 0``, by bisection.

    ``rate_fn`` must be positive at 0 km and monotone decreasing; returns 0.0 if it is not
    positive at 0 and ``hi_km`` if it is still positive there.

    Parameters
    ----------
    rate_fn : callable
        ``rate_fn(distance_km: float) -> float``, e.g. ``lambda d: decoy_bb84_rate(d)``.
    hi_km : float, default 1000.0
        Upper end of the search interval in km.
    tol_km : float, default 1e-3
        Bisection stops when the bracket is narrower than this, km.

    Returns
    -------
    float
        The cut-off distance in km, in ``[0, hi_km]`` (midpoint of the final bracket).

    Examples
    --------
    >>> round(max_distance_km(lambda d: 100.0 - d), 2)
    100.0
    """
    owner = "max_distance_km"
    if not callable(rate_fn):
        raise ParameterError(f"{owner}(): rate_fn={rate_fn!r} must be a callable rate_fn(distance_km) -> float")
    hi = real(hi_km, "hi_km", owner, lo=0.0, lo_open=True)
    tol_km = real(tol_km, "tol_km", owner, lo=0.0, lo_open=True)

    def positive(d):
        r = rate_fn(d)
        try:
            r = real(r, "rate_fn(distance_km)", owner)
        except ParameterError:
            raise ParameterError(f"{owner}(): rate_fn({d!r}) returned {r!r}; it must return a finite real number") \
                from None
        return r > 0

    lo = 0.0
    if not positive(lo):
        return 0.0
    if positive(hi):
        return hi
    for _ in range(2200):  # bisection of a float64 interval ends long before this (mid == lo or hi)
        if not hi - lo > tol_km:
            break
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if positive(mid):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


# ----------------------------------------------------------------------------- Monte Carlo
@dataclass(frozen=True, slots=True)
class MonteCarloResult:
    """Outcome of :func:`simulate_decoy_bb84`.

    Attributes
    ----------
    n_pulses : int
        Pulses sent (all intensities).
    counts : dict
        Per intensity name (``"signal"``, ``"decoy"``, ``"vacuum"``) the integer tallies
        ``pulses, clicks, sifted, sifted_errors, sifted_single, sifted_single_errors, test,
        test_errors, key_single`` (``test*`` = sifted signal bits disclosed for QBER
        estimation; ``key_single`` = undisclosed sifted bits from single-photon pulses).
    qber : float
        Estimated signal QBER from the disclosed test sample.
    y1_lower, e1_upper : float
        Vacuum + weak decoy estimates from the observed gains (Ma et al. 2005, Eqs. (34), (37)).
    key_length : float
        Secret bits from the undisclosed sifted signal bits,
        ``n_key [Q1^L / Q_mu (1 - h(e1^U)) - f h(E_mu)]`` (asymptotic formula on the
        observed frequencies), >= 0.
    key_length_tagged : float
        Same with the true (simulator-tagged) single-photon counts and errors: the
        infinite-decoy (GLLP) key.
    key_rate_per_signal_pulse, key_rate_tagged_per_signal_pulse : float
        ``key_length / (N_signal (1 - test_fraction))``: estimates of the analytic
        vacuum+weak and infinite-decoy rates per signal pulse.
    key_rate_per_pulse : float
        ``key_length / n_pulses``: throughput including decoy and test overhead.
    """

    n_pulses: int
    counts: dict
    qber: float
    y1_lower: float
    e1_upper: float
    key_length: float
    key_length_tagged: float
    key_rate_per_signal_pulse: float
    key_rate_tagged_per_signal_pulse: float
    key_rate_per_pulse: float

    def to_dict(self) -> dict:
        """The result as a JSON-friendly dict.

        Returns
        -------
        dict
            Field name to value, as :func:`dataclasses.asdict` gives it.
        """
        return asdict(self)


_COUNT_NAMES = ("pulses", "clicks", "sifted", "sifted_errors", "sifted_single", "sifted_single_errors",
                "test", "test_errors", "key_single")
_INTENSITY_NAMES = ("signal", "decoy", "vacuum")


def _click_class_table(eta, m, y0, ed):
    """Cumulative P(class, error | click) over (n=0,ok),(n=0,err),(n=1,ok),(n=1,err),(n>=2,ok),(n>=2,err)."""
    if m == 0.0:
        q = y0
        joint = np.array([y0 * (1 - E0), y0 * E0, 0.0, 0.0, 0.0, 0.0])
    else:
        pm0 = math.exp(-m)
        pm1 = m * pm0
        signal = -math.expm1(-eta * m)
        q = signal + y0 * (1.0 - signal)
        eq = ed * signal + E0 * y0 * (1.0 - signal)
        c0 = pm0 * y0
        e0 = pm0 * y0 * E0
        c1 = pm1 * (eta + y0 * (1.0 - eta))
        e1 = pm1 * (ed * eta + E0 * y0 * (1.0 - eta))
        cm = max(q - c0 - c1, 0.0)
        em = min(max(eq - e0 - e1, 0.0), cm)
        joint = np.array([c0 - e0, e0, c1 - e1, e1, cm - em, em])
    if q <= 0:
        return 0.0, np.linspace(0, 1, 7)[1:]
    cum = np.cumsum(joint) / joint.sum()
    cum[-1] = 1.0
    return q, cum


def _simulate_chunk(args):
    """Simulate one chunk of pulses; pure function of its arguments (for process pools)."""
    from ._kernels import simulate_clicks  # numba is imported only by a Monte Carlo run

    n, child, eta, mus, probs, y0, ed, test_fraction = args
    rng = np.random.default_rng(child)
    per_int = rng.multinomial(n, probs)
    out = np.zeros((len(mus), len(_COUNT_NAMES)), dtype=np.int64)
    for k, m in enumerate(mus):
        q, cum = _click_class_table(eta, m, y0, ed)
        clicks = int(rng.binomial(per_int[k], q)) if per_int[k] > 0 and q > 0 else 0
        kseed = int(rng.integers(0, 2**63 - 1))
        tf = test_fraction if k == 0 else 0.0
        res = simulate_clicks(kseed, clicks, np.ascontiguousarray(cum, dtype=np.float64), tf)
        out[k, 0] = per_int[k]
        out[k, 1] = clicks
        out[k, 2:] = res
        if k > 0:
            out[k, -1] = 0  # decoy / vacuum bits are all disclosed, none enter the key
    return out


def simulate_decoy_bb84(distance_km: float, n_pulses: int, mu: float = 0.5, nu: float = 0.1,
                        intensity_probs: ArrayLike = (0.8, 0.1, 0.1), test_fraction: float = 0.1,
                        system: QKDSystem | None = None, seed: SeedLike = None, chunk_pulses: int = 2**27,
                        workers: int = 1) -> MonteCarloResult:
    """Monte Carlo of vacuum + weak decoy BB84 over a fiber, exact in distribution.

    Alice sends ``n_pulses`` phase-randomized coherent pulses, each of intensity ``mu``
    (signal), ``nu`` (weak decoy) or 0 (vacuum) with probabilities ``intensity_probs``; the
    photon number is Poisson, each photon survives fiber and detector with probability
    ``eta``, Bob's system clicks from a surviving photon or from background (``Y0``); random
    bases on both sides, sifting, a random ``test_fraction`` of the sifted signal bits is
    disclosed to estimate the QBER, all sifted decoy/vacuum bits are disclosed; ``Y1`` and
    ``e1`` are bounded from the observed gains (vacuum + weak decoy), and the key length
    follows.

    Method (same stochastic process, no per-pulse loop): the number of pulses of each
    intensity is multinomial; the number of clicks among ``N_k`` pulses of intensity ``k`` is
    ``Binomial(N_k, Q_k)`` (pulses are independent and click with probability ``Q_k``); each
    click is then simulated individually in a numba kernel: its photon-number class
    (0, 1, >= 2) and error are drawn jointly from their exact conditional distribution given a
    click, Alice's bit and basis and Bob's basis are random, Bob's bit is Alice's bit XOR the
    error when the bases match; sifted signal bits are put in the test set with probability
    ``test_fraction``. Pulses that do not click carry no information and are not simulated.

    Reproducibility: pulses are split into ``ceil(n_pulses / chunk_pulses)`` chunks, chunk i
    uses ``spawn_seeds(seed, n_chunks)[i]``, so totals depend on ``seed`` and
    ``chunk_pulses`` only, not on ``workers``.

    Parameters
    ----------
    distance_km : float
        Fiber length in km.
    n_pulses : int
        Pulses sent (> 0).
    mu, nu : float
        Signal and weak-decoy intensities, ``mu > nu > 0``.
    intensity_probs : 3 floats
        Probabilities of signal, decoy, vacuum (each > 0, sum 1).
    test_fraction : float
        Fraction of sifted signal bits disclosed for QBER estimation, in (0, 1).
    system : QKDSystem, optional
    seed : int, Generator, SeedSequence or None
    chunk_pulses : int
        Pulses per chunk (defines the random streams); ``ceil(n_pulses / chunk_pulses)`` must
        not exceed ``MAX_CHUNKS = 4096``.
    workers : int
        Processes (spawn context) used for the chunks; 1 runs in this process.

    Returns
    -------
    MonteCarloResult

    Examples
    --------
    >>> r = simulate_decoy_bb84(25.0, 10**7, system=GYS_2004, seed=1)
    >>> r.counts["signal"]["clicks"] > 0
    True
    """
    owner = "simulate_decoy_bb84"
    system = _check_system(system, owner)
    eta = float(system.transmittance(check_nonnegative(distance_km, "distance_km", owner)))
    n_pulses = _owner_check_positive_int(n_pulses, "n_pulses", owner)
    chunk_pulses = _owner_check_positive_int(chunk_pulses, "chunk_pulses", owner)
    workers = _owner_check_positive_int(workers, "workers", owner)
    mu = check_positive(mu, "mu", owner)
    nu = check_positive(nu, "nu", owner)
    if not mu > nu:
        raise ParameterError(f"{owner}(): mu={mu!r} must exceed the weak decoy intensity nu={nu!r}")
    probs = real_array(intensity_probs, "intensity_probs", owner)
    if probs.shape != (3,) or not np.all(np.isfinite(probs)) or np.any(probs <= 0) or abs(probs.sum() - 1) > 1e-9:
        raise ParameterError(
            f"{owner}(): intensity_probs={intensity_probs!r} must be 3 probabilities > 0 (signal, decoy, vacuum) summing to 1"
        )
    probs = probs / probs.sum()
    test_fraction = check_probability(test_fraction, "test_fraction", owner)
    if not 0.0 < test_fraction < 1.0:
        raise ParameterError(f"{owner}(): test_fraction={test_fraction!r} must lie in (0, 1)")
    if not isinstance(seed, np.random.Generator):
        as_generator(seed)  # validate type early
    if n_pulses > MAX_PULSES:
        raise ParameterError(f"{owner}(): n_pulses={n_pulses} is above 2**53 = {MAX_PULSES}; click counts are "
                             "exact only below it (simulate several runs and add their counts)")
    n_chunks = -(-n_pulses // chunk_pulses)
    if n_chunks > MAX_CHUNKS:
        raise ParameterError(f"{owner}(): n_pulses={n_pulses} in chunks of chunk_pulses={chunk_pulses} makes "
                             f"{n_chunks} chunks; at most {MAX_CHUNKS} are allowed (raise chunk_pulses)")
    children = spawn_seeds(seed, n_chunks)
    mus = (mu, nu, 0.0)
    tasks = [
        (min(chunk_pulses, n_pulses - i * chunk_pulses), children[i], eta, mus, probs,
         system.dark_count_prob, system.misalignment, test_fraction)
        for i in range(n_chunks)
    ]
    if workers == 1 or n_chunks == 1:
        parts = [_simulate_chunk(t) for t in tasks]
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, n_chunks), mp_context=mp.get_context("spawn")) as ex:
            parts = list(ex.map(_simulate_chunk, tasks))
    tot = np.sum(parts, axis=0)
    return _estimate_from_counts(tot, n_pulses, mu, nu, test_fraction, system)


def _estimate_from_counts(tot, n_pulses, mu, nu, test_fraction, system):
    counts = {name: {c: int(tot[k, j]) for j, c in enumerate(_COUNT_NAMES)} for k, name in enumerate(_INTENSITY_NAMES)}
    s, d, v = counts["signal"], counts["decoy"], counts["vacuum"]
    f = system.ec_efficiency

    def ratio(a, b, empty):
        return a / b if b > 0 else empty

    q_mu = ratio(s["clicks"], s["pulses"], 0.0)
    q_nu = ratio(d["clicks"], d["pulses"], 0.0)
    y0 = ratio(v["clicks"], v["pulses"], 0.0)
    e_nu = ratio(d["sifted_errors"], d["sifted"], 0.5)
    qber = ratio(s["test_errors"], s["test"], 0.5)
    with np.errstate(all="ignore"):
        y1l, e1u = (float(v) for v in _decoy_estimates_vacuum_weak(q_mu, qber, q_nu, e_nu, y0, mu, nu))
    if not (math.isfinite(y1l) and math.isfinite(e1u)):
        # the estimate is ill-conditioned (exp(mu) overflows, or mu*nu - nu**2 underflows for a
        # denormal nu): fall back to the trivial bounds Y1 >= 0, e1 <= 1/2, which always hold
        y1l, e1u = 0.0, 0.5
    n_key = s["sifted"] - s["test"]
    h_e = float(binary_entropy(min(qber, 0.5)))
    frac_1 = ratio(y1l * (mu * math.exp(-mu)), q_mu, 0.0)
    key = max(0.0, n_key * (frac_1 * (1.0 - float(binary_entropy(e1u))) - f * h_e))
    # tagged (simulator knows photon numbers): single-photon bits among the key bits
    n1_key = s["key_single"]
    e1_tag = ratio(s["sifted_single_errors"], s["sifted_single"], 0.5)
    key_tag = max(0.0, n1_key * (1.0 - float(binary_entropy(min(e1_tag, 0.5)))) - n_key * f * h_e)
    denom = s["pulses"] * (1.0 - test_fraction)
    return MonteCarloResult(
        n_pulses=int(n_pulses), counts=counts, qber=float(qber), y1_lower=float(y1l), e1_upper=float(e1u),
        key_length=float(key), key_length_tagged=float(key_tag),
        key_rate_per_signal_pulse=float(ratio(key, denom, 0.0)),
        key_rate_tagged_per_signal_pulse=float(ratio(key_tag, denom, 0.0)),
        key_rate_per_pulse=float(key / n_pulses),
    )
