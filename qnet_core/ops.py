"""Operations on density matrices: unitaries, Kraus channels, partial trace, permutations.

Every function accepts a single state ``(2**n, 2**n)`` or a batch ``(..., 2**n, 2**n)``
and returns the same leading shape. Qubit 0 is the most significant bit of the basis
index (QuTiP's tensor order). An operator on ``targets = (q0, q1, ...)`` uses ``q0`` as
the most significant bit of *its* index, so ``apply_unitary(rho, CNOT, (2, 0))`` controls
on qubit 2 and targets qubit 0.

Only the target qubits are contracted: cost is O(4**n * nnz / 4**m) for an m-qubit
superoperator with nnz non-zero entries, never O(8**n).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from . import _checks, _kernels
from ._args import count
from .errors import ChannelError, DimensionError, ParameterError, QubitIndexError
from .states import _MAX_QUBITS
from .validation import (DEFAULT_ATOL, _as_complex_array, _numeric, as_array,
                         as_density_matrix, as_kraus, as_square_operator, as_states,
                         check_states, check_states_reference, check_targets, check_unitary, unique_states,
                         validate_mode)

__all__ = [
    "apply_unitary",
    "apply_kraus",
    "apply_superoperator",
    "kraus_to_superoperator",
    "OperationSequence",
    "partial_trace",
    "partial_transpose",
    "permute_qubits",
    "num_qubits",
]

# Target sets up to this size go through the sparse-superoperator kernel; larger ones use
# the dense Kraus kernel (the superoperator has 16**m entries).
_SUPEROP_MAX_QUBITS = 3
_SPARSE_EPS = 1e-15
# Registers up to this size fold a whole sequence into one CSR superoperator on vec(rho).
_CSR_MAX_QUBITS = 3
#: A two-qubit superoperator with at most this many non-zeros in every row runs in ELL form
#: (fixed-width sparse rows); denser ones as a dense 16 x 16 product.
_ELL_MAX_WIDTH = 4
# Fewer states than this, each of at least 6 qubits: thread over block rows instead of the batch.
_ROWS_PARALLEL_MAX_BATCH = 8
# Operation sequences built by apply_kraus / apply_unitary / apply_superoperator, by operator bytes.
_SEQ_CACHE: dict = {}
_SEQ_CACHE_SIZE = 128


def _bit_offsets(n: int, qubits) -> np.ndarray:
    """Full basis index contributed by each configuration of ``qubits`` (qubits[0] = MSB)."""
    m = len(qubits)
    pos = [n - 1 - q for q in qubits]  # bit position of each qubit in the register index
    offs = np.zeros(1 << m, dtype=np.int64)
    for i in range(1 << m):
        offs[i] = sum(1 << p for k, p in enumerate(pos) if (i >> (m - 1 - k)) & 1)
    offs.setflags(write=False)
    return offs


@lru_cache(maxsize=4096)
def _index_maps(n: int, targets: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Return (base, offs) index maps for ``targets`` in an n-qubit register (see _kernels)."""
    rest = [q for q in range(n) if q not in targets]
    return _bit_offsets(n, rest), _bit_offsets(n, targets)


def num_qubits(rho: ArrayLike) -> int:
    """Number of qubits of a state or batch of states ``(..., 2**n, 2**n)``.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        State, batch of states or any square operator; only its shape is read.

    Returns
    -------
    int
        n, the base-2 logarithm of the last dimension (DimensionError if not a power of two).
    """
    try:
        shape = np.shape(rho)
    except ValueError:  # a ragged nested list
        raise DimensionError("num_qubits(): rho is a ragged nested list; expected an array (..., 2**n, 2**n)") from None
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise DimensionError(f"num_qubits(): expected (..., 2**n, 2**n), got shape {shape}")
    d = shape[-1]
    if d < 1 or d & (d - 1):
        raise DimensionError(f"num_qubits(): dimension {d} is not a power of two")
    return d.bit_length() - 1


def _targets_or_empty(qubits, n: int, name: str, owner: str) -> tuple[int, ...]:
    """Like :func:`check_targets`, but an empty sequence is allowed and gives ``()``."""
    if not isinstance(qubits, (numbers.Integral, np.integer, str, bytes)):
        try:
            seq = tuple(qubits)
        except TypeError:
            seq = None
        if seq is not None and len(seq) == 0:
            return ()
        if seq is not None:
            qubits = seq
    return check_targets(qubits, n, name=name, owner=owner)


def _flatten_batch(arr: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]]:
    batch = arr.shape[:-2]
    return arr.reshape((-1,) + arr.shape[-2:]), batch


