"""Remote CNOT between two nodes with one shared pair and two classical bits.

Protocol of Eisert, Jacobs, Papadopoulos, Plenio, PRA 62, 052317 (2000), Fig. 1: Alice holds
the control qubit a and qubit A' of the shared pair (A', B'); Bob holds the target b and B'.

1. Alice: CNOT(a -> A'), measures A' in Z (bit m1), sends m1 to Bob.
2. Bob: X^m1 on B' (now B' copies a in the Z basis), CNOT(B' -> b), measures B' in X (bit
   m2), sends m2 to Alice.
3. Alice: Z^m2 on a.

With ``|phi+>`` as the pair this implements CNOT(a -> b) on any joint input state.

Noise: each of the two local CNOTs is followed by two-qubit depolarizing with probability
``gate_error`` on its qubits; each measured bit is misread with probability ``readout_error``
(a bit flip before the Z measurement of A', a phase flip before the X measurement of B').

Dense pairs run the protocol on the register with the engine's compiled Kraus sequences
(built once per register size, qubits and noise, and cached); it needs the whole register, so
it does not reduce to the two-qubit primitives of :mod:`qnet_core._pair`.

Bell-diagonal pairs (:class:`qnet_core.BellDiagonal`). All gates are Clifford and all noise is
Pauli, so for a Bell-diagonal pair the protocol is the ideal CNOT followed by a two-qubit Pauli
channel on (a, b). Tracking Pauli frames through the circuit, a pair error ``X^x Z^z`` on B' becomes
``Z_a^z X_b^x``; the first CNOT's depolarizing error gives uniform ``(x_a, z_a, x_b)`` bits,
the second uniform ``(z_a, x_b, z_b)`` bits; a misread m1 gives ``X_b`` and a misread m2 gives
``Z_a``. Hence the process fidelity to CNOT is the no-error probability, ``F`` for a perfect
circuit and a pair of fidelity F, and the average gate fidelity is ``(4 F_pro + 1)/5``
(Horodecki et al. 1999; Nielsen 2002 with d = 4). A BellDiagonal given together with a dense
register is used as it is (the register is always dense). The keywords ``p2`` and ``eta`` of
earlier releases still work, with a DeprecationWarning; ``bd_remote_cnot`` and
``bd_remote_cnot_fidelity`` are deprecated aliases.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

import channels
from qnet_core import measure, permute_qubits, tensor
from qnet_core.bell_diagonal import BellDiagonal
from qnet_core.errors import DimensionError
from qnet_core.gates import CNOT, I2, X, Z
from qnet_core.ops import OperationSequence
from qnet_core._args import numbers_only
from qnet_core.validation import as_density_matrix, validate_mode

from .._common import (ZERO, Result, _as_coeffs, _as_pair, _probability, _scalar, _state_fidelity, deprecated_alias,
                       renamed_errors)

__all__ = [
    "RemoteGateResult",
    "RemoteGateFidelity",
    "remote_cnot",
    "bd_remote_cnot",
    "remote_cnot_fidelity",
    "bd_remote_cnot_fidelity",
    "remote_cnot_error_distribution",
]

# Pauli on (a, b) for error index e = 8 x_a + 4 z_a + 2 x_b + z_b: (X^x_a Z^z_a) (x) (X^x_b Z^z_b).
_ONE = {(0, 0): I2, (0, 1): Z, (1, 0): X, (1, 1): X @ Z}
_PAULI_AB = np.array([np.kron(_ONE[(e >> 3 & 1, e >> 2 & 1)], _ONE[(e >> 1 & 1, e & 1)]) for e in range(16)])
_PAULI_AB.setflags(write=False)
# XOR table of the 16 two-qubit Pauli indices.
_XOR16 = np.array([[i ^ j for j in range(16)] for i in range(16)])


@dataclass(frozen=True, slots=True, repr=False)
class RemoteGateResult(Result):
    """Output of a remote gate.

    Attributes
    ----------
    state : numpy.ndarray, shape (..., 2**n, 2**n)
        Output state of the register that held (a, b), complex128.
    fidelity : float or numpy.ndarray, shape (...)
        Squared Uhlmann fidelity of ``state`` to the ideal CNOT's output.
    """

    state: np.ndarray
    fidelity: float | np.ndarray


@dataclass(frozen=True, slots=True, repr=False)
class RemoteGateFidelity(Result):
    """Process and average gate fidelity of a remote gate to the ideal gate.

    Attributes
    ----------
    process_fidelity : float or numpy.ndarray, shape (...)
        ``<Phi_U|(E (x) I)(Phi)|Phi_U>`` with ``Phi`` maximally entangled on 4 (x) 4.
    average_gate_fidelity : float or numpy.ndarray, shape (...)
        ``(4 F_pro + 1) / 5``.
    """

    process_fidelity: float | np.ndarray
    average_gate_fidelity: float | np.ndarray


def _gate_figures(fp) -> RemoteGateFidelity:
    fp = _scalar(fp)
    return RemoteGateFidelity(fp, _scalar((4.0 * np.asarray(fp) + 1.0) / 5.0))


def _params(owner: str, gate_error, readout_error) -> tuple[float, float]:
    return (_probability(gate_error, "gate_error", owner), _probability(readout_error, "readout_error", owner))


# --------------------------------------------------------------------------- dense path
@lru_cache(maxsize=64)
def _stage_sequences(n: int, a: int, b: int, g: float, q: float):
    """Compiled stages on a register (..., a, b, B', A') with A' = n-1, B' = n-2 (built once per argument set)."""
    bp, ap = n - 2, n - 1
    s1 = [(CNOT[None], (a, ap))]
    if g > 0.0:
        s1.append((channels.depolarizing(g, num_qubits=2).kraus, (a, ap)))
    if q > 0.0:
        s1.append((channels.bit_flip(q).kraus, (ap,)))
    fix1 = OperationSequence(n - 1, [(X[None], (bp,))], validate=False)
    s2 = [(CNOT[None], (bp, b))]
    if g > 0.0:
        s2.append((channels.depolarizing(g, num_qubits=2).kraus, (bp, b)))
    if q > 0.0:
        s2.append((channels.phase_flip(q).kraus, (bp,)))
    fix2 = OperationSequence(n - 2, [(Z[None], (a,))], validate=False)
    return (OperationSequence(n, s1, validate=False), fix1, OperationSequence(n - 1, s2, validate=False), fix2)


@lru_cache(maxsize=256)
def _two_qubit_sequence(n: int, a: int, b: int, index: int) -> OperationSequence:
    """CNOT(a -> b) (``index`` -1) or the Pauli ``_PAULI_AB[index]`` on (a, b) of an n-qubit register."""
    U = CNOT if index < 0 else _PAULI_AB[index]
    return OperationSequence(n, [(U[None], (a, b))], validate=False)


def _remote_cnot_dense(rho: np.ndarray, pair: np.ndarray, a: int, b: int, g: float, q: float) -> np.ndarray:
    """Run the protocol on register ``rho`` (control a, target b) with ``pair`` on (A', B')."""
    n = int(rho.shape[-1]).bit_length() - 1 + 2
    full = tensor(rho, permute_qubits(pair, [1, 0], validate=False), validate=False)  # (..., B', A')
    st1, fix1, st2, fix2 = _stage_sequences(n, a, b, g, q)
    full = st1.apply(full, validate=False)
    m1 = measure(full, [n - 1], "Z", normalize=False, validate=False)  # unnormalized p_m rho_m
    reg = m1.states[..., 0, :, :] + fix1.apply(np.ascontiguousarray(m1.states[..., 1, :, :]), validate=False)
    reg = st2.apply(reg, validate=False)
    m2 = measure(reg, [n - 2], "X", normalize=False, validate=False)
    out = m2.states[..., 0, :, :] + fix2.apply(np.ascontiguousarray(m2.states[..., 1, :, :]), validate=False)
    out = out / np.real(np.trace(out, axis1=-2, axis2=-1))[..., None, None]
    return 0.5 * (out + np.conj(np.swapaxes(out, -1, -2)))


def _ideal_cnot(rho: np.ndarray, a: int, b: int) -> np.ndarray:
    n = int(rho.shape[-1]).bit_length() - 1
    return _two_qubit_sequence(n, a, b, -1).apply(rho, validate=False)


def _check_register(state, owner: str, control, target, validate):
    arr, n = as_density_matrix(state, name="state", owner=owner, validate=validate)
    if n < 2:
        raise DimensionError(f"{owner}(): state has {n} qubit(s); the control and target need at least two")
    for nm, q in (("control", control), ("target", target)):
        if isinstance(q, bool) or not isinstance(q, (int, np.integer)) or not 0 <= q < n:
            raise DimensionError(f"{owner}(): {nm}={q!r} is not a qubit of the {n}-qubit state (0..{n - 1})")
    if control == target:
        raise DimensionError(f"{owner}(): control and target are both qubit {control}; they must differ")
    return arr, n


def _choi_input() -> np.ndarray:
    """``|Phi><Phi|`` on (a, b, R1, R2), maximally entangled between (a, b) and (R1, R2)."""
    v = np.zeros(16, dtype=np.complex128)
    for i in range(4):
        v[i * 4 + i] = 0.5
    return np.outer(v, v.conj())


_CHOI = _choi_input()
_CHOI.setflags(write=False)


@lru_cache(maxsize=1)
def _choi_target() -> np.ndarray:
    """The ideal CNOT's Choi state, built on first use (running a kernel at import would compile it)."""
    t = _ideal_cnot(_CHOI, 0, 1)
    t.setflags(write=False)
    return t


