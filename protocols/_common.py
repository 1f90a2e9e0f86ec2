"""Helpers shared by the protocol modules (private).

* Input checks of the public boundary: :func:`_as_pair` (and :func:`_as_two_pairs`, which
  checks two single pairs in one validator call), :func:`_as_qubit`, :func:`_as_coeffs`,
  :func:`_probability`, :func:`_scalar`; a :class:`qnet_core.BellDiagonal` given where a dense
  state is needed is converted with :meth:`~qnet_core.BellDiagonal.to_dense` (it was validated
  when it was built). The checks themselves are :func:`qnet_core.validation.as_density_matrix`.
* :class:`Result`, the base of every protocol result: ``to_dict()`` and a short repr;
  :func:`fast_constructor` builds one without the per-field cost of a frozen ``__init__``.
* Deprecation: :func:`renamed_errors` (the old keywords ``p2``/``eta`` keep working for one
  release; the functions take them through ``**deprecated``, which costs nothing when unused),
  :func:`renamed_kwargs` (the same as a decorator, for functions off the hot path) and
  :func:`deprecated_alias` (old function names call the new function and warn).
* Compiled drivers that run the two-qubit primitives of :mod:`qnet_core._pair` over one pair
  or a batch and mix the Bell-measurement branches (``_swap_mix_*``, ``_purify_norm_*``,
  ``_teleport_*``): the dense paths of swapping, purification and teleportation are one
  compiled call per request. They compose the primitives and add no physics of their own.
  :func:`bind_on_first_call` lets a module call such a kernel's numba dispatcher directly.

Nothing here is public; protocol modules import these names, and nothing else should.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import warnings

import numpy as np

from qnet_core import _checks
from qnet_core._checks import invalid_pairs_4x4 as _invalid_pairs_4x4
from qnet_core.bell_diagonal import BellDiagonal
from qnet_core.errors import DimensionError, MissingDependencyError, ParameterError, StateError
from qnet_core.gates import I2, X, Z
from qnet_core.metrics import fidelity as _uhlmann_fidelity
from qnet_core.states import BELL_NAMES
from qnet_core.validation import DEFAULT_ATOL, as_array, as_density_matrix, check_probability

__all__: list[str] = []

#: Pauli correction ``X^x Z^z`` for Bell index ``k = 2x + z`` (rows of (2, 2) matrices).
PAULI_CORRECTIONS = np.array([I2, Z, X, X @ Z])
PAULI_CORRECTIONS.setflags(write=False)

#: XOR table of Bell indices: a Pauli with Bell index ``e`` maps coefficient ``k`` to ``k ^ e``.
XOR = np.array([[i ^ j for j in range(4)] for i in range(4)])
XOR.setflags(write=False)

#: Bell coefficients of ``|phi+>``.
PHI_PLUS_COEFFS = np.array([1.0, 0.0, 0.0, 0.0])
PHI_PLUS_COEFFS.setflags(write=False)


# =============================================================================== input checks
def _scalar(x):
    """A 0-d result as a Python float, anything else unchanged (as an array)."""
    x = np.asarray(x)
    return float(x) if x.ndim == 0 else x


def _probability(value, name: str, owner: str) -> float:
    """``value`` as a float in [0, 1] (the fast path skips :func:`check_probability` for plain floats)."""
    if type(value) is float and 0.0 <= value <= 1.0:
        return value
    if value is ZERO:
        return 0.0
    return check_probability(value, name, owner)


def _as_pair(rho, name: str, owner: str, validate) -> np.ndarray:
    """Validated complex128 two-qubit state (batch) ``(..., 4, 4)``; a BellDiagonal becomes dense."""
    if isinstance(rho, BellDiagonal):
        return rho.to_dense()
    arr, n = as_density_matrix(rho, name, owner, validate)
    if n != 2 or arr.ndim < 2:
        raise DimensionError(
            f"{owner}(): {name} has shape {arr.shape} ({n} qubit(s)); expected a two-qubit state (..., 4, 4)"
        )
    return arr


_ONE_PAIR = (4, 4)
_TOL_4X4 = _checks.positivity_tolerance(DEFAULT_ATOL, 4)


def _plain_pair(x) -> bool:
    """True for a single C-contiguous complex128 ``(4, 4)`` numpy array (the one-pair fast path)."""
    return type(x) is np.ndarray and x.shape == _ONE_PAIR and x.dtype == np.complex128 and x.flags.c_contiguous


def _as_two_pairs(a, b, name_a: str, name_b: str, owner: str, validate) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_as_pair` of both inputs; two single ``(4, 4)`` arrays are checked in one compiled call.

    The fixed cost of the general validator (about 2 us a call) is most of a one-pair
    request, so two plain single pairs go to one compiled check of both
    (:func:`qnet_core._checks.invalid_pairs_4x4`, the same test as the general path). If
    either fails, the general path runs on it, so the error names the right argument and
    check.
    """
    if _plain_pair(a) and _plain_pair(b):
        if validate is False or (validate is True and _invalid_pairs_4x4(a, b, DEFAULT_ATOL, _TOL_4X4) == 0):
            return a, b
    return _as_pair(a, name_a, owner, validate), _as_pair(b, name_b, owner, validate)


