"""Recurrence entanglement purification (BBPSSW, DEJMPS) and entanglement pumping.

One *round* takes two pairs, a kept (source) pair ``rho1`` on (A1, B1) and a sacrificed
(target) pair ``rho2`` on (A2, B2). Alice and Bob each apply a CNOT (source -> target), measure
the target pair in the Z basis and keep the source pair if their outcomes agree.

* **BBPSSW** (Bennett, Brassard, Popescu, Schumacher, Smolin, Wootters, PRL 76, 722 (1996);
  Bennett, DiVincenzo, Smolin, Wootters, PRA 54, 3824 (1996)): both inputs are first twirled
  to Werner states of the same fidelity ``F`` (random bilateral rotations). For Werner inputs
  ``F' = (F^2 + ((1-F)/3)^2) / N`` with success probability
  ``N = F^2 + 2F(1-F)/3 + 5((1-F)/3)^2``; F = 1/2 is the fixed point below which the
  protocol cannot distil.
* **DEJMPS** (Deutsch, Ekert, Jozsa, Macchiavello, Popescu, Sanpera, PRL 77, 2818 (1996)):
  Alice applies ``Rx(pi/2)``, Bob ``Rx(-pi/2)`` to each pair before the CNOTs, no twirl. The
  rotation exchanges ``phi-`` and ``psi-``. In Deutsch et al.'s notation, with the weights
  ``A = phi+``, ``B = psi-``, ``C = psi+``, ``D = phi-`` (in our Bell-index order
  ``c = (A, D, C, B)``), one round of two identical pairs maps
  ``A' = (A^2 + B^2)/N, B' = 2CD/N, C' = (C^2 + D^2)/N, D' = 2AB/N``,
  ``N = (A + B)^2 + (C + D)^2`` (the success probability).

Noise (both methods, both representations): each CNOT is followed by two-qubit depolarizing
``rho -> (1 - p) rho + p I/4`` with ``p = gate_error`` on the two qubits it acts on
(:func:`channels.depolarizing`), and each Z-measurement outcome is flipped with probability
``q = readout_error`` (a bit flip before an ideal measurement). This is the model of Dür,
Briegel, Cirac, Zoller, PRA 59, 169 (1999), Sec. IV.

One function per operation; the input's type picks the representation, and both call the
compiled primitives of :mod:`qnet_core._pair`:

* dense states ``(..., 4, 4)``: the round runs on the two 4x4 pairs (depolarizing is unitarily
  covariant, so it acts on the input product as four product terms; see :mod:`qnet_core._pair`);
* :class:`qnet_core.BellDiagonal` pairs: the joint state of the two pairs is a distribution over
  ``(k1, k2)``. The bilateral CNOT maps ``(x1, z1), (x2, z2)`` to ``(x1, z1 ^ z2), (x1 ^ x2, z2)``;
  depolarizing replaces the joint distribution by ``(1 - p)^2 P + (1 - (1 - p)^2)/16``; the pair
  is kept with probability ``(1-q)^2 + q^2`` if the target's x bit is 0 and ``2 q (1 - q)``
  otherwise. The two agree for Bell-diagonal inputs (tested against the slow 16x16 reference).

A BellDiagonal given together with a dense state is converted to dense. The keywords ``p2``
and ``eta`` of earlier releases still work, with a DeprecationWarning, and ``bd_purify``,
``bd_recurrence_rounds``, ``bd_pumping_rounds`` are deprecated aliases.

Schedules: :func:`recurrence_rounds` (symmetric: each round purifies two copies of the
previous round's output; elementary pairs per output ``N_k = 2 N_{k-1} / p_k``) and
:func:`pumping_rounds` (entanglement pumping, Dür et al. 1999: each round purifies the kept pair
with a fresh elementary pair; a failure loses both and the whole ladder restarts, so
``N_k = (N_{k-1} + 1) / p_k``), both with ``N_0 = 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from qnet_core._pair import TINY
from qnet_core._pair import _purify_bd as _pair_purify_bd
from qnet_core._pair import _purify_bd_batch as _pair_purify_bd_batch
from qnet_core._pair import _purify_norm_4x4, _purify_norm_batch
from qnet_core.bell_diagonal import BellDiagonal
from qnet_core._args import numbers_only
from qnet_core.errors import ParameterError
from qnet_core.validation import validate_mode

from .._common import (ZERO, Result, _as_coeffs, _as_pair, _as_two_pairs, _coefficient_arrays, _fidelity_phi_plus,
                       _flat_pairs, _one_of, _probability, _scalar,
                       bind_on_first_call, deprecated_alias, fast_constructor, renamed_errors)

__all__ = [
    "PURIFICATION_METHODS",
    "PurificationResult",
    "PurificationRounds",
    "purify",
    "bd_purify",
    "dejmps_map",
    "bbpssw_map",
    "werner_twirl",
    "recurrence_rounds",
    "pumping_rounds",
    "bd_recurrence_rounds",
    "bd_pumping_rounds",
]

#: Recurrence methods.
PURIFICATION_METHODS = ("dejmps", "bbpssw")

# Method codes of the kernels.
_METHOD_CODE = {"dejmps": 0, "bbpssw": 1}

bind_on_first_call(globals(), "_purify_norm_4x4", "_purify_norm_batch", "_pair_purify_bd",
                   "_pair_purify_bd_batch")


def _check_method(method, owner: str) -> int:
    """Kernel code of ``method`` (0 DEJMPS, 1 BBPSSW)."""
    try:
        return _METHOD_CODE[method]
    except (KeyError, TypeError):
        return _METHOD_CODE[_one_of(method, PURIFICATION_METHODS, "method", owner)]  # raises


#: Most rounds one schedule runs: the outputs hold one state per round, and 1000 recurrence rounds
#: consume 2**1000 pairs (the fidelity has long converged; the cost stays a finite float).
MAX_ROUNDS = 1000


def _check_rounds(rounds, owner: str) -> int:
    if isinstance(rounds, (bool, np.bool_)) or not isinstance(rounds, (int, np.integer)) or rounds < 1:
        raise ParameterError(f"{owner}(): rounds={rounds!r} must be an integer >= 1")
    if rounds > MAX_ROUNDS:
        raise ParameterError(f"{owner}(): rounds={rounds!r} must be at most {MAX_ROUNDS}; every round's state is "
                             "kept, and the fidelity converges long before")
    return int(rounds)


# --------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True, repr=False)
class PurificationResult(Result):
    """One purification round.

    Attributes
    ----------
    state : numpy.ndarray, shape (..., 4, 4), or BellDiagonal
        Normalized kept pair after success (a :class:`qnet_core.BellDiagonal` for Bell-diagonal
        inputs); maximally mixed where the success probability is at most 1e-14.
    success_probability : float or numpy.ndarray, shape (...)
        Probability that the two measured outcomes agree.
    fidelity : float or numpy.ndarray, shape (...)
        Fidelity of ``state`` to ``|phi+>``.
    """

    state: np.ndarray | BellDiagonal
    success_probability: float | np.ndarray
    fidelity: float | np.ndarray


_new_purification_result = fast_constructor(PurificationResult)


@dataclass(frozen=True, slots=True, repr=False)
class PurificationRounds(Result):
    """Per-round figures of a multi-round purification schedule.

    Arrays have the round as their first axis (round 1 .. ``rounds``), followed by the batch.

    Attributes
    ----------
    scheme : str
        ``"recurrence"`` (symmetric) or ``"pumping"``.
    method : str
        ``"dejmps"`` or ``"bbpssw"``.
    input_fidelity : float or numpy.ndarray, shape (...)
        Fidelity of the elementary pairs.
    fidelity : numpy.ndarray, shape (rounds, ...)
        Fidelity to ``|phi+>`` after each round.
    success_probability : numpy.ndarray, shape (rounds, ...)
        Success probability of each round.
    pairs_per_output : numpy.ndarray, shape (rounds, ...)
        Expected number of elementary pairs consumed per output pair of each round (failed
        attempts included); its inverse is the yield (:attr:`output_yield`).
    states : numpy.ndarray, shape (rounds, ..., 4, 4), or BellDiagonal of shape (rounds, ...)
        Output state after each round.
    """

    scheme: str
    method: str
    input_fidelity: float | np.ndarray
    fidelity: np.ndarray
    success_probability: np.ndarray
    pairs_per_output: np.ndarray
    states: np.ndarray | BellDiagonal

    _DICT_EXTRAS = (("yield", "output_yield"),)

    @property
    def state(self) -> np.ndarray | BellDiagonal:
        """Output state of the last round."""
        return self.states[-1]

    @property
    def output_yield(self) -> np.ndarray:
        """Output pairs per elementary pair consumed, ``1 / pairs_per_output``."""
        return 1.0 / self.pairs_per_output


# --------------------------------------------------------------------------- Bell-diagonal maps
def _bell_input(c, name: str, owner: str):
    """``c`` unchanged if it is a BellDiagonal or a numeric array; ParameterError for bools, strings, objects."""
    if isinstance(c, BellDiagonal):
        return c
    return numbers_only(c, name, owner, "an array of real Bell coefficients, shape (..., 4), or a BellDiagonal")


def werner_twirl(coeffs: ArrayLike | BellDiagonal, validate: bool = True) -> np.ndarray:
    """Werner form ``(F, (1-F)/3, (1-F)/3, (1-F)/3)`` of Bell coefficients (BBPSSW's twirl).

    Parameters
    ----------
    coeffs : array_like, shape (..., 4), or BellDiagonal
        Bell coefficients in BELL_NAMES order.
    validate : bool, default True
        Check the coefficients (a BellDiagonal is already checked).

    Returns
    -------
    numpy.ndarray, shape (..., 4), or BellDiagonal
        Same type as the input.

    Examples
    --------
    >>> werner_twirl([0.7, 0.3, 0.0, 0.0]).round(2).tolist()
    [0.7, 0.1, 0.1, 0.1]
    """
    validate = validate_mode(validate, "werner_twirl")
    c = _as_coeffs(_bell_input(coeffs, "coeffs", "werner_twirl"), "coeffs", "werner_twirl", validate)
    F = c[..., 0]
    q = (1.0 - F) / 3.0
    out = np.stack([F, q, q, q], axis=-1)
    return BellDiagonal._trusted(out) if isinstance(coeffs, BellDiagonal) else out


def _normalize_bd(out: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Normalized kept coefficients, in place; ``1/4`` each where ``p <= TINY`` (round-off)."""
    ok = p > TINY
    out /= np.where(ok, p, 1.0)[..., None]
    out[~ok] = 0.25
    return out


def _round_bd(c1: np.ndarray, c2: np.ndarray, m: int, g: float, q: float):
    """One round on coefficients ``(..., 4)``: (normalized output coefficients, p_success), batch broadcast."""
    if c1.ndim == 1 and c2.ndim == 1:
        out = np.empty(4)
        p = _pair_purify_bd(c1, c2, m, g, q, out)
        if p > TINY:
            out /= p
        else:
            out[:] = 0.25
        return out, min(max(p, 0.0), 1.0)
    f1, f2, batch = _flat_pairs(c1, c2, 1)
    out = np.empty(f1.shape)
    p = np.empty(f1.shape[0])
    _pair_purify_bd_batch(f1, f2, m, g, q, out, p)
    _normalize_bd(out, p)
    return out.reshape(batch + (4,)), np.clip(p, 0.0, 1.0).reshape(batch)


def _purify_bd(c1: np.ndarray, c2: np.ndarray, m: int, g: float, q: float) -> PurificationResult:
    """Bell-diagonal round of checked coefficients (see :func:`purify`)."""
    c, p = _round_bd(c1, c2, m, g, q)
    return PurificationResult(BellDiagonal._trusted(c), _scalar(p), _scalar(c[..., 0]))


def _purify(a: np.ndarray, b: np.ndarray, m: int, g: float, q: float) -> PurificationResult:
    """Dense round of validated pairs ``(..., 4, 4)`` (see :func:`purify`)."""
    if a.ndim == 2 and b.ndim == 2:
        out = np.empty((4, 4), dtype=np.complex128)
        p, f = _purify_norm_4x4(a, b, m, g, q, out)
        return _new_purification_result(out, p, f)
    a, b, batch = _flat_pairs(a, b, 2)
    n = a.shape[0]
    out = np.empty((n, 4, 4), dtype=np.complex128)
    p = np.empty(n)
    f = np.empty(n)
    _purify_norm_batch(a, b, m, g, q, out, p, f)
    return PurificationResult(out.reshape(batch + (4, 4)), _scalar(p.reshape(batch)), _scalar(f.reshape(batch)))


def dejmps_map(c1: ArrayLike | BellDiagonal,
               c2: ArrayLike | BellDiagonal | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Noiseless DEJMPS recurrence on Bell coefficients: ``(coefficients (..., 4), p_success (...))``.

    Parameters
    ----------
    c1, c2 : array_like, shape (..., 4), or BellDiagonal
        Kept and sacrificed pairs' coefficients (BELL_NAMES order); ``c2`` defaults to ``c1``.

    Returns
    -------
    tuple of numpy.ndarray
        Normalized output coefficients ``(..., 4)`` and the success probability ``(...)``.

    Notes
    -----
    With ``c = (A, D, C, B)`` in BELL_NAMES order (Deutsch et al.'s ``A = phi+``,
    ``B = psi-``, ``C = psi+``, ``D = phi-``) and identical inputs:
    ``A' = (A^2 + B^2)/N``, ``B' = 2CD/N``, ``C' = (C^2 + D^2)/N``, ``D' = 2AB/N``,
    ``N = (A + B)^2 + (C + D)^2`` (Deutsch et al., PRL 77, 2818 (1996)).

    Examples
    --------
    >>> c, p = dejmps_map([0.7, 0.1, 0.1, 0.1])
    >>> round(float(c[0]), 6), round(float(p), 6)
    (0.735294, 0.68)
    """
    a = _as_coeffs(_bell_input(c1, "c1", "dejmps_map"), "c1", "dejmps_map")
    b = a if c2 is None else _as_coeffs(_bell_input(c2, "c2", "dejmps_map"), "c2", "dejmps_map")
    c, p = _round_bd(a, b, 0, 0.0, 0.0)
    return c, np.asarray(p)


def bbpssw_map(c1: ArrayLike | BellDiagonal,
               c2: ArrayLike | BellDiagonal | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Noiseless BBPSSW recurrence (twirl to Werner, bilateral CNOT, keep if equal).

    Parameters
    ----------
    c1, c2 : array_like, shape (..., 4), or BellDiagonal
        Kept and sacrificed pairs' coefficients (BELL_NAMES order); ``c2`` defaults to ``c1``.

    Returns
    -------
    tuple of numpy.ndarray
        Normalized output coefficients ``(..., 4)`` and the success probability ``(...)``.

    Notes
    -----
    For Werner fidelity ``F`` the output fidelity is
    ``(F^2 + ((1-F)/3)^2) / (F^2 + 2F(1-F)/3 + 5((1-F)/3)^2)`` (Bennett et al., PRL 76, 722 (1996)).

    Examples
    --------
    >>> c, p = bbpssw_map([0.7, 0.3, 0.0, 0.0])
    >>> round(float(c[0]), 6)
    0.735294
    """
    a = _as_coeffs(_bell_input(c1, "c1", "bbpssw_map"), "c1", "bbpssw_map")
    b = a if c2 is None else _as_coeffs(_bell_input(c2, "c2", "bbpssw_map"), "c2", "bbpssw_map")
    c, p = _round_bd(a, b, 1, 0.0, 0.0)
    return c, np.asarray(p)


# --------------------------------------------------------------------------- one round
def purify(rho1: ArrayLike | BellDiagonal, rho2: ArrayLike | BellDiagonal | None = None, *,
           method: Literal["dejmps", "bbpssw"] = "dejmps", gate_error: float = ZERO, readout_error: float = ZERO,
           validate: bool | str = True, **deprecated) -> PurificationResult:
    """One recurrence purification round (DEJMPS or BBPSSW) with noisy CNOTs and measurements.

    Parameters
    ----------
    rho1 : array_like, shape (..., 4, 4), or BellDiagonal
        Kept (source) pair on (A1, B1); qubit 0 is Alice's.
    rho2 : array_like, shape (..., 4, 4), or BellDiagonal, optional
        Sacrificed (target) pair on (A2, B2); default a second copy of ``rho1``. Batch axes
        broadcast with ``rho1``'s.
    method : {"dejmps", "bbpssw"}
        DEJMPS (local Rx rotations, no twirl) or BBPSSW (both inputs twirled to Werner
        states of the same fidelity first).
    gate_error : float, default 0
        Two-qubit depolarizing probability after each local CNOT, in [0, 1].
    readout_error : float, default 0
        Probability that each Z-measurement outcome is flipped, in [0, 1].
    validate : bool or "full", default True
        Check that dense inputs are two-qubit density matrices.
    **deprecated
        ``p2`` and ``eta``, the old names of ``gate_error`` and ``readout_error`` (they warn).

    Returns
    -------
    PurificationResult
        ``state`` of the kept pair after success: a BellDiagonal when every input is one,
        otherwise complex128 (..., 4, 4).

    Notes
    -----
    Maps and noise model in the module notes (Bennett et al. 1996; Deutsch et al. 1996; Dür
    et al. 1999).

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = purify(qc.werner(0.8), method="bbpssw")
    >>> round(r.fidelity, 6), round(r.success_probability, 6)
    (0.83815, 0.768889)
    >>> purify(qc.BellDiagonal.werner(0.8), method="bbpssw").state
    BellDiagonal(fidelity=0.83815)
    """
    owner = "purify"
    if deprecated:
        gate_error, readout_error = renamed_errors(owner, deprecated, gate_error, readout_error)
    m = _check_method(method, owner)
    g = 0.0 if gate_error is ZERO else _probability(gate_error, "gate_error", owner)
    q = 0.0 if readout_error is ZERO else _probability(readout_error, "readout_error", owner)
    if isinstance(rho1, BellDiagonal) and (rho2 is None or isinstance(rho2, BellDiagonal)):
        c1 = rho1.coefficients
        return _purify_bd(c1, c1 if rho2 is None else rho2.coefficients, m, g, q)
    if rho2 is None:
        a = b = _as_pair(rho1, "rho1", owner, validate)
    else:
        a, b = _as_two_pairs(rho1, rho2, "rho1", "rho2", owner, validate)
    return _purify(a, b, m, g, q)


# --------------------------------------------------------------------------- schedules
def _add_cost(cost: np.ndarray, p: np.ndarray, scheme: str) -> np.ndarray:
    """Elementary pairs per output after a round of success probability ``p`` (inf where ``p`` is 0)."""
    ok = p > 0
    paid = 2.0 * cost if scheme == "recurrence" else cost + 1.0
    return np.where(ok, paid / np.where(ok, p, 1.0), np.inf)


def _schedule(x: np.ndarray, aux: np.ndarray | None, rounds: int, scheme: str, m: int, g: float, q: float,
              bell_diagonal: bool) -> PurificationRounds:
    """Run ``rounds`` rounds on flattened batches; ``aux`` None is the symmetric recurrence."""
    tail = 1 if bell_diagonal else 2
    if aux is None:
        batch = x.shape[:-tail]
        x = np.ascontiguousarray(x).reshape((-1,) + x.shape[-tail:])
    else:
        x, aux, batch = _flat_pairs(x, aux, tail)
    n = x.shape[0]
    states = np.empty((rounds,) + x.shape, dtype=np.float64 if bell_diagonal else np.complex128)
    fids = np.empty((rounds, n))
    probs = np.empty((rounds, n))
    costs = np.empty((rounds, n))
    cur, cost = x, np.ones(n)
    for r in range(rounds):
        partner = cur if aux is None else aux
        if bell_diagonal:
            _pair_purify_bd_batch(cur, partner, m, g, q, states[r], probs[r])
            _normalize_bd(states[r], probs[r])
            np.clip(probs[r], 0.0, 1.0, out=probs[r])
            fids[r] = states[r][:, 0]
        else:
            _purify_norm_batch(cur, partner, m, g, q, states[r], probs[r], fids[r])
        cost = costs[r] = _add_cost(cost, probs[r], scheme)
        cur = states[r]
    shape = (rounds,) + batch
    f0 = x[:, 0] if bell_diagonal else _fidelity_phi_plus(x)
    states = states.reshape(shape + x.shape[1:])
    return PurificationRounds(scheme=scheme, method=PURIFICATION_METHODS[m],
                              input_fidelity=_scalar(np.reshape(f0, batch)), fidelity=fids.reshape(shape),
                              success_probability=probs.reshape(shape), pairs_per_output=costs.reshape(shape),
                              states=BellDiagonal._trusted(states) if bell_diagonal else states)


def recurrence_rounds(rho: ArrayLike | BellDiagonal, rounds: int, *, method: Literal["dejmps", "bbpssw"] = "dejmps",
                      gate_error: float = ZERO, readout_error: float = ZERO, validate: bool | str = True,
                      **deprecated) -> PurificationRounds:
    """Symmetric recurrence: round r purifies two copies of round r-1's output.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4), or BellDiagonal
        Elementary pair.
    rounds : int
        Number of rounds k, 1 to ``MAX_ROUNDS`` (1000) (the output consumes ``2**k`` pairs when
        every round succeeds).
    method, gate_error, readout_error, validate, **deprecated
        As in :func:`purify`.

    Returns
    -------
    PurificationRounds
        ``pairs_per_output[r-1] = N_r`` with ``N_r = 2 N_{r-1} / p_r``, ``N_0 = 1``; ``states``
        a BellDiagonal of shape ``(rounds, ...)`` for a BellDiagonal input, else complex128
        ``(rounds, ..., 4, 4)``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> s = recurrence_rounds(qc.werner(0.8), rounds=2, method="bbpssw")
    >>> s.fidelity.round(4).tolist()
    [0.8382, 0.8736]
    >>> recurrence_rounds(qc.BellDiagonal.werner(0.8), rounds=2, method="bbpssw").state
    BellDiagonal(fidelity=0.873585)
    """
    owner = "recurrence_rounds"
    if deprecated:
        gate_error, readout_error = renamed_errors(owner, deprecated, gate_error, readout_error)
    rounds = _check_rounds(rounds, owner)
    m = _check_method(method, owner)
    g = _probability(gate_error, "gate_error", owner)
    q = _probability(readout_error, "readout_error", owner)
    if isinstance(rho, BellDiagonal):
        return _schedule(rho.coefficients, None, rounds, "recurrence", m, g, q, True)
    return _schedule(_as_pair(rho, "rho", owner, validate), None, rounds, "recurrence", m, g, q, False)


def pumping_rounds(rho: ArrayLike | BellDiagonal, rounds: int, *, auxiliary: ArrayLike | BellDiagonal | None = None,
                   method: Literal["dejmps", "bbpssw"] = "dejmps", gate_error: float = ZERO,
                   readout_error: float = ZERO, validate: bool | str = True, **deprecated) -> PurificationRounds:
    """Entanglement pumping: each round purifies the kept pair with a fresh auxiliary pair.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4), or BellDiagonal
        Initial kept pair.
    rounds : int
        Number of pumping steps k, 1 to ``MAX_ROUNDS`` (1000).
    auxiliary : array_like, shape (..., 4, 4), or BellDiagonal, optional
        The fresh pair used (and measured) in every round; default ``rho``.
    method, gate_error, readout_error, validate, **deprecated
        As in :func:`purify`.

    Returns
    -------
    PurificationRounds
        ``pairs_per_output[r-1] = N_r = (N_{r-1} + 1) / p_r`` with ``N_0 = 1`` (a failure
        discards both pairs and restarts the ladder; Dür et al., PRA 59, 169 (1999)).

    Examples
    --------
    >>> import qnet_core as qc
    >>> s = pumping_rounds(qc.werner(0.8), rounds=2, method="bbpssw")
    >>> s.fidelity.round(4).tolist()
    [0.8382, 0.856]
    """
    owner = "pumping_rounds"
    if deprecated:
        gate_error, readout_error = renamed_errors(owner, deprecated, gate_error, readout_error)
    rounds = _check_rounds(rounds, owner)
    m = _check_method(method, owner)
    g = _probability(gate_error, "gate_error", owner)
    q = _probability(readout_error, "readout_error", owner)
    if isinstance(rho, BellDiagonal) and (auxiliary is None or isinstance(auxiliary, BellDiagonal)):
        x = rho.coefficients
        return _schedule(x, x if auxiliary is None else auxiliary.coefficients, rounds, "pumping", m, g, q, True)
    x = _as_pair(rho, "rho", owner, validate)
    aux = x if auxiliary is None else _as_pair(auxiliary, "auxiliary", owner, validate)
    return _schedule(x, aux, rounds, "pumping", m, g, q, False)


# --------------------------------------------------------------------------- deprecated names
@deprecated_alias("bd_purify", "purify(BellDiagonal(c1), BellDiagonal(c2), ...)")
def bd_purify(c1: ArrayLike | BellDiagonal, c2: ArrayLike | BellDiagonal | None = None, *, method: str = "dejmps",
              gate_error: float = 0.0, readout_error: float = 0.0, validate: bool = True) -> PurificationResult:
    """Deprecated alias of :func:`purify` on coefficient arrays; warns, goes away in the next release.

    Parameters
    ----------
    c1, c2 : array_like, shape (..., 4)
        Bell coefficients of the kept and sacrificed pairs (``c2`` defaults to ``c1``):
        ``purify(BellDiagonal(c1), BellDiagonal(c2))``.
    method, gate_error, readout_error
        As in :func:`purify` (``p2`` and ``eta`` are accepted, with a warning).
    validate : bool, default True
        Check the coefficients.

    Returns
    -------
    PurificationResult
        ``state`` (..., 4) as a coefficient array.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     r = bd_purify([0.8, 0.2 / 3, 0.2 / 3, 0.2 / 3], method="bbpssw")
    >>> round(r.fidelity, 6), round(r.success_probability, 6)
    (0.83815, 0.768889)
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    a = BellDiagonal._trusted(_as_coeffs(c1, "c1", "bd_purify", validate))
    b = None if c2 is None else BellDiagonal._trusted(_as_coeffs(c2, "c2", "bd_purify", validate))
    return _coefficient_arrays(purify(a, b, method=method, gate_error=gate_error, readout_error=readout_error))


@deprecated_alias("bd_recurrence_rounds", "recurrence_rounds(BellDiagonal(coeffs), rounds, ...)")
def bd_recurrence_rounds(coeffs: ArrayLike | BellDiagonal, rounds: int, *, method: str = "dejmps",
                         gate_error: float = 0.0, readout_error: float = 0.0,
                         validate: bool = True) -> PurificationRounds:
    """Deprecated alias of :func:`recurrence_rounds` on coefficient arrays; warns, goes away in the next release.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)
        Bell coefficients of the elementary pair: ``recurrence_rounds(BellDiagonal(coeffs), rounds)``.
    rounds, method, gate_error, readout_error
        As in :func:`recurrence_rounds` (``p2`` and ``eta`` are accepted, with a warning).
    validate : bool, default True
        Check the coefficients.

    Returns
    -------
    PurificationRounds
        ``states`` (rounds, ..., 4) as a coefficient array.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     r = bd_recurrence_rounds([0.8, 0.2 / 3, 0.2 / 3, 0.2 / 3], rounds=2, method="bbpssw")
    >>> r.fidelity.round(4).tolist()
    [0.8382, 0.8736]
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    x = BellDiagonal._trusted(_as_coeffs(coeffs, "coeffs", "bd_recurrence_rounds", validate))
    return _coefficient_arrays(recurrence_rounds(x, rounds, method=method, gate_error=gate_error,
                                                 readout_error=readout_error))


@deprecated_alias("bd_pumping_rounds", "pumping_rounds(BellDiagonal(coeffs), rounds, ...)")
def bd_pumping_rounds(coeffs: ArrayLike | BellDiagonal, rounds: int, *,
                      auxiliary: ArrayLike | BellDiagonal | None = None, method: str = "dejmps",
                      gate_error: float = 0.0, readout_error: float = 0.0, validate: bool = True) -> PurificationRounds:
    """Deprecated alias of :func:`pumping_rounds` on coefficient arrays; warns, goes away in the next release.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)
        Bell coefficients of the kept pair: ``pumping_rounds(BellDiagonal(coeffs), rounds)``.
    rounds, auxiliary, method, gate_error, readout_error
        As in :func:`pumping_rounds`, with ``auxiliary`` as coefficients (``p2`` and ``eta`` are
        accepted, with a warning).
    validate : bool, default True
        Check the coefficients.

    Returns
    -------
    PurificationRounds
        ``states`` (rounds, ..., 4) as a coefficient array.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     r = bd_pumping_rounds([0.8, 0.2 / 3, 0.2 / 3, 0.2 / 3], rounds=2, method="bbpssw")
    >>> r.fidelity.round(4).tolist()
    [0.8382, 0.856]
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    owner = "bd_pumping_rounds"
    x = BellDiagonal._trusted(_as_coeffs(coeffs, "coeffs", owner, validate))
    aux = None if auxiliary is None else BellDiagonal._trusted(_as_coeffs(auxiliary, "auxiliary", owner, validate))
    return _coefficient_arrays(pumping_rounds(x, rounds, auxiliary=aux, method=method, gate_error=gate_error,
                                              readout_error=readout_error))
