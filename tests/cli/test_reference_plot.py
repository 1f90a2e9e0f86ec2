"""``qnet plot`` draws real PNG and SVG files for each figure kind."""

import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("matplotlib")

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _is_svg(path):
    root = ET.parse(path).getroot()
    return root.tag.endswith("svg")


def test_keyrate_plot_png_and_svg(qnet, tmp_path):
    pytest.importorskip("protocols.qkd.keyrate")
    csv_path = tmp_path / "k.csv"
    assert qnet("keyrate", "--distance", "0:100:20", "--out", csv_path).rc == 0
    r = qnet("plot", csv_path, "--out", tmp_path / "k.png")
    assert r.rc == 0, r.err
    assert "keyrate" in r.out
    assert (tmp_path / "k.png").read_bytes()[:8] == PNG_MAGIC
    assert qnet("plot", csv_path, "--out", tmp_path / "k.svg").rc == 0
    assert _is_svg(tmp_path / "k.svg")


def test_fidelity_vs_distance_plot_from_sweep(qnet, tmp_path):
    scn = tmp_path / "c.toml"
    scn.write_text('command = "chain"\nseed = 1\n[parameters]\ntrials = 100\nsegments = 2\n'
                   '[grid]\nlength_km = [20, 40, 60]\nscheme = ["single-click", "double-click"]\n')
    out = tmp_path / "c.json"
    assert qnet("sweep", scn, "--out", out, "--workers", "1").rc == 0
    r = qnet("plot", out, "--out", tmp_path / "c.svg")
    assert r.rc == 0, r.err
    assert "fidelity" in r.out
    assert _is_svg(tmp_path / "c.svg")


def test_waiting_time_histogram(qnet, tmp_path):
    trials = tmp_path / "t.csv"
    assert qnet("chain", "--trials", "300", "--segments", "2", "--trials-out", trials).rc == 0
    r = qnet("plot", trials, "--out", tmp_path / "w.png", "--kind", "waiting")
    assert r.rc == 0, r.err
    assert (tmp_path / "w.png").read_bytes()[:8] == PNG_MAGIC


def test_default_output_name(qnet, tmp_path):
    assert qnet("demo", "--times", "0:0.2:0.1", "--out", tmp_path / "d.csv").rc == 0
    r = qnet("plot", "d.csv", cwd=tmp_path)
    assert r.rc == 0, r.err
    assert (tmp_path / "d.png").read_bytes()[:8] == PNG_MAGIC