def _as_qubit(rho, name: str, owner: str, validate) -> np.ndarray:
    """Validated single-qubit state: a density matrix ``(..., 2, 2)`` or a ket ``(2,)``."""
    try:
        a = np.asarray(as_array(rho, "state", name, owner))
    except ValueError:  # a ragged nested list
        raise DimensionError(f"{owner}(): {name} is a ragged nested list; expected a qubit ket (2,) or "
                             "state (..., 2, 2)") from None
    if a.ndim == 1:
        if a.shape != (2,):
            raise DimensionError(
                f"{owner}(): {name} has shape {a.shape}; expected a qubit ket (2,) or state (..., 2, 2)")
        a = a.astype(np.complex128)
        nrm = np.linalg.norm(a)
        if validate and (not np.isfinite(nrm) or abs(nrm - 1.0) > 1e-8):
            raise StateError(f"{owner}(): {name} has norm {nrm:.6g}; a state vector must have norm 1")
        a = np.outer(a, a.conj())
    arr, n = as_density_matrix(a, name=name, owner=owner, validate=validate)
    if n != 1 or arr.ndim < 2:
        raise DimensionError(
            f"{owner}(): {name} has shape {arr.shape} ({n} qubit(s)); "
            "expected a single-qubit state (..., 2, 2) or ket (2,)"
        )
    return arr


