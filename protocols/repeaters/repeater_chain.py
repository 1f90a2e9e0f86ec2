"""Monte Carlo of a linear quantum-repeater chain in time, with dense two-qubit states.

A :class:`RepeaterChain` describes ``N`` equal segments of total length ``L`` between two
end nodes, the elementary-link hardware (:mod:`protocols.repeaters.links`), the quantum memories
(T1/T2 or depolarizing decoherence, a cutoff, a number of memories per node) and the
protocol (swap-ASAP or nested doubling, optional recurrence purification).
:func:`simulate_chain` runs independent trials, each until the first end-to-end pair is
known at both ends, in a compiled event-driven loop (:mod:`protocols.repeaters._kernels`).

Model (every assumption is listed here, nothing else is implied):

* **Generation.** Channel ``j`` of segment ``s`` uses memory ``j`` on the right of node
  ``s`` and memory ``j`` on the left of node ``s+1`` (``memories_per_node`` channels per
  segment: multiplexing). A free channel attempts until success; the number of attempts is
  geometric, each lasting :attr:`ElementaryLink.attempt_duration_s`. The heralded state
  has already decohered in memory for the herald delay ``L0 n / c``.
* **Memories.** Every stored qubit decoheres for exactly the time it waits: amplitude
  damping ``gamma = 1 - exp(-t/T1)`` then dephasing so that coherences decay as
  ``exp(-t/T2)`` (the same channel as ``channels.memory``), or depolarizing
  ``rho -> e^{-t/T} rho + (1 - e^{-t/T}) I/2`` (``memory_t_dep_s``).
* **Swapping.** A Bell measurement on the two inner qubits, outcome drawn with its exact
  probability from the dense states, Pauli correction on the right end (Pauli-frame
  tracking). With ``gate_error`` ``p`` the two inner qubits are depolarized
  (``rho -> (1 - p) rho + p I/4``) before an ideal measurement; with ``readout_error``
  ``q`` each of its two bits is misread with probability ``q`` and the correction follows
  the reported outcome (:func:`protocols.entanglement_swap`). A swap fails with
  probability ``1 - swap_success_prob``; a failed swap leaves a *dead* link between the
  outer nodes, and swapping a dead link gives a dead link.
  *swap-ASAP*: a node swaps as soon as it holds a link on each side that it does not know
  to be dead, without waiting for earlier swap messages; so it may swap a link whose
  distant swap has already failed, tying up its other link too. *nested*: node ``x`` swaps
  only links spanning ``lowbit(x)`` segments on each side, once it has learned that they
  exist (and so whether they are alive).
* **Purification** (``"dejmps"`` of Deutsch et al., PRL 77, 2818 (1996) or ``"bbpssw"`` of
  Bennett et al., PRL 76, 722 (1996), which twirls to a Werner state first): a symmetric
  recurrence round on two links between the same nodes that have completed the same number
  of rounds, once both ends know both links, with each bilateral CNOT followed by two-qubit
  depolarizing ``gate_error`` and each Z outcome misread with probability ``readout_error``
  (Dür, Briegel, Cirac & Zoller, PRA 59, 169 (1999); :func:`protocols.purify`); the
  outcome is known to both ends after the one-way delay between them, and neither end uses
  the link before (a failed round leaves it dead). A level listed ``r`` times in
  ``purification_levels`` gets ``r`` rounds; level ``k`` = links spanning ``2**k``
  segments (swap-ASAP allows level 0).
* **Causality.** No node acts on information before it can have it. Every herald, swap and
  purification outcome is a classical message at ``c / n``: an outcome at node ``x`` at
  time ``t`` reaches node ``e`` at ``t + |x - e| L0 n / c``, also when the link holding it
  was swapped on before it arrived. A node learns that its link is dead once the failure
  message and the messages of every outcome between itself and the failed node have reached
  it (only then can it tell that the failure concerns its qubit); it then frees that memory
  and its segment regenerates. Until then it treats the dead link like any other. The one
  exception is the cutoff, below.
* **Cutoff.** A link (alive or dead) whose oldest elementary link was heralded more than
  ``cutoff_s`` ago is discarded at both ends at once and its memories regenerate. This is
  an assumption: the deadline is computable from time stamps carried by the heralds, and
  the ends are assumed to apply it at the deadline even when the messages carrying those
  time stamps have not reached them yet (in swap-ASAP they may not have). The delivered
  end-to-end pair is not subject to the cutoff.
* **Delivery.** A trial ends when a live end-to-end link that completed its purification
  is created; the delivery time is when both end nodes know all swap and purification
  outcomes inside it; the end qubits decohere until then.

Randomness: trial ``i`` uses its own xoshiro256** stream seeded from ``(seed, i)``, so the
result does not depend on threads, chunking, or how trials are split across processes
(:func:`simulate_chain` with ``first_trial``, then :meth:`ChainResult.concatenate`).
"""

from __future__ import annotations

import math
import numbers
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from channels.fiber import SPEED_OF_LIGHT_KM_PER_S, Fiber
from qnet_core._args import real_array
from qnet_core.errors import ParameterError
from qnet_core.random import SeedLike, as_generator
from qnet_core.validation import check_nonnegative, check_positive, check_probability

from . import _kernels as _k
from .links import ElementaryLink, double_click_link, single_click_link, werner_link
from .._common import Result, close_progress, progress_reporter
from ..qkd.entanglement_qkd import pair_qkd

if TYPE_CHECKING:  # annotations only
    from ..qkd.system import QKDSystem

__all__ = ["RepeaterChain", "ChainResult", "simulate_chain", "KeyRateComparison", "key_rate_comparison", "SCHEMES",
           "PROTOCOLS"]

SCHEMES = ("single-click", "double-click", "werner")
PROTOCOLS = ("swap-asap", "nested")
PURIFICATION_METHODS = ("dejmps", "bbpssw")

#: Smallest per-attempt elementary-link success probability a chain accepts: below it the
#: expected waiting time (attempt duration / p) and its statistics overflow double precision
#: or the geometric sampler loses all resolution.
MIN_LINK_SUCCESS_PROB = 1e-12

_OWNER = "RepeaterChain"


def _is_int(x) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


#: Largest count (segments, memories, trials, trial index) the compiled kernels hold in an int64.
_MAX_COUNT = 2**62


def _check_fits(value: int, name: str, owner: str) -> None:
    if value > _MAX_COUNT:
        raise ParameterError(f"{owner}(): {name}={value!r} must be at most 2**62 (the kernels count in int64)")


