"""Distributed computing between two routed nodes: a remote CNOT and a teleported qubit over delivered pairs.

The application layer of issue 15. The pair that a routed path delivers (the mean state of a
repeater chain's Monte Carlo, or of a satellite's pair source, exactly as :func:`route` evaluated it)
is the resource of a remote CNOT (Eisert, Jacobs, Papadopoulos, Plenio, PRA 62, 052317 (2000):
one shared pair, two local CNOTs, two measurements, two classical bits) and of teleporting a qubit
from one node to the other, so that a gate can run where the qubit arrives. Both figures come from
the standalone protocols (:func:`protocols.entanglement.remote_cnot_fidelity` and
:func:`protocols.entanglement.teleportation_fidelity`), with the nodes' gate and readout errors;
the rate of gates is the rate of delivered pairs (one pair per gate).
"""

from __future__ import annotations

from dataclasses import dataclass

from qnet_core.errors import ParameterError

from .._common import Result, _probability
from ..entanglement.remote_gates import remote_cnot_fidelity
from ..entanglement.teleportation import teleportation_fidelity
from .evaluation import PathModel
from .routing import route
from .topology import Network

__all__ = ["DistributedGateResult", "remote_gate"]


@dataclass(frozen=True, slots=True, repr=False)
class DistributedGateResult(Result):
    """A remote CNOT and a teleported qubit between two nodes over the pairs of their best route.

    Attributes
    ----------
    source, target : str
        The two nodes (the CNOT's control and target).
    path : tuple of str
        The route whose pairs are used.
    mode : str
        Its mode ("direct" or "repeater").
    pair_rate_hz, pair_rate_hz_stderr : float
        Delivered pairs per second (one gate each) and its standard error.
    pair_fidelity : float
        Fidelity of the mean delivered pair to ``|phi+>``.
    process_fidelity, average_gate_fidelity : float
        Of the remote CNOT with that pair (exact for the mean pair).
    teleportation_fidelity : float
        Haar-averaged fidelity of a qubit teleported from ``source`` to ``target``.
    """

    source: str
    target: str
    path: tuple
    mode: str
    pair_rate_hz: float
    pair_rate_hz_stderr: float
    pair_fidelity: float
    process_fidelity: float
    average_gate_fidelity: float
    teleportation_fidelity: float


def remote_gate(network: Network, source: str, target: str, *, gate_error: float = 0.0,
                readout_error: float = 0.0, model: PathModel | None = None, k: int = 4) -> DistributedGateResult:
    """Route entanglement between two nodes, then run a remote CNOT and a teleportation over its pairs.

    Parameters
    ----------
    network : Network
        The topology.
    source, target : str
        Two distinct nodes able to hold qubits (users, repeaters or ground stations).
    gate_error : float, default 0
        Two-qubit depolarizing probability after each local CNOT of the remote gate, in [0, 1].
    readout_error : float, default 0
        Probability that each measured bit is misread, in [0, 1].
    model : PathModel, optional
        How paths are evaluated (chain templates, trials, seed); default ``PathModel()``.
    k : int, default 4
        Candidate paths per mode (see :func:`route`).

    Returns
    -------
    DistributedGateResult

    Raises
    ------
    ParameterError
        Bad errors, or no path delivers entanglement between the nodes.

    Examples
    --------
    >>> net = Network("pair")
    >>> net.add_user("a", position_km=(0, 0)); net.add_user("b", position_km=(10, 0))
    >>> net.add_fiber("a", "b")
    >>> r = remote_gate(net, "a", "b", model=PathModel(trials=50))
    >>> r.path, 0.5 < r.process_fidelity <= 1.0
    (('a', 'b'), True)
    """
    owner = "remote_gate"
    g = _probability(gate_error, "gate_error", owner)
    q = _probability(readout_error, "readout_error", owner)
    res = route(network, source, target, "entanglement", k=k, model=model)
    best = res.best
    if best is None:
        why = res.candidates[0].reason if res.candidates else "no path joins them"
        raise ParameterError(f"{owner}(): no path delivers entanglement between {source!r} and {target!r}: {why}")
    seg = best.segments[0]
    state = getattr(seg.detail, "mean_state", None)
    if state is None or len(best.segments) != 1:  # pragma: no cover - entanglement paths are one segment
        raise ParameterError(f"{owner}(): the route {best.path} has no delivered pair state")
    cnot = remote_cnot_fidelity(state, gate_error=g, readout_error=q, validate=False)
    tele = teleportation_fidelity(state, gate_error=g, readout_error=q, validate=False)
    return DistributedGateResult(source, target, tuple(best.path), best.mode, float(best.rate),
                                 float(best.rate_stderr), float(best.fidelity), float(cnot.process_fidelity),
                                 float(cnot.average_gate_fidelity), float(tele.average_fidelity))
