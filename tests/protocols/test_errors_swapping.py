"""Bad inputs to entanglement swapping raise clear QnetError subclasses."""

import numpy as np
import pytest

import qnet_core as qc
from protocols.entanglement.swapping import bd_entanglement_swap, entanglement_swap, measurement_error_distribution
from qnet_core.errors import DimensionError, ParameterError, StateError


def test_three_qubit_state_is_rejected():
    with pytest.raises(DimensionError, match=r"entanglement_swap\(\): rho2 has shape \(8, 8\).*two-qubit"):
        entanglement_swap(qc.werner(0.9), qc.maximally_mixed(3))


def test_non_density_matrix_is_rejected():
    with pytest.raises(StateError, match=r"entanglement_swap\(\): rho1 has trace 2"):
        entanglement_swap(2 * qc.werner(0.9), qc.werner(0.9))


@pytest.mark.parametrize("kw,match", [({"p2": 1.5}, r"p2=1.5 is not a probability"),
                                      ({"eta": -0.1}, r"eta=-0.1 is not a probability"),
                                      ({"bsm": "photonic"}, r"bsm='photonic' is not allowed")])
def test_bad_parameters(kw, match):
    with pytest.raises(ParameterError, match=match):
        entanglement_swap(qc.werner(0.9), qc.werner(0.9), **kw)
    with pytest.raises(ParameterError, match=match):
        bd_entanglement_swap([1, 0, 0, 0], [1, 0, 0, 0], **kw)


def test_bad_coefficients():
    with pytest.raises(ParameterError, match=r"bd_entanglement_swap\(\): c1 sums to 0.9"):
        bd_entanglement_swap([0.9, 0, 0, 0], [1, 0, 0, 0])
    with pytest.raises(DimensionError, match=r"c2 has shape \(3,\)"):
        bd_entanglement_swap([1, 0, 0, 0], [1, 0, 0])
    with pytest.raises(ParameterError, match=r"non-negative"):
        bd_entanglement_swap([1.2, -0.2, 0, 0], [1, 0, 0, 0])
    with pytest.raises(ParameterError, match=r"eta=2"):
        measurement_error_distribution(2)
    assert np.isclose(measurement_error_distribution(0.5).sum(), 1.0)
