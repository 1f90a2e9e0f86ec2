"""End-to-end runs of every ``qnet`` command through the real console script.

Each ``--json`` result is parsed and compared with the library call it wraps, with the same
parameters and seed: the CLI must add no physics of its own.
"""

import csv
import json
import math

import numpy as np
import pytest

import qnet_core as qc

COMMANDS = ("demo", "keyrate", "chain", "purify", "swap", "teleport", "sweep", "plot")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command(qnet, command):
    r = qnet(command, "--help")
    assert r.rc == 0, r.err
    assert f"usage: qnet {command}" in r.out


def test_top_level_help_lists_commands(qnet):
    r = qnet("--help")
    assert r.rc == 0
    for c in COMMANDS:
        assert c in r.out


def test_demo_matches_memory_then_swap(qnet, tmp_path):
    """Demo = Werner pairs, both halves in channels.memory, then protocols.entanglement.swapping.entanglement_swap.

    At t = 0 the swapped Werner parameter is w**2 (Werner parameters multiply; Dur, Briegel,
    Cirac, Zoller, PRA 59, 169 (1999), Eq. (B2)): F = (3 w**2 + 1)/4 with w = (4F - 1)/3.
    """
    from channels import memory
    from protocols.entanglement.swapping import entanglement_swap

    r = qnet("demo", "--fidelity", "0.9", "--memory-t1", "2", "--memory-t2", "0.5", "--times", "0:0.4:0.2",
             "--json", "--out", tmp_path / "d.csv")
    assert r.rc == 0, r.err
    rows = r.json()["rows"]
    assert [row["storage_time_s"] for row in rows] == [0.0, 0.2, 0.4]
    w = (4 * 0.9 - 1) / 3
    assert rows[0]["swapped_fidelity"] == pytest.approx((3 * w * w + 1) / 4, abs=1e-12)
    for row in rows:
        ch = memory(row["storage_time_s"], t1_s=2.0, t2_s=0.5)
        pair = ch.apply(ch.apply(qc.werner(0.9), [0]), [1])
        assert row["link_fidelity"] == pytest.approx(qc.fidelity(pair, qc.bell_ket()), abs=1e-12)
        assert row["swapped_fidelity"] == pytest.approx(entanglement_swap(pair, pair).fidelity, abs=1e-12)
    with open(tmp_path / "d.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == 3


def test_demo_table_and_plot(qnet, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "demo.png"
    r = qnet("demo", "--times", "0:0.2:0.1", "--plot", png)
    assert r.rc == 0, r.err
    assert r.out.splitlines()[0].split() == ["storage_time_s", "link_fidelity", "swapped_fidelity"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_keyrate_json_equals_library(qnet, tmp_path):
    kr = pytest.importorskip("protocols.qkd.keyrate")
    from qnet_cli.tasks import KEYRATE_COLUMNS, _curve_rows

    args = ["--protocol", "bb84-decoy", "--distance", "0:100:25", "--attenuation", "0.21",
            "--detector-efficiency", "0.045", "--dark-count", "1.7e-6", "--misalignment", "0.033",
            "--ec-efficiency", "1.22", "--rep-rate", "2e6"]
    r = qnet("keyrate", *args, "--json", "--out", tmp_path / "k.csv")
    assert r.rc == 0, r.err
    rows = r.json()["rows"]
    assert [list(row) for row in rows] == [list(KEYRATE_COLUMNS)] * 5
    ref = _curve_rows(kr.key_rate_curve(np.array([0.0, 25, 50, 75, 100]), "bb84-decoy", attenuation_db_per_km=0.21,
                                        detector_efficiency=0.045, dark_count_prob=1.7e-6, misalignment=0.033,
                                        ec_efficiency=1.22, rep_rate_hz=2e6, mu=None))
    for got, want in zip(rows, ref):
        for c in KEYRATE_COLUMNS:
            # infinity (the PLOB bound at 0 km) is the JSON string "inf" (issue 13)
            assert got[c] == pytest.approx(want[c], rel=1e-12, abs=0.0) or (got[c] == "inf" and want[c] == math.inf)
    with open(tmp_path / "k.csv", newline="") as f:
        rd = csv.DictReader(f)
        # the result columns, then one column per parameter (issue 13)
        assert tuple(rd.fieldnames)[:len(KEYRATE_COLUMNS)] == KEYRATE_COLUMNS
        assert "detector_efficiency" in rd.fieldnames and "protocol" in rd.fieldnames
        assert [float(x["key_rate_bps"]) for x in rd] == pytest.approx([x["key_rate_bps"] for x in rows], rel=1e-15)


def test_keyrate_fixed_mu(qnet):
    pytest.importorskip("protocols.qkd.keyrate")
    r = qnet("keyrate", "--protocol", "bb84-decoy", "--distance", "10", "--mu", "0.3", "--json")
    assert r.rc == 0, r.err
    (row,) = r.json()["rows"]
    assert row["mu"] == pytest.approx(0.3)
    assert row["distance_km"] == 10.0
    assert 0 <= row["key_rate_per_pulse"] <= row["plob_per_pulse"]


def test_chain_json_equals_library(qnet, tmp_path):
    from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain

    r = qnet("chain", "--segments", "2", "--length-km", "50", "--scheme", "double-click", "--memory-t1", "10",
             "--memory-t2", "1", "--cutoff", "0.05", "--trials", "300", "--seed", "7", "--json",
             "--out", tmp_path / "c.json", "--trials-out", tmp_path / "t.csv")
    assert r.rc == 0, r.err
    got = r.json()
    chain = RepeaterChain(2, 50.0, scheme="double-click", memory_t1_s=10.0, memory_t2_s=1.0, cutoff_s=0.05)
    want = simulate_chain(chain, 300, 7).to_dict()
    for k in ("mean_fidelity", "rate_hz", "mean_waiting_time_s", "secret_key_rate_bps"):
        assert got[k] == want[k]
        assert got[k + "_stderr"] == want[k + "_stderr"]
    assert got["parameters"]["segments"] == 2 and got["parameters"]["seed"] == 7
    saved = json.loads((tmp_path / "c.json").read_text())["rows"][0]
    assert saved["mean_fidelity"] == want["mean_fidelity"] and saved["length_km"] == 50.0
    with open(tmp_path / "t.csv", newline="") as f:
        trials = list(csv.DictReader(f))
    assert len(trials) == 300
    times = [float(t["waiting_time_s"]) for t in trials if t["delivered"] == "true"]
    assert np.mean(times) == pytest.approx(want["mean_waiting_time_s"], rel=1e-12)


def test_keyrate_n_pulses_is_the_finite_key_curve(qnet):
    """``qnet keyrate --n-pulses N`` is ``key_rate_curve(..., n_pulses=N)``: the finite-key rate of Lim et al.,
    PRA 89, 022307 (2014) (issue 13)."""
    from protocols.qkd.keyrate import key_rate_curve

    r = qnet("keyrate", "--distance", "0:100:50", "--n-pulses", "1e10", "--json")
    assert r.rc == 0, r.err
    rows = r.json()["rows"]
    want = key_rate_curve([0.0, 50.0, 100.0], "bb84-decoy", n_pulses=1e10)
    assert [row["key_rate_per_pulse"] for row in rows] == pytest.approx(list(want.key_rate_per_pulse), rel=1e-12)
    k = list(want.key_rate_per_pulse)
    assert k[0] > k[1] > k[2] > 0
    bad = qnet("keyrate", "--protocol", "bbm92", "--n-pulses", "1e10")
    assert bad.rc == 2 and bad.err.count("\n") == 1 and "qnet: error:" in bad.err


def test_chain_gate_readout_and_swap_errors_reach_the_library(qnet):
    """--gate-error, --readout-error and --swap-success are RepeaterChain's gate_error, readout_error and
    swap_success_prob (issue 11: the chain Monte Carlo has the standalone protocols' noise)."""
    from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain

    r = qnet("chain", "--segments", "2", "--length-km", "20", "--gate-error", "0.02", "--readout-error", "0.01",
             "--swap-success", "0.9", "--trials", "200", "--seed", "3", "--json")
    assert r.rc == 0, r.err
    got = r.json()
    chain = RepeaterChain(2, 20.0, gate_error=0.02, readout_error=0.01, swap_success_prob=0.9)
    want = simulate_chain(chain, 200, 3).to_dict()
    assert got["mean_fidelity"] == want["mean_fidelity"] and got["rate_hz"] == want["rate_hz"]
    assert got["parameters"]["gate_error"] == 0.02 and got["parameters"]["swap_success"] == 0.9


def test_chain_seed_changes_result_and_is_reproducible(qnet):
    a = qnet("chain", "--trials", "200", "--seed", "1", "--json").json()
    b = qnet("chain", "--trials", "200", "--seed", "1", "--json").json()
    c = qnet("chain", "--trials", "200", "--seed", "2", "--json").json()
    assert a == b
    assert a["mean_waiting_time_s"] != c["mean_waiting_time_s"]


def test_purify_json_equals_library(qnet):
    from protocols.entanglement.purification import pumping_rounds

    r = qnet("purify", "--fidelity", "0.75", "--method", "bbpssw", "--scheme", "pumping", "--rounds", "2",
             "--gate-error", "0.01", "--json")
    assert r.rc == 0, r.err
    rows = r.json()["rows"]
    s = pumping_rounds(qc.werner(0.75), 2, method="bbpssw", gate_error=0.01)
    assert [row["round"] for row in rows] == [1, 2]
    assert [row["fidelity"] for row in rows] == pytest.approx(s.fidelity.tolist(), abs=1e-14)
    assert [row["pairs_per_output"] for row in rows] == pytest.approx(s.pairs_per_output.tolist(), rel=1e-14)


def test_swap_json_equals_library(qnet):
    from protocols.entanglement.swapping import entanglement_swap

    r = qnet("swap", "--fidelity", "0.95", "--fidelity2", "0.9", "--readout-error", "0.02", "--bsm", "linear_optics",
             "--json")
    assert r.rc == 0, r.err
    (row,) = r.json()["rows"]
    s = entanglement_swap(qc.werner(0.95), qc.werner(0.9), readout_error=0.02, bsm="linear_optics")
    assert row["fidelity"] == pytest.approx(s.fidelity, abs=1e-14)
    assert row["success_probability"] == pytest.approx(s.success_probability, abs=1e-14)


def test_teleport_json_equals_library(qnet):
    from protocols.entanglement.teleportation import teleport, teleportation_fidelity

    r = qnet("teleport", "--fidelity", "0.9", "--distance-km", "100", "--memory-t2", "0.01", "--gate-error", "0.02",
             "--readout-error", "0.01", "--seed", "3", "--json")
    assert r.rc == 0, r.err
    (row,) = r.json()["rows"]
    kw = dict(distance_km=100.0, t2_s=0.01, gate_error=0.02, readout_error=0.01)
    exact = teleportation_fidelity(qc.werner(0.9), **kw)
    assert row["average_fidelity"] == pytest.approx(exact.average_fidelity, abs=1e-14)
    assert row["entanglement_fidelity"] == pytest.approx(exact.entanglement_fidelity, abs=1e-14)
    one = teleport(qc.random_ket(1, seed=3), qc.werner(0.9), **kw)
    assert row["fidelity"] == pytest.approx(one.fidelity, abs=1e-14)


@pytest.mark.parametrize("command", ["swap", "purify", "teleport"])
def test_deprecated_p2_eta_flags_still_work(qnet, command):
    """--p2/--eta give the same rows as --gate-error/--readout-error, with one deprecation note per flag."""
    old = qnet(command, "--p2", "0.02", "--eta", "0.01", "--json")
    new = qnet(command, "--gate-error", "0.02", "--readout-error", "0.01", "--json")
    assert old.rc == 0 and new.rc == 0, (old.err, new.err)
    assert old.json() == new.json()
    assert new.err == ""
    notes = old.err.strip().splitlines()
    assert notes == [f"qnet {command}: note: --p2 is deprecated; use --gate-error (scenario key gate_error); "
                     "--p2 goes away in the next release",
                     f"qnet {command}: note: --eta is deprecated; use --readout-error (scenario key readout_error); "
                     "--eta goes away in the next release"]


def test_examples_are_valid_scenarios():
    """The shipped scenarios load, validate and sweep the figures they claim to reproduce."""
    from pathlib import Path

    from qnet_cli.scenario import load_scenario

    ex = Path(__file__).resolve().parents[2] / "examples"
    k = load_scenario(str(ex / "keyrate_vs_distance.toml"))
    assert k.command == "keyrate" and "protocol" in k.swept_keys and "distance" in k.swept_keys
    c = load_scenario(str(ex / "chain_fidelity_vs_distance.toml"))
    assert c.command == "chain" and "length_km" in c.swept_keys and len(c.points) >= 10
