"""Invariants of teleportation (hypothesis)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import qnet_core as qc
from protocols.entanglement.teleportation import teleport, teleportation_fidelity
from qnet_core import BellDiagonal
from qnet_core.testing import assert_density_matrix, density_matrices

probs = st.floats(0.0, 1.0)


@settings(max_examples=30, deadline=None)
@given(density_matrices(1), density_matrices(2), probs, probs, st.floats(0.0, 500.0))
def test_outputs_are_states_and_probabilities(psi, res, g, q, dist):
    r = teleport(psi, res, gate_error=g, readout_error=q, distance_km=dist, t1_s=1e-2, t2_s=5e-3)
    assert_density_matrix(r.state)
    assert np.all(r.probabilities >= -1e-12) and abs(r.probabilities.sum() - 1) < 1e-9
    assert -1e-12 <= r.fidelity <= 1 + 1e-12


@settings(max_examples=30, deadline=None)
@given(density_matrices(1), density_matrices(1))
def test_separable_resources_do_not_beat_the_classical_limit(a, b):
    """A product resource gives F_avg <= 2/3 (Horodecki et al. 1999)."""
    f = teleportation_fidelity(qc.tensor(a, b)).average_fidelity
    assert f <= 2 / 3 + 1e-12


@settings(max_examples=30, deadline=None)
@given(st.floats(0.5, 1.0), probs, probs, st.floats(0.0, 1000.0))
def test_noise_never_beats_noiseless(F, g, q, dist):
    c = BellDiagonal.werner(F)
    kw = dict(gate_error=g, readout_error=q, distance_km=dist, t1_s=1e-2, t2_s=1e-2)
    ideal = teleportation_fidelity(c).average_fidelity
    noisy = teleportation_fidelity(c, **kw)
    assert noisy.average_fidelity <= ideal + 1e-12
    dense = teleportation_fidelity(qc.werner(F), **kw)
    assert abs(dense.average_fidelity - noisy.average_fidelity) < 1e-12


@settings(max_examples=15, deadline=None)
@given(density_matrices(1, batch=3), density_matrices(2, batch=3), probs)
def test_batch_equals_loop(psis, ress, g):
    r = teleport(psis, ress, gate_error=g)
    for i in range(3):
        np.testing.assert_allclose(r.state[i], teleport(psis[i], ress[i], gate_error=g).state, atol=1e-12)
