"""GHZ and graph states, their stabilizers and the GHZ fidelity (qnet_core.multipartite).

References: Greenberger, Horne, Shimony, Zeilinger, Am. J. Phys. 58, 1131 (1990) (GHZ state);
Hein, Eisert, Briegel, PRA 69, 062311 (2004), eqs. (1)-(2) (graph states ``prod CZ |+>^n`` and
their generators ``K_a = X_a prod_{b in N(a)} Z_b``). The slow references build the states
with the engine's ``apply_unitary`` and ``tensor``.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qnet_core as qc
from qnet_core.errors import ParameterError, QnetError
from qnet_core.gates import CNOT, CZ, H

PLUS = np.full((2, 2), 0.5, dtype=np.complex128)


def _reference_graph_state(edges, n):
    rho = qc.tensor(*([PLUS] * n))
    for a, b in edges:
        rho = qc.apply_unitary(rho, CZ, [a, b])
    return rho


def _reference_ghz(n):
    rho = qc.apply_unitary(qc.basis_state("0" * n), H, [0])
    for k in range(1, n):
        rho = qc.apply_unitary(rho, CNOT, [0, k])
    return rho


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_ghz_state_matches_circuit(n):
    np.testing.assert_allclose(qc.ghz_state(n), _reference_ghz(n), atol=1e-12)
    np.testing.assert_allclose(qc.ket_to_dm(qc.ghz_ket(n)), qc.ghz_state(n), atol=1e-12)


def test_ghz2_is_phi_plus():
    np.testing.assert_allclose(qc.ghz_state(2), qc.bell_state("phi+"), atol=1e-15)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_ghz_stabilizers_stabilize(n):
    ket = qc.ghz_ket(n)
    gens = qc.ghz_stabilizers(n)
    assert len(gens) == n
    for g in gens:
        np.testing.assert_allclose(qc.pauli_operator(g) @ ket, ket, atol=1e-12)


@pytest.mark.parametrize("edges,n", [([(0, 1)], 2), ([(0, 1), (1, 2)], 3), ([(0, 1), (1, 2), (2, 3), (3, 0)], 4),
                                     ([(0, 1), (0, 2), (0, 3), (0, 4)], 5), ([], 3)])
def test_graph_state_matches_cz_construction(edges, n):
    """|G> = prod_E CZ |+>^n (Hein et al. 2004, eq. (1)); each K_a stabilizes it (eq. (2))."""
    rho = qc.graph_state(edges, n)
    np.testing.assert_allclose(rho, _reference_graph_state(edges, n), atol=1e-12)
    ket = qc.graph_ket(edges, n)
    for g in qc.graph_stabilizers(edges, n):
        np.testing.assert_allclose(qc.pauli_operator(g) @ ket, ket, atol=1e-12)


def test_networkx_graph_same_as_edge_list():
    g = nx.cycle_graph(4)
    np.testing.assert_allclose(qc.graph_state(g), qc.graph_state(list(g.edges), 4), atol=1e-15)
    assert qc.graph_stabilizers(g) == ("XZIZ", "ZXZI", "IZXZ", "ZIZX")


@pytest.mark.parametrize("n", [2, 3, 4])
def test_star_graph_is_local_clifford_ghz(n):
    """Hadamards on the leaves of the star graph give |GHZ_n> (Hein et al. 2004, Sec. II)."""
    rho = qc.graph_state([(0, k) for k in range(1, n)], n)
    for k in range(1, n):
        rho = qc.apply_unitary(rho, H, [k])
    assert qc.ghz_fidelity(rho) == pytest.approx(1.0, abs=1e-12)


def test_ghz_fidelity_matches_fidelity_pure_on_batches():
    rho = np.stack([qc.random_density_matrix(3, seed=s) for s in range(5)])
    np.testing.assert_allclose(qc.ghz_fidelity(rho), qc.fidelity_pure(rho, qc.ghz_ket(3)), atol=1e-12)
    assert qc.ghz_fidelity(rho.reshape(5, 1, 8, 8)).shape == (5, 1)


@pytest.mark.parametrize("n", [2, 3, 6])
@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_depolarized_ghz_fidelity_closed_form(n, p):
    rho = qc.depolarized_ghz(n, p)
    assert qc.ghz_fidelity(rho) == pytest.approx(1 - p + p / 2**n, abs=1e-12)


def test_depolarized_ghz2_is_werner():
    np.testing.assert_allclose(qc.depolarized_ghz(2, 0.2), qc.werner(1 - 0.2 + 0.2 / 4), atol=1e-12)


@given(n=st.integers(1, 5), p=st.floats(0.0, 1.0))
def test_depolarized_ghz_is_a_state(n, p):
    rho = qc.depolarized_ghz(n, p)
    np.testing.assert_allclose(rho, rho.conj().T, atol=1e-14)
    assert np.trace(rho).real == pytest.approx(1.0, abs=1e-12)
    assert np.linalg.eigvalsh(rho).min() >= -1e-12
    f = qc.ghz_fidelity(rho)
    assert 0.0 <= f <= 1.0


@given(n=st.integers(2, 5), p=st.floats(0.0, 1.0), q=st.floats(0.0, 1.0))
def test_ghz_fidelity_monotone_under_depolarizing(n, p, q):
    lo, hi = sorted((p, q))
    assert qc.ghz_fidelity(qc.depolarized_ghz(n, hi)) <= qc.ghz_fidelity(qc.depolarized_ghz(n, lo)) + 1e-12


@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 4))
def test_ghz_fidelity_in_unit_interval(seed, n):
    f = qc.ghz_fidelity(qc.random_density_matrix(n, seed=seed))
    assert 0.0 <= f <= 1.0


@pytest.mark.parametrize("call,match", [
    (lambda: qc.ghz_state(0), r"ghz_state\(\): n=0 must be an integer in \[1, 14\]"),
    (lambda: qc.ghz_ket(15), r"ghz_ket\(\): n=15"),
    (lambda: qc.depolarized_ghz(3, 1.5), r"depolarized_ghz\(\): p=1.5 must lie in \[0, 1\]"),
    (lambda: qc.graph_state([(0, 0)]), r"graph_state\(\): the edge \(0, 0\) is a self-loop"),
    (lambda: qc.graph_state([(0, 1), (1, 0)]), r"graph_state\(\): the edge \(0, 1\) is given twice"),
    (lambda: qc.graph_state([(0, 3)], n=2), r"names a qubit outside 0..1"),
    (lambda: qc.graph_state([]), r"graph_state\(\): graph_edges is empty; give n"),
    (lambda: qc.graph_stabilizers("ab"), r"graph_stabilizers\(\): graph_edges='ab' must be a list"),
    (lambda: qc.pauli_operator("XQ"), r"pauli_operator\(\): label='XQ' must be one of the letters"),
])
def test_errors_name_function_argument_and_value(call, match):
    with pytest.raises(QnetError, match=match):
        call()


def test_ghz_fidelity_rejects_non_states():
    with pytest.raises(QnetError, match="ghz_fidelity"):
        qc.ghz_fidelity(np.eye(4))
    with pytest.raises(ParameterError):
        qc.ghz_state(2.5)
