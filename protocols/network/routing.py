"""Routing: rank candidate paths between two users by what they deliver, and routing tables.

For a request (source, target, service) :func:`route` builds candidate paths for every mode of
delivery (:data:`protocols.network.evaluation.MODES`), each on the subgraph whose inner nodes
may relay that way:

* ``"direct"``: inner nodes are switches only (one optical link end to end);
* ``"trusted-relay"`` (key only): trusted relays, ground stations, satellites and switches;
* ``"repeater"``: repeaters and switches;
* ``"hybrid"`` (key only): all of these;
* ``"satellite"`` (entanglement only, and only when ``model.satellite_pair_rate_hz`` gives the
  satellites a pair source): one satellite, its two ground stations, and switches between a
  ground station and its end. Besides Yen's paths and the widest path of that subgraph, every
  satellite contributes, for every two of its ground stations, the dual downlink joining the
  lowest-loss arms (downlink, station, switches) to the two ends; the pair rate grows with
  each arm's transmittance, so the highest-rate dual downlink is always a candidate (exactly
  where arms can share at most one switch; a candidate search otherwise).

Users are never inner nodes. The candidates of a mode are Yen's ``k`` shortest simple paths by
optical loss (:func:`networkx.shortest_simple_paths`; a switch's insertion loss is split over its
two links) and the widest (bottleneck) path: for key, the path whose weakest link has the
highest key rate on its own; for entanglement and teleportation, the path whose lossiest link
loses least (a repeater chain is limited by its longest hop). Every candidate is then evaluated
with the service's real figure (:func:`protocols.network.evaluation.evaluate_path`) and ranked
by :attr:`~protocols.network.evaluation.PathEvaluation.score`: key rate; for entanglement and
teleportation, the paths that reach the target fidelity by rate, then the others by fidelity.

For key over trusted relays joined by single fibres (or single downlinks), the end-to-end rate
is the smallest link rate, so the widest path *is* the best path: routing is exact there. With
switches (links merge into longer ones) and repeater chains (Monte Carlo, equal-segment mapping)
the ranking is over the candidates only; raise ``k`` (or give ``k=None`` for every simple path,
on small networks) to search further.

:func:`routing_table` routes every pair of users. It computes each link's key rate once (one
batch per QKD system), runs one single-source shortest-loss and one widest-path search per user
and mode (``k=1``), and caches every piece and chain across pairs: the key table of a 1000-node random geometric
network (5294 fibres) with 100 users takes about 18 s on one core; entanglement costs one chain
simulation per distinct chain on top.
"""

from __future__ import annotations

import heapq
import itertools
import math
from dataclasses import dataclass
from typing import Any, Literal

import networkx as nx
import numpy as np

from qnet_core.errors import ParameterError

from .._common import Result
from .evaluation import (PathEvaluation, PathModel, _check_model, _check_network, _check_service, _check_target,
                         _Evaluator, _pair_index)
from .topology import TRUSTED_KINDS, Network

__all__ = ["RouteResult", "RoutingTable", "route", "routing_table", "candidate_paths", "widest_path",
           "MODE_RELAYS", "SATELLITE_ARM_RELAYS"]

#: Kinds of node that may be inner nodes of a path of each mode, per service family.
MODE_RELAYS = {
    "key": {"direct": ("switch",), "trusted-relay": (*TRUSTED_KINDS, "switch"), "repeater": ("repeater", "switch"),
            "hybrid": (*TRUSTED_KINDS, "repeater", "switch")},
    "entanglement": {"direct": ("switch",), "repeater": ("repeater", "switch")},
}
MODE_RELAYS["teleportation"] = MODE_RELAYS["entanglement"]

#: Inner nodes of a satellite-source entanglement path besides its one satellite.
SATELLITE_ARM_RELAYS = ("ground_station", "switch")

#: Added to every link's loss in path searches, so that among equal losses fewer hops win.
_HOP_DB = 1e-9


