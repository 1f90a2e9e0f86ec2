"""Evaluation of one path of a :class:`~protocols.network.topology.Network` for a service.

A path is a sequence of linked nodes between two end nodes. It is evaluated by the models that
already exist for links and chains; nothing here is a new formula.

Services (:data:`SERVICES`):

* ``"key"``: end-to-end secret-key rate in bit/s. The path is cut at its inner trusted nodes
  (trusted relays, ground stations, satellites) into *pieces*; keys are relayed with one-time
  pads, so the rate is the smallest piece rate (the rule of :mod:`protocols.qkd.trusted_node`).
  A piece without repeaters is one QKD link (``model.protocol`` with optimized intensity):

  - one fibre: :func:`protocols.qkd.trusted_node.trusted_node_chain` on that link, with
    ``model.system`` at the fibre's attenuation (per-link rates are cached and computed in
    batches; a batch gives the same bits as one link at a time);
  - fibres joined by switches: one link of the summed length (attenuation: the common one, or the
    length-weighted mean), the switches' insertion loss multiplying the detector efficiency
    (exact: the link model's transmittance is ``eta_det * 10**(-alpha L / 10)``);
  - one downlink: :func:`protocols.qkd.satellite.satellite_key_rate` at the link's elevation with
    ``model.downlink_system`` (BB84 protocols only);
  - any other optical piece (free-space links, or a downlink behind a switch): a link of length 0
    whose detector efficiency is multiplied by the piece's transmissivity (exact, as above).

  A piece with repeaters is a repeater chain (below; a trusted node at its end acts as an end
  node of the chain, with the chain's memories, although it could measure at once: conservative)
  whose delivered pairs give BBM92 key
  (:meth:`protocols.repeaters.repeater_chain.ChainResult.secret_key_rate` with the error-correction
  efficiency of ``model.system``).
* ``"entanglement"``: pairs per second and their mean fidelity to ``|phi+>``; the path's inner
  nodes must be repeaters or switches (a trusted node cannot relay entanglement). One exception:
  with ``model.satellite_pair_rate_hz`` set, a satellite carries an entangled-photon pair source
  and a path ``end ... ground station - satellite - ground station ... end`` (the arms between a
  ground station and its end made of fibres and switches only) is a dual downlink, provided both
  downlinks hold at the same moment: the satellite and both stations have ``latlon_deg`` and
  each downlink's elevation is the one of the satellite's position (a downlink given its own
  ``elevation_deg`` may describe another pass, as in a trusted-satellite key relay): the pairs are
  counted as BBM92 coincidences (:func:`protocols.qkd.bbm92.bbm92_gain_error`) with the arm
  transmittances ``eta_A``, ``eta_B`` (downlink, fibres and switches, times
  ``model.pair_system.detector_efficiency``) and ``mu = satellite_pair_rate_hz /
  pair_system.rep_rate_hz`` pairs per coincidence window, so the rate is
  ``Q * rep_rate_hz ~ satellite_pair_rate_hz * eta_A * eta_B`` (plus accidental coincidences);
  the delivered state is the Werner state of the coincidences' QBER ``E`` (both bases err
  alike in that model): fidelity ``1 - 3E/2``, CHSH value ``2 sqrt(2) (1 - 2E)``
  (:class:`SatellitePairs`). The satellite is still a trusted node for the key service.
* ``"teleportation"``: the same pairs, used to teleport: qubits per second and the Haar-averaged
  teleportation fidelity of the mean delivered state
  (:func:`protocols.entanglement.teleportation.teleportation_fidelity`, with the chain's gate and
  readout errors and the end memories waiting for the classical message along the path).

Repeater chains. The memory nodes (users, repeaters) of a piece cut it into hops; a hop is one or
more fibres joined by switches. :class:`~protocols.repeaters.repeater_chain.RepeaterChain` has
equal segments and one set of hardware, so a path is mapped onto a template chain (each of
``model.chains``; the best result is kept) as follows:

* ``num_segments`` = number of hops; ``attenuation_db_per_km`` = the largest attenuation on the
  path; a switch's insertion loss lengthens its hop by ``loss / attenuation`` (the same loss);
* ``model.segments = "longest"`` (default): every segment as long as the longest hop
  (``total_length_km = N * longest``), a conservative bound since the slowest, longest link
  limits the chain; ``"mean"``: ``total_length_km`` = the summed hop lengths. Both are exact for
  equal hops;
* ``memories_per_node`` = the fewest memories of the path's memory nodes that give a number,
  ``memory_t1_s`` the shortest T1 and ``memory_t2_s`` the shortest T2 (``2 T1`` where a node gives
  none), the template's values where no node gives any (also when the template uses
  ``memory_t_dep_s``, whose model is kept);
* everything else (scheme, protocol, cutoff, purification, gate and readout errors, detectors)
  comes from the template. A template that does not fit (``nested`` with a number of hops that is
  not a power of two, too few memories for the purification) makes the path infeasible for it.

The chain is simulated by :func:`~protocols.repeaters.repeater_chain.simulate_chain` with
``model.trials`` trials and the same ``model.seed`` for every chain (common random numbers:
the result of a chain depends only on the chain, the trials and the seed, not on the order of
evaluation), and cached per chain. Downlinks and free-space links cannot be part of a repeater
chain (infeasible).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from qnet_core.errors import ParameterError

from .._common import Result
from ..qkd.system import QKDSystem
from .topology import MEMORY_KINDS, TRUSTED_KINDS, Network

__all__ = ["SERVICES", "MODES", "DEFAULT_TARGET_FIDELITY", "PathModel", "Segment", "PathEvaluation",
           "SatellitePairs", "evaluate_path", "link_key_rates"]

#: Services a path can be evaluated for.
SERVICES = ("key", "entanglement", "teleportation")
#: How a path delivers its service: one optical link, trusted relays, repeaters, or both.
MODES = ("direct", "trusted-relay", "repeater", "hybrid", "satellite")
#: Default target fidelities: entanglement of a two-qubit pair needs F > 1/2 to be entangled at all
#: (for Werner states; Horodecki, PRA 59, 4206 (1999)), teleportation must beat the classical
#: measure-and-prepare average fidelity 2/3 (Massar & Popescu, PRL 74, 1259 (1995)).
DEFAULT_TARGET_FIDELITY = {"key": None, "entanglement": 0.5, "teleportation": 2.0 / 3.0}

_SEGMENT_POLICIES = ("longest", "mean")


@dataclass(frozen=True, slots=True)
class PathModel:
    """Hardware and protocol choices with which paths are evaluated (immutable, hashable).

    Parameters
    ----------
    system : QKDSystem, optional
        QKD hardware of fibre and free-space links (default ``QKDSystem()``); each fibre's own
        attenuation replaces ``system.attenuation_db_per_km``.
    downlink_system : QKDSystem, optional
        Ground receivers of satellite downlinks (default
        :data:`protocols.qkd.satellite.LIAO_2017`).
    protocol : {"bb84", "bb84-decoy", "bbm92"}, default "bb84-decoy"
        QKD protocol of every link (:data:`protocols.qkd.trusted_node.LINK_PROTOCOLS`).
    decoy : {"infinite", "vacuum+weak"}, default "infinite"
    nu : float, default 0.05
        Decoy intensity (as :func:`protocols.qkd.bb84.decoy_bb84_rate`).
    chains : sequence of RepeaterChain, optional
        Template chains tried on repeater paths (the best result is kept); default one template,
        ``RepeaterChain(1, 0.0, scheme="double-click")`` (Barrett-Kok links, ideal memories and
        detectors unless the nodes give memory times). ``num_segments``,
        ``total_length_km`` and ``attenuation_db_per_km`` (and the memory fields, where the nodes
        give them) come from the path.
    trials : int, default 400
        Monte Carlo trials per chain (>= 2).
    seed : int, default 0
        Seed of every chain simulation (>= 0).
    max_time_s : float, default 60.0
        Simulated time after which a chain trial is abandoned (> 0, ``inf`` allowed).
    segments : {"longest", "mean"}, default "longest"
        How unequal hops become the chain's equal segments (module docstring).
    satellite_pair_rate_hz : float, optional
        Pairs per second generated by an entangled-photon source on every satellite (> 0); the
        entanglement service then evaluates dual downlinks (module docstring). Default None:
        satellites are trusted nodes only.
    pair_system : QKDSystem, optional
        Ground receivers of the satellite's pairs (default ``downlink_system``): ``rep_rate_hz``
        coincidence windows per second, ``dark_count_prob`` background clicks per window at each
        station, ``misalignment`` the error ``e_d`` of a detected pair, ``detector_efficiency``
        multiplying each arm's transmissivity.

    Examples
    --------
    >>> PathModel(trials=100).trials
    100
    """

    system: QKDSystem | None = None
    downlink_system: QKDSystem | None = None
    protocol: str = "bb84-decoy"
    decoy: str = "infinite"
    nu: float = 0.05
    chains: tuple = ()
    trials: int = 400
    seed: int = 0
    max_time_s: float = 60.0
    segments: Literal["longest", "mean"] = "longest"
    satellite_pair_rate_hz: float | None = None
    pair_system: QKDSystem | None = None

    def __post_init__(self):
        from ..qkd.bb84 import DECOY_METHODS
        from ..qkd.satellite import LIAO_2017
        from ..qkd.trusted_node import LINK_PROTOCOLS
        from ..repeaters.repeater_chain import RepeaterChain

        o = "PathModel()"
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        for name, default in (("system", QKDSystem()), ("downlink_system", LIAO_2017)):
            v = getattr(self, name)
            if v is None:
                set_(name, default)
            elif not isinstance(v, QKDSystem):
                raise ParameterError(f"{o}: {name}={v!r} must be a QKDSystem")
        if self.protocol not in LINK_PROTOCOLS:
            raise ParameterError(f"{o}: protocol={self.protocol!r} is not allowed; use one of {LINK_PROTOCOLS}")
        if self.decoy not in DECOY_METHODS:
            raise ParameterError(f"{o}: decoy={self.decoy!r} is not allowed; use one of {DECOY_METHODS}")
        nu = self.nu
        if isinstance(nu, bool) or not isinstance(nu, (int, float)) or not 0.0 < nu < math.inf:
            raise ParameterError(f"{o}: nu={nu!r} must be a finite number > 0")
        set_("nu", float(nu))
        chains = self.chains
        if isinstance(chains, RepeaterChain):
            chains = (chains,)
        if not isinstance(chains, (list, tuple)) or not all(isinstance(c, RepeaterChain) for c in chains):
            raise ParameterError(f"{o}: chains={chains!r} must be a sequence of RepeaterChain templates")
        set_("chains", tuple(chains) if chains else (RepeaterChain(1, 0.0, scheme="double-click"),))
        for name, lo in (("trials", 2), ("seed", 0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < lo:
                raise ParameterError(f"{o}: {name}={v!r} must be an integer >= {lo}")
        mt = self.max_time_s
        if isinstance(mt, bool) or not isinstance(mt, (int, float)) or not mt > 0:
            raise ParameterError(f"{o}: max_time_s={mt!r} must be a number > 0 (inf allowed)")
        set_("max_time_s", float(mt))
        if self.segments not in _SEGMENT_POLICIES:
            raise ParameterError(f"{o}: segments={self.segments!r} is not allowed; use one of {_SEGMENT_POLICIES}")
        sp = self.satellite_pair_rate_hz
        if sp is not None:
            if isinstance(sp, bool) or not isinstance(sp, (int, float)) or not 0.0 < sp < math.inf:
                raise ParameterError(f"{o}: satellite_pair_rate_hz={sp!r} must be a finite number > 0 (or None)")
            set_("satellite_pair_rate_hz", float(sp))
        if self.pair_system is None:
            set_("pair_system", self.downlink_system)
        elif not isinstance(self.pair_system, QKDSystem):
            raise ParameterError(f"{o}: pair_system={self.pair_system!r} must be a QKDSystem")


@dataclass(frozen=True, slots=True, repr=False)
class Segment(Result):
    """One piece of an evaluated path: a QKD link, a downlink or a repeater chain.

    Attributes
    ----------
    nodes : tuple of str
        The piece's nodes, from one relay point (or end) to the next.
    kind : str
        ``"qkd-link"``, ``"downlink"``, ``"repeater-chain"`` or ``"dual-downlink"`` (pairs from a
        satellite source).
    length_km : float
        Summed link lengths (slant range for a downlink).
    loss_db : float
        Optical loss of the piece (links and switches; for a chain, of its longest hop), dB.
    rate : float
        Secret bits per second (key service) or delivered pairs per second.
    rate_stderr : float
        Monte Carlo standard error of ``rate`` (0 for closed forms).
    fidelity : float
        Mean fidelity of the delivered pairs (NaN for QKD links).
    detail : object
        The underlying result: :class:`~protocols.qkd.trusted_node.TrustedNodeResult`,
        :class:`~protocols.qkd.satellite.SatelliteKeyRate`,
        :class:`~protocols.repeaters.repeater_chain.ChainResult` or :class:`SatellitePairs`
        (None where not kept).
    """

    nodes: tuple
    kind: str
    length_km: float
    loss_db: float
    rate: float
    rate_stderr: float = 0.0
    fidelity: float = math.nan
    detail: Any = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The segment as a JSON-ready dict.

        Returns
        -------
        dict
            Every field; ``detail`` as its own ``to_dict()`` (None if it cannot give one).
        """
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "detail"}
        out["nodes"] = list(self.nodes)
        try:
            out["detail"] = None if self.detail is None else self.detail.to_dict()
        except (ParameterError, AttributeError):
            out["detail"] = None
        return out


