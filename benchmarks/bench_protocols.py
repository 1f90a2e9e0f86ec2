"""Protocol throughput: entanglement swapping, purification and teleportation on batches.

Run: ``python benchmarks/bench_protocols.py [--quick]``. For each protocol we time, in one
process and on the same random inputs (rates are input states per second):

* ours (dense): the ``protocols`` function on a whole batch ``(N, 4, 4)`` (validation on, as a
  user calls it): the engine's compiled kernels and :func:`qnet_core.bell_measure` /
  :func:`qnet_core.measure`;
* QuTiP: the same protocol written the usual QuTiP way, one state at a time with ``Qobj``
  arithmetic and operators built once outside the loop (projectors on the measured qubits,
  ``ptrace``, Pauli corrections); skipped when QuTiP is not installed;
* ours (Bell-diagonal): the ``bd_`` fast path on ``(N, 4)`` coefficients, against our dense
  path on the same (Bell-diagonal) states.

ratio = ours / baseline (higher is better for us). The QuTiP loop runs on at most 2,000
states (rates are per state, so the subset does not bias the ratio).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import qnet_core as qc  # noqa: E402
from protocols.entanglement.purification import bd_purify, purify  # noqa: E402
from protocols.entanglement.swapping import bd_entanglement_swap, entanglement_swap  # noqa: E402
from protocols.entanglement.teleportation import bd_teleport, teleport  # noqa: E402

from _common import best_time, fmt_rate, print_table  # noqa: E402

_QUTIP_MAX = 2000


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


def _check_qutip_agrees(q, r1, r2, psi):
    """Sanity check: the QuTiP baselines compute the same states as ours."""
    to_q = q["to_q"]
    s = q["swap"](to_q(r1, 2), to_q(r2, 2)).full()
    assert np.allclose(s, entanglement_swap(r1, r2).state, atol=1e-10)
    t = q["teleport"](to_q(psi, 1), to_q(r1, 2)).full()
    assert np.allclose(t, teleport(psi, r1).state, atol=1e-10)
    p = q["purify"](to_q(r1, 2), to_q(r2, 2)).full()
    assert np.allclose(p, purify(r1, r2).state, atol=1e-10)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one small batch size, for a smoke run")
    args = ap.parse_args(argv)
    sizes = [1000] if args.quick else [1000, 20_000]
    min_time = 0.01 if args.quick else 0.1
    repeat = 2 if args.quick else 5
    q = _qutip_protocols()
    rows = []
    for N in sizes:
        rng = np.random.default_rng(N)
        pool = np.stack([qc.random_density_matrix(2, rng) for _ in range(256)])
        r1 = pool[rng.integers(0, 256, N)]
        r2 = pool[rng.integers(0, 256, N)]
        psi = np.stack([qc.random_density_matrix(1, rng) for _ in range(256)])[rng.integers(0, 256, N)]
        c1 = rng.dirichlet(np.ones(4), N)
        c2 = rng.dirichlet(np.ones(4), N)
        d1, d2 = qc.bell_diagonal(c1), qc.bell_diagonal(c2)
        if q is not None:
            _check_qutip_agrees(q, r1[0], r2[0], psi[0])
            nq = min(N, _QUTIP_MAX)
            qr1 = [q["to_q"](r, 2) for r in r1[:nq]]
            qr2 = [q["to_q"](r, 2) for r in r2[:nq]]
            qpsi = [q["to_q"](p, 1) for p in psi[:nq]]

        work = [
            ("swap (dense, ideal BSM)", lambda: entanglement_swap(r1, r2),
             (lambda: [q["swap"](a, b) for a, b in zip(qr1, qr2)]) if q else None, "QuTiP"),
            ("purify DEJMPS (dense)", lambda: purify(r1, r2),
             (lambda: [q["purify"](a, b) for a, b in zip(qr1, qr2)]) if q else None, "QuTiP"),
            ("teleport (dense)", lambda: teleport(psi, r1),
             (lambda: [q["teleport"](p, a) for p, a in zip(qpsi, qr1)]) if q else None, "QuTiP"),
            ("swap noisy (p2, eta, dense)", lambda: entanglement_swap(r1, r2, p2=0.01, eta=0.01), None, ""),
            ("swap (Bell-diagonal)", lambda: bd_entanglement_swap(c1, c2, p2=0.01, eta=0.01),
             lambda: entanglement_swap(d1, d2, p2=0.01, eta=0.01), "ours dense"),
            ("purify DEJMPS (Bell-diagonal)", lambda: bd_purify(c1, c2, p2=0.01, eta=0.01),
             lambda: purify(d1, d2, p2=0.01, eta=0.01), "ours dense"),
            ("teleport (Bell-diagonal)", lambda: bd_teleport(psi, c1, p2=0.01),
             lambda: teleport(psi, d1, p2=0.01), "ours dense"),
        ]
        for name, ours, base, base_name in work:
            t_ours = best_time(ours, repeat=repeat, min_time=min_time)
            rate_ours = N / t_ours
            if base is None:
                rows.append([name, N, fmt_rate(rate_ours), "-", "-"])
                continue
            n_base = min(N, _QUTIP_MAX) if base_name == "QuTiP" else N
            t_base = best_time(base, repeat=1 if base_name == "QuTiP" else repeat, min_time=min_time)
            rate_base = n_base / t_base
            rows.append([name, N, fmt_rate(rate_ours), f"{fmt_rate(rate_base)} ({base_name})",
                         f"{rate_ours / rate_base:.1f}x"])
    if q is None:
        print("QuTiP not installed: QuTiP baselines skipped")
    print_table(rows, ["workload", "N", "ours (states/s)", "baseline (states/s)", "ratio"])


if __name__ == "__main__":
    main()