def _as_coeffs(c, name: str, owner: str, validate=True) -> np.ndarray:
    """Bell coefficients ``(..., 4)`` (BELL_NAMES order): finite, non-negative, summing to 1.

    A :class:`BellDiagonal` gives its (already checked) coefficients.
    """
    if isinstance(c, BellDiagonal):
        return c.coefficients
    try:
        arr = np.asarray(c, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError(f"{owner}(): {name}={c!r} must be an array of four Bell coefficients") from None
    if arr.ndim < 1 or arr.shape[-1] != 4:
        raise DimensionError(f"{owner}(): {name} has shape {arr.shape}; expected (..., 4) Bell coefficients "
                             f"in {', '.join(BELL_NAMES)} order")
    if validate:
        if not np.all(np.isfinite(arr)) or np.any(arr < -1e-12):
            raise ParameterError(f"{owner}(): {name} must be finite and non-negative (got {np.ravel(arr)[:4]!r}...)")
        s = arr.sum(axis=-1)
        if np.any(np.abs(s - 1.0) > 1e-9):
            bad = float(np.ravel(s)[np.argmax(np.abs(np.ravel(s) - 1.0))])
            raise ParameterError(f"{owner}(): {name} sums to {bad:.6g}; Bell coefficients must sum to 1")
        arr = np.clip(arr, 0.0, None)
    return arr


def _one_of(value, allowed, name: str, owner: str):
    """``value`` if it is one of ``allowed``; ParameterError otherwise."""
    if isinstance(value, str) and value in allowed:
        return value
    raise ParameterError(f"{owner}(): {name}={value!r} is not allowed; use one of {', '.join(map(repr, allowed))}")


def _flat_pairs(a: np.ndarray, b: np.ndarray, tail: int):
    """Broadcast two batches (trailing ``tail`` axes are the state) and flatten the batch.

    Returns ``(a (n, ...), b (n, ...), batch shape)``, both C-contiguous and writable.
    """
    batch = np.broadcast_shapes(a.shape[:-tail], b.shape[:-tail])
    a = np.ascontiguousarray(np.broadcast_to(a, batch + a.shape[-tail:])).reshape((-1,) + a.shape[-tail:])
    b = np.ascontiguousarray(np.broadcast_to(b, batch + b.shape[-tail:])).reshape((-1,) + b.shape[-tail:])
    return a, b, batch


def _bell_shift(c: np.ndarray, k: int) -> np.ndarray:
    """Bell coefficients after the Pauli with Bell index ``k`` on one qubit: ``out[j ^ k] = c[j]``."""
    return c[..., XOR[k]]


def _fidelity_phi_plus(state: np.ndarray):
    """``<phi+| rho |phi+>`` of dense ``(..., 4, 4)`` states (float or array)."""
    return _scalar(np.real(state[..., 0, 0] + state[..., 3, 3] + state[..., 0, 3] + state[..., 3, 0]) / 2.0)


def _state_fidelity(rho: np.ndarray, sigma: np.ndarray):
    """Squared Uhlmann fidelity; exact ``tr(rho sigma)`` where ``sigma`` is pure (batched).

    Qubit states use the closed form ``tr(rho sigma) + 2 sqrt(det rho det sigma)``.
    """
    rho, sigma = np.broadcast_arrays(rho, sigma)
    overlap = np.real(np.einsum("...ij,...ji->...", rho, sigma))
    purity = np.real(np.einsum("...ij,...ji->...", sigma, sigma))
    pure = purity > 1.0 - 1e-10
    if np.all(pure):
        return _scalar(np.clip(overlap, 0.0, 1.0))
    if rho.shape[-1] == 2:
        det = np.real(rho[..., 0, 0] * rho[..., 1, 1] - rho[..., 0, 1] * rho[..., 1, 0]) * \
            np.real(sigma[..., 0, 0] * sigma[..., 1, 1] - sigma[..., 0, 1] * sigma[..., 1, 0])
        uhl = overlap + 2.0 * np.sqrt(np.clip(det, 0.0, None))
    else:
        uhl = np.asarray(_uhlmann_fidelity(rho, sigma, validate=False))
    return _scalar(np.clip(np.where(pure, overlap, uhl), 0.0, 1.0))


# =============================================================================== results
def _plain(value):
    """JSON-ready form of a result value (arrays to lists, nested results to dicts)."""
    if isinstance(value, Result):
        return value.to_dict()
    if isinstance(value, BellDiagonal):
        return value.coefficients.tolist()
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _put(out: dict, name: str, value) -> None:
    """``out[name] = value`` made JSON-ready; complex values become ``name_real`` and ``name_imag``."""
    if isinstance(value, complex) or (isinstance(value, (np.ndarray, np.generic)) and np.iscomplexobj(value)):
        a = np.asarray(value)
        out[f"{name}_real"] = a.real.tolist()
        out[f"{name}_imag"] = a.imag.tolist()
    else:
        out[name] = _plain(value)


def _short(value) -> str:
    """Short text of a value for reprs: arrays as ``<(4, 4) complex128>``, floats with 6 significant digits."""
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return _short(value[()])
        return f"<{value.shape} {value.dtype}>"
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(f"{float(value):.6g}"))  # 6 significant digits, still a float: 1.0, 0.83815, inf
    if isinstance(value, (complex, np.complexfloating)):
        return f"{complex(value):.6g}"
    if isinstance(value, dict):
        return "{...}" if len(repr(value)) > _SHORT_MAX else repr(value)
    if isinstance(value, (list, tuple)) and len(repr(value)) > _SHORT_MAX:
        return f"<{type(value).__name__} of {len(value)}>"
    text = repr(value)
    return text if len(text) <= _SHORT_MAX else text[:_SHORT_MAX - 3] + "..."


