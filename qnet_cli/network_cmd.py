"""``qnet network``: routes, routing tables, service stages and maps of a network topology.

Actions (TOPOLOGY is a TOML topology, format in :mod:`protocols.network.formats`):

* ``qnet network route TOPOLOGY A B [--service key|entanglement|teleportation]
  [--target-fidelity F] [--k N]``: every candidate path between A and B, best first, with its
  mode (direct, trusted-relay, repeater, hybrid), rate and fidelity
  (:func:`protocols.network.route`);
* ``qnet network plan TOPOLOGY [--service ...]``: the best route of every pair of users
  (:func:`protocols.network.routing_table`);
* ``qnet network stages TOPOLOGY [--criterion bell|fidelity]``: the highest stage of the
  quantum internet every pair of users reaches (:func:`protocols.network.service_stages`);
* ``qnet network plot TOPOLOGY --out map.png [--color rate|loss]``: a map of the network, nodes by
  kind, links coloured by their own key rate (bit/s, log scale) or optical loss (dB).

``--trials`` and ``--seed`` set the repeater-chain Monte Carlo (:class:`protocols.network.PathModel`).
``--json`` prints the rows as JSON; ``--out FILE.csv|.json`` writes them (for ``plot``, ``--out``
is the image, .png, .svg or .pdf). Bad files and values raise
:class:`~qnet_core.errors.ScenarioError` or :class:`~qnet_core.errors.ParameterError`, which
``qnet`` reports as one line ``qnet: error: ...`` with exit status 2.
"""

from __future__ import annotations

import argparse
import math
import os

from qnet_core.errors import ScenarioError

from . import output
from .params import format_value

__all__ = ["add_network_parser", "run_network", "NETWORK_ACTIONS"]

#: The ``qnet network`` actions.
NETWORK_ACTIONS = ("route", "plan", "stages", "plot")
_SERVICES = ("key", "entanglement", "teleportation")
_IMAGE_EXT = (".png", ".svg", ".pdf")

_ROUTE_COLUMNS = ("rank", "mode", "feasible", "rate", "fidelity", "meets_target", "hops", "length_km", "path",
                  "reason")
_PLAN_COLUMNS = ("user_a", "user_b", "mode", "rate", "fidelity", "meets_target", "hops", "path")
_STAGE_COLUMNS = ("user_a", "user_b", "stage", "figure_name", "figure", "unit", "threshold", "next_reason")
_PLOT_COLUMNS = ("a", "b", "kind", "length_km", "loss_db", "key_rate_bps")


