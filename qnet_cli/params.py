"""Typed parameter specifications shared by the command line and scenario files.

Every physical option of a ``qnet`` command is one :class:`Param`. The same spec builds the
``argparse`` option (``--detector-efficiency``) and validates the scenario-file key
(``detector_efficiency``), so a value is checked identically wherever it comes from and every
error names the field, the value and what is allowed.

>>> p = Param("misalignment", "float", 0.01, "optical misalignment error", lo=0.0, hi=0.5)
>>> p.coerce("0.02", "qnet keyrate")
0.02
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib
import inspect
import math
import numbers
from dataclasses import dataclass

import numpy as np

from qnet_core.errors import ScenarioError

__all__ = ["Param", "LibraryDefault", "parse_range", "format_value", "HelpFormatter"]

_KINDS = ("float", "int", "choice", "range", "seed")

#: Most values one ``START:STOP:STEP`` range may expand to.
MAX_RANGE_POINTS = 1_000_000


def _short(v, limit: int = 60) -> str:
    """``repr(v)``, cut to ``limit`` characters (a huge value in a one-line error message)."""
    r = repr(v)
    return r if len(r) <= limit else r[:limit - 3] + "..."


def format_value(v) -> str:
    """Text form of a value in CSV files and tables (``repr`` of floats, ``inf``, ``none`` for None).

    Parameters
    ----------
    v : object
        None, bool, integer, real number or anything with ``str``.

    Returns
    -------
    str
        ``"none"`` for None (not set), ``"true"``/``"false"`` for bools, the decimal integer,
        ``repr`` of a finite float (``"nan"``, ``"inf"``, ``"-inf"`` otherwise), else ``str(v)``;
        never empty for a value (see :mod:`qnet_cli.output`).

    Examples
    --------
    >>> [format_value(v) for v in (None, float("inf"), 0.5, True)]
    ['none', 'inf', '0.5', 'true']
    """
    t = type(v)
    if t is float:  # fast paths for the common exact types (millions of cells in big tables)
        return repr(v) if v - v == 0.0 else ("nan" if v != v else ("inf" if v > 0 else "-inf"))
    if t is str:
        return v
    if t is int:
        return str(v)
    if v is None:
        return "none"
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (numbers.Integral,)):
        return str(int(v))
    if isinstance(v, (numbers.Real, np.floating)):
        f = float(v)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return repr(f)
    return str(v)


def _to_float(value, where: str, key: str) -> float:
    if isinstance(value, bool):
        raise ScenarioError(f"{where}: {key}={_short(value)} is not a number")
    if isinstance(value, (numbers.Real, np.floating)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise ScenarioError(f"{where}: {key}={_short(value)} is not a number")


def parse_range(value, where: str = "", key: str = "distance") -> list[float]:
    """Parse ``START:STOP:STEP`` (STOP included), a single number or a list of numbers.

    Parameters
    ----------
    value : str, float or list of float
        ``"START:STOP:STEP"`` (finite, STOP >= START, STEP > 0, at most 1e6 points), a
        number (or its text) or a non-empty list of numbers.
    where : str, default ""
        Location (option or scenario file) prefixed to error messages.
    key : str, default "distance"
        Parameter name used in error messages.

    Returns
    -------
    list of float
        The values; a range's points are rounded to 12 decimals.

    Examples
    --------
    >>> parse_range("0:20:10")
    [0.0, 10.0, 20.0]
    """
    if isinstance(value, (list, tuple)):
        if not value:
            raise ScenarioError(f"{where}: {key}=[] is empty; give at least one value")
        return [_to_float(v, where, key) for v in value]
    if isinstance(value, str) and ":" in value:
        parts = value.split(":")
        if len(parts) != 3:
            raise ScenarioError(f"{where}: {key}={_short(value)} is not START:STOP:STEP (three numbers separated by "
                                "':')")
        try:
            start, stop, step = (float(p) for p in parts)
        except ValueError:
            raise ScenarioError(f"{where}: {key}={_short(value)} is not START:STOP:STEP "
                                "(three numbers separated by ':')") from None
        if not all(math.isfinite(x) for x in (start, stop, step)) or step <= 0 or stop < start:
            raise ScenarioError(f"{where}: {key}={_short(value)} needs finite START <= STOP and STEP > 0")
        span = (stop - start) / step  # overflows to inf for e.g. 0:1e300:1e-300
        n = int(math.floor(span + 1e-9)) + 1 if math.isfinite(span) else None
        if n is None or n > MAX_RANGE_POINTS:
            raise ScenarioError(f"{where}: {key}={_short(value)} has {'more than 1e308' if n is None else n} points; "
                                f"at most {MAX_RANGE_POINTS} allowed")
        return [round(start + i * step, 12) for i in range(n)]
    return [_to_float(value, where, key)]


@functools.lru_cache(maxsize=None)
def _library_default(module: str, owner: str, name: str):
    obj = getattr(importlib.import_module(module), owner)
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            if f.name == name and f.default is not dataclasses.MISSING:
                return f.default
        raise KeyError(f"{owner}.{name} has no default")
    default = inspect.signature(obj).parameters[name].default
    if default is inspect.Parameter.empty:
        raise KeyError(f"{owner}({name}=...) has no default")
    return default


@dataclass(frozen=True, slots=True)
class LibraryDefault:
    """A default that the library defines: a dataclass field's or a keyword argument's default.

    The command line takes such defaults from the library (one source of truth), importing
    the module only when the value is needed (running the command, or its ``--help``), so that
    e.g. ``qnet keyrate`` does not import the repeater-chain kernels.

    Examples
    --------
    >>> LibraryDefault("protocols.qkd.finite_key", "finite_key_curve", "eps_sec").value()
    1e-10
    """

    module: str
    owner: str
    name: str

    def value(self):
        """The library's default (the module is imported on first use, then cached).

        Returns
        -------
        object
            The default value of the library parameter.
        """
        return _library_default(self.module, self.owner, self.name)


class HelpFormatter(argparse.HelpFormatter):
    """Help of ``qnet`` commands: each option's default printed once, from its :class:`Param`.

    The ``(default: X)`` of an option made by :meth:`Param.add_to` is written here, when help
    is shown (so a :class:`LibraryDefault` is resolved only then). Descriptions and epilogs are
    wrapped paragraph by paragraph; lines indented by two spaces (lists) are kept as written.
    """

    def _get_help_string(self, action):
        p = getattr(action, "qnet_param", None)
        return action.help if p is None else p.help_text().replace("%", "%%")

    def _fill_text(self, text, width, indent):
        out = []
        for block in text.split("\n"):
            if block.startswith("  ") or not block.strip():
                out.append(indent + block)
            else:
                out.append(super()._fill_text(block, width, indent))
        return "\n".join(out)


@dataclass(frozen=True, slots=True)
class Param:
    """One option of a command.

    Parameters
    ----------
    name : str
        Option name with dashes (``detector-efficiency``); the scenario key uses underscores.
    kind : {"float", "int", "choice", "range", "seed"}
        ``range`` accepts ``START:STOP:STEP``, a number or (in TOML) a list of numbers.
    default
        Value when the option is absent (None = not set), or a :class:`LibraryDefault`.
    help : str
        What the option is; ``(default: X)`` is appended once, when help is shown.
    lo, hi : float or None
        Bounds; ``lo_open``/``hi_open`` make them strict.
    allow_inf : bool
        Whether ``inf`` is accepted (e.g. memory times).
    choices : tuple of str
        Allowed values for ``choice``; ``none_ok`` adds "none" (maps to None).
    shown_default : str or LibraryDefault, optional
        What help shows as the default instead of ``default`` (e.g. ``"optimized per
        distance"`` for an option whose absence means something).
    """

    name: str
    kind: str
    default: object
    help: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    allow_inf: bool = False
    choices: tuple = ()
    none_ok: bool = False
    metavar: str | None = None
    cli: bool = False
    shown_default: object = None

    def default_value(self):
        """The default: ``default``, or the library's value for a :class:`LibraryDefault`.

        Returns
        -------
        object
            The resolved default.
        """
        d = self.default
        return d.value() if isinstance(d, LibraryDefault) else d

    def help_text(self) -> str:
        """``help`` with the default appended once: ``"... (default: X)"``.

        Returns
        -------
        str
            The help sentence; X is ``shown_default``, else the (library) default as typed on
            the command line (``none`` when not set).
        """
        shown = self.shown_default
        if isinstance(shown, LibraryDefault):
            shown = format_value(shown.value())
        if shown is None:
            d = self.default_value()
            shown = ":".join(format_value(x) for x in d) if isinstance(d, list) else format_value(d)
        return f"{self.help} (default: {shown})"

    @property
    def key(self) -> str:
        """Scenario-file key and result column: the name with underscores."""
        return self.name.replace("-", "_")

    def allowed(self) -> str:
        """Human description of the allowed values.

        Returns
        -------
        str
            E.g. ``"one of a, b"``, ``"an integer >= 0"`` or ``"a number"`` plus the bounds.
        """
        if self.kind == "choice":
            c = list(self.choices) + (["none"] if self.none_ok else [])
            return "one of " + ", ".join(c)
        if self.kind == "seed":
            return "an integer >= 0"
        if self.kind == "range":
            return "START:STOP:STEP, a number or a list of numbers" + self._bounds()
        what = "an integer" if self.kind == "int" else "a number"
        return what + self._bounds()

    def _bounds(self) -> str:
        parts = []
        if self.lo is not None:
            parts.append(f"{'>' if self.lo_open else '>='} {format_value(self.lo)}")
        if self.hi is not None:
            parts.append(f"{'<' if self.hi_open else '<='} {format_value(self.hi)}")
        txt = (" " + " and ".join(parts)) if parts else ""
        return txt + (" (inf allowed)" if self.allow_inf else "")

    def _fail(self, value, where: str):
        if self.cli:
            text = value if not isinstance(value, str) or len(value) <= 60 else value[:57] + "..."
            shown = f"--{self.name}={text}" if isinstance(value, str) else f"--{self.name}={_short(value)}"
        else:
            shown = f"{self.key}={_short(value)}"
        raise ScenarioError(f"{where}: {shown} is not allowed; use {self.allowed()}")

    def _check_number(self, v: float, value, where: str) -> float:
        if math.isnan(v) or (math.isinf(v) and not self.allow_inf):
            self._fail(value, where)
        if self.lo is not None and (v < self.lo or (self.lo_open and v == self.lo)):
            self._fail(value, where)
        if self.hi is not None and not math.isinf(v) and (v > self.hi or (self.hi_open and v == self.hi)):
            self._fail(value, where)
        return v

    def for_cli(self) -> "Param":
        """The same spec, naming the value ``--name`` (not ``key``) in its errors.

        Returns
        -------
        Param
            A copy with ``cli=True``.
        """
        import dataclasses

        return dataclasses.replace(self, cli=True)

    def coerce(self, value, where: str):
        """Validate and convert ``value`` (str from argv, or a TOML value); raise ScenarioError.

        Parameters
        ----------
        value : str, int, float, list or None
            Raw value; None passes through as None.
        where : str
            Location (option or scenario file) prefixed to error messages.

        Returns
        -------
        str, int, float, list of float or None
            By ``kind``: the choice (None for "none"), an int, a float, or the list of a range.
        """
        if value is None:
            return None
        k = self.kind
        if k == "choice":
            if isinstance(value, str):
                if self.none_ok and value.lower() == "none":
                    return None
                if value in self.choices:
                    return value
            self._fail(value, where)
        if k == "range":
            vals = parse_range(value, where, f"--{self.name}" if self.cli else self.key)
            for v in vals:
                self._check_number(v, value, where)
            return vals
        if k in ("int", "seed"):
            if isinstance(value, bool):
                self._fail(value, where)
            if isinstance(value, str):
                try:
                    value_i = int(value.strip())
                except ValueError:
                    self._fail(value, where)
            elif isinstance(value, numbers.Integral):
                value_i = int(value)
            else:
                self._fail(value, where)
            if k == "seed":
                if value_i < 0:
                    self._fail(value, where)
                return value_i
            self._check_number(float(value_i), value, where)
            return value_i
        if k == "float":
            try:
                v = _to_float(value, where, f"--{self.name}" if self.cli else self.key)
            except ScenarioError:
                self._fail(value, where)
            return self._check_number(v, value, where)
        raise AssertionError(f"unknown parameter kind {k!r}")

    def add_to(self, parser) -> None:
        """Add ``--name`` to an argparse parser (value kept as text; validated by :meth:`coerce`).

        Parameters
        ----------
        parser : argparse.ArgumentParser
            Parser (or sub-parser) that gets the option, with ``dest=key`` and default None; give
        it ``formatter_class=HelpFormatter`` so that help shows the default.
        """
        metavar = self.metavar or ("{" + ",".join(self.choices + (("none",) if self.none_ok else ())) + "}"
                                   if self.kind == "choice" else
                                   "START:STOP:STEP" if self.kind == "range" else
                                   "N" if self.kind in ("int", "seed") else "X")
        action = parser.add_argument("--" + self.name, dest=self.key, default=None, metavar=metavar, help=self.help)
        action.qnet_param = self  # HelpFormatter appends the default, resolved when help is shown
