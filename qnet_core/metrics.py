"""Figures of merit for states: fidelity, distances, entropies, entanglement measures.

Conventions: fidelity is the *squared* Uhlmann fidelity
``F(rho, sigma) = (tr sqrt(sqrt(rho) sigma sqrt(rho)))**2``, which equals
``<psi|rho|psi>`` when ``sigma = |psi><psi|``. Entropies are in bits. All functions
accept batches ``(..., 2**n, 2**n)`` and return arrays of the batch shape (a Python
float for a single state).
"""

from __future__ import annotations

import numpy as np

from . import _kernels
from .errors import DimensionError
from .ops import _flatten_batch, partial_transpose
from .states import BELL_KETS
from .validation import as_density_matrix, as_ket, check_targets

__all__ = [
    "binary_entropy",
    "fidelity",
    "fidelity_pure",
    "trace_distance",
    "purity",
    "entropy",
    "concurrence",
    "negativity",
    "log_negativity",
    "bell_coefficients",
]

_YY = np.array([[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]], dtype=np.complex128)


def _scalar(x):
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def binary_entropy(p):
    """Binary Shannon entropy h(p) = -p log2 p - (1-p) log2(1-p) in bits.

    Vectorized; ``h(0) = h(1) = 0``. Values outside [0, 1] are clipped into it, so
    callers that feed estimates (e.g. a QBER slightly above 1/2 or below 0 from
    rounding) get a finite answer; validate probabilities at your own boundary.

    Examples
    --------
    >>> float(binary_entropy(0.5))
    1.0
    """
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -p * np.log2(p) - (1.0 - p) * np.log2(1.0 - p)
    h = np.where((p <= 0.0) | (p >= 1.0), 0.0, h)
    return h if h.ndim else float(h)


