"""Topology files: TOML and SeQUeNCe JSON round trips, SeQUeNCe's example layout, GraphML export.

The SeQUeNCe layouts follow the example topologies of github.com/sequence-toolbox/SeQUeNCe
(``example/starlight.json``: ``qconnections`` with distance in m and attenuation in dB/m;
``tests/network_management/line_topo.json``: one-way ``qchannels`` into a ``BSMNode``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import pytest

from protocols.network import Network, read_sequence_json, read_toml, write_sequence_json, write_toml

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "network"


def _mixed() -> Network:
    net = Network("mixed", fiber_slack=1.2)
    net.add_user("alice", latlon_deg=(39.9, 116.4), memories=2, t1_s=math.inf, t2_s=0.5)
    net.add_repeater("rep", latlon_deg=(38.0, 117.0), memories=4, t1_s=1.0)
    net.add_trusted_relay("relay", latlon_deg=(36.0, 117.5))
    net.add_switch("sw", latlon_deg=(35.0, 118.0), insertion_loss_db=0.7)
    net.add_ground_station("xinglong", latlon_deg=(40.4, 117.6))
    net.add_satellite("micius", altitude_km=500.0)
    net.add_user("bob", latlon_deg=(31.2, 121.5))
    net.add_fiber("alice", "rep")
    net.add_fiber("rep", "relay", slack=1.5, attenuation_db_per_km=0.18)
    net.add_fiber("relay", "sw", length_km=120.0)
    net.add_fiber("sw", "bob")
    net.add_fiber("alice", "xinglong", length_km=150.0)
    net.add_downlink("micius", "xinglong", elevation_deg=40.0, rx_aperture_m=1.2)
    net.add_free_space("relay", "bob", length_km=5.0, extra_loss_db=3.0)
    return net


def test_toml_round_trip(tmp_path):
    net = _mixed()
    path = tmp_path / "net.toml"
    text = write_toml(net, path)
    assert read_toml(path) == net
    assert read_toml(text) == net
    assert Network.from_toml(path).to_toml() == text


def test_fiber_length_from_geodesic_times_slack():
    net = _mixed()
    from protocols.network import great_circle_km
    assert net.link("alice", "rep")["length_km"] == pytest.approx(1.2 * great_circle_km((39.9, 116.4), (38.0, 117.0)))
    assert net.link("rep", "relay")["slack"] == 1.5


def test_sequence_json_round_trip(tmp_path):
    net = Network("fibre")
    net.add_user("a", memories=3)
    net.add_repeater("r", memories=5, t1_s=2.0, t2_s=1.0)
    net.add_trusted_relay("t")
    net.add_user("b", position_km=(1.0, 2.0))
    net.add_fiber("a", "r", length_km=12.3, attenuation_db_per_km=0.21)
    net.add_fiber("r", "t", length_km=0.1)
    net.add_fiber("t", "b", length_km=77.7)
    doc = write_sequence_json(net, tmp_path / "net.json")
    back = read_sequence_json(tmp_path / "net.json")
    assert json.loads((tmp_path / "net.json").read_text()) == doc
    assert set(back.nodes()) == set(net.nodes())
    for n in net.nodes():
        assert back.node(n) == net.node(n)
    for a, b in net.links():
        for key, v in net.link(a, b).items():
            w = back.link(a, b)[key]
            assert w == pytest.approx(v, rel=1e-12) if isinstance(v, float) else w == v


def test_sequence_starlight_layout():
    doc = {"nodes": [{"name": n, "type": "QuantumRouter"} for n in ("NU", "StarLight", "Argonne_1", "Fermilab_1")],
           "qconnections": [
               {"node1": "NU", "node2": "StarLight", "attenuation": 1e-5, "distance": 20e3},
               {"node1": "StarLight", "node2": "Argonne_1", "attenuation": 1e-5, "distance": 54e3},
               {"node1": "StarLight", "node2": "Fermilab_1", "attenuation": 1e-5, "distance": 66e3},
               {"node1": "Fermilab_1", "node2": "Argonne_1", "attenuation": 1e-5, "distance": 53e3}],
           "cconnections": [{"node1": "NU", "node2": "StarLight", "distance": 20e3, "delay": 0.8e9}]}
    net = read_sequence_json(json.dumps(doc), users=["NU", "Argonne_1"])
    assert net.users == ("NU", "Argonne_1")
    assert net.nodes("repeater") == ("StarLight", "Fermilab_1")
    assert net.link("StarLight", "Fermilab_1")["length_km"] == 66.0
    assert net.link("NU", "StarLight")["attenuation_db_per_km"] == pytest.approx(0.01)


def test_sequence_bsm_qchannels_fold_into_one_link():
    doc = {"templates": {"t": {"MemoryArray": {"fidelity": 1.0, "coherence_time": 2}}},
           "nodes": [{"name": "router_0", "type": "QuantumRouter", "memo_size": 10, "template": "t"},
                     {"name": "router_1", "type": "QuantumRouter", "memo_size": 10, "template": "t"},
                     {"name": "BSM_0_1", "type": "BSMNode"}],
           "qchannels": [{"source": "router_0", "destination": "BSM_0_1", "distance": 5000.0, "attenuation": 0.0002},
                         {"source": "router_1", "destination": "BSM_0_1", "distance": 5000.0,
                          "attenuation": 0.0002}],
           "cchannels": [{"source": "BSM_0_1", "destination": "router_0", "delay": 1e9}]}
    net = read_sequence_json(doc, users=["router_0", "router_1"])
    assert net.links() == (("router_0", "router_1"),)
    link = net.link("router_0", "router_1")
    assert link["length_km"] == 10.0 and link["attenuation_db_per_km"] == pytest.approx(0.2)
    assert net.node("router_0")["memories"] == 10 and net.node("router_0")["t2_s"] == 2


def test_graphml_readable_by_networkx(tmp_path):
    net = _mixed()
    net.to_graphml(tmp_path / "net.graphml")
    g = nx.read_graphml(tmp_path / "net.graphml")
    assert set(g.nodes) == set(net.nodes())
    assert g.number_of_edges() == len(net.links())
    assert g.nodes["alice"]["kind"] == "user" and g.nodes["alice"]["lat_deg"] == 39.9
    assert g.nodes["alice"]["t1_s"] == math.inf
    assert g.edges["micius", "xinglong"]["param_rx_aperture_m"] == 1.2
    assert g.edges["relay", "sw"]["length_km"] == 120.0


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_examples_load(path):
    net = Network.from_toml(path)
    assert len(net.users) >= 2
