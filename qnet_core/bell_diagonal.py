"""Bell-diagonal fast path for two-qubit states (4 real coefficients).

A Bell-diagonal state is ``sum_k c_k |B_k><B_k|`` with ``c`` in ``BELL_NAMES`` order
(phi+, phi-, psi+, psi-) and ``|B_k> = (I (x) X^x Z^z)|phi+>``, ``k = 2x + z``. Pauli noise
and Pauli-corrected Bell measurements keep states Bell-diagonal; then these functions
replace 4x4 (or 16x16) dense algebra with operations on ``(..., 4)`` arrays.
Conversion to and from the dense form is exact (:func:`to_bell_diagonal`,
:func:`from_bell_diagonal`). :class:`BellDiagonal` is the validated state type: it checks
its coefficients once, at construction, and carries that verdict. Protocols take it where
they take dense states and then run on the coefficients (``protocols.entanglement_swap``
of two BellDiagonal pairs is the XOR convolution of their coefficients); local Pauli noise is
:meth:`BellDiagonal.pauli_channel` and :meth:`BellDiagonal.depolarize`.

The coefficient-array helpers ``bd_swap``, ``bd_pauli_channel``, ``bd_depolarize`` and
``bd_fidelity`` are deprecated: they still work for one release, with a DeprecationWarning.
"""

from __future__ import annotations

import reprlib
import warnings

import numpy as np
from numpy.typing import ArrayLike

from . import _pair
from ._args import numbers_only, real
from .errors import DimensionError, ParameterError, StateError
from .metrics import bell_coefficients
from .states import BELL_KETS, bell_diagonal
from .validation import as_density_matrix, check_probability

