"""Fundamental repeaterless bounds on the secret-key capacity of a pure-loss channel.

* PLOB: Pirandola, Laurenza, Ottaviani, Banchi, Nat. Commun. 8, 15043 (2017), Eq. (19):
  the two-way assisted secret-key capacity of a pure-loss channel of transmissivity eta is
  ``K(eta) = -log2(1 - eta)`` bits per channel use (~ 1.44 eta at high loss).
* TGW: Takeoka, Guha, Wilde, Nat. Commun. 5, 5235 (2014), Eq. (3): the (weaker) upper bound
  ``log2((1 + eta) / (1 - eta))`` bits per mode (~ 2.88 eta at high loss).

Both are vectorized over ``eta`` and accept a distance in km through :func:`fiber_transmissivity`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from qnet_core.errors import ParameterError
from qnet_core._args import real_array
from qnet_core.validation import as_real_array

__all__ = ["plob_bound", "tgw_bound", "fiber_transmissivity", "plob_bound_fiber"]


def _check_eta(eta, owner: str) -> np.ndarray:
    arr = as_real_array(eta, "eta", owner)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0.0) or np.any(arr > 1.0):
        bad = arr[~(np.isfinite(arr) & (arr >= 0.0) & (arr <= 1.0))].ravel()[0]
        raise ParameterError(f"{owner}(): eta={float(bad)!r} is not allowed; a transmissivity must lie in [0, 1]")
    return arr


def _ret(x: np.ndarray):
    return x if x.ndim else float(x)


def plob_bound(eta: ArrayLike) -> float | np.ndarray:
    """PLOB repeaterless bound ``-log2(1 - eta)`` in secret bits per channel use.

    Parameters
    ----------
    eta : float or array_like
        Channel transmissivity in [0, 1]; ``eta = 1`` gives ``inf``.

    Returns
    -------
    float or ndarray
        Same shape as ``eta``.

    Notes
    -----
    Pirandola et al., Nat. Commun. 8, 15043 (2017), Eq. (19).

    Examples
    --------
    >>> plob_bound(0.5)
    1.0
    """
    e = _check_eta(eta, "plob_bound")
    with np.errstate(divide="ignore"):
        out = -np.log1p(-e) / np.log(2.0)
    return _ret(out)


def tgw_bound(eta: ArrayLike) -> float | np.ndarray:
    """Takeoka-Guha-Wilde bound ``log2((1 + eta) / (1 - eta))`` bits per mode.

    Notes
    -----
    Takeoka, Guha, Wilde, Nat. Commun. 5, 5235 (2014), Eq. (3). Always >= PLOB.

    Parameters
    ----------
    eta : float or array_like
        Channel transmissivity in [0, 1]; ``eta = 1`` gives ``inf``.

    Returns
    -------
    float or numpy.ndarray
        Bits per mode, >= 0, shaped like ``eta``.

    Examples
    --------
    >>> round(tgw_bound(0.5), 6)
    1.584963
    """
    e = _check_eta(eta, "tgw_bound")
    with np.errstate(divide="ignore"):
        out = (np.log1p(e) - np.log1p(-e)) / np.log(2.0)
    return _ret(out)


def fiber_transmissivity(distance_km: ArrayLike, attenuation_db_per_km: float = 0.2) -> float | np.ndarray:
    """Fiber transmissivity ``10**(-alpha L / 10)`` for one or many lengths (km).

    Scalar lengths go through :class:`channels.Fiber` (which validates them); arrays are
    validated here with the same rule (finite, >= 0).

    Parameters
    ----------
    distance_km : float or array_like
        Fiber length(s) in km (finite, >= 0).
    attenuation_db_per_km : float, default 0.2
        Fiber attenuation alpha in dB/km.

    Returns
    -------
    float or numpy.ndarray
        Transmissivity in [0, 1], shaped like ``distance_km``.

    Examples
    --------
    >>> round(fiber_transmissivity(50.0), 12)
    0.1
    """
    from channels.fiber import Fiber

    d = real_array(distance_km, "distance_km", "fiber_transmissivity", allow_inf=True)
    if d.ndim == 0:
        return Fiber(float(d), attenuation_db_per_km=attenuation_db_per_km).transmissivity
    Fiber(0.0, attenuation_db_per_km=attenuation_db_per_km)  # validates alpha
    if not np.all(np.isfinite(d)) or np.any(d < 0.0):
        bad = d[~(np.isfinite(d) & (d >= 0.0))].ravel()[0]
        raise ParameterError(f"fiber_transmissivity(): distance_km={float(bad)!r} must be a finite number >= 0")
    with np.errstate(over="ignore"):  # a loss beyond 1e308 dB is transmissivity 0, not a warning
        loss_db = float(attenuation_db_per_km) * d
    return 10.0 ** (-loss_db / 10.0)


def plob_bound_fiber(distance_km: ArrayLike, attenuation_db_per_km: float = 0.2) -> float | np.ndarray:
    """PLOB bound (bits per channel use) of a fiber of the given length(s).

    Parameters
    ----------
    distance_km : float or array_like
        Fiber length(s) in km (finite, >= 0).
    attenuation_db_per_km : float, default 0.2
        Fiber attenuation alpha in dB/km.

    Returns
    -------
    float or numpy.ndarray
        ``-log2(1 - eta)`` bits per channel use, shaped like ``distance_km`` (inf at 0 km).

    Examples
    --------
    >>> round(plob_bound_fiber(50.0), 6)
    0.152003
    """
    return plob_bound(fiber_transmissivity(distance_km, attenuation_db_per_km))
