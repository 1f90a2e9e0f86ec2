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
from protocols.network.stages import max_chsh_value
from protocols.network.topology import great_circle_km
from protocols.qkd.bbm92 import bbm92_gain_error
from protocols.qkd.satellite import LIAO_2017
from protocols.qkd.system import QKDSystem
from qnet_core.errors import ParameterError
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
    was not located in the searchable text, so 3e4 bit/s stands for "tens of kbit/s"). The
    backbone's successor, CN-QCN (Chen H.-Z. et al., npj Quantum Inf. 11 (2025),
    doi:10.1038/s41534-025-01089-8, as summarized by DFN's WiN-Labor, 17 Nov 2025), reports
    trusted-relay links of 70 km on average and 8-25 kbit/s on its high-speed routes.

    Ours: the end-to-end rate is the weakest link's (69 km) with the default ``QKDSystem()``
    (1 GHz clock, 10 % detectors) on installed cable of 0.275 dB/km, the maximum link
    attenuation coefficient at 1550 nm of ITU-T G.652 (11/2016) Appendix I (system design of
    cabled links): 19 dB, about 160 kbit/s, 5x the published order, within one order of
    magnitude. The rest of the gap is hardware (clock rate, detectors, receiver loss, finite-key
    blocks) that the searchable text does not give. On bare 0.2 dB/km fibre the same links give
    about 0.5 Mbit/s, 1.2 orders above: the example's header states the choice.
    """
    net = _load("beijing_shanghai_backbone")
    assert len(net.nodes("trusted_relay")) == 32
    backbone = sum(net.link(a, b)["length_km"] for a, b in net.links()) - 20.0  # minus the two metro tails
    assert backbone == pytest.approx(2000.0, rel=0.02)
    assert {net.link(a, b)["attenuation_db_per_km"] for a, b in net.links()} == {0.275}
    r = route(net, "user_beijing", "user_shanghai")
    assert r.best_mode == "trusted-relay" and len(r.best_path) == 34
    lengths = [net.link(a, b)["length_km"] for a, b in zip(r.best_path[:-1], r.best_path[1:])]
    cable = QKDSystem(attenuation_db_per_km=0.275)
    assert r.best_rate == trusted_node_chain(lengths, cable).rate_bps  # the one trusted-node formula
    published = 3e4
    assert _orders(r.best_rate, published) <= 1.0 and r.best_rate > published
    bare = trusted_node_chain(lengths, QKDSystem()).rate_bps
    assert 1.0 < _orders(bare, published) < 2.0  # bare fibre misses the order (docstring)
    p = service_stages(net, model=PathModel(trials=20)).pair("user_beijing", "user_shanghai")
    assert p.stage == "trusted-repeater" and p.figure == r.best_rate


def test_micius_entanglement_1200km():
    """Micius to Delingha and Lijiang: Yin et al., Science 356, 1140 (2017), abstract and Fig. 3.

    Published: stations 1203 km apart; two downlinks of summed length 1600-2400 km with 64-82 dB
    two-downlink loss (64 dB at the 1600-km end); CHSH S = 2.37 +- 0.09 (abstract). The on-board
    source's 5.9 MHz pair rate and the ~1.1 Hz two-photon count rate are the figures of issue 14's
    brief (the searchable text held only the abstract): 5.9e6 Hz * 10**(-6.4) = 2.3 Hz at 64 dB.

    Ours: 1207 km between the stations' coordinates; both downlinks at about 36 degrees elevation,
    summed slant range about 1600 km and 64 dB summed loss (the presets of
    :mod:`channels.free_space` are calibrated to it, receivers included; here the network computes
    the geometry from latitude/longitude). For key the satellite is a trusted node (stage
    "trusted-repeater"). With ``PathModel(satellite_pair_rate_hz=5.9e6)`` the entanglement service
    evaluates the dual downlink from the satellite source: the Micius receivers of
    :data:`~protocols.qkd.satellite.LIAO_2017` (1e-6 background clicks per 10-ns window, 1 %
    misalignment; detector efficiency 1 because the calibrated 64 dB already contains the
    receivers) give about 2.3 pairs/s, within one order of magnitude of ~1.1 Hz, and S = 2.61
    > 2 (published 2.37: the model has no source or polarization-analysis error beyond 1 %).
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
    # entanglement from the satellite-borne source, measured at the stations
    receivers = LIAO_2017.with_(detector_efficiency=1.0)
    model = PathModel(satellite_pair_rate_hz=5.9e6, pair_system=receivers)
    ev = evaluate_path(net, ["delingha", "micius", "lijiang"], "entanglement", model=model)
    res = ev.segments[0].detail
    assert ev.feasible and ev.mode == "satellite" and ev.segments[0].kind == "dual-downlink"
    assert res.eta_a * res.eta_b == pytest.approx(10 ** (-loss / 10), rel=1e-9)
    q, e = bbm92_gain_error(res.eta_a, res.eta_b, 5.9e6 / 1e8, 1e-6, 0.01)  # the one BBM92 formula
    assert ev.rate == pytest.approx(q * 1e8, rel=1e-12) and res.qber == pytest.approx(e, rel=1e-12)
    assert ev.rate == pytest.approx(5.9e6 * 10 ** (-loss / 10), rel=0.1)  # pair rate x eta_A x eta_B
    assert _orders(ev.rate, 1.1) <= 1.0
    assert res.chsh_value > 2.0 and res.chsh_value == pytest.approx(max_chsh_value(res.mean_state), rel=1e-9)
    assert ev.fidelity == pytest.approx(1.0 - 1.5 * res.qber) and ev.meets_target
    # the 1-km fibres to the users lower the rate by their transmittance; the default model has no source
    ev_users = evaluate_path(net, ["user_delingha", "delingha", "micius", "lijiang", "user_lijiang"],
                             "entanglement", model=model)
    assert ev_users.rate < ev.rate and _orders(ev_users.rate, 1.1) <= 1.0
    plain = evaluate_path(net, ["delingha", "micius", "lijiang"], "entanglement", model=PathModel(trials=20))
    assert not plain.feasible and "ground_station" in plain.reason


