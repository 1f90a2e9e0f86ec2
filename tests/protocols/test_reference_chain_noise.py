"""Gate and readout errors in the chain's swaps and purification equal the batch protocols'.

The chain calls the pair primitives of :mod:`qnet_core._pair`, as :func:`protocols.entanglement_swap`
and :func:`protocols.purify` do; these tests check that it passes them the right pairs and
parameters, end to end. Noise model: Dür, Briegel, Cirac & Zoller, PRA 59, 169 (1999):
two-qubit depolarizing ``gate_error`` with each Bell measurement and each CNOT, each
measured bit misread with probability ``readout_error``.

With deterministic Werner links and no memory decay every trial follows the same physics:
for Werner (Bell-diagonal) inputs every Pauli-corrected branch of a swap is the same state,
so the delivered state is exactly the protocols' outcome-averaged state, and swaps of
Bell-diagonal pairs commute (Pauli errors compose by XOR of Bell indices, depolarizing
commutes with them), so any swap order gives the same state.
"""

import math

import numpy as np
import pytest

import qnet_core as qc
from protocols import entanglement_swap, purify
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain

NOISE = [(0.0, 0.0), (0.05, 0.0), (0.0, 0.03), (0.1, 0.02), (1.0, 0.5)]


def _werner_chain(n, F, p=1.0, **kw):
    kw.setdefault("prep_time_s", 1.0)
    return RepeaterChain(n, 0.0, scheme="werner", link_success_prob=p, link_fidelity=F, **kw)


@pytest.mark.parametrize("g,r", NOISE)
@pytest.mark.parametrize("F", [1.0, 0.9])
def test_two_segment_chain_delivers_the_noisy_swap_of_its_links(F, g, r):
    """Deterministic links: every trial is ``entanglement_swap(werner(F), werner(F), gate_error=g,
    readout_error=r).state``."""
    res = simulate_chain(_werner_chain(2, F, gate_error=g, readout_error=r), 200, seed=31)
    want = entanglement_swap(qc.werner(F), qc.werner(F), gate_error=g, readout_error=r).state
    assert res.num_delivered == res.trials
    np.testing.assert_allclose(res.states, np.broadcast_to(want, res.states.shape), atol=1e-12)


@pytest.mark.parametrize("protocol", ["swap-asap", "nested"])
def test_four_segment_chain_is_any_order_of_noisy_swaps(protocol):
    """Random link times (so random swap orders), no memory decay: one state, that of swapping
    the four links left to right with the protocols' noisy swap."""
    F, g, r = 0.95, 0.04, 0.02
    res = simulate_chain(_werner_chain(4, F, 0.3, protocol=protocol, gate_error=g, readout_error=r), 300, seed=32)
    want = qc.werner(F)
    for _ in range(3):
        want = entanglement_swap(want, qc.werner(F), gate_error=g, readout_error=r).state
    np.testing.assert_allclose(res.states, np.broadcast_to(want, res.states.shape), atol=1e-12)


@pytest.mark.parametrize("method", ["dejmps", "bbpssw"])
@pytest.mark.parametrize("g,r", [(0.0, 0.0), (0.05, 0.0), (0.0, 0.05), (0.08, 0.03)])
def test_purification_round_matches_protocols_purify(method, g, r):
    """One segment, two memories, p = 1, no delays: each round takes one attempt (1 s).

    Every delivered pair is ``purify(werner(F), werner(F), method, gate_error=g,
    readout_error=r).state``; the number of rounds is geometric with that round's success
    probability, so the mean waiting time is ``1 / p_success`` within 5 standard errors.
    """
    F = 0.8
    res = simulate_chain(_werner_chain(1, F, memories_per_node=2, purification=method, gate_error=g,
                                       readout_error=r), 4000, seed=33)
    ref = purify(qc.werner(F), qc.werner(F), method=method, gate_error=g, readout_error=r)
    np.testing.assert_allclose(res.states, np.broadcast_to(ref.state, res.states.shape), atol=1e-12)
    np.testing.assert_allclose(res.mean_fidelity, ref.fidelity, atol=1e-12)
    p = float(ref.success_probability)
    assert abs(res.mean_waiting_time_s - 1 / p) < 5 * res.mean_waiting_time_s_stderr
    # the waiting time is an integer number of rounds
    np.testing.assert_allclose(res.delivery_time_s, np.round(res.delivery_time_s), atol=1e-9)


def test_noise_parameters_lower_the_delivered_fidelity_as_in_the_closed_form():
    """Werner links of parameter w, N segments, depolarizing gate error only: the delivered
    Werner parameter is ``w**N (1 - g)**(N - 1)`` (each swap multiplies Werner parameters,
    Dür et al. 1999, Eq. 9, and its depolarizing scales the result by 1 - g)."""
    F, g, n = 0.97, 0.03, 5
    res = simulate_chain(_werner_chain(n, F, 0.5, gate_error=g), 200, seed=34)
    w = qc.werner_parameter(F) ** n * (1 - g) ** (n - 1)
    want = qc.werner(qc.fidelity_from_werner_parameter(w))
    np.testing.assert_allclose(res.states, np.broadcast_to(want, res.states.shape), atol=1e-12)
    assert math.isclose(res.mean_fidelity, (3 * w + 1) / 4, abs_tol=1e-12)
