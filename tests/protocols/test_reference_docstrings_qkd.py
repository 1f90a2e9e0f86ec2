"""The one-line examples in the QKD modules' docstrings really run."""

import doctest
import importlib
import pkgutil

import pytest

import protocols.qkd

#: Every public module of the QKD subpackage, found by walking it.
MODULES = sorted(f"protocols.qkd.{m.name}" for m in pkgutil.iter_modules(protocols.qkd.__path__)
                 if not m.name.startswith("_"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
