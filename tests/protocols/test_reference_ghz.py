"""GHZ distribution at a star centre: fusion of n pairs by a noisy GHZ measurement.

Closed form for Werner links and ideal fusion (derived here). A Werner pair of parameter w is
``phi+`` with a depolarizing channel ``D_w(rho) = w rho + (1 - w) tr(rho) I/2`` on the user's
qubit: ``(I (x) D_w)(phi+) = w phi+ + (1 - w) I/4``. The fusion touches only the centre's qubits,
and the users' Pauli corrections commute with ``D_w``, so the users end in
``(x)_k D_{w_k} (|GHZ_n><GHZ_n|)``. Expanding each ``D_w = w id + (1 - w) T`` (T: replace by I/2),
a term with the set S of replaced qubits has GHZ fidelity 1 (S empty), ``1/2**n`` (S = all),
and ``1/2**(|S| + 1)`` otherwise (the rest of the GHZ state is then ``(|0..0><0..0| + |1..1><1..1|)/2``).
Summing, with ``sum_S prod_{k in S} (1 - w_k)/2 prod_{k not in S} w_k = prod_k (1 + w_k)/2``:

    F = ( prod_k (1 + w_k)/2 + prod_k w_k + prod_k (1 - w_k)/2 ) / 2.

For n = 2 this is ``(1 + 3 w_1 w_2)/4``, the swapped Werner pair (Duer, Briegel, Cirac, Zoller,
PRA 59, 169 (1999)); the n = 2 fusion is checked against ``entanglement_swap`` exactly, with noise
and for the linear-optics analyzer (success 1/2; Lutkenhaus, Calsamiglia, Suominen, PRA 59, 3295
(1999)); the linear-optics GHZ analyzer has success probability ``1/2**(n-1)`` (Pan, Zeilinger,
PRA 57, 2208 (1998)). The noisy fusion is checked against the slow circuit on the full 2n-qubit
register (engine ``apply_unitary``, ``channels.depolarizing``, ``channels.bit_flip``, ``measure``).
"""

from __future__ import annotations

import numpy as np
import pytest

import channels
import qnet_core as qc
from protocols import entanglement_swap, measurement_error_distribution
from protocols.entanglement import fusion_flip_distribution, ghz_fusion
from qnet_core.errors import DimensionError, ParameterError
from qnet_core.gates import CNOT, H, X, Z


def werner_ghz_fidelity(ws):
    ws = np.asarray(ws, dtype=float)
    return 0.5 * (np.prod((1 + ws) / 2) + np.prod(ws) + np.prod((1 - ws) / 2))


def reference_fusion(pairs, g=0.0, q=0.0):
    """Slow circuit: CNOT(c1 -> ck) + depolarizing(g, 2), H(c1), readout bit flips, Z measurement, corrections."""
    n = len(pairs)
    rho = qc.tensor(*pairs)  # qubits (c1, u1, c2, u2, ...)
    c = [2 * k for k in range(n)]
    for k in range(1, n):
        rho = qc.apply_unitary(rho, CNOT, [c[0], c[k]])
        rho = channels.depolarizing(g, num_qubits=2).apply(rho, [c[0], c[k]])
    rho = qc.apply_unitary(rho, H, [c[0]])
    for k in range(n):
        rho = channels.bit_flip(q).apply(rho, [c[k]])
    m = qc.measure(rho, c, "Z")
    out = np.zeros((2**n, 2**n), dtype=np.complex128)
    for r in range(2**n):
        state = m.states[r]
        bits = [(r >> (n - 1 - j)) & 1 for j in range(n)]
        for k in range(1, n):
            if bits[k]:
                state = qc.apply_unitary(state, X, [k])
        if bits[0]:
            state = qc.apply_unitary(state, Z, [n - 1])
        out += m.probabilities[r] * state
    return out, m.probabilities


@pytest.mark.parametrize("n", [2, 3, 4, 5])
@pytest.mark.parametrize("fid", [1.0, 0.95, 0.8, 0.5, 0.25])
def test_werner_links_closed_form(n, fid):
    w = qc.werner_parameter(fid)
    r = ghz_fusion([qc.werner(fid)] * n)
    assert r.fidelity == pytest.approx(werner_ghz_fidelity([w] * n), abs=1e-12)
    assert r.success_probability == 1.0
    np.testing.assert_allclose(r.probabilities, np.full(2**n, 2.0**-n), atol=1e-12)


def test_werner_links_heterogeneous_closed_form():
    fids = [0.99, 0.9, 0.8, 0.7]
    r = ghz_fusion([qc.werner(f) for f in fids])
    assert r.fidelity == pytest.approx(werner_ghz_fidelity([qc.werner_parameter(f) for f in fids]), abs=1e-12)


def test_werner_output_is_locally_depolarized_ghz():
    """The whole state, not only the fidelity: (x)_k D_w(GHZ), built with channels.depolarizing(1 - w)."""
    fid, n = 0.9, 3
    expected = qc.ghz_state(n)
    for k in range(n):
        expected = channels.depolarizing(1 - qc.werner_parameter(fid)).apply(expected, [k])
    np.testing.assert_allclose(ghz_fusion([qc.werner(fid)] * n).state, expected, atol=1e-12)