@dataclass(frozen=True, slots=True, repr=False)
class RouteResult(Result):
    """Ranked candidate paths between two nodes for one service, and the best path of each mode.

    Attributes
    ----------
    source, target : str
    service : str
    target_fidelity : float or None
    candidates : tuple of PathEvaluation
        Every candidate evaluated, best first (:attr:`PathEvaluation.score`, then fewer hops).
    options : dict
        Mode -> the best :class:`PathEvaluation` of that mode (None where the network offers
        none): direct, trusted-relay and repeater (and hybrid) side by side.
    """

    source: str
    target: str
    service: str
    target_fidelity: float | None
    candidates: tuple
    options: dict

    _REPR_EXTRAS = ("best_path", "best_rate", "best_mode")

    @property
    def best(self) -> PathEvaluation | None:
        """The top-ranked feasible candidate (None if no path is feasible)."""
        return self.candidates[0] if self.candidates and self.candidates[0].feasible else None

    @property
    def best_path(self) -> tuple | None:
        """Nodes of :attr:`best`."""
        return None if self.best is None else self.best.path

    @property
    def best_rate(self) -> float:
        """Rate of :attr:`best` (0 if none): bit/s for key, pairs or qubits per second otherwise."""
        return 0.0 if self.best is None else self.best.rate

    @property
    def best_mode(self) -> str | None:
        """Mode of :attr:`best`."""
        return None if self.best is None else self.best.mode


@dataclass(frozen=True, slots=True, repr=False)
class RoutingTable(Result):
    """Routes between every pair of users for one service.

    Attributes
    ----------
    service : str
    users : tuple of str
    routes : tuple of RouteResult
        One per unordered pair ``(users[i], users[j])``, ``i < j``, in that order.
    """

    service: str
    users: tuple
    routes: tuple

    _REPR_EXTRAS = ("num_routes",)

    @property
    def num_routes(self) -> int:
        """Number of user pairs."""
        return len(self.routes)

    def route(self, a: str, b: str) -> RouteResult:
        """The route between users ``a`` and ``b`` (either order).

        Parameters
        ----------
        a, b : str
            Two distinct users of the table.

        Returns
        -------
        RouteResult
            Oriented from the first of the pair in :attr:`users` order.
        """
        return self.routes[_pair_index(self.users, a, b, "RoutingTable.route()")]

    def matrix(self, figure: Literal["rate", "fidelity", "meets_target"] = "rate") -> np.ndarray:
        """A symmetric user-by-user matrix of the best route's figure.

        Parameters
        ----------
        figure : {"rate", "fidelity", "meets_target"}, default "rate"

        Returns
        -------
        numpy.ndarray, shape (n_users, n_users), float64
            NaN on the diagonal and where no path is feasible (``rate`` there is 0;
            ``meets_target`` is 1.0 or 0.0).
        """
        if figure not in ("rate", "fidelity", "meets_target"):
            raise ParameterError(f"RoutingTable.matrix(): figure={figure!r}; use 'rate', 'fidelity' or 'meets_target'")
        n = len(self.users)
        out = np.full((n, n), np.nan)
        pairs = itertools.combinations(range(n), 2)
        for (i, j), r in zip(pairs, self.routes):
            b = r.best
            if figure == "rate":
                v = r.best_rate
            elif figure == "fidelity":
                v = math.nan if b is None else b.fidelity
            else:
                v = float(b is not None and b.meets_target)
            out[i, j] = out[j, i] = v
        return out


# ============================================================================ graph searches
def _passable(g: nx.Graph, relays: tuple):
    return lambda n: g.nodes[n]["kind"] in relays


def _loss_weight(g: nx.Graph):
    def w(u, v, d):
        sw = sum(0.5 * g.nodes[n]["insertion_loss_db"] for n in (u, v) if g.nodes[n]["kind"] == "switch")
        return d["loss_db"] + sw + _HOP_DB
    return w


def _single_source(g: nx.Graph, src: str, passable, *, weight=None, width=None) -> dict:
    """Predecessors of a shortest (``weight``) or widest (``width``) path tree from ``src``.

    Only ``src`` and passable nodes are expanded; other nodes are reached but not passed through.
    Widest paths maximize the smallest ``width`` on the path, ties broken by fewer hops.
    """
    pred = {src: None}
    done = set()
    counter = itertools.count()
    if width is None:
        best = {src: 0.0}
        heap = [(0.0, next(counter), src)]
    else:
        best = {src: (math.inf, 0)}
        heap = [(-math.inf, 0, next(counter), src)]
    while heap:
        if width is None:
            dist, _, u = heapq.heappop(heap)
        else:
            negw, hops, _, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u != src and not passable(u):
            continue
        for v, d in g.adj[u].items():
            if v in done:
                continue
            if width is None:
                nd = dist + weight(u, v, d)
                if nd < best.get(v, math.inf):
                    best[v], pred[v] = nd, u
                    heapq.heappush(heap, (nd, next(counter), v))
            else:
                cand = (min(-negw, width(u, v, d)), hops + 1)
                old = best.get(v)
                if old is None or cand[0] > old[0] or (cand[0] == old[0] and cand[1] < old[1]):
                    best[v], pred[v] = cand, u
                    heapq.heappush(heap, (-cand[0], cand[1], next(counter), v))
    return pred


