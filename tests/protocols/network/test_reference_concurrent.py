"""Concurrent requests (:func:`protocols.network.concurrent.simulate_network`) against the chain Monte Carlo.

References: one request alone on a line network, run in ``mode="reset"`` (one delivery, then a
fresh start), is a sequence of independent trials of the equivalent
:class:`~protocols.repeaters.repeater_chain.RepeaterChain`, so its renewal rate ``1 / mean waiting
time`` and mean fidelity must agree with :func:`simulate_chain` within a few standard errors
(different random streams, the same model), also when elementary links are purified
(DEJMPS, Deutsch et al., PRL 77, 2818 (1996); BBPSSW, Bennett et al., PRL 76, 722 (1996)), which
then raises the delivered fidelity above that of the same links unpurified. Fair policies (round
robin, proportional share with equal weights) must give symmetric requests equal rates within
their standard errors.
"""

import dataclasses

import math

import numpy as np
import pytest

from protocols.network import Network
from protocols.network.concurrent import simulate_network
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain
from qnet_core.errors import ParameterError

Z = 4.0  # standard errors allowed (combined)


def _line(n: int, length_km: float):
    net = Network()
    names = ["u0"] + [f"r{i}" for i in range(1, n)] + ["u1"]
    net.add_user("u0")
    net.add_user("u1")
    for x in names[1:-1]:
        net.add_repeater(x)
    for a, b in zip(names[:-1], names[1:]):
        net.add_fiber(a, b, length_km=length_km)
    return net, tuple(names)


def _dumbbell():
    """Two requests a1-b1 and a2-b2 through the same two repeaters r1, r2."""
    net = Network()
    for u in ("a1", "a2", "b1", "b2"):
        net.add_user(u)
    net.add_repeater("r1")
    net.add_repeater("r2")
    for u in ("a1", "a2"):
        net.add_fiber(u, "r1", length_km=10.0)
    for u in ("b1", "b2"):
        net.add_fiber("r2", u, length_km=10.0)
    net.add_fiber("r1", "r2", length_km=10.0)
    return net, [("a1", "b1", ("a1", "r1", "r2", "b1")), ("a2", "b2", ("a2", "r1", "r2", "b2"))]


CHAINS = {
    "noisy-swaps-cutoff": RepeaterChain(3, 60.0, scheme="double-click", memory_t2_s=0.02, gate_error=0.02,
                                        readout_error=0.01, swap_success_prob=0.7, cutoff_s=0.01),
    "t1t2-multiplexed": RepeaterChain(3, 60.0, scheme="double-click", memory_t1_s=0.05, memory_t2_s=0.03,
                                      memories_per_node=2, swap_success_prob=0.8),
    "single-click-depolarizing": RepeaterChain(2, 40.0, scheme="single-click", memory_t_dep_s=0.01),
}


@pytest.mark.parametrize("chain", CHAINS.values(), ids=CHAINS.keys())
def test_one_request_reproduces_chain(chain):
    ref = simulate_chain(chain, 2000, seed=3)
    net, path = _line(chain.num_segments, chain.segment_length_km)
    res = simulate_network(net, [("u0", "u1", path)], 2000 * ref.mean_waiting_time_s, chain=chain, mode="reset",
                           seed=5)
    q = res.requests[0]
    assert q.deliveries > 1500
    assert abs(q.rate_hz - ref.rate_hz) < Z * math.hypot(q.rate_hz_stderr, ref.rate_hz_stderr)
    assert abs(q.mean_fidelity - ref.mean_fidelity) < Z * math.hypot(q.mean_fidelity_stderr,
                                                                      ref.mean_fidelity_stderr)
    assert not any(res.stalled)


PURIFYING = {
    "dejmps-noisy-cutoff": RepeaterChain(3, 60.0, scheme="werner", link_fidelity=0.88, link_success_prob=0.3,
                                         memory_t2_s=0.05, gate_error=0.01, readout_error=0.005,
                                         swap_success_prob=0.8, cutoff_s=0.01, purification="dejmps",
                                         memories_per_node=2),
    "bbpssw-t1t2-multiplexed": RepeaterChain(2, 40.0, scheme="double-click", memory_t1_s=0.1, memory_t2_s=0.05,
                                             gate_error=0.01, purification="bbpssw", memories_per_node=3),
    "dejmps-two-rounds-one-hop": RepeaterChain(1, 20.0, scheme="werner", link_fidelity=0.85, link_success_prob=0.3,
                                               memory_t_dep_s=0.05, purification="dejmps",
                                               purification_levels=(0, 0), memories_per_node=3),
}