def kraus_to_superoperator(kraus: ArrayLike, validate: bool | str = True) -> np.ndarray:
    """Superoperator ``S = sum_k K_k (x) conj(K_k)`` acting on row-major ``vec(rho)``.

    With ``vec(rho)[i*d + j] = rho[i, j]``, ``vec(K rho K^dag) = S vec(rho)``.

    Parameters
    ----------
    kraus : array_like, shape (k, 2**m, 2**m) or (2**m, 2**m)
        Kraus operators (a single matrix counts as k = 1), finite.
    validate : bool or "full", default True
        Check trace preservation, ``sum_k K_k^dag K_k = I``; ``False`` checks shape and
        finiteness only (e.g. for one branch of a measurement, a trace-decreasing map).

    Returns
    -------
    numpy.ndarray, complex128, shape (d**2, d**2)
        The superoperator ``S``, ``d = 2**m``.

    Examples
    --------
    >>> from qnet_core.gates import X
    >>> kraus_to_superoperator(X).shape
    (4, 4)
    """
    owner = "kraus_to_superoperator"
    k, _ = as_kraus(kraus, "kraus", owner, validate=bool(validate_mode(validate, owner)))
    return _kraus_to_superoperator(k)


def _kraus_to_superoperator(k: np.ndarray) -> np.ndarray:
    """``sum_k K_k (x) conj(K_k)`` of a checked Kraus array ``(k, d, d)``."""
    d = k.shape[-1]
    return np.einsum("aik,ajl->ijkl", k, np.conj(k)).reshape(d * d, d * d)


def _sparse_cost(n: int, nnz: int, m: int) -> int:
    """Kernel work estimate: blocks * (gather + scatter + multiply-adds)."""
    rest = 1 << (2 * (n - m))
    return rest * (2 * (1 << (2 * m)) + nnz)


def _embed_superop(S: np.ndarray, targets: tuple, union: tuple) -> np.ndarray:
    """Superoperator ``S`` (on ``targets``) as an operator on the small register ``union``.

    Axes of the result, reshaped to qubit legs, are (out-row, out-col, in-row, in-col),
    each in ``union`` order; qubits of ``union`` not in ``targets`` get the identity.
    """
    m = len(targets)
    u = len(union)
    rest = [q for q in union if q not in targets]
    r = len(rest)
    A = S.reshape((2,) * (4 * m))
    E = np.eye(1 << (2 * r), dtype=np.complex128).reshape((2,) * (4 * r))
    full = np.multiply.outer(A, E)  # legs: orT ocT irT icT orR ocR irR icR
    leg = {}
    for g in range(4):  # 0 out-row, 1 out-col, 2 in-row, 3 in-col
        for i, q in enumerate(targets):
            leg[(g, q)] = g * m + i
        for i, q in enumerate(rest):
            leg[(g, q)] = 4 * m + g * r + i
    perm = [leg[(g, q)] for g in range(4) for q in union]
    du = 1 << u
    return np.ascontiguousarray(np.transpose(full, perm)).reshape(du * du, du * du)


def _try_fuse(n: int, first, second):
    """Fuse two consecutive superoperators into one on the union of their targets, if cheaper."""
    S1, t1 = first
    S2, t2 = second
    union = tuple(t1) + tuple(q for q in t2 if q not in t1)
    if len(union) > _SUPEROP_MAX_QUBITS:
        return None
    F = _embed_superop(S2, t2, union) @ _embed_superop(S1, t1, union)
    nnz = lambda A: int(np.count_nonzero(np.abs(A) > _SPARSE_EPS))
    cost_sep = _sparse_cost(n, nnz(S1), len(t1)) + _sparse_cost(n, nnz(S2), len(t2))
    if _sparse_cost(n, nnz(F), len(union)) > cost_sep:
        return None
    return F, union


def _fill_broadcast(out: np.ndarray, small: np.ndarray) -> None:
    """``out[...] = small`` broadcast; one distinct state is written by a compiled (threaded) fill."""
    if small.size != small.shape[-1] * small.shape[-2]:
        np.copyto(out, small)
        return
    out2 = out.reshape(-1, small.size)
    row = small.reshape(-1)
    if out.size >= _kernels.PARALLEL_MIN_ENTRIES:
        _kernels.run_split(lambda lo, hi: _kernels.fill_rows(row, out2, lo, hi), out2.shape[0])
    else:
        _kernels.fill_rows(row, out2, 0, out2.shape[0])


