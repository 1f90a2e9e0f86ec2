"""The one-line examples in the engine's docstrings really run."""

import doctest
import importlib

import pytest

MODULES = ["qnet_core", "qnet_core.states", "qnet_core.ops", "qnet_core.measurement", "qnet_core.metrics",
           "qnet_core.bell_diagonal", "qnet_core.random", "qnet_core.validation", "qnet_core.gates"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0

