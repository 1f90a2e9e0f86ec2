"""QKD throughput: Monte Carlo BB84 pulses per second and a full decoy key-rate curve.

Run: ``python benchmarks/bench_qkd.py [--quick]``. In one process:

* Monte Carlo of vacuum + weak decoy BB84 at 10 km and 50 km (default ``QKDSystem``:
  0.2 dB/km, 10 % detectors, Y0 = 1e-6, e_d = 1 %; mu = 0.5, nu = 0.1):
  ours = :func:`protocols.qkd.bb84.simulate_decoy_bb84` (click counts drawn binomially, each
  click simulated in a numba kernel); numpy = a plain per-pulse numpy implementation of the
  same process (Poisson photon numbers, binomial loss, dark counts, random bases, sifting,
  test sample). Rates: pulses/s and sifted key bits/s. For scale, SeQUeNCe's pulse-level
  BB84 sifts about 7e3 key bits per wall-clock second at 10 km (figure from the issue; not run
  here).
* Decoy-state key-rate curve 0-300 km (301 distances) with the signal intensity optimized per
  distance: ours = :func:`protocols.qkd.keyrate.key_rate_curve` (vectorized grid + golden
  section); baseline = scipy ``minimize_scalar`` (bounded) per distance on the same formula.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from protocols.qkd._common import _decoy_rate_eta  # noqa: E402  (the formula key_rate_curve maximizes)
from protocols.qkd.bb84 import QKDSystem, simulate_decoy_bb84  # noqa: E402
from protocols.qkd.keyrate import key_rate_curve  # noqa: E402

from _common import fmt_rate, print_table  # noqa: E402

SEQUENCE_SIFTED_BITS_PER_S = 7e3


def numpy_decoy_bb84(distance_km, n_pulses, system, mu=0.5, nu=0.1, probs=(0.8, 0.1, 0.1), test_fraction=0.1,
                     seed=0, chunk=2_000_000):
    """Plain numpy per-pulse simulation; returns (sifted signal bits, sifted errors)."""
    rng = np.random.default_rng(seed)
    eta = float(system.transmittance(distance_km))
    mus = np.array([mu, nu, 0.0])
    sifted = errors = 0
    done = 0
    while done < n_pulses:
        n = min(chunk, n_pulses - done)
        k = rng.choice(3, size=n, p=probs)
        photons = rng.poisson(mus[k])
        detected = rng.binomial(photons, eta) > 0
        dark = rng.random(n) < system.dark_count_prob
        click = detected | dark
        err = np.where(detected, rng.random(n) < system.misalignment, rng.random(n) < 0.5)
        a_basis = rng.integers(0, 2, n)
        b_basis = rng.integers(0, 2, n)
        sift = click & (a_basis == b_basis) & (k == 0)
        test = rng.random(n) < test_fraction
        sifted += int(np.count_nonzero(sift))
        errors += int(np.count_nonzero(sift & err & ~test))
        done += n
    return sifted, errors


def scipy_curve(distances, system):
    from scipy.optimize import minimize_scalar

    out = []
    for d in distances:
        eta = float(system.transmittance(d))
        res = minimize_scalar(lambda m: -float(_decoy_rate_eta(eta, m, system, "infinite", 0.05)[0]),
                              bounds=(1e-3, 1.2), method="bounded")
        out.append(-res.fun)
    return np.array(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = ap.parse_args(argv)
    system = QKDSystem()
    n_ours = 10**8 if args.quick else 2 * 10**9
    n_np = 2 * 10**6 if args.quick else 2 * 10**7
    simulate_decoy_bb84(10.0, 10**5, seed=0)  # JIT warm-up (cached on disk after the first run)
    rows = []
    for d in (10.0, 50.0):
        t0 = time.perf_counter()
        r = simulate_decoy_bb84(d, n_ours, seed=1)
        t_ours = time.perf_counter() - t0
        sifted_ours = r.counts["signal"]["sifted"]
        t0 = time.perf_counter()
        sifted_np, _ = numpy_decoy_bb84(d, n_np, system, seed=1)
        t_np = time.perf_counter() - t0
        p_ours, p_np = n_ours / t_ours, n_np / t_np
        rows.append([f"MC decoy BB84, {d:g} km", f"{n_ours:.0e} / {n_np:.0e} pulses", fmt_rate(p_ours) + " pulses/s",
                     fmt_rate(p_np) + " pulses/s", f"{p_ours / p_np:.0f}x"])
        s_ours, s_np = sifted_ours / t_ours, sifted_np / t_np
        rows.append([f"  sifted key bits/s, {d:g} km", "", fmt_rate(s_ours), fmt_rate(s_np),
                     f"{s_ours / s_np:.0f}x (vs SeQUeNCe ~7e3: {s_ours / SEQUENCE_SIFTED_BITS_PER_S:.0f}x)"])
    dist = np.linspace(0.0, 300.0, 301)
    key_rate_curve(dist[:3])  # warm-up
    t0 = time.perf_counter()
    c = key_rate_curve(dist, "bb84-decoy")
    t_curve = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = scipy_curve(dist if not args.quick else dist[::10], system)
    t_ref = (time.perf_counter() - t0) * (10 if args.quick else 1)
    cmp = c.key_rate_per_pulse if not args.quick else c.key_rate_per_pulse[::10]
    assert np.all(cmp >= ref * (1 - 1e-6) - 1e-300), "grid+golden optimum below scipy's"
    rows.append(["decoy curve 0-300 km, mu optimized", "301 distances", f"{t_curve * 1e3:.1f} ms",
                 f"{t_ref * 1e3:.0f} ms (scipy per distance)", f"{t_ref / t_curve:.0f}x"])
    print("QKD benchmarks (ours vs plain numpy / scipy, same process)\n")
    print_table(rows, ["workload", "size", "ours", "baseline", "ratio"])


if __name__ == "__main__":
    main()
