"""Invariants of the QKD key rates (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.qkd.bb84 import QKDSystem, bb84_single_photon_rate, decoy_bb84_rate, optimal_mu
from protocols.qkd.bbm92 import bbm92_optimal_pair_number
from protocols.qkd.bounds import plob_bound_fiber

systems = st.builds(
    QKDSystem,
    attenuation_db_per_km=st.floats(0.15, 0.4),
    detector_efficiency=st.floats(0.01, 1.0),
    dark_count_prob=st.floats(0.0, 1e-4),
    misalignment=st.floats(0.0, 0.08),
    ec_efficiency=st.floats(1.0, 1.5),
)

D = np.linspace(0.0, 300.0, 61)


@settings(max_examples=30, deadline=None)
@given(systems)
def test_rates_monotone_decreasing_in_distance(sysm):
    for r in (bb84_single_photon_rate(D, sysm), optimal_mu(D, sysm)[1],
              optimal_mu(D, sysm, decoy="vacuum+weak")[1], bbm92_optimal_pair_number(D, sysm)[1]):
        r = np.asarray(r)
        assert np.all(r >= 0)
        assert np.all(np.diff(r) <= 1e-12 * r[:-1] + 1e-300)


@settings(max_examples=30, deadline=None)
@given(systems, st.floats(1.5, 100.0))
def test_rates_monotone_decreasing_in_dark_counts(sysm, factor):
    worse = sysm.with_(dark_count_prob=min(0.5, max(sysm.dark_count_prob, 1e-9) * factor))
    for f in (bb84_single_photon_rate, lambda d, s: optimal_mu(d, s)[1]):
        assert np.all(np.asarray(f(D, worse)) <= np.asarray(f(D, sysm)) * (1 + 1e-9) + 1e-300)


@settings(max_examples=30, deadline=None)
@given(systems)
def test_below_plob_and_ordered(sysm):
    plob = plob_bound_fiber(D, sysm.attenuation_db_per_km)
    single = np.asarray(bb84_single_photon_rate(D, sysm))
    inf = np.asarray(optimal_mu(D, sysm)[1])
    vw = np.asarray(optimal_mu(D, sysm, decoy="vacuum+weak")[1])
    assert np.all(single <= plob)
    # the vacuum+weak estimate can never beat the exact (infinite-decoy) single-photon yield
    assert np.all(vw <= inf * (1 + 1e-9) + 1e-300)


@settings(max_examples=30, deadline=None)
@given(systems, st.floats(0.0, 250.0), st.floats(0.01, 1.2))
def test_optimal_mu_is_optimal(sysm, d, mu):
    _, r_opt = optimal_mu(d, sysm)
    assert decoy_bb84_rate(d, mu, sysm) <= r_opt * (1 + 1e-9) + 1e-300
