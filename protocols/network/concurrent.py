"""Concurrent requests: an event-driven Monte Carlo of a whole network serving several pairs of users.

:func:`simulate_network` runs every request (two end nodes and a path between them) at once on
shared quantum memories, in a compiled event loop (:mod:`protocols.network._concurrent_kernels`)
whose physics is the repeater chain's (:mod:`protocols.repeaters.repeater_chain`): the same
elementary links, memory decoherence, noisy swaps, recurrence purification of elementary links,
cutoff and classical-message rules, with the same 4x4 primitives of :mod:`qnet_core._pair`.

Model (every assumption is listed here):

* **Requests and paths.** Request ``r`` is a pair of memory nodes (users or repeaters) and a
  simple path between them: given, or the best entanglement path of
  :func:`protocols.network.routing.route` (``k=1`` shortest candidate plus the widest one,
  ranked with the chain Monte Carlo). The path's memory nodes cut it into *hops*
  (switches are transparent), exactly as :meth:`protocols.network.evaluation` maps a path onto a
  chain, except that every hop keeps its own length: a hop of fibres of one attenuation is as
  long as its fibres; otherwise (switch insertion loss, mixed attenuation) it is the length at
  the hop's largest attenuation with the same loss. Only fibre links can carry a hop.
* **Elementary links.** Hop ``s`` of request ``r`` has ``channels_per_hop`` channels (the
  chain's ``memories_per_node``, multiplexing); channel ``j`` uses memory ``j`` on the right of
  position ``s`` and on the left of position ``s + 1`` of the request's own view of the path,
  as in the chain. Its heralded link (probability per attempt, attempt duration, herald delay,
  state) is the template's :attr:`RepeaterChain.elementary_link` for a one-segment chain of the
  hop's length and attenuation (:mod:`protocols.repeaters.links`).
* **Shared memories.** Node ``g`` has ``capacity[g]`` physical memory slots shared by every
  request through it. A channel attempting holds one slot at each of its two nodes; a stored
  qubit holds its slot until it is swapped, delivered, discarded at the cutoff or known to be
  dead. A channel whose two memories are free *waits*; whenever slots are free, the node
  offers them to the waiting channels that touch it in the order of the scheduling policy
  (below); a channel starts attempting (attempts drawn then) once it gets a slot at both ends
  at the same time.
* **Reserve rule (deadlock avoidance).** At an inner node of its path a request needs its
  qubits in pairs (one towards each neighbour) to swap. A node keeps as many free slots as
  the sum over the requests of ``|qubits on the left - qubits on the right|`` at that node,
  and grants a slot only if that reserve stays free afterwards; so a request holding an
  unmatched qubit can always get its partner's slot at that node. Deadlocks between nodes
  are still possible without a cutoff (each holds what the other needs); a replica with no
  pending event is reported ``stalled``. Give a cutoff to make every stall temporary.
* **Scheduling policies** (:data:`POLICIES`; the key is per node, ties go to the channel
  waiting longest, then the lower channel index): ``"fcfs"``: first come first served, the
  channel waiting longest first; ``"round-robin"``: the requests in cyclic order after the one
  served last at that node; ``"proportional"``: stride scheduling (Waldspurger & Weihl 1995)
  over the requests with weights ``w_r``: each grant at a node advances the request's pass by
  ``1 / w_r`` and the lowest pass goes first, so the requests that keep asking for a contended
  node's slots get them in proportion to their weights, as far as they can use them (a request
  that must wait for its delivery before it asks again cannot take two grants in a row). A
  request keeps its pass while it cannot ask (waiting for its delivery, or blocked at another
  node): it is not moved up to the others' passes, which would cancel its weight whenever it
  waits between grants, so one blocked for long catches up with a burst of grants.
  A grant takes a slot at both ends of a channel, so both ends' policies decide: the channel
  the node with a free slot serves first is granted only if its other end, among the channels
  that fit now, would serve it first too; otherwise the other end's choice is granted (and its
  other end asked in turn, a few times at most). A grant counts as service at both ends.
* **Purification** (template ``purification="dejmps"`` or ``"bbpssw"``; swap-ASAP allows
  ``purification_levels`` of level 0 only, ``n`` = its length, ``(0,)`` by default): every
  elementary link gets ``n`` symmetric recurrence rounds on its hop before it may be swapped
  (or delivered, on a one-hop path), exactly the chain's rule (bullet *Purification*): two
  links of the same hop and the same rounds, both known at both ends, the outcome known at
  both ends after the hop's one-way signal time, the measured link's slots freed at once, a
  failed round leaving a dead link. A hop then needs ``1 + n`` channels
  (``channels_per_hop``, as the chain's ``memories_per_node``).
* **Slots needed to progress** (the reserve rule with purification): a side of a position
  needs ``t = 1 + n`` qubits before it can swap (``t = 1`` without purification). A position
  of a request keeps free, in its node's reserve, the slots that bring both of its sides up to
  ``max(left, right, t)`` qubits (an inner position that holds any) or its one side up to
  ``t`` (an end position): ``|left - right|`` and 0 without purification, as above. So a
  request needs at least ``2 t`` slots at an inner node and ``t`` at an end node of its path,
  and a request alone on its path with the default capacities (twice the template's
  ``memories_per_node`` at a repeater, once at a user) is never held back by the rule.
  The rule avoids deadlocks at a node, not starvation: a request that holds nothing at an inner
  node starts there only with ``2 t`` slots free beyond the reserve, while one already there
  needs one at a time; with purification (``t >= 2``), a node with fewer than ``2 t`` slots per
  request through it can leave a request without any while another keeps its channels busy.
* **Swaps, decoherence, cutoff, messages**: swap-ASAP along each request's path, as the
  chain's model (:mod:`protocols.repeaters.repeater_chain`, bullets *Memories*, *Swapping*,
  *Causality*, *Cutoff*), with the classical-signal time between two positions of a path the
  fibre time of the hops between them, and each qubit decohering with its own node's memory
  (``t1_s``/``t2_s`` of the node, else the template's; the template's ``memory_t_dep_s`` model
  for every node when it uses one).
* **Delivery.** When a live end-to-end link exists, it is delivered at the time both users know
  every outcome inside it; the end qubits decohere until then and keep their slots until then.
  ``mode="continuous"``: the request goes on generating meanwhile (steady-state operation).
  ``mode="reset"``: the request discards every other link and attempt at once (freeing their
  slots) and starts afresh at the delivery time, so that one request alone on its path is a
  sequence of independent chain trials (:func:`~protocols.repeaters.repeater_chain.simulate_chain`).
* **Statistics** (:class:`RequestStats`): ``mode="reset"``: the waiting times between successive
  deliveries (the first from time 0) are renewal intervals, rate ``1 / mean`` with the delta
  method (as :class:`ChainResult`); ``mode="continuous"``: rate = deliveries / simulated time,
  standard error by batch means over 20 equal time blocks per replica. Fidelities: mean and
  standard error over deliveries. Secret-key rate: the rate times the BBM92 secret fraction of
  the mean delivered state (:func:`protocols.qkd.entanglement_qkd.pair_qkd`), its standard
  error from the rate's and a 20-group jackknife of the secret fraction. Node occupancy: slots
  held (attempting or storing), time-averaged, and a trace sampled at ``trace_samples`` equal
  times (mean over replicas).

Randomness: replica ``i`` uses one xoshiro256** stream seeded from ``(seed, i)`` (the chain's
counter-based streams); the kernel returns to Python between events in chunks of about 0.1 s
of work, which changes nothing, and replicas may run in threads: the result depends only on
the network, the requests, the options and the seed.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from qnet_core.errors import ParameterError
from qnet_core.random import SeedLike

from .._common import Result
from .topology import MEMORY_KINDS, Network

if TYPE_CHECKING:  # annotations only
    from ..repeaters.repeater_chain import RepeaterChain
    from .evaluation import PathModel

__all__ = ["POLICIES", "SIM_MODES", "RequestStats", "NetworkSimResult", "simulate_network", "parse_requests",
           "plot_occupancy", "plot_rate_vs_users"]

#: Scheduling policies of :func:`simulate_network`.
POLICIES = ("fcfs", "round-robin", "proportional")
#: Operating modes: steady state, or one delivery then a fresh start per request.
SIM_MODES = ("continuous", "reset")

_OWNER = "simulate_network()"
_BLOCKS = 20
_CHUNK_S = 0.1
_BUFFER = 4096


def _is_int(x) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


# ============================================================================ results
@dataclass(frozen=True, slots=True, repr=False)
class RequestStats(Result):
    """What one request received in :func:`simulate_network`.

    Attributes
    ----------
    source, target : str
    path : tuple of str
        The nodes of its path, switches included.
    weight : float
        Its share weight (``"proportional"`` policy).
    deliveries : int
        Delivered pairs counted (after ``warmup_s``), all replicas.
    rate_hz, rate_hz_stderr : float
        Delivered pairs per second and standard error (module docstring).
    mean_waiting_time_s : float
        Mean time between successive deliveries (first from time 0), s; NaN if none.
    mean_fidelity, mean_fidelity_stderr : float
        Fidelity to ``|phi+>`` of the delivered pairs (NaN if fewer than 2).
    qber_z, qber_x, secret_fraction : float
        Of the mean delivered state (BBM92, :func:`protocols.qkd.entanglement_qkd.pair_qkd`).
    secret_key_rate_bps, secret_key_rate_bps_stderr : float
        ``rate_hz * secret_fraction`` and its standard error, bit/s.
    mean_state : ndarray, shape (4, 4), complex128
        Mean delivered state (zeros if none).
    delivery_times_s : ndarray, shape (n,)
        Delivery time of every pair, replica by replica, in time order within each replica.
    delivery_replica : ndarray of int, shape (n,)
        The replica of each delivery.
    fidelities : ndarray, shape (n,)
        Fidelity of each delivered pair.
    """

    source: str
    target: str
    path: tuple
    weight: float
    deliveries: int
    rate_hz: float
    rate_hz_stderr: float
    mean_waiting_time_s: float
    mean_fidelity: float
    mean_fidelity_stderr: float
    qber_z: float
    qber_x: float
    secret_fraction: float
    secret_key_rate_bps: float
    secret_key_rate_bps_stderr: float
    mean_state: np.ndarray = field(repr=False)
    delivery_times_s: np.ndarray = field(repr=False)
    delivery_replica: np.ndarray = field(repr=False)
    fidelities: np.ndarray = field(repr=False)

    def row(self) -> dict:
        """The summary (no per-delivery arrays) as a flat JSON-ready dict.

        Returns
        -------
        dict
            ``source``, ``target``, ``path`` (nodes joined by ``-``), ``hops`` and every scalar field.
        """
        out = {"source": self.source, "target": self.target, "path": "-".join(self.path)}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if f.name not in out and not isinstance(v, (np.ndarray, tuple)):
                out[f.name] = v
        return out


@dataclass(frozen=True, slots=True, repr=False)
class NetworkSimResult(Result):
    """Result of :func:`simulate_network`.

    Attributes
    ----------
    policy, mode : str
    time_s : float
        Simulated time horizon per replica, s.
    simulated_time_s : ndarray, shape (replicas,)
        Simulated time each replica covered (``time_s``, or less when the delivery target was met).
    requests : tuple of RequestStats
    nodes : tuple of str
        The nodes with memories in use by some path (order of the arrays below).
    capacity : ndarray of int, shape (nodes,)
        Memory slots per node.
    mean_occupancy : ndarray, shape (nodes,)
        Time-averaged slots held per node (attempting or storing), over all replicas.
    trace_times_s : ndarray, shape (samples,)
    occupancy_trace : ndarray, shape (nodes, samples)
        Slots held at each sample time, mean over the replicas that reached it.
    events : int
        Events processed, all replicas.
    contention_checks, contention_violations : int
        ``debug=True``: events after which the slot books were checked, and those after which a
        slot was found used by two memories (or the counts disagreed); 0 and 0 otherwise.
    stalled : tuple of bool
        Per replica: no pending event before the horizon (a deadlock; see the module docstring).
    wall_time_s : float
        Wall-clock time of the run, s.
    seed_key : tuple of two ints
    """

    policy: str
    mode: str
    time_s: float
    simulated_time_s: np.ndarray = field(repr=False)
    requests: tuple = field(repr=False)
    nodes: tuple = field(repr=False)
    capacity: np.ndarray = field(repr=False)
    mean_occupancy: np.ndarray = field(repr=False)
    trace_times_s: np.ndarray = field(repr=False)
    occupancy_trace: np.ndarray = field(repr=False)
    events: int = 0
    contention_checks: int = 0
    contention_violations: int = 0
    stalled: tuple = ()
    wall_time_s: float = 0.0
    seed_key: tuple = (0, 0)

    _REPR_EXTRAS = ("num_requests", "total_rate_hz")

    @property
    def num_requests(self) -> int:
        """Number of requests."""
        return len(self.requests)

    @property
    def total_rate_hz(self) -> float:
        """Summed delivery rate of all requests, pairs/s."""
        return float(sum(r.rate_hz for r in self.requests))

    @property
    def deliveries(self) -> int:
        """Pairs delivered to all requests (after the warm-up)."""
        return int(sum(r.deliveries for r in self.requests))

    def request(self, a: str, b: str) -> RequestStats:
        """The statistics of the (first) request between ``a`` and ``b`` (either order).

        Parameters
        ----------
        a, b : str

        Returns
        -------
        RequestStats
        """
        for r in self.requests:
            if {r.source, r.target} == {a, b}:
                return r
        raise ParameterError(f"NetworkSimResult.request(): no request between {a!r} and {b!r}")

    def rows(self) -> list:
        """One flat dict per request (:meth:`RequestStats.row`).

        Returns
        -------
        list of dict
        """
        return [dict(r.row(), request=i) for i, r in enumerate(self.requests)]

    def node_rows(self) -> list:
        """One dict per node: ``node``, ``capacity``, ``mean_occupancy``, ``utilization`` (occupancy / capacity).

        Returns
        -------
        list of dict
        """
        return [{"node": n, "capacity": int(c), "mean_occupancy": float(o), "utilization": float(o / c)}
                for n, c, o in zip(self.nodes, self.capacity, self.mean_occupancy)]

    def to_dict(self) -> dict:
        """Summary as a JSON-ready dict: options, per-request rows, per-node rows, the occupancy trace.

        Returns
        -------
        dict
        """
        return {"policy": self.policy, "mode": self.mode, "time_s": self.time_s,
                "simulated_time_s": self.simulated_time_s.tolist(), "replicas": int(self.simulated_time_s.size),
                "requests": self.rows(), "nodes": self.node_rows(), "trace_times_s": self.trace_times_s.tolist(),
                "occupancy_trace": {n: self.occupancy_trace[i].tolist() for i, n in enumerate(self.nodes)},
                "events": self.events, "contention_checks": self.contention_checks,
                "contention_violations": self.contention_violations, "stalled": list(self.stalled),
                "wall_time_s": self.wall_time_s, "seed_key": list(self.seed_key)}


# ============================================================================ input checks
def parse_requests(requests: str | Sequence) -> list:
    """Requests as ``(source, target, path or None)`` triples.

    Parameters
    ----------
    requests : str or sequence
        ``"A:B,C:D"``, or a sequence whose items are ``"A:B"``, ``(A, B)`` or ``(A, B, path)``.

    Returns
    -------
    list of tuple

    Examples
    --------
    >>> parse_requests("a:b, c:d")
    [('a', 'b', None), ('c', 'd', None)]
    """
    owner = "parse_requests()"
    if isinstance(requests, str):
        requests = [s for s in (p.strip() for p in requests.split(",")) if s]
    if not isinstance(requests, Sequence) or len(requests) == 0:
        raise ParameterError(f"{owner}: requests={requests!r} must be a non-empty sequence of 'A:B' strings or "
                             "(A, B[, path]) tuples")
    out = []
    for item in requests:
        if isinstance(item, str):
            parts = [p.strip() for p in item.split(":")]
            if len(parts) != 2 or not all(parts):
                raise ParameterError(f"{owner}: request {item!r} must look like 'A:B'")
            out.append((parts[0], parts[1], None))
        elif isinstance(item, (tuple, list)) and len(item) in (2, 3) and all(isinstance(x, str) for x in item[:2]):
            path = None if len(item) == 2 or item[2] is None else tuple(item[2])
            out.append((item[0], item[1], path))
        else:
            raise ParameterError(f"{owner}: request {item!r} must be 'A:B', (A, B) or (A, B, path)")
    return out


def _template(chain):
    from ..repeaters.repeater_chain import RepeaterChain

    if chain is None:
        return RepeaterChain(1, 0.0, scheme="double-click")
    if not isinstance(chain, RepeaterChain):
        raise ParameterError(f"{_OWNER}: chain={chain!r} must be a RepeaterChain template")
    if chain.protocol != "swap-asap":
        raise ParameterError(f"{_OWNER}: chain.protocol={chain.protocol!r}; allowed: 'swap-asap'")
    return chain


def _check_path(net: Network, a: str, b: str, path, owner: str) -> tuple:
    g = net._g
    if isinstance(path, str) or not isinstance(path, (list, tuple)) or len(path) < 2:
        raise ParameterError(f"{owner}: path={path!r} must be a sequence of at least two node names")
    path = tuple(path)
    if path[0] != a or path[-1] != b:
        raise ParameterError(f"{owner}: path={list(path)!r} must run from {a!r} to {b!r}")
    for n in path:
        if not isinstance(n, str) or n not in g:
            raise ParameterError(f"{owner}: node {n!r} of the path is not in the network")
    if len(set(path)) != len(path):
        raise ParameterError(f"{owner}: path={list(path)!r} visits a node twice; give a simple path")
    for u, v in zip(path[:-1], path[1:]):
        if not g.has_edge(u, v):
            raise ParameterError(f"{owner}: there is no link {u!r}-{v!r} on the path")
        if g.edges[u, v]["kind"] != "fiber":
            raise ParameterError(f"{owner}: link {u!r}-{v!r} is a {g.edges[u, v]['kind']} link; paths of "
                                 "concurrent requests run over fibre only")
    for end in (path[0], path[-1]):
        if g.nodes[end]["kind"] not in MEMORY_KINDS:
            raise ParameterError(f"{owner}: end node {end!r} is a {g.nodes[end]['kind']}; requests end at users or "
                                 "repeaters")
    for n in path[1:-1]:
        if g.nodes[n]["kind"] not in ("repeater", "switch"):
            raise ParameterError(f"{owner}: inner node {n!r} is a {g.nodes[n]['kind']}; only repeaters and switches "
                                 "relay entanglement")
    return path


def _hops(net: Network, path: tuple) -> tuple[list, list]:
    """Memory nodes of the path and each hop's (length_km, attenuation_db_per_km) (module docstring)."""
    g = net._g
    mem = [path[0]]
    hops, cur = [], [path[0]]
    for n in path[1:]:
        cur.append(n)
        if g.nodes[n]["kind"] in MEMORY_KINDS:
            es = [g.edges[u, v] for u, v in zip(cur[:-1], cur[1:])]
            sw = sum(g.nodes[x]["insertion_loss_db"] for x in cur[1:-1])
            alpha = max(e["attenuation_db_per_km"] for e in es)
            if sw == 0.0 and all(e["attenuation_db_per_km"] == alpha for e in es):
                length = sum(e["length_km"] for e in es)
            elif alpha > 0.0:
                length = (sum(e["loss_db"] for e in es) + sw) / alpha
            else:
                raise ParameterError(f"{_OWNER}: switch insertion loss on lossless fibre between {cur[0]!r} and "
                                     f"{n!r} cannot be mapped onto an elementary link")
            hops.append((length, alpha))
            mem.append(n)
            cur = [n]
    return mem, hops


