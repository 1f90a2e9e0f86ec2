"""Universal blind quantum computation (UBQC) over a noisy link, and trap-based verification.

Protocol (Broadbent, Fitzsimons, Kashefi, "Universal blind quantum computation", FOCS 2009,
Protocol 1): a client wants a measurement-based computation with angles
``phi_i in {k pi/4}`` run on a server's graph state without revealing it.

1. The client prepares each qubit in ``|+_theta> = (|0> + e^(i theta)|1>)/sqrt(2)`` with a
   secret ``theta_i`` uniform in ``{k pi/4 : k = 0..7}`` and sends it over the link.
2. The server entangles the received qubits with ``CZ`` on the edges of the graph.
3. For each qubit in order the client sends ``delta_i = phi'_i + theta_i + r_i pi`` (``r_i`` a
   secret random bit, ``phi'_i`` the angle corrected by the flow for the earlier outcomes);
   the server measures in ``|+-_delta>`` and returns ``b_i``; the client keeps
   ``s_i = b_i XOR r_i``.

Computation: a 1D cluster (a path graph) of m qubits, the first one the input ``|+>``, the
last one measured too, so the classical output is the corrected outcome ``s_m`` of the last
qubit. On a path the flow is ``f(i) = i + 1``: ``phi'_i = (-1)^(s_{i-1}) phi_i + s_{i-2} pi``
(Raussendorf, Browne, Briegel, PRA 68, 022312 (2003); Danos, Kashefi, PRA 74, 052310
(2006)). The success probability is the probability that the client's output equals that of
the noiseless computation; the angles must give a deterministic output.

Link model: every qubit the client sends passes a single-qubit :class:`channels.Channel`
(``channel``: depolarizing, dephasing, or :func:`channels.single_rail_loss` for unheralded
amplitude-damping loss), and a heralded loss of transmissivity ``eta`` (dual-rail photons,
:func:`channels.dual_rail_erasure`): a lost qubit is detected and sent again, which costs
``1/eta`` transmissions per qubit on average and leaves the arriving state unchanged.

Exact averaging over the secrets: the phase gate ``P(theta)`` that prepares ``|+_theta>``
commutes with ``CZ``, so measuring at ``delta`` the state ``P(theta) rho P(theta)^dag`` is
measuring ``rho`` at ``delta - theta``, and ``r`` flips the reported bit that the client flips
back. The client's output distribution for fixed secrets is therefore that of the plain
computation with input qubit ``sigma_theta = P(-theta) N(|+_theta><+_theta|) P(theta)``, and
it is linear in each qubit's state: the average over the secrets uses
``mean_theta sigma_theta`` (eight angles, exactly). For channels that commute with ``P``
(dephasing, depolarizing, amplitude damping) the result does not depend on the secrets at all.
The tests check this against the protocol run secret by secret.

Blindness: averaged over ``theta`` and ``r``, the server receives ``delta`` uniform in the
eight angles and the qubit ``N(I/2)``, whatever ``phi`` is (BFK 2009, Theorem 2);
:func:`blind_server_state` returns this joint state.

Verification with traps (Fitzsimons, Kashefi, "Unconditionally verifiable blind quantum
computation", PRA 96, 012303 (2017)): a trap qubit ``|+_theta>`` whose graph neighbours are
dummies ``|d_j>``, ``d_j`` random bits, so the server's ``CZ`` gates leave the trap in
``|+_(theta + pi sum_j d_j)>``; it is measured at ``delta = theta + r pi + pi sum_j d_j`` and must
give ``b = r``. A trap fails when ``b != r``; through a noisy link honest servers fail traps
too, and :func:`trap_detection` gives that rate (averaged exactly over ``theta``, ``r`` and
the dummies), the false-alarm floor a verification has to tolerate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from channels.channel import Channel
from qnet_core._args import count, real, real_array
from qnet_core.errors import ParameterError
from qnet_core.gates import CZ
from qnet_core.ops import apply_unitary
from qnet_core.states import tensor

from .._common import Result

__all__ = ["BlindComputationResult", "TrapResult", "DEFAULT_BLIND_ANGLES", "MAX_BLIND_QUBITS", "blind_computation",
           "trap_detection", "blind_server_state"]

#: The client's angles ``phi_i`` of the default computation, in radians: a 4-qubit path whose
#: noiseless output is deterministic (see :func:`blind_computation`).
DEFAULT_BLIND_ANGLES = (np.pi / 4, np.pi / 2, -np.pi / 2, -np.pi / 4)
#: Most qubits of one simulated blind computation (dense density matrices).
MAX_BLIND_QUBITS = 8
#: The client's secret angles ``theta`` (and the allowed measurement angles).
_ANGLES = np.arange(8) * (np.pi / 4)
_PLUS = np.full((2, 2), 0.5, dtype=np.complex128)
_DETERMINISTIC_TOL = 1e-9


@dataclass(frozen=True, slots=True, repr=False)
class BlindComputationResult(Result):
    """Outcome of a blind computation over a noisy link.

    Attributes
    ----------
    success_probability : float
        Probability that the client's decoded output equals the noiseless output, averaged
        over the secret angles and bits.
    ideal_output : int
        The output bit of the noiseless computation.
    output_probabilities : numpy.ndarray, float64, shape (2,)
        Probabilities of the client's decoded output 0 and 1.
    expected_transmissions : float
        Mean number of qubits sent to deliver the m qubits, ``m / eta``.
    num_qubits : int
        m, the size of the path graph.
    """

    success_probability: float
    ideal_output: int
    output_probabilities: np.ndarray
    expected_transmissions: float
    num_qubits: int


@dataclass(frozen=True, slots=True, repr=False)
class TrapResult(Result):
    """Failure rate of a trap qubit (and its dummies) sent through a noisy link to an honest server.

    Attributes
    ----------
    detection_probability : float
        Probability that the trap's outcome differs from the expected one, averaged over the
        secret angle, bit and dummies.
    expected_transmissions : float
        Mean number of qubits sent to deliver the trap and its dummies, ``(1 + num_dummies) / eta``.
    num_dummies : int
        Number of dummy neighbours of the trap.
    """

    detection_probability: float
    expected_transmissions: float
    num_dummies: int


# ============================================================================ checks
def _check_channel(channel, owner: str) -> Channel | None:
    if channel is None:
        return None
    if not isinstance(channel, Channel) or channel.num_qubits != 1:
        raise ParameterError(f"{owner}(): channel={channel!r} must be a single-qubit Channel or None")
    return channel


def _check_eta(eta, owner: str) -> float:
    return real(eta, "eta", owner, lo=0.0, hi=1.0, what="the link's transmissivity")


def _transmissions(m: int, eta: float) -> float:
    return float(m / eta) if eta > 0.0 else float("inf")


def _check_angles(angles, owner: str) -> np.ndarray:
    """The angles as multiples ``k`` of ``pi/4`` (ints 0..7); ParameterError for any other angle."""
    arr = real_array(angles, "angles_rad", owner, what="measurement angles in radians")
    if arr.ndim != 1 or not 1 <= arr.size <= MAX_BLIND_QUBITS:
        raise ParameterError(f"{owner}(): angles_rad has shape {arr.shape}; give 1 to {MAX_BLIND_QUBITS} angles, one "
                             "per qubit of the path")
    steps = arr / (np.pi / 4)
    k = np.round(steps)
    if np.any(np.abs(steps - k) > 1e-9):
        bad = float(arr[np.argmax(np.abs(steps - k))])
        raise ParameterError(f"{owner}(): angles_rad contains {bad!r}; UBQC angles must be multiples of pi/4")
    return (k.astype(np.int64) % 8)


# ============================================================================ the state the server works on
def _phase(theta: float) -> np.ndarray:
    return np.diag([1.0, np.exp(1j * theta)]).astype(np.complex128)


def _sent(theta: float, channel: Channel | None) -> np.ndarray:
    """``N(|+_theta><+_theta|)``: the qubit the server receives."""
    p = _phase(theta)
    rho = p @ _PLUS @ p.conj().T
    return rho if channel is None else channel.apply(rho, validate=False)


def _effective_qubit(channel: Channel | None) -> np.ndarray:
    """``mean_theta P(-theta) N(|+_theta><+_theta|) P(theta)`` over the eight secret angles (module notes)."""
    if channel is None:
        return _PLUS.copy()
    out = np.zeros((2, 2), dtype=np.complex128)
    for theta in _ANGLES:
        p = _phase(-theta)
        out += p @ _sent(theta, channel) @ p.conj().T
    return out / _ANGLES.size


def _path_state(qubits: Sequence[np.ndarray]) -> np.ndarray:
    """The server's register: the received qubits, entangled by ``CZ`` along the path."""
    rho = tensor(*qubits)
    for i in range(len(qubits) - 1):
        rho = apply_unitary(rho, CZ, [i, i + 1], validate=False)
    return rho


