"""Bad inputs to the remote CNOT raise clear QnetError subclasses."""

import pytest

import qnet_core as qc
from protocols.entanglement.remote_gates import remote_cnot, remote_cnot_error_distribution, remote_cnot_fidelity
from qnet_core import BellDiagonal
from qnet_core.errors import DimensionError, ParameterError


def test_bad_register_and_pair():
    with pytest.raises(DimensionError, match=r"remote_cnot\(\): state has 1 qubit"):
        remote_cnot(qc.maximally_mixed(1), qc.werner(0.9))
    with pytest.raises(DimensionError, match=r"remote_cnot\(\): pair has shape \(8, 8\)"):
        remote_cnot(qc.werner(0.9), qc.maximally_mixed(3))
    with pytest.raises(DimensionError, match=r"control and target are both qubit 1"):
        remote_cnot(qc.werner(0.9), qc.werner(0.9), control=1, target=1)
    with pytest.raises(DimensionError, match=r"target=3 is not a qubit of the 2-qubit state"):
        remote_cnot(qc.werner(0.9), BellDiagonal([1, 0, 0, 0]), target=3)


def test_bad_probabilities():
    with pytest.raises(ParameterError, match=r"remote_cnot_fidelity\(\): gate_error=1.2 is not a probability"):
        remote_cnot_fidelity(qc.werner(0.9), gate_error=1.2)
    with pytest.raises(ParameterError, match=r"remote_cnot\(\): readout_error=-1.0 is not a probability"):
        remote_cnot(qc.werner(0.9), BellDiagonal.werner(0.9), readout_error=-1.0)
    with pytest.raises(ParameterError, match=r"remote_cnot_error_distribution\(\): coeffs sums to 1.1"):
        remote_cnot_error_distribution([1, 0.1, 0, 0])