def test_micius_entanglement_is_routed_and_staged():
    """With a pair source on the satellite, routing finds the dual downlink and the stage table counts it.

    Yin et al., Science 356, 1140 (2017) distributed the pairs (CHSH violation: stage
    "entanglement-distribution" of Wehner et al. 2018); Yin et al., Nature 582, 501 (2020),
    abstract, turned such pairs into a key that does not trust the satellite, 0.12 bit/s
    (finite key, 1120 km, improved receivers). Ours, asymptotic BBM92 on the 2017 link: about
    0.6 bit/s, the same order of magnitude. The route and the stage table use the same
    :class:`~protocols.network.evaluation.SatellitePairs` as ``evaluate_path``.
    """
    net = _load("micius_entanglement_1200km")
    model = PathModel(satellite_pair_rate_hz=5.9e6, pair_system=LIAO_2017.with_(detector_efficiency=1.0), trials=20)
    users = ("user_delingha", "user_lijiang")
    r = route(net, *users, "entanglement", model=model)
    assert r.best_mode == "satellite" and r.best_path == ("user_delingha", "delingha", "micius", "lijiang",
                                                          "user_lijiang")
    assert r.best_rate == evaluate_path(net, r.best_path, "entanglement", model=model).rate
    assert routing_table(net, "entanglement", model=model).route(*users).best_rate == r.best_rate
    p = service_stages(net, model=model).pair(*users)
    res = r.best.segments[0].detail
    assert p.stage == "entanglement-distribution" and p.figure == pytest.approx(max_chsh_value(res.mean_state))
    assert p.figures["key_rate_untrusted_bps"] == res.key_rate_bps and _orders(res.key_rate_bps, 0.12) <= 1.0
    assert "declares no quantum memory" in p.next_reason
    # the users' memories: stage "quantum-memory" when they outlive the wait for a pair (1 / rate)
    wait = 1.0 / r.best_rate
    for t2, stage in ((10.0 * wait, "quantum-memory"), (0.1 * wait, "entanglement-distribution")):
        text = (EXAMPLES / "micius_entanglement_1200km.toml").read_text()
        mem = Network.from_toml(text.replace('kind = "user"\n', f'kind = "user"\nt2_s = {t2!r}\n').encode())
        q = service_stages(mem, model=model).pair(*users)
        assert q.stage == stage and q.figures["mean_waiting_time_s"] == pytest.approx(wait)


def test_satellite_pairs_errors():
    """A satellite source feeds exactly two downlinks; the model checks its source rate."""
    net = _load("micius_entanglement_1200km")
    model = PathModel(satellite_pair_rate_hz=5.9e6)
    ev = evaluate_path(net, ["user_delingha", "delingha", "micius"], "entanglement", model=model)
    assert not ev.feasible and "satellite" in ev.reason
    for bad in (0.0, -1.0, math.inf, True, "5.9e6"):
        with pytest.raises(ParameterError, match="satellite_pair_rate_hz"):
            PathModel(satellite_pair_rate_hz=bad)
    # both downlinks must hold at one moment: Xinglong-Graz (7600 km) is two passes, not one
    xg = _load("micius_xinglong_graz")
    ev = evaluate_path(xg, ["xinglong", "micius", "graz"], "entanglement", model=model)
    assert not ev.feasible and ev.mode == "satellite" and "need latlon_deg" in ev.reason
    r = route(xg, "user_xinglong", "user_graz", "entanglement", model=model)
    assert r.best is None and r.options["satellite"] is None
    assert service_stages(xg, model=PathModel(satellite_pair_rate_hz=5.9e6, trials=20)).pair(
        "user_xinglong", "user_graz").stage == "trusted-repeater"
    # a downlink given its own elevation describes some pass, not the satellite's position now
    text = (EXAMPLES / "micius_entanglement_1200km.toml").read_text()
    text = text.replace('preset = "micius-entanglement-2017-lijiang"',
                        'preset = "micius-entanglement-2017-lijiang"\nelevation_deg = 60.0')
    other_pass = Network.from_toml(text.encode())
    ev = evaluate_path(other_pass, ["delingha", "micius", "lijiang"], "entanglement", model=model)
    assert not ev.feasible and "at the same time" in ev.reason
    with pytest.raises(ParameterError, match="pair_system"):
        PathModel(pair_system=1.0)


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
