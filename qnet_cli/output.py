"""Result files: CSV or JSON chosen by extension, always written atomically.

A file is written to a temporary sibling, flushed to disk and renamed over the target
(:func:`os.replace` is atomic on POSIX and Windows), so an interrupted run leaves either the
previous complete file or the new complete file, never a half-written one.

Encoding of values (``--json`` output, ``--out`` files, sweeps), the same everywhere:

* JSON: infinity is the string ``"inf"`` (``"-inf"``), not-a-number ``"nan"``, and a value
  that is not set (e.g. ``cutoff``, ``purify`` or ``mu`` left to their default) is ``null``;
  other numbers are JSON numbers, so the text stays strict JSON (no ``Infinity`` tokens).
* CSV: ``inf``, ``-inf``, ``nan``; not set is ``none``; booleans ``true``/``false``. No cell is
  empty. Reading back (:func:`read_rows`) turns these into ``float("inf")``, ``None``, ...;
  empty CSV cells and JSON ``null`` for infinity, written by older versions, still read.

Every ``--json`` output carries ``parameters``: the effective value of every option of the
command, defaults included; ``--out`` rows carry them as columns (named ``input_X`` where
``X`` is also a result column), as do sweep rows.
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

__all__ = ["FORMATS", "output_format", "write_rows", "read_rows", "to_json_value", "dumps", "atomic_write_text",
           "check_writable", "same_file", "parse_cell", "from_json_value"]

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


def check_writable(path: str, option: str = "--out") -> None:
    """Fail before any work when ``path`` cannot be written; raise ScenarioError (one line).

    Refused: an existing directory, a path under a regular file, and a directory where a
    file cannot be created (checked by creating and removing a probe file in the nearest
    existing ancestor; missing parent directories are created only when the result is
    written).

    Parameters
    ----------
    path : str
        Output file.
    option : str, default "--out"
        Command-line option named in the error message.
    """
    if os.path.isdir(path):
        raise ScenarioError(f"{option}={path!r} is a directory; give a file name")
    if os.path.exists(path) and not os.path.isfile(path):
        raise ScenarioError(f"{option}={path!r} is not a regular file")
    d = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(d):
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    if not os.path.isdir(d):
        raise ScenarioError(f"{option}={path!r}: {d!r} is not a directory")
    try:
        fd, probe = tempfile.mkstemp(prefix=".qnet-probe.", suffix=".tmp", dir=d)
    except OSError as e:
        raise ScenarioError(f"{option}={path!r}: cannot write in {d!r} ({e.strerror or e})") from None
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        pass


def same_file(a: str, b: str) -> bool:
    """Whether the paths ``a`` and ``b`` name the same file (existing or not).

    Parameters
    ----------
    a, b : str
        File paths.

    Returns
    -------
    bool
        True for equal resolved paths or, for existing files, the same inode.
    """
    try:
        if os.path.exists(a) and os.path.exists(b):
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def _nonfinite_text(f: float) -> str:
    return "nan" if f != f else ("inf" if f > 0 else "-inf")


def to_json_value(v, nonfinite: str = "null"):
    """JSON-safe value: numpy types to Python, non-finite floats to None or to text.

    Parameters
    ----------
    v : object
        Scalar, dict, list, tuple or numpy array (converted recursively); other objects are
        returned unchanged.
    nonfinite : {"null", "text"}, default "null"
        ``"text"`` writes ``"inf"``, ``"-inf"``, ``"nan"`` (the output encoding, see the module
        docstring); ``"null"`` maps them to None (as the sweep point digests always did).

    Returns
    -------
    object
        bool, int, float, str, None, dict or list built from ``v`` (arrays and tuples become
        lists).

    Examples
    --------
    >>> to_json_value([float("inf"), None], nonfinite="text")
    ['inf', None]
    """
    text = nonfinite == "text"
    t = type(v)
    if t is float:  # fast paths for the exact built-in types
        return v if v - v == 0.0 else (_nonfinite_text(v) if text else None)
    if t is str or t is int or t is bool or v is None:
        return v
    if t is list:
        return [to_json_value(x, nonfinite) for x in v]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, (numbers.Real, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else (_nonfinite_text(f) if text else None)
    if isinstance(v, dict):
        return {k: to_json_value(x, nonfinite) for k, x in v.items()}
    if isinstance(v, (list, tuple, np.ndarray)):
        return [to_json_value(x, nonfinite) for x in v]
    return v


_NONFINITE = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def from_json_value(v):
    """Undo the output encoding of a JSON value: ``"inf"``, ``"-inf"``, ``"nan"`` to floats.

    Parameters
    ----------
    v : object
        A value from a JSON document (lists and dicts converted recursively).

    Returns
    -------
    object
        ``v`` with those three strings replaced by floats.
    """
    t = type(v)
    if t is str:
        return _NONFINITE.get(v, v)
    if t is list:
        return [from_json_value(x) for x in v]
    if t is dict:
        return {k: from_json_value(x) for k, x in v.items()}
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
        Single-line JSON; non-finite floats appear as ``"inf"``, ``"-inf"``, ``"nan"`` and
        None (not set) as ``null``.

    Examples
    --------
    >>> dumps({"cutoff": None, "memory_t1": float("inf")})
    '{"cutoff": null, "memory_t1": "inf"}'
    """
    return json.dumps(to_json_value(obj, "text"), indent=None, allow_nan=False)


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

    Notes
    -----
    Values are encoded as the module docstring says (``inf``/``"inf"``, ``none``/``null``).
    """
    fmt = output_format(path)
    cols = _columns(rows, columns)
    if fmt == "json":
        obj = {"rows": [{c: r.get(c) for c in cols} for r in rows]}
        if meta:
            obj["meta"] = meta
        atomic_write_text(path, json.dumps(to_json_value(obj, "text"), indent=1, allow_nan=False) + "\n")
        return
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([format_value(r.get(c)) for c in cols])
    atomic_write_text(path, buf.getvalue())


def parse_cell(s: str):
    """A CSV cell as :func:`write_rows` meant it: None, bool, int, float or the text itself.

    Parameters
    ----------
    s : str
        Cell text.

    Returns
    -------
    None, bool, int, float or str
        ``"none"`` (and ``""``, from older files) -> None, ``"true"``/``"false"`` -> bool, then
        int, float (``inf``, ``nan`` included), else ``s``.
    """
    if s == "" or s == "none":
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


def read_rows(path: str, complete: bool = False, text_columns=(), with_dropped: bool = False):
    """Read rows written by :func:`write_rows` (CSV cells parsed to int/float/bool/str).

    Parameters
    ----------
    path : str
        A ``.csv`` or ``.json`` file (ScenarioError if unreadable, not UTF-8 or malformed).
    complete : bool, default False
        Drop rows that cannot be what :func:`write_rows` wrote: CSV rows whose number of
        fields differs from the header's, JSON rows that are not objects.
    text_columns : sequence of str, default ()
        CSV columns kept as text (e.g. ``point_id``, whose digits must not become a number).
    with_dropped : bool, default False
        Also return how many rows ``complete`` dropped.

    Returns
    -------
    list of dict, or (list of dict, int)
        One dict per row, column name to value (empty CSV cells become None); with
        ``with_dropped``, also the number of dropped rows.
    """
    fmt = output_format(path, "file")
    if os.path.isdir(path):
        raise ScenarioError(f"cannot read {path!r}: it is a directory")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ScenarioError(f"cannot read {path!r}: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ScenarioError(f"{path!r} is not a UTF-8 text file (byte 0x{data[e.start]:02x} at offset {e.start}); "
                            "give a .csv or .json result file written by qnet") from None
    if "\0" in text:
        raise ScenarioError(f"{path!r} is a binary file (NUL byte at offset {text.index(chr(0))}); "
                            "give a .csv or .json result file written by qnet")
    if fmt == "json":
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise ScenarioError(f"{path!r} is not valid JSON: {e.msg} at line {e.lineno}") from None
        except RecursionError:
            raise ScenarioError(f"{path!r} is not a result file: its JSON is nested too deeply") from None
        rows = obj.get("rows") if isinstance(obj, dict) else None
        if not isinstance(rows, list):
            raise ScenarioError(f"{path!r} has no 'rows' list of objects")
        kept = [from_json_value(r) for r in rows if isinstance(r, dict)]
        if len(kept) != len(rows) and not complete:
            raise ScenarioError(f"{path!r} has no 'rows' list of objects")
        return (kept, len(rows) - len(kept)) if with_dropped else kept
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise ScenarioError(f"{path!r} is not a valid CSV file: {e}") from None
    header, rows, dropped = (records[0] if records else []), [], 0
    text = set(text_columns)
    for rec in records[1:]:
        if not rec:
            continue  # blank line
        if len(rec) != len(header):
            if complete:
                dropped += 1
                continue
            rec = (rec + [""] * len(header))[:len(header)]
        rows.append({k: (v if k in text else parse_cell(v)) for k, v in zip(header, rec)})
    return (rows, dropped) if with_dropped else rows
