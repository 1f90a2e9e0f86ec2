"""Quantum teleportation through a given two-qubit resource, with noisy operations.

Alice holds the input qubit S and qubit A of the resource pair (A, B); Bob holds B. Alice
makes a Bell-state measurement on (S, A) with outcome ``k = 2x + z`` (BELL_NAMES order),
sends the two bits to Bob, who applies ``X^x Z^z`` on B (Bennett et al., PRL 70, 1895 (1993)).
With ``|phi+>`` as resource the output equals the input for every outcome.

Noise options: ``p2`` (two-qubit depolarizing error of the BSM's CNOT on (S, A)) and ``eta``
(each measured bit misread), exactly as in :mod:`protocols.swapping`; and the decoherence of
Bob's qubit while the two bits travel ``distance_km`` of fiber: a delay
``t = distance_km * n / c`` (:attr:`channels.Fiber.delay_s`) of :func:`channels.memory`
(T1, T2) on B before the correction. The memory acts on B only and so commutes with the BSM.

Figures of merit, exact (no sampling): for an ideal-BSM protocol the map
``psi -> output`` is a qubit channel E, and its Haar-averaged fidelity is
``F_avg = (2 F_e + 1) / 3`` with ``F_e = <phi+|(I (x) E)(|phi+><phi+|)|phi+>`` the entanglement
fidelity (Horodecki, Horodecki, Horodecki, PRA 60, 1888 (1999); Nielsen, Phys. Lett. A 303,
249 (2002), eq. (2) with d = 2). ``F_e`` is computed by teleporting one half of ``|phi+>``
(:func:`teleport_entangled`). For a Werner resource of fidelity F and no other noise,
``F_e = F`` and ``F_avg = (2F + 1)/3``.

Bell-diagonal fast path: with a Bell-diagonal resource ``c`` every BSM outcome has
probability 1/4 and the teleportation channel is ``T(M) o P``, where P is the Pauli channel
with probabilities ``c`` (after the BSM noise) and ``T(M)`` the Pauli twirl of the memory
channel (the correction conjugates M by the outcome's Pauli, and the outcomes are uniform).
:func:`bd_teleport` and :func:`bd_teleportation_fidelity` use this and agree with the dense
path (tested), including amplitude damping (finite T1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import channels
from qnet_core import bd_swap, tensor
from qnet_core.states import bell_state
from qnet_core.validation import check_nonnegative, check_probability

from .swapping import (PAULI_CORRECTIONS, _as_coeffs, _as_pair, _as_qubit, _average_branches, _bsm_branches,
                       _correct_branches, _scalar, _state_fidelity, measurement_error_distribution)

__all__ = [
    "TeleportationResult",
    "TeleportationFidelity",
    "classical_delay_s",
    "teleport",
    "teleport_entangled",
    "teleportation_fidelity",
    "bd_teleport",
    "bd_teleportation_fidelity",
]

_ALL = np.array([True, True, True, True])


@dataclass(frozen=True, slots=True)
class TeleportationResult:
    """Output of a teleportation.

    Attributes
    ----------
    state : numpy.ndarray, shape (..., 2, 2) or (..., 4, 4)
        Bob's corrected qubit (or the (R, B) pair for :func:`teleport_entangled`).
    fidelity : float or numpy.ndarray, shape (...)
        Squared Uhlmann fidelity of ``state`` to the input (the entanglement fidelity for a
        pure entangled input).
    probabilities : numpy.ndarray, shape (..., 4)
        BSM outcome probabilities in BELL_NAMES order.
    delay_s : float
        Time Bob's qubit waited for the classical bits (s).
    """

    state: np.ndarray
    fidelity: float | np.ndarray
    probabilities: np.ndarray
    delay_s: float

    def to_dict(self) -> dict:
        st = np.asarray(self.state)
        return {"fidelity": np.asarray(self.fidelity).tolist(),
                "probabilities": np.asarray(self.probabilities).tolist(),
                "delay_s": self.delay_s, "state_real": st.real.tolist(), "state_imag": st.imag.tolist()}


@dataclass(frozen=True, slots=True)
class TeleportationFidelity:
    """Exact figures of merit of a teleportation channel.

    Attributes
    ----------
    entanglement_fidelity : float or numpy.ndarray, shape (...)
        ``F_e``: fidelity of ``|phi+>`` after teleporting one half.
    average_fidelity : float or numpy.ndarray, shape (...)
        Haar average of ``<psi|E(psi)|psi>``, ``(2 F_e + 1)/3``.
    delay_s : float
        Classical-communication delay used for the memory noise (s).
    """

    entanglement_fidelity: float | np.ndarray
    average_fidelity: float | np.ndarray
    delay_s: float

    def to_dict(self) -> dict:
        return {"entanglement_fidelity": np.asarray(self.entanglement_fidelity).tolist(),
                "average_fidelity": np.asarray(self.average_fidelity).tolist(), "delay_s": self.delay_s}


def classical_delay_s(distance_km: float, refractive_index: float = 1.44) -> float:
    """One-way delay (s) of classical bits over ``distance_km`` of fiber (``L n / c``).

    Examples
    --------
    >>> round(classical_delay_s(100.0) * 1e6, 3)   # microseconds
    480.332
    """
    return channels.Fiber(distance_km, refractive_index=refractive_index).delay_s


def _memory(owner: str, distance_km, t1_s, t2_s, refractive_index):
    """(delay_s, memory Channel or None) for the classical-communication wait."""
    check_nonnegative(distance_km, "distance_km", owner)
    t = classical_delay_s(distance_km, refractive_index)
    # memory() validates t1_s, t2_s (and T2 <= 2 T1) with its own message
    ch = channels.memory(t, t1_s=t1_s, t2_s=t2_s)
    if t == 0.0 or (math.isinf(float(t1_s)) and (t2_s is None or math.isinf(float(t2_s)))):
        return t, None
    return t, ch


def _teleport_dense(full: np.ndarray, s: int, a: int, b: int, p2: float, eta: float, mem):
    extra = [] if mem is None else [(mem.kraus, (b,))]
    probs, branches = _bsm_branches(full, s, a, p2, eta, extra)
    # measured qubits removed: Bob's qubit is now at index b - 2
    branches = _correct_branches(branches, b - 2)
    state, _ = _average_branches(probs, branches, _ALL)
    state = 0.5 * (state + np.conj(np.swapaxes(state, -1, -2)))
    return state, probs


def _params(owner, p2, eta):
    return check_probability(p2, "p2", owner), check_probability(eta, "eta", owner)


def teleport(psi, resource, *, p2: float = 0.0, eta: float = 0.0, distance_km: float = 0.0,
             t1_s: float = math.inf, t2_s: float | None = None, refractive_index: float = 1.44,
             validate: bool = True) -> TeleportationResult:
    """Teleport a single-qubit state through a two-qubit resource.

    Parameters
    ----------
    psi : array_like, shape (..., 2, 2) or (2,)
        Input state (density matrix batch, or one ket).
    resource : array_like, shape (..., 4, 4)
        Shared pair (A, B), Alice's qubit first; batch axes broadcast with ``psi``.
    p2 : float, default 0
        Two-qubit depolarizing probability of the BSM's CNOT, in [0, 1].
    eta : float, default 0
        Probability that each measured bit is misread, in [0, 1].
    distance_km : float, default 0
        Fiber distance the two classical bits travel (km); Bob's qubit waits the delay.
    t1_s : float, default inf
    t2_s : float or None, default None
        T1 and T2 (s) of Bob's memory (:func:`channels.memory`; T2 None means 2 T1).
    refractive_index : float, default 1.44
        Group index of the classical fiber.

    Returns
    -------
    TeleportationResult
        ``state`` (..., 2, 2) and its fidelity to ``psi``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = teleport([1, 0], qc.werner(0.85))
    >>> round(r.fidelity, 6)
    0.9
    """
    owner = "teleport"
    x = _as_qubit(psi, "psi", owner, validate)
    res = _as_pair(resource, "resource", owner, validate)
    p2, eta = _params(owner, p2, eta)
    delay, mem = _memory(owner, distance_km, t1_s, t2_s, refractive_index)
    state, probs = _teleport_dense(tensor(x, res), 0, 1, 2, p2, eta, mem)
    return TeleportationResult(state=state, fidelity=_state_fidelity(state, x), probabilities=probs,
                               delay_s=delay)


def teleport_entangled(state, resource, *, p2: float = 0.0, eta: float = 0.0, distance_km: float = 0.0,
                       t1_s: float = math.inf, t2_s: float | None = None, refractive_index: float = 1.44,
                       validate: bool = True) -> TeleportationResult:
    """Teleport qubit 1 of a two-qubit state (R, S); returns the (R, B) state.

    The fidelity of the output to a pure entangled input is the entanglement fidelity of the
    teleportation channel for that input (for ``|phi+>``: ``F_e``).

    Parameters
    ----------
    state : array_like, shape (..., 4, 4)
        Input pair (R, S); S (qubit 1) is teleported, R stays.
    resource : array_like, shape (..., 4, 4)
    p2, eta, distance_km, t1_s, t2_s, refractive_index
        As in :func:`teleport`.

    Returns
    -------
    TeleportationResult
        ``state`` (..., 4, 4) on (R, B).

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = teleport_entangled(qc.bell_state("phi+"), qc.werner(0.85))
    >>> round(r.fidelity, 6)
    0.85
    """
    owner = "teleport_entangled"
    x = _as_pair(state, "state", owner, validate)
    res = _as_pair(resource, "resource", owner, validate)
    p2, eta = _params(owner, p2, eta)
    delay, mem = _memory(owner, distance_km, t1_s, t2_s, refractive_index)
    out, probs = _teleport_dense(tensor(x, res), 1, 2, 3, p2, eta, mem)
    return TeleportationResult(state=out, fidelity=_state_fidelity(out, x), probabilities=probs,
                               delay_s=delay)


def teleportation_fidelity(resource, *, p2: float = 0.0, eta: float = 0.0, distance_km: float = 0.0,
                           t1_s: float = math.inf, t2_s: float | None = None, refractive_index: float = 1.44,
                           validate: bool = True) -> TeleportationFidelity:
    """Exact entanglement fidelity and Haar-averaged fidelity of teleportation through ``resource``.

    ``F_avg = (2 F_e + 1)/3`` (Horodecki et al. 1999; Nielsen 2002), with ``F_e`` from
    teleporting half of ``|phi+>`` on the dense engine; no sampling.

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(teleportation_fidelity(qc.werner(0.85)).average_fidelity, 6)   # (2F + 1)/3
    0.9
    """
    owner = "teleportation_fidelity"
    res = _as_pair(resource, "resource", owner, validate)
    p2, eta = _params(owner, p2, eta)
    delay, mem = _memory(owner, distance_km, t1_s, t2_s, refractive_index)
    phi = bell_state("phi+")
    out, _ = _teleport_dense(tensor(phi, res), 1, 2, 3, p2, eta, mem)
    fe = np.real(out[..., 0, 0] + out[..., 3, 3] + out[..., 0, 3] + out[..., 3, 0]) / 2.0
    return TeleportationFidelity(entanglement_fidelity=_scalar(fe), average_fidelity=_scalar((2.0 * fe + 1.0) / 3.0),
                                 delay_s=delay)


# --------------------------------------------------------------------------- Bell-diagonal path
def _pauli_twirl_probs(mem) -> np.ndarray:
    """Pauli-twirl probabilities of a qubit channel in Bell-index order (I, Z, X, XZ)."""
    if mem is None:
        return np.array([1.0, 0.0, 0.0, 0.0])
    K = mem.kraus
    p = np.array([np.sum(np.abs(np.einsum("ij,kji->k", P.conj().T, K)) ** 2) / 4.0 for P in PAULI_CORRECTIONS])
    return p / p.sum()


def _bd_effective(c: np.ndarray, p2: float, eta: float, mem) -> np.ndarray:
    """Pauli-error probabilities (Bell-index order) of the teleportation channel."""
    q = (1.0 - p2) * c + p2 / 4.0
    if eta > 0.0:
        q = bd_swap(q, measurement_error_distribution(eta), validate=False)
    if mem is not None:
        q = bd_swap(q, _pauli_twirl_probs(mem), validate=False)
    return q


def bd_teleport(psi, coeffs, *, p2: float = 0.0, eta: float = 0.0, distance_km: float = 0.0,
                t1_s: float = math.inf, t2_s: float | None = None, refractive_index: float = 1.44,
                validate: bool = True) -> TeleportationResult:
    """Teleport through a Bell-diagonal resource given by its coefficients ``(..., 4)`` (fast path).

    The output is ``sum_k q_k P_k psi P_k`` with ``P_k = X^x Z^z`` and ``q`` the resource
    coefficients combined with the BSM noise and the Pauli-twirled memory channel (exact, see
    the module notes). Parameters as in :func:`teleport`.

    Examples
    --------
    >>> r = bd_teleport([1, 0], [0.85, 0.05, 0.05, 0.05])
    >>> round(r.fidelity, 6)
    0.9
    """
    owner = "bd_teleport"
    x = _as_qubit(psi, "psi", owner, validate)
    c = _as_coeffs(coeffs, "coeffs", owner, validate)
    p2, eta = _params(owner, p2, eta)
    delay, mem = _memory(owner, distance_km, t1_s, t2_s, refractive_index)
    q = _bd_effective(c, p2, eta, mem)
    P = PAULI_CORRECTIONS
    out = np.einsum("...k,kij,...jl,kml->...im", q.astype(np.complex128), P, x, P.conj())
    batch = np.broadcast_shapes(x.shape[:-2], c.shape[:-1])
    probs = np.full(batch + (4,), 0.25)
    return TeleportationResult(state=out, fidelity=_state_fidelity(out, x), probabilities=probs,
                               delay_s=delay)


def bd_teleportation_fidelity(coeffs, *, p2: float = 0.0, eta: float = 0.0, distance_km: float = 0.0,
                              t1_s: float = math.inf, t2_s: float | None = None, refractive_index: float = 1.44,
                              validate: bool = True) -> TeleportationFidelity:
    """Exact ``F_e`` and ``F_avg`` for a Bell-diagonal resource ``(..., 4)`` (fast path).

    ``F_e = q_0``, the no-error probability of the effective Pauli channel.

    Examples
    --------
    >>> round(bd_teleportation_fidelity([0.85, 0.05, 0.05, 0.05]).average_fidelity, 6)
    0.9
    """
    owner = "bd_teleportation_fidelity"
    c = _as_coeffs(coeffs, "coeffs", owner, validate)
    p2, eta = _params(owner, p2, eta)
    delay, mem = _memory(owner, distance_km, t1_s, t2_s, refractive_index)
    fe = _bd_effective(c, p2, eta, mem)[..., 0]
    return TeleportationFidelity(entanglement_fidelity=_scalar(fe), average_fidelity=_scalar((2.0 * fe + 1.0) / 3.0),
                                 delay_s=delay)
