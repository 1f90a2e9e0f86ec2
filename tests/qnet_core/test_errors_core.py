"""Bad input -> which exception, which message."""

import numpy as np
import pytest

import qnet_core as qc
from qnet_core.errors import (ChannelError, DimensionError, ParameterError, QnetError, QubitIndexError,
                              StateError)


def test_hierarchy():
    for exc in (ChannelError, DimensionError, ParameterError, QubitIndexError, StateError):
        assert issubclass(exc, QnetError)
    assert issubclass(QnetError, ValueError)


@pytest.mark.parametrize(
    "bad, exc, msg",
    [
        (np.ones((3, 3)) / 3, DimensionError, "not a power of two"),
        (np.ones((2, 3)), DimensionError, "expected"),
        (np.array([[0.5, 1], [0, 0.5]]), StateError, "not Hermitian"),
        (np.eye(2), StateError, "trace 2"),
        (np.diag([1.5, -0.5]), StateError, "negative eigenvalue"),
        (np.array([[np.nan, 0], [0, 1]]), StateError, "NaN"),
        ("abc", DimensionError, "numeric"),
    ],
)
def test_invalid_density_matrices(bad, exc, msg):
    with pytest.raises(exc, match=msg):
        qc.apply_unitary(bad, qc.gates.X, [0])


def test_invalid_state_in_a_batch_is_found():
    batch = np.stack([qc.bell_state(), 2 * qc.bell_state()])
    with pytest.raises(StateError, match="trace"):
        qc.partial_trace(batch, [0])


@pytest.mark.parametrize(
    "targets, msg",
    [([0, 0], r"repeats qubit\(s\) \[0\]"), ([2], "out of range for a 2-qubit state"), ([-1], "out of range"),
     ([0.5], "not an integer"), ([], "empty")],
)
def test_bad_targets(targets, msg):
    with pytest.raises(QubitIndexError, match=msg):
        qc.apply_kraus(qc.bell_state(), np.eye(2)[None], targets)


def test_target_count_must_match_operator():
    with pytest.raises(QubitIndexError, match="acts on 2"):
        qc.apply_unitary(qc.tensor(qc.bell_state(), qc.bell_state()), qc.gates.CNOT, [0])


def test_non_trace_preserving_kraus():
    with pytest.raises(ChannelError, match="not trace preserving"):
        qc.apply_kraus(qc.bell_state(), 0.5 * np.eye(2)[None], [0])


def test_non_unitary():
    with pytest.raises(ChannelError, match="not unitary"):
        qc.apply_unitary(qc.bell_state(), np.array([[1, 1], [0, 1]]), [0])


def test_kraus_shape():
    with pytest.raises(DimensionError, match=r"expected \(k, 2\*\*m, 2\*\*m\)"):
        qc.apply_kraus(qc.bell_state(), np.ones((2, 2, 3)), [0])


@pytest.mark.parametrize("F", [-0.1, 1.2, np.nan])
def test_werner_fidelity_range(F):
    with pytest.raises(ParameterError, match="must be a probability"):
        qc.werner(F)


def test_bell_name():
    with pytest.raises(ParameterError, match="not a Bell state; use one of phi\\+"):
        qc.bell_state("omega")


def test_bell_diagonal_coefficients():
    with pytest.raises(ParameterError, match="sum to"):
        qc.bell_diagonal([0.5, 0.5, 0.5, 0])
    with pytest.raises(DimensionError, match=r"expected \(\.\.\., 4\)"):
        qc.bell_diagonal([1, 0, 0])
    with pytest.raises(StateError, match="not Bell diagonal"):
        qc.to_bell_diagonal(qc.basis_state("00"))


def test_measurement_basis_and_qubits():
    with pytest.raises(ParameterError, match="basis='Q'"):
        qc.measure(qc.bell_state(), [0], basis="Q")
    with pytest.raises(QubitIndexError, match="exactly two"):
        qc.bell_measure(qc.tensor(qc.bell_state(), qc.bell_state()), (0, 1, 2))


def test_metric_dimension_mismatch():
    with pytest.raises(DimensionError, match="rho has 2 qubits but sigma has 1"):
        qc.fidelity(qc.bell_state(), qc.basis_state("0"))
    with pytest.raises(DimensionError, match="two-qubit"):
        qc.concurrence(qc.basis_state("0"))


def test_seed_errors():
    with pytest.raises(ParameterError, match="negative"):
        qc.as_generator(-1)
    with pytest.raises(ParameterError, match="not allowed"):
        qc.as_generator("seed")


def test_random_constructors_validate():
    with pytest.raises(ParameterError, match="rank=9"):
        qc.random_density_matrix(2, seed=0, rank=9)
    with pytest.raises(ParameterError, match="num_qubits=0"):
        qc.random_unitary(0)
    with pytest.raises(ParameterError, match="only 0 and 1"):
        qc.basis_state("012")