@dataclass(frozen=True, slots=True, repr=False)
class PathEvaluation(Result):
    """A path and what it delivers for one service.

    Attributes
    ----------
    service : str
        One of :data:`SERVICES`.
    path : tuple of str
        The nodes, from the source to the target.
    mode : str
        One of :data:`MODES`.
    feasible : bool
        Whether the path can deliver the service at all (``reason`` says why not).
    rate : float
        Secret bits per second (key), pairs per second (entanglement), qubits per second
        (teleportation); 0 when infeasible.
    rate_stderr : float
        Monte Carlo standard error of ``rate`` (0 for closed forms).
    fidelity : float
        Mean pair fidelity (entanglement), average teleportation fidelity (teleportation); NaN
        for key.
    fidelity_stderr : float
        Standard error of the mean pair fidelity (NaN where not applicable).
    target_fidelity : float or None
        The fidelity the service asks for.
    meets_target : bool
        ``feasible`` and (no target or ``fidelity >= target_fidelity``).
    length_km : float
        Summed link lengths.
    segments : tuple of Segment
        The pieces (key relayed between them) or the one chain.
    limiting : int
        Index of the piece with the smallest rate (-1 if none).
    chain : RepeaterChain or None
        The chain the best template became on this path (repeater modes).
    reason : str
        Why the path is infeasible ("" if feasible).
    """

    service: str
    path: tuple
    mode: str
    feasible: bool
    rate: float
    rate_stderr: float = 0.0
    fidelity: float = math.nan
    fidelity_stderr: float = math.nan
    target_fidelity: float | None = None
    meets_target: bool = False
    length_km: float = 0.0
    segments: tuple = ()
    limiting: int = -1
    chain: Any = None
    reason: str = ""

    @property
    def hops(self) -> int:
        """Number of links on the path."""
        return len(self.path) - 1

    @property
    def score(self) -> tuple:
        """Sort key, larger is better: feasible, meets the target, then rate (or fidelity if it misses)."""
        if self.service == "key":
            return (self.feasible, self.meets_target, self.rate, -self.hops)
        return (self.feasible, self.meets_target,
                self.rate if self.meets_target else (self.fidelity if self.feasible else -math.inf), -self.hops)

    def to_dict(self) -> dict:
        """The evaluation as a JSON-ready dict.

        Returns
        -------
        dict
            Every field (``segments`` as dicts, ``chain`` as :meth:`RepeaterChain.to_dict`), plus ``hops``.
        """
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in ("segments", "chain")}
        out["path"] = list(self.path)
        out["segments"] = [s.to_dict() for s in self.segments]
        out["chain"] = None if self.chain is None else self.chain.to_dict()
        out["hops"] = self.hops
        return out


