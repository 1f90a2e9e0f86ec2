"""Repeater-chain Monte Carlo against closed forms and a step-by-step dense-engine simulation.

References: entanglement swapping of Werner states multiplies Werner parameters
(Dur, Briegel, Cirac & Zoller, PRA 59, 169 (1999), Eq. 9); two-segment waiting time
(3 - 2p)/(p(2 - p)) attempts and the nested (3/(2 p_s))^n / p law (Sangouard, Simon,
de Riedmatten & Gisin, RMP 83, 33 (2011), Sec. III.B, Eq. 8); DEJMPS (Deutsch et al.,
PRL 77, 2818 (1996), Eq. 8-9) and BBPSSW (Bennett et al., PRL 76, 722 (1996)).
"""

import math

import numpy as np
import pytest

import qnet_core as qc
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain

from .chain_reference import bbpssw_fidelity, dejmps_bd, memory_kraus, swap_branches


def _werner_chain(n, p, F=1.0, **kw):
    kw.setdefault("prep_time_s", 1.0)
    return RepeaterChain(n, 0.0, scheme="werner", link_success_prob=p, link_fidelity=F, **kw)


@pytest.mark.parametrize("n,protocol", [(2, "swap-asap"), (3, "swap-asap"), (7, "swap-asap"), (4, "nested"),
                                        (8, "nested")])
def test_werner_parameter_is_product_of_links(n, protocol):
    F = 0.93
    res = simulate_chain(_werner_chain(n, 0.3, F, protocol=protocol), 300, seed=3)
    w_end = qc.werner_parameter(F) ** n
    want = qc.werner(qc.fidelity_from_werner_parameter(w_end))
    assert res.num_delivered == 300
    np.testing.assert_allclose(res.states, np.broadcast_to(want, res.states.shape), atol=1e-12)


def test_werner_product_with_multiplexing_and_cutoff():
    F = 0.97
    res = simulate_chain(_werner_chain(6, 0.2, F, memories_per_node=3, cutoff_s=4.0), 200, seed=4)
    want = qc.werner(qc.fidelity_from_werner_parameter(qc.werner_parameter(F) ** 6))
    np.testing.assert_allclose(res.states, np.broadcast_to(want, res.states.shape), atol=1e-12)


@pytest.mark.parametrize("p", [0.05, 0.3, 0.8])
def test_two_segment_mean_waiting_time(p):
    """E[max(K1, K2)] = (3 - 2p) / (p (2 - p)) attempts (attempt duration 1 s, no delays)."""
    res = simulate_chain(_werner_chain(2, p), 20000, seed=11)
    want = (3 - 2 * p) / (p * (2 - p))
    assert abs(res.mean_waiting_time_s - want) < 5 * res.mean_waiting_time_s_stderr


def _expected_max_geometric(n, p):
    k = np.arange(0, int(60 / p))
    return float(np.sum(1 - (1 - (1 - p) ** k) ** n))


@pytest.mark.parametrize("n,protocol", [(4, "nested"), (8, "nested"), (5, "swap-asap"), (16, "swap-asap")])
def test_deterministic_swaps_wait_for_the_slowest_link(n, protocol):
    """With keeping links, deterministic swaps and no delays, T = max of n geometric variables."""
    p = 0.1
    res = simulate_chain(_werner_chain(n, p, protocol=protocol), 10000, seed=12)
    want = _expected_max_geometric(n, p)
    assert abs(res.mean_waiting_time_s - want) < 5 * res.mean_waiting_time_s_stderr


@pytest.mark.parametrize("p_swap", [1.0, 0.5])
def test_one_level_waiting_time_exact(p_swap):
    """One nesting level: each try costs E[max(K1,K2)] attempts, a failed swap restarts both links."""
    p = 0.02
    res = simulate_chain(_werner_chain(2, p, protocol="nested", swap_success_prob=p_swap), 8000, seed=5)
    want = (3 - 2 * p) / (p * (2 - p)) / p_swap
    assert abs(res.mean_waiting_time_s - want) < 5 * res.mean_waiting_time_s_stderr


@pytest.mark.parametrize("n_levels", [1, 2, 3])
def test_nested_three_halves_law(n_levels):
    """Small p: T ~ (3 / (2 p_s))^n / p attempts (Sangouard et al. 2011, Eq. 8).

    The law treats every level's waiting time as exponential; it is exact for n = 1 and
    the exact mean lies below it by a few percent for n = 2, 3 (compare the exact
    treatment of Bernardes, Praxmeyer & van Loock, PRA 83, 012323 (2011)), so we allow
    10 % plus 5 standard errors.
    """
    p, ps = 0.005, 0.5
    res = simulate_chain(_werner_chain(2**n_levels, p, protocol="nested", swap_success_prob=ps), 3000, seed=6)
    law = (1.5 / ps) ** n_levels / p
    assert abs(res.mean_waiting_time_s - law) < 0.10 * law + 5 * res.mean_waiting_time_s_stderr


