"""Key-rate-versus-distance tables for QKD protocols, with the PLOB bound beside them.

:func:`key_rate_curve` returns a :class:`~protocols.qkd.curve.KeyRateCurve` whose columns have stable names
(used by ``qnet keyrate``): ``distance_km, key_rate_per_pulse, key_rate_bps, qber, mu,
plob_per_pulse``. Protocols:

* ``"bb84"``: ideal single-photon source, Shor-Preskill; ``mu`` column is 1.0 (one photon
  per pulse).
* ``"bb84-decoy"``: weak coherent pulses with decoy states; default estimate GLLP with
  infinitely many decoys (``decoy="infinite"``), or ``decoy="vacuum+weak"`` (Ma et al. 2005);
  ``mu`` = signal intensity, optimized per distance unless given.
* ``"bbm92"``: SPDC entangled source in the middle; ``mu`` = mean pair number.
* ``"trusted-node"``: the distance is split into the fewest equal links no longer than
  ``max_link_km`` joined by trusted relays, each running decoy BB84; rates are end-to-end,
  ``qber``/``mu`` those of a link.

``plob_per_pulse`` is the PLOB bound ``-log2(1 - eta_fiber)`` of the whole Alice-Bob fiber
(detector efficiency excluded: it bounds any repeaterless protocol over that fiber). QBER is
that of the signal (sifted key bits) at the chosen ``mu``. Rates where no key can be made
are 0.0; no column ever holds NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from qnet_core._args import real
from qnet_core.errors import ParameterError

from .._common import close_progress, progress_reporter
from ._common import (_bbm92_etas, _bbm92_rate_eta, _check_decoy, _coherent_gain_error, _decoy_rate_eta, _distances,
                      _optimize_mu, _optimize_pair_number, _rate_single_photon_eta)
from .bounds import fiber_transmissivity, plob_bound
from .curve import COLUMNS, KeyRateCurve  # noqa: F401  (COLUMNS: still importable from here)
from .finite_key import finite_key_curve
from .system import QKDSystem
from .trusted_node import equal_links

__all__ = ["PROTOCOLS", "key_rate_curve", "plot_key_rate_curves"]

#: Protocol names accepted by :func:`key_rate_curve`.
PROTOCOLS = ("bb84", "bb84-decoy", "bbm92", "trusted-node")


def key_rate_curve(distance_km: ArrayLike, protocol: str = "bb84-decoy", *, mu: ArrayLike | None = None,
                   attenuation_db_per_km: float = 0.2, detector_efficiency: float = 0.1,
                   dark_count_prob: float = 1e-6, misalignment: float = 0.01, ec_efficiency: float = 1.16,
                   rep_rate_hz: float = 1e9, decoy: str = "infinite", nu: float = 0.05,
                   max_link_km: float = 80.0, n_pulses: float | None = None, eps_sec: float | None = None,
                   system: QKDSystem | None = None,
                   progress: bool | Callable[[int, int], object] | None = None) -> KeyRateCurve:
    """Asymptotic secret-key rate versus distance, with QBER, intensity and the PLOB bound.

    Parameters
    ----------
    distance_km : float or 1-D array_like
        Alice-Bob distances in km (>= 0).
    protocol : {"bb84", "bb84-decoy", "bbm92", "trusted-node"}
    mu : float, optional
        Signal intensity (``bb84-decoy``, ``trusted-node``) or mean pair number (``bbm92``);
        ``None`` optimizes it per distance. Ignored by ``bb84``.
    attenuation_db_per_km, detector_efficiency, dark_count_prob, misalignment, ec_efficiency, rep_rate_hz
        Link hardware, see :class:`protocols.qkd.system.QKDSystem` (ignored if ``system`` is given).
    decoy : {"infinite", "vacuum+weak"}
        Decoy estimate for ``bb84-decoy`` / ``trusted-node``; default GLLP with infinite decoys.
    nu : float
        Weak decoy intensity for ``decoy="vacuum+weak"``.
    max_link_km : float
        Longest link of a ``trusted-node`` chain.
    n_pulses : float, optional
        ``bb84-decoy`` only: finite block of this many pulses; the rate is then the
        finite-size key of Lim et al. 2014 (:func:`protocols.qkd.finite_key.finite_key_curve`,
        efficient biased-basis protocol, all parameters optimized per distance, ``mu`` must be
        None) and the returned protocol name is ``"bb84-decoy-finite"``.
    eps_sec : float, optional
        With ``n_pulses`` only: the composable secrecy parameter in (0, 1) of the finite key;
        default that of :func:`protocols.qkd.finite_key.finite_key_curve` (1e-10).
    system : QKDSystem, optional
        Use this hardware instead of the individual keyword arguments.
    progress : None, True or callable
        ``progress(done_distances, total_distances)``: with ``n_pulses`` after each distance
        (each one is an optimization), else once when the whole (vectorized) curve is done;
        ``True`` draws a ``tqdm`` bar (needs the ``progress`` extra).

    Returns
    -------
    KeyRateCurve

    Examples
    --------
    >>> c = key_rate_curve([0.0, 50.0, 100.0])
    >>> c.columns[:2], bool(c.key_rate_per_pulse[2] < c.key_rate_per_pulse[1])
    (('distance_km', 'key_rate_per_pulse'), True)
    """
    owner = "key_rate_curve"
    if protocol not in PROTOCOLS:
        raise ParameterError(f"{owner}(): protocol={protocol!r} is not allowed; use one of {PROTOCOLS}")
    if system is None:
        system = QKDSystem(attenuation_db_per_km=attenuation_db_per_km, detector_efficiency=detector_efficiency,
                           dark_count_prob=dark_count_prob, misalignment=misalignment,
                           ec_efficiency=ec_efficiency, rep_rate_hz=rep_rate_hz)
    elif not isinstance(system, QKDSystem):
        raise ParameterError(f"{owner}(): system={system!r} must be a QKDSystem")
    d = _distances(distance_km, owner)
    decoy, nu = _check_decoy(decoy, nu, owner)
    if n_pulses is not None:
        if protocol != "bb84-decoy" or mu is not None:
            raise ParameterError(
                f"{owner}(): n_pulses={n_pulses!r} (finite-size key) is only available for protocol='bb84-decoy' "
                f"with mu=None; got protocol={protocol!r}, mu={mu!r}"
            )
        kw = {} if eps_sec is None else {"eps_sec": eps_sec}
        return finite_key_curve(d, n_pulses, system, progress=progress, **kw)
    if eps_sec is not None:
        raise ParameterError(f"{owner}(): eps_sec={eps_sec!r} (finite-key security) needs n_pulses; the asymptotic "
                             "rate has no security parameter")
    report = progress_reporter(progress, d.size, owner, "distances")  # checked before the work
    max_link_km = real(max_link_km, "max_link_km", owner, lo=0.0, lo_open=True)
    if mu is not None:
        m = real(mu, "mu", owner, lo=0.0, lo_open=True, what="an intensity (mean photon number)")
        if protocol in ("bb84-decoy", "trusted-node") and decoy == "vacuum+weak" and m <= nu:
            raise ParameterError(f"{owner}(): mu={mu!r} must exceed the weak decoy intensity nu={nu!r}")
    params = {"system": system.to_dict(), "mu": mu, "decoy": decoy, "nu": nu}
    scale = np.ones_like(d)
    if protocol == "bb84":
        eta = np.asarray(system.transmittance(d))
        r, e = _rate_single_photon_eta(eta, system)
        mus = np.ones_like(d)
    elif protocol in ("bb84-decoy", "trusted-node"):
        link = d
        if protocol == "trusted-node":
            link = np.array([equal_links(float(x), max_link_km)[0] for x in d])
            params["max_link_km"] = max_link_km
            params["n_links"] = [len(equal_links(float(x), max_link_km)) for x in d]
        eta = np.asarray(system.transmittance(link))
        if mu is None:
            mus, r = _optimize_mu(eta, system, decoy, nu)
        else:
            mus = np.full_like(d, float(mu))
            r = _decoy_rate_eta(eta, mus, system, decoy, nu)[0]
        e = _coherent_gain_error(eta, mus, system.dark_count_prob, system.misalignment)[1]
    else:  # bbm92
        ea, eb = _bbm92_etas(d, system, 0.5)
        if mu is None:
            mus, r = _optimize_pair_number(ea, eb, system)
        else:
            mus = np.full_like(d, float(mu))
        r, e = _bbm92_rate_eta(ea, eb, mus, system)
    r = np.maximum(np.nan_to_num(np.asarray(r, dtype=np.float64) * scale, nan=0.0), 0.0)
    e = np.nan_to_num(np.asarray(e, dtype=np.float64), nan=0.5)
    plob = np.asarray(plob_bound(fiber_transmissivity(d, system.attenuation_db_per_km)), dtype=np.float64)
    if report is not None:
        report(d.size, d.size)
        close_progress(report)
    return KeyRateCurve(
        distance_km=d,
        key_rate_per_pulse=r,
        key_rate_bps=r * system.rep_rate_hz,
        qber=e,
        mu=np.asarray(mus, dtype=np.float64).reshape(d.shape),
        plob_per_pulse=plob,
        protocol=protocol,
        params=params,
    )


def plot_key_rate_curves(curves: Sequence[KeyRateCurve], ax: Any | None = None, per: str = "pulse",
                         show_plob: bool = True, labels: Sequence[str] | None = None) -> Any:
    """Draw key rate versus distance on a log axis with the PLOB bound (needs matplotlib).

    Parameters
    ----------
    curves : KeyRateCurve or sequence of KeyRateCurve
    ax : matplotlib Axes, optional
    per : {"pulse", "second"}
        Plot ``key_rate_per_pulse`` or ``key_rate_bps`` (the PLOB bound is drawn per pulse
        only, i.e. for ``per="pulse"``).
    show_plob : bool
        Draw the PLOB bound of the first curve's distances.
    labels : sequence of str, optional
        Legend labels (default: protocol names).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_key_rate_curves(key_rate_curve([10.0, 50.0]))  # doctest: +SKIP
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - optional extra
        raise ImportError("plot_key_rate_curves() needs matplotlib: pip install qnetsim[plot]") from exc
    if isinstance(curves, KeyRateCurve):
        curves = [curves]
    if per not in ("pulse", "second"):
        raise ParameterError(f"plot_key_rate_curves(): per={per!r} is not allowed; use 'pulse' or 'second'")
    if ax is None:
        _, ax = plt.subplots()
    labels = labels or [c.protocol for c in curves]
    for c, lab in zip(curves, labels):
        y = c.key_rate_per_pulse if per == "pulse" else c.key_rate_bps
        pos = y > 0
        ax.plot(c.distance_km[pos], y[pos], label=lab)
    if show_plob and per == "pulse" and curves:
        ax.plot(curves[0].distance_km, curves[0].plob_per_pulse, "k--", label="PLOB bound")
    ax.set_yscale("log")
    ax.set_xlabel("distance (km)")
    ax.set_ylabel("secret key rate (bits/pulse)" if per == "pulse" else "secret key rate (bits/s)")
    ax.legend()
    return ax
