"""Compiled kernels of the density-matrix engine (private).

Conventions shared by every kernel:

* States arrive as complex128 arrays ``(B, D, D)`` (one leading batch axis), contiguous
  except for the whole-register kernels at the end, which take any strides.
* An operation on ``m`` target qubits of an ``n``-qubit register is described by two
  integer index maps computed once in Python (see ``qnet_core.ops._index_maps``):
  ``base[r]`` (length ``D / d``) is the full index of "rest" configuration ``r`` with the
  target bits set to zero, and ``offs[i]`` (length ``d = 2**m``) is the contribution of
  target configuration ``i``. Full index = ``base[r] + offs[i]``. This contracts only the
  target qubits; no ``D x D`` operator is ever formed.
* Kernels never raise for user errors; the public functions in ``qnet_core.ops`` check
  shapes and operators once at the boundary. The density-matrix checks of the states are
  compiled (``qnet_core._checks``) and, in the whole-register kernels, run in the same pass
  as the computation; those kernels report the first failing state and Python raises.
"""

from __future__ import annotations

import threading

import numpy as np
from ._jit import jit, prange

from ._checks import check_4x4, check_state, load_4x4, load_state
from ._jit import jit

# Batches with at least this many complex entries in total use the threaded drivers.
PARALLEL_MIN_ENTRIES = 1 << 15


def num_chunks(batch: int) -> int:
    """Number of contiguous batch chunks handed to the threaded drivers."""
    import numba

    return max(1, min(batch, 4 * numba.get_num_threads()))


class _Job:
    """One kernel call split into chunks ``[bounds[i], bounds[i+1])`` that threads claim one by one."""

    def __init__(self, fn, bounds):
        self.fn = fn
        self.bounds = bounds
        self.next = 0
        self.running = 0
        self.first_bad = -1
        self.error = None
        self.cond = threading.Condition()

    def work(self) -> None:
        """Claim and run chunks until none is left (called by the caller and by the helpers)."""
        while True:
            with self.cond:
                if self.next >= len(self.bounds) - 1:
                    return
                i = self.next
                self.next += 1
                self.running += 1
            err, r = None, -1
            try:
                r = self.fn(self.bounds[i], self.bounds[i + 1])
            except BaseException as exc:  # pragma: no cover - kernels do not raise
                err = exc
            with self.cond:
                self.running -= 1
                if err is not None and self.error is None:
                    self.error = err
                if r >= 0 and (self.first_bad < 0 or r < self.first_bad):
                    self.first_bad = r
                if self.running == 0:
                    self.cond.notify_all()

    def wait(self) -> int:
        """Wait for the chunks still running in helpers; the smallest index a chunk reported, or -1."""
        with self.cond:
            while self.running:
                self.cond.wait()
        if self.error is not None:  # pragma: no cover
            raise self.error
        return self.first_bad


class _Helpers:
    """Background threads that help a caller with the chunks of one kernel call (caller-runs).

    The caller claims chunks as well and waits only for chunks a helper has started, never
    for a helper that has not woken up: when other processes hold the cores, the caller does
    the work alone and the call costs what the serial kernel costs (numba's ``prange`` would
    wait for every worker thread at its closing barrier, often a whole scheduler time slice).
    The kernels are compiled with ``nogil=True``, so the threads run them side by side. One
    call at a time uses the helpers; a concurrent caller runs its chunks alone.
    """

    def __init__(self, count: int):
        self.count = count
        self._cond = threading.Condition()
        self._job = None
        self._generation = 0
        self._busy = threading.Lock()
        for k in range(count):
            threading.Thread(target=self._loop, name=f"qnetsim-helper-{k}", daemon=True).start()

    def _loop(self) -> None:
        seen = 0
        while True:
            with self._cond:
                while self._generation == seen:
                    self._cond.wait()
                seen, job = self._generation, self._job
            if job is not None:
                job.work()

    def run(self, fn, bounds) -> int:
        job = _Job(fn, bounds)
        if not self._busy.acquire(blocking=False):
            job.work()
            return job.wait()
        try:
            with self._cond:
                self._job = job
                self._generation += 1
                self._cond.notify_all()
            job.work()
            return job.wait()
        finally:
            with self._cond:
                self._job = None
            self._busy.release()


_helpers: _Helpers | None = None
_helpers_lock = threading.Lock()


