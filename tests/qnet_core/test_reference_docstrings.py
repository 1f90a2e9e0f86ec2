"""The one-line examples in the engine's docstrings and the README's example block really run."""

import doctest
import importlib
import pathlib
import re

import pytest

MODULES = ["qnet_core", "qnet_core.states", "qnet_core.ops", "qnet_core.measurement", "qnet_core.metrics",
           "qnet_core.bell_diagonal", "qnet_core.random", "qnet_core.validation", "qnet_core.gates"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0


def test_readme_python_examples_run():
    readme = pathlib.Path(__file__).resolve().parents[2] / "README.md"
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.S)
    assert blocks, "README has no python example"
    for code in blocks:
        exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
