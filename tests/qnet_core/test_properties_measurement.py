"""Measurement: probabilities sum to one, branches are states, and averaging branches = dephasing."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import qnet_core as qc
from qnet_core.gates import H, SDG
from qnet_core.testing import assert_density_matrix, density_matrices

from .reference import embed


@st.composite
def state_and_qubits(draw, max_n=4):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, min(n, 3)))
    qubits = draw(st.permutations(range(n)))[:m]
    return draw(density_matrices(n)), n, list(qubits)


def _projector_reference(rho, n, qubits, basis, s):
    """p_s and post-state via explicit projectors built with kron-free embedding."""
    rot = {"Z": np.eye(2), "X": H, "Y": H @ SDG}
    m = len(qubits)
    P = np.eye(1 << n, dtype=complex)
    for i, q in enumerate(qubits):
        bit = (s >> (m - 1 - i)) & 1
        e = np.zeros((2, 2), dtype=complex)
        e[bit, bit] = 1
        U = rot[basis[i]]
        P = P @ embed(U.conj().T @ e @ U, [q], n)
    branch = P @ rho @ P
    return np.trace(branch).real, branch


@given(state_and_qubits(), st.sampled_from(["Z", "X", "Y", "mixed"]))
def test_measurement_branches(case, basis):
    rho, n, qubits = case
    b = "".join("ZXY"[i % 3] for i in range(len(qubits))) if basis == "mixed" else basis * len(qubits)
    meas = qc.measure(rho, qubits, basis=b)
    assert np.isclose(meas.probabilities.sum(), 1.0)
    assert np.all(meas.probabilities >= 0)
    assert_density_matrix(meas.states)
    kept = qc.measure(rho, qubits, basis=b, keep_measured=True, normalize=False)
    for s in range(1 << len(qubits)):
        p_ref, branch_ref = _projector_reference(rho, n, qubits, b, s)
        assert np.isclose(meas.probabilities[s], p_ref, atol=1e-10)
        assert np.allclose(kept.states[s], branch_ref, atol=1e-10)
        rest = [q for q in range(n) if q not in qubits]
        if rest and p_ref > 1e-9:
            assert np.allclose(meas.states[s], qc.partial_trace(branch_ref / p_ref, rest, validate=False), atol=1e-8)


@given(density_matrices(3), st.permutations(range(3)))
def test_bell_measurement_probabilities_are_bell_fidelities(rho, perm):
    a, b, c = perm
    meas = qc.bell_measure(rho, (a, b))
    reduced = qc.partial_trace(rho, [a, b])
    expected = [qc.fidelity(reduced, qc.bell_ket(k)) for k in range(4)]
    assert np.allclose(meas.probabilities, expected, atol=1e-10)
    assert_density_matrix(meas.states)


@given(density_matrices(2, batch=3), st.integers(0, 2**31))
def test_sampling_is_seeded_and_returns_branch_states(rhos, seed):
    o1, s1 = qc.sample_measurement(rhos, [0], "X", seed=seed)
    o2, s2 = qc.sample_measurement(rhos, [0], "X", seed=seed)
    assert np.array_equal(o1, o2) and np.array_equal(s1, s2)
    meas = qc.measure(rhos, [0], "X")
    for b in range(3):
        assert meas.probabilities[b, o1[b]] > 0
        assert np.allclose(s1[b], meas.states[b, o1[b]])


def test_sampling_frequencies_match_probabilities():
    """Monte Carlo frequency of outcome 0 within 5 standard errors of the Born probability."""
    rho = qc.werner(0.7)
    N = 20000
    batch = np.broadcast_to(qc.apply_unitary(rho, qc.gates.ry(0.7), [0]), (N, 4, 4))
    outcomes, _ = qc.sample_measurement(batch, [0], "Z", seed=11)
    p = qc.measure(batch[0], [0]).probabilities[0]
    se = np.sqrt(p * (1 - p) / N)
    assert abs(np.mean(outcomes == 0) - p) < 5 * se
