"""Free-space optical links and satellite downlinks: geometry and loss budget.

Loss model (a product of independent factors, each reported in dB by
:attr:`FreeSpaceLink.breakdown`):

* **diffraction**: a Gaussian beam of waist ``w0 = tx_aperture_m / 2`` at wavelength
  lambda has radius ``w(L) = w0 sqrt(1 + (L / z_R)**2)``, ``z_R = pi w0**2 / lambda``, at
  distance L; a receiver of radius ``a = rx_aperture_m / 2`` centred on the beam collects
  ``1 - exp(-2 a**2 / w(L)**2)``. If ``beam_divergence_rad`` (far-field half-angle, e.g. a
  measured value including turbulence) is given, ``w(L) = sqrt(w0**2 + (theta L)**2)``
  instead. (Liorni, Kampermann, Bruss, New J. Phys. 21, 093055 (2019), Sec. 3;
  Bourgoin et al., New J. Phys. 15, 023006 (2013), Sec. 3.)
* **atmosphere**: plane-parallel atmosphere, ``T(elevation) = T_zenith ** (1 / sin(elevation))``
  (air mass ``sec(zenith angle)``; Bourgoin et al. 2013, Sec. 3.2). Adequate above about
  10-15 degrees elevation.
* **pointing**: a static pointing offset ``theta_p`` displaces the beam centre by
  ``theta_p L`` at the receiver; for a receiver small compared with the beam the collected
  power drops by ``exp(-2 (theta_p L)**2 / w(L)**2)``.
* **extra**: any further fixed loss in dB (optics, filters, coupling), ``extra_loss_db``.

Geometry: spherical Earth of radius 6371 km. The slant range to a satellite at altitude h
seen at elevation e is ``sqrt((R+h)**2 - R**2 cos(e)**2) - R sin(e)``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from qnet_core.errors import ParameterError
from qnet_core.validation import check_nonnegative, check_positive, check_probability

from .channel import Channel
from .fiber import SPEED_OF_LIGHT_KM_PER_S
from .loss import HeraldedChannel, dual_rail_erasure, single_rail_loss

__all__ = [
    "EARTH_RADIUS_KM",
    "slant_range_km",
    "elevation_and_range",
    "FreeSpaceLink",
    "LinkBudget",
    "satellite_downlink",
    "TwoStationGeometry",
    "two_station_geometry",
    "micius_geometry",
]

#: Mean Earth radius in km (spherical-Earth geometry).
EARTH_RADIUS_KM = 6371.0


def _db(eta: float) -> float:
    return math.inf if eta <= 0.0 else max(0.0, -10.0 * math.log10(eta))


def _check_elevation(elevation_deg, owner: str, allow_zero: bool) -> float:
    e = check_nonnegative(elevation_deg, "elevation_deg", owner)
    if e > 90.0 or (e == 0.0 and not allow_zero):
        allowed = "[0, 90]" if allow_zero else "(0, 90]"
        raise ParameterError(
            f"{owner}(): elevation_deg={elevation_deg!r} is not allowed; it must lie in {allowed} degrees"
        )
    return e


def slant_range_km(altitude_km: float, elevation_deg: float) -> float:
    """Distance in km from a ground station to a satellite at ``altitude_km`` seen at ``elevation_deg``.

    ``d = sqrt((R + h)**2 - R**2 cos(e)**2) - R sin(e)`` with R = 6371 km.

    Parameters
    ----------
    altitude_km : float
        Orbit altitude h above the surface, km (> 0).
    elevation_deg : float
        Elevation angle e above the horizon in degrees, in [0, 90].

    Examples
    --------
    >>> slant_range_km(500.0, 90.0)
    500.0
    """
    h = check_positive(altitude_km, "altitude_km", "slant_range_km")
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

    Examples
    --------
    >>> elevation_and_range(500.0, 0.0)
    (90.0, 500.0)
    """
    h = check_positive(altitude_km, "altitude_km", "elevation_and_range")
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
    """Per-factor losses of a free-space link in dB (``total_db`` is their sum)."""

    diffraction_db: float
    atmosphere_db: float
    pointing_db: float
    extra_db: float
    total_db: float

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FreeSpaceLink:
    """A free-space optical link (ground-ground, or a slant path through the atmosphere).

    Parameters
    ----------
    distance_km : float
        Propagation distance L in km (> 0).
    wavelength_m : float, default 810e-9
        Wavelength lambda in m (> 0); 810 nm is the Micius entangled-photon wavelength.
    tx_aperture_m : float, default 0.3
        Transmitter aperture diameter in m (> 0); the beam waist is ``w0 = tx_aperture_m / 2``.
    rx_aperture_m : float, default 1.0
        Receiver aperture diameter in m (> 0).
    pointing_error_rad : float, default 0
        Static pointing offset in rad (>= 0).
    zenith_transmittance : float, default 1.0
        Atmospheric transmittance at zenith, in [0, 1] (1 = no atmosphere).
    elevation_deg : float, default 90
        Elevation of the path in degrees, in (0, 90]; scales the atmospheric path.
    extra_loss_db : float, default 0
        Additional fixed loss in dB (>= 0).
    beam_divergence_rad : float or None, default None
        Far-field half-angle divergence in rad overriding the diffraction limit
        ``lambda / (pi w0)`` (> 0), e.g. to include turbulence-induced spreading.

    Examples
    --------
    >>> link = FreeSpaceLink(1000.0, rx_aperture_m=0.5)
    >>> round(link.loss_db, 2)
    13.86
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

    def __post_init__(self):
        o = "FreeSpaceLink"
        s = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        s("distance_km", check_positive(self.distance_km, "distance_km", o))
        s("wavelength_m", check_positive(self.wavelength_m, "wavelength_m", o))
        s("tx_aperture_m", check_positive(self.tx_aperture_m, "tx_aperture_m", o))
        s("rx_aperture_m", check_positive(self.rx_aperture_m, "rx_aperture_m", o))
        s("pointing_error_rad", check_nonnegative(self.pointing_error_rad, "pointing_error_rad", o))
        s("zenith_transmittance", check_probability(self.zenith_transmittance, "zenith_transmittance", o))
        s("elevation_deg", _check_elevation(self.elevation_deg, o, allow_zero=False))
        s("extra_loss_db", check_nonnegative(self.extra_loss_db, "extra_loss_db", o))
        if self.beam_divergence_rad is not None:
            s("beam_divergence_rad", check_positive(self.beam_divergence_rad, "beam_divergence_rad", o))
        if self.wavelength_m > 1e-3:
            raise ParameterError(
                f"FreeSpaceLink(): wavelength_m={self.wavelength_m!r} looks like it is not in metres "
                "(optical wavelengths are ~1e-6 m, e.g. 810e-9)"
            )

    def to_dict(self) -> dict:
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
        """Beam radius ``w(L)`` (1/e**2 intensity) at the receiver, in m."""
        L = self.distance_km * 1e3
        w0 = self.beam_waist_m
        if self.beam_divergence_rad is not None:
            return math.hypot(w0, self.beam_divergence_rad * L)
        return w0 * math.sqrt(1.0 + (self.distance_km / self.rayleigh_range_km) ** 2)

    # ------------------------------------------------------------- factors
    @property
    def diffraction_transmissivity(self) -> float:
        """Fraction collected by the receiver aperture: ``1 - exp(-2 a**2 / w(L)**2)``."""
        a = 0.5 * self.rx_aperture_m
        return -math.expm1(-2.0 * a * a / self.beam_radius_m ** 2)

    @property
    def atmospheric_transmissivity(self) -> float:
        """``T_zenith ** (1 / sin(elevation))``."""
        if self.zenith_transmittance == 0.0:
            return 0.0
        return self.zenith_transmittance ** (1.0 / math.sin(math.radians(self.elevation_deg)))

    @property
    def pointing_transmissivity(self) -> float:
        """``exp(-2 (theta_p L)**2 / w(L)**2)`` for a static pointing offset theta_p."""
        r = self.pointing_error_rad * self.distance_km * 1e3
        return math.exp(-2.0 * (r / self.beam_radius_m) ** 2)

    @property
    def transmissivity(self) -> float:
        """Total transmissivity: product of diffraction, atmosphere, pointing and extra loss."""
        return (self.diffraction_transmissivity * self.atmospheric_transmissivity
                * self.pointing_transmissivity * 10.0 ** (-self.extra_loss_db / 10.0))

    @property
    def loss_db(self) -> float:
        """Total loss ``-10 log10(transmissivity)`` in dB (inf for an opaque link)."""
        return self.breakdown.total_db

    @property
    def breakdown(self) -> LinkBudget:
        """Loss of each factor in dB."""
        parts = (_db(self.diffraction_transmissivity), _db(self.atmospheric_transmissivity),
                 _db(self.pointing_transmissivity), self.extra_loss_db)
        return LinkBudget(*parts, total_db=sum(parts))

    @property
    def delay_s(self) -> float:
        """One-way propagation delay ``L / c`` in seconds (vacuum speed of light)."""
        return self.distance_km / SPEED_OF_LIGHT_KM_PER_S

    # ------------------------------------------------------------- channels
    def single_rail_channel(self, drift: Channel | None = None) -> Channel:
        """Amplitude damping with ``gamma = 1 - transmissivity`` (then ``drift``, if given)."""
        return single_rail_loss(self.transmissivity, drift)

    def dual_rail_erasure(self, drift: Channel | None = None) -> HeraldedChannel:
        """Heralded erasure: success probability = transmissivity, post-selected map identity / drift."""
        return dual_rail_erasure(self.transmissivity, drift)


def satellite_downlink(altitude_km: float = 500.0, elevation_deg: float = 90.0, **link_params) -> FreeSpaceLink:
    """Downlink from a satellite at ``altitude_km`` seen at ``elevation_deg``.

    The distance is :func:`slant_range_km` and the atmosphere is crossed at that elevation.
    ``link_params`` are passed to :class:`FreeSpaceLink` (``wavelength_m``, ``tx_aperture_m``,
    ``rx_aperture_m``, ``pointing_error_rad``, ``zenith_transmittance``, ``extra_loss_db``,
    ``beam_divergence_rad``); note that ``zenith_transmittance`` defaults to 1 (no atmosphere),
    pass e.g. 0.8 for a clear sky in the 800-nm window.

    Examples
    --------
    >>> link = satellite_downlink(500.0, 30.0)
    >>> round(link.distance_km, 1)
    909.4
    """
    for bad in ("distance_km", "elevation_deg"):
        if bad in link_params:
            raise ParameterError(f"satellite_downlink(): {bad} is computed from the geometry; do not pass it")
    e = _check_elevation(elevation_deg, "satellite_downlink", allow_zero=False)
    d = slant_range_km(altitude_km, e)
    return FreeSpaceLink(distance_km=d, elevation_deg=e, **link_params)


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
        return asdict(self)

    def links(self, **link_params) -> tuple[FreeSpaceLink, FreeSpaceLink]:
        """The two downlinks as :class:`FreeSpaceLink` (both stations must see the satellite)."""
        if min(self.elevation_a_deg, self.elevation_b_deg) <= 0.0:
            raise ParameterError(
                f"TwoStationGeometry.links(): the satellite is below the horizon of a station "
                f"(elevations {self.elevation_a_deg:.2f} and {self.elevation_b_deg:.2f} degrees)"
            )
        return (FreeSpaceLink(self.range_a_km, elevation_deg=self.elevation_a_deg, **link_params),
                FreeSpaceLink(self.range_b_km, elevation_deg=self.elevation_b_deg, **link_params))

    def total_loss_db(self, **link_params) -> float:
        """Two-photon loss: the sum of both downlinks' losses in dB."""
        a, b = self.links(**link_params)
        return a.loss_db + b.loss_db


def two_station_geometry(altitude_km: float, ground_separation_km: float,
                         satellite_ground_distance_a_km: float | None = None) -> TwoStationGeometry:
    """Geometry of a satellite above the great circle joining two ground stations.

    Parameters
    ----------
    altitude_km : float
        Orbit altitude in km (> 0).
    ground_separation_km : float
        Great-circle distance between the stations in km (>= 0).
    satellite_ground_distance_a_km : float, optional
        Distance from station A to the sub-satellite point along the great circle, in
        ``[0, ground_separation_km]``; default: the midpoint (symmetric, shortest total range).

    Examples
    --------
    >>> g = two_station_geometry(500.0, 1200.0)
    >>> round(g.elevation_a_deg, 1), round(g.total_range_km)
    (36.0, 1597)
    """
    h = check_positive(altitude_km, "altitude_km", "two_station_geometry")
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

    Examples
    --------
    >>> round(micius_geometry().range_a_km, 1)
    798.7
    """
    return two_station_geometry(altitude_km, ground_separation_km, satellite_ground_distance_a_km)