def _whole_register(full: np.ndarray) -> tuple:
    """Kernel arguments for a superoperator on the whole register (see ``_kernels.apply_whole``).

    Entries below ``_SPARSE_EPS`` are dropped; larger registers use the CSR form (``rowptr``,
    ``col``, ``v_re``, ``v_im``). A two-qubit superoperator is either dense (``s_re``,
    ``s_im``: S transposed, 16 x 16) or, with at most ``_ELL_MAX_WIDTH`` non-zeros per row as
    most fused physical channels have, in ELL form: ``s_re``/``s_im`` of shape (16, W) hold
    each row's entries and ``col`` their columns, padded with zero entries.
    """
    keep = np.abs(full) > _SPARSE_EPS
    oi, ii = np.nonzero(keep)  # row-major order: CSR order
    per_row = keep.sum(axis=1)
    rowptr = np.concatenate([[0], np.cumsum(per_row)]).astype(np.int64)
    vals = full[oi, ii]
    real = not bool(np.any(vals.imag))
    if full.shape[0] == 16:
        width = int(per_row.max(initial=0))
        if width <= _ELL_MAX_WIDTH:
            W = 2 if width <= 2 else _ELL_MAX_WIDTH
            e = np.zeros((16, W), dtype=np.complex128)
            col = np.zeros((16, W), dtype=np.int64)
            for o in range(16):
                cols = ii[rowptr[o]:rowptr[o + 1]]
                e[o, :len(cols)] = vals[rowptr[o]:rowptr[o + 1]]
                col[o, :len(cols)] = cols
                col[o, len(cols):] = cols[0] if len(cols) else 0  # pad: weight 0 on a used column
            return (np.ascontiguousarray(e.real), np.ascontiguousarray(e.imag), rowptr, col.reshape(-1),
                    np.zeros(0), np.zeros(0), real)
        dense = np.where(keep, full, 0.0)
        s_re, s_im = np.ascontiguousarray(dense.real.T), np.ascontiguousarray(dense.imag.T)
    else:
        s_re = s_im = np.zeros((0, 0))
    return (s_re, s_im, rowptr, ii.astype(np.int64), np.ascontiguousarray(vals.real),
            np.ascontiguousarray(vals.imag), real)


def _push_sparse(groups: list, n: int, S: np.ndarray, t: tuple) -> None:
    m = len(t)
    base, offs = _index_maps(n, t)
    oi, ii = np.nonzero(np.abs(S) > _SPARSE_EPS)
    entry = (S[oi, ii], oi.astype(np.int64), ii.astype(np.int64), base, offs, 1 << m)
    if groups and groups[-1][0] == "sparse":
        groups[-1][1].append(entry)
    else:
        groups.append(("sparse", [entry]))


