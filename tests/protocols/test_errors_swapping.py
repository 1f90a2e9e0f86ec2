"""Bad inputs to entanglement swapping raise clear QnetError subclasses."""

import numpy as np
import pytest

import qnet_core as qc
from protocols.entanglement.swapping import entanglement_swap, measurement_error_distribution
from qnet_core import BellDiagonal
from qnet_core.errors import DimensionError, ParameterError, StateError


def test_three_qubit_state_is_rejected():
    with pytest.raises(DimensionError, match=r"entanglement_swap\(\): b has shape \(8, 8\).*two-qubit"):
        entanglement_swap(qc.werner(0.9), qc.maximally_mixed(3))


def test_non_density_matrix_is_rejected():
    with pytest.raises(StateError, match=r"entanglement_swap\(\): a has trace 2"):
        entanglement_swap(2 * qc.werner(0.9), qc.werner(0.9))
    with pytest.raises(StateError, match=r"entanglement_swap\(\): b has trace 2"):  # mixed with a BellDiagonal
        entanglement_swap(BellDiagonal.werner(0.9), 2 * qc.werner(0.9))
    for validate in (True, "full"):  # two single pairs are checked together; the error still names the argument
        with pytest.raises(StateError, match=r"entanglement_swap\(\): b has trace 2"):
            entanglement_swap(qc.werner(0.9), 2 * qc.werner(0.9), validate=validate)
        with pytest.raises(StateError, match=r"entanglement_swap\(\): a is not Hermitian"):
            entanglement_swap(qc.werner(0.9) + np.triu(np.ones((4, 4)), 1), qc.werner(0.9), validate=validate)


@pytest.mark.parametrize("kw,match", [({"gate_error": 1.5}, r"gate_error=1.5 is not a probability"),
                                      ({"readout_error": -0.1}, r"readout_error=-0.1 is not a probability"),
                                      ({"gate_error": "0.1"}, r"gate_error='0.1' is not a real number"),
                                      ({"bsm": "photonic"}, r"bsm='photonic' is not allowed"),
                                      ({"bsm": ["ideal"]}, r"bsm=\['ideal'\] is not allowed")])
def test_bad_parameters(kw, match):
    with pytest.raises(ParameterError, match=match):
        entanglement_swap(qc.werner(0.9), qc.werner(0.9), **kw)
    with pytest.raises(ParameterError, match=match):
        entanglement_swap(BellDiagonal([1, 0, 0, 0]), BellDiagonal([1, 0, 0, 0]), **kw)


def test_bad_coefficients_are_caught_by_the_state_type():
    with pytest.raises(ParameterError, match=r"BellDiagonal\(\): coefficients sums to 0.9"):
        entanglement_swap(BellDiagonal([0.9, 0, 0, 0]), BellDiagonal([1, 0, 0, 0]))
    with pytest.raises(DimensionError, match=r"coefficients has shape \(3,\)"):
        BellDiagonal([1, 0, 0])
    with pytest.raises(ParameterError, match=r"non-negative"):
        BellDiagonal([1.2, -0.2, 0, 0])


def test_measurement_error_distribution():
    with pytest.raises(ParameterError, match=r"readout_error=2"):
        measurement_error_distribution(2)
    assert np.isclose(measurement_error_distribution(0.5).sum(), 1.0)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match=r"entanglement_swap\(\) got an unexpected keyword argument 'p3'"):
        entanglement_swap(qc.werner(0.9), qc.werner(0.9), p3=0.1)
