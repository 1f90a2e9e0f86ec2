"""Quantum key distribution: secret-key rates of point-to-point links and of networks without repeaters.

* :mod:`~protocols.qkd.system`: the hardware of a fiber link (:class:`QKDSystem`) and the link
  model every module here uses;
* :mod:`~protocols.qkd.bb84`: BB84 with a single-photon source and with weak coherent pulses and
  decoy states (asymptotic GLLP rates, the intensity optimized), and a Monte Carlo of the
  protocol; :mod:`~protocols.qkd.bbm92`: the entanglement-based version with an SPDC source;
* :mod:`~protocols.qkd.finite_key`: the finite-size key of decoy BB84 (Lim et al. 2014);
* :mod:`~protocols.qkd.bounds`: the repeaterless PLOB and TGW bounds;
* :mod:`~protocols.qkd.trusted_node`: chains of links joined by trusted relays;
  :mod:`~protocols.qkd.satellite`: satellite-to-ground downlinks;
* :mod:`~protocols.qkd.conference`: conference keys of N parties over GHZ states (N-BB84),
  compared with pairwise keys through a star centre;
* :mod:`~protocols.qkd.keyrate`: key rate versus distance as a :class:`KeyRateCurve`
  (:mod:`~protocols.qkd.curve`), the table behind ``qnet keyrate``.

Every module states its model and its papers. The rates are closed forms on numpy arrays
(shared in the private ``_common``); only the Monte Carlo has a compiled kernel, and numba is
imported on its first run, not here.
"""

from . import (bb84, bbm92, bounds, conference, curve, entanglement_qkd, finite_key, keyrate, satellite, system,
               trusted_node)
from .bb84 import *  # noqa: F401,F403
from .bbm92 import *  # noqa: F401,F403
from .bounds import *  # noqa: F401,F403
from .conference import *  # noqa: F401,F403
from .curve import *  # noqa: F401,F403
from .entanglement_qkd import *  # noqa: F401,F403
from .finite_key import *  # noqa: F401,F403
from .keyrate import *  # noqa: F401,F403
from .satellite import *  # noqa: F401,F403
from .system import *  # noqa: F401,F403
from .trusted_node import *  # noqa: F401,F403

__all__ = [*system.__all__, *bb84.__all__, *bbm92.__all__, *bounds.__all__, *finite_key.__all__, *curve.__all__,
           *keyrate.__all__, *trusted_node.__all__, *satellite.__all__, *entanglement_qkd.__all__,
           *conference.__all__]
