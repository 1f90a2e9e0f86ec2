"""The QKD modules moved to :mod:`protocols.qkd`; the old flat paths keep working for one release.

``import protocols.bb84`` (and ``bbm92``, ``bounds``, ``finite_key``, ``keyrate``,
``trusted_node``, ``satellite``) gives the module of the new path, with a DeprecationWarning
naming it; the names exported by ``protocols`` do not change.
"""

import importlib
import re
import sys

import pytest

import protocols
import protocols.qkd

MOVED = ("bb84", "bbm92", "bounds", "finite_key", "keyrate", "trusted_node", "satellite")


@pytest.mark.parametrize("short", MOVED)
def test_old_path_warns_and_gives_the_new_module(short, monkeypatch):
    old, new = f"protocols.{short}", f"protocols.qkd.{short}"
    monkeypatch.delitem(sys.modules, old, raising=False)  # import it afresh: the warning comes once per path
    monkeypatch.delattr(protocols, short, raising=False)
    with pytest.warns(DeprecationWarning, match=re.escape(f"{old} moved to {new}; import it from there")):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)


def test_old_from_imports_still_find_the_names(monkeypatch):
    for short in ("bb84", "keyrate"):
        monkeypatch.delitem(sys.modules, f"protocols.{short}", raising=False)
        monkeypatch.delattr(protocols, short, raising=False)
    with pytest.warns(DeprecationWarning, match="protocols.bb84 moved to protocols.qkd.bb84"):
        from protocols.bb84 import GYS_2004, QKDSystem  # defined in protocols.qkd.system
    with pytest.warns(DeprecationWarning, match="protocols.keyrate moved to protocols.qkd.keyrate"):
        from protocols.keyrate import COLUMNS, PROTOCOLS, KeyRateCurve  # COLUMNS, KeyRateCurve: protocols.qkd.curve
    assert QKDSystem is protocols.QKDSystem and GYS_2004 is protocols.GYS_2004
    assert KeyRateCurve is protocols.KeyRateCurve and COLUMNS is protocols.COLUMNS
    assert PROTOCOLS is protocols.KEYRATE_PROTOCOLS


def test_protocols_exports_every_qkd_name():
    names = set(protocols.__all__)
    assert set(protocols.qkd.__all__) - {"PROTOCOLS"} <= names
    assert protocols.KEYRATE_PROTOCOLS == ("bb84", "bb84-decoy", "bbm92", "trusted-node")
    assert not hasattr(protocols, "PROTOCOLS")  # ambiguous at this level: KEYRATE_ or CHAIN_PROTOCOLS
    assert len(protocols.qkd.__all__) == len(set(protocols.qkd.__all__))


def test_the_qkd_kernels_have_no_old_path():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("protocols._qkd_kernels")