def add_network_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``qnet network {route,plan,stages,plot}`` to the ``qnet`` sub-command parsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The object returned by ``parser.add_subparsers(...)`` of the ``qnet`` parser.

    Returns
    -------
    argparse.ArgumentParser
        The ``network`` parser (its actions are in ``args.network_action``).
    """
    net = subparsers.add_parser("network", help="routes, routing tables, service stages and maps of a topology",
                                description="Network planning on a TOML topology (examples/network/*.toml).",
                                epilog="examples: qnet network route examples/network/mixed_demo.toml alice carol; "
                                       "qnet network stages examples/network/repeater_backbone.toml --json")
    acts = net.add_subparsers(dest="network_action", metavar="ACTION", required=True)

    def common(sp, rows: bool = True):
        sp.add_argument("topology", metavar="TOPOLOGY", help="network topology file (.toml)")
        sp.add_argument("--trials", metavar="N", help="Monte Carlo trials per repeater chain (default: 400)")
        sp.add_argument("--seed", metavar="N", help="seed of every chain simulation (default: 0)")
        sp.add_argument("--json", action="store_true", help="print the rows as JSON on stdout")
        sp.add_argument("--satellite-pair-rate", metavar="HZ",
                        help="entangled pairs per second from a source on every satellite: entanglement then "
                             "also routes over a satellite's two downlinks (default: none, satellites are "
                             "trusted nodes only)")
        if rows:
            sp.add_argument("--out", metavar="FILE", help="write the rows to FILE (.csv or .json)")

    def service(sp):
        sp.add_argument("--service", choices=_SERVICES, default="key", help="service to route (default: key)")
        sp.add_argument("--target-fidelity", metavar="F", help="fidelity the service needs, in [0, 1] (default: "
                        "1/2 for entanglement, 2/3 for teleportation; not for key)")
        sp.add_argument("--k", metavar="N", help="shortest simple paths per mode (default: 4 for route, 1 for plan)")

    r = acts.add_parser("route", help="rank the paths between two nodes")
    common(r)
    r.add_argument("a", metavar="A", help="source node")
    r.add_argument("b", metavar="B", help="target node")
    service(r)
    p = acts.add_parser("plan", help="best route of every pair of users")
    common(p)
    service(p)
    s = acts.add_parser("stages", help="quantum-internet stage of every pair of users (Wehner et al. 2018)")
    common(s)
    s.add_argument("--criterion", choices=("bell", "fidelity"), default="bell",
                   help="entanglement-distribution criterion: CHSH violation (default) or fidelity > 1/2")
    m = acts.add_parser("plot", help="map of the network (needs matplotlib)")
    common(m, rows=False)
    m.add_argument("--out", metavar="FILE", required=True, help="image file: .png, .svg or .pdf")
    m.add_argument("--color", choices=("rate", "loss"), default="rate",
                   help="colour links by their key rate (bit/s) or optical loss (dB); default rate")
    from .network_simulate import add_simulate_parser

    add_simulate_parser(acts)
    return net


# ----------------------------------------------------------------------------- option values
def _int(raw, option: str, default: int, lo: int) -> int:
    if raw is None:
        return default
    try:
        v = int(str(raw).strip())
    except ValueError:
        raise ScenarioError(f"network: {option}={raw!r} must be an integer >= {lo}") from None
    if v < lo:
        raise ScenarioError(f"network: {option}={raw!r} must be an integer >= {lo}")
    return v


def _float(raw, option: str, ok, allowed: str):
    """``raw`` as a float passing ``ok`` (None stays None), else a one-line error naming ``option``."""
    if raw is None:
        return None
    try:
        v = float(str(raw).strip())
    except ValueError:
        v = math.nan
    if not ok(v):
        raise ScenarioError(f"network: {option}={raw!r} must be {allowed}")
    return v


def _fidelity(raw):
    return _float(raw, "--target-fidelity", lambda v: 0.0 <= v <= 1.0, "a number in [0, 1]")


def _rate(raw):
    return _float(raw, "--satellite-pair-rate", lambda v: 0.0 < v < math.inf,
                  "a finite number of pairs per second > 0")


def _model(args):
    from protocols.network import PathModel

    return PathModel(trials=_int(getattr(args, "trials", None), "--trials", 400, 2),
                     seed=_int(getattr(args, "seed", None), "--seed", 0, 0),
                     satellite_pair_rate_hz=_rate(getattr(args, "satellite_pair_rate", None)))


def _topology(path: str):
    from protocols.network import Network

    if os.path.splitext(path)[1].lower() != ".toml":
        raise ScenarioError(f"network: TOPOLOGY={path!r} must be a .toml topology file")
    return Network.from_toml(path)


def _check_rows_out(args) -> None:
    out = getattr(args, "out", None)
    if out is not None:
        output.output_format(out)
        output.check_writable(out)


# ----------------------------------------------------------------------------- rows
def _eval_row(ev) -> dict:
    return {"mode": ev.mode, "feasible": ev.feasible, "rate": ev.rate, "rate_stderr": ev.rate_stderr,
            "fidelity": ev.fidelity, "target_fidelity": ev.target_fidelity, "meets_target": ev.meets_target,
            "hops": ev.hops, "length_km": ev.length_km, "path": "-".join(ev.path), "reason": ev.reason}


def _route_rows(args) -> tuple[list, tuple]:
    from protocols.network import route

    net = _topology(args.topology)
    k = _int(args.k, "--k", 4, 1)
    res = route(net, args.a, args.b, args.service, target_fidelity=_fidelity(args.target_fidelity), k=k,
                model=_model(args))
    rows = []
    for i, ev in enumerate(res.candidates, 1):
        row = {"rank": i, "service": res.service}
        row.update(_eval_row(ev))
        rows.append(row)
    return rows, _ROUTE_COLUMNS


def _plan_rows(args) -> tuple[list, tuple]:
    from protocols.network import routing_table

    net = _topology(args.topology)
    k = _int(args.k, "--k", 1, 1)
    table = routing_table(net, args.service, target_fidelity=_fidelity(args.target_fidelity), k=k,
                          model=_model(args))
    rows = []
    for r in table.routes:
        row = {"user_a": r.source, "user_b": r.target, "service": r.service}
        if r.best is None:
            row.update({"mode": None, "feasible": False, "rate": 0.0, "fidelity": None, "meets_target": False,
                        "hops": None, "path": "", "reason": r.candidates[0].reason if r.candidates else "no path"})
        else:
            row.update(_eval_row(r.best))
        rows.append(row)
    return rows, _PLAN_COLUMNS


def _stage_rows(args) -> tuple[list, tuple]:
    from protocols.network import service_stages

    net = _topology(args.topology)
    table = service_stages(net, model=_model(args), criterion=args.criterion)
    return table.rows(), _STAGE_COLUMNS


def _table(rows, columns) -> str:
    def cell(v):
        return f"{v:.6g}" if isinstance(v, float) else format_value(v)

    cols = list(columns)
    cells = [[cell(r.get(c)) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths))]
    lines += ["  ".join(x.ljust(w) for x, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- plot
_KIND_STYLE = {"user": ("o", "#1f77b4"), "repeater": ("s", "#2ca02c"), "trusted_relay": ("D", "#d62728"),
               "switch": ("X", "#7f7f7f"), "ground_station": ("^", "#9467bd"), "satellite": ("*", "#ff7f0e")}


def _layout(net) -> tuple[dict, str]:
    """Node coordinates and the axis units: km, degrees, or a spring layout (no units)."""
    import networkx as nx

    g = nx.Graph(net.graph)
    km = {n: net.node(n)["position_km"] for n in net if net.node(n)["position_km"] is not None}
    deg = {n: tuple(reversed(net.node(n)["latlon_deg"])) for n in net if net.node(n)["latlon_deg"] is not None}
    fixed, units = (km, "km") if len(km) >= len(deg) else (deg, "deg")
    if fixed and (not km or not deg):
        if len(fixed) == len(net):
            return dict(fixed), units
        pos = nx.spring_layout(g, pos=dict(fixed), fixed=list(fixed), seed=0)
        return {n: tuple(map(float, p)) for n, p in pos.items()}, units
    pos = nx.spring_layout(g, seed=0)
    return {n: tuple(map(float, p)) for n, p in pos.items()}, ""


def plot_network(net, path: str, color: str = "rate", model=None) -> list:
    """Draw a map of ``net`` to ``path`` and return its link rows.

    Parameters
    ----------
    net : protocols.network.Network
    path : str
        Image file (.png, .svg or .pdf).
    color : {"rate", "loss"}, default "rate"
        Colour links by their own key rate (bit/s, log colour scale) or optical loss (dB).
    model : protocols.network.PathModel, optional
        QKD hardware of the per-link key rates.

    Returns
    -------
    list of dict
        One row per link: ``a``, ``b``, ``kind``, ``length_km``, ``loss_db``, ``key_rate_bps``.
    """
    from matplotlib import colors as mcolors
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    from protocols.network import link_key_rates

    from .plotting import _pyplot, _save

    plt = _pyplot()
    rates = link_key_rates(net, model=model)
    rows = []
    for (a, b), r in rates.items():
        d = net.link(a, b)
        rows.append({"a": a, "b": b, "kind": d["kind"], "length_km": d["length_km"], "loss_db": d["loss_db"],
                     "key_rate_bps": r})
    pos, units = _layout(net)
    fig, ax = plt.subplots(figsize=(8, 6))
    try:
        segs = [(pos[r["a"]], pos[r["b"]]) for r in rows]
        if color == "rate":
            vals = [max(r["key_rate_bps"], 1e-3) for r in rows]
            norm = mcolors.LogNorm(vmin=min(vals), vmax=max(vals) if max(vals) > min(vals) else min(vals) * 10)
            label = "link key rate (bit/s)"
        else:
            vals = [r["loss_db"] for r in rows]
            norm = mcolors.Normalize(vmin=min(vals), vmax=max(vals) if max(vals) > min(vals) else min(vals) + 1)
            label = "link loss (dB)"
        styles = ["dashed" if r["kind"] != "fiber" else "solid" for r in rows]
        lc = LineCollection(segs, cmap="viridis", norm=norm, linewidths=2.5, linestyles=styles, zorder=1)
        lc.set_array(vals)
        ax.add_collection(lc)
        fig.colorbar(lc, ax=ax, label=label)
        handles = []
        for kind, (marker, col) in _KIND_STYLE.items():
            names = net.nodes(kind)
            if not names:
                continue
            xs, ys = zip(*(pos[n] for n in names))
            ax.scatter(xs, ys, marker=marker, c=col, s=90, edgecolors="black", zorder=3)
            handles.append(Line2D([], [], marker=marker, color=col, markeredgecolor="black", linestyle="",
                                  markersize=9, label=kind.replace("_", " ")))
        if len(net) <= 60:
            for n, (x, y) in pos.items():
                ax.annotate(n, (x, y), textcoords="offset points", xytext=(5, 5), fontsize=7, zorder=4)
        handles.append(Line2D([], [], color="gray", linestyle="dashed", label="free-space / downlink"))
        ax.legend(handles=handles, loc="best", fontsize=8)
        ax.autoscale()
        ax.margins(0.08)
        if units == "km":
            ax.set_xlabel("x (km)")
            ax.set_ylabel("y (km)")
            ax.set_aspect("equal", adjustable="datalim")
        elif units == "deg":
            ax.set_xlabel("longitude (deg)")
            ax.set_ylabel("latitude (deg)")
        else:
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel("(schematic layout: nodes without positions)")
        ax.set_title(f"{net.name}: {len(net)} nodes, {len(rows)} links")
        _save(fig, path)
    finally:
        plt.close(fig)
    return rows


# ----------------------------------------------------------------------------- entry
_NOT_PARAMETERS = {"command", "network_action", "json", "out", "plot", "quiet", "func"}


def network_parameters(args) -> dict:
    """The resolved options of a ``qnet network`` run, as its JSON ``parameters``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options of a ``qnet network`` action.

    Returns
    -------
    dict
        Option name (dashes as underscores) to value, including defaults; output options left out.
    """
    d = {k: v for k, v in sorted(vars(args).items()) if k not in _NOT_PARAMETERS}
    ints = {"trials": (400, 2), "seed": (0, 0), "k": (4 if args.network_action == "route" else 1, 1),
            "replicas": (1, 1)}
    for key, (default, lo) in ints.items():
        if key in d:
            d[key] = _int(d[key], f"--{key}", default, lo)
    for key, default in (("time", 1.0), ("max_time", None), ("target_fidelity", None)):
        if key in d and (d[key] is not None or default is not None):
            d[key] = float(default if d[key] is None else d[key])
    if d.get("memories") is not None:
        d["memories"] = int(d["memories"])
    if d.get("weights") is not None:
        d["weights"] = [float(w) for w in str(d["weights"]).split(",")]
    return {"action": args.network_action, **d}


def run_network(args) -> int:
    """Run ``qnet network ACTION``: print or write its rows.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options of a parser built with :func:`add_network_parser` (``network_action``,
        ``topology`` and the action's options).

    Returns
    -------
    int
        Exit status 0 (errors raise :class:`~qnet_core.errors.QnetError`).
    """
    action = args.network_action
    if action == "simulate":
        from .network_simulate import run_simulate

        return run_simulate(args)
    if action not in NETWORK_ACTIONS:
        raise ScenarioError(f"network: unknown action {action!r}; use one of {NETWORK_ACTIONS}")
    if action == "plot":
        ext = os.path.splitext(args.out)[1].lower()
        if ext not in _IMAGE_EXT:
            raise ScenarioError(f"--out={args.out!r} has extension {ext or '(none)'!r}; allowed: .png, .svg, .pdf")
        output.check_writable(args.out)
        import importlib.util

        if importlib.util.find_spec("matplotlib") is None:
            raise ScenarioError("plotting needs matplotlib; install it with: pip install 'qnetsim[plot]'")
        net = _topology(args.topology)
        rows = plot_network(net, args.out, args.color, _model(args))
        if args.json:
            print(output.dumps({"out": args.out, "rows": rows, "parameters": network_parameters(args)}))
        else:
            print(f"wrote network map to {args.out}")
        return 0
    _check_rows_out(args)
    rows, columns = {"route": _route_rows, "plan": _plan_rows, "stages": _stage_rows}[action](args)
    if args.out:
        output.write_rows(args.out, rows, columns)
    if args.json:
        print(output.dumps({"rows": rows, "parameters": network_parameters(args)}))
    else:
        print(_table(rows, columns))
    return 0