def test_n2_closed_form_is_swapped_werner():
    w1, w2 = 0.9, 0.7
    assert werner_ghz_fidelity([w1, w2]) == pytest.approx((1 + 3 * w1 * w2) / 4, abs=1e-15)


@pytest.mark.parametrize("g,q", [(0.0, 0.0), (0.1, 0.0), (0.0, 0.07), (0.2, 0.05)])
@pytest.mark.parametrize("bsm", ["ideal", "linear_optics"])
def test_n2_is_entanglement_swap(g, q, bsm):
    """n = 2: the fusion is the swap's BSM (pair a = (A, B1) has the centre on qubit 1)."""
    rng = np.random.default_rng(7)
    for _ in range(3):
        a = qc.random_density_matrix(2, seed=rng)
        b = qc.random_density_matrix(2, seed=rng)
        s = entanglement_swap(a, b, gate_error=g, readout_error=q, bsm=bsm)
        f = ghz_fusion([qc.permute_qubits(a, [1, 0]), b], gate_error=g, readout_error=q,
                       fusion="gates" if bsm == "ideal" else "linear_optics")
        np.testing.assert_allclose(f.state, s.state, atol=1e-12)
        assert f.success_probability == pytest.approx(s.success_probability, abs=1e-12)
        # bit order: fusion (s = z, b = x) vs Bell index 2x + z
        np.testing.assert_allclose(f.probabilities[[0, 2, 1, 3]], s.probabilities, atol=1e-12)


@pytest.mark.parametrize("g,q", [(0.0, 0.0), (0.15, 0.0), (0.0, 0.1), (0.1, 0.05)])
def test_noisy_fusion_matches_full_register_circuit(g, q):
    rng = np.random.default_rng(11)
    pairs = [qc.random_density_matrix(2, seed=rng) for _ in range(3)]
    ref_state, ref_probs = reference_fusion(pairs, g, q)
    r = ghz_fusion(pairs, gate_error=g, readout_error=q)
    np.testing.assert_allclose(r.state, ref_state, atol=1e-11)
    np.testing.assert_allclose(r.probabilities, ref_probs, atol=1e-11)


def test_flip_distribution_n2_is_swap_readout_model():
    np.testing.assert_allclose(fusion_flip_distribution(2, readout_error=0.1),
                               measurement_error_distribution(0.1)[[0, 2, 1, 3]], atol=1e-15)
    p = fusion_flip_distribution(4, gate_error=0.2, readout_error=0.05)
    assert p.sum() == pytest.approx(1.0, abs=1e-12) and p.min() >= 0


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_linear_optics_success_probability(n):
    """Pan-Zeilinger analyzer: 2 of 2**n outcomes, success 1/2**(n-1); accepted states are GHZ too."""
    r = ghz_fusion([qc.werner(0.9)] * n, fusion="linear_optics")
    assert r.success_probability == pytest.approx(2.0 ** (1 - n), abs=1e-12)
    assert r.fidelity == pytest.approx(werner_ghz_fidelity([qc.werner_parameter(0.9)] * n), abs=1e-12)


def test_fidelity_decreases_with_gate_and_readout_error():
    pairs = [qc.werner(0.97)] * 4
    f_g = [ghz_fusion(pairs, gate_error=g).fidelity for g in (0.0, 0.02, 0.05, 0.1, 0.3)]
    f_q = [ghz_fusion(pairs, readout_error=q).fidelity for q in (0.0, 0.01, 0.05, 0.1, 0.3)]
    assert np.all(np.diff(f_g) < 0) and np.all(np.diff(f_q) < 0)


def test_bell_diagonal_links_and_array_input():
    bd = qc.BellDiagonal([0.9, 0.05, 0.03, 0.02])
    r1 = ghz_fusion([bd] * 3)
    r2 = ghz_fusion(np.stack([bd.to_dense()] * 3))
    np.testing.assert_allclose(r1.state, r2.state, atol=1e-14)
    assert set(r1.to_dict()) >= {"state_real", "state_imag", "fidelity", "success_probability"}


@pytest.mark.parametrize("call,exc,match", [
    (lambda: ghz_fusion([qc.bell_state()]), ParameterError, r"ghz_fusion\(\): pairs holds 1 link state"),
    (lambda: ghz_fusion(qc.bell_state()), DimensionError, r"ghz_fusion\(\): pairs has shape \(4, 4\)"),
    (lambda: ghz_fusion([qc.bell_state()] * 9), ParameterError, r"2 to 8"),
    (lambda: ghz_fusion([qc.bell_state(), qc.ghz_state(3)]), DimensionError, r"pairs\[1\]"),
    (lambda: ghz_fusion([qc.bell_state()] * 2, gate_error=1.5), ParameterError, r"gate_error"),
    (lambda: ghz_fusion([qc.bell_state()] * 2, fusion="pbs"), ParameterError, r"fusion='pbs' is not allowed"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