def run_split(fn, n: int) -> int:
    """``fn(0, n)`` for a batch kernel call, split over the cores when the batch is large.

    ``fn(lo, hi)`` runs a (serial, ``nogil``) kernel on items ``lo:hi`` and returns the
    absolute index of the first failing item or -1; chunks run on the caller and on
    ``NUMBA_NUM_THREADS - 1`` helper threads (see :class:`_Helpers`). Returns the smallest
    index any chunk reported, or -1.
    """
    global _helpers
    chunks = num_chunks(n)
    if chunks <= 1:
        return fn(0, n)
    if _helpers is None:
        import numba

        with _helpers_lock:
            if _helpers is None:
                _helpers = _Helpers(max(0, int(numba.config.NUMBA_NUM_THREADS) - 1))
    if _helpers.count == 0:
        return fn(0, n)
    fn(0, 0)  # compile or load the kernel here, not in several threads at once
    return _helpers.run(fn, [(n * i) // chunks for i in range(chunks + 1)])


@jit(inline="always")
def _superops_one_state(mat, vals, oidx, iidx, op_start, base_all, base_start, offs_all, offs_start,
                        dims, blk, nb):
    """Apply a sequence of sparse superoperators in place to one ``(D, D)`` matrix."""
    nops = dims.shape[0]
    for op in range(nops):
        d = dims[op]
        dd = d * d
        b0 = base_start[op]
        nrest = base_start[op + 1] - b0
        o0 = offs_start[op]
        e0 = op_start[op]
        e1 = op_start[op + 1]
        for r in range(nrest):
            br = base_all[b0 + r]
            for c in range(nrest):
                bc = base_all[b0 + c]
                for i in range(d):
                    ri = br + offs_all[o0 + i]
                    for j in range(d):
                        blk[i * d + j] = mat[ri, bc + offs_all[o0 + j]]
                for t in range(dd):
                    nb[t] = 0.0
                for e in range(e0, e1):
                    nb[oidx[e]] += vals[e] * blk[iidx[e]]
                for i in range(d):
                    ri = br + offs_all[o0 + i]
                    for j in range(d):
                        mat[ri, bc + offs_all[o0 + j]] = nb[i * d + j]


@jit
def apply_superops_serial(rho, out, vals, oidx, iidx, op_start, base_all, base_start, offs_all,
                          offs_start, dims, maxdd):
    """out[b] = S_K ... S_1 (rho[b]) for sparse superoperators S_k; serial driver."""
    blk = np.empty(maxdd, dtype=np.complex128)
    nb = np.empty(maxdd, dtype=np.complex128)
    for b in range(rho.shape[0]):
        out[b, :, :] = rho[b]
        _superops_one_state(out[b], vals, oidx, iidx, op_start, base_all, base_start, offs_all,
                            offs_start, dims, blk, nb)


@jit(parallel=True)
def apply_superops_parallel(rho, out, vals, oidx, iidx, op_start, base_all, base_start, offs_all,
                            offs_start, dims, maxdd, nchunks):
    """Threaded driver of :func:`apply_superops_serial` (``nchunks`` contiguous chunks of the batch)."""
    B = rho.shape[0]
    for ch in prange(nchunks):
        lo = (B * ch) // nchunks
        hi = (B * (ch + 1)) // nchunks
        blk = np.empty(maxdd, dtype=np.complex128)
        nb = np.empty(maxdd, dtype=np.complex128)
        for b in range(lo, hi):
            out[b, :, :] = rho[b]
            _superops_one_state(out[b], vals, oidx, iidx, op_start, base_all, base_start, offs_all,
                                offs_start, dims, blk, nb)


@jit(inline="always")
def _kraus_one_state(src, dst, kraus, base, offs, blk, tmp, acc):
    """dst = sum_k K src K^dag on the target qubits of one matrix (dense Kraus path)."""
    nk = kraus.shape[0]
    d = kraus.shape[1]
    nrest = base.shape[0]
    for r in range(nrest):
        br = base[r]
        for c in range(nrest):
            bc = base[c]
            for i in range(d):
                for j in range(d):
                    blk[i, j] = src[br + offs[i], bc + offs[j]]
                    acc[i, j] = 0.0
            for k in range(nk):
                # tmp = K blk
                for i in range(d):
                    for j in range(d):
                        s = 0.0j
                        for l in range(d):
                            s += kraus[k, i, l] * blk[l, j]
                        tmp[i, j] = s
                # acc += tmp K^dag
                for i in range(d):
                    for j in range(d):
                        s = 0.0j
                        for l in range(d):
                            s += tmp[i, l] * np.conj(kraus[k, j, l])
                        acc[i, j] += s
            for i in range(d):
                for j in range(d):
                    dst[br + offs[i], bc + offs[j]] = acc[i, j]


@jit(parallel=True)
def apply_kraus_dense(rho, out, kraus, base, offs, nchunks):
    """out[b] = sum_k K_k rho[b] K_k^dag on the target qubits, for large target sets."""
    B = rho.shape[0]
    d = kraus.shape[1]
    for ch in prange(nchunks):
        lo = (B * ch) // nchunks
        hi = (B * (ch + 1)) // nchunks
        blk = np.empty((d, d), dtype=np.complex128)
        tmp = np.empty((d, d), dtype=np.complex128)
        acc = np.empty((d, d), dtype=np.complex128)
        for b in range(lo, hi):
            _kraus_one_state(rho[b], out[b], kraus, base, offs, blk, tmp, acc)


@jit
def partial_trace(rho, base_keep, offs_tr):
    """out[b, i, j] = sum_t rho[b, base_keep[i] + offs_tr[t], base_keep[j] + offs_tr[t]]."""
    B = rho.shape[0]
    dk = base_keep.shape[0]
    dt = offs_tr.shape[0]
    out = np.zeros((B, dk, dk), dtype=np.complex128)
    for b in range(B):
        for i in range(dk):
            bi = base_keep[i]
            for j in range(dk):
                bj = base_keep[j]
                s = 0.0j
                for t in range(dt):
                    s += rho[b, bi + offs_tr[t], bj + offs_tr[t]]
                out[b, i, j] = s
    return out


@jit
def project_blocks(rho, base_rest, offs_meas):
    """Unnormalized Z-basis branches: out[b, s] = <s|_meas rho[b] |s>_meas (rest x rest)."""
    B = rho.shape[0]
    dr = base_rest.shape[0]
    ds = offs_meas.shape[0]
    out = np.empty((B, ds, dr, dr), dtype=np.complex128)
    for b in range(B):
        for s in range(ds):
            o = offs_meas[s]
            for i in range(dr):
                bi = base_rest[i] + o
                for j in range(dr):
                    out[b, s, i, j] = rho[b, bi, base_rest[j] + o]
    return out


@jit
def zero_off_outcome(rho, base_rest, offs_meas, s_keep):
    """Return P_s rho P_s for the Z-basis projector P_s on the measured qubits (unnormalized)."""
    B = rho.shape[0]
    D = rho.shape[1]
    dr = base_rest.shape[0]
    out = np.zeros((B, D, D), dtype=np.complex128)
    o = offs_meas[s_keep]
    for b in range(B):
        for i in range(dr):
            bi = base_rest[i] + o
            for j in range(dr):
                bj = base_rest[j] + o
                out[b, bi, bj] = rho[b, bi, bj]
    return out


@jit(inline="always")
def _expect_ket_one(rho, psi, b, pb):
    D = rho.shape[1]
    s = 0.0j
    for i in range(D):
        ci = np.conj(psi[pb, i])
        if ci == 0:
            continue
        acc = 0.0j
        for j in range(D):
            acc += rho[b, i, j] * psi[pb, j]
        s += ci * acc
    return s.real


@jit
def expect_ket(rho, psi):
    """<psi_b| rho_b |psi_b> (real part); psi has shape (B, D) or (1, D) (broadcast)."""
    out = np.empty(rho.shape[0], dtype=np.float64)
    step = 0 if psi.shape[0] == 1 else 1
    for b in range(rho.shape[0]):
        out[b] = _expect_ket_one(rho, psi, b, b * step)
    return out


@jit(parallel=True)
def expect_ket_parallel(rho, psi):
    """Threaded :func:`expect_ket`."""
    out = np.empty(rho.shape[0], dtype=np.float64)
    step = 0 if psi.shape[0] == 1 else 1
    for b in prange(rho.shape[0]):
        out[b] = _expect_ket_one(rho, psi, b, b * step)
    return out


@jit(parallel=True)
def apply_superop_inplace_rows(mat, vals, oidx, iidx, base, offs):
    """Apply one sparse superoperator in place to each ``mat[b]``, threads over block rows.

    For a few large registers (where threading over the batch would leave cores idle):
    the blocks ``(r, c)`` are disjoint, so rows of blocks can be updated concurrently.
    """
    d = offs.shape[0]
    dd = d * d
    nrest = base.shape[0]
    nnz = vals.shape[0]
    for b in range(mat.shape[0]):
        for r in prange(nrest):
            blk = np.empty(dd, dtype=np.complex128)
            nb = np.empty(dd, dtype=np.complex128)
            br = base[r]
            for c in range(nrest):
                bc = base[c]
                for i in range(d):
                    for j in range(d):
                        blk[i * d + j] = mat[b, br + offs[i], bc + offs[j]]
                for t in range(dd):
                    nb[t] = 0.0
                for e in range(nnz):
                    nb[oidx[e]] += vals[e] * blk[iidx[e]]
                for i in range(d):
                    for j in range(d):
                        mat[b, br + offs[i], bc + offs[j]] = nb[i * d + j]



# ---------------------------------------------------------------------------------------------
# Kernels for run_split: serial over the states lo:hi (run_split spreads the chunks over the
# caller and helper threads). Whole-register kernels with the state check built in (registers
# of up to three qubits, where a sequence folds into one superoperator S on vec(rho)). Each
# reads a state once: load it, check it (qnet_core._checks) when ``check``, compute, write.
# States may have any strides (a sliced or broadcast batch is not copied). They return the
# index of the first state that failed the check (-1 if none, or if ``check`` is False); every
# state's result is written either way. Two-qubit states use the dense 16 x 16 S (``s_re``/``s_im`` hold S transposed,
# ``s_re[c, k] = Re S[k, c]``) on the state split into real and imaginary parts; larger ones
# use S in CSR form (``rowptr``, ``col``, values ``v_re + 1j v_im``). ``real`` says Im S = 0.


@jit(inline="always")
def _superop_4x4_real(x, out, b, s_re):
    """out[b] = S vec(rho_b) for one two-qubit state split in ``x``; S real, dense 16 x 16.

    The loop over outputs ``k`` is vectorized; each output sums in four interleaved partial
    sums so that no chain of 16 dependent multiply-adds sets the pace.
    """
    for k in range(16):
        r0 = r1 = r2 = r3 = 0.0
        i0 = i1 = i2 = i3 = 0.0
        for c in range(0, 16, 4):
            s0 = s_re[c, k]
            s1 = s_re[c + 1, k]
            s2 = s_re[c + 2, k]
            s3 = s_re[c + 3, k]
            r0 += s0 * x[c]
            r1 += s1 * x[c + 1]
            r2 += s2 * x[c + 2]
            r3 += s3 * x[c + 3]
            i0 += s0 * x[16 + c]
            i1 += s1 * x[17 + c]
            i2 += s2 * x[18 + c]
            i3 += s3 * x[19 + c]
        out[b, k] = complex((r0 + r1) + (r2 + r3), (i0 + i1) + (i2 + i3))


@jit(inline="always")
def _superop_4x4(x, out, b, s_re, s_im):
    """out[b] = S vec(rho_b) for one two-qubit state split in ``x``; S complex, dense 16 x 16."""
    for k in range(16):
        r0 = r1 = 0.0
        i0 = i1 = 0.0
        for c in range(0, 16, 2):
            a0 = s_re[c, k]
            b0 = s_im[c, k]
            a1 = s_re[c + 1, k]
            b1 = s_im[c + 1, k]
            r0 += a0 * x[c] - b0 * x[16 + c]
            i0 += a0 * x[16 + c] + b0 * x[c]
            r1 += a1 * x[c + 1] - b1 * x[17 + c]
            i1 += a1 * x[17 + c] + b1 * x[c + 1]
        out[b, k] = complex(r0 + r1, i0 + i1)


@jit(inline="always")
def _superop_4x4_ell(x, out, b, e_re, e_im, col, real):
    """out[b] = S vec(rho_b) for one two-qubit state split in ``x``; S sparse, in ELL form.

    Physical channels on two qubits have sparse superoperators (a depolarizing, an amplitude
    damping and a dephasing channel fuse into 24 non-zeros of 256, at most two per row).
    Row ``o`` of S is stored as ``W = e_re.shape[1]`` (2 or 4) entries ``e_re[o, w] + 1j
    e_im[o, w]`` at columns ``col[o * W + w]``, padded with zeros; a fixed width keeps the
    loop free of branches.
    """
    W = e_re.shape[1]
    for o in range(16):
        ar = 0.0
        ai = 0.0
        if W == 2:
            c0 = col[2 * o]
            c1 = col[2 * o + 1]
            v0 = e_re[o, 0]
            v1 = e_re[o, 1]
            ar = v0 * x[c0] + v1 * x[c1]
            ai = v0 * x[16 + c0] + v1 * x[16 + c1]
            if not real:
                w0 = e_im[o, 0]
                w1 = e_im[o, 1]
                ar -= w0 * x[16 + c0] + w1 * x[16 + c1]
                ai += w0 * x[c0] + w1 * x[c1]
        else:
            for w in range(W):
                c = col[W * o + w]
                v = e_re[o, w]
                ar += v * x[c]
                ai += v * x[16 + c]
                if not real:
                    u = e_im[o, w]
                    ar -= u * x[16 + c]
                    ai += u * x[c]
        out[b, o] = complex(ar, ai)


@jit(inline="always")
def _superop_csr(x, out, b, D, rowptr, col, v_re, v_im, real):
    """out[b] = S vec(rho_b) for one state in the complex scratch ``x`` (CSR S)."""
    for o in range(D * D):
        ar = 0.0
        ai = 0.0
        if real:
            for e in range(rowptr[o], rowptr[o + 1]):
                v = v_re[e]
                z = x[col[e]]
                ar += v * z.real
                ai += v * z.imag
        else:
            for e in range(rowptr[o], rowptr[o + 1]):
                z = x[col[e]]
                ar += v_re[e] * z.real - v_im[e] * z.imag
                ai += v_re[e] * z.imag + v_im[e] * z.real
        out[b, o] = complex(ar, ai)


@jit(inline="always")
def _superop_range(rho, out, lo, hi, s_re, s_im, rowptr, col, v_re, v_im, real, check, atol, tol):
    D = rho.shape[1]
    bad = -1
    if D == 4:
        x4 = np.empty(32, dtype=np.float64)
        ell = s_re.shape[1] != 16  # sparse S in ELL form (see ops._whole_register), else dense
        for b in range(lo, hi):
            load_4x4(rho, b, x4)
            if check and bad < 0 and not check_4x4(x4, atol, tol):
                bad = b
            if ell:
                _superop_4x4_ell(x4, out, b, s_re, s_im, col, real)
            elif real:
                _superop_4x4_real(x4, out, b, s_re)
            else:
                _superop_4x4(x4, out, b, s_re, s_im)
        return bad
    x = np.empty(D * D, dtype=np.complex128)
    tmp = np.empty(D * D, dtype=np.complex128)
    for b in range(lo, hi):
        load_state(rho, b, D, x)
        if check and bad < 0 and not check_state(x, D, atol, tol, tmp):
            bad = b
        _superop_csr(x, out, b, D, rowptr, col, v_re, v_im, real)
    return bad


@jit(fastmath={"contract"})
def apply_whole(rho, out, lo, hi, s_re, s_im, rowptr, col, v_re, v_im, real, check, atol, tol):
    """out[b] = S vec(rho[b]) for b in ``lo:hi`` (``rho`` ``(B, D, D)``, ``out`` ``(B, D*D)``); see above."""
    return _superop_range(rho, out, lo, hi, s_re, s_im, rowptr, col, v_re, v_im, real, check, atol, tol)


@jit(inline="always")
def _trace_product_range(rho, w, res, lo, hi, check, atol, tol):
    """res[b] = Re sum_k w[k] vec(rho[b])[k] = Re tr(W rho[b]) for ``w = vec(W^T)``."""
    D = rho.shape[1]
    bad = -1
    if D == 4:
        x4 = np.empty(32, dtype=np.float64)
        for b in range(lo, hi):
            load_4x4(rho, b, x4)
            if check and bad < 0 and not check_4x4(x4, atol, tol):
                bad = b
            a0 = a1 = a2 = a3 = 0.0
            for k in range(0, 16, 4):
                a0 += w[k].real * x4[k] - w[k].imag * x4[16 + k]
                a1 += w[k + 1].real * x4[k + 1] - w[k + 1].imag * x4[17 + k]
                a2 += w[k + 2].real * x4[k + 2] - w[k + 2].imag * x4[18 + k]
                a3 += w[k + 3].real * x4[k + 3] - w[k + 3].imag * x4[19 + k]
            res[b] = (a0 + a1) + (a2 + a3)
        return bad
    x = np.empty(D * D, dtype=np.complex128)
    tmp = np.empty(D * D, dtype=np.complex128)
    for b in range(lo, hi):
        load_state(rho, b, D, x)
        if check and bad < 0 and not check_state(x, D, atol, tol, tmp):
            bad = b
        acc = 0.0
        for k in range(D * D):
            acc += w[k].real * x[k].real - w[k].imag * x[k].imag
        res[b] = acc
    return bad


@jit(fastmath={"contract"})
def trace_products(rho, w, res, lo, hi, check, atol, tol):
    """res[b] = Re tr(W rho[b]) for b in ``lo:hi`` (``w = vec(W^T)``, ``rho`` ``(B, D, D)``); see above."""
    return _trace_product_range(rho, w, res, lo, hi, check, atol, tol)


@jit
def fill_rows(row, out, lo, hi):
    """out[b] = row for b in ``lo:hi`` (``out`` C-contiguous ``(B, K)``): a broadcast result written out."""
    for b in range(lo, hi):
        for k in range(out.shape[1]):
            out[b, k] = row[k]
    return -1