def _path_to(pred: dict, target: str) -> tuple | None:
    if target not in pred:
        return None
    out = [target]
    while pred[out[-1]] is not None:
        out.append(pred[out[-1]])
    return tuple(reversed(out))


def _relay_view(g: nx.Graph, relays: tuple, a: str, b: str) -> nx.Graph:
    keep = [n for n, d in g.nodes(data=True) if d["kind"] in relays or n in (a, b)]
    return g.subgraph(keep)


def _yen(g: nx.Graph, relays: tuple, a: str, b: str, k: int | None) -> list:
    view = _relay_view(g, relays, a, b)
    try:
        if k is None:
            return [tuple(p) for p in nx.all_simple_paths(view, a, b)]
        gen = nx.shortest_simple_paths(view, a, b, weight=_loss_weight(g))
        return [tuple(p) for p in itertools.islice(gen, k)]
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []


def _width_fn(ev: _Evaluator, service: str):
    if service == "key":
        return lambda u, v, d: ev.edge_key_rate(u, v)
    w = _loss_weight(ev.g)
    return lambda u, v, d: -w(u, v, d)


def _check_pair(net: Network, a, b, owner: str) -> None:
    for n in (a, b):
        if not isinstance(n, str) or n not in net:
            raise ParameterError(f"{owner}: node {n!r} is not in the network")
    if a == b:
        raise ParameterError(f"{owner}: source and target are both {a!r}; give two different nodes")


def _check_k(k, owner: str) -> int | None:
    if k is None:
        return None
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ParameterError(f"{owner}: k={k!r} must be an integer >= 1 (or None for every simple path)")
    return k


def _rank(evals: list) -> tuple:
    return tuple(sorted(evals, key=lambda e: (tuple(-x for x in e.score), e.path)))


def _modes(ev: _Evaluator, service: str) -> dict:
    """Mode -> inner node kinds for a service; the satellite mode where the model has a pair source."""
    modes = dict(MODE_RELAYS[service])
    if service == "entanglement" and ev.model.satellite_pair_rate_hz is not None:
        modes["satellite"] = ("satellite", *SATELLITE_ARM_RELAYS)
    return modes


def _satellite_trees(g: nx.Graph) -> dict:
    """Satellite -> [(ground station, shortest-loss tree from the station through switches)]."""
    weight = _loss_weight(g)
    through_switches = _passable(g, ("switch",))
    out = {}
    for s, d in g.nodes(data=True):
        if d["kind"] != "satellite":
            continue
        out[s] = [(gs, _single_source(g, gs, through_switches, weight=weight))
                  for gs in g.adj[s] if g.nodes[gs]["kind"] == "ground_station"]
    return out


def _satellite_joins(trees: dict, g: nx.Graph, a: str, b: str) -> list:
    """Dual-downlink candidates ``a ... station - satellite - station ... b``, per satellite.

    An arm is satellite - ground station - switches - end. For every two different stations of
    a satellite the arms are the lowest-loss ones from each station to its end; where they
    share a switch, each arm in turn is kept and the other rerouted around it. The pair rate
    grows with each arm's transmittance, so this finds the highest-rate dual downlink exactly
    when arms can share at most one switch, and is a candidate search otherwise.
    """
    weight = _loss_weight(g)
    through = _passable(g, ("switch",))
    out = []
    for s, stations in trees.items():
        arms_a = {gs: p for gs, pred in stations if (p := _path_to(pred, a)) is not None}
        arms_b = {gs: p for gs, pred in stations if (p := _path_to(pred, b)) is not None}
        for (ga, pa), (gb, pb) in itertools.product(arms_a.items(), arms_b.items()):
            if ga == gb:
                continue
            if set(pa).isdisjoint(pb):
                out.append((*reversed(pa), s, *pb))
                continue
            for kept, station, end, kept_is_a in ((pa, gb, b, True), (pb, ga, a, False)):
                view = nx.restricted_view(g, set(kept) | {s}, [])
                other = _path_to(_single_source(view, station, through, weight=weight), end)
                if other is not None:
                    arm_a, arm_b = (kept, other) if kept_is_a else (other, kept)
                    out.append((*reversed(arm_a), s, *arm_b))
    return out


def _result(a: str, b: str, service: str, target, evals: list, modes: dict) -> RouteResult:
    ranked = _rank(evals)
    options: dict = dict.fromkeys(modes)
    for e in ranked:
        if e.feasible and options.get(e.mode, 0) is None:
            options[e.mode] = e
    return RouteResult(a, b, service, target, ranked, options)


