"""Slow, obvious references for the entanglement protocols (written for clarity, not speed).

Every function builds the full register with :func:`qnet_core.tensor` (or ``np.kron``), applies
the noise with the :mod:`channels` catalogue and measures with :func:`qnet_core.bell_measure` or
explicit projectors, then traces out by ``einsum`` and corrects with explicit Pauli matrices. No
compiled pair primitive of :mod:`qnet_core._pair` is used, so these check them.

Conventions as in the protocols: Bell index ``k = 2x + z`` in BELL_NAMES order, correction
``X^x Z^z`` on the output qubit; branches of probability <= ``TINY`` hold ``I/4``.
"""

from __future__ import annotations

import numpy as np

import channels
import qnet_core as qc
from qnet_core.gates import I2, X, Z, rx

PAULI = [I2, Z, X, X @ Z]  # correction X^x Z^z for Bell index k = 2x + z
TINY = 1e-14


def _op(single, q, n):
    """``single`` on qubit ``q`` of an n-qubit register, by kron."""
    out = np.eye(1)
    for i in range(n):
        out = np.kron(out, single if i == q else I2)
    return out


def _cnot(c, t, n):
    P0, P1 = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])
    return _op(P0, c, n) + _op(P1, c, n) @ _op(X, t, n)


def swap(r1, r2, gate_error=0.0, readout_error=0.0, bsm="ideal", correct=True):
    """Noisy entanglement swap of one pair of pairs.

    Returns ``(probabilities (4,), branch states (4, 4, 4), state (4, 4), success probability)``
    with the module's conventions: depolarizing on (B1, B2), a phase flip on B1 and a bit flip
    on B2 for the readout errors, then the ideal BSM of :func:`qnet_core.bell_measure`.
    """
    full = qc.tensor(np.asarray(r1, dtype=complex), np.asarray(r2, dtype=complex))  # (A, B1, B2, C)
    if gate_error > 0:
        full = channels.depolarizing(gate_error, num_qubits=2).apply(full, [1, 2])
    if readout_error > 0:  # z bit read on B1, x bit on B2
        full = channels.phase_flip(readout_error).apply(full, [1])
        full = channels.bit_flip(readout_error).apply(full, [2])
    meas = qc.bell_measure(full, (1, 2), normalize=False)
    probs = np.clip(meas.probabilities, 0.0, None)
    probs = probs / probs.sum()
    branches = np.empty((4, 4, 4), dtype=complex)
    for k in range(4):
        C = np.kron(I2, PAULI[k]) if correct else np.eye(4)
        s = C @ meas.states[k] @ C.conj().T
        tr = np.trace(s).real
        branches[k] = s / tr if tr > TINY else np.eye(4) / 4
    accepted = np.array([True] * 4) if bsm == "ideal" else np.array([False, False, True, True])
    w = np.where(accepted, probs, 0.0)
    p_succ = w.sum()
    state = np.einsum("k,kij->ij", w / p_succ, branches) if p_succ > 0 else np.eye(4) / 4
    return probs, branches, state, p_succ


def purify(r1, r2, method="dejmps", gate_error=0.0, readout_error=0.0):
    """One recurrence round on 16 x 16 matrices: ``(normalized kept pair (4, 4), success probability)``.

    DEJMPS rotates each pair by ``Rx(pi/2) (x) Rx(-pi/2)``; BBPSSW replaces each pair by the
    Werner state of its fidelity. Then CNOT(A1 -> A2) and CNOT(B1 -> B2), each followed by
    two-qubit depolarizing on its qubits, bit flips on A2 and B2 for the readout errors, and the
    pair (A1, B1) is kept when the Z outcomes of A2 and B2 agree.
    """
    r1, r2 = np.asarray(r1, dtype=complex), np.asarray(r2, dtype=complex)
    if method == "bbpssw":
        r1, r2 = (qc.werner(np.clip(qc.fidelity(r, qc.bell_ket()), 0, 1)) for r in (r1, r2))
    else:
        U = np.kron(rx(np.pi / 2), rx(-np.pi / 2))
        r1, r2 = U @ r1 @ U.conj().T, U @ r2 @ U.conj().T
    full = qc.tensor(r1, r2)  # (A1, B1, A2, B2)
    dep = channels.depolarizing(gate_error, num_qubits=2)
    for c, t in ((0, 2), (1, 3)):
        G = _cnot(c, t, 4)
        full = G @ full @ G.conj().T
        full = dep.apply(full, [c, t])
    flip = channels.bit_flip(readout_error)
    full = flip.apply(flip.apply(full, [2]), [3])
    t = full.reshape([2] * 8)
    kept = sum(t[:, :, m, m, :, :, m, m] for m in (0, 1)).reshape(4, 4)
    p = np.trace(kept).real
    return (kept / p if p > TINY else np.eye(4) / 4), p


def teleport(psi, res, gate_error=0.0, readout_error=0.0, memory=None):
    """Teleport the qubit state ``psi`` through ``res``: ``(Bob's state (2, 2), BSM probabilities (4,))``.

    The BSM on (S, A) has the noise of :func:`swap`; ``memory`` (a :class:`channels.Channel` or
    None) acts on Bob's qubit before the correction.
    """
    full = qc.tensor(np.asarray(psi, dtype=complex), np.asarray(res, dtype=complex))  # (S, A, B)
    if gate_error > 0:
        full = channels.depolarizing(gate_error, num_qubits=2).apply(full, [0, 1])
    if readout_error > 0:
        full = channels.phase_flip(readout_error).apply(full, [0])
        full = channels.bit_flip(readout_error).apply(full, [1])
    if memory is not None:
        full = memory.apply(full, [2])
    meas = qc.bell_measure(full, (0, 1), normalize=False)
    out = np.zeros((2, 2), dtype=complex)
    for k in range(4):
        out += PAULI[k] @ meas.states[k] @ PAULI[k].conj().T
    return out, meas.probabilities


def pair_qkd_qbers(rho):
    """``(e_z, e_x)`` from the outcome statistics of Z (x) Z and X (x) X measurements."""
    pz = qc.measure(rho, [0, 1], "Z").probabilities
    px = qc.measure(rho, [0, 1], "X").probabilities
    return pz[1] + pz[2], px[1] + px[2]
