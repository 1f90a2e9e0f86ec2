"""Bell-diagonal fast path for two-qubit states (4 real coefficients).

A Bell-diagonal state is ``sum_k c_k |B_k><B_k|`` with ``c`` in ``BELL_NAMES`` order
(phi+, phi-, psi+, psi-) and ``|B_k> = (I (x) X^x Z^z)|phi+>``, ``k = 2x + z``. Pauli noise
and Pauli-corrected Bell measurements keep states Bell-diagonal; then these functions
replace 4x4 (or 16x16) dense algebra with operations on ``(..., 4)`` arrays.
Conversion to and from the dense form is exact (:func:`to_bell_diagonal`,
:func:`from_bell_diagonal`).
"""

from __future__ import annotations

import numpy as np

from .errors import DimensionError, ParameterError, StateError
from .metrics import bell_coefficients
from .states import BELL_KETS, bell_diagonal
from .validation import as_density_matrix

__all__ = [
    "to_bell_diagonal",
    "from_bell_diagonal",
    "twirl",
    "twirl_dense",
    "bd_swap",
    "bd_pauli_channel",
    "bd_depolarize",
    "bd_fidelity",
    "PAULI_TO_BELL",
]

#: Bell index of ``(I (x) P)|phi+>`` for P in (I, X, Y, Z) order: I->phi+, X->psi+, Y->psi-, Z->phi-.
PAULI_TO_BELL = np.array([0, 2, 3, 1])
_XOR = np.array([[i ^ j for j in range(4)] for i in range(4)])


def _coeffs(c, name="coeffs", owner="bell_diagonal") -> np.ndarray:
    arr = np.asarray(c, dtype=np.float64)
    if arr.ndim < 1 or arr.shape[-1] != 4:
        raise DimensionError(f"{owner}(): {name} has shape {arr.shape}; expected (..., 4) Bell coefficients")
    if not np.all(np.isfinite(arr)) or np.any(arr < -1e-12):
        raise ParameterError(f"{owner}(): {name} must be finite and non-negative")
    s = arr.sum(axis=-1)
    if np.any(np.abs(s - 1.0) > 1e-9):
        raise ParameterError(f"{owner}(): {name} must sum to 1 (got {np.ravel(s)[0]:.6g})")
    return arr


def from_bell_diagonal(coeffs) -> np.ndarray:
    """Dense ``(..., 4, 4)`` state from Bell coefficients ``(..., 4)`` (alias of ``bell_diagonal``)."""
    return bell_diagonal(coeffs)


def to_bell_diagonal(rho, atol: float = 1e-9, validate: bool = True) -> np.ndarray:
    """Exact Bell coefficients of a Bell-diagonal two-qubit state.

    Raises
    ------
    StateError
        If ``rho`` has off-diagonal elements in the Bell basis larger than ``atol``
        (use :func:`twirl` to project an arbitrary state).
    """
    a, n = as_density_matrix(rho, owner="to_bell_diagonal", validate=validate)
    if n != 2:
        raise DimensionError(f"to_bell_diagonal(): needs a two-qubit state; got {n} qubits")
    M = np.einsum("ki,...ij,lj->...kl", BELL_KETS.conj(), a, BELL_KETS)
    off = M - np.einsum("...kk->...k", M)[..., None] * np.eye(4)
    err = float(np.max(np.abs(off))) if off.size else 0.0
    if err > atol:
        raise StateError(
            f"to_bell_diagonal(): state is not Bell diagonal (largest off-diagonal Bell-basis element "
            f"{err:.3g} > atol={atol:g}); use twirl() to project it onto the Bell-diagonal states"
        )
    return np.clip(np.real(np.einsum("...kk->...k", M)), 0.0, 1.0)


def twirl(rho, validate: bool = True) -> np.ndarray:
    """Bell coefficients of the bilateral Pauli twirl of any two-qubit state.

    The twirl ``(1/4) sum_P (P (x) P*) rho (P (x) P*)^dag`` keeps the Bell-basis diagonal
    and removes every off-diagonal element, so its coefficients are ``<B_k|rho|B_k>``
    (Bennett et al., PRA 54, 3824 (1996)). Fidelity to every Bell state is preserved.
    """
    return bell_coefficients(rho, validate=validate)


def twirl_dense(rho, validate: bool = True) -> np.ndarray:
    """Dense ``(..., 4, 4)`` Bell-diagonal twirl of a two-qubit state."""
    return bell_diagonal(twirl(rho, validate=validate), validate=False)


def bd_swap(c1, c2, validate: bool = True) -> np.ndarray:
    """Bell coefficients after swapping two Bell-diagonal pairs (ideal BSM + Pauli correction).

    If pair (A, B1) has coefficients ``c1`` and (B2, C) has ``c2``, a Bell measurement on
    (B1, B2) with the standard Pauli correction on C leaves (A, C) Bell-diagonal with
    ``c[k] = sum_{i XOR j = k} c1[i] c2[j]`` (Pauli errors compose by XOR of indices),
    independently of the outcome. For Werner inputs this gives ``w = w1 w2``.

    Examples
    --------
    >>> bd_swap([1, 0, 0, 0], [0.9, 0.1, 0, 0]).tolist()
    [0.9, 0.1, 0.0, 0.0]
    """
    a = _coeffs(c1, "c1", "bd_swap") if validate else np.asarray(c1, dtype=np.float64)
    b = _coeffs(c2, "c2", "bd_swap") if validate else np.asarray(c2, dtype=np.float64)
    a, b = np.broadcast_arrays(a, b)
    out = np.zeros(a.shape, dtype=np.float64)
    for i in range(4):
        for j in range(4):
            out[..., i ^ j] += a[..., i] * b[..., j]
    return out


def bd_pauli_channel(coeffs, pauli_probs, validate: bool = True) -> np.ndarray:
    """Apply a Pauli channel to one half of a Bell-diagonal pair.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)
        Bell coefficients.
    pauli_probs : array_like, shape (..., 4)
        Probabilities of (I, X, Y, Z) on either qubit (the result is the same for
        either half up to the Y-phase, which leaves Bell projectors unchanged).

    Returns
    -------
    numpy.ndarray, shape (..., 4)
    """
    c = _coeffs(coeffs, "coeffs", "bd_pauli_channel") if validate else np.asarray(coeffs, dtype=np.float64)
    p = np.asarray(pauli_probs, dtype=np.float64)
    if validate:
        p = _coeffs(p, "pauli_probs", "bd_pauli_channel")
    pb = np.zeros(p.shape, dtype=np.float64)
    pb[..., PAULI_TO_BELL] = p  # reorder to Bell-index order
    return bd_swap(c, pb, validate=False)


def bd_depolarize(coeffs, p: float, validate: bool = True) -> np.ndarray:
    """Two-qubit depolarizing ``rho -> (1 - p) rho + p I/4`` on Bell coefficients."""
    c = _coeffs(coeffs, "coeffs", "bd_depolarize") if validate else np.asarray(coeffs, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if validate and (np.any(~np.isfinite(p)) or np.any(p < 0) or np.any(p > 1)):
        raise ParameterError(f"bd_depolarize(): p={p!r} must be a probability in [0, 1]")
    return (1.0 - p)[..., None] * c + p[..., None] / 4.0 if p.ndim else (1.0 - p) * c + p / 4.0


def bd_fidelity(coeffs):
    """Fidelity to |phi+>: the first Bell coefficient."""
    c = np.asarray(coeffs, dtype=np.float64)
    return c[..., 0] if c.ndim > 1 else float(c[0])
