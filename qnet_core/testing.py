"""Hypothesis strategies and invariant checks for property-testing quantum-network code.

Use them in your own test-suite::

    from hypothesis import given
    from qnet_core.testing import density_matrices, assert_density_matrix

    @given(density_matrices(2))
    def test_my_protocol_keeps_states_valid(rho):
        assert_density_matrix(my_protocol(rho))

Requires the ``test`` extra (hypothesis). Random objects are drawn from seeded
generators (Haar / Hilbert-Schmidt measures) mixed with edge cases (pure, maximally
mixed, Bell and low-rank states), so failures shrink to a reproducible seed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover
    raise ImportError("qnet_core.testing needs hypothesis: pip install 'qnetsim[test]'") from exc

from .states import (bell_state, maximally_mixed, random_density_matrix, random_ket, random_kraus,
                     random_unitary, ket_to_dm)

__all__ = [
    "density_matrices",
    "pure_states",
    "kets",
    "unitaries",
    "kraus_channels",
    "bell_diagonal_coefficients",
    "probabilities",
    "assert_density_matrix",
    "assert_cptp",
]

_seeds = st.integers(min_value=0, max_value=2**32 - 1)


def _n_strategy(n):
    if isinstance(n, st.SearchStrategy):
        return n
    if isinstance(n, tuple):
        return st.integers(min_value=n[0], max_value=n[1])
    return st.just(int(n))


@st.composite
def density_matrices(draw, num_qubits=2, batch: int | None = None):
    """Density matrices of ``num_qubits`` (int, (lo, hi) tuple or strategy).

    Mixes full-rank Hilbert-Schmidt and Bures states, random low-rank states, pure states,
    the maximally mixed state and (for two qubits) Bell states. With ``batch=B`` returns a
    ``(B, 2**n, 2**n)`` batch.

    Parameters
    ----------
    num_qubits : int, tuple of (int, int) or hypothesis strategy, default 2
        Number of qubits n: fixed, drawn from ``[lo, hi]``, or drawn from the strategy.
    batch : int, optional
        Draw a batch of B states (all with the same n) instead of one.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of complex128 arrays ``(2**n, 2**n)`` (or ``(B, 2**n, 2**n)``).
    """
    n = draw(_n_strategy(num_qubits))

    def one():
        kind = draw(st.sampled_from(["hs", "bures", "rank", "pure", "mixed", "bell"]))
        seed = draw(_seeds)
        if kind == "hs":
            return random_density_matrix(n, seed)
        if kind == "bures":
            return random_density_matrix(n, seed, metric="bures")
        if kind == "rank":
            return random_density_matrix(n, seed, rank=draw(st.integers(1, 2**n)))
        if kind == "pure":
            return ket_to_dm(random_ket(n, seed))
        if kind == "mixed":
            return maximally_mixed(n)
        if n == 2:
            return bell_state(draw(st.integers(0, 3)))
        return random_density_matrix(n, seed)

    if batch is None:
        return one()
    return np.stack([one() for _ in range(batch)])


@st.composite
def kets(draw, num_qubits=1):
    """Haar-random normalized state vectors ``(2**n,)``.

    Parameters
    ----------
    num_qubits : int, tuple of (int, int) or hypothesis strategy, default 1
        Number of qubits n: fixed, drawn from ``[lo, hi]``, or drawn from the strategy.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of complex128 unit vectors ``(2**n,)``.
    """
    return random_ket(draw(_n_strategy(num_qubits)), draw(_seeds))


@st.composite
def pure_states(draw, num_qubits=1):
    """Pure density matrices ``|psi><psi|`` with Haar-random psi.

    Parameters
    ----------
    num_qubits : int, tuple of (int, int) or hypothesis strategy, default 1
        Number of qubits n: fixed, drawn from ``[lo, hi]``, or drawn from the strategy.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of complex128 rank-one density matrices ``(2**n, 2**n)``.
    """
    return ket_to_dm(random_ket(draw(_n_strategy(num_qubits)), draw(_seeds)))


@st.composite
def unitaries(draw, num_qubits=1):
    """Haar-random unitaries ``(2**n, 2**n)``.

    Parameters
    ----------
    num_qubits : int, tuple of (int, int) or hypothesis strategy, default 1
        Number of qubits n: fixed, drawn from ``[lo, hi]``, or drawn from the strategy.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of complex128 unitary matrices ``(2**n, 2**n)``.
    """
    return random_unitary(draw(_n_strategy(num_qubits)), draw(_seeds))


@st.composite
def kraus_channels(draw, num_qubits=1, num_operators=(1, 4)):
    """Random CPTP channels as Kraus arrays ``(k, 2**n, 2**n)`` (Stinespring isometries).

    Parameters
    ----------
    num_qubits : int, tuple of (int, int) or hypothesis strategy, default 1
        Number of qubits n: fixed, drawn from ``[lo, hi]``, or drawn from the strategy.
    num_operators : int, tuple of (int, int) or hypothesis strategy, default (1, 4)
        Number of Kraus operators k, specified the same way.

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of complex128 arrays ``(k, 2**n, 2**n)`` with ``sum_i K_i^dag K_i = I``.
    """
    k = draw(_n_strategy(num_operators))
    return random_kraus(draw(_n_strategy(num_qubits)), k, draw(_seeds))


def probabilities(allow_edges: bool = True) -> st.SearchStrategy[float]:
    """Floats in [0, 1] with the endpoints included.

    Parameters
    ----------
    allow_edges : bool, default True
        Also draw 0.0, 1.0 and 0.5 explicitly (besides any float in [0, 1]).

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of floats in [0, 1], never NaN.
    """
    base = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
    return st.one_of(st.sampled_from([0.0, 1.0, 0.5]), base) if allow_edges else base


@st.composite
def bell_diagonal_coefficients(draw, min_fidelity: float = 0.0):
    """Bell coefficients ``(4,)`` (non-negative, sum 1) with first coefficient >= min_fidelity.

    Parameters
    ----------
    min_fidelity : float, default 0.0
        Lower bound on the phi+ coefficient, in [0, 1].

    Returns
    -------
    hypothesis.strategies.SearchStrategy
        Strategy of float64 arrays ``(4,)`` in BELL_NAMES order (Dirichlet, Werner or vertex
        draws).
    """
    kind = draw(st.sampled_from(["dirichlet", "werner", "vertex"]))
    seed = draw(_seeds)
    rng = np.random.default_rng(seed)
    if kind == "vertex":
        c = np.zeros(4)
        c[draw(st.integers(0, 3))] = 1.0
    elif kind == "werner":
        F = draw(st.floats(0.0, 1.0))
        c = np.array([F, (1 - F) / 3, (1 - F) / 3, (1 - F) / 3])
    else:
        c = rng.dirichlet(np.ones(4))
    if c[0] < min_fidelity:
        c = min_fidelity * np.eye(4)[0] + (1 - min_fidelity) * c
    return c / c.sum()


def assert_density_matrix(rho: ArrayLike, atol: float = 1e-8) -> None:
    """Assert every state in ``rho`` (..., d, d) is Hermitian, unit-trace and PSD within ``atol``.

    Parameters
    ----------
    rho : array_like, shape (..., d, d)
        State or batch of states.
    atol : float, default 1e-8
        Tolerance of the Hermiticity check; trace and eigenvalue checks use ``atol * d``.
    """
    a = np.asarray(rho)
    assert a.ndim >= 2 and a.shape[-1] == a.shape[-2], f"not square: shape {a.shape}"
    assert np.all(np.isfinite(a)), "contains NaN or inf"
    herm = np.max(np.abs(a - np.conj(np.swapaxes(a, -1, -2))))
    assert herm <= atol, f"not Hermitian: max |rho - rho^dag| = {herm:.3g}"
    tr = np.trace(a, axis1=-2, axis2=-1)
    assert np.all(np.abs(tr - 1) <= atol * a.shape[-1]), f"trace != 1: {tr}"
    ev = np.linalg.eigvalsh(0.5 * (a + np.conj(np.swapaxes(a, -1, -2))))
    assert ev.min() >= -atol * a.shape[-1], f"negative eigenvalue {ev.min():.3g}"


def assert_cptp(kraus: ArrayLike, atol: float = 1e-9) -> None:
    """Assert a Kraus set ``(k, d, d)`` is trace preserving and its Choi matrix is PSD.

    Parameters
    ----------
    kraus : array_like, shape (k, d, d) or (d, d)
        Kraus operators (a single matrix counts as k = 1).
    atol : float, default 1e-9
        Tolerance, scaled by ``d``, of both checks.
    """
    K = np.asarray(kraus, dtype=np.complex128)
    if K.ndim == 2:
        K = K[None]
    d = K.shape[-1]
    tp = np.einsum("kji,kjl->il", K.conj(), K)
    dev = np.max(np.abs(tp - np.eye(d)))
    assert dev <= atol * d, f"not trace preserving: max |sum K^dag K - I| = {dev:.3g}"
    vecs = K.reshape(K.shape[0], d * d)  # row-major vec(K) = sum_ij K_ij |i>|j>
    choi = vecs.T @ vecs.conj()
    ev = np.linalg.eigvalsh(0.5 * (choi + choi.conj().T))
    assert ev.min() >= -atol * d, f"Choi matrix not PSD: min eigenvalue {ev.min():.3g}"
