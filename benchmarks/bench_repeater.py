"""Repeater-chain Monte Carlo throughput, and SeQUeNCe's linear chain as a baseline.

Run: ``python benchmarks/bench_repeater.py [--quick] [--sequence-python PATH]``.

1. Trials per second of :func:`protocols.repeaters.repeater_chain.simulate_chain` against the number of
   segments (2 to 1024; swap-ASAP, single-click links over 25 km segments, T1 = 10 s,
   T2 = 1 s memories, dense 4x4 states). Every trial delivers one end-to-end pair, so this
   is also delivered pairs per wall-clock second.
2. The two scale targets of issue 6: a 1000-node swap-ASAP chain and 1e5 trials of a
   32-segment chain (wall time, including nothing but the simulation), and the thread
   scaling of the chunked driver (``threads=1`` against the default).
0. First run after install (issue 11): ``qnet chain`` with its defaults (4 segments, 1000
   trials) in a fresh interpreter with an empty numba cache (``NUMBA_CACHE_DIR``), then
   again with the cache as the first run left it; and a fresh interpreter that imports
   :mod:`protocols` and runs ``simulate_chain`` once, with the default ``jit=None`` (small
   runs are interpreted) and with ``jit=True`` (compiles the kernels it uses).
3. Delivered pairs per wall-clock second against SeQUeNCe (``sequence``, optional) on
   3- and 9-router linear chains with the same parameters: 20 km segments, 0.2 dB/km,
   signals at 2e8 m/s, Barrett-Kok heralding with 90 % detectors, 10 memories per
   request (here: 10 memories per node per side), 80 MHz attempt clock, no decoherence.
   SeQUeNCe tracks a bookkeeping fidelity (0.85 per raw link); ours carries the exact
   two-qubit states. The SeQUeNCe run happens in a subprocess of the interpreter that
   has it installed (``--sequence-python``; by default this one, if ``import sequence``
   works); its wall time counts topology construction and the event loop.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain  # noqa: E402

from _common import fmt_rate, print_table  # noqa: E402

SEQUENCE_SCRIPT = r'''
import json, os, sys, tempfile, time
from sequence.topology.router_net_topo import RouterNetTopo
from sequence.app.request_app import RequestApp

n, seg_km, memo, sim_s = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
names = [f"r{i}" for i in range(n)]
light = 2e8  # m/s (SeQUeNCe's fiber)
cfg = {"nodes": [{"name": x, "type": "QuantumRouter", "seed": i, "memo_size": 2 * memo}
                 for i, x in enumerate(names)],
       "qconnections": [{"node1": names[i], "node2": names[i + 1], "attenuation": 0.0002,
                         "distance": seg_km * 1000, "type": "meet_in_the_middle"} for i in range(n - 1)],
       "cconnections": [{"node1": names[i], "node2": names[j], "delay": int(abs(i - j) * seg_km * 1e3 / light * 1e12)}
                        for i in range(n) for j in range(i + 1, n)],
       "stop_time": int((1 + sim_s) * 1e12), "is_parallel": False}
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
    json.dump(cfg, fh)
t0 = time.perf_counter()
topo = RouterNetTopo(fh.name)
os.unlink(fh.name)
tl = topo.get_timeline()
apps = [RequestApp(r) for r in topo.get_nodes_by_type(RouterNetTopo.QUANTUM_ROUTER)]
# a target fidelity below every delivered fidelity: no purification, pure swapping
apps[0].start(names[-1], int(1e12), int((1 + sim_s) * 1e12), memo, 0.01)
tl.init()
tl.run()
print(json.dumps({"pairs": apps[0].memory_counter, "wall_s": time.perf_counter() - t0}))
'''


def sequence_python(arg: str | None) -> str | None:
    if arg:
        return arg
    return sys.executable if importlib.util.find_spec("sequence") is not None else None


def run_sequence(python: str, routers: int, seg_km: float, memo: int, sim_s: float):
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fh:
        fh.write(SEQUENCE_SCRIPT)
    try:
        out = subprocess.run([python, fh.name, str(routers), str(seg_km), str(memo), str(sim_s)],
                             capture_output=True, text=True, timeout=3600)
    finally:
        os.unlink(fh.name)
    if out.returncode != 0:
        print(f"SeQUeNCe run failed ({routers} routers):\n{out.stderr[-2000:]}", file=sys.stderr)
        return None
    res = json.loads(out.stdout.strip().splitlines()[-1])
    return res["pairs"] / res["wall_s"], res["pairs"]


def timed(chain, trials, seed=0):
    simulate_chain(chain, min(trials, 16), seed=seed, jit=True)  # compile (or load) the kernel
    t0 = time.perf_counter()
    res = simulate_chain(chain, trials, seed=seed)
    return time.perf_counter() - t0, res


COLD_SCRIPT = r'''
import json, time
t0 = time.perf_counter()
import protocols
t1 = time.perf_counter()
protocols.simulate_chain(protocols.RepeaterChain(*ARGS, **KWARGS), 1000, seed=1, jit=JIT)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "first_call_s": t2 - t1}))
'''


ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def first_run(args: tuple, kwargs: dict, cache_dir: str, jit) -> dict:
    """Import + first ``simulate_chain`` (1000 trials) in a fresh interpreter using numba cache ``cache_dir``."""
    code = COLD_SCRIPT.replace("KWARGS", repr(kwargs)).replace("ARGS", repr(args)).replace("JIT", repr(jit))
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli_run(cache_dir: str) -> float:
    """Wall time of ``qnet chain`` (its defaults) in a fresh interpreter using numba cache ``cache_dir``."""
    code = "import sys; sys.argv = ['qnet', 'chain', '--quiet']; from qnet_cli._entry import main; main()"
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, cwd=ROOT, timeout=600, check=True)
    return time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    ap.add_argument("--sequence-python", default=None, help="interpreter with SeQUeNCe installed")
    args = ap.parse_args(argv)
    quick = args.quick

    # ---------------------------------------------------------------- 0. compile time
    print("## First run: import + one simulate_chain call, fresh interpreter\n")
    with tempfile.TemporaryDirectory() as cache:
        cold, warm = cli_run(cache), cli_run(cache)
    print_table([("`qnet chain` (defaults)", f"{cold:.2f}", f"{warm:.2f}")],
                ["command", "wall s, empty numba cache", "wall s, again"])
    print()
    rows = []
    for label, cargs, ckw in [("swap-ASAP, 4 segments (qnet chain default)", (4, 100.0), {}),
                              ("nested, DEJMPS, 4 segments", (4, 100.0),
                               {"protocol": "nested", "purification": "dejmps", "memories_per_node": 2})]:
        for jit in (None, True):
            with tempfile.TemporaryDirectory() as cache:
                cold = first_run(cargs, ckw, cache, jit)
                warm = first_run(cargs, ckw, cache, jit)
            rows.append((label, repr(jit), f"{cold['import_s']:.2f}", f"{cold['first_call_s']:.2f}",
                         f"{cold['import_s'] + cold['first_call_s']:.2f}", f"{warm['first_call_s']:.2f}"))
    print_table(rows, ["1000 trials of", "jit", "import s", "(compile +) run s, empty cache", "total s",
                       "run s, again"])
    print()

    # ---------------------------------------------------------------- 1. scaling in N
    print("## Trials (= delivered pairs) per second vs number of segments\n")
    print("swap-ASAP, single-click (alpha = 0.05), 25 km segments, T1 = 10 s, T2 = 1 s\n")
    rows = []
    sizes = [2, 8, 32, 128] if quick else [2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
    for n in sizes:
        chain = RepeaterChain(n, 25.0 * n, bright_state_param=0.05, memory_t1_s=10.0, memory_t2_s=1.0)
        trials = max(20, int(2000 / n)) if quick else max(100, int(200_000 / n))
        dt, res = timed(chain, trials)
        rows.append((n, trials, f"{dt:.3f}", fmt_rate(trials / dt), f"{res.mean_fidelity:.4f}",
                     fmt_rate(res.rate_hz)))
    print_table(rows, ["segments", "trials", "wall s", "trials/s", "mean F", "sim. rate Hz"])

    # ---------------------------------------------------------------- 2. scale targets
    print("\n## Scale targets\n")
    rows = []
    big = RepeaterChain(999, 999 * 10.0, scheme="double-click", memory_t2_s=10.0)
    n_big = 5 if quick else 20
    dt, res = timed(big, n_big)
    rows.append(("1000-node swap-ASAP (double-click, 10 km seg.)", n_big, f"{dt:.3f}", fmt_rate(n_big / dt)))
    c32 = RepeaterChain(32, 800.0, bright_state_param=0.05, memory_t1_s=10.0, memory_t2_s=1.0, cutoff_s=0.5)
    n32 = 10_000 if quick else 100_000
    dt, res = timed(c32, n32)
    rows.append(("32-segment swap-ASAP (single-click, cutoff 0.5 s)", n32, f"{dt:.3f}", fmt_rate(n32 / dt)))
    c32n = RepeaterChain(32, 800.0, bright_state_param=0.05, memory_t1_s=10.0, memory_t2_s=1.0,
                         protocol="nested", purification="dejmps", purification_levels=(0,), memories_per_node=2)
    dt, res = timed(c32n, n32)
    rows.append(("32-segment nested + DEJMPS at level 0 (2 memories)", n32, f"{dt:.3f}", fmt_rate(n32 / dt)))
    threads_chain = RepeaterChain(8, 400.0, scheme="werner", link_success_prob=0.3, prep_time_s=1e-4,
                                  swap_success_prob=0.8, memory_t2_s=0.1)
    n_th = 20_000 if quick else 200_000
    simulate_chain(threads_chain, 16, seed=0, jit=True)
    t0 = time.perf_counter()
    simulate_chain(threads_chain, n_th, seed=0, threads=1)
    dt1 = time.perf_counter() - t0
    dt, res = timed(threads_chain, n_th)
    rows.append(("8-segment swap-ASAP, failing swaps: 1 thread", n_th, f"{dt1:.3f}", fmt_rate(n_th / dt1)))
    rows.append((f"  same, {os.cpu_count()} CPUs (default threads)", n_th, f"{dt:.3f}", fmt_rate(n_th / dt)))
    print_table(rows, ["workload", "trials", "wall s", "trials/s"])

    # ---------------------------------------------------------------- 3. vs SeQUeNCe
    print("\n## Delivered pairs per wall-clock second vs SeQUeNCe (linear chain)\n")
    py = sequence_python(args.sequence_python)
    if py is None:
        print("SeQUeNCe not installed (pip install sequence, or pass --sequence-python); baseline skipped.\n"
              "Recorded on this machine with SeQUeNCe 0.8.5: ~77 pairs/s (3 routers), ~18 pairs/s (9 routers).\n")
    rows = []
    sim_s = 0.02 if quick else 0.2
    for routers in (3, 9):
        chain = RepeaterChain(routers - 1, 20.0 * (routers - 1), scheme="double-click", detector_efficiency=0.9,
                              refractive_index=299792.458 / 2e5, prep_time_s=1 / 80e6, memories_per_node=10)
        trials = 2000 if quick else 20000
        dt, res = timed(chain, trials)
        ours = trials / dt
        base = run_sequence(py, routers, 20.0, 10, sim_s) if py else None
        if base is None:
            rows.append((f"{routers} routers", fmt_rate(ours), "n/a", "n/a", f"{res.mean_fidelity:.4f}"))
        else:
            rows.append((f"{routers} routers", fmt_rate(ours), f"{fmt_rate(base[0])} ({base[1]} pairs)",
                         f"{ours / base[0]:.0f}x", f"{res.mean_fidelity:.4f}"))
    print_table(rows, ["chain", "ours pairs/s", "SeQUeNCe pairs/s", "ratio", "ours mean F"])


if __name__ == "__main__":
    main()
