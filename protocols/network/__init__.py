"""Quantum networks: topologies, path evaluation on the one physics core, and routing.

* :mod:`~protocols.network.topology`: :class:`Network`, typed nodes (users, repeaters, trusted
  relays, switches, ground stations, satellites) and links (fibre, free-space, satellite
  downlinks) on a :class:`networkx.Graph`, with positions in km or latitude/longitude;
* :mod:`~protocols.network.formats`: the TOML topology format, SeQUeNCe JSON import/export,
  GraphML export;
* :mod:`~protocols.network.evaluation`: what one path delivers for a service (secret key,
  entangled pairs, teleportation), computed by the QKD link, trusted-node, satellite and
  repeater-chain models of :mod:`protocols.qkd` and :mod:`protocols.repeaters`;
* :mod:`~protocols.network.routing`: candidate paths (Yen's k shortest, widest), ranking by the
  service's figure, direct / trusted-relay / repeater options side by side, routing tables;
* :mod:`~protocols.network.concurrent`: several requests at once on shared memories, an
  event-driven Monte Carlo with the chain's physics and a scheduling policy;
* :mod:`~protocols.network.stages`: the highest stage of the quantum internet (Wehner, Elkouss,
  Hanson, Science 362, eaam9288 (2018)) each pair of users reaches, with its figure and threshold.
"""

from . import computing, concurrent, evaluation, formats, routing, stages, topology
from .computing import *  # noqa: F401,F403
from .concurrent import *  # noqa: F401,F403
from .evaluation import *  # noqa: F401,F403
from .formats import *  # noqa: F401,F403
from .routing import *  # noqa: F401,F403
from .stages import *  # noqa: F401,F403
from .topology import *  # noqa: F401,F403

__all__ = [*topology.__all__, *formats.__all__, *evaluation.__all__, *routing.__all__, *stages.__all__,
           *concurrent.__all__, *computing.__all__]
