"""Faults with real signals and real subprocesses (issue 12): Ctrl-C, SIGTERM, SIGKILL, --max-time.

Every case runs the installed ``qnet`` console script in its own process group and checks
the exit status (130 = 128 + SIGINT, 143 = 128 + SIGTERM), that stderr is exactly one line
and no traceback, that finished sweep points stay in the output (and resume to the same
bytes as an uninterrupted run), and that no worker process is left behind. Linux only
(processes are found through /proc).
"""

import csv
import json
import os
import signal
import sys
import time

import pytest

from .conftest import children, popen_qnet, running

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /proc and Linux signals")]

# A stop must take about a second; the bound leaves room for a loaded 2-core test machine.
STOP_S = 3.0

# 12 points of ~0.3 s each (one thread): a sweep that is still running a few seconds in.
SLOW_SWEEP = """
command = "chain"
seed = 3
[parameters]
segments = 2
trials = 100000
[grid]
length_km = "10:120:10"
"""

# 48 points of ~0.1 s each: interrupted after two rows, resumed and recomputed in a few seconds.
# (With 24, a loaded machine once finished the sweep before the signal: the sweep holds back
# rewriting its file for 9x the last write's time, so rows can appear late and in one burst.)
QUICK_POINTS = 48
QUICK_SWEEP = SLOW_SWEEP.replace("trials = 100000", "trials = 40000").replace("10:120:10", "10:127.5:2.5")

