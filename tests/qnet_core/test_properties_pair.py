"""Invariants of the compiled pair primitives (``qnet_core._pair``).

Outputs are states (Hermitian, unit trace once normalized, positive semidefinite),
probabilities lie in [0, 1] and sum to 1, batch drivers equal a loop over the 4x4 kernels,
and kernels never raise, whatever they are given.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from qnet_core import _pair as P
from qnet_core import random_density_matrix
from qnet_core.testing import assert_density_matrix, bell_diagonal_coefficients, density_matrices

errors = st.one_of(st.sampled_from([0.0, 0.05, 0.5, 1.0]), st.floats(0.0, 1.0))
states = density_matrices(2)
coefficients = bell_diagonal_coefficients()
methods = st.sampled_from([0, 1])


def c128(a):
    return np.ascontiguousarray(a, dtype=np.complex128)


def assert_coefficients(c, atol=1e-12):
    assert np.all(c >= -atol) and np.all(c <= 1 + atol), c
    assert abs(c.sum() - 1.0) < atol, c.sum()


# ============================================================================ dense kernels
@given(r1=states, r2=states, g=errors, q=errors)
def test_swap_branches_are_states_with_a_distribution(r1, r2, g, q):
    probs, branches = np.empty(4), np.empty((4, 4, 4), dtype=np.complex128)
    P._swap_branches_4x4(c128(r1), c128(r2), g, q, probs, branches)
    assert np.all((probs >= 0) & (probs <= 1))
    assert abs(probs.sum() - 1.0) < 1e-12
    assert_density_matrix(branches, atol=1e-10)


@given(r1=states, r2=states, g=errors, q=errors, u=st.floats(0.0, 1.0, exclude_max=True))
def test_swap_sample_is_a_state(r1, r2, g, q, u):
    out = np.empty((4, 4), dtype=np.complex128)
    k = P._swap_sample_4x4(c128(r1), c128(r2), g, q, u, out)
    assert 0 <= k < 4
    assert_density_matrix(out, atol=1e-10)


@given(r1=states, r2=states, method=methods, g=errors, q=errors)
def test_purify_keeps_a_subnormalized_state(r1, r2, method, g, q):
    out = np.empty((4, 4), dtype=np.complex128)
    p = P._purify_4x4(c128(r1), c128(r2), method, g, q, out)
    assert -1e-12 <= p <= 1 + 1e-12
    assert abs(np.trace(out).real - p) < 1e-12
    if p > 1e-9:
        assert_density_matrix(out / p, atol=1e-9)


@given(r1=states, r2=states, method=methods, g=errors, q=errors)
def test_purify_success_is_at_least_the_noise_floor(r1, r2, method, g, q):
    """Fully depolarized gates leave a coin toss for agreement: p = 1/2 whatever the inputs."""
    out = np.empty((4, 4), dtype=np.complex128)
    p = P._purify_4x4(c128(r1), c128(r2), method, 1.0, q, out)
    assert abs(p - 0.5) < 1e-12
    np.testing.assert_allclose(out, np.eye(4) / 8, atol=1e-12)


@given(rho=states, dt=st.floats(0.0, 5.0), model=st.sampled_from([0, 1]),
       rate1=st.floats(0.0, 10.0), extra=st.floats(0.0, 10.0))
def test_memory_keeps_states(rho, dt, model, rate1, extra):
    got = c128(rho).copy()
    P._memory_4x4(got, dt, model, rate1, 0.5 * rate1 + extra)
    assert_density_matrix(got, atol=1e-10)


@given(rho=states, t1=st.floats(0.0, 2.0), t2=st.floats(0.0, 2.0), model=st.sampled_from([0, 1]),
       rate1=st.floats(0.0, 5.0), extra=st.floats(0.0, 5.0))
def test_memory_is_a_semigroup(rho, t1, t2, model, rate1, extra):
    a, b = c128(rho).copy(), c128(rho).copy()
    rate2 = 0.5 * rate1 + extra
    P._memory_4x4(a, t1, model, rate1, rate2)
    P._memory_4x4(a, t2, model, rate1, rate2)
    P._memory_4x4(b, t1 + t2, model, rate1, rate2)
    np.testing.assert_allclose(a, b, atol=1e-12)


@given(rho=states, k=st.integers(0, 3))
def test_pauli_correction_is_an_involution(rho, k):
    got = c128(rho).copy()
    P._pauli_on_second_4x4(got, k)
    assert_density_matrix(got, atol=1e-10)
    P._pauli_on_second_4x4(got, k)
    np.testing.assert_allclose(got, rho, atol=1e-15)


@given(rho=states)
def test_twirl_and_bell_part_keep_the_fidelity(rho):
    a = c128(rho)
    c = np.empty(4)
    P._bell_diagonal_part_4x4(a, c)
    assert_coefficients(c, atol=1e-10)
    assert abs(c[0] - P._fidelity_phi_plus_4x4(a)) < 1e-12
    w = np.empty((4, 4), dtype=np.complex128)
    P._twirl_4x4(a, w)
    assert_density_matrix(w, atol=1e-10)
    assert abs(P._fidelity_phi_plus_4x4(w) - P._fidelity_phi_plus_4x4(a)) < 1e-12


# ============================================================================ Bell-diagonal kernels
@given(c1=coefficients, c2=coefficients, g=errors, q=errors)
def test_swap_bd_gives_coefficients(c1, c2, g, q):
    out = np.empty(4)
    P._swap_bd(c1, c2, g, q, out)
    assert_coefficients(out)


@given(c1=coefficients, c2=coefficients, method=methods, g=errors, q=errors)
def test_purify_bd_gives_subnormalized_coefficients(c1, c2, method, g, q):
    out = np.empty(4)
    p = P._purify_bd(c1, c2, method, g, q, out)
    assert -1e-12 <= p <= 1 + 1e-12
    assert abs(out.sum() - p) < 1e-12
    if p > 1e-9:
        assert_coefficients(out / p, atol=1e-9)


@given(c=coefficients, dt=st.floats(0.0, 5.0), model=st.sampled_from([0, 1]), rate1=st.floats(0.0, 10.0),
       extra=st.floats(0.0, 10.0))
def test_memory_bd_gives_coefficients(c, dt, model, rate1, extra):
    """Physical memories only: T2 <= 2 T1, i.e. ``rate2 >= rate1 / 2`` (the kernels do not check)."""
    out = np.empty(4)
    P._memory_bd(c, dt, model, rate1, 0.5 * rate1 + extra, out)
    assert_coefficients(out, atol=1e-10)


# ============================================================================ batch drivers
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 5), g=errors, q=errors, method=methods)
def test_dense_batches_equal_loops(seed, n, g, q, method):
    rng = np.random.default_rng(seed)
    r1 = np.array([random_density_matrix(2, rng) for _ in range(n)], dtype=np.complex128).reshape(n, 4, 4)
    r2 = np.array([random_density_matrix(2, rng) for _ in range(n)], dtype=np.complex128).reshape(n, 4, 4)
    probs, branches = np.empty((n, 4)), np.empty((n, 4, 4, 4), dtype=np.complex128)
    P._swap_branches_batch(r1, r2, g, q, probs, branches)
    kept, p_kept = np.empty((n, 4, 4), dtype=np.complex128), np.empty(n)
    P._purify_batch(r1, r2, method, g, q, kept, p_kept)
    mem = r1.copy()
    P._memory_batch(mem, 0.3, method, 1.5, 2.0)
    for i in range(n):
        pi, bi = np.empty(4), np.empty((4, 4, 4), dtype=np.complex128)
        P._swap_branches_4x4(r1[i], r2[i], g, q, pi, bi)
        np.testing.assert_array_equal(probs[i], pi)
        np.testing.assert_array_equal(branches[i], bi)
        ki = np.empty((4, 4), dtype=np.complex128)
        assert p_kept[i] == P._purify_4x4(r1[i], r2[i], method, g, q, ki)
        np.testing.assert_array_equal(kept[i], ki)
        mi = r1[i].copy()
        P._memory_4x4(mi, 0.3, method, 1.5, 2.0)
        np.testing.assert_array_equal(mem[i], mi)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 5), g=errors, q=errors, method=methods)
def test_bell_diagonal_batches_equal_loops(seed, n, g, q, method):
    rng = np.random.default_rng(seed)
    c1, c2 = rng.dirichlet(np.ones(4), n), rng.dirichlet(np.ones(4), n)
    swapped = np.empty((n, 4))
    P._swap_bd_batch(c1, c2, g, q, swapped)
    kept, p_kept = np.empty((n, 4)), np.empty(n)
    P._purify_bd_batch(c1, c2, method, g, q, kept, p_kept)
    for i in range(n):
        si = np.empty(4)
        P._swap_bd(c1[i], c2[i], g, q, si)
        np.testing.assert_array_equal(swapped[i], si)
        ki = np.empty(4)
        assert p_kept[i] == P._purify_bd(c1[i], c2[i], method, g, q, ki)
        np.testing.assert_array_equal(kept[i], ki)


# ============================================================================ never raise
@pytest.mark.parametrize("fill", [np.nan, np.inf, 0.0], ids=["nan", "inf", "zero"])
def test_kernels_never_raise(fill):
    """Garbage in, garbage (or a placeholder) out; no exception from a kernel."""
    bad = np.full((4, 4), fill, dtype=np.complex128)
    good = np.eye(4, dtype=np.complex128) / 4
    probs, branches = np.empty(4), np.empty((4, 4, 4), dtype=np.complex128)
    out = np.empty((4, 4), dtype=np.complex128)
    c = np.full(4, fill)
    for a, b in ((bad, good), (good, bad), (bad, bad)):
        P._swap_branches_4x4(a, b, 0.1, 0.1, probs, branches)
        P._swap_sample_4x4(a, b, 0.1, 0.1, 0.5, out)
        for method in (0, 1):
            P._purify_4x4(a, b, method, 0.1, 0.1, out)
            P._purify_bd(c, c, method, 0.1, 0.1, np.empty(4))
    m = bad.copy()
    P._memory_4x4(m, 1.0, 0, 1.0, 1.0)
    P._memory_bd(c, 1.0, 0, 1.0, 1.0, np.empty(4))
    P._swap_bd(c, c, 2.0, -1.0, np.empty(4))
    P._bell_diagonal_part_4x4(bad, np.empty(4))


def test_zero_probability_branches_hold_the_maximally_mixed_state():
    """|00> (x) |00>: the psi outcomes have probability 0; their branch states are I/4."""
    zero = np.zeros((4, 4), dtype=np.complex128)
    zero[0, 0] = 1.0
    probs, branches = np.empty(4), np.empty((4, 4, 4), dtype=np.complex128)
    P._swap_branches_4x4(zero, zero, 0.0, 0.0, probs, branches)
    np.testing.assert_allclose(probs, [0.5, 0.5, 0.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(branches[2:], np.broadcast_to(np.eye(4) / 4, (2, 4, 4)), atol=1e-15)
    out = np.empty((4, 4), dtype=np.complex128)
    for u in np.linspace(0, 0.999, 7):
        assert P._swap_sample_4x4(zero, zero, 0.0, 0.0, u, out) in (0, 1)