@dataclass(frozen=True, slots=True, repr=False)
class SatellitePairs(Result):
    """Pairs of a satellite-borne source delivered through two downlinks (module docstring).

    Attributes
    ----------
    eta_a, eta_b : float
        Transmittances satellite -> first end and satellite -> last end of the path, detectors
        included, in [0, 1].
    mean_pair_number : float
        Pairs emitted per coincidence window, ``satellite_pair_rate_hz / pair_system.rep_rate_hz``.
    gain : float
        Coincidence probability per window ``Q`` (Ma, Fung, Lo, PRA 76, 012307 (2007), Eq. (9)).
    qber : float
        Error rate ``E`` of the coincidences (Eq. (10)), in [0, 1/2].
    pair_rate_hz : float
        Coincidences per second, ``Q * pair_system.rep_rate_hz``.
    chsh_value : float
        ``2 sqrt(2) (1 - 2E)``, the CHSH value of :attr:`mean_state`.
    mean_state : numpy.ndarray, complex128, shape (4, 4)
        The Werner state of fidelity ``1 - 3E/2`` to ``|phi+>``.
    key_rate_bps : float
        Asymptotic BBM92 secret key rate of these coincidences, ``rep_rate_hz * q Q [1 - f h(E) -
        h(E)]`` (Ma, Fung, Lo, PRA 76, 012307 (2007), Eq. (12); ``f`` the pair system's
        ``ec_efficiency``): key between the two ends that does not trust the satellite.
    """

    eta_a: float
    eta_b: float
    mean_pair_number: float
    gain: float
    qber: float
    pair_rate_hz: float
    chsh_value: float
    mean_state: Any
    key_rate_bps: float = 0.0


