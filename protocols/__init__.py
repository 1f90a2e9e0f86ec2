"""Network protocols built on the qnet_core engine and the channels package.

Entanglement protocols (swapping, purification, teleportation, remote CNOT, pair QKD figures),
QKD key rates (BB84 and decoy states, BBM92, finite-key, trusted nodes, satellites, bounds),
and repeater chains (heralded links, swap-ASAP and nested protocols with memories); GHZ fusion,
conference keys and blind quantum computation (:mod:`protocols.computing`).
Submodules stay importable on their own, e.g. ``from protocols.qkd.bb84 import decoy_bb84_rate``;
the entanglement protocols live in :mod:`protocols.entanglement`, the QKD ones in
:mod:`protocols.qkd`, links and repeater chains in :mod:`protocols.repeaters`, topologies,
routing and service planning in :mod:`protocols.network` (imported on first use, with networkx).
The old flat module paths (``protocols.swapping``, ``protocols.bb84``, ...) still import for one
release, with a DeprecationWarning.
"""

import logging

from qnet_core.version import __version__  # noqa: F401

from . import _moved

from .qkd import *  # noqa: F401,F403
from .qkd import PROTOCOLS as KEYRATE_PROTOCOLS
from .qkd import __all__ as _qkd_names
from .repeaters import *  # noqa: F401,F403
from .repeaters import PROTOCOLS as CHAIN_PROTOCOLS
from .repeaters import __all__ as _repeater_names
from .entanglement import *  # noqa: F401,F403
from .entanglement import __all__ as _entanglement_names
from .computing import *  # noqa: F401,F403
from .computing import __all__ as _computing_names

del PROTOCOLS  # noqa: F821  (two modules define it: KEYRATE_PROTOCOLS, CHAIN_PROTOCOLS say whose)

_moved.install(__name__, {m: f"entanglement.{m}" for m in ("swapping", "purification", "teleportation",
                                                            "remote_gates")}
               | {m: f"qkd.{m}" for m in ("bb84", "bbm92", "bounds", "finite_key", "keyrate", "trusted_node",
                                          "satellite", "entanglement_qkd")}
               | {"links": "repeaters.links", "repeater_chain": "repeaters.repeater_chain"})

__all__ = [*_entanglement_names,
           *(n for n in _qkd_names if n != "PROTOCOLS"), "KEYRATE_PROTOCOLS",
           *(n for n in _repeater_names if n != "PROTOCOLS"), "CHAIN_PROTOCOLS", *_computing_names]



def __getattr__(name: str):
    """``protocols.network`` on first use: networkx is imported only by the code that needs it."""
    if name == "network":
        import importlib

        return importlib.import_module(".network", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Module loggers (logging.getLogger(__name__)) only; output is the application's choice.
logging.getLogger(__name__).addHandler(logging.NullHandler())
