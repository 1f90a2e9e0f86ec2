"""Heralded elementary-link generation over fiber with a midpoint station.

Two memory nodes a distance ``L`` apart each emit a photon entangled with a memory qubit
towards a beam splitter and two threshold detectors halfway between them; a heralding
pattern at the station projects the memories onto an entangled state. Two standard schemes:

* **single-click** (Cabrillo et al., PRA 59, 1025 (1999); Humphreys et al., Nature 558,
  268 (2018)): each memory is prepared in ``sqrt(1-alpha)|0> + sqrt(alpha)|1>`` and ``|1>``
  emits a photon; one click heralds. Success probability ``2 alpha eta - alpha^2 eta^2``
  (``~ 2 alpha eta``) and fidelity ``2 (1 - alpha) / (2 - alpha eta)`` (``~ 1 - alpha``).
* **double-click** (Barrett & Kok, PRA 71, 060310(R) (2005)): two rounds with the memories
  in ``(|0> + |1>)/sqrt(2)`` and a bit flip in between; one click in each round heralds.
  Success probability ``eta^2 / 2`` and, without dark counts, a perfect Bell pair.

Here ``eta`` is the transmissivity from one node to a detector (emission/collection
efficiency x fiber over ``L/2`` x detector efficiency). The heralded two-qubit state is
computed exactly (photon loss as amplitude damping of each photonic mode, the beam
splitter in the two-photon Fock space with Hong-Ou-Mandel bunching, threshold detectors
with dark-count probability per detection window), then Pauli-corrected so that the
target is ``|phi+>``; for single-click the residual error is the population of both
memories having emitted, ``|11><11|`` before and ``|10><10|`` after the X correction on the
second memory (basis index 2, qubit 0 most significant), so the state is *not* Bell diagonal.

Timing: one attempt lasts ``rounds * prep_time_s + L n / c`` (emission, half the fiber to
the station, half back with the herald); the memories hold their qubits from emission,
so the heralded state has already waited ``L n / c`` when the herald arrives (the chain
simulation applies that memory noise).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from channels.fiber import Fiber
from qnet_core.errors import ParameterError
from qnet_core.validation import check_nonnegative, check_positive, check_probability

__all__ = ["ElementaryLink", "single_click_link", "double_click_link", "werner_link", "heralded_state"]


#: Heralding schemes an :class:`ElementaryLink` may name.
_LINK_SCHEMES = ("single-click", "double-click", "werner")


@dataclass(frozen=True, slots=True)
class ElementaryLink:
    """A heralded elementary link: per-attempt success probability, timing and produced state.

    Attributes
    ----------
    success_probability : float
        Probability that one attempt heralds a link, in (0, 1].
    attempt_duration_s : float
        Time between the starts of consecutive attempts, s (> 0).
    herald_delay_s : float
        Time from photon emission to the herald reaching both nodes, s (>= 0); the memory
        qubits decohere during it.
    state : ndarray, shape (4, 4), complex128
        Heralded, Pauli-corrected state of the two memories (qubit 0 = left node), target
        ``|phi+>``. Read-only.
    scheme : str
        "single-click", "double-click" or "werner".

    Examples
    --------
    >>> link = werner_link(0.9, success_probability=0.1, attempt_duration_s=1e-3)
    >>> round(link.fidelity, 6)
    0.9
    """

    success_probability: float
    attempt_duration_s: float
    herald_delay_s: float
    state: np.ndarray = field(repr=False)
    scheme: str = "werner"

    def __post_init__(self):
        p = check_probability(self.success_probability, "success_probability", "ElementaryLink")
        if p <= 0.0:
            raise ParameterError(
                f"ElementaryLink(): success_probability={self.success_probability!r} is 0; "
                "no link can ever be heralded (it must be in (0, 1])")
        object.__setattr__(self, "success_probability", p)
        object.__setattr__(self, "attempt_duration_s",
                           check_positive(self.attempt_duration_s, "attempt_duration_s", "ElementaryLink"))
        object.__setattr__(self, "herald_delay_s",
                           check_nonnegative(self.herald_delay_s, "herald_delay_s", "ElementaryLink"))
        if self.scheme not in _LINK_SCHEMES:
            raise ParameterError(f"ElementaryLink(): scheme={self.scheme!r} is not allowed; use one of {_LINK_SCHEMES}")
        try:
            rho = np.array(self.state, dtype=np.complex128)
        except (TypeError, ValueError, OverflowError):
            raise ParameterError(f"ElementaryLink(): state of type {type(self.state).__name__} is not a numeric "
                                 "4x4 array") from None
        if rho.shape != (4, 4):
            raise ParameterError(f"ElementaryLink(): state has shape {rho.shape}; expected (4, 4)")
        if not np.all(np.isfinite(rho)) or not np.allclose(rho, rho.conj().T, atol=1e-9) \
                or abs(np.trace(rho).real - 1.0) > 1e-9 or np.linalg.eigvalsh(rho).min() < -1e-9:
            raise ParameterError("ElementaryLink(): state is not a valid 4x4 density matrix")
        rho.setflags(write=False)
        object.__setattr__(self, "state", rho)

    @property
    def fidelity(self) -> float:
        """Fidelity ``<phi+|state|phi+>`` of the heralded state."""
        r = self.state
        return float(0.5 * (r[0, 0] + r[3, 3] + r[0, 3] + r[3, 0]).real)

    @property
    def rate_hz(self) -> float:
        """Mean link-generation rate ``p / T_attempt`` in Hz."""
        return self.success_probability / self.attempt_duration_s


# ---------------------------------------------------------------- exact heralding

# two-mode photonic space after the beam splitter: Fock states with n_c + n_d <= 2
_FOCK_OUT = [(0, 0), (1, 0), (0, 1), (2, 0), (1, 1), (0, 2)]


def _beam_splitter() -> np.ndarray:
    """Isometry from input modes (a, b) with 0/1 photons each (index 2 n_a + n_b) to _FOCK_OUT.

    ``a^dag -> (c^dag + d^dag)/sqrt2``, ``b^dag -> (c^dag - d^dag)/sqrt2``; two photons
    bunch (Hong-Ou-Mandel): ``|1,1> -> (|2,0> - |0,2>)/sqrt2``.
    """
    r = 1.0 / math.sqrt(2.0)
    U = np.zeros((6, 4))
    U[0, 0] = 1.0
    U[1, 2], U[2, 2] = r, r          # |1_a 0_b>
    U[1, 1], U[2, 1] = r, -r         # |0_a 1_b>
    U[3, 3], U[5, 3] = r, -r         # |1_a 1_b>
    return U


def _click_povm(p_dark: float) -> np.ndarray:
    """Diagonal POVM weights over _FOCK_OUT for 'detector c clicks, detector d does not'."""
    w = np.zeros(6)
    for i, (nc, nd) in enumerate(_FOCK_OUT):
        if nd > 0:
            continue
        w[i] = (1.0 if nc > 0 else p_dark) * (1.0 - p_dark)
    return w


def _herald_round(rho: np.ndarray, eta: float, p_dark: float) -> list[np.ndarray]:
    """Unnormalized memory states for the two heralds (c-only click, d-only click) of one round.

    Memory ``|1>`` emits one photon into its mode; each photon survives with probability
    ``eta`` (amplitude damping of the 0/1-photon mode); then the beam splitter and the
    threshold detectors.
    """
    # joint index: (memA, memB, n_a, n_b); emission is the isometry |s_a s_b> -> |s_a s_b>|s_a s_b>
    V = np.zeros((16, 4))
    for s in range(4):
        V[4 * s + s, s] = 1.0
    joint = V @ rho @ V.T
    # loss on each photonic mode
    k0 = np.array([[1.0, 0.0], [0.0, math.sqrt(eta)]])
    k1 = np.array([[0.0, math.sqrt(1.0 - eta)], [0.0, 0.0]])
    I4 = np.eye(4)
    for mode in range(2):
        out = np.zeros_like(joint)
        for k in (k0, k1):
            op = np.kron(I4, np.kron(k, np.eye(2)) if mode == 0 else np.kron(np.eye(2), k))
            out += op @ joint @ op.conj().T
        joint = out
    U = np.kron(I4, _beam_splitter())  # (24, 16)
    after = U @ joint @ U.T
    after = after.reshape(4, 6, 4, 6)
    results = []
    w = _click_povm(p_dark)
    for which in (0, 1):
        ww = w if which == 0 else w[[0, 2, 1, 5, 4, 3]]  # swap the roles of detectors c and d
        results.append(np.einsum("iaja,a->ij", after, ww))
    return results


_X = np.array([[0, 1], [1, 0]], dtype=np.complex128)
_Z = np.diag([1.0, -1.0]).astype(np.complex128)
_I = np.eye(2, dtype=np.complex128)


def _conj(rho, op):
    return op @ rho @ op.conj().T


def heralded_state(scheme: str, eta: float, bright_state_param: float = 0.5,
                   dark_count_prob: float = 0.0) -> tuple[float, np.ndarray]:
    """Exact success probability and heralded state of one attempt.

    Parameters
    ----------
    scheme : {"single-click", "double-click"}
    eta : float
        Node-to-detector transmissivity in [0, 1] (emission x fiber(L/2) x detector efficiency).
    bright_state_param : float
        alpha, the population of the emitting state for single-click (ignored for double-click).
    dark_count_prob : float
        Dark-count probability of each detector per detection window.

    Returns
    -------
    p : float
        Probability that an attempt heralds.
    rho : ndarray, shape (4, 4)
        Normalized, corrected heralded state (target |phi+>).

    Examples
    --------
    >>> p, rho = heralded_state("single-click", 0.01, bright_state_param=0.1)
    >>> round(p, 6)  # 2 alpha eta - alpha^2 eta^2
    0.001999
    """
    owner = "heralded_state"
    eta = check_probability(eta, "eta", owner)
    bright_state_param = check_probability(bright_state_param, "bright_state_param", owner)
    dark_count_prob = check_probability(dark_count_prob, "dark_count_prob", owner)
    if scheme == "single-click":
        a = bright_state_param
        ket = np.array([math.sqrt(1 - a), math.sqrt(a)])
        k2 = np.kron(ket, ket)
        rho0 = np.outer(k2, k2).astype(np.complex128)
        plus, minus = _herald_round(rho0, eta, dark_count_prob)
        # detector c heralds psi+, detector d heralds psi- = Z_A psi+: correct with Z on A
        total = plus + _conj(minus, np.kron(_Z, _I))
    elif scheme == "double-click":
        ket = np.array([1.0, 1.0]) / math.sqrt(2.0)
        k2 = np.kron(ket, ket)
        rho0 = np.outer(k2, k2).astype(np.complex128)
        XX = np.kron(_X, _X)
        total = np.zeros((4, 4), dtype=np.complex128)
        for i, r1 in enumerate(_herald_round(rho0, eta, dark_count_prob)):
            flipped = _conj(r1, XX)
            for j, r2 in enumerate(_herald_round(flipped, eta, dark_count_prob)):
                r2 = _conj(r2, XX)  # undo the flip so populations keep their labels
                total += r2 if i == j else _conj(r2, np.kron(_Z, _I))
    else:
        raise ParameterError(f"heralded_state(): scheme={scheme!r}; use 'single-click' or 'double-click'")
    # psi+ -> phi+ with X on the second memory
    total = _conj(total, np.kron(_I, _X))
    p = float(np.trace(total).real)
    if p <= 0.0:
        raise ParameterError(
            f"heralded_state(): the {scheme} heralding probability is 0 for eta={eta!r}, "
            f"dark_count_prob={dark_count_prob!r}; no link can be generated")
    rho = total / p
    rho = 0.5 * (rho + rho.conj().T)
    return p, rho


def _transmissivity(owner, length_km, attenuation_db_per_km, refractive_index, detector_efficiency,
                    emission_efficiency):
    fiber_half = Fiber(length_km / 2.0, attenuation_db_per_km, refractive_index)
    det = check_probability(detector_efficiency, "detector_efficiency", owner)
    em = check_probability(emission_efficiency, "emission_efficiency", owner)
    return fiber_half.transmissivity * det * em, 2.0 * fiber_half.delay_s


def single_click_link(length_km: float, *, bright_state_param: float = 0.1, attenuation_db_per_km: float = 0.2,
                      refractive_index: float = 1.44, detector_efficiency: float = 1.0,
                      emission_efficiency: float = 1.0, dark_count_prob: float = 0.0,
                      prep_time_s: float = 1e-6) -> ElementaryLink:
    """Single-click (Cabrillo) heralded link over ``length_km`` of fiber with a midpoint station.

    Parameters
    ----------
    length_km : float
        Node-to-node distance in km (the station sits at ``length_km / 2``).
    bright_state_param : float
        alpha in (0, 1): population of the emitting memory state. Rate ~ 2 alpha eta,
        fidelity ~ 1 - alpha (Humphreys et al., Nature 558, 268 (2018), Methods).
    attenuation_db_per_km, refractive_index : float
        Fiber attenuation (dB/km) and group index.
    detector_efficiency, emission_efficiency : float
        Probabilities in [0, 1] multiplying the fiber transmissivity.
    dark_count_prob : float
        Dark-count probability per detector per detection window.
    prep_time_s : float
        Local time per attempt (memory initialization + emission), s.

    Returns
    -------
    ElementaryLink
        Success probability per attempt, attempt duration ``prep_time_s + L n / c``, herald
        delay ``L n / c`` and the heralded, corrected state (scheme "single-click").

    Examples
    --------
    >>> link = single_click_link(10.0, bright_state_param=0.05)
    >>> link.fidelity > 0.94
    True
    """
    owner = "single_click_link"
    length_km = check_nonnegative(length_km, "length_km", owner)
    a = check_probability(bright_state_param, "bright_state_param", owner)
    if a <= 0.0 or a >= 1.0:
        raise ParameterError(f"{owner}(): bright_state_param={bright_state_param!r} must be in (0, 1)")
    pd = check_probability(dark_count_prob, "dark_count_prob", owner)
    eta, travel = _transmissivity(owner, length_km, attenuation_db_per_km, refractive_index,
                                  detector_efficiency, emission_efficiency)
    prep = check_nonnegative(prep_time_s, "prep_time_s", owner)
    p, rho = heralded_state("single-click", eta, a, pd)
    return ElementaryLink(p, _attempt_duration(owner, prep + travel), travel, rho, "single-click")


def double_click_link(length_km: float, *, attenuation_db_per_km: float = 0.2, refractive_index: float = 1.44,
                      detector_efficiency: float = 1.0, emission_efficiency: float = 1.0,
                      dark_count_prob: float = 0.0, prep_time_s: float = 1e-6) -> ElementaryLink:
    """Double-click (Barrett-Kok) heralded link; success ~ eta^2 / 2 (Barrett & Kok 2005, Eq. 5).

    The two rounds follow each other locally (``2 * prep_time_s``) and one herald message
    reports both, so an attempt lasts ``2 prep_time_s + L n / c``. Parameters as in
    :func:`single_click_link`.

    Parameters
    ----------
    length_km : float
        Node-to-node distance in km (>= 0; the station sits at ``length_km / 2``).
    attenuation_db_per_km, refractive_index : float, default 0.2 and 1.44
        Fiber attenuation (dB/km) and group index.
    detector_efficiency, emission_efficiency : float, default 1.0
        Probabilities in [0, 1] multiplying the fiber transmissivity.
    dark_count_prob : float, default 0.0
        Dark-count probability per detector per detection window.
    prep_time_s : float, default 1e-6
        Local time per round (memory initialization + emission), s (>= 0).

    Returns
    -------
    ElementaryLink
        Success probability per attempt, attempt duration, herald delay ``L n / c`` and the
        heralded, corrected state (scheme "double-click").

    Examples
    --------
    >>> round(double_click_link(0.0, prep_time_s=1e-6).success_probability, 6)
    0.5
    """
    owner = "double_click_link"
    length_km = check_nonnegative(length_km, "length_km", owner)
    pd = check_probability(dark_count_prob, "dark_count_prob", owner)
    eta, travel = _transmissivity(owner, length_km, attenuation_db_per_km, refractive_index,
                                  detector_efficiency, emission_efficiency)
    prep = check_nonnegative(prep_time_s, "prep_time_s", owner)
    p, rho = heralded_state("double-click", eta, 0.5, pd)
    return ElementaryLink(p, _attempt_duration(owner, 2.0 * prep + travel), travel, rho, "double-click")


def werner_link(fidelity: float, *, success_probability: float, attempt_duration_s: float,
                herald_delay_s: float = 0.0) -> ElementaryLink:
    """An abstract link producing the Werner state of ``fidelity`` with a fixed success probability.

    Useful for analytic checks and for hardware summarized by (p, F, T).

    Parameters
    ----------
    fidelity : float
        Fidelity F to ``|phi+>`` of the produced Werner state, in [0, 1].
    success_probability : float
        Probability that one attempt heralds a link, in (0, 1].
    attempt_duration_s : float
        Time between the starts of consecutive attempts, s (> 0).
    herald_delay_s : float, default 0.0
        Time from emission until both nodes know of the link, s (>= 0).

    Returns
    -------
    ElementaryLink
        The link, scheme "werner".

    Examples
    --------
    >>> werner_link(1.0, success_probability=0.5, attempt_duration_s=1.0).rate_hz
    0.5
    """
    from qnet_core.states import werner

    F = check_probability(fidelity, "fidelity", "werner_link")
    return ElementaryLink(success_probability, attempt_duration_s, herald_delay_s, werner(F), "werner")


def _attempt_duration(owner, t):
    if t <= 0.0:
        raise ParameterError(
            f"{owner}(): the attempt duration is 0 (zero length and prep_time_s=0); "
            "give prep_time_s > 0 or a positive length")
    return t