@pytest.mark.parametrize("method", ["dejmps", "bbpssw"])
def test_single_segment_purification_is_exact(method):
    """N = 1, two memories, p = 1, no delays: every round takes one attempt, success prob N(F)."""
    F = 0.8
    res = simulate_chain(_werner_chain(1, 1.0, F, memories_per_node=2, purification=method), 4000, seed=7)
    if method == "dejmps":
        psucc, c = dejmps_bd(np.array([F, (1 - F) / 3, (1 - F) / 3, (1 - F) / 3]))
        want = qc.bell_diagonal(c)
    else:
        psucc, Fp = bbpssw_fidelity(F)
        want = None
        np.testing.assert_allclose(res.fidelities, Fp, atol=1e-12)
    if want is not None:
        np.testing.assert_allclose(res.states, np.broadcast_to(want, res.states.shape), atol=1e-12)
    # number of rounds is geometric(psucc), one attempt (1 s) each
    assert abs(res.mean_waiting_time_s - 1 / psucc) < 5 * res.mean_waiting_time_s_stderr


def test_single_segment_state_has_waited_the_herald_delay():
    chain = RepeaterChain(1, 40.0, scheme="single-click", bright_state_param=0.05, memory_t1_s=1e-3,
                          memory_t2_s=5e-4)
    link = chain.elementary_link
    res = simulate_chain(chain, 500, seed=8)
    k = memory_kraus(link.herald_delay_s, 1e-3, 5e-4)
    want = qc.apply_kraus(qc.apply_kraus(link.state, k, (0,)), k, (1,))
    np.testing.assert_allclose(res.states, np.broadcast_to(want, res.states.shape), atol=1e-12)
    # delivery = number of attempts x attempt duration
    attempts = res.delivery_time_s / link.attempt_duration_s
    np.testing.assert_allclose(attempts, np.round(attempts), atol=1e-6)
    p = link.success_probability
    sd = math.sqrt((1 - p) / p**2 / res.trials) * link.attempt_duration_s
    assert abs(res.mean_waiting_time_s - link.attempt_duration_s / p) < 5 * sd


def test_three_segments_match_step_by_step_dense_simulation():
    """p = 1: all links are heralded at T; both repeaters swap at T; the ends learn at T + 2 L0 n / c.

    The dense engine replays the same timeline (memory Kraus maps, Bell measurement of
    each repeater, Pauli corrections); every simulated trial must equal one of the 16
    branches, with branch frequencies matching their probabilities.
    """
    t1, t2 = 2e-4, 1.5e-4
    chain = RepeaterChain(3, 60.0, scheme="werner", link_success_prob=1.0, link_fidelity=0.95, memory_t1_s=t1,
                          memory_t2_s=t2)
    link = chain.elementary_link
    d = link.herald_delay_s
    res = simulate_chain(chain, 2000, seed=9)
    T = link.attempt_duration_s
    np.testing.assert_allclose(res.delivery_time_s, T + 2 * d, rtol=1e-12)

    def noisy(rho, t):
        k = memory_kraus(t, t1, t2)
        return qc.apply_kraus(qc.apply_kraus(rho, k, (0,)), k, (1,))

    elem = noisy(qc.werner(0.95), d)
    p1, s1 = swap_branches(elem, elem)
    branches, probs = [], []
    for k1 in range(4):
        p2, s2 = swap_branches(s1[k1], elem)
        for k2 in range(4):
            branches.append(noisy(s2[k2], 2 * d))
            probs.append(p1[k1] * p2[k2])
    branches = np.array(branches)
    probs = np.array(probs)
    dist = np.abs(res.states[:, None] - branches[None]).max(axis=(2, 3))
    idx = dist.argmin(axis=1)
    assert dist[np.arange(res.trials), idx].max() < 1e-10
    # distinct branches are genuinely different (non-Pauli noise), so frequencies are testable
    counts = np.bincount(idx, minlength=16)
    groups = {}
    for i in range(16):  # merge numerically identical branches
        key = next((j for j in groups if np.abs(branches[j] - branches[i]).max() < 1e-10), i)
        groups.setdefault(key, []).append(i)
    assert len(groups) > 1
    for members in groups.values():
        pk = probs[members].sum()
        ck = counts[members].sum()
        sd = math.sqrt(res.trials * pk * (1 - pk))
        assert abs(ck - res.trials * pk) < 5 * sd + 1


def test_secret_fraction_uses_bbm92_of_the_mean_state():
    """Single-click chain: QBERs from the mean delivered state, r = 1 - h(e_x) - h(e_z)."""
    res = simulate_chain(RepeaterChain(2, 40.0, scheme="single-click", bright_state_param=0.02,
                                       memory_t2_s=0.05), 2000, seed=13)
    rho = res.mean_state
    e_z = (rho[1, 1] + rho[2, 2]).real
    e_x = (1 - 2 * (rho[0, 3] + rho[1, 2]).real) / 2
    r = max(0.0, 1 - float(qc.binary_entropy(e_x)) - float(qc.binary_entropy(e_z)))
    assert r > 0
    assert res.secret_fraction == pytest.approx(r, abs=1e-12)
    assert res.secret_key_rate_bps == pytest.approx(r / res.mean_waiting_time_s, rel=1e-12)


