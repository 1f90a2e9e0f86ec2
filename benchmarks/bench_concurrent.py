"""Concurrent requests on a 100-node network: delivered pairs per wall-second and scaling with requests.

Run: ``python benchmarks/bench_concurrent.py [--quick]``.

Topology: an 8 x 10 grid of repeaters 25 km apart (fibre 0.2 dB/km), 4 memory slots each, and
20 users, each attached by 10 km of fibre to a border repeater (100 nodes). Request ``i`` joins
user ``i`` (left/top border) to user ``i + 10`` (right/bottom border) along the shortest path by
length (networkx, given to :func:`protocols.network.concurrent.simulate_network`, so routing is
not timed). Hardware: double-click links, T2 = 1 s, cutoff 20 ms, gate error 1 %, swap-ASAP,
``policy="round-robin"``, continuous operation.

1. 10 concurrent requests: delivered pairs per wall-clock second (after compilation).
   Baseline in the same run: the chain Monte Carlo (:func:`protocols.repeaters.repeater_chain.simulate_chain`)
   of each request's path alone (the equivalent :class:`RepeaterChain`, no contention), pairs
   per wall-second over all ten.
2. Scaling: the first 1, 2, 5, 10 requests; wall time per simulated second, per request per
   simulated second (flat means linear cost in the number of requests), and events per second.

``--quick``: shorter simulated times (a smoke run).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import networkx as nx  # noqa: E402

from protocols.network import Network  # noqa: E402
from protocols.network.concurrent import simulate_network  # noqa: E402
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain  # noqa: E402

from _common import fmt_rate, print_table  # noqa: E402

ROWS, COLS, SPACING_KM = 8, 10, 25.0


def grid_network() -> tuple[Network, list]:
    net = Network("grid-100")
    for i in range(ROWS):
        for j in range(COLS):
            net.add_repeater(f"r{i}_{j}", memories=2, position_km=(j * SPACING_KM, i * SPACING_KM))
    for i in range(ROWS):
        for j in range(COLS):
            if j + 1 < COLS:
                net.add_fiber(f"r{i}_{j}", f"r{i}_{j + 1}", length_km=SPACING_KM)
            if i + 1 < ROWS:
                net.add_fiber(f"r{i}_{j}", f"r{i + 1}_{j}", length_km=SPACING_KM)
    # users: 0..7 on the left border, 8, 9 on the top; 10..17 on the right, 18, 19 on the bottom
    ends = [(i, 0) for i in range(ROWS)] + [(0, 3), (0, 6)] + [(i, COLS - 1) for i in range(ROWS)] + \
           [(ROWS - 1, 4), (ROWS - 1, 7)]
    for u, (i, j) in enumerate(ends):
        net.add_user(f"u{u}", memories=2)
        net.add_fiber(f"u{u}", f"r{i}_{j}", length_km=10.0)
    g = nx.Graph(net.graph)
    # cross the grid: left/top user u to a right/bottom user (shuffled so that paths overlap)
    partner = [13, 10, 17, 11, 16, 12, 15, 14, 18, 19]
    reqs = [(f"u{u}", f"u{partner[u]}", tuple(nx.shortest_path(g, f"u{u}", f"u{partner[u]}", weight="length_km")))
            for u in range(10)]
    return net, reqs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="short smoke run")
    args = ap.parse_args()
    t_sim = 0.05 if args.quick else 5.0
    net, reqs = grid_network()
    chain = RepeaterChain(1, 0.0, scheme="double-click", memory_t2_s=1.0, cutoff_s=0.02, gate_error=0.01,
                          memories_per_node=2)
    print(f"network: {net!r}; requests: {len(reqs)}, hops {[len(p) - 1 for _, _, p in reqs]}")
    simulate_network(net, reqs[:1], 0.001, chain=chain, policy="round-robin", seed=0)  # compile / load
    res = simulate_network(net, reqs, t_sim, chain=chain, policy="round-robin", seed=1)
    ours = res.deliveries / res.wall_time_s
    # baseline: each path alone as a chain Monte Carlo (no contention)
    n_base, t_base = 0, 0.0
    for a, b, p in reqs:
        c = RepeaterChain(len(p) - 1, (len(p) - 3) * SPACING_KM + 20.0, scheme="double-click", memory_t2_s=1.0,
                          cutoff_s=0.02, gate_error=0.01, memories_per_node=2)
        simulate_chain(c, 2, seed=0, jit=True)  # compile (or load) the kernel
        trials = 200 if args.quick else 2000
        t0 = time.perf_counter()
        simulate_chain(c, trials, seed=1, threads=1)
        t_base += time.perf_counter() - t0
        n_base += trials
    base = n_base / t_base
    print("\n1. 10 concurrent requests on 100 nodes, delivered pairs per wall-second")
    print_table([("10 requests, round-robin", f"{t_sim} s simulated", fmt_rate(ours), fmt_rate(base),
                  fmt_rate(ours / base))],
                ("workload", "size", "ours (pairs/s wall)", "chain MC alone (pairs/s wall)", "ratio"))
    print(f"   total delivery rate {res.total_rate_hz:.4g} pairs/s (simulated); events {res.events}; "
          f"mean fidelity {sum(q.mean_fidelity for q in res.requests) / len(reqs):.4f}")
    print("\n2. cost against the number of requests (round-robin, continuous)")
    rows = []
    for n in (1, 2, 5, 10):
        r = simulate_network(net, reqs[:n], t_sim, chain=chain, policy="round-robin", seed=1)
        per_sim_s = r.wall_time_s / t_sim
        rows.append((n, fmt_rate(per_sim_s), fmt_rate(per_sim_s / n), fmt_rate(r.events / r.wall_time_s),
                     fmt_rate(r.total_rate_hz), fmt_rate(r.deliveries / r.wall_time_s)))
    print_table(rows, ("requests", "wall s / simulated s", "per request", "events / wall s", "pairs/s simulated",
                       "pairs / wall s"))


if __name__ == "__main__":
    main()
