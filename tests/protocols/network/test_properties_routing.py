"""Routing prefers what a brute-force enumeration of every simple path prefers (hypothesis graphs).

For key over trusted relays joined by single fibres the end-to-end rate is the smallest link
rate, so the widest path is optimal and :func:`route` must find the brute-force maximum exactly.
"""

from __future__ import annotations

import itertools

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols.network import Network, PathModel, evaluate_path, route, routing_table

#: Single-photon BB84 needs no intensity optimization: cheap per link, the same model otherwise.
MODEL = PathModel(protocol="bb84")


@st.composite
def trusted_networks(draw):
    n_users = draw(st.integers(2, 3))
    n_relays = draw(st.integers(1, 4))
    names = [f"u{i}" for i in range(n_users)] + [f"r{i}" for i in range(n_relays)]
    pairs = list(itertools.combinations(names, 2))
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=2, max_size=len(pairs), unique=True))
    net = Network()
    for n in names:
        (net.add_user if n.startswith("u") else net.add_trusted_relay)(n)
    for a, b in chosen:
        net.add_fiber(a, b, length_km=draw(st.floats(1.0, 160.0)))
    return net


def _brute_force(net, a, b):
    g = net.graph
    best = 0.0
    for p in nx.all_simple_paths(g, a, b):
        if any(g.nodes[n]["kind"] == "user" for n in p[1:-1]):
            continue
        best = max(best, evaluate_path(net, p, model=MODEL).rate)
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trusted_networks())
def test_route_matches_brute_force(net):
    a, b = "u0", "u1"
    reachable = nx.has_path(net.graph, a, b)
    r = route(net, a, b, model=MODEL, k=2)
    expected = _brute_force(net, a, b) if reachable else 0.0
    assert r.best_rate == expected
    # the ranking is sorted by the real figure
    rates = [c.rate for c in r.candidates if c.feasible]
    assert rates == sorted(rates, reverse=True)
    # the table, with one shortest and one widest tree per user, agrees
    t = routing_table(net, model=MODEL)
    assert t.route(a, b).best_rate == expected


@settings(max_examples=10, deadline=None)
@given(trusted_networks())
def test_exhaustive_k_none_ranks_every_path(net):
    a, b = "u0", "u1"
    r = route(net, a, b, model=MODEL, k=None)
    g = net.graph
    n_paths = sum(1 for p in nx.all_simple_paths(g, a, b)
                  if not any(g.nodes[n]["kind"] == "user" for n in p[1:-1]))
    assert len(r.candidates) == n_paths
    for mode, ev in r.options.items():
        assert ev is None or ev.mode == mode


def test_repeater_ranking_matches_brute_force():
    """Entanglement: route(k=None) picks the brute-force best of the simulated paths (common seed)."""
    net = Network()
    for n in ("a", "b"):
        net.add_user(n)
    for n in ("r1", "r2", "r3"):
        net.add_repeater(n, memories=2, t2_s=0.5)
    net.add_fiber("a", "r1", length_km=20.0); net.add_fiber("r1", "b", length_km=20.0)
    net.add_fiber("a", "r2", length_km=15.0); net.add_fiber("r2", "r3", length_km=15.0)
    net.add_fiber("r3", "b", length_km=15.0)
    net.add_fiber("a", "b", length_km=45.0)
    model = PathModel(trials=60, seed=3)
    r = route(net, "a", "b", "entanglement", target_fidelity=0.6, k=None, model=model)
    evals = [evaluate_path(net, p, "entanglement", target_fidelity=0.6, model=model)
             for p in nx.all_simple_paths(net.graph, "a", "b")]
    best = max(evals, key=lambda e: e.score)
    assert r.best.path == best.path and r.best.rate == best.rate
    assert set(r.options) == {"direct", "repeater"}
    assert r.options["direct"].path == ("a", "b")


# ---------------------------------------------------------------------- satellite pair sources
#: Satellites carry a pair source; no repeaters or fibre paths between the users compete.
SAT_MODEL = PathModel(satellite_pair_rate_hz=5.9e6, trials=2)


@st.composite
def satellite_networks(draw):
    """Users joined to ground stations by fibres (some through a switch); satellites above the stations."""
    n_sats, n_gs = draw(st.integers(1, 2)), draw(st.integers(2, 4))
    net = Network()
    for u in ("u0", "u1"):
        net.add_user(u)
    gs = [f"g{i}" for i in range(n_gs)]
    offsets = st.tuples(st.floats(-6.0, 6.0), st.floats(-6.0, 6.0))  # degrees: every station sees every satellite
    for n in gs:
        dlat, dlon = draw(offsets)
        net.add_ground_station(n, latlon_deg=(30.0 + dlat, 100.0 + dlon))
    net.add_switch("sw")
    for i in range(n_sats):
        s = f"s{i}"
        dlat, dlon = draw(offsets)
        net.add_satellite(s, latlon_deg=(30.0 + dlat, 100.0 + dlon))
        seen = draw(st.lists(st.sampled_from(gs), min_size=1, max_size=n_gs, unique=True))
        for n in seen:
            net.add_downlink(s, n)  # elevation from the two positions: both downlinks at one moment
    pairs = [(u, n) for u in ("u0", "u1", "sw") for n in gs]
    for a, b in draw(st.lists(st.sampled_from(pairs), min_size=2, max_size=len(pairs), unique=True)):
        net.add_fiber(a, b, length_km=draw(st.floats(0.5, 80.0)))
    for u in draw(st.lists(st.sampled_from(["u0", "u1"]), max_size=2, unique=True)):
        net.add_fiber(u, "sw", length_km=draw(st.floats(0.5, 20.0)))
    return net


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(satellite_networks())
def test_satellite_routing_matches_brute_force(net):
    """The best dual downlink by pair rate: route and routing_table find the brute-force maximum."""
    a, b = "u0", "u1"
    evals = [evaluate_path(net, p, "entanglement", target_fidelity=0.0, model=SAT_MODEL)
             for p in nx.all_simple_paths(net.graph, a, b)]
    best = max((e.rate for e in evals if e.feasible), default=0.0)
    r = route(net, a, b, "entanglement", target_fidelity=0.0, model=SAT_MODEL)
    assert r.best_rate == best
    assert routing_table(net, "entanglement", target_fidelity=0.0, model=SAT_MODEL).route(a, b).best_rate == best
    sats = [e for e in evals if e.feasible and e.mode == "satellite"]
    best_sat = max((e.rate for e in sats), default=None)
    assert (r.options["satellite"] is None) == (best_sat is None)
    if best_sat is not None:
        assert r.options["satellite"].rate == best_sat
        assert sum(net.graph.nodes[n]["kind"] == "satellite" for n in r.options["satellite"].path) == 1
    # without a pair source a satellite relays no entanglement and the mode is not offered
    plain = route(net, a, b, "entanglement", target_fidelity=0.0, model=PathModel(trials=2))
    assert "satellite" not in plain.options and all(e.mode != "satellite" for e in plain.candidates)
