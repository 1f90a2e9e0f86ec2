"""Conference key agreement over GHZ states (N-BB84) and the pairwise comparison.

Epping, Kampermann, Macchiavello, Bruss, New J. Phys. 19, 093012 (2017): the N-BB84 asymptotic
key rate is ``r = 1 - h(Q_X) - max_i h(Q_{A B_i})`` with ``Q_{A B_i}`` the Z-basis error between
Alice and Bob i and ``Q_X`` the probability that the product of all X outcomes contradicts the
GHZ stabilizer X...X; a noiseless GHZ state gives one key bit per round. In a network with a
bottleneck the GHZ state uses the bottleneck once, while N-1 bipartite keys use it N-1 times
(the paper's network-coding comparison, Sec. 4), so the bipartite rate is ``r_2/(N-1)`` and the
GHZ protocol wins at low noise.

Closed forms used here (derived in test_reference_ghz.py): fusing Werner links of parameter w
leaves ``(x)_k D_w(GHZ_N)``, whose correlators are ``<Z_0 Z_i> = w^2`` and ``<X^(x)N> = w^N``, so
``Q_Z = (1 - w^2)/2`` and ``Q_X = (1 - w^N)/2``; swapping two Werner links gives Werner ``w^2``
with ``e_x = e_z = (1 - w^2)/2``. For ``depolarized_ghz(N, p)``: ``Q_X = Q_Z = p/2``.
"""

from __future__ import annotations

import numpy as np
import pytest

import qnet_core as qc
from protocols import pair_qkd
from protocols.qkd import conference_key_comparison, conference_key_rate
from qnet_core.errors import DimensionError, ParameterError


def h(p):
    return float(qc.binary_entropy(p))


@pytest.mark.parametrize("n", [2, 3, 4, 6])
def test_noiseless_ghz_gives_one_bit_per_round(n):
    """Epping et al. 2017: a perfect GHZ state gives one conference key bit per round."""
    r = conference_key_rate(qc.ghz_state(n))
    assert r.key_rate == pytest.approx(1.0, abs=1e-12)
    assert r.qber_x == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(r.qber_z, np.zeros(n - 1), atol=1e-12)


@pytest.mark.parametrize("n,p", [(3, 0.05), (4, 0.1), (5, 0.2)])
def test_depolarized_ghz_closed_form(n, p):
    r = conference_key_rate(qc.depolarized_ghz(n, p))
    assert r.qber_x == pytest.approx(p / 2, abs=1e-12)
    np.testing.assert_allclose(r.qber_z, np.full(n - 1, p / 2), atol=1e-12)
    assert r.key_rate == pytest.approx(max(0.0, 1 - 2 * h(p / 2)), abs=1e-12)


def test_two_parties_is_bbm92():
    rng = np.random.default_rng(3)
    for _ in range(5):
        rho = qc.random_density_matrix(2, seed=rng)
        c, p = conference_key_rate(rho), pair_qkd(rho)
        assert c.key_rate == pytest.approx(p.secret_fraction, abs=1e-12)
        assert c.qber_x == pytest.approx(p.qber_x, abs=1e-12)
        assert c.qber_z[0] == pytest.approx(p.qber_z, abs=1e-12)


def test_worst_bob_sets_the_rate():
    """max_i h(Q_Z,i): one noisy Bob limits everyone (a bit flip on Bob 2 only)."""
    rho = qc.apply_kraus(qc.ghz_state(3), [np.sqrt(0.9) * np.eye(2), np.sqrt(0.1) * qc.gates.X], [2])
    r = conference_key_rate(rho)
    np.testing.assert_allclose(r.qber_z, [0.0, 0.1], atol=1e-12)
    assert r.qber_x == pytest.approx(0.0, abs=1e-12)
    assert r.key_rate == pytest.approx(1 - h(0.1), abs=1e-12)


def test_batch_axes():
    rho = np.stack([qc.depolarized_ghz(3, p) for p in (0.0, 0.1, 0.2)])
    r = conference_key_rate(rho)
    assert r.qber_z.shape == (3, 2) and np.shape(r.key_rate) == (3,)
    assert np.all(np.diff(r.key_rate) < 0)


@pytest.mark.parametrize("n", [3, 4, 5])
@pytest.mark.parametrize("fid", [0.999, 0.99, 0.97])
def test_star_comparison_closed_forms(n, fid):
    w = qc.werner_parameter(fid)
    c = conference_key_comparison([qc.werner(fid)] * n)
    assert c.ghz.qber_x == pytest.approx((1 - w**n) / 2, abs=1e-12)
    np.testing.assert_allclose(c.ghz.qber_z, np.full(n - 1, (1 - w**2) / 2), atol=1e-12)
    assert c.ghz_rate == pytest.approx(max(0.0, 1 - h((1 - w**n) / 2) - h((1 - w**2) / 2)), abs=1e-12)
    assert c.trusted_centre_rate == pytest.approx(max(0.0, 1 - 2 * h((1 - w) / 2)), abs=1e-12)
    assert c.pairwise_rate == pytest.approx(max(0.0, 1 - 2 * h((1 - w**2) / 2)) / (n - 1), abs=1e-12)


@pytest.mark.parametrize("n", [3, 4, 5])
def test_ghz_beats_pairwise_through_bottleneck(n):
    """The paper's trend: with a bottleneck the GHZ scheme wins, by N-1 without noise, and the advantage
    grows with N at low noise."""
    c0 = conference_key_comparison([qc.bell_state()] * n)
    assert c0.ghz_advantage == pytest.approx(n - 1, rel=1e-9)
    c = conference_key_comparison([qc.werner(0.99)] * n, gate_error=0.005, readout_error=0.005)
    assert c.ghz_rate > c.pairwise_rate > 0


def test_advantage_grows_with_users_and_shrinks_with_noise():
    adv_n = [conference_key_comparison([qc.werner(0.995)] * n).ghz_advantage for n in (3, 4, 5)]
    assert np.all(np.diff(adv_n) > 0)
    adv_f = [conference_key_comparison([qc.werner(f)] * 3).ghz_advantage for f in (0.999, 0.99, 0.97)]
    assert np.all(np.diff(adv_f) < 0)


def test_noise_kills_the_ghz_key_first_against_trusted_centre():
    """A trusted centre needs only each link's key: with noisy links the GHZ key drops below it."""
    c = conference_key_comparison([qc.werner(0.95)] * 4)
    assert c.ghz_rate < c.trusted_centre_rate


def test_linear_optics_scales_by_success_probability():
    g = conference_key_comparison([qc.werner(0.99)] * 3)
    lo = conference_key_comparison([qc.werner(0.99)] * 3, fusion="linear_optics")
    assert lo.fusion_success_probability == pytest.approx(0.25, abs=1e-12)
    assert lo.ghz_rate == pytest.approx(0.25 * g.ghz_rate, abs=1e-12)
    assert lo.pairwise_rate == pytest.approx(0.5 * g.pairwise_rate, abs=1e-12)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: conference_key_rate(qc.basis_state("0")), DimensionError, r"conference_key_rate\(\): .*N >= 2"),
    (lambda: conference_key_rate(qc.ghz_state(3), ec_efficiency=0.5), ParameterError, r"ec_efficiency=0.5"),
    (lambda: conference_key_rate(np.eye(8)), qc.QnetError, r"conference_key_rate"),
    (lambda: conference_key_comparison([qc.bell_state()]), ParameterError, r"conference_key_comparison\(\): pairs"),
])
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
