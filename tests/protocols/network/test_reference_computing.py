"""Distributed computing over a routed path (issue 15): the remote CNOT and teleportation figures are
the standalone protocols' figures on the pair the route delivers, exactly."""

from pathlib import Path

import pytest

from protocols.entanglement import remote_cnot_fidelity, teleportation_fidelity
from protocols.network import Network, PathModel, remote_gate, route
from qnet_core.errors import ParameterError

BACKBONE = Path(__file__).resolve().parents[3] / "examples" / "network" / "repeater_backbone.toml"


def test_remote_gate_uses_the_routed_pair_exactly():
    net = Network.from_toml(str(BACKBONE))
    model = PathModel(trials=200, seed=5)
    r = remote_gate(net, "alice", "bob", gate_error=0.01, readout_error=0.005, model=model)
    ev = route(net, "alice", "bob", "entanglement", model=model).best
    state = ev.segments[0].detail.mean_state
    want = remote_cnot_fidelity(state, gate_error=0.01, readout_error=0.005)
    assert r.path == tuple(ev.path) and r.pair_rate_hz == ev.rate and r.pair_fidelity == ev.fidelity
    assert r.process_fidelity == pytest.approx(want.process_fidelity, abs=1e-12)
    assert r.average_gate_fidelity == pytest.approx(want.average_gate_fidelity, abs=1e-12)
    tele = teleportation_fidelity(state, gate_error=0.01, readout_error=0.005).average_fidelity
    assert r.teleportation_fidelity == pytest.approx(tele, abs=1e-12)
    # node errors only lower the gate's fidelity
    ideal = remote_gate(net, "alice", "bob", model=model)
    assert ideal.process_fidelity > r.process_fidelity and 0.0 < r.process_fidelity <= 1.0
    assert "DistributedGateResult(" in repr(r) and len(repr(r)) < 400


def test_remote_gate_errors():
    net = Network.from_toml(str(BACKBONE))
    with pytest.raises(ParameterError, match=r"remote_gate\(\): gate_error=1\.5"):
        remote_gate(net, "alice", "bob", gate_error=1.5)
    lonely = Network("two islands")
    lonely.add_user("a", position_km=(0, 0))
    lonely.add_user("b", position_km=(10, 0))
    with pytest.raises(ParameterError):
        remote_gate(lonely, "a", "b")
