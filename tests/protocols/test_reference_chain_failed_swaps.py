"""Swap-ASAP chains with failing swaps: no node acts on news before it arrives.

The :class:`~protocols.repeaters.repeater_chain.RepeaterChain` docstring (Model: Swapping, Causality)
defines the rule: a failed swap leaves a dead link; a node learns that its link is dead once
the failure message and the messages of every outcome between itself and the failed node
have reached it (light in fibre, c / n); until then it may swap the dead link, tying up its
other link, and the result is dead too; then it frees that memory. Before this rule the
kernel let a node skip a link whose distant swap had failed at once, and freed the ends
before they could know, so swap-ASAP chains delivered 10 to 15 % too early.

The event-by-event reference (:func:`chain_reference.swap_asap_trial`) states the rule
directly on each link's list of events. On a dyadic time grid (segment delay 2**-11 s,
preparation times multiples of 2**-14 s) every time is exact in floating point, so the
kernel and the reference see the same ties and, replaying the kernel's random stream,
must agree trial by trial. With generic parameters the reference runs on an independent
numpy stream and the mean waiting times must agree within their standard errors.
"""

import math

import numpy as np
import pytest

from channels.fiber import SPEED_OF_LIGHT_KM_PER_S
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain

from .chain_reference import swap_asap_reference


def _dyadic_chain(n, link_p, swap_p, prep_s):
    """Segment delay exactly 2**-11 s (refractive index 1) and a dyadic preparation time."""
    return RepeaterChain(n, n * SPEED_OF_LIGHT_KM_PER_S * 2.0**-11, scheme="werner", link_success_prob=link_p,
                         prep_time_s=prep_s, swap_success_prob=swap_p, refractive_index=1.0)


EXACT = {
    "n2-ps0.5": _dyadic_chain(2, 0.5, 0.5, 2.0**-12),
    "n3-ps0.5": _dyadic_chain(3, 0.5, 0.5, 2.0**-12),
    "n4-ps0.6": _dyadic_chain(4, 0.5, 0.6, 2.0**-13),
    "n5-ps0.7": _dyadic_chain(5, 0.3, 0.7, 5 * 2.0**-13),
    "n8-ps0.8": _dyadic_chain(8, 0.5, 0.8, 2.0**-14),
}


@pytest.mark.parametrize("chain", EXACT.values(), ids=EXACT.keys())
def test_every_trial_matches_the_event_reference_and_the_causal_bound(chain):
    """Same stream, exact times: identical delivery per trial, never before the last swap's news."""
    res = simulate_chain(chain, 300, seed=201)
    ref = swap_asap_reference(chain, res.trials, res.seed_key)
    assert res.num_delivered == res.trials
    assert ref["failed_swaps"].sum() > res.trials / 2  # the failure path is exercised
    np.testing.assert_allclose(res.delivery_time_s, ref["delivery_s"], rtol=1e-12)
    assert np.all(res.delivery_time_s >= ref["causal_bound_s"] * (1 - 1e-12))


GENERIC = {
    "issue-10-ps0.5": RepeaterChain(4, 400.0, scheme="werner", link_success_prob=0.5, prep_time_s=1e-4,
                                    swap_success_prob=0.5),
    "n5-ps0.7": RepeaterChain(5, 500.0, scheme="werner", link_success_prob=0.5, prep_time_s=1e-4,
                              swap_success_prob=0.7),
    "n8-ps0.8": RepeaterChain(8, 800.0, scheme="werner", link_success_prob=0.5, prep_time_s=1e-4,
                              swap_success_prob=0.8),
}


@pytest.mark.parametrize("chain", GENERIC.values(), ids=GENERIC.keys())
def test_mean_waiting_time_matches_independent_reference(chain):
    """Independent streams; 5 combined standard errors (the old kernel was 11 to 28 off)."""
    trials = 8000
    res = simulate_chain(chain, trials, seed=202)
    ref = swap_asap_reference(chain, trials, rng=np.random.default_rng(202))
    t = ref["delivery_s"]
    want, want_se = float(t.mean()), float(t.std(ddof=1) / math.sqrt(t.size))
    assert abs(res.mean_waiting_time_s - want) < 5 * math.hypot(res.mean_waiting_time_s_stderr, want_se)


def test_dead_links_free_their_memories_with_multiplexing_and_cutoff():
    """Failing swaps, two memories per side and a cutoff: no memory is lost (no deadlock), and
    chunked runs concatenate to the same trials."""
    chain = RepeaterChain(6, 300.0, scheme="werner", link_success_prob=0.3, prep_time_s=1e-4, swap_success_prob=0.6,
                          memories_per_node=2, cutoff_s=5e-3)
    res = simulate_chain(chain, 400, seed=203)
    assert res.num_delivered == res.trials
    d = chain.segment_length_km / chain.light_speed_km_per_s
    assert np.all(res.delivery_time_s >= chain.elementary_link.attempt_duration_s + 5 * d)
    a = simulate_chain(chain, 150, seed=203)
    b = simulate_chain(chain, 250, seed=203, first_trial=150)
    np.testing.assert_array_equal(np.concatenate([a.delivery_time_s, b.delivery_time_s]), res.delivery_time_s)
