"""Input validation at the public boundary.

Kernels never raise for user input; public functions call these helpers once. Every failure
raises a :class:`~qnet_core.errors.QnetError` subclass whose message names the function, the
argument, the offending value and what is allowed (and, for a batch, the index of the
offending state).

Density matrices are checked at one of three levels, the ``validate`` argument of every
public function that takes states:

* ``True`` (default): the compiled one-pass checks of :mod:`qnet_core._checks` (finite,
  Hermitian, unit trace and positive semidefinite, the last by an ``LDL^dag`` factorization
  up to four qubits and by O(D**2) necessary conditions above), no eigenvalue decomposition;
* ``"full"``: the plain-numpy reference, with an eigenvalue decomposition of every state
  (what :mod:`qnet_core.testing` asserts);
* ``False``: shapes and dtype only, for hot loops whose states are known to be valid.

When the compiled check rejects a batch, the reference decides and writes the message, so
both levels agree away from the tolerance boundary and give the same messages. A batch
broadcast along an axis (stride 0) is checked once per distinct state.

Every state, ket, operator and Kraus argument is read through :func:`as_array`, so it may
be a ``qutip.Qobj`` or any object with a ``.full()`` method returning its dense matrix (and
a list of them: a batch or a Kraus set). A QuTiP ket (a column ``(2**n, 1)``) given where a
density matrix is expected becomes ``|psi><psi|``; where a ket is expected it becomes a
vector ``(2**n,)``. QuTiP itself is never imported here.

Bools are not numbers: ``True`` is refused as a scalar, as an array of dtype bool and inside
a list (``[True, 0.5]``), for real parameters and for states alike.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _checks, _kernels
from .errors import ChannelError, DimensionError, ParameterError, QubitIndexError, StateError

__all__ = [
    "DEFAULT_ATOL",
    "check_probability",
    "check_nonnegative",
    "check_positive",
    "check_finite",
    "as_real_array",
    "as_array",
    "num_qubits_of_dim",
    "as_density_matrix",
    "as_states",
    "check_states",
    "check_states_reference",
    "unique_states",
    "validate_mode",
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


def _has_bool(value) -> bool:
    """Whether a list or tuple (nested) holds a bool (``True``, ``np.True_``) or a bool array."""
    for v in value:
        if isinstance(v, (bool, np.bool_)) or (isinstance(v, np.ndarray) and v.dtype == np.bool_):
            return True
        if isinstance(v, (list, tuple)) and _has_bool(v):
            return True
    return False


def _bool_error(value, name: str, owner: str, what: str) -> ParameterError:
    """The error for bools where numbers are expected (``value`` shown briefly)."""
    if isinstance(value, np.ndarray):
        shown = f"<{value.shape} bool array>"
    else:
        shown = repr(value)
        shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return ParameterError(f"{_owner(owner)}{name}={shown} contains a bool; True and False are not numbers here, "
                          f"give {what}")


def _is_qobj_like(x) -> bool:
    """A ``qutip.Qobj`` or anything else with a callable ``.full()`` (arrays and strings excluded)."""
    return not isinstance(x, (np.ndarray, np.generic, str, bytes)) and callable(getattr(x, "full", None))


def _holds_qobj(x) -> bool:
    """Whether ``x`` is Qobj-like or a (nested) list or tuple holding one."""
    if isinstance(x, (list, tuple)):
        return any(_holds_qobj(e) for e in x)
    return _is_qobj_like(x)


#: What :func:`as_array` makes of a Qobj-like input: a state, a ket, an operator or a superoperator.
ArrayKind = Literal["state", "ket", "operator", "superoperator"]
_WHAT = {"state": "a density matrix or a ket", "ket": "a ket", "operator": "an operator (a matrix)",
         "superoperator": "a superoperator (QuTiP type 'super')"}


def _from_full(x, kind: str, name: str, owner: str) -> np.ndarray:
    """Dense array of one Qobj-like ``x`` (see :func:`as_array`)."""
    try:
        a = np.asarray(x.full())
    except Exception as exc:  # a broken .full() is the caller's object, not ours
        raise DimensionError(f"{_owner(owner)}{name}: calling {type(x).__name__}.full() failed: {exc}") from None
    qtype = getattr(x, "type", None)
    if qtype in ("super", "operator-ket", "operator-bra"):
        if kind != "superoperator" or qtype != "super":
            raise DimensionError(f"{_owner(owner)}{name} is a QuTiP {qtype}; expected {_WHAT[kind]}")
        rep = getattr(x, "superrep", "super")
        if rep != "super":
            raise DimensionError(f"{_owner(owner)}{name} is a QuTiP superoperator in the {rep!r} representation; "
                                 "convert it with qutip.to_super() first")
        d = math.isqrt(a.shape[0])
        # QuTiP stacks columns, qnetsim rows: S_row[(i, j), (k, l)] = S_col[(j, i), (l, k)]
        return a.reshape(d, d, d, d).transpose(1, 0, 3, 2).reshape(d * d, d * d)
    if a.ndim == 2 and kind in ("state", "ket") and 1 in a.shape and a.size > 1:
        v = a[:, 0] if a.shape[1] == 1 else np.conj(a[0])  # a ket column, or a bra row
        return v if kind == "ket" else np.outer(v, np.conj(v))
    return a


def as_array(x: Any, kind: ArrayKind = "operator", name: str = "rho", owner: str = "") -> Any:
    """``x`` with a ``qutip.Qobj`` (or any object with ``.full()``) replaced by its dense numpy array.

    The one place where foreign matrix types enter qnetsim: every state, ket, operator and
    Kraus argument of the public API passes through here before it is checked. A list or
    tuple holding such objects (a batch of states, a Kraus set) becomes one stacked array,
    as does an object array of them (what ``np.asarray`` makes of a Qobj). Anything else is
    returned unchanged, at the cost of one type test for a numpy array.

    Parameters
    ----------
    x : object
        A numpy array, an array-like, a ``qutip.Qobj``, an object with ``.full()``, or a list
        of them.
    kind : {"state", "ket", "operator", "superoperator"}, default "operator"
        What the caller expects. ``"state"``: a ket (a column ``(2**n, 1)``, or a bra row)
        becomes the density matrix ``|psi><psi|``; ``"ket"``: it becomes the vector
        ``(2**n,)``; ``"superoperator"``: a QuTiP ``super`` (column stacking) becomes
        qnetsim's row-major superoperator. A QuTiP superoperator given as anything else
        raises DimensionError.
    name : str, default "rho"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.

    Returns
    -------
    numpy.ndarray or object
        The dense array, or ``x`` itself when it holds no Qobj-like object.

    Notes
    -----
    QuTiP is never imported: the test is ``callable(x.full)``, which QuTiP 4 and 5 ``Qobj``
    pass. ``dims`` are not read: qnetsim takes the qubit count from the matrix size. A ket
    is recognized by its shape, a column ``(D, 1)`` (a bra: a row ``(1, D)``), ``D > 1``.

    Examples
    --------
    >>> class Wrapped:
    ...     def full(self):
    ...         return np.array([[1.0], [0.0]])
    >>> as_array(Wrapped(), "state").real.tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    >>> as_array([1, 0], "ket")
    [1, 0]
    """
    if type(x) is np.ndarray:
        if x.dtype != object or x.size == 0 or not all(_is_qobj_like(e) for e in x.flat):
            return x
        parts = [_from_full(e, kind, name, owner) for e in x.flat]
    elif _is_qobj_like(x):
        return _from_full(x, kind, name, owner)
    elif isinstance(x, (list, tuple)) and _holds_qobj(x):
        parts = [as_array(e, kind, name, owner) for e in x]
        x = np.empty(len(parts), dtype=object)
    else:
        return x
    try:
        return np.stack([np.asarray(p) for p in parts]).reshape(x.shape + np.shape(parts[0]))
    except ValueError:
        shapes = sorted({np.shape(p) for p in parts})
        raise DimensionError(f"{_owner(owner)}{name} is a list of matrices of different shapes {shapes}; "
                             "a batch or a Kraus set needs one shape") from None


def _as_float(value, name: str, owner: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        if isinstance(value, np.ndarray) and value.ndim == 0 and np.isrealobj(value):
            value = value.item()
        else:
            raise ParameterError(f"{_owner(owner)}{name}={value!r} is not a real number")
    try:
        return float(value)
    except OverflowError:  # an int beyond the float range (10**400)
        raise ParameterError(f"{_owner(owner)}{name}={value!r} is too large; it must be a finite number within "
                             "the float range (|x| < 1.8e308)") from None


def as_real_array(value: ArrayLike, name: str, owner: str = "") -> NDArray[np.float64]:
    """``value`` as a float64 array; raise :class:`ParameterError` unless it holds real numbers.

    Bools (scalars, bool arrays and bools inside lists such as ``[True, 0.5]``), strings,
    complex numbers and objects are refused (``True`` is not a number here); the range is the
    caller's to check.

    Parameters
    ----------
    value : float or array_like
        Real number(s); integer and float dtypes are accepted.
    name : str
        Argument name used in the error message.
    owner : str, default ""
        Calling function's name, prefixed to the error message.

    Returns
    -------
    numpy.ndarray, float64
        ``value`` converted, same shape (0-d for a scalar).

    Examples
    --------
    >>> as_real_array([1, 0.5], "eta").tolist()
    [1.0, 0.5]
    """
    try:
        arr = np.asarray(value)
        ok = arr.dtype.kind in "iuf"
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ParameterError(f"{_owner(owner)}{name}={value!r} must be a real number or an array of real numbers")
    if isinstance(value, (list, tuple)) and _has_bool(value):
        raise _bool_error(value, name, owner, "a real number or an array of real numbers")
    return arr.astype(np.float64, copy=False)


def check_finite(value: float, name: str, owner: str = "") -> float:
    """Return ``value`` as float; raise :class:`ParameterError` if it is NaN or infinite.

    Parameters
    ----------
    value : real number
        The value to check (a 0-d real array is accepted; bools and non-reals raise).
    name : str
        Argument name used in the error message.
    owner : str, default ""
        Calling function's name, prefixed to the error message as ``owner(): ``.

    Returns
    -------
    float
        ``value`` as a finite float.
    """
    v = _as_float(value, name, owner)
    if not math.isfinite(v):
        raise ParameterError(f"{_owner(owner)}{name}={value!r} must be a finite number")
    return v


def check_probability(value: float, name: str, owner: str = "") -> float:
    """Return ``value`` as float; raise :class:`ParameterError` unless ``0 <= value <= 1``.

    Parameters
    ----------
    value : real number
        The value to check (bools and non-reals raise; NaN is rejected).
    name : str
        Argument name used in the error message.
    owner : str, default ""
        Calling function's name, prefixed to the error message.

    Returns
    -------
    float
        ``value`` as a float in [0, 1].

    Examples
    --------
    >>> check_probability(0.25, "p")
    0.25
    """
    v = _as_float(value, name, owner)
    if not (0.0 <= v <= 1.0):  # also rejects NaN
        raise ParameterError(f"{_owner(owner)}{name}={value!r} is not a probability; it must lie in [0, 1]")
    return v


def check_nonnegative(value: float, name: str, owner: str = "", allow_inf: bool = False) -> float:
    """Return ``value`` as float; raise unless it is >= 0 (and finite unless ``allow_inf``).

    Parameters
    ----------
    value : real number
        The value to check (bools and non-reals raise; NaN is rejected).
    name : str
        Argument name used in the error message.
    owner : str, default ""
        Calling function's name, prefixed to the error message.
    allow_inf : bool, default False
        Accept ``+inf``.

    Returns
    -------
    float
        ``value`` as a float >= 0.
    """
    v = _as_float(value, name, owner)
    if math.isnan(v) or v < 0 or (math.isinf(v) and not allow_inf):
        allowed = "a number >= 0 (inf allowed)" if allow_inf else "a finite number >= 0"
        raise ParameterError(f"{_owner(owner)}{name}={value!r} is not allowed; it must be {allowed}")
    return v


def check_positive(value: float, name: str, owner: str = "", allow_inf: bool = False) -> float:
    """Return ``value`` as float; raise unless it is > 0 (and finite unless ``allow_inf``).

    Parameters
    ----------
    value : real number
        The value to check (bools and non-reals raise; NaN is rejected).
    name : str
        Argument name used in the error message.
    owner : str, default ""
        Calling function's name, prefixed to the error message.
    allow_inf : bool, default False
        Accept ``+inf``.

    Returns
    -------
    float
        ``value`` as a float > 0.
    """
    v = _as_float(value, name, owner)
    if math.isnan(v) or v <= 0 or (math.isinf(v) and not allow_inf):
        allowed = "a number > 0 (inf allowed)" if allow_inf else "a finite number > 0"
        raise ParameterError(f"{_owner(owner)}{name}={value!r} is not allowed; it must be {allowed}")
    return v


def num_qubits_of_dim(dim: int, name: str = "rho", owner: str = "") -> int:
    """Number of qubits n with ``2**n == dim``; raise :class:`DimensionError` otherwise.

    Parameters
    ----------
    dim : int
        Hilbert-space dimension, >= 1.
    name : str, default "rho"
        Argument name used in the error message.
    owner : str, default ""
        Calling function's name, prefixed to the error message.

    Returns
    -------
    int
        n >= 0 with ``2**n == dim``.
    """
    if dim < 1 or dim & (dim - 1):
        raise DimensionError(
            f"{_owner(owner)}{name} has dimension {dim}, which is not a power of two; "
            "qubit registers have dimension 2**n"
        )
    return dim.bit_length() - 1


def _numeric(x, name: str, owner: str) -> np.ndarray:
    """``x`` as a numeric numpy array (no copy when it is one); DimensionError or ParameterError otherwise."""
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - exotic inputs
        raise DimensionError(f"{_owner(owner)}{name} could not be converted to an array: {exc}") from None
    if arr.dtype == np.bool_ or (arr.dtype != object and isinstance(x, (list, tuple)) and _has_bool(x)):
        raise _bool_error(x if isinstance(x, (list, tuple)) else arr, name, owner, "a numeric array")
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise DimensionError(f"{_owner(owner)}{name} must be a numeric array, got dtype {arr.dtype}")
    return arr


def _as_complex_array(x, name: str, owner: str, kind: str = "operator") -> np.ndarray:
    arr = _numeric(as_array(x, kind, name, owner), name, owner)
    arr = np.ascontiguousarray(arr, dtype=np.complex128)
    if not np.all(np.isfinite(arr)):
        raise StateError(f"{_owner(owner)}{name} contains NaN or infinite entries")
    return arr


def as_square_operator(x: ArrayLike, name: str = "rho", owner: str = "") -> tuple[NDArray[np.complex128], int]:
    """Coerce to a contiguous complex128 array of shape ``(..., 2**n, 2**n)``; return it and n.

    Parameters
    ----------
    x : array_like or qutip.Qobj, shape (..., 2**n, 2**n)
        Numeric array (or Qobj, see :func:`as_array`); NaN or infinite entries raise StateError.
    name : str, default "rho"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.

    Returns
    -------
    arr : numpy.ndarray, complex128, shape (..., 2**n, 2**n)
        C-contiguous copy (or the input itself when already so).
    n : int
        Number of qubits.
    """
    arr = _as_complex_array(x, name, owner)
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2]:
        raise DimensionError(
            f"{_owner(owner)}{name} has shape {arr.shape}; expected (..., 2**n, 2**n) square matrices"
        )
    n = num_qubits_of_dim(arr.shape[-1], name, owner)
    return arr, n


def validate_mode(validate: bool | str, owner: str = "") -> bool | str:
    """Normalize a ``validate`` argument to ``False``, ``True`` or ``"full"``.

    Parameters
    ----------
    validate : bool, str or any object
        ``"full"``, or anything whose truth value selects True / False; other strings raise
        ParameterError.
    owner : str, default ""
        Calling function's name, prefixed to the error message.

    Returns
    -------
    bool or str
        ``False``, ``True`` or ``"full"``.

    Examples
    --------
    >>> validate_mode(1), validate_mode("full")
    (True, 'full')
    """
    if isinstance(validate, str):
        if validate == "full":
            return "full"
        raise ParameterError(f"{_owner(owner)}validate={validate!r} is not allowed; use True, False or 'full'")
    return bool(validate)


def as_states(rho: ArrayLike, name: str = "rho", owner: str = "") -> tuple[NDArray[np.complex128], int]:
    """Coerce to complex128 ``(..., 2**n, 2**n)`` and return it with n; no value checks.

    A complex128 array is returned as it is (any strides, read-only or broadcast included);
    other numeric arrays are converted, and a ``qutip.Qobj`` (ket or operator) is read
    through :func:`as_array`. Raises :class:`DimensionError` for a non-numeric
    array or a shape that is not a batch of square power-of-two matrices.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        Numeric array of square matrices.
    name : str, default "rho"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.

    Returns
    -------
    arr : numpy.ndarray, complex128, shape (..., 2**n, 2**n)
        The input itself when already complex128, else a converted array (not necessarily
        contiguous).
    n : int
        Number of qubits.
    """
    if type(rho) is np.ndarray and rho.dtype == np.complex128:
        arr = rho
    else:
        arr = _numeric(as_array(rho, "state", name, owner), name, owner).astype(np.complex128, copy=False)
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2]:
        raise DimensionError(
            f"{_owner(owner)}{name} has shape {arr.shape}; expected (..., 2**n, 2**n) square matrices"
        )
    return arr, num_qubits_of_dim(arr.shape[-1], name, owner)


def unique_states(arr: np.ndarray) -> np.ndarray:
    """View of ``arr`` ``(..., D, D)`` with every broadcast batch axis (stride 0) cut to length 1.

    ``np.broadcast_to(unique_states(a), a.shape)`` equals ``a``; a broadcast batch of N
    copies of one state becomes one state.

    Parameters
    ----------
    arr : numpy.ndarray, shape (..., D, D)
        Batch of matrices, possibly broadcast (zero strides).

    Returns
    -------
    numpy.ndarray, shape (..., D, D)
        A view with every zero-stride batch axis of length 1 (``arr`` itself if none).
    """
    nb = arr.ndim - 2
    if nb <= 0 or 0 in arr.shape or all(arr.strides[k] or arr.shape[k] == 1 for k in range(nb)):
        return arr
    return arr[tuple(slice(0, 1) if arr.strides[k] == 0 else slice(None) for k in range(nb))]


def _at(arr: np.ndarray, flat_index: int) -> str:
    """`` (batch index i)`` for a batch, empty for a single state."""
    batch = arr.shape[:-2]
    if not batch:
        return ""
    idx = tuple(int(i) for i in np.unravel_index(flat_index, batch))
    return f" (batch index {idx[0] if len(idx) == 1 else idx})"


def check_states_reference(arr: np.ndarray, name: str = "rho", owner: str = "", atol: float = DEFAULT_ATOL) -> None:
    """Plain-numpy check of every state of ``arr`` ``(..., D, D)``, eigenvalues included.

    The reference of the compiled checks (``validate="full"``). Raises :class:`StateError`
    for the first failing criterion (finite, Hermitian, trace, positivity), naming the worst
    state of the batch.

    Parameters
    ----------
    arr : numpy.ndarray, shape (..., D, D)
        Batch of matrices (complex128); an empty batch passes.
    name : str, default "rho"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.
    atol : float, default DEFAULT_ATOL (1e-8)
        Absolute tolerance of the Hermiticity check (trace: ``atol * max(1, D)``; positivity:
        the compiled checks' tolerance for dimension D).
    """
    if arr.size == 0:
        return
    d = arr.shape[-1]
    flat = arr.reshape((-1, d, d))
    finite = np.isfinite(flat).all(axis=(1, 2))
    if not finite.all():
        raise StateError(f"{_owner(owner)}{name} contains NaN or infinite entries{_at(arr, int(np.argmin(finite)))}")
    herm = np.abs(flat - np.conj(np.swapaxes(flat, -1, -2))).max(axis=(1, 2))
    i = int(np.argmax(herm))
    if herm[i] > atol:
        raise StateError(
            f"{_owner(owner)}{name} is not Hermitian (max |rho - rho^dag| = {herm[i]:.3g} > atol={atol:g})"
            f"{_at(arr, i)}; a density matrix must be Hermitian"
        )
    tr = np.trace(flat, axis1=-2, axis2=-1)
    i = int(np.argmax(np.abs(tr - 1.0)))
    if abs(tr[i] - 1.0) > atol * max(1, d):
        bad = complex(tr[i])
        raise StateError(
            f"{_owner(owner)}{name} has trace {bad.real:.6g}{'' if abs(bad.imag) < atol else f'{bad.imag:+.3g}j'}"
            f"{_at(arr, i)}; a density matrix must have trace 1"
        )
    low = np.linalg.eigvalsh(0.5 * (flat + np.conj(np.swapaxes(flat, -1, -2))))[:, 0]
    i = int(np.argmin(low))
    if low[i] < -_checks.positivity_tolerance(atol, d):
        raise StateError(
            f"{_owner(owner)}{name} has a negative eigenvalue {low[i]:.3g} (tolerance {atol:g}){_at(arr, i)}; "
            "a density matrix must be positive semidefinite"
        )


def _compiled_check(arr: np.ndarray, atol: float) -> int:
    """Flat index of the first state of ``arr`` ``(..., D, D)`` failing the compiled check, or -1."""
    d = arr.shape[-1]
    flat = arr.reshape((-1, d, d))
    tol = _checks.positivity_tolerance(atol, d)
    if flat.size >= _kernels.PARALLEL_MIN_ENTRIES:
        return int(_kernels.run_split(lambda lo, hi: _checks.first_invalid(flat, lo, hi, atol, tol), flat.shape[0]))
    return int(_checks.first_invalid(flat, 0, flat.shape[0], atol, tol))


def check_states(arr: np.ndarray, name: str = "rho", owner: str = "", validate: bool | str = True,
                 atol: float = DEFAULT_ATOL) -> None:
    """Check that every state of ``arr`` (complex128 ``(..., D, D)``, any strides) is a density matrix.

    ``validate`` is ``True`` (compiled checks), ``"full"`` (plain-numpy reference with
    eigenvalues) or ``False`` (nothing). Raises :class:`StateError` naming the check, the
    value and, for a batch, the index of the worst state.

    Parameters
    ----------
    arr : numpy.ndarray, complex128, shape (..., D, D)
        Batch of matrices; an empty batch passes.
    name : str, default "rho"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.
    validate : bool or "full", default True
        Check level, as above.
    atol : float, default DEFAULT_ATOL (1e-8)
        Absolute tolerance of the checks.
    """
    mode = validate_mode(validate, owner)
    if not mode or arr.size == 0:
        return
    u = unique_states(arr)
    if mode == "full" or _compiled_check(u, atol) >= 0:
        check_states_reference(u, name, owner, atol)


def as_density_matrix(rho: ArrayLike, name: str = "rho", owner: str = "", validate: bool | str = True,
                      atol: float = DEFAULT_ATOL) -> tuple[NDArray[np.complex128], int]:
    """Coerce ``rho`` to a contiguous complex128 array ``(..., 2**n, 2**n)`` and check it is a state.

    Checks: square with power-of-two dimension and numeric dtype; then, for every element
    of the batch, finite, Hermitian, unit trace and no eigenvalue below
    ``-max(atol, 1e-12) * 2**n`` (each within ``atol``): compiled one-pass checks when
    ``validate`` is True, the eigenvalue decomposition when it is ``"full"``, none when it
    is False (see the module docstring). Returns ``(array, n)``.

    Raises
    ------
    DimensionError, StateError

    Parameters
    ----------
    rho : array_like or qutip.Qobj, shape (..., 2**n, 2**n)
        State or batch of states; a Qobj ket becomes ``|psi><psi|`` (see :func:`as_array`).
    name : str, default "rho"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.
    validate : bool or "full", default True
        Check level (False: no shape or value checks beyond the conversion).
    atol : float, default DEFAULT_ATOL (1e-8)
        Absolute tolerance of the checks.

    Returns
    -------
    arr : numpy.ndarray, complex128, shape (..., 2**n, 2**n)
        C-contiguous array of the state(s).
    n : int
        Number of qubits.
    """
    mode = validate_mode(validate, owner)
    if not mode:
        arr = np.ascontiguousarray(as_array(rho, "state", name, owner), dtype=np.complex128)
        return arr, int(arr.shape[-1]).bit_length() - 1
    arr, n = as_states(rho, name, owner)
    check_states(arr, name, owner, mode, atol)
    return np.ascontiguousarray(arr), n


def as_ket(psi: ArrayLike, name: str = "psi", owner: str = "", validate: bool = True,
           atol: float = DEFAULT_ATOL) -> tuple[NDArray[np.complex128], int]:
    """Coerce a state vector ``(..., 2**n)`` to complex128 and check its norm is 1.

    Parameters
    ----------
    psi : array_like or qutip.Qobj, shape (..., 2**n)
        State vector or batch (a Qobj ket or bra becomes a vector); NaN or infinite entries
        raise StateError.
    name : str, default "psi"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.
    validate : bool, default True
        Check that every vector has norm 1 within ``atol``.
    atol : float, default DEFAULT_ATOL (1e-8)
        Tolerance of the norm check.

    Returns
    -------
    arr : numpy.ndarray, complex128, shape (..., 2**n)
        C-contiguous array of the ket(s).
    n : int
        Number of qubits.
    """
    arr = _as_complex_array(psi, name, owner, "ket")
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


def check_targets(targets: int | Sequence[int], n: int, name: str = "targets", owner: str = "",
                  expected: int | None = None) -> tuple[int, ...]:
    """Validate an ordered sequence of distinct qubit indices in ``range(n)``.

    Negative indices are not allowed (they are almost always a bug in network code).
    If ``expected`` is given the sequence must have exactly that many entries.

    Parameters
    ----------
    targets : int or sequence of int
        Qubit index or indices (a single int counts as a one-element sequence).
    n : int
        Number of qubits of the register.
    name : str, default "targets"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.
    expected : int, optional
        Required number of targets.

    Returns
    -------
    tuple of int
        The targets in the given order, non-empty and distinct.
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


def as_kraus(kraus: ArrayLike, name: str = "kraus", owner: str = "", validate: bool = True,
             atol: float = 1e-10) -> tuple[NDArray[np.complex128], int]:
    """Coerce Kraus operators to complex128 ``(k, 2**m, 2**m)`` and check sum K^dag K = I.

    A single matrix ``(2**m, 2**m)`` is accepted as a one-operator set.

    Raises
    ------
    DimensionError
        Wrong shape or non power-of-two size.
    ChannelError
        The set is not trace preserving (the message gives the max deviation).

    Parameters
    ----------
    kraus : array_like, qutip.Qobj or list of Qobj, shape (k, 2**m, 2**m) or (2**m, 2**m)
        Kraus operators; NaN or infinite entries raise StateError.
    name : str, default "kraus"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.
    validate : bool, default True
        Check trace preservation.
    atol : float, default 1e-10
        Tolerance of the trace-preservation check, per unit of dimension (``atol * 2**m``).

    Returns
    -------
    arr : numpy.ndarray, complex128, shape (k, 2**m, 2**m)
        C-contiguous Kraus operators.
    m : int
        Number of qubits acted on.
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


def check_unitary(U: ArrayLike, name: str = "U", owner: str = "", validate: bool = True,
                  atol: float = 1e-10) -> tuple[NDArray[np.complex128], int]:
    """Coerce ``U`` to complex128 ``(2**m, 2**m)`` and check ``U^dag U = I``.

    Parameters
    ----------
    U : array_like, shape (2**m, 2**m)
        Matrix to check; batches raise DimensionError.
    name : str, default "U"
        Argument name used in error messages.
    owner : str, default ""
        Calling function's name, prefixed to error messages.
    validate : bool, default True
        Check unitarity (ChannelError if not).
    atol : float, default 1e-10
        Tolerance of the unitarity check, per unit of dimension (``atol * 2**m``).

    Returns
    -------
    arr : numpy.ndarray, complex128, shape (2**m, 2**m)
        The matrix.
    m : int
        Number of qubits acted on.
    """
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
