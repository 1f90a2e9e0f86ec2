"""Protocol speed: entanglement swapping, purification and teleportation, per call and per batch.

Run: ``python benchmarks/bench_protocols.py [--quick]``. Everything runs in this one process, on
the same random inputs; "ours" is called exactly as a user calls it, with default arguments
(validation on).

1. One pair per call (microseconds per call): ``entanglement_swap(r1, r2)``, ``purify(r1, r2)``
   (DEJMPS), ``teleport(psi, r1)`` on random mixed states, and a chain of single swaps: a loop
   of ``entanglement_swap`` calls joining ``CHAIN`` Werner pairs one by one, one call per swap
   (time per swap).
2. Batches of ``N`` pairs in one call (states per second): dense ``(N, 4, 4)`` inputs, and
   :class:`qnet_core.BellDiagonal` inputs ``(N, 4)`` against our dense path on the same states.

Baseline: the same protocol written the usual QuTiP way, one state at a time with ``Qobj``
arithmetic and the operators built once outside the loop (projectors on the measured qubits,
``ptrace``, Pauli corrections); skipped when QuTiP is not installed. For batches the QuTiP loop
runs on at most 2,000 states (rates are per state, so the subset does not bias the ratio).
Times are CPU seconds of this process (``time.process_time``; everything timed is
single-threaded), best of several rounds, ours and the baseline alternately, so that other work on
a shared machine inflates neither. ratio = baseline time / our time (higher is better for us).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import qnet_core as qc  # noqa: E402
from protocols import entanglement_swap, purify, teleport  # noqa: E402
from qnet_core import BellDiagonal  # noqa: E402

from _common import fmt_rate, print_table  # noqa: E402

_QUTIP_MAX = 2000
#: Werner pairs joined by the chain of single swaps.
CHAIN = 16


def _qutip_protocols():
    """QuTiP implementations (one state per call); None when QuTiP is missing."""
    try:
        import qutip as qt
    except ImportError:
        return None
    I2 = qt.qeye(2)
    X, Z = qt.sigmax(), qt.sigmaz()
    paulis = [I2, Z, X, X * Z]
    bell = [qt.Qobj(qc.bell_ket(k).reshape(4, 1), dims=[[2, 2], [1, 1]]) for k in range(4)]
    bell_proj = [b * b.dag() for b in bell]

    # swapping: (A, B1, B2, C), project (B1, B2), keep (A, C), correct C
    swap_proj = [qt.tensor(I2, P, I2) for P in bell_proj]
    swap_fix = [qt.tensor(I2, P) for P in paulis]

    def swap(r1, r2):
        full = qt.tensor(r1, r2)
        out = 0
        for k in range(4):
            branch = (swap_proj[k] * full * swap_proj[k]).ptrace([0, 3])
            out = out + swap_fix[k] * branch * swap_fix[k].dag()
        return out

    # teleportation: (S, A, B), project (S, A), keep B, correct B
    tele_proj = [qt.tensor(P, I2) for P in bell_proj]

    def tele(psi, res):
        full = qt.tensor(psi, res)
        out = 0
        for k in range(4):
            branch = (tele_proj[k] * full * tele_proj[k]).ptrace([2])
            out = out + paulis[k] * branch * paulis[k].dag()
        return out

    # DEJMPS: (A1, B1, A2, B2); rotations, bilateral CNOT, keep outcomes 00 / 11 of (A2, B2)
    rxp = qt.Qobj(qc.gates.rx(np.pi / 2))
    rxm = qt.Qobj(qc.gates.rx(-np.pi / 2))
    rot = qt.tensor(rxp, rxm, rxp, rxm)
    P0, P1 = qt.basis(2, 0).proj(), qt.basis(2, 1).proj()
    cnot_a = qt.tensor(P0, I2, I2, I2) + qt.tensor(P1, I2, X, I2)
    cnot_b = qt.tensor(I2, P0, I2, I2) + qt.tensor(I2, P1, I2, X)
    U = cnot_b * cnot_a * rot
    keep = qt.tensor(I2, I2, P0, P0) + qt.tensor(I2, I2, P1, P1)

    def dejmps(r1, r2):
        full = U * qt.tensor(r1, r2) * U.dag()
        kept = (keep * full * keep).ptrace([0, 1])
        return kept / kept.tr()

    def to_q(rho, n):
        return qt.Qobj(rho, dims=[[2] * n, [2] * n])

    return {"swap": swap, "teleport": tele, "purify": dejmps, "to_q": to_q}


def _check_qutip_agrees(q, r1, r2, psi, chain_pairs):
    """Sanity check: the QuTiP baselines compute the same states as ours."""
    to_q = q["to_q"]
    assert np.allclose(q["swap"](to_q(r1, 2), to_q(r2, 2)).full(), entanglement_swap(r1, r2).state, atol=1e-10)
    assert np.allclose(q["teleport"](to_q(psi, 1), to_q(r1, 2)).full(), teleport(psi, r1).state, atol=1e-10)
    assert np.allclose(q["purify"](to_q(r1, 2), to_q(r2, 2)).full(), purify(r1, r2).state, atol=1e-10)
    ours, theirs = _chain_ours(chain_pairs), _chain_qutip(q, [to_q(p, 2) for p in chain_pairs])
    assert np.allclose(theirs.full(), ours, atol=1e-10)


def _chain_ours(pairs):
    """Join the pairs left to right, one ``entanglement_swap`` call per swap."""
    cur = pairs[0]
    for p in pairs[1:]:
        cur = entanglement_swap(cur, p).state
    return cur


def _chain_qutip(q, pairs):
    cur = pairs[0]
    for p in pairs[1:]:
        cur = q["swap"](cur, p)
    return cur


def best_time(fn, repeat: int = 5, min_time: float = 0.05) -> float:
    """Best per-call CPU time of ``fn`` over ``repeat`` rounds of at least ``min_time`` s (after a warm-up call)."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        n = 0
        t0 = time.process_time()
        while True:
            fn()
            n += 1
            dt = time.process_time() - t0
            if dt >= min_time:
                break
        best = min(best, dt / n)
    return best