def _candidates(ev: _Evaluator, a: str, b: str, service: str, k: int | None) -> list:
    g = ev.g
    width = _width_fn(ev, service)
    seen: dict = {}
    modes = _modes(ev, service)
    for relays in modes.values():
        for p in _yen(g, relays, a, b, k):
            seen.setdefault(p, None)
        if k is not None:
            p = _path_to(_single_source(g, a, _passable(g, relays), width=width), b)
            if p is not None:
                seen.setdefault(p, None)
    if "satellite" in modes:
        for p in _satellite_joins(_satellite_trees(g), g, a, b):
            seen.setdefault(p, None)
    return list(seen)


# ============================================================================ public API
def widest_path(network: Network, a: str, b: str, service: Literal["key", "entanglement", "teleportation"] = "key",
                *, mode: str = "hybrid", model: PathModel | None = None) -> tuple | None:
    """The widest (bottleneck) path from ``a`` to ``b`` for a service and mode.

    Parameters
    ----------
    network : Network
    a, b : str
        Two different nodes.
    service : {"key", "entanglement", "teleportation"}, default "key"
        Key: maximize the smallest single-link key rate; otherwise minimize the largest link loss.
    mode : str, default "hybrid"
        Which inner nodes may relay (:data:`MODE_RELAYS`; "satellite" for entanglement when
        ``model.satellite_pair_rate_hz`` is set); entanglement services use "repeater" when
        "hybrid" is given.
    model : PathModel, optional

    Returns
    -------
    tuple of str or None
        The path, or None if ``b`` cannot be reached.

    Examples
    --------
    >>> net = Network()
    >>> for n in ("a", "b"): net.add_user(n)
    >>> for n in ("r1", "r2"): net.add_trusted_relay(n)
    >>> net.add_fiber("a", "r1", length_km=90.0); net.add_fiber("r1", "b", length_km=10.0)
    >>> net.add_fiber("a", "r2", length_km=60.0); net.add_fiber("r2", "b", length_km=60.0)
    >>> widest_path(net, "a", "b")
    ('a', 'r2', 'b')
    """
    owner = "widest_path()"
    net = _check_network(network, owner)
    service = _check_service(service, owner)
    _check_pair(net, a, b, owner)
    ev = _Evaluator(net, _check_model(model, owner))
    modes = _modes(ev, service)
    if service != "key" and mode == "hybrid":
        mode = "repeater"
    if mode not in modes:
        raise ParameterError(f"{owner}: mode={mode!r} is not allowed for {service}; use one of {tuple(modes)}")
    if service == "key":
        ev.prefill(ev.edge_items(net.links()))
    return _path_to(_single_source(ev.g, a, _passable(ev.g, modes[mode]), width=_width_fn(ev, service)), b)


def candidate_paths(network: Network, a: str, b: str,
                    service: Literal["key", "entanglement", "teleportation"] = "key", *, k: int | None = 4,
                    model: PathModel | None = None) -> tuple:
    """The candidate paths :func:`route` evaluates (Yen's ``k`` shortest by loss and the widest, per mode).

    Parameters
    ----------
    network : Network
    a, b : str
        Two different nodes.
    service : {"key", "entanglement", "teleportation"}, default "key"
    k : int or None, default 4
        Shortest simple paths per mode (>= 1); None: every simple path (small networks only).
    model : PathModel, optional
        Used for the per-link key rates of the widest key path.

    Returns
    -------
    tuple of tuple of str
        Distinct simple paths, in the order found.
    """
    owner = "candidate_paths()"
    net = _check_network(network, owner)
    service = _check_service(service, owner)
    _check_pair(net, a, b, owner)
    k = _check_k(k, owner)
    ev = _Evaluator(net, _check_model(model, owner))
    if service == "key":
        ev.prefill(ev.edge_items(net.links()))
    return tuple(_candidates(ev, a, b, service, k))


