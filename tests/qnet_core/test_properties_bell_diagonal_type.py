"""The validated Bell-diagonal state type ``qnet_core.bell_diagonal.BellDiagonal``.

Round trips with the dense form, the twirl (Bennett, DiVincenzo, Smolin, Wootters,
PRA 54, 3824 (1996)), batch indexing, immutability, and the error messages of bad input.
"""

import pickle
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qnet_core as qc
from qnet_core.bell_diagonal import BellDiagonal
from qnet_core.errors import DimensionError, ParameterError, StateError
from qnet_core.testing import bell_diagonal_coefficients, density_matrices

coefficients = bell_diagonal_coefficients()


# ============================================================================ round trips
@given(c=coefficients)
def test_dense_round_trip(c):
    s = BellDiagonal(c)
    assert s.shape == ()
    dense = s.to_dense()
    assert dense.shape == (4, 4) and dense.dtype == np.complex128
    np.testing.assert_allclose(dense, qc.bell_diagonal(c), atol=1e-15)
    np.testing.assert_allclose(BellDiagonal.from_dense(dense).coefficients, c, atol=1e-12)
    np.testing.assert_allclose(BellDiagonal.twirl(dense).coefficients, c, atol=1e-12)


@given(rho=density_matrices(2))
def test_twirl_keeps_every_bell_fidelity(rho):
    s = BellDiagonal.twirl(rho)
    for k, name in enumerate(qc.BELL_NAMES):
        assert abs(s.coefficients[k] - qc.fidelity(rho, qc.bell_ket(name))) < 1e-10
    assert abs(s.fidelity - qc.fidelity(rho, qc.bell_ket())) < 1e-10
    BellDiagonal(s.coefficients)  # the twirl passes its own validation


@given(F=st.floats(0.0, 1.0))
def test_werner(F):
    s = BellDiagonal.werner(F)
    np.testing.assert_allclose(s.to_dense(), qc.werner(F), atol=1e-15)
    assert s.fidelity == pytest.approx(F, abs=1e-15)
    assert s.werner_parameter == pytest.approx(qc.werner_parameter(F), abs=1e-15)


def test_batches():
    F = np.linspace(0.5, 1.0, 12).reshape(3, 4)
    s = BellDiagonal.werner(F)
    assert s.shape == (3, 4) and len(s) == 3
    assert s.to_dense().shape == (3, 4, 4, 4)
    np.testing.assert_array_equal(s.fidelity, F)
    assert isinstance(s[1], BellDiagonal) and s[1].shape == (4,)
    assert s[1, 2].shape == () and s[1, 2].fidelity == F[1, 2]
    assert s[:, 0].shape == (3,) and s[..., 0].shape == (3,)
    assert s[F > 0.8].shape == (int(np.sum(F > 0.8)),)
    assert [t.shape for t in s] == [(4,)] * 3
    np.testing.assert_allclose(BellDiagonal.from_dense(s.to_dense()).coefficients, s.coefficients, atol=1e-15)


def test_single_states_have_no_length_and_no_items():
    s = BellDiagonal.werner(0.9)
    with pytest.raises(TypeError, match="single BellDiagonal"):
        len(s)
    with pytest.raises(TypeError, match="single BellDiagonal"):
        s[0]


def test_repr():
    assert repr(BellDiagonal([0.95, 0.05, 0.0, 0.0])) == "BellDiagonal(fidelity=0.95)"
    assert repr(BellDiagonal.werner(np.full(1000, 0.93))) == "BellDiagonal(shape=(1000,), mean fidelity=0.93)"
    assert repr(BellDiagonal(np.empty((0, 4)))) == "BellDiagonal(shape=(0,))"


def test_immutable_and_read_only():
    c = np.array([0.7, 0.1, 0.1, 0.1])
    s = BellDiagonal(c)
    c[0] = 0.0  # the state holds a copy
    assert s.fidelity == 0.7
    with pytest.raises(ValueError):
        s.coefficients[0] = 0.5
    with pytest.raises(AttributeError, match="immutable"):
        s.coefficients = c
    with pytest.raises(AttributeError):
        s.other = 1
    assert not hasattr(s, "__dict__")