def test_key_rate_comparison_curves():
    """PLOB curve is -log2(1 - eta) x mode rate (Pirandola et al. 2017, Eq. 19); chain points are simulate_chain's."""
    from protocols.repeaters.repeater_chain import key_rate_comparison
    from qnet_core.random import spawn_seeds

    chain = RepeaterChain(2, 0.0, scheme="double-click", memory_t2_s=1.0)
    L = np.array([20.0, 60.0])
    cmp = key_rate_comparison(chain, L, 300, seed=3)
    eta = 10 ** (-0.2 * L / 10)
    np.testing.assert_allclose(cmp.plob_bps, -np.log2(1 - eta) * 1e6, rtol=1e-12)
    s = spawn_seeds(3, 2)
    for i, length in enumerate(L):
        res = simulate_chain(RepeaterChain(2, float(length), scheme="double-click", memory_t2_s=1.0), 300, s[i])
        assert cmp.chain_bps[i] == res.secret_key_rate_bps
    assert np.all(np.diff(cmp.bb84_bps) < 0)


def test_waiting_link_decoheres_for_exactly_the_wait():
    """Two segments, depolarizing memories, no delays: the first link waits |K1 - K2| attempts.

    Each qubit's Bloch vector shrinks by exp(-t/T_dep), so the Werner parameter of the
    delivered pair is w0^2 exp(-2 |K1 - K2| T / T_dep); averaging over independent geometric
    K1, K2 gives the mean fidelity (3 E[w] + 1) / 4.
    """
    p, F0, T, Tdep = 0.2, 0.95, 1.0, 20.0
    res = simulate_chain(_werner_chain(2, p, F0, memory_t_dep_s=Tdep, prep_time_s=T), 20000, seed=14)
    w0 = qc.werner_parameter(F0)
    # every trial is a Werner state whose parameter corresponds to an integer wait
    w = qc.werner_parameter(res.fidelities)
    k = np.log(w / w0**2) / (-2 * T / Tdep)
    np.testing.assert_allclose(k, np.round(k), atol=1e-8)
    np.testing.assert_allclose(res.states, qc.werner(res.fidelities), atol=1e-12)
    assert np.all(np.round(k) <= res.delivery_time_s / T - 1 + 1e-9)
    # mean over the joint distribution of (K1, K2)
    ks = np.arange(1, 400)
    pk = p * (1 - p) ** (ks - 1)
    d = np.abs(ks[:, None] - ks[None, :])
    Ew = w0**2 * np.sum(pk[:, None] * pk[None, :] * np.exp(-2 * d * T / Tdep))
    want = (3 * Ew + 1) / 4
    assert abs(res.mean_fidelity - want) < 5 * res.mean_fidelity_stderr


@pytest.mark.parametrize("protocol", ["swap-asap", "nested"])
def test_classical_delays_with_deterministic_links(protocol):
    """p = 1, N = 8: every link is heralded at T.

    swap-ASAP: all repeaters swap at T; the farthest outcome reaches an end after 7 L0 n/c.
    nested: level k swaps at T + (2^(k-1) - 1) d once the ends of the level k-1 links have
    heard the inner outcomes; the ends hear the last swap at T + (2^n - 1) d. Both: T + 7 d.
    With memory dephasing the nested chain (whose links wait for messages) ends up worse.
    """
    chain = RepeaterChain(8, 400.0, scheme="werner", link_success_prob=1.0, link_fidelity=1.0, protocol=protocol,
                          memory_t2_s=5e-3)
    res = simulate_chain(chain, 50, seed=15)
    d = chain.segment_length_km / chain.light_speed_km_per_s
    T = chain.elementary_link.attempt_duration_s
    np.testing.assert_allclose(res.delivery_time_s, T + 7 * d, rtol=1e-12)
    # total storage time of all qubits, dephasing-only: F = (1 + exp(-sum t / T2)) / 2
    if protocol == "swap-asap":
        total = 16 * d + 2 * 7 * d  # 16 qubits wait d (herald) each, the two end qubits 7 d more
    else:
        # level-1 links: 8 x 2 qubits wait d; after level k the two end qubits of each of the
        # 2^(3-k) links wait until the next swap (or delivery)
        total = 16 * d + 4 * 2 * 1 * d + 2 * 2 * 2 * d + 1 * 2 * 4 * d
    want = (1 + math.exp(-total / 5e-3)) / 2
    np.testing.assert_allclose(res.fidelities, want, rtol=1e-10)
