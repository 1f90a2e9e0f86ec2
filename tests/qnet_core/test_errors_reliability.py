"""Silent failures of the engine (issue 12) raise clear QnetErrors."""

import math
import re
import warnings

import numpy as np
import pytest

import qnet_core as qc
from qnet_core.errors import ChannelError, DimensionError, ParameterError, StateError
from qnet_core.validation import as_real_array


def test_apply_superoperator_rejects_nan():
    with pytest.raises(ChannelError, match=r"apply_superoperator\(\): S of shape \(4, 4\) contains NaN or inf"):
        qc.apply_superoperator(qc.bell_state(), np.full((4, 4), np.nan), [0])


def test_tensor_refuses_more_than_14_qubits_before_allocating():
    bell = qc.bell_state()
    with pytest.raises(DimensionError, match=re.escape("tensor(): the product of states[0..7] has dimension 65536 "
                                                       "(> 2**14); dense density matrices allow at most 14 qubits")):
        qc.tensor(*[bell] * 8)


@pytest.mark.parametrize("bad,exc,match", [
    ("x", StateError, r"tensor\(\): states\[1\] of type str is not a numeric array"),
    (np.ones((2, 3)), DimensionError, r"tensor\(\): states\[1\] has shape \(2, 3\)"),
    (np.full((2, 2), np.nan), StateError, r"tensor\(\): states\[1\] contains NaN or inf"),
])
def test_tensor_validates_its_inputs(bad, exc, match):
    with pytest.raises(exc, match=match):
        qc.tensor(qc.bell_state(), bad)


def test_bd_fidelity_rejects_invalid_coefficients():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(ParameterError, match=r"bd_fidelity\(\): coeffs contains -1.0; Bell coefficients must be "
                                                 r"finite and non-negative"):
            qc.bd_fidelity([2, -1, 0, 0])
        with pytest.raises(ParameterError, match=r"bd_fidelity\(\): coeffs must sum to 1"):
            qc.bd_fidelity([0.5, 0.0, 0.0, 0.0])


@pytest.mark.parametrize("F", [5.0, -0.1, math.nan])
def test_werner_parameter_rejects_non_fidelities(F):
    with pytest.raises(ParameterError, match=rf"werner_parameter\(\): fidelity={F!r} is outside \[0, 1\]"):
        qc.werner_parameter(F)


@pytest.mark.parametrize("p", [math.nan, -0.5, 1.5])
def test_binary_entropy_rejects_non_probabilities(p):
    with pytest.raises(ParameterError, match=rf"binary_entropy\(\): p={p!r} is not a probability; it must lie in"):
        qc.binary_entropy(p)


@pytest.mark.parametrize("fn,arg", [(qc.binary_entropy, True), (qc.binary_entropy, "0.1"),
                                    (qc.werner_parameter, True), (qc.werner_parameter, "0.9")])
def test_bool_and_str_are_not_numbers(fn, arg):
    with pytest.raises(ParameterError, match=r"must be a real number"):
        fn(arg)


@pytest.mark.parametrize("arg", [True, "0.5", np.array([True]), 1j])
def test_as_real_array_rejects_non_reals(arg):
    with pytest.raises(ParameterError, match=r"f\(\): x=.* must be a real number or an array of real numbers"):
        as_real_array(arg, "x", "f")
