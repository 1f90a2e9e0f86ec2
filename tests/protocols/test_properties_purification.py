"""Invariants of recurrence purification (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import qnet_core as qc
from protocols.entanglement.purification import pumping_rounds, purify, recurrence_rounds
from qnet_core import BellDiagonal
from qnet_core.testing import assert_density_matrix, bell_diagonal_coefficients, density_matrices

probs = st.floats(0.0, 1.0)
small = st.floats(0.0, 0.2)
methods = st.sampled_from(["dejmps", "bbpssw"])


@settings(max_examples=30, deadline=None)
@given(density_matrices(2), density_matrices(2), methods, probs, probs)
def test_outputs_are_states_and_probabilities(r1, r2, method, g, q):
    r = purify(r1, r2, method=method, gate_error=g, readout_error=q)
    assert_density_matrix(r.state)
    assert -1e-12 <= r.success_probability <= 1 + 1e-12
    assert -1e-12 <= r.fidelity <= 1 + 1e-12


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 0.5), methods, probs, probs)
def test_purification_never_helps_below_threshold(F, method, g, q):
    """Werner pairs with F <= 1/2 are separable: the output stays at F <= 1/2, and for
    1/4 <= F <= 1/2 (between the two fixed points of the BBPSSW map) a round never raises F."""
    out = purify(BellDiagonal.werner(F), method=method, gate_error=g, readout_error=q).fidelity
    assert out <= 0.5 + 1e-12
    if F >= 0.25:
        assert out <= F + 1e-12


@settings(max_examples=40, deadline=None)
@given(st.data(), methods, probs, probs)
def test_separable_bell_diagonal_pairs_stay_separable(data, method, g, q):
    """LOCC cannot create entanglement: all coefficients <= 1/2 stays so (Horodecki criterion)."""
    c = np.array(data.draw(bell_diagonal_coefficients()))
    if c.max() > 0.5:
        c = 0.5 * c + 0.5 * np.full(4, 0.25) if c.max() <= 0.75 else np.full(4, 0.25)
    r = purify(BellDiagonal(c), method=method, gate_error=g, readout_error=q)
    assert r.state.coefficients.max() <= 0.5 + 1e-12


@settings(max_examples=40, deadline=None)
@given(st.floats(0.5, 1.0), methods, probs, probs)
def test_noisy_operations_never_beat_noiseless(F, method, g, q):
    c = BellDiagonal.werner(F)
    noise = dict(gate_error=g, readout_error=q)
    assert purify(c, method=method, **noise).fidelity <= purify(c, method=method).fidelity + 1e-12
    rb = purify(qc.werner(F), method=method, **noise)
    assert rb.fidelity <= purify(qc.werner(F), method=method).fidelity + 1e-12


@settings(max_examples=25, deadline=None)
@given(bell_diagonal_coefficients(), st.integers(1, 6), methods, small, small)
def test_schedules_report_consistent_costs(c, rounds, method, g, q):
    rec = recurrence_rounds(BellDiagonal(c), rounds, method=method, gate_error=g, readout_error=q)
    pump = pumping_rounds(BellDiagonal(c), rounds, method=method, gate_error=g, readout_error=q)
    for s, floor in ((rec, 2.0 ** np.arange(1, rounds + 1)), (pump, np.arange(2, rounds + 2))):
        assert s.fidelity.shape == (rounds,)
        assert np.all((s.success_probability >= -1e-12) & (s.success_probability <= 1 + 1e-12))
        assert np.all(s.pairs_per_output >= floor - 1e-9)
        assert np.allclose(s.states.coefficients.sum(axis=-1), 1.0)


@settings(max_examples=15, deadline=None)
@given(density_matrices(2, batch=3), methods, small)
def test_batch_equals_loop(b, method, g):
    r = purify(b, method=method, gate_error=g)
    for i in range(3):
        ri = purify(b[i], method=method, gate_error=g)
        np.testing.assert_allclose(r.state[i], ri.state, atol=1e-12)
        assert abs(r.success_probability[i] - ri.success_probability) < 1e-12
