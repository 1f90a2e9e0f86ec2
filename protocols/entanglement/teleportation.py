"""Quantum teleportation through a given two-qubit resource, with noisy operations.

Alice holds the input qubit S and qubit A of the resource pair (A, B); Bob holds B. Alice
makes a Bell-state measurement on (S, A) with outcome ``k = 2x + z`` (BELL_NAMES order),
sends the two bits to Bob, who applies ``X^x Z^z`` on B (Bennett et al., PRL 70, 1895 (1993)).
With ``|phi+>`` as resource the output equals the input for every outcome.

Noise options: ``gate_error`` (two-qubit depolarizing error of the BSM's CNOT on (S, A)) and
``readout_error`` (each measured bit misread), exactly as in :mod:`protocols.entanglement.swapping`;
and the decoherence of Bob's qubit while the two bits travel ``distance_km`` of fiber: a delay
``t = distance_km * n / c`` (:attr:`channels.Fiber.delay_s`) of :func:`channels.memory`
(T1, T2) on B before the correction. The memory acts on B only and so commutes with the BSM.

Teleportation is entanglement swapping with the input as one half of the first pair: the
dense path runs the compiled swap primitive of :mod:`qnet_core._pair` on the pair
``|0><0| (x) psi`` (a spectator in ``|0>``, so the branch probabilities are the BSM's) and the
resource with Bob's memory applied; :func:`teleport_entangled` swaps the given pair directly.

Figures of merit, exact (no sampling): for an ideal-BSM protocol the map
``psi -> output`` is a qubit channel E, and its Haar-averaged fidelity is
``F_avg = (2 F_e + 1) / 3`` with ``F_e = <phi+|(I (x) E)(|phi+><phi+|)|phi+>`` the entanglement
fidelity (Horodecki, Horodecki, Horodecki, PRA 60, 1888 (1999); Nielsen, Phys. Lett. A 303,
249 (2002), eq. (2) with d = 2). ``F_e`` is computed by teleporting one half of ``|phi+>``
(:func:`teleport_entangled`). For a Werner resource of fidelity F and no other noise,
``F_e = F`` and ``F_avg = (2F + 1)/3``.

Bell-diagonal resources (:class:`qnet_core.BellDiagonal`): every BSM outcome has probability
1/4 and the teleportation channel is ``T(M) o P``, where P is the Pauli channel with
probabilities ``c`` (after the BSM noise: the Bell-diagonal swap of ``|phi+>`` with ``c``) and
``T(M)`` the Pauli twirl of the memory channel (the correction conjugates M by the outcome's
Pauli, and the outcomes are uniform). This agrees with the dense path (tested), including
amplitude damping (finite T1). The keywords ``p2`` and ``eta`` of earlier releases still work,
with a DeprecationWarning; ``bd_teleport`` and ``bd_teleportation_fidelity`` are deprecated
aliases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

import channels
from qnet_core import _pair
from qnet_core._pair import _teleport_pair_4x4, _teleport_pair_batch, _teleport_qubit_4x4, _teleport_qubit_batch
from qnet_core.bell_diagonal import _xor_convolve
from qnet_core.bell_diagonal import BellDiagonal
from qnet_core.states import bell_state
from qnet_core.validation import check_nonnegative

from .._common import (PHI_PLUS_COEFFS, ZERO, Result, _as_coeffs, _as_pair, _as_qubit,
                       _fidelity_phi_plus, _flat_pairs, _probability, _scalar, _state_fidelity,
                       bind_on_first_call, deprecated_alias, fast_constructor, renamed_errors)

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

bind_on_first_call(globals(), "_teleport_pair_4x4", "_teleport_pair_batch", "_teleport_qubit_4x4",
                   "_teleport_qubit_batch")

_PHI_PLUS = bell_state("phi+")
_PHI_PLUS.setflags(write=False)
_UNIFORM = np.full(4, 0.25)
_UNIFORM.setflags(write=False)


@dataclass(frozen=True, slots=True, repr=False)
class TeleportationResult(Result):
    """Output of a teleportation.

    Attributes
    ----------
    state : numpy.ndarray, shape (..., 2, 2) or (..., 4, 4)
        Bob's corrected qubit (or the (R, B) pair for :func:`teleport_entangled`), complex128.
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


