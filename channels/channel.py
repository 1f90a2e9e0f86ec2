"""The :class:`Channel` type: an immutable, validated CPTP map stored as Kraus operators.

Representations and conventions (``d = 2**m`` for an m-qubit channel):

* **Kraus**: ``kraus`` has shape ``(k, d, d)``; ``E(rho) = sum_k K_k rho K_k^dag``, with
  ``sum_k K_k^dag K_k = I`` checked at construction.
* **Superoperator** (row-major vec): ``vec(rho)[i*d + j] = rho[i, j]`` and
  ``vec(E(rho)) = S vec(rho)`` with ``S = sum_k K_k (x) conj(K_k)``, shape ``(d**2, d**2)``;
  this is the convention of :func:`qnet_core.apply_superoperator`.
* **Choi matrix** (Watrous, *The Theory of Quantum Information*, 2018, eq. 2.66, output
  factor first): ``J = sum_ij E(|i><j|) (x) |i><j|``, shape ``(d**2, d**2)``, trace ``d``
  (not normalized). ``J = sum_k vec(K_k) vec(K_k)^dag`` with the row-major vec, ``J`` is PSD
  iff E is completely positive and ``Tr_out J = I`` iff E is trace preserving.
* **Pauli transfer matrix**: ``R_ij = Tr(P_i E(P_j)) / d`` (real, ``(d**2, d**2)``) with
  ``P_i`` the m-qubit Pauli strings, single-qubit order ``(I, X, Y, Z)`` and qubit 0 the most
  significant base-4 digit of ``i``; the normalized basis ``P_i / sqrt(d)`` makes the PTM of
  the identity channel the identity matrix and ``R[0] = (1, 0, ..., 0)`` for every CPTP map
  (Greenbaum, arXiv:1509.02921, eq. 10).
* **Composition**: ``a.then(b)`` applies ``a`` first and ``b`` second; ``b @ a`` is the same
  map (function composition ``b o a``, as for matrices acting on column vectors).
* **Tensor product**: ``a.tensor(b)`` acts with ``a`` on the first ``a.num_qubits`` qubits and
  ``b`` on the rest (qubit 0 = most significant bit, as everywhere in qnetsim).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from qnet_core._args import count
from qnet_core.errors import ChannelError, DimensionError, ParameterError
from qnet_core.gates import PAULIS
from qnet_core.ops import OperationSequence, _kraus_to_superoperator
from qnet_core.validation import as_array, as_kraus, as_states, check_targets, check_unitary, validate_mode

__all__ = ["Channel", "pauli_basis"]

#: Tolerance used when converting Choi / superoperator / PTM input to Kraus operators.
_REP_ATOL = 1e-9
_MAX_CACHED_SEQUENCES = 32


#: Most qubits :func:`pauli_basis` (and so a Pauli transfer matrix) covers: the basis of m qubits
#: holds ``16**m`` complex entries (16 MiB at m = 5, 256 MiB at m = 6).
PAULI_MAX_QUBITS = 5


def pauli_basis(num_qubits: int) -> np.ndarray:
    """The ``4**m`` Pauli strings of m qubits, shape ``(4**m, 2**m, 2**m)``.

    Index ``i = sum_q i_q 4**(m-1-q)`` with ``i_q`` in (I, X, Y, Z) = (0, 1, 2, 3) order, so
    qubit 0 is the most significant digit (``pauli_basis(2)[1]`` is ``I (x) X``).

    Parameters
    ----------
    num_qubits : int
        Number of qubits m, ``1 <= m <= PAULI_MAX_QUBITS`` (5).

    Returns
    -------
    numpy.ndarray, complex128, shape (4**m, 2**m, 2**m)
        The Pauli strings (unnormalized, each squaring to the identity).

    Examples
    --------
    >>> pauli_basis(2).shape
    (16, 4, 4)
    """
    m = count(num_qubits, "num_qubits", "pauli_basis", lo=1, hi=PAULI_MAX_QUBITS,
              what="the Pauli basis of m qubits has 16**m entries")
    P = np.asarray(PAULIS, dtype=np.complex128)
    out = P
    for _ in range(m - 1):  # kron of every string with every Pauli; the new qubit is the least significant
        k, d = out.shape[0], out.shape[1]
        out = (out[:, None, :, None, :, None] * P[None, :, None, :, None, :]).reshape(k * 4, d * 2, d * 2)
    return np.ascontiguousarray(out)


def _reshuffle(M: np.ndarray, d: int) -> np.ndarray:
    """Row-major superoperator <-> Choi (output first): swap the middle two legs; an involution."""
    return np.ascontiguousarray(M.reshape(d, d, d, d).transpose(0, 2, 1, 3)).reshape(d * d, d * d)


def _dim_of_rep(M, name: str, owner: str) -> tuple[np.ndarray, int]:
    arr = np.asarray(as_array(M, "superoperator" if name == "superop" else "operator", name, owner))
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise DimensionError(f"{owner}(): {name} must be a numeric array, got dtype {arr.dtype}")
    arr = np.ascontiguousarray(arr, dtype=np.complex128)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise DimensionError(f"{owner}(): {name} has shape {arr.shape}; expected (4**m, 4**m)")
    d2 = arr.shape[0]
    d = int(round(np.sqrt(d2)))
    if d < 2 or d * d != d2 or d & (d - 1):
        raise DimensionError(
            f"{owner}(): {name} has shape {arr.shape}; expected (4**m, 4**m) for an m-qubit channel (m >= 1)"
        )
    if not np.all(np.isfinite(arr)):
        raise ChannelError(f"{owner}(): {name} contains NaN or infinite entries")
    return arr, d


def _kraus_from_choi(J: np.ndarray, d: int, owner: str, atol: float) -> np.ndarray:
    """Canonical (orthogonal) Kraus operators of a Choi matrix; raise ChannelError if not CPTP."""
    herm = float(np.max(np.abs(J - J.conj().T)))
    if herm > atol * d:
        raise ChannelError(
            f"{owner}(): the map is not Hermiticity preserving (max |J - J^dag| = {herm:.3g} for the Choi "
            f"matrix J, tolerance {atol * d:g}); a CPTP map has a Hermitian, PSD Choi matrix"
        )
    J = 0.5 * (J + J.conj().T)
    w, V = np.linalg.eigh(J)
    if w[0] < -atol * d:
        raise ChannelError(
            f"{owner}(): the map is not completely positive: its Choi matrix has eigenvalue {w[0]:.3g} "
            f"< 0 (tolerance {atol * d:g})"
        )
    tp = np.einsum("abac->bc", J.reshape(d, d, d, d))
    dev = float(np.max(np.abs(tp - np.eye(d))))
    if dev > atol * d:
        raise ChannelError(
            f"{owner}(): the map is not trace preserving: max |Tr_out J - I| = {dev:.3g} "
            f"(tolerance {atol * d:g}); a CPTP map has partial trace of its Choi matrix over the output = I"
        )
    keep = w > atol * max(1.0, float(w[-1])) * 1e-3
    if not np.any(keep):  # pragma: no cover - TP forces trace d > 0
        keep = w == w[-1]
    w, V = w[keep][::-1], V[:, keep][:, ::-1]
    K = (np.sqrt(w)[:, None] * V.T).reshape(-1, d, d)
    # Remove the O(atol) trace-preservation error of the input so the Kraus set validates tightly.
    M = np.einsum("kji,kjl->il", K.conj(), K)
    ev, U = np.linalg.eigh(M)
    K = K @ (U @ np.diag(1.0 / np.sqrt(ev)) @ U.conj().T)
    return np.ascontiguousarray(K)


class Channel:
    """An immutable CPTP map on m qubits, stored as validated Kraus operators.

    Parameters
    ----------
    kraus : array_like, shape (k, 2**m, 2**m) or (2**m, 2**m)
        Kraus operators; ``sum_k K_k^dag K_k = I`` is checked (tolerance ``1e-10 * 2**m``).
    label : str, optional
        Human-readable description shown in ``repr`` (not part of equality).

    Raises
    ------
    DimensionError
        Wrong shape or a size that is not a power of two.
    ChannelError
        The operators are not trace preserving (the message gives the max deviation).

    Notes
    -----
    Conventions for every representation are in the module docstring of
    :mod:`channels.channel`. Two channels compare equal (``==``) when their Choi matrices agree
    to ``1e-9`` (the Choi matrix is unique, Kraus sets are not), so channels are unhashable.

    Examples
    --------
    >>> import numpy as np
    >>> ch = Channel([np.sqrt(0.9) * np.eye(2), np.sqrt(0.1) * np.diag([1, -1])])
    >>> ch.num_qubits, ch.kraus.shape
    (1, (2, 2, 2))
    """

    __slots__ = ("kraus", "num_qubits", "label", "_seq_cache")
    __hash__ = None  # equality is up to tolerance
    __array_ufunc__ = None  # numpy operators (e.g. ``array @ channel``) defer to Channel and fail cleanly

    def __init__(self, kraus: ArrayLike, label: str = ""):
        K, m = as_kraus(kraus, owner="Channel")
        self._init(K, m, label)

    def _init(self, K: np.ndarray, m: int, label: str) -> None:
        K = np.array(K, dtype=np.complex128, order="C", copy=True)
        K.setflags(write=False)
        object.__setattr__(self, "kraus", K)
        object.__setattr__(self, "num_qubits", int(m))
        object.__setattr__(self, "label", str(label))
        object.__setattr__(self, "_seq_cache", {})

    @classmethod
    def _trusted(cls, K: np.ndarray, label: str = "") -> "Channel":
        """Build from Kraus operators known to be CPTP (exact catalogue formulas); no check."""
        ch = object.__new__(cls)
        K = np.asarray(K, dtype=np.complex128)
        ch._init(K, K.shape[-1].bit_length() - 1, label)
        return ch

    def __setattr__(self, name, value):
        raise AttributeError(f"Channel is immutable; cannot set {name!r}")

    def __delattr__(self, name):
        raise AttributeError(f"Channel is immutable; cannot delete {name!r}")

    def __reduce__(self):
        return (Channel, (np.array(self.kraus), self.label))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_kraus(cls, kraus: ArrayLike, label: str = "") -> "Channel":
        """Channel from Kraus operators ``(k, 2**m, 2**m)`` (validated; same as ``Channel(kraus)``).

        Parameters
        ----------
        kraus : array_like, shape (k, 2**m, 2**m) or (2**m, 2**m)
            Kraus operators, checked to satisfy ``sum_k K_k^dag K_k = I``.
        label : str, default ""
            Human-readable name shown in ``repr``.

        Returns
        -------
        Channel
            The m-qubit channel with these Kraus operators.
        """
        K, m = as_kraus(kraus, owner="Channel.from_kraus")
        ch = object.__new__(cls)
        ch._init(K, m, label)
        return ch

    @classmethod
    def from_unitary(cls, U: ArrayLike, label: str = "") -> "Channel":
        """The unitary channel ``rho -> U rho U^dag`` (U is checked to be unitary).

        Parameters
        ----------
        U : array_like, shape (2**m, 2**m)
            Unitary matrix.
        label : str, default ""
            Human-readable name; default ``"unitary"``.

        Returns
        -------
        Channel
            The m-qubit channel with the single Kraus operator ``U``.
        """
        arr, _ = check_unitary(U, owner="Channel.from_unitary")
        return cls._trusted(arr[None], label or "unitary")

    @classmethod
    def identity(cls, num_qubits: int = 1) -> "Channel":
        """The identity channel on ``num_qubits`` qubits.

        Parameters
        ----------
        num_qubits : int, default 1
            Number of qubits m >= 1.

        Returns
        -------
        Channel
            The channel with the single Kraus operator ``I`` of dimension ``2**m``.
        """
        if isinstance(num_qubits, bool) or not isinstance(num_qubits, (int, np.integer)) or num_qubits < 1:
            raise ParameterError(f"Channel.identity(): num_qubits={num_qubits!r} must be an integer >= 1")
        return cls._trusted(np.eye(1 << int(num_qubits), dtype=np.complex128)[None], "identity")

    @classmethod
    def from_choi(cls, choi: ArrayLike, atol: float = _REP_ATOL, label: str = "") -> "Channel":
        """Channel from its Choi matrix ``J = sum_ij E(|i><j|) (x) |i><j|`` (output factor first).

        Kraus operators come from the eigendecomposition ``J = sum_k l_k v_k v_k^dag`` as
        ``K_k = sqrt(l_k) unvec(v_k)`` (row-major), dropping zero eigenvalues. The small
        trace-preservation error that ``atol`` tolerates is removed by renormalizing the
        Kraus set (``K_k -> K_k M**-1/2`` with ``M = sum_k K_k^dag K_k``).

        Raises
        ------
        ChannelError
            ``J`` is not Hermitian, has a negative eigenvalue below ``-atol * d`` (not
            completely positive) or ``Tr_out J != I`` (not trace preserving).

        Parameters
        ----------
        choi : array_like, shape (4**m, 4**m)
            Choi matrix, trace ``2**m``.
        atol : float, default 1e-9
            Tolerance of the Hermiticity, positivity and trace-preservation checks.
        label : str, default ""
            Human-readable name shown in ``repr``.

        Returns
        -------
        Channel
            The m-qubit channel, with at most ``4**m`` Kraus operators.
        """
        J, d = _dim_of_rep(choi, "choi", "Channel.from_choi")
        K = _kraus_from_choi(J, d, "Channel.from_choi", atol)
        return cls._trusted(K, label)

    @classmethod
    def from_superoperator(cls, superop: ArrayLike, atol: float = _REP_ATOL, label: str = "") -> "Channel":
        """Channel from its row-major superoperator ``S`` (``vec(E(rho)) = S vec(rho)``).

        Raises
        ------
        ChannelError
            The map is not completely positive or not trace preserving.

        Parameters
        ----------
        superop : array_like, shape (4**m, 4**m)
            Row-major superoperator.
        atol : float, default 1e-9
            Tolerance of the CPTP checks (applied to the reshuffled Choi matrix).
        label : str, default ""
            Human-readable name shown in ``repr``.

        Returns
        -------
        Channel
            The m-qubit channel, with at most ``4**m`` Kraus operators.
        """
        S, d = _dim_of_rep(superop, "superop", "Channel.from_superoperator")
        K = _kraus_from_choi(_reshuffle(S, d), d, "Channel.from_superoperator", atol)
        return cls._trusted(K, label)

    @classmethod
    def from_ptm(cls, ptm: ArrayLike, atol: float = _REP_ATOL, label: str = "") -> "Channel":
        """Channel from its Pauli transfer matrix ``R_ij = Tr(P_i E(P_j)) / d``.

        Raises
        ------
        ChannelError
            ``R`` is not real (a CPTP map's PTM is real), or the map is not CPTP.

        Parameters
        ----------
        ptm : array_like, shape (4**m, 4**m)
            Pauli transfer matrix (imaginary parts above ``atol * 2**m`` raise).
        atol : float, default 1e-9
            Tolerance of the reality and CPTP checks.
        label : str, default ""
            Human-readable name shown in ``repr``.

        Returns
        -------
        Channel
            The m-qubit channel, with at most ``4**m`` Kraus operators.
        """
        R, d = _dim_of_rep(ptm, "ptm", "Channel.from_ptm")
        imag = float(np.max(np.abs(R.imag)))
        if imag > atol * d:
            raise ChannelError(
                f"Channel.from_ptm(): ptm has imaginary entries up to {imag:.3g}; the Pauli transfer matrix "
                "of a Hermiticity-preserving map is real"
            )
        U = pauli_basis(d.bit_length() - 1).reshape(d * d, d * d).T  # columns vec(P_i)
        S = (U @ R.real @ U.conj().T) / d
        K = _kraus_from_choi(_reshuffle(S, d), d, "Channel.from_ptm", atol)
        return cls._trusted(K, label)

    # ------------------------------------------------------------------ representations
    @property
    def num_kraus(self) -> int:
        """Number of stored Kraus operators k."""
        return int(self.kraus.shape[0])

    @property
    def dim(self) -> int:
        """Hilbert-space dimension ``2**m``."""
        return int(self.kraus.shape[-1])

    def superoperator(self) -> np.ndarray:
        """Row-major superoperator ``S = sum_k K_k (x) conj(K_k)``, shape ``(4**m, 4**m)``.

        Returns
        -------
        numpy.ndarray, complex128, shape (4**m, 4**m)
            The superoperator, a new array.
        """
        return _kraus_to_superoperator(np.asarray(self.kraus, dtype=np.complex128))

    def choi(self) -> np.ndarray:
        """Choi matrix ``J = sum_ij E(|i><j|) (x) |i><j|`` (output first, trace ``2**m``).

        Returns
        -------
        numpy.ndarray, complex128, shape (4**m, 4**m)
            The (unnormalized) Choi matrix, Hermitian and positive semidefinite.
        """
        d = self.dim
        v = self.kraus.reshape(self.num_kraus, d * d)
        return v.T @ v.conj()

    def ptm(self) -> np.ndarray:
        """Pauli transfer matrix ``R_ij = Tr(P_i E(P_j)) / 2**m`` (real, ``(4**m, 4**m)``).

        Returns
        -------
        numpy.ndarray, float64, shape (4**m, 4**m)
            The Pauli transfer matrix, first row ``(1, 0, ..., 0)``.
        """
        d = self.dim
        U = pauli_basis(self.num_qubits).reshape(d * d, d * d).T
        R = (U.conj().T @ self.superoperator() @ U) / d
        return np.ascontiguousarray(R.real)

    # ------------------------------------------------------------------ algebra
    def then(self, other: "Channel") -> "Channel":
        """Sequential composition: apply ``self`` first, then ``other`` (``other @ self``).

        Kraus operators are the products ``B_j A_i``; when their number exceeds ``4**m`` they
        are replaced by the (at most ``4**m``) canonical Kraus operators of the Choi matrix.

        Parameters
        ----------
        other : Channel
            Channel on the same number of qubits, applied second.

        Returns
        -------
        Channel
            The composition ``other o self``.
        """
        if not isinstance(other, Channel):
            raise ChannelError(f"Channel.then(): expected a Channel, got {type(other).__name__}")
        if other.num_qubits != self.num_qubits:
            raise DimensionError(
                f"Channel.then(): cannot compose a {self.num_qubits}-qubit channel with a "
                f"{other.num_qubits}-qubit channel; use tensor() to combine channels on different qubits"
            )
        K = np.einsum("jab,ibc->jiac", other.kraus, self.kraus).reshape(-1, self.dim, self.dim)
        label = f"{self.label or 'channel'} then {other.label or 'channel'}"
        return Channel._compact(K, label)

    def __matmul__(self, other: "Channel") -> "Channel":
        """``b @ a`` is ``b o a``: apply ``a`` first, then ``b`` (same as ``a.then(b)``)."""
        if not isinstance(other, Channel):
            return NotImplemented
        return other.then(self)

    def tensor(self, other: "Channel") -> "Channel":
        """Tensor product: ``self`` on the first ``self.num_qubits`` qubits, ``other`` on the rest.

        Parameters
        ----------
        other : Channel
            Channel on the trailing (less significant) qubits.

        Returns
        -------
        Channel
            The channel on ``self.num_qubits + other.num_qubits`` qubits.
        """
        if not isinstance(other, Channel):
            raise ChannelError(f"Channel.tensor(): expected a Channel, got {type(other).__name__}")
        da, db = self.dim, other.dim
        K = np.einsum("iab,jcd->ijacbd", self.kraus, other.kraus).reshape(-1, da * db, da * db)
        return Channel._compact(K, f"({self.label or 'channel'}) (x) ({other.label or 'channel'})")

    def power(self, n: int) -> "Channel":
        """``n``-fold sequential composition (``n = 0`` gives the identity).

        Parameters
        ----------
        n : int
            Number of repetitions, >= 0.

        Returns
        -------
        Channel
            ``self`` applied n times in sequence.
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ParameterError(f"Channel.power(): n={n!r} must be an integer >= 0")
        out = Channel.identity(self.num_qubits)
        for _ in range(int(n)):
            out = out.then(self)
        return out

    @classmethod
    def _compact(cls, K: np.ndarray, label: str) -> "Channel":
        d = K.shape[-1]
        if K.shape[0] > d * d:
            v = K.reshape(K.shape[0], d * d)
            K = _kraus_from_choi(v.T @ v.conj(), d, "Channel", _REP_ATOL)
        return cls._trusted(K, label)

    # ------------------------------------------------------------------ comparison
    def is_close(self, other: "Channel", atol: float = 1e-9) -> bool:
        """True when both act on the same number of qubits and their Choi matrices agree to ``atol``.

        Parameters
        ----------
        other : Channel
            Channel to compare with (anything else gives False).
        atol : float, default 1e-9
            Maximum absolute difference of the Choi-matrix entries.

        Returns
        -------
        bool
            Whether the two channels are the same map within ``atol`` (Kraus representations may
            differ).
        """
        if not isinstance(other, Channel) or other.num_qubits != self.num_qubits:
            return False
        return bool(np.max(np.abs(self.choi() - other.choi())) <= atol)

    def __eq__(self, other) -> bool:
        if not isinstance(other, Channel):
            return NotImplemented
        return self.is_close(other)

    def __repr__(self) -> str:
        lab = f", label={self.label!r}" if self.label else ""
        return f"Channel(num_qubits={self.num_qubits}, num_kraus={self.num_kraus}{lab})"

    # ------------------------------------------------------------------ action
    def apply(self, rho: ArrayLike, targets: int | Sequence[int] | None = None, validate: bool | str = True,
              out: np.ndarray | None = None) -> np.ndarray:
        """Apply the channel to ``targets`` of a state or batch ``(..., 2**n, 2**n)``.

        Parameters
        ----------
        rho : array_like, shape (..., 2**n, 2**n)
            State or batch of states (n >= m), any strides; a batch broadcast along an axis
            (stride 0) is computed once per distinct state.
        targets : sequence of int, optional
            The m distinct qubits acted on, ``targets[0]`` = most significant bit of the
            channel's index; default ``range(m)``.
        validate : bool or "full", default True
            Check that ``rho`` is a density matrix: compiled one-pass checks (finite,
            Hermitian, unit trace, positive semidefinite), run in the same pass as the channel
            for registers of up to three qubits; "full" uses eigenvalues; False skips them.
            Targets are always checked.
        out : numpy.ndarray, optional
            Preallocated C-contiguous complex128 output of the same shape (hot loops).

        Returns
        -------
        numpy.ndarray, shape (..., 2**n, 2**n)

        Notes
        -----
        Runs the compiled kernels of :class:`qnet_core.OperationSequence` (the engine path
        behind :func:`qnet_core.apply_kraus`); the compiled sequence is cached per
        ``(n, targets)`` so repeated calls skip the setup.

        Examples
        --------
        >>> import qnet_core as qc
        >>> ch = Channel([[[0, 1], [1, 0]]])            # X
        >>> ch.apply(qc.basis_state("00"), [1]).real[1, 1]
        np.float64(1.0)
        """
        mode = validate_mode(validate, "Channel.apply")
        arr, n = as_states(rho, owner="Channel.apply")
        m = self.num_qubits
        if targets is None:
            if n < m:
                raise DimensionError(
                    f"Channel.apply(): the channel acts on {m} qubits but the state has only {n}"
                )
            t = tuple(range(m))
        else:
            t = check_targets(targets, n, owner="Channel.apply", expected=m)
        key = (n, t)
        seq = self._seq_cache.get(key)
        if seq is None:
            seq = OperationSequence(n, [(self.kraus, t)], validate=False, _owner="Channel.apply")
            if len(self._seq_cache) >= _MAX_CACHED_SEQUENCES:
                self._seq_cache.clear()
            self._seq_cache[key] = seq
        return seq._apply_states(arr, mode, out, "Channel.apply")

    __call__ = apply
