"""Result files: CSV or JSON chosen by extension, always written atomically.

A file is written to a temporary sibling, flushed to disk and renamed over the target
(:func:`os.replace` is atomic on POSIX and Windows), so an interrupted run leaves either the
previous complete file or the new complete file, never a half-written one.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import os
import tempfile

import numpy as np

from qnet_core.errors import ScenarioError

from .params import format_value

__all__ = ["FORMATS", "output_format", "write_rows", "read_rows", "to_json_value", "dumps", "atomic_write_text"]

FORMATS = (".csv", ".json")
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def output_format(path: str, option: str = "--out") -> str:
    """Return ``"csv"`` or ``"json"`` from the extension of ``path``; raise ScenarioError otherwise.

    Parameters
    ----------
    path : str
        Output or input file name; the extension (case-insensitive) must be .csv or .json.
    option : str, default "--out"
        Command-line option named in the error message.

    Returns
    -------
    str
        ``"csv"`` or ``"json"``.
    """
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise ScenarioError(f"{option}={path!r} has extension {ext or '(none)'!r}; allowed: .csv, .json")
    return ext[1:]


def to_json_value(v):
    """JSON-safe scalar: numpy types to Python, non-finite floats to None.

    Parameters
    ----------
    v : object
        Scalar, dict, list, tuple or numpy array (converted recursively); other objects are
        returned unchanged.

    Returns
    -------
    object
        bool, int, float, None, dict or list built from ``v`` (arrays and tuples become lists).
    """
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, (numbers.Real, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else None
    if isinstance(v, dict):
        return {k: to_json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, np.ndarray)):
        return [to_json_value(x) for x in v]
    return v


def dumps(obj) -> str:
    """Strict JSON text (no NaN/Infinity tokens) of ``obj``.

    Parameters
    ----------
    obj : object
        Anything :func:`to_json_value` converts to JSON types.

    Returns
    -------
    str
        Single-line JSON; non-finite floats appear as ``null``.
    """
    return json.dumps(to_json_value(obj), indent=None, allow_nan=False)


def atomic_write_text(path: str, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temporary file, fsync, rename).

    Parameters
    ----------
    path : str
        Destination file; missing parent directories are created and an existing file is
        replaced.
    text : str
        Content, written as UTF-8 without newline translation.
    """
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=d)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _columns(rows, columns=None) -> list[str]:
    cols = list(columns) if columns else []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def write_rows(path: str, rows, columns=None, meta: dict | None = None) -> None:
    """Write ``rows`` (list of flat dicts) to ``path`` as CSV or JSON ``{"rows": [...]}``.

    ``meta`` (JSON only) is stored next to the rows under ``"meta"``.

    Parameters
    ----------
    path : str
        Destination, ``.csv`` or ``.json`` (written atomically).
    rows : list of dict
        One flat dict per row.
    columns : sequence of str, optional
        Column order; keys not listed are appended in order of first appearance.
    meta : dict, optional
        Metadata, JSON output only.
    """
    fmt = output_format(path)
    cols = _columns(rows, columns)
    if fmt == "json":
        obj = {"rows": [{c: r.get(c) for c in cols} for r in rows]}
        if meta:
            obj["meta"] = meta
        atomic_write_text(path, json.dumps(to_json_value(obj), indent=1, allow_nan=False) + "\n")
        return
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([format_value(r.get(c)) for c in cols])
    atomic_write_text(path, buf.getvalue())


def _parse_cell(s: str):
    if s == "":
        return None
    if s in ("true", "false"):
        return s == "true"
    try:
        return int(s)
    except ValueError:
        pass
    try:
        return float(s)
    except ValueError:
        return s


def read_rows(path: str) -> list[dict]:
    """Read rows written by :func:`write_rows` (CSV cells parsed to int/float/bool/str).

    Parameters
    ----------
    path : str
        A ``.csv`` or ``.json`` file (ScenarioError if unreadable or malformed).

    Returns
    -------
    list of dict
        One dict per row, column name to value (empty CSV cells become None).
    """
    fmt = output_format(path, "file")
    try:
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
    except OSError as e:
        raise ScenarioError(f"cannot read {path!r}: {e.strerror}") from None
    if fmt == "json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise ScenarioError(f"{path!r} is not valid JSON: {e.msg} at line {e.lineno}") from None
        rows = obj.get("rows") if isinstance(obj, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ScenarioError(f"{path!r} has no 'rows' list of objects")
        return rows
    reader = csv.DictReader(io.StringIO(text))
    return [{k: _parse_cell(v) for k, v in r.items()} for r in reader]
