"""What the first chain run compiles (issue 11): only the kernels it calls, each once.

A fresh interpreter with an empty numba cache (``NUMBA_CACHE_DIR``) runs a chain; the cache
directory then lists every kernel that was compiled (one index file per kernel, one data file
per compiled signature). Only ``_run_range`` is called from Python, so it is the only kernel
with the CPython wrapper: every helper is compiled in its internal variant (an
``internal=True`` kernel, or a ``__internal`` copy of a kernel that Python may call too).
No wall-clock time is asserted.
"""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from protocols.repeaters import _kernels as K
from qnet_core import _pair as P
from qnet_core._jit import INTERNAL_SUFFIX

ROOT = Path(__file__).resolve().parents[2]
MODULES = {"_kernels": K, "_pair": P}
# the purification kernels compiled on their own (its bookkeeping helpers are inlined into ``_run_range``)
PURIFICATION = {"_purify_4x4", "_add_purify_product"}


def _listing(cache: Path) -> dict:
    """``{(module, qualname): number of compiled signatures}`` in a numba cache directory."""
    found = {}
    for index in cache.rglob("*.nbi"):
        m = re.fullmatch(r"(\w+)\.([\w.]+)-\d+\.py\d+\.nbi", index.name)
        assert m, index.name
        stem = index.name[:-len(".nbi")]
        found[m.group(1), m.group(2)] = len(list(index.parent.glob(f"{stem}.*.nbc")))
    return found


def compiled_kernels(tmp_path, chain_srcs: list) -> list:
    """The cache listing after each chain of ``chain_srcs``, run one after the other in one cold interpreter."""
    cache = tmp_path / "numba-cache"
    code = ("from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain\n"
            "import shutil\n" + "".join(
                f"simulate_chain({src}, 20, seed=1, jit=True)\n"
                f"shutil.copytree({str(cache)!r}, {str(tmp_path / f'snap{i}')!r})\n"
                for i, src in enumerate(chain_srcs)))
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=600)
    return [_listing(tmp_path / f"snap{i}") for i in range(len(chain_srcs))]


def lazy_kernel(module: str, qualname: str):
    name = qualname[:-len(INTERNAL_SUFFIX)] if qualname.endswith(INTERNAL_SUFFIX) else qualname
    return getattr(MODULES[module], name)


def _check_kernels(found: dict) -> set:
    """Every kernel in ``found`` (module, qualname) -> new signatures: chain modules only, each compiled
    once, and without a CPython wrapper unless it is ``_run_range``; returns the kernel names."""
    assert {mod for mod, _ in found} <= set(MODULES), found  # nothing outside the chain's two kernel modules
    for (mod, qualname), signatures in found.items():
        assert signatures == 1, f"{mod}.{qualname} compiled for {signatures} signatures"
        kernel = lazy_kernel(mod, qualname)
        assert (qualname == "_run_range" or qualname.endswith(INTERNAL_SUFFIX) or kernel.internal), \
            f"{mod}.{qualname} has a CPython wrapper"
    return {q.removesuffix(INTERNAL_SUFFIX) for _, q in found}


def test_a_cold_chain_run_compiles_only_its_kernels_once_without_wrappers(tmp_path):
    """The ``qnet chain`` default first, then a purifying nested chain in the same cold interpreter
    (one cold start for both): each compiles only what it calls, once, and only the purifying one
    compiles the purification kernels."""
    plain, purifying = compiled_kernels(tmp_path, [
        "RepeaterChain(4, 100.0)",
        "RepeaterChain(4, 100.0, protocol='nested', purification='dejmps', memories_per_node=2, memory_t2_s=1.0)",
    ])
    assert plain.get(("_kernels", "_run_range")) == 1
    names = _check_kernels(plain)
    assert len(names) > 1, "the helpers were not compiled separately"
    # neither the purification nor kernels of other protocols (the batch swap, the zero fill)
    assert not (PURIFICATION | {"_fill_4x4", "_swap_branches_4x4"}) & names, names
    added = {k: n - plain.get(k, 0) for k, n in purifying.items() if n > plain.get(k, 0)}
    assert PURIFICATION <= _check_kernels(added)


def test_kernels_that_chains_compile_internally_stay_callable_from_python():
    """The internal variant is what other kernels call; Python gets the variant with the wrappers."""
    from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain

    simulate_chain(RepeaterChain(2, 50.0, memory_t2_s=1.0), 5, seed=3, jit=True)  # compiles the internal variants
    st = np.empty(4, dtype=np.uint64)
    K.seed_stream(st, np.uint64(1), np.uint64(2), np.int64(0))
    u = K.uniform(st)
    assert 0.0 <= u < 1.0
    phi = np.zeros((4, 4), dtype=np.complex128)
    phi[0, 0] = phi[0, 3] = phi[3, 0] = phi[3, 3] = 0.5
    out = np.empty((4, 4), dtype=np.complex128)
    P._copy_4x4(phi, out)
    P._memory_4x4(out, 1.0, np.int64(0), 0.0, 0.5)  # pure dephasing: each qubit's coherences decay as exp(-t/T2)
    want = phi.copy()
    want[0, 3] = want[3, 0] = 0.5 * np.exp(-0.5) ** 2
    np.testing.assert_allclose(out, want, rtol=1e-14, atol=0)
