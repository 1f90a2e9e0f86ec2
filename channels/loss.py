"""Photonic loss as quantum channels: single-rail amplitude damping and dual-rail erasure.

A photonic qubit sent through a lossy element of transmissivity ``eta`` is affected
differently depending on the encoding:

* **single-rail** (|0> = vacuum, |1> = one photon): loss maps |1> to |0> without a herald,
  which is exactly amplitude damping with ``gamma = 1 - eta``;
* **dual-rail** (polarization, time-bin, path; one photon in two modes): loss removes the
  photon from either mode and leaves the vacuum, outside the qubit space. It is an
  *erasure* heralded by the missing click: with probability ``eta`` the photon arrives
  and the post-selected qubit state is unchanged (or changed only by drift), otherwise it
  is lost and the event is discarded.

Polarization or phase drift in the medium is modelled as dephasing (relative phase
noise) or depolarizing (random polarization rotations), parameterized by a coherence
length: the off-diagonal element (or Bloch vector) shrinks by ``exp(-L / L_c)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qnet_core.errors import ParameterError
from qnet_core.validation import check_nonnegative, check_positive, check_probability

from .catalogue import amplitude_damping, dephasing, depolarizing
from .channel import Channel

__all__ = ["HeraldedChannel", "single_rail_loss", "dual_rail_erasure", "drift_channel"]


@dataclass(frozen=True, slots=True)
class HeraldedChannel:
    """A heralded (post-selected) channel: success probability and the map on success.

    Attributes
    ----------
    success_probability : float
        Probability that the herald fires (the photon arrived), in [0, 1].
    channel : Channel
        The CPTP map applied to the qubit *conditioned on* success (identity for pure loss).
    """

    success_probability: float
    channel: Channel

    def __post_init__(self):
        object.__setattr__(self, "success_probability",
                           check_probability(self.success_probability, "success_probability", "HeraldedChannel"))
        if not isinstance(self.channel, Channel):
            raise ParameterError(f"HeraldedChannel(): channel={self.channel!r} must be a Channel")

    def to_dict(self) -> dict:
        """JSON-friendly summary (the channel as its label and Kraus count).

        Returns
        -------
        dict
            ``success_probability`` (float), ``channel`` (its label, or repr) and ``num_kraus`` (int).
        """
        return {
            "success_probability": self.success_probability,
            "channel": self.channel.label or repr(self.channel),
            "num_kraus": self.channel.num_kraus,
        }


def single_rail_loss(transmissivity: float, drift: Channel | None = None) -> Channel:
    """Loss of a single-rail photonic qubit: amplitude damping with ``gamma = 1 - eta``, then ``drift``.

    Parameters
    ----------
    transmissivity : float
        Channel transmissivity eta in [0, 1].
    drift : Channel, optional
        Single-qubit channel applied after the loss; default none.

    Returns
    -------
    Channel
        Single-qubit channel ``amplitude_damping(1 - eta)`` (followed by ``drift``).

    Examples
    --------
    >>> single_rail_loss(0.1) == amplitude_damping(0.9)
    True
    """
    eta = check_probability(transmissivity, "transmissivity", "single_rail_loss")
    ch = amplitude_damping(1.0 - eta)
    return ch if drift is None else ch.then(_check_drift(drift, "single_rail_loss"))


def dual_rail_erasure(transmissivity: float, drift: Channel | None = None) -> HeraldedChannel:
    """Loss of a dual-rail (polarization / time-bin) qubit: heralded erasure.

    Returns success probability ``eta`` and the post-selected map (identity, or ``drift``).

    Parameters
    ----------
    transmissivity : float
        Channel transmissivity eta in [0, 1].
    drift : Channel, optional
        Single-qubit channel applied to the surviving qubit; default the identity.

    Returns
    -------
    HeraldedChannel
        ``success_probability = eta`` and the post-selected single-qubit channel.

    Examples
    --------
    >>> dual_rail_erasure(0.01).success_probability
    0.01
    """
    eta = check_probability(transmissivity, "transmissivity", "dual_rail_erasure")
    ch = Channel.identity(1) if drift is None else _check_drift(drift, "dual_rail_erasure")
    return HeraldedChannel(eta, ch)


def drift_channel(length_km: float, coherence_length_km: float, kind: str = "dephasing") -> Channel:
    """Polarization / phase drift over ``length_km`` with coherence length ``L_c``.

    ``kind='dephasing'``: ``phase_flip(p)`` with ``1 - 2p = exp(-L/L_c)`` (relative phase noise of
    time-bin or path qubits). ``kind='depolarizing'``: ``depolarizing(p)`` with
    ``1 - p = exp(-L/L_c)`` (random polarization rotations; the Bloch vector shrinks by
    ``exp(-L/L_c)``). ``coherence_length_km = inf`` gives the identity.

    Parameters
    ----------
    length_km : float
        Fiber length L in km (>= 0).
    coherence_length_km : float
        Coherence length L_c in km (> 0, inf allowed).
    kind : {"dephasing", "depolarizing"}, default "dephasing"
        Noise model of the drift.

    Returns
    -------
    Channel
        Single-qubit dephasing or depolarizing channel.

    Examples
    --------
    >>> drift_channel(10.0, math.inf) == Channel.identity(1)
    True
    """
    L = check_nonnegative(length_km, "length_km", "drift_channel")
    Lc = check_positive(coherence_length_km, "coherence_length_km", "drift_channel", allow_inf=True)
    shrink = math.exp(-L / Lc)
    if kind == "dephasing":
        return dephasing(0.5 * (1.0 - shrink))
    if kind == "depolarizing":
        return depolarizing(1.0 - shrink)
    raise ParameterError(f"drift_channel(): kind={kind!r} is not allowed; it must be 'dephasing' or 'depolarizing'")


def _check_drift(drift, owner: str) -> Channel:
    if not isinstance(drift, Channel) or drift.num_qubits != 1:
        raise ParameterError(f"{owner}(): drift={drift!r} must be a single-qubit Channel or None")
    return drift
