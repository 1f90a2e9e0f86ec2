"""Compiled density-matrix checks: one pass per state, no eigenvalue decomposition (private).

A ``D x D`` complex matrix ``rho`` (``D = 2**n``) passes when, with ``atol`` the tolerance:

* every entry is finite and ``|rho_ij - conj(rho_ji)| <= atol`` for all ``i <= j``
  (Hermiticity; a NaN or infinite entry fails this comparison, so finiteness costs nothing
  extra);
* ``|tr rho - 1| <= atol * D``;
* positivity: with ``H = (rho + rho^dag) / 2`` and ``tol = max(atol, 1e-12) * D``,

  - ``D <= LDL_MAX_DIM``: the ``LDL^dag`` factorization of ``H + tol I`` (no pivoting) has
    only positive pivots. ``H + tol I`` is positive definite iff every pivot is positive
    (Sylvester's criterion), i.e. iff ``lambda_min(H) > -tol``: the criterion of the
    eigenvalue reference (``validate="full"``), up to rounding at the boundary. It costs
    about ``D**3 / 6`` complex multiply-adds;
  - larger ``D``: only the necessary conditions that cost ``O(D**2)``, like the other
    checks: ``H_ii >= -tol`` and every 2x2 principal minor of ``H + tol I`` is
    non-negative. The eigenvalue check of ``validate="full"`` is the complete test there.

Two-qubit states (``D = 4``) have their own straight-line step, :func:`check_4x4`, on the
state split into 16 real and 16 imaginary parts (:func:`load_4x4`). It runs the
factorization without divisions: each elimination step multiplies the remaining block by
the (positive) pivot instead of dividing by it, which keeps every pivot's sign and takes
the divisions off the critical path.

Kernels take a batch ``(B, D, D)`` of any strides, never raise, and return the index of the
first state that fails (``-1`` when all pass). The message (which check, which value) is
made by :mod:`qnet_core.validation` from the plain-numpy reference, so a state the compiled
check rejects only by rounding at the tolerance boundary is accepted after all.

The per-state steps are also called by the application kernels in :mod:`qnet_core._kernels`
while the state is in cache, so a checked apply reads each state once.
"""

from __future__ import annotations

import numpy as np

from ._jit import jit

#: Largest dimension whose default check includes the full positivity test (four qubits).
LDL_MAX_DIM = 16


def positivity_tolerance(atol: float, dim: int) -> float:
    """Eigenvalue tolerance of the positivity check: ``max(atol, 1e-12) * dim``."""
    return max(atol, 1e-12) * dim


@jit(inline="always")
def load_state(rho, b, D, x):
    """Copy ``rho[b]`` (any strides) row-major into the complex scratch ``x`` (``D * D``)."""
    for i in range(D):
        for j in range(D):
            x[i * D + j] = rho[b, i, j]


@jit(inline="always")
def load_4x4(rho, b, x):
    """Split ``rho[b]`` (4 x 4, any strides) into ``x[:16]`` real and ``x[16:]`` imaginary parts."""
    for i in range(4):
        for j in range(4):
            z = rho[b, i, j]
            x[4 * i + j] = z.real
            x[16 + 4 * i + j] = z.imag


@jit(inline="always")
def _sq(re, im):
    return re * re + im * im


