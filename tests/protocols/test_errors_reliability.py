"""Silent failures of the protocols layer (issue 12) raise clear QnetErrors."""

import numpy as np
import pytest

from protocols.repeaters import _kernels
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain
from qnet_core.errors import ParameterError, QnetError


def test_chain_workspace_too_large_is_refused_before_the_kernel():
    with pytest.raises(ParameterError, match=r"simulate_chain\(\): num_segments=100000000, memories_per_node=1 "
                                             r"and trials=100000 need about .* GiB.*the limit is .* GiB"):
        simulate_chain(RepeaterChain(10**8, 100.0), 100000, seed=1)


def test_chain_unfinished_trials_never_look_delivered(monkeypatch):
    def kernel_that_does_nothing(*args):
        return None

    monkeypatch.setattr(_kernels, "_run_range", kernel_that_does_nothing)
    with pytest.raises(QnetError, match=r"simulate_chain\(\): the chain kernel did not finish trial 0 "
                                        r"\(status -1, time nan\)"):
        simulate_chain(RepeaterChain(2, 10.0), 3, seed=1, jit=True)


@pytest.mark.parametrize("p", [1e-320, 1e-300, 1e-13])
def test_chain_tiny_link_success_prob_is_refused(p):
    with pytest.raises(ParameterError, match=rf"RepeaterChain\(\): link_success_prob={p!r} is below 1e-12.*"
                                             r"Allowed: \[1e-12, 1\]"):
        RepeaterChain(2, 10.0, scheme="werner", link_success_prob=p)


def test_chain_tiny_physical_success_prob_is_refused():
    with pytest.raises(ParameterError, match=r"single-click success probability per attempt, .* is below 1e-12"):
        RepeaterChain(2, 1e4)


def test_chain_smallest_allowed_link_success_prob_gives_finite_summary():
    res = simulate_chain(RepeaterChain(2, 10.0, scheme="werner", link_success_prob=1e-12), 20, seed=1)
    d = res.to_dict()
    assert d["delivered"] == 20
    assert np.isfinite(d["mean_waiting_time_s"]) and np.isfinite(d["mean_waiting_time_s_stderr"])


@pytest.mark.parametrize("fn,arg,name", [
    ("plob_bound", True, "eta"), ("plob_bound", "0.5", "eta"), ("tgw_bound", np.array([True, False]), "eta"),
    ("fiber_transmissivity", "10", "distance_km"), ("plob_bound_fiber", True, "distance_km"),
])
def test_bounds_reject_bool_and_str(fn, arg, name):
    import protocols

    with pytest.raises(ParameterError, match=rf"\w+\(\): {name}=.* must be a real number or an array of real"):
        getattr(protocols, fn)(arg)


@pytest.mark.parametrize("mu", [1e10, 1e100, 1e308])
def test_bbm92_huge_mean_pair_number_gives_qber_one_half(mu):
    import warnings

    import protocols

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow on the way
        q, e = protocols.bbm92_gain_error(0.1, 0.1, mu)
        assert q == pytest.approx(1.0) and e == pytest.approx(0.5, abs=1e-8)
        assert protocols.bbm92_rate(50.0, mu) == 0.0