def _alternate(ours, base, rounds: int, min_time: float):
    """Best per-call times of ``ours`` and ``base``, timed alternately (``base`` may be None)."""
    t_ours = t_base = float("inf")
    for _ in range(rounds):
        t_ours = min(t_ours, best_time(ours, repeat=1, min_time=min_time))
        if base is not None:
            t_base = min(t_base, best_time(base, repeat=1, min_time=min_time))
    return t_ours, (t_base if base is not None else None)


def per_call_rows(q, rng, rounds: int, min_time: float) -> list:
    pool = [qc.random_density_matrix(2, rng) for _ in range(2)]
    r1, r2 = pool
    psi = qc.random_density_matrix(1, rng)
    fids = rng.uniform(0.9, 0.99, CHAIN)
    chain = [qc.werner(f) for f in fids]
    b1, b2 = BellDiagonal.twirl(r1), BellDiagonal.twirl(r2)
    if q is not None:
        _check_qutip_agrees(q, r1, r2, psi, chain)
        to_q = q["to_q"]
        q1, q2, qpsi = to_q(r1, 2), to_q(r2, 2), to_q(psi, 1)
        qchain = [to_q(p, 2) for p in chain]
    n_swaps = CHAIN - 1
    work = [
        ("swap (dense, default args)", "1 pair", lambda: entanglement_swap(r1, r2),
         (lambda: q["swap"](q1, q2)) if q else None, 1),
        ("purify DEJMPS (dense, default args)", "1 pair", lambda: purify(r1, r2),
         (lambda: q["purify"](q1, q2)) if q else None, 1),
        ("teleport (dense, default args)", "1 qubit", lambda: teleport(psi, r1),
         (lambda: q["teleport"](qpsi, q1)) if q else None, 1),
        ("chain of single swaps (per swap)", f"{CHAIN} pairs", lambda: _chain_ours(chain),
         (lambda: _chain_qutip(q, qchain)) if q else None, n_swaps),
        ("swap noisy (gate_error, readout_error)", "1 pair",
         lambda: entanglement_swap(r1, r2, gate_error=0.01, readout_error=0.01), None, 1),
        ("swap (BellDiagonal)", "1 pair", lambda: entanglement_swap(b1, b2), None, 1),
        ("purify DEJMPS (BellDiagonal)", "1 pair", lambda: purify(b1, b2), None, 1),
    ]
    rows = []
    for name, size, ours, base, per in work:
        t_ours, t_base = _alternate(ours, base, rounds, min_time)
        us_ours = 1e6 * t_ours / per
        if t_base is None:
            rows.append([name, size, f"{us_ours:.2f}", "-", "-"])
        else:
            us_base = 1e6 * t_base / per
            rows.append([name, size, f"{us_ours:.2f}", f"{us_base:.1f} (QuTiP)", f"{us_base / us_ours:.0f}x"])
    return rows


