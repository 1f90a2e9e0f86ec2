"""Scenario files: a command, fixed parameters and a grid or list of points to sweep (TOML).

Format (every key optional except ``command``)::

    command = "keyrate"        # keyrate | chain | purify | swap | teleport
    seed = 1                   # root seed (integer >= 0); point i gets child seed i
    description = "free text"

    [parameters]               # fixed values; keys are the command's options with '_' for '-'
    distance = "0:300:10"      # (qnet keyrate --distance 0:300:10)
    detector_efficiency = 0.1

    [grid]                     # Cartesian product; each value a list, or "START:STOP:STEP"
    protocol = ["bb84", "bb84-decoy"]

    # or, instead of [grid], an explicit list of points:
    # [[points]]
    # protocol = "bb84"
    # mu = 0.5

Every field is validated when the file is loaded, with an error naming the file, the table,
the field, the value and what is allowed. Points are ordered as ``itertools.product`` over
the grid keys in file order (last key fastest). A grid is counted with Python integers before
any value is converted (at most ``MAX_POINTS``; the error names the count) and its points
are generated on demand, never all held in memory. Files that are not UTF-8, larger than
``MAX_SCENARIO_BYTES``, nested too deeply for the TOML parser, or with dotted keys of more
than 32 parts (which the parser handles in quadratic time) are refused in one line.

>>> s = parse_scenario({"command": "swap", "grid": {"fidelity": [0.9, 0.95]}}, "s.toml")
>>> [pt.swept for pt in s.points]
[{'fidelity': 0.9}, {'fidelity': 0.95}]
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import numbers
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from qnet_core.errors import ScenarioError

from .output import to_json_value
from .params import parse_range
from .tasks import COMMANDS, SWEEPABLE

__all__ = ["Scenario", "Point", "Points", "load_scenario", "parse_scenario", "MAX_POINTS"]

TOP_KEYS = ("command", "seed", "description", "parameters", "grid", "points")
MAX_POINTS = 1_000_000
MAX_SCENARIO_BYTES = 64 * 2**20

# tomllib takes quadratic time in the number of parts of a dotted key (``a.a.a... = 1``: 66 s
# for 40000 parts), so such keys are refused first; the scan is linear (possessive, anchored).
_MAX_KEY_PARTS = 32
_DEEP_KEY = re.compile(r"""(?<![\w"'-])(?:(?:[\w-]++|"[^"\n]*+"|'[^'\n]*+')\s*+\.\s*+){%d}""" % _MAX_KEY_PARTS)


@dataclass(frozen=True)
class Point:
    """One sweep point: its index, the swept values, the full parameters and a stable id."""

    index: int
    swept: dict
    params: dict
    point_id: str


@dataclass(frozen=True)
class Scenario:
    """A validated scenario."""

    path: str
    command: str
    seed: int
    description: str
    fixed: dict
    swept_keys: tuple
    points: "Points"

    def point_seed(self, index: int):
        """Child seed sequence of point ``index`` (depends only on ``seed`` and ``index``).

        Parameters
        ----------
        index : int
            Point index, ``0 <= index < len(points)``.

        Returns
        -------
        numpy.random.SeedSequence
            Equal to ``point_seeds()[index]`` without building the others.
        """
        root = np.random.SeedSequence(self.seed)
        return np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (int(index),))

    def point_seeds(self):
        """Child seed sequence of every point (depends only on ``seed`` and the point index).

        Returns
        -------
        list of numpy.random.SeedSequence
            One per point, in point order (:func:`qnet_core.random.spawn_seeds`).
        """
        from qnet_core.random import spawn_seeds

        return spawn_seeds(self.seed, len(self.points))


def load_scenario(path: str) -> Scenario:
    """Read and validate a scenario TOML file; raise ScenarioError with a one-line message.

    Parameters
    ----------
    path : str
        Path of the TOML file.

    Returns
    -------
    Scenario
        The validated scenario; its points are generated on demand (:class:`Points`).
    """
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_SCENARIO_BYTES + 1)
    except FileNotFoundError:
        raise ScenarioError(f"scenario file {path!r} does not exist") from None
    except IsADirectoryError:
        raise ScenarioError(f"scenario file {path!r} is a directory") from None
    except OSError as e:
        raise ScenarioError(f"cannot read scenario file {path!r}: {e.strerror or e}") from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{path}: the scenario file is larger than {MAX_SCENARIO_BYTES} bytes; "
                            "use a [grid] instead of listing every point")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(f"{path}: not a UTF-8 text file (byte 0x{raw[e.start]:02x} at offset {e.start}); "
                            "a scenario is a TOML file") from None
    if text.count(".") >= _MAX_KEY_PARTS and _DEEP_KEY.search(text):
        raise ScenarioError(f"{path}: invalid scenario: a dotted key or table name has more than {_MAX_KEY_PARTS} "
                            "parts")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: invalid TOML: {e}") from None
    except RecursionError:
        raise ScenarioError(f"{path}: invalid scenario: tables or arrays nested too deeply") from None
    return parse_scenario(data, path)