def _psd_sqrt(rho: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(rho)
    w = np.sqrt(np.clip(w, 0.0, None))
    return (v * w[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))


def fidelity_pure(rho, psi, validate: bool = True):
    """``<psi|rho|psi>`` for a state (batch) ``rho`` and a ket (batch) ``psi`` of shape (..., 2**n).

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(fidelity_pure(qc.werner(0.9), qc.bell_ket("phi+")), 12)
    0.9
    """
    arr, n = as_density_matrix(rho, owner="fidelity", validate=validate)
    ket, nk = as_ket(psi, name="psi", owner="fidelity", validate=validate)
    if nk != n:
        raise DimensionError(f"fidelity(): rho has {n} qubits but psi has {nk}")
    flat, batch = _flatten_batch(arr)
    kflat = ket.reshape(-1, ket.shape[-1])
    if kflat.shape[0] not in (1, flat.shape[0]):
        b = np.broadcast_shapes(batch, ket.shape[:-1])
        flat = np.broadcast_to(arr, b + arr.shape[-2:]).reshape((-1,) + arr.shape[-2:])
        kflat = np.broadcast_to(ket, b + ket.shape[-1:]).reshape(-1, ket.shape[-1])
        batch = b
    flat = np.ascontiguousarray(flat)
    kernel = _kernels.expect_ket_parallel if flat.size >= _kernels.PARALLEL_MIN_ENTRIES else _kernels.expect_ket
    out = kernel(flat, np.ascontiguousarray(kflat))
    out = np.clip(out, 0.0, 1.0)
    if ket.ndim > 1 and batch == ():
        batch = ket.shape[:-1]
    return _scalar(out.reshape(batch))


def fidelity(rho, sigma, validate: bool = True):
    """Squared Uhlmann fidelity ``(tr sqrt(sqrt(rho) sigma sqrt(rho)))**2`` in [0, 1].

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
    sigma : array_like, shape (..., 2**n, 2**n) or (2**n,)
        A density matrix (batch), or a single ket, in which case the result is
        ``<psi|rho|psi>`` (use :func:`fidelity_pure` for batches of kets).

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(fidelity(qc.werner(0.8), qc.bell_state("phi+")), 12)
    0.8
    """
    s = np.asarray(sigma)
    if s.ndim == 1:
        return fidelity_pure(rho, s, validate=validate)
    a, n = as_density_matrix(rho, owner="fidelity", validate=validate)
    b, m = as_density_matrix(sigma, name="sigma", owner="fidelity", validate=validate)
    if n != m:
        raise DimensionError(f"fidelity(): rho has {n} qubits but sigma has {m}")
    sa = _psd_sqrt(0.5 * (a + np.conj(np.swapaxes(a, -1, -2))))
    M = sa @ b @ sa
    M = 0.5 * (M + np.conj(np.swapaxes(M, -1, -2)))
    ev = np.clip(np.linalg.eigvalsh(M), 0.0, None)
    F = np.sum(np.sqrt(ev), axis=-1) ** 2
    return _scalar(np.clip(F, 0.0, 1.0))


def trace_distance(rho, sigma, validate: bool = True):
    """Trace distance ``||rho - sigma||_1 / 2`` in [0, 1]."""
    a, n = as_density_matrix(rho, owner="trace_distance", validate=validate)
    b, m = as_density_matrix(sigma, name="sigma", owner="trace_distance", validate=validate)
    if n != m:
        raise DimensionError(f"trace_distance(): rho has {n} qubits but sigma has {m}")
    diff = a - b
    diff = 0.5 * (diff + np.conj(np.swapaxes(diff, -1, -2)))
    return _scalar(np.clip(0.5 * np.abs(np.linalg.eigvalsh(diff)).sum(axis=-1), 0.0, 1.0))


def purity(rho, validate: bool = True):
    """Purity ``tr(rho**2)`` in [1/2**n, 1]."""
    a, _ = as_density_matrix(rho, owner="purity", validate=validate)
    return _scalar(np.sum(np.abs(a) ** 2, axis=(-2, -1)))


def entropy(rho, validate: bool = True):
    """Von Neumann entropy ``-tr(rho log2 rho)`` in bits.

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(entropy(qc.maximally_mixed(2)), 12)
    2.0
    """
    a, _ = as_density_matrix(rho, owner="entropy", validate=validate)
    ev = np.clip(np.linalg.eigvalsh(a), 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(ev > 1e-15, -ev * np.log2(np.where(ev > 1e-15, ev, 1.0)), 0.0)
    return _scalar(np.clip(terms.sum(axis=-1), 0.0, None))


def concurrence(rho, validate: bool = True):
    """Wootters concurrence of a two-qubit state, in [0, 1].

    ``C = max(0, l1 - l2 - l3 - l4)`` with ``l_i`` the decreasing square roots of the
    eigenvalues of ``rho (Y x Y) rho* (Y x Y)`` (W. K. Wootters, PRL 80, 2245 (1998), eq. 3).
    """
    a, n = as_density_matrix(rho, owner="concurrence", validate=validate)
    if n != 2:
        raise DimensionError(f"concurrence(): defined for two-qubit states; got {n} qubits")
    sa = _psd_sqrt(0.5 * (a + np.conj(np.swapaxes(a, -1, -2))))
    tilde = _YY @ np.conj(a) @ _YY
    R = sa @ tilde @ sa
    R = 0.5 * (R + np.conj(np.swapaxes(R, -1, -2)))
    lam = np.sqrt(np.clip(np.linalg.eigvalsh(R), 0.0, None))[..., ::-1]
    C = lam[..., 0] - lam[..., 1] - lam[..., 2] - lam[..., 3]
    return _scalar(np.clip(C, 0.0, 1.0))


def negativity(rho, qubits=None, validate: bool = True):
    """Negativity ``(||rho^{T_A}||_1 - 1) / 2`` for the partial transpose on ``qubits``.

    ``qubits`` defaults to the second half of the register (qubit 1 for two qubits).
    Vidal and Werner, PRA 65, 032314 (2002).
    """
    a, n = as_density_matrix(rho, owner="negativity", validate=validate)
    if n < 2:
        raise DimensionError("negativity(): needs at least two qubits")
    qs = tuple(range(n // 2, n)) if qubits is None else check_targets(qubits, n, name="qubits", owner="negativity")
    pt = partial_transpose(a, qs, validate=False)
    ev = np.linalg.eigvalsh(pt)
    return _scalar(np.clip(-np.where(ev < 0, ev, 0.0).sum(axis=-1), 0.0, None))


def log_negativity(rho, qubits=None, validate: bool = True):
    """Logarithmic negativity ``log2 ||rho^{T_A}||_1 = log2(2 N + 1)`` in bits."""
    N = np.asarray(negativity(rho, qubits, validate=validate))
    return _scalar(np.log2(2.0 * N + 1.0))


def bell_coefficients(rho, validate: bool = True):
    """Diagonal of a two-qubit state in the Bell basis, ``(..., 4)`` in BELL_NAMES order.

    For a Bell-diagonal state these are its coefficients; for any state they are the
    coefficients of its Bell-diagonal twirl.
    """
    a, n = as_density_matrix(rho, owner="bell_coefficients", validate=validate)
    if n != 2:
        raise DimensionError(f"bell_coefficients(): defined for two-qubit states; got {n} qubits")
    c = np.real(np.einsum("ki,...ij,kj->...k", BELL_KETS.conj(), a, BELL_KETS))
    return np.clip(c, 0.0, 1.0)