__all__ = [
    "BellDiagonal",
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
    numbers_only(c, name, owner, "an array of real Bell coefficients, shape (..., 4)")
    try:
        arr = np.asarray(c)
        if arr.dtype.kind not in "iuf":  # bools, strings and objects are not coefficients
            raise TypeError
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{owner}(): {name}={c!r} must be an array of real Bell coefficients") from None
    if arr.ndim < 1 or arr.shape[-1] != 4:
        raise DimensionError(f"{owner}(): {name} has shape {arr.shape}; expected (..., 4) Bell coefficients")
    bad = ~(np.isfinite(arr) & (arr >= -1e-12))
    if np.any(bad):
        raise ParameterError(f"{owner}(): {name} contains {float(arr[bad][0])!r}; Bell coefficients must be finite "
                             "and non-negative")
    s = arr.sum(axis=-1)
    if np.any(np.abs(s - 1.0) > 1e-9):
        raise ParameterError(f"{owner}(): {name} must sum to 1 (got {np.ravel(s)[0]:.6g})")
    return arr


def from_bell_diagonal(coeffs: ArrayLike) -> np.ndarray:
    """Dense ``(..., 4, 4)`` state from Bell coefficients ``(..., 4)`` (alias of ``bell_diagonal``).

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)
        Bell coefficients in BELL_NAMES order (checked: non-negative, summing to 1).

    Returns
    -------
    numpy.ndarray, shape (..., 4, 4), complex128

    Examples
    --------
    >>> from_bell_diagonal([0.5, 0.5, 0, 0]).real.round(3).diagonal().tolist()
    [0.5, 0.0, 0.0, 0.5]
    """
    return bell_diagonal(_coeffs(coeffs, "coeffs", "from_bell_diagonal"), validate=False)


def to_bell_diagonal(rho: ArrayLike, atol: float = 1e-9, validate: bool = True) -> np.ndarray:
    """Exact Bell coefficients of a Bell-diagonal two-qubit state.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
        Bell-diagonal density matrices.
    atol : float, default 1e-9
        Largest allowed off-diagonal element in the Bell basis.
    validate : bool or "full", default True
        Check that ``rho`` is a density matrix.

    Returns
    -------
    numpy.ndarray, shape (..., 4), float64

    Examples
    --------
    >>> import qnet_core as qc
    >>> to_bell_diagonal(qc.werner(0.7)).round(6).tolist()
    [0.7, 0.1, 0.1, 0.1]

    Raises
    ------
    StateError
        If ``rho`` has off-diagonal elements in the Bell basis larger than ``atol``
        (use :func:`twirl` to project an arbitrary state).
    """
    atol = real(atol, "atol", "to_bell_diagonal", lo=0.0, what="a tolerance")
    return _exact_coefficients(rho, atol, validate, "to_bell_diagonal", "twirl()")


def _two_qubit_state(rho, owner: str, validate: bool) -> np.ndarray:
    a, n = as_density_matrix(rho, owner=owner, validate=validate)
    if n != 2:
        raise DimensionError(f"{owner}(): needs a two-qubit state; got {n} qubits")
    return a


def _exact_coefficients(rho, atol: float, validate: bool, owner: str, hint: str) -> np.ndarray:
    """Bell coefficients of a Bell-diagonal state; StateError naming ``owner`` if it is not one."""
    a = _two_qubit_state(rho, owner, validate)
    M = np.einsum("ki,...ij,lj->...kl", BELL_KETS.conj(), a, BELL_KETS)
    off = M - np.einsum("...kk->...k", M)[..., None] * np.eye(4)
    err = float(np.max(np.abs(off))) if off.size else 0.0
    if err > atol:
        raise StateError(
            f"{owner}(): state is not Bell diagonal (largest off-diagonal Bell-basis element "
            f"{err:.3g} > atol={atol:g}); use {hint} to project it onto the Bell-diagonal states"
        )
    return np.clip(np.real(np.einsum("...kk->...k", M)), 0.0, 1.0)


def twirl(rho: ArrayLike, validate: bool = True) -> np.ndarray:
    """Bell coefficients of the bilateral Pauli twirl of any two-qubit state.

    The twirl ``(1/4) sum_P (P (x) P*) rho (P (x) P*)^dag`` keeps the Bell-basis diagonal
    and removes every off-diagonal element, so its coefficients are ``<B_k|rho|B_k>``
    (Bennett et al., PRA 54, 3824 (1996)). Fidelity to every Bell state is preserved.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
        Two-qubit density matrices.
    validate : bool or "full", default True

    Returns
    -------
    numpy.ndarray, shape (..., 4), float64

    Examples
    --------
    >>> import qnet_core as qc
    >>> twirl(qc.basis_state("00")).round(6).tolist()
    [0.5, 0.5, 0.0, 0.0]
    """
    return bell_coefficients(rho, validate=validate)


def twirl_dense(rho: ArrayLike, validate: bool = True) -> np.ndarray:
    """Dense ``(..., 4, 4)`` Bell-diagonal twirl of a two-qubit state.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
    validate : bool or "full", default True

    Returns
    -------
    numpy.ndarray, shape (..., 4, 4), complex128

    Examples
    --------
    >>> import qnet_core as qc
    >>> bool(np.allclose(twirl_dense(qc.werner(0.9)), qc.werner(0.9)))
    True
    """
    return bell_diagonal(twirl(rho, validate=validate), validate=False)


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"qnet_core.{old}() is deprecated; use {new} ({old} goes away in the next release)",
                  DeprecationWarning, stacklevel=3)


def _xor_convolve(c1: np.ndarray, c2: np.ndarray) -> np.ndarray:
    """XOR convolution of Bell coefficients ``(..., 4)`` (batches broadcast): the noiseless swap kernel."""
    batch = np.broadcast_shapes(c1.shape[:-1], c2.shape[:-1])
    a = np.ascontiguousarray(np.broadcast_to(c1, batch + (4,)), dtype=np.float64).reshape(-1, 4)
    b = np.ascontiguousarray(np.broadcast_to(c2, batch + (4,)), dtype=np.float64).reshape(-1, 4)
    out = np.empty(a.shape)
    _pair._swap_bd_batch(a, b, 0.0, 0.0, out)
    return out.reshape(batch + (4,))


def _pauli_to_bell(p: np.ndarray) -> np.ndarray:
    """Pauli probabilities in (I, X, Y, Z) order -> Bell-index order (I, Z, X, Y)."""
    pb = np.empty(p.shape, dtype=np.float64)
    pb[..., PAULI_TO_BELL] = p
    return pb


