"""The one-line examples in the QKD modules' docstrings really run."""

import doctest
import importlib

import pytest

MODULES = ["protocols.bb84", "protocols.bounds", "protocols.bbm92", "protocols.finite_key", "protocols.keyrate",
           "protocols.trusted_node", "protocols.satellite"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