@pytest.mark.parametrize("chain", PURIFYING.values(), ids=PURIFYING.keys())
def test_one_request_with_purification_reproduces_chain(chain):
    """Purified elementary links (rounds, classical round trip, gate and readout noise): the chain's."""
    ref = simulate_chain(chain, 2000, seed=3)
    net, path = _line(chain.num_segments, chain.segment_length_km)
    res = simulate_network(net, [("u0", "u1", path)], 2000 * ref.mean_waiting_time_s, chain=chain, mode="reset",
                           seed=5, debug=True)
    q = res.requests[0]
    assert q.deliveries > 1500
    assert abs(q.rate_hz - ref.rate_hz) < Z * math.hypot(q.rate_hz_stderr, ref.rate_hz_stderr)
    assert abs(q.mean_fidelity - ref.mean_fidelity) < Z * math.hypot(q.mean_fidelity_stderr,
                                                                      ref.mean_fidelity_stderr)
    assert not any(res.stalled)
    assert res.contention_violations == 0


def test_purification_raises_the_delivered_fidelity():
    noisy = RepeaterChain(2, 20.0, scheme="werner", link_fidelity=0.9, link_success_prob=0.2, memory_t2_s=0.05,
                          gate_error=0.005, readout_error=0.005, memories_per_node=2)
    net, path = _line(2, 10.0)
    out = {}
    for pur in (None, "dejmps"):
        chain = dataclasses.replace(noisy, purification=pur, purification_levels=(0,) if pur else ())
        out[pur] = simulate_network(net, [("u0", "u1", path)], 0.5, chain=chain, mode="reset", seed=4).requests[0]
    plain, pure = out[None], out["dejmps"]
    assert plain.deliveries > 100 and pure.deliveries > 100
    assert pure.mean_fidelity - plain.mean_fidelity > Z * math.hypot(pure.mean_fidelity_stderr,
                                                                     plain.mean_fidelity_stderr)
    # and purification costs rate: two elementary links per purified one, some rounds fail
    assert plain.rate_hz > pure.rate_hz


def test_purification_needs_two_channels_and_slots_per_hop():
    net, path = _line(2, 10.0)
    chain = RepeaterChain(2, 20.0, scheme="werner", link_fidelity=0.9, link_success_prob=0.2, purification="dejmps",
                          memories_per_node=2)
    with pytest.raises(ParameterError, match="channels_per_hop=1 is too few"):
        simulate_network(net, [("u0", "u1", path)], 0.01, chain=chain, channels_per_hop=1)
    with pytest.raises(ParameterError, match="node 'r1' has 3 memory slot"):
        simulate_network(net, [("u0", "u1", path)], 0.01, chain=chain, memories={"r1": 3})


def _assert_no_shared_slot(res):
    """The debug run checked every event and found no slot held twice or beyond a node's capacity."""
    assert res.contention_checks == res.events > 1000
    assert res.contention_violations == 0
    assert np.all(res.mean_occupancy <= res.capacity)
    trace = res.occupancy_trace
    assert np.all(trace <= res.capacity[:, None]) and np.all(trace >= 0)


def test_contention_never_shares_a_slot():
    net, reqs = _dumbbell()
    chain = RepeaterChain(1, 0.0, scheme="double-click", memory_t2_s=0.05, cutoff_s=0.005, memories_per_node=2,
                          swap_success_prob=0.8)
    res = simulate_network(net, reqs, 0.3, chain=chain, policy="round-robin", memories={"r1": 3, "r2": 4}, seed=2,
                           debug=True)
    _assert_no_shared_slot(res)
    # the repeaters are contended: both requests still deliver
    assert all(q.deliveries > 100 for q in res.requests)


