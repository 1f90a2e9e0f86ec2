"""Compiled chain kernels: random streams and the bookkeeping of who knows what, when.

The chain's 4x4 physics (memory noise, swapping, purification) is :mod:`qnet_core._pair`'s,
tested against the dense engine in ``tests/qnet_core``; the chain's use of it is tested end
to end in :mod:`tests.protocols.test_reference_chain` and ``test_reference_chain_noise``.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.repeaters import _kernels as K


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
    when the last of these messages arrives; with successful swaps no end learns of a death.
    """
    d = 0.7
    herald = data.draw(st.lists(st.floats(0.0, 10.0), min_size=n, max_size=n))
    li = np.zeros((n, K._NI), dtype=np.int64)
    lf = np.full((n, K._NF), np.inf)
    for s_ in range(n):  # elementary link s is record s
        li[s_, K._NODE], li[s_, K._NODE + 1] = s_, s_ + 1
        lf[s_, K._INFO] = lf[s_, K._INFO + 1] = herald[s_]
    ends = {s_: (s_, s_ + 1) for s_ in range(n)}
    events = {s_: [(s_ + 0.5, herald[s_] - d / 2)] for s_ in range(n)}
    for x in data.draw(st.permutations(range(1, n))):
        lleft = next(r for r, (a, b) in ends.items() if b == x)
        lright = next(r for r, (a, b) in ends.items() if a == x)
        a, b = ends[lleft][0], ends[lright][1]
        now = max(herald[x - 1], herald[x]) + data.draw(st.floats(0.0, 5.0))
        K._merge_times(lleft, lright, x, now, True, d, li, lf)
        li[lleft, K._NODE + 1] = b
        ends[lleft] = (a, b)
        del ends[lright]
        events[lleft] = events[lleft] + events.pop(lright) + [(x, now)]
        want_a = max(t + (pos - a) * d for pos, t in events[lleft])
        want_b = max(t + (b - pos) * d for pos, t in events[lleft])
        assert lf[lleft, K._INFO] == pytest.approx(want_a, rel=1e-12, abs=1e-12)
        assert lf[lleft, K._INFO + 1] == pytest.approx(want_b, rel=1e-12, abs=1e-12)
        assert lf[lleft, K._DEAD_AT] == lf[lleft, K._DEAD_AT + 1] == np.inf


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 10), data=st.data())
def test_an_end_learns_of_a_failure_once_every_outcome_up_to_it_has_arrived(n, data):
    """Random swap order and outcomes: each end of a merged link learns that it is dead at

    ``min over failed swaps y of max over events p between the end and y (inclusive) of
    t_p + |p - end| d`` (the rule of the RepeaterChain docstring, as in
    :meth:`chain_reference._Link._learns_dead`), and never before it knows the failure.
    """
    d = 0.7
    herald = data.draw(st.lists(st.floats(0.0, 10.0), min_size=n, max_size=n))
    li = np.zeros((n, K._NI), dtype=np.int64)
    lf = np.full((n, K._NF), np.inf)
    for s_ in range(n):
        li[s_, K._NODE], li[s_, K._NODE + 1] = s_, s_ + 1
        lf[s_, K._INFO] = lf[s_, K._INFO + 1] = herald[s_]
    ends = {s_: (s_, s_ + 1) for s_ in range(n)}
    events = {s_: [(s_ + 0.5, herald[s_] - d / 2)] for s_ in range(n)}
    failures = {s_: [] for s_ in range(n)}
    for x in data.draw(st.permutations(range(1, n))):
        lleft = next(r for r, (a, b) in ends.items() if b == x)
        lright = next(r for r, (a, b) in ends.items() if a == x)
        a, b = ends[lleft][0], ends[lright][1]
        now = max(herald[x - 1], herald[x]) + data.draw(st.floats(0.0, 5.0))
        ok = data.draw(st.booleans())
        K._merge_times(lleft, lright, x, now, ok, d, li, lf)
        li[lleft, K._NODE + 1] = b
        ends[lleft] = (a, b)
        del ends[lright]
        events[lleft] = events[lleft] + events.pop(lright) + [(x, now)]
        failures[lleft] = failures[lleft] + failures.pop(lright) + ([] if ok else [x])
        for e, f in ((a, K._DEAD_AT), (b, K._DEAD_AT + 1)):
            want = min((max(t + abs(p - e) * d for p, t in events[lleft] if min(e, y) <= p <= max(e, y))
                        for y in failures[lleft]), default=np.inf)
            assert lf[lleft, f] == pytest.approx(want, rel=1e-12, abs=1e-12)