def bd_swap(c1: ArrayLike, c2: ArrayLike, validate: bool = True) -> np.ndarray:
    """Deprecated: use ``protocols.entanglement_swap(BellDiagonal(c1), BellDiagonal(c2)).state``.

    Bell coefficients ``c[k] = sum_{i XOR j = k} c1[i] c2[j]`` after an ideal swap with Pauli
    correction (Pauli errors compose by XOR of indices). Warns; goes away in the next release.

    Parameters
    ----------
    c1, c2 : array_like, shape (..., 4)
    validate : bool, default True

    Returns
    -------
    numpy.ndarray, shape (..., 4)

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     bd_swap([1, 0, 0, 0], [0.9, 0.1, 0, 0]).tolist()
    [0.9, 0.1, 0.0, 0.0]
    """
    _deprecated("bd_swap", "protocols.entanglement_swap(BellDiagonal(c1), BellDiagonal(c2)).state")
    a = _coeffs(c1, "c1", "bd_swap") if validate else np.asarray(c1, dtype=np.float64)
    b = _coeffs(c2, "c2", "bd_swap") if validate else np.asarray(c2, dtype=np.float64)
    return _xor_convolve(a, b)


def bd_pauli_channel(coeffs: ArrayLike, pauli_probs: ArrayLike, validate: bool = True) -> np.ndarray:
    """Deprecated: use ``BellDiagonal(coeffs).pauli_channel(pauli_probs).coefficients``.

    A Pauli channel with probabilities of (I, X, Y, Z) on one half of a Bell-diagonal pair.
    Warns; goes away in the next release.

    Parameters
    ----------
    coeffs, pauli_probs : array_like, shape (..., 4)
    validate : bool, default True

    Returns
    -------
    numpy.ndarray, shape (..., 4)

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     bd_pauli_channel([1, 0, 0, 0], [0.9, 0, 0, 0.1]).round(6).tolist()
    [0.9, 0.1, 0.0, 0.0]
    """
    _deprecated("bd_pauli_channel", "BellDiagonal(coeffs).pauli_channel(pauli_probs)")
    c = _coeffs(coeffs, "coeffs", "bd_pauli_channel") if validate else np.asarray(coeffs, dtype=np.float64)
    p = np.asarray(pauli_probs, dtype=np.float64)
    if validate:
        p = _coeffs(p, "pauli_probs", "bd_pauli_channel")
    return _xor_convolve(c, _pauli_to_bell(p))


