"""Bad input to the Bures / Hellinger / entropy metrics and to the zero-qubit partial trace and
transpose -> which exception, which message."""

import math

import numpy as np
import pytest

import qnet_core as qc
from qnet_core.errors import DimensionError, ParameterError, QubitIndexError, StateError
from qnet_core.metrics import (bures_angle, bures_distance, conditional_entropy, hellinger_distance,
                               mutual_information, relative_entropy)

PAIR_METRICS = {
    "bures_distance": bures_distance,
    "bures_angle": bures_angle,
    "hellinger_distance": hellinger_distance,
    "relative_entropy": relative_entropy,
}
SPLIT_METRICS = {"mutual_information": mutual_information, "conditional_entropy": conditional_entropy}


@pytest.mark.parametrize("name", PAIR_METRICS)
def test_pair_metrics_reject_mismatched_registers(name):
    with pytest.raises(DimensionError, match=rf"{name}\(\): rho has 2 qubits but sigma has 1"):
        PAIR_METRICS[name](qc.bell_state(), qc.maximally_mixed(1))


@pytest.mark.parametrize("name", PAIR_METRICS)
def test_pair_metrics_reject_non_square(name):
    with pytest.raises(DimensionError, match=rf"{name}\(\): sigma has shape \(2, 4\); expected"):
        PAIR_METRICS[name](qc.maximally_mixed(1), np.ones((2, 4)) / 4)
    with pytest.raises(DimensionError, match=rf"{name}\(\): rho has dimension 3, which is not a power of two"):
        PAIR_METRICS[name](np.eye(3) / 3, np.eye(3) / 3)


@pytest.mark.parametrize("name", PAIR_METRICS)
def test_pair_metrics_reject_batches_that_do_not_broadcast(name):
    a = np.stack([qc.maximally_mixed(1)] * 3)
    b = np.stack([qc.maximally_mixed(1)] * 2)
    msg = rf"{name}\(\): the batch shapes of rho \(3,\) and sigma \(2,\) do not broadcast"
    with pytest.raises(DimensionError, match=msg):
        PAIR_METRICS[name](a, b)


@pytest.mark.parametrize("name", PAIR_METRICS)
def test_pair_metrics_reject_invalid_states(name):
    with pytest.raises(StateError, match=rf"{name}\(\): sigma has trace 2"):
        PAIR_METRICS[name](qc.maximally_mixed(1), np.eye(2))
    with pytest.raises(StateError, match=rf"{name}\(\): rho is not Hermitian"):
        PAIR_METRICS[name](np.array([[0.5, 1], [0, 0.5]]), qc.maximally_mixed(1))


@pytest.mark.parametrize("name", ["bures_distance", "hellinger_distance"])
def test_ket_sigma_is_checked(name):
    with pytest.raises(StateError, match=rf"{name}\(\): sigma has norm 2"):
        PAIR_METRICS[name](qc.maximally_mixed(1), np.array([2.0, 0.0]))


@pytest.mark.parametrize("base", [0, -2, 1, 0.5, math.nan, math.inf])
def test_bad_logarithm_base(base):
    rho = qc.bell_state()
    for name, call in [
        ("relative_entropy", lambda: relative_entropy(rho, rho, base=base)),
        ("mutual_information", lambda: mutual_information(rho, [0], base=base)),
        ("conditional_entropy", lambda: conditional_entropy(rho, [0], base=base)),
        ("entropy", lambda: qc.entropy(rho, base=base)),
    ]:
        with pytest.raises(ParameterError, match=rf"{name}\(\): base={base!r}"):
            call()


def test_base_must_be_a_real_number():
    with pytest.raises(ParameterError, match=r"relative_entropy\(\): base='2' is not a real number"):
        relative_entropy(qc.bell_state(), qc.bell_state(), base="2")


@pytest.mark.parametrize("name", SPLIT_METRICS)
@pytest.mark.parametrize(
    "qubits, msg",
    [([2], "qubit 2 is out of range for a 2-qubit state"), ([-1], "out of range"),
     ([0, 0], r"repeats qubit\(s\) \[0\]"), ([0.5], "not an integer"), (None, "not a sequence of qubit indices")],
)
def test_bad_subsystem_qubits(name, qubits, msg):
    arg = "subsystem_qubits" if name == "mutual_information" else "conditioning_qubits"
    with pytest.raises(QubitIndexError, match=rf"{name}\(\): {arg}.*{msg}"):
        SPLIT_METRICS[name](qc.bell_state(), qubits)


@pytest.mark.parametrize("name", SPLIT_METRICS)
def test_split_metrics_validate_the_state(name):
    with pytest.raises(StateError, match=rf"{name}\(\): rho has a negative eigenvalue"):
        SPLIT_METRICS[name](np.diag([1.5, -0.5, 0, 0]), [0])


def test_partial_trace_keep_still_checked():
    with pytest.raises(QubitIndexError, match=r"partial_trace\(\): keep=\(2,\): qubit 2 is out of range"):
        qc.partial_trace(qc.bell_state(), [2])
    with pytest.raises(QubitIndexError, match=r"partial_trace\(\): keep=\(1, 1\) repeats"):
        qc.partial_trace(qc.bell_state(), [1, 1])
    with pytest.raises(QubitIndexError, match=r"partial_trace\(\): keep=None is not a sequence"):
        qc.partial_trace(qc.bell_state(), None)
    with pytest.raises(StateError, match=r"partial_trace\(\): rho has trace 2"):
        qc.partial_trace(np.eye(2), [])


def test_partial_transpose_qubits_still_checked():
    with pytest.raises(QubitIndexError, match=r"partial_transpose\(\): qubits=\(3,\): qubit 3 is out of range"):
        qc.partial_transpose(qc.bell_state(), [3])
    with pytest.raises(QubitIndexError, match=r"partial_transpose\(\): qubits=\('a',\) contains 'a'"):
        qc.partial_transpose(qc.bell_state(), ["a"])
    with pytest.raises(StateError, match=r"partial_transpose\(\): rho is not Hermitian"):
        qc.partial_transpose(np.array([[0.5, 1], [0, 0.5]]), [])