@dataclass(frozen=True, slots=True, repr=False)
class TeleportationFidelity(Result):
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


def classical_delay_s(distance_km: float, refractive_index: float = 1.44) -> float:
    """One-way delay (s) of classical bits over ``distance_km`` of fiber (``L n / c``).

    Parameters
    ----------
    distance_km : float
        Fiber length, km (>= 0).
    refractive_index : float, default 1.44
        Group index of the fiber (>= 1).

    Returns
    -------
    float
        The delay in seconds.

    Examples
    --------
    >>> round(classical_delay_s(100.0) * 1e6, 3)   # microseconds
    480.332
    """
    return channels.Fiber(distance_km, refractive_index=refractive_index).delay_s


_new_teleportation_result = fast_constructor(TeleportationResult)


class _Memory:
    """Bob's memory during the classical delay: ``delay_s``, amplitude damping ``gamma``, coherence factor ``coh``."""

    __slots__ = ("delay_s", "gamma", "coh")

    def __init__(self, delay_s: float, gamma: float, coh: float):
        self.delay_s, self.gamma, self.coh = delay_s, gamma, coh


_NO_MEMORY = _Memory(0.0, 0.0, 1.0)


def _memory(owner: str, distance_km, t1_s, t2_s, refractive_index) -> _Memory:
    """The memory of the classical-communication wait (checks the parameters)."""
    if (type(distance_km) is float and distance_km == 0.0 and t2_s is None and type(t1_s) is float
            and t1_s == math.inf and type(refractive_index) is float and refractive_index == 1.44):
        return _NO_MEMORY  # the defaults: no wait
    check_nonnegative(distance_km, "distance_km", owner)
    t = classical_delay_s(distance_km, refractive_index)
    # memory_parameters() checks t1_s, t2_s (and T2 <= 2 T1) with the messages of channels.memory
    gamma, p_z = channels.memory_parameters(t, t1_s=t1_s, t2_s=t2_s)
    return _Memory(t, gamma, math.sqrt(1.0 - gamma) * (1.0 - 2.0 * p_z))


def _params(owner: str, gate_error, readout_error) -> tuple[float, float]:
    return (0.0 if gate_error is ZERO else _probability(gate_error, "gate_error", owner),
            0.0 if readout_error is ZERO else _probability(readout_error, "readout_error", owner))


# --------------------------------------------------------------------------- dense paths
def _teleport(x: np.ndarray, res: np.ndarray, g: float, q: float, mem: _Memory) -> TeleportationResult:
    """Teleport validated qubit states ``x`` (..., 2, 2) through pairs ``res`` (..., 4, 4)."""
    if x.ndim == 2 and res.ndim == 2:
        probs = np.empty(4)
        out = np.empty((2, 2), dtype=np.complex128)
        f = _teleport_qubit_4x4(x, res, g, q, mem.gamma, mem.coh, probs, out)
        return _new_teleportation_result(out, f, probs, mem.delay_s)
    batch = np.broadcast_shapes(x.shape[:-2], res.shape[:-2])
    xs = np.ascontiguousarray(np.broadcast_to(x, batch + (2, 2))).reshape(-1, 2, 2)
    rs = np.ascontiguousarray(np.broadcast_to(res, batch + (4, 4))).reshape(-1, 4, 4)
    n = xs.shape[0]
    probs = np.empty((n, 4))
    out = np.empty((n, 2, 2), dtype=np.complex128)
    fids = np.empty(n)
    _teleport_qubit_batch(xs, rs, g, q, mem.gamma, mem.coh, probs, out, fids)
    return TeleportationResult(out.reshape(batch + (2, 2)), _scalar(fids.reshape(batch)),
                               probs.reshape(batch + (4,)), mem.delay_s)


def _teleport_pair(x: np.ndarray, res: np.ndarray, g: float, q: float, mem: _Memory):
    """Teleport qubit 1 of pairs ``x`` through ``res``: ((R, B) states (..., 4, 4), probabilities (..., 4))."""
    if x.ndim == 2 and res.ndim == 2:
        probs = np.empty(4)
        states = np.empty((4, 4, 4), dtype=np.complex128)
        out = np.empty((4, 4), dtype=np.complex128)
        _teleport_pair_4x4(x, res, g, q, mem.gamma, mem.coh, probs, states, out)
        return out, probs
    xs, rs, batch = _flat_pairs(x, res, 2)
    probs = np.empty((xs.shape[0], 4))
    out = np.empty(xs.shape, dtype=np.complex128)
    _teleport_pair_batch(xs, rs, g, q, mem.gamma, mem.coh, probs, out)
    return out.reshape(batch + (4, 4)), probs.reshape(batch + (4,))


