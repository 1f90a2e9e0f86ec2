"""Figures of merit for states: fidelity, distances, entropies, entanglement measures.

Conventions: fidelity is the *squared* Uhlmann fidelity
``F(rho, sigma) = (tr sqrt(sqrt(rho) sigma sqrt(rho)))**2``, which equals
``<psi|rho|psi>`` when ``sigma = |psi><psi|``; the Bures distance and angle are written
in terms of ``sqrt(F)`` (QuTiP's ``fidelity``) so they agree with QuTiP's ``bures_dist``
and ``bures_angle``. Entropies are in bits unless a ``base`` is given (``base=np.e`` for
nats). All functions accept batches ``(..., 2**n, 2**n)`` and return arrays of the batch
shape (a Python float for a single state); two-state metrics broadcast the batch axes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from . import _kernels
from ._args import numbers_only
from .errors import DimensionError, ParameterError
from .ops import _flatten_batch, _targets_or_empty, partial_trace, partial_transpose
from .states import BELL_KETS
from .validation import as_density_matrix, as_ket, check_finite, check_targets

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
    "bures_distance",
    "bures_angle",
    "hellinger_distance",
    "relative_entropy",
    "mutual_information",
    "conditional_entropy",
]

# Eigenvalues below this count as zero in the entropies (they are rounding noise of eigvalsh).
_EIG_ZERO = 1e-15
# relative_entropy: eigenvalues of sigma at or below this are outside its support, and rho
# "leaks" out of the support when its weight there exceeds it.
_SUPPORT_TOL = 1e-12

_YY = np.array([[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]], dtype=np.complex128)


def _scalar(x):
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def binary_entropy(p: ArrayLike) -> float | np.ndarray:
    """Binary Shannon entropy h(p) = -p log2 p - (1-p) log2(1-p) in bits.

    Vectorized; ``h(0) = h(1) = 0``. NaN, values outside [0, 1], bools and strings raise
    :class:`~qnet_core.errors.ParameterError` (the package's own callers, which feed
    estimates that rounding may push out of range, use the clipping ``_binary_entropy``).

    Parameters
    ----------
    p : float or array_like
        Probability (or array of probabilities) in [0, 1].

    Returns
    -------
    float or numpy.ndarray
        ``h(p)`` in bits, in [0, 1]; a float for scalar input, else an array of p's shape.

    Examples
    --------
    >>> float(binary_entropy(0.5))
    1.0
    """
    arr = numbers_only(p, "p", "binary_entropy", "a real number or array of real numbers in [0, 1]")
    arr = arr.astype(np.float64)
    bad = ~((arr >= 0.0) & (arr <= 1.0))  # NaN too
    if np.any(bad):
        raise ParameterError(f"binary_entropy(): p={float(np.ravel(arr[bad] if arr.ndim else arr)[0])!r} is not a "
                             "probability; it must lie in [0, 1]")
    return _binary_entropy(arr)


def _binary_entropy(p):
    """:func:`binary_entropy` without checks: values outside [0, 1] are clipped into it."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -p * np.log2(p) - (1.0 - p) * np.log2(1.0 - p)
    h = np.where((p <= 0.0) | (p >= 1.0), 0.0, h)
    return h if h.ndim else float(h)


