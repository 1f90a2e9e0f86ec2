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

``internal=True`` marks a helper that only other kernels call (never Python code, tests
included): it is compiled without the CPython and cfunc wrappers (numba's target options
``no_cpython_wrapper`` / ``no_cfunc_wrapper``, see :data:`INTERNAL_OPTIONS`), which saves
about 35 ms of compile time per helper. Calling such a kernel from Python raises. These
options are not public numba API and may change; if a numba release drops them, empty
:data:`INTERNAL_OPTIONS` and nothing else changes.

Compilation is lazy twice over. :func:`jit` returns a light :class:`LazyKernel` and does not
import numba; the first call imports numba, wraps the function in a numba dispatcher (which
compiles on that call, or loads the cache) and replaces the kernel's name in its module by
the dispatcher, together with every other lazy kernel (and ``prange``) that the function
refers to, recursively. So ``import qnet_core`` and a command that runs no kernel, such as
``qnet keyrate``, never import numba, and a command compiles only the kernels it calls.
"""

from __future__ import annotations

import functools
import types

__all__ = ["jit", "prange", "JIT_OPTIONS", "INTERNAL_OPTIONS", "LazyKernel"]

#: Options every kernel is compiled with (a keyword of :func:`jit` overrides one of them).
JIT_OPTIONS = {"cache": True, "error_model": "numpy", "nogil": True}

#: Options that ``internal=True`` adds: skip the wrappers only Python callers need (numba's
#: private target options; they have no effect on the machine code other kernels call).
INTERNAL_OPTIONS = {"no_cpython_wrapper": True, "no_cfunc_wrapper": True}

#: Stand-in for :func:`numba.prange`; a kernel's ``prange`` becomes numba's when it compiles.
prange = range


class LazyKernel:
    """A kernel that becomes a numba dispatcher on its first call (see the module docstring)."""

    def __init__(self, py_func, options):
        self.py_func = py_func
        self.options = options
        self._dispatcher = None
        functools.update_wrapper(self, py_func)

    def dispatcher(self):
        """The numba dispatcher of this kernel (created, and its globals resolved, on first use)."""
        if self._dispatcher is None:
            import numba

            self._dispatcher = numba.njit(**self.options)(self.py_func)
            _resolve_globals(self.py_func, numba)
        return self._dispatcher

    def __call__(self, *args):
        return self.dispatcher()(*args)

    def __getattr__(self, name):  # signatures, inspect_types, ... of the compiled kernel
        if name.startswith("__") or name in ("py_func", "options", "_dispatcher"):
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


def _resolve_globals(py_func, numba) -> None:
    """Replace the lazy kernels (and ``prange``) that ``py_func`` names by numba objects, in place."""
    g = py_func.__globals__
    names = _code_names(py_func.__code__)
    for name in names:
        obj = g.get(name)
        if isinstance(obj, LazyKernel):
            g[name] = obj.dispatcher()
        elif obj is range and name == "prange":
            g[name] = numba.prange
        elif isinstance(obj, types.ModuleType):  # module.kernel references
            for attr in names:
                sub = getattr(obj, attr, None)
                if isinstance(sub, LazyKernel):
                    setattr(obj, attr, sub.dispatcher())


def jit(function=None, /, *, internal=False, **options):
    """Compile ``function`` with :func:`numba.njit` and the project's options, on first call.

    Use bare (``@jit``) or with options (``@jit(inline="always")``, ``@jit(parallel=True)``).
    ``internal=True``: a helper called only by other kernels, compiled without the Python
    wrappers (:data:`INTERNAL_OPTIONS`; not callable from Python). Returns a :class:`LazyKernel`.
    """
    opts = {**JIT_OPTIONS, **(INTERNAL_OPTIONS if internal else {}), **options}
    if function is None:
        return lambda f: LazyKernel(f, opts)
    return LazyKernel(function, opts)
