"""Hypothesis invariants of the compiled density-matrix checks (``validate=True``).

Away from the tolerance boundary the compiled one-pass check (``qnet_core._checks``, no
eigenvalues) accepts exactly what the plain-numpy eigenvalue reference accepts: valid states
pass; a negative eigenvalue below ``-10 * tol``, a non-Hermitian entry, a wrong trace or a
NaN / infinite entry fail. A batch gives the same verdict as a loop over its states, the
checked kernels (check fused into the application) give the same numbers as the unchecked
ones, and a broadcast batch is checked like its copy.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qnet_core as qc
from qnet_core import _checks, _kernels
from qnet_core.errors import StateError
from qnet_core.testing import density_matrices
from qnet_core.validation import DEFAULT_ATOL, check_states

seeds = st.integers(0, 2**32 - 1)
ATOL = DEFAULT_ATOL
# Registers whose default check includes full positivity (LDL^dag up to four qubits).
FULL_POSITIVITY_QUBITS = st.integers(1, 4)


def reference_is_state(rho, atol=ATOL):
    """Plain-numpy verdict: finite, Hermitian, unit trace, eigenvalues >= -max(atol, 1e-12) * d."""
    rho = np.asarray(rho, dtype=complex)
    d = rho.shape[-1]
    if not np.all(np.isfinite(rho)):
        return False
    if np.max(np.abs(rho - rho.conj().T)) > atol:
        return False
    if abs(np.trace(rho) - 1) > atol * d:
        return False
    return bool(np.linalg.eigvalsh(0.5 * (rho + rho.conj().T)).min() >= -max(atol, 1e-12) * d)


def compiled_is_state(rho, atol=ATOL):
    """Verdict of the compiled kernel alone (no numpy reference behind it)."""
    a = np.asarray(rho, dtype=complex)[None]
    return _checks.first_invalid(a, 0, 1, atol, _checks.positivity_tolerance(atol, a.shape[-1])) == -1


def accepted(rho, validate=True):
    """Verdict of the public check (compiled, with the reference deciding on a rejection)."""
    try:
        check_states(np.asarray(rho, dtype=complex), validate=validate)
    except StateError:
        return False
    return True


@st.composite
def with_negative_eigenvalue(draw, num_qubits=FULL_POSITIVITY_QUBITS):
    """Hermitian, unit trace, smallest eigenvalue in [-0.5, -10 tol]: not a state."""
    n = draw(num_qubits)
    d = 2**n
    rng = np.random.default_rng(draw(seeds))
    tol = max(ATOL, 1e-12) * d
    low = -draw(st.one_of(st.floats(10 * tol, 100 * tol), st.floats(10 * tol, 0.5)))
    p = rng.dirichlet(np.ones(d - 1)) * (1 - low)
    V = qc.random_unitary(n, rng)
    return (V * np.concatenate([[low], p])) @ V.conj().T, low


@st.composite
def broken(draw, num_qubits=FULL_POSITIVITY_QUBITS):
    """A valid state with one defect: a non-Hermitian entry, a wrong trace or a NaN / inf entry."""
    n = draw(num_qubits)
    d = 2**n
    rho = np.array(draw(density_matrices(n)), dtype=complex)
    kind = draw(st.sampled_from(["hermitian", "trace", "nan", "inf"]))
    i, j = draw(st.integers(0, d - 1)), draw(st.integers(0, d - 1))
    if kind == "hermitian":
        eps = draw(st.floats(10 * ATOL, 0.3))
        rho[i, j] += 1j * eps if i == j else eps * np.exp(1j * draw(st.floats(0, 6.28)))
    elif kind == "trace":
        rho *= 1 + draw(st.sampled_from([-1, 1])) * draw(st.floats(10 * ATOL * d, 0.5))
    else:
        rho[i, j] = np.nan if kind == "nan" else draw(st.sampled_from([np.inf, -np.inf, 1j * np.inf]))
    return rho, kind


@given(density_matrices(st.integers(1, 5)))
def test_valid_states_pass(rho):
    assert reference_is_state(rho)
    assert compiled_is_state(rho)
    assert accepted(rho) and accepted(rho, "full")


@given(with_negative_eigenvalue())
def test_negative_eigenvalue_fails_like_the_reference(case):
    rho, low = case
    assert not reference_is_state(rho)
    assert not compiled_is_state(rho)
    with pytest.raises(StateError, match="negative eigenvalue"):
        check_states(rho)


@given(broken())
def test_defects_fail_like_the_reference(case):
    rho, kind = case
    assert not reference_is_state(rho)
    assert not compiled_is_state(rho)
    assert not accepted(rho)


@given(st.integers(1, 4), seeds, st.floats(-0.5, 0.5))
def test_compiled_equals_reference_away_from_the_boundary(n, seed, shift):
    """Shift a random Hermitian unit-trace matrix's spectrum so its smallest eigenvalue is ``shift``."""
    d = 2**n
    tol = max(ATOL, 1e-12) * d
    if abs(shift + tol) < 10 * tol:  # too close to the boundary -tol to ask for agreement
        shift = shift + 20 * tol if shift >= -tol else shift - 20 * tol
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(d - 1)) * (1 - shift)
    V = qc.random_unitary(n, rng)
    rho = (V * np.concatenate([[shift], p])) @ V.conj().T
    assert compiled_is_state(rho) == reference_is_state(rho) == (shift >= -tol)


