"""Deprecated names of the entanglement protocols keep working for one release, with a warning.

* The keywords ``p2`` and ``eta`` (now ``gate_error`` and ``readout_error``) of every
  entanglement function: a DeprecationWarning naming the new keyword, pointing at the caller,
  and a result identical to the call with the new name; giving both names is an error.
* The ``bd_*`` functions: a DeprecationWarning naming the replacement, and the same numbers as
  the unified function on :class:`qnet_core.BellDiagonal` inputs (returned, as before, with
  Bell coefficients as arrays).
"""

import re
import warnings

import numpy as np
import pytest

import qnet_core as qc
import protocols
from protocols.entanglement.swapping import measurement_error_distribution
from qnet_core import BellDiagonal
from qnet_core.errors import ParameterError

C1 = [0.85, 0.07, 0.05, 0.03]
C2 = [0.9, 0.02, 0.05, 0.03]
PSI = qc.random_density_matrix(1, 5)
REG = qc.random_density_matrix(2, 6)

#: name -> call(**noise) of each function that takes gate_error and readout_error
NOISY = {
    "entanglement_swap": lambda **kw: protocols.entanglement_swap(qc.werner(0.9), qc.werner(0.8), **kw),
    "entanglement_swap (BellDiagonal)": lambda **kw: protocols.entanglement_swap(BellDiagonal(C1), BellDiagonal(C2),
                                                                                 **kw),
    "purify": lambda **kw: protocols.purify(qc.werner(0.8), **kw),
    "purify (BellDiagonal)": lambda **kw: protocols.purify(BellDiagonal(C1), **kw),
    "recurrence_rounds": lambda **kw: protocols.recurrence_rounds(qc.werner(0.8), 2, **kw),
    "pumping_rounds": lambda **kw: protocols.pumping_rounds(BellDiagonal(C1), 2, **kw),
    "teleport": lambda **kw: protocols.teleport(PSI, qc.werner(0.9), **kw),
    "teleport_entangled": lambda **kw: protocols.teleport_entangled(qc.bell_state(), qc.werner(0.9), **kw),
    "teleportation_fidelity": lambda **kw: protocols.teleportation_fidelity(BellDiagonal(C1), **kw),
    "remote_cnot": lambda **kw: protocols.remote_cnot(REG, qc.werner(0.9), **kw),
    "remote_cnot_fidelity": lambda **kw: protocols.remote_cnot_fidelity(BellDiagonal(C1), **kw),
    "remote_cnot_error_distribution": lambda **kw: protocols.remote_cnot_error_distribution(C1, **kw),
}


def _as_dict(result):
    return result.to_dict() if hasattr(result, "to_dict") else {"value": np.asarray(result).tolist()}


@pytest.mark.parametrize("old, new", [("p2", "gate_error"), ("eta", "readout_error")])
@pytest.mark.parametrize("name", list(NOISY))
def test_old_keywords_warn_and_give_identical_results(name, old, new):
    call = NOISY[name]
    owner = name.split()[0]
    with pytest.warns(DeprecationWarning, match=re.escape(f"{owner}(): the keyword {old}= is deprecated; "
                                                          f"use {new}=")) as record:
        got = call(**{old: 0.07})
    assert record[0].filename == __file__  # the warning points at the caller
    assert _as_dict(got) == _as_dict(call(**{new: 0.07}))


@pytest.mark.parametrize("name", list(NOISY))
def test_old_and_new_keyword_together_is_an_error(name):
    owner = name.split()[0]
    with pytest.raises(ParameterError, match=re.escape(f"{owner}(): got both p2= and gate_error=")):
        NOISY[name](p2=0.1, gate_error=0.1)
    with pytest.raises(ParameterError, match=re.escape(f"{owner}(): got both eta= and readout_error=")):
        NOISY[name](eta=0.1, readout_error=0.0)  # even when the new one is given as its default value


