"""Constructors for states, and random states, unitaries and channels.

All density matrices are complex128 arrays ``(..., 2**n, 2**n)``; qubit 0 is the most
significant bit of the basis index.

Bell states are indexed ``k = 2 x + z`` for ``(I (x) X^x Z^z) |phi+>``:
``phi+ = 0, phi- = 1, psi+ = 2, psi- = 3`` (see :data:`BELL_NAMES`); a Pauli frame
correction composes by XOR of these indices.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._args import count, numbers_only, real_array
from .errors import DimensionError, ParameterError, StateError
from .random import SeedLike, as_generator
from .validation import as_array, as_density_matrix, as_ket, validate_mode

__all__ = [
    "BELL_NAMES",
    "ket_to_dm",
    "basis_ket",
    "basis_state",
    "bell_ket",
    "bell_state",
    "werner",
    "werner_parameter",
    "fidelity_from_werner_parameter",
    "bell_diagonal",
    "tensor",
    "maximally_mixed",
    "random_ket",
    "random_density_matrix",
    "random_unitary",
    "random_kraus",
]

#: Bell-state names in index order.
BELL_NAMES = ("phi+", "phi-", "psi+", "psi-")

_S2 = 1.0 / np.sqrt(2.0)
_BELL_KETS = np.array(
    [
        [_S2, 0, 0, _S2],  # phi+ = (|00> + |11>)/sqrt2
        [_S2, 0, 0, -_S2],  # phi- = (|00> - |11>)/sqrt2
        [0, _S2, _S2, 0],  # psi+ = (|01> + |10>)/sqrt2
        [0, _S2, -_S2, 0],  # psi- = (|01> - |10>)/sqrt2
    ],
    dtype=np.complex128,
)
_BELL_KETS.setflags(write=False)
#: Rows are the Bell kets in BELL_NAMES order (4, 4).
BELL_KETS = _BELL_KETS
_BELL_PROJ = np.einsum("ki,kj->kij", _BELL_KETS, _BELL_KETS.conj())


#: Most qubits a dense density matrix may have (a 2**14 x 2**14 complex128 matrix is 4 GiB).
_MAX_QUBITS = 14


#: Largest ``k 2**n`` of :func:`random_kraus` (a 1024 x 1024 complex QR takes ~0.1 s, 16 MiB).
_KRAUS_MAX_SIZE = 1024


def _check_n(n, owner: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ParameterError(f"{owner}(): num_qubits={n!r} must be an integer >= 1")
    if n > _MAX_QUBITS:
        raise ParameterError(f"{owner}(): num_qubits={n} is too large for dense density matrices (max {_MAX_QUBITS})")
    return int(n)


def ket_to_dm(ket: ArrayLike, validate: bool = True) -> np.ndarray:
    """Density matrix ``|psi><psi|`` of a state vector or batch ``(..., 2**n)``.

    Parameters
    ----------
    ket : array_like, shape (..., 2**n)
        State vector (batch); checked to be finite and normalized when ``validate``.
    validate : bool or "full", default True
        Check the input (False skips the checks).

    Returns
    -------
    numpy.ndarray, complex128, shape (..., 2**n, 2**n)
        The projector |psi><psi| for each ket.

    Examples
    --------
    >>> ket_to_dm([1, 0]).real
    array([[1., 0.],
           [0., 0.]])
    """
    psi, _ = as_ket(ket, owner="ket_to_dm", validate=validate_mode(validate, "ket_to_dm"))
    return psi[..., :, None] * psi[..., None, :].conj()


def basis_ket(bits: str | Sequence[int]) -> np.ndarray:
    """Computational basis vector for a bit string like ``"010"`` or a sequence of 0/1.

    Parameters
    ----------
    bits : str or sequence of {0, 1}
        Bits of the basis state, qubit 0 first (most significant), e.g. ``"010"`` or
        ``[0, 1, 0]``; 1 to 14 bits.

    Returns
    -------
    numpy.ndarray, complex128, shape (2**n,)
        The one-hot vector with a 1 at index ``int(bits, 2)``.
    """
    if isinstance(bits, str):
        seq = list(bits)
    else:
        try:
            seq = list(bits)
        except TypeError:
            raise ParameterError(f"basis_state(): bits={bits!r} must be a string of 0/1 or a sequence of 0/1") from None
    vals = []
    for b in seq:
        if isinstance(b, (bool, np.bool_)):
            raise ParameterError(f"basis_state(): bits={bits!r} contains {b!r}; bits are 0 and 1 (or '0' and '1'), "
                                 "not True and False")
        if b in ("0", 0):
            vals.append(0)
        elif b in ("1", 1):
            vals.append(1)
        else:
            raise ParameterError(f"basis_state(): bits={bits!r} contains {b!r}; only 0 and 1 are allowed")
    if not vals:
        raise ParameterError("basis_state(): bits is empty; give at least one bit")
    if len(vals) > _MAX_QUBITS:
        raise ParameterError(f"basis_state(): {len(vals)} qubits is too large for dense density matrices "
                             f"(max {_MAX_QUBITS})")
    idx = int("".join(map(str, vals)), 2)
    ket = np.zeros(1 << len(vals), dtype=np.complex128)
    ket[idx] = 1.0
    return ket


def basis_state(bits: str | Sequence[int]) -> np.ndarray:
    """Density matrix of a computational basis state, e.g. ``basis_state("01")`` = |01><01|.

    Parameters
    ----------
    bits : str or sequence of {0, 1}
        Bits of the basis state, qubit 0 first (most significant); 1 to 14 bits.

    Returns
    -------
    numpy.ndarray, complex128, shape (2**n, 2**n)
        The projector onto the basis state.
    """
    return ket_to_dm(basis_ket(bits), validate=False)


def _bell_index(name) -> int:
    if isinstance(name, (numbers.Integral, np.integer)) and not isinstance(name, (bool, np.bool_)) and 0 <= name < 4:
        return int(name)
    if not isinstance(name, str):
        raise ParameterError(
            f"bell_state(): name={name!r} is not a Bell state; use one of {', '.join(BELL_NAMES)} (or index 0-3)"
        )
    key = name.lower().replace("_", "").replace("plus", "+").replace("minus", "-")
    aliases = {"phi+": 0, "phi-": 1, "psi+": 2, "psi-": 3}
    if key not in aliases:
        raise ParameterError(
            f"bell_state(): name={name!r} is not a Bell state; use one of {', '.join(BELL_NAMES)} (or index 0-3)"
        )
    return aliases[key]


def bell_ket(name: str | int = "phi+") -> np.ndarray:
    """State vector of a Bell state: ``"phi+" | "phi-" | "psi+" | "psi-"`` (or index 0-3).

    Parameters
    ----------
    name : str or int, default "phi+"
        ``"phi+"``, ``"phi-"``, ``"psi+"``, ``"psi-"`` (case-insensitive; ``"phi_plus"`` style
        aliases accepted) or the index 0-3 in :data:`BELL_NAMES` order.

    Returns
    -------
    numpy.ndarray, complex128, shape (4,)
        The normalized Bell ket (a fresh copy).
    """
    return _BELL_KETS[_bell_index(name)].copy()


def bell_state(name: str | int = "phi+") -> np.ndarray:
    """Density matrix of a Bell state ``"phi+" | "phi-" | "psi+" | "psi-"`` (or index 0-3).

    Parameters
    ----------
    name : str or int, default "phi+"
        ``"phi+"``, ``"phi-"``, ``"psi+"``, ``"psi-"`` (case-insensitive; ``"phi_plus"`` style
        aliases accepted) or the index 0-3 in :data:`BELL_NAMES` order.

    Returns
    -------
    numpy.ndarray, complex128, shape (4, 4)
        The Bell-state projector (a fresh copy).

    Examples
    --------
    >>> round(float(bell_state("psi-")[1, 2].real), 12)
    -0.5
    """
    return _BELL_PROJ[_bell_index(name)].copy()


def _prob_array(x, name: str, owner: str) -> np.ndarray:
    numbers_only(x, name, owner, "a real number or array of real numbers (a probability)")
    try:
        arr = np.asarray(x)
        if arr.dtype.kind not in "iuf":  # bools, strings and objects are not probabilities
            raise TypeError
        arr = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{owner}(): {name}={x!r} must be a real number or array of real numbers") from None
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        bad = arr[~((arr >= 0) & (arr <= 1))] if arr.ndim else arr
        raise ParameterError(f"{owner}(): {name}={float(np.ravel(bad)[0])!r} is outside [0, 1]; "
                             "it must be a probability")
    return arr


def werner(fidelity: ArrayLike) -> np.ndarray:
    """Werner state ``F |phi+><phi+| + (1 - F)/3 (I - |phi+><phi+|)``.

    Parameters
    ----------
    fidelity : float or array_like in [0, 1]
        Fidelity F to |phi+>; an array gives a batch ``(..., 4, 4)``.

    Notes
    -----
    Equivalently ``w |phi+><phi+| + (1 - w) I/4`` with Werner parameter
    ``w = (4F - 1)/3`` (see :func:`werner_parameter`).

    Returns
    -------
    numpy.ndarray, complex128, shape (..., 4, 4)
        The Werner state(s), batch shape that of ``fidelity``.

    Examples
    --------
    >>> round(float(werner(0.9)[0, 0].real), 6)
    0.466667
    """
    F = _prob_array(fidelity, "fidelity", "werner")
    coeffs = np.stack([F, (1 - F) / 3, (1 - F) / 3, (1 - F) / 3], axis=-1)
    return bell_diagonal(coeffs, validate=False)


def werner_parameter(fidelity: ArrayLike) -> float | np.ndarray:
    """Werner parameter ``w = (4F - 1)/3`` of a fidelity F (vectorized).

    Parameters
    ----------
    fidelity : float or array_like
        Fidelity F to |phi+>, in [0, 1] (NaN, values outside it, bools and strings raise
        :class:`~qnet_core.errors.ParameterError`); F in [1/4, 1] gives w in [0, 1].

    Returns
    -------
    float or numpy.ndarray
        ``(4F - 1)/3``; a float for scalar input, else an array of the input's shape.
    """
    F = _prob_array(fidelity, "fidelity", "werner_parameter")
    w = (4.0 * F - 1.0) / 3.0
    return w if w.ndim else float(w)


def fidelity_from_werner_parameter(w: ArrayLike) -> float | np.ndarray:
    """Fidelity ``F = (3w + 1)/4`` of a Werner parameter w (vectorized).

    Parameters
    ----------
    w : float or array_like
        Werner parameter, finite (not range-checked otherwise; w in [-1/3, 1] gives F in [0, 1]).

    Returns
    -------
    float or numpy.ndarray
        ``(3w + 1)/4``; a float for scalar input, else an array of the input's shape.
    """
    w = real_array(w, "w", "fidelity_from_werner_parameter", what="a Werner parameter")
    F = (3.0 * w + 1.0) / 4.0
    return F if F.ndim else float(F)


def bell_diagonal(coeffs: ArrayLike, validate: bool = True) -> np.ndarray:
    """Two-qubit Bell-diagonal state ``sum_k c_k |B_k><B_k|`` from ``(..., 4)`` coefficients.

    Coefficients are in :data:`BELL_NAMES` order (phi+, phi-, psi+, psi-); they must be
    non-negative and sum to 1.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)
        Bell coefficients (phi+, phi-, psi+, psi-), non-negative and summing to 1 (to 1e-9).
    validate : bool, default True
        Check shape, finiteness, sign and normalization; False skips the checks.

    Returns
    -------
    numpy.ndarray, complex128, shape (..., 4, 4)
        The Bell-diagonal density matrix (batch).

    Examples
    --------
    >>> bool(np.allclose(bell_diagonal([1, 0, 0, 0]), bell_state("phi+")))
    True
    """
    c = numbers_only(coeffs, "coeffs", "bell_diagonal", "an array of real Bell coefficients, shape (..., 4)")
    c = c.astype(np.float64, copy=False)
    if validate_mode(validate, "bell_diagonal"):
        if c.ndim < 1 or c.shape[-1] != 4:
            raise DimensionError(f"bell_diagonal(): coeffs has shape {c.shape}; expected (..., 4)")
        if not np.all(np.isfinite(c)) or np.any(c < -1e-12):
            raise ParameterError("bell_diagonal(): coeffs must be finite and non-negative")
        s = c.sum(axis=-1)
        if np.any(np.abs(s - 1) > 1e-9):
            raise ParameterError(
                f"bell_diagonal(): coeffs sum to {np.ravel(s)[np.argmax(np.abs(np.ravel(s) - 1))]:.6g}; they must sum to 1"
            )
    return np.einsum("...k,kij->...ij", c.astype(np.complex128), _BELL_PROJ)


def tensor(*states, validate: bool | str = True) -> np.ndarray:
    """Tensor product of density matrices (first argument = most significant qubits).

    Batch axes broadcast: ``tensor(a, b)`` with ``a`` of shape ``(B, 4, 4)`` and ``b`` of
    shape ``(4, 4)`` gives ``(B, 16, 16)``. Every argument must be a finite square array, and
    the product may have at most 14 qubits (dimension ``2**14``), checked before allocating.

    Parameters
    ----------
    *states : array_like, each of shape (..., 2**n_i, 2**n_i)
        Density matrices (batches broadcast), most significant first; at least one.
    validate : bool or "full", default True
        Check that every argument is a density matrix (Hermitian, unit trace, positive; see
        :func:`~qnet_core.validation.as_density_matrix`); ``False`` checks only that each is a
        finite square array, so operators (gates, observables) may be multiplied too.

    Returns
    -------
    numpy.ndarray, complex128, shape (broadcast batch, prod d_i, prod d_i)
        The Kronecker product, C-contiguous.

    Examples
    --------
    >>> tensor(basis_state("0"), basis_state("1")).shape
    (4, 4)
    """
    mode = validate_mode(validate, "tensor")
    if not states:
        raise DimensionError("tensor(): give at least one state")
    arrs = []
    dim = 1
    for i, s in enumerate(states):
        try:
            a = np.asarray(as_array(s, "state", f"states[{i}]", "tensor"), dtype=np.complex128)
        except (TypeError, ValueError):
            raise StateError(f"tensor(): states[{i}] of type {type(s).__name__} is not a numeric array") from None
        if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
            raise DimensionError(f"tensor(): states[{i}] has shape {a.shape}; "
                                 "every argument must have shape (..., d, d)")
        if not np.all(np.isfinite(a)):
            raise StateError(f"tensor(): states[{i}] contains NaN or inf")
        dim *= int(a.shape[-1])  # Python int: no overflow
        if dim > 1 << _MAX_QUBITS:
            raise DimensionError(f"tensor(): the product of states[0..{i}] has dimension {dim} (> 2**{_MAX_QUBITS}); "
                                 f"dense density matrices allow at most {_MAX_QUBITS} qubits")
        if mode:
            a = as_density_matrix(a, f"states[{i}]", "tensor", mode)[0]
        arrs.append(a)
    out = arrs[0]
    for s in arrs[1:]:
        da, db = out.shape[-1], s.shape[-1]
        prod = out[..., :, None, :, None] * s[..., None, :, None, :]
        out = prod.reshape(prod.shape[:-4] + (da * db, da * db))
    return np.ascontiguousarray(out)


def maximally_mixed(num_qubits: int) -> np.ndarray:
    """The maximally mixed state ``I / 2**n``.

    Parameters
    ----------
    num_qubits : int
        Number of qubits n, 1 to 14.

    Returns
    -------
    numpy.ndarray, complex128, shape (2**n, 2**n)
        ``I / 2**n``.
    """
    n = _check_n(num_qubits, "maximally_mixed")
    return np.eye(1 << n, dtype=np.complex128) / (1 << n)


def random_ket(num_qubits: int, seed: SeedLike = None) -> np.ndarray:
    """Haar-random pure state vector of n qubits (normalized complex Gaussian).

    Parameters
    ----------
    num_qubits : int
        Number of qubits n, 1 to 14.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, optional
        Randomness source (see :func:`qnet_core.random.as_generator`); None draws fresh entropy.

    Returns
    -------
    numpy.ndarray, complex128, shape (2**n,)
        A unit-norm Haar-random ket.
    """
    n = _check_n(num_qubits, "random_ket")
    rng = as_generator(seed)
    v = rng.standard_normal(1 << n) + 1j * rng.standard_normal(1 << n)
    return v / np.linalg.norm(v)


def random_density_matrix(num_qubits: int, seed: SeedLike = None, rank: int | None = None,
                          metric: str = "hs") -> np.ndarray:
    """Random density matrix of n qubits.

    Parameters
    ----------
    num_qubits : int
    seed : int, Generator, SeedSequence or None
    rank : int, optional
        Rank r (1 <= r <= 2**n); default full rank.
    metric : {"hs", "bures"}
        ``"hs"``: Hilbert-Schmidt (induced) measure, ``G G^dag / tr`` with G a
        ``2**n x r`` Ginibre matrix. ``"bures"``: ``(1 + U) G G^dag (1 + U)^dag`` with U
        Haar (Osipov, Sommers, Zyczkowski, J. Phys. A 43, 055302 (2010)).

    Returns
    -------
    numpy.ndarray, complex128, shape (2**n, 2**n)
        A Hermitian, positive semidefinite matrix of unit trace and rank ``rank``.
    """
    n = _check_n(num_qubits, "random_density_matrix")
    d = 1 << n
    r = d if rank is None else rank
    if isinstance(r, bool) or not isinstance(r, numbers.Integral) or not 1 <= r <= d:
        raise ParameterError(f"random_density_matrix(): rank={rank!r} must be an integer in [1, {d}]")
    rng = as_generator(seed)
    G = rng.standard_normal((d, r)) + 1j * rng.standard_normal((d, r))
    if metric == "bures":
        U = random_unitary(n, rng)
        G = (np.eye(d) + U) @ G
    elif metric != "hs":
        raise ParameterError(f"random_density_matrix(): metric={metric!r}; allowed: 'hs', 'bures'")
    rho = G @ G.conj().T
    rho = 0.5 * (rho + rho.conj().T)
    return rho / np.trace(rho).real


def random_unitary(num_qubits: int, seed: SeedLike = None) -> np.ndarray:
    """Haar-random unitary on n qubits (QR of a Ginibre matrix with phase fix, Mezzadri 2007).

    Parameters
    ----------
    num_qubits : int
        Number of qubits n, 1 to 14.
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, optional
        Randomness source (see :func:`qnet_core.random.as_generator`); None draws fresh entropy.

    Returns
    -------
    numpy.ndarray, complex128, shape (2**n, 2**n)
        A Haar-random unitary matrix.
    """
    n = _check_n(num_qubits, "random_unitary")
    d = 1 << n
    rng = as_generator(seed)
    Z = (rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))) / np.sqrt(2)
    Q, R = np.linalg.qr(Z)
    ph = np.diag(R) / np.abs(np.diag(R))
    return Q * ph[None, :]


def random_kraus(num_qubits: int, num_operators: int = 2, seed: SeedLike = None) -> np.ndarray:
    """Random CPTP channel on n qubits as ``(k, 2**n, 2**n)`` Kraus operators.

    Built from a Haar-random isometry ``V: C^d -> C^(k d)`` (first d columns of a Haar
    unitary), ``K_i = (<i| (x) I) V``; so ``sum_i K_i^dag K_i = V^dag V = I``.

    Parameters
    ----------
    num_qubits : int
        Number of qubits n, 1 to 10.
    num_operators : int, default 2
        Number of Kraus operators k >= 1, with ``k 2**n <= 1024`` (the isometry is drawn
        from a ``(k 2**n) x (k 2**n)`` Gaussian matrix).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, optional
        Randomness source (see :func:`qnet_core.random.as_generator`); None draws fresh entropy.

    Returns
    -------
    numpy.ndarray, complex128, shape (k, 2**n, 2**n)
        Kraus operators with ``sum_i K_i^dag K_i = I``.
    """
    n = _check_n(num_qubits, "random_kraus")
    d = 1 << n
    if d > _KRAUS_MAX_SIZE:
        raise ParameterError(f"random_kraus(): num_qubits={num_qubits!r} is too large; the Haar isometry is drawn "
                             f"from a (k 2**n) x (k 2**n) matrix, so k 2**n may be at most {_KRAUS_MAX_SIZE}")
    k = count(num_operators, "num_operators", "random_kraus", lo=1, hi=_KRAUS_MAX_SIZE // d,
              what=f"k 2**n may be at most {_KRAUS_MAX_SIZE} (the Haar isometry is drawn from a (k 2**n)**2 matrix)")
    rng = as_generator(seed)
    Z = (rng.standard_normal((k * d, k * d)) + 1j * rng.standard_normal((k * d, k * d))) / np.sqrt(2)
    Q, R = np.linalg.qr(Z)
    Q = Q * (np.diag(R) / np.abs(np.diag(R)))[None, :]
    V = Q[:, :d]
    return np.ascontiguousarray(V.reshape(k, d, d))
