"""Optical fiber: attenuation, transmissivity, propagation delay and photonic-qubit loss channels."""

from __future__ import annotations

import math
from dataclasses import dataclass

from qnet_core.errors import ParameterError

from .channel import Channel
from .loss import HeraldedChannel, drift_channel, dual_rail_erasure, single_rail_loss

__all__ = ["Fiber", "SPEED_OF_LIGHT_KM_PER_S"]

#: Speed of light in vacuum, km/s (exact by the SI definition of the metre).
SPEED_OF_LIGHT_KM_PER_S = 299_792.458


def _check_nonneg_finite(name: str, value: float, owner: str) -> float:
    try:
        if isinstance(value, (bool, str, bytes)) or getattr(value, "dtype", None) == bool:
            raise TypeError  # float(True) and float("10") would pass
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{owner}: {name}={value!r} is not a number") from None
    except OverflowError:  # an int beyond the float range (10**400)
        raise ParameterError(f"{owner}: {name}={value!r} must be a finite number >= 0") from None
    if not math.isfinite(v) or v < 0:
        raise ParameterError(f"{owner}: {name}={value!r} must be a finite number >= 0")
    return v


@dataclass(frozen=True, slots=True)
class Fiber:
    """A span of optical fiber.

    Parameters
    ----------
    length_km : float
        Length in km (>= 0).
    attenuation_db_per_km : float, default 0.2
        Attenuation coefficient alpha in dB/km (>= 0); 0.2 dB/km is standard telecom
        fiber at 1550 nm.
    refractive_index : float, default 1.44
        Group index n (>= 1); light travels at c/n.

    Examples
    --------
    >>> Fiber(50.0).loss_db
    10.0
    """

    length_km: float
    attenuation_db_per_km: float = 0.2
    refractive_index: float = 1.44

    def __post_init__(self):
        object.__setattr__(self, "length_km", _check_nonneg_finite("length_km", self.length_km, "Fiber"))
        object.__setattr__(
            self,
            "attenuation_db_per_km",
            _check_nonneg_finite("attenuation_db_per_km", self.attenuation_db_per_km, "Fiber"),
        )
        n = _check_nonneg_finite("refractive_index", self.refractive_index, "Fiber")
        if n < 1.0:
            raise ParameterError(f"Fiber: refractive_index={self.refractive_index!r} must be >= 1")
        object.__setattr__(self, "refractive_index", n)

    @property
    def loss_db(self) -> float:
        """Total loss alpha * L in dB."""
        return self.attenuation_db_per_km * self.length_km

    @property
    def transmissivity(self) -> float:
        """Power transmission eta = 10**(-alpha L / 10), in [0, 1]."""
        return 10.0 ** (-self.loss_db / 10.0)

    @property
    def speed_km_per_s(self) -> float:
        """Group velocity c / n in km/s."""
        return SPEED_OF_LIGHT_KM_PER_S / self.refractive_index

    @property
    def delay_s(self) -> float:
        """One-way propagation delay L n / c in seconds."""
        return self.length_km / self.speed_km_per_s

    def drift_channel(self, coherence_length_km: float, kind: str = "dephasing") -> Channel:
        """Polarization / phase drift over this span (see :func:`channels.loss.drift_channel`).

        Parameters
        ----------
        coherence_length_km : float
            Coherence length L_c in km (> 0, inf allowed).
        kind : {"dephasing", "depolarizing"}, default "dephasing"
            Noise model of the drift.

        Returns
        -------
        Channel
            Single-qubit channel for a span of ``self.length_km``.

        Examples
        --------
        >>> Fiber(10.0).drift_channel(float("inf")).label
        'dephasing(p=0)'
        """
        return drift_channel(self.length_km, coherence_length_km, kind)

    def single_rail_channel(self, drift: Channel | None = None) -> Channel:
        """Loss of a single-rail (vacuum / one photon) qubit: amplitude damping ``gamma = 1 - eta``.

        ``drift`` (a single-qubit :class:`Channel`, e.g. from :meth:`drift_channel`) is applied
        after the loss.

        Parameters
        ----------
        drift : Channel, optional
            Single-qubit channel applied after the loss; default none.

        Returns
        -------
        Channel
            Single-qubit channel ``amplitude_damping(1 - transmissivity)`` (followed by ``drift``).

        Examples
        --------
        >>> round(1 - float(Fiber(50.0).single_rail_channel().kraus[0, 1, 1].real) ** 2, 12)
        0.9
        """
        return single_rail_loss(self.transmissivity, drift)

    def dual_rail_erasure(self, drift: Channel | None = None) -> HeraldedChannel:
        """Loss of a dual-rail (polarization / time-bin) qubit as a heralded erasure.

        Returns a :class:`~channels.loss.HeraldedChannel` with ``success_probability = eta`` and
        the post-selected map (identity unless ``drift`` is given).

        Parameters
        ----------
        drift : Channel, optional
            Single-qubit channel applied to the surviving qubit; default the identity.

        Returns
        -------
        HeraldedChannel
            ``success_probability`` equal to the fiber's transmissivity and the post-selected channel.

        Examples
        --------
        >>> round(Fiber(50.0).dual_rail_erasure().success_probability, 12)
        0.1
        """
        return dual_rail_erasure(self.transmissivity, drift)
