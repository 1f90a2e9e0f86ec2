"""Entanglement swapping: a Bell-state measurement joins two pairs into one.

Two pairs, ``rho1`` on qubits (A, B1) and ``rho2`` on (B2, C), are combined by a Bell-state
measurement (BSM) on the middle qubits (B1, B2); the outcome ``k`` (Bell index, ``k = 2x + z``,
:data:`qnet_core.BELL_NAMES` order) is sent to C's holder, who applies the Pauli correction
``X^x Z^z`` on C. For ``|phi+> (x) |phi+>`` every outcome then leaves ``|phi+>`` on (A, C)
(Zukowski et al., PRL 71, 4287 (1993)).

Two code paths, which agree wherever both apply (tested):

* :func:`entanglement_swap` runs on the dense engine: any two-qubit input states (batches
  ``(..., 4, 4)``), the BSM of :func:`qnet_core.bell_measure`, noise from :mod:`channels`.
* :func:`bd_entanglement_swap` works on Bell-diagonal coefficients ``(..., 4)``; the
  Pauli-corrected output is the XOR convolution of the inputs (:func:`qnet_core.bd_swap`), so
  Werner parameters multiply, ``w = w1 w2``.

Noise model (both paths):

* ``p2``: two-qubit depolarizing error ``rho -> (1 - p2) rho + p2 I/4`` on (B1, B2) with the
  BSM's CNOT (:func:`channels.depolarizing` with ``num_qubits=2``). The CNOT is a Clifford gate,
  so the error is the same before or after it.
* ``eta``: each of the two measured bits is misread with probability ``eta``. The BSM reads
  the z bit on B1 (after the Hadamard) and the x bit on B2, so this equals a phase flip
  ``channels.phase_flip(eta)`` on B1 and a bit flip ``channels.bit_flip(eta)`` on B2 before
  an ideal BSM: the reported outcome is ``k XOR e`` with ``P(e) = ((1-eta)^2, eta(1-eta),
  eta(1-eta), eta^2)``.
* ``bsm="linear_optics"``: a linear-optics BSM with two photon detectors resolves only
  ``psi+`` and ``psi-`` (success probability 1/2 for pairs with maximally mixed marginals;
  Lutkenhaus, Calsamiglia, Suominen, PRA 59, 3295 (1999)); ``phi+/phi-`` outcomes herald a
  failure and the state is discarded.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

import channels
from qnet_core import bd_swap, bell_measure, tensor
from qnet_core.errors import DimensionError, ParameterError, StateError
from qnet_core.gates import I2, X, Z
from qnet_core.metrics import fidelity
from qnet_core.ops import OperationSequence
from qnet_core.states import BELL_NAMES
from qnet_core.validation import as_density_matrix, check_probability

__all__ = ["SwapResult", "BSM_KINDS", "entanglement_swap", "bd_entanglement_swap", "measurement_error_distribution"]

#: Allowed Bell-state-measurement models.
BSM_KINDS = ("ideal", "linear_optics")

#: Pauli correction for Bell index k = 2x + z: ``X^x Z^z`` (rows of (2, 2) matrices).
PAULI_CORRECTIONS = np.array([I2, Z, X, X @ Z])
PAULI_CORRECTIONS.setflags(write=False)

# Outcomes accepted by each BSM model.
_SUCCESS = {"ideal": np.array([True, True, True, True]), "linear_optics": np.array([False, False, True, True])}
# XOR table of Bell indices.
_XOR = np.array([[i ^ j for j in range(4)] for i in range(4)])


# --------------------------------------------------------------------------- shared helpers
def _as_pair(rho, name: str, owner: str, validate: bool) -> np.ndarray:
    """Validated complex128 two-qubit state (batch) ``(..., 4, 4)``."""
    arr, n = as_density_matrix(rho, name=name, owner=owner, validate=validate)
    if arr.ndim < 2 or arr.shape[-1] != 4 or arr.shape[-2] != 4:
        raise DimensionError(
            f"{owner}(): {name} has shape {arr.shape} ({n} qubit(s)); expected a two-qubit state (..., 4, 4)"
        )
    return arr


def _as_qubit(rho, name: str, owner: str, validate: bool) -> np.ndarray:
    """Validated single-qubit state: a density matrix ``(..., 2, 2)`` or a ket ``(2,)``."""
    a = np.asarray(rho)
    if a.ndim == 1:
        if a.shape != (2,):
            raise DimensionError(
                f"{owner}(): {name} has shape {a.shape}; expected a qubit ket (2,) or state (..., 2, 2)")
        a = a.astype(np.complex128)
        nrm = np.linalg.norm(a)
        if validate and (not np.isfinite(nrm) or abs(nrm - 1.0) > 1e-8):
            raise StateError(f"{owner}(): {name} has norm {nrm:.6g}; a state vector must have norm 1")
        a = np.outer(a, a.conj())
    arr, n = as_density_matrix(a, name=name, owner=owner, validate=validate)
    if arr.ndim < 2 or arr.shape[-1] != 2:
        raise DimensionError(
            f"{owner}(): {name} has shape {arr.shape} ({n} qubit(s)); "
            "expected a single-qubit state (..., 2, 2) or ket (2,)"
        )
    return arr


def _as_coeffs(c, name: str, owner: str, validate: bool = True) -> np.ndarray:
    """Bell coefficients ``(..., 4)``: finite, non-negative, summing to 1."""
    try:
        arr = np.asarray(c, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{owner}(): {name}={c!r} must be an array of four Bell coefficients") from None
    if arr.ndim < 1 or arr.shape[-1] != 4:
        raise DimensionError(f"{owner}(): {name} has shape {arr.shape}; expected (..., 4) Bell coefficients "
                             f"in {', '.join(BELL_NAMES)} order")
    if validate:
        if not np.all(np.isfinite(arr)) or np.any(arr < -1e-12):
            raise ParameterError(f"{owner}(): {name} must be finite and non-negative (got {np.ravel(arr)[:4]!r}...)")
        s = arr.sum(axis=-1)
        if np.any(np.abs(s - 1.0) > 1e-9):
            bad = float(np.ravel(s)[np.argmax(np.abs(np.ravel(s) - 1.0))])
            raise ParameterError(f"{owner}(): {name} sums to {bad:.6g}; Bell coefficients must sum to 1")
        arr = np.clip(arr, 0.0, None)
    return arr


def _check_bsm(bsm, owner: str) -> str:
    if bsm not in BSM_KINDS:
        raise ParameterError(f"{owner}(): bsm={bsm!r} is not allowed; use one of {', '.join(map(repr, BSM_KINDS))}")
    return bsm


def _scalar(x):
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def measurement_error_distribution(eta: float) -> np.ndarray:
    """Distribution ``(4,)`` of the Bell-index error ``e`` of a BSM whose two bits flip with ``eta``.

    ``e = 2 e_x + e_z`` with independent flips: ``((1-eta)^2, eta(1-eta), eta(1-eta), eta^2)``.

    Examples
    --------
    >>> measurement_error_distribution(0.1).round(4).tolist()
    [0.81, 0.09, 0.09, 0.01]
    """
    eta = check_probability(eta, "eta", "measurement_error_distribution")
    return np.array([(1 - eta) ** 2, eta * (1 - eta), eta * (1 - eta), eta * eta])


def _bd_shift(c: np.ndarray, k: int) -> np.ndarray:
    """Bell coefficients after the Pauli with Bell index ``k`` on one qubit: ``out[j ^ k] = c[j]``."""
    return c[..., _XOR[k]]


@lru_cache(maxsize=64)
def _bsm_noise_sequence(n: int, a: int, b: int, p2: float, eta: float):
    """Compiled BSM noise on qubits (a, b) of an n-qubit register, or None if noiseless."""
    steps = []
    if p2 > 0.0:
        steps.append((channels.depolarizing(p2, num_qubits=2).kraus, (a, b)))
    if eta > 0.0:
        steps.append((channels.phase_flip(eta).kraus, (a,)))
        steps.append((channels.bit_flip(eta).kraus, (b,)))
    if not steps:
        return None
    return OperationSequence(n, steps, validate=False)


def _bsm_branches(rho: np.ndarray, a: int, b: int, p2: float, eta: float, extra_steps=()):
    """Noisy BSM on qubits (a, b) of ``rho``; returns (probabilities (..., 4), states (..., 4, D', D')).

    ``extra_steps`` are (kraus, targets) applied before the measurement (e.g. memory noise on
    a qubit that is not measured, which commutes with the BSM).
    """
    n = int(rho.shape[-1]).bit_length() - 1
    seq = _bsm_noise_sequence(n, a, b, p2, eta)
    if seq is not None:
        rho = seq.apply(rho, validate=False)
    for kraus, targets in extra_steps:
        rho = OperationSequence(n, [(kraus, targets)], validate=False).apply(rho, validate=False)
    meas = bell_measure(rho, (a, b), validate=False)
    return meas.probabilities, meas.states


def _correct_branches(states: np.ndarray, qubit: int) -> np.ndarray:
    """Apply the Pauli correction ``X^x Z^z`` of outcome k on ``qubit`` of branch k (axis -3)."""
    out = np.array(states, dtype=np.complex128, copy=True)
    n = int(out.shape[-1]).bit_length() - 1
    for k in range(1, 4):
        seq = OperationSequence(n, [(PAULI_CORRECTIONS[k][None], (qubit,))], validate=False)
        out[..., k, :, :] = seq.apply(np.ascontiguousarray(out[..., k, :, :]), validate=False)
    return out


def _state_fidelity(rho: np.ndarray, sigma: np.ndarray):
    """Squared Uhlmann fidelity; exact ``tr(rho sigma)`` where ``sigma`` is pure (batched)."""
    rho, sigma = np.broadcast_arrays(rho, sigma)
    overlap = np.real(np.einsum("...ij,...ji->...", rho, sigma))
    purity = np.real(np.einsum("...ij,...ji->...", sigma, sigma))
    pure = purity > 1.0 - 1e-10
    if np.all(pure):
        return _scalar(np.clip(overlap, 0.0, 1.0))
    uhl = np.asarray(fidelity(rho, sigma, validate=False))
    return _scalar(np.clip(np.where(pure, overlap, uhl), 0.0, 1.0))


def _average_branches(probs: np.ndarray, states: np.ndarray, success: np.ndarray):
    """Mix the accepted branches: returns (state, success probability); zero success -> I/d."""
    w = np.where(success, probs, 0.0)
    p_succ = w.sum(axis=-1)
    d = states.shape[-1]
    safe = np.where(p_succ > 0, p_succ, 1.0)
    mix = np.einsum("...k,...kij->...ij", w / safe[..., None], states)
    mix = np.where((p_succ > 0)[..., None, None], mix, np.eye(d) / d)
    return mix, p_succ


# --------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class SwapResult:
    """Outcome of an entanglement swap.

    Attributes
    ----------
    state : numpy.ndarray, shape (..., 4, 4) or (..., 4)
        The (A, C) state averaged over the accepted outcomes (dense matrix, or Bell
        coefficients for :func:`bd_entanglement_swap`). With ``corrected=False`` it is the
        mixture of the *uncorrected* branches, i.e. the state before the frame is applied.
    probabilities : numpy.ndarray, shape (..., 4)
        Probabilities of the reported BSM outcomes in BELL_NAMES order.
    frame : numpy.ndarray of int, shape (4,)
        Bell index of the Pauli ``X^x Z^z`` still to apply on C after each outcome (all zeros
        when the correction was applied; ``[0, 1, 2, 3]`` otherwise).
    branch_states : numpy.ndarray, shape (..., 4, 4, 4) or (..., 4, 4)
        Normalized (A, C) state after each reported outcome (corrected or not, see ``frame``);
        zero-probability branches hold the maximally mixed state.
    success_probability : float or numpy.ndarray, shape (...)
        Probability that the BSM heralds success (1 for the ideal BSM).
    bsm : str
        ``"ideal"`` or ``"linear_optics"``.
    corrected : bool
        Whether the Pauli correction was applied.
    """

    state: np.ndarray
    probabilities: np.ndarray
    frame: np.ndarray
    branch_states: np.ndarray
    success_probability: float | np.ndarray
    bsm: str
    corrected: bool

    @property
    def fidelity(self):
        """Fidelity of ``state`` to ``|phi+>`` (meaningful when corrected)."""
        s = np.asarray(self.state)
        if s.shape[-1] == 4 and s.ndim >= 2 and s.shape[-2] == 4:
            f = np.real(s[..., 0, 0] + s[..., 3, 3] + s[..., 0, 3] + s[..., 3, 0]) / 2.0
        else:
            f = s[..., 0]
        return _scalar(f)

    def to_dict(self) -> dict:
        st = np.asarray(self.state)
        out = {
            "bsm": self.bsm,
            "corrected": self.corrected,
            "frame": np.asarray(self.frame).tolist(),
            "probabilities": np.asarray(self.probabilities).tolist(),
            "success_probability": np.asarray(self.success_probability).tolist(),
            "fidelity": np.asarray(self.fidelity).tolist(),
        }
        if np.iscomplexobj(st):
            out["state_real"] = st.real.tolist()
            out["state_imag"] = st.imag.tolist()
        else:
            out["state"] = st.tolist()
        return out


# --------------------------------------------------------------------------- dense path
def entanglement_swap(rho1, rho2, *, p2: float = 0.0, eta: float = 0.0, bsm: str = "ideal",
                      correct: bool = True, validate: bool = True) -> SwapResult:
    """Swap two pairs by a (noisy) Bell-state measurement on their inner qubits.

    Parameters
    ----------
    rho1 : array_like, shape (..., 4, 4)
        State of pair (A, B1); qubit 0 = A.
    rho2 : array_like, shape (..., 4, 4)
        State of pair (B2, C); qubit 0 = B2. Batch axes broadcast with ``rho1``.
    p2 : float, default 0
        Two-qubit depolarizing probability of the BSM's CNOT, in [0, 1].
    eta : float, default 0
        Probability that each measured bit is misread, in [0, 1].
    bsm : {"ideal", "linear_optics"}
        Full BSM, or the linear-optics BSM that only resolves ``psi+`` and ``psi-``.
    correct : bool, default True
        Apply the Pauli correction on C; if False the branch states are left uncorrected and
        the needed correction is reported in ``frame``.
    validate : bool, default True
        Check that the inputs are two-qubit density matrices.

    Returns
    -------
    SwapResult
        ``state`` shape (..., 4, 4) on (A, C); ``branch_states`` (..., 4, 4, 4).

    Notes
    -----
    The four qubits (A, B1, B2, C) are built with :func:`qnet_core.tensor`, the noise is applied
    with compiled Kraus sequences and the BSM is :func:`qnet_core.bell_measure`. For Werner
    inputs and an ideal BSM the output is Werner with ``w = w1 w2``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = entanglement_swap(qc.werner(0.9), qc.werner(0.9))
    >>> round(r.fidelity, 6)    # w = ((4*0.9 - 1)/3)**2  ->  F = (3 w + 1)/4
    0.813333
    """
    owner = "entanglement_swap"
    a = _as_pair(rho1, "rho1", owner, validate)
    b = _as_pair(rho2, "rho2", owner, validate)
    p2 = check_probability(p2, "p2", owner)
    eta = check_probability(eta, "eta", owner)
    bsm = _check_bsm(bsm, owner)
    full = tensor(a, b)  # (A, B1, B2, C)
    probs, branches = _bsm_branches(full, 1, 2, p2, eta)  # branches on (A, C)
    if correct:
        branches = _correct_branches(branches, 1)
        frame = np.zeros(4, dtype=np.int64)
    else:
        frame = np.arange(4, dtype=np.int64)
    state, p_succ = _average_branches(probs, branches, _SUCCESS[bsm])
    return SwapResult(state=state, probabilities=probs, frame=frame, branch_states=branches,
                      success_probability=_scalar(p_succ), bsm=bsm, corrected=bool(correct))


# --------------------------------------------------------------------------- Bell-diagonal path
def bd_entanglement_swap(c1, c2, *, p2: float = 0.0, eta: float = 0.0, bsm: str = "ideal",
                         correct: bool = True, validate: bool = True) -> SwapResult:
    """Entanglement swapping of Bell-diagonal pairs on their coefficients ``(..., 4)``.

    Same physics and noise model as :func:`entanglement_swap`, on Bell coefficients in
    BELL_NAMES order. For Bell-diagonal inputs every BSM outcome has probability 1/4 and the
    corrected output does not depend on the outcome:

    ``c = (1 - p2) (c1 * c2) + p2/4``, then the XOR convolution with the readout-error
    distribution of :func:`measurement_error_distribution`, where ``c1 * c2`` is the XOR
    convolution of :func:`qnet_core.bd_swap`.

    Parameters
    ----------
    c1, c2 : array_like, shape (..., 4)
        Bell coefficients of (A, B1) and (B2, C).
    p2, eta, bsm, correct
        As in :func:`entanglement_swap`.

    Returns
    -------
    SwapResult
        ``state`` is the coefficient array (..., 4); ``branch_states`` (..., 4, 4).

    Examples
    --------
    >>> r = bd_entanglement_swap([0.9, 0.1, 0, 0], [0.8, 0, 0.2, 0])
    >>> r.state.round(4).tolist()
    [0.72, 0.08, 0.18, 0.02]
    """
    owner = "bd_entanglement_swap"
    a = _as_coeffs(c1, "c1", owner, validate)
    b = _as_coeffs(c2, "c2", owner, validate)
    p2 = check_probability(p2, "p2", owner)
    eta = check_probability(eta, "eta", owner)
    bsm = _check_bsm(bsm, owner)
    c = bd_swap(a, b, validate=False)
    c = (1.0 - p2) * c + p2 / 4.0
    if eta > 0.0:
        c = bd_swap(c, measurement_error_distribution(eta), validate=False)
    batch = c.shape[:-1]
    probs = np.full(batch + (4,), 0.25)
    if correct:
        branches = np.broadcast_to(c[..., None, :], batch + (4, 4)).copy()
        frame = np.zeros(4, dtype=np.int64)
    else:
        branches = np.stack([_bd_shift(c, k) for k in range(4)], axis=-2)
        frame = np.arange(4, dtype=np.int64)
    success = _SUCCESS[bsm]
    w = np.where(success, probs, 0.0)
    p_succ = w.sum(axis=-1)
    state = np.einsum("...k,...kj->...j", w / p_succ[..., None], branches)
    return SwapResult(state=state, probabilities=probs, frame=frame, branch_states=branches,
                      success_probability=_scalar(p_succ), bsm=bsm, corrected=bool(correct))
