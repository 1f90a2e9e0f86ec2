"""Invariants of the repeater-chain Monte Carlo: reproducibility, monotonicity, valid states."""

import math
from concurrent.futures import ProcessPoolExecutor
import multiprocessing as mp

import numba
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from protocols.repeaters.repeater_chain import ChainResult, RepeaterChain, simulate_chain
from qnet_core.errors import ParameterError
from qnet_core.testing import assert_density_matrix

NOISY = dict(scheme="single-click", bright_state_param=0.05, memory_t1_s=0.5, memory_t2_s=0.05)


def _same(a: ChainResult, b: ChainResult):
    np.testing.assert_array_equal(a.delivery_time_s, b.delivery_time_s)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.delivered, b.delivered)


def test_same_seed_same_result_and_different_seed_differs():
    chain = RepeaterChain(4, 200.0, **NOISY)
    a = simulate_chain(chain, 300, seed=1)
    _same(a, simulate_chain(chain, 300, seed=1))
    _same(a, chain.simulate(300, seed=np.random.SeedSequence(1)))
    b = simulate_chain(chain, 300, seed=2)
    assert not np.array_equal(a.delivery_time_s, b.delivery_time_s)


def test_split_trials_concatenate_to_the_single_run():
    chain = RepeaterChain(8, 400.0, protocol="nested", memories_per_node=2, cutoff_s=0.02, **NOISY)
    whole = simulate_chain(chain, 200, seed=5)
    parts = [simulate_chain(chain, 70, seed=5), simulate_chain(chain, 30, seed=5, first_trial=70),
             simulate_chain(chain, 100, seed=5, first_trial=100)]
    _same(whole, ChainResult.concatenate(parts[::-1]))


def test_result_independent_of_thread_count():
    chain = RepeaterChain(5, 250.0, cutoff_s=0.01, **NOISY)
    a = simulate_chain(chain, 100, seed=3)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        b = simulate_chain(chain, 100, seed=3)
    finally:
        numba.set_num_threads(old)
    _same(a, b)


def _run_part(args):
    first, n = args
    chain = RepeaterChain(4, 200.0, cutoff_s=0.02, **NOISY)
    return simulate_chain(chain, n, seed=21, first_trial=first)


def test_trials_split_across_processes_match_one_process():
    chain = RepeaterChain(4, 200.0, cutoff_s=0.02, **NOISY)
    whole = simulate_chain(chain, 120, seed=21)
    with ProcessPoolExecutor(2, mp_context=mp.get_context("spawn")) as ex:
        parts = list(ex.map(_run_part, [(0, 40), (40, 40), (80, 40)]))
    _same(whole, ChainResult.concatenate(parts))


def test_infinite_memory_fidelity_does_not_depend_on_cutoff():
    base = dict(scheme="werner", link_success_prob=0.1, link_fidelity=0.9, prep_time_s=1e-3)
    ref = simulate_chain(RepeaterChain(6, 60.0, **base), 400, seed=4)
    for cut in (2e-3, 0.05, 1.0):
        res = simulate_chain(RepeaterChain(6, 60.0, cutoff_s=cut, **base), 400, seed=4)
        np.testing.assert_allclose(res.states, ref.states, atol=1e-12)
    # a cutoff longer than every trial changes nothing at all, not even the timeline
    long_cut = simulate_chain(RepeaterChain(6, 60.0, cutoff_s=1e6, **base), 400, seed=4)
    _same(ref, long_cut)


def _diff_sigma(a, b, name):
    return (getattr(a, name) - getattr(b, name)) / math.hypot(getattr(a, name + "_stderr"),
                                                               getattr(b, name + "_stderr"))


def test_fidelity_decreases_with_shorter_coherence_time():
    results = []
    for t2 in (math.inf, 0.2, 0.02, 0.005):
        chain = RepeaterChain(4, 200.0, scheme="double-click", memory_t2_s=t2, memory_t1_s=math.inf)
        results.append(simulate_chain(chain, 3000, seed=6))
    # same seed: identical timelines, so only the noise differs
    for a, b in zip(results, results[1:]):
        np.testing.assert_array_equal(a.delivery_time_s, b.delivery_time_s)
        assert _diff_sigma(a, b, "mean_fidelity") > 5


