"""Hardware of a point-to-point QKD link: :class:`QKDSystem`, and the GYS 2004 experiment's values.

Link model (one fiber span between Alice and Bob; every QKD module of :mod:`protocols.qkd` uses it):

* the overall transmittance of a photon is ``eta = detector_efficiency * 10**(-alpha L / 10)``
  (fiber loss from :class:`channels.Fiber`, through :func:`protocols.qkd.bounds.fiber_transmissivity`);
* ``dark_count_prob`` = ``Y0``, the probability of a background click of Bob's detection
  system in one detection window (both detectors together), independent of the signal;
* a signal click has an error with probability ``misalignment`` (``e_d``), a click caused only
  by background has error 1/2 (``e_0``);
* ``ec_efficiency`` = ``f >= 1``, the error-correction leak is ``f h(E)`` per sifted bit;
* ``rep_rate_hz`` pulses per second turn bits per pulse into bits per second.

The yields, gains and key rates of this model are in :mod:`protocols.qkd.bb84` (prepare and
measure) and :mod:`protocols.qkd.bbm92` (entangled source); free-space links take the
transmittance from :mod:`channels.free_space` instead (:mod:`protocols.qkd.satellite`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING

from numpy.typing import ArrayLike

from qnet_core.errors import ParameterError
from qnet_core.validation import check_nonnegative, check_positive, check_probability

from .bounds import fiber_transmissivity

if TYPE_CHECKING:  # annotations only
    import numpy as np

    from channels.detectors import Detector

__all__ = ["QKDSystem", "GYS_2004"]


@dataclass(frozen=True, slots=True)
class QKDSystem:
    """Hardware of a point-to-point fiber QKD link (everything except its length).

    Parameters
    ----------
    attenuation_db_per_km : float, default 0.2
        Fiber attenuation alpha in dB/km (>= 0).
    detector_efficiency : float, default 0.1
        Bob's overall detection efficiency (detector and receiver optics), in (0, 1].
    dark_count_prob : float, default 1e-6
        ``Y0``: probability of a background click per detection window, in [0, 1).
    misalignment : float, default 0.01
        ``e_d``: probability that a signal photon hits the wrong detector, in [0, 0.5].
    ec_efficiency : float, default 1.16
        Error-correction inefficiency ``f >= 1`` (leak ``f h(E)`` per sifted bit).
    rep_rate_hz : float, default 1e9
        Source repetition rate in Hz (> 0), converts bits per pulse to bits per second.

    Examples
    --------
    >>> QKDSystem(detector_efficiency=0.045).detector_efficiency
    0.045
    """

    attenuation_db_per_km: float = 0.2
    detector_efficiency: float = 0.1
    dark_count_prob: float = 1e-6
    misalignment: float = 0.01
    ec_efficiency: float = 1.16
    rep_rate_hz: float = 1e9

    def __post_init__(self):
        o = "QKDSystem"
        object.__setattr__(
            self, "attenuation_db_per_km", check_nonnegative(self.attenuation_db_per_km, "attenuation_db_per_km", o)
        )
        eff = check_probability(self.detector_efficiency, "detector_efficiency", o)
        if eff <= 0.0:
            raise ParameterError(f"{o}(): detector_efficiency={self.detector_efficiency!r} must lie in (0, 1]")
        object.__setattr__(self, "detector_efficiency", eff)
        y0 = check_probability(self.dark_count_prob, "dark_count_prob", o)
        if y0 >= 1.0:
            raise ParameterError(f"{o}(): dark_count_prob={self.dark_count_prob!r} must lie in [0, 1)")
        object.__setattr__(self, "dark_count_prob", y0)
        ed = check_probability(self.misalignment, "misalignment", o)
        if ed > 0.5:
            raise ParameterError(f"{o}(): misalignment={self.misalignment!r} must lie in [0, 0.5]")
        object.__setattr__(self, "misalignment", ed)
        f = check_positive(self.ec_efficiency, "ec_efficiency", o)
        if f < 1.0:
            raise ParameterError(
                f"{o}(): ec_efficiency={self.ec_efficiency!r} is below the Shannon limit; f must be >= 1"
            )
        object.__setattr__(self, "ec_efficiency", f)
        object.__setattr__(self, "rep_rate_hz", check_positive(self.rep_rate_hz, "rep_rate_hz", o))

    def to_dict(self) -> dict:
        """The hardware parameters as a JSON-friendly dict.

        Returns
        -------
        dict
            Field name to float.
        """
        return asdict(self)

    def with_(self, **changes) -> "QKDSystem":
        """Copy with some fields changed (validated again).

        Parameters
        ----------
        **changes
            Field names and new values (unknown names raise TypeError).

        Returns
        -------
        QKDSystem
            A new, validated system.
        """
        return replace(self, **changes)

    @classmethod
    def from_detector(cls, detector: Detector, **kwargs) -> "QKDSystem":
        """Build from a :class:`channels.detectors.Detector` (its efficiency and dark-count probability).

        Parameters
        ----------
        detector : channels.detectors.Detector
            Supplies ``detector_efficiency`` (must be > 0) and ``dark_count_prob`` (< 1).
        **kwargs
            The other :class:`QKDSystem` fields; passing the two taken from the detector raises.

        Returns
        -------
        QKDSystem
            The validated system.

        Examples
        --------
        >>> from channels.detectors import Detector
        >>> QKDSystem.from_detector(Detector(efficiency=0.2, dark_count_prob=1e-7)).detector_efficiency
        0.2
        """
        for name in ("detector_efficiency", "dark_count_prob"):
            if name in kwargs:
                raise ParameterError(f"QKDSystem.from_detector(): {name} comes from the detector; do not pass it")
        return cls(detector_efficiency=detector.efficiency, dark_count_prob=detector.dark_count_prob, **kwargs)

    def transmittance(self, distance_km: ArrayLike) -> float | np.ndarray:
        """Overall photon transmittance ``eta = detector_efficiency * 10**(-alpha L / 10)``.

        Parameters
        ----------
        distance_km : float or array_like
            Fiber length(s) L in km (finite, >= 0).

        Returns
        -------
        float or numpy.ndarray
            Transmittance in [0, 1], shaped like ``distance_km``.

        Examples
        --------
        >>> round(QKDSystem(detector_efficiency=0.5).transmittance(50.0), 12)
        0.05
        """
        return self.detector_efficiency * fiber_transmissivity(distance_km, self.attenuation_db_per_km)


#: Parameters of the GYS experiment (Gobby, Yuan, Shields, Appl. Phys. Lett. 84, 3762 (2004)) as
#: tabulated by Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005), Table I, and used by Lo, Ma, Chen,
#: PRL 94, 230504 (2005): alpha = 0.21 dB/km, eta_Bob = 4.5 %, e_detector = 3.3 %,
#: Y0 = 1.7e-6, f = 1.22, 2 MHz clock.
GYS_2004 = QKDSystem(
    attenuation_db_per_km=0.21,
    detector_efficiency=0.045,
    dark_count_prob=1.7e-6,
    misalignment=0.033,
    ec_efficiency=1.22,
    rep_rate_hz=2e6,
)