#: Longest text of one value in a result's repr.
_SHORT_MAX = 60
#: Rows of a curve shown by ``_repr_html_`` (the first and last halves, with an ellipsis row).
_HTML_MAX_ROWS = 20


def _extras(obj, names) -> list:
    """``(name, value)`` of the derived key figures that can be computed (others are left out)."""
    out = []
    for name in names:
        try:
            value = getattr(obj, name)
            out.append((name, value() if callable(value) else value))  # a property or a method without arguments
        except Exception:  # a key figure that needs more data (e.g. too few delivered trials)
            continue
    return out


def _html_cell(value) -> str:
    if isinstance(value, (float, np.floating)):
        return html.escape(f"{float(value):.6g}")
    return html.escape(_short(value))


class Result:
    """Base of the protocol results, which are frozen slots dataclasses.

    Gives ``to_dict()`` (arrays to lists, complex values split into ``name_real`` and
    ``name_imag``, :class:`qnet_core.BellDiagonal` to its coefficients, nested results to
    dicts; JSON-ready), a short repr (arrays shown by shape and dtype, floats with six
    significant digits, long values cut; never whole arrays) and ``_repr_html_``, a table for
    notebooks. A subclass lists derived values for ``to_dict`` in ``_DICT_EXTRAS`` as ``(key,
    attribute)`` pairs, the key figures its repr adds in ``_REPR_EXTRAS`` (attribute names; one
    that raises is left out), and, for a curve, the equal-length array fields that make the
    rows of its HTML table in ``_TABLE_COLUMNS``. Subclasses use ``@dataclass(frozen=True,
    slots=True, repr=False)`` so that this repr is kept; fields declared ``field(repr=False)``
    are left out of it.
    """

    __slots__ = ()
    _DICT_EXTRAS: tuple = ()
    _REPR_EXTRAS: tuple = ()
    _TABLE_COLUMNS: tuple = ()

    def to_dict(self) -> dict:
        """The result as a JSON-ready dict (see the class notes)."""
        out: dict = {}
        for f in dataclasses.fields(self):
            _put(out, f.name, getattr(self, f.name))
        for key, attr in self._DICT_EXTRAS:
            _put(out, key, getattr(self, attr))
        return out

    def _summary(self) -> list:
        """``(name, value)`` of the fields shown in the repr, then the key figures."""
        shown = [(f.name, getattr(self, f.name)) for f in dataclasses.fields(self)
                 if f.repr and f.name not in self._TABLE_COLUMNS]
        return shown + _extras(self, self._REPR_EXTRAS)

    def __repr__(self) -> str:
        items = self._summary()
        if self._TABLE_COLUMNS:
            first = np.asarray(getattr(self, self._TABLE_COLUMNS[0]))
            items = [("rows", int(first.shape[0]) if first.ndim else 1)] + items
        body = ", ".join(f"{name}={_short(value)}" for name, value in items)
        return f"{type(self).__name__}({body})"

    def _repr_html_(self) -> str:
        """An HTML table for notebooks: the curve's rows, or one row per field and key figure."""
        title = f"<b>{html.escape(type(self).__name__)}</b>"
        summary = "".join(f"<tr><th style='text-align:left'>{html.escape(name)}</th><td>{_html_cell(value)}</td></tr>"
                          for name, value in self._summary())
        if not self._TABLE_COLUMNS:
            return f"<table><caption>{title}</caption>{summary}</table>"
        cols = [np.atleast_1d(np.asarray(getattr(self, c))) for c in self._TABLE_COLUMNS]
        n = cols[0].shape[0]
        rows = list(range(n))
        if n > _HTML_MAX_ROWS:
            half = _HTML_MAX_ROWS // 2
            rows = rows[:half] + [None] + rows[-half:]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self._TABLE_COLUMNS)
        body = "".join(
            "<tr>" + ("".join("<td>...</td>" for _ in cols) if i is None else
                      "".join(f"<td>{_html_cell(c[i])}</td>" for c in cols)) + "</tr>" for i in rows)
        table = f"<table><caption>{title} ({n} rows)</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody>"
        return table + "</table>" + (f"<table>{summary}</table>" if summary else "")


