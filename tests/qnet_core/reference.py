"""Plain-numpy reference implementations written for clarity (kron-based), used to check kernels."""

import numpy as np


def embed(op, targets, n):
    """Full 2**n x 2**n matrix of ``op`` acting on ``targets`` (targets[0] = MSB of op index)."""
    m = len(targets)
    d = 1 << m
    D = 1 << n
    full = np.zeros((D, D), dtype=complex)
    for col in range(D):
        bits = [(col >> (n - 1 - q)) & 1 for q in range(n)]
        k = sum(bits[q] << (m - 1 - i) for i, q in enumerate(targets))
        for i in range(d):
            amp = op[i, k]
            if amp == 0:
                continue
            nb = list(bits)
            for j, q in enumerate(targets):
                nb[q] = (i >> (m - 1 - j)) & 1
            row = int("".join(map(str, nb)), 2)
            full[row, col] += amp
    return full


def embed_kron(op, targets, n):
    """Same as :func:`embed` for sorted adjacent targets, built with kron (second opinion)."""
    t0 = targets[0]
    m = len(targets)
    return np.kron(np.kron(np.eye(2**t0), op), np.eye(2 ** (n - t0 - m)))


def apply_kraus_ref(rho, kraus, targets, n):
    out = np.zeros_like(rho)
    for K in kraus:
        F = embed(K, targets, n)
        out += F @ rho @ F.conj().T
    return out


def partial_trace_ref(rho, keep, n):
    t = rho.reshape((2,) * (2 * n))
    traced = [q for q in range(n) if q not in keep]
    # trace out from highest to lowest so axis numbers stay valid
    cur_n = n
    order = list(range(n))
    for q in sorted(traced, reverse=True):
        ax = order.index(q)
        t = np.trace(t, axis1=ax, axis2=ax + cur_n)
        order.pop(ax)
        cur_n -= 1
    # now t has axes (order rows, order cols); permute to keep order
    perm = [order.index(q) for q in keep]
    t = np.transpose(t, perm + [p + cur_n for p in perm])
    d = 1 << len(keep)
    return t.reshape(d, d)