def _fidelity_figures(fe, delay_s: float) -> TeleportationFidelity:
    fe = _scalar(fe)
    return TeleportationFidelity(fe, _scalar((2.0 * np.asarray(fe) + 1.0) / 3.0), delay_s)


# --------------------------------------------------------------------------- Bell-diagonal paths
def _memory_twirl(mem: _Memory) -> np.ndarray:
    """Pauli-twirl probabilities (Bell-index order I, Z, X, XZ) of Bob's memory channel.

    They are the Bell coefficients of ``(I (x) M)(|phi+><phi+|)`` (its Choi state).
    """
    choi = np.array(_PHI_PLUS)
    _pair._qubit_channel_4x4(choi, 1, mem.gamma, 0.0, mem.coh)
    c = np.empty(4)
    _pair._bell_diagonal_part_4x4(choi, c)
    return c / c.sum()


def _effective_pauli(c: np.ndarray, g: float, q: float, mem: _Memory) -> np.ndarray:
    """Pauli-error probabilities ``(..., 4)`` (Bell-index order) of teleporting through coefficients ``c``."""
    flat = np.ascontiguousarray(c).reshape(-1, 4)
    eff = np.empty(flat.shape)
    _pair._swap_bd_batch(np.broadcast_to(PHI_PLUS_COEFFS, flat.shape).copy(), flat, g, q, eff)
    if mem is not _NO_MEMORY:
        eff = _xor_convolve(eff, _memory_twirl(mem))
    return eff.reshape(c.shape)


def _teleport_bd(x: np.ndarray, c: np.ndarray, g: float, q: float, mem: _Memory) -> TeleportationResult:
    """Teleport qubit states ``x`` through Bell-diagonal resources ``c`` (..., 4): a Pauli channel."""
    eff = _effective_pauli(c, g, q, mem)
    batch = np.broadcast_shapes(x.shape[:-2], c.shape[:-1])
    # sum_k eff_k P_k x P_k^dag with P = (I, Z, X, XZ): Z flips the coherences' sign, X swaps 0 <-> 1
    keep, flip = eff[..., 0] + eff[..., 1], eff[..., 2] + eff[..., 3]
    same, swap = eff[..., 0] - eff[..., 1], eff[..., 2] - eff[..., 3]
    out = np.empty(batch + (2, 2), dtype=np.complex128)
    out[..., 0, 0] = keep * x[..., 0, 0] + flip * x[..., 1, 1]
    out[..., 1, 1] = keep * x[..., 1, 1] + flip * x[..., 0, 0]
    out[..., 0, 1] = same * x[..., 0, 1] + swap * x[..., 1, 0]
    out[..., 1, 0] = same * x[..., 1, 0] + swap * x[..., 0, 1]
    probs = np.broadcast_to(_UNIFORM, batch + (4,)).copy()
    return TeleportationResult(out, _state_fidelity(out, x), probs, mem.delay_s)


