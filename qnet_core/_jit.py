"""The one compile decorator of qnetsim's kernels (private).

Every kernel module does ``from qnet_core._jit import jit`` (and ``prange`` when it needs a
parallel loop) instead of importing numba, so the compile options are chosen here, once:

* ``cache=True``: machine code is cached next to the module (``__pycache__``, or
  ``NUMBA_CACHE_DIR``), so only the first run on a machine pays for compilation;
* ``error_model="numpy"``: division by zero gives ``inf``/``nan`` instead of raising
  ``ZeroDivisionError`` (kernels never raise for user input);
* ``nogil=True``: kernels release the GIL, so threads can run them side by side.

Any other keyword (``inline="always"``, ``parallel=True``, ``fastmath=...``) is passed to
:func:`numba.njit`, and a keyword given here overrides the default of the same name.

Kernels called by other kernels are compiled without the CPython and cfunc wrappers
(numba's target options ``no_cpython_wrapper`` / ``no_cfunc_wrapper``, see
:data:`INTERNAL_OPTIONS`), which only Python callers need; that saves about 25 ms of compile
time per kernel. A kernel that Python code calls too (a batch driver, or a test) gets a
second dispatcher, with the wrappers, the first time Python calls it; its cache files carry
the suffix :data:`INTERNAL_SUFFIX` on the internal variant, so the two never share cache
entries. ``internal=True`` marks a helper that only other kernels call (never Python code,
tests included): it has the internal dispatcher only, and calling it from Python raises.
These options are not public numba API and may change; if a numba release drops them,
empty :data:`INTERNAL_OPTIONS` and nothing else changes.

Compilation is lazy twice over. :func:`jit` returns a light :class:`LazyKernel` and does not
import numba; the first call imports numba and wraps the function in a numba dispatcher
(which compiles on that call, or loads the cache). The dispatcher compiles a copy of the
function whose globals are a snapshot of its module's, in which every lazy kernel that the
function names (directly or as ``module.kernel``) is that kernel's internal dispatcher and
``prange`` is numba's, recursively; the module itself keeps its lazy kernels, so Python code
always calls the variant with the wrappers. So ``import qnet_core`` and a command that runs
no kernel, such as ``qnet keyrate``, never import numba, and a command compiles only the
kernels it calls.

:meth:`LazyKernel.interpreted` is the third form: the same source, run by the interpreter, its
callees' interpreted copies in its globals (likewise a snapshot). It compiles and imports
nothing; a caller with small work can use it to spare the compilation (the repeater chain's
``simulate_chain(jit=None)`` does), since its results are the compiled kernel's to rounding.
"""

from __future__ import annotations

import functools
import threading
import types

__all__ = ["jit", "prange", "JIT_OPTIONS", "INTERNAL_OPTIONS", "INTERNAL_SUFFIX", "LazyKernel"]

#: Options every kernel is compiled with (a keyword of :func:`jit` overrides one of them).
JIT_OPTIONS = {"cache": True, "error_model": "numpy", "nogil": True}

#: Options of the variant other kernels call: skip the wrappers only Python callers need
#: (numba's private target options; they have no effect on the machine code other kernels call).
INTERNAL_OPTIONS = {"no_cpython_wrapper": True, "no_cfunc_wrapper": True}

#: Appended to the qualified name (hence to the cache file names) of the internal variant of a
#: kernel that also has a variant with wrappers.
INTERNAL_SUFFIX = "__internal"

#: Stand-in for :func:`numba.prange`; a kernel's ``prange`` becomes numba's when it compiles.
prange = range

_lock = threading.RLock()  # dispatchers are created once, whichever thread calls first
_building: dict = {}  # (kernel, internal or "py") -> its dispatcher (or interpreted copy) while its globals resolve


