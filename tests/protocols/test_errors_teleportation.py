"""Bad inputs to teleportation raise clear QnetError subclasses."""

import pytest

import qnet_core as qc
from protocols.entanglement.teleportation import teleport, teleport_entangled, teleportation_fidelity
from qnet_core import BellDiagonal
from qnet_core.errors import DimensionError, ParameterError, StateError


def test_wrong_shapes():
    with pytest.raises(DimensionError, match=r"teleport\(\): psi has shape \(4, 4\).*single-qubit"):
        teleport(qc.werner(0.9), qc.werner(0.9))
    with pytest.raises(DimensionError, match=r"teleport\(\): resource has shape \(2, 2\).*two-qubit"):
        teleport([1, 0], qc.maximally_mixed(1))
    with pytest.raises(DimensionError, match=r"teleport_entangled\(\): state has shape \(2, 2\)"):
        teleport_entangled(qc.maximally_mixed(1), qc.werner(0.9))
    with pytest.raises(DimensionError, match=r"psi has shape \(3,\)"):
        teleport([1, 0, 0], qc.werner(0.9))


def test_unnormalized_ket():
    with pytest.raises(StateError, match=r"teleport\(\): psi has norm 2"):
        teleport([2, 0], qc.werner(0.9))


@pytest.mark.parametrize("kw,match", [({"gate_error": -0.5}, r"gate_error=-0.5 is not a probability"),
                                      ({"readout_error": 1.01}, r"readout_error=1.01 is not a probability"),
                                      ({"distance_km": -1.0}, r"distance_km=-1.0"),
                                      ({"t1_s": 1.0, "t2_s": 3.0}, r"t2_s=3.0 exceeds 2\*t1_s"),
                                      ({"t1_s": -1.0}, r"t1_s=-1.0")])
def test_bad_parameters(kw, match):
    with pytest.raises(ParameterError, match=match):
        teleportation_fidelity(qc.werner(0.9), **kw)
    with pytest.raises(ParameterError, match=match):
        teleport([1, 0], BellDiagonal([1, 0, 0, 0]), **kw)
    with pytest.raises(ParameterError, match=match):
        teleport_entangled(qc.bell_state("phi+"), qc.werner(0.9), **kw)
