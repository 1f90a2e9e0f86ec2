"""Hostile command lines and files: one line ``qnet: error: ...``, exit 2, no traceback, no file left (issue 12).

The cases run :func:`qnet_cli.main.main` in this process (the console script only adds
``sys.exit``), from an empty working directory, and check that nothing was created there.
Resumed sweeps keep only valid rows: truncated, duplicated, non-numeric or corrupt rows are
dropped and their points computed again, to the same bytes as an uninterrupted run.
"""

import csv
import json
import os
import tracemalloc

import pytest

from qnet_cli import sweep as sweep_module
from qnet_cli.main import main
from qnet_cli.scenario import MAX_POINTS, load_scenario, parse_scenario
from qnet_cli.tasks import KEYRATE_COLUMNS, _curve_rows

SWAP4 = 'command = "swap"\n[grid]\nfidelity = [0.9, 0.95, 0.97, 0.99]\n'


def _files(root):
    return sorted(os.path.relpath(os.path.join(d, f), root) for d, _, fs in os.walk(root) for f in fs)


def _run(capsys, *args):
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def _assert_error(rc, err, *fragments):
    assert rc == 2, (rc, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("qnet: error: "), lines[0]
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


@pytest.fixture
def empty_cwd(tmp_path, monkeypatch):
    d = tmp_path / "cwd"
    d.mkdir()
    (d / "s.toml").write_text(SWAP4)
    monkeypatch.chdir(d)
    return d


HOSTILE = [
    # no command, unknown command or flag
    (), ("frobnicate",), ("--bogus",), ("swap", "--bogus", "1"), ("chain", "--trials"),
    # negative, NaN, inf, huge, empty, wrong type
    ("chain", "--trials", "-5"), ("chain", "--trials", "nan"), ("chain", "--trials", "1e3"), ("chain", "--trials", ""),
    ("chain", "--trials", "0.5"), ("chain", "--trials", "99999999999999999999999"),
    ("chain", "--segments", "0"), ("chain", "--segments", "2.5"), ("chain", "--segments", "100000000"),
    ("chain", "--length-km", "nan"), ("chain", "--length-km", "inf"), ("chain", "--length-km", "-1"),
    ("chain", "--length-km", "abc"), ("chain", "--memory-t1", "0"), ("chain", "--memory-t1=-inf"),
    ("chain", "--cutoff", "0"), ("chain", "--cutoff", "nan"), ("chain", "--seed", "-1"), ("chain", "--seed", "1.5"),
    ("chain", "--memories-per-node", "100000000"), ("chain", "--bright-state", "1"), ("chain", "--swap-success", "0"),
    ("chain", "--max-time", "0"), ("chain", "--max-time", "-1"), ("chain", "--max-time", "nan"),
    ("chain", "--max-time", "soon"),
    # ranges
    ("keyrate", "--distance", "5:1:1"), ("keyrate", "--distance", "0:1:0"), ("keyrate", "--distance", "0:1:-1"),
    ("keyrate", "--distance", "0:1e300:1e-300"), ("keyrate", "--distance", "0:1:1e-320"),
    ("keyrate", "--distance", "nan:1:1"), ("keyrate", "--distance", "0:inf:1"), ("keyrate", "--distance", ""),
    ("keyrate", "--distance", ":::"), ("keyrate", "--distance", "0:1:1:1"), ("keyrate", "--distance", "-5"),
    ("keyrate", "--distance", "0:1000000:1"), ("keyrate", "--distance", "a:b:c"),
    # other values
    ("keyrate", "--mu", "nan"), ("keyrate", "--mu", "-1"), ("keyrate", "--rep-rate", "inf"),
    ("keyrate", "--rep-rate", "0"), ("keyrate", "--n-pulses", "1e400"), ("keyrate", "--ec-efficiency", "0.5"),
    ("keyrate", "--dark-count", "1"), ("keyrate", "--protocol", ""), ("keyrate", "--detector-efficiency", "0"),
    ("purify", "--rounds", "65"), ("purify", "--rounds", "1e9"), ("purify", "--fidelity", "1.5"),
    ("swap", "--fidelity2", "inf"), ("swap", "--bsm", ""), ("teleport", "--distance-km=-inf"),
    ("demo", "--times", "0:1e9:1e-9"), ("demo", "--fidelity", "2"),
    # output files
    ("keyrate", "--out", "x"), ("keyrate", "--out", ""), ("keyrate", "--out", "x.txt"),
    ("chain", "--trials", "10", "--out", "x.csv", "--trials-out", "x.csv"),
    ("chain", "--trials", "10", "--out", "x.csv", "--trials-out", "./x.csv"),
    ("keyrate", "--out", "s.toml/x.csv"), ("keyrate", "--plot", "x.jpg"),
    # sweep
    ("sweep",), ("sweep", "missing.toml"), ("sweep", "s.toml", "--workers", "0"), ("sweep", "s.toml", "--workers", "-1"),
    ("sweep", "s.toml", "--workers", "1.5"), ("sweep", "s.toml", "--workers", "99999999999"),
    ("sweep", "s.toml", "--max-time", "0"), ("sweep", "s.toml", "--max-time", "inf?"),
    ("sweep", "s.toml", "--out", "o.txt"), ("sweep", "s.toml", "--out", "s.toml/o.csv"),
    ("sweep", "s.toml", "--scheduler", "http://x"), ("sweep", "s.toml", "--workers", "2", "--scheduler", "tcp://a:1"),
]


@pytest.mark.parametrize("args", HOSTILE, ids=[" ".join(a) or "(none)" for a in HOSTILE])
def test_hostile_command_line_is_one_line_exit_2_and_leaves_no_file(capsys, empty_cwd, args):
    before = _files(empty_cwd)
    rc, out, err = _run(capsys, *args)
    _assert_error(rc, err)
    assert out == ""
    assert _files(empty_cwd) == before


def test_range_and_grid_caps_name_the_number_and_the_cap(capsys, empty_cwd):
    _assert_error(*_run(capsys, "keyrate", "--distance", "0:1000000:1")[::2], "has 1000001 points",
                  "at most 1000000 allowed")
    _assert_error(*_run(capsys, "keyrate", "--distance", "0:1e300:1e-300")[::2], "more than 1e308 points",
                  "at most 1000000 allowed")
    axis = '"1:65536:1"'
    (empty_cwd / "big.toml").write_text(f'command = "chain"\n[grid]\nlength_km = {axis}\ntrials = {axis}\n'
                                        f'segments = {axis}\nmemories_per_node = {axis}\n')
    line = _assert_error(*_run(capsys, "sweep", "big.toml", "--workers", "1")[::2])
    assert f"[grid] has {65536 ** 4} points (length_km=65536 x trials=65536 x segments=65536 x " in line
    assert line.endswith(f"at most {MAX_POINTS} allowed")
    assert _files(empty_cwd) == ["big.toml", "s.toml"]


def test_output_in_unwritable_places_fails_before_any_work(capsys, empty_cwd, monkeypatch):
    def no_work(*a, **k):
        raise AssertionError("work started")

    monkeypatch.setattr(sweep_module, "run_point", no_work)
    (empty_cwd / "dir.csv").mkdir()
    for out, fragment in [("dir.csv", "is a directory"), ("s.toml/x.csv", "is not a directory"),
                          ("s.toml/a/b/x.csv", "is not a directory"), ("/proc/x.csv", "cannot write in")]:
        for args in (("sweep", "s.toml", "--workers", "1", "--out", out), ("swap", "--out", out),
                     ("chain", "--trials", "10", "--trials-out", out)):
            _assert_error(*_run(capsys, *args)[::2], fragment)
    assert _files(empty_cwd) == ["s.toml"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_output_in_a_read_only_directory(capsys, empty_cwd):
    ro = empty_cwd / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        _assert_error(*_run(capsys, "swap", "--out", ro / "x.csv")[::2], "cannot write in")
    finally:
        ro.chmod(0o755)


@pytest.mark.parametrize("content, fragment", [
    (b"\xff\xfe\x00\x01binary", "not a UTF-8 text file (byte 0xff at offset 0)"),
    ('command = "swap"\n# caf\xe9\n'.encode("latin-1"), "not a UTF-8 text file (byte 0xe9 at offset 22)"),
    (b'command = "swap"\n\x00\x01', "invalid TOML"),
    (b"x = " + b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    (b"x = " + b"{a=" * 100000 + b"1" + b"}" * 100000, "nested too deeply"),
    (b'command = "swap"\n[parameters]\nfidelity = ' + b"[" * 600 + b"]" * 600, "nested too deeply"),
    (b"[" + b".".join([b"a"] * 100000) + b"]", "more than 32 parts"),
    (b"a" + b".a" * 100000 + b" = 1", "more than 32 parts"),
    (b'x = {"a"' + b'."a"' * 100 + b" = 1}", "more than 32 parts"),
])
def test_binary_non_utf8_and_deeply_nested_scenarios(capsys, empty_cwd, content, fragment):
    (empty_cwd / "bad.toml").write_bytes(content)
    _assert_error(*_run(capsys, "sweep", "bad.toml", "--workers", "1", "--out", "o.csv")[::2], "bad.toml", fragment)
    assert not (empty_cwd / "o.csv").exists()


@pytest.mark.parametrize("name, content, fragment", [
    ("bin.csv", b"\xff\xfe\x00\x01", "is not a UTF-8 text file (byte 0xff at offset 0)"),
    ("nul.csv", b"point,point_id\n\x00\x00\n", "is a binary file (NUL byte at offset 15)"),
    ("bin.json", b"\x89PNG\r\n\x1a\n", "is not a UTF-8 text file (byte 0x89 at offset 0)"),
    ("deep.json", b'{"rows": ' + b"[" * 100000 + b"]" * 100000 + b"}", "nested too deeply"),
    ("huge.csv", b"a\n" + b"x" * 200000 + b"\n", "not a valid CSV file"),
])
def test_binary_and_corrupt_result_files(capsys, empty_cwd, name, content, fragment):
    (empty_cwd / name).write_bytes(content)
    _assert_error(*_run(capsys, "sweep", "s.toml", "--workers", "1", "--out", name)[::2], name, fragment)
    assert (empty_cwd / name).read_bytes() == content
    _assert_error(*_run(capsys, "plot", name, "--out", "x.png")[::2], name, fragment)


# ----------------------------------------------------------------------------- resume
def _lines(path):
    return path.read_text().splitlines()


def _write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n")


def test_resume_recomputes_truncated_duplicated_corrupt_rows(capsys, empty_cwd):
    assert _run(capsys, "sweep", "s.toml", "--workers", "1", "--out", "good.csv")[0] == 0
    good = (empty_cwd / "good.csv").read_text()
    head, *rows = good.splitlines()
    cases = {
        "truncated": [head, rows[0].rsplit(",", 1)[0], *rows[1:]],
        "duplicated": [head, *rows, rows[2]],
        "non-numeric": [head, rows[0], rows[1].replace(rows[1].split(",")[3], "abc"), *rows[2:]],
        "empty cell": [head, rows[0][:rows[0].rindex(",")] + ",", *rows[1:]],
        "corrupt id": [head, rows[0].replace(rows[0].split(",")[1], "zz" + rows[0].split(",")[1][2:]), *rows[1:]],
        "wrong point": [head, "7" + rows[0][1:], *rows[1:]],
        "wrong swept value": [head, rows[0].replace(",0.9,", ",0.91,"), *rows[1:]],
        "cut mid-file": [head, *rows[:2], rows[2][:12]],
    }
    for what, lines in cases.items():
        out = empty_cwd / "o.csv"
        _write_lines(out, lines)
        rc, stdout, err = _run(capsys, "sweep", "s.toml", "--workers", "1", "--out", out)
        assert rc == 0, (what, err)
        assert out.read_text() == good, what
        assert "already done" in stdout
        assert err.count("\n") == 1 and err.startswith("qnet sweep: note: dropped "), (what, err)


def test_resume_of_json_output_checks_types_and_completeness(capsys, empty_cwd):
    assert _run(capsys, "sweep", "s.toml", "--workers", "1", "--out", "good.json")[0] == 0
    good = (empty_cwd / "good.json").read_text()
    rows = json.loads(good)["rows"]
    bad = [dict(rows[0], fidelity="0.8"), {k: v for k, v in rows[1].items() if k != "success_probability"},
           rows[2], rows[2], 17]
    out = empty_cwd / "o.json"
    out.write_text(json.dumps({"rows": bad + rows[3:]}))
    rc, stdout, err = _run(capsys, "sweep", "s.toml", "--workers", "1", "--out", out)
    assert rc == 0 and "(1 already done, 3 computed)" in stdout, err
    assert out.read_text() == good


@pytest.mark.parametrize("text, cut", [
    ('command = "keyrate"\n[parameters]\ndistance = [0.0, 10.0, 20.0]\n[grid]\nprotocol = ["bb84", "bbm92"]\n',
     "distance_km"),
    ('command = "purify"\n[parameters]\nrounds = 3\n[grid]\nfidelity = [0.8, 0.9]\n', "round"),
])
def test_resume_recomputes_a_point_missing_one_of_its_rows(capsys, empty_cwd, text, cut):
    (empty_cwd / "m.toml").write_text(text)
    assert _run(capsys, "sweep", "m.toml", "--workers", "1", "--out", "good.csv")[0] == 0
    good = (empty_cwd / "good.csv").read_text()
    head, *rows = good.splitlines()
    assert len(rows) == 6
    out = empty_cwd / "o.csv"
    for lines in ([head, *rows[:4], rows[5]], [head, rows[0], rows[0], *rows[2:]]):
        _write_lines(out, lines)
        rc, stdout, err = _run(capsys, "sweep", "m.toml", "--workers", "1", "--out", out)
        assert rc == 0 and "(1 already done, 1 computed)" in stdout, (stdout, err)
        assert out.read_text() == good


def test_point_ids_that_look_like_numbers_are_read_as_text(empty_cwd):
    """A 16-hex ``point_id`` of digits only (leading zeros) or like ``1e...`` must stay text when resuming."""
    from qnet_cli.output import read_rows

    (empty_cwd / "o.csv").write_text("point,point_id\n0,0123456789012345\n1,1e10000000000000\n")
    rows = read_rows("o.csv", text_columns=("point_id",))
    assert [r["point_id"] for r in rows] == ["0123456789012345", "1e10000000000000"]
    assert [r["point"] for r in rows] == [0, 1]


def test_other_scenarios_file_is_refused_not_overwritten(capsys, empty_cwd):
    (empty_cwd / "b.toml").write_text(SWAP4.replace("0.99", "0.98"))
    assert _run(capsys, "sweep", "s.toml", "--workers", "1", "--out", "o.csv")[0] == 0
    before = (empty_cwd / "o.csv").read_text()
    _assert_error(*_run(capsys, "sweep", "b.toml", "--workers", "1", "--out", "o.csv")[::2], "different scenario")
    assert (empty_cwd / "o.csv").read_text() == before


def test_no_header_only_file_when_no_point_finished(capsys, empty_cwd, monkeypatch):
    (empty_cwd / "f.toml").write_text('command = "chain"\n[parameters]\nsegments = 2\n[grid]\n'
                                      'trials = [100000000000, 10]\n')
    _assert_error(*_run(capsys, "sweep", "f.toml", "--workers", "1", "--out", "o.csv")[::2],
                  "f.toml: point 0 (trials=100000000000)", "simulate_chain()")
    assert not (empty_cwd / "o.csv").exists()

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep_module, "run_point", interrupted)
    rc, out, err = _run(capsys, "sweep", "s.toml", "--workers", "1", "--out", "o.csv")
    assert rc == 130 and err == "qnet: interrupted (SIGINT); no point finished; nothing was written\n"
    assert _files(empty_cwd) == ["f.toml", "s.toml"]


# ----------------------------------------------------------------------------- grids and rows
def test_grid_points_are_generated_lazily_in_product_order():
    tracemalloc.start()
    try:
        s = parse_scenario({"command": "chain", "grid": {"length_km": "1:1000:1", "trials": "1:1000:1"}}, "g.toml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(s.points) == 1_000_000
    assert peak < 20 * 2**20  # a million materialized points took gigabytes
    assert s.points[1000].swept == {"length_km": 2.0, "trials": 1}
    assert s.points[-1].swept == {"length_km": 1000.0, "trials": 1000}
    it = iter(s.points)
    assert [next(it) for _ in range(1002)] == s.points[:1002]
    small = parse_scenario({"command": "swap", "seed": 5, "grid": {"fidelity": [0.9, 0.95, 0.99]}}, "g.toml")
    assert [small.point_seed(i).spawn_key for i in range(3)] == [q.spawn_key for q in small.point_seeds()]
    assert [small.point_seed(i).entropy for i in range(3)] == [q.entropy for q in small.point_seeds()]


def test_keyrate_rows_from_columns_are_exact(capsys, empty_cwd):
    n = 20000
    curve = {"distance_km": list(range(n)), **{c: [float(i) / 7 for i in range(n)] for c in KEYRATE_COLUMNS[1:]}}
    rows = _curve_rows(curve)
    assert len(rows) == n and rows[123] == {"distance_km": 123.0, **{c: 123 / 7 for c in KEYRATE_COLUMNS[1:]}}
    assert _curve_rows([dict(zip(KEYRATE_COLUMNS, [1.0] * 6))]) == [dict(zip(KEYRATE_COLUMNS, [1.0] * 6))]
    rc, out, err = _run(capsys, "keyrate", "--distance", "0:9999:1", "--out", "k.csv")
    assert rc == 0, err
    with open("k.csv", newline="") as f:
        got = list(csv.DictReader(f))
    assert len(got) == 10000 and float(got[-1]["distance_km"]) == 9999.0
    assert len(out.splitlines()) == 10001


def test_scenario_loading_keeps_working(empty_cwd):
    s = load_scenario("s.toml")
    assert [pt.swept["fidelity"] for pt in s.points] == [0.9, 0.95, 0.97, 0.99]
