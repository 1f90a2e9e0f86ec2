"""Short reprs and notebook tables of results and state types.

A repr shows shapes, dtypes and key figures, never whole arrays, so it stays short for any
batch or trial count; curves and chain results also render as an HTML ``<table>`` in
notebooks (IPython's ``_repr_html_`` protocol).
"""

from __future__ import annotations

import numpy as np
import pytest

import channels
import qnet_core as qc
from protocols import (RepeaterChain, entanglement_swap, key_rate_curve, purify, recurrence_rounds,
                       satellite_key_rate, teleport)
from protocols.qkd.curve import KeyRateCurve
from protocols.repeaters.repeater_chain import KeyRateComparison

MAX_REPR = 400
BIG = np.broadcast_to(qc.werner(0.9), (500, 4, 4))


def _curve(n=200):
    d = np.linspace(0.0, 200.0, n)
    return KeyRateCurve(d, np.exp(-d / 20) * 1e-3, np.exp(-d / 20) * 1e6, np.full(n, 0.02), np.full(n, 0.5),
                        np.exp(-d / 20))


def _comparison(n=200):
    x = np.linspace(10.0, 500.0, n)
    return KeyRateComparison(x, 1e3 / x, 1.0 / x, 1e6 / x, 1e5 / x, 1e9)


@pytest.fixture(scope="module")
def chain_result():
    return RepeaterChain(total_length_km=20.0, num_segments=2).simulate(300, seed=7)


OBJECTS = {
    "swap": lambda: entanglement_swap(BIG, BIG),
    "purify": lambda: purify(BIG, BIG),
    "recurrence_rounds": lambda: recurrence_rounds(qc.werner(0.8), 3),
    "teleport": lambda: teleport(np.array([1.0, 0.0]), qc.werner(0.9)),
    "curve": _curve,
    "comparison": _comparison,
    "bell_diagonal": lambda: qc.BellDiagonal(np.tile([0.7, 0.1, 0.1, 0.1], (1000, 1))),
    "channel": lambda: channels.depolarizing(0.1),
    "operation_sequence": lambda: qc.OperationSequence(3, [(qc.gates.H, (0,)), (qc.gates.CNOT, (0, 1))]),
    "measurement": lambda: qc.measure(BIG, [0]),
}


@pytest.mark.parametrize("make", OBJECTS.values(), ids=OBJECTS.keys())
def test_repr_is_short_and_shows_no_array(make):
    text = repr(make())
    assert len(text) <= MAX_REPR, text
    assert "array(" not in text and "\n" not in text


def test_result_repr_shows_shapes_and_key_figures():
    text = repr(purify(BIG, BIG))
    assert "state=<(500, 4, 4) complex128>" in text and text.startswith("PurificationResult(")
    one = repr(entanglement_swap(qc.werner(0.9), qc.werner(0.9)))
    assert "success_probability=1.0" in one


def test_chain_result_repr_and_table(chain_result):
    text = repr(chain_result)
    assert len(text) <= MAX_REPR
    assert "trials=300" in text and f"mean_fidelity={float(f'{chain_result.mean_fidelity:.6g}')!r}" in text
    html = chain_result._repr_html_()
    assert html.startswith("<table>") and "<th style='text-align:left'>num_delivered</th><td>300</td>" in html


@pytest.mark.parametrize("make", [_curve, _comparison], ids=["KeyRateCurve", "KeyRateComparison"])
def test_curves_render_as_bounded_html_tables(make):
    res = make()
    html = res._repr_html_()
    assert "<table>" in html and "<thead>" in html and "(200 rows)" in html
    assert html.count("<tr>") <= 25  # 20 rows, an ellipsis row, the header, the summary
    assert "rows=200" in repr(res)


def test_real_curves_have_tables():
    c = key_rate_curve([0.0, 50.0, 100.0], protocol="bb84-decoy")
    assert "<td>50</td>" in c._repr_html_() and "max_distance_km=100.0" in repr(c)
    s = satellite_key_rate([30.0, 60.0])
    assert "<th>elevation_deg</th>" in s._repr_html_()
