"""Network layer: routing tables of a large random network, and path-evaluation throughput.

Run: ``python benchmarks/bench_network.py [--quick] [--sequence-python PATH]``.

1. Routing table for every pair of users (:func:`protocols.network.routing_table`, key
   service, ``k=1``) of a random geometric network: 1000 nodes uniform in a 2000 km x 2000 km
   square, fibres (0.2 dB/km, length = distance) between nodes closer than 120 km, 100 users
   and 900 trusted relays; only the giant component is kept. Baseline in the same run: a plain
   networkx all-pairs Dijkstra on link loss from every user (:func:`networkx.single_source_dijkstra`,
   no physics, no mode split), i.e. the cost of the graph search alone.
2. Brute force on a small graph (10 nodes, 4 users): :func:`protocols.network.route` with
   ``k=None`` (every simple path) against enumerating every simple path with
   :func:`networkx.all_simple_paths` and evaluating each with
   :func:`protocols.network.evaluate_path`; the best rates must agree.
3. Path-evaluation throughput on a shared topology: delivered entangled pairs per wall-clock
   second of :func:`protocols.network.evaluate_path` on the 300 km repeater backbone of
   ``examples/network/repeater_backbone.toml`` (a fresh seed per call, so nothing is cached).
   SeQUeNCe's linear chain (``bench_repeater.py``'s baseline, optional) is run when
   ``sequence`` is installed; otherwise it is skipped.

``--quick``: 200 nodes / 20 users, fewer trials (a smoke run).
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402

from protocols.network import Network, PathModel, evaluate_path, route, routing_table  # noqa: E402

from _common import fmt_rate, print_table  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def random_geometric_network(n: int, users: int, side_km: float = 2000.0, radius_km: float = 120.0,
                             seed: int = 1) -> Network:
    """A random geometric network: ``users`` users and trusted relays, fibres shorter than ``radius_km``."""
    rng = np.random.default_rng(seed)
    pos = rng.uniform(0.0, side_km, size=(n, 2))
    g = nx.random_geometric_graph(n, radius_km / side_km, pos={i: tuple(p / side_km) for i, p in enumerate(pos)})
    giant = max(nx.connected_components(g), key=len)
    keep = sorted(giant)
    user_ids = set(rng.choice(keep, size=min(users, len(keep)), replace=False).tolist())
    net = Network(f"rgg-{n}")
    for i in keep:
        add = net.add_user if i in user_ids else net.add_trusted_relay
        add(f"n{i}", position_km=(float(pos[i, 0]), float(pos[i, 1])))
    for a, b in g.subgraph(keep).edges:
        net.add_fiber(f"n{a}", f"n{b}")
    return net


def dijkstra_baseline(net: Network) -> float:
    """Wall time of a plain networkx Dijkstra on loss from every user (the graph search alone)."""
    g = nx.Graph(net.graph)
    t0 = time.perf_counter()
    for u in net.users:
        nx.single_source_dijkstra(g, u, weight="loss_db")
    return time.perf_counter() - t0


def small_graph(seed: int = 3) -> Network:
    rng = np.random.default_rng(seed)
    net = Network("small")
    for i in range(10):
        (net.add_user if i < 4 else net.add_trusted_relay)(f"v{i}")
    g = nx.random_labeled_tree(10, seed=seed) if hasattr(nx, "random_labeled_tree") else nx.random_tree(10, seed=seed)
    extra = [e for e in itertools.combinations(range(10), 2) if not g.has_edge(*e)]
    for k in rng.choice(len(extra), size=5, replace=False):
        g.add_edge(*extra[k])
    for a, b in g.edges:
        net.add_fiber(f"v{a}", f"v{b}", length_km=float(rng.uniform(10.0, 120.0)))
    return net


def brute_force(net: Network) -> tuple[float, float, int]:
    """(ours s, brute force s, pairs where the best rates differ) over every user pair."""
    t_ours = t_brute = 0.0
    bad = 0
    g = nx.Graph(net.graph)
    relays = {n for n in net if net.node(n)["kind"] != "user"}
    for a, b in itertools.combinations(net.users, 2):
        t0 = time.perf_counter()
        ours = route(net, a, b, k=None).best_rate
        t1 = time.perf_counter()
        best = 0.0
        view = g.subgraph(relays | {a, b})
        for p in nx.all_simple_paths(view, a, b):
            best = max(best, evaluate_path(net, p).rate)
        t2 = time.perf_counter()
        t_ours += t1 - t0
        t_brute += t2 - t1
        bad += not math.isclose(ours, best, rel_tol=1e-12)
    return t_ours, t_brute, bad


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    ap.add_argument("--sequence-python", default=None, help="interpreter with SeQUeNCe installed")
    args = ap.parse_args(argv)
    quick = args.quick

    # ---------------------------------------------------------------- 1. routing tables
    n, users = (200, 20) if quick else (1000, 100)
    print(f"## Routing table, all user pairs, random geometric network ({n} nodes, {users} users)\n")
    t0 = time.perf_counter()
    net = random_geometric_network(n, users, side_km=2000.0 * math.sqrt(n / 1000.0))
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    table = routing_table(net)
    t_ours = time.perf_counter() - t0
    t_base = dijkstra_baseline(net)
    rates = table.matrix("rate")
    reach = np.mean(rates[~np.eye(len(table.users), dtype=bool)] > 0)
    print_table([(f"{len(net)} nodes, {len(net.links())} fibres, {len(table.users)} users", table.num_routes,
                  f"{t_ours:.2f}", f"{t_base:.3f}", f"{t_ours / t_base:.0f}x", f"{reach:.2f}", f"{t_build:.2f}")],
                ["network", "pairs", "ours s (key table)", "networkx Dijkstra s", "ratio", "pairs with key",
                 "build s"])
    print("\nThe baseline is the graph search alone (one Dijkstra per user on loss); ours adds every link's key "
          "rate, one shortest-loss and one widest-path tree per user and mode, and the key rate of every "
          "candidate path.\n")

    # ---------------------------------------------------------------- 2. brute force
    print("## Brute force on a small graph (10 nodes, 4 users, every simple path)\n")
    t_o, t_b, bad = brute_force(small_graph())
    print_table([("10 nodes", 6, f"{t_o:.3f}", f"{t_b:.3f}", f"{t_b / t_o:.1f}x", bad)],
                ["graph", "pairs", "route(k=None) s", "enumerate + evaluate_path s", "ratio", "disagreements"])

    # ---------------------------------------------------------------- 3. throughput
    print("\n## Path evaluation: delivered pairs per wall-clock second (300 km repeater backbone)\n")
    backbone = Network.from_toml(os.path.join(ROOT, "examples", "network", "repeater_backbone.toml"))
    path = ["alice", "rep1", "rep2", "rep3", "bob"]
    trials = 2000 if quick else 20000
    evaluate_path(backbone, path, "entanglement", model=PathModel(trials=16, seed=99))  # JIT warm-up
    rows = []
    for rep in range(2 if quick else 3):
        model = PathModel(trials=trials, seed=rep)
        t0 = time.perf_counter()
        ev = evaluate_path(backbone, path, "entanglement", model=model)
        dt = time.perf_counter() - t0
        rows.append((f"seed {rep}", trials, f"{dt:.3f}", fmt_rate(trials / dt), f"{ev.fidelity:.4f}",
                     fmt_rate(ev.rate)))
    print_table(rows, ["run", "pairs", "wall s", "pairs/s (wall)", "mean F", "pairs/s (simulated)"])

    try:
        from bench_repeater import run_sequence, sequence_python
    except ImportError:  # pragma: no cover
        sequence_python = None
    py = sequence_python(args.sequence_python) if sequence_python else None
    if py is None:
        print("\nSeQUeNCe not installed (pip install sequence, or pass --sequence-python); comparison skipped.")
    else:
        base = run_sequence(py, 5, 75.0, 1, 0.05 if quick else 0.5)
        if base is not None:
            best = max(float(r[3]) for r in rows)
            print(f"\nSeQUeNCe, 5-router linear chain of 75 km segments: {fmt_rate(base[0])} pairs/s "
                  f"({base[1]} pairs); ours / SeQUeNCe = {best / base[0]:.0f}x")


if __name__ == "__main__":
    main()