# ============================================================================ the evaluator
def _pair_index(users: tuple, a, b, owner: str) -> int:
    """Index of the unordered user pair ``(a, b)`` in a table of pairs ``(users[i], users[j])``, ``i < j``."""
    idx = {u: i for i, u in enumerate(users)}
    for n in (a, b):
        if n not in idx:
            raise ParameterError(f"{owner}: {n!r} is not a user of the table; users: {users}")
    i, j = sorted((idx[a], idx[b]))
    if i == j:
        raise ParameterError(f"{owner}: a and b are both {a!r}; give two different users")
    n = len(users)
    return i * n - i * (i + 1) // 2 + (j - i - 1)


def _check_network(network, owner: str) -> Network:
    if not isinstance(network, Network):
        raise ParameterError(f"{owner}: network must be a Network, got {type(network).__name__}")
    return network


def _check_model(model, owner: str) -> PathModel:
    if model is None:
        return PathModel()
    if not isinstance(model, PathModel):
        raise ParameterError(f"{owner}: model={model!r} must be a PathModel")
    return model


def _check_service(service, owner: str) -> str:
    if service not in SERVICES:
        raise ParameterError(f"{owner}: service={service!r} is not allowed; use one of {SERVICES}")
    return service


def _check_target(target, service: str, owner: str) -> float | None:
    if target is None:
        return DEFAULT_TARGET_FIDELITY[service]
    if service == "key":
        raise ParameterError(f"{owner}: target_fidelity={target!r} is not used by the key service; leave it None")
    if isinstance(target, bool) or not isinstance(target, (int, float)) or not 0.0 <= target <= 1.0:
        raise ParameterError(f"{owner}: target_fidelity={target!r} must lie in [0, 1]")
    return float(target)


