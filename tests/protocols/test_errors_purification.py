"""Bad inputs to purification raise clear QnetError subclasses."""

import pytest

import qnet_core as qc
from protocols.entanglement.purification import dejmps_map, pumping_rounds, purify, recurrence_rounds, werner_twirl
from qnet_core import BellDiagonal
from qnet_core.errors import DimensionError, ParameterError, StateError


def test_single_qubit_state_is_rejected():
    with pytest.raises(DimensionError, match=r"purify\(\): rho1 has shape \(2, 2\).*two-qubit"):
        purify(qc.maximally_mixed(1))
    with pytest.raises(DimensionError, match=r"pumping_rounds\(\): auxiliary has shape \(8, 8\)"):
        pumping_rounds(qc.werner(0.9), 2, auxiliary=qc.maximally_mixed(3))
    with pytest.raises(DimensionError, match=r"pumping_rounds\(\): auxiliary has shape \(8, 8\)"):
        pumping_rounds(BellDiagonal.werner(0.9), 2, auxiliary=qc.maximally_mixed(3))


def test_non_hermitian_state_is_rejected():
    bad = qc.werner(0.9).copy()
    bad[0, 1] = 0.3
    with pytest.raises(StateError, match=r"purify\(\): rho2 is not Hermitian"):
        purify(qc.werner(0.9), bad)


@pytest.mark.parametrize("kw,match", [({"gate_error": 2.0}, r"gate_error=2.0 is not a probability"),
                                      ({"readout_error": float("nan")}, r"readout_error=nan is not a probability"),
                                      ({"method": "hashing"}, r"method='hashing' is not allowed"),
                                      ({"method": None}, r"method=None is not allowed")])
def test_bad_parameters(kw, match):
    with pytest.raises(ParameterError, match=match):
        purify(qc.werner(0.9), **kw)
    with pytest.raises(ParameterError, match=match):
        purify(BellDiagonal([0.9, 0.1, 0, 0]), **kw)
    with pytest.raises(ParameterError, match=match):
        recurrence_rounds(BellDiagonal([0.9, 0.1, 0, 0]), 2, **kw)


@pytest.mark.parametrize("rounds", [0, -1, 1.5, True])
def test_bad_round_count(rounds):
    with pytest.raises(ParameterError, match=r"rounds=.* must be an integer >= 1"):
        recurrence_rounds(qc.werner(0.9), rounds)
    with pytest.raises(ParameterError, match=r"rounds=.* must be an integer >= 1"):
        pumping_rounds(BellDiagonal([1, 0, 0, 0]), rounds)


def test_bad_coefficients():
    with pytest.raises(ParameterError, match=r"dejmps_map\(\): c2 sums to 2"):
        dejmps_map([1, 0, 0, 0], [1, 1, 0, 0])
    with pytest.raises(DimensionError, match=r"werner_twirl\(\): coeffs has shape \(2,\)"):
        werner_twirl([0.5, 0.5])