def _psd_sqrt(rho: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh(rho)
    w = np.sqrt(np.clip(w, 0.0, None))
    return (v * w[..., None, :]) @ np.conj(np.swapaxes(v, -1, -2))


def fidelity_pure(rho: ArrayLike, psi: ArrayLike, validate: bool = True) -> float | np.ndarray:
    """``<psi|rho|psi>`` for a state (batch) ``rho`` and a ket (batch) ``psi`` of shape (..., 2**n).

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        Density matrix (batch).
    psi : array_like, shape (..., 2**n)
        Ket (batch) on the same n qubits; batch axes broadcast against rho's.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none (False).

    Returns
    -------
    float or numpy.ndarray, shape (broadcast batch shape)
        ``<psi|rho|psi>`` clipped to [0, 1]; a float for a single state and ket.

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


def fidelity(rho: ArrayLike, sigma: ArrayLike, validate: bool = True) -> float | np.ndarray:
    """Squared Uhlmann fidelity ``(tr sqrt(sqrt(rho) sigma sqrt(rho)))**2`` in [0, 1].

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
    sigma : array_like, shape (..., 2**n, 2**n) or (2**n,)
        A density matrix (batch), or a single ket, in which case the result is
        ``<psi|rho|psi>`` (use :func:`fidelity_pure` for batches of kets).
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none (False).

    Returns
    -------
    float or numpy.ndarray, shape (...)
        The squared fidelity in [0, 1]; a float for a single pair of states.

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(fidelity(qc.werner(0.8), qc.bell_state("phi+")), 12)
    0.8
    """
    try:
        s = np.asarray(sigma)
    except (TypeError, ValueError):  # ragged nested lists: as_density_matrix writes the message
        s = None
    if s is not None and s.ndim == 1:
        return fidelity_pure(rho, s, validate=validate)
    a, n = as_density_matrix(rho, owner="fidelity", validate=validate)
    b, m = as_density_matrix(sigma, name="sigma", owner="fidelity", validate=validate)
    if n != m:
        raise DimensionError(f"fidelity(): rho has {n} qubits but sigma has {m}")
    return _scalar(_fidelity(a, b))


def _herm(a: np.ndarray) -> np.ndarray:
    return 0.5 * (a + np.conj(np.swapaxes(a, -1, -2)))


def _fidelity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared Uhlmann fidelity of validated (batches of) density matrices, clipped to [0, 1]."""
    sa = _psd_sqrt(_herm(a))
    M = _herm(sa @ b @ sa)
    ev = np.clip(np.linalg.eigvalsh(M), 0.0, None)
    F = np.sum(np.sqrt(ev), axis=-1) ** 2
    return np.clip(F, 0.0, 1.0)


def _state_pair(rho, sigma, owner: str, validate) -> tuple[np.ndarray, np.ndarray, int]:
    """Validate two states (``sigma`` may be a single ket); check qubit counts and batch shapes."""
    a, n = as_density_matrix(rho, owner=owner, validate=validate)
    if np.ndim(sigma) == 1:
        ket, m = as_ket(sigma, name="sigma", owner=owner, validate=validate)
        b = ket[:, None] * ket[None, :].conj()
    else:
        b, m = as_density_matrix(sigma, name="sigma", owner=owner, validate=validate)
    if n != m:
        raise DimensionError(f"{owner}(): rho has {n} qubits but sigma has {m}; both must act on the same register")
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise DimensionError(
            f"{owner}(): the batch shapes of rho {a.shape[:-2]} and sigma {b.shape[:-2]} do not broadcast"
        ) from None
    return a, b, n


def _check_base(base, owner: str) -> float:
    """The logarithm base as a float > 1 (2 gives bits, e gives nats)."""
    v = check_finite(base, "base", owner)
    if not v > 1.0:
        raise ParameterError(
            f"{owner}(): base={base!r} is not allowed; the logarithm base must be a finite number > 1 "
            "(2 for bits, numpy.e for nats)"
        )
    return v


def _log(x: np.ndarray, base: float) -> np.ndarray:
    return np.log2(x) if base == 2.0 else np.log(x) / math.log(base)


def _entropy_of_eigs(ev: np.ndarray, base: float) -> np.ndarray:
    """``-sum p log_base p`` over the last axis, with ``0 log 0 = 0``."""
    ev = np.clip(ev, 0.0, None)
    pos = ev > _EIG_ZERO
    terms = np.where(pos, -ev * _log(np.where(pos, ev, 1.0), base), 0.0)
    return np.clip(terms.sum(axis=-1), 0.0, None)


def _entropy(a: np.ndarray, base: float = 2.0) -> np.ndarray:
    return _entropy_of_eigs(np.linalg.eigvalsh(_herm(a)), base)


def trace_distance(rho: ArrayLike, sigma: ArrayLike, validate: bool = True) -> float | np.ndarray:
    """Trace distance ``||rho - sigma||_1 / 2`` in [0, 1].

    Parameters
    ----------
    rho, sigma : array_like, shape (..., 2**n, 2**n)
        Density matrices (batches) on the same n qubits; batch axes broadcast.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none (False).

    Returns
    -------
    float or numpy.ndarray, shape (broadcast batch shape)
        Half the sum of the absolute eigenvalues of rho - sigma, clipped to [0, 1].
    """
    a, n = as_density_matrix(rho, owner="trace_distance", validate=validate)
    b, m = as_density_matrix(sigma, name="sigma", owner="trace_distance", validate=validate)
    if n != m:
        raise DimensionError(f"trace_distance(): rho has {n} qubits but sigma has {m}")
    diff = a - b
    diff = 0.5 * (diff + np.conj(np.swapaxes(diff, -1, -2)))
    return _scalar(np.clip(0.5 * np.abs(np.linalg.eigvalsh(diff)).sum(axis=-1), 0.0, 1.0))


def purity(rho: ArrayLike, validate: bool = True) -> float | np.ndarray:
    """Purity ``tr(rho**2)`` in [1/2**n, 1].

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        Density matrix (batch).
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none (False).

    Returns
    -------
    float or numpy.ndarray, shape (...)
        ``tr(rho**2)``: 1 for pure states, ``1/2**n`` for the maximally mixed state.
    """
    a, _ = as_density_matrix(rho, owner="purity", validate=validate)
    return _scalar(np.sum(np.abs(a) ** 2, axis=(-2, -1)))


def entropy(rho: ArrayLike, validate: bool | str = True, *, base: float = 2) -> float | np.ndarray:
    """Von Neumann entropy ``-tr(rho log rho)``, in bits by default.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none.
    base : float, default 2
        Logarithm base, > 1: 2 gives bits, ``numpy.e`` nats.

    Returns
    -------
    float or numpy.ndarray, shape (...), in ``[0, n log_base 2]``

    Notes
    -----
    Eigenvalues below 1e-15 count as zero (``0 log 0 = 0``).

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(entropy(qc.maximally_mixed(2)), 12)
    2.0
    """
    b = _check_base(base, "entropy")
    a, _ = as_density_matrix(rho, owner="entropy", validate=validate)
    return _scalar(_entropy(a, b))


def concurrence(rho: ArrayLike, validate: bool = True) -> float | np.ndarray:
    """Wootters concurrence of a two-qubit state, in [0, 1].

    ``C = max(0, l1 - l2 - l3 - l4)`` with ``l_i`` the decreasing square roots of the
    eigenvalues of ``rho (Y x Y) rho* (Y x Y)`` (W. K. Wootters, PRL 80, 2245 (1998), eq. 3).

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
        Two-qubit density matrix (batch); other sizes raise DimensionError.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none (False).

    Returns
    -------
    float or numpy.ndarray, shape (...)
        Concurrence in [0, 1]: 0 for separable states, 1 for Bell states.
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


def negativity(rho: ArrayLike, qubits: int | Sequence[int] | None = None, validate: bool = True) -> float | np.ndarray:
    """Negativity ``(||rho^{T_A}||_1 - 1) / 2`` for the partial transpose on ``qubits``.

    ``qubits`` defaults to the second half of the register (qubit 1 for two qubits).
    Vidal and Werner, PRA 65, 032314 (2002).

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        Density matrix (batch) of n >= 2 qubits.
    qubits : int or sequence of int, optional
        Qubits to partially transpose; default ``range(n // 2, n)``.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none (False).

    Returns
    -------
    float or numpy.ndarray, shape (...)
        Minus the sum of the negative eigenvalues of the partial transpose, >= 0
        (1/2 for a Bell state); 0 for every PPT state.
    """
    a, n = as_density_matrix(rho, owner="negativity", validate=validate)
    if n < 2:
        raise DimensionError("negativity(): needs at least two qubits")
    qs = tuple(range(n // 2, n)) if qubits is None else check_targets(qubits, n, name="qubits", owner="negativity")
    pt = partial_transpose(a, qs, validate=False)
    ev = np.linalg.eigvalsh(pt)
    return _scalar(np.clip(-np.where(ev < 0, ev, 0.0).sum(axis=-1), 0.0, None))


def log_negativity(rho: ArrayLike, qubits: int | Sequence[int] | None = None,
                   validate: bool = True) -> float | np.ndarray:
    """Logarithmic negativity ``log2 ||rho^{T_A}||_1 = log2(2 N + 1)`` in bits.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        Density matrix (batch) of n >= 2 qubits.
    qubits : int or sequence of int, optional
        Qubits to partially transpose; default ``range(n // 2, n)``.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none (False).

    Returns
    -------
    float or numpy.ndarray, shape (...)
        ``log2(2 N + 1)`` in bits, >= 0 (1 for a Bell state).
    """
    N = np.asarray(negativity(rho, qubits, validate=validate))
    return _scalar(np.log2(2.0 * N + 1.0))


def bell_coefficients(rho: ArrayLike, validate: bool = True) -> np.ndarray:
    """Diagonal of a two-qubit state in the Bell basis, ``(..., 4)`` in BELL_NAMES order.

    For a Bell-diagonal state these are its coefficients; for any state they are the
    coefficients of its Bell-diagonal twirl.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
        Two-qubit density matrix (batch); other sizes raise DimensionError.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none (False).

    Returns
    -------
    numpy.ndarray, shape (..., 4)
        ``<B_k|rho|B_k>`` for the Bell states in BELL_NAMES order (phi+, phi-, psi+, psi-),
        each clipped to [0, 1]; always an array, also for a single state.
    """
    a, n = as_density_matrix(rho, owner="bell_coefficients", validate=validate)
    if n != 2:
        raise DimensionError(f"bell_coefficients(): defined for two-qubit states; got {n} qubits")
    c = np.real(np.einsum("ki,...ij,kj->...k", BELL_KETS.conj(), a, BELL_KETS))
    return np.clip(c, 0.0, 1.0)


def bures_distance(rho: ArrayLike, sigma: ArrayLike, validate: bool | str = True) -> float | np.ndarray:
    """Bures distance ``sqrt(2 (1 - sqrt(F)))`` in ``[0, sqrt(2)]``.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
    sigma : array_like, shape (..., 2**n, 2**n) or (2**n,)
        A density matrix (batch) or a single ket; batch axes broadcast against ``rho``'s.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none.

    Returns
    -------
    float or numpy.ndarray, shape (broadcast batch shape)

    Notes
    -----
    ``F`` is the squared Uhlmann fidelity returned by :func:`fidelity`, so
    ``sqrt(F) = tr|sqrt(rho) sqrt(sigma)|`` and this equals QuTiP's ``bures_dist``
    (``sqrt(2 (1 - fidelity))`` with QuTiP's unsquared fidelity). D. Bures, Trans. Am.
    Math. Soc. 135, 199 (1969); Nielsen and Chuang, eq. (9.53) uses the same root fidelity.
    The Fuchs-van de Graaf inequalities give ``D_B**2 / 2 <= T`` for the trace distance T.

    Examples
    --------
    >>> import numpy as np, qnet_core as qc
    >>> bool(np.isclose(bures_distance(qc.basis_state("0"), qc.basis_state("1")), np.sqrt(2)))
    True
    >>> round(bures_distance(qc.werner(0.81), qc.bell_ket()) ** 2, 12)   # 2 (1 - 0.9)
    0.2
    """
    a, b, _ = _state_pair(rho, sigma, "bures_distance", validate)
    rootF = np.sqrt(_fidelity(a, b))
    return _scalar(np.sqrt(np.clip(2.0 * (1.0 - rootF), 0.0, 2.0)))


def bures_angle(rho: ArrayLike, sigma: ArrayLike, validate: bool | str = True) -> float | np.ndarray:
    """Bures angle (quantum angle) ``arccos(sqrt(F))`` in ``[0, pi/2]``.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
    sigma : array_like, shape (..., 2**n, 2**n) or (2**n,)
        A density matrix (batch) or a single ket; batch axes broadcast against ``rho``'s.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none.

    Returns
    -------
    float or numpy.ndarray, shape (broadcast batch shape), in radians

    Notes
    -----
    ``F`` is the squared fidelity of :func:`fidelity`; the result equals QuTiP's
    ``bures_angle`` and Nielsen and Chuang's angle ``A(rho, sigma) = arccos F_NC``
    (eq. 9.74, with ``F_NC = sqrt(F)``). For pure states it is the Fubini-Study angle.

    Examples
    --------
    >>> import numpy as np, qnet_core as qc
    >>> plus = np.array([1, 1]) / np.sqrt(2)
    >>> round(bures_angle(qc.basis_state("0"), plus) / np.pi, 12)
    0.25
    """
    a, b, _ = _state_pair(rho, sigma, "bures_angle", validate)
    return _scalar(np.arccos(np.clip(np.sqrt(_fidelity(a, b)), 0.0, 1.0)))


def hellinger_distance(rho: ArrayLike, sigma: ArrayLike, validate: bool | str = True) -> float | np.ndarray:
    """Quantum Hellinger distance ``sqrt(2 - 2 tr(sqrt(rho) sqrt(sigma)))`` in ``[0, sqrt(2)]``.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
    sigma : array_like, shape (..., 2**n, 2**n) or (2**n,)
        A density matrix (batch) or a single ket; batch axes broadcast against ``rho``'s.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none.

    Returns
    -------
    float or numpy.ndarray, shape (broadcast batch shape)

    Notes
    -----
    The definition of QuTiP's ``hellinger_dist`` (D. Spehner, F. Illuminati, M. Orszag and
    W. Roga, "Geometric measures of quantum correlations with Bures and Hellinger
    distances", arXiv:1611.03449). ``tr(sqrt(rho) sqrt(sigma)) <= sqrt(F)``, so it is never
    below :func:`bures_distance`; the two agree when ``rho`` and ``sigma`` commute (then both
    are the classical Hellinger distance of the eigenvalue distributions, times sqrt(2)).

    Examples
    --------
    >>> import numpy as np, qnet_core as qc
    >>> rho, sigma = np.diag([0.5, 0.5]), np.diag([0.9, 0.1])
    >>> h = np.sqrt(2 - 2 * (np.sqrt(0.45) + np.sqrt(0.05)))
    >>> bool(np.isclose(hellinger_distance(rho, sigma), h))
    True
    """
    a, b, _ = _state_pair(rho, sigma, "hellinger_distance", validate)
    sa, sb = _psd_sqrt(_herm(a)), _psd_sqrt(_herm(b))
    # tr(X Y) for Hermitian X, Y is sum_ij X_ij conj(Y_ij) (real).
    overlap = np.real(np.sum(sa * np.conj(sb), axis=(-2, -1)))
    return _scalar(np.sqrt(np.clip(2.0 - 2.0 * overlap, 0.0, 2.0)))


def relative_entropy(rho: ArrayLike, sigma: ArrayLike, base: float = 2,
                     validate: bool | str = True) -> float | np.ndarray:
    """Quantum relative entropy ``S(rho || sigma) = tr rho (log rho - log sigma)``, >= 0.

    Parameters
    ----------
    rho, sigma : array_like, shape (..., 2**n, 2**n)
        Density matrices (batches broadcast against each other).
    base : float, default 2
        Logarithm base, > 1: 2 gives bits (as :func:`entropy`), ``numpy.e`` nats.
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none.

    Returns
    -------
    float or numpy.ndarray, shape (broadcast batch shape)
        ``inf`` where the support of ``rho`` is not contained in the support of ``sigma``.

    Notes
    -----
    Umegaki's relative entropy (Nielsen and Chuang, Sec. 11.3.1, eq. 11.54). With
    ``rho = sum p_i |u_i><u_i|`` and ``sigma = sum q_j |v_j><v_j|`` it is
    ``sum_i p_i log p_i - sum_ij p_i |<u_i|v_j>|**2 log q_j``, with ``0 log 0 = 0``.
    Eigenvalues of ``sigma`` at or below 1e-12 count as zero: if ``rho`` puts weight above
    1e-12 on that kernel, the result is ``inf`` (Klein's inequality makes it >= 0 otherwise;
    rounding below zero is clipped). Not symmetric.

    Examples
    --------
    >>> import numpy as np, qnet_core as qc
    >>> round(relative_entropy(qc.basis_state("0"), qc.maximally_mixed(1)), 12)
    1.0
    >>> relative_entropy(qc.maximally_mixed(1), qc.basis_state("0"))
    inf
    >>> round(relative_entropy(np.diag([0.5, 0.5]), np.diag([0.9, 0.1]), base=np.e), 6)
    0.510826
    """
    lb = _check_base(base, "relative_entropy")
    a, b, _ = _state_pair(rho, sigma, "relative_entropy", validate)
    a, b = np.broadcast_arrays(a, b)
    return _scalar(_relative_entropy(a, b, lb))


def _relative_entropy(a: np.ndarray, b: np.ndarray, base: float) -> np.ndarray:
    p, U = np.linalg.eigh(_herm(a))
    q, V = np.linalg.eigh(_herm(b))
    p = np.clip(p, 0.0, None)
    overlap = np.abs(np.conj(np.swapaxes(U, -1, -2)) @ V) ** 2  # [..., i, j] = |<u_i|v_j>|^2
    weight_on_q = np.einsum("...i,...ij->...j", p, overlap)  # <v_j|rho|v_j>
    in_support = q > _SUPPORT_TOL
    leak = np.sum(np.where(in_support, 0.0, weight_on_q), axis=-1)
    log_q = _log(np.where(in_support, q, 1.0), base)
    cross = np.sum(np.where(in_support, weight_on_q * log_q, 0.0), axis=-1)
    S = np.clip(-_entropy_of_eigs(p, base) - cross, 0.0, None)
    return np.where(leak > _SUPPORT_TOL, np.inf, S)


def _bipartition(rho, qubits, name: str, owner: str, validate):
    a, n = as_density_matrix(rho, owner=owner, validate=validate)
    first = _targets_or_empty(qubits, n, name=name, owner=owner)
    rest = tuple(q for q in range(n) if q not in first)
    return a, first, rest


def mutual_information(rho: ArrayLike, subsystem_qubits: int | Sequence[int], base: float = 2,
                       validate: bool | str = True) -> float | np.ndarray:
    """Quantum mutual information ``I(A:B) = S(A) + S(B) - S(AB)`` of a bipartition.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        State (batch) of the register AB.
    subsystem_qubits : sequence of int
        The distinct qubits of A; B is every other qubit. An empty A (or an A holding every
        qubit) gives 0.
    base : float, default 2
        Logarithm base, > 1 (2: bits, as :func:`entropy`).
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none.

    Returns
    -------
    float or numpy.ndarray, shape (...), in ``[0, 2 min(|A|, |B|) log_base 2]``

    Notes
    -----
    Nielsen and Chuang, Sec. 11.3.2 (``S(A:B)``); non-negative by subadditivity, so tiny
    negative rounding is clipped to 0. Equals ``relative_entropy(rho, rho_A (x) rho_B)``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(mutual_information(qc.bell_state(), [0]), 12)
    2.0
    >>> round(mutual_information(qc.werner(0.25), [1]), 12)
    0.0
    """
    lb = _check_base(base, "mutual_information")
    a, A, B = _bipartition(rho, subsystem_qubits, "subsystem_qubits", "mutual_information", validate)
    if not A or not B:
        return _scalar(np.zeros(a.shape[:-2]))
    S_A = _entropy(partial_trace(a, A, validate=False), lb)
    S_B = _entropy(partial_trace(a, B, validate=False), lb)
    return _scalar(np.clip(S_A + S_B - _entropy(a, lb), 0.0, None))


def conditional_entropy(rho: ArrayLike, conditioning_qubits: int | Sequence[int], base: float = 2,
                        validate: bool | str = True) -> float | np.ndarray:
    """Conditional von Neumann entropy ``S(A|B) = S(AB) - S(B)``; negative for entangled states.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        State (batch) of the register AB.
    conditioning_qubits : sequence of int
        The distinct qubits of B, the system conditioned on; A is every other qubit. An
        empty B gives ``S(AB)``; a B holding every qubit gives 0.
    base : float, default 2
        Logarithm base, > 1 (2: bits, as :func:`entropy`).
    validate : bool or "full", default True
        Input checks: compiled one-pass checks (True), eigenvalue-based ("full") or none.

    Returns
    -------
    float or numpy.ndarray, shape (...), in ``[-|A| log_base 2, |A| log_base 2]``

    Notes
    -----
    Nielsen and Chuang, Sec. 11.3.1; the same convention as QuTiP's
    ``entropy_conditional(rho, selB)``. ``-S(A|B)`` is the coherent information, a lower
    bound on distillable entanglement (Devetak and Winter, Proc. R. Soc. A 461, 207 (2005)).

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(conditional_entropy(qc.bell_state(), [1]), 12)
    -1.0
    """
    lb = _check_base(base, "conditional_entropy")
    a, B, A = _bipartition(rho, conditioning_qubits, "conditioning_qubits", "conditional_entropy", validate)
    S_AB = _entropy(a, lb)
    if not B:
        return _scalar(S_AB)
    if not A:
        return _scalar(np.zeros(a.shape[:-2]))
    return _scalar(S_AB - _entropy(partial_trace(a, B, validate=False), lb))