class _Evaluator:
    """Evaluates paths of one network with one model; caches per-link rates, pieces and chains."""

    def __init__(self, network: Network, model: PathModel):
        self.net = network
        self.g = network._g
        self.model = model
        self._fiber: dict = {}    # (length_km, QKDSystem) -> bit/s
        self._piece: dict = {}    # (service, nodes) -> Segment | str (reason)
        self._chain: dict = {}    # RepeaterChain -> ChainResult | str (reason)

    # ------------------------------------------------------------------ QKD links
    def _fiber_system(self, alpha: float, extra_db: float = 0.0) -> QKDSystem:
        s = self.model.system
        if alpha != s.attenuation_db_per_km:
            s = s.with_(attenuation_db_per_km=alpha)
        if extra_db > 0.0:
            s = s.with_(detector_efficiency=s.detector_efficiency * 10.0 ** (-extra_db / 10.0))
        return s

    def prefill(self, items: Sequence[tuple[float, QKDSystem]]) -> None:
        """Compute the rates of many (length, system) fibre links, one batch per system."""
        from ..qkd.trusted_node import trusted_node_chain

        todo: dict = {}
        for key in items:
            if key not in self._fiber:
                todo.setdefault(key[1], set()).add(key[0])
        m = self.model
        for system, lengths in todo.items():
            ls = sorted(lengths)
            r = trusted_node_chain(ls, system, protocol=m.protocol, decoy=m.decoy, nu=m.nu)
            for length, bps in zip(ls, r.link_rates_bps):
                self._fiber[(length, system)] = bps

    def _fiber_rate(self, length: float, system: QKDSystem) -> float:
        key = (length, system)
        if key not in self._fiber:
            self.prefill([key])
        return self._fiber[key]

    def edge_items(self, edges) -> list:
        """``(length, system)`` of the fibre edges among ``edges`` (for :meth:`prefill`)."""
        out = []
        for u, v in edges:
            d = self.g.edges[u, v]
            if d["kind"] == "fiber":
                out.append((d["length_km"], self._fiber_system(d["attenuation_db_per_km"])))
        return out

    def edge_key_rate(self, u: str, v: str) -> float:
        """Key rate of the link u-v on its own (a QKD link between its two ends), bit/s."""
        seg = self._optical_piece((u, v))
        return seg.rate if isinstance(seg, Segment) else 0.0

    def _optical_piece(self, nodes: tuple) -> Segment | str:
        """A QKD link over the links and switches of ``nodes`` (no memory or trusted node inside)."""
        key = ("qkd", min(nodes, nodes[::-1]))
        if key in self._piece:
            return self._piece[key]
        g, m = self.g, self.model
        edges = [g.edges[a, b] for a, b in zip(nodes[:-1], nodes[1:])]
        switch_db = sum(g.nodes[n]["insertion_loss_db"] for n in nodes[1:-1])
        length = sum(e["length_km"] for e in edges)
        loss = sum(e["loss_db"] for e in edges) + switch_db
        kinds = {e["kind"] for e in edges}
        try:
            if kinds == {"fiber"}:
                alphas = {e["attenuation_db_per_km"] for e in edges}
                if len(edges) == 1 or len(alphas) == 1:
                    alpha = edges[0]["attenuation_db_per_km"]
                else:
                    alpha = sum(e["loss_db"] for e in edges) / length if length > 0 else 0.0
                system = self._fiber_system(alpha, switch_db)
                seg = Segment(nodes, "qkd-link", length, loss, self._fiber_rate(length, system))
            elif len(edges) == 1 and kinds == {"downlink"}:
                seg = self._downlink(nodes, edges[0], loss)
            else:
                seg = self._transmissivity_link(nodes, edges, switch_db, length, loss, "downlink" in kinds)
        except ParameterError as exc:
            seg = f"link {nodes[0]!r}-{nodes[-1]!r}: {exc}"
        self._piece[key] = seg
        return seg

    def _downlink(self, nodes: tuple, edge: dict, loss: float) -> Segment | str:
        from ..qkd.satellite import satellite_key_rate

        m = self.model
        if m.protocol == "bbm92":
            return f"downlink {nodes[0]!r}-{nodes[1]!r}: protocol 'bbm92' is not offered on downlinks"
        sat = nodes[0] if self.g.nodes[nodes[0]]["kind"] == "satellite" else nodes[1]
        r = satellite_key_rate(edge["elevation_deg"], self.g.nodes[sat]["altitude_km"], m.downlink_system,
                               protocol=m.protocol, decoy=m.decoy, nu=m.nu, preset=edge["preset"], **edge["params"])
        return Segment(nodes, "downlink", edge["length_km"], loss, float(r.key_rate_bps[0]), detail=r)

    def _transmissivity_link(self, nodes, edges, switch_db, length, loss, downlink: bool) -> Segment:
        from ..qkd.trusted_node import trusted_node_chain

        m = self.model
        base = m.downlink_system if downlink else m.system
        t = math.prod(e["transmissivity"] for e in edges) * 10.0 ** (-switch_db / 10.0)
        eff = base.detector_efficiency * t
        if not eff > 0.0:
            return Segment(nodes, "qkd-link", length, loss, 0.0)
        system = base.with_(attenuation_db_per_km=0.0, detector_efficiency=eff)
        r = trusted_node_chain([0.0], system, protocol=m.protocol, decoy=m.decoy, nu=m.nu)
        return Segment(nodes, "qkd-link", length, loss, r.rate_bps, detail=r)

    # ------------------------------------------------------------------ repeater chains
    def chain_for(self, nodes: tuple, template) -> Any:
        """The RepeaterChain the template becomes over ``nodes`` (memory nodes at the ends), or a reason."""
        g = self.g
        hops, cur = [], [nodes[0]]
        for i, n in enumerate(nodes[1:], 1):
            cur.append(n)
            if g.nodes[n]["kind"] in MEMORY_KINDS or i == len(nodes) - 1:
                hops.append(tuple(cur))
                cur = [n]
        edges = [g.edges[a, b] for a, b in zip(nodes[:-1], nodes[1:])]
        bad = [e for e in edges if e["kind"] != "fiber"]
        if bad:
            return f"a repeater chain runs over fibre only; the path has a {bad[0]['kind']} link"
        alpha = max(e["attenuation_db_per_km"] for e in edges)
        lengths = []
        for hop in hops:
            es = [g.edges[a, b] for a, b in zip(hop[:-1], hop[1:])]
            sw = sum(g.nodes[n]["insertion_loss_db"] for n in hop[1:-1])
            if sw == 0.0 and all(e["attenuation_db_per_km"] == alpha for e in es):
                lengths.append(sum(e["length_km"] for e in es))
            elif alpha > 0.0:
                lengths.append((sum(e["loss_db"] for e in es) + sw) / alpha)
            else:
                return "switch insertion loss on a path of lossless fibre cannot be mapped onto a chain"
        n_seg = len(hops)
        if self.model.segments == "longest":
            total = n_seg * max(lengths)
        else:
            total = sum(lengths)
        changes: dict = {"num_segments": n_seg, "total_length_km": total, "attenuation_db_per_km": alpha}
        mem_nodes = [g.nodes[n] for n in nodes if g.nodes[n]["kind"] in MEMORY_KINDS]
        mems = [d["memories"] for d in mem_nodes if d["memories"] is not None]
        if mems:
            changes["memories_per_node"] = min(mems)
        if template.memory_t_dep_s is None:
            t1s = [d["t1_s"] for d in mem_nodes if d["t1_s"] is not None]
            t2s = [d["t2_s"] if d["t2_s"] is not None else 2.0 * d["t1_s"] for d in mem_nodes
                   if d["t1_s"] is not None or d["t2_s"] is not None]
            if t2s:  # some node gives a memory time: the nodes set both (the template's T1 if none gives T1)
                t1 = min(t1s) if t1s else template.memory_t1_s
                changes["memory_t1_s"], changes["memory_t2_s"] = t1, min(min(t2s), 2.0 * t1)
        try:
            return dataclasses.replace(template, **changes)
        except ParameterError as exc:
            return f"{exc}"

    def simulate(self, chain) -> Any:
        """ChainResult of ``chain`` (cached), or a reason string."""
        from ..repeaters.repeater_chain import simulate_chain

        if chain in self._chain:
            return self._chain[chain]
        m = self.model
        try:
            res = simulate_chain(chain, m.trials, m.seed, max_time_s=m.max_time_s)
            res.mean_fidelity  # noqa: B018  (raises if fewer than 2 trials delivered)
        except ParameterError as exc:
            res = f"{exc}"
        self._chain[chain] = res
        return res

    def _chain_piece(self, nodes: tuple, service: str, target) -> tuple:
        """Best (Segment, chain, teleportation fidelity) over the templates, or (reason, None, None)."""
        from ..entanglement.teleportation import teleportation_fidelity

        best, reasons = None, []
        for template in self.model.chains:
            chain = self.chain_for(nodes, template)
            if isinstance(chain, str):
                reasons.append(chain)
                continue
            res = self.simulate(chain)
            if isinstance(res, str):
                reasons.append(res)
                continue
            length = sum(self.g.edges[a, b]["length_km"] for a, b in zip(nodes[:-1], nodes[1:]))
            loss = chain.segment_length_km * chain.attenuation_db_per_km
            fid, fid_err = res.mean_fidelity, res.mean_fidelity_stderr
            tele = None
            if service == "key":
                rate = res.secret_key_rate(self.model.system.ec_efficiency)
                err = res.secret_key_rate_bps_stderr
            else:
                rate, err = res.rate_hz, res.rate_hz_stderr
                if service == "teleportation":
                    t1 = chain.memory_t1_s if chain.memory_t_dep_s is None else math.inf
                    t2 = chain.memory_t2_s if chain.memory_t_dep_s is None else None
                    tele = float(teleportation_fidelity(res.mean_state, gate_error=chain.gate_error,
                                                        readout_error=chain.readout_error, distance_km=length,
                                                        t1_s=t1, t2_s=t2, refractive_index=chain.refractive_index,
                                                        validate=False).average_fidelity)
            seg = Segment(nodes, "repeater-chain", length, loss, rate, err, fid, detail=res)
            f_service = tele if service == "teleportation" else fid
            ok = target is None or f_service >= target
            score = (ok, rate if ok else f_service)
            if best is None or score > best[0]:
                best = (score, seg, chain, tele, fid_err)
        if best is None:
            return "; ".join(dict.fromkeys(reasons)), None, None, None
        return best[1], best[2], best[3], best[4]

    # ------------------------------------------------------------------ satellite pair sources
    def _arm_transmittance(self, arm: tuple) -> float | str:
        """Transmittance satellite -> end of ``arm`` (satellite first), or why the arm does not fit."""
        g = self.g
        if g.nodes[arm[1]]["kind"] != "ground_station":
            return f"node {arm[1]!r} next to satellite {arm[0]!r} is a {g.nodes[arm[1]]['kind']}, not a ground station"
        for n in arm[2:-1]:
            if g.nodes[n]["kind"] != "switch":
                return f"node {n!r} between a ground station and an end is a {g.nodes[n]['kind']}; only switches may be"
        if any(g.edges[a, b]["kind"] == "downlink" for a, b in zip(arm[1:-1], arm[2:])):
            return f"the arm {list(arm)!r} has a second downlink"
        switch_db = sum(g.nodes[n]["insertion_loss_db"] for n in arm[2:-1])
        t = math.prod(g.edges[a, b]["transmissivity"] for a, b in zip(arm[:-1], arm[1:]))
        return t * 10.0 ** (-switch_db / 10.0) * self.model.pair_system.detector_efficiency

    def _simultaneous(self, sat: str, stations: tuple) -> str:
        """Why the two downlinks of a pair source are not known to be up at the same time ('' if they are).

        Both must come from the satellite's one position: its ``latlon_deg`` and the stations'
        give each downlink's elevation, which must be the downlink's own (a downlink given its
        own ``elevation_deg`` describes some pass, not necessarily this moment).
        """
        from channels.free_space import elevation_and_range

        from .topology import great_circle_km

        g = self.g
        s = g.nodes[sat]
        for gs in stations:
            if s["latlon_deg"] is None or g.nodes[gs]["latlon_deg"] is None:
                return (f"satellite {sat!r} and ground station {gs!r} need latlon_deg: a pair source feeds both "
                        "downlinks at once, which the model checks from their positions")
            e, _ = elevation_and_range(s["altitude_km"], great_circle_km(s["latlon_deg"], g.nodes[gs]["latlon_deg"]))
            given = g.edges[sat, gs]["elevation_deg"]
            if not abs(e - given) <= 1e-6 * max(1.0, abs(e)):
                return (f"downlink {sat!r}-{gs!r} is at {given:.4g} degrees elevation, not the {e:.4g} degrees of the "
                        "satellite's position: a pair source needs both downlinks at the same time")
        return ""

    def _satellite_pairs(self, path: tuple, target, length: float) -> PathEvaluation:
        from qnet_core import werner

        from ..qkd._common import _bbm92_rate_eta
        from ..qkd.bbm92 import bbm92_gain_error

        g, m = self.g, self.model
        sats = [i for i, n in enumerate(path[1:-1], 1) if g.nodes[n]["kind"] == "satellite"]

        def infeasible(reason):
            return PathEvaluation("entanglement", path, "satellite", False, 0.0, target_fidelity=target,
                                  length_km=length, reason=reason)

        if len(sats) != 1:
            return infeasible(f"the path passes {len(sats)} satellites; a satellite source feeds two downlinks")
        for end in (path[0], path[-1]):
            if g.nodes[end]["kind"] not in (*MEMORY_KINDS, "ground_station"):
                return infeasible(f"end node {end!r} is a {g.nodes[end]['kind']}; satellite pairs are delivered "
                                  "to users, repeaters or ground stations")
        i = sats[0]
        why = self._simultaneous(path[i], (path[i - 1], path[i + 1]))
        if why:
            return infeasible(why)
        etas = [self._arm_transmittance(arm) for arm in (path[i::-1], path[i:])]
        bad = [e for e in etas if isinstance(e, str)]
        if bad:
            return infeasible(bad[0])
        s = m.pair_system
        mu = m.satellite_pair_rate_hz / s.rep_rate_hz
        q, e = bbm92_gain_error(etas[0], etas[1], mu, s.dark_count_prob, s.misalignment)
        q, e = float(q), float(e)
        fid = 1.0 - 1.5 * e
        key = float(_bbm92_rate_eta(etas[0], etas[1], mu, s)[0]) * s.rep_rate_hz
        res = SatellitePairs(etas[0], etas[1], mu, q, e, q * s.rep_rate_hz, 2.0 * math.sqrt(2.0) * (1.0 - 2.0 * e),
                             werner(fid), key)
        loss = sum(g.edges[a, b]["loss_db"] for a, b in zip(path[:-1], path[1:]))
        loss += sum(g.nodes[n]["insertion_loss_db"] for n in path[1:-1] if g.nodes[n]["kind"] == "switch")
        seg = Segment(path, "dual-downlink", length, loss, res.pair_rate_hz, 0.0, fid, detail=res)
        ok = target is None or fid >= target
        return PathEvaluation("entanglement", path, "satellite", True, res.pair_rate_hz, 0.0, fid, 0.0, target, ok,
                              length, (seg,), 0, None)

    # ------------------------------------------------------------------ paths
    def check_path(self, path, owner: str) -> tuple:
        if isinstance(path, str) or not isinstance(path, (list, tuple)) or len(path) < 2:
            raise ParameterError(f"{owner}: path={path!r} must be a sequence of at least two node names")
        path = tuple(path)
        for n in path:
            if not isinstance(n, str) or n not in self.g:
                raise ParameterError(f"{owner}: node {n!r} of the path is not in the network")
        if len(set(path)) != len(path):
            raise ParameterError(f"{owner}: path={list(path)!r} visits a node twice; give a simple path")
        for a, b in zip(path[:-1], path[1:]):
            if not self.g.has_edge(a, b):
                raise ParameterError(f"{owner}: there is no link {a!r}-{b!r} on the path")
        return path

    def evaluate(self, path: tuple, service: str, target) -> PathEvaluation:
        g = self.g
        kinds = [g.nodes[n]["kind"] for n in path]
        length = sum(g.edges[a, b]["length_km"] for a, b in zip(path[:-1], path[1:]))

        def infeasible(mode, reason):
            return PathEvaluation(service, path, mode, False, 0.0, target_fidelity=target, length_km=length,
                                  reason=reason)

        for end, k in ((path[0], kinds[0]), (path[-1], kinds[-1])):
            if k == "switch":
                return infeasible("direct", f"end node {end!r} is a switch; a path ends at users or relays")
        inner = kinds[1:-1]
        has_rep = "repeater" in inner
        if service == "key":
            for n, k in zip(path[1:-1], inner):
                if k == "user":
                    return infeasible("direct", f"inner node {n!r} is a user; users do not relay")
            cuts = [0] + [i for i in range(1, len(path) - 1) if kinds[i] in TRUSTED_KINDS] + [len(path) - 1]
            pieces = [path[i:j + 1] for i, j in zip(cuts[:-1], cuts[1:])]
            n_trusted = len(pieces) - 1
            mode = ("hybrid" if n_trusted else "repeater") if has_rep else ("trusted-relay" if n_trusted else "direct")
            segs, chain, err2 = [], None, 0.0
            for piece in pieces:
                if any(g.nodes[n]["kind"] == "repeater" for n in piece[1:-1]):
                    seg, chain, _, _ = self._chain_piece(piece, service, None)
                else:
                    seg = self._optical_piece(piece)
                if isinstance(seg, str):
                    return infeasible(mode, seg)
                segs.append(seg)
            k = min(range(len(segs)), key=lambda i: segs[i].rate)
            lim = segs[k]
            return PathEvaluation(service, path, mode, True, lim.rate, lim.rate_stderr, target_fidelity=None,
                                  meets_target=True, length_km=length, segments=tuple(segs), limiting=k, chain=chain)
        # entanglement / teleportation
        if service == "entanglement" and self.model.satellite_pair_rate_hz is not None and "satellite" in inner:
            return self._satellite_pairs(path, target, length)
        mode = "repeater" if has_rep else "direct"
        for end, k in ((path[0], kinds[0]), (path[-1], kinds[-1])):
            if k not in MEMORY_KINDS:
                return infeasible(mode, f"end node {end!r} is a {k}; pairs are delivered to users or repeaters")
        for n, k in zip(path[1:-1], inner):
            if k not in ("repeater", "switch"):
                return infeasible(mode, f"inner node {n!r} is a {k}; only repeaters and switches relay entanglement")
        seg, chain, tele, fid_err = self._chain_piece(path, service, target)
        if isinstance(seg, str):
            return infeasible(mode, seg)
        fid = tele if service == "teleportation" else seg.fidelity
        ok = target is None or fid >= target
        return PathEvaluation(service, path, mode, True, seg.rate, seg.rate_stderr, fid,
                              fid_err if service == "entanglement" else math.nan, target, ok, length, (seg,), 0, chain)


