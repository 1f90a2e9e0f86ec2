"""Engine throughput: Bell pairs through three single-qubit channels, then fidelity to |phi+>.

Run: ``python benchmarks/bench_kernel.py [--quick]``. Everything is measured in this one
process (except the first-call latency, which needs fresh interpreters):

* ours (states): ``OperationSequence.apply`` (the three channels fused into one sparse
  superoperator, one compiled pass, into a reused ``out=`` buffer) + ``fidelity_pure``; the
  output states are written.
* ours (expectation): ``OperationSequence.expectation`` — the fidelity computed in the
  Heisenberg picture, ``tr(E^dag(P) rho)``; same numbers, no output states written.
* numpy Kraus einsum: one vectorized einsum per Kraus channel (the plain reference).
* numpy fused superop: the three channels fused into one 16x16 superoperator applied by a
  batched matmul (the fastest plain-numpy way).
* QuTiP (if installed): ``sum_k K rho K^dag`` with Qobj per state (rate from a subset).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import qnet_core as qc  # noqa: E402
from qnet_core.gates import X, Y, Z  # noqa: E402

from _common import best_time, fmt_rate, print_table  # noqa: E402

P_DEP, GAMMA, P_DEPH = 0.1, 0.05, 0.05
K_DEP = np.array([np.sqrt(1 - 3 * P_DEP / 4) * np.eye(2), np.sqrt(P_DEP / 4) * X, np.sqrt(P_DEP / 4) * Y,
                  np.sqrt(P_DEP / 4) * Z])
K_AD = np.array([[[1, 0], [0, np.sqrt(1 - GAMMA)]], [[0, np.sqrt(GAMMA)], [0, 0]]], dtype=complex)
K_DEPH = np.array([np.sqrt(1 - P_DEPH) * np.eye(2), np.sqrt(P_DEPH) * Z])
STEPS = [(K_DEP, (0,)), (K_AD, (0,)), (K_DEPH, (1,))]
PHI = qc.bell_ket("phi+")


def numpy_kraus_einsum(rho):
    """Reference: each channel as one optimized einsum over the reshaped (B, 2, 2, 2, 2) tensor."""
    B = rho.shape[0]
    t = rho.reshape(B, 2, 2, 2, 2)  # (b, row q0, row q1, col q0, col q1)
    for K, (q,) in STEPS:
        if q == 0:
            t = np.einsum("kia,bajcd,kec->bijed", K, t, K.conj(), optimize=True)
        else:
            t = np.einsum("kia,bjadc,kec->bjide", K, t, K.conj(), optimize=True)
    out = t.reshape(B, 4, 4)
    return np.einsum("i,bij,j->b", PHI.conj(), out, PHI, optimize=True).real


def fused_superop():
    S = np.eye(16, dtype=complex)
    from qnet_core.ops import _embed_superop
    for K, t in STEPS:
        S = _embed_superop(qc.kraus_to_superoperator(K), t, (0, 1)) @ S
    return S


def numpy_fused(rho, ST, phi_vec):
    out = rho.reshape(rho.shape[0], 16) @ ST
    return (out @ phi_vec).real


def qutip_rate(rho_single, n):
    import qutip

    ks = []
    for K, (q,) in STEPS:
        ks.append([qutip.Qobj(np.kron(k, np.eye(2)) if q == 0 else np.kron(np.eye(2), k), dims=[[2, 2], [2, 2]])
                   for k in K])
    phi = qutip.Qobj(PHI, dims=[[2, 2], [1, 1]])
    states = [qutip.Qobj(rho_single, dims=[[2, 2], [2, 2]]) for _ in range(n)]

    def run():
        out = []
        for r in states:
            for kl in ks:
                r = sum(k * r * k.dag() for k in kl)
            out.append(qutip.expect(r, phi) if hasattr(qutip, "expect") else None)
        return out

    t = best_time(run, repeat=3, min_time=0.2)
    return n / t, run()[0]


def first_call_latency(cache_dir):
    code = ("import time; t=time.perf_counter(); import numpy as np, qnet_core as qc; "
            "r=qc.apply_kraus(qc.bell_state(), np.array([np.eye(2)]), [0]); "
            "f=qc.fidelity(r, qc.bell_ket()); print(time.perf_counter()-t)")
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir, PYTHONPATH=os.pathsep.join(sys.path))
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1]), time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = ap.parse_args(argv)
    sizes = [1000, 10000] if args.quick else [1000, 10000, 100000]
    seq = qc.OperationSequence(2, STEPS)
    P = qc.bell_state("phi+")
    ST = np.ascontiguousarray(fused_superop().T)
    phi_vec = np.conj(P).reshape(16)  # fidelity = sum_ij P*_ij rho_ij = vec(P^*) . vec(rho)
    try:
        import qutip  # noqa: F401
        have_qutip = True
    except ImportError:
        have_qutip = False
    rows = []
    for N in sizes:
        rho = np.ascontiguousarray(np.broadcast_to(qc.bell_state(), (N, 4, 4)))
        f_states = qc.fidelity_pure(seq.apply(rho, validate=False), PHI, validate=False)
        f_exp = seq.expectation(rho, P, validate=False)
        f_ref = numpy_kraus_einsum(rho)
        f_fused = numpy_fused(rho, ST, phi_vec)
        assert np.allclose(f_states, f_ref) and np.allclose(f_exp, f_ref) and np.allclose(f_fused, f_ref)
        buf = np.empty_like(rho)  # reused output buffer, as a hot loop would
        t_states = best_time(lambda: qc.fidelity_pure(seq.apply(rho, validate=False, out=buf), PHI, validate=False))
        t_exp = best_time(lambda: seq.expectation(rho, P, validate=False))
        t_ref = best_time(lambda: numpy_kraus_einsum(rho))
        t_fused = best_time(lambda: numpy_fused(rho, ST, phi_vec))
        r_states, r_exp, r_ref, r_fused = N / t_states, N / t_exp, N / t_ref, N / t_fused
        q = "-"
        if have_qutip:
            r_q, fq = qutip_rate(qc.bell_state(), min(N, 500 if args.quick else 2000))
            assert np.isclose(fq, f_ref[0])
            q = f"{fmt_rate(r_q)} ({r_states / r_q:.0f}x / {r_exp / r_q:.0f}x)"
        rows.append([N, fmt_rate(r_states), fmt_rate(r_exp), f"{fmt_rate(r_ref)} ({r_states / r_ref:.1f}x / {r_exp / r_ref:.1f}x)",
                     f"{fmt_rate(r_fused)} ({r_states / r_fused:.2f}x / {r_exp / r_fused:.2f}x)", q])
    print("Bell pairs -> depolarizing(0.1) & amplitude damping(0.05) on q0, dephasing(0.05) on q1 -> fidelity")
    print("states/second; in brackets: ours(states) / ours(expectation) speed-up over that baseline\n")
    print_table(rows, ["N", "ours (states)", "ours (expectation)", "numpy Kraus einsum", "numpy fused superop",
                       "QuTiP"])

    # A 10-qubit state with a random 2-qubit channel on 2 random qubits.
    rng = np.random.default_rng(0)
    n = 10
    rho10 = qc.random_density_matrix(n, rng)
    K = qc.random_kraus(2, 4, rng)
    t = tuple(int(x) for x in rng.permutation(n)[:2])

    def numpy_ref10():
        T = rho10.reshape((2,) * (2 * n))
        Kt = K.reshape(K.shape[0], 2, 2, 2, 2)
        a, b = t
        out = np.zeros_like(T)
        for k in range(K.shape[0]):
            x = np.tensordot(Kt[k], T, axes=([2, 3], [a, b]))
            x = np.moveaxis(x, [0, 1], [a, b])
            y = np.tensordot(x, Kt[k].conj(), axes=([n + a, n + b], [2, 3]))
            y = np.moveaxis(y, [2 * n - 2, 2 * n - 1], [n + a, n + b])
            out += y
        return out.reshape(1 << n, 1 << n)

    assert np.allclose(qc.apply_kraus(rho10, K, t, validate=False), numpy_ref10())
    t_ours = best_time(lambda: qc.apply_kraus(rho10, K, t, validate=False), repeat=3)
    t_np = best_time(numpy_ref10, repeat=3)
    print(f"\n10-qubit state, 4-operator channel on qubits {t}: ours {t_ours * 1e3:.2f} ms, "
          f"numpy tensordot {t_np * 1e3:.2f} ms, ratio {t_np / t_ours:.1f}x")

    with tempfile.TemporaryDirectory() as d:
        cold, _ = first_call_latency(d)
        warm, _ = first_call_latency(d)
    print(f"import + first apply_kraus + fidelity: cold numba cache {cold:.2f} s, warm cache {warm:.2f} s")


if __name__ == "__main__":
    main()