LONG_CHAIN = ("chain", "--segments", "4", "--length-km", "200", "--trials", "1000000", "--quiet")


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _one_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def _wait_for(cond, timeout=60.0, proc=None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def _stop(proc, sig, group: bool):
    """Send ``sig`` (to the whole process group, as a terminal's Ctrl-C does, or to qnet alone); return
    (rc, stderr, seconds until exit)."""
    t0 = time.monotonic()
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err, time.monotonic() - t0


def _catches(pid: int, sig: int) -> bool:
    """True once process ``pid`` has a handler for ``sig`` (the SigCgt mask of /proc/PID/status)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            mask = next(int(line.split()[1], 16) for line in f if line.startswith("SigCgt:"))
    except (OSError, StopIteration):
        return False
    return bool(mask >> (sig - 1) & 1)


def _gone(pids, timeout=2.0) -> bool:
    return _wait_for(lambda: not any(running(p) for p in pids), timeout)


@pytest.fixture
def slow_sweep(tmp_path):
    p = tmp_path / "slow.toml"
    p.write_text(SLOW_SWEEP)
    return p


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_chain_stops_on_signal(tmp_path, sig, code):
    out = tmp_path / "chain.csv"
    # more trials than the interpreter budget allows: the kernel is compiled and cached for the run below
    popen_qnet(*LONG_CHAIN[:-3], "--trials", "20000").communicate(timeout=300)
    proc = popen_qnet(*LONG_CHAIN, "--out", out)
    time.sleep(2.5)  # imports done, trials running (1e6 trials take ~30 s)
    assert proc.poll() is None, proc.communicate()
    rc, err, took = _stop(proc, sig, group=sig == signal.SIGINT)
    assert rc == code, err
    line = _one_line(err)
    assert line.startswith(f"qnet: interrupted ({signal.Signals(sig).name})") and "nothing was written" in line
    assert took < STOP_S, took
    assert not out.exists()


def test_a_signal_while_compiling_waits_for_the_compiler_then_stops_cleanly(tmp_path, monkeypatch):
    """The first run after install compiles its kernels; numba's compiler calls back into Python from
    LLVM, where an exception from the signal handler would be dropped and leave the compiler broken
    (a traceback and status 1). The stop waits until the compiler returns, then is the usual one line."""
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "cold-cache"))
    proc = popen_qnet(*LONG_CHAIN)
    time.sleep(1.5)  # imports done, compiling
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert _one_line(err) == "qnet: interrupted (SIGINT); nothing was written"


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("delay", [0.0, 0.02, 0.1, 0.3])
def test_a_signal_while_importing_is_one_line(tmp_path, sig, code, delay):
    """The console script handles stop signals before it imports anything heavy: a Ctrl-C in the
    first half second (numpy and the library loading) is one line and 130, not a traceback.

    The signal is sent ``delay`` seconds after the process has its SIGTERM handler (read from
    ``/proc``), so the test does not depend on how fast the interpreter starts on a loaded
    machine; the signal lands inside the imports (numpy's C extensions included, where an
    exception from a handler once became an ImportError with a traceback)."""
    proc = popen_qnet(*LONG_CHAIN)
    assert _wait_for(lambda: _catches(proc.pid, signal.SIGTERM), timeout=30, proc=proc), proc.communicate()
    time.sleep(delay)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code, err
    assert _one_line(err).startswith(f"qnet: interrupted ({signal.Signals(sig).name})") and "Traceback" not in err


@pytest.mark.parametrize("workers, sig, group", [
    (1, signal.SIGINT, True), (1, signal.SIGTERM, False), (2, signal.SIGINT, True), (2, signal.SIGTERM, False),
], ids=["serial-SIGINT-group", "serial-SIGTERM", "pool-SIGINT-group", "pool-SIGTERM"])
def test_sweep_stops_on_signal_keeps_rows_and_leaves_no_process(tmp_path, slow_sweep, workers, sig, group):
    out = tmp_path / "o.csv"
    proc = popen_qnet("sweep", slow_sweep, "--out", out, "--workers", workers, "--quiet")
    assert _wait_for(lambda: out.exists() and len(_rows(out)) >= 1, proc=proc), proc.communicate()
    kids = children(proc.pid)
    assert len(kids) == (workers if workers > 1 else 0), kids
    before = len(_rows(out))
    assert before < 12, "the sweep finished before the signal; make the points slower"
    rc, err, took = _stop(proc, sig, group)
    assert rc == 128 + sig, err
    line = _one_line(err)
    assert line.startswith(f"qnet: interrupted ({signal.Signals(sig).name}); ")
    kept = _rows(out)
    assert f"{len(kept)} of 12 points finished and are saved in {out}" in line
    assert len(kept) >= before
    assert took < STOP_S, took
    assert _gone(kids), [k for k in kids if running(k)]
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]


def test_interrupted_pool_sweep_resumes_to_the_uninterrupted_bytes(tmp_path):
    scn, out, fresh = tmp_path / "quick.toml", tmp_path / "o.csv", tmp_path / "fresh.csv"
    scn.write_text(QUICK_SWEEP)
    proc = popen_qnet("sweep", scn, "--out", out, "--workers", "2", "--quiet")
    assert _wait_for(lambda: out.exists() and len(_rows(out)) >= 2, proc=proc), proc.communicate()
    rc, err, _ = _stop(proc, signal.SIGINT, group=True)
    partial = out.read_text()
    n = len(_rows(out))
    assert n < QUICK_POINTS, "the sweep finished before the signal; make the points slower"
    assert rc == 130, err
    proc = popen_qnet("sweep", scn, "--out", out, "--workers", "2", "--quiet")
    proc2 = popen_qnet("sweep", scn, "--out", fresh, "--workers", "1", "--quiet")
    o1, e1 = proc.communicate(timeout=120)
    o2, e2 = proc2.communicate(timeout=120)
    assert proc.returncode == 0 and proc2.returncode == 0, (e1, e2)
    assert f"({n} already done, {QUICK_POINTS - n} computed)" in o1
    assert out.read_text() == fresh.read_text()
    assert set(partial.splitlines()) <= set(out.read_text().splitlines())  # finished rows kept as they were


def test_pool_workers_exit_when_the_parent_is_killed(tmp_path, slow_sweep):
    proc = popen_qnet("sweep", slow_sweep, "--out", tmp_path / "o.csv", "--workers", "2", "--quiet")
    assert _wait_for(lambda: len(children(proc.pid)) == 2, proc=proc), proc.communicate()
    time.sleep(0.5)  # the workers are computing
    kids = children(proc.pid)
    proc.kill()
    proc.communicate()
    assert _gone(kids, timeout=2.0), [k for k in kids if running(k)]


def test_a_killed_worker_is_one_line_error(tmp_path, slow_sweep):
    out = tmp_path / "o.csv"
    proc = popen_qnet("sweep", slow_sweep, "--out", out, "--workers", "2", "--quiet")
    assert _wait_for(lambda: len(children(proc.pid)) == 2, proc=proc), proc.communicate()
    kids = children(proc.pid)
    time.sleep(0.5)
    os.kill(kids[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2, err
    line = _one_line(err)
    assert line.startswith("qnet: error: ") and "the worker process died (exit code -9)" in line
    assert _gone(kids)


@pytest.mark.parametrize("workers", [1, 2])
def test_failing_point_reports_its_own_error(qnet, tmp_path, workers):
    scn = tmp_path / "fail.toml"
    scn.write_text('command = "chain"\n[parameters]\nsegments = 2\n[grid]\ntrials = [100, 100000000000]\n')
    r = qnet("sweep", scn, "--out", tmp_path / "o.csv", "--workers", workers, "--quiet")
    assert r.rc == 2, r.err
    line = _one_line(r.err)
    assert line.startswith("qnet: error: ") and "fail.toml: point 1 (trials=100000000000)" in line
    assert "simulate_chain()" in line and "AttributeError" not in line


def test_max_time_chain_keeps_the_finished_trials(tmp_path):
    out = tmp_path / "chain.csv"
    t0 = time.monotonic()
    proc = popen_qnet(*LONG_CHAIN, "--max-time", "1.5", "--json", "--out", out)
    o, err = proc.communicate(timeout=60)
    took = time.monotonic() - t0
    assert proc.returncode == 0, err
    line = _one_line(err)
    res = json.loads(o)
    assert 0 < res["trials"] < 1_000_000
    assert line == f"qnet: note: --max-time 1.5 s reached; the result covers {res['trials']} of 1000000 trials"
    assert int(_rows(out)[0]["trials"]) == res["trials"]
    assert took < 1.5 + 10.0  # start-up (imports, kernel load) plus one chunk


@pytest.mark.parametrize("workers", [1, 2])
def test_max_time_sweep_stops_keeps_rows_and_resumes(tmp_path, slow_sweep, workers):
    out = tmp_path / "o.csv"
    t0 = time.monotonic()
    proc = popen_qnet("sweep", slow_sweep, "--out", out, "--workers", workers, "--quiet", "--max-time", "0.5")
    o, err = proc.communicate(timeout=60)
    took = time.monotonic() - t0
    assert proc.returncode == 0, err
    line = _one_line(err)
    assert line.startswith("qnet: note: --max-time 0.5 s reached; ") and "run the same command to resume" in line
    n = len(_rows(out)) if out.exists() else 0
    assert n < 12 and f"(0 already done, {n} computed, {12 - n} not run)" in o
    assert took < 0.5 + 6.0  # start-up, then at most the deadline
    r = popen_qnet("sweep", slow_sweep, "--out", out, "--workers", workers, "--quiet", "--max-time", "1")
    o, err = r.communicate(timeout=60)
    assert r.returncode == 0 and f"({n} already done, " in o, (o, err)