@dataclass(frozen=True, slots=True)
class RepeaterChain:
    """A linear repeater chain: hardware, memories and protocol (immutable).

    Parameters
    ----------
    num_segments : int
        Number N >= 1 of elementary segments (N + 1 nodes, N - 1 repeaters). ``nested``
        needs a power of two.
    total_length_km : float
        End-to-end fiber length L >= 0 in km; segments are ``L / N`` long.
    scheme : {"single-click", "double-click", "werner"}
        Elementary-link heralding (see :mod:`protocols.repeaters.links`); "werner" is an abstract link
        producing ``werner(link_fidelity)`` with probability ``link_success_prob`` per attempt.
    memory_t1_s, memory_t2_s : float (memory_t2_s may be None)
        Memory relaxation and coherence times in s (``inf`` = no decay); ``T2 <= 2 T1``.
        ``memory_t2_s=None`` (default) means no pure dephasing: T2 = 2 T1.
    memory_t_dep_s : float or None
        Depolarizing memory time in s instead of T1/T2 (then T1, T2 must stay infinite).
    cutoff_s : float or None
        Memory cutoff in s (> 0): links older than this are discarded and regenerated.
    purification : {None, "dejmps", "bbpssw"}
        Recurrence purification method.
    purification_levels : tuple of int
        Nesting levels (0 = elementary links) that get one purification round per mention;
        defaults to ``(0,)`` when ``purification`` is given.
    protocol : {"swap-asap", "nested"}
    memories_per_node : int
        Memory qubits per node per side (>= 1), i.e. parallel generation channels per
        segment. Purification needs at least ``1 + len(purification_levels)``.
    swap_success_prob : float
        Probability in (0, 1] that a Bell-state measurement succeeds.
    gate_error : float
        Two-qubit depolarizing probability in [0, 1] of the CNOT in every Bell-state
        measurement and of each CNOT of a purification round (as in
        :func:`protocols.entanglement_swap` and :func:`protocols.purify`).
    readout_error : float
        Probability in [0, 1] that a measured bit is misread, in every Bell-state measurement
        (each of its two bits) and in every purification round (each Z outcome).
    bright_state_param : float
        Single-click alpha in (0, 1).
    link_fidelity, link_success_prob : float
        For ``scheme="werner"`` only; ``link_success_prob`` in [1e-12, 1]. Every scheme's
        per-attempt success probability must be at least 1e-12 (:data:`MIN_LINK_SUCCESS_PROB`).
    attenuation_db_per_km, refractive_index : float
        Fiber loss (dB/km) and group index (sets the light speed c / n for all signals).
    detector_efficiency, emission_efficiency, dark_count_prob : float
        Station detectors and node photon sources (probabilities).
    prep_time_s : float
        Local time per attempt (per round for double-click), s; ``scheme="werner"`` attempts
        last ``prep_time_s + L0 n / c``.

    Examples
    --------
    >>> chain = RepeaterChain(4, 100.0, memory_t2_s=1.0)
    >>> round(chain.segment_length_km, 3)
    25.0
    """

    num_segments: int
    total_length_km: float
    scheme: str = "single-click"
    memory_t1_s: float = math.inf
    memory_t2_s: float | None = None
    memory_t_dep_s: float | None = None
    cutoff_s: float | None = None
    purification: str | None = None
    purification_levels: tuple = ()
    protocol: str = "swap-asap"
    memories_per_node: int = 1
    swap_success_prob: float = 1.0
    gate_error: float = 0.0
    readout_error: float = 0.0
    bright_state_param: float = 0.1
    link_fidelity: float = 1.0
    link_success_prob: float | None = None
    attenuation_db_per_km: float = 0.2
    refractive_index: float = 1.44
    detector_efficiency: float = 1.0
    emission_efficiency: float = 1.0
    dark_count_prob: float = 0.0
    prep_time_s: float = 1e-6
    _link: ElementaryLink = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        o = _OWNER
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        if not _is_int(self.num_segments) or self.num_segments < 1:
            raise ParameterError(f"{o}(): num_segments={self.num_segments!r} must be an integer >= 1")
        _check_fits(self.num_segments, "num_segments", o)
        set_("num_segments", int(self.num_segments))
        set_("total_length_km", check_nonnegative(self.total_length_km, "total_length_km", o))
        if self.scheme not in SCHEMES:
            raise ParameterError(f"{o}(): scheme={self.scheme!r}; allowed: {', '.join(SCHEMES)}")
        if self.protocol not in PROTOCOLS:
            raise ParameterError(f"{o}(): protocol={self.protocol!r}; allowed: {', '.join(PROTOCOLS)}")
        n = self.num_segments
        if self.protocol == "nested" and n & (n - 1):
            raise ParameterError(f"{o}(): protocol='nested' needs num_segments to be a power of two, got {n}")
        t1 = check_positive(self.memory_t1_s, "memory_t1_s", o, allow_inf=True)
        # None: no pure dephasing, T2 = 2 T1 (inf when T1 is inf)
        t2 = 2.0 * t1 if self.memory_t2_s is None else check_positive(self.memory_t2_s, "memory_t2_s", o,
                                                                      allow_inf=True)
        if t2 > 2.0 * t1:
            raise ParameterError(f"{o}(): memory_t2_s={t2!r} exceeds 2*memory_t1_s={2 * t1!r}; T2 must be <= 2*T1")
        set_("memory_t1_s", t1)
        set_("memory_t2_s", t2)
        if self.memory_t_dep_s is not None:
            td = check_positive(self.memory_t_dep_s, "memory_t_dep_s", o, allow_inf=True)
            if math.isfinite(t1) or math.isfinite(t2):
                raise ParameterError(f"{o}(): give either memory_t_dep_s={td!r} or memory_t1_s/memory_t2_s, not both")
            set_("memory_t_dep_s", td)
        if self.cutoff_s is not None:
            c = self.cutoff_s
            if (isinstance(c, bool) or not isinstance(c, (numbers.Real, np.floating)) or (_is_int(c) and c >= 2**1024)
                    or math.isnan(c) or c <= 0):
                raise ParameterError(f"{o}(): cutoff_s={c!r} must be a number > 0 (or None for no cutoff)")
            set_("cutoff_s", float(c))
        if self.purification is not None and self.purification not in PURIFICATION_METHODS:
            raise ParameterError(f"{o}(): purification={self.purification!r}; allowed: None, "
                                 + ", ".join(repr(m) for m in PURIFICATION_METHODS))
        levels = self.purification_levels
        if levels is None or isinstance(levels, (str, bytes)):
            raise ParameterError(f"{o}(): purification_levels={levels!r} must be a tuple of ints (() for none)")
        if _is_int(levels):
            levels = (levels,)
        try:
            levels = tuple(levels)
        except TypeError:
            raise ParameterError(f"{o}(): purification_levels={self.purification_levels!r} must be a tuple of ints") \
                from None
        if self.purification is None and levels:
            raise ParameterError(f"{o}(): purification_levels={levels!r} given but purification is None")
        if self.purification is not None and not levels:
            levels = (0,)
        max_level = int(round(math.log2(n))) if self.protocol == "nested" else 0
        for lv in levels:
            if not _is_int(lv) or lv < 0 or lv > max_level:
                allowed = f"0..{max_level} (log2(num_segments))" if self.protocol == "nested" else \
                    "0 only (swap-ASAP purifies elementary links)"
                raise ParameterError(f"{o}(): purification level {lv!r} is not allowed; use {allowed}")
        set_("purification_levels", tuple(sorted(int(lv) for lv in levels)))
        if not _is_int(self.memories_per_node) or self.memories_per_node < 1:
            raise ParameterError(f"{o}(): memories_per_node={self.memories_per_node!r} must be an integer >= 1")
        _check_fits(self.memories_per_node, "memories_per_node", o)
        set_("memories_per_node", int(self.memories_per_node))
        if levels and self.memories_per_node < 1 + len(levels):
            raise ParameterError(
                f"{o}(): memories_per_node={self.memories_per_node} is too few for {len(levels)} purification "
                f"round(s); recurrence purification needs at least {1 + len(levels)}")
        ps = check_probability(self.swap_success_prob, "swap_success_prob", o)
        if ps <= 0:
            raise ParameterError(f"{o}(): swap_success_prob={ps!r} must be in (0, 1]")
        set_("swap_success_prob", ps)
        set_("gate_error", check_probability(self.gate_error, "gate_error", o))
        set_("readout_error", check_probability(self.readout_error, "readout_error", o))
        set_("attenuation_db_per_km", check_nonnegative(self.attenuation_db_per_km, "attenuation_db_per_km", o))
        ri = check_positive(self.refractive_index, "refractive_index", o)
        if ri < 1.0:
            raise ParameterError(f"{o}(): refractive_index={ri!r} must be >= 1")
        set_("refractive_index", ri)
        set_("prep_time_s", check_nonnegative(self.prep_time_s, "prep_time_s", o))
        set_("link_fidelity", check_probability(self.link_fidelity, "link_fidelity", o))  # checked for every scheme
        seg = self.total_length_km / n
        if self.scheme == "werner":
            if self.link_success_prob is None:
                raise ParameterError(f"{o}(): scheme='werner' needs link_success_prob (per-attempt probability)")
            travel = Fiber(seg, self.attenuation_db_per_km, ri).delay_s
            dur = self.prep_time_s + travel
            if dur <= 0:
                raise ParameterError(f"{o}(): the attempt duration is 0 (total_length_km=0 and prep_time_s=0); "
                                     "give prep_time_s > 0")
            link = werner_link(self.link_fidelity, success_probability=self.link_success_prob,
                               attempt_duration_s=dur, herald_delay_s=travel)
        else:
            if self.link_success_prob is not None:
                raise ParameterError(f"{o}(): link_success_prob is only for scheme='werner'; "
                                     f"the {self.scheme} probability follows from the physics")
            kw = dict(attenuation_db_per_km=self.attenuation_db_per_km, refractive_index=ri,
                      detector_efficiency=self.detector_efficiency, emission_efficiency=self.emission_efficiency,
                      dark_count_prob=self.dark_count_prob, prep_time_s=self.prep_time_s)
            if self.scheme == "single-click":
                link = single_click_link(seg, bright_state_param=self.bright_state_param, **kw)
            else:
                link = double_click_link(seg, **kw)
        if link.success_probability < MIN_LINK_SUCCESS_PROB:
            what = (f"link_success_prob={self.link_success_prob!r}" if self.scheme == "werner" else
                    f"the {self.scheme} success probability per attempt, {link.success_probability!r} "
                    f"(segment length {seg!r} km),")
            raise ParameterError(
                f"{o}(): {what} is below {MIN_LINK_SUCCESS_PROB!r}; the waiting times would overflow. "
                f"Allowed: [{MIN_LINK_SUCCESS_PROB!r}, 1]")
        set_("_link", link)

    # ------------------------------------------------------------------ derived
    @property
    def segment_length_km(self) -> float:
        """Length L0 = L / N of one segment, km."""
        return self.total_length_km / self.num_segments

    @property
    def elementary_link(self) -> ElementaryLink:
        """The :class:`~protocols.repeaters.links.ElementaryLink` of one segment."""
        return self._link

    @property
    def light_speed_km_per_s(self) -> float:
        """Signal speed c / n in the fiber, km/s."""
        return SPEED_OF_LIGHT_KM_PER_S / self.refractive_index

    @property
    def num_levels(self) -> int:
        """Nesting levels log2(N) for nested chains (0 for swap-ASAP)."""
        return int(round(math.log2(self.num_segments))) if self.protocol == "nested" else 0

    def simulate(self, trials: int, seed: SeedLike = None, **kwargs) -> "ChainResult":
        """Shorthand for :func:`simulate_chain(self, trials, seed, ...) <simulate_chain>`.

        Parameters
        ----------
        trials : int
            Number of independent trials, >= 1.
        seed : int, numpy.random.Generator, numpy.random.SeedSequence or None, optional
            Root of the per-trial random streams.
        **kwargs
            Keyword arguments of :func:`simulate_chain`: ``first_trial``, ``max_time_s``, ``threads``, ``progress``.

        Returns
        -------
        ChainResult
            Per-trial delivery times, states and summary statistics.
        """
        return simulate_chain(self, trials, seed, **kwargs)

    def to_dict(self) -> dict:
        """Parameters as a JSON-friendly dict.

        Returns
        -------
        dict
            Every public dataclass field by name (``purification_levels`` as a list).
        """
        keys = [f for f in self.__dataclass_fields__ if not f.startswith("_")]
        d = {k: getattr(self, k) for k in keys}
        d["purification_levels"] = list(self.purification_levels)
        return d


