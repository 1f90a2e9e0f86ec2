"""Plain-numpy references for the channels tests, written for clarity rather than speed."""

import numpy as np


def embed(op, targets, n):
    """Full ``2**n x 2**n`` matrix of ``op`` on ``targets`` (targets[0] = MSB of op's index).

    Built as ``op (x) I`` on the qubit order (targets..., rest...) and then transposed back
    to the natural qubit order.
    """
    m = len(targets)
    rest = [q for q in range(n) if q not in targets]
    order = list(targets) + rest
    full = np.kron(op, np.eye(2 ** (n - m))).reshape((2,) * (2 * n))
    inv = list(np.argsort(order))
    perm = inv + [n + i for i in inv]
    return full.transpose(perm).reshape(2**n, 2**n)


def apply_kraus_ref(rho, kraus, targets, n):
    """``sum_k K rho K^dag`` with each K embedded as a full matrix (single state)."""
    out = np.zeros((2**n, 2**n), dtype=complex)
    for K in kraus:
        F = embed(K, targets, n)
        out += F @ rho @ F.conj().T
    return out


def choi_ref(kraus):
    """Choi matrix ``sum_ij E(|i><j|) (x) |i><j|`` from its definition (output factor first)."""
    d = kraus.shape[-1]
    J = np.zeros((d * d, d * d), dtype=complex)
    for i in range(d):
        for j in range(d):
            E = np.zeros((d, d), dtype=complex)
            E[i, j] = 1.0
            out = sum(K @ E @ K.conj().T for K in kraus)
            J += np.kron(out, E)
    return J


def ptm_ref(kraus, paulis):
    """``R_ij = Tr(P_i E(P_j)) / d`` from its definition."""
    d = kraus.shape[-1]
    n = len(paulis)
    R = np.zeros((n, n))
    for j, Pj in enumerate(paulis):
        out = sum(K @ Pj @ K.conj().T for K in kraus)
        for i, Pi in enumerate(paulis):
            R[i, j] = np.trace(Pi @ out).real / d
    return R
