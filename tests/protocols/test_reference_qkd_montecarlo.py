"""The Monte Carlo of decoy BB84 converges to the analytic rates (Ma, Qi, Zhao, Lo, PRA 72, 012326
(2005) vacuum + weak estimate, and GLLP with the exact single-photon yield) within a tolerance
set by its standard error; it is seeded, reproducible and chunking-consistent."""

from __future__ import annotations

import numpy as np
import pytest

from protocols.qkd.bb84 import GYS_2004, QKDSystem, coherent_gain_error, decoy_bb84_rate, simulate_decoy_bb84
from qnet_core.random import spawn_seeds

N = 10**8
REPS = 12


@pytest.mark.parametrize("system,distance", [(GYS_2004, 25.0), (QKDSystem(), 50.0)])
def test_mc_mean_matches_analytic(system, distance):
    mu, nu = 0.5, 0.1
    runs = [simulate_decoy_bb84(distance, N, mu=mu, nu=nu, system=system, seed=s) for s in spawn_seeds(2024, REPS)]
    est = np.array([r.key_rate_per_signal_pulse for r in runs])
    tag = np.array([r.key_rate_tagged_per_signal_pulse for r in runs])
    vw = decoy_bb84_rate(distance, mu, system, decoy="vacuum+weak", nu=nu)
    inf = decoy_bb84_rate(distance, mu, system)
    for x, ref in ((est, vw), (tag, inf)):
        se = x.std(ddof=1) / np.sqrt(REPS)
        assert se > 0
        assert abs(x.mean() - ref) < 5 * se
    # the raw signal gain and QBER against binomial standard errors
    q, e = coherent_gain_error(system.transmittance(distance), mu, system.dark_count_prob, system.misalignment)
    s = {k: sum(r.counts["signal"][k] for r in runs) for k in ("pulses", "clicks", "sifted", "sifted_errors")}
    q_hat = s["clicks"] / s["pulses"]
    assert abs(q_hat - q) < 5 * np.sqrt(q * (1 - q) / s["pulses"])
    e_hat = s["sifted_errors"] / s["sifted"]
    assert abs(e_hat - e) < 5 * np.sqrt(e * (1 - e) / s["sifted"])
    # about half of the clicks are sifted
    half = 0.5 * s["clicks"]
    assert abs(s["sifted"] - half) < 5 * np.sqrt(s["clicks"] * 0.25)


def test_mc_seeded_and_chunking_consistent():
    a = simulate_decoy_bb84(30.0, 3 * 10**6, seed=7, chunk_pulses=10**6)
    b = simulate_decoy_bb84(30.0, 3 * 10**6, seed=7, chunk_pulses=10**6)
    assert a == b
    c = simulate_decoy_bb84(30.0, 3 * 10**6, seed=8, chunk_pulses=10**6)
    assert c.counts != a.counts
    # totals are the sums of the per-chunk runs with the spawned seeds
    from protocols.qkd.bb84 import _COUNT_NAMES, _INTENSITY_NAMES, _simulate_chunk

    sysm = QKDSystem()
    eta = float(sysm.transmittance(30.0))
    parts = [
        _simulate_chunk((10**6, ch, eta, (0.5, 0.1, 0.0), np.array([0.8, 0.1, 0.1]), sysm.dark_count_prob,
                         sysm.misalignment, 0.1))
        for ch in spawn_seeds(7, 3)
    ]
    tot = np.sum(parts, axis=0)
    for k, name in enumerate(_INTENSITY_NAMES):
        assert [a.counts[name][c] for c in _COUNT_NAMES] == list(tot[k])


def test_mc_workers_do_not_change_result():
    a = simulate_decoy_bb84(20.0, 2 * 10**6, seed=3, chunk_pulses=10**6, workers=1)
    b = simulate_decoy_bb84(20.0, 2 * 10**6, seed=3, chunk_pulses=10**6, workers=2)
    assert a == b


def _numpy_per_pulse(distance_km, n, system, mu, seed):
    """Plain per-pulse reference of the signal-only process (Poisson photons, binomial loss, dark
    clicks, random bases): returns (pulses, clicks, sifted, sifted errors, sifted single-photon)."""
    rng = np.random.default_rng(seed)
    eta = float(system.transmittance(distance_km))
    photons = rng.poisson(mu, n)
    detected = rng.binomial(photons, eta) > 0
    dark = rng.random(n) < system.dark_count_prob
    click = detected | dark
    err = np.where(detected, rng.random(n) < system.misalignment, rng.random(n) < 0.5)
    sift = click & (rng.integers(0, 2, n) == rng.integers(0, 2, n))
    return n, int(click.sum()), int(sift.sum()), int((sift & err).sum()), int((sift & (photons == 1)).sum())


def test_mc_matches_plain_numpy_per_pulse_simulation():
    """Two-sample check (5 sigma) of the click-level kernel against a per-pulse numpy simulation."""
    system = QKDSystem(dark_count_prob=1e-3, misalignment=0.03)
    n_ref = 4 * 10**6
    ref = _numpy_per_pulse(5.0, n_ref, system, 0.5, seed=11)
    mc = simulate_decoy_bb84(5.0, 5 * 10**7, mu=0.5, nu=0.1, system=system, seed=12).counts["signal"]
    for num, den, ref_num, ref_den in (
        (mc["clicks"], mc["pulses"], ref[1], ref[0]),
        (mc["sifted"], mc["clicks"], ref[2], ref[1]),
        (mc["sifted_errors"], mc["sifted"], ref[3], ref[2]),
        (mc["sifted_single"], mc["sifted"], ref[4], ref[2]),
    ):
        p1, p2 = num / den, ref_num / ref_den
        p = (num + ref_num) / (den + ref_den)
        se = np.sqrt(p * (1 - p) * (1 / den + 1 / ref_den))
        assert abs(p1 - p2) < 5 * se
