"""Invariants of the remote CNOT (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.entanglement.remote_gates import bd_remote_cnot_fidelity, remote_cnot, remote_cnot_error_distribution
from qnet_core.testing import assert_density_matrix, bell_diagonal_coefficients, density_matrices

probs = st.floats(0.0, 1.0)


@settings(max_examples=25, deadline=None)
@given(density_matrices(2), density_matrices(2), probs, probs)
def test_outputs_are_states(rho, pair, p2, eta):
    r = remote_cnot(rho, pair, p2=p2, eta=eta)
    assert_density_matrix(r.state)
    assert -1e-9 <= r.fidelity <= 1 + 1e-9


@settings(max_examples=30, deadline=None)
@given(bell_diagonal_coefficients(), probs, probs)
def test_error_distribution_is_a_distribution(c, p2, eta):
    d = remote_cnot_error_distribution(c, p2=p2, eta=eta)
    assert np.all(d >= -1e-15) and abs(d.sum() - 1) < 1e-12


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), probs, st.floats(0.0, 0.5))
def test_fidelity_degrades_with_pair_fidelity_and_noise(F1, F2, p2, eta):
    """For readout errors eta <= 1/2 (beyond that the bits are anti-informative)."""
    lo, hi = sorted((F1, F2))
    w = lambda F: [F, (1 - F) / 3, (1 - F) / 3, (1 - F) / 3]  # noqa: E731
    assert bd_remote_cnot_fidelity(w(lo), p2=p2, eta=eta).process_fidelity <= \
        bd_remote_cnot_fidelity(w(hi), p2=p2, eta=eta).process_fidelity + 1e-12
    if hi >= 0.25:  # the no-error weight is then the largest, so Pauli noise can only lower it
        assert bd_remote_cnot_fidelity(w(hi), p2=p2, eta=eta).process_fidelity <= \
            bd_remote_cnot_fidelity(w(hi)).process_fidelity + 1e-12
