"""Packaging facts a user relies on (issue 13): one version, read from the installed metadata, on every
top-level package, and a PEP 561 ``py.typed`` marker in each."""

import importlib
from importlib.metadata import version
from pathlib import Path

import pytest

PACKAGES = ["qnet_core", "channels", "protocols", "qnet_cli"]


@pytest.mark.parametrize("name", PACKAGES)
def test_version_comes_from_the_package_metadata(name):
    assert importlib.import_module(name).__version__ == version("qnetsim")


@pytest.mark.parametrize("name", PACKAGES)
def test_py_typed_marker(name):
    assert (Path(importlib.import_module(name).__file__).parent / "py.typed").is_file()
