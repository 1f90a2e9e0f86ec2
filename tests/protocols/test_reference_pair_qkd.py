"""BBM92 figures of a delivered pair.

References: Bennett, Brassard, Mermin, PRL 68, 557 (1992); asymptotic secret fraction
1 - h(e_x) - h(e_z) (Shor and Preskill, PRL 85, 441 (2000)), positive up to e ~ 11.0% for
equal error rates; for a Werner pair e_x = e_z = 2(1 - F)/3.
"""

import doctest

import numpy as np
import pytest

import qnet_core as qc
import protocols.qkd.entanglement_qkd as pq
from protocols.qkd.entanglement_qkd import bbm92_secret_fraction, pair_qkd
from qnet_core import BellDiagonal
from qnet_core.metrics import binary_entropy

from . import reference


def test_perfect_pair_gives_full_key():
    r = pair_qkd(qc.bell_state("phi+"))
    assert r.qber_z == pytest.approx(0.0, abs=1e-12) and r.qber_x == pytest.approx(0.0, abs=1e-12)
    assert r.secret_fraction == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("F", [0.8, 0.9, 0.97, 1.0])
def test_werner_pair(F):
    e = 2 * (1 - F) / 3
    r = pair_qkd(qc.werner(F))
    assert r.qber_z == pytest.approx(e, abs=1e-12) and r.qber_x == pytest.approx(e, abs=1e-12)
    assert r.secret_fraction == pytest.approx(max(0.0, 1 - 2 * binary_entropy(e)), abs=1e-12)


def test_shor_preskill_threshold():
    assert bbm92_secret_fraction(0.105, 0.105) > 0
    assert bbm92_secret_fraction(0.115, 0.115) == 0.0
    assert bbm92_secret_fraction(0.11, 0.11) == pytest.approx(0.0, abs=1e-3)


def test_qbers_match_measurement_statistics():
    for seed in range(4):
        rho = qc.random_density_matrix(2, seed)
        ez, ex = reference.pair_qkd_qbers(rho)
        for r in (pair_qkd(rho), pair_qkd(BellDiagonal.twirl(rho))):  # only the Bell-diagonal part matters
            assert r.qber_z == pytest.approx(ez, abs=1e-12)
            assert r.qber_x == pytest.approx(ex, abs=1e-12)


def test_frame_selects_the_target_bell_state():
    for k in range(4):
        r = pair_qkd(qc.bell_state(k), frame=k)
        assert r.secret_fraction == pytest.approx(1.0, abs=1e-12)
    r = pair_qkd(qc.bell_state("psi-"))
    assert r.qber_z == pytest.approx(1.0) and r.qber_x == pytest.approx(1.0)


def test_dense_and_bell_diagonal_paths_agree():
    rng = np.random.default_rng(4)
    c = rng.dirichlet(np.ones(4), 8)
    for k in range(4):
        a = pair_qkd(qc.bell_diagonal(c), frame=k, ec_efficiency=1.16)
        b = pair_qkd(BellDiagonal(c), frame=k, ec_efficiency=1.16)
        np.testing.assert_allclose(a.qber_z, b.qber_z, atol=1e-12)
        np.testing.assert_allclose(a.qber_x, b.qber_x, atol=1e-12)
        np.testing.assert_allclose(a.secret_fraction, b.secret_fraction, atol=1e-12)


def test_error_correction_inefficiency_lowers_the_fraction():
    assert bbm92_secret_fraction(0.02, 0.03, ec_efficiency=1.2) == pytest.approx(
        1 - binary_entropy(0.02) - 1.2 * binary_entropy(0.03))


def test_docstring_examples():
    assert doctest.testmod(pq, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
