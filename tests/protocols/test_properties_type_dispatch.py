"""One name per operation: the input's type picks the representation, batch axes are kept.

* :class:`qnet_core.BellDiagonal` in (every state input) -> BellDiagonal states out, with the
  broadcast batch shape;
* dense in -> dense out, batch axes ``(..., 4, 4)`` preserved;
* a BellDiagonal mixed with a dense state is converted to dense, with the same numbers as an
  all-dense call.

Also the common result base: a short repr and a JSON-ready ``to_dict``.
"""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qnet_core as qc
from protocols import (entanglement_swap, pair_qkd, pumping_rounds, purify, recurrence_rounds, remote_cnot,
                       remote_cnot_fidelity, teleport, teleport_entangled, teleportation_fidelity)
from qnet_core import BellDiagonal

RNG = np.random.default_rng(9)
A = BellDiagonal(RNG.dirichlet(np.ones(4), (2, 3)))
B = BellDiagonal(RNG.dirichlet(np.ones(4), (2, 3)))
ONE = BellDiagonal.werner(0.9)
NOISE = dict(gate_error=0.03, readout_error=0.02)


def test_swap_of_bell_diagonal_batches():
    r = entanglement_swap(A, B, **NOISE)
    assert isinstance(r.state, BellDiagonal) and r.state.shape == (2, 3)
    assert isinstance(r.branch_states, BellDiagonal) and r.branch_states.shape == (2, 3, 4)
    assert r.probabilities.shape == (2, 3, 4) and np.shape(r.success_probability) == (2, 3)
    assert np.shape(r.fidelity) == (2, 3)
    s = entanglement_swap(A, ONE, **NOISE)  # batch broadcast against a single state
    assert s.state.shape == (2, 3)
    np.testing.assert_allclose(s.state[1, 2].coefficients,
                               entanglement_swap(A[1, 2], ONE, **NOISE).state.coefficients, atol=1e-15)


def test_swap_of_dense_batches_and_mixed_inputs():
    r = entanglement_swap(A.to_dense(), B.to_dense(), **NOISE)
    assert r.state.shape == (2, 3, 4, 4) and r.branch_states.shape == (2, 3, 4, 4, 4)
    mixed = entanglement_swap(A, B.to_dense(), **NOISE)
    assert isinstance(mixed.state, np.ndarray)
    np.testing.assert_allclose(mixed.state, r.state, atol=1e-15)
    np.testing.assert_allclose(entanglement_swap(A.to_dense()[0], B[0], **NOISE).state, r.state[0], atol=1e-15)


def test_purify_types_and_shapes():
    r = purify(A, B, **NOISE)
    assert isinstance(r.state, BellDiagonal) and r.state.shape == (2, 3)
    assert np.shape(r.success_probability) == (2, 3) and np.shape(r.fidelity) == (2, 3)
    assert isinstance(purify(ONE).state, BellDiagonal) and purify(ONE).state.shape == ()
    d = purify(A.to_dense(), B.to_dense(), **NOISE)
    assert d.state.shape == (2, 3, 4, 4)
    mixed = purify(A.to_dense(), B, **NOISE)
    np.testing.assert_allclose(mixed.state, d.state, atol=1e-15)
    np.testing.assert_allclose(r.state.to_dense(), d.state, atol=1e-12)


@pytest.mark.parametrize("schedule", [recurrence_rounds, pumping_rounds])
def test_schedules_types_and_shapes(schedule):
    s = schedule(A, 3, **NOISE)
    assert isinstance(s.states, BellDiagonal) and s.states.shape == (3, 2, 3)
    assert isinstance(s.state, BellDiagonal) and s.state.shape == (2, 3)
    assert s.fidelity.shape == s.success_probability.shape == s.pairs_per_output.shape == (3, 2, 3)
    d = schedule(A.to_dense(), 3, **NOISE)
    assert d.states.shape == (3, 2, 3, 4, 4)
    np.testing.assert_allclose(d.fidelity, s.fidelity, atol=1e-12)


