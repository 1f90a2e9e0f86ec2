"""Input validation at the public boundary.

Kernels never check their inputs; public functions call these helpers once and then
hand plain contiguous arrays to the kernels. Every failure raises a
:class:`~qnet_core.errors.QnetError` subclass whose message names the function, the
argument, the offending value and what is allowed.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .errors import ChannelError, DimensionError, ParameterError, QubitIndexError, StateError

__all__ = [
    "DEFAULT_ATOL",
    "check_probability",
    "check_nonnegative",
    "check_positive",
    "check_finite",
    "num_qubits_of_dim",
    "as_density_matrix",
    "as_square_operator",
    "as_ket",
    "check_targets",
    "as_kraus",
    "check_unitary",
]

#: Absolute tolerance used for Hermiticity, trace, positivity and CPTP checks.
DEFAULT_ATOL = 1e-8


def _owner(owner: str) -> str:
    return f"{owner}(): " if owner else ""


def _as_float(value, name: str, owner: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        if isinstance(value, np.ndarray) and value.ndim == 0 and np.isrealobj(value):
            value = value.item()
        else:
            raise ParameterError(f"{_owner(owner)}{name}={value!r} is not a real number")
    return float(value)


def check_finite(value, name: str, owner: str = "") -> float:
    """Return ``value`` as float; raise :class:`ParameterError` if it is NaN or infinite."""
    v = _as_float(value, name, owner)
    if not math.isfinite(v):
        raise ParameterError(f"{_owner(owner)}{name}={value!r} must be a finite number")
    return v


def check_probability(value, name: str, owner: str = "") -> float:
    """Return ``value`` as float; raise :class:`ParameterError` unless ``0 <= value <= 1``.

    Examples
    --------
    >>> check_probability(0.25, "p")
    0.25
    """
    v = _as_float(value, name, owner)
    if not (0.0 <= v <= 1.0):  # also rejects NaN
        raise ParameterError(f"{_owner(owner)}{name}={value!r} is not a probability; it must lie in [0, 1]")
    return v


def check_nonnegative(value, name: str, owner: str = "", allow_inf: bool = False) -> float:
    """Return ``value`` as float; raise unless it is >= 0 (and finite unless ``allow_inf``)."""
    v = _as_float(value, name, owner)
    if math.isnan(v) or v < 0 or (math.isinf(v) and not allow_inf):
        allowed = "a number >= 0 (inf allowed)" if allow_inf else "a finite number >= 0"
        raise ParameterError(f"{_owner(owner)}{name}={value!r} is not allowed; it must be {allowed}")
    return v


def check_positive(value, name: str, owner: str = "", allow_inf: bool = False) -> float:
    """Return ``value`` as float; raise unless it is > 0 (and finite unless ``allow_inf``)."""
    v = _as_float(value, name, owner)
    if math.isnan(v) or v <= 0 or (math.isinf(v) and not allow_inf):
        allowed = "a number > 0 (inf allowed)" if allow_inf else "a finite number > 0"
        raise ParameterError(f"{_owner(owner)}{name}={value!r} is not allowed; it must be {allowed}")
    return v


def num_qubits_of_dim(dim: int, name: str = "rho", owner: str = "") -> int:
    """Number of qubits n with ``2**n == dim``; raise :class:`DimensionError` otherwise."""
    if dim < 1 or dim & (dim - 1):
        raise DimensionError(
            f"{_owner(owner)}{name} has dimension {dim}, which is not a power of two; "
            "qubit registers have dimension 2**n"
        )
    return dim.bit_length() - 1


def _as_complex_array(x, name: str, owner: str) -> np.ndarray:
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise DimensionError(f"{_owner(owner)}{name} could not be converted to an array: {exc}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise DimensionError(f"{_owner(owner)}{name} must be a numeric array, got dtype {arr.dtype}")
    arr = np.ascontiguousarray(arr, dtype=np.complex128)
    if not np.all(np.isfinite(arr)):
        raise StateError(f"{_owner(owner)}{name} contains NaN or infinite entries")
    return arr


def as_square_operator(x, name: str = "rho", owner: str = "") -> tuple[np.ndarray, int]:
    """Coerce to a contiguous complex128 array of shape ``(..., 2**n, 2**n)``; return it and n."""
    arr = _as_complex_array(x, name, owner)
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2]:
        raise DimensionError(
            f"{_owner(owner)}{name} has shape {arr.shape}; expected (..., 2**n, 2**n) square matrices"
        )
    n = num_qubits_of_dim(arr.shape[-1], name, owner)
    return arr, n


def as_density_matrix(rho, name: str = "rho", owner: str = "", validate: bool = True,
                      atol: float = DEFAULT_ATOL) -> tuple[np.ndarray, int]:
    """Coerce ``rho`` to a complex128 array ``(..., 2**n, 2**n)`` and check it is a state.

    Checks (when ``validate``): square with power-of-two dimension, finite, Hermitian,
    unit trace and no eigenvalue below ``-atol`` (each within ``atol``), for every
    element of the batch. Returns ``(array, n)``.

    Raises
    ------
    DimensionError, StateError
    """
    if not validate:
        arr = np.ascontiguousarray(rho, dtype=np.complex128)
        return arr, int(arr.shape[-1]).bit_length() - 1
    arr, n = as_square_operator(rho, name, owner)
    herm_err = np.max(np.abs(arr - np.conj(np.swapaxes(arr, -1, -2)))) if arr.size else 0.0
    if herm_err > atol:
        raise StateError(
            f"{_owner(owner)}{name} is not Hermitian (max |rho - rho^dag| = {herm_err:.3g} > atol={atol:g}); "
            "a density matrix must be Hermitian"
        )
    tr = np.trace(arr, axis1=-2, axis2=-1)
    tr_err = np.max(np.abs(tr - 1.0)) if tr.size else 0.0
    if tr_err > atol * max(1, arr.shape[-1]):
        bad = complex(np.ravel(tr)[np.argmax(np.abs(np.ravel(tr) - 1.0))])
        raise StateError(
            f"{_owner(owner)}{name} has trace {bad.real:.6g}{'' if abs(bad.imag) < atol else f'{bad.imag:+.3g}j'}; "
            "a density matrix must have trace 1"
        )
    herm = 0.5 * (arr + np.conj(np.swapaxes(arr, -1, -2)))
    min_eig = float(np.min(np.linalg.eigvalsh(herm))) if arr.size else 0.0
    if min_eig < -max(atol, 1e-12) * max(1, arr.shape[-1]):
        raise StateError(
            f"{_owner(owner)}{name} has a negative eigenvalue {min_eig:.3g} (tolerance {atol:g}); "
            "a density matrix must be positive semidefinite"
        )
    return arr, n


def as_ket(psi, name: str = "psi", owner: str = "", validate: bool = True,
           atol: float = DEFAULT_ATOL) -> tuple[np.ndarray, int]:
    """Coerce a state vector ``(..., 2**n)`` to complex128 and check its norm is 1."""
    arr = _as_complex_array(psi, name, owner)
    if arr.ndim < 1:
        raise DimensionError(f"{_owner(owner)}{name} is a scalar; expected a state vector of length 2**n")
    n = num_qubits_of_dim(arr.shape[-1], name, owner)
    if validate:
        norms = np.linalg.norm(arr, axis=-1)
        err = np.max(np.abs(norms - 1.0)) if norms.size else 0.0
        if err > atol:
            raise StateError(
                f"{_owner(owner)}{name} has norm {float(np.ravel(norms)[np.argmax(np.abs(np.ravel(norms) - 1))]):.6g}; "
                "a state vector must have norm 1"
            )
    return arr, n


def check_targets(targets, n: int, name: str = "targets", owner: str = "",
                  expected: int | None = None) -> tuple[int, ...]:
    """Validate an ordered sequence of distinct qubit indices in ``range(n)``.

    Negative indices are not allowed (they are almost always a bug in network code).
    If ``expected`` is given the sequence must have exactly that many entries.
    """
    if isinstance(targets, (numbers.Integral, np.integer)) and not isinstance(targets, bool):
        targets = (int(targets),)
    try:
        seq = tuple(targets)
    except TypeError:
        raise QubitIndexError(
            f"{_owner(owner)}{name}={targets!r} is not a sequence of qubit indices"
        ) from None
    out = []
    for q in seq:
        if isinstance(q, bool) or not isinstance(q, (numbers.Integral, np.integer)):
            raise QubitIndexError(f"{_owner(owner)}{name}={seq!r} contains {q!r}, which is not an integer")
        q = int(q)
        if not 0 <= q < n:
            raise QubitIndexError(
                f"{_owner(owner)}{name}={seq!r}: qubit {q} is out of range for a {n}-qubit state; "
                f"allowed indices are 0..{n - 1}"
            )
        out.append(q)
    if len(set(out)) != len(out):
        dup = sorted({q for q in out if out.count(q) > 1})
        raise QubitIndexError(f"{_owner(owner)}{name}={tuple(out)!r} repeats qubit(s) {dup}; targets must be distinct")
    if not out:
        raise QubitIndexError(f"{_owner(owner)}{name} is empty; name at least one qubit")
    if expected is not None and len(out) != expected:
        raise QubitIndexError(
            f"{_owner(owner)}{name}={tuple(out)!r} names {len(out)} qubit(s) but the operator acts on {expected}"
        )
    return tuple(out)


def as_kraus(kraus, name: str = "kraus", owner: str = "", validate: bool = True,
             atol: float = 1e-10) -> tuple[np.ndarray, int]:
    """Coerce Kraus operators to complex128 ``(k, 2**m, 2**m)`` and check sum K^dag K = I.

    A single matrix ``(2**m, 2**m)`` is accepted as a one-operator set.

    Raises
    ------
    DimensionError
        Wrong shape or non power-of-two size.
    ChannelError
        The set is not trace preserving (the message gives the max deviation).
    """
    arr = _as_complex_array(kraus, name, owner)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[-1] != arr.shape[-2] or arr.shape[0] == 0:
        raise DimensionError(
            f"{_owner(owner)}{name} has shape {arr.shape}; expected (k, 2**m, 2**m) with k >= 1"
        )
    m = num_qubits_of_dim(arr.shape[-1], name, owner)
    if validate:
        s = np.einsum("kji,kjl->il", np.conj(arr), arr)
        dev = float(np.max(np.abs(s - np.eye(arr.shape[-1]))))
        if dev > atol * arr.shape[-1]:
            raise ChannelError(
                f"{_owner(owner)}{name} is not trace preserving: max |sum_k K^dag K - I| = {dev:.3g} "
                f"(tolerance {atol * arr.shape[-1]:g}); Kraus operators of a CPTP map must satisfy sum_k K^dag K = I"
            )
    return np.ascontiguousarray(arr), m


def check_unitary(U, name: str = "U", owner: str = "", validate: bool = True,
                  atol: float = 1e-10) -> tuple[np.ndarray, int]:
    """Coerce ``U`` to complex128 ``(2**m, 2**m)`` and check ``U^dag U = I``."""
    arr, m = as_square_operator(U, name, owner)
    if arr.ndim != 2:
        raise DimensionError(f"{_owner(owner)}{name} has shape {arr.shape}; expected a single (2**m, 2**m) matrix")
    if validate:
        dev = float(np.max(np.abs(arr.conj().T @ arr - np.eye(arr.shape[0]))))
        if dev > atol * arr.shape[0]:
            raise ChannelError(
                f"{_owner(owner)}{name} is not unitary: max |U^dag U - I| = {dev:.3g}; "
                "use apply_kraus for general (non-unitary) operations"
            )
    return arr, m
