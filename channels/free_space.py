"""Free-space optical links and satellite downlinks: geometry and loss budget.

Loss model. The mean transmissivity is a product of independent factors, each reported in dB by
:attr:`FreeSpaceLink.breakdown` (:class:`LinkBudget`). The first three act on the mean (long-term)
intensity profile at the receiver, a Gaussian of 1/e**2 radius ``W``; a receiver of radius
``a = rx_aperture_m / 2`` centred on it collects ``c(W) = 1 - exp(-2 a**2 / W**2)``.

* **diffraction**: a Gaussian beam of waist ``w0 = tx_aperture_m / 2`` at wavelength lambda has
  radius ``w(L) = w0 sqrt(1 + (L / z_R)**2)``, ``z_R = pi w0**2 / lambda``, at distance L. If
  ``beam_divergence_rad`` (a measured far-field 1/e**2 half-angle theta) is given,
  ``w(L) = sqrt(w0**2 + (theta L)**2)`` instead. Factor ``c(w)``. (Bourgoin et al., New J. Phys.
  15, 023006 (2013), Sec. 3; Liorni, Kampermann, Bruss, New J. Phys. 21, 093055 (2019), Sec. 3.)
* **turbulence**: long-term beam spread. The turbulence is lumped into a thin layer at height
  ``h_t = 0.314 r0 / theta0 = 2.24 km`` (the isoplanatic-angle relation of Fried, J. Opt. Soc. Am.
  72, 52 (1982), for the Hufnagel-Valley 5/7 profile, r0 = 5 cm and theta0 = 7 urad at 500 nm;
  Andrews & Phillips, *Laser Beam Propagation through Random Media*, 2nd ed., SPIE (2005)).
  The layer, of coherence radius ``rho0 = r0 / 2.1`` (Fried parameter
  ``r0 = r0_500 (lambda / 500 nm)**(6/5) m**(-3/5)`` at air mass m), spreads the beam by the angle
  ``lambda / (pi rho0)`` over its distance d to the receiver:
  ``w_t = 2.1 lambda d / (pi r0)``, added in quadrature, ``w_dt**2 = w**2 + w_t**2``. In a
  downlink the layer sits ``d = h_t m`` before the receiver, so the spread is centimetres on a
  beam metres wide (< 0.01 dB: turbulence matters little for downlinks, as noted e.g. by
  Bourgoin et al. 2013); in an uplink it sits at the transmitter, ``d = L``, and dominates.
  Factor ``c(w_dt) / c(w)``.
* **pointing**: a random Gaussian pointing jitter of RMS ``sigma`` per axis
  (``pointing_jitter_rad``) displaces the beam by ``sigma L`` per axis; averaged over the
  jitter, the Gaussian profile broadens to ``W**2 = w_dt**2 + 4 (sigma L)**2`` (the convolution of
  two Gaussians; the beam-wandering picture of Vasylyev, Semenov & Vogel, PRL 108, 220501
  (2012); Bonato et al., New J. Phys. 11, 045017 (2009)). A static offset ``theta_p``
  (``pointing_error_rad``) moves the centre by ``theta_p L`` and, for a receiver small compared
  with the beam, costs ``exp(-2 (theta_p L)**2 / W**2)``. Factor
  ``c(W) / c(w_dt) exp(-2 (theta_p L)**2 / W**2)``.
* **atmosphere**: extinction ``T_zenith ** m(elevation)``. Air mass ``m = 1 / sin(elevation)``
  for ``air_mass_model="plane-parallel"`` (Bourgoin et al. 2013, Sec. 3.2; adequate above 10-15
  degrees), or the Kasten & Young formula, Appl. Opt. 28, 4735 (1989),
  ``m = 1 / (sin e + 0.50572 (e + 6.07995 deg)**-1.6364)``, for ``air_mass_model="kasten-young"``
  (valid down to the horizon).
* **receiver**: optical efficiency of the ground telescope and analysis optics
  (``receiver_efficiency``). The single-photon detectors are *not* part of the link: their
  efficiency is :attr:`protocols.bb84.QKDSystem.detector_efficiency` or
  :attr:`channels.Detector.efficiency`.
* **extra**: any further fixed loss in dB (filters, coupling), ``extra_loss_db``.

:class:`FreeSpaceLink` on its own is ideal except for diffraction (no atmosphere, no turbulence,
no pointing error, lossless receiver). :func:`satellite_downlink` and
:meth:`TwoStationGeometry.links` start from a measured preset, :data:`DOWNLINK_PRESETS`, so that
their defaults reproduce the losses of the Micius experiments (below). ``preset="diffraction-only"``
gives the ideal link.

Presets (``DOWNLINK_PRESETS``), values and sources:

* ``"micius-qkd-2017"``: decoy-state BB84 downlink to Xinglong (Liao et al., Nature 549, 43
  (2017)): 850 nm, 300-mm transmitter, 1.0-m receiver. The far-field divergence, reported as about
  10 urad, is read as a full width at half maximum, i.e. a 1/e**2 half-angle
  ``10 urad / sqrt(2 ln 2) = 8.5 urad``. Pointing jitter 1 urad RMS per axis (assumed; against the
  8.5-urad beam it costs 0.2 dB). Zenith transmittance 0.7 (assumed for the
  continental, aerosol-laden sky near Beijing; it sets the slope of loss versus distance). Fried
  parameter 5 cm at 500 nm (assumed; 2-arcsecond seeing; < 0.01 dB here). The receiver efficiency
  0.10 is *calibrated*: with it the link loss (everything but the detectors) follows the
  loss-versus-distance curve of Liao et al. 2017, Fig. 3, as digitized in the QNET example data
  (baidu/QCompute, ``micius2017_link_efficiency.csv``: about 29.8 dB at 645 km, 30.9 dB at
  800 km, 34 dB at 1000 km, 36 dB at 1100 km and 38-40 dB at 1200 km, with 50 % detectors on top)
  within 2.5 dB; the largest deviation is at 1200 km, where the measured curve climbs from 38 to
  40 dB over the last few km of the pass. Without atmosphere and receiver terms, and with the
  diffraction-limited beam, the old default lost only about 5 dB at 645 km.
* ``"micius-entanglement-2017-delingha"`` and ``"micius-entanglement-2017-lijiang"``: the two
  downlinks of the entanglement distribution of Yin et al., Science 356, 1140 (2017): 810 nm,
  10 urad FWHM divergence as above, 1.2-m (Delingha) and 1.8-m (Lijiang) receivers, both sites
  at about 3.2 km altitude (zenith transmittance 0.85, assumed). The receiver efficiency 0.038 of
  both stations is calibrated so that the two-downlink loss at the symmetric 1600-km geometry of
  :func:`micius_geometry` is the 64 dB reported by Yin et al. at that end of the pass; it lumps
  everything the reported attenuation contains beyond the channel. At the 2400-km end the model
  gives about 73 dB against the reported 82 dB: the additional degradation at low elevation
  (tracking, turbulence at the receiver) is not modelled.

Geometry: spherical Earth of radius 6371 km. The slant range to a satellite at altitude h seen at
elevation e is ``sqrt((R+h)**2 - R**2 cos(e)**2) - R sin(e)``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Literal

from qnet_core.errors import ParameterError
from qnet_core.validation import check_nonnegative, check_positive, check_probability

from .channel import Channel
from .fiber import SPEED_OF_LIGHT_KM_PER_S
from .loss import HeraldedChannel, dual_rail_erasure, single_rail_loss

__all__ = [
    "EARTH_RADIUS_KM",
    "MAX_ALTITUDE_KM",
    "MAX_DISTANCE_KM",
    "MIN_ELEVATION_DEG",
    "AIR_MASS_MODELS",
    "LINK_DIRECTIONS",
    "DOWNLINK_PRESETS",
    "slant_range_km",
    "elevation_and_range",
    "air_mass",
    "FreeSpaceLink",
    "LinkBudget",
    "satellite_downlink",
    "TwoStationGeometry",
    "two_station_geometry",
    "micius_geometry",
]

#: Mean Earth radius in km (spherical-Earth geometry).
EARTH_RADIUS_KM = 6371.0
#: Largest orbit altitude accepted, km (beyond the Moon's 3.8e5 km; keeps the geometry in float range).
MAX_ALTITUDE_KM = 1e6
#: Largest link length accepted by :class:`FreeSpaceLink`, km (about 7 astronomical units).
MAX_DISTANCE_KM = 1e9
#: Smallest elevation of the plane-parallel air mass ``1/sin(e)``, degrees: it is then at most 5.7e4
#: (it diverges at the horizon; the Kasten-Young air mass is finite there, 38).
MIN_ELEVATION_DEG = 1e-3
#: Range of the aperture diameters and the Fried parameter of :class:`FreeSpaceLink`, m.
LENGTH_RANGE_M = (1e-6, 1e3)
#: Air-mass formulas offered by :func:`air_mass` and ``FreeSpaceLink(air_mass_model=...)``.
AIR_MASS_MODELS = ("plane-parallel", "kasten-young")
#: Directions of a slant link; they place the turbulent layer (near the receiver or the transmitter).
LINK_DIRECTIONS = ("downlink", "uplink")

#: Height of the thin turbulent layer in km: ``0.314 r0 / theta0`` for r0 = 5 cm, theta0 = 7 urad
#: (Hufnagel-Valley 5/7 at 500 nm; Fried, JOSA 72, 52 (1982)).
_TURBULENCE_LAYER_KM = 0.314 * 0.05 / 7e-6 / 1e3
#: Fried parameter reference wavelength (astronomical convention), m.
_R0_WAVELENGTH_M = 500e-9
#: Fried parameter over spherical-wave coherence radius, ``r0 = 2.1 rho0`` (Kolmogorov turbulence).
_R0_OVER_RHO0 = 2.1

_MICIUS_DIVERGENCE_RAD = 10e-6 / math.sqrt(2.0 * math.log(2.0))  # 10 urad FWHM -> 1/e^2 half-angle

#: Named sets of :class:`FreeSpaceLink` parameters for :func:`satellite_downlink` and
#: :meth:`TwoStationGeometry.links`; the values and their sources are in the module docstring.
DOWNLINK_PRESETS: Mapping[str, Mapping[str, object]] = MappingProxyType({
    "micius-qkd-2017": MappingProxyType({
        "wavelength_m": 850e-9, "tx_aperture_m": 0.30, "rx_aperture_m": 1.0,
        "beam_divergence_rad": _MICIUS_DIVERGENCE_RAD, "pointing_jitter_rad": 1e-6,
        "zenith_transmittance": 0.7, "air_mass_model": "kasten-young", "fried_parameter_500nm_m": 0.05,
        "receiver_efficiency": 0.10,
    }),
    "micius-entanglement-2017-delingha": MappingProxyType({
        "wavelength_m": 810e-9, "tx_aperture_m": 0.30, "rx_aperture_m": 1.2,
        "beam_divergence_rad": _MICIUS_DIVERGENCE_RAD, "pointing_jitter_rad": 1e-6,
        "zenith_transmittance": 0.85, "air_mass_model": "kasten-young", "fried_parameter_500nm_m": 0.05,
        "receiver_efficiency": 0.038,
    }),
    "micius-entanglement-2017-lijiang": MappingProxyType({
        "wavelength_m": 810e-9, "tx_aperture_m": 0.30, "rx_aperture_m": 1.8,
        "beam_divergence_rad": _MICIUS_DIVERGENCE_RAD, "pointing_jitter_rad": 1e-6,
        "zenith_transmittance": 0.85, "air_mass_model": "kasten-young", "fried_parameter_500nm_m": 0.05,
        "receiver_efficiency": 0.038,
    }),
    "diffraction-only": MappingProxyType({}),
})


def _db(eta: float) -> float:
    return math.inf if eta <= 0.0 else max(0.0, -10.0 * math.log10(eta))


def _check_choice(value, choices, name: str, owner: str):
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(f"{owner}(): {name}={value!r} is not allowed; use one of {tuple(choices)}")
    return value


def _check_elevation(elevation_deg, owner: str, allow_zero: bool, model: str | None = None) -> float:
    """Elevation in [0, 90] or (0, 90] degrees; with ``model="plane-parallel"`` at least MIN_ELEVATION_DEG."""
    e = check_nonnegative(elevation_deg, "elevation_deg", owner)
    if e > 90.0 or (e == 0.0 and not allow_zero):
        allowed = "[0, 90]" if allow_zero else "(0, 90]"
        raise ParameterError(
            f"{owner}(): elevation_deg={elevation_deg!r} is not allowed; it must lie in {allowed} degrees"
        )
    if model == "plane-parallel" and e < MIN_ELEVATION_DEG:
        raise ParameterError(
            f"{owner}(): elevation_deg={elevation_deg!r} is below {MIN_ELEVATION_DEG:g} degrees, where the "
            "plane-parallel air mass 1/sin(e) diverges; use air_mass_model='kasten-young' near the horizon"
        )
    return e


def _check_length(value, name: str, owner: str, hi: float, lo: float = 0.0, unit: str = "km") -> float:
    """A length in ``(0, hi]`` (``lo == 0``) or ``[lo, hi]``; the bounds keep every formula in float range."""
    x = check_positive(value, name, owner)
    if x > hi or x < lo:
        rng = f"(0, {hi:g}]" if lo == 0.0 else f"[{lo:g}, {hi:g}]"
        raise ParameterError(f"{owner}(): {name}={value!r} is not allowed; it must lie in {rng} {unit}")
    return x


def _air_mass(elevation_deg: float, model: str) -> float:
    s = math.sin(math.radians(elevation_deg))
    if model == "plane-parallel":
        return 1.0 / s
    return 1.0 / (s + 0.50572 * (elevation_deg + 6.07995) ** -1.6364)


def air_mass(elevation_deg: float, model: Literal["plane-parallel", "kasten-young"] = "plane-parallel") -> float:
    """Relative optical air mass (path through the atmosphere in units of the zenith path).

    Parameters
    ----------
    elevation_deg : float
        Elevation above the horizon in degrees, in (0, 90]; at least ``MIN_ELEVATION_DEG``
        (1e-3) for ``"plane-parallel"``.
    model : {"plane-parallel", "kasten-young"}
        ``1 / sin(e)`` (flat atmosphere; diverges at the horizon), or the fit of Kasten & Young,
        Appl. Opt. 28, 4735 (1989), ``1 / (sin e + 0.50572 (e + 6.07995)**-1.6364)`` with e in
        degrees (38 at the horizon).

    Returns
    -------
    float
        Air mass m >= ~1; the atmospheric transmittance is ``T_zenith ** m``.

    Examples
    --------
    >>> air_mass(30.0)
    2.0...
    >>> round(air_mass(10.0, "kasten-young"), 2)
    5.59
    """
    model = _check_choice(model, AIR_MASS_MODELS, "model", "air_mass")
    return _air_mass(_check_elevation(elevation_deg, "air_mass", allow_zero=False, model=model), model)


def slant_range_km(altitude_km: float, elevation_deg: float) -> float:
    """Distance in km from a ground station to a satellite at ``altitude_km`` seen at ``elevation_deg``.

    ``d = sqrt((R + h)**2 - R**2 cos(e)**2) - R sin(e)`` with R = 6371 km.

    Parameters
    ----------
    altitude_km : float
        Orbit altitude h above the surface, km, in ``(0, MAX_ALTITUDE_KM]`` (1e6 km).
    elevation_deg : float
        Elevation angle e above the horizon in degrees, in [0, 90].

    Returns
    -------
    float
        Slant range d in km (``altitude_km`` at zenith, largest at the horizon).

    Examples
    --------
    >>> slant_range_km(500.0, 90.0)
    500.0
    """
    h = _check_length(altitude_km, "altitude_km", "slant_range_km", MAX_ALTITUDE_KM)
    e = math.radians(_check_elevation(elevation_deg, "slant_range_km", allow_zero=True))
    R = EARTH_RADIUS_KM
    if e == math.pi / 2:
        return h
    return math.sqrt((R + h) ** 2 - (R * math.cos(e)) ** 2) - R * math.sin(e)


def elevation_and_range(altitude_km: float, ground_distance_km: float) -> tuple[float, float]:
    """Elevation (degrees) and slant range (km) of a satellite whose sub-satellite point is
    ``ground_distance_km`` (great-circle distance) from the station.

    With central angle ``phi = s / R``: ``d**2 = R**2 + (R+h)**2 - 2 R (R+h) cos(phi)`` and
    ``sin(e) = ((R+h) cos(phi) - R) / d``. A negative elevation means below the horizon.

    Parameters
    ----------
    altitude_km : float
        Orbit altitude h above the surface, km, in ``(0, MAX_ALTITUDE_KM]`` (1e6 km).
    ground_distance_km : float
        Great-circle distance s from the station to the sub-satellite point, km, in
        ``[0, pi R]``.

    Returns
    -------
    elevation_deg : float
        Elevation e in degrees, in [-90, 90] (90 overhead).
    range_km : float
        Slant range d in km.

    Examples
    --------
    >>> elevation_and_range(500.0, 0.0)
    (90.0, 500.0)
    """
    h = _check_length(altitude_km, "altitude_km", "elevation_and_range", MAX_ALTITUDE_KM)
    s = check_nonnegative(ground_distance_km, "ground_distance_km", "elevation_and_range")
    R = EARTH_RADIUS_KM
    phi = s / R
    if phi > math.pi:
        raise ParameterError(
            f"elevation_and_range(): ground_distance_km={ground_distance_km!r} exceeds half the Earth's "
            f"circumference ({math.pi * R:.1f} km)"
        )
    if s == 0.0:
        return 90.0, h
    d = math.sqrt(R * R + (R + h) ** 2 - 2.0 * R * (R + h) * math.cos(phi))
    sin_e = ((R + h) * math.cos(phi) - R) / d
    return math.degrees(math.asin(max(-1.0, min(1.0, sin_e)))), d


@dataclass(frozen=True, slots=True)
class LinkBudget:
    """Per-factor losses of a free-space link in dB; ``total_db`` is their sum.

    Attributes
    ----------
    diffraction_db : float
        Collection loss of the vacuum-propagated beam, ``-10 log10 c(w)``.
    turbulence_db : float
        Extra collection loss from the turbulent long-term beam spread.
    pointing_db : float
        Extra collection loss from pointing jitter, plus the static pointing offset.
    atmosphere_db : float
        Extinction along the slant path.
    receiver_db : float
        Receiver optics, ``-10 log10 receiver_efficiency``.
    extra_db : float
        ``extra_loss_db``.
    total_db : float
    """

    diffraction_db: float
    turbulence_db: float
    pointing_db: float
    atmosphere_db: float
    receiver_db: float
    extra_db: float
    total_db: float

    def to_dict(self) -> dict:
        """The per-factor losses as a JSON-friendly dict.

        Returns
        -------
        dict
            Field name to loss in dB (float).
        """
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FreeSpaceLink:
    """A free-space optical link (ground-ground, or a slant path through the atmosphere).

    Every loss term except diffraction is off by default; see the module docstring for the model
    and :func:`satellite_downlink` for measured presets.

    Parameters
    ----------
    distance_km : float
        Propagation distance L in km, in ``(0, MAX_DISTANCE_KM]`` (1e9 km).
    wavelength_m : float, default 810e-9
        Wavelength lambda in m (> 0); 810 nm is the Micius entangled-photon wavelength.
    tx_aperture_m : float, default 0.3
        Transmitter aperture diameter in m, in [1e-6, 1e3]; the beam waist is ``w0 = tx_aperture_m / 2``.
    rx_aperture_m : float, default 1.0
        Receiver aperture diameter in m, in [1e-6, 1e3].
    pointing_error_rad : float, default 0
        Static pointing offset in rad (>= 0).
    zenith_transmittance : float, default 1.0
        Atmospheric transmittance at zenith, in [0, 1] (1 = no atmosphere).
    elevation_deg : float, default 90
        Elevation of the path in degrees, in (0, 90] (at least ``MIN_ELEVATION_DEG`` = 1e-3 with the
        plane-parallel air mass); sets the air mass.
    extra_loss_db : float, default 0
        Additional fixed loss in dB (>= 0).
    beam_divergence_rad : float or None, default None
        Far-field 1/e**2 half-angle divergence in rad, in (0, pi], overriding the diffraction limit
        ``lambda / (pi w0)``, e.g. a measured value.
    pointing_jitter_rad : float, default 0
        RMS random pointing error per axis in rad (>= 0), Gaussian.
    fried_parameter_500nm_m : float or None, default None
        Zenith Fried parameter r0 at 500 nm in m, in [1e-6, 1e3] (e.g. 0.05 for 2-arcsecond seeing);
        ``None`` switches the turbulent beam spread off.
    direction : {"downlink", "uplink"}, default "downlink"
        Whether the turbulent layer lies near the receiver (downlink) or the transmitter (uplink).
    air_mass_model : {"plane-parallel", "kasten-young"}, default "plane-parallel"
        Air-mass formula for the extinction and the turbulence (:func:`air_mass`).
    receiver_efficiency : float, default 1.0
        Optical efficiency of the receiver, detectors excluded, in (0, 1].

    Examples
    --------
    >>> link = FreeSpaceLink(1000.0, rx_aperture_m=0.5)
    >>> round(link.loss_db, 2)
    13.86
    >>> round(FreeSpaceLink(1000.0, zenith_transmittance=0.8, elevation_deg=30.0).breakdown.atmosphere_db, 2)
    1.94
    """

    distance_km: float
    wavelength_m: float = 810e-9
    tx_aperture_m: float = 0.3
    rx_aperture_m: float = 1.0
    pointing_error_rad: float = 0.0
    zenith_transmittance: float = 1.0
    elevation_deg: float = 90.0
    extra_loss_db: float = 0.0
    beam_divergence_rad: float | None = None
    pointing_jitter_rad: float = 0.0
    fried_parameter_500nm_m: float | None = None
    direction: Literal["downlink", "uplink"] = "downlink"
    air_mass_model: Literal["plane-parallel", "kasten-young"] = "plane-parallel"
    receiver_efficiency: float = 1.0

    def __post_init__(self):
        o = "FreeSpaceLink"
        s = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        s("distance_km", _check_length(self.distance_km, "distance_km", o, MAX_DISTANCE_KM))
        s("wavelength_m", check_positive(self.wavelength_m, "wavelength_m", o))
        lo_m, hi_m = LENGTH_RANGE_M
        s("tx_aperture_m", _check_length(self.tx_aperture_m, "tx_aperture_m", o, hi_m, lo_m, "m"))
        s("rx_aperture_m", _check_length(self.rx_aperture_m, "rx_aperture_m", o, hi_m, lo_m, "m"))
        s("pointing_error_rad", check_nonnegative(self.pointing_error_rad, "pointing_error_rad", o))
        s("zenith_transmittance", check_probability(self.zenith_transmittance, "zenith_transmittance", o))
        model = _check_choice(self.air_mass_model, AIR_MASS_MODELS, "air_mass_model", o)
        s("elevation_deg", _check_elevation(self.elevation_deg, o, allow_zero=False, model=model))
        s("extra_loss_db", check_nonnegative(self.extra_loss_db, "extra_loss_db", o))
        if self.beam_divergence_rad is not None:
            s("beam_divergence_rad", _check_length(self.beam_divergence_rad, "beam_divergence_rad", o, math.pi,
                                                   unit="rad"))
        s("pointing_jitter_rad", check_nonnegative(self.pointing_jitter_rad, "pointing_jitter_rad", o))
        if self.fried_parameter_500nm_m is not None:
            s("fried_parameter_500nm_m", _check_length(self.fried_parameter_500nm_m, "fried_parameter_500nm_m", o,
                                                       LENGTH_RANGE_M[1], LENGTH_RANGE_M[0], "m"))
        _check_choice(self.direction, LINK_DIRECTIONS, "direction", o)
        _check_choice(self.air_mass_model, AIR_MASS_MODELS, "air_mass_model", o)
        eff = check_probability(self.receiver_efficiency, "receiver_efficiency", o)
        if eff <= 0.0:
            raise ParameterError(f"{o}(): receiver_efficiency={self.receiver_efficiency!r} must lie in (0, 1]")
        s("receiver_efficiency", eff)
        if self.wavelength_m > 1e-3:
            raise ParameterError(
                f"FreeSpaceLink(): wavelength_m={self.wavelength_m!r} looks like it is not in metres "
                "(optical wavelengths are ~1e-6 m, e.g. 810e-9)"
            )

    def to_dict(self) -> dict:
        """The link parameters as a JSON-friendly dict.

        Returns
        -------
        dict
            Every dataclass field, plus the derived ``transmissivity`` and ``loss_db``.
        """
        d = asdict(self)
        d.update(transmissivity=self.transmissivity, loss_db=self.loss_db)
        return d

    # ------------------------------------------------------------- beam
    @property
    def beam_waist_m(self) -> float:
        """Beam waist radius ``w0 = tx_aperture_m / 2`` in m."""
        return 0.5 * self.tx_aperture_m

    @property
    def rayleigh_range_km(self) -> float:
        """Rayleigh range ``z_R = pi w0**2 / lambda`` in km."""
        return math.pi * self.beam_waist_m ** 2 / self.wavelength_m / 1e3

    @property
    def beam_radius_m(self) -> float:
        """Beam radius ``w(L)`` (1/e**2 intensity) at the receiver after vacuum propagation, in m."""
        L = self.distance_km * 1e3
        w0 = self.beam_waist_m
        if self.beam_divergence_rad is not None:
            return math.hypot(w0, self.beam_divergence_rad * L)
        return w0 * math.sqrt(1.0 + (self.distance_km / self.rayleigh_range_km) ** 2)

    @property
    def air_mass_factor(self) -> float:
        """Air mass m of the path (:func:`air_mass` with this link's ``air_mass_model``)."""
        return _air_mass(self.elevation_deg, self.air_mass_model)

    @property
    def turbulence_spread_m(self) -> float:
        """Turbulent long-term beam spread ``w_t = 2.1 lambda d / (pi r0)`` in m (0 without r0)."""
        if self.fried_parameter_500nm_m is None:
            return 0.0
        m = self.air_mass_factor
        r0 = self.fried_parameter_500nm_m * (self.wavelength_m / _R0_WAVELENGTH_M) ** 1.2 * m ** -0.6
        L = self.distance_km * 1e3
        d = L if self.direction == "uplink" else min(_TURBULENCE_LAYER_KM * 1e3 * m, L)
        return _R0_OVER_RHO0 * self.wavelength_m * d / (math.pi * r0)

    @property
    def long_term_beam_radius_m(self) -> float:
        """Radius ``W`` of the mean intensity profile: ``sqrt(w**2 + w_t**2 + 4 (sigma L)**2)``, in m."""
        j = self.pointing_jitter_rad * self.distance_km * 1e3
        return math.sqrt(self.beam_radius_m ** 2 + self.turbulence_spread_m ** 2 + 4.0 * j * j)

    def _collected(self, radius_m: float) -> float:
        a = 0.5 * self.rx_aperture_m
        return -math.expm1(-2.0 * a * a / radius_m ** 2)

    # ------------------------------------------------------------- factors
    @property
    def diffraction_transmissivity(self) -> float:
        """Fraction of the vacuum beam collected by the receiver: ``1 - exp(-2 a**2 / w(L)**2)``."""
        return self._collected(self.beam_radius_m)

    @property
    def turbulence_transmissivity(self) -> float:
        """``c(w_dt) / c(w)``: collection lost to the turbulent beam spread (1 without r0)."""
        w = self.beam_radius_m
        w_dt = math.hypot(w, self.turbulence_spread_m)
        return min(1.0, self._collected(w_dt) / self._collected(w))

    @property
    def pointing_transmissivity(self) -> float:
        """``c(W) / c(w_dt) exp(-2 (theta_p L)**2 / W**2)``: jitter broadening and static offset."""
        w_dt = math.hypot(self.beam_radius_m, self.turbulence_spread_m)
        W = self.long_term_beam_radius_m
        r = self.pointing_error_rad * self.distance_km * 1e3
        return min(1.0, self._collected(W) / self._collected(w_dt)) * math.exp(-2.0 * (r / W) ** 2)

    @property
    def atmospheric_transmissivity(self) -> float:
        """``T_zenith ** m`` with m the air mass of the path."""
        if self.zenith_transmittance == 0.0:
            return 0.0
        return self.zenith_transmittance ** self.air_mass_factor

    @property
    def transmissivity(self) -> float:
        """Total mean transmissivity: the product of all factors (detectors excluded)."""
        return (self.diffraction_transmissivity * self.turbulence_transmissivity * self.pointing_transmissivity
                * self.atmospheric_transmissivity * self.receiver_efficiency * 10.0 ** (-self.extra_loss_db / 10.0))

    @property
    def loss_db(self) -> float:
        """Total loss ``-10 log10(transmissivity)`` in dB (inf for an opaque link)."""
        return self.breakdown.total_db

    @property
    def breakdown(self) -> LinkBudget:
        """Loss of each factor in dB (:class:`LinkBudget`)."""
        parts = (_db(self.diffraction_transmissivity), _db(self.turbulence_transmissivity),
                 _db(self.pointing_transmissivity), _db(self.atmospheric_transmissivity),
                 _db(self.receiver_efficiency), self.extra_loss_db)
        return LinkBudget(*parts, total_db=sum(parts))

    @property
    def delay_s(self) -> float:
        """One-way propagation delay ``L / c`` in seconds (vacuum speed of light)."""
        return self.distance_km / SPEED_OF_LIGHT_KM_PER_S

    # ------------------------------------------------------------- channels
    def single_rail_channel(self, drift: Channel | None = None) -> Channel:
        """Amplitude damping with ``gamma = 1 - transmissivity`` (then ``drift``, if given).

        Parameters
        ----------
        drift : Channel, optional
            Single-qubit channel applied after the loss; default none.

        Returns
        -------
        Channel
            Single-qubit channel.
        """
        return single_rail_loss(self.transmissivity, drift)

    def dual_rail_erasure(self, drift: Channel | None = None) -> HeraldedChannel:
        """Heralded erasure: success probability = transmissivity, post-selected map identity / drift.

        Parameters
        ----------
        drift : Channel, optional
            Single-qubit channel applied to the surviving qubit; default the identity.

        Returns
        -------
        HeraldedChannel
            ``success_probability`` equal to :attr:`transmissivity` and the post-selected channel.
        """
        return dual_rail_erasure(self.transmissivity, drift)


_LINK_FIELDS = frozenset(FreeSpaceLink.__dataclass_fields__)
_GEOMETRY_FIELDS = ("distance_km", "elevation_deg", "direction")


def _downlink(distance_km: float, elevation_deg: float, preset, link_params: dict, owner: str) -> FreeSpaceLink:
    """A downlink from ``preset`` with ``link_params`` overriding it (both checked)."""
    name = _check_choice(preset, DOWNLINK_PRESETS, "preset", owner)
    for key in link_params:
        if key in _GEOMETRY_FIELDS:
            raise ParameterError(f"{owner}(): {key} is computed from the geometry; do not pass it")
        if key not in _LINK_FIELDS:
            allowed = sorted(_LINK_FIELDS.difference(_GEOMETRY_FIELDS))
            raise ParameterError(f"{owner}(): {key!r} is not a link parameter; use one of {allowed}")
    params = {**DOWNLINK_PRESETS[name], **link_params}
    return FreeSpaceLink(distance_km=distance_km, elevation_deg=elevation_deg, direction="downlink", **params)


def satellite_downlink(altitude_km: float = 500.0, elevation_deg: float = 90.0, *,
                       preset: str = "micius-qkd-2017", **link_params) -> FreeSpaceLink:
    """Downlink from a satellite at ``altitude_km`` seen at ``elevation_deg``.

    The distance is :func:`slant_range_km` and the atmosphere is crossed at that elevation.
    The link parameters start from ``DOWNLINK_PRESETS[preset]`` and are overridden by
    ``link_params``.

    Parameters
    ----------
    altitude_km : float, default 500
        Orbit altitude in km, in ``(0, MAX_ALTITUDE_KM]`` (1e6 km); Micius flies at about 500 km.
    elevation_deg : float, default 90
        Elevation of the satellite in degrees, in (0, 90] (at least ``MIN_ELEVATION_DEG`` = 1e-3
        with the plane-parallel air mass).
    preset : str, default "micius-qkd-2017"
        A key of :data:`DOWNLINK_PRESETS`: ``"micius-qkd-2017"`` (Liao et al., Nature 549, 43
        (2017), Xinglong), ``"micius-entanglement-2017-delingha"``,
        ``"micius-entanglement-2017-lijiang"`` (Yin et al., Science 356, 1140 (2017)), or
        ``"diffraction-only"`` (the ideal :class:`FreeSpaceLink` defaults).
    **link_params
        :class:`FreeSpaceLink` parameters (``wavelength_m``, ``tx_aperture_m``, ``rx_aperture_m``,
        ``beam_divergence_rad``, ``pointing_jitter_rad``, ``pointing_error_rad``,
        ``zenith_transmittance``, ``air_mass_model``, ``fried_parameter_500nm_m``,
        ``receiver_efficiency``, ``extra_loss_db``), overriding the preset. ``distance_km``,
        ``elevation_deg`` and ``direction`` follow from the geometry.

    Returns
    -------
    FreeSpaceLink
        ``direction="downlink"``; its ``transmissivity`` excludes the ground detectors.

    Notes
    -----
    With the default preset the loss at 645 km and 1200 km slant range (Micius at 500 km seen at
    about 49 and 20 degrees) is about 30 and 38 dB, against 29.8 and 38-40 dB measured by Liao
    et al. (2017), Fig. 3; the ideal link loses about 5 and 10 dB.

    Examples
    --------
    >>> link = satellite_downlink(500.0, 30.0)
    >>> round(link.distance_km, 1)
    909.4
    >>> 30.0 < link.loss_db < 35.0
    True
    >>> round(satellite_downlink(500.0, 30.0, preset="diffraction-only").loss_db, 1)
    7.4
    """
    h = _check_length(altitude_km, "altitude_km", "satellite_downlink", MAX_ALTITUDE_KM)
    e = _check_elevation(elevation_deg, "satellite_downlink", allow_zero=False)
    d = slant_range_km(h, e)
    return _downlink(d, e, preset, link_params, "satellite_downlink")


@dataclass(frozen=True, slots=True)
class TwoStationGeometry:
    """A satellite seen from two ground stations A and B (e.g. dual-downlink entanglement).

    Attributes
    ----------
    altitude_km, ground_separation_km, satellite_ground_distance_a_km : float
        Orbit altitude, great-circle distance between the stations, and the great-circle distance
        from A to the sub-satellite point (on the A-B great circle).
    elevation_a_deg, elevation_b_deg : float
        Elevations seen from A and B (negative = below the horizon).
    range_a_km, range_b_km, total_range_km : float
        Slant ranges and their sum.
    """

    altitude_km: float
    ground_separation_km: float
    satellite_ground_distance_a_km: float
    elevation_a_deg: float
    elevation_b_deg: float
    range_a_km: float
    range_b_km: float
    total_range_km: float

    def to_dict(self) -> dict:
        """The geometry as a JSON-friendly dict.

        Returns
        -------
        dict
            Field name to float (km or degrees).
        """
        return asdict(self)

    def links(self, *, preset_a: str = "micius-entanglement-2017-delingha",
              preset_b: str = "micius-entanglement-2017-lijiang", **link_params) -> tuple[FreeSpaceLink, FreeSpaceLink]:
        """The two downlinks as :class:`FreeSpaceLink` (both stations must see the satellite).

        Parameters
        ----------
        preset_a, preset_b : str
            Keys of :data:`DOWNLINK_PRESETS` for stations A and B; by default the Delingha (1.2 m)
            and Lijiang (1.8 m) receivers of Yin et al., Science 356, 1140 (2017).
        **link_params
            :class:`FreeSpaceLink` parameters applied to both links, overriding the presets.

        Returns
        -------
        tuple of FreeSpaceLink
            The downlinks to A and to B.
        """
        o = "TwoStationGeometry.links"
        if min(self.elevation_a_deg, self.elevation_b_deg) <= 0.0:
            raise ParameterError(
                f"{o}(): the satellite is below the horizon of a station "
                f"(elevations {self.elevation_a_deg:.2f} and {self.elevation_b_deg:.2f} degrees)"
            )
        return (_downlink(self.range_a_km, self.elevation_a_deg, preset_a, link_params, o),
                _downlink(self.range_b_km, self.elevation_b_deg, preset_b, link_params, o))

    def total_loss_db(self, *, preset_a: str = "micius-entanglement-2017-delingha",
                      preset_b: str = "micius-entanglement-2017-lijiang", **link_params) -> float:
        """Two-photon loss: the sum of both downlinks' losses in dB (arguments as :meth:`links`).

        Parameters
        ----------
        preset_a, preset_b : str
            Keys of :data:`DOWNLINK_PRESETS` for stations A and B (defaults as in :meth:`links`).
        **link_params
            :class:`FreeSpaceLink` parameters applied to both links, overriding the presets.

        Returns
        -------
        float
            ``loss_db`` of link A plus that of link B, in dB.

        Examples
        --------
        >>> round(micius_geometry().total_loss_db())
        64
        """
        a, b = self.links(preset_a=preset_a, preset_b=preset_b, **link_params)
        return a.loss_db + b.loss_db


def two_station_geometry(altitude_km: float, ground_separation_km: float,
                         satellite_ground_distance_a_km: float | None = None) -> TwoStationGeometry:
    """Geometry of a satellite above the great circle joining two ground stations.

    Parameters
    ----------
    altitude_km : float
        Orbit altitude in km, in ``(0, MAX_ALTITUDE_KM]`` (1e6 km).
    ground_separation_km : float
        Great-circle distance between the stations in km (>= 0).
    satellite_ground_distance_a_km : float, optional
        Distance from station A to the sub-satellite point along the great circle, in
        ``[0, ground_separation_km]``; default: the midpoint (symmetric, shortest total range).

    Returns
    -------
    TwoStationGeometry
        Elevations and slant ranges seen from both stations.

    Examples
    --------
    >>> g = two_station_geometry(500.0, 1200.0)
    >>> round(g.elevation_a_deg, 1), round(g.total_range_km)
    (36.0, 1597)
    """
    h = _check_length(altitude_km, "altitude_km", "two_station_geometry", MAX_ALTITUDE_KM)
    s = check_nonnegative(ground_separation_km, "ground_separation_km", "two_station_geometry")
    if satellite_ground_distance_a_km is None:
        x = 0.5 * s
    else:
        x = check_nonnegative(satellite_ground_distance_a_km, "satellite_ground_distance_a_km", "two_station_geometry")
        if x > s:
            raise ParameterError(
                f"two_station_geometry(): satellite_ground_distance_a_km={satellite_ground_distance_a_km!r} "
                f"exceeds ground_separation_km={s!r}; it must lie in [0, ground_separation_km]"
            )
    ea, ra = elevation_and_range(h, x)
    eb, rb = elevation_and_range(h, s - x)
    return TwoStationGeometry(h, s, x, ea, eb, ra, rb, ra + rb)


def micius_geometry(altitude_km: float = 500.0, ground_separation_km: float = 1200.0,
                    satellite_ground_distance_a_km: float | None = None) -> TwoStationGeometry:
    """The Micius-class dual downlink: 500 km orbit, stations 1200 km apart (Delingha-Lijiang).

    Yin et al., Science 356, 1140 (2017) distributed entangled photons to stations 1203 km
    apart through two downlinks whose summed length varied from 1600 to 2400 km; the
    symmetric overhead geometry gives the 1600-km end (about 36 degrees elevation at each station).
    Station A is Delingha and B Lijiang for the default presets of :meth:`TwoStationGeometry.links`.

    Parameters
    ----------
    altitude_km : float, default 500.0
        Orbit altitude in km (> 0).
    ground_separation_km : float, default 1200.0
        Great-circle distance between the stations in km (>= 0).
    satellite_ground_distance_a_km : float, optional
        Distance from station A to the sub-satellite point, in ``[0, ground_separation_km]``;
        default the midpoint.

    Returns
    -------
    TwoStationGeometry
        Elevations and slant ranges seen from both stations.

    Examples
    --------
    >>> round(micius_geometry().range_a_km, 1)
    798.7
    """
    return two_station_geometry(altitude_km, ground_separation_km, satellite_ground_distance_a_km)