def _measure_first(rho: np.ndarray, delta: float) -> tuple[np.ndarray, np.ndarray]:
    """Measure qubit 0 in ``|+-_delta> = (|0> +- e^(i delta)|1>)/sqrt(2)``.

    Returns the probabilities (2,) and the normalized states of the other qubits (2, d/2, d/2)
    (``<+-_delta| rho |+-_delta>`` on qubit 0, written out: the engine's :func:`qnet_core.measure`
    rebuilds its operation sequence on every call, too slow for the thousands of branches here).
    """
    h = rho.shape[-1] >> 1
    r4 = rho.reshape(2, h, 2, h)
    phase = np.exp(1j * delta)
    states = np.empty((2, h, h), dtype=np.complex128)
    probs = np.empty(2)
    for s, sign in ((0, 1.0), (1, -1.0)):
        v = np.array([1.0, sign * phase]) / np.sqrt(2.0)
        block = np.einsum("a,aibj,b->ij", v.conj(), r4, v)
        p = max(float(np.real(np.trace(block))), 0.0)
        probs[s] = p
        states[s] = block / p if p > 1e-15 else np.eye(h) / h
    return probs, states


def _output_distribution(rho: np.ndarray, k: np.ndarray, deltas, past: tuple = (0, 0)) -> np.ndarray:
    """Distribution (2,) of the client's output ``s_m`` on the path state ``rho`` (adaptive, all branches).

    ``k`` are the client's angles in units of pi/4; ``deltas(i, phi_prime)`` gives the angle
    sent for qubit i and the bit to XOR into the reported outcome (the secret ``r_i``);
    ``past = (s_{i-2}, s_{i-1})``.
    """
    i = len(k) - int(round(np.log2(rho.shape[-1])))
    s2, s1 = past
    phi_prime = ((-1) ** s1) * k[i] * (np.pi / 4) + s2 * np.pi
    delta, r = deltas(i, phi_prime)
    probs, states = _measure_first(rho, delta)
    out = np.zeros(2)
    for b in (0, 1):
        s = b ^ r
        if probs[b] <= 1e-15:
            continue
        if i == len(k) - 1:
            out[s] += probs[b]
        else:
            out += probs[b] * _output_distribution(states[b], k, deltas, (s1, s))
    return out


