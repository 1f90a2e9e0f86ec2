"""Recurrence purification and pumping against the papers' maps and a plain kron reference.

References: BBPSSW (Bennett, Brassard, Popescu, Schumacher, Smolin, Wootters, PRL 76, 722
(1996); Bennett, DiVincenzo, Smolin, Wootters, PRA 54, 3824 (1996)) Werner map
F' = (F^2 + ((1-F)/3)^2) / N, N = F^2 + 2F(1-F)/3 + 5((1-F)/3)^2, fixed point F = 1/2 and
convergence to 1 above it. DEJMPS (Deutsch, Ekert, Jozsa, Macchiavello, Popescu, Sanpera, PRL
77, 2818 (1996)) recurrence on (A, B, C, D) = (phi+, psi-, psi+, phi-):
A' = (A^2 + B^2)/N, B' = 2CD/N, C' = (C^2 + D^2)/N, D' = 2AB/N, N = (A+B)^2 + (C+D)^2.
Noisy CNOT / measurement model and pumping: Dur, Briegel, Cirac, Zoller, PRA 59, 169 (1999).
"""

import doctest

import numpy as np
import pytest

import qnet_core as qc
import protocols.entanglement.purification as pu
from protocols.entanglement.purification import bbpssw_map, dejmps_map, pumping_rounds, purify, recurrence_rounds
from qnet_core import BellDiagonal

from . import reference


def _bbpssw(F):
    q = (1 - F) / 3
    N = F * F + 2 * F * q + 5 * q * q
    return (F * F + q * q) / N, N


def _dejmps(c):
    A, D, C, B = c  # Bell-index order phi+, phi-, psi+, psi-
    N = (A + B) ** 2 + (C + D) ** 2
    return np.array([(A * A + B * B) / N, 2 * A * B / N, (C * C + D * D) / N, 2 * C * D / N]), N


@pytest.mark.parametrize("F", [0.3, 0.5, 0.6, 0.75, 0.9, 0.99])
def test_bbpssw_werner_map(F):
    Fp, N = _bbpssw(F)
    r = purify(qc.werner(F), method="bbpssw")
    assert r.fidelity == pytest.approx(Fp, abs=1e-12)
    assert r.success_probability == pytest.approx(N, abs=1e-12)
    rb = purify(BellDiagonal.werner(F), method="bbpssw")
    assert rb.fidelity == pytest.approx(Fp, abs=1e-12)
    assert rb.success_probability == pytest.approx(N, abs=1e-12)
    # DEJMPS coincides with BBPSSW on Werner inputs (one round)
    assert purify(BellDiagonal.werner(F), method="dejmps").fidelity == pytest.approx(Fp)


def test_dejmps_map_on_random_bell_diagonal_states():
    rng = np.random.default_rng(5)
    for c in rng.dirichlet(np.ones(4), 10):
        expected, N = _dejmps(c)
        out, p = dejmps_map(c)
        np.testing.assert_allclose(out, expected, atol=1e-12)
        assert p == pytest.approx(N, abs=1e-12)
        r = purify(qc.bell_diagonal(c), method="dejmps")
        np.testing.assert_allclose(qc.bell_coefficients(r.state), expected, atol=1e-12)
        assert r.success_probability == pytest.approx(N, abs=1e-12)


def test_bbpssw_map_twirls_to_werner_first():
    c = np.array([0.7, 0.3, 0.0, 0.0])
    out, p = bbpssw_map(c)
    Fp, N = _bbpssw(0.7)
    assert out[0] == pytest.approx(Fp) and p == pytest.approx(N)


def test_threshold_one_half_for_bbpssw():
    above = recurrence_rounds(BellDiagonal([0.55, 0.15, 0.15, 0.15]), rounds=40, method="bbpssw")
    assert above.fidelity[-1] > 0.999
    assert np.all(np.diff(above.fidelity) > 0)
    fixed = recurrence_rounds(BellDiagonal.werner(0.5), rounds=5, method="bbpssw")
    np.testing.assert_allclose(fixed.fidelity, 0.5, atol=1e-12)
    below = recurrence_rounds(BellDiagonal.werner(0.45), rounds=10, method="bbpssw")
    assert np.all(np.diff(np.concatenate([[0.45], below.fidelity])) < 0)


def test_ideal_pairs_stay_ideal_and_costs_count_pairs():
    rec = recurrence_rounds(qc.bell_state("phi+"), rounds=3)
    np.testing.assert_allclose(rec.fidelity, 1.0, atol=1e-12)
    np.testing.assert_allclose(rec.success_probability, 1.0, atol=1e-12)
    np.testing.assert_allclose(rec.pairs_per_output, [2, 4, 8], atol=1e-12)
    pump = pumping_rounds(qc.bell_state("phi+"), rounds=3, method="bbpssw")
    np.testing.assert_allclose(pump.pairs_per_output, [2, 3, 4], atol=1e-12)
    np.testing.assert_allclose(pump.output_yield, [1 / 2, 1 / 3, 1 / 4], atol=1e-12)