@jit(inline="always")
def check_4x4(x, atol, tol):
    """True when the two-qubit state split in ``x`` (see :func:`load_4x4`) passes every check."""
    a2 = atol * atol
    ok = True
    for i in range(4):
        ok &= 4.0 * x[16 + 5 * i] * x[16 + 5 * i] <= a2
        for j in range(i + 1, 4):
            ok &= _sq(x[4 * i + j] - x[4 * j + i], x[16 + 4 * i + j] + x[16 + 4 * j + i]) <= a2
    ok &= _sq(x[0] + x[5] + x[10] + x[15] - 1.0, x[16] + x[21] + x[26] + x[31]) <= 16.0 * a2
    # H + tol I with H = (rho + rho^dag) / 2: diagonal g_i, lower triangle h_ij = (rho_ij + conj(rho_ji)) / 2.
    g0 = x[0] + tol
    g1 = x[5] + tol
    g2 = x[10] + tol
    g3 = x[15] + tol
    h10r, h10i = 0.5 * (x[4] + x[1]), 0.5 * (x[20] - x[17])
    h20r, h20i = 0.5 * (x[8] + x[2]), 0.5 * (x[24] - x[18])
    h30r, h30i = 0.5 * (x[12] + x[3]), 0.5 * (x[28] - x[19])
    h21r, h21i = 0.5 * (x[9] + x[6]), 0.5 * (x[25] - x[22])
    h31r, h31i = 0.5 * (x[13] + x[7]), 0.5 * (x[29] - x[23])
    h32r, h32i = 0.5 * (x[14] + x[11]), 0.5 * (x[30] - x[27])
    # Pivot g0; s = g0 * (Schur complement): s_ij = g0 h_ij - h_i0 conj(h_j0).
    s11 = g0 * g1 - _sq(h10r, h10i)
    s22 = g0 * g2 - _sq(h20r, h20i)
    s33 = g0 * g3 - _sq(h30r, h30i)
    s21r = g0 * h21r - (h20r * h10r + h20i * h10i)
    s21i = g0 * h21i - (h20i * h10r - h20r * h10i)
    s31r = g0 * h31r - (h30r * h10r + h30i * h10i)
    s31i = g0 * h31i - (h30i * h10r - h30r * h10i)
    s32r = g0 * h32r - (h30r * h20r + h30i * h20i)
    s32i = g0 * h32i - (h30i * h20r - h30r * h20i)
    # Pivot s11; t = s11 * (Schur complement of s).
    t22 = s11 * s22 - _sq(s21r, s21i)
    t33 = s11 * s33 - _sq(s31r, s31i)
    t32r = s11 * s32r - (s31r * s21r + s31i * s21i)
    t32i = s11 * s32i - (s31i * s21r - s31r * s21i)
    # Pivot t22; the last pivot times positive factors.
    u33 = t22 * t33 - _sq(t32r, t32i)
    return ok & (g0 > 0.0) & (s11 > 0.0) & (t22 > 0.0) & (u33 > 0.0)


@jit(inline="always")
def _hermitian_unit_trace(x, D, atol):
    """Finite, Hermitian to ``atol`` and of trace 1 to ``atol * D`` (NaN fails every comparison)."""
    a2 = atol * atol
    ok = True
    tr_re = 0.0
    tr_im = 0.0
    for i in range(D):
        for j in range(i, D):
            v = x[i * D + j] - np.conj(x[j * D + i])
            ok &= v.real * v.real + v.imag * v.imag <= a2
        tr_re += x[i * D + i].real
        tr_im += x[i * D + i].imag
    t = atol * D
    return ok and _sq(tr_re - 1.0, tr_im) <= t * t


@jit(inline="always")
def _ldl_positive(x, D, tol, tmp):
    """All pivots of ``LDL^dag`` of ``(x + x^dag)/2 + tol I`` positive; ``tmp`` is scratch ``D * D``."""
    for i in range(D):
        for j in range(i):
            tmp[i * D + j] = 0.5 * (x[i * D + j] + np.conj(x[j * D + i]))
        tmp[i * D + i] = x[i * D + i].real + tol
    for k in range(D):
        dk = tmp[k * D + k].real
        for j in range(k):
            dk -= _sq(tmp[k * D + j].real, tmp[k * D + j].imag) * tmp[j * D + j].real
        if not dk > 0.0:
            return False
        tmp[k * D + k] = dk
        inv = 1.0 / dk
        for i in range(k + 1, D):
            s = tmp[i * D + k]
            for j in range(k):
                s -= tmp[i * D + j] * np.conj(tmp[k * D + j]) * tmp[j * D + j].real
            tmp[i * D + k] = s * inv
    return True


