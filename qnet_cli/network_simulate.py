"""``qnet network simulate``: several requests at once on a topology's shared memories.

``qnet network simulate TOPOLOGY --requests A:B,C:D [--policy fcfs|round-robin|proportional]
[--weights 2,1] [--time S] [--mode continuous|reset] [--memories N] [--replicas N] [--seed N]
[--json] [--out FILE.csv|.json] [--plot FILE.png] [--rate-plot FILE.png]`` runs
:func:`protocols.network.concurrent.simulate_network` (requests routed with
:func:`protocols.network.route`, entanglement service) and prints one row per request: path,
deliveries, rate, mean fidelity and secret-key rate with standard errors, then the node
occupancies. ``--out`` writes the request rows (.csv) or everything (.json); ``--plot`` draws
the memory occupancy over time; ``--rate-plot`` also runs the first 1, 2, ..., N-1 requests on
their own (same seed and options) and draws the total and per-request delivery rate against the
number of concurrent requests (:func:`protocols.network.concurrent.plot_rate_vs_users`). Bad
values raise :class:`~qnet_core.errors.ScenarioError` or
:class:`~qnet_core.errors.ParameterError` (``qnet: error: ...``, exit status 2).
"""

from __future__ import annotations

import argparse
import math
import os
import sys

from qnet_core.errors import ScenarioError

__all__ = ["add_simulate_parser", "run_simulate"]

_POLICIES = ("fcfs", "round-robin", "proportional")
_MODES = ("continuous", "reset")
_COLUMNS = ("request", "source", "target", "deliveries", "rate_hz", "rate_hz_stderr", "mean_fidelity",
            "mean_fidelity_stderr", "secret_key_rate_bps", "secret_key_rate_bps_stderr", "path")


def add_simulate_parser(network_subparsers) -> argparse.ArgumentParser:
    """Add the ``simulate`` action to the ``qnet network`` action parsers.

    Parameters
    ----------
    network_subparsers : argparse._SubParsersAction
        The object returned by ``net.add_subparsers(dest="network_action", ...)``.

    Returns
    -------
    argparse.ArgumentParser
        The ``simulate`` parser.
    """
    sp = network_subparsers.add_parser(
        "simulate", help="several requests at once on shared memories (event-driven Monte Carlo)",
        description="Simulate concurrent requests with shared node memories and a scheduling policy.",
        epilog="example: qnet network simulate examples/network/repeater_backbone.toml --requests A:B,C:D "
               "--policy round-robin --time 1 --seed 1")
    sp.add_argument("topology", metavar="TOPOLOGY", help="network topology file (.toml)")
    sp.add_argument("--requests", metavar="A:B,C:D", required=True, help="pairs of users, comma separated")
    sp.add_argument("--policy", choices=_POLICIES, default="fcfs", help="scheduling policy (default: fcfs)")
    sp.add_argument("--weights", metavar="W1,W2", help="per-request weights of the proportional policy")
    sp.add_argument("--time", metavar="S", default="1.0", help="simulated time per replica, s (default: 1)")
    sp.add_argument("--max-time", metavar="SECONDS", dest="max_time",
                    help="wall-clock limit: each replica stops after about this long and the rates cover the "
                         "simulated time it reached (a note says so; exit status 0)")
    sp.add_argument("--mode", choices=_MODES, default="continuous",
                    help="continuous operation (default) or one delivery then a fresh start per request")
    sp.add_argument("--memories", metavar="N", help="memory slots of every node (default: from the topology)")
    sp.add_argument("--replicas", metavar="N", default="1", help="independent replicas (default: 1)")
    sp.add_argument("--seed", metavar="N", default="0", help="seed (default: 0)")
    sp.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    sp.add_argument("--out", metavar="FILE", help="write the request rows (.csv) or the whole result (.json)")
    sp.add_argument("--plot", metavar="FILE", help="draw the memory occupancy over time (.png, .svg or .pdf)")
    sp.add_argument("--rate-plot", metavar="FILE", dest="rate_plot",
                    help="also simulate the first 1, 2, ... of the requests alone and draw the delivery rate "
                         "against the number of concurrent requests (.png, .svg or .pdf)")
    return sp


def _number(raw, option: str, kind, lo, hi=math.inf):
    try:
        v = kind(str(raw).strip())
    except ValueError:
        raise ScenarioError(f"network simulate: {option}={raw!r} must be a number in [{lo}, {hi})") from None
    if not lo <= v < hi or (isinstance(v, float) and not math.isfinite(v)):
        raise ScenarioError(f"network simulate: {option}={raw!r} must be a number in [{lo}, {hi})")
    return v


