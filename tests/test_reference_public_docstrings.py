"""Every public function and method documents its Parameters and Returns (numpydoc style).

Walks ``qnet_core``, ``channels``, ``protocols`` (with its subpackages) and ``qnet_cli``; for
each public module (no path component starting with ``_``) it takes the names in
``__all__`` -- the package ``__init__`` re-exports included, counted once by object id --
and checks:

* functions and the public methods of classes defined in the package: a summary line, a
  ``Parameters`` section (underlined with dashes) when the callable takes arguments other
  than ``self``/``cls``, and a ``Returns`` (or ``Yields``) section unless it returns
  ``None`` (annotated ``-> None``, or, unannotated, its body has no ``return <value>``);
* classes: a summary line;
* properties: a summary line.

Deprecated aliases (whose docstring says "deprecated") are exempt. The test fails with the
full list of offenders.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import textwrap
import warnings

PACKAGES = ("qnet_core", "channels", "protocols", "qnet_cli")


def _public_modules():
    for name in PACKAGES:
        pkg = importlib.import_module(name)
        yield pkg
        for info in pkgutil.walk_packages(pkg.__path__, prefix=name + "."):
            if any(part.startswith("_") for part in info.name.split(".")):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield importlib.import_module(info.name)


def _is_ours(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return module.split(".")[0] in PACKAGES


def _section(doc: str, *titles: str) -> bool:
    return any(re.search(rf"^\s*{t}\s*\n\s*-{{3,}}\s*$", doc, flags=re.M) for t in titles)


def _body_returns_value(func) -> bool | None:
    """True/False: whether the source has ``return <value>`` or ``yield``; None if unknown."""
    try:
        source = textwrap.dedent(inspect.getsource(func))
        tree = ast.parse(source)
    except (OSError, TypeError, SyntaxError):
        return None
    top = tree.body[0]
    found = False

    def visit(node):
        nonlocal found
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue  # a nested scope's returns are not this function's
            if isinstance(child, ast.Return) and child.value is not None:
                if not (isinstance(child.value, ast.Constant) and child.value.value is None):
                    found = True
            if isinstance(child, (ast.Yield, ast.YieldFrom)):
                found = True
            visit(child)

    visit(top)
    return found


def _returns_none(func) -> bool:
    try:
        ann = inspect.signature(func).return_annotation
    except (TypeError, ValueError):
        ann = inspect.Signature.empty
    if ann is not inspect.Signature.empty:
        return ann is None or ann == "None"
    value = _body_returns_value(func)
    return value is False


def _takes_parameters(func, bound: bool) -> bool:
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return False
    if bound and params and params[0].name in ("self", "cls"):
        params = params[1:]
    return bool(params)


def _check_callable(func, qualname: str, problems: list[str], bound: bool = False) -> None:
    doc = inspect.getdoc(func) or ""
    if "deprecated" in doc.lower():
        return
    if not doc.strip():
        problems.append(f"{qualname}: no docstring")
        return
    missing = []
    if _takes_parameters(func, bound) and not _section(doc, "Parameters", "Other Parameters"):
        missing.append("Parameters")
    if not _returns_none(func) and not _section(doc, "Returns", "Yields"):
        missing.append("Returns")
    if missing:
        problems.append(f"{qualname}: missing {'/'.join(missing)}")


def _check_class(cls, qualname: str, problems: list[str]) -> None:
    doc = inspect.getdoc(cls) or ""
    if "deprecated" in doc.lower():
        return
    if not doc.strip() or doc is inspect.getdoc(object):
        problems.append(f"{qualname}: no class docstring")
    for name, attr in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(attr, property):
            if not (attr.__doc__ or "").strip():
                problems.append(f"{qualname}.{name}: property without docstring")
            continue
        bound = True
        if isinstance(attr, staticmethod):
            attr, bound = attr.__func__, False
        elif isinstance(attr, classmethod):
            attr = attr.__func__
        if inspect.isfunction(attr):
            _check_callable(attr, f"{qualname}.{name}", problems, bound=bound)


def _collect_problems() -> list[str]:
    problems: list[str] = []
    seen: set[int] = set()
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if obj is None or id(obj) in seen or inspect.ismodule(obj) or not _is_ours(obj):
                continue
            seen.add(id(obj))
            qualname = getattr(obj, "__qualname__", name)
            qualname = f"{obj.__module__}.{name if '<locals>' in qualname else qualname}"
            if inspect.isclass(obj):
                _check_class(obj, qualname, problems)
            elif inspect.isfunction(obj):
                _check_callable(obj, qualname, problems)
    return sorted(problems)


def test_public_docstrings_have_parameters_and_returns():
    problems = _collect_problems()
    assert not problems, f"{len(problems)} public callables lack numpydoc sections:\n" + "\n".join(problems)