def _type_name(v) -> str:
    return {dict: "a table", list: "an array", str: "a string", bool: "a boolean", int: "an integer",
            float: "a number"}.get(type(v), type(v).__name__)


def parse_scenario(data: dict, path: str = "<scenario>") -> Scenario:
    """Validate a parsed TOML document (a dict) into a :class:`Scenario`.

    Parameters
    ----------
    data : dict
        The TOML document, e.g. from :func:`tomllib.load`.
    path : str, default "<scenario>"
        File name used in error messages.

    Returns
    -------
    Scenario
        The validated scenario; its points are generated on demand (:class:`Points`).
    """
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        raise ScenarioError(f"{path}: unknown top-level key {unknown[0]!r}; allowed: {', '.join(TOP_KEYS)}")
    if "command" not in data:
        raise ScenarioError(f"{path}: missing 'command'; allowed: {', '.join(SWEEPABLE)}")
    name = data["command"]
    if name not in SWEEPABLE:
        raise ScenarioError(f"{path}: command={_short(name)} is not allowed; use one of {', '.join(SWEEPABLE)}")
    cmd = COMMANDS[name]
    seed_param = cmd.param("seed")
    seed = seed_param.coerce(data.get("seed", 0), path)
    desc = data.get("description", "")
    if not isinstance(desc, str):
        raise ScenarioError(f"{path}: description={_short(desc)} must be a string")

    def param_of(key, where):
        if key == "seed":
            raise ScenarioError(f"{where}: 'seed' is set at the top level of the file (seed = N), not here")
        try:
            return cmd.param(key)
        except KeyError:
            allowed = ", ".join(k for k in cmd.keys() if k != "seed")
            raise ScenarioError(f"{where}: unknown parameter {key!r} for command {name!r}; allowed: {allowed}") \
                from None

    fixed_raw = data.get("parameters", {})
    if not isinstance(fixed_raw, dict):
        raise ScenarioError(f"{path}: 'parameters' must be a table ([parameters]), got {_type_name(fixed_raw)}")
    fixed = {}
    for k, v in fixed_raw.items():
        where = f"{path}: [parameters]"
        fixed[k] = param_of(k, where).coerce(v, where)

    grid = data.get("grid")
    plist = data.get("points")
    if grid is not None and plist is not None:
        raise ScenarioError(f"{path}: give either [grid] or [[points]], not both")
    swept_keys: list[str] = []
    axes: list[list] | None = None
    swept_rows: list[dict] | None = None
    if grid is not None:
        if not isinstance(grid, dict):
            raise ScenarioError(f"{path}: 'grid' must be a table ([grid]), got {_type_name(grid)}")
        raw_axes = []
        for k, v in grid.items():
            where = f"{path}: [grid]"
            p = param_of(k, where)
            if k in fixed:
                raise ScenarioError(f"{where}: {k!r} is also in [parameters]; give it in one place")
            if isinstance(v, str) and ":" in v and p.kind in ("float", "int", "range"):
                vals = parse_range(v, where, k)
                if p.kind == "int":
                    vals = [int(x) if float(x).is_integer() else x for x in vals]
            elif isinstance(v, list):
                vals = v
            else:
                raise ScenarioError(f"{where}: {k}={_short(v)} must be a non-empty array of values or "
                                    "'START:STOP:STEP'")
            if not vals:
                raise ScenarioError(f"{where}: {k}=[] is empty; give at least one value")
            raw_axes.append((p, vals))
            swept_keys.append(k)
        # Count with Python ints before converting any value (np.prod wrapped 65536**4 to 0).
        n = math.prod(len(vals) for _, vals in raw_axes)
        if n > MAX_POINTS:
            sizes = " x ".join(f"{k}={len(vals)}" for k, (_, vals) in zip(swept_keys, raw_axes))
            raise ScenarioError(f"{path}: [grid] has {n} points ({sizes}); at most {MAX_POINTS} allowed")
        axes = [[p.coerce(x, f"{path}: [grid]") for x in vals] for p, vals in raw_axes]
    elif plist is not None:
        if not isinstance(plist, list) or not plist or not all(isinstance(x, dict) for x in plist):
            raise ScenarioError(f"{path}: 'points' must be a non-empty array of tables ([[points]])")
        if len(plist) > MAX_POINTS:
            raise ScenarioError(f"{path}: {len(plist)} points; at most {MAX_POINTS} allowed")
        swept_rows = []
        for i, pt in enumerate(plist):
            where = f"{path}: [[points]] #{i + 1}"
            row = {}
            for k, v in pt.items():
                if k in fixed:
                    raise ScenarioError(f"{where}: {k!r} is also in [parameters]; give it in one place")
                row[k] = param_of(k, where).coerce(v, where)
                if k not in swept_keys:
                    swept_keys.append(k)
            swept_rows.append(row)
    else:
        swept_rows = [{}]

    base = dict(cmd.defaults())
    base.update(fixed)
    base["seed"] = seed
    points = Points(name, seed, base, tuple(swept_keys), axes=axes, rows=swept_rows)
    return Scenario(path, name, seed, desc, fixed, tuple(swept_keys), points)


