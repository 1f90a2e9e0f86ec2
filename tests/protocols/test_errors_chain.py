"""Invalid chain, link and simulation parameters raise clear ParameterErrors."""

import math

import numpy as np
import pytest

from protocols.repeaters.links import ElementaryLink, double_click_link, heralded_state, single_click_link, werner_link
from protocols.repeaters.repeater_chain import ChainResult, RepeaterChain, simulate_chain
from qnet_core.errors import ParameterError, QnetError


@pytest.mark.parametrize("kwargs,match", [
    (dict(num_segments=0, total_length_km=10.0), r"num_segments=0 must be an integer >= 1"),
    (dict(num_segments=2.5, total_length_km=10.0), r"num_segments=2.5"),
    (dict(num_segments=True, total_length_km=10.0), r"num_segments=True"),
    (dict(num_segments=2, total_length_km=-1.0), r"total_length_km=-1.0"),
    (dict(num_segments=2, total_length_km=math.nan), r"total_length_km=nan"),
    (dict(num_segments=2, total_length_km=10.0, cutoff_s=0.0), r"cutoff_s=0.0 must be a number > 0"),
    (dict(num_segments=2, total_length_km=10.0, cutoff_s=-1.0), r"cutoff_s=-1.0"),
    (dict(num_segments=2, total_length_km=10.0, cutoff_s=math.nan), r"cutoff_s=nan"),
    (dict(num_segments=2, total_length_km=10.0, scheme="triple-click"), r"scheme='triple-click'; allowed"),
    (dict(num_segments=2, total_length_km=10.0, protocol="asap"), r"protocol='asap'; allowed"),
    (dict(num_segments=3, total_length_km=10.0, protocol="nested"), r"power of two, got 3"),
    (dict(num_segments=2, total_length_km=10.0, memory_t1_s=1.0, memory_t2_s=3.0),
     r"memory_t2_s=3.0 exceeds 2\*memory_t1_s=2.0"),
    (dict(num_segments=2, total_length_km=10.0, memory_t1_s=0.0), r"memory_t1_s=0.0"),
    (dict(num_segments=2, total_length_km=10.0, memory_t_dep_s=1.0, memory_t2_s=1.0), r"either memory_t_dep_s"),
    (dict(num_segments=2, total_length_km=10.0, purification="pumping"), r"purification='pumping'; allowed"),
    (dict(num_segments=2, total_length_km=10.0, purification_levels=(0,)), r"purification is None"),
    (dict(num_segments=2, total_length_km=10.0, purification="dejmps"), r"memories_per_node=1 is too few"),
    (dict(num_segments=4, total_length_km=10.0, purification="dejmps", purification_levels=(1,),
          memories_per_node=2), r"purification level 1 is not allowed; use 0 only"),
    (dict(num_segments=4, total_length_km=10.0, protocol="nested", purification="dejmps",
          purification_levels=(3,), memories_per_node=2), r"level 3 is not allowed; use 0..2"),
    (dict(num_segments=2, total_length_km=10.0, memories_per_node=0), r"memories_per_node=0"),
    (dict(num_segments=2, total_length_km=10.0, swap_success_prob=0.0),
     r"swap_success_prob=0.0 must be in \(0, 1\]"),
    (dict(num_segments=2, total_length_km=10.0, swap_success_prob=1.5), r"swap_success_prob=1.5 is not a probability"),
    (dict(num_segments=2, total_length_km=10.0, gate_error=-0.1), r"gate_error=-0.1 is not a probability"),
    (dict(num_segments=2, total_length_km=10.0, gate_error=math.nan), r"gate_error=nan"),
    (dict(num_segments=2, total_length_km=10.0, readout_error=1.5), r"readout_error=1.5 is not a probability"),
    (dict(num_segments=2, total_length_km=10.0, readout_error="0.1"), r"readout_error='0.1'"),
    (dict(num_segments=2, total_length_km=10.0, bright_state_param=0.0), r"bright_state_param=0.0 must be in \(0, 1\)"),
    (dict(num_segments=2, total_length_km=10.0, detector_efficiency=1.2), r"detector_efficiency=1.2"),
    (dict(num_segments=2, total_length_km=10.0, dark_count_prob=-0.1), r"dark_count_prob=-0.1"),
    (dict(num_segments=2, total_length_km=10.0, refractive_index=0.5), r"refractive_index=0.5 must be >= 1"),
    (dict(num_segments=2, total_length_km=10.0, scheme="werner"), r"needs link_success_prob"),
    (dict(num_segments=2, total_length_km=10.0, link_success_prob=0.5), r"only for scheme='werner'"),
    (dict(num_segments=2, total_length_km=0.0, scheme="werner", link_success_prob=0.5, prep_time_s=0.0),
     r"attempt duration is 0"),
    (dict(num_segments=2, total_length_km=10.0, scheme="werner", link_success_prob=0.0),
     r"success_probability=0.0 is 0"),
    (dict(num_segments=2, total_length_km=10.0, emission_efficiency=0.0), r"heralding probability is 0"),
])
def test_invalid_chain_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        RepeaterChain(**kwargs)