class LazyKernel:
    """A kernel that becomes a numba dispatcher on its first call (see the module docstring)."""

    def __init__(self, py_func, options, internal=False):
        self.py_func = py_func
        self.options = options
        self.internal = internal
        self._dispatcher = None
        self._internal_dispatcher = None
        self._interpreted = None
        functools.update_wrapper(self, py_func)

    def dispatcher(self):
        """The dispatcher Python code calls: with the wrappers, unless the kernel is ``internal``."""
        if self.internal:
            return self.internal_dispatcher()
        d = self._dispatcher
        if d is None:
            with _lock:
                d = self._dispatcher or _building.get((self, False))
                if d is None:
                    d = self._dispatcher = _make_dispatcher(self, False)
        return d

    def internal_dispatcher(self):
        """The dispatcher other kernels call: no CPython or cfunc wrapper."""
        d = self._internal_dispatcher
        if d is None:
            with _lock:
                d = self._internal_dispatcher or _building.get((self, True))
                if d is None:
                    d = self._internal_dispatcher = _make_dispatcher(self, True)
        return d

    def interpreted(self):
        """The kernel as plain Python: the same source, run by the interpreter, calling its callees likewise.

        No numba import and no compilation; the operations are the compiled kernel's, in the
        same order (IEEE doubles, numpy's fixed-width integers), so results agree with it to
        rounding (tested for the kernels that use it), at the interpreter's speed. For work
        too small to pay for a compilation (see
        :func:`protocols.repeaters.repeater_chain.simulate_chain`).
        """
        f = self._interpreted
        if f is None:
            with _lock:
                f = self._interpreted or _building.get((self, "py"))
                if f is None:
                    f = self._interpreted = _make_interpreted(self)
        return f

    def __call__(self, *args):
        return self.dispatcher()(*args)

    def __getattr__(self, name):  # signatures, inspect_types, ... of the compiled kernel
        if name.startswith("__") or name in ("py_func", "options", "internal", "_dispatcher", "_internal_dispatcher",
                                                  "_interpreted"):
            raise AttributeError(name)
        return getattr(self.dispatcher(), name)

    def __repr__(self):
        return f"<lazy kernel {self.__module__}.{self.__qualname__}>"


def _code_names(code) -> set:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _copy(f, qualname):
    """A copy of function ``f`` with its own globals dictionary (a snapshot of its module's)."""
    copy = types.FunctionType(f.__code__, dict(f.__globals__), f.__name__, f.__defaults__, f.__closure__)
    copy.__kwdefaults__ = f.__kwdefaults__
    copy.__qualname__ = qualname
    copy.__doc__ = f.__doc__
    return copy


def _resolve_globals(f, g, resolve, parallel_range):
    """In ``g`` (a copy of ``f``'s globals), replace every lazy kernel that ``f`` names, directly or as
    ``module.kernel``, by ``resolve(kernel)``, and ``prange`` by ``parallel_range``."""
    names = _code_names(f.__code__)
    for name in names:
        obj = g.get(name)
        if isinstance(obj, LazyKernel):
            g[name] = resolve(obj)
        elif obj is range and name == "prange":
            g[name] = parallel_range
        elif isinstance(obj, types.ModuleType):  # module.kernel references: a copy of the module
            subs = {a: getattr(obj, a, None) for a in names}
            subs = {a: resolve(v) for a, v in subs.items() if isinstance(v, LazyKernel)}
            if subs:
                proxy = types.ModuleType(obj.__name__, obj.__doc__)
                proxy.__dict__.update(obj.__dict__)
                proxy.__dict__.update(subs)
                g[name] = proxy


def _make_dispatcher(kernel: LazyKernel, internal: bool):
    """A numba dispatcher of a copy of ``kernel.py_func`` whose globals name numba objects (hold ``_lock``)."""
    import numba

    f = kernel.py_func
    copy = _copy(f, f.__qualname__ + (INTERNAL_SUFFIX if internal and not kernel.internal else ""))
    dispatcher = numba.njit(**{**kernel.options, **(INTERNAL_OPTIONS if internal else {})})(copy)
    _building[kernel, internal] = dispatcher  # a kernel that names itself gets this dispatcher
    try:
        _resolve_globals(f, copy.__globals__, LazyKernel.internal_dispatcher, numba.prange)
    finally:
        del _building[kernel, internal]
    return dispatcher


def _make_interpreted(kernel: LazyKernel):
    """A plain-Python copy of ``kernel.py_func`` that calls the interpreted copies of its callees (hold ``_lock``)."""
    f = kernel.py_func
    copy = _copy(f, f.__qualname__)
    _building[kernel, "py"] = copy
    try:
        _resolve_globals(f, copy.__globals__, LazyKernel.interpreted, range)
    finally:
        del _building[kernel, "py"]
    return copy


def jit(function=None, /, *, internal=False, **options):
    """Compile ``function`` with :func:`numba.njit` and the project's options, on first call.

    Use bare (``@jit``) or with options (``@jit(inline="always")``, ``@jit(parallel=True)``).
    ``internal=True``: a helper called only by other kernels, compiled without the Python
    wrappers (:data:`INTERNAL_OPTIONS`; not callable from Python). Returns a :class:`LazyKernel`.
    """
    opts = {**JIT_OPTIONS, **options}
    if function is None:
        return lambda f: LazyKernel(f, opts, internal)
    return LazyKernel(function, opts, internal)