# --------------------------------------------------------------------------- Bell-diagonal path
def _pauli_steps(g: float, q: float) -> np.ndarray:
    """The four noise steps of the protocol as distributions over the 16 Pauli errors on (a, b)."""
    ident = np.eye(16)[0]
    d1 = np.zeros(16)  # first CNOT's depolarizing: uniform over (x_a, z_a, x_b)
    d1[[e for e in range(16) if not e & 1]] = 1.0 / 8.0
    d2 = np.zeros(16)  # second CNOT's depolarizing: uniform over (z_a, x_b, z_b)
    d2[[e for e in range(16) if not e & 8]] = 1.0 / 8.0
    return np.array([(1.0 - g) * ident + g * d1, (1.0 - g) * ident + g * d2,
                     (1.0 - q) * ident + q * np.eye(16)[2],   # misread m1 -> X_b
                     (1.0 - q) * ident + q * np.eye(16)[4]])  # misread m2 -> Z_a


def _error_distribution(c: np.ndarray, g: float, q: float) -> np.ndarray:
    """Pauli-error distribution ``(..., 16)`` on (a, b) for pair coefficients ``c`` (..., 4)."""
    dist = np.zeros(c.shape[:-1] + (16,))
    for k in range(4):
        x, z = k >> 1, k & 1
        dist[..., 4 * z + 2 * x] = c[..., k]  # pair X -> X_b, pair Z -> Z_a
    for step in _pauli_steps(g, q):
        dist = dist @ step[_XOR16]  # XOR convolution: out[k] = sum_i dist[i] step[i ^ k]
    return dist


