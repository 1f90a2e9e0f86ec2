"""Teleportation against closed forms, an exact 2-design average, Monte Carlo and a kron reference.

References: ideal teleportation is perfect (Bennett et al., PRL 70, 1895 (1993)); for a Werner
resource of fidelity F the average fidelity is (2F + 1)/3 and F_avg = (2 F_e + 1)/3 in general
(Horodecki, Horodecki, Horodecki, PRA 60, 1888 (1999); Nielsen, Phys. Lett. A 303, 249 (2002));
the six Pauli eigenstates form a qubit 2-design, so their mean fidelity equals the Haar mean
exactly. Memory: F_e of |phi+> with T1/T2 decay on one half for time t is
(1 + exp(-t/T1) + 2 exp(-t/T2)) / 4.
"""

import doctest
import math

import numpy as np
import pytest

import qnet_core as qc
import protocols.entanglement.teleportation as tp
from channels import SPEED_OF_LIGHT_KM_PER_S
from protocols.entanglement.teleportation import teleport, teleport_entangled, teleportation_fidelity
from qnet_core import BellDiagonal

_SIX = [np.array(v, dtype=complex) / np.linalg.norm(v) for v in ([1, 0], [0, 1], [1, 1], [1, -1], [1, 1j], [1, -1j])]
_P = [np.eye(2), np.diag([1.0, -1.0]), np.array([[0, 1], [1, 0]]), np.array([[0, 1], [1, 0]]) @ np.diag([1.0, -1.0])]


def _plain_teleport(psi, res):
    """Kron-based reference: project (S, A) on Bell kets, trace, correct B with X^x Z^z."""
    full = np.kron(psi, res)
    out = np.zeros((2, 2), dtype=complex)
    for k in range(4):
        bk = qc.bell_ket(k)
        proj = np.kron(np.outer(bk, bk.conj()), np.eye(2))
        t = (proj @ full @ proj).reshape([2] * 6)
        red = np.einsum("abcabd->cd", t)
        out += _P[k] @ red @ _P[k].conj().T
    return out


def test_ideal_teleportation_is_perfect():
    for seed in range(5):
        ket = qc.random_ket(1, seed)
        r = teleport(ket, qc.bell_state("phi+"))
        assert r.fidelity == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(r.probabilities, 0.25, atol=1e-12)
    assert teleportation_fidelity(qc.bell_state("phi+")).average_fidelity == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("F", [0.25, 0.5, 0.8, 0.95])
def test_werner_resource_average_fidelity(F):
    tf = teleportation_fidelity(qc.werner(F))
    assert tf.entanglement_fidelity == pytest.approx(F, abs=1e-12)
    assert tf.average_fidelity == pytest.approx((2 * F + 1) / 3, abs=1e-12)
    tb = teleportation_fidelity(BellDiagonal.werner(F))
    assert tb.average_fidelity == pytest.approx((2 * F + 1) / 3, abs=1e-12)
    mean6 = np.mean([teleport(k, qc.werner(F)).fidelity for k in _SIX])
    assert mean6 == pytest.approx((2 * F + 1) / 3, abs=1e-12)


def test_exact_average_matches_two_design_for_generic_noisy_resources():
    kw = dict(gate_error=0.05, readout_error=0.03, distance_km=150.0, t1_s=2e-3, t2_s=1e-3)
    for seed in range(3):
        res = qc.random_density_matrix(2, seed)
        exact = teleportation_fidelity(res, **kw).average_fidelity
        mean6 = np.mean([teleport(k, res, **kw).fidelity for k in _SIX])
        assert exact == pytest.approx(mean6, abs=1e-12)


def test_exact_average_matches_haar_monte_carlo():
    res = qc.random_density_matrix(2, 42)
    kets = np.array([qc.random_ket(1, s) for s in range(2000)])
    f = np.array([teleport(k, res).fidelity for k in kets[:40]])
    # batch over many Haar inputs in one call
    fb = np.asarray(teleport(qc.ket_to_dm(kets), res).fidelity)
    np.testing.assert_allclose(fb[:40], f, atol=1e-12)
    se = fb.std(ddof=1) / math.sqrt(fb.size)
    assert abs(fb.mean() - teleportation_fidelity(res).average_fidelity) < 5 * se


def test_memory_decoherence_during_classical_communication():
    L, T1, T2 = 200.0, 10e-3, 2e-3
    t = L * 1.44 / SPEED_OF_LIGHT_KM_PER_S
    expected = (1 + math.exp(-t / T1) + 2 * math.exp(-t / T2)) / 4
    tf = teleportation_fidelity(qc.bell_state("phi+"), distance_km=L, t1_s=T1, t2_s=T2)
    assert tf.delay_s == pytest.approx(t, rel=1e-12)
    assert tf.entanglement_fidelity == pytest.approx(expected, abs=1e-12)
    assert teleportation_fidelity(BellDiagonal([1, 0, 0, 0]), distance_km=L, t1_s=T1, t2_s=T2).entanglement_fidelity \
        == pytest.approx(expected, abs=1e-12)
    te = teleport_entangled(qc.bell_state("phi+"), qc.bell_state("phi+"), distance_km=L, t1_s=T1, t2_s=T2)
    assert te.fidelity == pytest.approx(expected, abs=1e-12)


def test_dense_path_matches_plain_kron_reference():
    for seed in range(4):
        psi = qc.random_density_matrix(1, seed)
        res = qc.random_density_matrix(2, seed + 7)
        np.testing.assert_allclose(teleport(psi, res).state, _plain_teleport(psi, res), atol=1e-12)


def test_dense_and_bell_diagonal_paths_agree_including_amplitude_damping():
    rng = np.random.default_rng(3)
    c = rng.dirichlet(np.ones(4), 5)
    psi = qc.random_density_matrix(1, 9)
    for kw in ({}, dict(gate_error=0.1, readout_error=0.05),
               dict(gate_error=0.02, distance_km=300.0, t1_s=3e-3, t2_s=1e-3)):
        d = teleport(psi, qc.bell_diagonal(c), **kw)
        b = teleport(psi, BellDiagonal(c), **kw)
        np.testing.assert_allclose(d.state, b.state, atol=1e-12)
        np.testing.assert_allclose(d.fidelity, b.fidelity, atol=1e-12)
        np.testing.assert_allclose(teleportation_fidelity(qc.bell_diagonal(c), **kw).average_fidelity,
                                   teleportation_fidelity(BellDiagonal(c), **kw).average_fidelity, atol=1e-12)


def test_teleporting_half_of_an_entangled_state():
    res = qc.werner(0.9)
    r = teleport_entangled(qc.bell_state("psi-"), res)
    assert r.fidelity == pytest.approx(0.9, abs=1e-12)  # depolarizing channel: same for every Bell input
    assert r.state.shape == (4, 4)


def test_to_dict_is_json_ready():
    import json
    json.dumps(teleport([1, 0], qc.werner(0.9)).to_dict())
    json.dumps(teleportation_fidelity(qc.werner(0.9)).to_dict())


def test_docstring_examples():
    assert doctest.testmod(tp, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
