"""Invariants of the finite-key optimizer (protocols.qkd.finite_key): it is never beaten by brute force.

Key length of Lim, Curty, Walenta, Xu, Zbinden, Phys. Rev. A 89, 022307 (2014), Eqs. (1)-(5);
:func:`protocols.qkd.finite_key.finite_key_rate` maximizes it over ``mu1, mu2, p1, p2, p_x``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.qkd.bb84 import QKDSystem, max_distance_km
from protocols.qkd.finite_key import _key_terms, finite_key_curve, finite_key_length, finite_key_rate
from protocols.qkd.keyrate import key_rate_curve

MU3 = 2e-4
#: The optimizer's search box (module docstring): mu1 in [0.1, 1.5]; t = (mu2 - mu3) / (mu1 - 2 mu3),
#: p1, u = p2 / (1 - p1) and p_x in [0.001, 0.999].
BOX_LO = np.array([0.1, 0.001, 0.001, 0.001, 0.001])
BOX_HI = np.array([1.5, 0.999, 0.999, 0.999, 0.999])


def grid_search(distance_km, system, n_pulses=None, block_size_x=None, eps_sec=1e-10, points=7, zoom=5):
    """Brute force: a ``points**5`` grid over the box, then two ``zoom**5`` grids around the best point.

    Maximizes ``l`` (fixed ``n_pulses``) or ``l / N`` (fixed ``block_size_x``); returns
    ``(objective, dict of mu1, mu2, p1, p2, p_x)``.
    """
    eta = float(system.transmittance(distance_km))

    def best_of(axes):
        mu1, t, p1, u, p_x = (a.ravel() for a in np.meshgrid(*axes, indexing="ij"))
        mu2, p2 = MU3 + t * (mu1 - 2 * MU3), (1 - p1) * u
        length, _, n, *_ = _key_terms(eta, system, mu1, mu2, MU3, p1, p2, p_x, eps_sec, 1e-15, n_pulses, block_size_x)
        obj = length if block_size_x is None else np.where(n > 0, length / np.where(n > 0, n, 1.0), 0.0)
        i = int(np.argmax(obj))
        return float(obj[i]), np.array([mu1[i], t[i], p1[i], u[i], p_x[i]]), (mu1[i], mu2[i], p1[i], p2[i], p_x[i])

    step = (BOX_HI - BOX_LO) / (points + 1)
    best = best_of([np.linspace(a, b, points + 2)[1:-1] for a, b in zip(BOX_LO, BOX_HI)])
    for _ in range(2):
        x = best[1]
        cand = best_of([np.clip(np.linspace(c - s, c + s, zoom), a, b) for c, s, a, b in zip(x, step, BOX_LO, BOX_HI)])
        best = max(best, cand, key=lambda r: r[0])
        step = step * 2 / (zoom - 1)
    return best[0], dict(zip(("mu1", "mu2", "p1", "p2", "p_x"), (float(v) for v in best[2])))


def optimized(distance_km, system, n_pulses=None, block_size_x=None, eps_sec=1e-10):
    r = finite_key_rate(distance_km, n_pulses, system, eps_sec=eps_sec, block_size_x=block_size_x)
    return r.key_length if block_size_x is None else r.key_rate_per_pulse


DEFAULT = QKDSystem()
LOW_ERROR = QKDSystem(misalignment=0.005)
LINK_1 = QKDSystem(detector_efficiency=0.1, dark_count_prob=1.2e-6, misalignment=0.0240391, ec_efficiency=1.16)
NOISY = QKDSystem(detector_efficiency=0.3, dark_count_prob=1e-5, misalignment=0.03, ec_efficiency=1.1)

#: (system, distance_km, n_pulses, block_size_x, eps_sec); several lie within a few km of the
#: largest distance with a key, where the feasible region is small.
CASES = {
    "default-1e8-50km": (DEFAULT, 50.0, 1e8, None, 1e-10),
    "default-1e10-155km": (DEFAULT, 155.0, 1e10, None, 1e-10),
    "low-error-1e9-130km": (LOW_ERROR, 130.0, 1e9, None, 1e-10),
    "low-error-1e12-183km": (LOW_ERROR, 183.0, 1e12, None, 1e-10),
    "link1-1e11-160km": (LINK_1, 160.0, 1e11, None, 1e-10),
    "noisy-1e9-115km": (NOISY, 115.0, 1e9, None, 1e-10),
    "link1-nx1e4-20km": (LINK_1, 20.0, None, 1e4, 1e-12),
    "link1-nx1e4-125km": (LINK_1, 125.0, None, 1e4, 1e-12),
    "noisy-nx1e6-145km": (NOISY, 145.0, None, 1e6, 1e-10),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_optimizer_never_beaten_by_grid_search(case):
    """Lim et al. 2014 key length: the optimum found is at least the best of a dense grid (1 % slack)."""
    system, d, n, n_x, eps = case
    grid, params = grid_search(d, system, n, n_x, eps)
    assert grid > 0  # every case has a key
    assert optimized(d, system, n, n_x, eps) >= 0.99 * grid
    if n is not None:  # the grid's objective is the public key length
        length = finite_key_length(d, n, system, mu3=MU3, eps_sec=eps, **params).key_length
        assert length == pytest.approx(grid, rel=1e-9)


@settings(max_examples=10, deadline=None)
@given(eff=st.floats(0.05, 0.8), log_y0=st.floats(-8.0, -4.5), ed=st.floats(0.0, 0.05), f=st.floats(1.0, 1.3),
       d=st.floats(0.0, 220.0), log_n=st.floats(7.0, 13.0), log_eps=st.floats(-12.0, -6.0))
def test_optimizer_never_beaten_by_grid_search_random_links(eff, log_y0, ed, f, d, log_n, log_eps):
    system = QKDSystem(detector_efficiency=eff, dark_count_prob=10**log_y0, misalignment=ed, ec_efficiency=f)
    grid, _ = grid_search(d, system, 10**log_n, None, 10**log_eps)
    assert optimized(d, system, 10**log_n, None, 10**log_eps) >= 0.99 * grid


def test_max_distance_grows_with_pulses_and_beats_grid():
    """Lim et al. 2014: more pulses -> smaller fluctuations -> the largest distance with a key does not
    shrink (1e9..1e12 pulses, e_d = 0.5 %), and the optimizer reaches at least as far as the grid."""
    dmax = []
    for n in (1e9, 1e10, 1e11, 1e12):
        d_opt = max_distance_km(lambda x, n=n: finite_key_rate(x, n, LOW_ERROR).key_length, hi_km=260.0, tol_km=0.5)
        d_grid = max_distance_km(lambda x, n=n: grid_search(x, LOW_ERROR, n, points=5, zoom=3)[0], hi_km=260.0,
                                 tol_km=0.5)
        assert d_opt >= d_grid - 0.5
        dmax.append(d_opt)
    assert all(a <= b for a, b in zip(dmax, dmax[1:])), dmax
    assert dmax[0] > 130.0  # the example at 130 km with 1e9 pulses has a key


def test_curve_warm_starts_match_independent_optimizations():
    """Warm starts along a distance curve reach the same optima as cold starts; the optimal key never
    grows with distance; the order of the distances does not matter; key_rate_curve(n_pulses=...)
    is finite_key_curve."""
    d = np.arange(0.0, 200.0, 20.0)
    c = finite_key_curve(d, 1e10, LOW_ERROR)
    cold = np.array([finite_key_rate(x, 1e10, LOW_ERROR).key_rate_per_pulse for x in d])
    np.testing.assert_allclose(c.key_rate_per_pulse, cold, rtol=1e-2)
    pos = c.key_rate_per_pulse[c.key_rate_per_pulse > 0]
    assert pos.size >= 8 and np.all(np.diff(pos) < 0)
    rev = finite_key_curve(d[::-1], 1e10, LOW_ERROR)
    np.testing.assert_array_equal(rev.key_rate_per_pulse[::-1], c.key_rate_per_pulse)
    kc = key_rate_curve(d, "bb84-decoy", n_pulses=1e10, system=LOW_ERROR)
    np.testing.assert_array_equal(kc.key_rate_per_pulse, c.key_rate_per_pulse)
