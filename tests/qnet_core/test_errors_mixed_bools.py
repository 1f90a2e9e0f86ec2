"""Bools inside arrays and lists are refused like bool scalars: ``True`` is not a number here.

``np.asarray([True, 0.5])`` silently becomes ``[1.0, 0.5]``; the validators look at the list
itself, so ``[True, 0.5]`` raises with a message naming the argument.
"""

from __future__ import annotations

import numpy as np
import pytest

import qnet_core as qc
from qnet_core.errors import ParameterError
from qnet_core.validation import as_density_matrix, as_kraus, as_real_array

MIXED = {
    "flat": [True, 0.5],
    "numpy bool": [0.5, np.True_],
    "nested": [[0.1, 0.2], [False, 0.3]],
    "tuple": (0.2, True),
    "bool array inside a list": [np.array([True, False]), np.array([0.5, 0.5])],
}


@pytest.mark.parametrize("value", MIXED.values(), ids=MIXED.keys())
def test_as_real_array_refuses_bools_inside_lists(value):
    with pytest.raises(ParameterError, match=r"f\(\): x=.* contains a bool; True and False are not numbers here"):
        as_real_array(value, "x", "f")


def test_as_real_array_keeps_numbers():
    assert as_real_array([1, 0.5, np.float32(2)], "x").tolist() == [1.0, 0.5, 2.0]


def test_states_refuse_bools_in_lists_and_bool_arrays():
    with pytest.raises(ParameterError, match=r"purity\(\): rho=\[\[True, 0\], \[0, 0\]\] contains a bool"):
        qc.purity([[True, 0], [0, 0]])
    with pytest.raises(ParameterError, match=r"g\(\): rho=<\(2, 2\) bool array> contains a bool"):
        as_density_matrix(np.eye(2, dtype=bool), owner="g")
    with pytest.raises(ParameterError, match=r"kraus=.* contains a bool"):
        as_kraus([[True, 0], [0, 1]])


def test_long_values_are_shortened_in_the_message():
    value = [0.001] * 100 + [True]
    with pytest.raises(ParameterError, match=r"x=\[0.001, .*\.\.\. contains a bool") as info:
        as_real_array(value, "x")
    assert len(str(info.value)) < 200