# --------------------------------------------------------------------------- public functions
def teleport(psi: ArrayLike | BellDiagonal, resource: ArrayLike | BellDiagonal, *, gate_error: float = ZERO,
             readout_error: float = ZERO, distance_km: float = 0.0, t1_s: float = math.inf, t2_s: float | None = None,
             refractive_index: float = 1.44, validate: bool | str = True, **deprecated) -> TeleportationResult:
    """Teleport a single-qubit state through a two-qubit resource.

    Parameters
    ----------
    psi : array_like, shape (..., 2, 2) or (2,)
        Input state (density matrix batch, or one ket).
    resource : array_like, shape (..., 4, 4), or BellDiagonal
        Shared pair (A, B), Alice's qubit first; batch axes broadcast with ``psi``'s.
    gate_error : float, default 0
        Two-qubit depolarizing probability of the BSM's CNOT, in [0, 1].
    readout_error : float, default 0
        Probability that each measured bit is misread, in [0, 1].
    distance_km : float, default 0
        Fiber distance the two classical bits travel (km); Bob's qubit waits the delay.
    t1_s : float, default inf
    t2_s : float or None, default None
        T1 and T2 (s) of Bob's memory (:func:`channels.memory`; T2 None means 2 T1).
    refractive_index : float, default 1.44
        Group index of the classical fiber.
    validate : bool or "full", default True
        Check that the inputs are states.
    **deprecated
        ``p2`` and ``eta``, the old names of ``gate_error`` and ``readout_error`` (they warn).

    Returns
    -------
    TeleportationResult
        ``state`` complex128 (..., 2, 2) and its fidelity to ``psi``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = teleport([1, 0], qc.werner(0.85))
    >>> round(r.fidelity, 6)
    0.9
    >>> round(teleport([1, 0], qc.BellDiagonal.werner(0.85)).fidelity, 6)
    0.9
    """
    owner = "teleport"
    if deprecated:
        gate_error, readout_error = renamed_errors(owner, deprecated, gate_error, readout_error)
    g, q = _params(owner, gate_error, readout_error)
    mem = _memory(owner, distance_km, t1_s, t2_s, refractive_index)
    x = _as_qubit(psi, "psi", owner, validate)
    if isinstance(resource, BellDiagonal):
        return _teleport_bd(x, resource.coefficients, g, q, mem)
    return _teleport(x, _as_pair(resource, "resource", owner, validate), g, q, mem)


def teleport_entangled(state: ArrayLike | BellDiagonal, resource: ArrayLike | BellDiagonal, *, gate_error: float = ZERO,
                       readout_error: float = ZERO, distance_km: float = 0.0, t1_s: float = math.inf,
                       t2_s: float | None = None, refractive_index: float = 1.44, validate: bool | str = True,
                       **deprecated) -> TeleportationResult:
    """Teleport qubit 1 of a two-qubit state (R, S); returns the (R, B) state.

    The fidelity of the output to a pure entangled input is the entanglement fidelity of the
    teleportation channel for that input (for ``|phi+>``: ``F_e``).

    Parameters
    ----------
    state : array_like, shape (..., 4, 4), or BellDiagonal
        Input pair (R, S); S (qubit 1) is teleported, R stays.
    resource : array_like, shape (..., 4, 4), or BellDiagonal
        Shared pair (A, B); a BellDiagonal is converted to dense.
    gate_error, readout_error, distance_km, t1_s, t2_s, refractive_index, validate, **deprecated
        As in :func:`teleport`.

    Returns
    -------
    TeleportationResult
        ``state`` complex128 (..., 4, 4) on (R, B).

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = teleport_entangled(qc.bell_state("phi+"), qc.werner(0.85))
    >>> round(r.fidelity, 6)
    0.85
    """
    owner = "teleport_entangled"
    if deprecated:
        gate_error, readout_error = renamed_errors(owner, deprecated, gate_error, readout_error)
    g, q = _params(owner, gate_error, readout_error)
    mem = _memory(owner, distance_km, t1_s, t2_s, refractive_index)
    x = _as_pair(state, "state", owner, validate)
    res = _as_pair(resource, "resource", owner, validate)
    out, probs = _teleport_pair(x, res, g, q, mem)
    return TeleportationResult(out, _state_fidelity(out, x), probs, mem.delay_s)


