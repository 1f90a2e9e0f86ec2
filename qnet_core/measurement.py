"""Projective measurements in the Z, X, Y and Bell bases.

A measurement returns *all* branches at once (probabilities and post-measurement
states) as a :class:`Measurement`; :func:`sample_measurement` draws one outcome per
batch element from a seeded generator.

Outcome indices: for single-qubit bases the outcome index is the bit string of the
measured qubits with ``qubits[0]`` as the most significant bit, where bit 0 is the +1
eigenstate (|0>, |+>, |+i>). For the Bell basis the outcome index is the Bell index of
:data:`qnet_core.states.BELL_NAMES` (phi+, phi-, psi+, psi-).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from . import _kernels
from .errors import ParameterError, QubitIndexError
from .gates import CNOT, H, I2, SDG
from .ops import OperationSequence, _flatten_batch, _index_maps
from .random import SeedLike, as_generator
from .states import BELL_NAMES
from .validation import as_density_matrix, check_targets

__all__ = ["Measurement", "measure", "bell_measure", "sample_measurement"]

_BASIS_ROTATION = {"Z": I2, "X": H, "Y": H @ SDG}
# Z-basis outcome (m_a m_b) after CNOT(a,b), H(a) -> Bell index; index list maps Bell k -> s.
_BELL_FROM_Z = np.array([0, 2, 1, 3])


@dataclass(frozen=True)
class Measurement:
    """All branches of a projective measurement.

    Attributes
    ----------
    probabilities : numpy.ndarray, shape (..., S)
        Outcome probabilities (sum to 1 over the last axis).
    states : numpy.ndarray, shape (..., S, D', D')
        Post-measurement state of each branch: normalized (a zero-probability branch
        holds the maximally mixed state) unless ``normalize=False`` was asked, in which
        case ``states[..., s, :, :]`` is the unnormalized ``p_s rho_s``.
    qubits : tuple of int
        Measured qubits.
    basis : str
        Basis per measured qubit (e.g. ``"ZX"``) or ``"bell"``.
    labels : tuple of str
        Human-readable outcome labels in index order.
    """

    probabilities: np.ndarray
    states: np.ndarray
    qubits: tuple
    basis: str
    labels: tuple

    def __repr__(self) -> str:  # short: arrays by shape and dtype, probabilities of a single small measurement
        p = self.probabilities
        probs = (repr([float(f"{x:.6g}") for x in p.tolist()]) if p.ndim == 1 and p.size <= 8
                 else f"<{p.shape} {p.dtype}>")
        return (f"Measurement(qubits={self.qubits!r}, basis={self.basis!r}, probabilities={probs}, "
                f"states=<{self.states.shape} {self.states.dtype}>)")

    def sample(self, seed: SeedLike = None) -> tuple[np.ndarray, np.ndarray]:
        """Draw one outcome per batch element; return ``(outcomes, states)``.

        Parameters
        ----------
        seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, optional
            Randomness source (see :func:`qnet_core.random.as_generator`).

        Returns
        -------
        outcomes : numpy.ndarray of int, shape (...)
            Drawn outcome index per batch element (an index into ``labels``).
        states : numpy.ndarray, shape (..., D', D')
            The branch state of each drawn outcome, as stored in ``states``.
        """
        rng = as_generator(seed)
        p = self.probabilities
        flat = p.reshape(-1, p.shape[-1])
        cum = np.cumsum(flat, axis=-1)
        u = rng.random(flat.shape[0]) * cum[:, -1]
        idx = np.minimum((cum <= u[:, None]).sum(axis=-1), flat.shape[-1] - 1)
        st = self.states.reshape((-1,) + self.states.shape[-3:])
        chosen = st[np.arange(st.shape[0]), idx]
        return idx.reshape(p.shape[:-1]), chosen.reshape(p.shape[:-1] + self.states.shape[-2:])

    def to_dict(self) -> dict:
        """Summary (without the post-measurement states) as a JSON-friendly dict.

        Returns
        -------
        dict
            ``qubits`` and ``labels`` as lists, ``basis`` (str) and ``probabilities`` as a (nested) list.
        """
        return {"qubits": list(self.qubits), "basis": self.basis, "labels": list(self.labels),
                "probabilities": self.probabilities.tolist()}


def _parse_basis(basis, m: int) -> str:
    if not isinstance(basis, str):
        raise ParameterError(f"measure(): basis={basis!r} must be a string such as 'Z', 'X', 'Y' or 'XZ'")
    b = basis.upper()
    if len(b) == 1:
        b = b * m
    if len(b) != m or any(ch not in _BASIS_ROTATION for ch in b):
        raise ParameterError(
            f"measure(): basis={basis!r} is not allowed for {m} qubit(s); use one of 'Z', 'X', 'Y' for all "
            f"qubits or one letter per measured qubit (e.g. {'XZ'[:m] if m <= 2 else 'X' * m!r})"
        )
    return b


def _finish(arr, n, qubits, rotation_steps, keep_measured, normalize, labels, basis_label, order=None):
    flat, batch = _flatten_batch(arr)
    flat = np.ascontiguousarray(flat)
    if rotation_steps:
        flat = OperationSequence(n, rotation_steps, validate=False).apply(flat, validate=False)
    m = len(qubits)
    rest = tuple(q for q in range(n) if q not in qubits)
    offs_meas = _index_maps(n, qubits)[1]
    base_rest = _index_maps(n, rest)[1] if rest else np.zeros(1, dtype=np.int64)
    if keep_measured:
        branches = np.stack(
            [_kernels.zero_off_outcome(flat, base_rest, offs_meas, s) for s in range(1 << m)], axis=1
        )
        if rotation_steps:
            inv = [(np.conj(np.swapaxes(np.asarray(k)[None] if np.asarray(k).ndim == 2 else np.asarray(k), -1, -2)), t)
                   for k, t in reversed(rotation_steps)]
            seq = OperationSequence(n, inv, validate=False)
            sh = branches.shape
            branches = seq.apply(branches.reshape((-1,) + sh[-2:]), validate=False).reshape(sh)
    else:
        branches = _kernels.project_blocks(flat, base_rest, offs_meas)
    probs = np.real(np.trace(branches, axis1=-2, axis2=-1))
    probs = np.clip(probs, 0.0, None)
    tot = probs.sum(axis=-1, keepdims=True)
    probs = probs / np.where(tot > 0, tot, 1.0)
    if order is not None:
        probs = probs[:, order]
        branches = branches[:, order]
    if normalize:
        dsub = branches.shape[-1]
        safe = probs > 1e-300
        denom = np.where(safe, probs, 1.0)[..., None, None]
        branches = branches / denom
        mixed = np.eye(dsub, dtype=np.complex128) / dsub
        branches = np.where(safe[..., None, None], branches, mixed)
    return Measurement(
        probabilities=probs.reshape(batch + probs.shape[-1:]),
        states=branches.reshape(batch + branches.shape[-3:]),
        qubits=tuple(qubits),
        basis=basis_label,
        labels=labels,
    )


def measure(rho: ArrayLike, qubits: int | Sequence[int], basis: str = "Z", keep_measured: bool = False,
            normalize: bool = True, validate: bool = True) -> Measurement:
    """Projective measurement of ``qubits`` in the Z, X or Y basis (one letter per qubit allowed).

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
    qubits : sequence of int
        Measured qubits; ``qubits[0]`` is the most significant bit of the outcome index.
    basis : str, default "Z"
        ``"Z"``, ``"X"``, ``"Y"`` for every qubit, or one letter per qubit (``"XZ"``).
    keep_measured : bool, default False
        If False the measured qubits are traced out of the post-states (shape
        ``2**(n-m)``); if True they stay, collapsed onto the outcome's eigenstate.
    normalize : bool, default True
        Normalize branches (zero-probability branches become maximally mixed); if False
        return ``p_s rho_s``.

    Returns
    -------
    Measurement

    Examples
    --------
    >>> import qnet_core as qc
    >>> m = qc.measure(qc.bell_state("phi+"), [0])
    >>> m.probabilities.tolist()
    [0.5, 0.5]
    """
    arr, n = as_density_matrix(rho, owner="measure", validate=validate)
    qs = check_targets(qubits, n, name="qubits", owner="measure")
    b = _parse_basis(basis, len(qs))
    steps = [(_BASIS_ROTATION[ch][None], (q,)) for ch, q in zip(b, qs) if ch != "Z"]
    m = len(qs)
    labels = tuple(format(s, f"0{m}b") for s in range(1 << m))
    return _finish(arr, n, qs, steps, keep_measured, normalize, labels, b)


def bell_measure(rho: ArrayLike, qubits: int | Sequence[int] = (0, 1), keep_measured: bool = False,
                 normalize: bool = True, validate: bool = True) -> Measurement:
    """Bell-state measurement of two qubits; outcomes in ``BELL_NAMES`` order.

    Implemented as CNOT(qubits[0] -> qubits[1]), H(qubits[0]) and a Z measurement,
    so ``|phi+> -> 00, |phi-> -> 10, |psi+> -> 01, |psi-> -> 11``.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        State or batch of states, n >= 2.
    qubits : sequence of two int, default (0, 1)
        The two distinct qubits measured.
    keep_measured : bool, default False
        Keep the measured qubits (collapsed) in the post-measurement states instead of tracing
        them out.
    normalize : bool, default True
        Normalize the branch states (False stores ``p_s rho_s``).
    validate : bool or "full", default True
        Check the input states.

    Returns
    -------
    Measurement
        Four branches with labels ``BELL_NAMES`` and basis ``"bell"``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> qc.bell_measure(qc.bell_state("psi-")).probabilities.round(12).tolist()
    [0.0, 0.0, 0.0, 1.0]
    """
    arr, n = as_density_matrix(rho, owner="bell_measure", validate=validate)
    qs = check_targets(qubits, n, name="qubits", owner="bell_measure")
    if len(qs) != 2:
        raise QubitIndexError(f"bell_measure(): qubits={qs!r} must name exactly two qubits")
    steps = [(CNOT[None], qs), (H[None], (qs[0],))]
    return _finish(arr, n, qs, steps, keep_measured, normalize, BELL_NAMES, "bell", order=_BELL_FROM_Z)


def sample_measurement(rho: ArrayLike, qubits: int | Sequence[int], basis: str = "Z", seed: SeedLike = None,
                       validate: bool = True) -> np.ndarray:
    """Measure and draw one outcome per batch element.

    Parameters
    ----------
    basis : str
        As in :func:`measure`, or ``"bell"`` for a Bell-state measurement of two qubits.
    seed : int, Generator, SeedSequence or None

    Returns
    -------
    outcomes : numpy.ndarray of int, shape (...)
    states : numpy.ndarray, shape (..., D', D')
        The normalized post-measurement state of the drawn outcome (measured qubits
        removed).
    """
    if isinstance(basis, str) and basis.lower() == "bell":
        meas = bell_measure(rho, qubits, validate=validate)
    else:
        meas = measure(rho, qubits, basis, validate=validate)
    return meas.sample(seed)
