"""Closed-form values of states and metrics.

References: Wootters, PRL 80, 2245 (1998) (concurrence of Werner states C = max(0, 2F - 1));
Vidal & Werner, PRA 65, 032314 (2002) (negativity); Werner, PRA 40, 4277 (1989).
"""

import numpy as np
import pytest

import qnet_core as qc
from qnet_core.gates import CNOT, H, X


@pytest.mark.parametrize("name", qc.BELL_NAMES)
def test_bell_states_are_maximally_entangled(name):
    rho = qc.bell_state(name)
    assert np.isclose(qc.concurrence(rho), 1.0)
    assert np.isclose(qc.negativity(rho), 0.5)
    assert np.isclose(qc.log_negativity(rho), 1.0)
    assert np.isclose(qc.entropy(rho), 0.0, atol=1e-9)
    assert np.isclose(qc.entropy(qc.partial_trace(rho, [0])), 1.0)


def test_bell_index_convention_is_pauli_frame():
    """|B_k> = (I (x) X^x Z^z)|phi+> with k = 2x + z."""
    phi = qc.bell_ket("phi+")
    for k in range(4):
        x, z = k >> 1, k & 1
        P = np.linalg.matrix_power(X, x) @ np.linalg.matrix_power(qc.gates.Z, z)
        ket = np.kron(np.eye(2), P) @ phi
        assert np.isclose(abs(np.vdot(ket, qc.bell_ket(k))), 1.0)


@pytest.mark.parametrize("F", [0.25, 0.4, 0.5, 0.75, 0.9, 1.0])
def test_werner_closed_forms(F):
    rho = qc.werner(F)
    assert np.isclose(qc.fidelity(rho, qc.bell_state()), F)
    assert np.isclose(qc.concurrence(rho), max(0.0, 2 * F - 1), atol=1e-9)
    assert np.isclose(qc.negativity(rho), max(0.0, (2 * F - 1) / 2), atol=1e-9)
    lam = [F] + [(1 - F) / 3] * 3
    S = -sum(x * np.log2(x) for x in lam if x > 0)
    assert np.isclose(qc.entropy(rho), S)
    assert np.isclose(qc.werner_parameter(F), (4 * F - 1) / 3)
    w = qc.werner_parameter(F)
    assert np.allclose(rho, w * qc.bell_state() + (1 - w) * np.eye(4) / 4)


def test_product_states_have_no_entanglement():
    rho = qc.tensor(qc.random_density_matrix(1, 1), qc.random_density_matrix(1, 2))
    assert qc.concurrence(rho) < 1e-7
    assert qc.negativity(rho) < 1e-12
    assert np.isclose(qc.entropy(rho), qc.entropy(qc.partial_trace(rho, [0])) + qc.entropy(qc.partial_trace(rho, [1])))


def test_circuit_prepares_bell_state_and_tensor_order():
    rho = qc.apply_unitary(qc.apply_unitary(qc.basis_state("00"), H, [0]), CNOT, [0, 1])
    assert np.allclose(rho, qc.bell_state("phi+"))
    # qubit 0 is the most significant bit: X on qubit 0 of |00> gives |10> = index 2
    assert np.isclose(qc.apply_unitary(qc.basis_state("00"), X, [0])[2, 2], 1.0)
    # reversed CNOT targets: control qubit 1
    out = qc.apply_unitary(qc.basis_state("01"), CNOT, [1, 0])
    assert np.allclose(out, qc.basis_state("11"))


def test_trace_distance_of_orthogonal_states_is_one():
    assert np.isclose(qc.trace_distance(qc.basis_state("0"), qc.basis_state("1")), 1.0)
    assert np.isclose(qc.fidelity(qc.basis_state("0"), qc.basis_state("1")), 0.0)


def test_binary_entropy_values():
    assert qc.binary_entropy(0.0) == 0.0 and qc.binary_entropy(1.0) == 0.0
    assert np.isclose(qc.binary_entropy(0.11), 0.4999, atol=1e-3)  # Shor-Preskill threshold point
    assert np.allclose(qc.binary_entropy([0.5, 0.25]), [1.0, 0.8112781244591328])


def test_random_states_are_reproducible_and_valid():
    a = qc.random_density_matrix(3, seed=5, rank=2)
    b = qc.random_density_matrix(3, seed=5, rank=2)
    assert np.array_equal(a, b)
    assert np.linalg.matrix_rank(a, tol=1e-10) == 2
    U = qc.random_unitary(2, seed=3)
    assert np.allclose(U.conj().T @ U, np.eye(4))
    from qnet_core.testing import assert_cptp
    assert_cptp(qc.random_kraus(2, 3, seed=9))


def test_haar_unitary_first_moment():
    """E|U_00|^2 = 1/d for Haar unitaries (Monte Carlo, 5 standard errors)."""
    rng = np.random.default_rng(0)
    vals = np.array([abs(qc.random_unitary(1, rng)[0, 0]) ** 2 for _ in range(4000)])
    assert abs(vals.mean() - 0.5) < 5 * vals.std() / np.sqrt(len(vals))


def test_spawn_seeds_independent_of_count():
    a = qc.spawn_seeds(42, 3)
    b = qc.spawn_seeds(42, 10)
    for x, y in zip(a, b):
        assert np.array_equal(np.random.default_rng(x).random(4), np.random.default_rng(y).random(4))
