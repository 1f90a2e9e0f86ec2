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

Noise (both methods, both code paths): each CNOT is followed by two-qubit depolarizing
``rho -> (1 - p2) rho + p2 I/4`` on the two qubits it acts on (:func:`channels.depolarizing`),
and each Z-measurement outcome is flipped with probability ``eta`` (a bit flip before an ideal
measurement). This is the model of Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999), Sec. IV.

On Bell-diagonal coefficients (the fast path) the joint state of the two pairs is a
distribution over ``(k1, k2)``. The bilateral CNOT maps ``(x1, z1), (x2, z2)`` to
``(x1, z1 ^ z2), (x1 ^ x2, z2)``; depolarizing replaces the joint distribution by
``(1 - p2)^2 P + (1 - (1 - p2)^2)/16``; the pair is kept with probability ``(1-eta)^2 + eta^2``
if the target's x bit is 0 and ``2 eta (1 - eta)`` otherwise. The dense path runs the same
circuit on :func:`qnet_core.tensor` of the two pairs with the engine's kernels and
:func:`qnet_core.measure`; the two agree for Bell-diagonal inputs (tested).

Schedules: :func:`recurrence_rounds` (symmetric: each round purifies two copies of the
previous round's output; elementary pairs per output ``N_k = 2 N_{k-1} / p_k``) and
:func:`pumping_rounds` (entanglement pumping, Dür et al. 1999: each round purifies the kept pair
with a fresh elementary pair; a failure loses both and the whole ladder restarts, so
``N_k = (N_{k-1} + 1) / p_k``), both with ``N_0 = 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import channels
from qnet_core import measure, tensor, werner
from qnet_core.errors import ParameterError
from qnet_core.gates import CNOT, rx
from qnet_core.ops import OperationSequence
from qnet_core.validation import check_probability

from .swapping import _as_coeffs, _as_pair, _scalar

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

# DEJMPS local rotations exchange phi- (1) and psi- (3) in Bell-index order.
_DEJMPS_PERM = np.array([0, 3, 2, 1])


def _check_method(method, owner: str) -> str:
    if method not in PURIFICATION_METHODS:
        raise ParameterError(
            f"{owner}(): method={method!r} is not allowed; use one of {', '.join(map(repr, PURIFICATION_METHODS))}"
        )
    return method


def _check_rounds(rounds, owner: str) -> int:
    if isinstance(rounds, bool) or not isinstance(rounds, (int, np.integer)) or rounds < 1:
        raise ParameterError(f"{owner}(): rounds={rounds!r} must be an integer >= 1")
    return int(rounds)


def _fid(state: np.ndarray) -> np.ndarray:
    """|phi+> fidelity of dense (..., 4, 4) states."""
    return np.real(state[..., 0, 0] + state[..., 3, 3] + state[..., 0, 3] + state[..., 3, 0]) / 2.0


# --------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class PurificationResult:
    """One purification round.

    Attributes
    ----------
    state : numpy.ndarray, shape (..., 4, 4) or (..., 4)
        Normalized kept pair after success (dense, or Bell coefficients from the ``bd_``
        functions); maximally mixed where the success probability is 0.
    success_probability : float or numpy.ndarray, shape (...)
        Probability that the two measured outcomes agree.
    fidelity : float or numpy.ndarray, shape (...)
        Fidelity of ``state`` to ``|phi+>``.
    """

    state: np.ndarray
    success_probability: float | np.ndarray
    fidelity: float | np.ndarray

    def to_dict(self) -> dict:
        st = np.asarray(self.state)
        out = {"success_probability": np.asarray(self.success_probability).tolist(),
               "fidelity": np.asarray(self.fidelity).tolist()}
        if np.iscomplexobj(st):
            out["state_real"] = st.real.tolist()
            out["state_imag"] = st.imag.tolist()
        else:
            out["state"] = st.tolist()
        return out


@dataclass(frozen=True, slots=True)
class PurificationRounds:
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
    states : numpy.ndarray, shape (rounds, ..., 4, 4) or (rounds, ..., 4)
        Output state after each round.
    """

    scheme: str
    method: str
    input_fidelity: float | np.ndarray
    fidelity: np.ndarray
    success_probability: np.ndarray
    pairs_per_output: np.ndarray
    states: np.ndarray

    @property
    def state(self) -> np.ndarray:
        """Output state of the last round."""
        return self.states[-1]

    @property
    def output_yield(self) -> np.ndarray:
        """Output pairs per elementary pair consumed, ``1 / pairs_per_output``."""
        return 1.0 / self.pairs_per_output

    def to_dict(self) -> dict:
        return {
            "scheme": self.scheme,
            "method": self.method,
            "input_fidelity": np.asarray(self.input_fidelity).tolist(),
            "fidelity": np.asarray(self.fidelity).tolist(),
            "success_probability": np.asarray(self.success_probability).tolist(),
            "pairs_per_output": np.asarray(self.pairs_per_output).tolist(),
            "yield": np.asarray(self.output_yield).tolist(),
        }


# --------------------------------------------------------------------------- Bell-diagonal maps
def werner_twirl(coeffs, validate: bool = True) -> np.ndarray:
    """Werner form ``(F, (1-F)/3, (1-F)/3, (1-F)/3)`` of Bell coefficients (BBPSSW's twirl).

    Examples
    --------
    >>> werner_twirl([0.7, 0.3, 0.0, 0.0]).round(2).tolist()
    [0.7, 0.1, 0.1, 0.1]
    """
    c = _as_coeffs(coeffs, "coeffs", "werner_twirl", validate)
    F = c[..., 0]
    q = (1.0 - F) / 3.0
    return np.stack([F, q, q, q], axis=-1)


def _bd_round(c1: np.ndarray, c2: np.ndarray, method: str, p2: float, eta: float):
    """Core map on validated coefficients; returns (unnormalized kept coefficients, p_success)."""
    if method == "bbpssw":
        c1 = werner_twirl(c1, validate=False)
        c2 = werner_twirl(c2, validate=False)
    else:
        c1 = c1[..., _DEJMPS_PERM]
        c2 = c2[..., _DEJMPS_PERM]
    c1, c2 = np.broadcast_arrays(c1, c2)
    batch = c1.shape[:-1]
    P = c1[..., :, None] * c2[..., None, :]  # P[k1, k2]
    # bilateral CNOT (source -> target): (x1, z1), (x2, z2) -> (x1, z1^z2), (x1^x2, z2)
    Q = np.zeros(batch + (4, 4))
    for k1 in range(4):
        x1, z1 = k1 >> 1, k1 & 1
        for k2 in range(4):
            x2, z2 = k2 >> 1, k2 & 1
            Q[..., 2 * x1 + (z1 ^ z2), 2 * (x1 ^ x2) + z2] += P[..., k1, k2]
    if p2 > 0.0:
        keep = (1.0 - p2) ** 2
        Q = keep * Q + (1.0 - keep) / 16.0
    w_agree = (1.0 - eta) ** 2 + eta ** 2
    w_differ = 2.0 * eta * (1.0 - eta)
    out = w_agree * (Q[..., :, 0] + Q[..., :, 1]) + w_differ * (Q[..., :, 2] + Q[..., :, 3])
    return out, out.sum(axis=-1)


def _normalize_bd(out: np.ndarray, p: np.ndarray) -> np.ndarray:
    safe = np.where(p > 0, p, 1.0)
    c = out / safe[..., None]
    return np.where((p > 0)[..., None], c, 0.25)


def bd_purify(c1, c2=None, *, method: str = "dejmps", p2: float = 0.0, eta: float = 0.0,
              validate: bool = True) -> PurificationResult:
    """One recurrence round on Bell-diagonal coefficients (fast path).

    Parameters
    ----------
    c1 : array_like, shape (..., 4)
        Bell coefficients (BELL_NAMES order) of the kept (source) pair.
    c2 : array_like, shape (..., 4), optional
        Coefficients of the sacrificed (target) pair; default a copy of ``c1``.
    method : {"dejmps", "bbpssw"}
    p2 : float, default 0
        Two-qubit depolarizing probability after each local CNOT, in [0, 1].
    eta : float, default 0
        Measurement error probability of each Z measurement, in [0, 1].

    Returns
    -------
    PurificationResult
        ``state`` is the normalized output coefficients ``(..., 4)``.

    Examples
    --------
    >>> r = bd_purify([0.8, 0.2 / 3, 0.2 / 3, 0.2 / 3], method="bbpssw")
    >>> round(r.fidelity, 6), round(r.success_probability, 6)
    (0.83815, 0.768889)
    """
    owner = "bd_purify"
    a = _as_coeffs(c1, "c1", owner, validate)
    b = a if c2 is None else _as_coeffs(c2, "c2", owner, validate)
    method = _check_method(method, owner)
    p2 = check_probability(p2, "p2", owner)
    eta = check_probability(eta, "eta", owner)
    out, p = _bd_round(a, b, method, p2, eta)
    c = _normalize_bd(out, p)
    return PurificationResult(state=c, success_probability=_scalar(p), fidelity=_scalar(c[..., 0]))


def dejmps_map(c1, c2=None) -> tuple[np.ndarray, np.ndarray]:
    """Noiseless DEJMPS recurrence on Bell coefficients: ``(coefficients (..., 4), p_success (...))``.

    With ``c = (A, D, C, B)`` in BELL_NAMES order (Deutsch et al.'s ``A = phi+``,
    ``B = psi-``, ``C = psi+``, ``D = phi-``) and identical inputs:
    ``A' = (A^2 + B^2)/N``, ``B' = 2CD/N``, ``C' = (C^2 + D^2)/N``, ``D' = 2AB/N``,
    ``N = (A + B)^2 + (C + D)^2``.

    Examples
    --------
    >>> c, p = dejmps_map([0.7, 0.1, 0.1, 0.1])
    >>> round(float(c[0]), 6), round(float(p), 6)
    (0.735294, 0.68)
    """
    r = bd_purify(c1, c2, method="dejmps")
    return np.asarray(r.state), np.asarray(r.success_probability)


def bbpssw_map(c1, c2=None) -> tuple[np.ndarray, np.ndarray]:
    """Noiseless BBPSSW recurrence (twirl to Werner, bilateral CNOT, keep if equal).

    Returns ``(coefficients (..., 4), p_success (...))``; for Werner fidelity ``F`` the output
    fidelity is ``(F^2 + ((1-F)/3)^2) / (F^2 + 2F(1-F)/3 + 5((1-F)/3)^2)``.

    Examples
    --------
    >>> c, p = bbpssw_map([0.7, 0.3, 0.0, 0.0])
    >>> round(float(c[0]), 6)
    0.735294
    """
    r = bd_purify(c1, c2, method="bbpssw")
    return np.asarray(r.state), np.asarray(r.success_probability)


# --------------------------------------------------------------------------- dense path
@lru_cache(maxsize=64)
def _purify_sequence(method: str, p2: float, eta: float) -> OperationSequence:
    """Compiled 4-qubit circuit on (A1, B1, A2, B2) from the CNOTs to the Z measurement of (A2, B2)."""
    steps = [(CNOT[None], (0, 2))]
    if p2 > 0.0:
        steps.append((channels.depolarizing(p2, num_qubits=2).kraus, (0, 2)))
    steps.append((CNOT[None], (1, 3)))
    if p2 > 0.0:
        steps.append((channels.depolarizing(p2, num_qubits=2).kraus, (1, 3)))
    if eta > 0.0:
        bf = channels.bit_flip(eta).kraus
        steps += [(bf, (2,)), (bf, (3,))]
    return OperationSequence(4, steps, validate=False)


@lru_cache(maxsize=1)
def _dejmps_rotation() -> OperationSequence:
    """Alice's Rx(pi/2) and Bob's Rx(-pi/2) on one pair (applied per pair, before the tensor)."""
    return OperationSequence(2, [(rx(np.pi / 2)[None], (0,)), (rx(-np.pi / 2)[None], (1,))], validate=False)


def _werner_dense(rho: np.ndarray) -> np.ndarray:
    return werner(np.clip(_fid(rho), 0.0, 1.0))


def _purify_dense(a: np.ndarray, b: np.ndarray, method: str, p2: float, eta: float):
    if method == "bbpssw":
        a = _werner_dense(a)
        b = _werner_dense(b)
    else:
        rot = _dejmps_rotation()
        a = rot.apply(a, validate=False)
        b = a if b is a else rot.apply(b, validate=False)
    full = tensor(a, b)  # (A1, B1, A2, B2)
    full = _purify_sequence(method, p2, eta).apply(full, validate=False)
    meas = measure(full, [2, 3], "Z", normalize=False, validate=False)
    kept = meas.states[..., 0, :, :] + meas.states[..., 3, :, :]  # outcomes 00 and 11 agree
    p = meas.probabilities[..., 0] + meas.probabilities[..., 3]
    safe = np.where(p > 0, p, 1.0)
    state = kept / safe[..., None, None]
    state = np.where((p > 0)[..., None, None], state, np.eye(4) / 4.0)
    state = 0.5 * (state + np.conj(np.swapaxes(state, -1, -2)))
    return state, p


def purify(rho1, rho2=None, *, method: str = "dejmps", p2: float = 0.0, eta: float = 0.0,
           validate: bool = True) -> PurificationResult:
    """One recurrence purification round on any two-qubit states (dense engine path).

    Parameters
    ----------
    rho1 : array_like, shape (..., 4, 4)
        Kept (source) pair on (A1, B1); qubit 0 is Alice's.
    rho2 : array_like, shape (..., 4, 4), optional
        Sacrificed (target) pair on (A2, B2); default a second copy of ``rho1``.
    method : {"dejmps", "bbpssw"}
        DEJMPS (local Rx rotations, no twirl) or BBPSSW (both inputs twirled to Werner
        states of the same fidelity first).
    p2 : float, default 0
        Two-qubit depolarizing probability after each local CNOT, in [0, 1].
    eta : float, default 0
        Measurement error probability of each Z measurement, in [0, 1].
    validate : bool, default True

    Returns
    -------
    PurificationResult
        ``state`` (..., 4, 4) of the kept pair after success.

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = purify(qc.werner(0.8), method="bbpssw")
    >>> round(r.fidelity, 6), round(r.success_probability, 6)
    (0.83815, 0.768889)
    """
    owner = "purify"
    a = _as_pair(rho1, "rho1", owner, validate)
    b = a if rho2 is None else _as_pair(rho2, "rho2", owner, validate)
    method = _check_method(method, owner)
    p2 = check_probability(p2, "p2", owner)
    eta = check_probability(eta, "eta", owner)
    state, p = _purify_dense(a, b, method, p2, eta)
    return PurificationResult(state=state, success_probability=_scalar(p), fidelity=_scalar(_fid(state)))


# --------------------------------------------------------------------------- schedules
def _run_schedule(x0, rounds: int, scheme: str, step, fid, aux=None):
    fids, probs, costs, states = [], [], [], []
    cur = x0
    cost = np.ones(np.shape(fid(x0)))
    for _ in range(rounds):
        if scheme == "recurrence":
            cur, p = step(cur, cur)
            cost = np.where(p > 0, 2.0 * cost / np.where(p > 0, p, 1.0), np.inf)
        else:
            cur, p = step(cur, aux)
            cost = np.where(p > 0, (cost + 1.0) / np.where(p > 0, p, 1.0), np.inf)
        fids.append(fid(cur))
        probs.append(p)
        costs.append(cost)
        states.append(cur)
    return np.array(fids), np.array(probs), np.array(costs), np.array(states)


def _schedule(x, rounds, scheme, method, p2, eta, aux, dense: bool, owner: str) -> PurificationRounds:
    rounds = _check_rounds(rounds, owner)
    method = _check_method(method, owner)
    p2 = check_probability(p2, "p2", owner)
    eta = check_probability(eta, "eta", owner)
    if dense:
        def step(a, b):
            return _purify_dense(a, b, method, p2, eta)
        fid = _fid
    else:
        def step(a, b):
            out, p = _bd_round(a, b, method, p2, eta)
            return _normalize_bd(out, p), p

        def fid(c):
            return c[..., 0]
    if aux is not None:
        # broadcast the batch of the kept pair against the auxiliary pairs
        tail = 2 if dense else 1
        shape = np.broadcast_shapes(x.shape[:-tail], aux.shape[:-tail]) + x.shape[-tail:]
        x = np.broadcast_to(x, shape).copy()
    fids, probs, costs, states = _run_schedule(x, rounds, scheme, step, fid, aux)
    return PurificationRounds(scheme=scheme, method=method, input_fidelity=_scalar(fid(x)), fidelity=fids,
                              success_probability=probs, pairs_per_output=costs, states=states)


def recurrence_rounds(rho, rounds: int, *, method: str = "dejmps", p2: float = 0.0, eta: float = 0.0,
                      validate: bool = True) -> PurificationRounds:
    """Symmetric recurrence: round r purifies two copies of round r-1's output (dense path).

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
        Elementary pair.
    rounds : int
        Number of rounds k >= 1 (the output consumes ``2**k`` pairs when every round succeeds).
    method, p2, eta
        As in :func:`purify`.

    Returns
    -------
    PurificationRounds
        ``pairs_per_output[r-1] = N_r`` with ``N_r = 2 N_{r-1} / p_r``, ``N_0 = 1``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> s = recurrence_rounds(qc.werner(0.8), rounds=2, method="bbpssw")
    >>> s.fidelity.round(4).tolist()
    [0.8382, 0.8736]
    """
    owner = "recurrence_rounds"
    x = _as_pair(rho, "rho", owner, validate)
    return _schedule(x, rounds, "recurrence", method, p2, eta, None, True, owner)


def pumping_rounds(rho, rounds: int, *, auxiliary=None, method: str = "dejmps", p2: float = 0.0,
                   eta: float = 0.0, validate: bool = True) -> PurificationRounds:
    """Entanglement pumping: each round purifies the kept pair with a fresh auxiliary pair.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
        Initial kept pair.
    rounds : int
        Number of pumping steps k >= 1.
    auxiliary : array_like, shape (..., 4, 4), optional
        The fresh pair used (and measured) in every round; default ``rho``.
    method, p2, eta
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
    x = _as_pair(rho, "rho", owner, validate)
    aux = x if auxiliary is None else _as_pair(auxiliary, "auxiliary", owner, validate)
    return _schedule(x, rounds, "pumping", method, p2, eta, aux, True, owner)


def bd_recurrence_rounds(coeffs, rounds: int, *, method: str = "dejmps", p2: float = 0.0,
                         eta: float = 0.0, validate: bool = True) -> PurificationRounds:
    """Symmetric recurrence on Bell-diagonal coefficients ``(..., 4)`` (fast path of :func:`recurrence_rounds`).

    Examples
    --------
    >>> s = bd_recurrence_rounds([0.8, 0.2 / 3, 0.2 / 3, 0.2 / 3], rounds=2, method="bbpssw")
    >>> s.fidelity.round(4).tolist()
    [0.8382, 0.8736]
    """
    owner = "bd_recurrence_rounds"
    x = _as_coeffs(coeffs, "coeffs", owner, validate)
    return _schedule(x, rounds, "recurrence", method, p2, eta, None, False, owner)


def bd_pumping_rounds(coeffs, rounds: int, *, auxiliary=None, method: str = "dejmps", p2: float = 0.0,
                      eta: float = 0.0, validate: bool = True) -> PurificationRounds:
    """Entanglement pumping on Bell-diagonal coefficients (fast path of :func:`pumping_rounds`).

    Examples
    --------
    >>> s = bd_pumping_rounds([0.8, 0.2 / 3, 0.2 / 3, 0.2 / 3], rounds=2, method="bbpssw")
    >>> s.fidelity.round(4).tolist()
    [0.8382, 0.856]
    """
    owner = "bd_pumping_rounds"
    x = _as_coeffs(coeffs, "coeffs", owner, validate)
    aux = x if auxiliary is None else _as_coeffs(auxiliary, "auxiliary", owner, validate)
    return _schedule(x, rounds, "pumping", method, p2, eta, aux, False, owner)