class OperationSequence:
    """A fixed sequence of channels on fixed targets, compiled once and applied many times.

    Each step is ``(operator, targets)`` where the operator is a Kraus set
    ``(k, 2**m, 2**m)`` (a single unitary ``(2**m, 2**m)`` is a one-operator set). Steps
    with up to three target qubits are converted to sparse superoperators and the whole
    sequence runs in one compiled pass per state, while the state is in cache.

    Parameters
    ----------
    num_qubits : int
        Register size n of the states the sequence will act on, 1 to 14 (the dense limit).
    steps : sequence of (array_like, sequence of int)
        Kraus operators and ordered target qubits, applied first to last.
    validate : bool, default True
        Check that each Kraus set is trace preserving and targets are valid. (The states are
        checked by :meth:`apply` and :meth:`expectation`, by their own ``validate``.)

    Examples
    --------
    >>> import qnet_core as qc
    >>> from qnet_core.gates import X
    >>> seq = OperationSequence(2, [(X, (0,)), (X, (1,))])
    >>> float(qc.fidelity(seq.apply(qc.basis_state("00")), qc.basis_state("11")))
    1.0
    """

    __slots__ = ("num_qubits", "_groups", "_pending_log", "_steps", "_adj_cache")

    def __init__(self, num_qubits: int, steps: Sequence[tuple[ArrayLike, int | Sequence[int]]], validate: bool = True,
                 *, _owner: str = "OperationSequence"):
        self.num_qubits = count(num_qubits, "num_qubits", _owner, lo=1, hi=_MAX_QUBITS,
                                what="the register size of dense density matrices")
        n = self.num_qubits
        validate = validate_mode(validate, _owner)
        if isinstance(steps, (str, bytes)) or not isinstance(steps, (Sequence, np.ndarray)):
            raise ParameterError(f"{_owner}(): steps={steps!r} must be a sequence of (kraus, targets) pairs")
        self._pending_log = []
        self._steps = []
        self._adj_cache = None
        groups = []  # list of ("sparse", [entry, ...]) or ("dense", (kraus, base, offs))
        pending = None  # (superop, targets) being fused
        for step_no, step in enumerate(steps):
            try:
                op, targets = step
            except (TypeError, ValueError):
                raise DimensionError(
                    f"OperationSequence(): step {step_no} must be a pair (kraus, targets), got {step!r}"
                ) from None
            kraus, m = as_kraus(op, name="kraus" if _owner != "OperationSequence" else f"step {step_no} operator",
                                owner=_owner, validate=validate)
            t = check_targets(targets, n, name="targets" if _owner != "OperationSequence" else f"step {step_no} targets",
                              owner=_owner, expected=m)
            self._steps.append((kraus, t))
            if m > _SUPEROP_MAX_QUBITS:
                if pending is not None:
                    _push_sparse(groups, n, *pending)
                    pending = None
                base, offs = _index_maps(n, t)
                groups.append(("dense", (kraus, base, offs)))
                continue
            S = _kraus_to_superoperator(kraus)
            self._pending_log.append((S, t))
            if pending is None:
                pending = (S, t)
                continue
            fused = _try_fuse(n, pending, (S, t))
            if fused is not None:
                pending = fused
            else:
                _push_sparse(groups, n, *pending)
                pending = (S, t)
        self._compile(groups, pending)

    @classmethod
    def _from_superoperator(cls, num_qubits: int, S: np.ndarray, targets: tuple) -> "OperationSequence":
        """One-step sequence from a checked superoperator ``S`` on ``targets`` (no Kraus form kept)."""
        seq = object.__new__(cls)
        seq.num_qubits = int(num_qubits)
        seq._pending_log = [(S, targets)]
        seq._steps = None  # no Kraus operators: adjoint_observable is not available
        seq._adj_cache = None
        seq._compile([], (S, targets))
        return seq

    def _compile(self, groups: list, pending) -> None:
        """Pack the kernel groups; small registers fold everything into one superoperator."""
        n = self.num_qubits
        if pending is not None:
            _push_sparse(groups, n, *pending)
        if n <= _CSR_MAX_QUBITS and all(kind == "sparse" for kind, _ in groups) and len(groups) <= 1:
            # Small register: fold the whole sequence into one superoperator on vec(rho), applied
            # (and each state checked) in one compiled pass per state.
            full = np.eye(1 << (2 * n), dtype=np.complex128)
            allq = tuple(range(n))
            for S, t in self._pending_log:
                full = _embed_superop(S, t, allq) @ full
            self._groups = [("whole", _whole_register(full))]
            return
        # Pre-pack each sparse group into flat arrays for the kernel.
        packed = []
        for kind, payload in groups:
            if kind == "dense":
                packed.append(("dense", payload))
                continue
            vals = np.concatenate([e[0] for e in payload]).astype(np.complex128)
            oidx = np.concatenate([e[1] for e in payload])
            iidx = np.concatenate([e[2] for e in payload])
            op_start = np.cumsum([0] + [len(e[0]) for e in payload]).astype(np.int64)
            base_all = np.concatenate([e[3] for e in payload]).astype(np.int64)
            base_start = np.cumsum([0] + [len(e[3]) for e in payload]).astype(np.int64)
            offs_all = np.concatenate([e[4] for e in payload]).astype(np.int64)
            offs_start = np.cumsum([0] + [len(e[4]) for e in payload]).astype(np.int64)
            dims = np.array([e[5] for e in payload], dtype=np.int64)
            maxdd = int(np.max(dims) ** 2)
            packed.append(("sparse", (vals, oidx, iidx, op_start, base_all, base_start, offs_all,
                                      offs_start, dims, maxdd)))
        self._groups = packed

    def _apply_flat(self, flat: np.ndarray, out_final: np.ndarray | None = None) -> np.ndarray:
        cur = flat
        for g, (kind, payload) in enumerate(self._groups):
            last = g == len(self._groups) - 1
            out = out_final if (last and out_final is not None) else np.empty_like(cur)
            if kind == "whole":
                self._run_whole(cur, out, False, DEFAULT_ATOL)
            elif kind == "sparse" and cur.shape[0] < _ROWS_PARALLEL_MAX_BATCH and cur.shape[-1] >= 64:
                out[...] = cur
                vals, oidx, iidx, op_start, base_all, base_start, offs_all, offs_start, dims, _ = payload
                for k in range(dims.shape[0]):
                    _kernels.apply_superop_inplace_rows(
                        out, vals[op_start[k]:op_start[k + 1]], oidx[op_start[k]:op_start[k + 1]],
                        iidx[op_start[k]:op_start[k + 1]], base_all[base_start[k]:base_start[k + 1]],
                        offs_all[offs_start[k]:offs_start[k + 1]])
            elif kind == "sparse":
                if cur.size >= _kernels.PARALLEL_MIN_ENTRIES:
                    _kernels.apply_superops_parallel(cur, out, *payload, _kernels.num_chunks(cur.shape[0]))
                else:
                    _kernels.apply_superops_serial(cur, out, *payload)
            else:
                kraus, base, offs = payload
                _kernels.apply_kraus_dense(cur, out, kraus, base, offs, _kernels.num_chunks(cur.shape[0]))
            cur = out
        return cur

    def __repr__(self) -> str:
        return f"OperationSequence(num_qubits={self.num_qubits}, steps={len(self._steps)})"

    def adjoint_observable(self, observable: ArrayLike) -> np.ndarray:
        """Heisenberg-picture observable ``E^dag(O) = sum K^dag O K`` (steps in reverse order).

        ``tr(O E(rho)) = tr(E^dag(O) rho)`` for every state, so expectation values after the
        sequence need only one pass over the states and no output states are written.

        Parameters
        ----------
        observable : array_like, shape (2**n, 2**n)
            Operator O on the sequence's ``num_qubits`` qubits (usually Hermitian).

        Returns
        -------
        numpy.ndarray, complex128, shape (2**n, 2**n)
            ``E^dag(O)``; a copy of ``O`` for an empty sequence.
        """
        O, n = as_square_operator(observable, name="observable", owner="OperationSequence.expectation")
        if n != self.num_qubits or O.ndim != 2:
            raise DimensionError(
                f"OperationSequence.expectation(): observable has shape {O.shape}; expected "
                f"({1 << self.num_qubits}, {1 << self.num_qubits})"
            )
        adj = [(np.conj(np.swapaxes(k, -1, -2)), t) for k, t in reversed(self._steps)]
        if not adj:
            return O.copy()
        # The adjoint map is unital, not trace preserving: skip the CPTP check.
        seq = OperationSequence(self.num_qubits, adj, validate=False)
        return seq._apply_flat(np.ascontiguousarray(O[None]))[0]

    def expectation(self, rho: ArrayLike, observable: ArrayLike, validate: bool | str = True) -> float | np.ndarray:
        """``tr(O E(rho))`` for every state in the batch, without materializing ``E(rho)``.

        Parameters
        ----------
        rho : array_like, shape (..., 2**n, 2**n)
            Any strides; a batch broadcast along an axis (stride 0) is computed once per
            distinct state.
        observable : array_like, shape (2**n, 2**n)
            Hermitian observable O (e.g. a projector ``|psi><psi|`` for a fidelity).
        validate : bool or "full", default True
            Check the states: compiled checks in the same pass as the trace products
            (True), with eigenvalues ("full") or not at all (False).

        Returns
        -------
        numpy.ndarray of float, shape (...) (real part; exact for Hermitian O), or a float
        for a single state

        Examples
        --------
        >>> import qnet_core as qc
        >>> from qnet_core.gates import X
        >>> seq = OperationSequence(2, [(X, (1,))])
        >>> round(float(seq.expectation(qc.bell_state("psi+"), qc.bell_state("phi+"))), 12)
        1.0
        """
        owner = "OperationSequence.expectation"
        mode = validate_mode(validate, owner)
        arr, n = self._states(rho, owner)
        O = np.ascontiguousarray(as_array(observable, "operator", "observable", owner), dtype=np.complex128)
        key = O.tobytes()
        if self._adj_cache is not None and self._adj_cache[0] == key:
            w = self._adj_cache[1]
        else:
            W = self.adjoint_observable(O)
            w = np.ascontiguousarray(W.T).reshape(-1)  # tr(W rho) = sum_ij W_ji rho_ij
            self._adj_cache = (key, w)
        if mode == "full":
            check_states(arr, owner=owner, validate="full")
        batch = arr.shape[:-2]
        u = unique_states(arr)
        d = arr.shape[-1]
        flat = u.reshape((-1, d, d))
        res = np.empty(flat.shape[0], dtype=np.float64)
        if flat.shape[0]:
            check = mode is True
            tol = _checks.positivity_tolerance(DEFAULT_ATOL, d)
            if flat.size >= _kernels.PARALLEL_MIN_ENTRIES:
                bad = _kernels.run_split(
                    lambda lo, hi: _kernels.trace_products(flat, w, res, lo, hi, check, DEFAULT_ATOL, tol),
                    flat.shape[0])
            else:
                bad = _kernels.trace_products(flat, w, res, 0, flat.shape[0], check, DEFAULT_ATOL, tol)
            if bad >= 0:
                check_states_reference(u, owner=owner)
        if not batch:
            return float(res[0])
        res = res.reshape(u.shape[:-2])
        return res if u is arr else np.broadcast_to(res, batch).copy()

    def apply(self, rho: ArrayLike, validate: bool | str = True, out: np.ndarray | None = None) -> np.ndarray:
        """Apply the sequence to a state or batch ``(..., 2**n, 2**n)``.

        Parameters
        ----------
        rho : array_like, shape (..., 2**n, 2**n)
            Any strides (read in place, not copied); a batch broadcast along an axis (stride
            0) is computed once per distinct state and the result filled in.
        validate : bool or "full", default True
            Check the states. True: compiled checks (finite, Hermitian, unit trace, positive
            semidefinite) in the same pass that applies the sequence, for registers of up to
            three qubits; "full": the eigenvalue reference; False: none.
        out : numpy.ndarray, optional
            A preallocated C-contiguous complex128 array of the same shape to write the
            result into (saves the allocation in hot loops); it must not overlap ``rho``.

        Returns
        -------
        numpy.ndarray, complex128, C-contiguous, writeable, shape of ``rho`` (``out`` if given)

        Raises
        ------
        DimensionError
            ``rho`` or ``out`` has the wrong shape, or ``out`` overlaps ``rho``.
        StateError
            A state is not a density matrix (the message gives its batch index).
        """
        owner = "OperationSequence.apply"
        mode = validate_mode(validate, owner)
        arr, _ = self._states(rho, owner)
        return self._apply_states(arr, mode, out, owner)

    def _states(self, rho, owner: str) -> tuple[np.ndarray, int]:
        """States as complex128 of any strides, with the register size this sequence acts on."""
        arr, n = as_states(rho, owner=owner)
        if n != self.num_qubits:
            raise DimensionError(
                f"{owner}(): state has {n} qubits but the sequence was built for {self.num_qubits}"
            )
        return arr, n

    def _apply_states(self, arr: np.ndarray, mode, out: np.ndarray | None, owner: str) -> np.ndarray:
        """Apply to complex128 states ``arr`` (shape-checked, any strides), checking them per ``mode``."""
        if out is not None:
            if (not isinstance(out, np.ndarray) or out.shape != arr.shape or out.dtype != np.complex128
                    or not out.flags.c_contiguous or not out.flags.writeable):
                raise DimensionError(
                    f"{owner}(): out must be a writeable C-contiguous complex128 array of shape {arr.shape}"
                )
            if np.shares_memory(out, arr):
                raise DimensionError(f"{owner}(): out must not overlap the input states")
        if mode == "full":
            check_states(arr, owner=owner, validate="full")
            mode = False  # checked
        res = out if out is not None else np.empty(arr.shape, dtype=np.complex128)
        if arr.size == 0:
            return res
        u = unique_states(arr)
        if u is not arr:  # broadcast batch: each distinct state once, then fill
            _fill_broadcast(res, self._apply_states(u, mode, None, owner))
            return res
        d = arr.shape[-1]
        flat = arr.reshape((-1, d, d))
        res_flat = res.reshape(flat.shape)
        if self._groups and self._groups[0][0] == "whole":
            if self._run_whole(flat, res_flat, mode is True, DEFAULT_ATOL) >= 0:
                check_states_reference(arr, owner=owner)
            return res
        if mode is True:
            check_states(arr, owner=owner)
        if self._groups:
            self._apply_flat(np.ascontiguousarray(flat), res_flat)
        else:
            res_flat[...] = flat
        return res

    def _run_whole(self, flat: np.ndarray, out: np.ndarray, check: bool, atol: float) -> int:
        """Whole-register kernel on ``flat`` ``(B, D, D)`` (any strides) into C-contiguous ``out``."""
        payload = self._groups[0][1]
        B, d = flat.shape[0], flat.shape[-1]
        out2 = out.reshape(B, d * d)
        tol = _checks.positivity_tolerance(atol, d)
        if flat.size >= _kernels.PARALLEL_MIN_ENTRIES:
            return _kernels.run_split(
                lambda lo, hi: _kernels.apply_whole(flat, out2, lo, hi, *payload, check, atol, tol), B)
        return _kernels.apply_whole(flat, out2, 0, B, *payload, check, atol, tol)


