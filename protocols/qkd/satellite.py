"""Satellite-to-ground QKD downlink: key rate versus elevation.

The channel is :func:`channels.free_space.satellite_downlink` (diffraction, turbulent beam
spread, pointing jitter, atmospheric extinction, receiver optics, extra loss; by default the
``"micius-qkd-2017"`` preset, which reproduces the downlink loss measured by Liao et al.,
Nature 549, 43 (2017), within 2.5 dB from 645 to 1200 km). Its transmissivity times the ground
detector efficiency is the photon transmittance ``eta`` fed to the fiber-free versions of the
BB84 formulas in :mod:`protocols.qkd.bb84` (decoy-state GLLP by default, as in the Micius
decoy-state downlink).

:data:`LIAO_2017` is the ground receiver of that experiment (Xinglong, 100-MHz decoy-state
source). With it and the default link, the asymptotic rate at 645 km is about 5 kbit/s and at
1200 km about 0.7 kbit/s, the same order as the 1.1 kbit/s final key rate Liao et al. report
(which is finite-key, averaged over the pass, with half the pulses spent on decoys).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike

from qnet_core._args import real, real_array
from qnet_core.errors import ParameterError

from .._common import Result
from ._common import _check_decoy, _check_system, _decoy_rate_eta, _optimize_mu, _rate_single_photon_eta
from .bounds import plob_bound
from .system import QKDSystem

__all__ = ["LIAO_2017", "SatelliteKeyRate", "satellite_key_rate"]

#: Ground receiver of the Micius decoy-state downlink (Liao et al., Nature 549, 43 (2017)):
#: 100-MHz source, detection efficiency 0.5 (the value with which the QNET reproduction of the
#: experiment, baidu/QCompute, matches its sifted key rates); misalignment 1 %, background 1e-6
#: per pulse and f = 1.16 are assumed. No fiber: the link loss comes from
#: :func:`channels.free_space.satellite_downlink`. Liao et al. use signal 0.8, decoys 0.1 and 0:
#: ``satellite_key_rate(e, system=LIAO_2017, decoy="vacuum+weak", nu=0.1, mu=0.8)``.
LIAO_2017 = QKDSystem(
    attenuation_db_per_km=0.0,
    detector_efficiency=0.5,
    dark_count_prob=1e-6,
    misalignment=0.01,
    ec_efficiency=1.16,
    rep_rate_hz=1e8,
)


@dataclass(frozen=True, slots=True, repr=False)
class SatelliteKeyRate(Result):
    """Key rate of a satellite downlink at a list of elevations (arrays of equal length)."""

    elevation_deg: np.ndarray
    slant_range_km: np.ndarray
    loss_db: np.ndarray
    key_rate_per_pulse: np.ndarray
    key_rate_bps: np.ndarray
    mu: np.ndarray
    plob_per_pulse: np.ndarray

    # short repr and _repr_html_ (Result): one table row per elevation
    _TABLE_COLUMNS = ("elevation_deg", "slant_range_km", "loss_db", "key_rate_per_pulse", "key_rate_bps", "mu",
                      "plob_per_pulse")

    def to_dict(self) -> dict:
        """The table as a JSON-friendly dict.

        Returns
        -------
        dict
            Field name to a list of floats (a float for scalar fields).
        """
        return {k: np.asarray(v).tolist() for k, v in asdict(self).items()}


def satellite_key_rate(elevation_deg: ArrayLike, altitude_km: float = 500.0, system: QKDSystem | None = None,
                       protocol: str = "bb84-decoy", decoy: str = "infinite", nu: float = 0.05,
                       mu: ArrayLike | None = None, **link_params) -> SatelliteKeyRate:
    """Asymptotic key rate of a satellite downlink versus elevation.

    Parameters
    ----------
    elevation_deg : float or array_like
        Elevation(s) of the satellite above the horizon in degrees, in (0, 90].
    altitude_km : float, default 500
        Orbit altitude in km, in ``(0, 1e6]`` (``channels.free_space.MAX_ALTITUDE_KM``).
    system : QKDSystem, optional
        Ground receiver: ``detector_efficiency`` (the detectors only; the receiver optics are
        part of the link), ``dark_count_prob`` (background per window, e.g. night sky),
        ``misalignment``, ``ec_efficiency``, ``rep_rate_hz``; ``attenuation_db_per_km`` is
        ignored (no fiber). Default ``QKDSystem()``; :data:`LIAO_2017` is the Micius receiver.
    protocol : {"bb84", "bb84-decoy"}
    decoy, nu, mu : as :func:`protocols.qkd.bb84.decoy_bb84_rate` (``mu=None`` optimizes).
    **link_params
        Passed to :func:`channels.free_space.satellite_downlink`: ``preset`` (default
        ``"micius-qkd-2017"``) and link parameters overriding it (apertures, wavelength,
        divergence, pointing jitter and error, zenith transmittance, receiver efficiency,
        extra loss).

    Returns
    -------
    SatelliteKeyRate
        ``loss_db`` is the link loss (detectors excluded); ``plob_per_pulse`` bounds the key with
        the link transmissivity alone.

    Notes
    -----
    Liao et al., Nature 549, 43 (2017): with :data:`LIAO_2017` and the default link the rate at
    645 km (49 degrees at 500 km altitude) is within a factor 10 of their 1.1 kbit/s.

    Examples
    --------
    >>> r = satellite_key_rate([30.0, 90.0])
    >>> bool(r.key_rate_per_pulse[1] > r.key_rate_per_pulse[0])
    True
    >>> r = satellite_key_rate(49.0, system=LIAO_2017, decoy="vacuum+weak", nu=0.1, mu=0.8)
    >>> 1e3 < float(r.key_rate_bps[0]) < 1e4
    True
    """
    from channels.free_space import MAX_ALTITUDE_KM, satellite_downlink

    owner = "satellite_key_rate"
    system = _check_system(system, owner)
    if protocol not in ("bb84", "bb84-decoy"):
        raise ParameterError(f"{owner}(): protocol={protocol!r} is not allowed; use 'bb84' or 'bb84-decoy'")
    decoy, nu = _check_decoy(decoy, nu, owner)
    elev = np.atleast_1d(real_array(elevation_deg, "elevation_deg", owner, lo=0.0, hi=90.0))
    if elev.ndim != 1:
        raise ParameterError(f"{owner}(): elevation_deg has shape {elev.shape}; give a number or a 1-D sequence")
    altitude_km = real(altitude_km, "altitude_km", owner, lo=0.0, lo_open=True, hi=MAX_ALTITUDE_KM,
                       what="an orbit altitude in km")
    links = [satellite_downlink(altitude_km=altitude_km, elevation_deg=float(e), **link_params) for e in elev]
    t_channel = np.array([lk.transmissivity for lk in links])
    eta = system.detector_efficiency * t_channel
    if protocol == "bb84":
        r, _ = _rate_single_photon_eta(eta, system)
        mus = np.ones_like(eta)
    elif mu is None:
        mus, r = _optimize_mu(eta, system, decoy, nu)
    else:
        m = real(mu, "mu", owner, lo=0.0, lo_open=True, what="an intensity (mean photon number)")
        if not m > 0 or (decoy == "vacuum+weak" and m <= nu):
            raise ParameterError(f"{owner}(): mu={mu!r} must be > 0 (and > nu for vacuum+weak)")
        mus = np.full_like(eta, m)
        r = _decoy_rate_eta(eta, mus, system, decoy, nu)[0]
    r = np.asarray(r, dtype=np.float64)
    return SatelliteKeyRate(
        elevation_deg=elev,
        slant_range_km=np.array([lk.distance_km for lk in links]),
        loss_db=np.array([lk.loss_db for lk in links]),
        key_rate_per_pulse=r,
        key_rate_bps=r * system.rep_rate_hz,
        mu=np.asarray(mus, dtype=np.float64),
        plob_per_pulse=np.asarray(plob_bound(t_channel), dtype=np.float64),
    )