@pytest.mark.parametrize("name", list(NOISY))
def test_new_keywords_do_not_warn(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        NOISY[name](gate_error=0.01, readout_error=0.02)
        NOISY[name]()


def test_measurement_error_distribution_old_keyword():
    with pytest.warns(DeprecationWarning, match=r"the keyword eta= is deprecated; use readout_error="):
        old = measurement_error_distribution(eta=0.1)
    np.testing.assert_array_equal(old, measurement_error_distribution(readout_error=0.1))


#: alias -> (old call, new call); one row per deprecated bd_* function of the protocols
ALIASES = {
    "bd_entanglement_swap": (lambda: protocols.bd_entanglement_swap(C1, C2, gate_error=0.05, bsm="linear_optics"),
                             lambda: protocols.entanglement_swap(BellDiagonal(C1), BellDiagonal(C2), gate_error=0.05,
                                                                 bsm="linear_optics")),
    "bd_purify": (lambda: protocols.bd_purify(C1, C2, method="bbpssw", readout_error=0.02),
                  lambda: protocols.purify(BellDiagonal(C1), BellDiagonal(C2), method="bbpssw", readout_error=0.02)),
    "bd_recurrence_rounds": (lambda: protocols.bd_recurrence_rounds(C1, 3, gate_error=0.01),
                             lambda: protocols.recurrence_rounds(BellDiagonal(C1), 3, gate_error=0.01)),
    "bd_pumping_rounds": (lambda: protocols.bd_pumping_rounds(C1, 3, auxiliary=C2),
                          lambda: protocols.pumping_rounds(BellDiagonal(C1), 3, auxiliary=BellDiagonal(C2))),
    "bd_teleport": (lambda: protocols.bd_teleport(PSI, C1, distance_km=100.0, t1_s=1e-3),
                    lambda: protocols.teleport(PSI, BellDiagonal(C1), distance_km=100.0, t1_s=1e-3)),
    "bd_teleportation_fidelity": (lambda: protocols.bd_teleportation_fidelity(C1, readout_error=0.1),
                                  lambda: protocols.teleportation_fidelity(BellDiagonal(C1), readout_error=0.1)),
    "bd_remote_cnot": (lambda: protocols.bd_remote_cnot(REG, C1, control=1, target=0, gate_error=0.02),
                       lambda: protocols.remote_cnot(REG, BellDiagonal(C1), control=1, target=0, gate_error=0.02)),
    "bd_remote_cnot_fidelity": (lambda: protocols.bd_remote_cnot_fidelity(C1, gate_error=0.02),
                                lambda: protocols.remote_cnot_fidelity(BellDiagonal(C1), gate_error=0.02)),
    "bd_pair_qkd": (lambda: protocols.bd_pair_qkd(C1, frame=1, ec_efficiency=1.1),
                    lambda: protocols.pair_qkd(BellDiagonal(C1), frame=1, ec_efficiency=1.1)),
}


@pytest.mark.parametrize("alias", list(ALIASES))
def test_bd_alias_warns_and_equals_the_unified_call(alias):
    old, new = ALIASES[alias]
    with pytest.warns(DeprecationWarning, match=re.escape(f"{alias}() is deprecated; use ")) as record:
        got = old()
    assert record[0].filename == __file__
    want = new()
    assert type(got) is type(want)
    assert _as_dict(got) == _as_dict(want)  # BellDiagonal fields come back as their coefficient arrays


def test_bd_alias_keeps_the_old_result_form():
    with pytest.warns(DeprecationWarning):
        r = protocols.bd_purify(C1)
    assert isinstance(r.state, np.ndarray) and r.state.shape == (4,)
    with pytest.warns(DeprecationWarning):
        s = protocols.bd_entanglement_swap(C1, C2)
    assert isinstance(s.branch_states, np.ndarray) and s.branch_states.shape == (4, 4)


def test_bd_alias_with_old_keywords_warns_for_both():
    with pytest.warns(DeprecationWarning) as record:
        got = protocols.bd_purify(C1, p2=0.03, eta=0.01)
    messages = [str(w.message) for w in record]
    assert any("bd_purify() is deprecated" in m for m in messages)
    assert any("p2= is deprecated; use gate_error=" in m for m in messages)
    assert any("eta= is deprecated; use readout_error=" in m for m in messages)
    assert _as_dict(got) == _as_dict(protocols.purify(BellDiagonal(C1), gate_error=0.03, readout_error=0.01))


def test_bd_alias_keeps_the_old_coefficient_checks():
    with pytest.warns(DeprecationWarning), pytest.raises(ParameterError, match=r"bd_purify\(\): c2 sums to 2"):
        protocols.bd_purify([1, 0, 0, 0], [1, 1, 0, 0])