@pytest.mark.parametrize("policy", ["round-robin", "proportional"])
def test_fair_policies_give_equal_shares(policy):
    net, reqs = _dumbbell()
    chain = RepeaterChain(1, 0.0, scheme="double-click", memory_t2_s=0.05, cutoff_s=0.005, memories_per_node=2)
    res = simulate_network(net, reqs, 1.0, chain=chain, policy=policy, memories={"r1": 4, "r2": 4}, seed=1,
                           replicas=2)
    a, b = res.requests
    assert abs(a.rate_hz - b.rate_hz) < Z * math.hypot(a.rate_hz_stderr, b.rate_hz_stderr)
    # and the memories are really contended: each alone would get more
    alone = simulate_network(net, reqs[:1], 1.0, chain=chain, memories={"r1": 4, "r2": 4}, seed=1)
    assert alone.requests[0].rate_hz > a.rate_hz + Z * math.hypot(alone.requests[0].rate_hz_stderr,
                                                                  a.rate_hz_stderr)


def _shared_end():
    """Requests a:b and a:c through a switch; user a has one memory slot, b and c one each."""
    net = Network()
    for u in ("a", "b", "c"):
        net.add_user(u, memories=1)
    net.add_switch("sw")
    for u, km in (("a", 3.0), ("b", 5.0), ("c", 8.0)):
        net.add_fiber(u, "sw", length_km=km)
    return net, [("a", "b", ("a", "sw", "b")), ("a", "c", ("a", "sw", "c"))]


@pytest.mark.parametrize("policy", ["fcfs", "round-robin", "proportional"])
@pytest.mark.parametrize("order", [0, 1], ids=["ab-first", "ac-first"])
def test_a_freed_slot_is_not_handed_past_the_other_ends_policy(policy, order):
    """A grant takes a slot at both ends: the contended end's policy decides, whichever end freed a slot.

    Regression: when request a:c delivered, c's freed slot was allocated first and handed a's
    only slot straight back to a:c; a:b never delivered under any policy.
    """
    net, reqs = _shared_end()
    reqs = reqs[::-1] if order else reqs
    res = simulate_network(net, reqs, 1.0, policy=policy, seed=4, debug=True)
    x, y = res.requests
    assert res.contention_violations == 0 and min(x.deliveries, y.deliveries) > 100
    assert abs(x.rate_hz - y.rate_hz) < Z * math.hypot(x.rate_hz_stderr, y.rate_hz_stderr)


@pytest.mark.parametrize("heavy", [0, 2])
def test_weights_count_when_requests_wait_between_grants(heavy):
    """Three requests through one repeater of two slots: each must wait for its delivery before it
    asks again, so it is never waiting at the grant after its own. Its weight must still count
    (regression: moving a returning request up to the node's current pass made every weight
    irrelevant, 1:1:1 for any weights). The heavy request can take at most every second grant."""
    net = Network()
    for u in ("a", "b", "c", "d"):
        net.add_user(u, memories=2)
    net.add_repeater("r")
    for u in ("a", "b", "c", "d"):
        net.add_fiber(u, "r", length_km=10.0)
    reqs = [("a", "b", ("a", "r", "b")), ("c", "d", ("c", "r", "d")), ("a", "c", ("a", "r", "c"))]
    chain = RepeaterChain(1, 0.0, scheme="double-click", memory_t2_s=0.05, cutoff_s=0.005, memories_per_node=1)
    weights = [1.0, 1.0, 1.0]
    weights[heavy] = 3.0
    res = simulate_network(net, reqs, 0.5, chain=chain, policy="proportional", weights=weights,
                           memories={"r": 2}, seed=2, debug=True)
    rates = [q.rate_hz for q in res.requests]
    se = [q.rate_hz_stderr for q in res.requests]
    assert res.contention_violations == 0
    for i in range(3):
        if i != heavy:
            assert rates[heavy] - rates[i] > Z * math.hypot(se[heavy], se[i])
    assert res.requests[heavy].deliveries <= sum(q.deliveries for q in res.requests) / 2 + 1


