"""Trusted-node QKD chains (stage-0 networks, e.g. a 2000 km backbone of fiber links).

Each link runs its own QKD session; keys are relayed hop by hop with one-time pads at trusted
nodes, so the end-to-end secret-key rate is the minimum of the link rates (in bits per
second; every link consumes one key bit per relayed bit). See e.g. the Beijing-Shanghai
backbone, Chen et al., Nature 589, 214 (2021), with 32 trusted nodes over ~2000 km.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike

from qnet_core._args import real, real_array
from qnet_core.errors import ParameterError

from ._common import (_bbm92_etas, _check_decoy, _check_system, _optimize_mu, _optimize_pair_number,
                      _rate_single_photon_eta)
from .system import QKDSystem

__all__ = ["TrustedNodeResult", "trusted_node_chain", "equal_links", "LINK_PROTOCOLS"]

#: Protocols a link of a trusted-node chain can run.
LINK_PROTOCOLS = ("bb84", "bb84-decoy", "bbm92")


@dataclass(frozen=True, slots=True)
class TrustedNodeResult:
    """End-to-end rate of a trusted-node chain.

    Attributes
    ----------
    link_lengths_km : tuple of float
    link_rates_bps : tuple of float
        Secret bits per second of each link.
    rate_bps : float
        End-to-end rate = min(link_rates_bps).
    limiting_link : int
        Index of the link with the smallest rate (the first one on ties).
    rate_per_pulse : float
        ``rate_bps / rep_rate_hz``.
    """

    link_lengths_km: tuple
    link_rates_bps: tuple
    rate_bps: float
    limiting_link: int
    rate_per_pulse: float

    @property
    def total_length_km(self) -> float:
        """Sum of the link lengths, km."""
        return float(sum(self.link_lengths_km))

    def to_dict(self) -> dict:
        """The result as a JSON-friendly dict.

        Returns
        -------
        dict
            Every field (the per-link values as tuples) plus ``total_length_km``.
        """
        d = asdict(self)
        d["total_length_km"] = self.total_length_km
        return d


#: Most links :func:`equal_links` makes (a tuple of that many lengths is built).
MAX_LINKS = 1_000_000


def equal_links(total_km: float, max_link_km: float) -> tuple:
    """Split ``total_km`` into the fewest equal links no longer than ``max_link_km``.

    Parameters
    ----------
    total_km : float
        Total length in km (finite, >= 0).
    max_link_km : float
        Longest allowed link in km (finite, > 0).

    Returns
    -------
    tuple of float
        ``n`` equal lengths ``total_km / n`` (at least one link, even for 0 km).

    Examples
    --------
    >>> equal_links(200.0, 80.0)
    (66.66666666666667, 66.66666666666667, 66.66666666666667)
    """
    total_km = real(total_km, "total_km", "equal_links", lo=0.0)
    max_link_km = real(max_link_km, "max_link_km", "equal_links", lo=0.0, lo_open=True)
    links = total_km / max_link_km
    if links > MAX_LINKS:
        raise ParameterError(f"equal_links(): total_km={total_km!r} with max_link_km={max_link_km!r} needs "
                             f"{links:.3g} links; at most {MAX_LINKS} are allowed")
    n = max(1, math.ceil(links - 1e-12))
    return tuple([total_km / n] * n)


def _link_rates_per_pulse(lengths, system, protocol, decoy, nu):
    d = np.asarray(lengths, dtype=np.float64)
    if protocol == "bb84":
        return _rate_single_photon_eta(system.transmittance(d), system)[0]
    if protocol == "bb84-decoy":
        return _optimize_mu(system.transmittance(d), system, decoy, nu)[1]
    return _optimize_pair_number(*_bbm92_etas(d, system, 0.5), system)[1]


def trusted_node_chain(link_lengths_km: ArrayLike, system: QKDSystem | None = None, protocol: str = "bb84-decoy",
                       decoy: str = "infinite", nu: float = 0.05,
                       systems: Sequence[QKDSystem] | None = None) -> TrustedNodeResult:
    """Secret-key rate of a chain of QKD links joined by trusted relays.

    Parameters
    ----------
    link_lengths_km : sequence of float
        Length of each link in km (>= 1 link, each >= 0).
    system : QKDSystem, optional
        Hardware used on every link (ignored when ``systems`` is given).
    protocol : {"bb84", "bb84-decoy", "bbm92"}
        What every link runs; intensities / pair numbers are optimized per link.
    decoy, nu : see :func:`protocols.qkd.bb84.decoy_bb84_rate`.
    systems : sequence of QKDSystem, optional
        One system per link (e.g. different detectors or rep rates).

    Returns
    -------
    TrustedNodeResult
        ``rate_bps`` is the minimum of the link rates; ``limiting_link`` says which link.

    Examples
    --------
    >>> r = trusted_node_chain([50.0, 120.0, 80.0])
    >>> r.limiting_link
    1
    """
    owner = "trusted_node_chain"
    lengths = tuple(np.atleast_1d(real_array(link_lengths_km, "link_lengths_km", owner, lo=0.0)).reshape(-1).tolist())
    if len(lengths) == 0:
        raise ParameterError(f"{owner}(): link_lengths_km is empty; give at least one link length")
    if any(not math.isfinite(x) or x < 0 for x in lengths):
        raise ParameterError(f"{owner}(): link_lengths_km={link_lengths_km!r} must all be finite and >= 0")
    if protocol not in LINK_PROTOCOLS:
        raise ParameterError(f"{owner}(): protocol={protocol!r} is not allowed; use one of {LINK_PROTOCOLS}")
    if protocol == "bb84-decoy":
        decoy, nu = _check_decoy(decoy, nu, owner)
    if systems is not None and not isinstance(systems, (list, tuple)):
        raise ParameterError(f"{owner}(): systems={systems!r} must be a list of QKDSystem, one per link")
    if systems is None:
        system = _check_system(system, owner)
        per_pulse = _link_rates_per_pulse(lengths, system, protocol, decoy, nu)
        bps = per_pulse * system.rep_rate_hz
        rep = system.rep_rate_hz
    else:
        systems = list(systems)
        if len(systems) != len(lengths):
            raise ParameterError(f"{owner}(): got {len(systems)} systems for {len(lengths)} links; give one per link")
        systems = [_check_system(s, owner) for s in systems]
        bps = np.array([
            float(_link_rates_per_pulse([L], s, protocol, decoy, nu)[0]) * s.rep_rate_hz for L, s in zip(lengths, systems)
        ])
        rep = min(s.rep_rate_hz for s in systems)
    k = int(np.argmin(bps))
    rate = float(bps[k])
    return TrustedNodeResult(
        link_lengths_km=lengths,
        link_rates_bps=tuple(float(x) for x in bps),
        rate_bps=rate,
        limiting_link=k,
        rate_per_pulse=rate / rep,
    )