def bd_depolarize(coeffs: ArrayLike, p: float, validate: bool = True) -> np.ndarray:
    """Deprecated: use ``BellDiagonal(coeffs).depolarize(p).coefficients``.

    Two-qubit depolarizing ``rho -> (1 - p) rho + p I/4`` on Bell coefficients. Warns; goes
    away in the next release.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)
    p : float or array_like in [0, 1]
    validate : bool, default True

    Returns
    -------
    numpy.ndarray, shape (..., 4)

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     bd_depolarize([1, 0, 0, 0], 0.2).round(6).tolist()
    [0.85, 0.05, 0.05, 0.05]
    """
    _deprecated("bd_depolarize", "BellDiagonal(coeffs).depolarize(p)")
    c = _coeffs(coeffs, "coeffs", "bd_depolarize") if validate else np.asarray(coeffs, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if validate and (np.any(~np.isfinite(p)) or np.any(p < 0) or np.any(p > 1)):
        raise ParameterError(f"bd_depolarize(): p={p!r} must be a probability in [0, 1]")
    return _depolarize(c, p)


def _depolarize(c: np.ndarray, p: np.ndarray) -> np.ndarray:
    return (1.0 - p)[..., None] * c + p[..., None] / 4.0 if p.ndim else (1.0 - p) * c + p / 4.0


def bd_fidelity(coeffs: ArrayLike) -> float | np.ndarray:
    """Deprecated: use ``BellDiagonal(coeffs).fidelity``. The first Bell coefficient (fidelity to |phi+>).

    Warns; goes away in the next release.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)

    Returns
    -------
    float or numpy.ndarray, shape (...)

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", DeprecationWarning)
    ...     bd_fidelity([0.9, 0.1, 0, 0])
    0.9
    """
    _deprecated("bd_fidelity", "BellDiagonal(coeffs).fidelity")
    c = _coeffs(coeffs, "coeffs", "bd_fidelity")
    return c[..., 0] if c.ndim > 1 else float(c[0])


# --------------------------------------------------------------------------- the state type
_OWNER = "BellDiagonal"


def _checked_coefficients(c, name: str, owner: str) -> np.ndarray:
    """Read-only float64 copy of Bell coefficients ``(..., 4)``: finite, >= -1e-12, summing to 1 within 1e-9."""
    numbers_only(c, name, owner, "an array of real Bell coefficients, shape (..., 4)", complex_ok=True)
    try:
        raw = np.asarray(c)
        if np.iscomplexobj(raw):
            if np.any(np.imag(raw) != 0):
                raise TypeError
            raw = np.real(raw)
        arr = np.array(raw, dtype=np.float64, copy=True)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{owner}(): {name}={reprlib.repr(c)} is not allowed; Bell coefficients must be real numbers, "
            "shape (..., 4)"
        ) from None
    if arr.ndim < 1 or arr.shape[-1] != 4:
        raise DimensionError(
            f"{owner}(): {name} has shape {arr.shape}; Bell coefficients must have shape (..., 4) "
            "in phi+, phi-, psi+, psi- order"
        )
    bad = ~np.isfinite(arr)
    if np.any(bad):
        raise ParameterError(
            f"{owner}(): {name} contains {float(arr[bad][0])!r}; Bell coefficients must be finite"
        )
    if np.any(arr < -1e-12):
        i = np.unravel_index(np.argmin(arr), arr.shape)
        where = int(i[0]) if arr.ndim == 1 else tuple(int(j) for j in i)
        raise ParameterError(
            f"{owner}(): {name} has the entry {arr[i]:.6g} at index {where}; "
            "Bell coefficients must be non-negative"
        )
    s = arr.sum(axis=-1)
    if np.any(np.abs(s - 1.0) > 1e-9):
        worst = float(np.ravel(s)[np.argmax(np.abs(np.ravel(s) - 1.0))])
        raise ParameterError(
            f"{owner}(): {name} sums to {worst:.12g}; Bell coefficients must sum to 1 (within 1e-9)"
        )
    np.clip(arr, 0.0, None, out=arr)
    arr.setflags(write=False)
    return arr