def test_proportional_weights_shift_the_shares():
    net, reqs = _dumbbell()
    chain = RepeaterChain(1, 0.0, scheme="double-click", memory_t2_s=0.05, cutoff_s=0.005, memories_per_node=2)
    res = simulate_network(net, reqs, 0.5, chain=chain, policy="proportional", weights=[3.0, 1.0],
                           memories={"r1": 4, "r2": 4}, seed=1)
    a, b = res.requests
    assert a.rate_hz - b.rate_hz > Z * math.hypot(a.rate_hz_stderr, b.rate_hz_stderr)


def test_seeded_results_identical_across_threads():
    net, reqs = _dumbbell()
    chain = RepeaterChain(1, 0.0, scheme="double-click", memory_t2_s=0.05, cutoff_s=0.005, memories_per_node=2)
    kw = dict(chain=chain, policy="fcfs", memories={"r1": 3, "r2": 3}, seed=7, replicas=3)
    one = simulate_network(net, reqs, 0.1, threads=1, **kw)
    three = simulate_network(net, reqs, 0.1, threads=3, **kw)
    for p, q in zip(one.requests, three.requests):
        np.testing.assert_array_equal(p.delivery_times_s, q.delivery_times_s)
        np.testing.assert_array_equal(p.fidelities, q.fidelities)
        assert p.rate_hz == q.rate_hz
    np.testing.assert_array_equal(one.occupancy_trace, three.occupancy_trace)
    assert one.events == three.events


def test_wall_clock_budget_stops_early_and_rates_cover_the_time_reached():
    """``max_wall_s`` (the CLI's --max-time) ends a long run after about the budget; the rate is
    deliveries over the simulated time actually reached, so it agrees with an uncut run."""
    import pathlib

    from protocols.network import Network
    from protocols.network.concurrent import simulate_network
    from qnet_core.errors import ParameterError

    topo = pathlib.Path(__file__).resolve().parents[3] / "examples" / "network" / "repeater_backbone.toml"
    net = Network.from_toml(str(topo))
    short = simulate_network(net, "alice:bob", 50.0, seed=3)
    cut = simulate_network(net, "alice:bob", 1e7, seed=3, max_wall_s=0.3)
    reached = float(cut.simulated_time_s[0])
    assert 0.0 < reached < 1e7
    r_cut, r_short = cut.requests[0], short.requests[0]
    assert r_cut.deliveries > 0
    assert abs(r_cut.rate_hz - r_short.rate_hz) < 5 * math.hypot(r_cut.rate_hz_stderr, r_short.rate_hz_stderr)
    with pytest.raises(ParameterError, match="max_wall_s"):
        simulate_network(net, "alice:bob", 1.0, max_wall_s=0)


def test_contention_never_shares_a_slot_with_purification():
    net, reqs = _dumbbell()
    chain = RepeaterChain(1, 0.0, scheme="werner", link_fidelity=0.9, link_success_prob=0.2, memory_t2_s=0.05,
                          cutoff_s=0.005, memories_per_node=2, swap_success_prob=0.8, purification="dejmps")
    res = simulate_network(net, reqs, 0.3, chain=chain, policy="round-robin", memories={"r1": 8, "r2": 8}, seed=2,
                           debug=True)
    _assert_no_shared_slot(res)
    assert all(q.deliveries > 100 for q in res.requests)
    assert not any(res.stalled)


def test_plot_rate_vs_users_draws_the_totals():
    """The rate-versus-users plot shows each run's total rate and the mean per request."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from protocols.network.concurrent import plot_rate_vs_users

    net, reqs = _shared_end()
    runs = [simulate_network(net, reqs[:k], 0.2, seed=1) for k in (2, 1)]
    fig, ax = plt.subplots()
    try:
        plot_rate_vs_users(runs, ax=ax)
        total, per = (line.get_ydata() for line in ax.get_lines()[:2])
        assert list(ax.get_lines()[0].get_xdata()) == [1, 2]
        assert list(total) == [runs[1].total_rate_hz, runs[0].total_rate_hz]
        assert list(per) == [runs[1].total_rate_hz, runs[0].total_rate_hz / 2]
    finally:
        plt.close(fig)
    with pytest.raises(ParameterError, match="non-empty sequence of NetworkSimResult"):
        plot_rate_vs_users([])
