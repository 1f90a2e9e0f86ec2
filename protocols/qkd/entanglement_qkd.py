"""Entanglement-based QKD figures of a delivered pair (BBM92).

Alice and Bob measure each delivered pair in the same randomly chosen basis, Z or X
(Bennett, Brassard, Mermin, PRL 68, 557 (1992)). For a target Bell state ``|phi+>`` the Z
outcomes agree and the X outcomes agree; the quantum bit error rates are

``e_z = (1 - <Z(x)Z>) / 2`` and ``e_x = (1 - <X(x)X>) / 2``,

i.e. for Bell coefficients ``c`` (BELL_NAMES order) ``e_z = c[psi+] + c[psi-]`` (bit errors)
and ``e_x = c[phi-] + c[psi-]`` (phase errors). With a key from the Z basis, the asymptotic
secret fraction per sifted bit is

``r = 1 - h(e_x) - f h(e_z)``

(Shor and Preskill, PRL 85, 441 (2000), for the entanglement-based protocol; Ma, Fung, Lo,
PRA 76, 012307 (2007)), where h is the binary entropy and ``f >= 1`` the error-correction
inefficiency (``f = 1`` at the Shannon limit); it is clipped at 0. If the pair is delivered in
a known Pauli frame (e.g. an uncorrected swap, see :class:`protocols.entanglement.SwapResult`),
``frame = k`` makes Bell state k the target: Bob flips his bits accordingly.

:func:`pair_qkd` takes a dense state or a :class:`qnet_core.BellDiagonal` (whose coefficients give
the error rates directly); ``bd_pair_qkd`` is a deprecated alias.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from qnet_core._args import real_array
from qnet_core.bell_diagonal import BellDiagonal
from qnet_core.errors import ParameterError
from qnet_core.metrics import _binary_entropy as binary_entropy  # clips rounding-level estimates
from qnet_core.validation import check_finite

from .._common import Result, _as_coeffs, _as_pair, _bell_shift, _scalar, deprecated_alias

__all__ = ["PairQKDResult", "pair_qkd", "bd_pair_qkd", "bbm92_secret_fraction"]


@dataclass(frozen=True, slots=True, repr=False)
class PairQKDResult(Result):
    """QBERs and asymptotic secret fraction of a delivered pair.

    Attributes
    ----------
    qber_z, qber_x : float or numpy.ndarray, shape (...)
        Error rates of the Z-basis and X-basis outcomes, in [0, 1].
    secret_fraction : float or numpy.ndarray, shape (...)
        ``max(0, 1 - h(e_x) - f h(e_z))`` secret bits per sifted pair.
    """

    qber_z: float | np.ndarray
    qber_x: float | np.ndarray
    secret_fraction: float | np.ndarray


def _check_frame(frame, owner: str) -> int:
    if isinstance(frame, bool) or not isinstance(frame, (int, np.integer)) or not 0 <= frame < 4:
        raise ParameterError(f"{owner}(): frame={frame!r} must be a Bell index 0..3 (phi+, phi-, psi+, psi-)")
    return int(frame)


def _check_f(ec_efficiency, owner: str) -> float:
    f = check_finite(ec_efficiency, "ec_efficiency", owner)
    if f < 1.0:
        raise ParameterError(f"{owner}(): ec_efficiency={ec_efficiency!r} must be >= 1 (1 = Shannon limit)")
    return f


def bbm92_secret_fraction(qber_x: ArrayLike, qber_z: ArrayLike, ec_efficiency: float = 1.0) -> float | np.ndarray:
    """Asymptotic BBM92 secret fraction ``max(0, 1 - h(e_x) - f h(e_z))`` (vectorized).

    Parameters
    ----------
    qber_x, qber_z : float or array_like in [0, 1]
        Phase-error (X-basis) and bit-error (Z-basis) rates.
    ec_efficiency : float, default 1
        Error-correction inefficiency ``f >= 1``.

    Returns
    -------
    float or numpy.ndarray
        Secret bits per sifted pair, of the broadcast shape of the error rates.

    Examples
    --------
    >>> round(bbm92_secret_fraction(0.05, 0.05), 6)
    0.427206
    """
    owner = "bbm92_secret_fraction"
    f = _check_f(ec_efficiency, owner)
    ex = real_array(qber_x, "qber_x", owner, lo=0.0, hi=1.0, what="an error rate")
    ez = real_array(qber_z, "qber_z", owner, lo=0.0, hi=1.0, what="an error rate")
    return _secret_fraction(ex, ez, f)


def _secret_fraction(ex, ez, f: float):
    """``max(0, 1 - h(e_x) - f h(e_z))`` of checked error rates."""
    return _scalar(np.maximum(1.0 - binary_entropy(ex) - f * binary_entropy(ez), 0.0))


def _pair_qkd_bd(c: np.ndarray, k: int, f: float) -> PairQKDResult:
    """Error rates from Bell coefficients ``(..., 4)`` relative to the target Bell state ``k``."""
    c = _bell_shift(c, k)
    ez = np.clip(c[..., 2] + c[..., 3], 0.0, 1.0)
    ex = np.clip(c[..., 1] + c[..., 3], 0.0, 1.0)
    return PairQKDResult(qber_z=_scalar(ez), qber_x=_scalar(ex), secret_fraction=_secret_fraction(ex, ez, f))


def pair_qkd(rho: ArrayLike | BellDiagonal, *, frame: int = 0, ec_efficiency: float = 1.0,
             validate: bool | str = True) -> PairQKDResult:
    """QBERs in the Z and X bases and the BBM92 secret fraction of a two-qubit state.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4), or BellDiagonal
        Delivered pair (Alice = qubit 0, Bob = qubit 1); any two-qubit state.
    frame : int, default 0
        Bell index of the target state (0 = ``phi+``); Bob flips his Z bit when the target
        has ``x = 1`` and his X bit when it has ``z = 1``.
    ec_efficiency : float, default 1
        Error-correction inefficiency ``f >= 1``.
    validate : bool or "full", default True
        Check that a dense input is a two-qubit density matrix.

    Returns
    -------
    PairQKDResult
        Floats, or arrays of the batch shape.

    Notes
    -----
    ``<Z(x)Z> = rho_00 - rho_11 - rho_22 + rho_33`` and
    ``<X(x)X> = 2 Re(rho_03 + rho_12)``; only the Bell-diagonal part of rho matters, so for
    Bell coefficients ``e_z = c[psi+] + c[psi-]`` and ``e_x = c[phi-] + c[psi-]``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = pair_qkd(qc.werner(0.97))
    >>> round(r.qber_z, 6), round(r.secret_fraction, 6)
    (0.02, 0.717119)
    >>> r = pair_qkd(qc.BellDiagonal([0.9, 0.05, 0.03, 0.02]))
    >>> round(r.qber_z, 6), round(r.qber_x, 6)
    (0.05, 0.07)
    """
    owner = "pair_qkd"
    k = _check_frame(frame, owner)
    f = _check_f(ec_efficiency, owner)
    if isinstance(rho, BellDiagonal):
        return _pair_qkd_bd(rho.coefficients, k, f)
    a = _as_pair(rho, "rho", owner, validate)
    zz = np.real(a[..., 0, 0] - a[..., 1, 1] - a[..., 2, 2] + a[..., 3, 3])
    xx = 2.0 * np.real(a[..., 0, 3] + a[..., 1, 2])
    sz = -1.0 if (k >> 1) else 1.0
    sx = -1.0 if (k & 1) else 1.0
    ez = np.clip((1.0 - sz * zz) / 2.0, 0.0, 1.0)
    ex = np.clip((1.0 - sx * xx) / 2.0, 0.0, 1.0)
    return PairQKDResult(qber_z=_scalar(ez), qber_x=_scalar(ex), secret_fraction=_secret_fraction(ex, ez, f))


@deprecated_alias("bd_pair_qkd", "pair_qkd(BellDiagonal(coeffs), ...)", renames={})
def bd_pair_qkd(coeffs: ArrayLike | BellDiagonal, *, frame: int = 0, ec_efficiency: float = 1.0,
                validate: bool = True) -> PairQKDResult:
    """Deprecated alias of :func:`pair_qkd` on coefficient arrays; warns, goes away in the next release.

    Parameters
    ----------
    coeffs : array_like, shape (..., 4)
        Bell coefficients of the delivered pair: ``pair_qkd(BellDiagonal(coeffs))``.
    frame, ec_efficiency
        As in :func:`pair_qkd`.
    validate : bool, default True
        Check the coefficients.

    Returns
    -------
    PairQKDResult

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     r = bd_pair_qkd([0.9, 0.05, 0.03, 0.02])
    >>> round(r.qber_z, 6), round(r.qber_x, 6)
    (0.05, 0.07)
    >>> caught[0].category.__name__
    'DeprecationWarning'
    """
    c = BellDiagonal._trusted(_as_coeffs(coeffs, "coeffs", "bd_pair_qkd", validate))
    return pair_qkd(c, frame=frame, ec_efficiency=ec_efficiency)