def _remote_cnot_bd(arr: np.ndarray, n: int, c: np.ndarray, a: int, b: int, g: float, q: float) -> RemoteGateResult:
    """Ideal CNOT on the register, then the Pauli channel of a Bell-diagonal pair."""
    dist = _error_distribution(c, g, q)
    ideal = _ideal_cnot(arr, a, b)
    out = np.zeros(np.broadcast_shapes(arr.shape[:-2], dist.shape[:-1]) + arr.shape[-2:], dtype=np.complex128)
    for e in range(16):
        if np.any(dist[..., e] > 0):
            out = out + dist[..., e][..., None, None] * _two_qubit_sequence(n, a, b, e).apply(ideal, validate=False)
    return RemoteGateResult(state=out, fidelity=_state_fidelity(out, ideal))


# --------------------------------------------------------------------------- public functions
def remote_cnot(state: ArrayLike | BellDiagonal, pair: ArrayLike | BellDiagonal, *, control: int = 0, target: int = 1,
                gate_error: float = ZERO, readout_error: float = ZERO, validate: bool | str = True,
                **deprecated) -> RemoteGateResult:
    """Apply CNOT(control -> target) between two nodes using the shared ``pair``.

    Parameters
    ----------
    state : array_like, shape (..., 2**n, 2**n)
        Register holding Alice's control and Bob's target (other qubits are spectators, e.g.
        references); n >= 2.
    pair : array_like, shape (..., 4, 4), or BellDiagonal
        Shared pair (A', B'), Alice's qubit first.
    control, target : int, default 0 and 1
        Qubit indices of a and b in ``state``.
    gate_error : float, default 0
        Two-qubit depolarizing probability after each local CNOT, in [0, 1].
    readout_error : float, default 0
        Probability that each measured bit is misread, in [0, 1].
    validate : bool or "full", default True
        Check that the inputs are states.
    **deprecated
        ``p2`` and ``eta``, the old names of ``gate_error`` and ``readout_error`` (they warn).

    Returns
    -------
    RemoteGateResult
        Output register (complex128, the broadcast batch shape) and its fidelity to
        ``CNOT state CNOT^dag``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = remote_cnot(qc.basis_state("10"), qc.bell_state("phi+"))
    >>> round(float(r.state[3, 3].real), 12)     # |10> -> |11>
    1.0
    >>> round(remote_cnot(qc.basis_state("10"), qc.BellDiagonal([0.9, 0.1, 0, 0])).fidelity, 6)
    1.0
    """
    owner = "remote_cnot"
    if deprecated:
        gate_error, readout_error = renamed_errors(owner, deprecated, gate_error, readout_error)
    g, q = _params(owner, gate_error, readout_error)
    arr, n = _check_register(state, owner, control, target, validate)
    if isinstance(pair, BellDiagonal):
        return _remote_cnot_bd(arr, n, pair.coefficients, int(control), int(target), g, q)
    pr = _as_pair(pair, "pair", owner, validate)
    out = _remote_cnot_dense(arr, pr, int(control), int(target), g, q)
    ideal = _ideal_cnot(arr, int(control), int(target))
    return RemoteGateResult(state=out, fidelity=_state_fidelity(out, ideal))


