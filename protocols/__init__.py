"""Network protocols built on the qnet_core engine and the channels package.

Entanglement protocols (swapping, purification, teleportation, remote CNOT, pair QKD figures),
QKD key rates (BB84 and decoy states, BBM92, finite-key, trusted nodes, satellites, bounds),
and repeater chains (heralded links, swap-ASAP and nested protocols with memories).
Submodules stay importable on their own, e.g. ``from protocols.qkd.bb84 import decoy_bb84_rate``;
the entanglement protocols live in :mod:`protocols.entanglement`, the QKD ones in
:mod:`protocols.qkd`. The old flat module paths (``protocols.swapping``, ``protocols.bb84``, ...)
still import for one release, with a DeprecationWarning.
"""

from . import _moved

from .qkd import *  # noqa: F401,F403
from .qkd import PROTOCOLS as KEYRATE_PROTOCOLS
from .qkd import __all__ as _qkd_names
from .links import ElementaryLink, double_click_link, heralded_state, single_click_link, werner_link
from .entanglement_qkd import PairQKDResult, bbm92_secret_fraction, bd_pair_qkd, pair_qkd
from .repeater_chain import PROTOCOLS as CHAIN_PROTOCOLS
from .repeater_chain import SCHEMES, ChainResult, KeyRateComparison, RepeaterChain, key_rate_comparison, simulate_chain
from .entanglement import *  # noqa: F401,F403
from .entanglement import __all__ as _entanglement_names

del PROTOCOLS  # noqa: F821  (from qkd; too vague here: KEYRATE_PROTOCOLS, CHAIN_PROTOCOLS say whose)

_moved.install(__name__, {m: f"entanglement.{m}" for m in ("swapping", "purification", "teleportation",
                                                            "remote_gates")}
               | {m: f"qkd.{m}" for m in ("bb84", "bbm92", "bounds", "finite_key", "keyrate", "trusted_node",
                                          "satellite")})

__all__ = [*_entanglement_names,
    "PairQKDResult", "pair_qkd", "bd_pair_qkd",
    "bbm92_secret_fraction",
    # QKD
    *(n for n in _qkd_names if n != "PROTOCOLS"), "KEYRATE_PROTOCOLS",
    # repeater chains
    "ElementaryLink", "single_click_link", "double_click_link", "werner_link", "heralded_state", "RepeaterChain",
    "ChainResult", "simulate_chain", "KeyRateComparison", "key_rate_comparison", "SCHEMES", "CHAIN_PROTOCOLS",
]
