"""Invariants of the remote CNOT (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.entanglement.remote_gates import remote_cnot, remote_cnot_error_distribution, remote_cnot_fidelity
from qnet_core import BellDiagonal
from qnet_core.testing import assert_density_matrix, bell_diagonal_coefficients, density_matrices

probs = st.floats(0.0, 1.0)


@settings(max_examples=25, deadline=None)
@given(density_matrices(2), density_matrices(2), probs, probs)
def test_outputs_are_states(rho, pair, g, q):
    r = remote_cnot(rho, pair, gate_error=g, readout_error=q)
    assert_density_matrix(r.state)
    assert -1e-9 <= r.fidelity <= 1 + 1e-9


@settings(max_examples=30, deadline=None)
@given(bell_diagonal_coefficients(), probs, probs)
def test_error_distribution_is_a_distribution(c, g, q):
    d = remote_cnot_error_distribution(c, gate_error=g, readout_error=q)
    assert np.all(d >= -1e-15) and abs(d.sum() - 1) < 1e-12


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), probs, st.floats(0.0, 0.5))
def test_fidelity_degrades_with_pair_fidelity_and_noise(F1, F2, g, q):
    """For readout errors q <= 1/2 (beyond that the bits are anti-informative)."""
    lo, hi = sorted((F1, F2))
    w = BellDiagonal.werner
    kw = dict(gate_error=g, readout_error=q)
    assert remote_cnot_fidelity(w(lo), **kw).process_fidelity <= remote_cnot_fidelity(w(hi), **kw).process_fidelity \
        + 1e-12
    if hi >= 0.25:  # the no-error weight is then the largest, so Pauli noise can only lower it
        assert remote_cnot_fidelity(w(hi), **kw).process_fidelity <= remote_cnot_fidelity(w(hi)).process_fidelity \
            + 1e-12