def teleportation_fidelity(resource: ArrayLike | BellDiagonal, *, gate_error: float = ZERO, readout_error: float = ZERO,
                           distance_km: float = 0.0, t1_s: float = math.inf, t2_s: float | None = None,
                           refractive_index: float = 1.44, validate: bool | str = True,
                           **deprecated) -> TeleportationFidelity:
    """Exact entanglement fidelity and Haar-averaged fidelity of teleportation through ``resource``.

    Parameters
    ----------
    resource : array_like, shape (..., 4, 4), or BellDiagonal
        Shared pair (A, B), Alice's qubit first.
    gate_error, readout_error, distance_km, t1_s, t2_s, refractive_index, validate, **deprecated
        As in :func:`teleport`.

    Returns
    -------
    TeleportationFidelity
        ``F_e`` and ``F_avg = (2 F_e + 1)/3`` (floats, or arrays of the batch shape).

    Notes
    -----
    ``F_avg = (2 F_e + 1)/3`` (Horodecki et al. 1999; Nielsen 2002), with ``F_e`` from
    teleporting half of ``|phi+>``; for a BellDiagonal resource ``F_e`` is the no-error
    probability of the effective Pauli channel. No sampling.

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(teleportation_fidelity(qc.werner(0.85)).average_fidelity, 6)   # (2F + 1)/3
    0.9
    >>> round(teleportation_fidelity(qc.BellDiagonal.werner(0.85)).average_fidelity, 6)
    0.9
    """
    owner = "teleportation_fidelity"
    if deprecated:
        gate_error, readout_error = renamed_errors(owner, deprecated, gate_error, readout_error)
    g, q = _params(owner, gate_error, readout_error)
    mem = _memory(owner, distance_km, t1_s, t2_s, refractive_index)
    if isinstance(resource, BellDiagonal):
        return _fidelity_figures(_effective_pauli(resource.coefficients, g, q, mem)[..., 0], mem.delay_s)
    res = _as_pair(resource, "resource", owner, validate)
    out, _ = _teleport_pair(_PHI_PLUS, res, g, q, mem)
    return _fidelity_figures(_fidelity_phi_plus(out), mem.delay_s)


# --------------------------------------------------------------------------- deprecated names
@deprecated_alias("bd_teleport", "teleport(psi, BellDiagonal(coeffs), ...)")
def bd_teleport(psi: ArrayLike | BellDiagonal, coeffs: ArrayLike | BellDiagonal, *, gate_error: float = 0.0,
                readout_error: float = 0.0, distance_km: float = 0.0, t1_s: float = math.inf, t2_s: float | None = None,
                refractive_index: float = 1.44, validate: bool = True) -> TeleportationResult:
    """Deprecated alias of :func:`teleport` on coefficient arrays; warns, goes away in the next release.

    Parameters
    ----------
    psi : array_like, shape (..., 2, 2) or (2,)
        Input state, as in :func:`teleport`.
    coeffs : array_like, shape (..., 4)
        Bell coefficients of the resource: ``teleport(psi, BellDiagonal(coeffs))``.
    gate_error, readout_error, distance_km, t1_s, t2_s, refractive_index, validate
        As in :func:`teleport` (``p2`` and ``eta`` are accepted, with a warning).

    Returns
    -------
    TeleportationResult

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     r = bd_teleport([1, 0], [0.85, 0.05, 0.05, 0.05])
    >>> round(r.fidelity, 6)
    0.9
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    c = BellDiagonal._trusted(_as_coeffs(coeffs, "coeffs", "bd_teleport", validate))
    return teleport(psi, c, gate_error=gate_error, readout_error=readout_error, distance_km=distance_km, t1_s=t1_s,
                    t2_s=t2_s, refractive_index=refractive_index, validate=validate)


@deprecated_alias("bd_teleportation_fidelity", "teleportation_fidelity(BellDiagonal(coeffs), ...)")
def bd_teleportation_fidelity(coeffs: ArrayLike | BellDiagonal, *, gate_error: float = 0.0, readout_error: float = 0.0,
                              distance_km: float = 0.0, t1_s: float = math.inf, t2_s: float | None = None,
                              refractive_index: float = 1.44, validate: bool = True) -> TeleportationFidelity:
    """Deprecated alias of :func:`teleportation_fidelity` on coefficient arrays; warns, goes away in the next release.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)
        Bell coefficients of the resource: ``teleportation_fidelity(BellDiagonal(coeffs))``.
    gate_error, readout_error, distance_km, t1_s, t2_s, refractive_index
        As in :func:`teleportation_fidelity` (``p2`` and ``eta`` are accepted, with a warning).
    validate : bool, default True
        Check the coefficients.

    Returns
    -------
    TeleportationFidelity

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     r = bd_teleportation_fidelity([0.85, 0.05, 0.05, 0.05])
    >>> round(r.average_fidelity, 6)
    0.9
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    c = BellDiagonal._trusted(_as_coeffs(coeffs, "coeffs", "bd_teleportation_fidelity", validate))
    return teleportation_fidelity(c, gate_error=gate_error, readout_error=readout_error, distance_km=distance_km,
                                  t1_s=t1_s, t2_s=t2_s, refractive_index=refractive_index)
