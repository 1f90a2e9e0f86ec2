"""``LazyKernel.interpreted()``: a kernel's source run by the interpreter gives the compiled results
to rounding (issue 11: the repeater chain runs small jobs this way instead of compiling). The
operations and their order are the same; numba's machine code may still round one differently
(seen once in the last bit of a purified state), so values are compared to 1e-14."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from qnet_core import _pair as P
from qnet_core.testing import density_matrices, probabilities


def _both(kernel, make_args):
    """``kernel`` compiled and interpreted on fresh copies of the same arguments: (returns, arguments) each."""
    out = []
    for f in (kernel, kernel.interpreted()):
        args = make_args()
        with np.errstate(all="ignore"):
            out.append((f(*args), args))
    return out


def _equal(a, b):
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and np.allclose(a, b, rtol=0, atol=1e-14)
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-14 or (a != a and b != b)


@settings(max_examples=40, deadline=None)
@given(r1=density_matrices(2), r2=density_matrices(2), p=probabilities(), q=probabilities(), u=st.floats(0, 1,
       exclude_max=True), method=st.integers(0, 1), dt=st.floats(-1.0, 10.0), model=st.integers(0, 1),
       rate1=st.floats(0, 5.0), rate2=st.floats(0, 5.0))
def test_pair_primitives_interpreted_equal_compiled(r1, r2, p, q, u, method, dt, model, rate1, rate2):
    c = np.complex128
    cases = [
        (P._swap_sample_4x4, lambda: (r1.copy(), r2.copy(), p, q, u, np.zeros((4, 4), c))),
        (P._purify_4x4, lambda: (r1.copy(), r2.copy(), np.int64(method), p, q, np.zeros((4, 4), c))),
        (P._memory_4x4, lambda: (r1.copy(), dt, np.int64(model), rate1, min(rate2, 2 * rate1) if model == 0 else 0.0)),
    ]
    for kernel, make in cases:
        (ret_c, args_c), (ret_i, args_i) = _both(kernel, make)
        assert _equal(ret_c, ret_i), kernel
        for a, b in zip(args_c, args_i):
            assert _equal(a, b), kernel


def test_an_internal_kernel_runs_interpreted():
    """Kernels that only other kernels may call compiled are plain functions when interpreted."""
    rho = np.eye(4, dtype=np.complex128) / 4
    assert P._trace_4x4.interpreted()(rho) == 1.0
    assert P._trace_4x4.interpreted() is P._trace_4x4.interpreted()  # made once
