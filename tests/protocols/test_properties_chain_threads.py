"""The chunked, threaded chain driver: results do not depend on it, and Ctrl-C stops it.

:func:`protocols.simulate_chain` runs contiguous chunks of trials through the compiled
``_run_range`` (which releases the GIL) on a thread pool; trial ``i`` draws only from its
own stream ``(seed, i)``, so neither the chunk size nor the number of threads nor a split
into ``first_trial`` ranges may change a single bit of the result. Each compiled call does
about ``_CHUNK_S`` seconds of work, so ``KeyboardInterrupt`` is handled within about that.
"""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from protocols.repeaters import repeater_chain
from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain

CHAINS = {
    "swap-asap-failing": RepeaterChain(5, 250.0, scheme="werner", link_success_prob=0.3, prep_time_s=1e-4,
                                       swap_success_prob=0.7, memory_t2_s=0.05, gate_error=0.01),
    "nested-purified": RepeaterChain(4, 100.0, scheme="double-click", protocol="nested", memories_per_node=3,
                                     purification="dejmps", purification_levels=(0, 1), memory_t1_s=1.0,
                                     cutoff_s=0.05, readout_error=0.01),
}


@pytest.mark.parametrize("chain", CHAINS.values(), ids=CHAINS.keys())
def test_threads_and_chunks_do_not_change_any_trial(chain, monkeypatch):
    one = simulate_chain(chain, 300, seed=41, threads=1)
    monkeypatch.setattr(repeater_chain, "_CHUNK_S", 1e-5)  # chunks of a few trials: many thread hand-offs
    many = simulate_chain(chain, 300, seed=41, threads=3)
    parts = [simulate_chain(chain, 100, seed=41, first_trial=100 * i, threads=2) for i in range(3)]
    for other in (many, repeater_chain.ChainResult.concatenate(parts)):
        np.testing.assert_array_equal(other.delivery_time_s, one.delivery_time_s)
        np.testing.assert_array_equal(other.states, one.states)
        np.testing.assert_array_equal(other.delivered, one.delivered)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_keyboard_interrupt_stops_a_long_run_within_a_second():
    """A run of about 10 minutes is interrupted with SIGINT one second in; the process must
    raise KeyboardInterrupt and exit soon after (the kernel is already in the disk cache)."""
    script = textwrap.dedent("""
        from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain
        chain = RepeaterChain(16, 1600.0, scheme="werner", link_success_prob=0.05, prep_time_s=1e-4,
                              swap_success_prob=0.5)
        simulate_chain(chain, 2, seed=0)  # compiles, or loads from the cache
        print("ready", flush=True)
        simulate_chain(chain, 100_000, seed=1)
        print("finished", flush=True)
    """)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)
        t0 = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        elapsed = time.perf_counter() - t0
    finally:
        proc.kill()
    assert proc.returncode != 0 and "KeyboardInterrupt" in err
    assert elapsed < 1.5, f"took {elapsed:.2f} s to stop"


def test_one_compiled_signature_whatever_the_parameter_types():
    """Ints, floats and numpy scalars in the chain all reach the kernel with the same types:
    one compiled variant without purification and one with it, never more."""
    from protocols.repeaters import _kernels as K

    chains = [RepeaterChain(2, 100, scheme="werner", link_success_prob=1, prep_time_s=1),
              RepeaterChain(np.int64(3), np.float32(50.0), memory_t1_s=2, cutoff_s=1, swap_success_prob=np.float64(0.9),
                            gate_error=0, readout_error=np.float32(0.01)),
              RepeaterChain(2, 10.0, purification="bbpssw", memories_per_node=np.int64(2), memory_t_dep_s=3),
              RepeaterChain(4, 10, protocol="nested", purification="dejmps", purification_levels=(0, 1),
                            memories_per_node=3)]
    for chain in chains:
        simulate_chain(chain, 3, seed=np.int64(1), max_time_s=10, jit=True)
    assert len(K._run_range.signatures) == 2