def apply_kraus(rho: ArrayLike, kraus: ArrayLike, targets: int | Sequence[int], validate: bool = True) -> np.ndarray:
    """Apply a Kraus channel ``rho -> sum_k K_k rho K_k^dag`` to the target qubits.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        State or batch of states.
    kraus : array_like, shape (k, 2**m, 2**m)
        Kraus operators (a single ``(2**m, 2**m)`` matrix counts as k = 1).
    targets : sequence of int
        The m distinct qubits acted on, in the operator's tensor order
        (``targets[0]`` is the most significant bit of the operator's index).
    validate : bool or "full", default True
        Check the targets, trace preservation and the states (compiled one-pass checks, in
        the same pass as the channel for up to three qubits; "full" adds eigenvalues). Hot
        loops that already validated may pass False.

    Returns
    -------
    numpy.ndarray, shape (..., 2**n, 2**n)

    Notes
    -----
    The compiled :class:`OperationSequence` of each ``(kraus, targets, n)`` is cached, so
    repeated calls with the same operators skip the setup.

    Examples
    --------
    >>> import numpy as np, qnet_core as qc
    >>> K = np.array([[[1, 0], [0, 0]], [[0, 0], [0, 1]]])   # full dephasing
    >>> np.round(qc.apply_kraus(qc.bell_state("phi+"), K, [0]).real, 2)[0]
    array([0.5, 0. , 0. , 0. ])
    """
    mode = validate_mode(validate, "apply_kraus")
    arr, n = as_states(rho, owner="apply_kraus")
    seq = _cached_sequence("apply_kraus", n, kraus, targets, mode)
    return seq._apply_states(arr, mode, None, "apply_kraus")