def _plain(i: int, phi_prime: float) -> tuple[float, int]:
    return phi_prime, 0


def _ideal_output(k: np.ndarray, owner: str) -> int:
    dist = _output_distribution(_path_state([_PLUS] * len(k)), k, _plain)
    if dist.max() < 1.0 - _DETERMINISTIC_TOL:
        raise ParameterError(f"{owner}(): the noiseless computation with angles_rad = pi/4 * {k.tolist()} has "
                             f"output probabilities {dist.round(6).tolist()}; choose angles with a deterministic "
                             "output")
    return int(np.argmax(dist))


# ============================================================================ public functions
def blind_computation(angles_rad: ArrayLike = DEFAULT_BLIND_ANGLES, *, channel: Channel | None = None,
                      eta: float = 1.0) -> BlindComputationResult:
    """Success probability of a blind computation on a path graph whose qubits come over a noisy link.

    Parameters
    ----------
    angles_rad : sequence of float
        The client's measurement angles ``phi_i``, one per qubit of the path (1 to
        :data:`MAX_BLIND_QUBITS`), each a multiple of ``pi/4``; the noiseless output must be
        deterministic. Default :data:`DEFAULT_BLIND_ANGLES`.
    channel : Channel, optional
        Single-qubit channel applied to every qubit the client sends (default: noiseless).
    eta : float, default 1
        Transmissivity of the heralded loss, in [0, 1]; only the number of transmissions
        depends on it.

    Returns
    -------
    BlindComputationResult
        ``success_probability`` (exact average over the secret ``theta`` and ``r``),
        ``output_probabilities``, ``ideal_output`` and ``expected_transmissions = m / eta``.

    Notes
    -----
    Broadbent, Fitzsimons, Kashefi, FOCS 2009, Protocol 1, on a 1D cluster; the averaging over
    the secrets and the flow are in the module notes.

    Examples
    --------
    >>> import channels
    >>> round(blind_computation().success_probability, 12)
    1.0
    >>> r = blind_computation(channel=channels.depolarizing(0.1), eta=0.5)
    >>> round(r.success_probability, 6), r.expected_transmissions
    (0.8645, 8.0)
    """
    owner = "blind_computation"
    k = _check_angles(angles_rad, owner)
    ch = _check_channel(channel, owner)
    e = _check_eta(eta, owner)
    ideal = _ideal_output(k, owner)
    sigma = _effective_qubit(ch)
    dist = _output_distribution(_path_state([sigma] * k.size), k, _plain)
    dist = np.clip(dist, 0.0, 1.0)
    return BlindComputationResult(float(dist[ideal]), ideal, dist, _transmissions(k.size, e), int(k.size))


