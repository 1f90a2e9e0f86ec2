"""The examples in the channels docstrings run and print what they claim."""

import doctest
import importlib

import pytest

MODULES = ["channels", "channels.channel", "channels.catalogue", "channels.loss", "channels.fiber",
           "channels.detectors", "channels.free_space", "channels.metrics"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