def evaluate_path(network: Network, path: Sequence[str], service: Literal["key", "entanglement", "teleportation"] = "key",
                  *, target_fidelity: float | None = None, model: PathModel | None = None) -> PathEvaluation:
    """Evaluate one path of a network for a service (model in the module docstring).

    Parameters
    ----------
    network : Network
    path : sequence of str
        A simple path: consecutive nodes must be linked.
    service : {"key", "entanglement", "teleportation"}, default "key"
    target_fidelity : float, optional
        Fidelity the service needs, in [0, 1] (entanglement: pair fidelity, default 1/2;
        teleportation: average fidelity, default 2/3); not used for key.
    model : PathModel, optional
        Hardware and protocol choices (default ``PathModel()``).

    Returns
    -------
    PathEvaluation
        Its rate, fidelity, mode and pieces; ``feasible=False`` with a ``reason`` when the path
        cannot deliver the service (e.g. entanglement through a trusted relay).

    Examples
    --------
    >>> net = Network()
    >>> for n in ("a", "b"): net.add_user(n)
    >>> net.add_trusted_relay("r")
    >>> net.add_fiber("a", "r", length_km=50.0); net.add_fiber("r", "b", length_km=80.0)
    >>> ev = evaluate_path(net, ["a", "r", "b"])
    >>> ev.mode, ev.limiting
    ('trusted-relay', 1)
    """
    owner = "evaluate_path()"
    net = _check_network(network, owner)
    service = _check_service(service, owner)
    target = _check_target(target_fidelity, service, owner)
    ev = _Evaluator(net, _check_model(model, owner))
    return ev.evaluate(ev.check_path(path, owner), service, target)


def link_key_rates(network: Network, *, model: PathModel | None = None) -> dict:
    """Secret-key rate of every link on its own (a QKD link between its two ends), bit/s.

    Parameters
    ----------
    network : Network
    model : PathModel, optional
        QKD hardware and protocol (default ``PathModel()``).

    Returns
    -------
    dict
        ``(a, b) -> bit/s`` for every link (in :meth:`Network.links` order), e.g. to colour a map.

    Examples
    --------
    >>> net = Network()
    >>> net.add_user("a"); net.add_user("b"); net.add_fiber("a", "b", length_km=10.0)
    >>> link_key_rates(net)[("a", "b")] > 1e6
    True
    """
    owner = "link_key_rates()"
    net = _check_network(network, owner)
    ev = _Evaluator(net, _check_model(model, owner))
    edges = net.links()
    ev.prefill(ev.edge_items(edges))
    return {(u, v): ev.edge_key_rate(u, v) for u, v in edges}
