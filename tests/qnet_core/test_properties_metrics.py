"""Metric invariants: fidelity symmetric, in [0,1], 1 iff equal, monotone under channels."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import qnet_core as qc
from qnet_core.testing import (assert_density_matrix, bell_diagonal_coefficients, density_matrices,
                               kraus_channels, pure_states)


@given(density_matrices(2), density_matrices(2))
def test_fidelity_symmetric_and_bounded(a, b):
    f_ab = qc.fidelity(a, b)
    assert 0.0 <= f_ab <= 1.0
    assert np.isclose(f_ab, qc.fidelity(b, a), atol=1e-7)


@given(density_matrices((1, 3)))
def test_fidelity_one_with_itself(rho):
    assert np.isclose(qc.fidelity(rho, rho), 1.0, atol=1e-7)
    assert np.isclose(qc.trace_distance(rho, rho), 0.0, atol=1e-12)


@given(density_matrices(2), density_matrices(2))
def test_fidelity_one_only_for_equal_states(a, b):
    if qc.trace_distance(a, b) > 1e-3:
        assert qc.fidelity(a, b) < 1.0 - 1e-8
    # Fuchs-van de Graaf inequalities tie the two metrics together.
    F, T = qc.fidelity(a, b), qc.trace_distance(a, b)
    assert 1 - np.sqrt(F) <= T + 1e-7
    assert T <= np.sqrt(1 - F) + 1e-7


@given(density_matrices(2), density_matrices(2), kraus_channels(1), st.sampled_from([0, 1]))
def test_fidelity_and_trace_distance_monotone_under_channels(a, b, K, q):
    ca, cb = qc.apply_kraus(a, K, [q]), qc.apply_kraus(b, K, [q])
    assert qc.fidelity(ca, cb) >= qc.fidelity(a, b) - 1e-7
    assert qc.trace_distance(ca, cb) <= qc.trace_distance(a, b) + 1e-9


@given(pure_states(2), density_matrices(2))
def test_fidelity_with_pure_state_is_expectation(psi_dm, rho):
    w, v = np.linalg.eigh(psi_dm)
    ket = v[:, -1]
    assert np.isclose(qc.fidelity(rho, ket), qc.fidelity(rho, psi_dm), atol=1e-6)


@given(density_matrices(2))
def test_entanglement_measures_bounded(rho):
    C = qc.concurrence(rho)
    N = qc.negativity(rho)
    assert 0 <= C <= 1 and 0 <= N <= 0.5 + 1e-12
    # For two qubits, N > 0 iff entangled iff C > 0 (Peres-Horodecki).
    assert (C > 1e-6) == (N > 1e-7) or min(C, N) < 1e-5
    assert 0 <= qc.entropy(rho) <= 2 + 1e-9
    assert 0.25 - 1e-12 <= qc.purity(rho) <= 1 + 1e-12


@given(density_matrices(3, batch=4))
def test_metrics_batch_equals_loop(rhos):
    for f in (qc.purity, qc.entropy):
        batch = f(rhos)
        assert np.allclose(batch, [f(r) for r in rhos])
    sig = rhos[::-1]
    assert np.allclose(qc.fidelity(rhos, sig), [qc.fidelity(a, b) for a, b in zip(rhos, sig)], atol=1e-9)


@given(bell_diagonal_coefficients())
def test_bell_diagonal_round_trip(c):
    rho = qc.bell_diagonal(c)
    assert_density_matrix(rho)
    assert np.allclose(qc.to_bell_diagonal(rho), c, atol=1e-12)
    assert np.isclose(qc.fidelity(rho, qc.bell_ket("phi+")), c[0])


@given(density_matrices(2))
def test_twirl_keeps_bell_fidelities(rho):
    c = qc.twirl(rho)
    assert np.isclose(c.sum(), 1.0)
    tw = qc.twirl_dense(rho)
    for k in range(4):
        assert np.isclose(qc.fidelity(tw, qc.bell_ket(k)), qc.fidelity(rho, qc.bell_ket(k)), atol=1e-9)


@given(bell_diagonal_coefficients(), bell_diagonal_coefficients())
def test_bell_diagonal_swap_matches_dense_swap(c1, c2):
    """Fast path vs dense engine: BSM on the middle qubits + Pauli correction on the last."""
    big = qc.tensor(qc.bell_diagonal(c1), qc.bell_diagonal(c2))
    meas = qc.bell_measure(big, (1, 2))
    # correction for outcome k: Pauli X^x Z^z on qubit 3 (the outcome's Bell index k = 2x + z)
    corr = [np.eye(2), qc.gates.Z, qc.gates.X, qc.gates.X @ qc.gates.Z]
    avg = np.zeros((4, 4), dtype=complex)
    for k in range(4):
        if meas.probabilities[k] > 1e-12:
            avg += meas.probabilities[k] * qc.apply_unitary(meas.states[k], corr[k], [1], validate=False)
    assert np.allclose(qc.to_bell_diagonal(avg, atol=1e-8), qc.bd_swap(c1, c2), atol=1e-9)


@given(bell_diagonal_coefficients(), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_bd_pauli_channel_matches_dense(c, px, py, pz):
    s = px + py + pz
    if s > 1:
        px, py, pz = px / s, py / s, pz / s
    probs = np.array([1 - px - py - pz, px, py, pz]).clip(0)
    probs /= probs.sum()
    K = np.sqrt(probs)[:, None, None] * qc.gates.PAULIS
    for q in (0, 1):
        dense = qc.apply_kraus(qc.bell_diagonal(c), K, [q])
        assert np.allclose(qc.to_bell_diagonal(dense), qc.bd_pauli_channel(c, probs), atol=1e-10)
