"""qnet_core: the density-matrix engine of qnetsim.

States are complex128 arrays ``(..., 2**n, 2**n)`` (leading axes are a batch); qubit 0
is the most significant bit of the basis index (QuTiP's tensor order). Operations
contract only their target qubits in numba-compiled kernels.

>>> import qnet_core as qc
>>> rho = qc.werner(0.95)
>>> round(qc.fidelity(rho, qc.bell_state("phi+")), 6)
0.95
"""

import logging

from . import gates
from .bell_diagonal import (BellDiagonal, bd_depolarize, bd_fidelity, bd_pauli_channel, bd_swap,
                            from_bell_diagonal, to_bell_diagonal, twirl, twirl_dense)
from .errors import (ChannelError, DimensionError, ParameterError, QnetError, QubitIndexError,
                     ScenarioError, StateError)
from .measurement import Measurement, bell_measure, measure, sample_measurement
from .metrics import (bell_coefficients, binary_entropy, concurrence, entropy, fidelity, fidelity_pure,
                      log_negativity, negativity, purity, trace_distance)
from .multipartite import (depolarized_ghz, ghz_fidelity, ghz_ket, ghz_stabilizers, ghz_state, graph_ket,
                           graph_stabilizers, graph_state, pauli_operator)
from .ops import (OperationSequence, apply_kraus, apply_superoperator, apply_unitary, kraus_to_superoperator,
                  num_qubits, partial_trace, partial_transpose, permute_qubits)
from .qutip_bridge import MissingDependencyError, from_qobj, to_qobj
from .random import as_generator, spawn_seeds
from .states import (BELL_KETS, BELL_NAMES, basis_ket, basis_state, bell_diagonal, bell_ket, bell_state,
                     fidelity_from_werner_parameter, ket_to_dm, maximally_mixed, random_density_matrix,
                     random_ket, random_kraus, random_unitary, tensor, werner, werner_parameter)

from .version import __version__

__all__ = [
    "gates",
    # states
    "BELL_NAMES", "BELL_KETS", "ket_to_dm", "basis_ket", "basis_state", "bell_ket", "bell_state", "werner",
    "werner_parameter", "fidelity_from_werner_parameter", "bell_diagonal", "tensor", "maximally_mixed",
    "random_ket", "random_density_matrix", "random_unitary", "random_kraus",
    # operations
    "apply_unitary", "apply_kraus", "apply_superoperator", "kraus_to_superoperator", "OperationSequence",
    "partial_trace", "partial_transpose", "permute_qubits", "num_qubits",
    # measurement
    "Measurement", "measure", "bell_measure", "sample_measurement",
    # metrics
    "fidelity", "fidelity_pure", "trace_distance", "purity", "entropy", "concurrence", "negativity",
    "log_negativity", "bell_coefficients", "binary_entropy",
    # Bell-diagonal states (the bd_* helpers are deprecated aliases)
    "BellDiagonal", "to_bell_diagonal", "from_bell_diagonal", "twirl", "twirl_dense", "bd_swap", "bd_pauli_channel",
    "bd_depolarize", "bd_fidelity",
    # multipartite states
    "ghz_ket", "ghz_state", "depolarized_ghz", "ghz_fidelity", "ghz_stabilizers", "graph_ket", "graph_state",
    "graph_stabilizers", "pauli_operator",
    # errors and randomness
    "QnetError", "StateError", "DimensionError", "QubitIndexError", "ParameterError", "ChannelError",
    "ScenarioError", "as_generator", "spawn_seeds",
    # QuTiP bridge (QuTiP is an optional extra)
    "to_qobj", "from_qobj", "MissingDependencyError",
]

# A library logs through module loggers (logging.getLogger(__name__)) and leaves output to the
# application: without this handler, Python would print warnings of ours to stderr.
logging.getLogger(__name__).addHandler(logging.NullHandler())