def remote_cnot_fidelity(pair: ArrayLike | BellDiagonal, *, gate_error: float = ZERO, readout_error: float = ZERO,
                         validate: bool | str = True, **deprecated) -> RemoteGateFidelity:
    """Process and average gate fidelity of the remote CNOT with ``pair`` (exact).

    Parameters
    ----------
    pair : array_like, shape (..., 4, 4), or BellDiagonal
        Shared pair (A', B'), Alice's qubit first.
    gate_error, readout_error, validate, **deprecated
        As in :func:`remote_cnot`.

    Returns
    -------
    RemoteGateFidelity
        Floats, or arrays of the batch shape.

    Notes
    -----
    A dense pair runs the protocol on (a, b) maximally entangled with two reference qubits (a
    6-qubit register) and compares with ``(CNOT (x) I)|Phi>``; for a BellDiagonal pair the
    process fidelity is the no-error probability of the Pauli channel (module notes).

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(remote_cnot_fidelity(qc.werner(0.9)).process_fidelity, 6)
    0.9
    >>> round(remote_cnot_fidelity(qc.BellDiagonal.werner(0.9)).average_gate_fidelity, 6)
    0.92
    """
    owner = "remote_cnot_fidelity"
    if deprecated:
        gate_error, readout_error = renamed_errors(owner, deprecated, gate_error, readout_error)
    g, q = _params(owner, gate_error, readout_error)
    if isinstance(pair, BellDiagonal):
        return _gate_figures(_error_distribution(pair.coefficients, g, q)[..., 0])
    pr = _as_pair(pair, "pair", owner, validate)
    out = _remote_cnot_dense(_CHOI, pr, 0, 1, g, q)
    return _gate_figures(np.real(np.einsum("...ij,ji->...", out, _choi_target())))


