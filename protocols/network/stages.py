"""Service stages: the highest stage of the quantum internet a network supports between two users.

The stages are those of Wehner, Elkouss, Hanson, "Quantum internet: A vision for the road
ahead", Science 362, eaam9288 (2018), Fig. 2 and its text; each stage offers everything the
stages below it offer. A pair of users reaches a stage when the criterion of that stage *and of
every lower stage* holds; the table reports the highest stage, the figure that earned it and
the threshold that figure had to pass, and why the next stage is not reached.

Criteria (:data:`STAGES`; every figure comes from :func:`protocols.network.routing.routing_table`,
that is from the QKD link, trusted-node, satellite and repeater-chain models, nothing new):

0. ``"trusted-repeater"``: a secret key between the two users by any path, trusted relays
   allowed (key service, best route): key rate > 0 bit/s. Wehner et al.: "trusted repeater
   networks", QKD between neighbours and key relayed through trusted nodes, no end-to-end
   quantum security.
1. ``"prepare-and-measure"``: end-to-end quantum communication *without trusted nodes*: the
   best key route of the ``"direct"`` or ``"repeater"`` mode (no trusted relay, ground station
   or satellite on the path), or the BBM92 key of the best satellite dual downlink when the
   model gives satellites a pair source (the source need not be trusted; Yin et al., Nature
   582, 501 (2020)), has key rate > 0 bit/s. A positive asymptotic BB84 rate implies
   that the qubits arrive with an error rate below the Shor-Preskill bound (11 % for BB84;
   Shor and Preskill, PRL 85, 441 (2000)), i.e. usable end-to-end qubit delivery.
2. ``"entanglement-distribution"``: end-to-end entangled pairs (entanglement service, best
   route through repeaters and switches only, or a satellite's dual downlink when the model
   gives satellites a pair source) at a positive rate whose mean delivered state
   violates the CHSH inequality: maximal CHSH value ``S > 2`` (``criterion="bell"``, default;
   Wehner et al.: this stage enables device-independent protocols, which need a Bell
   violation). ``S`` is the Horodecki value ``S = 2 sqrt(m1 + m2)``, ``m1, m2`` the two largest
   eigenvalues of ``T^T T``, ``T_ij = tr(rho sigma_i (x) sigma_j)`` (R. Horodecki, P. Horodecki,
   M. Horodecki, Phys. Lett. A 200, 340 (1995)); for a Werner state of fidelity F it is
   ``S = 2 sqrt(2) (4F - 1)/3``, above 2 for ``F > (1 + 3/sqrt 2)/4 = 0.780``.
   ``criterion="fidelity"`` asks only for an entangled pair, mean fidelity ``F > 1/2``
   (sufficient for Werner states, which are entangled iff F > 1/2; Horodecki, PRA 59, 4206
   (1999)).
3. ``"quantum-memory"``: both users declare a quantum memory (``memories``, ``t1_s`` or
   ``t2_s`` on the user node) and the memory coherence time of the chain that delivered the
   pairs (``memory_t2_s``, ``2 T1`` without pure dephasing, or ``memory_t_dep_s``) exceeds the
   mean waiting time for a pair: a qubit can be stored longer than it takes to distribute
   entanglement (Wehner et al.: "quantum memory networks ... can store quantum information
   for long enough to ... " generate entanglement; the comparison of memory lifetime with
   entanglement generation time is their Box / Fig. 2 requirement).
4. ``"few-qubit-fault-tolerant"``: the users' local operations can be made fault tolerant:
   the chain's two-qubit gate error and readout error are both below 1e-2, the surface-code
   threshold of about 1 % (Fowler, Mariantoni, Martinis, Cleland, PRA 86, 032324 (2012)), and
   each user declares at least 17 memory qubits, one distance-3 rotated surface-code logical
   qubit (Tomita and Svore, PRA 90, 062320 (2014)). The figure is the larger of the two errors.
   This is a necessary condition only: the model has no description of the users' local
   processors beyond these numbers.
5. ``"quantum-computing"``: never certified. The model describes no end-node processor (logical
   qubit counts, a universal fault-tolerant gate set, classical control), so it cannot claim
   the stage; the table says so.

Assumptions and limits: a satellite is a *trusted* node for key (its downlinks carry QKD). It
delivers entanglement between ground users only when the model gives it a pair source
(``PathModel(satellite_pair_rate_hz=...)``, as Micius did, Yin et al., Science 356, 1140 (2017);
see ``tests/protocols/network/test_reference_deployments.py``): the route's dual downlink then
counts for stage 2, its mean waiting time is one over the pair rate for stage 3 (against the
shortest coherence time the users declare, the first chain template's where they declare
none), and the users' gate and readout errors for stage 4 are the first chain template's. The
figures are those of one best route per service (routing tables with ``k=1``); Monte Carlo
figures (repeater chains) carry their standard errors in the route, not in the stage verdict.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from qnet_core.errors import ParameterError

from .._common import Result
from .evaluation import PathModel, _check_model, _check_network, _pair_index
from .topology import Network

__all__ = ["STAGES", "STAGE_THRESHOLDS", "StagePair", "StageTable", "service_stages", "max_chsh_value"]

#: Stages of the quantum internet (Wehner, Elkouss, Hanson, Science 362, eaam9288 (2018)), lowest first.
STAGES = ("trusted-repeater", "prepare-and-measure", "entanglement-distribution", "quantum-memory",
          "few-qubit-fault-tolerant", "quantum-computing")

#: Per stage: (figure, unit, threshold, comparison, source). The threshold of "quantum-memory" is the
#: pair's mean waiting time (per pair, so None here); "quantum-computing" is never certified.
STAGE_THRESHOLDS = {
    "trusted-repeater": ("key_rate_bps", "bit/s", 0.0, ">",
                         "Wehner, Elkouss, Hanson, Science 362, eaam9288 (2018), Fig. 2: trusted repeater network"),
    "prepare-and-measure": ("key_rate_untrusted_bps", "bit/s", 0.0, ">",
                            "Wehner et al. (2018), Fig. 2: prepare-and-measure network; BB84 error bound, "
                            "Shor & Preskill, PRL 85, 441 (2000)"),
    "entanglement-distribution": ("chsh_value", "", 2.0, ">",
                                  "Wehner et al. (2018), Fig. 2: entanglement distribution network (device-"
                                  "independent protocols); CHSH criterion, Horodecki, Phys. Lett. A 200, 340 (1995)"),
    "quantum-memory": ("memory_coherence_time_s", "s", None, ">",
                       "Wehner et al. (2018), Fig. 2: quantum memory network; threshold = mean waiting time "
                       "for a pair (repeater-chain model)"),
    "few-qubit-fault-tolerant": ("max_operation_error", "", 1e-2, "<",
                                 "Wehner et al. (2018), Fig. 2: few-qubit fault-tolerant network; surface-code "
                                 "threshold ~1 %, Fowler et al., PRA 86, 032324 (2012); >= 17 qubits per user, "
                                 "Tomita & Svore, PRA 90, 062320 (2014)"),
    "quantum-computing": ("", "", None, "",
                          "Wehner et al. (2018), Fig. 2: quantum computing network; not certifiable by this model"),
}
#: Entanglement criterion when ``criterion="fidelity"``: mean fidelity above 1/2 (Werner states).
_FIDELITY_THRESHOLD = 0.5
_FIDELITY_SOURCE = ("Wehner et al. (2018), Fig. 2: entanglement distribution network; Werner states are entangled "
                    "iff F > 1/2, Horodecki, PRA 59, 4206 (1999)")
#: Memory qubits per user for one distance-3 rotated surface-code logical qubit (Tomita & Svore 2014).
_FT_QUBITS = 17
_CRITERIA = ("bell", "fidelity")

_PAULI = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)


def max_chsh_value(rho: Any) -> float:
    """Largest CHSH value ``S`` a two-qubit state reaches over all measurement settings.

    Parameters
    ----------
    rho : array_like, shape (4, 4)
        A two-qubit density matrix (Hermitian, trace 1).

    Returns
    -------
    float
        ``S = 2 sqrt(m1 + m2)`` in [0, 2 sqrt(2)], ``m1 >= m2`` the two largest eigenvalues of
        ``T^T T``; the state violates the CHSH inequality iff ``S > 2``.

    Notes
    -----
    R. Horodecki, P. Horodecki, M. Horodecki, Phys. Lett. A 200, 340 (1995), with the
    correlation matrix ``T_ij = tr(rho sigma_i (x) sigma_j)``.

    Examples
    --------
    >>> import numpy as np
    >>> phi = np.array([1, 0, 0, 1]) / np.sqrt(2)
    >>> round(max_chsh_value(np.outer(phi, phi)), 6)
    2.828427
    """
    r = np.asarray(rho, dtype=complex)
    if r.shape != (4, 4) or not np.all(np.isfinite(r)):
        raise ParameterError(f"max_chsh_value(): rho has shape {r.shape}; a two-qubit density matrix must be a finite "
                             "(4, 4) array")
    tr = np.trace(r).real
    if not abs(tr - 1.0) < 1e-8 or not np.allclose(r, r.conj().T, atol=1e-10):
        raise ParameterError(f"max_chsh_value(): rho has trace {tr:.6g}; a density matrix must be Hermitian with "
                             "trace 1")
    return _max_chsh(r)


def _max_chsh(r: np.ndarray) -> float:
    t = np.array([[np.trace(r @ np.kron(a, b)).real for b in _PAULI] for a in _PAULI])
    m = np.sort(np.linalg.eigvalsh(t.T @ t))[::-1]
    return float(2.0 * math.sqrt(max(0.0, m[0] + m[1])))


@dataclass(frozen=True, slots=True, repr=False)
class StagePair(Result):
    """The stage one pair of users reaches.

    Attributes
    ----------
    a, b : str
        The users (``a`` first in the table's user order).
    level : int
        Index of the highest stage reached in :data:`STAGES` (-1: none).
    stage : str
        Its name (``"none"`` when ``level`` is -1).
    figure_name : str
        The figure that earned the stage (e.g. ``"key_rate_bps"``, ``"chsh_value"``).
    figure : float
        Its value (NaN when no stage is reached).
    unit : str
    threshold : float
        What the figure had to exceed (or, for ``"few-qubit-fault-tolerant"``, stay below).
    source : str
        Citation of the stage and of its threshold.
    path : tuple of str
        The route that earned the stage.
    next_stage : str
        The stage above (``""`` at the top).
    next_reason : str
        Why the next stage is not reached.
    figures : dict
        Every figure computed for the pair (key rates, CHSH value, fidelity, waiting time, ...).
    """

    a: str
    b: str
    level: int
    stage: str
    figure_name: str
    figure: float
    unit: str
    threshold: float
    source: str
    path: tuple
    next_stage: str
    next_reason: str
    figures: dict

    _REPR_EXTRAS = ()

    def row(self) -> dict:
        """A flat row for tables and CSV files.

        Returns
        -------
        dict
            ``user_a``, ``user_b``, ``level``, ``stage``, ``figure_name``, ``figure``, ``unit``,
            ``threshold``, ``source``, ``path`` (nodes joined by ``-``), ``next_stage``, ``next_reason``.
        """
        return {"user_a": self.a, "user_b": self.b, "level": self.level, "stage": self.stage,
                "figure_name": self.figure_name, "figure": self.figure, "unit": self.unit,
                "threshold": self.threshold, "source": self.source, "path": "-".join(self.path),
                "next_stage": self.next_stage, "next_reason": self.next_reason}


@dataclass(frozen=True, slots=True, repr=False)
class StageTable(Result):
    """Service stages between every pair of users.

    Attributes
    ----------
    users : tuple of str
    pairs : tuple of StagePair
        One per unordered pair ``(users[i], users[j])``, ``i < j``, in that order.
    criterion : str
        ``"bell"`` or ``"fidelity"`` (the entanglement-distribution criterion used).
    """

    users: tuple
    pairs: tuple
    criterion: str = "bell"

    _REPR_EXTRAS = ("num_pairs",)

    @property
    def num_pairs(self) -> int:
        """Number of user pairs."""
        return len(self.pairs)

    def rows(self) -> list:
        """The table as flat rows (:meth:`StagePair.row`), one per pair.

        Returns
        -------
        list of dict
        """
        return [p.row() for p in self.pairs]

    def pair(self, a: str, b: str) -> StagePair:
        """The stage between users ``a`` and ``b`` (either order).

        Parameters
        ----------
        a, b : str
            Two different users of the table.

        Returns
        -------
        StagePair
        """
        return self.pairs[_pair_index(self.users, a, b, "StageTable.pair()")]

    def matrix(self) -> np.ndarray:
        """A symmetric user-by-user matrix of stage levels (indices into :data:`STAGES`).

        Returns
        -------
        numpy.ndarray, shape (n_users, n_users), float64
            The level of each pair (-1: no stage), NaN on the diagonal.
        """
        n = len(self.users)
        out = np.full((n, n), np.nan)
        for (i, j), p in zip(itertools.combinations(range(n), 2), self.pairs):
            out[i, j] = out[j, i] = p.level
        return out


# ============================================================================ the stage rules
def _declares_memory(node: dict) -> bool:
    return any(node[k] is not None for k in ("memories", "t1_s", "t2_s"))


def _coherence_time(chain) -> float:
    if chain.memory_t_dep_s is not None:
        return float(chain.memory_t_dep_s)
    return float(chain.memory_t2_s if chain.memory_t2_s is not None else 2.0 * chain.memory_t1_s)


def _user_coherence(net: Network, users, template) -> float:
    """Shortest memory coherence time the users declare (``t2_s``, else ``2 t1_s``); else the template's."""
    times = []
    for u in users:
        d = net.node(u)
        if d["t2_s"] is not None:
            times.append(float(d["t2_s"]))
        elif d["t1_s"] is not None:
            times.append(2.0 * float(d["t1_s"]))
    return min(times) if times else _coherence_time(template)


def _judge(net: Network, a: str, b: str, key_route, ent_route, criterion: str, model: PathModel) -> StagePair:
    """Walk up the stages for one pair; stop at the first criterion that fails."""
    figures: dict = {}
    reached = []  # (stage, figure_name, figure, unit, threshold, source, path)

    def entry(stage, value, path, threshold=None, name=None, unit=None, source=None):
        f_name, f_unit, f_thr, _, f_src = STAGE_THRESHOLDS[stage]
        reached.append((stage, name or f_name, float(value), f_unit if unit is None else unit,
                        f_thr if threshold is None else threshold, source or f_src, tuple(path)))

    def verdict(reason: str) -> StagePair:
        level = len(reached) - 1
        nxt = STAGES[level + 1] if level + 1 < len(STAGES) else ""
        if not reached:
            return StagePair(a, b, -1, "none", "", math.nan, "", math.nan, "", (), nxt, reason, figures)
        st, name, val, unit, thr, src, path = reached[-1]
        return StagePair(a, b, level, st, name, val, unit, float(thr), src, path, nxt, reason, figures)

    # 0: trusted repeater
    best = key_route.best
    figures["key_rate_bps"] = key_route.best_rate
    if best is None or not key_route.best_rate > 0.0:
        why = "no path delivers a positive key rate" if best is None else \
            f"best key rate {key_route.best_rate:.3g} bit/s is not > 0"
        return verdict(why)
    entry("trusted-repeater", key_route.best_rate, best.path)
    # 1: prepare-and-measure (no trusted node on the path)
    untrusted = [(e.rate, e.path) for m, e in key_route.options.items() if m in ("direct", "repeater") and e is not None]
    sat = None if ent_route is None else ent_route.options.get("satellite")
    if sat is not None:  # BBM92 from a satellite's pair source: the satellite need not be trusted
        untrusted.append((sat.segments[0].detail.key_rate_bps, sat.path))
    top = max(untrusted, key=lambda e: e[0], default=None)
    figures["key_rate_untrusted_bps"] = 0.0 if top is None else top[0]
    if top is None or not top[0] > 0.0:
        return verdict("every path with a positive key rate passes a trusted node (no end-to-end qubit delivery)"
                       if top is None else f"best key rate without trusted nodes {top[0]:.3g} bit/s is not > 0")
    entry("prepare-and-measure", top[0], top[1])
    # 2: entanglement distribution
    ent = None if ent_route is None else ent_route.best
    if ent is None or not ent.rate > 0.0:
        return verdict("no path of repeaters and switches delivers entangled pairs" if ent is None else
                       "the entangled-pair rate is not > 0")
    res = ent.segments[0].detail
    fid = float(ent.fidelity)
    s = _max_chsh(np.asarray(res.mean_state))
    figures.update(pair_rate_hz=ent.rate, fidelity=fid, chsh_value=s)
    if criterion == "bell":
        if not s > 2.0:
            return verdict(f"mean delivered state has CHSH value S = {s:.4f}, not > 2 (F = {fid:.4f}); "
                           "no Bell violation")
        entry("entanglement-distribution", s, ent.path)
    else:
        if not fid > _FIDELITY_THRESHOLD:
            return verdict(f"mean pair fidelity {fid:.4f} is not > 1/2")
        entry("entanglement-distribution", fid, ent.path, threshold=_FIDELITY_THRESHOLD, name="fidelity", unit="",
              source=_FIDELITY_SOURCE)
    # 3: quantum memory (a satellite source has no chain: the users' memories wait 1/rate per pair,
    # and their operations are those of the model's first chain template)
    chain = ent.chain
    if chain is None:
        chain = model.chains[0]
        wait = 1.0 / float(ent.rate)
        t_mem = _user_coherence(net, (a, b), chain)
    else:
        wait = float(res.mean_waiting_time_s)
        t_mem = _coherence_time(chain)
    figures.update(mean_waiting_time_s=wait, memory_coherence_time_s=t_mem)
    bare = [u for u in (a, b) if not _declares_memory(net.node(u))]
    if bare:
        return verdict(f"user {bare[0]!r} declares no quantum memory (memories, t1_s or t2_s)")
    if not t_mem > wait:
        return verdict(f"memory coherence time {t_mem:.3g} s is not longer than the mean waiting time "
                       f"{wait:.3g} s for a pair")
    entry("quantum-memory", t_mem, ent.path, threshold=wait)
    # 4: few-qubit fault tolerant
    err = max(chain.gate_error, chain.readout_error)
    figures["max_operation_error"] = err
    few = [u for u in (a, b) if (net.node(u)["memories"] or 0) < _FT_QUBITS]
    if not err < STAGE_THRESHOLDS["few-qubit-fault-tolerant"][2]:
        return verdict(f"gate/readout error {err:.3g} is not below the surface-code threshold 1e-2")
    if few:
        return verdict(f"user {few[0]!r} declares {net.node(few[0])['memories']} memory qubits; one distance-3 "
                       f"surface-code logical qubit needs {_FT_QUBITS}")
    entry("few-qubit-fault-tolerant", err, ent.path)
    # 5: quantum computing: not certifiable
    return verdict("not certified: the model describes no end-node quantum processor (logical qubits, universal "
                   "fault-tolerant gate set)")


def service_stages(network: Network, *, model: PathModel | None = None, users: Any = None,
                   criterion: Literal["bell", "fidelity"] = "bell") -> StageTable:
    """The highest stage of the quantum internet the network supports between every pair of users.

    Parameters
    ----------
    network : Network
    model : PathModel, optional
        Hardware, protocol and chain templates of the routes (default ``PathModel()``).
    users : iterable of str, optional
        The users to pair (default :attr:`Network.users`; at least two).
    criterion : {"bell", "fidelity"}, default "bell"
        Entanglement-distribution criterion: a CHSH violation ``S > 2`` of the mean delivered
        state, or a mean fidelity above 1/2.

    Returns
    -------
    StageTable
        One :class:`StagePair` per pair (stage, figure, threshold, source, reason for the next
        stage); :meth:`StageTable.matrix` gives the user-by-user levels.

    Notes
    -----
    Stages and thresholds in the module docstring (Wehner, Elkouss, Hanson, Science 362,
    eaam9288 (2018)). Two routing tables are computed, key and entanglement
    (:func:`protocols.network.routing.routing_table`); their figures decide the stages.

    Examples
    --------
    >>> net = Network()
    >>> for n in ("a", "b"): net.add_user(n)
    >>> net.add_trusted_relay("r")
    >>> net.add_fiber("a", "r", length_km=100.0); net.add_fiber("r", "b", length_km=100.0)
    >>> t = service_stages(net, model=PathModel(trials=50))
    >>> t.pair("a", "b").stage
    'trusted-repeater'
    """
    from .routing import routing_table

    owner = "service_stages()"
    net = _check_network(network, owner)
    m = _check_model(model, owner)
    if not isinstance(criterion, str) or criterion not in _CRITERIA:
        raise ParameterError(f"{owner}: criterion={criterion!r} is not allowed; use one of {_CRITERIA}")
    users = net.users if users is None else tuple(users)
    for u in users:
        if not isinstance(u, str) or u not in net:
            raise ParameterError(f"{owner}: user {u!r} is not in the network")
    if len(set(users)) != len(users) or len(users) < 2:
        raise ParameterError(f"{owner}: users={list(users)!r} must be at least two distinct nodes")
    key = routing_table(net, "key", users=users, model=m)
    ent = routing_table(net, "entanglement", users=users, model=m)
    pairs = tuple(_judge(net, kr.source, kr.target, kr, er, criterion, m) for kr, er in zip(key.routes, ent.routes))
    return StageTable(users, pairs, criterion)