def _qkd(rho, ec_efficiency: float = 1.0):
    """QBERs and BBM92 secret fraction of a delivered state (:func:`protocols.qkd.entanglement_qkd.pair_qkd`)."""
    return pair_qkd(rho, ec_efficiency=ec_efficiency, validate=False)


@dataclass(frozen=True, slots=True, repr=False)
class ChainResult(Result):
    """Per-trial outcomes and summary statistics of :func:`simulate_chain`.

    Attributes
    ----------
    chain : RepeaterChain
    delivery_time_s : ndarray, shape (trials,)
        Time from the start of the trial until both end nodes know they share a pair, s
        (``inf`` for trials that hit ``max_time_s``).
    states : ndarray, shape (trials, 4, 4), complex128
        Delivered end-to-end states (target ``|phi+>``; zeros for undelivered trials).
    fidelities : ndarray, shape (trials,)
        ``<phi+|rho|phi+>`` per trial (0 for undelivered trials).
    delivered : ndarray of bool, shape (trials,)
    first_trial : int
        Global index of the first trial (trial ``i`` has random stream ``(seed, i)``).
    seed_key : tuple of two ints
        The 128-bit root key derived from ``seed``; reuse it to reproduce the run.
    """

    chain: RepeaterChain
    delivery_time_s: np.ndarray = field(repr=False)
    states: np.ndarray = field(repr=False)
    delivered: np.ndarray = field(repr=False)
    first_trial: int = 0
    seed_key: tuple = (0, 0)

    # short repr and _repr_html_ (Result): the chain, then these key figures, never the per-trial arrays
    _REPR_EXTRAS = ("trials", "num_delivered", "mean_fidelity", "mean_fidelity_stderr", "mean_waiting_time_s")

    @property
    def trials(self) -> int:
        """Number of trials in this result."""
        return int(self.delivery_time_s.shape[0])

    @property
    def fidelities(self) -> np.ndarray:
        """Fidelity ``<phi+|rho|phi+>`` of each trial's state, shape (trials,) (0 for undelivered trials)."""
        r = self.states
        return 0.5 * (r[:, 0, 0] + r[:, 3, 3] + r[:, 0, 3] + r[:, 3, 0]).real

    @property
    def num_delivered(self) -> int:
        """Number of trials that delivered an end-to-end pair."""
        return int(np.count_nonzero(self.delivered))

    def _need(self):
        if self.num_delivered < 2:
            raise ParameterError(
                f"ChainResult: only {self.num_delivered} of {self.trials} trials delivered a pair; "
                "statistics need at least 2 (raise max_time_s or the number of trials)")

    @property
    def mean_fidelity(self) -> float:
        """Mean fidelity to ``|phi+>`` over the delivered trials (ParameterError if fewer than 2)."""
        self._need()
        return float(self.fidelities[self.delivered].mean())

    @property
    def mean_fidelity_stderr(self) -> float:
        """Standard error of :attr:`mean_fidelity` (sample std / sqrt(delivered))."""
        self._need()
        f = self.fidelities[self.delivered]
        return float(f.std(ddof=1) / math.sqrt(f.size))

    @property
    def mean_waiting_time_s(self) -> float:
        """Mean delivery time over the delivered trials, s (ParameterError if fewer than 2)."""
        self._need()
        return float(self.delivery_time_s[self.delivered].mean())

    @property
    def mean_waiting_time_s_stderr(self) -> float:
        """Standard error of :attr:`mean_waiting_time_s`, s."""
        self._need()
        t = self.delivery_time_s[self.delivered]
        return float(t.std(ddof=1) / math.sqrt(t.size))

    @property
    def rate_hz(self) -> float:
        """Delivered pairs per second, ``1 / mean waiting time`` (renewal-reward rate)."""
        return 1.0 / self.mean_waiting_time_s

    @property
    def rate_hz_stderr(self) -> float:
        """Standard error of :attr:`rate_hz` by the delta method, ``stderr(T) / mean(T)**2``, 1/s."""
        return self.mean_waiting_time_s_stderr / self.mean_waiting_time_s ** 2

    @property
    def mean_state(self) -> np.ndarray:
        """Average delivered state (4, 4): what a long run of pairs looks like to the users."""
        self._need()
        # a masked sum instead of states[delivered], which copies 256 B per trial (the same sums, in order)
        return np.sum(self.states, axis=0, where=self.delivered[:, None, None]) / self.num_delivered

    @property
    def secret_fraction(self) -> float:
        """Asymptotic BBM92 secret fraction ``max(0, 1 - h(e_x) - h(e_z))`` of the average delivered state.

        The QBERs of a long key are those of the average state (:attr:`mean_state`);
        computed by :func:`protocols.qkd.entanglement_qkd.pair_qkd` (target ``|phi+>``, Shannon-limit
        error correction, asymmetric basis choice so that the sifting factor tends to 1).
        """
        return float(_qkd(self.mean_state).secret_fraction)

    @property
    def secret_key_rate_bps(self) -> float:
        """Asymptotic BBM92 secret-key rate ``rate_hz * secret_fraction``, bits/s."""
        return self.rate_hz * self.secret_fraction

    def secret_key_rate(self, ec_efficiency: float = 1.0) -> float:
        """Secret-key rate in bits/s with error-correction inefficiency ``f >= 1``.

        Parameters
        ----------
        ec_efficiency : float, default 1.0
            Error-correction inefficiency f >= 1 (1 is the Shannon limit).

        Returns
        -------
        float
            ``rate_hz`` times the BBM92 secret fraction of :attr:`mean_state`, bits/s (>= 0).
        """
        return self.rate_hz * float(_qkd(self.mean_state, ec_efficiency).secret_fraction)

    @property
    def secret_key_rate_bps_stderr(self) -> float:
        """Blocked-jackknife standard error of :attr:`secret_key_rate_bps` (20 blocks)."""
        self._need()
        t = self.delivery_time_s[self.delivered]
        nb = min(20, t.size)
        idx = np.arange(t.size) % nb
        tsum = np.bincount(idx, weights=t, minlength=nb)
        cnt = np.bincount(idx, minlength=nb).astype(float)
        # block sums of the delivered states, one matrix element at a time (the same sums, in trial order, as
        # np.add.at on states[delivered], without that copy of 256 B per trial); other trials go to bin nb
        blk = np.full(self.delivered.size, nb, dtype=np.intp)
        blk[self.delivered] = idx
        flat = self.states.reshape(-1, 16)
        ssum = np.zeros((nb, 16), dtype=np.complex128)
        for j in range(16):
            ssum.real[:, j] = np.bincount(blk, weights=flat[:, j].real, minlength=nb + 1)[:nb]
            ssum.imag[:, j] = np.bincount(blk, weights=flat[:, j].imag, minlength=nb + 1)[:nb]
        ssum = ssum.reshape(nb, 4, 4)
        vals = np.empty(nb)
        for b in range(nb):
            c = cnt.sum() - cnt[b]
            mt = (tsum.sum() - tsum[b]) / c
            ms = (ssum.sum(axis=0) - ssum[b]) / c
            vals[b] = float(_qkd(ms).secret_fraction) / mt
        return float(math.sqrt((nb - 1) / nb * np.sum((vals - vals.mean()) ** 2)))

    def confidence_interval(self, name: str, level: float = 0.95) -> tuple[float, float]:
        """Normal-approximation confidence interval of a summary statistic.

        ``name`` is one of "mean_fidelity", "mean_waiting_time_s", "rate_hz", "secret_key_rate_bps".

        Parameters
        ----------
        name : str
            The statistic; its ``<name>_stderr`` attribute gives the standard error.
        level : float, default 0.95
            Confidence level in (0, 1).

        Returns
        -------
        tuple of float
            ``(low, high) = mean -/+ z * stderr`` with ``z`` the two-sided normal quantile.
        """
        allowed = ("mean_fidelity", "mean_waiting_time_s", "rate_hz", "secret_key_rate_bps")
        if name not in allowed:
            raise ParameterError(f"confidence_interval(): name={name!r}; allowed: {', '.join(allowed)}")
        lv = check_probability(level, "level", "confidence_interval")
        if not 0 < lv < 1:
            raise ParameterError(f"confidence_interval(): level={level!r} must be in (0, 1)")
        from scipy.stats import norm

        z = float(norm.ppf(0.5 + lv / 2))
        m = getattr(self, name)
        s = getattr(self, name + "_stderr")
        return m - z * s, m + z * s

    def to_dict(self) -> dict:
        """Summary statistics (no per-trial arrays) as a JSON-friendly dict.

        Returns
        -------
        dict
            Trial counts, mean fidelity, waiting time, rate and secret-key rate (each with its
            standard error), the QBERs ``qber_z``/``qber_x`` of the mean state, ``first_trial`` and
            ``chain`` (:meth:`RepeaterChain.to_dict`); ParameterError if fewer than 2 trials delivered.
        """
        q = _qkd(self.mean_state)
        e_z, e_x = q.qber_z, q.qber_x
        return {
            "trials": self.trials,
            "delivered": self.num_delivered,
            "mean_fidelity": self.mean_fidelity,
            "mean_fidelity_stderr": self.mean_fidelity_stderr,
            "mean_waiting_time_s": self.mean_waiting_time_s,
            "mean_waiting_time_s_stderr": self.mean_waiting_time_s_stderr,
            "rate_hz": self.rate_hz,
            "rate_hz_stderr": self.rate_hz_stderr,
            "qber_z": float(e_z),
            "qber_x": float(e_x),
            "secret_fraction": self.secret_fraction,
            "secret_key_rate_bps": self.secret_key_rate_bps,
            "secret_key_rate_bps_stderr": self.secret_key_rate_bps_stderr,
            "first_trial": self.first_trial,
            "chain": self.chain.to_dict(),
        }

    @staticmethod
    def concatenate(results: Sequence[ChainResult]) -> "ChainResult":
        """Join results of consecutive trial ranges of the same chain and seed (in trial order).

        Parameters
        ----------
        results : iterable of ChainResult
            Results of one chain and seed whose trial ranges are contiguous once sorted by
            ``first_trial``; at least one.

        Returns
        -------
        ChainResult
            One result over the union of the trials, starting at the smallest ``first_trial``.
        """
        results = sorted(results, key=lambda r: r.first_trial)
        if not results:
            raise ParameterError("ChainResult.concatenate(): no results given")
        first = results[0]
        expect = first.first_trial
        for r in results:
            if r.chain != first.chain or r.seed_key != first.seed_key:
                raise ParameterError("ChainResult.concatenate(): results come from different chains or seeds")
            if r.first_trial != expect:
                raise ParameterError(f"ChainResult.concatenate(): trial ranges are not contiguous "
                                     f"(expected first_trial={expect}, got {r.first_trial})")
            expect += r.trials
        return ChainResult(first.chain, np.concatenate([r.delivery_time_s for r in results]),
                           np.concatenate([r.states for r in results]),
                           np.concatenate([r.delivered for r in results]), first.first_trial, first.seed_key)


