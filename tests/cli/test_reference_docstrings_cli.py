"""The examples in the qnet_cli docstrings really run."""

import doctest
import importlib

import pytest

MODULES = ["qnet_cli.params", "qnet_cli.progress", "qnet_cli.scenario", "qnet_cli.output", "qnet_cli.main"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
