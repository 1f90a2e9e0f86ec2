"""Computing over the network: universal blind quantum computation with a remote client.

* :mod:`~protocols.computing.blind`: the Broadbent-Fitzsimons-Kashefi protocol with the
  client's qubits sent over a noisy, lossy link; the success probability of a small blind
  computation, the failure rate of trap qubits (verification) and the server's view (blindness).
"""

from . import blind
from .blind import *  # noqa: F401,F403

__all__ = [*blind.__all__]
