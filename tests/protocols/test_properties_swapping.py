"""Invariants of entanglement swapping (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import qnet_core as qc
from protocols.entanglement.swapping import entanglement_swap
from qnet_core import BellDiagonal
from qnet_core.testing import assert_density_matrix, bell_diagonal_coefficients, density_matrices

probs = st.floats(0.0, 1.0)
bsms = st.sampled_from(["ideal", "linear_optics"])


@settings(max_examples=30, deadline=None)
@given(density_matrices(2), density_matrices(2), probs, probs, bsms, st.booleans())
def test_outputs_are_states_and_probabilities(r1, r2, g, q, bsm, correct):
    r = entanglement_swap(r1, r2, gate_error=g, readout_error=q, bsm=bsm, correct=correct)
    assert_density_matrix(r.state)
    assert_density_matrix(r.branch_states)
    assert np.all(r.probabilities >= 0) and np.all(r.probabilities <= 1 + 1e-12)
    assert abs(r.probabilities.sum() - 1) < 1e-9
    assert 0 <= r.success_probability <= 1 + 1e-12


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), probs, probs)
def test_swapping_never_exceeds_product_of_werner_parameters(F1, F2, g, q):
    w1, w2 = (4 * F1 - 1) / 3, (4 * F2 - 1) / 3
    r = entanglement_swap(BellDiagonal.werner(F1), BellDiagonal.werner(F2), gate_error=g, readout_error=q)
    w = (4 * r.fidelity - 1) / 3
    assert abs(w) <= abs(w1 * w2) + 1e-12
    if g == 0 and q == 0:
        assert abs(w - w1 * w2) < 1e-12


@settings(max_examples=30, deadline=None)
@given(bell_diagonal_coefficients(min_fidelity=0.5), bell_diagonal_coefficients(min_fidelity=0.5), probs, probs)
def test_noisy_bsm_never_beats_noiseless(c1, c2, g, q):
    ideal = entanglement_swap(BellDiagonal(c1), BellDiagonal(c2)).fidelity
    noisy = entanglement_swap(BellDiagonal(c1), BellDiagonal(c2), gate_error=g, readout_error=q).fidelity
    assert noisy <= ideal + 1e-12
    d_ideal = entanglement_swap(qc.bell_diagonal(c1), qc.bell_diagonal(c2)).fidelity
    d_noisy = entanglement_swap(qc.bell_diagonal(c1), qc.bell_diagonal(c2), gate_error=g, readout_error=q).fidelity
    assert d_noisy <= d_ideal + 1e-12


@settings(max_examples=15, deadline=None)
@given(density_matrices(2, batch=3), density_matrices(2, batch=3), probs)
def test_batch_equals_loop(b1, b2, g):
    r = entanglement_swap(b1, b2, gate_error=g)
    for i in range(3):
        ri = entanglement_swap(b1[i], b2[i], gate_error=g)
        np.testing.assert_allclose(r.state[i], ri.state, atol=1e-12)
        np.testing.assert_allclose(r.probabilities[i], ri.probabilities, atol=1e-12)
