"""A network that is one path gives exactly the result of the chain or trusted-node model it maps to.

The network layer adds no physics: a path of trusted relays is :func:`trusted_node_chain`
(Chen et al., Nature 589, 214 (2021) style backbone), a path of repeaters is
:func:`simulate_chain` with the same seed, a downlink is :func:`satellite_key_rate`.
"""

from __future__ import annotations

import pytest

from protocols.network import Network, PathModel, evaluate_path, link_key_rates, route, routing_table
from protocols.qkd.satellite import LIAO_2017, satellite_key_rate
from protocols.qkd.system import GYS_2004, QKDSystem
from protocols.qkd.trusted_node import trusted_node_chain
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain


def _line(kinds, lengths, node_kwargs=None, **fiber):
    net = Network()
    names = [f"n{i}" for i in range(len(kinds))]
    for n, k in zip(names, kinds):
        getattr(net, f"add_{k}")(n, **(node_kwargs or {}).get(k, {}))
    for a, b, length in zip(names[:-1], names[1:], lengths):
        net.add_fiber(a, b, length_km=length, **fiber)
    return net, names


@pytest.mark.parametrize("protocol", ["bb84", "bb84-decoy", "bbm92"])
def test_trusted_path_equals_trusted_node_chain(protocol):
    lengths = [50.0, 120.0, 80.0, 33.3]
    net, names = _line(["user", "trusted_relay", "trusted_relay", "trusted_relay", "user"], lengths,
                       attenuation_db_per_km=GYS_2004.attenuation_db_per_km)
    model = PathModel(system=GYS_2004, protocol=protocol)
    ev = evaluate_path(net, names, model=model)
    ref = trusted_node_chain(lengths, GYS_2004, protocol=protocol)
    assert ev.mode == "trusted-relay" and ev.feasible
    assert ev.rate == ref.rate_bps
    assert ev.limiting == ref.limiting_link
    assert tuple(s.rate for s in ev.segments) == ref.link_rates_bps
    # routing over the only path gives the same, and so does the routing table
    r = route(net, names[0], names[-1], model=model)
    assert r.best_rate == ref.rate_bps and r.best_path == tuple(names)
    assert routing_table(net, model=model).route(names[0], names[-1]).best_rate == ref.rate_bps


def test_per_link_attenuation_equals_systems_form():
    lengths, alphas = [40.0, 60.0], [0.2, 0.25]
    net = Network()
    for n in ("a", "b"):
        net.add_user(n)
    net.add_trusted_relay("r")
    net.add_fiber("a", "r", length_km=lengths[0], attenuation_db_per_km=alphas[0])
    net.add_fiber("r", "b", length_km=lengths[1], attenuation_db_per_km=alphas[1])
    s = QKDSystem()
    ref = trusted_node_chain(lengths, systems=[s.with_(attenuation_db_per_km=a) for a in alphas])
    assert evaluate_path(net, ["a", "r", "b"]).rate == ref.rate_bps
    rates = {frozenset(e): r for e, r in link_key_rates(net).items()}
    assert rates == {frozenset("ar"): ref.link_rates_bps[0], frozenset("rb"): ref.link_rates_bps[1]}


def test_switch_loss_folds_into_detector_efficiency():
    net = Network()
    net.add_user("a"); net.add_user("b"); net.add_switch("s", insertion_loss_db=1.5)
    net.add_fiber("a", "s", length_km=10.0); net.add_fiber("s", "b", length_km=15.0)
    s = QKDSystem()
    ref = trusted_node_chain([25.0], s.with_(detector_efficiency=s.detector_efficiency * 10 ** (-0.15)))
    ev = evaluate_path(net, ["a", "s", "b"])
    assert ev.mode == "direct" and ev.rate == ref.rate_bps


def test_downlink_equals_satellite_key_rate():
    net = Network()
    net.add_satellite("sat", altitude_km=500.0)
    net.add_ground_station("xinglong"); net.add_ground_station("graz")
    net.add_downlink("sat", "xinglong", elevation_deg=49.0)
    net.add_downlink("sat", "graz", elevation_deg=30.0)
    ev = evaluate_path(net, ["xinglong", "sat", "graz"])
    r1 = satellite_key_rate(49.0, 500.0, LIAO_2017)
    r2 = satellite_key_rate(30.0, 500.0, LIAO_2017)
    assert ev.mode == "trusted-relay"
    assert ev.rate == min(float(r1.key_rate_bps[0]), float(r2.key_rate_bps[0]))
    assert ev.limiting == 1


def test_repeater_path_equals_simulate_chain():
    net, names = _line(["user", "repeater", "repeater", "repeater", "user"], [25.0] * 4,
                       {"repeater": {"memories": 2, "t2_s": 1.0}})
    template = RepeaterChain(1, 0.0, scheme="double-click", cutoff_s=0.05)
    model = PathModel(chains=(template,), trials=300, seed=7)
    ref_chain = RepeaterChain(4, 100.0, scheme="double-click", cutoff_s=0.05, memories_per_node=2, memory_t2_s=1.0)
    ref = simulate_chain(ref_chain, 300, 7, max_time_s=60.0)
    ev = evaluate_path(net, names, "entanglement", model=model)
    assert ev.chain == ref_chain
    assert ev.mode == "repeater" and ev.rate == ref.rate_hz and ev.fidelity == ref.mean_fidelity
    key = evaluate_path(net, names, "key", model=model)
    assert key.mode == "repeater" and key.rate == ref.secret_key_rate(QKDSystem().ec_efficiency)


def test_repeater_node_memory_api_matches_chain():
    net, names = _line(["user", "repeater", "user"], [30.0, 30.0], {"repeater": {"memories": 2, "t1_s": 2.0}})
    model = PathModel(trials=50, seed=1)
    ev = evaluate_path(net, names, "teleportation", model=model)
    assert ev.chain == RepeaterChain(2, 60.0, scheme="double-click", memories_per_node=2, memory_t1_s=2.0)
    assert 0.0 < ev.fidelity <= 1.0 and ev.target_fidelity == pytest.approx(2 / 3)


def test_trusted_relay_cannot_relay_entanglement():
    net, names = _line(["user", "trusted_relay", "user"], [10.0, 10.0])
    ev = evaluate_path(net, names, "entanglement", model=PathModel(trials=20))
    assert not ev.feasible and "'n1'" in ev.reason
    r = route(net, "n0", "n2", "entanglement", model=PathModel(trials=20))
    assert r.best is None and r.options == {"direct": None, "repeater": None}
