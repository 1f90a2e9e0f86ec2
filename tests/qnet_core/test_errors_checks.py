"""Bad states -> which exception, which message, from every entry point of the compiled checks.

Messages name the function, the argument, the value and what is allowed, and the index of
the offending state in a batch; ``validate=True`` (compiled) and ``validate="full"``
(eigenvalues) give the same message. No numba error reaches the caller, whatever the
array's dtype, layout or strides.
"""

import re

import numpy as np
import pytest

import qnet_core as qc
from channels import amplitude_damping, depolarizing
from qnet_core.errors import DimensionError, ParameterError, StateError
from qnet_core.gates import X

K_DEP = depolarizing(0.1).kraus
SEQ = qc.OperationSequence(2, [(K_DEP, (0,)), (amplitude_damping(0.2).kraus, (1,))])

ENTRY_POINTS = {
    "OperationSequence.apply": lambda rho, **kw: SEQ.apply(rho, **kw),
    "OperationSequence.expectation": lambda rho, **kw: SEQ.expectation(rho, qc.bell_state(), **kw),
    "apply_kraus": lambda rho, **kw: qc.apply_kraus(rho, K_DEP, [1], **kw),
    "apply_unitary": lambda rho, **kw: qc.apply_unitary(rho, X, [0], **kw),
    "apply_superoperator": lambda rho, **kw: qc.apply_superoperator(rho, qc.kraus_to_superoperator(K_DEP), [0],
                                                                    **kw),
    "Channel.apply": lambda rho, **kw: depolarizing(0.1).apply(rho, [1], **kw),
    "partial_trace": lambda rho, **kw: qc.partial_trace(rho, [0], **kw),
}


def _batch_with(bad, index, size=5):
    batch = np.stack([qc.werner(0.9)] * size).astype(complex)
    batch[index] = bad
    return batch


NOT_HERMITIAN = qc.bell_state() + 0.1 * np.eye(4)[:, [1]] * np.eye(4)[0]  # rho[1, 0] += 0.1 only
BAD_STATES = {
    "trace": (2 * qc.bell_state(), "has trace 2; a density matrix must have trace 1"),
    "negative eigenvalue": (np.diag([1.5, -0.5, 0, 0]), "has a negative eigenvalue -0.5 (tolerance 1e-08); "
                                                         "a density matrix must be positive semidefinite"),
    "not Hermitian": (NOT_HERMITIAN, "is not Hermitian (max |rho - rho^dag| = 0.1 > atol=1e-08); "
                                     "a density matrix must be Hermitian"),
    "NaN": (np.where(np.eye(4, dtype=bool), np.nan, 0.25), "contains NaN or infinite entries"),
    "inf": (np.diag([np.inf, 0, 0, 0]), "contains NaN or infinite entries"),
}


@pytest.mark.parametrize("owner", ENTRY_POINTS.keys())
@pytest.mark.parametrize("defect", BAD_STATES.keys())
@pytest.mark.parametrize("validate", [True, "full"])
def test_single_state_message_names_function_argument_and_value(owner, defect, validate):
    bad, msg = BAD_STATES[defect]
    with pytest.raises(StateError, match=f"^{re.escape(f'{owner}(): rho {msg}')}$"):
        ENTRY_POINTS[owner](bad, validate=validate)


@pytest.mark.parametrize("owner", ENTRY_POINTS.keys())
@pytest.mark.parametrize("validate", [True, "full"])
def test_batch_message_gives_the_index(owner, validate):
    batch = _batch_with(2 * qc.bell_state(), 3)
    with pytest.raises(StateError, match=rf"^{owner}\(\): rho has trace 2 \(batch index 3\); "
                                         r"a density matrix must have trace 1$"):
        ENTRY_POINTS[owner](batch, validate=validate)


def test_large_batch_uses_the_threaded_check_and_still_finds_the_index():
    batch = _batch_with(np.diag([1.5, -0.5, 0, 0]), 77_777, size=100_000)
    for run in (ENTRY_POINTS["OperationSequence.apply"], ENTRY_POINTS["OperationSequence.expectation"],
                ENTRY_POINTS["partial_trace"]):
        with pytest.raises(StateError, match=r"negative eigenvalue -0\.5 \(tolerance 1e-08\) \(batch index 77777\)"):
            run(batch)