@jit(inline="always")
def _minors_nonnegative(x, D, tol):
    """Necessary conditions for ``H + tol I >= 0``: its diagonal and every 2x2 principal minor."""
    for i in range(D):
        gi = x[i * D + i].real + tol
        if not gi >= 0.0:
            return False
        for j in range(i + 1, D):
            h = 0.5 * (x[i * D + j] + np.conj(x[j * D + i]))
            if not _sq(h.real, h.imag) <= gi * (x[j * D + j].real + tol):
                return False
    return True


@jit(inline="always")
def check_state(x, D, atol, tol, tmp):
    """True when the row-major ``D x D`` matrix in the complex scratch ``x`` passes every check."""
    if not _hermitian_unit_trace(x, D, atol):
        return False
    if D <= LDL_MAX_DIM:
        return _ldl_positive(x, D, tol, tmp)
    return _minors_nonnegative(x, D, tol)


@jit(inline="always")
def _check_large(rho, b, D, atol, tol):
    """Every check of a large state (``D > LDL_MAX_DIM``) read in place, positivity by 2x2 minors.

    One pass over 16 x 16 tiles, each compared with its mirror tile while both are in cache.
    """
    a2 = atol * atol
    T = 16
    tr_re = 0.0
    tr_im = 0.0
    for i in range(D):
        z = rho[b, i, i]
        tr_re += z.real
        tr_im += z.imag
        if not (4.0 * z.imag * z.imag <= a2 and z.real + tol >= 0.0):
            return False
    t = atol * D
    if not _sq(tr_re - 1.0, tr_im) <= t * t:
        return False
    for i0 in range(0, D, T):
        for j0 in range(i0, D, T):
            for i in range(i0, min(i0 + T, D)):
                gi = rho[b, i, i].real + tol
                for j in range(max(j0, i + 1), min(j0 + T, D)):
                    u = rho[b, i, j]
                    v = rho[b, j, i]
                    if not _sq(u.real - v.real, u.imag + v.imag) <= a2:
                        return False
                    if not _sq(0.5 * (u.real + v.real), 0.5 * (u.imag - v.imag)) <= gi * (rho[b, j, j].real + tol):
                        return False
    return True


@jit(inline="always")
def _first_invalid_range(rho, lo, hi, atol, tol):
    D = rho.shape[1]
    if D > LDL_MAX_DIM:
        for b in range(lo, hi):
            if not _check_large(rho, b, D, atol, tol):
                return b
        return -1
    if D == 4:
        x4 = np.empty(32, dtype=np.float64)
        for b in range(lo, hi):
            load_4x4(rho, b, x4)
            if not check_4x4(x4, atol, tol):
                return b
        return -1
    x = np.empty(D * D, dtype=np.complex128)
    tmp = np.empty(D * D, dtype=np.complex128)
    for b in range(lo, hi):
        load_state(rho, b, D, x)
        if not check_state(x, D, atol, tol, tmp):
            return b
    return -1


@jit
def first_invalid(rho, lo, hi, atol, tol):
    """Index of the first state of ``rho[lo:hi]`` (``(B, D, D)``, any strides) that fails, or -1.

    ``tol`` is the eigenvalue tolerance, :func:`positivity_tolerance`.
    """
    return _first_invalid_range(rho, lo, hi, atol, tol)


@jit
def invalid_pairs_4x4(a, b, atol, tol):
    """Which of two single two-qubit states ``a``, ``b`` (4 x 4, any strides) fail: 0 none, 1 a, 2 b, 3 both.

    One compiled call for the two inputs of a one-pair protocol call (swap, purify), whose
    fixed call cost would otherwise be paid twice.
    """
    x = np.empty(32, dtype=np.float64)
    bad = 0
    for s in range(2):
        r = a if s == 0 else b
        for i in range(4):
            for j in range(4):
                z = r[i, j]
                x[4 * i + j] = z.real
                x[16 + 4 * i + j] = z.imag
        if not check_4x4(x, atol, tol):
            bad |= 1 << s
    return bad