def test_schedule_costs_follow_recursions():
    c = BellDiagonal([0.8, 0.1, 0.06, 0.04])
    noise = dict(gate_error=0.01, readout_error=0.01)
    rec = recurrence_rounds(c, rounds=3, **noise)
    N = 1.0
    for r in range(3):
        N = 2 * N / rec.success_probability[r]
        assert rec.pairs_per_output[r] == pytest.approx(N)
    pump = pumping_rounds(c, rounds=3, **noise)
    N = 1.0
    cur = c
    for r in range(3):
        step = purify(cur, c, **noise)
        cur = step.state
        N = (N + 1) / step.success_probability
        assert pump.pairs_per_output[r] == pytest.approx(N)
        assert pump.fidelity[r] == pytest.approx(step.fidelity)


def test_noisy_operations_bound_the_reachable_fidelity():
    """With p2 > 0 the recurrence reaches a fixed point below 1 (Dur et al. 1999, Sec. IV)."""
    noisy = recurrence_rounds(BellDiagonal.werner(0.9), rounds=30, gate_error=0.03)
    assert noisy.fidelity[-1] < 0.99
    assert abs(noisy.fidelity[-1] - noisy.fidelity[-2]) < 1e-9


@pytest.mark.parametrize("method", ["dejmps", "bbpssw"])
def test_dense_path_matches_plain_reference_on_generic_states(method):
    for seed in range(3):
        r1 = qc.random_density_matrix(2, seed)
        r2 = qc.random_density_matrix(2, seed + 50)
        ref_state, ref_p = reference.purify(r1, r2, method, gate_error=0.05, readout_error=0.04)
        r = purify(r1, r2, method=method, gate_error=0.05, readout_error=0.04)
        np.testing.assert_allclose(r.state, ref_state, atol=1e-10)
        assert r.success_probability == pytest.approx(ref_p, abs=1e-12)


@pytest.mark.parametrize("method", ["dejmps", "bbpssw"])
def test_dense_and_bell_diagonal_paths_agree(method):
    rng = np.random.default_rng(7)
    c1 = rng.dirichlet(np.ones(4), 6)
    c2 = rng.dirichlet(np.ones(4), 6)
    d = purify(qc.bell_diagonal(c1), qc.bell_diagonal(c2), method=method, gate_error=0.06, readout_error=0.02)
    b = purify(BellDiagonal(c1), BellDiagonal(c2), method=method, gate_error=0.06, readout_error=0.02)
    np.testing.assert_allclose(d.state, b.state.to_dense(), atol=1e-12)
    np.testing.assert_allclose(d.success_probability, b.success_probability, atol=1e-12)
    for fn, kw in ((recurrence_rounds, {}), (pumping_rounds, {"auxiliary": c2})):
        dense_kw = {k: qc.bell_diagonal(v) for k, v in kw.items()}
        bd_kw = {k: BellDiagonal(v) for k, v in kw.items()}
        ds = fn(qc.bell_diagonal(c1), 3, method=method, gate_error=0.01, **dense_kw)
        bs = fn(BellDiagonal(c1), 3, method=method, gate_error=0.01, **bd_kw)
        assert isinstance(bs.states, BellDiagonal) and bs.states.shape == (3, 6)
        np.testing.assert_allclose(ds.fidelity, bs.fidelity, atol=1e-12)
        np.testing.assert_allclose(ds.success_probability, bs.success_probability, atol=1e-12)
        np.testing.assert_allclose(ds.pairs_per_output, bs.pairs_per_output, rtol=1e-10)
        np.testing.assert_allclose(ds.states, bs.states.to_dense(), atol=1e-12)


def test_zero_success_gives_maximally_mixed_state():
    r = purify(BellDiagonal([0, 0, 1, 0]), BellDiagonal([1, 0, 0, 0]))  # psi+ with phi+: outcomes always differ
    assert r.success_probability == 0.0
    np.testing.assert_allclose(r.state.coefficients, 0.25)
    d = purify(qc.bell_state("psi+"), qc.bell_state("phi+"))
    assert d.success_probability == pytest.approx(0.0, abs=1e-15)
    np.testing.assert_allclose(d.state, np.eye(4) / 4, atol=1e-12)


def test_to_dict_is_json_ready():
    import json
    json.dumps(purify(qc.werner(0.8)).to_dict())
    d = recurrence_rounds(BellDiagonal([0.8, 0.1, 0.05, 0.05]), 2).to_dict()
    assert len(d["states"]) == 2 and len(d["yield"]) == 2
    json.dumps(d)


def test_docstring_examples():
    assert doctest.testmod(pu, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
