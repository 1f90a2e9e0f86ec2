"""The one compile decorator of qnetsim's kernels (private).

Every kernel module does ``from qnet_core._jit import jit`` (and ``prange`` when it needs a
parallel loop) instead of importing numba, so the compile options are chosen here, once:

* ``cache=True``: machine code is cached next to the module (``__pycache__``, or
  ``NUMBA_CACHE_DIR``), so only the first import on a machine pays for compilation;
* ``error_model="numpy"``: division by zero gives ``inf``/``nan`` instead of raising
  ``ZeroDivisionError`` (kernels never raise for user input);
* ``nogil=True``: kernels release the GIL, so threads can run them side by side.

Any other keyword (``inline="always"``, ``parallel=True``, ``fastmath=...``) is passed to
:func:`numba.njit`, and a keyword given here overrides the default of the same name.
"""

from __future__ import annotations

import numba
from numba import prange

__all__ = ["jit", "prange", "JIT_OPTIONS"]

#: Options every kernel is compiled with (a keyword of :func:`jit` overrides one of them).
JIT_OPTIONS = {"cache": True, "error_model": "numpy", "nogil": True}


def jit(function=None, /, **options):
    """Compile ``function`` with :func:`numba.njit` and the project's options.

    Use bare (``@jit``) or with options (``@jit(inline="always")``, ``@jit(parallel=True)``).
    """
    opts = {**JIT_OPTIONS, **options}
    if function is None:
        return numba.njit(**opts)
    return numba.njit(**opts)(function)
