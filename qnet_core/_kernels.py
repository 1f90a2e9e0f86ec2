"""Compiled kernels of the density-matrix engine (private).

Conventions shared by every kernel:

* States arrive as contiguous complex128 arrays ``(B, D, D)`` (one leading batch axis).
* An operation on ``m`` target qubits of an ``n``-qubit register is described by two
  integer index maps computed once in Python (see ``qnet_core.ops._index_maps``):
  ``base[r]`` (length ``D / d``) is the full index of "rest" configuration ``r`` with the
  target bits set to zero, and ``offs[i]`` (length ``d = 2**m``) is the contribution of
  target configuration ``i``. Full index = ``base[r] + offs[i]``. This contracts only the
  target qubits; no ``D x D`` operator is ever formed.
* Kernels never validate their inputs and never raise for user errors; the public
  functions in ``qnet_core.ops`` do that once at the boundary.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

# Batches with at least this many complex entries in total use the threaded drivers.
PARALLEL_MIN_ENTRIES = 1 << 15


def num_chunks(batch: int) -> int:
    """Number of contiguous batch chunks handed to the threaded drivers."""
    import numba

    return max(1, min(batch, 4 * numba.get_num_threads()))


@njit(cache=True, inline="always")
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


@njit(cache=True)
def apply_superops_serial(rho, out, vals, oidx, iidx, op_start, base_all, base_start, offs_all,
                          offs_start, dims, maxdd):
    """out[b] = S_K ... S_1 (rho[b]) for sparse superoperators S_k; serial driver."""
    blk = np.empty(maxdd, dtype=np.complex128)
    nb = np.empty(maxdd, dtype=np.complex128)
    for b in range(rho.shape[0]):
        out[b, :, :] = rho[b]
        _superops_one_state(out[b], vals, oidx, iidx, op_start, base_all, base_start, offs_all,
                            offs_start, dims, blk, nb)


@njit(cache=True, parallel=True)
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


@njit(cache=True, inline="always")
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


@njit(cache=True, parallel=True)
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


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True, inline="always")
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


@njit(cache=True)
def expect_ket(rho, psi):
    """<psi_b| rho_b |psi_b> (real part); psi has shape (B, D) or (1, D) (broadcast)."""
    out = np.empty(rho.shape[0], dtype=np.float64)
    step = 0 if psi.shape[0] == 1 else 1
    for b in range(rho.shape[0]):
        out[b] = _expect_ket_one(rho, psi, b, b * step)
    return out


@njit(cache=True, parallel=True)
def expect_ket_parallel(rho, psi):
    """Threaded :func:`expect_ket`."""
    out = np.empty(rho.shape[0], dtype=np.float64)
    step = 0 if psi.shape[0] == 1 else 1
    for b in prange(rho.shape[0]):
        out[b] = _expect_ket_one(rho, psi, b, b * step)
    return out


@njit(cache=True)
def _coo_range(rho2, out2, oidx, iidx, vals, lo, hi):
    nrow = rho2.shape[1]
    nnz = vals.shape[0]
    for b in range(lo, hi):
        for r in range(nrow):
            out2[b, r] = 0.0
        for e in range(nnz):
            out2[b, oidx[e]] += vals[e] * rho2[b, iidx[e]]


@njit(cache=True)
def apply_coo_serial(rho2, out2, oidx, iidx, vals):
    """out2[b] = S @ rho2[b] for a sparse (COO) superoperator acting on the whole vec(rho)."""
    _coo_range(rho2, out2, oidx, iidx, vals, 0, rho2.shape[0])


@njit(cache=True, parallel=True)
def apply_coo_parallel(rho2, out2, oidx, iidx, vals, nchunks):
    """Threaded :func:`apply_coo_serial` over ``nchunks`` contiguous chunks of the batch."""
    B = rho2.shape[0]
    for ch in prange(nchunks):
        _coo_range(rho2, out2, oidx, iidx, vals, (B * ch) // nchunks, (B * (ch + 1)) // nchunks)


@njit(cache=True, inline="always")
def _trace_product_one(rho2, w, b):
    acc = 0.0
    for k in range(w.shape[0]):
        acc += w[k].real * rho2[b, k].real - w[k].imag * rho2[b, k].imag
    return acc


@njit(cache=True)
def trace_products(rho2, w):
    """Re sum_k w[k] rho2[b, k] for each b: tr(W rho_b) with w = vec(W^T)."""
    out = np.empty(rho2.shape[0], dtype=np.float64)
    for b in range(rho2.shape[0]):
        out[b] = _trace_product_one(rho2, w, b)
    return out


@njit(cache=True, parallel=True)
def trace_products_parallel(rho2, w):
    """Threaded :func:`trace_products`."""
    out = np.empty(rho2.shape[0], dtype=np.float64)
    for b in prange(rho2.shape[0]):
        out[b] = _trace_product_one(rho2, w, b)
    return out


@njit(cache=True, parallel=True)
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
