"""The chain Monte Carlo's two tiers (issue 11): the compiled kernel and its source in the interpreter.

``simulate_chain(..., jit=None)`` runs small jobs in the interpreter (no compilation) and hands
the rest to the compiled kernel once compiling pays; both tiers run the same source with the
same operations in the same order, so every result must agree, whichever tier ran which trials:
delivery times and outcomes exactly, states to rounding (numba's machine code may round an
operation differently from the interpreter).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.repeaters import _kernels
from protocols.repeaters import repeater_chain as rc
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain
from qnet_core.errors import ParameterError


def assert_same(a, b):
    """Two ChainResults agree: times and outcomes exactly, states to rounding."""
    assert np.array_equal(a.delivery_time_s, b.delivery_time_s, equal_nan=True)
    assert np.array_equal(a.delivered, b.delivered)
    np.testing.assert_allclose(a.states, b.states, rtol=0, atol=1e-12)


@st.composite
def chains(draw):
    """Small chains over every option of the kernel: schemes, memory models, cutoffs, failing swaps,
    gate and readout errors, purification (DEJMPS / BBPSSW) and nested swapping."""
    nested = draw(st.booleans())
    n = draw(st.sampled_from([1, 2, 4])) if nested else draw(st.integers(1, 5))
    purification = draw(st.sampled_from([None, "dejmps", "bbpssw"]))
    kw = dict(
        scheme=draw(st.sampled_from(["single-click", "double-click"])),
        protocol="nested" if nested else "swap-asap",
        memories_per_node=draw(st.integers(2, 3)) if purification else draw(st.integers(1, 2)),
        purification=purification,
        swap_success_prob=draw(st.sampled_from([1.0, 0.6])),
        gate_error=draw(st.sampled_from([0.0, 0.02])),
        readout_error=draw(st.sampled_from([0.0, 0.01])),
        cutoff_s=draw(st.sampled_from([None, 0.02])),
    )
    if draw(st.booleans()):
        kw["memory_t_dep_s"] = draw(st.sampled_from([0.01, 1.0]))
    else:
        kw["memory_t1_s"] = draw(st.sampled_from([0.05, 1.0]))
        kw["memory_t2_s"] = draw(st.sampled_from([0.02, 0.05]))
    return RepeaterChain(n, draw(st.sampled_from([10.0, 60.0])) * n, **kw)


@settings(max_examples=30, deadline=None)
@given(chain=chains(), seed=st.integers(0, 2**32), first=st.integers(0, 1000))
def test_interpreted_and_compiled_kernels_agree(chain, seed, first):
    def run(jit):
        try:
            return simulate_chain(chain, 6, seed, jit=jit, first_trial=first, max_time_s=5.0)
        except ParameterError as e:  # e.g. a deadlock (too few memories): the same error from both tiers
            return str(e)

    interpreted, compiled = run(False), run(True)
    if isinstance(interpreted, str) or isinstance(compiled, str):
        assert interpreted == compiled
    else:
        assert_same(interpreted, compiled)


class Spy:
    """Stands in for ``_kernels._run_range``: counts the trials each tier ran."""

    def __init__(self, kernel):
        self.kernel = kernel
        self.compiled = self.interpreted_trials = 0

    def __call__(self, lo, hi, *args):
        self.compiled += int(hi - lo)
        return self.kernel(lo, hi, *args)

    def interpreted(self):
        f = self.kernel.interpreted()

        def run(lo, hi, *args):
            self.interpreted_trials += int(hi - lo)
            return f(lo, hi, *args)
        return run


@pytest.fixture
def fresh(monkeypatch):
    """A process state in which nothing was interpreted or compiled yet, and a spy on the kernel."""
    spy = Spy(_kernels._run_range)
    monkeypatch.setattr(_kernels, "_run_range", spy)
    monkeypatch.setattr(rc, "_interpreted_s", 0.0)
    monkeypatch.setattr(rc, "_compiled_variants", set())
    return spy


def test_a_small_run_stays_in_the_interpreter(fresh):
    chain = RepeaterChain(4, 100.0)
    res = simulate_chain(chain, 300, seed=2)
    assert (fresh.interpreted_trials, fresh.compiled) == (300, 0)
    assert 0.0 < rc._interpreted_s <= rc._INTERPRET_BUDGET_S
    assert_same(res, simulate_chain(chain, 300, seed=2, jit=True))


def test_a_slow_first_trial_does_not_send_a_small_run_to_the_compiler(fresh, monkeypatch):
    """The first interpreted chunk is one trial; a pause in it (here 20 ms, projecting 300
    trials to 6 s) must not decide the tier before the interpreter has run for ``_CHUNK_S``."""
    import time as _time

    interpreted = fresh.interpreted
    paused = []

    def pausing():
        f = interpreted()

        def run(lo, hi, *args):
            if not paused:
                paused.append(lo)
                _time.sleep(0.02)
            return f(lo, hi, *args)
        return run

    monkeypatch.setattr(fresh, "interpreted", pausing)
    simulate_chain(RepeaterChain(4, 100.0), 300, seed=2)
    assert paused and (fresh.interpreted_trials, fresh.compiled) == (300, 0)


def test_a_run_past_the_budget_moves_to_the_compiled_kernel(fresh, monkeypatch):
    """Trials interpreted before the switch and compiled after it concatenate to the same run;
    progress covers both tiers, and the process keeps the compiled kernel for later calls."""
    monkeypatch.setattr(rc, "_INTERPRET_BUDGET_S", 0.05)
    chain = RepeaterChain(4, 100.0, memory_t2_s=0.5)
    seen = []
    res = simulate_chain(chain, 3000, seed=4, progress=lambda done, total: seen.append(done))
    assert fresh.interpreted_trials >= 1 and fresh.compiled >= 1
    assert fresh.interpreted_trials + fresh.compiled == 3000
    assert seen == sorted(seen) and seen[-1] == 3000
    assert_same(res, simulate_chain(chain, 3000, seed=4, jit=False))
    before = fresh.interpreted_trials
    simulate_chain(chain, 10, seed=5)  # compiled in this process: no more interpreting
    assert fresh.interpreted_trials == before


def test_the_budget_is_per_process_not_per_call(fresh, monkeypatch):
    """Many small calls (a sweep) stop interpreting once together they spent the budget."""
    monkeypatch.setattr(rc, "_interpreted_s", rc._INTERPRET_BUDGET_S)
    simulate_chain(RepeaterChain(2, 50.0), 20, seed=1)
    assert (fresh.interpreted_trials, fresh.compiled) == (0, 20)


def test_long_chains_compile_at_once(fresh):
    chain = RepeaterChain(300, 3000.0, scheme="double-click")
    simulate_chain(chain, 1, seed=1)
    assert (fresh.interpreted_trials, fresh.compiled) == (0, 1)


def test_jit_false_never_compiles_and_jit_true_never_interprets(fresh):
    chain = RepeaterChain(2, 50.0, purification="dejmps", memories_per_node=2)
    simulate_chain(chain, 40, seed=3, jit=False)
    assert (fresh.interpreted_trials, fresh.compiled) == (40, 0)
    simulate_chain(chain, 40, seed=3, jit=np.bool_(True))
    assert (fresh.interpreted_trials, fresh.compiled) == (40, 40)


def test_an_exception_from_progress_stops_the_interpreted_run(fresh):
    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        simulate_chain(RepeaterChain(2, 50.0), 10_000, seed=1, progress=stop, jit=False)
    assert fresh.interpreted_trials == 1  # the first chunk is one trial


@pytest.mark.parametrize("jit", ["yes", 1, 0.0, "auto"])
def test_jit_must_be_none_or_a_bool(jit):
    with pytest.raises(ParameterError, match=r"simulate_chain\(\): jit=.* must be None, True or False"):
        simulate_chain(RepeaterChain(2, 50.0), 5, seed=1, jit=jit)
