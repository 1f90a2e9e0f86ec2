"""Plain-numpy / dense-engine references for the repeater-chain kernels (written for clarity)."""

from __future__ import annotations

import math

import numpy as np

import qnet_core as qc

PAULI = {0: np.eye(2), 1: np.array([[1, 0], [0, -1]]), 2: np.array([[0, 1], [1, 0]]),
         3: np.array([[0, 1], [1, 0]]) @ np.array([[1, 0], [0, -1]])}  # Bell index k = 2x + z -> X^x Z^z


def memory_kraus(t_s: float, t1_s: float, t2_s: float) -> np.ndarray:
    """Kraus operators of amplitude damping (gamma = 1 - exp(-t/T1)) followed by dephasing
    such that coherences decay as exp(-t/T2) overall; shape (4, 2, 2)."""
    gamma = 0.0 if math.isinf(t1_s) else 1.0 - math.exp(-t_s / t1_s)
    coh = 1.0 if math.isinf(t2_s) else math.exp(-t_s / t2_s)
    lam = min(1.0, coh / math.sqrt(1.0 - gamma)) if gamma < 1 else 0.0
    ad = [np.array([[1, 0], [0, math.sqrt(1 - gamma)]]), np.array([[0, math.sqrt(gamma)], [0, 0]])]
    dp = [math.sqrt((1 + lam) / 2) * np.eye(2), math.sqrt((1 - lam) / 2) * np.diag([1.0, -1.0])]
    return np.array([d @ a for d in dp for a in ad], dtype=np.complex128)


def depolarizing_kraus(t_s: float, t_dep_s: float) -> np.ndarray:
    """rho -> e^{-t/T} rho + (1 - e^{-t/T}) I/2 as Kraus operators (4, 2, 2)."""
    lam = math.exp(-t_s / t_dep_s)
    p = (1 - lam) / 4
    ops = [math.sqrt(1 - 3 * p) * np.eye(2)] + [math.sqrt(p) * PAULI[k] for k in (1, 2, 3)]
    return np.array(ops, dtype=np.complex128)


def swap_branches(rho1: np.ndarray, rho2: np.ndarray):
    """All four Pauli-corrected branches of swapping (a,x1) with (x2,b) on the dense engine.

    Returns (probabilities (4,), corrected normalized states (4, 4, 4)).
    """
    joint = qc.tensor(rho1, rho2)
    m = qc.bell_measure(joint, qubits=(1, 2))
    states = []
    for k in range(4):
        U = np.kron(np.eye(2), PAULI[k])
        states.append(U @ m.states[k] @ U.conj().T)
    return m.probabilities, np.array(states)


def purify_reference(rho1: np.ndarray, rho2: np.ndarray, method: str):
    """One DEJMPS/BBPSSW round on the dense engine: (success probability, normalized kept state)."""
    if method == "bbpssw":
        rho1 = qc.werner(float(qc.fidelity(rho1, qc.bell_ket("phi+"))))
        rho2 = qc.werner(float(qc.fidelity(rho2, qc.bell_ket("phi+"))))
    joint = qc.tensor(rho1, rho2)  # qubits: A1 B1 A2 B2
    if method == "dejmps":
        for q, th in ((0, math.pi / 2), (2, math.pi / 2), (1, -math.pi / 2), (3, -math.pi / 2)):
            joint = qc.apply_unitary(joint, qc.gates.rx(th), (q,))
    joint = qc.apply_unitary(joint, qc.gates.CNOT, (0, 2))
    joint = qc.apply_unitary(joint, qc.gates.CNOT, (1, 3))
    m = qc.measure(joint, (2, 3), normalize=False)
    kept = m.states[0] + m.states[3]
    p = float(np.trace(kept).real)
    return p, kept / p


def dejmps_bd(c):
    """DEJMPS map on Bell coefficients in BELL_NAMES order (phi+, phi-, psi+, psi-).

    Deutsch et al., PRL 77, 2818 (1996), Eq. (8)-(9) with A = phi+, B = psi-, C = psi+, D = phi-.
    """
    A, D, C, B = c
    N = (A + B) ** 2 + (C + D) ** 2
    return N, np.array([(A * A + B * B) / N, 2 * A * B / N, (C * C + D * D) / N, 2 * C * D / N])


def bbpssw_fidelity(F):
    """BBPSSW output fidelity and success probability for Werner inputs (Bennett et al. 1996, Eq. 3)."""
    q = (1 - F) / 3
    N = F * F + 2 * F * q + 5 * q * q
    return N, (F * F + q * q) / N
