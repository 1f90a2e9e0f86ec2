"""The deployments people know, as example topologies, against their published figures.

Each example in ``examples/network/`` states its sources and assumptions in its header. A figure
"reproduces the published order of magnitude" when ``|log10(ours / published)| <= 1``. Where it
does not, the test says so and pins what the model gives instead of tuning the example to match.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from protocols.network import Network, PathModel, evaluate_path, route, routing_table, service_stages
from protocols.network.topology import great_circle_km
from protocols.qkd.system import QKDSystem
from protocols.qkd.trusted_node import trusted_node_chain

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "network"


def _load(name: str) -> Network:
    return Network.from_toml(EXAMPLES / f"{name}.toml")


def _orders(ours: float, published: float) -> float:
    return abs(math.log10(ours / published))


def test_every_example_loads_and_routes():
    """Every example topology reads, and its users are all connected for key."""
    files = sorted(EXAMPLES.glob("*.toml"))
    assert len(files) >= 7
    for f in files:
        net = Network.from_toml(f)
        assert len(net.users) >= 2, f.name
        rates = routing_table(net).matrix("rate")
        off = ~np.eye(len(net.users), dtype=bool)
        assert (rates[off] > 0).all(), f.name


def test_beijing_shanghai_backbone():
    """Beijing-Shanghai backbone: Chen et al., Nature 589, 214 (2021), abstract and Fig. 1.

    Published: more than 2000 km of fibre, 32 trusted relays, decoy-state BB84 links; per-link key
    rates of tens of kbit/s (the order given in issue 14; the exact per-link figure of the paper
    was not located in the searchable text, so 3e4 bit/s stands for "tens of kbit/s").

    Ours: the end-to-end rate is the weakest link's (69 km, 0.2 dB/km) with the default
    ``QKDSystem()`` (1 GHz clock, 10 % detectors): about 0.5 Mbit/s, 15-20 times the published
    order. NOT reproduced within one order of magnitude: the example has no splice, connector or
    ageing loss on the deployed fibre and a faster clock than the backbone's hardware; we keep the
    stated assumptions instead of tuning them, and pin the discrepancy (between 1 and 2 orders).
    """
    net = _load("beijing_shanghai_backbone")
    assert len(net.nodes("trusted_relay")) == 32
    backbone = sum(net.link(a, b)["length_km"] for a, b in net.links()) - 20.0  # minus the two metro tails
    assert backbone == pytest.approx(2000.0, rel=0.02)
    r = route(net, "user_beijing", "user_shanghai")
    assert r.best_mode == "trusted-relay" and len(r.best_path) == 34
    lengths = [net.link(a, b)["length_km"] for a, b in zip(r.best_path[:-1], r.best_path[1:])]
    assert r.best_rate == trusted_node_chain(lengths, QKDSystem()).rate_bps  # the one trusted-node formula
    published = 3e4
    assert 1.0 < _orders(r.best_rate, published) < 2.0  # documented miss, see the docstring
    p = service_stages(net, model=PathModel(trials=20)).pair("user_beijing", "user_shanghai")
    assert p.stage == "trusted-repeater" and p.figure == r.best_rate


def test_micius_entanglement_1200km():
    """Micius to Delingha and Lijiang: Yin et al., Science 356, 1140 (2017), abstract and Fig. 3.

    Published: stations 1203 km apart; two downlinks of summed length 1600-2400 km with 64-82 dB
    two-downlink loss (64 dB at the 1600-km end); CHSH S = 2.37 +- 0.09.

    Ours: 1207 km between the stations' coordinates; both downlinks at about 36 degrees elevation,
    summed slant range about 1600 km and 64 dB summed loss (the presets of
    :mod:`channels.free_space` are calibrated to it; here the network computes the geometry
    from latitude/longitude). The Bell value is NOT reproduced by the network layer: a satellite
    is a trusted node in this model, so the pair gets key through the satellite (stage
    "trusted-repeater") and no end-to-end entanglement; the satellite-borne pair source is
    outside the network model (limit, reported).
    """
    net = _load("micius_entanglement_1200km")
    sep = great_circle_km(net.node("delingha")["latlon_deg"], net.node("lijiang")["latlon_deg"])
    assert sep == pytest.approx(1203.0, abs=10.0)
    down = [net.link("micius", g) for g in ("delingha", "lijiang")]
    assert sum(d["length_km"] for d in down) == pytest.approx(1600.0, rel=0.01)
    loss = sum(d["loss_db"] for d in down)
    assert loss == pytest.approx(64.0, abs=1.0)
    assert _orders(10 ** (-loss / 10), 10 ** (-6.4)) <= 1.0
    p = service_stages(net, model=PathModel(trials=20)).pair("user_delingha", "user_lijiang")
    assert p.stage == "trusted-repeater" and p.path[1:4] == ("delingha", "micius", "lijiang")
    assert "trusted node" in p.next_reason and "chsh_value" not in p.figures


def test_micius_xinglong_graz():
    """Xinglong-Graz key via Micius as a trusted relay: Liao et al., PRL 120, 030501 (2018), abstract.

    Published: "satellite-to-ground secure keys with ~kHz rate per passage" to Xinglong, Nanshan
    and Graz; a key between stations 7600 km apart relayed by the satellite (XOR of the two keys).

    Ours: each downlink at 40 degrees elevation (741 km slant range), Liao 2017 receiver
    (:data:`protocols.qkd.satellite.LIAO_2017`); the end-to-end rate is the weaker, Graz (0.8-m
    aperture) downlink: about 2.6 kbit/s, within one order of magnitude of ~1 kbit/s.
    """
    net = _load("micius_xinglong_graz")
    sep = great_circle_km(net.node("xinglong")["latlon_deg"], net.node("graz")["latlon_deg"])
    assert sep == pytest.approx(7600.0, rel=0.01)
    r = route(net, "user_xinglong", "user_graz")
    assert r.best_mode == "trusted-relay" and r.best_path[1:4] == ("xinglong", "micius", "graz")
    assert r.best.limiting == 2 and r.best.segments[2].kind == "downlink"
    assert _orders(r.best_rate, 1e3) <= 1.0
    # Beijing reaches Graz over the 280-km ground link (trusted relays) and the satellite
    rb = route(net, "user_beijing", "user_graz")
    assert rb.best_rate == r.best_rate and "xb-1" in rb.best_path


def test_metro_switch_star():
    """Five users around an all-pass optical switch: OS-1 of Chen T.-Y. et al., npj Quantum Inf. 7, 134 (2021).

    No published per-pair key rate was located; the stated expectation is the model's own: every
    pair is one QKD link of the summed fibre length with the switch's 1 dB in the detector
    efficiency (exact), a few Mbit/s, and no trusted node, so every pair passes the
    prepare-and-measure stage; the ideal default chain template entangles them through the
    switch too, and the users declare no memories, so the stage stops at entanglement distribution.
    """
    net = _load("metro_switch_star")
    table = routing_table(net)
    s = QKDSystem()
    for r in table.routes:
        a, b = r.source, r.target
        length = net.link(a, "os1")["length_km"] + net.link("os1", b)["length_km"]
        ref = trusted_node_chain([length], s.with_(detector_efficiency=s.detector_efficiency * 10 ** (-0.1)))
        assert r.best_mode == "direct" and r.best_rate == ref.rate_bps
        assert 1e6 < r.best_rate < 1e7
    stages = service_stages(net, model=PathModel(trials=50))
    assert {p.stage for p in stages.pairs} == {"entanglement-distribution"}
    assert all("declares no quantum memory" in p.next_reason for p in stages.pairs)


def test_repeater_backbone_300km():
    """A 300-km repeater backbone (four 75-km segments): figures from the chain model, stated expectation.

    Expectation (example header): with memories much longer than the waiting time and no cutoff,
    swap-asap delivers when all four elementary links are up, so the mean waiting time is about
    ``H_4 / p`` attempts, ``H_4 = 25/12`` (the mean of the largest of four geometric variables for
    small p; e.g. Shchukin, Schmidt, van Loock, PRA 100, 032322 (2019)). Ours: within four
    standard errors of it; the pairs violate CHSH; the key rate beats the direct 300-km link (0).
    """
    net = _load("repeater_backbone")
    model = PathModel(trials=400, seed=0)
    path = ["alice", "rep1", "rep2", "rep3", "bob"]
    ev = evaluate_path(net, path, "entanglement", model=model)
    res, link = ev.segments[0].detail, ev.chain.elementary_link
    expected = (25.0 / 12.0) / link.success_probability * link.attempt_duration_s
    assert abs(res.mean_waiting_time_s - expected) < 4.0 * res.mean_waiting_time_s_stderr
    assert ev.fidelity > 0.95
    key = route(net, "alice", "bob", model=model)
    assert key.best_rate > 0.0 and trusted_node_chain([300.0], QKDSystem()).rate_bps == 0.0
    p = service_stages(net, model=model).pair("alice", "bob")
    assert p.figures["chsh_value"] > 2.0 and p.figures["memory_coherence_time_s"] > p.figures["mean_waiting_time_s"]
    assert p.stage == "few-qubit-fault-tolerant"  # ideal gates of the default template, 20 qubits per user
