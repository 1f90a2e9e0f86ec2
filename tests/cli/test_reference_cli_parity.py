"""The command line on par with the Python API (issue 13): ``qnet chain`` has ``RepeaterChain``'s defaults,
``qnet keyrate --eps-sec`` is ``key_rate_curve(eps_sec=...)``, every ``--json`` output carries its effective
``parameters``, infinity and "not set" are written differently, CSV cells are never empty, sweeps write one
column per parameter, and help prints each default once."""

import csv
import dataclasses
import json

import pytest

from qnet_cli.main import build_parser
from qnet_cli.params import LibraryDefault
from qnet_cli.tasks import COMMANDS

#: One quick invocation per command whose --json output is checked.
QUICK = {
    "demo": ("--times", "0:0.1:0.1"),
    "keyrate": ("--distance", "0:20:10"),
    "chain": ("--segments", "2", "--trials", "50"),
    "purify": ("--rounds", "2"),
    "swap": (),
    "teleport": (),
}


def test_chain_defaults_are_the_repeater_chain_fields():
    from protocols.repeaters.repeater_chain import RepeaterChain

    fields = {f.name: f.default for f in dataclasses.fields(RepeaterChain)}
    from_library = [p for p in COMMANDS["chain"].params if isinstance(p.default, LibraryDefault)]
    assert len(from_library) >= 12
    for p in from_library:
        assert p.default_value() == fields[p.default.name], p.name
    assert COMMANDS["chain"].defaults()["detector_efficiency"] == fields["detector_efficiency"]
    assert COMMANDS["chain"].defaults()["memories_per_node"] == fields["memories_per_node"]


def test_chain_with_defaults_is_repeater_chain_with_defaults(qnet):
    from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain

    r = qnet("chain", "--segments", "2", "--length-km", "40", "--trials", "200", "--seed", "5", "--json")
    assert r.rc == 0, r.err
    got = r.json()
    want = simulate_chain(RepeaterChain(2, 40.0), 200, 5).to_dict()
    for k in ("mean_fidelity", "rate_hz", "mean_waiting_time_s", "secret_key_rate_bps"):
        assert got[k] == want[k]
    par = got["parameters"]
    assert par["detector_efficiency"] == RepeaterChain(2, 40.0).detector_efficiency
    assert par["memories_per_node"] == 1


def test_purification_comparison_uses_and_records_the_same_memories(qnet, tmp_path):
    runs = {}
    for purify in ("none", "dejmps"):
        out = tmp_path / f"{purify}.csv"
        r = qnet("chain", "--segments", "2", "--length-km", "20", "--trials", "100", "--purify", purify,
                 "--memories-per-node", "2", "--json", "--out", out)
        assert r.rc == 0, r.err
        runs[purify] = r.json()["parameters"]
        with open(out, newline="") as f:
            (row,) = list(csv.DictReader(f))
        assert row["memories_per_node"] == "2" and row["purify"] == purify
    assert runs["none"]["memories_per_node"] == runs["dejmps"]["memories_per_node"] == 2
    assert runs["none"]["purify"] is None and runs["dejmps"]["purify"] == "dejmps"
    bad = qnet("chain", "--purify", "dejmps", "--trials", "10")
    assert bad.rc == 2 and bad.err.count("\n") == 1
    assert "--memories-per-node 2" in bad.err and "RepeaterChain" in bad.err


def test_keyrate_eps_sec_is_the_library_parameter(qnet):
    from protocols.qkd.finite_key import finite_key_curve
    from protocols.qkd.keyrate import key_rate_curve

    r = qnet("keyrate", "--distance", "0:50:50", "--n-pulses", "1e10", "--eps-sec", "1e-6", "--json")
    assert r.rc == 0, r.err
    want = key_rate_curve([0.0, 50.0], n_pulses=1e10, eps_sec=1e-6)
    assert [x["key_rate_per_pulse"] for x in r.json()["rows"]] == list(want.key_rate_per_pulse)
    assert r.json()["parameters"]["eps_sec"] == 1e-6
    default = qnet("keyrate", "--distance", "50", "--n-pulses", "1e10", "--json").json()
    lib_default = finite_key_curve([50.0], 1e10).params["eps_sec"]
    assert default["parameters"]["eps_sec"] == lib_default
    assert default["rows"][0]["key_rate_per_pulse"] < r.json()["rows"][1]["key_rate_per_pulse"]
    assert qnet("keyrate", "--distance", "50", "--json").json()["parameters"]["eps_sec"] is None
    bad = qnet("keyrate", "--eps-sec", "1e-6")
    assert bad.rc == 2 and bad.err.count("\n") == 1 and "--eps-sec" in bad.err and "--n-pulses" in bad.err
    for v in ("0", "1", "-1e-9"):
        assert qnet("keyrate", "--n-pulses", "1e10", "--eps-sec", v).rc == 2


def test_keyrate_help_lists_each_protocol_on_one_line(qnet):
    from qnet_cli.tasks import KEYRATE_PROTOCOLS

    r = qnet("keyrate", "--help")
    assert r.rc == 0
    lines = r.out.splitlines()
    for name in KEYRATE_PROTOCOLS:
        (line,) = [x for x in lines if x.startswith(f"  {name} ")]
        assert len(line.split()) > 3, line
    assert "eps-sec" in r.out and "(default: 1e-10)" in r.out