def run_simulate(args) -> int:
    """Run ``qnet network simulate``: print and optionally write its rows.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by a parser built with :func:`add_simulate_parser`.

    Returns
    -------
    int
        Exit status 0 (errors raise :class:`~qnet_core.errors.QnetError`).
    """
    from protocols.network import Network
    from protocols.network.concurrent import parse_requests, plot_occupancy, plot_rate_vs_users, simulate_network

    from . import output
    from .network_cmd import network_parameters
    from .progress import Progress

    if os.path.splitext(args.topology)[1].lower() != ".toml":
        raise ScenarioError(f"network simulate: TOPOLOGY={args.topology!r} must be a .toml topology file")
    t = _number(args.time, "--time", float, 0.0)
    if t <= 0:
        raise ScenarioError(f"network simulate: --time={args.time!r} must be > 0")
    seed = _number(args.seed, "--seed", int, 0)
    max_wall = None
    if getattr(args, "max_time", None) is not None:
        max_wall = _number(args.max_time, "--max-time", float, 0.0)
        if not max_wall > 0:
            raise ScenarioError(f"network simulate: --max-time={args.max_time!r} must be a finite number of seconds > 0")
    replicas = _number(args.replicas, "--replicas", int, 1)
    memories = None if args.memories is None else _number(args.memories, "--memories", int, 1)
    weights = None
    if args.weights is not None:
        weights = [_number(x, "--weights", float, 0.0) for x in str(args.weights).split(",")]
    if args.out is not None:
        output.output_format(args.out)
        output.check_writable(args.out)
    rate_plot = getattr(args, "rate_plot", None)
    for option, path in (("--plot", args.plot), ("--rate-plot", rate_plot)):
        if path is not None:
            ext = os.path.splitext(path)[1].lower()
            if ext not in (".png", ".svg", ".pdf"):
                raise ScenarioError(f"{option}={path!r} has extension {ext or '(none)'!r}; allowed: .png, .svg, .pdf")
            output.check_writable(path, option)
    net = Network.from_toml(args.topology)
    requests = parse_requests(args.requests) if rate_plot is not None else args.requests
    if rate_plot is not None and weights is not None and len(weights) != len(requests):
        raise ScenarioError(f"network simulate: --weights has {len(weights)} values for {len(requests)} requests")
    counts = range(1, len(requests) + 1) if rate_plot is not None else (None,)
    runs = []
    with Progress(1000 * len(counts), "simulate", enabled=None if not args.json else False) as bar:
        for i, k in enumerate(counts):  # the last run (every request) is the result
            def progress(frac, i=i):
                bar.update(int((i + frac) * 1000))

            runs.append(simulate_network(
                net, args.requests if k is None else requests[:k], t, policy=args.policy,
                weights=None if weights is None or k is None else weights[:k], memories=memories, mode=args.mode,
                replicas=replicas, seed=seed, progress=progress, max_wall_s=max_wall))
    res = runs[-1]
    reached = float(min(res.simulated_time_s))
    if max_wall is not None and reached < t:
        print(f"qnet: note: --max-time {max_wall:g} s reached; simulated {reached:.4g} "
              f"of {t:g} s (rates cover the simulated time reached)", file=sys.stderr)
    rows = res.rows()
    if args.out:
        if output.output_format(args.out) == "json":
            output.atomic_write_text(args.out, output.dumps({**res.to_dict(), "parameters": network_parameters(args)}))
        else:
            output.write_rows(args.out, rows, _COLUMNS)
    if args.plot:
        from .plotting import _pyplot, _save

        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, 5))
        try:
            plot_occupancy(res, ax=ax)
            _save(fig, args.plot)
        finally:
            plt.close(fig)
    if rate_plot is not None:
        from .plotting import _pyplot, _save

        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, 5))
        try:
            plot_rate_vs_users(runs, ax=ax)
            _save(fig, rate_plot)
        finally:
            plt.close(fig)
    if args.json:
        print(output.dumps({**res.to_dict(), "parameters": network_parameters(args)}))
        return 0
    cols = list(_COLUMNS)
    cells = [[f"{r[c]:.6g}" if isinstance(r[c], float) else str(r[c]) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    for row in cells:
        print("  ".join(x.ljust(w) for x, w in zip(row, widths)))
    print(f"\npolicy {res.policy}, mode {res.mode}, {reached:g} s simulated x {replicas} replica(s), "
          f"{res.events} events, {res.wall_time_s:.3g} s wall" + (", STALLED" if any(res.stalled) else ""))
    print("node  capacity  mean_occupancy")
    for r in res.node_rows():
        print(f"{r['node']}  {r['capacity']}  {r['mean_occupancy']:.4g}")
    if rate_plot is not None:
        print("\nrequests  total_rate_hz  per_request_rate_hz")
        for r in runs:
            print(f"{r.num_requests}  {r.total_rate_hz:.6g}  {r.total_rate_hz / r.num_requests:.6g}")
    return 0