def apply_unitary(rho: ArrayLike, U: ArrayLike, targets: int | Sequence[int], validate: bool = True) -> np.ndarray:
    """Apply ``rho -> U rho U^dag`` with an m-qubit unitary ``U`` on ``targets``.

    See :func:`apply_kraus` for shapes, the target-order convention and ``validate`` (which
    here also checks that ``U`` is unitary).

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        State or batch of states.
    U : array_like, shape (2**m, 2**m)
        Unitary on the m target qubits.
    targets : sequence of int
        The m distinct qubits acted on, ``targets[0]`` the operator's most significant bit.
    validate : bool or "full", default True
        As in :func:`apply_kraus`; also checks that ``U`` is unitary.

    Returns
    -------
    numpy.ndarray, complex128, shape (..., 2**n, 2**n)
        The transformed state(s).

    Examples
    --------
    >>> import qnet_core as qc
    >>> from qnet_core.gates import H, CNOT
    >>> rho = qc.apply_unitary(qc.apply_unitary(qc.basis_state("00"), H, [0]), CNOT, [0, 1])
    >>> round(qc.fidelity(rho, qc.bell_state("phi+")), 12)
    1.0
    """
    mode = validate_mode(validate, "apply_unitary")
    arr, n = as_states(rho, owner="apply_unitary")
    seq = _cached_sequence("apply_unitary", n, U, targets, mode)
    return seq._apply_states(arr, mode, None, "apply_unitary")


