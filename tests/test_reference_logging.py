"""Library code logs, it does not print; deprecations are DeprecationWarnings at the caller.

Python logging HOWTO, "Configuring logging for a library": module loggers
(``logging.getLogger(__name__)``) and a ``NullHandler`` on the top-level package loggers; the
CLI (``qnet_cli``) is an application and may print.
"""

from __future__ import annotations

import ast
import logging
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
LIBRARIES = ("qnet_core", "channels", "protocols")
SOURCES = sorted(p for lib in LIBRARIES for p in (ROOT / lib).rglob("*.py"))


def _calls(path: pathlib.Path, name: str):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == name) or (isinstance(f, ast.Attribute) and f.attr == name):
                yield node


def test_sources_were_found():
    assert len(SOURCES) > 20


def test_library_code_never_prints():
    offenders = [f"{p.relative_to(ROOT)}:{c.lineno}" for p in SOURCES for c in _calls(p, "print")
                 if isinstance(c.func, ast.Name)]
    assert not offenders, f"print() in library code (use logging.getLogger(__name__)): {offenders}"


def test_deprecation_warnings_name_their_category_and_stacklevel():
    bad = []
    for p in SOURCES:
        for c in _calls(p, "warn"):
            kw = {k.arg for k in c.keywords}
            if len(c.args) < 2 or "stacklevel" not in kw:
                bad.append(f"{p.relative_to(ROOT)}:{c.lineno}")
    assert not bad, f"warnings.warn without a category and stacklevel: {bad}"


@pytest.mark.parametrize("package", LIBRARIES)
def test_top_level_loggers_have_a_null_handler(package):
    __import__(package)
    assert any(isinstance(h, logging.NullHandler) for h in logging.getLogger(package).handlers)
