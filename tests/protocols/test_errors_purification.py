"""Bad inputs to purification raise clear QnetError subclasses."""

import pytest

import qnet_core as qc
from protocols.entanglement.purification import (bd_pumping_rounds, bd_purify, bd_recurrence_rounds, pumping_rounds, purify,
                                    recurrence_rounds, werner_twirl)
from qnet_core.errors import DimensionError, ParameterError, StateError


def test_single_qubit_state_is_rejected():
    with pytest.raises(DimensionError, match=r"purify\(\): rho1 has shape \(2, 2\).*two-qubit"):
        purify(qc.maximally_mixed(1))
    with pytest.raises(DimensionError, match=r"pumping_rounds\(\): auxiliary has shape \(8, 8\)"):
        pumping_rounds(qc.werner(0.9), 2, auxiliary=qc.maximally_mixed(3))


def test_non_hermitian_state_is_rejected():
    bad = qc.werner(0.9).copy()
    bad[0, 1] = 0.3
    with pytest.raises(StateError, match=r"purify\(\): rho2 is not Hermitian"):
        purify(qc.werner(0.9), bad)


@pytest.mark.parametrize("kw,match", [({"p2": 2.0}, r"p2=2.0 is not a probability"),
                                      ({"eta": float("nan")}, r"eta=nan is not a probability"),
                                      ({"method": "hashing"}, r"method='hashing' is not allowed")])
def test_bad_parameters(kw, match):
    with pytest.raises(ParameterError, match=match):
        purify(qc.werner(0.9), **kw)
    with pytest.raises(ParameterError, match=match):
        bd_purify([0.9, 0.1, 0, 0], **kw)
    with pytest.raises(ParameterError, match=match):
        bd_recurrence_rounds([0.9, 0.1, 0, 0], 2, **kw)


@pytest.mark.parametrize("rounds", [0, -1, 1.5, True])
def test_bad_round_count(rounds):
    with pytest.raises(ParameterError, match=r"rounds=.* must be an integer >= 1"):
        recurrence_rounds(qc.werner(0.9), rounds)
    with pytest.raises(ParameterError, match=r"rounds=.* must be an integer >= 1"):
        bd_pumping_rounds([1, 0, 0, 0], rounds)


def test_bad_coefficients():
    with pytest.raises(ParameterError, match=r"bd_purify\(\): c2 sums to 2"):
        bd_purify([1, 0, 0, 0], [1, 1, 0, 0])
    with pytest.raises(DimensionError, match=r"werner_twirl\(\): coeffs has shape \(2,\)"):
        werner_twirl([0.5, 0.5])
