"""Network protocols built on the qnet_core engine and the channels package.

Entanglement protocols (swapping, purification, teleportation, remote CNOT, pair QKD figures),
QKD key rates (BB84 and decoy states, BBM92, finite-key, trusted nodes, satellites, bounds),
and repeater chains (heralded links, swap-ASAP and nested protocols with memories).
Submodules stay importable on their own, e.g. ``from protocols.bb84 import decoy_bb84_rate``;
the entanglement protocols live in :mod:`protocols.entanglement`. The old flat module paths
(``protocols.swapping``, ...) still import for one release, with a DeprecationWarning.
"""

from . import _moved

from .bb84 import (DECOY_METHODS, GYS_2004, SIFT_FACTOR, MonteCarloResult, QKDSystem, bb84_single_photon_rate,
                   coherent_gain_error, decoy_bb84_rate, decoy_estimates_vacuum_weak, max_distance_km, optimal_mu,
                   shor_preskill_key_fraction, simulate_decoy_bb84, single_photon_yield_error)
from .bbm92 import bbm92_gain_error, bbm92_optimal_pair_number, bbm92_rate
from .bounds import fiber_transmissivity, plob_bound, plob_bound_fiber, tgw_bound
from .finite_key import FiniteKeyResult, finite_key_curve, finite_key_length, finite_key_rate
from .keyrate import COLUMNS, KeyRateCurve, key_rate_curve, plot_key_rate_curves
from .keyrate import PROTOCOLS as KEYRATE_PROTOCOLS
from .links import ElementaryLink, double_click_link, heralded_state, single_click_link, werner_link
from .entanglement_qkd import PairQKDResult, bbm92_secret_fraction, bd_pair_qkd, pair_qkd
from .repeater_chain import PROTOCOLS as CHAIN_PROTOCOLS
from .repeater_chain import SCHEMES, ChainResult, KeyRateComparison, RepeaterChain, key_rate_comparison, simulate_chain
from .satellite import LIAO_2017, SatelliteKeyRate, satellite_key_rate
from .entanglement import *  # noqa: F401,F403
from .entanglement import __all__ as _entanglement_names
from .trusted_node import LINK_PROTOCOLS, TrustedNodeResult, equal_links, trusted_node_chain

_moved.install(__name__, {m: f"entanglement.{m}" for m in ("swapping", "purification", "teleportation",
                                                            "remote_gates")})

__all__ = [*_entanglement_names,
    "PairQKDResult", "pair_qkd", "bd_pair_qkd",
    "bbm92_secret_fraction",
    # QKD
    "QKDSystem", "GYS_2004", "DECOY_METHODS", "SIFT_FACTOR", "shor_preskill_key_fraction",
    "single_photon_yield_error", "coherent_gain_error", "bb84_single_photon_rate", "decoy_bb84_rate",
    "decoy_estimates_vacuum_weak", "optimal_mu", "max_distance_km", "MonteCarloResult", "simulate_decoy_bb84",
    "plob_bound", "tgw_bound", "fiber_transmissivity", "plob_bound_fiber", "bbm92_gain_error", "bbm92_rate",
    "bbm92_optimal_pair_number", "FiniteKeyResult", "finite_key_length", "finite_key_rate", "finite_key_curve",
    "TrustedNodeResult", "trusted_node_chain", "equal_links", "LINK_PROTOCOLS", "LIAO_2017", "SatelliteKeyRate",
    "satellite_key_rate", "KEYRATE_PROTOCOLS", "COLUMNS", "KeyRateCurve", "key_rate_curve", "plot_key_rate_curves",
    # repeater chains
    "ElementaryLink", "single_click_link", "double_click_link", "werner_link", "heralded_state", "RepeaterChain",
    "ChainResult", "simulate_chain", "KeyRateComparison", "key_rate_comparison", "SCHEMES", "CHAIN_PROTOCOLS",
]