def fast_constructor(cls):
    """Positional constructor of the frozen slots dataclass ``cls`` for hot paths: ``make(*field_values)``.

    It sets the slots through their descriptors, as the dataclass ``__init__`` does through
    ``object.__setattr__`` one field at a time, at half the cost (a 7-field result: about 0.4 us
    instead of 0.8 us). The object is the same: frozen, equal to one built by ``cls(...)``.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    args = ", ".join(f"v{i}" for i in range(len(names)))
    sets = "".join(f"    s{i}(obj, v{i})\n" for i in range(len(names)))
    namespace = {"new": object.__new__, "cls": cls, **{f"s{i}": cls.__dict__[n].__set__ for i, n in enumerate(names)}}
    exec(f"def make({args}):\n    obj = new(cls)\n{sets}    return obj\n", namespace)  # noqa: S102
    make = namespace["make"]
    make.__doc__ = f"{cls.__name__}({', '.join(names)}) without the per-field object.__setattr__ of __init__."
    return make


def _coefficient_arrays(result):
    """The same result with every BellDiagonal field replaced by a (writable) copy of its coefficients (old form)."""
    changes = {f.name: np.array(getattr(result, f.name).coefficients) for f in dataclasses.fields(result)
               if isinstance(getattr(result, f.name), BellDiagonal)}
    return dataclasses.replace(result, **changes) if changes else result


# =============================================================================== deprecation
#: Keyword arguments renamed across the entanglement protocols (old -> new); the old names work
#: for one more release with a DeprecationWarning.
RENAMED_ERRORS = {"p2": "gate_error", "eta": "readout_error"}


class _Zero(float):
    """The default ``0.0`` of a renamed keyword: equal to 0.0 and shown as 0.0, but ``ZERO is x``
    tells that the caller did not give the keyword (so giving the old and the new name is caught)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "0.0"


#: Default of ``gate_error`` and ``readout_error`` (see :class:`_Zero`).
ZERO = _Zero(0.0)


def renamed_errors(owner: str, deprecated: dict, gate_error, readout_error) -> tuple:
    """Resolve the old keywords ``p2``/``eta`` collected by ``**deprecated``; returns (gate_error, readout_error).

    Each old name warns (DeprecationWarning, naming the new one); giving an old name together
    with its new name raises :class:`ParameterError`; any other keyword raises TypeError, as
    Python does for an unexpected keyword.
    """
    new = {"gate_error": gate_error, "readout_error": readout_error}
    for old, value in deprecated.items():
        name = RENAMED_ERRORS.get(old)
        if name is None:
            raise TypeError(f"{owner}() got an unexpected keyword argument {old!r}")
        if new[name] is not ZERO:
            raise ParameterError(f"{owner}(): got both {old}= and {name}=; {old} is the deprecated name of {name}, "
                                 f"give only {name}")
        warnings.warn(f"{owner}(): the keyword {old}= is deprecated; use {name}= ({old} goes away in the next "
                      "release)", DeprecationWarning, stacklevel=3)
        new[name] = value
    return new["gate_error"], new["readout_error"]


