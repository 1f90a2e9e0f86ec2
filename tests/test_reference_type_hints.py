"""Every public function and method of the libraries annotates its parameters and its return.

PEP 484 / PEP 561 (the packages ship ``py.typed``): walks each package's ``__all__`` (and the
public modules' ``__all__``), like the docstring test; ``self``/``cls``, ``*args`` and
``**kwargs`` are exempt, as is the return of ``__init__``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import warnings

PACKAGES = ("qnet_core", "channels", "protocols")


def _modules():
    for name in PACKAGES:
        pkg = importlib.import_module(name)
        yield pkg
        for info in pkgutil.walk_packages(pkg.__path__, prefix=name + "."):
            if any(part.startswith("_") for part in info.name.split(".")):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield importlib.import_module(info.name)


def _ours(obj) -> bool:
    return (getattr(obj, "__module__", None) or "").split(".")[0] in PACKAGES


def _callables():
    for module in _modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if inspect.isfunction(obj):
                yield name, obj
            elif inspect.isclass(obj) and _ours(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    if isinstance(member, (staticmethod, classmethod)):
                        member = member.__func__
                    elif isinstance(member, property):
                        member = member.fget
                    if inspect.isfunction(member):
                        yield f"{name}.{attr}", member


def test_public_functions_are_annotated():
    missing, seen = [], set()
    for label, func in _callables():
        func = inspect.unwrap(func)
        if id(func) in seen or not _ours(func):
            continue
        seen.add(id(func))
        ann = func.__annotations__
        params = [p.name for p in inspect.signature(func).parameters.values()
                  if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in ("self", "cls")]
        gaps = [p for p in params if p not in ann]
        if "return" not in ann and func.__name__ != "__init__":
            gaps.append("return")
        if gaps:
            missing.append(f"{func.__module__}.{label}: {', '.join(gaps)}")
    assert len(seen) > 100
    assert not missing, "unannotated:\n" + "\n".join(missing)
