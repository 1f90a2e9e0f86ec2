"""``qnet plot`` options of issue 13: --y columns, log axes, units on every axis, legends naming the
protocol and parameters, several files overlaid, PNG/SVG/PDF, purification rounds, and the caveat
where a trusted-relay key-rate curve crosses the PLOB bound.

Figures are SVG with text kept as text, so labels and legends are read back from the file."""

import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("matplotlib")

from qnet_cli.plotting import COLUMN_LABELS, axis_label, plot_sources  # noqa: E402
from qnet_core.errors import ScenarioError  # noqa: E402


def _texts(path):
    return [t.text or "" for t in ET.parse(path).getroot().iter() if t.tag.endswith("text")]


def _keyrate_rows(protocol, scale, plob_scale=1.0):
    return [{"distance_km": d, "key_rate_per_pulse": scale * 10 ** (-d / 50), "plob_per_pulse": plob_scale * 10 ** (-d / 50),
             "protocol": protocol, "max_link_km": 50} for d in (0, 50, 100, 150)]


def test_axis_labels_carry_units():
    assert axis_label("distance_km") == "distance (km)"
    assert axis_label("mean_fidelity") == "end-to-end fidelity (dimensionless)"
    assert axis_label("rate_hz") == "delivered pairs (1/s)"
    assert axis_label("foo_bar_km") == "foo bar (km)"  # unit from the suffix
    assert "(" in axis_label("unknown") and axis_label("unknown").endswith(")")
    assert all(unit for _, unit in COLUMN_LABELS.values())


def test_y_columns_one_panel_each_with_units_and_log_scale(tmp_path):
    rows = [{"length_km": L, "rate_hz": 100.0 / (1 + L), "mean_fidelity": 0.9 - L / 1000, "mean_fidelity_stderr": 0.01,
             "scheme": s, "protocol": "swap-asap"} for L in (10, 20, 40) for s in ("single-click", "double-click")]
    out = tmp_path / "f.svg"
    kind, caveat = plot_sources([(None, rows)], str(out), y=["rate_hz", "mean_fidelity"], yscale="log")
    assert kind == "xy" and caveat is None
    texts = _texts(out)
    for want in ("total length (km)", "delivered pairs (1/s)", "end-to-end fidelity (dimensionless)",
                 "swap-asap, scheme=single-click", "swap-asap, scheme=double-click"):
        assert any(want in t for t in texts), (want, texts)


def test_several_files_overlaid_with_file_names_in_legend(tmp_path):
    a = _keyrate_rows("bb84", 1e-2)
    b = _keyrate_rows("bbm92", 1e-3)
    out = tmp_path / "ab.svg"
    kind, _ = plot_sources([("runA", a), ("runB", b)], str(out))
    assert kind == "keyrate"
    texts = _texts(out)
    assert any("runA, bb84" in t for t in texts) and any("runB, bbm92" in t for t in texts)
    assert any("PLOB bound" in t for t in texts)
    assert any("distance (km)" in t for t in texts) and any("bits per pulse" in t for t in texts)


def test_plob_crossing_caveat(tmp_path):
    above = _keyrate_rows("bb84-decoy", 2.0)  # a trusted-relay curve above the repeaterless bound
    kind, caveat = plot_sources([(None, above)], str(tmp_path / "k.svg"))
    assert caveat is not None and "PLOB" in caveat and "trusted relays" in caveat and "0 km" in caveat
    assert any("exceeds the PLOB bound" in t for t in _texts(tmp_path / "k.svg"))
    _, none = plot_sources([(None, _keyrate_rows("bb84", 0.1))], str(tmp_path / "k2.svg"))
    assert none is None


def test_purification_rounds_auto_kind(tmp_path):
    rows = [{"round": r, "fidelity": 0.8 + 0.05 * r, "success_probability": 0.7, "pairs_per_output": 2.0 ** r}
            for r in (1, 2, 3)]
    out = tmp_path / "p.svg"
    kind, _ = plot_sources([(None, rows)], str(out))
    assert kind == "purify"
    texts = _texts(out)
    assert any("purification round (rounds)" in t for t in texts)
    assert any("success probability (dimensionless)" in t for t in texts)


def test_pdf_and_errors(tmp_path):
    rows = _keyrate_rows("bb84", 0.1)
    plot_sources([(None, rows)], str(tmp_path / "k.pdf"))
    assert (tmp_path / "k.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ScenarioError, match=".png, .svg, .pdf"):
        plot_sources([(None, rows)], str(tmp_path / "k.jpg"))
    with pytest.raises(ScenarioError, match="no column nope"):
        plot_sources([(None, rows)], str(tmp_path / "k.png"), y=["nope"])
    with pytest.raises(ScenarioError, match="--y does not apply"):
        plot_sources([(None, rows)], str(tmp_path / "k.png"), kind="waiting", y=["qber"])
    with pytest.raises(ScenarioError, match="--yscale"):
        plot_sources([(None, rows)], str(tmp_path / "k.png"), yscale="symlog")


def test_cli_overlay_and_purify(qnet, tmp_path):
    pu = tmp_path / "pu.csv"
    assert qnet("purify", "--fidelity", "0.8", "--rounds", "3", "--out", pu).rc == 0
    r = qnet("plot", pu, "--out", tmp_path / "pu.pdf")
    assert r.rc == 0, r.err
    assert "purify" in r.out
    k1, k2 = tmp_path / "k1.csv", tmp_path / "k2.csv"
    assert qnet("keyrate", "--distance", "0:100:50", "--out", k1).rc == 0
    assert qnet("keyrate", "--distance", "0:100:50", "--protocol", "bbm92", "--out", k2).rc == 0
    r = qnet("plot", k1, k2, "--y", "key_rate_per_pulse", "--y", "qber", "--yscale", "log", "--out", tmp_path / "o.svg")
    assert r.rc == 0, r.err
    texts = _texts(tmp_path / "o.svg")
    assert any(t.startswith("k1") for t in texts) and any(t.startswith("k2") for t in texts)