class Points(Sequence):
    """The points of a scenario, each built when it is asked for.

    A grid is kept as its axes: point ``i`` is the mixed-radix digit ``i`` of
    ``itertools.product`` over the axes (last key fastest), so a grid of a million points
    costs no memory until its points are used, and iteration is lazy.

    Parameters
    ----------
    command : str
        Scenario command.
    seed : int
        Scenario seed.
    base : dict
        Defaults and fixed parameters, with ``seed``.
    keys : tuple of str
        Swept keys in file order.
    axes : list of list, optional
        Converted values of each grid axis (a grid scenario).
    rows : list of dict, optional
        The swept values of each point (a ``[[points]]`` scenario, or ``[{}]``).
    """

    def __init__(self, command: str, seed: int, base: dict, keys: tuple, axes=None, rows=None):
        self._command, self._seed, self._base, self._keys = command, seed, base, keys
        self._axes, self._rows = axes, rows
        self._n = math.prod(len(a) for a in axes) if axes is not None else len(rows)

    def __len__(self) -> int:
        return self._n

    def __repr__(self) -> str:
        return f"<{self._n} points of {self._command!r}>"

    def __iter__(self):
        combos = itertools.product(*self._axes) if self._axes is not None else iter(self._rows)
        for i, combo in enumerate(combos):
            yield self._point(i, dict(zip(self._keys, combo)) if self._axes is not None else combo)

    def distinct_params(self, ignore=()):
        """One ``(index, params)`` per distinct combination of the swept values not in ``ignore``.

        For checks that do not depend on the ignored keys (a chain's ``trials``): a grid yields
        the product of its other axes only, each with the index of its first point.

        Parameters
        ----------
        ignore : sequence of str
            Swept keys whose values do not matter.

        Returns
        -------
        iterator of (int, dict)
            Point index and full parameters (defaults, fixed and swept values, ``seed``).
        """
        if self._axes is None:
            seen = set()
            for i, sw in enumerate(self._rows):
                key = tuple(sorted((k, repr(v)) for k, v in sw.items() if k not in ignore))
                if key not in seen:
                    seen.add(key)
                    yield i, self._params(sw)
            return
        axes = [a if k not in ignore else a[:1] for k, a in zip(self._keys, self._axes)]
        strides = [math.prod(len(a) for a in self._axes[j + 1:]) for j in range(len(self._axes))]
        for digits in itertools.product(*(range(len(a)) for a in axes)):
            sw = {k: a[d] for k, a, d in zip(self._keys, axes, digits)}
            yield sum(d * st for d, st in zip(digits, strides)), self._params(sw)

    def _params(self, sw: dict) -> dict:
        params = dict(self._base)
        params.update(sw)
        params["seed"] = self._seed
        return params

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        if not isinstance(i, numbers.Integral):
            raise TypeError(f"point indices are integers, not {type(i).__name__}")
        i = int(i) + (self._n if i < 0 else 0)
        if not 0 <= i < self._n:
            raise IndexError(f"point index {i} out of range (0..{self._n - 1})")
        if self._axes is None:
            return self._point(i, self._rows[i])
        sw, rest = {}, i
        for k, axis in zip(reversed(self._keys), reversed(self._axes)):
            rest, digit = divmod(rest, len(axis))
            sw[k] = axis[digit]
        return self._point(i, {k: sw[k] for k in self._keys})

    def _point(self, i: int, sw: dict) -> Point:
        params = self._params(sw)
        return Point(i, {k: _flat(sw.get(k)) for k in self._keys}, params,
                     _point_id(self._command, params, self._seed, i))


def _short(v, limit: int = 60) -> str:
    """``repr(v)``, cut to ``limit`` characters (a huge or deeply nested value in an error message)."""
    r = repr(v)
    return r if len(r) <= limit else r[:limit - 3] + "..."


def _flat(v):
    """A swept value as one table cell: a one-element distance list becomes its number."""
    if isinstance(v, list):
        return v[0] if len(v) == 1 else ":".join(str(x) for x in v)
    return v


def _point_id(command: str, params: dict, seed: int, index: int) -> str:
    """Stable 16-hex digest of everything that determines a point's result.

    Options added to a command later (``tasks.LATER_OPTIONS``) count only when set, so the
    files of older sweeps keep their ids and resume.
    """
    from .tasks import LATER_OPTIONS

    params = {k: v for k, v in params.items() if not (v is None and k in LATER_OPTIONS)}
    blob = json.dumps({"command": command, "params": to_json_value(params), "inf": sorted(
        k for k, v in params.items() if isinstance(v, float) and v == float("inf")), "seed": seed, "index": index},
        sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