def test_pickle_round_trip():
    s = BellDiagonal.werner([0.8, 0.9])
    t = pickle.loads(pickle.dumps(s))
    np.testing.assert_array_equal(t.coefficients, s.coefficients)
    assert not t.coefficients.flags.writeable


def test_trusted_skips_checks_and_freezes():
    raw = np.array([2.0, -1.0, 0.0, 0.0])
    s = BellDiagonal._trusted(raw)
    assert s.coefficients is raw and not raw.flags.writeable


def test_tiny_negative_round_off_is_accepted_and_clipped():
    s = BellDiagonal([1.0 + 5e-13, -5e-13, 0.0, 0.0])
    assert s.coefficients.min() == 0.0


# ============================================================================ errors
BAD = {
    "short": ([0.5, 0.5, 0.0], DimensionError, "BellDiagonal(): coefficients has shape (3,); Bell coefficients must "
                                               "have shape (..., 4)"),
    "scalar": (1.0, DimensionError, "BellDiagonal(): coefficients has shape ()"),
    "negative": ([0.6, 0.5, 0.0, -0.1], ParameterError,
                 "BellDiagonal(): coefficients has the entry -0.1 at index 3; Bell coefficients must be non-negative"),
    "batch negative": ([[1, 0, 0, 0], [0.6, 0.6, -0.2, 0.0]], ParameterError, "at index (1, 2)"),
    "sum": ([0.5, 0.5, 0.5, 0.0], ParameterError,
            "BellDiagonal(): coefficients sums to 1.5; Bell coefficients must sum to 1"),
    "nan": ([np.nan, 0.0, 0.0, 1.0], ParameterError, "BellDiagonal(): coefficients contains nan; Bell coefficients "
                                                     "must be finite"),
    "inf": ([np.inf, 0.0, 0.0, 1.0], ParameterError, "contains inf"),
    "complex": ([0.5j, 0.5, 0.0, 0.5], ParameterError, "BellDiagonal(): coefficients=[0.5j, 0.5, 0.0, 0.5] is not "
                                                        "allowed; Bell coefficients must be real numbers"),
    "text": ("abcd", ParameterError, "BellDiagonal(): coefficients='abcd' is not allowed"),
}


@pytest.mark.parametrize("value, exc, message", BAD.values(), ids=BAD.keys())
def test_bad_coefficients(value, exc, message):
    with pytest.raises(exc, match=re.escape(message)):
        BellDiagonal(value)


def test_bad_coefficients_are_value_errors():
    with pytest.raises(ValueError):
        BellDiagonal([1.0, 1.0, 0.0, 0.0])


def test_from_dense_rejects_states_that_are_not_bell_diagonal():
    with pytest.raises(StateError, match=re.escape("BellDiagonal.from_dense(): state is not Bell diagonal")):
        BellDiagonal.from_dense(qc.basis_state("00"))
    with pytest.raises(StateError, match=re.escape("use BellDiagonal.twirl()")):
        BellDiagonal.from_dense(qc.basis_state("00"))


@pytest.mark.parametrize("method", ["from_dense", "twirl"])
def test_dense_constructors_check_the_state(method):
    build = getattr(BellDiagonal, method)
    with pytest.raises(StateError, match=re.escape(f"BellDiagonal.{method}(): rho has trace 2")):
        build(2 * qc.werner(0.9))
    with pytest.raises(DimensionError, match=re.escape(f"BellDiagonal.{method}(): needs a two-qubit state")):
        build(qc.maximally_mixed(1))


def test_werner_rejects_fidelities_outside_0_1():
    with pytest.raises(ParameterError, match=re.escape("BellDiagonal.werner(): fidelity=1.5 is outside [0, 1]")):
        BellDiagonal.werner(1.5)
    with pytest.raises(ParameterError, match=re.escape("BellDiagonal.werner(): fidelity=nan is outside [0, 1]")):
        BellDiagonal.werner([0.5, np.nan])
