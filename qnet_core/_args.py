"""Range checks of real and integer arguments for the public functions (private).

The helpers of :mod:`qnet_core.validation` check one scalar at a time; these check numbers
that may be arrays (key-rate formulas broadcast over distances and intensities) and counts
(integers that size a loop or an allocation). Every failure raises
:class:`~qnet_core.errors.ParameterError` whose message names the function, the argument, the
value and what is allowed, e.g. ``bbm92_gain_error(): eta_a=1.5 must lie in [0, 1]``.

Bools are not numbers here, also inside a list (``[True, 0.5]``); strings, bytes, complex
numbers, objects and ``None`` are refused before any arithmetic.
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np

from .errors import ParameterError

__all__: list[str] = []


def _owner(owner: str) -> str:
    return f"{owner}(): " if owner else ""


def _holds_bool(value) -> bool:
    """Whether a (nested) list or tuple holds a bool; numpy arrays are judged by their dtype."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, (bool, np.bool_)):
            return True
        if isinstance(v, (list, tuple)):
            stack.extend(v)
    return False


def numbers_only(value, name: str, owner: str, what: str = "real numbers", *, complex_ok: bool = False) -> np.ndarray:
    """``value`` as a numpy array of int or float dtype (and complex with ``complex_ok``); no range check.

    Refuses what ``np.asarray(value, dtype=float)`` would silently accept or turn into a
    deep error: bools (also inside lists, ``[True, 0.0]``), strings (``["1", "0"]``), bytes,
    ``None``, objects and ragged lists. ``what`` names the expected content in the message
    (``"Bell coefficients, shape (..., 4)"``).
    """
    bad = isinstance(value, (bool, np.bool_, str, bytes)) or value is None or _holds_bool(value)
    if not bad:
        try:
            arr = np.asarray(value)
            bad = arr.dtype.kind not in ("iufc" if complex_ok else "iuf")
        except (TypeError, ValueError, OverflowError):
            bad = True
    if bad:
        raise ParameterError(f"{_owner(owner)}{name}={value!r} is not allowed; it must be {what}")
    return arr


def _interval(lo, hi, lo_open, hi_open) -> str:
    if hi is None:
        return f"{'>' if lo_open else '>='} {lo:g}"
    return f"in {'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"


def real_array(value, name: str, owner: str, *, lo: float | None = None, hi: float | None = None,
               lo_open: bool = False, hi_open: bool = False, allow_inf: bool = False, what: str = "") -> np.ndarray:
    """``value`` as a float64 array of real numbers in the given range (0-d for a scalar).

    Parameters
    ----------
    value : float or array_like
        Real number(s); int and float dtypes are accepted, bools, strings, complex numbers and
        objects are not.
    name, owner : str
        Argument and function names for the message.
    lo, hi : float, optional
        Bounds; ``None`` leaves that side open-ended.
    lo_open, hi_open : bool, default False
        Exclude the bound itself.
    allow_inf : bool, default False
        Accept ``+inf`` (a bound of ``None`` above); NaN is always refused.
    what : str, default ""
        What the number is, appended to the message (``"a transmittance"``).

    Returns
    -------
    numpy.ndarray, float64
    """
    if isinstance(value, (bool, np.bool_, str, bytes)) or value is None or _holds_bool(value):
        kind = "a real number"
        raise ParameterError(f"{_owner(owner)}{name}={value!r} must be {kind} or an array of real numbers")
    try:
        arr = np.asarray(value)
        ok = arr.dtype.kind in "iuf"
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ParameterError(f"{_owner(owner)}{name}={value!r} must be a real number or an array of real numbers")
    arr = arr.astype(np.float64, copy=False)
    if lo is None and hi is None and allow_inf:
        bad = np.isnan(arr)
    else:
        with np.errstate(invalid="ignore"):
            bad = ~np.isfinite(arr) if not allow_inf else np.isnan(arr) | (arr == -np.inf)
            if lo is not None:
                bad |= (arr <= lo) if lo_open else (arr < lo)
            if hi is not None:
                bad |= (arr >= hi) if hi_open else (arr > hi)
    if bad.any():
        x = float(arr[bad].flat[0]) if arr.ndim else float(arr)
        shown = f"{name}={x!r}" if arr.ndim == 0 else f"{name} contains {x!r}"
        rng = _interval(-math.inf if lo is None else lo, hi, lo_open, hi_open) if (lo is not None or hi is not None) \
            else "finite"
        if hi is not None:
            must = f"must lie {rng}"
        else:
            must = f"must be a finite number {rng}" if not allow_inf else f"must be a number {rng} (inf allowed)"
        if lo is None and hi is None:
            must = "must be finite" if not allow_inf else "must not be NaN"
        raise ParameterError(f"{_owner(owner)}{shown} {must}{'; ' + what if what else ''}")
    return arr


def real(value, name: str, owner: str, **limits) -> float:
    """A scalar version of :func:`real_array`: ``value`` as a Python float in range; arrays raise."""
    arr = real_array(value, name, owner, **limits)
    if arr.ndim:
        raise ParameterError(f"{_owner(owner)}{name} has shape {arr.shape}; it must be a single real number")
    return float(arr)


def count(value, name: str, owner: str, *, lo: int = 0, hi: int | None = None, what: str = "") -> int:
    """``value`` as a Python int in ``[lo, hi]``: integer-valued reals (``2.0``) pass, bools and fractions raise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise ParameterError(f"{_owner(owner)}{name}={value!r} must be an integer")
    try:
        n = operator.index(value)
    except TypeError:
        x = float(value)
        if not math.isfinite(x) or x != int(x):
            raise ParameterError(f"{_owner(owner)}{name}={value!r} must be an integer") from None
        n = int(x)
    if n < lo or (hi is not None and n > hi):
        rng = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
        raise ParameterError(f"{_owner(owner)}{name}={value!r} must be an integer {rng}{'; ' + what if what else ''}")
    return int(n)
