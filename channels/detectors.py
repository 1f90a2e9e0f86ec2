"""Threshold single-photon detectors: efficiency, dark counts, dead time, readout errors.

Model: a threshold (click / no-click) detector with detection efficiency ``eta_d`` and an
independent dark-count probability ``p_d`` per detection window. For an n-photon Fock
state arriving through a transmissivity ``t``,
``P(click) = 1 - (1 - p_d) (1 - t eta_d)**n`` (each photon detected independently),
and for a coherent state of mean photon number mu, ``P(click) = 1 - (1 - p_d) exp(-t eta_d mu)``
(Ma, Qi, Zhao, Lo, Phys. Rev. A 72, 012326 (2005), eqs. 4-5 with ``Y_0 = p_d``).

A qubit read out by a *pair* of detectors (one per basis outcome, as for polarization or
time-bin qubits) sees the dark counts as random outcomes: double clicks are assigned a random
bit (the usual squashing convention) and no-click events are discarded.
:meth:`Detector.readout` gives the exact outcome statistics, and the post-selected readout
equals an ideal measurement after a bit flip with probability
:meth:`Detector.readout_flip_probability`.

Dead time is ignored unless ``dead_time_s > 0``; then :meth:`Detector.detected_rate_hz`
applies the non-paralyzable model ``R_det = R / (1 + R tau)``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from qnet_core.errors import ParameterError
from qnet_core.validation import check_nonnegative, check_probability

from .catalogue import bit_flip
from .channel import Channel

__all__ = ["Detector", "ReadoutStatistics"]


@dataclass(frozen=True, slots=True)
class ReadoutStatistics:
    """Outcome probabilities of a qubit read out by a pair of threshold detectors.

    Attributes
    ----------
    p_correct_only, p_wrong_only, p_double, p_no_click : float
        Probabilities of: only the detector of the correct outcome clicks; only the other
        one clicks; both click; neither clicks. They sum to 1.
    p_click : float
        ``1 - p_no_click``: probability the measurement is kept.
    error_rate : float
        Error probability given a kept event (double clicks count as a random bit):
        ``(p_wrong_only + p_double / 2) / p_click``; 1/2 when ``p_click = 0``.
    """

    p_correct_only: float
    p_wrong_only: float
    p_double: float
    p_no_click: float
    p_click: float
    error_rate: float

    def to_dict(self) -> dict:
        """The six probabilities as a JSON-friendly dict.

        Returns
        -------
        dict
            Field name to float.
        """
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Detector:
    """A threshold single-photon detector.

    Parameters
    ----------
    efficiency : float, default 1.0
        Detection efficiency eta_d in [0, 1].
    dark_count_prob : float, default 0.0
        Probability p_d of a dark (or background) click per detection window, in [0, 1].
    dead_time_s : float, default 0.0
        Dead time after a click in seconds (>= 0); only used by :meth:`detected_rate_hz`.

    Examples
    --------
    >>> Detector(efficiency=0.9, dark_count_prob=1e-5).click_probability_single_photon()
    0.900001
    """

    efficiency: float = 1.0
    dark_count_prob: float = 0.0
    dead_time_s: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "efficiency", check_probability(self.efficiency, "efficiency", "Detector"))
        object.__setattr__(
            self, "dark_count_prob", check_probability(self.dark_count_prob, "dark_count_prob", "Detector")
        )
        object.__setattr__(self, "dead_time_s", check_nonnegative(self.dead_time_s, "dead_time_s", "Detector"))

    def to_dict(self) -> dict:
        """The detector parameters as a JSON-friendly dict.

        Returns
        -------
        dict
            ``efficiency``, ``dark_count_prob`` and ``dead_time_s`` as floats.
        """
        return asdict(self)

    # ------------------------------------------------------------- click probabilities
    def click_probability_vacuum(self) -> float:
        """P(click | vacuum input) = ``p_d``.

        Returns
        -------
        float
            The dark-count probability in [0, 1].
        """
        return self.dark_count_prob

    def click_probability_single_photon(self, transmissivity: float = 1.0) -> float:
        """P(click | one photon through transmissivity t) = ``1 - (1 - p_d)(1 - t eta_d)``.

        Parameters
        ----------
        transmissivity : float, default 1.0
            Transmissivity t of the path to the detector, in [0, 1].

        Returns
        -------
        float
            Click probability in [0, 1].
        """
        return self.click_probability(1, transmissivity)

    def click_probability(self, num_photons: int = 1, transmissivity: float = 1.0) -> float:
        """P(click | n-photon Fock state through transmissivity t) = ``1 - (1-p_d)(1 - t eta_d)**n``.

        Parameters
        ----------
        num_photons : int, default 1
            Photon number n >= 0 of the Fock state (0 gives the dark-count probability).
        transmissivity : float, default 1.0
            Transmissivity t of the path to the detector, in [0, 1].

        Returns
        -------
        float
            Click probability in [0, 1].

        Examples
        --------
        >>> Detector(efficiency=0.5).click_probability(2)
        0.75
        """
        if isinstance(num_photons, bool) or not isinstance(num_photons, int) or num_photons < 0:
            raise ParameterError(
                f"Detector.click_probability(): num_photons={num_photons!r} must be an integer >= 0"
            )
        t = check_probability(transmissivity, "transmissivity", "Detector.click_probability")
        q = t * self.efficiency
        return 1.0 - (1.0 - self.dark_count_prob) * (1.0 - q) ** num_photons

    def no_click_probability(self, num_photons: int = 1, transmissivity: float = 1.0) -> float:
        """``1 - click_probability(num_photons, transmissivity)``.

        Parameters
        ----------
        num_photons : int, default 1
            Photon number n >= 0 of the Fock state.
        transmissivity : float, default 1.0
            Transmissivity t of the path to the detector, in [0, 1].

        Returns
        -------
        float
            Probability of no click, ``(1 - p_d)(1 - t eta_d)**n``, in [0, 1].
        """
        return 1.0 - self.click_probability(num_photons, transmissivity)

    def click_probability_coherent(self, mean_photon_number: float, transmissivity: float = 1.0) -> float:
        """P(click | coherent state of mean photon number mu) = ``1 - (1-p_d) exp(-t eta_d mu)``.

        Parameters
        ----------
        mean_photon_number : float
            Mean photon number mu >= 0 of the coherent state.
        transmissivity : float, default 1.0
            Transmissivity t of the path to the detector, in [0, 1].

        Returns
        -------
        float
            Click probability in [0, 1].

        Examples
        --------
        >>> round(Detector().click_probability_coherent(1.0), 6)
        0.632121
        """
        mu = check_nonnegative(mean_photon_number, "mean_photon_number", "Detector.click_probability_coherent")
        t = check_probability(transmissivity, "transmissivity", "Detector.click_probability_coherent")
        return 1.0 - (1.0 - self.dark_count_prob) * math.exp(-t * self.efficiency * mu)

    # ------------------------------------------------------------- dead time
    def detected_rate_hz(self, incident_click_rate_hz: float) -> float:
        """Registered click rate with dead time (non-paralyzable): ``R / (1 + R tau)``.

        ``incident_click_rate_hz`` is the rate of clicks the detector would register without
        dead time. With ``dead_time_s = 0`` the rate is returned unchanged.

        Parameters
        ----------
        incident_click_rate_hz : float
            Click rate R without dead time, in Hz (>= 0).

        Returns
        -------
        float
            Registered click rate in Hz, at most ``1 / dead_time_s``.

        Examples
        --------
        >>> Detector(dead_time_s=1e-6).detected_rate_hz(1e6)
        500000.0
        """
        R = check_nonnegative(incident_click_rate_hz, "incident_click_rate_hz", "Detector.detected_rate_hz")
        return R / (1.0 + R * self.dead_time_s)

    # ------------------------------------------------------------- qubit readout
    def readout(self, transmissivity: float = 1.0, intrinsic_error: float = 0.0) -> ReadoutStatistics:
        """Outcome statistics of a qubit read out by a pair of these detectors.

        The photon reaches the detector pair with probability ``transmissivity`` and goes to
        the wrong detector with probability ``intrinsic_error`` (misalignment or the state's
        own weight on the other outcome); each detector also dark-counts independently with
        ``p_d``. With ``q = t eta_d``:

        * only correct: ``q (1-e)(1-p_d) + (1-q) p_d (1-p_d)``
        * only wrong: ``q e (1-p_d) + (1-q) p_d (1-p_d)``
        * double: ``q p_d + (1-q) p_d**2``;  none: ``(1-q)(1-p_d)**2``

        Parameters
        ----------
        transmissivity : float, default 1.0
            Probability t in [0, 1] that the photon reaches the detector pair.
        intrinsic_error : float, default 0.0
            Probability e in [0, 1] that an arriving photon goes to the wrong detector.

        Returns
        -------
        ReadoutStatistics
            The four outcome probabilities, ``p_click`` and the error rate of kept events.

        Examples
        --------
        >>> round(Detector(efficiency=0.0, dark_count_prob=0.01).readout().error_rate, 12)
        0.5
        """
        t = check_probability(transmissivity, "transmissivity", "Detector.readout")
        e = check_probability(intrinsic_error, "intrinsic_error", "Detector.readout")
        q = t * self.efficiency
        pd = self.dark_count_prob
        corr = q * (1 - e) * (1 - pd) + (1 - q) * pd * (1 - pd)
        wrong = q * e * (1 - pd) + (1 - q) * pd * (1 - pd)
        double = q * pd + (1 - q) * pd * pd
        none = (1 - q) * (1 - pd) ** 2
        click = corr + wrong + double  # = 1 - none, without cancellation when clicks are rare
        # Error rate from the same terms rescaled by max(q, pd): exact ratios even when the
        # click probability is subnormal (very long links), where the unscaled terms lose bits.
        scale = max(q, pd)
        if scale > 0:
            qs, ps = q / scale, pd / scale
            wrong_s = qs * e * (1 - pd) + (1 - q) * ps * (1 - pd)
            double_s = qs * pd + (1 - q) * ps * pd
            corr_s = qs * (1 - e) * (1 - pd) + (1 - q) * ps * (1 - pd)
            err = (wrong_s + 0.5 * double_s) / (corr_s + wrong_s + double_s)
        else:
            err = 0.5
        return ReadoutStatistics(corr, wrong, double, none, click, err)

    def qubit_error_rate(self, transmissivity: float = 1.0, intrinsic_error: float = 0.0) -> float:
        """Error rate of the kept outcomes (dark counts and double clicks give random bits).

        Parameters
        ----------
        transmissivity : float, default 1.0
            Probability t in [0, 1] that the photon reaches the detector pair.
        intrinsic_error : float, default 0.0
            Probability e in [0, 1] that an arriving photon goes to the wrong detector.

        Returns
        -------
        float
            ``readout(transmissivity, intrinsic_error).error_rate``, in [0, 1] (1/2 with no clicks).

        Examples
        --------
        >>> Detector(dark_count_prob=0.0).qubit_error_rate(0.5, intrinsic_error=0.02)
        0.02
        """
        return self.readout(transmissivity, intrinsic_error).error_rate

    def readout_flip_probability(self, transmissivity: float = 1.0) -> float:
        """Bit-flip probability f that the detectors add to an ideal measurement.

        Exactly ``error_rate(e) = f + e (1 - 2 f)`` for every intrinsic error e, i.e. the
        post-selected readout equals an ideal measurement after ``bit_flip(f)`` (about the
        measured axis), with ``1 - 2 f = t eta_d (1 - p_d) / p_click``.

        Parameters
        ----------
        transmissivity : float, default 1.0
            Probability t in [0, 1] that the photon reaches the detector pair.

        Returns
        -------
        float
            The flip probability f in [0, 1/2].

        Examples
        --------
        >>> round(Detector(efficiency=0.0, dark_count_prob=0.1).readout_flip_probability(), 12)
        0.5
        """
        return self.readout(transmissivity, 0.0).error_rate

    def readout_channel(self, transmissivity: float = 1.0) -> Channel:
        """``bit_flip(readout_flip_probability(t))``: apply before an ideal Z measurement.

        Parameters
        ----------
        transmissivity : float, default 1.0
            Probability t in [0, 1] that the photon reaches the detector pair.

        Returns
        -------
        Channel
            Single-qubit bit-flip channel.

        Examples
        --------
        >>> Detector().readout_channel() == Channel.identity(1)
        True
        """
        return bit_flip(self.readout_flip_probability(transmissivity))