@pytest.mark.parametrize("command", QUICK)
def test_every_json_output_carries_its_effective_parameters(qnet, command):
    r = qnet(command, *QUICK[command], "--json")
    assert r.rc == 0, r.err
    obj = r.json()
    deprecated = {"p2", "eta"}  # old names of gate_error, readout_error: not parameters of their own
    assert set(obj["parameters"]) == set(COMMANDS[command].keys()) - deprecated
    assert obj["parameters"]["seed"] == 0


def test_infinity_and_not_set_are_written_differently(qnet, tmp_path):
    r = qnet("chain", "--segments", "2", "--trials", "20", "--json", "--out", tmp_path / "c.json")
    par = r.json()["parameters"]
    assert par["memory_t1"] == "inf" and par["cutoff"] is None and par["purify"] is None
    saved = json.loads((tmp_path / "c.json").read_text())["rows"][0]
    assert saved["memory_t1"] == "inf" and saved["cutoff"] is None
    k = qnet("keyrate", "--distance", "0:10:10", "--json").json()
    assert k["rows"][0]["plob_per_pulse"] == "inf" and k["parameters"]["mu"] is None


@pytest.mark.parametrize("command", QUICK)
def test_csv_cells_are_never_empty(qnet, tmp_path, command):
    out = tmp_path / "r.csv"
    r = qnet(command, *QUICK[command], "--out", out)
    assert r.rc == 0, r.err
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert set(COMMANDS[command].keys()) - {"p2", "eta"} <= {h.removeprefix("input_") for h in header}
    for row in rows[1:]:
        assert len(row) == len(header) and all(cell != "" for cell in row), row
    if command == "chain":
        cells = dict(zip(header, rows[1]))
        assert cells["purify"] == "none" and cells["cutoff"] == "none" and cells["memory_t1"] == "inf"


_SCENARIO = """command = "teleport"
seed = 3
[parameters]
distance_km = 10.0
[grid]
memory_t1 = [inf, 1.0]
fidelity = [0.9, 0.95]
"""


@pytest.mark.parametrize("ext", ["csv", "json"])
def test_sweep_writes_one_column_per_parameter_and_resumes_old_files(qnet, tmp_path, ext):
    (tmp_path / "s.toml").write_text(_SCENARIO)
    out = tmp_path / f"r.{ext}"
    r = qnet("sweep", "s.toml", "--workers", "1", "--out", out.name, "--json", cwd=tmp_path)
    assert r.rc == 0, r.err
    obj = r.json()
    assert obj["parameters"]["distance_km"] == 10.0 and obj["parameters"]["memory_t2"] == "inf"
    assert "fidelity" not in obj["parameters"]  # swept: a column of each row
    rows = obj["rows"]
    params = [k for k in COMMANDS["teleport"].keys() if k not in ("p2", "eta")]
    for row in rows:
        assert {"input_fidelity" if k == "fidelity" else k for k in params} <= set(row)
        assert row["distance_km"] == 10.0
    assert [row["memory_t1"] for row in rows] == ["inf", "inf", 1.0, 1.0]
    good = out.read_text()
    # a file of the previous release: infinity as null (JSON), fixed parameters absent
    if ext == "json":
        old = json.loads(good)
        for row in old["rows"]:
            row["memory_t1"] = None if row["memory_t1"] == "inf" else row["memory_t1"]
            for k in ("distance_km", "gate_error", "readout_error", "memory_t2", "seed"):
                del row[k]
        out.write_text(json.dumps(old))
    else:
        lines = good.splitlines()
        header = lines[0].split(",")
        keep = [i for i, h in enumerate(header) if h not in ("distance_km", "seed")]
        out.write_text("\n".join(",".join(line.split(",")[i] for i in keep) for line in lines) + "\n")
    again = qnet("sweep", "s.toml", "--workers", "1", "--out", out.name, cwd=tmp_path)
    assert again.rc == 0, again.err
    assert "4 already done, 0 computed" in again.out
    assert out.read_text() == good


def _help_strings():
    """(command, option, help text) of every option of the commands, sweep and plot, as help prints it."""
    import argparse

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sp in sub.choices.items():
        if name == "network":
            continue
        fmt = sp._get_formatter()
        for action in sp._actions:
            if action.help and action.option_strings:
                yield name, action.option_strings[-1], fmt._expand_help(action)


def test_help_prints_each_default_once():
    seen = 0
    for name, option, text in _help_strings():
        assert text.lower().count("default") <= 1, (name, option, text)
        seen += 1
    assert seen > 60


def test_help_shows_the_library_defaults(qnet):
    from protocols.repeaters.repeater_chain import RepeaterChain

    r = qnet("chain", "--help")
    text = " ".join(r.out.split())
    eff = RepeaterChain(1, 1.0).detector_efficiency
    assert f"--detector-efficiency X detector efficiency (default: {eff!r})" in text
    assert "--memories-per-node N" in text and "(default: 1)" in text