def test_tighter_cutoff_raises_fidelity_and_waiting_time():
    results = []
    for cut in (None, 0.01, 0.004, 0.002):
        chain = RepeaterChain(4, 200.0, scheme="double-click", memory_t2_s=0.01, cutoff_s=cut)
        results.append(simulate_chain(chain, 3000, seed=7))
    for loose, tight in zip(results, results[1:]):
        assert _diff_sigma(tight, loose, "mean_fidelity") > 5
        assert _diff_sigma(tight, loose, "mean_waiting_time_s") > 5


def test_more_memories_shorten_the_waiting_time():
    results = [simulate_chain(RepeaterChain(4, 200.0, scheme="double-click", memories_per_node=m), 3000, seed=8)
               for m in (1, 2, 4)]
    for few, many in zip(results, results[1:]):
        assert _diff_sigma(few, many, "mean_waiting_time_s") > 5


def test_depolarizing_memory_lowers_fidelity():
    a = simulate_chain(RepeaterChain(4, 200.0, scheme="double-click"), 2000, seed=9)
    b = simulate_chain(RepeaterChain(4, 200.0, scheme="double-click", memory_t_dep_s=0.02), 2000, seed=9)
    assert a.mean_fidelity == pytest.approx(1.0, abs=1e-12)
    assert _diff_sigma(a, b, "mean_fidelity") > 5


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 9), protocol=st.sampled_from(["swap-asap", "nested"]),
       scheme=st.sampled_from(["single-click", "double-click"]), m=st.integers(1, 3),
       t1=st.sampled_from([math.inf, 0.05, 1.0]), cut=st.sampled_from([None, 0.01, 0.1]),
       pur=st.sampled_from([None, "dejmps", "bbpssw"]), seed=st.integers(0, 2**32))
def test_delivered_states_are_valid_and_times_positive(n, protocol, scheme, m, t1, cut, pur, seed):
    if protocol == "nested":
        n = 1 << (n.bit_length() - 1)
    if pur is not None and m < 2:
        m = 2
    chain = RepeaterChain(n, 30.0 * n, scheme=scheme, protocol=protocol, memories_per_node=m, memory_t1_s=t1,
                          memory_t2_s=t1, cutoff_s=cut, purification=pur, dark_count_prob=1e-4)
    try:
        res = simulate_chain(chain, 20, seed=seed, max_time_s=50.0)
    except ParameterError as e:
        # swap-ASAP with purification and no cutoff can deadlock (every memory holding a link that waits
        # for a partner); the kernel detects it and simulate_chain says so instead of returning
        assert pur is not None and cut is None and "deadlocked" in str(e), e
        assume(False)
    d = res.delivered
    assert_density_matrix(res.states[d], atol=1e-9)
    assert np.all(res.delivery_time_s[d] >= chain.elementary_link.attempt_duration_s * (1 - 1e-12))
    assert np.all(np.isinf(res.delivery_time_s[~d]))
    if d.sum() >= 2:
        for key, val in res.to_dict().items():
            if isinstance(val, float):
                assert math.isfinite(val), key


def test_to_dict_contract():
    res = simulate_chain(RepeaterChain(2, 50.0, scheme="double-click", memory_t2_s=0.1), 200, seed=10)
    d = res.to_dict()
    for k in ("mean_fidelity", "rate_hz", "mean_waiting_time_s", "secret_key_rate_bps"):
        assert k in d and k + "_stderr" in d
    assert d["rate_hz"] == pytest.approx(1 / d["mean_waiting_time_s"])
    assert res.states.shape == (200, 4, 4) and res.delivery_time_s.shape == (200,)
    lo, hi = res.confidence_interval("mean_fidelity")
    assert lo <= res.mean_fidelity <= hi
    assert 0.0 <= d["secret_fraction"] <= 1.0
