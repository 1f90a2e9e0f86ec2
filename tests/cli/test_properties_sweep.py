"""Sweeps: results independent of the executor and worker count; streaming, atomic, resumable output.

Every point runs with child seed ``spawn_seeds(scenario_seed, n)[i]``, so the rows must be
bit-identical for in-process, local-process and Dask runs, and equal to the library call.
"""

import csv
import json
import os
import signal
import subprocess
import time

import pytest

from .conftest import qnet_argv, qnet_env

CHAIN_SCENARIO = """
command = "chain"
seed = 11
[parameters]
segments = 2
scheme = "double-click"
memory_t2 = 1.0
trials = {trials}
[grid]
length_km = "{lengths}"
cutoff = [0.01, 1.0]
"""


def _write(tmp_path, trials=150, lengths="20:60:20", name="s.toml"):
    p = tmp_path / name
    p.write_text(CHAIN_SCENARIO.format(trials=trials, lengths=lengths))
    return p


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_serial_equals_local_processes_and_library(qnet, tmp_path):
    from qnet_cli.scenario import load_scenario
    from qnet_cli.tasks import chain_row, run_chain

    scn = _write(tmp_path)
    r1 = qnet("sweep", scn, "--out", tmp_path / "serial.csv", "--workers", "1")
    r2 = qnet("sweep", scn, "--out", tmp_path / "local.csv", "--workers", "2")
    assert r1.rc == 0 and r2.rc == 0, (r1.err, r2.err)
    assert (tmp_path / "serial.csv").read_text() == (tmp_path / "local.csv").read_text()
    rows = _rows(tmp_path / "serial.csv")
    assert [int(r["point"]) for r in rows] == list(range(6))
    s = load_scenario(str(scn))
    seeds = s.point_seeds()
    for pt in (s.points[0], s.points[5]):
        want = chain_row(run_chain(pt.params, seeds[pt.index]))
        got = rows[pt.index]
        assert float(got["length_km"]) == pt.params["length_km"]
        assert float(got["mean_fidelity"]) == want["mean_fidelity"]
        assert float(got["rate_hz"]) == want["rate_hz"]


def test_dask_local_cluster_equals_local_processes(qnet, tmp_path):
    distributed = pytest.importorskip("distributed")
    scn = _write(tmp_path)
    assert qnet("sweep", scn, "--out", tmp_path / "local.csv", "--workers", "2").rc == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        r = qnet("sweep", scn, "--out", tmp_path / "dask.csv", "--scheduler", cluster.scheduler_address, "--json")
    assert r.rc == 0, r.err
    assert (tmp_path / "dask.csv").read_text() == (tmp_path / "local.csv").read_text()
    assert len(r.json()["rows"]) == 6


def test_unreachable_scheduler_is_one_line_error(qnet, tmp_path):
    pytest.importorskip("distributed")
    r = qnet("sweep", _write(tmp_path), "--out", tmp_path / "o.csv", "--scheduler", "tcp://127.0.0.1:9")
    assert r.rc == 2 and r.err.startswith("qnet: error: --scheduler") and "Traceback" not in r.err


def test_rerun_is_a_no_op_and_json_output_resumes(qnet, tmp_path):
    scn = _write(tmp_path)
    out = tmp_path / "o.json"
    r = qnet("sweep", scn, "--out", out, "--workers", "2")
    assert r.rc == 0 and "0 already done, 6 computed" in r.out
    first = out.read_text()
    r = qnet("sweep", scn, "--out", out, "--workers", "2")
    assert r.rc == 0 and "6 already done, 0 computed" in r.out
    assert out.read_text() == first
    rows = json.loads(first)["rows"]
    # drop two finished points: only those are recomputed, identically
    obj = {"rows": [x for x in rows if x["point"] not in (1, 4)]}
    out.write_text(json.dumps(obj))
    r = qnet("sweep", scn, "--out", out, "--workers", "1")
    assert r.rc == 0 and "4 already done, 2 computed" in r.out
    assert json.loads(out.read_text())["rows"] == rows


def test_kill_and_resume_loses_no_finished_point(qnet, tmp_path):
    """SIGKILL mid-sweep: the file is complete and valid; the rerun computes only the missing points."""
    scn = _write(tmp_path, trials=60000, lengths="10:80:10")  # 16 points of ~0.1-0.3 s each
    out = tmp_path / "o.csv"
    proc = subprocess.Popen(qnet_argv() + ["sweep", str(scn), "--out", str(out), "--workers", "1"],
                            env=qnet_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    n_before = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists():
            n_before = len(_rows(out))
            if n_before >= 3:
                break
        time.sleep(0.02)
    assert proc.poll() is None, "the sweep finished before it could be killed; make points slower"
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    partial = _rows(out)  # parses: the file is never half-written
    assert 3 <= len(partial) < 16
    assert [int(r["point"]) for r in partial] == list(range(len(partial)))
    r = qnet("sweep", scn, "--out", out, "--workers", "2")
    assert r.rc == 0, r.err
    assert f"{len(partial)} already done, {16 - len(partial)} computed" in r.out
    final = _rows(out)
    assert final[:len(partial)] == partial
    assert not [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
    fresh = tmp_path / "fresh.csv"
    assert qnet("sweep", scn, "--out", fresh, "--workers", "2").rc == 0
    assert out.read_text() == fresh.read_text()


def test_sigterm_reports_and_keeps_finished_points(tmp_path):
    # enough points that the sweep cannot finish (and restore the default handlers on its way out)
    # between the check below and the signal
    scn = _write(tmp_path, trials=60000, lengths="10:300:5")
    out = tmp_path / "o.csv"
    proc = subprocess.Popen(qnet_argv() + ["sweep", str(scn), "--out", str(out), "--workers", "1"],
                            env=qnet_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not (out.exists() and len(_rows(out)) >= 2):
        time.sleep(0.02)
    assert proc.poll() is None
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err  # 128 + SIGTERM (issue 12)
    assert "interrupted" in err and "Traceback" not in err
    assert len(_rows(out)) >= 2
