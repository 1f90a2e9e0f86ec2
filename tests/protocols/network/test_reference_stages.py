"""Service stages at their thresholds' boundaries (Wehner, Elkouss, Hanson, Science 362, eaam9288 (2018)).

Each test builds a small network whose figure sits just above and just below one stage's
threshold (module docstring of :mod:`protocols.network.stages`): key rate > 0 (trusted repeater;
prepare-and-measure without trusted nodes), CHSH S > 2 (Horodecki, Phys. Lett. A 200, 340
(1995)) or F > 1/2, memory coherence time > mean waiting time, operation errors < 1e-2
(Fowler et al., PRA 86, 032324 (2012)) with 17 qubits per user (Tomita & Svore, PRA 90,
062320 (2014)); quantum computing is never certified.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from protocols.network import (STAGES, Network, PathModel, evaluate_path, max_chsh_value, service_stages)
from protocols.qkd.bb84 import max_distance_km
from protocols.qkd.system import QKDSystem
from protocols.qkd.trusted_node import trusted_node_chain
from protocols.repeaters.repeater_chain import RepeaterChain
from qnet_core.errors import ParameterError

BELL_F = (1.0 + 3.0 / math.sqrt(2.0)) / 4.0  # Werner fidelity at which S = 2


def _werner(f):
    phi = np.array([1, 0, 0, 1]) / math.sqrt(2.0)
    p = (4.0 * f - 1.0) / 3.0
    return p * np.outer(phi, phi) + (1.0 - p) * np.eye(4) / 4.0


def _pair_net(length_km, **user):
    net = Network()
    net.add_user("a", **user)
    net.add_user("b", **user)
    net.add_fiber("a", "b", length_km=length_km)
    return net


def _werner_model(f, **kw):
    return PathModel(chains=(RepeaterChain(1, 0.0, scheme="werner", link_fidelity=f, link_success_prob=0.5,
                                           **kw),), trials=50)


def test_chsh_of_werner_states_at_the_bell_boundary():
    """S = 2 sqrt(2) (4F - 1)/3 for Werner states: S > 2 iff F > (1 + 3/sqrt 2)/4 (Horodecki 1995)."""
    for f in (0.6, BELL_F, 0.9, 1.0):
        assert max_chsh_value(_werner(f)) == pytest.approx(2.0 * math.sqrt(2.0) * (4 * f - 1) / 3, abs=1e-12)
    assert max_chsh_value(_werner(BELL_F + 1e-9)) > 2.0 > max_chsh_value(_werner(BELL_F - 1e-9))
    prod = np.diag([1.0, 0, 0, 0])  # |00><00|: classical correlations, S = 2 exactly (no violation)
    assert max_chsh_value(prod) == pytest.approx(2.0)
    with pytest.raises(ParameterError, match="max_chsh_value"):
        max_chsh_value(np.eye(4))


def test_trusted_repeater_needs_a_positive_key_rate():
    """Stage 0 needs key > 0 end to end: two 100 km links through a relay, not one 1000 km fibre."""
    net = Network()
    for n in ("a", "b"):
        net.add_user(n)
    net.add_trusted_relay("r")
    net.add_fiber("a", "r", length_km=100.0)
    net.add_fiber("r", "b", length_km=100.0)
    p = service_stages(net).pair("a", "b")
    assert (p.stage, p.level, p.figure_name, p.threshold) == ("trusted-repeater", 0, "key_rate_bps", 0.0)
    assert p.figure == pytest.approx(trusted_node_chain([100.0, 100.0], QKDSystem()).rate_bps)
    assert p.next_stage == "prepare-and-measure" and "trusted node" in p.next_reason
    far = Network()
    for n in ("a", "b"):
        far.add_user(n)
    far.add_trusted_relay("r")
    far.add_fiber("a", "r", length_km=1000.0)
    far.add_fiber("r", "b", length_km=10.0)
    q = service_stages(far).pair("a", "b")
    assert (q.level, q.stage, q.next_stage) == (-1, "none", "trusted-repeater") and math.isnan(q.figure)


@pytest.mark.parametrize("side", ["below", "above"])
def test_prepare_and_measure_at_the_qkd_cutoff(side):
    """Stage 1: a direct (untrusted) link is kept just inside the BB84 cut-off distance, lost just beyond it."""
    cut = max_distance_km(lambda d: trusted_node_chain([d], QKDSystem()).rate_bps, tol_km=1e-3)
    length = cut - 0.05 if side == "below" else cut + 0.05
    net = Network()
    for n in ("a", "b"):
        net.add_user(n)
    net.add_trusted_relay("r")
    net.add_fiber("a", "r", length_km=20.0)
    net.add_fiber("r", "b", length_km=20.0)
    net.add_switch("s", insertion_loss_db=0.0)
    net.add_fiber("a", "s", length_km=length / 2)
    net.add_fiber("s", "b", length_km=length / 2)
    # a Werner template with F below the Bell bound keeps the pair at stage 1 when the key exists
    p = service_stages(net, model=_werner_model(0.7)).pair("a", "b")
    if side == "below":
        assert p.stage == "prepare-and-measure" and p.figure > 0.0 and p.path == ("a", "s", "b")
        assert "CHSH" in p.next_reason
    else:
        assert p.stage == "trusted-repeater"
        assert p.figures["key_rate_untrusted_bps"] == 0.0


@pytest.mark.parametrize("criterion,f,expected", [
    ("bell", BELL_F + 1e-4, "entanglement-distribution"), ("bell", BELL_F - 1e-4, "prepare-and-measure"),
    ("fidelity", 0.5 + 1e-4, "entanglement-distribution"), ("fidelity", 0.5 - 1e-4, "prepare-and-measure"),
])
def test_entanglement_distribution_boundary(criterion, f, expected):
    """Stage 2: pairs of fidelity F from a Werner link: S > 2 (default) or F > 1/2 (criterion="fidelity")."""
    net = _pair_net(5.0)
    p = service_stages(net, model=_werner_model(f), criterion=criterion).pair("a", "b")
    assert p.stage == expected
    assert p.figures["fidelity"] == pytest.approx(f, abs=1e-12)
    if expected == "entanglement-distribution":
        assert p.threshold == (2.0 if criterion == "bell" else 0.5)
        assert p.figure == pytest.approx(p.figures["chsh_value"] if criterion == "bell" else f)
        assert p.next_reason.startswith("user 'a' declares no quantum memory")


@pytest.mark.parametrize("factor,expected", [(1.001, "quantum-memory"), (0.999, "entanglement-distribution")])
def test_quantum_memory_boundary(factor, expected):
    """Stage 3: memory T2 just above / below the mean waiting time for a pair (the same seed: the same times)."""
    model = PathModel(trials=200, seed=3)
    chain_net = Network()
    chain_net.add_user("a", memories=2)
    chain_net.add_repeater("r", memories=1)
    chain_net.add_user("b", memories=2)
    chain_net.add_fiber("a", "r", length_km=40.0)
    chain_net.add_fiber("r", "b", length_km=40.0)
    ev = evaluate_path(chain_net, ["a", "r", "b"], "entanglement", model=model)
    wait = ev.segments[0].detail.mean_waiting_time_s  # memories are ideal here: timing does not depend on T2
    net = Network()
    t2 = wait * factor
    net.add_user("a", memories=2, t1_s=1e3, t2_s=t2)
    net.add_repeater("r", memories=1, t1_s=1e3, t2_s=t2)
    net.add_user("b", memories=2, t1_s=1e3, t2_s=t2)
    net.add_fiber("a", "r", length_km=40.0)
    net.add_fiber("r", "b", length_km=40.0)
    p = service_stages(net, model=model).pair("a", "b")
    assert p.figures["mean_waiting_time_s"] == pytest.approx(wait, rel=1e-12)
    assert p.stage == expected
    if expected == "quantum-memory":
        assert (p.figure, p.threshold) == (pytest.approx(t2), pytest.approx(wait))
    else:
        assert "not longer than the mean waiting time" in p.next_reason


@pytest.mark.parametrize("gate_error,memories,expected", [
    (0.0099, 17, "few-qubit-fault-tolerant"), (0.0101, 17, "quantum-memory"), (0.0099, 16, "quantum-memory"),
])
def test_fault_tolerance_boundary(gate_error, memories, expected):
    """Stage 4: gate and readout errors below 1e-2 and >= 17 qubits per user; stage 5 is never certified."""
    net = _pair_net(5.0, memories=memories, t1_s=10.0, t2_s=10.0)
    model = PathModel(chains=(RepeaterChain(1, 0.0, scheme="double-click", gate_error=gate_error,
                                            readout_error=0.005),), trials=50)
    p = service_stages(net, model=model).pair("a", "b")
    assert p.stage == expected
    if expected == "few-qubit-fault-tolerant":
        assert p.figure == pytest.approx(gate_error) and p.threshold == 0.01
        assert p.next_stage == "quantum-computing" and p.next_reason.startswith("not certified")
    elif memories < 17:
        assert "17" in p.next_reason
    else:
        assert "surface-code threshold" in p.next_reason


def test_table_matrix_rows_and_errors():
    """The table: one row per pair in user order, a symmetric level matrix, checked inputs."""
    net = Network()
    for n in ("a", "b", "c"):
        net.add_user(n)
    net.add_trusted_relay("r")
    for n in ("a", "b"):
        net.add_fiber(n, "r", length_km=30.0)
    net.add_fiber("c", "r", length_km=2000.0)
    t = service_stages(net)
    assert [(p.a, p.b) for p in t.pairs] == [("a", "b"), ("a", "c"), ("b", "c")]
    m = t.matrix()
    assert np.isnan(np.diag(m)).all() and (m == m.T)[~np.isnan(m)].all()
    assert m[0, 1] == 0 and m[0, 2] == -1 and t.pair("c", "b").level == -1
    rows = t.rows()
    assert rows[0]["stage"] == "trusted-repeater" and rows[0]["path"] == "a-r-b" and rows[0]["source"]
    assert STAGES[0] == "trusted-repeater" and STAGES[-1] == "quantum-computing"
    assert t.to_dict()["users"] == ["a", "b", "c"]
    with pytest.raises(ParameterError, match=r"service_stages\(\): criterion='chsh'"):
        service_stages(net, criterion="chsh")
    with pytest.raises(ParameterError, match=r"service_stages\(\): user 'zed'"):
        service_stages(net, users=["a", "zed"])
    with pytest.raises(ParameterError, match="must be a Network"):
        service_stages("net")
    with pytest.raises(ParameterError, match="not a user of the table"):
        t.pair("a", "r")
