"""Regression tests of the library fixes of issue 12 found by tests/test_fuzz_public_api.py."""

import time

import numpy as np
import pytest

import protocols
from protocols.qkd.curve import KeyRateCurve
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain
from qnet_core import gates
from qnet_core.errors import ParameterError


def test_simulate_decoy_bb84_refuses_huge_pulse_counts_up_front():
    t0 = time.perf_counter()
    with pytest.raises(ParameterError, match=r"simulate_decoy_bb84\(\): n_pulses=1000000000000000000 is above 2\*\*53"):
        protocols.simulate_decoy_bb84(10.0, 10**18)
    with pytest.raises(ParameterError, match=r"n_pulses=10000000 in chunks of chunk_pulses=1 makes 10000000 chunks; "
                                             r"at most 4096"):
        protocols.simulate_decoy_bb84(10.0, 10**7, chunk_pulses=1)
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize("kwargs,match", [
    (dict(eta_a=1.5), r"bbm92_gain_error\(\): eta_a=1.5 must lie in \[0, 1\]; a transmittance"),
    (dict(eta_b=[0.1, np.nan]), r"bbm92_gain_error\(\): eta_b contains nan must lie in \[0, 1\]"),
    (dict(mean_pair_number=-1.0), r"mean_pair_number=-1.0 must be a finite number > 0"),
    (dict(mean_pair_number=np.inf), r"mean_pair_number=inf must be a finite number > 0"),
    (dict(dark_count_prob="0.1"), r"dark_count_prob='0.1' must be a real number"),
    (dict(misalignment=True), r"misalignment=True must be a real number"),
    (dict(eta_a=[True, 0.5]), r"eta_a=\[True, 0.5\] must be a real number"),
])
def test_bbm92_gain_error_checks_its_inputs(kwargs, match):
    args = dict(eta_a=0.1, eta_b=0.1, mean_pair_number=0.1) | kwargs
    with pytest.raises(ParameterError, match=match):
        protocols.bbm92_gain_error(**args)


def test_bbm92_gain_error_at_the_largest_pair_number_is_the_physical_limit():
    q, e = protocols.bbm92_gain_error(0.1, 0.1, 1e308)
    assert q == pytest.approx(1.0) and e == pytest.approx(0.5, abs=1e-8)


@pytest.mark.parametrize("fn,args,match", [
    ("coherent_gain_error", (0.1, -0.5, 1e-6, 0.01), r"coherent_gain_error\(\): mu=-0.5 must be a finite number >= 0"),
    ("single_photon_yield_error", (2.0, 1e-6, 0.01), r"single_photon_yield_error\(\): eta=2.0 must lie in \[0, 1\]"),
    ("decoy_estimates_vacuum_weak", (1e-3, 0.01, 1e-4, 0.02, 1e-6, 0.1, 0.5),
     r"decoy_estimates_vacuum_weak\(\): mu=0.1 must exceed the weak decoy intensity nu=0.5"),
    ("shor_preskill_key_fraction", ([0.1, True],), r"shor_preskill_key_fraction\(\): qber=\[0.1, True\] must be a real"),
    ("equal_links", (1e18, 1.0), r"equal_links\(\): total_km=1e\+18 with max_link_km=1.0 needs 1e\+18 links; at most"),
    ("max_distance_km", (lambda d: 1.0 - d, 10.0, 0.0), r"max_distance_km\(\): tol_km=0.0 must be a finite number > 0"),
    ("max_distance_km", (lambda d: float("nan"),), r"max_distance_km\(\): rate_fn\(0.0\) returned nan"),
])
def test_qkd_formulas_check_their_inputs(fn, args, match):
    with pytest.raises(ParameterError, match=match):
        getattr(protocols, fn)(*args)


def test_max_distance_km_ends_for_a_tolerance_below_float_spacing():
    d = protocols.max_distance_km(lambda x: 50.0 - x, 100.0, 5e-324)
    assert d == pytest.approx(50.0)


@pytest.mark.parametrize("fn", [gates.rx, gates.ry, gates.rz])
@pytest.mark.parametrize("theta", [np.nan, np.inf, True, "0.1", 1j])
def test_rotation_gates_refuse_non_angles(fn, theta):
    with pytest.raises(ParameterError, match=rf"{fn.__name__}\(\): theta="):
        fn(theta)


def test_key_rate_curve_rows_are_linear_and_fast():
    z = np.linspace(0.0, 1.0, 100_000)
    curve = KeyRateCurve(z, z, z, z, z, z)
    t0 = time.perf_counter()
    rows = curve.rows()
    d = curve.to_dict()
    assert time.perf_counter() - t0 < 1.0  # was 0.3 s for rows alone; now about 0.05 s for both
    assert rows[-1] == (1.0,) * 6 and type(rows[0][0]) is float and len(d["qber"]) == 100_000


def test_chain_memory_estimate_covers_results_and_names_the_figures():
    with pytest.raises(ParameterError, match=r"simulate_chain\(\): num_segments=2, memories_per_node=1 and "
                                             r"trials=90000000 need about 25.5 GiB .* GiB of results\); the limit is"):
        simulate_chain(RepeaterChain(2, 20.0), 9 * 10**7, seed=1)


def test_chain_summary_does_not_copy_the_states():
    import tracemalloc

    res = simulate_chain(RepeaterChain(2, 20.0, scheme="werner", link_success_prob=0.5, link_fidelity=0.95), 20000,
                         seed=1)
    tracemalloc.start()
    try:
        res.to_dict()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / res.trials < 64  # bytes per trial; a copy of the states would be 256


@pytest.mark.parametrize("kwargs,match", [
    (dict(scheme="bogus"), r"ElementaryLink\(\): scheme='bogus' is not allowed"),
    (dict(state="abc"), r"ElementaryLink\(\): state of type str is not a numeric 4x4 array"),
])
def test_elementary_link_checks_scheme_and_state(kwargs, match):
    args = dict(success_probability=0.5, attempt_duration_s=1e-4, herald_delay_s=0.0, state=np.eye(4) / 4) | kwargs
    with pytest.raises(ParameterError, match=match):
        protocols.ElementaryLink(**args)


@pytest.mark.parametrize("p", [np.nan, -0.1, 1.5, True, "0.5"])
def test_heralded_channel_checks_its_probability(p):
    import channels

    with pytest.raises(ParameterError, match=r"HeraldedChannel\(\): success_probability="):
        channels.HeraldedChannel(p, channels.depolarizing(0.1))