class BellDiagonal:
    """Bell-diagonal two-qubit state(s) ``sum_k c_k |B_k><B_k|``, held as coefficients.

    The coefficients are checked once, here; every operation on a :class:`BellDiagonal`
    trusts them. A batch of states has coefficients of shape ``(..., 4)``.

    Parameters
    ----------
    coefficients : array_like, shape (..., 4)
        Bell coefficients in ``BELL_NAMES`` order (phi+, phi-, psi+, psi-): finite, >= 0
        (within 1e-12) and summing to 1 (within 1e-9). They are copied and stored read-only.

    Attributes
    ----------
    coefficients : numpy.ndarray, shape (..., 4), float64
        The read-only coefficients.

    Raises
    ------
    DimensionError
        The last axis does not have length 4.
    ParameterError
        A coefficient is complex, not finite or negative, or the coefficients do not sum to 1.

    Notes
    -----
    ``|B_k> = (I (x) X^x Z^z)|phi+>`` with ``k = 2x + z``. Any two-qubit state is brought to
    Bell-diagonal form, with the same Bell-state fidelities, by the bilateral Pauli twirl
    (:meth:`twirl`; Bennett, DiVincenzo, Smolin, Wootters, PRA 54, 3824 (1996)).

    Examples
    --------
    >>> s = BellDiagonal([0.9, 0.05, 0.05, 0.0])
    >>> s
    BellDiagonal(fidelity=0.9)
    >>> s.to_dense().shape
    (4, 4)
    >>> BellDiagonal.werner([0.8, 0.9])
    BellDiagonal(shape=(2,), mean fidelity=0.85)
    """

    __slots__ = ("coefficients",)

    def __init__(self, coefficients: ArrayLike):
        object.__setattr__(self, "coefficients", _checked_coefficients(coefficients, "coefficients", _OWNER))

    @classmethod
    def _trusted(cls, coefficients) -> "BellDiagonal":
        """Wrap coefficients known to be valid (kernel outputs) without checks; marks them read-only."""
        arr = np.asarray(coefficients, dtype=np.float64)
        arr.setflags(write=False)
        state = object.__new__(cls)
        object.__setattr__(state, "coefficients", arr)
        return state

    def __setattr__(self, name, value):
        raise AttributeError(f"BellDiagonal is immutable; cannot set {name!r}")

    def __delattr__(self, name):
        raise AttributeError(f"BellDiagonal is immutable; cannot delete {name!r}")

    def __reduce__(self):
        return (BellDiagonal, (np.array(self.coefficients),))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dense(cls, rho: ArrayLike, atol: float = 1e-9) -> "BellDiagonal":
        """Exact Bell coefficients of Bell-diagonal density matrices ``(..., 4, 4)``.

        Raises
        ------
        StateError
            ``rho`` is not a density matrix, or has an off-diagonal Bell-basis element larger
            than ``atol`` (use :meth:`twirl` to project it).

        Parameters
        ----------
        rho : array_like, shape (..., 4, 4)
            Bell-diagonal density matrix (batch).
        atol : float, default 1e-9
            Largest off-diagonal Bell-basis element tolerated.

        Returns
        -------
        BellDiagonal
            Coefficients ``(..., 4)`` in BELL_NAMES order.

        Examples
        --------
        >>> import qnet_core as qc
        >>> BellDiagonal.from_dense(qc.werner(0.95))
        BellDiagonal(fidelity=0.95)
        """
        return cls._trusted(_exact_coefficients(rho, atol, True, f"{_OWNER}.from_dense", f"{_OWNER}.twirl()"))

    @classmethod
    def twirl(cls, rho: ArrayLike) -> "BellDiagonal":
        """Bell-diagonal part of any two-qubit state(s) ``(..., 4, 4)``: its bilateral Pauli twirl.

        The coefficients are ``<B_k| rho |B_k>``; the twirl keeps every Bell-state fidelity.

        Parameters
        ----------
        rho : array_like, shape (..., 4, 4)
            Two-qubit density matrix (batch).

        Returns
        -------
        BellDiagonal
            Coefficients ``(..., 4)`` in BELL_NAMES order.

        Examples
        --------
        >>> import qnet_core as qc
        >>> BellDiagonal.twirl(qc.basis_state("00")).coefficients.round(12).tolist()
        [0.5, 0.5, 0.0, 0.0]
        """
        a = _two_qubit_state(rho, f"{_OWNER}.twirl", True)
        return cls._trusted(bell_coefficients(a, validate=False))

    @classmethod
    def werner(cls, fidelity: ArrayLike) -> "BellDiagonal":
        """Werner state(s) ``(F, (1-F)/3, (1-F)/3, (1-F)/3)`` of fidelity ``F`` in [0, 1] (float or array).

        Parameters
        ----------
        fidelity : float or array_like
            Fidelity F to ``|phi+>``, in [0, 1].

        Returns
        -------
        BellDiagonal
            Batch shape that of ``fidelity``.

        Examples
        --------
        >>> BellDiagonal.werner(0.7).coefficients.round(3).tolist()
        [0.7, 0.1, 0.1, 0.1]
        """
        owner = f"{_OWNER}.werner"
        try:
            F = np.asarray(fidelity, dtype=np.float64)
        except (TypeError, ValueError):
            raise ParameterError(f"{owner}(): fidelity={fidelity!r} must be a real number or array of them") from None
        outside = ~((F >= 0.0) & (F <= 1.0))  # NaN included
        if np.any(outside):
            raise ParameterError(
                f"{owner}(): fidelity={float(np.ravel(F[outside] if F.ndim else F)[0])!r} is outside [0, 1]; "
                "a fidelity must lie in [0, 1]"
            )
        q = (1.0 - F) / 3.0
        return cls._trusted(np.stack([F, q, q, q], axis=-1))

    # ------------------------------------------------------------------ views
    @property
    def shape(self) -> tuple:
        """Batch shape (``()`` for a single state)."""
        return self.coefficients.shape[:-1]

    @property
    def fidelity(self) -> float | np.ndarray:
        """Fidelity to ``|phi+>``: the first coefficient (float, or array of shape ``shape``)."""
        f = self.coefficients[..., 0]
        return float(f) if f.ndim == 0 else f

    @property
    def werner_parameter(self) -> float | np.ndarray:
        """``w = (4F - 1)/3``, the weight of ``|phi+>`` in ``w |phi+><phi+| + (1 - w) I/4`` for Werner states."""
        w = (4.0 * self.coefficients[..., 0] - 1.0) / 3.0
        return float(w) if w.ndim == 0 else w

    def to_dense(self) -> np.ndarray:
        """Density matrices ``(..., 4, 4)``, complex128.

        Returns
        -------
        numpy.ndarray, shape ``shape + (4, 4)``, complex128

        Examples
        --------
        >>> import qnet_core as qc
        >>> bool(np.allclose(BellDiagonal.werner(0.9).to_dense(), qc.werner(0.9)))
        True
        """
        return bell_diagonal(self.coefficients, validate=False)

    # ------------------------------------------------------------------ local noise
    def pauli_channel(self, pauli_probs: ArrayLike) -> "BellDiagonal":
        """The state after a Pauli channel on one of its qubits.

        Parameters
        ----------
        pauli_probs : array_like, shape (..., 4)
            Probabilities of (I, X, Y, Z), summing to 1; batch axes broadcast with
            :attr:`shape`. The result is the same for either qubit (a Y's phase leaves Bell
            projectors unchanged).

        Returns
        -------
        BellDiagonal
            Coefficients ``c[k] = sum_{i XOR j = k} self[i] p[j]`` with ``p`` in Bell-index
            order: each Pauli with Bell index ``e`` maps ``|B_k>`` to ``|B_{k XOR e}>``.

        Examples
        --------
        >>> BellDiagonal([1, 0, 0, 0]).pauli_channel([0.9, 0.0, 0.0, 0.1]).coefficients.round(6).tolist()
        [0.9, 0.1, 0.0, 0.0]
        """
        p = _checked_coefficients(pauli_probs, "pauli_probs", f"{_OWNER}.pauli_channel")
        return BellDiagonal._trusted(_xor_convolve(self.coefficients, _pauli_to_bell(p)))

    def depolarize(self, p: ArrayLike) -> "BellDiagonal":
        """Two-qubit depolarizing ``rho -> (1 - p) rho + p I/4``.

        Parameters
        ----------
        p : float or array_like in [0, 1]
            Depolarizing probability; an array broadcasts with :attr:`shape`.

        Returns
        -------
        BellDiagonal
            Coefficients ``(1 - p) c + p/4``.

        Examples
        --------
        >>> BellDiagonal([1, 0, 0, 0]).depolarize(0.2).coefficients.round(6).tolist()
        [0.85, 0.05, 0.05, 0.05]
        """
        owner = f"{_OWNER}.depolarize"
        if isinstance(p, (list, tuple, np.ndarray)):
            arr = np.asarray(p, dtype=np.float64)
            if not np.all((arr >= 0.0) & (arr <= 1.0)):  # NaN fails too
                bad = np.ravel(arr[~((arr >= 0.0) & (arr <= 1.0))])[0]
                raise ParameterError(f"{owner}(): p={float(bad)!r} is not a probability; it must lie in [0, 1]")
        else:
            arr = np.asarray(check_probability(p, "p", owner))
        return BellDiagonal._trusted(_depolarize(self.coefficients, arr))

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a single BellDiagonal state; only batches have a length")
        return self.shape[0]

    def __getitem__(self, index) -> "BellDiagonal":
        """Index the batch axes (never the coefficient axis)."""
        if not self.shape:
            raise TypeError("a single BellDiagonal state cannot be indexed; only batches can")
        idx = index if isinstance(index, tuple) else (index,)
        return BellDiagonal._trusted(self.coefficients[idx + (slice(None),)])

    def __repr__(self) -> str:
        if not self.shape:
            return f"BellDiagonal(fidelity={self.fidelity:.6g})"
        if self.coefficients.size == 0:
            return f"BellDiagonal(shape={self.shape})"
        return f"BellDiagonal(shape={self.shape}, mean fidelity={float(np.mean(self.fidelity)):.6g})"
