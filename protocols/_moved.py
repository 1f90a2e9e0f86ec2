"""Old module paths of ``protocols`` that still import, with a DeprecationWarning (private).

``protocols`` was flat until version 0.2; its modules now live in the domain subpackages
``entanglement``, ``qkd`` and ``repeaters``. ``import protocols.swapping`` keeps working for one
release: a finder placed last on :data:`sys.meta_path` (so it is asked only when no real module
of that name exists) hands back the moved module under its old name and warns once per path.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings

__all__: list[str] = []


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, old: str, new: str):
        self.old, self.new = old, new

    def create_module(self, spec):
        warnings.warn(f"{self.old} moved to {self.new}; import it from there (or its names from "
                      f"'protocols'): the old path goes away in the next release",
                      DeprecationWarning, stacklevel=2)
        return importlib.import_module(self.new)

    def exec_module(self, module):
        """The target module ran when it was imported; nothing left to do."""


class _MovedModuleFinder(importlib.abc.MetaPathFinder):
    def __init__(self, package: str, moved: dict[str, str]):
        self.package, self.moved = package, moved

    def find_spec(self, fullname, path=None, target=None):
        head, _, short = fullname.rpartition(".")
        if head != self.package or short not in self.moved:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(fullname, f"{self.package}.{self.moved[short]}"))


def install(package: str, moved: dict[str, str]) -> None:
    """Let ``package.OLD`` import ``package.NEW`` for every ``OLD: NEW`` in ``moved``."""
    if not any(isinstance(f, _MovedModuleFinder) and f.package == package for f in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder(package, moved))