def _capacity(net: Network, node: str, memories, template) -> int:
    d = net._g.nodes[node]
    if isinstance(memories, Mapping) and node in memories:
        v = memories[node]
    elif _is_int(memories):
        v = memories
    else:
        per_side = d["memories"] if d["memories"] is not None else template.memories_per_node
        return int(per_side) * (2 if d["kind"] == "repeater" else 1)
    if not _is_int(v) or v < 1:
        raise ParameterError(f"{_OWNER}: memories for node {node!r} is {v!r}; it must be an integer >= 1")
    return int(v)


# ============================================================================ the simulation
def simulate_network(network: Network, requests: str | Sequence, time_s: float, *,
                     policy: Literal["fcfs", "round-robin", "proportional"] = "fcfs",
                     weights: Sequence[float] | None = None, chain: RepeaterChain | None = None,
                     memories: int | Mapping | None = None, channels_per_hop: int | None = None,
                     mode: Literal["continuous", "reset"] = "continuous", deliveries: int | None = None,
                     warmup_s: float = 0.0, replicas: int = 1, seed: SeedLike = None, threads: int | None = None,
                     trace_samples: int = 200, debug: bool = False, route_model: PathModel | None = None,
                     progress: Callable[[float], Any] | None = None,
                     max_wall_s: float | None = None) -> NetworkSimResult:
    """Simulate several requests at once on a network with shared memories (model in the module docstring).

    Parameters
    ----------
    network : Network
    requests : str or sequence
        ``"A:B,C:D"`` or items ``"A:B"``, ``(A, B)``, ``(A, B, path)`` (:func:`parse_requests`);
        a request without a path is routed with :func:`protocols.network.routing.route`
        (service ``"entanglement"``, ``k=1``, ``route_model``).
    time_s : float
        Simulated time per replica, s (finite, > 0).
    policy : {"fcfs", "round-robin", "proportional"}, default "fcfs"
    weights : sequence of float, optional
        Per-request weights (> 0) of the ``"proportional"`` policy; default all 1.
    chain : RepeaterChain, optional
        Hardware and protocol template (scheme, detectors, memories, cutoff, swap and gate
        errors, purification of elementary links); default ``RepeaterChain(1, 0.0, scheme="double-click")``
        as :class:`~protocols.network.evaluation.PathModel`. Swap-ASAP only.
    memories : int or mapping, optional
        Memory slots per node (an int for every node, or ``{node: slots}``); default: twice a
        repeater's ``memories`` (per side) and a user's ``memories``, the template's
        ``memories_per_node`` where a node gives none.
    channels_per_hop : int, optional
        Parallel generation channels per hop of each request (>= 1, >= ``1 + len(purification_levels)``
        when the template purifies); default the template's ``memories_per_node``.
    mode : {"continuous", "reset"}, default "continuous"
    deliveries : int, optional
        Stop a replica once every request has this many deliveries (>= 1), or at ``time_s``.
    warmup_s : float, default 0
        Deliveries before this time are left out of the statistics (``0 <= warmup_s < time_s``).
    replicas : int, default 1
        Independent replicas (streams ``(seed, 0..replicas-1)``).
    seed : int, Generator, SeedSequence or None
    threads : int, optional
        Threads running replicas side by side (default ``min(replicas, CPU count)``); the result
        does not depend on it.
    trace_samples : int, default 200
        Occupancy samples per replica (>= 2), equally spaced on ``[0, time_s]``.
    debug : bool, default False
        Check the slot books after every event (:attr:`NetworkSimResult.contention_violations`).
    route_model : PathModel, optional
        Model of the routing of requests without a path (default: the template, 50 trials, seed 0).
    progress : callable, optional
        Called as ``progress(done_fraction)`` between chunks.
    max_wall_s : float, optional
        Wall-clock budget in seconds (> 0): each replica stops after the chunk (about 0.1 s
        of work) that passes it, and the rates cover the simulated time each replica reached
        (:attr:`NetworkSimResult.simulated_time_s`). Such a run's length depends on the machine;
        leave it out for reproducible results.

    Returns
    -------
    NetworkSimResult

    Examples
    --------
    >>> net = Network()
    >>> net.add_user("a"); net.add_user("b"); net.add_repeater("r")
    >>> net.add_fiber("a", "r", length_km=10.0); net.add_fiber("r", "b", length_km=10.0)
    >>> res = simulate_network(net, "a:b", 0.05, seed=1)
    >>> res.requests[0].path, res.requests[0].deliveries > 10
    (('a', 'r', 'b'), True)
    """
    from ..repeaters.repeater_chain import PURIFICATION_METHODS, _seed_key
    from . import _concurrent_kernels as K

    t_wall = time.perf_counter()
    if not isinstance(network, Network):
        raise ParameterError(f"{_OWNER}: network must be a Network, got {type(network).__name__}")
    if isinstance(time_s, bool) or not isinstance(time_s, numbers.Real) or not (0.0 < float(time_s) < math.inf):
        raise ParameterError(f"{_OWNER}: time_s={time_s!r} must be a finite number > 0")
    horizon = float(time_s)
    if policy not in POLICIES:
        raise ParameterError(f"{_OWNER}: policy={policy!r}; allowed: {', '.join(POLICIES)}")
    if mode not in SIM_MODES:
        raise ParameterError(f"{_OWNER}: mode={mode!r}; allowed: {', '.join(SIM_MODES)}")
    template = _template(chain)
    reqs = parse_requests(requests)
    R = len(reqs)
    if weights is None:
        w = np.ones(R)
    else:
        try:
            w = np.array(weights, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise ParameterError(f"{_OWNER}: weights={weights!r} must be {R} numbers > 0") from None
        if w.size != R or not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise ParameterError(f"{_OWNER}: weights={weights!r} must be {R} finite numbers > 0 (one per request)")
    if channels_per_hop is None:
        mux = template.memories_per_node
    elif not _is_int(channels_per_hop) or channels_per_hop < 1:
        raise ParameterError(f"{_OWNER}: channels_per_hop={channels_per_hop!r} must be an integer >= 1")
    else:
        mux = int(channels_per_hop)
    pur_rounds = len(template.purification_levels)  # swap-ASAP: level 0 only
    if mux < 1 + pur_rounds:
        raise ParameterError(f"{_OWNER}: channels_per_hop={mux} is too few for {pur_rounds} purification round(s) "
                             f"of elementary links; recurrence purification needs at least {1 + pur_rounds}")
    if deliveries is not None and (not _is_int(deliveries) or deliveries < 1):
        raise ParameterError(f"{_OWNER}: deliveries={deliveries!r} must be an integer >= 1 (or None)")
    if isinstance(warmup_s, bool) or not isinstance(warmup_s, numbers.Real) or not 0.0 <= warmup_s < horizon:
        raise ParameterError(f"{_OWNER}: warmup_s={warmup_s!r} must be a number in [0, time_s={horizon!r})")
    for name, v, lo in (("replicas", replicas, 1), ("trace_samples", trace_samples, 2)):
        if not _is_int(v) or v < lo:
            raise ParameterError(f"{_OWNER}: {name}={v!r} must be an integer >= {lo}")
    if threads is not None and (not _is_int(threads) or threads < 1):
        raise ParameterError(f"{_OWNER}: threads={threads!r} must be an integer >= 1 (or None)")
    if memories is not None and not (_is_int(memories) or isinstance(memories, Mapping)):
        raise ParameterError(f"{_OWNER}: memories={memories!r} must be an int, a mapping node -> int, or None")
    if max_wall_s is not None:
        if (isinstance(max_wall_s, bool) or not isinstance(max_wall_s, numbers.Real) or not math.isfinite(max_wall_s)
                or max_wall_s <= 0):
            raise ParameterError(f"{_OWNER}: max_wall_s={max_wall_s!r} must be a finite number of seconds > 0")
        max_wall_s = float(max_wall_s)
    if progress is not None and not callable(progress):
        raise ParameterError(f"{_OWNER}: progress={progress!r} must be callable or None")
    key = _seed_key(seed)

    # ---- paths and hops
    paths = []
    for a, b, path in reqs:
        for n in (a, b):
            if n not in network:
                raise ParameterError(f"{_OWNER}: request node {n!r} is not in the network")
        if a == b:
            raise ParameterError(f"{_OWNER}: request {a!r}:{b!r} needs two different nodes")
        if path is None:
            from .evaluation import PathModel
            from .routing import route

            rm = route_model if route_model is not None else PathModel(chains=(template,), trials=50, seed=0)
            best = route(network, a, b, "entanglement", k=1, model=rm).best_path
            if best is None:
                raise ParameterError(f"{_OWNER}: no path can deliver entanglement between {a!r} and {b!r}")
            path = best
        paths.append(_check_path(network, a, b, path, _OWNER))
    mems, hops = zip(*(_hops(network, p) for p in paths))
    nodes = tuple(dict.fromkeys(n for ms in mems for n in ms))
    gid = {n: i for i, n in enumerate(nodes)}
    G = len(nodes)
    cap = np.array([_capacity(network, n, memories, template) for n in nodes], dtype=np.int64)
    for r, ms in enumerate(mems):
        for k, n in enumerate(ms):
            need = (1 + pur_rounds) * (1 if k in (0, len(ms) - 1) else 2)  # module docstring, reserve rule
            if cap[gid[n]] < need:
                raise ParameterError(f"{_OWNER}: node {n!r} has {cap[gid[n]]} memory slot(s); request "
                                     f"{reqs[r][0]}:{reqs[r][1]} needs at least {need} there")

    # ---- static arrays
    h = np.array([len(ms) - 1 for ms in mems], dtype=np.int64)
    m = np.full(R, mux, dtype=np.int64)
    pbase = np.zeros(R + 1, dtype=np.int64)
    pbase[1:] = np.cumsum(h + 1)
    hbase = np.zeros(R + 1, dtype=np.int64)
    hbase[1:] = np.cumsum(h)
    mbase = np.zeros(R + 1, dtype=np.int64)
    mbase[1:] = np.cumsum(2 * (h + 1) * m)
    cbase = np.zeros(R + 1, dtype=np.int64)
    cbase[1:] = np.cumsum(h * m)
    P = int(pbase[-1])
    pnode = np.array([gid[n] for ms in mems for n in ms], dtype=np.int64)
    pos_req = np.repeat(np.arange(R, dtype=np.int64), h + 1)
    c_kms = template.light_speed_km_per_s
    pdelay = np.concatenate([np.concatenate([[0.0], np.cumsum([ln for ln, _ in hs])]) / c_kms for hs in hops])
    links = {}
    hop_p, hop_t, hop_herald, hop_state = [], [], [], []
    for hs in hops:
        for length, alpha in hs:
            if (length, alpha) not in links:
                try:
                    links[length, alpha] = dataclasses.replace(template, num_segments=1, total_length_km=length,
                                                               attenuation_db_per_km=alpha, memories_per_node=1,
                                                               purification=None, purification_levels=(),
                                                               ).elementary_link
                except ParameterError as exc:
                    raise ParameterError(f"{_OWNER}: a hop of {length!r} km: {exc}") from None
            lk = links[length, alpha]
            hop_p.append(lk.success_probability)
            hop_t.append(lk.attempt_duration_s)
            hop_herald.append(lk.herald_delay_s)
            hop_state.append(np.asarray(lk.state, dtype=np.complex128))
    hop_p = np.array(hop_p, dtype=float)
    hop_log1m = np.array([math.log1p(-p) if p < 1.0 else -math.inf for p in hop_p], dtype=float)
    hop_t = np.array(hop_t, dtype=float)
    hop_herald = np.array(hop_herald, dtype=float)
    hop_state = np.ascontiguousarray(np.array(hop_state, dtype=np.complex128))
    sbase = np.zeros(G + 1, dtype=np.int64)
    sbase[1:] = np.cumsum(cap)
    inc = [[] for _ in range(G)]
    for p_ in range(P):
        inc[pnode[p_]].append(p_)
    inc_ptr = np.zeros(G + 1, dtype=np.int64)
    inc_ptr[1:] = np.cumsum([len(x) for x in inc])
    inc_pos = np.array([p_ for x in inc for p_ in x], dtype=np.int64)
    if template.memory_t_dep_s is not None:
        model = 1
        rate1 = np.full(G, 1.0 / template.memory_t_dep_s)
        rate2 = np.zeros(G)
    else:
        model = 0
        rate1, rate2 = np.empty(G), np.empty(G)
        for i, n in enumerate(nodes):
            d = network._g.nodes[n]
            t1 = d["t1_s"] if d["t1_s"] is not None else (template.memory_t1_s if d["t2_s"] is None else math.inf)
            t2 = d["t2_s"] if d["t2_s"] is not None else (2.0 * t1 if d["t1_s"] is not None
                                                          else template.memory_t2_s)
            rate1[i], rate2[i] = 1.0 / t1, 1.0 / t2
    cutoff = math.inf if template.cutoff_s is None else float(template.cutoff_s)
    static = (np.int64(R), np.int64(G), np.int64(POLICIES.index(policy)), w, h, m, mbase, cbase, pbase, hbase,
              pnode, pdelay, pos_req, sbase, cap, inc_ptr, inc_pos, hop_p, hop_log1m, hop_t, hop_herald, hop_state,
              np.int64(model), rate1, rate2, cutoff, float(template.swap_success_prob), float(template.gate_error),
              float(template.readout_error),
              None if template.purification is None else np.int64(PURIFICATION_METHODS.index(template.purification)),
              np.int64(pur_rounds), bool(mode == "reset"), bool(debug),
              float(horizon / (trace_samples - 1)))
    L = int(np.sum(2 * h * m + 2))
    C = int(cbase[-1])
    target = np.int64(0 if deliveries is None else deliveries)

    def run_replica(i: int, report) -> dict:
        ws = dict(li=np.zeros((L, K._NI), dtype=np.int64), lf=np.zeros((L, K._NF)),
                  lstate=np.zeros((L, 4, 4), dtype=np.complex128), tmp=np.zeros((4, 4), dtype=np.complex128),
                  free_links=np.zeros(L, dtype=np.int64), tm=np.zeros(C + L + R),
                  heap=np.zeros(C + L + R, dtype=np.int64), pos=np.zeros(C + L + R, dtype=np.int64),
                  cnt=np.zeros(K._NCNT, dtype=np.int64), cf=np.zeros(K._NCF),
                  lmem=np.zeros(int(mbase[-1]), dtype=np.int64), owner=np.zeros(int(sbase[-1]), dtype=np.int64),
                  phys=np.zeros(int(mbase[-1]), dtype=np.int64), nfree=np.zeros(G, dtype=np.int64),
                  used=np.zeros(2 * P, dtype=np.int64), reserve=np.zeros(G, dtype=np.int64),
                  occ_int=np.zeros(G), occ_t=np.zeros(G), wait_since=np.zeros(C), paused=np.zeros(R, dtype=np.bool_),
                  work=np.zeros(P, dtype=np.int64), inwork=np.zeros(P, dtype=np.bool_),
                  alloc_list=np.zeros(G, dtype=np.int64), in_alloc=np.zeros(G, dtype=np.bool_),
                  rr_last=np.zeros(G, dtype=np.int64), passv=np.zeros(G * R),
                  st=np.zeros(4, dtype=np.uint64), trace=np.full((G, trace_samples), -1, dtype=np.int64),
                  ndel=np.zeros(R, dtype=np.int64), d_req=np.zeros(_BUFFER, dtype=np.int64),
                  d_time=np.zeros(_BUFFER), d_state=np.zeros((_BUFFER, 4, 4), dtype=np.complex128))
        K._init_replica(np.int64(i), np.uint64(key[0]), np.uint64(key[1]), np.int64(R), np.int64(G), h, m, mbase,
                        cbase, pbase, pnode, cap, ws["li"], ws["free_links"], ws["pos"], ws["cnt"], ws["cf"],
                        ws["lmem"], ws["owner"], ws["phys"], ws["nfree"], ws["used"], ws["reserve"], ws["occ_int"],
                        ws["occ_t"], ws["wait_since"], ws["paused"], ws["inwork"], ws["in_alloc"], ws["alloc_list"],
                        ws["rr_last"], ws["passv"], ws["ndel"], ws["st"])
        order = ("li", "lf", "lstate", "tmp", "free_links", "tm", "heap", "pos", "cnt", "cf", "lmem", "owner",
                 "phys", "nfree", "used", "reserve", "occ_int", "occ_t", "wait_since", "paused", "work", "inwork",
                 "alloc_list", "in_alloc", "rr_last", "passv", "st", "trace", "ndel", "d_req", "d_time",
                 "d_state")
        args = tuple(ws[k] for k in order)
        cnt = ws["cnt"]
        reqs_out, times_out, states_out = [], [], []
        n_ev = 1000
        while True:
            t0 = time.perf_counter()
            e0 = int(cnt[K._EVENTS])
            K._run_chunk(horizon, np.int64(n_ev), horizon, target, *static, *args)
            dt = time.perf_counter() - t0
            k = int(cnt[K._NDEL])
            if k:
                reqs_out.append(ws["d_req"][:k].copy())
                times_out.append(ws["d_time"][:k].copy())
                states_out.append(ws["d_state"][:k].copy())
                cnt[K._NDEL] = 0
            if report is not None:
                report(i, float(ws["cf"][K._NOW]) / horizon)
            if cnt[K._STATE] != 0 or (max_wall_s is not None and time.perf_counter() - t_wall > max_wall_s):
                break
            done = int(cnt[K._EVENTS]) - e0
            if done >= n_ev:  # size the next call to about _CHUNK_S of work (the result does not depend on it)
                n_ev = int(min(max(1000, n_ev * 4 if dt < _CHUNK_S / 8 else n_ev * _CHUNK_S / max(dt, 1e-9)), 1e8))
        cat = (lambda xs, shape, dt_: np.concatenate(xs) if xs else np.zeros(shape, dtype=dt_))
        return dict(req=cat(reqs_out, (0,), np.int64), time=cat(times_out, (0,), float),
                    state=cat(states_out, (0, 4, 4), np.complex128), occ=ws["occ_int"].copy(),
                    trace=ws["trace"].copy(), t_sim=float(ws["cf"][K._NOW]), events=int(cnt[K._EVENTS]),
                    checks=int(cnt[K._CHECKS]), viol=int(cnt[K._VIOL]), stalled=bool(cnt[K._STATE] == 2))

    fractions = [0.0] * replicas

    def report(i, frac):
        fractions[i] = frac
        progress(sum(fractions) / replicas)

    rep = report if progress is not None else None
    out = [None] * replicas
    out[0] = run_replica(0, rep)  # compiles (or loads) the kernels on this thread
    if replicas > 1:
        import os

        nt = min(replicas - 1, threads if threads is not None else (os.cpu_count() or 1))
        if nt <= 1:
            for i in range(1, replicas):
                out[i] = run_replica(i, rep)
        else:
            with ThreadPoolExecutor(max_workers=nt, thread_name_prefix="qnet-network") as pool:
                futs = {i: pool.submit(run_replica, i, rep) for i in range(1, replicas)}
                for i, f in futs.items():
                    out[i] = f.result()
    return _summarize(out, reqs, paths, w, policy, mode, horizon, warmup_s, trace_samples, nodes, cap, key,
                      time.perf_counter() - t_wall)


def _secret_fraction(state) -> tuple:
    from ..qkd.entanglement_qkd import pair_qkd

    q = pair_qkd(state, validate=False)
    return float(q.secret_fraction), float(q.qber_z), float(q.qber_x)


def _summarize(out, reqs, paths, w, policy, mode, horizon, warmup, S, nodes, cap, key, wall) -> NetworkSimResult:
    t_sim = np.array([o["t_sim"] for o in out])
    span = t_sim - warmup
    stats = []
    for r, ((a, b, _), path) in enumerate(zip(reqs, paths)):
        times, states, reps, gaps = [], [], [], []
        blocks = []
        for i, o in enumerate(out):
            sel = o["req"] == r
            t = o["time"][sel]
            s = o["state"][sel]
            order = np.argsort(t, kind="stable")
            t, s = t[order], s[order]
            g = np.diff(np.concatenate([[0.0], t]))
            keep = t >= warmup
            times.append(t[keep])
            states.append(s[keep])
            gaps.append(g[keep])
            reps.append(np.full(int(keep.sum()), i, dtype=np.int64))
            if span[i] > 0:
                edges = warmup + span[i] * np.arange(_BLOCKS + 1) / _BLOCKS
                counts = np.histogram(t[keep], bins=edges)[0]
                blocks.append(counts / (span[i] / _BLOCKS))
        t = np.concatenate(times)
        s = np.concatenate(states)
        gap = np.concatenate(gaps)
        n = int(t.size)
        fid = 0.5 * (s[:, 0, 0] + s[:, 3, 3] + s[:, 0, 3] + s[:, 3, 0]).real if n else np.zeros(0)
        mean_wait = float(gap.mean()) if n else math.nan
        if mode == "reset" and warmup == 0.0:
            rate = 1.0 / mean_wait if n else 0.0
            rate_se = float(gap.std(ddof=1) / math.sqrt(n) / mean_wait ** 2) if n >= 2 else math.nan
        else:
            total = float(np.sum(span))
            rate = n / total if total > 0 else 0.0
            br = np.concatenate(blocks) if blocks else np.zeros(0)
            rate_se = float(br.std(ddof=1) / math.sqrt(br.size)) if br.size >= 2 else math.nan
        mean_state = s.mean(axis=0) if n else np.zeros((4, 4), dtype=np.complex128)
        if n >= 2:
            mf, mf_se = float(fid.mean()), float(fid.std(ddof=1) / math.sqrt(n))
            sf, ez, ex = _secret_fraction(mean_state)
            nb = min(_BLOCKS, n)
            grp = np.arange(n) % nb
            tot = s.sum(axis=0)
            jk = np.array([_secret_fraction((tot - s[grp == j].sum(axis=0)) / (n - np.count_nonzero(grp == j)))[0]
                           for j in range(nb)])
            sf_se = float(math.sqrt((nb - 1) / nb * np.sum((jk - jk.mean()) ** 2)))
            skr_se = math.sqrt((sf * rate_se) ** 2 + (rate * sf_se) ** 2) if math.isfinite(rate_se) else math.nan
        else:
            mf = mf_se = sf = ez = ex = skr_se = math.nan
        stats.append(RequestStats(a, b, path, float(w[r]), n, float(rate), float(rate_se), mean_wait, mf, mf_se,
                                  ez, ex, sf, float(rate * sf) if n >= 2 else 0.0, skr_se, mean_state, t,
                                  np.concatenate(reps), fid))
    occ = np.sum([o["occ"] for o in out], axis=0) / float(np.sum(t_sim))
    tr = np.stack([o["trace"] for o in out]).astype(float)
    tr[tr < 0] = np.nan
    with np.errstate(all="ignore"):
        trace = np.nanmean(tr, axis=0) if len(out) > 1 else tr[0]
    return NetworkSimResult(policy, mode, horizon, t_sim, tuple(stats), nodes, cap, occ,
                            horizon * np.arange(S) / (S - 1), trace, int(sum(o["events"] for o in out)),
                            int(sum(o["checks"] for o in out)), int(sum(o["viol"] for o in out)),
                            tuple(o["stalled"] for o in out), float(wall), key)


# ============================================================================ plots
def plot_occupancy(result: NetworkSimResult, ax: Any | None = None, nodes: Sequence[str] | None = None) -> Any:
    """Draw the memory occupancy of nodes over time (matplotlib imported lazily); returns the axis.

    Parameters
    ----------
    result : NetworkSimResult
    ax : matplotlib.axes.Axes, optional
        Axis to draw on; default a new figure's.
    nodes : sequence of str, optional
        Nodes to draw; default the 8 with the highest mean occupancy.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    if not isinstance(result, NetworkSimResult):
        raise ParameterError(f"plot_occupancy(): result must be a NetworkSimResult, got {type(result).__name__}")
    if nodes is None:
        idx = list(np.argsort(-result.mean_occupancy, kind="stable")[:8])
    else:
        idx = []
        for n in nodes:
            if n not in result.nodes:
                raise ParameterError(f"plot_occupancy(): node {n!r} holds no memory of the simulated requests")
            idx.append(result.nodes.index(n))
    if ax is None:
        _, ax = plt.subplots()
    for i in idx:
        ax.step(result.trace_times_s, result.occupancy_trace[i], where="post",
                label=f"{result.nodes[i]} ({result.capacity[i]} slots)")
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("memory slots held")
    ax.set_title(f"memory occupancy, policy {result.policy}")
    ax.legend(fontsize=8)
    return ax


def plot_rate_vs_users(results: Sequence[NetworkSimResult], ax: Any | None = None) -> Any:
    """Draw the delivery rate against the number of concurrent requests (matplotlib imported lazily).

    Parameters
    ----------
    results : sequence of NetworkSimResult
        One run per number of requests (e.g. the first 1, 2, 5, 10 requests of a list).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Total rate and mean per-request rate (pairs/s, with standard errors) against the number
        of requests.
    """
    import matplotlib.pyplot as plt

    results = list(results)
    if not results or not all(isinstance(r, NetworkSimResult) for r in results):
        raise ParameterError("plot_rate_vs_users(): results must be a non-empty sequence of NetworkSimResult")
    results.sort(key=lambda r: r.num_requests)
    n = np.array([r.num_requests for r in results])
    total = np.array([r.total_rate_hz for r in results])
    total_se = np.array([math.sqrt(sum(q.rate_hz_stderr ** 2 for q in r.requests)) for r in results])
    if ax is None:
        _, ax = plt.subplots()
    ax.errorbar(n, total, yerr=total_se, fmt="o-", label="all requests")
    ax.errorbar(n, total / n, yerr=total_se / n, fmt="s--", label="per request (mean)")
    ax.set_xlabel("concurrent requests")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("delivered pairs per second")
    ax.set_yscale("log")
    ax.legend()
    return ax