def remote_cnot_error_distribution(coeffs: ArrayLike | BellDiagonal, *, gate_error: float = ZERO,
                                   readout_error: float = ZERO, validate: bool = True, **deprecated) -> np.ndarray:
    """Pauli-error distribution on (a, b) after the remote CNOT with a Bell-diagonal pair.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4), or BellDiagonal
        Bell coefficients of the pair (BELL_NAMES order).
    gate_error, readout_error, **deprecated
        As in :func:`remote_cnot`.
    validate : bool, default True
        Check coefficient arrays (a BellDiagonal is already checked).

    Returns
    -------
    numpy.ndarray, shape (..., 16), float64
        Index ``e = 8 x_a + 4 z_a + 2 x_b + z_b`` for the error ``X_a^x_a Z_a^z_a X_b^x_b Z_b^z_b``
        applied after the ideal CNOT (see the module notes for the derivation).

    Examples
    --------
    >>> remote_cnot_error_distribution([0.9, 0.1, 0.0, 0.0])[[0, 4]].round(6).tolist()   # phi- -> Z_a
    [0.9, 0.1]
    """
    owner = "remote_cnot_error_distribution"
    if deprecated:
        gate_error, readout_error = renamed_errors(owner, deprecated, gate_error, readout_error)
    validate = validate_mode(validate, owner)
    if not isinstance(coeffs, BellDiagonal):
        numbers_only(coeffs, "coeffs", owner, "an array of real Bell coefficients, shape (..., 4), or a BellDiagonal")
    c = _as_coeffs(coeffs, "coeffs", owner, validate)
    g, q = _params(owner, gate_error, readout_error)
    return _error_distribution(c, g, q)


# --------------------------------------------------------------------------- deprecated names
@deprecated_alias("bd_remote_cnot", "remote_cnot(state, BellDiagonal(coeffs), ...)")
def bd_remote_cnot(state: ArrayLike | BellDiagonal, coeffs: ArrayLike | BellDiagonal, *, control: int = 0,
                   target: int = 1, gate_error: float = 0.0, readout_error: float = 0.0,
                   validate: bool = True) -> RemoteGateResult:
    """Deprecated alias of :func:`remote_cnot` on coefficient arrays; warns, goes away in the next release.

    Parameters
    ----------
    state : array_like, shape (..., 2**n, 2**n)
        Register, as in :func:`remote_cnot`.
    coeffs : array_like, shape (..., 4)
        Bell coefficients of the pair: ``remote_cnot(state, BellDiagonal(coeffs))``.
    control, target, gate_error, readout_error, validate
        As in :func:`remote_cnot` (``p2`` and ``eta`` are accepted, with a warning).

    Returns
    -------
    RemoteGateResult

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     r = bd_remote_cnot(np.diag([0.0, 0, 1, 0]), [0.9, 0.1, 0.0, 0.0])
    >>> round(r.fidelity, 6)
    1.0
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    c = BellDiagonal._trusted(_as_coeffs(coeffs, "coeffs", "bd_remote_cnot", validate))
    return remote_cnot(state, c, control=control, target=target, gate_error=gate_error,
                       readout_error=readout_error, validate=validate)


@deprecated_alias("bd_remote_cnot_fidelity", "remote_cnot_fidelity(BellDiagonal(coeffs), ...)")
def bd_remote_cnot_fidelity(coeffs: ArrayLike | BellDiagonal, *, gate_error: float = 0.0, readout_error: float = 0.0,
                            validate: bool = True) -> RemoteGateFidelity:
    """Deprecated alias of :func:`remote_cnot_fidelity` on coefficient arrays; warns, goes away in the next release.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)
        Bell coefficients of the pair: ``remote_cnot_fidelity(BellDiagonal(coeffs))``.
    gate_error, readout_error
        As in :func:`remote_cnot_fidelity` (``p2`` and ``eta`` are accepted, with a warning).
    validate : bool, default True
        Check the coefficients.

    Returns
    -------
    RemoteGateFidelity

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     r = bd_remote_cnot_fidelity([0.9, 0.1 / 3, 0.1 / 3, 0.1 / 3])
    >>> round(r.average_gate_fidelity, 6)
    0.92
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    c = BellDiagonal._trusted(_as_coeffs(coeffs, "coeffs", "bd_remote_cnot_fidelity", validate))
    return remote_cnot_fidelity(c, gate_error=gate_error, readout_error=readout_error)
