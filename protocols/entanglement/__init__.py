"""Entanglement protocols on two-qubit pairs: swapping, purification, teleportation, remote gates;
and GHZ fusion of n pairs at a star centre (:mod:`~protocols.entanglement.ghz`).

Every function takes dense states ``(..., 4, 4)`` or a :class:`qnet_core.BellDiagonal` and picks
the path from the input's type; both paths call the compiled primitives of
:mod:`qnet_core._pair`.
"""

from . import ghz, purification, remote_gates, swapping, teleportation
from .ghz import *  # noqa: F401,F403
from .purification import *  # noqa: F401,F403
from .remote_gates import *  # noqa: F401,F403
from .swapping import *  # noqa: F401,F403
from .teleportation import *  # noqa: F401,F403

__all__ = [*swapping.__all__, *purification.__all__, *teleportation.__all__, *remote_gates.__all__, *ghz.__all__]
