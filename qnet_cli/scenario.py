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
the grid keys in file order (last key fastest).

>>> s = parse_scenario({"command": "swap", "grid": {"fidelity": [0.9, 0.95]}}, "s.toml")
>>> [pt.swept for pt in s.points]
[{'fidelity': 0.9}, {'fidelity': 0.95}]
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import tomllib
from dataclasses import dataclass

import numpy as np

from qnet_core.errors import ScenarioError

from .output import to_json_value
from .params import parse_range
from .tasks import COMMANDS, SWEEPABLE

__all__ = ["Scenario", "Point", "load_scenario", "parse_scenario", "MAX_POINTS"]

TOP_KEYS = ("command", "seed", "description", "parameters", "grid", "points")
MAX_POINTS = 1_000_000


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
    points: tuple

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
        The validated scenario, with its grid of points expanded.
    """
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ScenarioError(f"scenario file {path!r} does not exist") from None
    except IsADirectoryError:
        raise ScenarioError(f"scenario file {path!r} is a directory") from None
    except OSError as e:
        raise ScenarioError(f"cannot read scenario file {path!r}: {e.strerror}") from None
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: invalid TOML: {e}") from None
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
        The validated scenario, with its grid of points expanded.
    """
    unknown = [k for k in data if k not in TOP_KEYS]
    if unknown:
        raise ScenarioError(f"{path}: unknown top-level key {unknown[0]!r}; allowed: {', '.join(TOP_KEYS)}")
    if "command" not in data:
        raise ScenarioError(f"{path}: missing 'command'; allowed: {', '.join(SWEEPABLE)}")
    name = data["command"]
    if name not in SWEEPABLE:
        raise ScenarioError(f"{path}: command={name!r} is not allowed; use one of {', '.join(SWEEPABLE)}")
    cmd = COMMANDS[name]
    seed_param = cmd.param("seed")
    seed = seed_param.coerce(data.get("seed", 0), path)
    desc = data.get("description", "")
    if not isinstance(desc, str):
        raise ScenarioError(f"{path}: description={desc!r} must be a string")

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
    swept_rows: list[dict] = [{}]
    swept_keys: list[str] = []
    if grid is not None:
        if not isinstance(grid, dict):
            raise ScenarioError(f"{path}: 'grid' must be a table ([grid]), got {_type_name(grid)}")
        axes = []
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
                raise ScenarioError(f"{where}: {k}={v!r} must be a non-empty array of values or 'START:STOP:STEP'")
            if not vals:
                raise ScenarioError(f"{where}: {k}=[] is empty; give at least one value")
            axes.append([p.coerce(x, where) for x in vals])
            swept_keys.append(k)
        n = math.prod(len(a) for a in axes)  # Python ints: no overflow (np.prod wrapped 65536**4 to 0)
        if n > MAX_POINTS:
            sizes = " x ".join(f"{k}={len(a)}" for k, a in zip(swept_keys, axes))
            raise ScenarioError(f"{path}: [grid] has {n} points ({sizes}); at most {MAX_POINTS} allowed")
        swept_rows = [dict(zip(swept_keys, combo)) for combo in itertools.product(*axes)]
    elif plist is not None:
        if not isinstance(plist, list) or not plist or not all(isinstance(x, dict) for x in plist):
            raise ScenarioError(f"{path}: 'points' must be a non-empty array of tables ([[points]])")
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
        if len(swept_rows) > MAX_POINTS:
            raise ScenarioError(f"{path}: {len(swept_rows)} points; at most {MAX_POINTS} allowed")

    defaults = cmd.defaults()
    points = []
    for i, sw in enumerate(swept_rows):
        params = dict(defaults)
        params.update(fixed)
        params.update(sw)
        params["seed"] = seed
        points.append(Point(i, {k: _flat(sw.get(k)) for k in swept_keys}, params,
                            _point_id(name, params, seed, i)))
    return Scenario(path, name, seed, desc, fixed, tuple(swept_keys), tuple(points))


def _flat(v):
    """A swept value as one table cell: a one-element distance list becomes its number."""
    if isinstance(v, list):
        return v[0] if len(v) == 1 else ":".join(str(x) for x in v)
    return v


def _point_id(command: str, params: dict, seed: int, index: int) -> str:
    """Stable 16-hex digest of everything that determines a point's result."""
    blob = json.dumps({"command": command, "params": to_json_value(params), "inf": sorted(
        k for k, v in params.items() if isinstance(v, float) and v == float("inf")), "seed": seed, "index": index},
        sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]
