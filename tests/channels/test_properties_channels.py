"""Hypothesis invariants of Channel and the catalogue: CPTP, composition and tensor laws,
representation round trips, the memory semigroup law, and agreement with a numpy reference."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qnet_core as qc
from qnet_core.testing import assert_cptp, assert_density_matrix, density_matrices, kraus_channels

import channels as ch
from channels import Channel

from .reference import apply_kraus_ref, choi_ref, ptm_ref
from .strategies import catalogue_channels, memory_params, tconst, times



def random_channels(m=st.integers(1, 2)):
    return kraus_channels(m, (1, 4)).map(Channel)


def channels_on(m):
    """Catalogue channels restricted to m qubits, mixed with random ones."""
    return st.one_of(catalogue_channels().map(lambda kc: kc[1]), kraus_channels(m, (1, 4)).map(Channel)).filter(
        lambda c: c.num_qubits == m)


# ------------------------------------------------------------------ catalogue is CPTP
@given(catalogue_channels())
def test_catalogue_channels_are_cptp(named):
    name, c = named
    assert c.kraus.dtype == np.complex128 and c.kraus.ndim == 3
    assert np.all(np.isfinite(c.kraus)), name
    assert_cptp(c.kraus, atol=1e-10)
    # the validated constructor accepts the same operators
    Channel.from_kraus(c.kraus)


@given(catalogue_channels(), st.integers(0, 2**32 - 1))
def test_catalogue_channels_map_states_to_states(named, seed):
    _, c = named
    m = c.num_qubits
    rho = qc.random_density_matrix(m + 1, seed)
    rng = np.random.default_rng(seed)
    targets = [int(q) for q in rng.permutation(m + 1)[:m]]
    assert_density_matrix(c.apply(rho, targets), atol=1e-9)


# ------------------------------------------------------------------ action matches the reference
@given(random_channels(), density_matrices(3, batch=3), st.integers(0, 2**32 - 1))
def test_apply_matches_numpy_reference_on_batches(c, rho, seed):
    rng = np.random.default_rng(seed)
    t = [int(q) for q in rng.permutation(3)[: c.num_qubits]]
    out = c.apply(rho, t)
    assert out.shape == rho.shape
    for b in range(rho.shape[0]):
        np.testing.assert_allclose(out[b], apply_kraus_ref(rho[b], c.kraus, t, 3), atol=1e-12)


@given(random_channels(st.just(1)), density_matrices(2))
def test_apply_default_targets_and_call(c, rho):
    np.testing.assert_allclose(c.apply(rho), c.apply(rho, [0]), atol=0)
    np.testing.assert_allclose(c(rho, [1]), apply_kraus_ref(rho, c.kraus, [1], 2), atol=1e-12)
    np.testing.assert_allclose(c.apply(rho, [1]), qc.apply_kraus(rho, c.kraus, [1]), atol=1e-12)


def test_apply_keeps_leading_batch_axes():
    c = ch.depolarizing(0.3)
    rho = np.stack([qc.random_density_matrix(2, s) for s in range(6)]).reshape(2, 3, 4, 4)
    out = c.apply(rho, [1])
    assert out.shape == (2, 3, 4, 4)
    np.testing.assert_allclose(out[1, 2], apply_kraus_ref(rho[1, 2], c.kraus, [1], 2), atol=1e-12)


# ------------------------------------------------------------------ representations
@given(random_channels())
def test_choi_and_ptm_match_their_definitions(c):
    np.testing.assert_allclose(c.choi(), choi_ref(c.kraus), atol=1e-12)
    np.testing.assert_allclose(c.ptm(), ptm_ref(c.kraus, ch.pauli_basis(c.num_qubits)), atol=1e-12)


@given(random_channels(), density_matrices(2))
def test_superoperator_acts_on_row_major_vec(c, rho):
    m = c.num_qubits
    sub = qc.partial_trace(rho, list(range(m))) if m == 1 else rho
    d = 2**m
    out = (c.superoperator() @ sub.reshape(-1)).reshape(d, d)
    np.testing.assert_allclose(out, c.apply(sub), atol=1e-12)


@given(st.one_of(random_channels(), catalogue_channels().map(lambda kc: kc[1])), st.integers(0, 2**32 - 1))
def test_round_trips_preserve_action(c, seed):
    m = c.num_qubits
    rhos = np.stack([qc.random_density_matrix(m, seed + i) for i in range(3)])
    want = c.apply(rhos)
    for back in (Channel.from_choi(c.choi()), Channel.from_ptm(c.ptm()),
                 Channel.from_superoperator(c.superoperator())):
        assert back.num_qubits == m
        assert back.num_kraus <= 4**m
        assert_cptp(back.kraus, atol=1e-10)
        np.testing.assert_allclose(back.apply(rhos), want, atol=1e-9)
        assert back == c


@given(random_channels())
def test_ptm_is_real_and_trace_preserving_row(c):
    R = c.ptm()
    assert R.dtype == np.float64
    e0 = np.zeros(R.shape[0])
    e0[0] = 1.0
    np.testing.assert_allclose(R[0], e0, atol=1e-12)


# ------------------------------------------------------------------ composition and tensor laws
@given(channels_on(1), channels_on(1), channels_on(1), density_matrices(1))
def test_composition_order_and_associativity(a, b, c, rho):
    np.testing.assert_allclose(a.then(b).apply(rho), b.apply(a.apply(rho)), atol=1e-12)
    assert (b @ a) == a.then(b)
    assert a.then(b).then(c) == a.then(b.then(c))
    assert (c @ b) @ a == c @ (b @ a)
    assert a.then(Channel.identity(1)) == a == Channel.identity(1).then(a)
    np.testing.assert_allclose(a.then(b).superoperator(), b.superoperator() @ a.superoperator(), atol=1e-12)
    np.testing.assert_allclose(a.then(b).ptm(), b.ptm() @ a.ptm(), atol=1e-12)


@given(random_channels(st.just(2)), random_channels(st.just(2)))
def test_composition_keeps_at_most_d2_kraus_operators(a, b):
    c = a.then(b).then(a)
    assert c.num_kraus <= 16
    assert_cptp(c.kraus, atol=1e-10)


@given(channels_on(1), channels_on(1), density_matrices(2))
def test_tensor_acts_on_separate_qubits(a, b, rho):
    ab = a.tensor(b)
    assert ab.num_qubits == 2
    np.testing.assert_allclose(ab.apply(rho), b.apply(a.apply(rho, [0]), [1]), atol=1e-12)
    np.testing.assert_allclose(ab.ptm(), np.kron(a.ptm(), b.ptm()), atol=1e-12)


@given(channels_on(1), channels_on(1), channels_on(1), channels_on(1))
def test_tensor_interchange_law(a, b, c, d):
    # (a (x) b) then (c (x) d) == (a then c) (x) (b then d)
    assert a.tensor(b).then(c.tensor(d)) == a.then(c).tensor(b.then(d))


# ------------------------------------------------------------------ equality
@given(random_channels(), st.integers(0, 2**32 - 1))
def test_equality_is_invariant_under_kraus_unitary_mixing(c, seed):
    k = c.num_kraus
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((k, k)) + 1j * rng.standard_normal((k, k)))  # random k x k unitary
    mixed = np.einsum("ij,jab->iab", U, c.kraus)
    assert Channel(mixed) == c
    assert Channel(mixed).is_close(c, atol=1e-10)


@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_distinct_physics_compare_unequal(p, q):
    assert (ch.depolarizing(p) == ch.depolarizing(q)) == (abs(p - q) < 1e-9)
    assert ch.bit_flip(p) != ch.bit_flip(p).tensor(Channel.identity(1))


# ------------------------------------------------------------------ memories
@given(memory_params(), times)
def test_memory_semigroup(params, t_extra):
    t, t1, t2 = params
    assert ch.memory(t, t1, t2).then(ch.memory(t_extra, t1, t2)) == ch.memory(t + t_extra, t1, t2)


@given(times, times, tconst)
def test_depolarizing_memory_semigroup(ta, tb, T):
    assert ch.depolarizing_memory(ta, T).then(ch.depolarizing_memory(tb, T)) == ch.depolarizing_memory(ta + tb, T)
    a2 = ch.depolarizing_memory(ta, T, num_qubits=2)
    assert a2.then(ch.depolarizing_memory(tb, T, num_qubits=2)) == ch.depolarizing_memory(ta + tb, T, num_qubits=2)


@given(memory_params())
def test_memory_population_and_coherence_closed_forms(params):
    t, t1, t2 = params
    c = ch.memory(t, t1, t2)
    one = c.apply(qc.basis_state("1"))
    plus = c.apply(0.5 * np.ones((2, 2)))
    # Channel() trims the Kraus set's O(atol) trace-preservation error: agreement to 1e-10
    assert one[1, 1].real == pytest.approx(math.exp(-t / t1), abs=1e-10)
    assert plus[0, 1].real == pytest.approx(0.5 * math.exp(-t / t2), abs=1e-10)
    assert abs(plus[0, 1].imag) < 1e-15


@given(memory_params())
def test_memory_is_amplitude_damping_then_dephasing(params):
    t, t1, t2 = params
    gamma, pz = ch.memory_parameters(t, t1, t2)
    assert ch.memory(t, t1, t2) == ch.amplitude_damping(gamma).then(ch.phase_flip(pz))
    assert ch.memory(t, t1, t2) == ch.phase_flip(pz).then(ch.amplitude_damping(gamma))


# ------------------------------------------------------------------ Pauli family relations
@given(st.floats(0.0, 1.0))
def test_pauli_family_relations(p):
    assert ch.pauli_channel(p, 0, 0) == ch.bit_flip(p)
    assert ch.pauli_channel(0, p, 0) == ch.bit_phase_flip(p)
    assert ch.pauli_channel(0, 0, p) == ch.phase_flip(p) == ch.dephasing(p)
    assert ch.depolarizing_pauli(p) == ch.pauli_channel(p / 3, p / 3, p / 3)
    if p <= 0.75:
        assert ch.depolarizing_pauli(p) == ch.depolarizing(4 * p / 3)
    if p <= 15 / 16:
        assert ch.depolarizing_pauli(p, num_qubits=2) == ch.depolarizing(16 * p / 15, num_qubits=2)
    assert ch.generalized_amplitude_damping(p, 0.0) == ch.amplitude_damping(p)
    # depolarizing on two qubits is not the product of single-qubit depolarizing channels
    if 0.05 < p < 0.95:
        assert ch.depolarizing(p, num_qubits=2) != ch.depolarizing(p).tensor(ch.depolarizing(p))


@given(st.floats(-6.0, 6.0), st.sampled_from("xyz"))
def test_rotation_error_is_the_coherent_rotation(theta, axis):
    from qnet_core.gates import rx, ry, rz
    U = {"x": rx, "y": ry, "z": rz}[axis](theta)
    assert ch.rotation_error(theta, axis) == ch.unitary_error(U) == Channel.from_unitary(U)