def batch_rows(q, N: int, rounds: int, min_time: float) -> list:
    rng = np.random.default_rng(N)
    pool = np.stack([qc.random_density_matrix(2, rng) for _ in range(256)])
    r1 = pool[rng.integers(0, 256, N)]
    r2 = pool[rng.integers(0, 256, N)]
    psi = np.stack([qc.random_density_matrix(1, rng) for _ in range(256)])[rng.integers(0, 256, N)]
    c1 = BellDiagonal(rng.dirichlet(np.ones(4), N))
    c2 = BellDiagonal(rng.dirichlet(np.ones(4), N))
    d1, d2 = c1.to_dense(), c2.to_dense()
    if q is not None:
        nq = min(N, _QUTIP_MAX)
        qr1 = [q["to_q"](r, 2) for r in r1[:nq]]
        qr2 = [q["to_q"](r, 2) for r in r2[:nq]]
        qpsi = [q["to_q"](p, 1) for p in psi[:nq]]
    work = [
        ("swap (dense batch)", lambda: entanglement_swap(r1, r2),
         (lambda: [q["swap"](a, b) for a, b in zip(qr1, qr2)]) if q else None, "QuTiP"),
        ("purify DEJMPS (dense batch)", lambda: purify(r1, r2),
         (lambda: [q["purify"](a, b) for a, b in zip(qr1, qr2)]) if q else None, "QuTiP"),
        ("teleport (dense batch)", lambda: teleport(psi, r1),
         (lambda: [q["teleport"](p, a) for p, a in zip(qpsi, qr1)]) if q else None, "QuTiP"),
        ("swap noisy (dense batch)", lambda: entanglement_swap(r1, r2, gate_error=0.01, readout_error=0.01),
         None, ""),
        ("swap noisy (BellDiagonal batch)", lambda: entanglement_swap(c1, c2, gate_error=0.01, readout_error=0.01),
         lambda: entanglement_swap(d1, d2, gate_error=0.01, readout_error=0.01), "ours dense"),
        ("purify noisy (BellDiagonal batch)", lambda: purify(c1, c2, gate_error=0.01, readout_error=0.01),
         lambda: purify(d1, d2, gate_error=0.01, readout_error=0.01), "ours dense"),
        ("teleport noisy (BellDiagonal batch)", lambda: teleport(psi, c1, gate_error=0.01),
         lambda: teleport(psi, d1, gate_error=0.01), "ours dense"),
    ]
    rows = []
    for name, ours, base, base_name in work:
        if base_name == "QuTiP":  # one QuTiP loop is slow: one round of it
            t_ours, _ = _alternate(ours, None, rounds, min_time)
            t_base = best_time(base, repeat=1, min_time=min_time)
            n_base = min(N, _QUTIP_MAX)
        else:
            t_ours, t_base = _alternate(ours, base, rounds, min_time)
            n_base = N
        rate_ours = N / t_ours
        if t_base is None:
            rows.append([name, N, fmt_rate(rate_ours), "-", "-"])
            continue
        rate_base = n_base / t_base
        rows.append([name, N, fmt_rate(rate_ours), f"{fmt_rate(rate_base)} ({base_name})",
                     f"{rate_ours / rate_base:.1f}x"])
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="short timings and one small batch, for a smoke run")
    args = ap.parse_args(argv)
    rounds = 2 if args.quick else 7
    min_time = 0.01 if args.quick else 0.1
    q = _qutip_protocols()
    if q is None:
        print("QuTiP not installed: QuTiP baselines skipped")
    rows = per_call_rows(q, np.random.default_rng(1), rounds, min_time)
    print("One pair per call (default arguments, validation on):")
    print_table(rows, ["workload", "size", "ours (us/call)", "baseline (us/call)", "ratio"])
    print()
    rows = []
    for N in ([1000] if args.quick else [20_000]):
        rows += batch_rows(q, N, 3 if args.quick else 5, min_time)
    print("Batches, one call (default arguments):")
    print_table(rows, ["workload", "N", "ours (states/s)", "baseline (states/s)", "ratio"])


if __name__ == "__main__":
    main()
