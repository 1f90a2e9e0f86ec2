"""Entanglement swapping against closed forms and a plain kron-based reference.

References: swapping two |phi+> pairs with Pauli correction gives |phi+> for every outcome
(Zukowski, Zeilinger, Horne, Ekert, PRL 71, 4287 (1993)); swapping Werner states multiplies
the Werner parameters, w = w1 w2 (Dur, Briegel, Cirac, Zoller, PRA 59, 169 (1999), Sec. III);
a linear-optics BSM resolves only psi+/psi- and succeeds with probability 1/2 (Lutkenhaus,
Calsamiglia, Suominen, PRA 59, 3295 (1999)).
"""

import doctest

import numpy as np
import pytest

import qnet_core as qc
import protocols.entanglement.swapping as sw
from protocols.entanglement.swapping import entanglement_swap
from qnet_core import BellDiagonal

_P = [np.eye(2), np.diag([1.0, -1.0]), np.array([[0, 1], [1, 0]]), np.array([[0, 1], [1, 0]]) @ np.diag([1.0, -1.0])]


def _plain_swap(rho1, rho2):
    """Kron-based reference: project (B1, B2) on each Bell ket, trace them out, correct C."""
    full = np.kron(rho1, rho2)
    probs, states = [], []
    for k in range(4):
        bk = qc.bell_ket(k)
        proj = np.kron(np.kron(np.eye(2), np.outer(bk, bk.conj())), np.eye(2))
        m = proj @ full @ proj
        t = m.reshape([2] * 8)  # a b1 b2 c ; a' b1' b2' c'
        red = np.einsum("abcdebcf->adef", t).reshape(4, 4)
        p = np.trace(red).real
        U = np.kron(np.eye(2), _P[k])
        probs.append(p)
        states.append(U @ (red / p) @ U.conj().T)
    return np.array(probs), np.array(states)


def _w(F):
    return (4 * np.asarray(F) - 1) / 3


def test_ideal_swap_gives_phi_plus_for_every_outcome():
    r = entanglement_swap(qc.bell_state("phi+"), qc.bell_state("phi+"))
    np.testing.assert_allclose(r.probabilities, 0.25, atol=1e-12)
    for k in range(4):
        assert qc.fidelity(r.branch_states[k], qc.bell_ket("phi+")) == pytest.approx(1.0, abs=1e-12)
    assert r.fidelity == pytest.approx(1.0, abs=1e-12)
    assert r.success_probability == 1.0


@pytest.mark.parametrize("F1,F2", [(0.9, 0.9), (0.95, 0.7), (0.6, 0.99), (0.25, 0.8)])
def test_werner_swapping_multiplies_werner_parameters(F1, F2):
    expected = (3 * _w(F1) * _w(F2) + 1) / 4
    r = entanglement_swap(qc.werner(F1), qc.werner(F2))
    assert r.fidelity == pytest.approx(expected, abs=1e-12)
    np.testing.assert_allclose(r.state, qc.werner(expected), atol=1e-12)
    rb = entanglement_swap(BellDiagonal.werner(F1), BellDiagonal.werner(F2))
    assert rb.fidelity == pytest.approx(expected, abs=1e-12)
    np.testing.assert_allclose(rb.state.coefficients, qc.bell_coefficients(qc.werner(expected)), atol=1e-12)


def test_noisy_werner_swap_closed_form():
    """F after a depolarizing BSM (gate_error p) and readout errors (q): see the module notes of
    protocols.entanglement.swapping."""
    F1, F2, p, q = 0.93, 0.88, 0.04, 0.03
    F = (3 * _w(F1) * _w(F2) + 1) / 4
    F = (1 - p) * F + p / 4
    e0 = (1 - q) ** 2
    F = F * e0 + (1 - F) / 3 * (1 - e0)  # Werner: each non-identity error hits a (1-F)/3 weight
    for a, b in ((qc.werner(F1), qc.werner(F2)), (BellDiagonal.werner(F1), BellDiagonal.werner(F2))):
        assert entanglement_swap(a, b, gate_error=p, readout_error=q).fidelity == pytest.approx(F, abs=1e-12)


