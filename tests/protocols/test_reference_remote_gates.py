"""Remote CNOT (Eisert, Jacobs, Papadopoulos, Plenio, PRA 62, 052317 (2000), Fig. 1).

With a perfect |phi+> pair the protocol implements CNOT exactly on any input (also entangled
with spectators); with a Werner pair of fidelity F the process fidelity is F and the average
gate fidelity (4F + 1)/5 (Nielsen, Phys. Lett. A 303, 249 (2002), d = 4).
"""

import doctest

import numpy as np
import pytest

import qnet_core as qc
import protocols.entanglement.remote_gates as rg
from protocols.entanglement.remote_gates import remote_cnot, remote_cnot_error_distribution, remote_cnot_fidelity
from qnet_core import BellDiagonal

X = np.array([[0, 1], [1, 0]])
Z = np.diag([1.0, -1.0])
CNOT = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])


@pytest.mark.parametrize("bits", ["00", "01", "10", "11"])
def test_truth_table_with_perfect_pair(bits):
    out = remote_cnot(qc.basis_state(bits), qc.bell_state("phi+")).state
    expected = bits if bits[0] == "0" else bits[0] + str(1 - int(bits[1]))
    np.testing.assert_allclose(out, qc.basis_state(expected), atol=1e-12)


def test_perfect_pair_matches_ideal_cnot_on_generic_and_entangled_inputs():
    for seed in range(3):
        rho = qc.random_density_matrix(2, seed)
        np.testing.assert_allclose(remote_cnot(rho, qc.bell_state("phi+")).state, CNOT @ rho @ CNOT.T, atol=1e-12)
    # control = qubit 2, target = qubit 0 of a 3-qubit register (qubit 1 a spectator)
    rho3 = qc.random_density_matrix(3, 5)
    U = qc.apply_unitary(rho3, qc.gates.CNOT, (2, 0))
    np.testing.assert_allclose(remote_cnot(rho3, qc.bell_state("phi+"), control=2, target=0).state, U, atol=1e-12)
    assert remote_cnot_fidelity(qc.bell_state("phi+")).process_fidelity == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("F", [0.5, 0.8, 0.95])
def test_werner_pair_degrades_fidelity(F):
    g = remote_cnot_fidelity(qc.werner(F))
    assert g.process_fidelity == pytest.approx(F, abs=1e-12)
    assert g.average_gate_fidelity == pytest.approx((4 * F + 1) / 5, abs=1e-12)
    gb = remote_cnot_fidelity(BellDiagonal.werner(F))
    assert gb.process_fidelity == pytest.approx(F, abs=1e-12)


def test_pair_errors_map_to_output_paulis():
    """phi- (Z on B') -> Z on a; psi+ (X on B') -> X on b."""
    rho = qc.random_density_matrix(2, 1)
    ideal = CNOT @ rho @ CNOT.T
    za = np.kron(Z, np.eye(2))
    xb = np.kron(np.eye(2), X)
    np.testing.assert_allclose(remote_cnot(rho, qc.bell_state("phi-")).state, za @ ideal @ za, atol=1e-12)
    np.testing.assert_allclose(remote_cnot(rho, qc.bell_state("psi+")).state, xb @ ideal @ xb, atol=1e-12)
    d = remote_cnot_error_distribution([0, 0, 0, 1])
    assert d[4 + 2] == pytest.approx(1.0)


def test_dense_and_bell_diagonal_paths_agree_with_noise():
    rng = np.random.default_rng(2)
    c = rng.dirichlet(np.ones(4), 4)
    rho = qc.random_density_matrix(3, 8)
    kw = dict(gate_error=0.06, readout_error=0.03)
    d = remote_cnot(rho, qc.bell_diagonal(c), control=1, target=2, **kw)
    b = remote_cnot(rho, BellDiagonal(c), control=1, target=2, **kw)
    np.testing.assert_allclose(d.state, b.state, atol=1e-12)
    np.testing.assert_allclose(remote_cnot_fidelity(qc.bell_diagonal(c), **kw).process_fidelity,
                               remote_cnot_fidelity(BellDiagonal(c), **kw).process_fidelity, atol=1e-12)


def test_noisy_closed_form_for_perfect_pair():
    """Perfect pair. Readout errors q only: no error iff neither bit is misread, (1 - q)^2.
    Gate errors p only: the first error is uniform on (x_a, z_a, x_b), the second on
    (z_a, x_b, z_b); both firing cancel with probability 1/16, so
    P0 = (1-p)^2 + 2 p (1-p)/8 + p^2/16."""
    for p, q, expected in ((0.0, 0.05, 0.95 ** 2), (0.1, 0.0, 0.9 ** 2 + 2 * 0.1 * 0.9 / 8 + 0.1 ** 2 / 16)):
        kw = dict(gate_error=p, readout_error=q)
        assert remote_cnot_fidelity(BellDiagonal([1, 0, 0, 0]), **kw).process_fidelity == pytest.approx(expected)
        assert remote_cnot_fidelity(qc.bell_state("phi+"), **kw).process_fidelity == pytest.approx(expected)


def test_to_dict_is_json_ready():
    import json
    json.dumps(remote_cnot(qc.basis_state("10"), qc.werner(0.9)).to_dict())
    json.dumps(remote_cnot_fidelity(qc.werner(0.9)).to_dict())


def test_docstring_examples():
    assert doctest.testmod(rg, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
