"""Remote CNOT between two nodes with one shared pair and two classical bits.

Protocol of Eisert, Jacobs, Papadopoulos, Plenio, PRA 62, 052317 (2000), Fig. 1: Alice holds
the control qubit a and qubit A' of the shared pair (A', B'); Bob holds the target b and B'.

1. Alice: CNOT(a -> A'), measures A' in Z (bit m1), sends m1 to Bob.
2. Bob: X^m1 on B' (now B' copies a in the Z basis), CNOT(B' -> b), measures B' in X (bit
   m2), sends m2 to Alice.
3. Alice: Z^m2 on a.

With ``|phi+>`` as the pair this implements CNOT(a -> b) on any joint input state.

Noise: each of the two local CNOTs is followed by two-qubit depolarizing ``p2`` on its qubits;
each measured bit is misread with probability ``eta`` (a bit flip before the Z measurement of
A', a phase flip before the X measurement of B').

Bell-diagonal fast path. All gates are Clifford and all noise is Pauli, so for a
Bell-diagonal pair the protocol is the ideal CNOT followed by a two-qubit Pauli channel on
(a, b). Tracking Pauli frames through the circuit, a pair error ``X^x Z^z`` on B' becomes
``Z_a^z X_b^x``; the first CNOT's depolarizing error gives uniform ``(x_a, z_a, x_b)`` bits,
the second uniform ``(z_a, x_b, z_b)`` bits; a misread m1 gives ``X_b`` and a misread m2 gives
``Z_a``. Hence the process fidelity to CNOT is the no-error probability, ``F`` for a perfect
circuit and a pair of fidelity F, and the average gate fidelity is ``(4 F_pro + 1)/5``
(Horodecki et al. 1999; Nielsen 2002 with d = 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import channels
from qnet_core import measure, permute_qubits, tensor
from qnet_core.errors import DimensionError
from qnet_core.gates import CNOT, I2, X, Z
from qnet_core.ops import OperationSequence
from qnet_core.validation import as_density_matrix, check_probability

from .swapping import _as_coeffs, _as_pair, _scalar, _state_fidelity

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


@dataclass(frozen=True, slots=True)
class RemoteGateResult:
    """Output of a remote gate.

    Attributes
    ----------
    state : numpy.ndarray, shape (..., 2**n, 2**n)
        Output state of the register that held (a, b).
    fidelity : float or numpy.ndarray, shape (...)
        Squared Uhlmann fidelity of ``state`` to the ideal CNOT's output.
    """

    state: np.ndarray
    fidelity: float | np.ndarray

    def to_dict(self) -> dict:
        st = np.asarray(self.state)
        return {"fidelity": np.asarray(self.fidelity).tolist(), "state_real": st.real.tolist(),
                "state_imag": st.imag.tolist()}


@dataclass(frozen=True, slots=True)
class RemoteGateFidelity:
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

    def to_dict(self) -> dict:
        return {"process_fidelity": np.asarray(self.process_fidelity).tolist(),
                "average_gate_fidelity": np.asarray(self.average_gate_fidelity).tolist()}


# --------------------------------------------------------------------------- dense path
@lru_cache(maxsize=64)
def _stage_sequences(n: int, a: int, b: int, p2: float, eta: float):
    """Compiled stages on a register (..., a, b, B', A') with A' = n-1, B' = n-2."""
    bp, ap = n - 2, n - 1
    s1 = [(CNOT[None], (a, ap))]
    if p2 > 0.0:
        s1.append((channels.depolarizing(p2, num_qubits=2).kraus, (a, ap)))
    if eta > 0.0:
        s1.append((channels.bit_flip(eta).kraus, (ap,)))
    fix1 = OperationSequence(n - 1, [(X[None], (bp,))], validate=False)
    s2 = [(CNOT[None], (bp, b))]
    if p2 > 0.0:
        s2.append((channels.depolarizing(p2, num_qubits=2).kraus, (bp, b)))
    if eta > 0.0:
        s2.append((channels.phase_flip(eta).kraus, (bp,)))
    fix2 = OperationSequence(n - 2, [(Z[None], (a,))], validate=False)
    return (OperationSequence(n, s1, validate=False), fix1, OperationSequence(n - 1, s2, validate=False), fix2)


def _remote_cnot_dense(rho: np.ndarray, pair: np.ndarray, a: int, b: int, p2: float, eta: float) -> np.ndarray:
    """Run the protocol on register ``rho`` (control a, target b) with ``pair`` on (A', B')."""
    n = int(rho.shape[-1]).bit_length() - 1 + 2
    full = tensor(rho, permute_qubits(pair, [1, 0], validate=False))  # (..., B', A')
    st1, fix1, st2, fix2 = _stage_sequences(n, a, b, p2, eta)
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
    return OperationSequence(n, [(CNOT[None], (a, b))], validate=False).apply(rho, validate=False)


def _check_register(state, owner: str, control: int, target: int, validate: bool):
    arr, n = as_density_matrix(state, name="state", owner=owner, validate=validate)
    if n < 2:
        raise DimensionError(f"{owner}(): state has {n} qubit(s); the control and target need at least two")
    for nm, q in (("control", control), ("target", target)):
        if isinstance(q, bool) or not isinstance(q, (int, np.integer)) or not 0 <= q < n:
            raise DimensionError(f"{owner}(): {nm}={q!r} is not a qubit of the {n}-qubit state (0..{n - 1})")
    if control == target:
        raise DimensionError(f"{owner}(): control and target are both qubit {control}; they must differ")
    return arr, n


def remote_cnot(state, pair, *, control: int = 0, target: int = 1, p2: float = 0.0, eta: float = 0.0,
                validate: bool = True) -> RemoteGateResult:
    """Apply CNOT(control -> target) between two nodes using the shared ``pair`` (dense path).

    Parameters
    ----------
    state : array_like, shape (..., 2**n, 2**n)
        Register holding Alice's control and Bob's target (other qubits are spectators, e.g.
        references); n >= 2.
    pair : array_like, shape (..., 4, 4)
        Shared pair (A', B'), Alice's qubit first.
    control, target : int, default 0 and 1
        Qubit indices of a and b in ``state``.
    p2 : float, default 0
        Two-qubit depolarizing probability after each local CNOT.
    eta : float, default 0
        Probability that each measured bit is misread.

    Returns
    -------
    RemoteGateResult
        Output register and its fidelity to ``CNOT state CNOT^dag``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = remote_cnot(qc.basis_state("10"), qc.bell_state("phi+"))
    >>> round(float(r.state[3, 3].real), 12)     # |10> -> |11>
    1.0
    """
    owner = "remote_cnot"
    arr, n = _check_register(state, owner, control, target, validate)
    pr = _as_pair(pair, "pair", owner, validate)
    p2 = check_probability(p2, "p2", owner)
    eta = check_probability(eta, "eta", owner)
    out = _remote_cnot_dense(arr, pr, int(control), int(target), p2, eta)
    ideal = _ideal_cnot(arr, int(control), int(target))
    return RemoteGateResult(state=out, fidelity=_state_fidelity(out, ideal))


def _choi_input() -> np.ndarray:
    """``|Phi><Phi|`` on (a, b, R1, R2), maximally entangled between (a, b) and (R1, R2)."""
    v = np.zeros(16, dtype=np.complex128)
    for i in range(4):
        v[i * 4 + i] = 0.5
    return np.outer(v, v.conj())


def remote_cnot_fidelity(pair, *, p2: float = 0.0, eta: float = 0.0, validate: bool = True) -> RemoteGateFidelity:
    """Process and average gate fidelity of the remote CNOT with ``pair`` (dense, exact).

    Runs the protocol on (a, b) maximally entangled with two reference qubits (a 6-qubit
    register) and compares with ``(CNOT (x) I)|Phi>``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(remote_cnot_fidelity(qc.werner(0.9)).process_fidelity, 6)
    0.9
    """
    owner = "remote_cnot_fidelity"
    pr = _as_pair(pair, "pair", owner, validate)
    p2 = check_probability(p2, "p2", owner)
    eta = check_probability(eta, "eta", owner)
    phi = _choi_input()
    out = _remote_cnot_dense(phi, pr, 0, 1, p2, eta)
    target = _ideal_cnot(phi, 0, 1)
    fp = np.real(np.einsum("...ij,ji->...", out, target))
    return RemoteGateFidelity(process_fidelity=_scalar(fp), average_gate_fidelity=_scalar((4.0 * fp + 1.0) / 5.0))


# --------------------------------------------------------------------------- Bell-diagonal path
def _xor_conv16(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    out = np.zeros(np.broadcast_shapes(p.shape, q.shape))
    for i in range(16):
        for j in range(16):
            out[..., i ^ j] += p[..., i] * q[..., j]
    return out


def remote_cnot_error_distribution(coeffs, *, p2: float = 0.0, eta: float = 0.0, validate: bool = True) -> np.ndarray:
    """Pauli-error distribution ``(..., 16)`` on (a, b) after the remote CNOT with a Bell-diagonal pair.

    Index ``e = 8 x_a + 4 z_a + 2 x_b + z_b`` for the error ``X_a^x_a Z_a^z_a X_b^x_b Z_b^z_b``
    applied after the ideal CNOT (see the module notes for the derivation).

    Examples
    --------
    >>> remote_cnot_error_distribution([0.9, 0.1, 0.0, 0.0])[[0, 4]].round(6).tolist()   # phi- -> Z_a
    [0.9, 0.1]
    """
    owner = "remote_cnot_error_distribution"
    c = _as_coeffs(coeffs, "coeffs", owner, validate)
    p2 = check_probability(p2, "p2", owner)
    eta = check_probability(eta, "eta", owner)
    dist = np.zeros(c.shape[:-1] + (16,))
    for k in range(4):
        x, z = k >> 1, k & 1
        dist[..., 4 * z + 2 * x] += c[..., k]  # pair X -> X_b, pair Z -> Z_a
    # first CNOT's depolarizing: uniform over (x_a, z_a, x_b)
    d1 = np.zeros(16)
    d1[[e for e in range(16) if not e & 1]] = 1.0 / 8.0
    # second CNOT's depolarizing: uniform over (z_a, x_b, z_b)
    d2 = np.zeros(16)
    d2[[e for e in range(16) if not e & 8]] = 1.0 / 8.0
    ident = np.eye(16)[0]
    steps = [(1.0 - p2) * ident + p2 * d1, (1.0 - p2) * ident + p2 * d2]
    steps.append((1.0 - eta) * ident + eta * np.eye(16)[2])  # misread m1 -> X_b
    steps.append((1.0 - eta) * ident + eta * np.eye(16)[4])  # misread m2 -> Z_a
    for s in steps:
        dist = _xor_conv16(dist, s)
    return dist


def bd_remote_cnot(state, coeffs, *, control: int = 0, target: int = 1, p2: float = 0.0, eta: float = 0.0,
                   validate: bool = True) -> RemoteGateResult:
    """Remote CNOT with a Bell-diagonal pair ``coeffs (..., 4)``: ideal CNOT then the Pauli channel.

    Exact for Bell-diagonal pairs (agrees with :func:`remote_cnot`); parameters as there.

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(bd_remote_cnot(qc.basis_state("10"), [0.9, 0.1, 0.0, 0.0]).fidelity, 6)
    1.0
    """
    owner = "bd_remote_cnot"
    arr, n = _check_register(state, owner, control, target, validate)
    dist = remote_cnot_error_distribution(coeffs, p2=p2, eta=eta, validate=validate)
    ideal = _ideal_cnot(arr, int(control), int(target))
    # Pauli channel on (control, target): out = sum_e dist_e P_e ideal P_e
    out = np.zeros(np.broadcast_shapes(arr.shape[:-2], dist.shape[:-1]) + arr.shape[-2:], dtype=np.complex128)
    for e in range(16):
        if not np.any(dist[..., e] > 0):
            continue
        seq = OperationSequence(n, [(_PAULI_AB[e][None], (int(control), int(target)))], validate=False)
        out = out + dist[..., e][..., None, None] * seq.apply(ideal, validate=False)
    return RemoteGateResult(state=out, fidelity=_state_fidelity(out, ideal))


def bd_remote_cnot_fidelity(coeffs, *, p2: float = 0.0, eta: float = 0.0, validate: bool = True) -> RemoteGateFidelity:
    """Process fidelity (no-error probability) and average gate fidelity for a Bell-diagonal pair.

    Examples
    --------
    >>> round(bd_remote_cnot_fidelity([0.9, 0.1 / 3, 0.1 / 3, 0.1 / 3]).average_gate_fidelity, 6)
    0.92
    """
    dist = remote_cnot_error_distribution(coeffs, p2=p2, eta=eta, validate=validate)
    fp = dist[..., 0]
    return RemoteGateFidelity(process_fidelity=_scalar(fp), average_gate_fidelity=_scalar((4.0 * fp + 1.0) / 5.0))