def test_linear_optics_bsm_succeeds_half_and_only_psi_outcomes():
    r = entanglement_swap(qc.werner(0.9), qc.werner(0.8), bsm="linear_optics")
    assert r.success_probability == pytest.approx(0.5, abs=1e-12)
    ideal = entanglement_swap(qc.werner(0.9), qc.werner(0.8))
    np.testing.assert_allclose(r.state, ideal.state, atol=1e-12)
    # a product input |00>|10> has odd parity on (B1, B2) with certainty: success 1
    r2 = entanglement_swap(qc.basis_state("00"), qc.basis_state("10"), bsm="linear_optics")
    assert r2.success_probability == pytest.approx(1.0, abs=1e-12)
    r3 = entanglement_swap(qc.basis_state("00"), qc.basis_state("00"), bsm="linear_optics")
    assert r3.success_probability == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(r3.state, np.eye(4) / 4, atol=1e-12)


def test_uncorrected_frame_is_tracked():
    r = entanglement_swap(qc.bell_state("phi+"), qc.bell_state("phi+"), correct=False)
    assert r.frame.tolist() == [0, 1, 2, 3]
    for k in range(4):
        assert qc.fidelity(r.branch_states[k], qc.bell_ket(k)) == pytest.approx(1.0, abs=1e-12)
    # applying the reported frame recovers the corrected branches
    corr = entanglement_swap(qc.werner(0.8), qc.werner(0.9))
    unc = entanglement_swap(qc.werner(0.8), qc.werner(0.9), correct=False)
    for k in range(4):
        fixed = qc.apply_unitary(unc.branch_states[k], _P[unc.frame[k]], [1])
        np.testing.assert_allclose(fixed, corr.branch_states[k], atol=1e-12)
    assert corr.frame.tolist() == [0, 0, 0, 0]


def test_dense_path_matches_plain_kron_reference_on_generic_states():
    for seed in range(4):
        r1 = qc.random_density_matrix(2, seed)
        r2 = qc.random_density_matrix(2, seed + 100)
        probs, states = _plain_swap(r1, r2)
        r = entanglement_swap(r1, r2)
        np.testing.assert_allclose(r.probabilities, probs, atol=1e-12)
        np.testing.assert_allclose(r.branch_states, states, atol=1e-10)
        np.testing.assert_allclose(r.state, np.einsum("k,kij->ij", probs, states), atol=1e-10)


@pytest.mark.parametrize("bsm", ["ideal", "linear_optics"])
@pytest.mark.parametrize("correct", [True, False])
def test_dense_and_bell_diagonal_paths_agree(bsm, correct):
    rng = np.random.default_rng(11)
    c1 = rng.dirichlet(np.ones(4), 7)
    c2 = rng.dirichlet(np.ones(4), 7)
    kw = dict(gate_error=0.08, readout_error=0.05, bsm=bsm, correct=correct)
    d = entanglement_swap(qc.bell_diagonal(c1), qc.bell_diagonal(c2), **kw)
    b = entanglement_swap(BellDiagonal(c1), BellDiagonal(c2), **kw)
    np.testing.assert_allclose(d.state, b.state.to_dense(), atol=1e-12)
    np.testing.assert_allclose(d.branch_states, b.branch_states.to_dense(), atol=1e-12)
    np.testing.assert_allclose(d.probabilities, b.probabilities, atol=1e-12)
    np.testing.assert_allclose(d.success_probability, b.success_probability, atol=1e-12)
    np.testing.assert_array_equal(d.frame, b.frame)


def test_to_dict_is_json_ready():
    import json
    json.dumps(entanglement_swap(qc.werner(0.9), qc.werner(0.9)).to_dict())
    d = entanglement_swap(BellDiagonal([1, 0, 0, 0]), BellDiagonal([0.9, 0.1, 0, 0])).to_dict()
    assert d["state"] == [0.9, 0.1, 0.0, 0.0] and d["fidelity"] == 0.9
    json.dumps(d)


def test_docstring_examples():
    assert doctest.testmod(sw, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