def apply_superoperator(rho: ArrayLike, S: ArrayLike, targets: int | Sequence[int],
                        validate: bool = True) -> np.ndarray:
    """Apply a superoperator ``S`` (shape ``(4**m, 4**m)``, row-major vec) on ``targets``.

    ``vec(rho_sub)[i * 2**m + j] = rho_sub[i, j]``; the map is applied as given (it is
    checked to be trace preserving when ``validate``; complete positivity is the caller's
    business, e.g. via ``channels.Channel.from_superoperator``). ``validate`` checks the
    states as in :func:`apply_kraus` (True, "full" or False).

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        State or batch of states.
    S : array_like, shape (4**m, 4**m)
        Superoperator on the m target qubits, row-major vectorization.
    targets : sequence of int
        The m distinct qubits acted on, ``targets[0]`` the most significant bit.
    validate : bool or "full", default True
        Check the targets, trace preservation of ``S`` and the states; False skips.

    Returns
    -------
    numpy.ndarray, complex128, shape (..., 2**n, 2**n)
        The transformed state(s).
    """
    mode = validate_mode(validate, "apply_superoperator")
    arr, n = as_states(rho, owner="apply_superoperator")
    seq = _cached_sequence("apply_superoperator", n, S, targets, mode)
    return seq._apply_states(arr, mode, None, "apply_superoperator")


def _checked_superoperator(S, n: int, targets, validate) -> tuple[np.ndarray, tuple[int, ...]]:
    """``S`` as complex128 ``(4**m, 4**m)`` with checked targets (and trace preservation)."""
    S = np.ascontiguousarray(_numeric(as_array(S, "superoperator", "S", "apply_superoperator"), "S",
                                      "apply_superoperator"), dtype=np.complex128)
    if S.ndim != 2 or S.shape[0] != S.shape[1] or S.shape[0] < 4:
        raise DimensionError(f"apply_superoperator(): S has shape {S.shape}; expected (4**m, 4**m)")
    d2 = S.shape[0]
    d = int(round(np.sqrt(d2)))
    if d * d != d2 or d & (d - 1):
        raise DimensionError(f"apply_superoperator(): S has shape {S.shape}; expected (4**m, 4**m)")
    m = d.bit_length() - 1
    t = check_targets(targets, n, owner="apply_superoperator", expected=m)
    if validate:
        if not np.all(np.isfinite(S)):
            raise ChannelError(f"apply_superoperator(): S of shape {S.shape} contains NaN or inf; "
                               "a superoperator must be finite")
        # trace preservation: sum_i S[(i,i),(k,l)] = delta_kl
        tp = S.reshape(d, d, d, d)[np.arange(d), np.arange(d)].sum(axis=0)
        dev = float(np.max(np.abs(tp - np.eye(d))))
        if not dev <= 1e-10 * d:
            raise ChannelError(
                f"apply_superoperator(): S is not trace preserving (max deviation {dev:.3g})"
            )
    return S, t


def _cached_sequence(owner: str, n: int, op, targets, mode) -> "OperationSequence":
    """The compiled one-step sequence of ``apply_kraus`` / ``apply_unitary`` / ``apply_superoperator``.

    Cached by the operator's bytes, the targets, n and whether the operator was checked, so
    a cache hit skips the operator checks it already passed. Targets that are not plain
    integers are never cached (they go through the checks and their messages every time).
    """
    key = None
    try:
        a = op if isinstance(op, np.ndarray) else np.asarray(op)
    except (TypeError, ValueError):  # ragged or exotic: the checks below write the message
        a = _as_complex_array(op, {"apply_kraus": "kraus", "apply_unitary": "U"}.get(owner, "S"), owner)
    if isinstance(targets, (numbers.Integral, np.integer)) and not isinstance(targets, bool):
        targets = (int(targets),)
    if (a.dtype.kind in "biufc" and isinstance(targets, (tuple, list))
            and all(isinstance(q, (int, np.integer)) and not isinstance(q, bool) for q in targets)):
        key = (owner, n, tuple(int(q) for q in targets), a.dtype.str, a.shape, a.tobytes(), bool(mode))
        seq = _SEQ_CACHE.get(key)
        if seq is not None:
            return seq
    if owner == "apply_kraus":
        seq = OperationSequence(n, [(a, targets)], validate=bool(mode), _owner=owner)
    elif owner == "apply_unitary":
        U, _ = check_unitary(a, owner=owner, validate=bool(mode))
        seq = OperationSequence(n, [(U[None], targets)], validate=False, _owner=owner)
    else:
        S, t = _checked_superoperator(a, n, targets, bool(mode))
        seq = OperationSequence._from_superoperator(n, S, t)
    if key is not None:
        if len(_SEQ_CACHE) >= _SEQ_CACHE_SIZE:
            _SEQ_CACHE.pop(next(iter(_SEQ_CACHE)))
        _SEQ_CACHE[key] = seq
    return seq


