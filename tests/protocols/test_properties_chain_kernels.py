"""Compiled 4x4 chain kernels agree with the dense engine on random inputs."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import qnet_core as qc
from protocols import _chain_kernels as K
from qnet_core.testing import assert_density_matrix, density_matrices

from .chain_reference import depolarizing_kraus, memory_kraus, purify_reference, swap_branches

times = st.floats(0.0, 5.0)
lifetimes = st.one_of(st.just(math.inf), st.floats(0.05, 10.0))


@settings(max_examples=40, deadline=None)
@given(rho=density_matrices(2), t=times, t1=lifetimes, frac=st.floats(0.01, 1.0))
def test_memory_noise_matches_kraus(rho, t, t1, frac):
    t2 = math.inf if math.isinf(t1) else 2 * t1 * frac
    got = np.array(rho, dtype=np.complex128)
    K.memory_noise(got, t, 0, 0.0 if math.isinf(t1) else 1 / t1, 0.0 if math.isinf(t2) else 1 / t2)
    k = memory_kraus(t, t1, t2)
    want = qc.apply_kraus(qc.apply_kraus(rho, k, (0,)), k, (1,))
    np.testing.assert_allclose(got, want, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(rho=density_matrices(2), t=times, tdep=st.floats(0.05, 10.0))
def test_depolarizing_memory_matches_kraus(rho, t, tdep):
    got = np.array(rho, dtype=np.complex128)
    K.memory_noise(got, t, 1, 1 / tdep, 0.0)
    k = depolarizing_kraus(t, tdep)
    want = qc.apply_kraus(qc.apply_kraus(rho, k, (0,)), k, (1,))
    np.testing.assert_allclose(got, want, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(r1=density_matrices(2), r2=density_matrices(2), u=st.floats(0.0, 0.999999))
def test_swap_matches_dense_bell_measurement(r1, r2, u):
    probs, states = swap_branches(r1, r2)
    out = np.empty((4, 4), dtype=np.complex128)
    k = K.entanglement_swap(np.ascontiguousarray(r1), np.ascontiguousarray(r2), out, u)
    cum = np.cumsum(probs)
    expected_k = int(np.searchsorted(cum, u, side="right"))
    assert k == min(expected_k, 3) or probs[k] > 0
    assert probs[k] > 0
    np.testing.assert_allclose(out, states[k], atol=1e-10)
    assert_density_matrix(out)


def test_swap_of_phi_plus_pairs_gives_phi_plus_for_every_outcome():
    phi = qc.bell_state("phi+")
    out = np.empty((4, 4), dtype=np.complex128)
    seen = set()
    for u in (0.1, 0.3, 0.6, 0.9):
        seen.add(K.entanglement_swap(phi, phi, out, u))
        np.testing.assert_allclose(out, phi, atol=1e-12)
    assert seen == {0, 1, 2, 3}


@settings(max_examples=40, deadline=None)
@given(r1=density_matrices(2), r2=density_matrices(2), method=st.sampled_from(["dejmps", "bbpssw"]))
def test_purify_matches_dense_protocol(r1, r2, method):
    out = np.empty((4, 4), dtype=np.complex128)
    p = K.purify(np.ascontiguousarray(r1), np.ascontiguousarray(r2), 0 if method == "dejmps" else 1, out)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_ref, kept_ref = purify_reference(r1, r2, method)
    assert abs(p - p_ref) < 1e-10
    if p_ref > 1e-9:  # the kept state is defined only when the round can succeed
        np.testing.assert_allclose(out / p, kept_ref, atol=1e-9)
    else:
        np.testing.assert_allclose(out, 0.0, atol=1e-9)


def test_rng_streams_depend_only_on_key_and_index():
    a = np.empty(4, dtype=np.uint64)
    b = np.empty(4, dtype=np.uint64)
    K.seed_stream(a, np.uint64(1), np.uint64(2), 5)
    K.seed_stream(b, np.uint64(1), np.uint64(2), 5)
    xs = [K.uniform(a) for _ in range(1000)]
    assert xs == [K.uniform(b) for _ in range(1000)]
    K.seed_stream(b, np.uint64(1), np.uint64(2), 6)
    assert xs[:10] != [K.uniform(b) for _ in range(10)]
    x = np.array(xs)
    assert x.min() >= 0 and x.max() < 1
    # mean of 1000 uniforms: 5 sigma with sigma = sqrt(1/12/1000)
    assert abs(x.mean() - 0.5) < 5 * math.sqrt(1 / 12 / 1000)


def test_geometric_sampler_mean():
    st_ = np.empty(4, dtype=np.uint64)
    K.seed_stream(st_, np.uint64(9), np.uint64(9), 0)
    p = 0.2
    ks = np.array([K.geometric(st_, p, math.log1p(-p)) for _ in range(20000)])
    assert ks.min() >= 1 and np.all(ks == np.floor(ks))
    sd = math.sqrt((1 - p) / p**2 / ks.size)
    assert abs(ks.mean() - 1 / p) < 5 * sd
    assert K.geometric(st_, 1.0, -math.inf) == 1.0


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 10), data=st.data())
def test_merged_link_knowledge_is_the_last_outcome_arrival(n, data):
    """Swaps in any order and at any time after the swapping node holds its two links.

    A message leaves node ``x`` at ``t`` and reaches node ``e`` at ``t + |x - e| d`` (light
    in fibre); a herald from the middle of segment ``s`` reaches both of its nodes at the
    herald time. Each end of every merged link must know all outcomes inside it exactly
    when the last of these messages arrives.
    """
    d = 0.7
    herald = data.draw(st.lists(st.floats(0.0, 10.0), min_size=n, max_size=n))
    infoa = np.array(herald, dtype=np.float64)
    infob = infoa.copy()
    ends = {s: (s, s + 1) for s in range(n)}  # record -> (a, b); elementary link s is record s
    events = {s: [(s + 0.5, herald[s] - d / 2)] for s in range(n)}
    for x in data.draw(st.permutations(range(1, n))):
        lleft = next(r for r, (a, b) in ends.items() if b == x)
        lright = next(r for r, (a, b) in ends.items() if a == x)
        a, b = ends[lleft][0], ends[lright][1]
        now = max(herald[x - 1], herald[x]) + data.draw(st.floats(0.0, 5.0))
        K._merge_knowledge(lleft, lright, a, x, b, now, d, infoa, infob)
        ends[lleft] = (a, b)
        del ends[lright]
        events[lleft] = events[lleft] + events.pop(lright) + [(x, now)]
        want_a = max(t + (pos - a) * d for pos, t in events[lleft])
        want_b = max(t + (b - pos) * d for pos, t in events[lleft])
        assert infoa[lleft] == pytest.approx(want_a, rel=1e-12, abs=1e-12)
        assert infob[lleft] == pytest.approx(want_b, rel=1e-12, abs=1e-12)
