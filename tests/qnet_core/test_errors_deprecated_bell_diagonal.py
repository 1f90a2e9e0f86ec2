"""The deprecated ``qnet_core.bd_*`` helpers warn and equal the operations of ``BellDiagonal``.

``bd_swap`` -> ``protocols.entanglement_swap`` of two BellDiagonal states; ``bd_pauli_channel`` ->
:meth:`BellDiagonal.pauli_channel`; ``bd_depolarize`` -> :meth:`BellDiagonal.depolarize`;
``bd_fidelity`` -> :attr:`BellDiagonal.fidelity`. The new operations are checked against the
dense engine (a Pauli channel on one qubit, two-qubit depolarizing).
"""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qnet_core as qc
from qnet_core import BellDiagonal
from qnet_core.errors import ParameterError
from qnet_core.gates import I2, X, Z
from qnet_core.testing import bell_diagonal_coefficients

C1 = np.array([[0.85, 0.07, 0.05, 0.03], [0.6, 0.2, 0.1, 0.1]])
C2 = np.array([0.9, 0.02, 0.05, 0.03])
PAULI_PROBS = np.array([0.9, 0.05, 0.03, 0.02])  # I, X, Y, Z
Y = 1j * X @ Z


def _warns(name, replacement):
    return pytest.warns(DeprecationWarning, match=re.escape(f"qnet_core.{name}() is deprecated; use {replacement}"))


def test_bd_swap():
    from protocols import entanglement_swap

    with _warns("bd_swap", "protocols.entanglement_swap(BellDiagonal(c1), BellDiagonal(c2)).state"):
        got = qc.bd_swap(C1, C2)
    np.testing.assert_array_equal(got, entanglement_swap(BellDiagonal(C1), BellDiagonal(C2)).state.coefficients)


def test_bd_pauli_channel():
    with _warns("bd_pauli_channel", "BellDiagonal(coeffs).pauli_channel(pauli_probs)"):
        got = qc.bd_pauli_channel(C1, PAULI_PROBS)
    np.testing.assert_array_equal(got, BellDiagonal(C1).pauli_channel(PAULI_PROBS).coefficients)


def test_bd_depolarize():
    with _warns("bd_depolarize", "BellDiagonal(coeffs).depolarize(p)"):
        got = qc.bd_depolarize(C1, 0.2)
    np.testing.assert_array_equal(got, BellDiagonal(C1).depolarize(0.2).coefficients)


def test_bd_fidelity():
    with _warns("bd_fidelity", "BellDiagonal(coeffs).fidelity"):
        got = qc.bd_fidelity(C1)
    np.testing.assert_array_equal(got, BellDiagonal(C1).fidelity)


@given(c=bell_diagonal_coefficients(), p=bell_diagonal_coefficients(), qubit=st.integers(0, 1))
def test_pauli_channel_matches_dense(c, p, qubit):
    """A Pauli channel (I, X, Y, Z with probabilities p) on either qubit of the dense state."""
    rho = qc.bell_diagonal(c)
    dense = sum(pk * qc.apply_unitary(rho, P, [qubit]) for pk, P in zip(p, (I2, X, Y, Z)))
    np.testing.assert_allclose(BellDiagonal(c).pauli_channel(p).to_dense(), dense, atol=1e-12)


@given(c=bell_diagonal_coefficients(), p=st.floats(0.0, 1.0))
def test_depolarize_matches_dense(c, p):
    dense = (1 - p) * qc.bell_diagonal(c) + p * np.eye(4) / 4
    np.testing.assert_allclose(BellDiagonal(c).depolarize(p).to_dense(), dense, atol=1e-12)


def test_batches_broadcast():
    s = BellDiagonal.werner([[0.8, 0.9, 0.95]])
    assert s.depolarize([0.1, 0.2, 0.3]).shape == (1, 3)
    assert s.pauli_channel(np.tile(PAULI_PROBS, (2, 1, 1))).shape == (2, 3)  # (1, 3) with (2, 1)


@pytest.mark.parametrize("p", [1.5, -0.1, float("nan"), [0.1, 2.0]])
def test_depolarize_rejects_non_probabilities(p):
    with pytest.raises(ParameterError, match=r"BellDiagonal.depolarize\(\): p=.* is not a probability"):
        BellDiagonal.werner([0.9, 0.8]).depolarize(p)


def test_pauli_channel_rejects_bad_probabilities():
    with pytest.raises(ParameterError, match=r"BellDiagonal.pauli_channel\(\): pauli_probs sums to 1.1"):
        BellDiagonal.werner(0.9).pauli_channel([1.0, 0.1, 0.0, 0.0])