def test_pumping_with_mixed_auxiliary_is_dense():
    s = pumping_rounds(A, 2, auxiliary=ONE.to_dense())
    assert isinstance(s.states, np.ndarray) and s.states.shape == (2, 2, 3, 4, 4)
    b = pumping_rounds(A, 2, auxiliary=ONE)
    np.testing.assert_allclose(s.fidelity, b.fidelity, atol=1e-12)


def test_teleportation_shapes():
    psi = qc.random_density_matrix(1, 3)
    r = teleport(psi, A, **NOISE)
    assert r.state.shape == (2, 3, 2, 2) and r.probabilities.shape == (2, 3, 4) and np.shape(r.fidelity) == (2, 3)
    d = teleport(psi, A.to_dense(), **NOISE)
    np.testing.assert_allclose(d.state, r.state, atol=1e-12)
    f = teleportation_fidelity(A, **NOISE)
    assert np.shape(f.entanglement_fidelity) == (2, 3)
    np.testing.assert_allclose(teleportation_fidelity(A.to_dense(), **NOISE).average_fidelity, f.average_fidelity,
                               atol=1e-12)
    e = teleport_entangled(qc.bell_state(), A, **NOISE)
    assert e.state.shape == (2, 3, 4, 4)


def test_remote_gates_and_pair_qkd_shapes():
    assert np.shape(remote_cnot_fidelity(A).process_fidelity) == (2, 3)
    r = remote_cnot(qc.random_density_matrix(2, 1), A[0], **NOISE)
    assert r.state.shape == (3, 4, 4)
    np.testing.assert_allclose(r.state, remote_cnot(qc.random_density_matrix(2, 1), A[0].to_dense(), **NOISE).state,
                               atol=1e-12)
    k = pair_qkd(A, frame=2)
    assert np.shape(k.qber_z) == np.shape(k.secret_fraction) == (2, 3)
    np.testing.assert_allclose(k.qber_x, pair_qkd(A.to_dense(), frame=2).qber_x, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(shape=st.sampled_from([(), (1,), (3,), (2, 2)]), other=st.sampled_from([(), (1,), (2, 1)]))
def test_batch_axes_broadcast_like_numpy(shape, other):
    a = BellDiagonal(RNG.dirichlet(np.ones(4), shape))
    b = BellDiagonal(RNG.dirichlet(np.ones(4), other))
    want = np.broadcast_shapes(shape, other)
    assert entanglement_swap(a, b).state.shape == want
    assert purify(a, b).state.shape == want
    assert entanglement_swap(a.to_dense(), b.to_dense()).state.shape == want + (4, 4)
    assert purify(a.to_dense(), b.to_dense()).state.shape == want + (4, 4)


# ============================================================================ results
def test_short_repr():
    r = entanglement_swap(qc.bell_state(), qc.bell_state())
    assert repr(r) == ("SwapResult(state=<(4, 4) complex128>, probabilities=<(4,) float64>, frame=<(4,) int64>, "
                       "branch_states=<(4, 4, 4) complex128>, success_probability=1.0, bsm='ideal', corrected=True)")
    assert repr(purify(BellDiagonal.werner(0.8), method="bbpssw")) == (
        "PurificationResult(state=BellDiagonal(fidelity=0.83815), success_probability=0.768889, fidelity=0.83815)")


def test_to_dict_splits_complex_and_unwraps_states():
    d = teleport([1, 0], qc.werner(0.85)).to_dict()
    assert set(d) == {"state_real", "state_imag", "fidelity", "probabilities", "delay_s"}
    np.testing.assert_allclose(d["state_real"], [[0.9, 0.0], [0.0, 0.1]], atol=1e-12)
    s = recurrence_rounds(A, 2).to_dict()
    assert np.shape(s["states"]) == (2, 2, 3, 4) and np.shape(s["yield"]) == (2, 2, 3)
    json.dumps(s)
    json.dumps(entanglement_swap(A, B).to_dict())