@given(st.integers(1, 4), st.lists(st.booleans(), min_size=1, max_size=12), seeds)
def test_batch_equals_loop(n, good, seed):
    rng = np.random.default_rng(seed)
    states = []
    for ok in good:
        rho = qc.random_density_matrix(n, rng)
        states.append(rho if ok else 1.5 * rho)
    batch = np.stack(states)
    first = _checks.first_invalid(batch, 0, len(batch), ATOL, _checks.positivity_tolerance(ATOL, 2**n))
    loop = [compiled_is_state(r) for r in states]
    assert loop == good
    assert first == (good.index(False) if False in good else -1)
    assert accepted(batch) == all(good)


@given(st.integers(1, 3), st.integers(1, 40), seeds)
def test_threaded_check_equals_serial(n, size, seed):
    """The check split into chunks over the caller and helper threads finds the same first state."""
    rng = np.random.default_rng(seed)
    batch = np.stack([qc.random_density_matrix(n, rng) for _ in range(size)])
    bad = int(rng.integers(size))
    batch[bad:] *= 2.0
    tol = _checks.positivity_tolerance(ATOL, 2**n)
    assert _checks.first_invalid(batch, 0, size, ATOL, tol) == bad
    assert _kernels.run_split(lambda lo, hi: _checks.first_invalid(batch, lo, hi, ATOL, tol), size) == bad


@given(st.integers(1, 3), st.integers(1, 6), seeds)
def test_checked_apply_equals_unchecked(n, size, seed):
    rng = np.random.default_rng(seed)
    batch = np.stack([qc.random_density_matrix(n, rng) for _ in range(size)])
    seq = qc.OperationSequence(n, [(qc.random_kraus(1, 3, rng), (int(rng.integers(n)),))])
    unchecked = seq.apply(batch, validate=False)
    np.testing.assert_array_equal(seq.apply(batch), unchecked)
    np.testing.assert_array_equal(seq.apply(batch, validate="full"), unchecked)
    obs = qc.random_density_matrix(n, rng)
    np.testing.assert_array_equal(seq.expectation(batch, obs), seq.expectation(batch, obs, validate=False))


@given(st.integers(1, 3), st.integers(2, 50), seeds, st.booleans())
def test_broadcast_batch_is_computed_like_its_copy(n, size, seed, valid):
    rho = qc.random_density_matrix(n, seed)
    if not valid:
        rho = 2 * rho
    view = np.broadcast_to(rho, (size,) + rho.shape)
    seq = qc.OperationSequence(n, [(qc.random_kraus(1, 2, seed), (0,))])
    if not valid:
        with pytest.raises(StateError, match=r"trace 2 \(batch index 0\)"):
            seq.apply(view)
        return
    out = seq.apply(view)
    assert out.flags.c_contiguous and out.flags.writeable
    np.testing.assert_array_equal(out, seq.apply(np.ascontiguousarray(view)))
    np.testing.assert_allclose(seq.expectation(view, rho), seq.expectation(np.ascontiguousarray(view), rho),
                               atol=1e-15)