def bind_on_first_call(namespace: dict, *names: str) -> None:
    """Let each lazy kernel ``namespace[name]`` be replaced by its numba dispatcher on its first call.

    :func:`qnet_core._jit.jit` returns lazy kernels whose every call passes through Python; a
    module that calls a kernel once per request rebinds the name, so later calls go straight to
    numba. Numba is still imported only when a kernel first runs.
    """
    for name in names:
        kernel = namespace[name]
        get = getattr(kernel, "dispatcher", None)
        if get is None:  # already a dispatcher
            continue

        def first_call(*args, _name=name, _get=get):
            dispatcher = _get()
            namespace[_name] = dispatcher
            return dispatcher(*args)

        namespace[name] = first_call


def _rename_kwargs(owner: str, renames: dict, kwargs: dict, stacklevel: int) -> dict:
    out = dict(kwargs)
    for old, new in renames.items():
        if old not in out:
            continue
        if new in out:
            raise ParameterError(f"{owner}(): got both {old}= and {new}=; {old} is the deprecated name of {new}, "
                                 f"give only {new}")
        warnings.warn(f"{owner}(): the keyword {old}= is deprecated; use {new}= ({old} goes away in the next "
                      "release)", DeprecationWarning, stacklevel=stacklevel)
        out[new] = out.pop(old)
    return out


def renamed_kwargs(renames: dict = RENAMED_ERRORS):
    """Decorator: the old keyword names in ``renames`` (old -> new) keep working, with a DeprecationWarning.

    Giving an old name together with its new name raises :class:`ParameterError`. Calls that
    use only the new names pay one dictionary test.
    """
    old_names = frozenset(renames)

    def decorate(func):
        owner = func.__name__

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if kwargs and not old_names.isdisjoint(kwargs):
                kwargs = _rename_kwargs(owner, renames, kwargs, stacklevel=3)
            return func(*args, **kwargs)

        return wrapper

    return decorate


def deprecated_alias(old_name: str, replacement: str, renames: dict = RENAMED_ERRORS):
    """Decorator for a deprecated function name: warn (naming ``replacement``), then run the body.

    The body calls the unified function (and keeps the old result form); its docstring says
    so. Old keyword names in ``renames`` are renamed (and warned about) before the body runs.
    """
    old_names = frozenset(renames)

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            warnings.warn(f"{old_name}() is deprecated; use {replacement} ({old_name} goes away in the next release)",
                          DeprecationWarning, stacklevel=2)
            if kwargs and not old_names.isdisjoint(kwargs):
                kwargs = _rename_kwargs(old_name, renames, kwargs, stacklevel=3)
            return func(*args, **kwargs)

        return wrapper

    return decorate


# =============================================================================== progress
class _TqdmReport:
    """``report(done, total)`` drawing an optional ``tqdm`` bar (closed by :meth:`close`)."""

    __slots__ = ("_bar",)

    def __init__(self, bar):
        self._bar = bar

    def __call__(self, done: int, total: int) -> None:
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        self._bar.close()


def progress_reporter(progress, total: int, owner: str, unit: str):
    """The ``progress`` argument of a long computation as a callable ``report(done, total)`` or None.

    ``None``/``False``: no progress; a callable is returned as is; ``True``: a ``tqdm`` bar of
    ``total`` ``unit`` (``tqdm.auto``, so it also draws in notebooks), whose ``close()`` the
    caller calls when done. ``True`` without tqdm installed raises
    :class:`~qnet_core.errors.MissingDependencyError` (an ImportError), before any work.
    """
    if progress is None or progress is False:
        return None
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            raise MissingDependencyError(f"{owner}(): progress=True draws a tqdm bar, but tqdm is not installed; "
                                         "install it with pip install 'qnetsim[progress]' (or pip install tqdm), "
                                         "or pass a callable progress(done, total)") from None
        return _TqdmReport(tqdm(total=int(total), unit=unit, desc=owner))
    if callable(progress):
        return progress
    raise ParameterError(f"{owner}(): progress={_short(progress)} must be None, True (a tqdm bar) or a callable "
                         "progress(done, total)")


def close_progress(report) -> None:
    """Close what :func:`progress_reporter` opened (a tqdm bar); a user's callable is left alone."""
    if isinstance(report, _TqdmReport):
        report.close()
