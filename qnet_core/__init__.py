"""qnet_core: the density-matrix engine of qnetsim."""

from .errors import (ChannelError, DimensionError, ParameterError, QnetError, QubitIndexError,
                     ScenarioError, StateError)
from .metrics import binary_entropy
from .random import as_generator, spawn_seeds