def _protocol_run(k: np.ndarray, thetas: Sequence[int], rs: Sequence[int], channel: Channel | None) -> np.ndarray:
    """The client's output distribution for fixed secrets, run as the protocol (the tests' reference)."""
    qubits = [_sent(t * np.pi / 4, channel) for t in thetas]

    def deltas(i, phi_prime):
        return phi_prime + thetas[i] * np.pi / 4 + rs[i] * np.pi, rs[i]

    return _output_distribution(_path_state(qubits), k, deltas)


def trap_detection(*, channel: Channel | None = None, eta: float = 1.0, num_dummies: int = 2) -> TrapResult:
    """Probability that a trap qubit fails through a noisy link with an honest server (Fitzsimons-Kashefi traps).

    Parameters
    ----------
    channel : Channel, optional
        Single-qubit channel applied to the trap and to every dummy (default: noiseless).
    eta : float, default 1
        Transmissivity of the heralded loss, in [0, 1].
    num_dummies : int, default 2
        Number of dummy neighbours of the trap in the server's graph, 0 to 3.

    Returns
    -------
    TrapResult
        ``detection_probability`` (the trap's failure rate, averaged exactly over the secret
        angle, bit and dummy bits) and ``expected_transmissions = (1 + num_dummies)/eta``.

    Notes
    -----
    Fitzsimons, Kashefi, PRA 96, 012303 (2017): a trap ``|+_theta>`` next to dummies
    ``|d_j>`` is measured at ``theta + r pi + pi sum_j d_j`` and must return ``r``. Dummies
    whose bit flips (e.g. amplitude damping of ``|1>``) kick the trap's phase.

    Examples
    --------
    >>> import channels
    >>> round(trap_detection().detection_probability, 12)
    0.0
    >>> round(trap_detection(channel=channels.depolarizing(0.1)).detection_probability, 6)
    0.1355
    """
    owner = "trap_detection"
    ch = _check_channel(channel, owner)
    e = _check_eta(eta, owner)
    nd = count(num_dummies, "num_dummies", owner, lo=0, hi=3, what="dummy neighbours of the trap")
    fail = 0.0
    cases = 0
    for d_bits in range(1 << nd):
        ds = [(d_bits >> j) & 1 for j in range(nd)]
        dummies = [np.diag([1.0 - d, float(d)]).astype(np.complex128) for d in ds]
        if ch is not None:
            dummies = [ch.apply(rho, validate=False) for rho in dummies]
        kick = sum(ds) % 2
        for theta in _ANGLES:
            rho = tensor(_sent(theta, ch), *dummies)
            for j in range(nd):
                rho = apply_unitary(rho, CZ, [0, j + 1], validate=False)
            for r in (0, 1):
                probs, _ = _measure_first(rho, theta + r * np.pi + kick * np.pi)
                fail += probs[1 - r]
                cases += 1
    return TrapResult(float(np.clip(fail / cases, 0.0, 1.0)), _transmissions(1 + nd, e), nd)


def blind_server_state(angle_rad: float = 0.0, *, channel: Channel | None = None) -> np.ndarray:
    """What the server holds about one qubit, averaged over the client's secrets: ``sum_delta |delta><delta| (x) rho``.

    Parameters
    ----------
    angle_rad : float, default 0
        The client's true measurement angle ``phi`` (a multiple of ``pi/4``).
    channel : Channel, optional
        Single-qubit channel of the link (default: noiseless).

    Returns
    -------
    numpy.ndarray, complex128, shape (8, 2, 2)
        Entry j is ``P(delta = j pi/4)`` times the server's received qubit given that
        ``delta``, averaged over ``theta`` and ``r``. Blindness (BFK 2009, Theorem 2): it does
        not depend on ``angle_rad``; it is ``N(I/2) / 8`` for every ``delta``.

    Examples
    --------
    >>> s = blind_server_state(np.pi / 4)
    >>> np.allclose(s, np.eye(2) / 16)
    True
    """
    owner = "blind_server_state"
    phi = int(_check_angles([angle_rad], owner)[0])
    ch = _check_channel(channel, owner)
    out = np.zeros((8, 2, 2), dtype=np.complex128)
    for t in range(8):
        rho = _sent(t * np.pi / 4, ch)
        for r in (0, 1):
            out[(phi + t + 4 * r) % 8] += rho / 16.0
    return out