def test_multi_axis_batch_index_is_a_tuple():
    batch = np.stack([_batch_with(qc.werner(0.9), 0), _batch_with(2 * qc.bell_state(), 2)])
    with pytest.raises(StateError, match=r"trace 2 \(batch index \(1, 2\)\)"):
        SEQ.apply(batch)


def test_broadcast_batch_is_checked_once_and_reports_index_0():
    view = np.broadcast_to(np.diag([1.5, -0.5, 0, 0]).astype(complex), (1000, 4, 4))
    with pytest.raises(StateError, match=r"negative eigenvalue -0\.5 \(tolerance 1e-08\) \(batch index 0\)"):
        SEQ.apply(view)


@pytest.mark.parametrize("owner", ENTRY_POINTS.keys())
def test_validate_false_skips_the_state_checks(owner):
    ENTRY_POINTS[owner](2 * qc.bell_state(), validate=False)


@pytest.mark.parametrize("owner", [k for k in ENTRY_POINTS if k != "partial_trace"])
def test_unknown_validate_value(owner):
    with pytest.raises(ParameterError, match=rf"^{owner}\(\): validate='cheap' is not allowed; use True, False or 'full'"):
        ENTRY_POINTS[owner](qc.bell_state(), validate="cheap")


@pytest.mark.parametrize("bad, msg", [
    (np.ones((4, 3)), r"rho has shape \(4, 3\); expected \(\.\.\., 2\*\*n, 2\*\*n\)"),
    (np.ones((3, 3)) / 3, r"rho has dimension 3, which is not a power of two"),
    (np.ones(4), r"rho has shape \(4,\)"),
    (np.array([["a"] * 4] * 4), r"rho must be a numeric array, got dtype <U1"),
    (np.array([[object()] * 4] * 4), r"rho must be a numeric array, got dtype object"),
])
@pytest.mark.parametrize("owner", ["OperationSequence.apply", "apply_kraus", "Channel.apply"])
def test_shape_and_dtype_errors(owner, bad, msg):
    with pytest.raises(DimensionError, match=rf"^{owner}\(\): {msg}"):
        ENTRY_POINTS[owner](bad)


def test_wrong_register_size():
    with pytest.raises(DimensionError, match=r"state has 1 qubits but the sequence was built for 2"):
        SEQ.apply(qc.maximally_mixed(1))


@pytest.mark.parametrize("out, msg", [
    (np.empty((3, 4, 4)), "out must be a writeable C-contiguous complex128 array of shape"),
    (np.empty((2, 4, 4), dtype=np.complex64), "out must be a writeable C-contiguous complex128"),
    (np.empty((4, 4, 2), dtype=complex).transpose(2, 0, 1), "out must be a writeable C-contiguous"),
])
def test_bad_out(out, msg):
    with pytest.raises(DimensionError, match=msg):
        SEQ.apply(np.stack([qc.bell_state()] * 2), out=out)


def test_out_must_not_overlap():
    batch = np.stack([qc.bell_state()] * 2)
    with pytest.raises(DimensionError, match="out must not overlap the input states"):
        SEQ.apply(batch, out=batch)


LAYOUTS = {
    "C": lambda b: b,
    "Fortran": np.asfortranarray,
    "strided": lambda b: np.stack([b, b], axis=1)[:, 1],
    "negative strides": lambda b: b[::-1].copy()[::-1],
    "transposed batch": lambda b: np.ascontiguousarray(np.moveaxis(b, 0, -1)).transpose(2, 0, 1),
    "read-only": lambda b: np.frombuffer(b.tobytes(), dtype=complex).reshape(b.shape),
    "complex64": lambda b: b.astype(np.complex64),
    "float": lambda b: b.real.copy(),
    "list": lambda b: b.tolist(),
}


@pytest.mark.parametrize("layout", LAYOUTS.keys())
def test_any_layout_gives_the_same_result_and_the_same_error(layout):
    rng = np.random.default_rng(7)
    # Real parts of density matrices are real symmetric density matrices: the "float" layout keeps them.
    good = np.stack([qc.random_density_matrix(2, rng).real for _ in range(4)]).astype(complex)
    expected = SEQ.apply(good, validate=False)
    np.testing.assert_allclose(SEQ.apply(LAYOUTS[layout](good)), expected, atol=1e-6)
    bad = good.copy()
    bad[2] *= 2
    with pytest.raises(StateError, match=r"has trace 2 \(batch index 2\)"):
        SEQ.apply(LAYOUTS[layout](bad))