def _seed_key(seed) -> tuple[int, int]:
    if isinstance(seed, np.random.SeedSequence):
        k = seed.generate_state(2, np.uint64)
    elif isinstance(seed, np.random.Generator):
        k = seed.integers(0, 2**64, size=2, dtype=np.uint64)
    else:
        as_generator(seed)  # validates the type and sign
        k = np.random.SeedSequence(seed).generate_state(2, np.uint64)
    return int(k[0]), int(k[1])


def simulate_chain(chain: RepeaterChain, trials: int, seed: SeedLike = None, *, first_trial: int = 0,
                   max_time_s: float = math.inf, threads: int | None = None,
                   progress: bool | Callable[[int, int], object] | None = None,
                   jit: bool | None = None) -> ChainResult:
    """Run ``trials`` independent trials of ``chain``, each until the first end-to-end pair.

    Parameters
    ----------
    chain : RepeaterChain
    trials : int
        Number of trials (>= 1).
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        Root seed; trial ``first_trial + i`` uses a stream that depends only on
        ``(seed, first_trial + i)``.
    first_trial : int
        Global index of the first trial, for splitting one run across processes:
        ``simulate_chain(c, 50, s)`` and ``simulate_chain(c, 50, s, first_trial=50)``
        concatenate to ``simulate_chain(c, 100, s)`` exactly.
    max_time_s : float
        Abandon a trial whose simulated time exceeds this (it is reported undelivered).
    threads : int or None
        Threads running trial chunks side by side (>= 1; default ``numba.config.NUMBA_NUM_THREADS``,
        i.e. the CPU count unless ``NUMBA_NUM_THREADS`` is set). The result does not depend on it.
    progress : None, True or callable
        ``progress(done_trials, total_trials)`` is called on the calling thread after each chunk
        of trials (about every 0.1 s; ``done_trials`` grows to ``trials``, the last call is
        ``(trials, trials)``); ``True`` draws a ``tqdm`` bar instead (needs ``tqdm``, the
        ``progress`` extra). An exception raised by the callable stops the run and propagates.
        The result does not depend on it.
    jit : None, True or False
        Run the compiled kernel (``True``; compiled by numba on first use, several seconds
        the first time on a machine, then loaded from numba's cache) or its Python source in
        the interpreter (``False``; about 0.5 ms per trial for 4 segments, growing with the
        chain). ``None`` (default): small runs start in the interpreter and switch to the
        compiled kernel once compiling pays (see Notes). Both run the same code, operation
        for operation, so the results agree to rounding (tested: the same delivery times and
        outcomes, states within 1e-12; numba's machine code may round an operation differently).

    Returns
    -------
    ChainResult

    Notes
    -----
    Trials run in contiguous chunks of about 0.1 s of work each, so ``KeyboardInterrupt``
    stops a long run within a fraction of a second, and ``progress`` hears of each chunk.

    With ``jit=None``, a chain of at most 256 memories per side
    (``num_segments * memories_per_node``) whose kernel variant (purifying or not) is not yet
    compiled in this process runs in the interpreter, on the calling thread, for as long as
    the interpreter time of the whole process plus the projected time of the trials left
    (measured once 0.1 s have been interpreted) stays within 2 s; then the compiled kernel
    takes over (compiling it, or loading it from numba's cache, once per process). A small first run thus never waits for numba's
    compiler, and no process spends more than 2 s in the interpreter. Once compiled, the
    kernel serves every later call.

    Memory: each thread's kernel workspace (about ``870 * num_segments * memories_per_node``
    bytes) plus 304 bytes per trial (272 of results, 32 for the summary statistics) must fit
    in half the physical memory, at most 8 GiB;
    larger runs raise :class:`~qnet_core.errors.ParameterError` before the kernel starts,
    and fewer threads are used where their workspaces would not fit.

    Examples
    --------
    >>> res = simulate_chain(RepeaterChain(2, 20.0, scheme="double-click"), 200, seed=1)
    >>> round(res.mean_fidelity, 6)
    1.0
    >>> seen = []
    >>> res = simulate_chain(RepeaterChain(2, 20.0), 200, seed=1, progress=lambda done, total: seen.append(done))
    >>> seen[-1]
    200
    """
    if not isinstance(chain, RepeaterChain):
        raise ParameterError(f"simulate_chain(): chain must be a RepeaterChain, got {type(chain).__name__}")
    if not _is_int(trials) or trials < 1:
        raise ParameterError(f"simulate_chain(): trials={trials!r} must be an integer >= 1")
    if not _is_int(first_trial) or first_trial < 0:
        raise ParameterError(f"simulate_chain(): first_trial={first_trial!r} must be an integer >= 0")
    _check_fits(trials + first_trial, "first_trial + trials", "simulate_chain")
    mt = check_positive(max_time_s, "max_time_s", "simulate_chain", allow_inf=True)
    if threads is not None and (not _is_int(threads) or threads < 1):
        raise ParameterError(f"simulate_chain(): threads={threads!r} must be an integer >= 1 (or None)")
    if not (jit is None or isinstance(jit, (bool, np.bool_))):
        raise ParameterError(f"simulate_chain(): jit={jit!r} must be None, True or False")
    ws = _workspace_bytes(chain.num_segments, chain.memories_per_node)
    out = int(trials) * (_OUTPUT_BYTES_PER_TRIAL + _SUMMARY_BYTES_PER_TRIAL)
    limit = _memory_limit_bytes()
    if ws + out > limit:
        raise ParameterError(
            f"simulate_chain(): num_segments={chain.num_segments}, memories_per_node={chain.memories_per_node} "
            f"and trials={trials} need about {(ws + out) / 2**30:.3g} GiB ({ws / 2**30:.3g} GiB of kernel workspace "
            f"per thread plus {out / 2**30:.3g} GiB of results); the limit is {limit / 2**30:.3g} GiB "
            "(half the physical memory, at most 8 GiB): use fewer segments, memories or trials per call")
    key = _seed_key(seed)
    report = progress_reporter(progress, trials, "simulate_chain", "trials")
    try:
        times, states, status = _run_trials(_kernel_args(chain, mt), key, int(first_trial), int(trials), threads,
                                            max(1, (limit - out) // ws), report, None if jit is None else bool(jit))
    finally:
        close_progress(report)
    bad = (status < 0) | (status > 2) | ((status == 0) & ~np.isfinite(times))
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ParameterError(
            f"simulate_chain(): the chain kernel did not finish trial {first_trial + i} (status {int(status[i])}, "
            f"time {float(times[i])!r}) for num_segments={chain.num_segments} and "
            f"memories_per_node={chain.memories_per_node}; this is a bug in qnetsim, please report it")
    if np.any(status == 2):
        raise ParameterError(
            f"simulate_chain(): the protocol deadlocked (no pending event before delivery) with "
            f"memories_per_node={chain.memories_per_node} and purification_levels={chain.purification_levels}; "
            "give more memories per node")
    return ChainResult(chain, times, states, status == 0, int(first_trial), key)


#: Position of the purification method in :func:`_kernel_args`' tuple: the one argument whose type
#: varies (``None`` or an integer), so the kernel has two compiled variants.
_PUR_METHOD_ARG = 14


def _kernel_args(chain: RepeaterChain, max_time_s: float) -> tuple:
    """The chain's parameters for :func:`protocols.repeaters._kernels._run_range`, each with a fixed type.

    Python ints become ``np.int64`` and every real ``float``, so the kernel is compiled for
    one signature only, whatever mix of ints, floats and numpy scalars the chain holds (two
    in all: the purification method is ``None`` for chains that do not purify, a variant
    compiled without purification).
    """
    link = chain.elementary_link
    if chain.memory_t_dep_s is not None:
        model, r1, r2 = 1, 1.0 / chain.memory_t_dep_s, 0.0
    else:
        model, r1, r2 = 0, 1.0 / chain.memory_t1_s, 1.0 / chain.memory_t2_s
    need = np.zeros(chain.num_levels + 1, dtype=np.int64)
    for lv in chain.purification_levels:
        need[lv] += 1
    cutoff = math.inf if chain.cutoff_s is None else chain.cutoff_s
    return (np.int64(chain.num_segments), np.int64(chain.memories_per_node), bool(chain.protocol == "nested"),
            float(link.success_probability), float(link.attempt_duration_s), float(link.herald_delay_s),
            np.array(link.state, dtype=np.complex128, order="C"), np.int64(model), float(r1), float(r2),
            float(cutoff), float(chain.swap_success_prob), float(chain.gate_error), float(chain.readout_error),
            None if chain.purification is None else np.int64(PURIFICATION_METHODS.index(chain.purification)),
            need, float(chain.segment_length_km / chain.light_speed_km_per_s), float(max_time_s))


#: Interpreter time (s) that the chain kernel may take in one process, over all calls, before
#: ``jit=None`` compiles it: about half a cold compilation on a 2-core machine, so runs that
#: the interpreter finishes sooner never wait for numba, and no process loses more than this.
_INTERPRET_BUDGET_S = 2.0
#: Largest ``num_segments * memories_per_node`` that ``jit=None`` tries in the interpreter
#: (one trial of a longer chain takes the interpreter a large part of the budget).
_INTERPRET_MAX_CHANNELS = 256
_interpret_lock = threading.Lock()
_interpreted_s = 0.0  # interpreter time spent on the chain kernel in this process
_compiled_variants: set = set()  # kernel variants (purifying or not) compiled in this process


#: Target wall time of one compiled call (s): a call returns to Python this often, so that
#: ``KeyboardInterrupt`` is handled promptly, and it amortizes the call overhead.
_CHUNK_S = 0.1


#: Bytes of the result arrays per trial: delivery time, 4x4 complex state, status.
_OUTPUT_BYTES_PER_TRIAL = 8 + 16 * 16 + 8
#: Peak bytes per trial of the temporaries of ChainResult's statistics (to_dict: masks, fidelities, bins).
_SUMMARY_BYTES_PER_TRIAL = 32


def _workspace_bytes(N: int, m: int) -> int:
    """Bytes that one :func:`protocols.repeaters._kernels._run_range` call needs (its workspace, plus slack)."""
    return _k.workspace_bytes(N, m) + 1024


def _memory_limit_bytes() -> int:
    """What one :func:`simulate_chain` call may allocate: half the physical memory, at most 8 GiB."""
    limit = 8 * 2**30
    try:
        import os

        limit = min(limit, os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2)
    except (AttributeError, ValueError, OSError):
        pass
    return limit


def _interpret(args: tuple, key: tuple, N: int, m: int, lo: int, end: int, times, states, status,
               report: Callable[[int], None], budgeted: bool) -> int:
    """Run trials ``lo ..`` of the chain kernel in the interpreter (the same source, see
    :meth:`qnet_core._jit.LazyKernel.interpreted`), in chunks of about ``_CHUNK_S``, into
    ``times[i - lo]`` etc. (``lo`` as given); ``report(trials done up to)`` after each chunk. With ``budgeted``,
    stop before a chunk once this process's interpreter time plus the projected time of the
    trials left would exceed ``_INTERPRET_BUDGET_S``. Returns the first trial not run.

    The projection uses the last chunk's time per trial, and is trusted only once this call
    has interpreted for ``_CHUNK_S`` (or the process budget is spent): the first chunk is one
    trial, and a pause of a few milliseconds in it (a garbage collection, a busy core) would
    otherwise send a run that the interpreter finishes in a fraction of a second to the compiler.

    numba's ``error_model="numpy"`` and fixed-width integers are the interpreter's here too:
    the xoshiro streams wrap modulo 2**64 and numpy's warnings are silenced, as in the compiled kernel.
    """
    global _interpreted_s
    kernel = _k._run_range.interpreted()
    work = _k.workspace(N, m)
    start, size, this_call = lo, 1, 0.0
    while lo < end:
        hi = min(end, lo + size)
        a, b = lo - start, hi - start
        t0 = time.perf_counter()
        with np.errstate(all="ignore"):
            kernel(np.int64(lo), np.int64(hi), *key, *args, *work, times[a:b], states[a:b], status[a:b])
        dt = time.perf_counter() - t0
        with _interpret_lock:
            _interpreted_s += dt
            spent = _interpreted_s
        this_call += dt
        per_trial = max(dt / (hi - lo), 1e-9)
        lo = hi
        report(lo)
        size = max(1, int(_CHUNK_S / per_trial))
        if (budgeted and spent + per_trial * (end - lo) > _INTERPRET_BUDGET_S
                and (this_call >= _CHUNK_S or spent >= _INTERPRET_BUDGET_S)):
            break
    return lo


def _run_trials(args: tuple, key: tuple, first: int, trials: int, threads: int | None, max_threads: int = 1 << 30,
                progress: Callable[[int, int], object] | None = None, jit: bool | None = True):
    """Run trials ``first .. first + trials - 1`` in contiguous chunks; returns (times, states, status).

    ``jit``: see :func:`simulate_chain`. Interpreted chunks (the kernel's Python source, on
    this thread) come first, each sized to about ``_CHUNK_S``; with ``jit=None`` the rest
    goes to the compiled kernel once the interpreter time of this process plus the projected
    time of the remaining trials would exceed ``_INTERPRET_BUDGET_S``.

    ``progress(done, trials)`` is called on this thread after every finished chunk (with the
    pool, in completion order); it never changes how the trials are chunked.

    At most ``max_threads`` threads (each allocates its own kernel workspace). ``status`` starts
    at -1 and ``times`` at NaN, so a trial that the kernel did not finish cannot look delivered.

    Chunks grow (on this thread; the first call also compiles the kernel) until one takes
    about ``_CHUNK_S / 8``; the rest, sized to about ``_CHUNK_S`` each, go to a thread pool
    (the kernel releases the GIL). Trial ``i`` depends only on ``(key, i)``, so neither the
    chunking nor the number of threads changes the result.
    """
    times = np.full(trials, np.nan)
    states = np.zeros((trials, 4, 4), dtype=np.complex128)
    status = np.full(trials, -1, dtype=np.int64)
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])

    N, m = int(args[0]), int(args[1])

    def run(lo: int, hi: int) -> None:  # global trial indices; a workspace per call (threads run side by side)
        a, b = lo - first, hi - first
        _k._run_range(np.int64(lo), np.int64(hi), k0, k1, *args, *_k.workspace(N, m), times[a:b], states[a:b],
                      status[a:b])

    def report(done: int) -> None:
        if progress is not None:
            progress(done, trials)

    end = first + trials
    lo = first
    variant = args[_PUR_METHOD_ARG] is None
    if jit is False or (jit is None and variant not in _compiled_variants and N * m <= _INTERPRET_MAX_CHANNELS
                        and _interpreted_s < _INTERPRET_BUDGET_S):
        lo = _interpret(args, (k0, k1), N, m, lo, end, times, states, status, lambda done: report(done - first),
                        jit is None)
        if lo >= end:
            return times, states, status
    run(lo, lo + 1)  # compiles (or loads) the kernel
    _compiled_variants.add(variant)
    lo += 1
    report(lo - first)
    size, per_trial = 8, 0.0
    while lo < end:
        hi = min(end, lo + size)
        t0 = time.perf_counter()
        run(lo, hi)
        per_trial = (time.perf_counter() - t0) / (hi - lo)
        lo = hi
        report(lo - first)
        if per_trial * size >= _CHUNK_S / 8:
            break
        size *= 4
    if lo >= end:
        return times, states, status
    size = max(1, min(end - lo, int(_CHUNK_S / max(per_trial, 1e-9))))
    bounds = list(range(lo, end, size)) + [end]
    if threads is None:
        import numba  # already imported by the kernel call above

        threads = numba.config.NUMBA_NUM_THREADS
    threads = min(threads, max_threads)
    if threads <= 1 or len(bounds) <= 2:
        for a, b in zip(bounds[:-1], bounds[1:]):
            run(a, b)
            report(b - first)
        return times, states, status
    pool = ThreadPoolExecutor(max_workers=min(threads, len(bounds) - 1), thread_name_prefix="qnet-chain")
    try:
        done = lo - first
        futures = {pool.submit(run, a, b): b - a for a, b in zip(bounds[:-1], bounds[1:])}
        for f in as_completed(futures):
            f.result()
            done += futures[f]
            report(done)
    finally:  # on KeyboardInterrupt (or an error) drop the chunks not started; wait for the running ones
        pool.shutdown(wait=True, cancel_futures=True)
    return times, states, status


