"""Conversion between qnetsim arrays and QuTiP ``Qobj`` (QuTiP is an optional extra).

Model and conventions
---------------------
* Into qnetsim: every state, ket, operator and Kraus argument of the public API accepts a
  ``qutip.Qobj``, or any object with a ``.full()`` method returning its dense matrix; the
  conversion happens in one place, :func:`qnet_core.validation.as_array`, and never imports
  QuTiP. A Qobj ket given where a density matrix is expected becomes ``|psi><psi|``. A
  QuTiP superoperator (type ``"super"``, representation ``"super"``) is accepted where a
  superoperator is (``apply_superoperator``, ``Channel.from_superoperator``) and converted
  from QuTiP's column stacking to qnetsim's row-major ``vec``.
* Out of qnetsim: :func:`to_qobj` builds a ``Qobj`` with qubit dims ``[[2]*n, [2]*n]``
  (a ket: QuTiP's ket dims, ``[[2]*n, [1]]`` in QuTiP 5). A batch ``(..., 2**n, 2**n)`` becomes a (nested) list of
  Qobj, one per state, nested like the batch axes; QuTiP has no batched Qobj.
* Both use the same tensor order: qubit 0 is the most significant bit of the basis index,
  as in ``qutip.tensor``.
* Fidelity: qnetsim's :func:`qnet_core.fidelity` is the *squared* Uhlmann fidelity
  ``(tr sqrt(sqrt(rho) sigma sqrt(rho)))**2``; ``qutip.fidelity`` returns the unsquared
  ``tr sqrt(...)``, so ``qc.fidelity(a, b) == qutip.fidelity(A, B)**2``.

QuTiP is imported only by :func:`to_qobj`; without it, that function raises
:class:`MissingDependencyError` (a :class:`~qnet_core.errors.QnetError` and an
``ImportError``) saying ``pip install qutip`` (or ``pip install qnetsim[qutip]``).
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .bell_diagonal import BellDiagonal
from .errors import DimensionError
from .errors import MissingDependencyError  # noqa: F401  (re-exported)
from .validation import _as_complex_array, _numeric, as_array, as_square_operator, num_qubits_of_dim

__all__ = ["to_qobj", "from_qobj", "MissingDependencyError"]


def _qutip(owner: str):
    try:
        return importlib.import_module("qutip")
    except ImportError:
        raise MissingDependencyError(
            f"{owner}(): QuTiP is not installed; install it with `pip install qutip` "
            "(or `pip install qnetsim[qutip]`)"
        ) from None


def _dims(n: int, ket: bool) -> list[list[int]]:
    if n == 0:
        return [[1], [1]]
    return [[2] * n, [1] * n] if ket else [[2] * n, [2] * n]


def _nest(qutip, arr: np.ndarray, dims: list, batch: tuple[int, ...]) -> Any:
    if not batch:
        return qutip.Qobj(arr, dims=dims)
    return [_nest(qutip, arr[i], dims, batch[1:]) for i in range(batch[0])]


def to_qobj(rho: Any) -> Any:
    """A ``qutip.Qobj`` of a qnetsim state, ket or operator, with qubit dims.

    Parameters
    ----------
    rho : array_like, shape (..., 2**n, 2**n) or (2**n,), or qnet_core.BellDiagonal
        A density matrix or operator (batch), or a single ket; a
        :class:`~qnet_core.BellDiagonal` is converted to its dense ``(4, 4)`` matrix. A Qobj
        (or anything with ``.full()``) is accepted too and rebuilt with qubit dims.

    Returns
    -------
    qutip.Qobj or list
        One Qobj with dims ``[[2]*n, [2]*n]`` (QuTiP's ket dims for a ket) for a single
        matrix; for a batch, a list of Qobj (nested lists for several batch axes), one per
        state, in batch order.

    Raises
    ------
    MissingDependencyError
        QuTiP is not installed (an ImportError and a QnetError).
    DimensionError
        ``rho`` is not a square power-of-two matrix, a batch of them, or a ket.

    Notes
    -----
    Values are not checked to be a density matrix (operators and gates convert too); only
    shape, numeric dtype and finiteness are. Qubit 0 is the most significant bit in both
    libraries, so ``to_qobj(qc.tensor(a, b)) == qutip.tensor(to_qobj(a), to_qobj(b))``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> q = qc.to_qobj(qc.bell_state("phi+"))  # doctest: +SKIP
    >>> q.dims  # doctest: +SKIP
    [[2, 2], [2, 2]]
    """
    qutip = _qutip("to_qobj")
    if isinstance(rho, BellDiagonal):
        rho = rho.to_dense()
    x = _numeric(as_array(rho, "operator", "rho", "to_qobj"), "rho", "to_qobj")  # ragged lists, bools, strings
    if np.ndim(x) == 2 and 1 in np.shape(x) and np.size(x) > 1 and hasattr(rho, "full"):
        x = as_array(rho, "ket", "rho", "to_qobj")  # a Qobj ket stays a ket
    if np.ndim(x) == 1:
        arr = _as_complex_array(x, "rho", "to_qobj", "ket")  # numeric (no bools), finite
        n = num_qubits_of_dim(arr.shape[0], "rho", "to_qobj")
        return qutip.Qobj(arr[:, None], dims=_dims(n, ket=True))
    arr, n = as_square_operator(x, "rho", "to_qobj")
    return _nest(qutip, arr, _dims(n, ket=False), arr.shape[:-2])


def from_qobj(q: Any) -> NDArray[np.complex128]:
    """The dense complex128 numpy array of a ``qutip.Qobj`` (or list of them), in qnetsim's conventions.

    Parameters
    ----------
    q : qutip.Qobj, object with ``.full()``, or list of them
        An operator (density matrix, gate, observable), a ket or bra, or a QuTiP
        superoperator in the ``"super"`` representation. A list (or nested list) of
        same-shape objects is stacked into a batch.

    Returns
    -------
    numpy.ndarray, complex128
        Shape ``(2**n, 2**n)`` for an operator, ``(2**n,)`` for a ket (a bra gives its ket,
        conjugated), ``(4**m, 4**m)`` row-major for a superoperator; batches get leading
        axes.

    Notes
    -----
    This is what every public function does to a Qobj argument (see
    :func:`qnet_core.validation.as_array`); QuTiP is not imported. Superoperators are
    converted from QuTiP's column stacking to qnetsim's row-major ``vec``:
    ``S_row[(i, j), (k, l)] = S_col[(j, i), (l, k)]``.

    Examples
    --------
    >>> class Ket:  # any object with .full() works, e.g. qutip.basis(2, 1)
    ...     def full(self):
    ...         return np.array([[0.0], [1.0]])
    >>> from_qobj(Ket()).real.tolist()
    [0.0, 1.0]
    """
    first = q
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    kind = "superoperator" if getattr(first, "type", None) == "super" else "ket"
    x = as_array(q, kind, "q", "from_qobj")  # kets and bras -> vectors, operators kept
    if x is q or isinstance(x, (list, tuple)):
        raise DimensionError(f"from_qobj(): q of type {type(q).__name__} has no .full() method; "
                             "give a qutip.Qobj or a list of them")
    return np.ascontiguousarray(x, dtype=np.complex128)
