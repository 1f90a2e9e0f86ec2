"""Channel application throughput: every catalogue channel on batches of two-qubit states.

Run: ``python benchmarks/bench_channels.py [--quick]``. For each catalogue channel (single-
qubit channels on qubit 1 of the pair, two-qubit channels on both qubits) we time, in one
process and on the same random batch of N two-qubit density matrices:

* ours: ``Channel.apply(batch, targets, validate=False, out=buf)`` (compiled whole-register
  superoperator kernel, compiled sequence cached in the Channel, reused output buffer);
* ours (validated): ``Channel.apply(batch, targets)`` with default arguments: the compiled
  density-matrix checks (finite, Hermitian, unit trace, positive semidefinite by an LDL^dag
  test; no eigenvalue decomposition) run in the same pass as the channel, output allocated;
* numpy: the plain reference ``sum_k K rho K^dag`` as one ``einsum`` per Kraus set on the
  reshaped ``(N, 2, 2, 2, 2)`` tensor (optimized contraction path).

Rates are states per second; ratio = ours / numpy and ours (validated) / numpy.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import qnet_core as qc  # noqa: E402

import channels as ch  # noqa: E402

from _common import best_time, fmt_rate, print_table  # noqa: E402


def catalogue():
    """(name, channel) for each catalogue entry with representative physical parameters."""
    return [
        ("bit_flip(0.1)", ch.bit_flip(0.1)),
        ("phase_flip(0.1)", ch.phase_flip(0.1)),
        ("bit_phase_flip(0.1)", ch.bit_phase_flip(0.1)),
        ("pauli_channel(.05,.02,.1)", ch.pauli_channel(0.05, 0.02, 0.1)),
        ("depolarizing(0.1)", ch.depolarizing(0.1)),
        ("depolarizing_pauli(0.1)", ch.depolarizing_pauli(0.1)),
        ("amplitude_damping(0.2)", ch.amplitude_damping(0.2)),
        ("generalized_AD(0.2, 0.1)", ch.generalized_amplitude_damping(0.2, 0.1)),
        ("unitary_error(rx(0.1))", ch.unitary_error(qc.gates.rx(0.1))),
        ("rotation_error(0.1, sigma=.05)", ch.rotation_error(0.1, "x", sigma_rad=0.05)),
        ("memory(1ms, T1=10ms, T2=5ms)", ch.memory(1e-3, 10e-3, 5e-3)),
        ("depolarizing_memory(1ms, 10ms)", ch.depolarizing_memory(1e-3, 10e-3)),
        ("Fiber(50km).single_rail", ch.Fiber(50.0).single_rail_channel()),
        ("depolarizing(0.1, 2 qubits)", ch.depolarizing(0.1, num_qubits=2)),
        ("depolarizing_pauli(0.1, 2 qubits)", ch.depolarizing_pauli(0.1, num_qubits=2)),
        ("tensor(AD(0.2), dephasing(0.1))", ch.amplitude_damping(0.2).tensor(ch.phase_flip(0.1))),
    ]


def numpy_apply(rho, K, targets):
    """Reference: one optimized einsum over the (N, 2, 2, 2, 2) tensor (rows q0 q1, cols q0 q1)."""
    N = rho.shape[0]
    t = rho.reshape(N, 2, 2, 2, 2)
    if K.shape[-1] == 4:
        K4 = K.reshape(K.shape[0], 2, 2, 2, 2)
        out = np.einsum("kijab,nabcd,klmcd->nijlm", K4, t, K4.conj(), optimize=True)
    elif targets == (0,):
        out = np.einsum("kia,najcd,kec->nijed", K, t, K.conj(), optimize=True)
    else:
        out = np.einsum("kia,njadc,kec->njide", K, t, K.conj(), optimize=True)
    return out.reshape(N, 4, 4)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one small batch size, for a smoke run")
    args = ap.parse_args(argv)
    sizes = [1000] if args.quick else [1000, 100_000]
    min_time = 0.01 if args.quick else 0.05
    repeat = 2 if args.quick else 5
    rows = []
    for N in sizes:
        rng = np.random.default_rng(N)
        rho = np.stack([qc.random_density_matrix(2, rng) for _ in range(min(N, 512))])
        rho = np.ascontiguousarray(np.resize(rho, (N, 4, 4)))
        buf = np.empty_like(rho)
        for name, c in catalogue():
            targets = (0, 1) if c.num_qubits == 2 else (1,)
            K = np.ascontiguousarray(c.kraus)
            ours = c.apply(rho, targets, validate=False, out=buf)
            assert np.allclose(ours, numpy_apply(rho, K, targets), atol=1e-12), name
            t_ours = best_time(lambda: c.apply(rho, targets, validate=False, out=buf), repeat, min_time)
            t_val = best_time(lambda: c.apply(rho, targets), repeat, min_time)
            t_np = best_time(lambda: numpy_apply(rho, K, targets), repeat, min_time)
            rows.append([name, N, fmt_rate(N / t_ours), fmt_rate(N / t_val), fmt_rate(N / t_np),
                         f"{t_np / t_ours:.1f}x", f"{t_np / t_val:.1f}x"])
    print("Channel.apply throughput on batches of two-qubit density matrices (states/second)\n")
    print_table(rows, ["channel", "N", "ours", "ours (validated)", "numpy einsum", "ratio ours/numpy",
                       "ratio validated/numpy"])


if __name__ == "__main__":
    main()
