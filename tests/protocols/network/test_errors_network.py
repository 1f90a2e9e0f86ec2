"""Bad topologies and requests: one clear error naming the node or the link."""

from __future__ import annotations

import pytest

from protocols.network import Network, PathModel, evaluate_path, read_sequence_json, read_toml, route
from qnet_core.errors import ParameterError, QnetError, ScenarioError

NODES = '''
[[nodes]]
name = "alice"
kind = "user"
[[nodes]]
name = "bob"
kind = "user"
'''

BAD_TOML = {
    "unknown kind": (NODES + '[[nodes]]\nname = "hub"\nkind = "router"\n', ["node 'hub'", "kind='router'"]),
    "unknown key": (NODES + '[[nodes]]\nname = "sw"\nkind = "switch"\nmemories = 2\n', ["node 'sw'", "memories"]),
    "duplicate node": (NODES + '[[nodes]]\nname = "bob"\nkind = "repeater"\n', ["node 'bob'", "already exists"]),
    "unknown end": (NODES + '[[links]]\nends = ["alice", "carol"]\nlength_km = 3.0\n',
                    ["link 'alice'-'carol'", "'carol' is not defined"]),
    "negative length": (NODES + '[[links]]\nends = ["alice", "bob"]\nlength_km = -3.0\n',
                        ["link 'alice'-'bob'", "length_km=-3.0"]),
    "no length": (NODES + '[[links]]\nends = ["alice", "bob"]\n', ["link 'alice'-'bob'", "give length_km"]),
    "bad link key": (NODES + '[[links]]\nends = ["alice", "bob"]\nlength_km = 3.0\nelevation_deg = 3.0\n',
                     ["link 'alice'-'bob'", "elevation_deg"]),
    "duplicate link": (NODES + '[[links]]\nends = ["alice", "bob"]\nlength_km = 3.0\n'
                       '[[links]]\nends = ["bob", "alice"]\nlength_km = 4.0\n', ["link 'bob'-'alice'", "already"]),
    "bad downlink": (NODES + '[[nodes]]\nname = "gs"\nkind = "ground_station"\n'
                     '[[links]]\nends = ["alice", "gs"]\nkind = "downlink"\nelevation_deg = 30.0\n',
                     ["link 'alice'-'gs'", "must be a satellite"]),
    "bad preset": (NODES + '[[nodes]]\nname = "gs"\nkind = "ground_station"\n[[nodes]]\nname = "sat"\n'
                   'kind = "satellite"\n[[links]]\nends = ["sat", "gs"]\nkind = "downlink"\nelevation_deg = 30.0\n'
                   'preset = "nope"\n', ["link 'sat'-'gs'", "preset='nope'"]),
    "syntax": ("[[nodes]\nname = 1\n", ["not valid TOML"]),
    "bad params": (NODES + '[[links]]\nends = ["alice", "bob"]\nkind = "free_space"\nlength_km = 1.0\n'
                   'params = { warp_factor = 9 }\n', ["link 'alice'-'bob'", "warp_factor"]),
}


@pytest.mark.parametrize("text,needles", BAD_TOML.values(), ids=BAD_TOML.keys())
def test_bad_toml_names_node_or_link(text, needles):
    with pytest.raises(ScenarioError) as exc:
        read_toml(text)
    msg = str(exc.value)
    assert msg.startswith("read_toml(): <text>")
    for needle in needles:
        assert needle in msg, msg


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="cannot read"):
        read_toml(tmp_path / "absent.toml")


BAD_JSON = {
    "unknown node": ({"nodes": [{"name": "a", "type": "QuantumRouter"}],
                      "qconnections": [{"node1": "a", "node2": "z", "attenuation": 1e-4, "distance": 1e3}]},
                     ["link 'a'-'z'", "'z' is not in 'nodes'"]),
    "negative distance": ({"nodes": [{"name": "a", "type": "QKDNode"}, {"name": "b", "type": "QKDNode"}],
                           "qconnections": [{"node1": "a", "node2": "b", "attenuation": 1e-4, "distance": -1}]},
                          ["link 'a'-'b'", "distance=-1"]),
    "bsm with one channel": ({"nodes": [{"name": "a", "type": "QKDNode"}, {"name": "m", "type": "BSMNode"}],
                              "qchannels": [{"source": "a", "destination": "m", "attenuation": 0, "distance": 1}]},
                             ["node 'm'", "exactly two"]),
    "no name": ({"nodes": [{"type": "QKDNode"}]}, ["nodes[0]"]),
    "duplicate": ({"nodes": [{"name": "a", "type": "QKDNode"}, {"name": "a", "type": "QKDNode"}]},
                  ["node 'a'", "twice"]),
    "bad users": ({"nodes": [{"name": "a", "type": "QKDNode"}]}, ["users=['x']"]),
}


@pytest.mark.parametrize("doc,needles", BAD_JSON.values(), ids=BAD_JSON.keys())
def test_bad_sequence_json_names_node_or_link(doc, needles):
    users = ["x"] if "users=['x']" in needles else None
    with pytest.raises(ScenarioError) as exc:
        read_sequence_json(doc, users=users)
    for needle in needles:
        assert needle in str(exc.value), str(exc.value)


def _net():
    net = Network()
    net.add_user("a"); net.add_user("b"); net.add_satellite("sat")
    net.add_fiber("a", "b", length_km=10.0)
    return net


@pytest.mark.parametrize("call,needle", [
    (lambda n: n.add_fiber("a", "sat", length_km=1.0), "'sat' is a satellite"),
    (lambda n: n.add_fiber("a", "zz", length_km=1.0), "node 'zz' is not in the network"),
    (lambda n: n.add_fiber("a", "a", length_km=1.0), "joins a node to itself"),
    (lambda n: n.add_repeater("r", memories=0), "node 'r': memories=0"),
    (lambda n: n.add_repeater("r", t1_s=1.0, t2_s=3.0), "node 'r': t2_s=3.0 exceeds"),
    (lambda n: n.add_user("c", position_km=(0, 0), latlon_deg=(0, 0)), "not both"),
    (lambda n: n.add_user("c", latlon_deg=(100.0, 0.0)), "latitude in [-90, 90]"),
    (lambda n: n.add_downlink("sat", "a", elevation_deg=30.0), "must be a ground_station"),
    (lambda n: evaluate_path(n, ["a", "sat"]), "no link 'a'-'sat'"),
    (lambda n: evaluate_path(n, ["a"]), "at least two node names"),
    (lambda n: evaluate_path(n, ["a", "b"], "key", target_fidelity=0.9), "not used by the key service"),
    (lambda n: route(n, "a", "b", "qkd"), "service='qkd'"),
    (lambda n: route(n, "a", "a"), "both 'a'"),
    (lambda n: route(n, "a", "b", k=0), "k=0"),
    (lambda n: PathModel(protocol="e91"), "protocol='e91'"),
    (lambda n: PathModel(trials=1), "trials=1"),
    (lambda n: PathModel(segments="shortest"), "segments='shortest'"),
])
def test_api_errors(call, needle):
    with pytest.raises(QnetError) as exc:
        call(_net())
    assert isinstance(exc.value, ParameterError)
    assert needle in str(exc.value), str(exc.value)
