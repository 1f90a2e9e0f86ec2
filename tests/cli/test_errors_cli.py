"""Bad options, bad values and malformed scenario files: one line ``qnet: error: ...``, exit 2.

Every case runs the real console script and checks that stderr is exactly one line naming the
field, the value and what is allowed, with no traceback.
"""

import pytest


def _assert_usage_error(r, *fragments):
    assert r.rc == 2, (r.rc, r.out, r.err)
    lines = r.err.strip().splitlines()
    assert len(lines) == 1, r.err
    assert lines[0].startswith("qnet: error: ")
    assert "Traceback" not in r.err
    for f in fragments:
        assert f in lines[0], (f, lines[0])


@pytest.mark.parametrize("args, fragments", [
    ((), ("required",)),
    (("frobnicate",), ("invalid choice", "frobnicate")),
    (("swap", "--bogus", "1"), ("unrecognized arguments", "--bogus")),
    (("swap", "--fidelity", "1.5"), ("--fidelity=1.5", ">= 0.0 and <= 1.0")),
    (("swap", "--fidelity", "abc"), ("--fidelity=abc", "a number")),
    (("swap", "--bsm", "perfect"), ("--bsm=perfect", "ideal, linear_optics")),
    (("swap", "--gate-error", "1.5"), ("--gate-error=1.5", ">= 0.0 and <= 1.0")),
    (("purify", "--p2", "0.1", "--gate-error", "0.2"), ("--p2 is the deprecated name of --gate-error",)),
    (("teleport", "--eta", "0.1", "--readout-error", "0.2"), ("--eta is the deprecated name of --readout-error",)),
    (("keyrate", "--protocol", "e91"), ("--protocol=e91", "bb84, bb84-decoy, bbm92, trusted-node")),
    (("keyrate", "--distance", "0:100"), ("--distance", "START:STOP:STEP")),
    (("keyrate", "--distance", "100:0:10"), ("--distance", "STOP")),
    (("keyrate", "--detector-efficiency", "0"), ("--detector-efficiency=0", "> 0.0")),
    (("keyrate", "--out", "rates.txt"), ("--out='rates.txt'", ".csv, .json")),
    (("chain", "--trials", "0"), ("--trials=0", "integer >= 1")),
    (("chain", "--segments", "2.5"), ("--segments=2.5", "integer")),
    (("chain", "--seed", "-1"), ("--seed=-1", "integer >= 0")),
    (("chain", "--scheme", "triple-click"), ("--scheme=triple-click", "single-click, double-click")),
    (("chain", "--memory-t1", "1", "--memory-t2", "3"), ("memory_t2_s=3.0", "T2 must be <= 2*T1")),
    (("chain", "--protocol", "nested", "--segments", "3"), ("power of two",)),
    (("demo", "--plot", "fig.jpg"), ("--plot='fig.jpg'", ".png, .svg, .pdf")),
    (("purify", "--rounds", "0"), ("--rounds=0", ">= 1")),
])
def test_bad_options_one_line_exit_2(qnet, tmp_path, args, fragments):
    _assert_usage_error(qnet(*args, cwd=tmp_path), *fragments)


def _scenario(tmp_path, text, name="s.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize("text, fragments", [
    ('command = "chain"\n[grid\nlength_km = [1]\n', ("invalid TOML", "line 2")),
    ('command = "chain"\nfoo = 1\n', ("unknown top-level key 'foo'", "allowed: command")),
    ('seed = 1\n', ("missing 'command'",)),
    ('command = "teleportation"\n', ("command='teleportation'", "keyrate, chain")),
    ('command = "chain"\nseed = -3\n', ("seed=-3", "integer >= 0")),
    ('command = "chain"\n[parameters]\nsegmentz = 4\n', ("unknown parameter 'segmentz'", "allowed: segments")),
    ('command = "chain"\n[parameters]\nseed = 4\n', ("top level",)),
    ('command = "chain"\n[parameters]\nmemory_t2 = -1.0\n', ("[parameters]", "memory_t2=-1.0", "> 0.0")),
    ('command = "chain"\n[parameters]\nscheme = "fast"\n', ("scheme='fast'", "single-click, double-click")),
    ('command = "chain"\n[grid]\nlength_km = 100\n', ("[grid]", "length_km=100", "array")),
    ('command = "chain"\n[grid]\nlength_km = []\n', ("length_km=[] is empty",)),
    ('command = "chain"\n[grid]\nlength_km = [10, "far"]\n', ("[grid]", "length_km='far'", "a number")),
    ('command = "chain"\n[grid]\nsegments = "1:4:1.5"\n', ("segments=2.5", "integer")),
    ('command = "chain"\n[parameters]\ntrials = 5\n[grid]\ntrials = [1, 2]\n', ("also in [parameters]",)),
    ('command = "swap"\n[grid]\nfidelity = [0.9]\n[[points]]\nfidelity = 0.8\n', ("either [grid] or [[points]]",)),
    ('command = "swap"\n[[points]]\nfidelity = 0.8\n[[points]]\nfidelity = 1.8\n', ("[[points]] #2", "fidelity=1.8")),
    ('command = "chain"\n[parameters]\nmemory_t1 = 1.0\n[grid]\nmemory_t2 = [1.0, 3.0]\n',
     ("point 1 (memory_t2=3.0)", "T2 must be <= 2*T1")),
])
def test_malformed_scenarios_one_line_exit_2(qnet, tmp_path, text, fragments):
    p = _scenario(tmp_path, text)
    _assert_usage_error(qnet("sweep", p, "--out", tmp_path / "o.csv", "--workers", "1"), "s.toml", *fragments)
    assert not (tmp_path / "o.csv").exists()


def test_missing_scenario_file(qnet, tmp_path):
    _assert_usage_error(qnet("sweep", tmp_path / "nope.toml"), "does not exist")


def test_sweep_bad_workers_and_out(qnet, tmp_path):
    p = _scenario(tmp_path, 'command = "swap"\n')
    _assert_usage_error(qnet("sweep", p, "--workers", "0"), "--workers=0")
    _assert_usage_error(qnet("sweep", p, "--out", tmp_path / "o.xlsx"), ".csv, .json")


def test_sweep_refuses_to_mix_scenarios(qnet, tmp_path):
    a = _scenario(tmp_path, 'command = "swap"\n[grid]\nfidelity = [0.9, 0.95]\n', "a.toml")
    b = _scenario(tmp_path, 'command = "swap"\n[grid]\nfidelity = [0.8, 0.85]\n', "b.toml")
    out = tmp_path / "o.csv"
    assert qnet("sweep", a, "--out", out, "--workers", "1").rc == 0
    before = out.read_text()
    _assert_usage_error(qnet("sweep", b, "--out", out, "--workers", "1"), "different scenario", "--restart")
    assert out.read_text() == before
    assert qnet("sweep", b, "--out", out, "--workers", "1", "--restart").rc == 0
    assert "0.85" in out.read_text()


def test_plot_errors(qnet, tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n")
    _assert_usage_error(qnet("plot", bad, "--out", tmp_path / "x.png"), "cannot tell what to plot")
    _assert_usage_error(qnet("plot", tmp_path / "missing.csv"), "cannot read")
    _assert_usage_error(qnet("plot", bad, "--out", tmp_path / "x.jpg"), ".png, .svg")