def partial_trace(rho: ArrayLike, keep: int | Sequence[int], validate: bool = True) -> np.ndarray:
    """Reduce to the qubits in ``keep`` (their order in ``keep`` is the output order).

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
    keep : sequence of int
        Distinct qubits to keep, in ``0..n-1``. An empty sequence traces out every qubit.
    validate : bool or "full", default True
        Check that ``rho`` is a density matrix (batch); see :func:`qnet_core.validation.as_density_matrix`.

    Returns
    -------
    numpy.ndarray, shape (..., 2**k, 2**k) with k = len(keep)
        For ``keep=[]`` this is the trace of each state as a ``(..., 1, 1)`` array (a
        density matrix of zero qubits), so that ``partial_trace(partial_trace(rho, a), [])``
        and ``partial_trace(rho, [])`` agree for every ``a``.

    Raises
    ------
    QubitIndexError
        ``keep`` has an index outside ``0..n-1``, a repeated index or a non-integer.

    Examples
    --------
    >>> import qnet_core as qc
    >>> qc.partial_trace(qc.bell_state("phi+"), [1]).real
    array([[0.5, 0. ],
           [0. , 0.5]])
    >>> qc.partial_trace(qc.bell_state("phi+"), []).real
    array([[1.]])
    """
    arr, n = as_density_matrix(rho, owner="partial_trace", validate=validate)
    k = _targets_or_empty(keep, n, name="keep", owner="partial_trace")
    traced = tuple(q for q in range(n) if q not in k)
    base_keep = _index_maps(n, k)[1]  # offs of the kept qubits in keep order
    offs_tr = _index_maps(n, traced)[1] if traced else np.zeros(1, dtype=np.int64)
    flat, batch = _flatten_batch(arr)
    out = _kernels.partial_trace(np.ascontiguousarray(flat), base_keep, offs_tr)
    return out.reshape(batch + out.shape[-2:])


def partial_transpose(rho: ArrayLike, qubits: int | Sequence[int], validate: bool = True) -> np.ndarray:
    """Transpose the given qubits' indices (the Peres partial transpose).

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
    qubits : sequence of int
        Distinct qubits to transpose, in ``0..n-1``. An empty sequence transposes nothing
        and returns a copy of ``rho``; all n qubits give the full transpose.
    validate : bool or "full", default True
        Check that ``rho`` is a density matrix (batch); see :func:`qnet_core.validation.as_density_matrix`.

    Returns
    -------
    numpy.ndarray, complex128, shape (..., 2**n, 2**n)

    Raises
    ------
    QubitIndexError
        ``qubits`` has an index outside ``0..n-1``, a repeated index or a non-integer.

    Notes
    -----
    A. Peres, PRL 77, 1413 (1996). The result is Hermitian with unit trace but may have
    negative eigenvalues (that is the point), so it is not validated as a state.

    Examples
    --------
    >>> import numpy as np, qnet_core as qc
    >>> round(float(np.linalg.eigvalsh(qc.partial_transpose(qc.bell_state("phi+"), [1])).min()), 12)
    -0.5
    >>> bool(np.array_equal(qc.partial_transpose(qc.bell_state(), []), qc.bell_state()))
    True
    """
    arr, n = as_density_matrix(rho, owner="partial_transpose", validate=validate)
    qs = _targets_or_empty(qubits, n, name="qubits", owner="partial_transpose")
    if not qs:
        return arr.copy()
    batch = arr.shape[:-2]
    nb = len(batch)
    t = arr.reshape(batch + (2,) * (2 * n))
    axes = list(range(nb + 2 * n))
    for q in qs:
        axes[nb + q], axes[nb + n + q] = axes[nb + n + q], axes[nb + q]
    return np.ascontiguousarray(np.transpose(t, axes)).reshape(arr.shape)


def permute_qubits(rho: ArrayLike, order: int | Sequence[int], validate: bool = True) -> np.ndarray:
    """Reorder qubits: output qubit i is input qubit ``order[i]``.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n)
        State or batch of states.
    order : sequence of int
        A permutation of ``0 .. n-1``.
    validate : bool or "full", default True
        Check the states (False skips; the permutation is always checked).

    Returns
    -------
    numpy.ndarray, shape (..., 2**n, 2**n)
        The state(s) with qubits reordered, C-contiguous.

    Examples
    --------
    >>> import qnet_core as qc
    >>> out = qc.permute_qubits(qc.basis_state("01"), [1, 0])
    >>> bool((out == qc.basis_state("10")).all())
    True
    """
    arr, n = as_density_matrix(rho, owner="permute_qubits", validate=validate)
    o = check_targets(order, n, name="order", owner="permute_qubits")
    if len(o) != n:
        raise QubitIndexError(f"permute_qubits(): order={o!r} must be a permutation of 0..{n - 1}")
    batch = arr.shape[:-2]
    nb = len(batch)
    t = arr.reshape(batch + (2,) * (2 * n))
    axes = list(range(nb)) + [nb + q for q in o] + [nb + n + q for q in o]
    return np.ascontiguousarray(np.transpose(t, axes)).reshape(arr.shape)
