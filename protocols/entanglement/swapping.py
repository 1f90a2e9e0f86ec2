"""Entanglement swapping: a Bell-state measurement joins two pairs into one.

Two pairs, ``a`` on qubits (A, B1) and ``b`` on (B2, C), are combined by a Bell-state
measurement (BSM) on the middle qubits (B1, B2); the outcome ``k`` (Bell index, ``k = 2x + z``,
:data:`qnet_core.BELL_NAMES` order) is sent to C's holder, who applies the Pauli correction
``X^x Z^z`` on C. For ``|phi+> (x) |phi+>`` every outcome then leaves ``|phi+>`` on (A, C)
(Zukowski et al., PRL 71, 4287 (1993)).

One function, :func:`entanglement_swap`; the input's type picks the representation, and both
call the compiled primitives of :mod:`qnet_core._pair`:

* dense states ``(..., 4, 4)`` (any two-qubit states, batch axes broadcast): the noisy BSM
  kernel gives every reported branch, Pauli-corrected, in one compiled call per request;
* :class:`qnet_core.BellDiagonal` pairs: the Pauli-corrected output is the XOR convolution of
  the coefficients, so Werner parameters multiply, ``w = w1 w2``; every outcome has
  probability 1/4 (the inner marginals of Bell-diagonal pairs are ``I/2``).

A BellDiagonal given together with a dense state is converted to dense. The two paths agree
wherever both apply (tested against the slow ``tensor`` + ``bell_measure`` reference).

Noise model (both paths):

* ``gate_error``: two-qubit depolarizing error ``rho -> (1 - p) rho + p I/4`` on (B1, B2)
  with the BSM's CNOT (:func:`channels.depolarizing` with ``num_qubits=2``). The CNOT is a
  Clifford gate, so the error is the same before or after it.
* ``readout_error``: each of the two measured bits is misread with probability ``q``. The
  BSM reads the z bit on B1 (after the Hadamard) and the x bit on B2, so this equals a phase
  flip ``channels.phase_flip(q)`` on B1 and a bit flip ``channels.bit_flip(q)`` on B2 before
  an ideal BSM: the reported outcome is ``k XOR e`` with ``P(e) = ((1-q)^2, q(1-q), q(1-q),
  q^2)``, and the correction follows the reported outcome.
* ``bsm="linear_optics"``: a linear-optics BSM with two photon detectors resolves only
  ``psi+`` and ``psi-`` (success probability 1/2 for pairs with maximally mixed marginals;
  Lutkenhaus, Calsamiglia, Suominen, PRA 59, 3295 (1999)); ``phi+/phi-`` outcomes herald a
  failure and the state is discarded.

The keywords ``p2`` and ``eta`` of earlier releases still work, with a DeprecationWarning;
``bd_entanglement_swap`` is a deprecated alias.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from qnet_core._pair import _swap_bd as _pair_swap_bd
from qnet_core._pair import _swap_bd_batch as _pair_swap_bd_batch
from qnet_core._pair import _swap_mix_4x4, _swap_mix_batch
from qnet_core.bell_diagonal import BellDiagonal
from qnet_core.errors import ParameterError

from .._common import PAULI_CORRECTIONS  # noqa: F401  (kept importable from here)
from .._common import (XOR, ZERO, Result, _as_coeffs, _as_two_pairs, _coefficient_arrays, _flat_pairs, _probability,
                       _scalar, bind_on_first_call, deprecated_alias,
                       fast_constructor, renamed_errors, renamed_kwargs)

__all__ = ["SwapResult", "BSM_KINDS", "entanglement_swap", "bd_entanglement_swap", "measurement_error_distribution"]

#: Allowed Bell-state-measurement models.
BSM_KINDS = ("ideal", "linear_optics")

# First accepted outcome of each BSM model (outcomes first..3 herald success).
_FIRST = {"ideal": 0, "linear_optics": 2}
_FRAME_CORRECTED = np.zeros(4, dtype=np.int64)
_FRAME_CORRECTED.setflags(write=False)
_FRAME_UNCORRECTED = np.arange(4, dtype=np.int64)
_FRAME_UNCORRECTED.setflags(write=False)
_OWNER = "entanglement_swap"

bind_on_first_call(globals(), "_swap_mix_4x4", "_swap_mix_batch", "_pair_swap_bd", "_pair_swap_bd_batch")


def _check_bsm(bsm, owner: str) -> int:
    """Index of the first accepted outcome of ``bsm``."""
    try:
        return _FIRST[bsm]
    except (KeyError, TypeError):
        raise ParameterError(f"{owner}(): bsm={bsm!r} is not allowed; use one of {', '.join(map(repr, BSM_KINDS))}"
                             ) from None


@renamed_kwargs({"eta": "readout_error"})
def measurement_error_distribution(readout_error: float) -> np.ndarray:
    """Distribution of the Bell-index error ``e`` of a BSM whose two bits each flip with ``readout_error``.

    Parameters
    ----------
    readout_error : float
        Probability ``q`` in [0, 1] that each measured bit is misread.

    Returns
    -------
    numpy.ndarray, shape (4,), float64
        ``P(e)`` for ``e = 2 e_x + e_z``: ``((1-q)^2, q(1-q), q(1-q), q^2)``.

    Examples
    --------
    >>> measurement_error_distribution(0.1).round(4).tolist()
    [0.81, 0.09, 0.09, 0.01]
    """
    q = _probability(readout_error, "readout_error", "measurement_error_distribution")
    return np.array([(1 - q) ** 2, q * (1 - q), q * (1 - q), q * q])


# --------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True, repr=False)
class SwapResult(Result):
    """Outcome of an entanglement swap.

    Attributes
    ----------
    state : numpy.ndarray, shape (..., 4, 4), or BellDiagonal
        The (A, C) state averaged over the accepted outcomes (a :class:`qnet_core.BellDiagonal`
        for Bell-diagonal inputs). With ``correct=False`` it is the mixture of the
        *uncorrected* branches, i.e. the state before the frame is applied.
    probabilities : numpy.ndarray, shape (..., 4)
        Probabilities of the reported BSM outcomes in BELL_NAMES order.
    frame : numpy.ndarray of int, shape (4,)
        Bell index of the Pauli ``X^x Z^z`` still to apply on C after each outcome (all zeros
        when the correction was applied; ``[0, 1, 2, 3]`` otherwise).
    branch_states : numpy.ndarray, shape (..., 4, 4, 4), or BellDiagonal of shape (..., 4)
        Normalized (A, C) state after each reported outcome (corrected or not, see ``frame``);
        branches of probability at most 1e-14 hold the maximally mixed state.
    success_probability : float or numpy.ndarray, shape (...)
        Probability that the BSM heralds success (1 for the ideal BSM).
    bsm : str
        ``"ideal"`` or ``"linear_optics"``.
    corrected : bool
        Whether the Pauli correction was applied.
    """

    state: np.ndarray | BellDiagonal
    probabilities: np.ndarray
    frame: np.ndarray
    branch_states: np.ndarray | BellDiagonal
    success_probability: float | np.ndarray
    bsm: str
    corrected: bool

    _DICT_EXTRAS = (("fidelity", "fidelity"),)

    @property
    def fidelity(self) -> float | np.ndarray:
        """Fidelity of ``state`` to ``|phi+>`` (meaningful when corrected)."""
        s = self.state
        if isinstance(s, BellDiagonal):
            return s.fidelity
        s = np.asarray(s)
        if s.ndim >= 2 and s.shape[-2:] == (4, 4):
            return _scalar(np.real(s[..., 0, 0] + s[..., 3, 3] + s[..., 0, 3] + s[..., 3, 0]) / 2.0)
        return _scalar(s[..., 0])  # Bell coefficients (the deprecated bd_entanglement_swap)


_new_swap_result = fast_constructor(SwapResult)


# --------------------------------------------------------------------------- the operation
def entanglement_swap(a: ArrayLike | BellDiagonal, b: ArrayLike | BellDiagonal, *, gate_error: float = ZERO,
                      readout_error: float = ZERO, bsm: Literal["ideal", "linear_optics"] = "ideal",
                      correct: bool = True, validate: bool | str = True, **deprecated) -> SwapResult:
    """Swap two pairs by a (noisy) Bell-state measurement on their inner qubits.

    Parameters
    ----------
    a : array_like, shape (..., 4, 4), or BellDiagonal
        Pair (A, B1); qubit 0 = A.
    b : array_like, shape (..., 4, 4), or BellDiagonal
        Pair (B2, C); qubit 0 = B2. Batch axes broadcast with ``a``'s.
    gate_error : float, default 0
        Two-qubit depolarizing probability of the BSM's CNOT, in [0, 1].
    readout_error : float, default 0
        Probability that each measured bit is misread, in [0, 1].
    bsm : {"ideal", "linear_optics"}
        Full BSM, or the linear-optics BSM that only resolves ``psi+`` and ``psi-``.
    correct : bool, default True
        Apply the Pauli correction on C; if False the branch states are left uncorrected and
        the needed correction is reported in ``frame``.
    validate : bool or "full", default True
        Check that dense inputs are two-qubit density matrices (a BellDiagonal is checked
        when it is built).
    **deprecated
        ``p2`` and ``eta``, the old names of ``gate_error`` and ``readout_error`` (they warn).

    Returns
    -------
    SwapResult
        Two BellDiagonal inputs: ``state`` a BellDiagonal of the broadcast batch shape and
        ``branch_states`` one of shape ``(..., 4)``. Otherwise dense: ``state`` complex128
        (..., 4, 4) on (A, C) and ``branch_states`` (..., 4, 4, 4).

    Notes
    -----
    For Werner inputs and an ideal BSM the output is Werner with ``w = w1 w2`` (Dür, Briegel,
    Cirac, Zoller, PRA 59, 169 (1999)); see the module notes for the noise model.

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = entanglement_swap(qc.werner(0.9), qc.werner(0.9))
    >>> round(r.fidelity, 6)    # w = ((4*0.9 - 1)/3)**2  ->  F = (3 w + 1)/4
    0.813333
    >>> r = entanglement_swap(qc.BellDiagonal([0.9, 0.1, 0, 0]), qc.BellDiagonal([0.8, 0, 0.2, 0]))
    >>> r.state.coefficients.round(4).tolist()
    [0.72, 0.08, 0.18, 0.02]
    """
    if deprecated:
        gate_error, readout_error = renamed_errors(_OWNER, deprecated, gate_error, readout_error)
    g = 0.0 if gate_error is ZERO else _probability(gate_error, "gate_error", _OWNER)
    q = 0.0 if readout_error is ZERO else _probability(readout_error, "readout_error", _OWNER)
    first = _check_bsm(bsm, _OWNER)
    correct = correct is True or bool(correct)
    if isinstance(a, BellDiagonal) and isinstance(b, BellDiagonal):
        return _swap_bd(a.coefficients, b.coefficients, g, q, first, correct)
    a, b = _as_two_pairs(a, b, "a", "b", _OWNER, validate)
    return _swap(a, b, g, q, first, correct)


def _swap(a: np.ndarray, b: np.ndarray, g: float, q: float, first: int, correct: bool) -> SwapResult:
    """Dense swap of validated pairs ``(..., 4, 4)`` (see :func:`entanglement_swap`)."""
    bsm = BSM_KINDS[first >> 1]
    frame = _FRAME_CORRECTED if correct else _FRAME_UNCORRECTED
    if a.ndim == 2 and b.ndim == 2:
        probs = np.empty(4)
        states = np.empty((4, 4, 4), dtype=np.complex128)
        state = np.empty((4, 4), dtype=np.complex128)
        p_succ = _swap_mix_4x4(a, b, g, q, first, correct, probs, states, state)
        return _new_swap_result(state, probs, frame, states, p_succ, bsm, correct)
    a, b, batch = _flat_pairs(a, b, 2)
    n = a.shape[0]
    probs = np.empty((n, 4))
    states = np.empty((n, 4, 4, 4), dtype=np.complex128)
    state = np.empty((n, 4, 4), dtype=np.complex128)
    p_succ = np.empty(n)
    _swap_mix_batch(a, b, g, q, first, correct, probs, states, state, p_succ)
    return SwapResult(state.reshape(batch + (4, 4)), probs.reshape(batch + (4,)), frame,
                      states.reshape(batch + (4, 4, 4)), _scalar(p_succ.reshape(batch)), bsm, correct)


def _swap_bd(c1: np.ndarray, c2: np.ndarray, g: float, q: float, first: int, correct: bool) -> SwapResult:
    """Bell-diagonal swap of coefficients ``(..., 4)``: every outcome has probability 1/4."""
    bsm = BSM_KINDS[first >> 1]
    if c1.ndim == 1 and c2.ndim == 1:
        c = np.empty(4)
        _pair_swap_bd(c1, c2, g, q, c)
        batch = ()
    else:
        f1, f2, batch = _flat_pairs(c1, c2, 1)
        c = np.empty(f1.shape)
        _pair_swap_bd_batch(f1, f2, g, q, c)
        c = c.reshape(batch + (4,))
    probs = np.empty(batch + (4,))
    probs[...] = 0.25
    if correct:  # every branch holds c
        branches = np.empty(batch + (4, 4))
        branches[...] = c[..., None, :]
        state = c
        frame = _FRAME_CORRECTED
    else:
        branches = c[..., XOR]  # branch k holds the coefficients shifted by k
        state = branches[..., first:, :].mean(axis=-2)
        frame = _FRAME_UNCORRECTED
    p_succ = 1.0 - 0.25 * first
    p_succ = p_succ if not batch else np.full(batch, p_succ)
    return SwapResult(BellDiagonal._trusted(state), probs, frame, BellDiagonal._trusted(branches), p_succ, bsm,
                      correct)


@deprecated_alias("bd_entanglement_swap", "entanglement_swap(BellDiagonal(c1), BellDiagonal(c2), ...)")
def bd_entanglement_swap(c1: ArrayLike | BellDiagonal, c2: ArrayLike | BellDiagonal, *, gate_error: float = 0.0,
                         readout_error: float = 0.0, bsm: str = "ideal", correct: bool = True,
                         validate: bool = True) -> SwapResult:
    """Deprecated alias of :func:`entanglement_swap` on coefficient arrays; warns, goes away in the next release.

    Parameters
    ----------
    c1, c2 : array_like, shape (..., 4)
        Bell coefficients of (A, B1) and (B2, C): ``entanglement_swap(BellDiagonal(c1), BellDiagonal(c2))``.
    gate_error, readout_error, bsm, correct
        As in :func:`entanglement_swap` (``p2`` and ``eta`` are accepted, with a warning).
    validate : bool, default True
        Check the coefficients.

    Returns
    -------
    SwapResult
        ``state`` (..., 4) and ``branch_states`` (..., 4, 4) as coefficient arrays.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     r = bd_entanglement_swap([0.9, 0.1, 0, 0], [0.8, 0, 0.2, 0])
    >>> r.state.round(4).tolist()
    [0.72, 0.08, 0.18, 0.02]
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    owner = "bd_entanglement_swap"
    a = BellDiagonal._trusted(_as_coeffs(c1, "c1", owner, validate))
    b = BellDiagonal._trusted(_as_coeffs(c2, "c2", owner, validate))
    return _coefficient_arrays(entanglement_swap(a, b, gate_error=gate_error, readout_error=readout_error, bsm=bsm,
                                                 correct=correct))