def test_errors_are_value_errors():
    with pytest.raises(ValueError):
        RepeaterChain(0, 10.0)
    assert issubclass(ParameterError, QnetError)


@pytest.mark.parametrize("kwargs,match", [
    (dict(trials=0), r"trials=0 must be an integer >= 1"),
    (dict(trials=1.5), r"trials=1.5"),
    (dict(trials=10, seed=-1), r"seed=-1 is negative"),
    (dict(trials=10, seed="abc"), r"seed='abc'"),
    (dict(trials=10, first_trial=-3), r"first_trial=-3"),
    (dict(trials=10, max_time_s=0.0), r"max_time_s=0.0"),
    (dict(trials=10, threads=0), r"threads=0 must be an integer >= 1"),
    (dict(trials=10, threads=2.0), r"threads=2.0"),
])
def test_invalid_simulation_arguments(kwargs, match):
    chain = RepeaterChain(2, 10.0, scheme="double-click")
    with pytest.raises(ParameterError, match=match):
        simulate_chain(chain, **kwargs)


def test_chain_must_be_a_repeater_chain():
    with pytest.raises(ParameterError, match=r"chain must be a RepeaterChain, got dict"):
        simulate_chain({"num_segments": 2}, 10)


def test_statistics_need_delivered_trials():
    chain = RepeaterChain(2, 200.0, scheme="double-click")
    res = simulate_chain(chain, 5, seed=1, max_time_s=1e-9)
    assert res.num_delivered == 0 and np.all(np.isinf(res.delivery_time_s))
    with pytest.raises(ParameterError, match=r"only 0 of 5 trials delivered"):
        res.mean_fidelity


def test_confidence_interval_arguments():
    res = simulate_chain(RepeaterChain(2, 10.0, scheme="double-click"), 20, seed=1)
    with pytest.raises(ParameterError, match=r"name='fidelity'"):
        res.confidence_interval("fidelity")
    with pytest.raises(ParameterError, match=r"level=1.0 must be in \(0, 1\)"):
        res.confidence_interval("rate_hz", level=1.0)


def test_concatenate_rejects_mismatched_parts():
    chain = RepeaterChain(2, 10.0, scheme="double-click")
    a = simulate_chain(chain, 10, seed=1)
    with pytest.raises(ParameterError, match=r"different chains or seeds"):
        ChainResult.concatenate([a, simulate_chain(chain, 10, seed=2, first_trial=10)])
    with pytest.raises(ParameterError, match=r"not contiguous"):
        ChainResult.concatenate([a, simulate_chain(chain, 10, seed=1, first_trial=11)])
    with pytest.raises(ParameterError, match=r"no results"):
        ChainResult.concatenate([])


@pytest.mark.parametrize("fn,kwargs,match", [
    (single_click_link, dict(length_km=-1.0), r"single_click_link\(\): length_km=-1.0"),
    (single_click_link, dict(length_km=1.0, bright_state_param=1.0), r"bright_state_param=1.0 must be in \(0, 1\)"),
    (single_click_link, dict(length_km=1.0, dark_count_prob=2.0), r"dark_count_prob=2.0 is not a probability"),
    (double_click_link, dict(length_km=1.0, detector_efficiency=-0.5), r"detector_efficiency=-0.5"),
    (double_click_link, dict(length_km=0.0, prep_time_s=0.0), r"attempt duration is 0"),
    (werner_link, dict(fidelity=1.2, success_probability=0.5, attempt_duration_s=1.0), r"fidelity=1.2"),
    (werner_link, dict(fidelity=0.9, success_probability=0.5, attempt_duration_s=0.0), r"attempt_duration_s=0.0"),
])
def test_invalid_link_parameters(fn, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        fn(**kwargs)


def test_elementary_link_rejects_bad_state():
    with pytest.raises(ParameterError, match=r"not a valid 4x4 density matrix"):
        ElementaryLink(0.5, 1.0, 0.0, np.eye(4))
    with pytest.raises(ParameterError, match=r"shape \(2, 2\)"):
        ElementaryLink(0.5, 1.0, 0.0, np.eye(2) / 2)


def test_heralded_state_unknown_scheme():
    with pytest.raises(ParameterError, match=r"scheme='x'"):
        heralded_state("x", 0.5)