@dataclass(frozen=True, slots=True, repr=False)
class KeyRateComparison(Result):
    """Secret-key rates of a repeater chain, the PLOB bound and direct BB84 against distance.

    Attributes
    ----------
    lengths_km : ndarray, shape (n,)
    chain_bps, chain_bps_stderr : ndarray, shape (n,)
        BBM92 secret-key rate of the chain (bits/s) and its standard error.
    plob_bps : ndarray, shape (n,)
        Repeaterless PLOB bound ``-log2(1 - eta)`` times ``mode_rate_hz`` (bits/s).
    bb84_bps : ndarray, shape (n,)
        Decoy-state BB84 over the direct fiber at ``mode_rate_hz`` pulses/s (bits/s).
    mode_rate_hz : float
        Channel uses per second assumed for the direct-transmission curves.
    """

    lengths_km: np.ndarray
    chain_bps: np.ndarray
    chain_bps_stderr: np.ndarray
    plob_bps: np.ndarray
    bb84_bps: np.ndarray
    mode_rate_hz: float

    # short repr and _repr_html_ (Result): one table row per length
    _TABLE_COLUMNS = ("lengths_km", "chain_bps", "chain_bps_stderr", "plob_bps", "bb84_bps")

    def to_dict(self) -> dict:
        """The curves as a JSON-friendly dict.

        Returns
        -------
        dict
            ``lengths_km``, ``chain_bps``, ``chain_bps_stderr``, ``plob_bps``, ``bb84_bps`` as lists
            of floats and ``mode_rate_hz`` as a float.
        """
        return {"lengths_km": self.lengths_km.tolist(), "chain_bps": self.chain_bps.tolist(),
                "chain_bps_stderr": self.chain_bps_stderr.tolist(), "plob_bps": self.plob_bps.tolist(),
                "bb84_bps": self.bb84_bps.tolist(), "mode_rate_hz": self.mode_rate_hz}

    def plot(self, ax: Any | None = None, label: str = "repeater chain (BBM92)") -> Any:
        """Draw the three curves on a log-scale axis (matplotlib imported lazily); returns the axis.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axis to draw on; default a new figure's axis.
        label : str, default "repeater chain (BBM92)"
            Legend label of the chain curve (drawn with error bars, positive rates only).

        Returns
        -------
        matplotlib.axes.Axes
            The axis drawn on.
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        ok = self.chain_bps > 0
        ax.errorbar(self.lengths_km[ok], self.chain_bps[ok], yerr=self.chain_bps_stderr[ok], fmt="o-", label=label)
        ax.plot(self.lengths_km, self.plob_bps, "k--", label="PLOB bound (direct)")
        pos = self.bb84_bps > 0
        ax.plot(self.lengths_km[pos], self.bb84_bps[pos], "-", label="decoy BB84 (direct)")
        ax.set_yscale("log")
        ax.set_xlabel("distance (km)")
        ax.set_ylabel("secret-key rate (bit/s)")
        ax.legend()
        return ax


def key_rate_comparison(chain: RepeaterChain, lengths_km: ArrayLike, trials: int, seed: SeedLike = None, *,
                        mode_rate_hz: float | None = None, bb84_system: QKDSystem | None = None) -> KeyRateComparison:
    """Simulate ``chain`` at each total length and compare with repeaterless key rates.

    The direct-transmission curves use the same fiber (attenuation) and a source that emits
    ``mode_rate_hz`` pulses per second (default: one per ``chain.prep_time_s``, the nodes'
    attempt clock): the PLOB bound (Pirandola et al., Nat. Commun. 8, 15043 (2017), Eq. 19,
    :func:`protocols.bounds.plob_bound`) and decoy-state BB84
    (:func:`protocols.bb84.decoy_bb84_rate`, ``bb84_system`` default: ``QKDSystem`` with
    that attenuation and repetition rate).

    Parameters
    ----------
    chain : RepeaterChain
        Template; only ``total_length_km`` changes.
    lengths_km : array_like of float
    trials : int
        Trials per length.
    seed : int, Generator, SeedSequence or None
        Each length uses the child stream ``spawn_seeds(seed, n)[i]``.
    mode_rate_hz : float, optional
        Pulses per second of the direct-transmission curves; default ``1 / chain.prep_time_s``.
    bb84_system : QKDSystem, optional
        Hardware of the direct BB84 curve; default ``QKDSystem`` with the chain's fiber
        attenuation and ``mode_rate_hz`` as repetition rate.

    Returns
    -------
    KeyRateComparison
        Chain rates with standard errors, the PLOB bound and decoy BB84, all in bits/s.

    Examples
    --------
    >>> cmp = key_rate_comparison(RepeaterChain(2, 0.0, scheme="double-click"), [100.0, 200.0], 50, seed=1)
    >>> bool(cmp.plob_bps[0] > cmp.plob_bps[1])
    True
    """
    import dataclasses

    from qnet_core.random import spawn_seeds

    from ..qkd import bb84, bounds

    if not isinstance(chain, RepeaterChain):
        raise ParameterError(f"key_rate_comparison(): chain must be a RepeaterChain, got {type(chain).__name__}")
    if not _is_int(trials) or trials < 1:
        raise ParameterError(f"key_rate_comparison(): trials={trials!r} must be an integer >= 1")
    _check_fits(trials, "trials", "key_rate_comparison")
    L = np.atleast_1d(real_array(lengths_km, "lengths_km", "key_rate_comparison", lo=0.0, what="fiber lengths in km"))
    if L.ndim != 1 or L.size == 0 or not np.all(np.isfinite(L)) or np.any(L < 0):
        raise ParameterError(f"key_rate_comparison(): lengths_km={lengths_km!r} must be finite lengths >= 0")
    if mode_rate_hz is None:
        if chain.prep_time_s <= 0:
            raise ParameterError("key_rate_comparison(): give mode_rate_hz (chain.prep_time_s is 0)")
        mode_rate_hz = 1.0 / chain.prep_time_s
    rate = check_positive(mode_rate_hz, "mode_rate_hz", "key_rate_comparison")
    if bb84_system is None:
        bb84_system = bb84.QKDSystem(attenuation_db_per_km=chain.attenuation_db_per_km, rep_rate_hz=rate)
    seeds = spawn_seeds(seed if seed is not None else np.random.SeedSequence(), L.size)
    skr = np.empty(L.size)
    err = np.empty(L.size)
    for i, length in enumerate(L):
        res = simulate_chain(dataclasses.replace(chain, total_length_km=float(length)), trials, seeds[i])
        skr[i] = res.secret_key_rate_bps
        err[i] = res.secret_key_rate_bps_stderr
    eta = bounds.fiber_transmissivity(L, chain.attenuation_db_per_km)
    plob = np.asarray(bounds.plob_bound(eta), dtype=np.float64) * rate
    direct = np.asarray(bb84.decoy_bb84_rate(L, system=bb84_system, per="second"), dtype=np.float64)
    return KeyRateComparison(L, skr, err, np.atleast_1d(plob), np.atleast_1d(direct), rate)
