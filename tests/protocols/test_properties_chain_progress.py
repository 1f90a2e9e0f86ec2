"""Progress inside one long computation (issue 13): ``simulate_chain(..., progress=...)`` and the
finite-key curve report after each chunk of trials or each distance, on the calling thread, and never
change a result; ``progress=True`` draws an optional tqdm bar."""

import sys
import threading
import types

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.qkd.finite_key import finite_key_curve
from protocols.qkd.keyrate import key_rate_curve
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain
from qnet_core.errors import ParameterError

CHAIN = RepeaterChain(3, 60.0, memory_t2_s=0.5, cutoff_s=0.05)


def _same(a, b):
    np.testing.assert_array_equal(a.delivery_time_s, b.delivery_time_s)
    np.testing.assert_array_equal(a.delivered, b.delivered)
    np.testing.assert_array_equal(a.fidelities, b.fidelities)
    np.testing.assert_equal(a.to_dict(), b.to_dict())  # NaN equals NaN here


class _Recorder:
    def __init__(self):
        self.calls, self.threads = [], set()

    def __call__(self, done, total):
        self.calls.append((done, total))
        self.threads.add(threading.get_ident())


@settings(max_examples=8, deadline=None)
@given(trials=st.integers(2, 400), seed=st.integers(0, 2**32), threads=st.sampled_from([1, 2]))
def test_progress_counts_up_to_total_and_changes_nothing(trials, seed, threads):
    rec = _Recorder()
    with_progress = simulate_chain(CHAIN, trials, seed, threads=threads, progress=rec)
    _same(with_progress, simulate_chain(CHAIN, trials, seed, threads=threads))
    done = [d for d, _ in rec.calls]
    assert done and done[-1] == trials and done == sorted(done) and done[0] >= 1
    assert {t for _, t in rec.calls} == {trials}
    assert rec.threads == {threading.get_ident()}  # the calling thread only


def test_progress_with_first_trial_counts_this_call():
    rec = _Recorder()
    part = simulate_chain(CHAIN, 50, 4, first_trial=100, progress=rec)
    assert rec.calls[-1] == (50, 50)
    _same(part, simulate_chain(CHAIN, 50, 4, first_trial=100))


def test_an_exception_in_the_callback_stops_the_run():
    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        simulate_chain(CHAIN, 2000, 1, threads=2, progress=stop)


@pytest.mark.parametrize("bad", [5, "yes", 1.0])
def test_progress_must_be_none_true_or_callable(bad):
    with pytest.raises(ParameterError, match=r"simulate_chain\(\): progress=.* must be None, True .* or a callable"):
        simulate_chain(CHAIN, 10, 1, progress=bad)


def test_progress_true_without_tqdm_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm -> ImportError
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"tqdm is not installed.*qnetsim\[progress\].*callable"):
        simulate_chain(CHAIN, 10, 1, progress=True)


class _FakeBar:
    instances: list = []

    def __init__(self, total, unit, desc):
        self.total, self.unit, self.desc, self.n, self.closed = total, unit, desc, 0, False
        _FakeBar.instances.append(self)

    def update(self, k):
        self.n += k

    def close(self):
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch):
    auto = types.ModuleType("tqdm.auto")
    auto.tqdm = _FakeBar
    pkg = types.ModuleType("tqdm")
    pkg.auto = auto
    monkeypatch.setitem(sys.modules, "tqdm", pkg)
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    _FakeBar.instances = []
    return _FakeBar


def test_progress_true_draws_a_tqdm_bar_to_the_end(fake_tqdm):
    res = simulate_chain(CHAIN, 300, 2, progress=True)
    (bar,) = fake_tqdm.instances
    assert (bar.total, bar.unit, bar.n, bar.closed) == (300, "trials", 300, True)
    _same(res, simulate_chain(CHAIN, 300, 2))


def test_finite_key_curve_reports_each_distance_and_changes_nothing():
    d = [0.0, 50.0, 100.0]
    rec = _Recorder()
    with_progress = key_rate_curve(d, n_pulses=1e10, progress=rec)
    assert rec.calls == [(1, 3), (2, 3), (3, 3)]
    plain = finite_key_curve(d, 1e10)
    np.testing.assert_array_equal(with_progress.key_rate_per_pulse, plain.key_rate_per_pulse)


def test_asymptotic_curve_reports_once(fake_tqdm):
    rec = _Recorder()
    key_rate_curve([0.0, 10.0], progress=rec)
    assert rec.calls == [(2, 2)]
    key_rate_curve([0.0, 10.0], progress=True)
    assert fake_tqdm.instances[0].n == 2 and fake_tqdm.instances[0].closed


def test_key_rate_curve_eps_sec_is_the_finite_key_parameter():
    got = key_rate_curve([20.0], n_pulses=1e10, eps_sec=1e-6)
    want = finite_key_curve([20.0], 1e10, eps_sec=1e-6)
    assert got.params["eps_sec"] == 1e-6
    np.testing.assert_array_equal(got.key_rate_per_pulse, want.key_rate_per_pulse)
    with pytest.raises(ParameterError, match=r"key_rate_curve\(\): eps_sec=1e-06 .* needs n_pulses"):
        key_rate_curve([20.0], eps_sec=1e-6)
