"""Quantum repeaters: heralded elementary links and the repeater-chain Monte Carlo.

:mod:`~protocols.repeaters.links` gives the exact heralded two-qubit states and timing of
single-click and double-click links; :mod:`~protocols.repeaters.repeater_chain` simulates
swap-ASAP and nested chains with memories, cutoffs and purification in a compiled
event-driven loop (:mod:`protocols.repeaters._kernels`) built on the pair primitives of
:mod:`qnet_core._pair`.
"""

from . import links, repeater_chain
from .links import *  # noqa: F401,F403
from .repeater_chain import *  # noqa: F401,F403

__all__ = [*links.__all__, *repeater_chain.__all__]
