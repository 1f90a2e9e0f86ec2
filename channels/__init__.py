"""Physical noise and loss models as validated quantum channels.

``Channel`` holds Kraus operators (checked CPTP) and converts to superoperator, Choi matrix
and Pauli transfer matrix; the catalogue functions build the standard noise channels from
physical parameters; :mod:`channels.fiber`, :mod:`channels.free_space` and
:mod:`channels.detectors` model photonic links and detectors.

>>> import qnet_core as qc
>>> from channels import memory
>>> round(qc.fidelity(memory(1.0, t2_s=2.0).apply(qc.bell_state(), [0]), qc.bell_ket()), 6)
0.803265
"""

import logging

from qnet_core.version import __version__  # noqa: F401

from . import detectors, free_space
from .catalogue import (amplitude_damping, bit_flip, bit_phase_flip, depolarizing, depolarizing_memory,
                        depolarizing_pauli, dephasing, generalized_amplitude_damping, memory, memory_parameters,
                        pauli_channel, phase_flip, rotation_error, thermal_excited_population, unitary_error)
from .channel import Channel, pauli_basis
from .detectors import Detector, ReadoutStatistics
from .fiber import SPEED_OF_LIGHT_KM_PER_S, Fiber
from .free_space import (AIR_MASS_MODELS, DOWNLINK_PRESETS, EARTH_RADIUS_KM, LINK_DIRECTIONS, FreeSpaceLink,
                         LinkBudget, TwoStationGeometry, air_mass, micius_geometry, satellite_downlink, slant_range_km,
                         two_station_geometry)
from .loss import HeraldedChannel, drift_channel, dual_rail_erasure, single_rail_loss
from .metrics import (DiamondNormBounds, average_gate_fidelity, diamond_norm, diamond_norm_bounds, process_fidelity,
                      unitarity)

__all__ = [
    "Channel", "pauli_basis",
    # catalogue
    "bit_flip", "phase_flip", "dephasing", "bit_phase_flip", "pauli_channel", "depolarizing",
    "depolarizing_pauli", "amplitude_damping", "generalized_amplitude_damping", "thermal_excited_population",
    "unitary_error", "rotation_error", "memory", "memory_parameters", "depolarizing_memory",
    # photonic links
    "Fiber", "SPEED_OF_LIGHT_KM_PER_S", "HeraldedChannel", "single_rail_loss", "dual_rail_erasure",
    "drift_channel", "FreeSpaceLink", "LinkBudget", "satellite_downlink", "slant_range_km", "EARTH_RADIUS_KM",
    "TwoStationGeometry", "two_station_geometry", "micius_geometry", "DOWNLINK_PRESETS", "AIR_MASS_MODELS",
    "LINK_DIRECTIONS", "air_mass",
    # detectors
    "Detector", "ReadoutStatistics", "detectors", "free_space",
    # channel metrics
    "process_fidelity", "average_gate_fidelity", "unitarity", "diamond_norm", "diamond_norm_bounds",
    "DiamondNormBounds",
]

# Module loggers (logging.getLogger(__name__)) only; output is the application's choice.
logging.getLogger(__name__).addHandler(logging.NullHandler())