def route(network: Network, a: str, b: str, service: Literal["key", "entanglement", "teleportation"] = "key", *,
          target_fidelity: float | None = None, k: int | None = 4, model: PathModel | None = None) -> RouteResult:
    """Rank the candidate paths between ``a`` and ``b`` for a service; compare the modes side by side.

    Parameters
    ----------
    network : Network
    a, b : str
        Source and target (usually users; two different nodes).
    service : {"key", "entanglement", "teleportation"}, default "key"
    target_fidelity : float, optional
        Fidelity the service needs, in [0, 1] (defaults in
        :data:`protocols.network.evaluation.DEFAULT_TARGET_FIDELITY`); not used for key.
    k : int or None, default 4
        Yen's shortest simple paths per mode (>= 1), plus the widest path; None evaluates every
        simple path (small networks only).
    model : PathModel, optional
        Hardware, protocol, chain templates, trials and seed (default ``PathModel()``).

    Returns
    -------
    RouteResult
        ``candidates`` best first, ``best``, and ``options`` (best path per mode).

    Examples
    --------
    >>> net = Network()
    >>> for n in ("a", "b"): net.add_user(n)
    >>> net.add_trusted_relay("r")
    >>> net.add_fiber("a", "r", length_km=100.0); net.add_fiber("r", "b", length_km=100.0)
    >>> net.add_fiber("a", "b", length_km=210.0)
    >>> r = route(net, "a", "b")
    >>> r.best_mode, r.options["direct"].rate < r.best_rate
    ('trusted-relay', True)
    """
    owner = "route()"
    net = _check_network(network, owner)
    service = _check_service(service, owner)
    _check_pair(net, a, b, owner)
    target = _check_target(target_fidelity, service, owner)
    k = _check_k(k, owner)
    ev = _Evaluator(net, _check_model(model, owner))
    if service == "key":
        ev.prefill(ev.edge_items(net.links()))
    paths = _candidates(ev, a, b, service, k)
    if service == "key":
        ev.prefill(ev.edge_items({e for p in paths for e in zip(p[:-1], p[1:])}))
    return _result(a, b, service, target, [ev.evaluate(p, service, target) for p in paths], _modes(ev, service))


def routing_table(network: Network, service: Literal["key", "entanglement", "teleportation"] = "key", *,
                  users: Any = None, target_fidelity: float | None = None, k: int = 1,
                  model: PathModel | None = None) -> RoutingTable:
    """Routes between every pair of users.

    Parameters
    ----------
    network : Network
    service : {"key", "entanglement", "teleportation"}, default "key"
    users : iterable of str, optional
        The end nodes (default :attr:`Network.users`; at least two).
    target_fidelity : float, optional
        As in :func:`route`.
    k : int, default 1
        Candidates per mode and pair: 1 uses one shortest-loss and one widest-path tree per user
        and mode (fast); more adds Yen's ``k`` shortest paths per pair (slower).
    model : PathModel, optional
        As in :func:`route`; one cache of link, piece and chain figures serves the whole table.

    Returns
    -------
    RoutingTable
        One :class:`RouteResult` per pair; :meth:`RoutingTable.matrix` gives user-by-user figures.

    Examples
    --------
    >>> net = Network()
    >>> for n in ("a", "b", "c"): net.add_user(n)
    >>> net.add_trusted_relay("r")
    >>> for n in ("a", "b", "c"): net.add_fiber(n, "r", length_km=40.0)
    >>> t = routing_table(net)
    >>> t.num_routes, t.route("c", "a").best_path
    (3, ('a', 'r', 'c'))
    """
    owner = "routing_table()"
    net = _check_network(network, owner)
    service = _check_service(service, owner)
    target = _check_target(target_fidelity, service, owner)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ParameterError(f"{owner}: k={k!r} must be an integer >= 1")
    users = net.users if users is None else tuple(users)
    for u in users:
        if not isinstance(u, str) or u not in net:
            raise ParameterError(f"{owner}: user {u!r} is not in the network")
    if len(set(users)) != len(users) or len(users) < 2:
        raise ParameterError(f"{owner}: users={list(users)!r} must be at least two distinct nodes")
    ev = _Evaluator(net, _check_model(model, owner))
    g = ev.g
    if service == "key":
        ev.prefill(ev.edge_items(net.links()))
    width = _width_fn(ev, service)
    weight = _loss_weight(g)
    modes = _modes(ev, service)
    sat_trees = _satellite_trees(g) if "satellite" in modes else {}
    trees = {}
    for mode, relays in modes.items():
        ok = _passable(g, relays)
        for i, u in enumerate(users[:-1]):
            trees[mode, u] = (_single_source(g, u, ok, weight=weight), _single_source(g, u, ok, width=width))
    routes = []
    for i, a in enumerate(users):
        for b in users[i + 1:]:
            seen: dict = {}
            for mode, relays in modes.items():
                for pred in trees[mode, a]:
                    p = _path_to(pred, b)
                    if p is not None:
                        seen.setdefault(p, None)
                if k > 1:
                    for p in _yen(g, relays, a, b, k):
                        seen.setdefault(p, None)
            for p in _satellite_joins(sat_trees, g, a, b):
                seen.setdefault(p, None)
            routes.append(_result(a, b, service, target, [ev.evaluate(p, service, target) for p in seen], modes))
    return RoutingTable(service, users, tuple(routes))
