"""Catalogue of single- and two-qubit noise channels with physical parameters.

Every function validates its parameters (raising :class:`qnet_core.errors.ParameterError`
with the function, argument, value and allowed range) and returns a :class:`Channel` whose
Kraus operators are the exact textbook ones. Kraus arrays have a fixed number of operators
for every parameter value (zero-weight operators are kept), so shapes never depend on
the parameters.

References
----------
[NC] M. A. Nielsen and I. L. Chuang, *Quantum Computation and Quantum Information*,
     10th anniversary ed., Cambridge University Press 2010, Sec. 8.3.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike

from qnet_core.errors import ParameterError
from qnet_core.gates import I2, X, Y, Z, rx, ry, rz
from qnet_core.validation import check_finite, check_nonnegative, check_positive, check_probability, check_unitary

from .channel import Channel, pauli_basis

__all__ = [
    "bit_flip",
    "phase_flip",
    "dephasing",
    "bit_phase_flip",
    "pauli_channel",
    "depolarizing",
    "depolarizing_pauli",
    "amplitude_damping",
    "generalized_amplitude_damping",
    "thermal_excited_population",
    "unitary_error",
    "rotation_error",
    "memory",
    "memory_parameters",
    "depolarizing_memory",
]

_PLANCK_J_S = 6.62607015e-34
_BOLTZMANN_J_PER_K = 1.380649e-23


def _num_qubits(num_qubits, owner: str) -> int:
    if isinstance(num_qubits, bool) or not isinstance(num_qubits, numbers.Integral) or num_qubits not in (1, 2):
        raise ParameterError(f"{owner}(): num_qubits={num_qubits!r} is not supported; it must be 1 or 2")
    return int(num_qubits)


def _fmt(x: float) -> str:
    return f"{x:.6g}"


# ---------------------------------------------------------------------- Pauli family
def bit_flip(p: float) -> Channel:
    """Bit flip: ``rho -> (1-p) rho + p X rho X`` ([NC] eq. 8.85).

    Parameters
    ----------
    p : float
        Flip probability in [0, 1].

    Returns
    -------
    Channel
        Single-qubit channel with Kraus operators ``sqrt(1-p) I`` and ``sqrt(p) X``.

    Examples
    --------
    >>> bit_flip(0.1).kraus.shape
    (2, 2, 2)
    """
    p = check_probability(p, "p", "bit_flip")
    return Channel._trusted(np.array([math.sqrt(1 - p) * I2, math.sqrt(p) * X]), f"bit_flip(p={_fmt(p)})")


def phase_flip(p: float) -> Channel:
    """Phase flip (dephasing): ``rho -> (1-p) rho + p Z rho Z`` ([NC] eq. 8.88).

    Off-diagonal elements are multiplied by ``1 - 2p``; ``p = 1/2`` is complete dephasing.
    Applied to one half of ``|phi+>`` it gives fidelity ``F = 1 - p``.

    Parameters
    ----------
    p : float
        Probability of a Z error, in [0, 1].

    Returns
    -------
    Channel
        Single-qubit channel with Kraus operators ``sqrt(1-p) I`` and ``sqrt(p) Z``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(qc.fidelity(phase_flip(0.1).apply(qc.bell_state(), [1]), qc.bell_ket()), 12)
    0.9
    """
    p = check_probability(p, "p", "phase_flip")
    return Channel._trusted(np.array([math.sqrt(1 - p) * I2, math.sqrt(p) * Z]), f"phase_flip(p={_fmt(p)})")


def dephasing(p: float) -> Channel:
    """Alias of :func:`phase_flip` (``rho -> (1-p) rho + p Z rho Z``).

    Parameters
    ----------
    p : float
        Probability of a Z error, in [0, 1].

    Returns
    -------
    Channel
        Single-qubit channel with Kraus operators ``sqrt(1-p) I`` and ``sqrt(p) Z`` (labelled
        ``dephasing``).
    """
    p = check_probability(p, "p", "dephasing")
    return Channel._trusted(np.array([math.sqrt(1 - p) * I2, math.sqrt(p) * Z]), f"dephasing(p={_fmt(p)})")


def bit_phase_flip(p: float) -> Channel:
    """Bit-phase flip: ``rho -> (1-p) rho + p Y rho Y`` ([NC] eq. 8.91).

    Parameters
    ----------
    p : float
        Probability of a Y error, in [0, 1].

    Returns
    -------
    Channel
        Single-qubit channel with Kraus operators ``sqrt(1-p) I`` and ``sqrt(p) Y``.

    Examples
    --------
    >>> bit_phase_flip(0.2).num_qubits
    1
    """
    p = check_probability(p, "p", "bit_phase_flip")
    return Channel._trusted(np.array([math.sqrt(1 - p) * I2, math.sqrt(p) * Y]), f"bit_phase_flip(p={_fmt(p)})")


def pauli_channel(px: float, py: float, pz: float) -> Channel:
    """General single-qubit Pauli channel ``(1-px-py-pz) rho + px X.X + py Y.Y + pz Z.Z``.

    Parameters
    ----------
    px, py, pz : float
        Probabilities of X, Y and Z errors, each in [0, 1] with ``px + py + pz <= 1``.

    Returns
    -------
    Channel
        Single-qubit channel with four Kraus operators ``sqrt(1-px-py-pz) I``, ``sqrt(px) X``,
        ``sqrt(py) Y``, ``sqrt(pz) Z``.

    Examples
    --------
    >>> pauli_channel(0.1, 0.0, 0.1).kraus.shape
    (4, 2, 2)
    """
    px = check_probability(px, "px", "pauli_channel")
    py = check_probability(py, "py", "pauli_channel")
    pz = check_probability(pz, "pz", "pauli_channel")
    tot = px + py + pz
    if tot > 1.0 + 1e-12:
        raise ParameterError(
            f"pauli_channel(): px + py + pz = {tot:.6g} exceeds 1 (px={px!r}, py={py!r}, pz={pz!r}); "
            "the error probabilities must sum to at most 1"
        )
    p0 = max(0.0, 1.0 - tot)
    K = np.array([math.sqrt(p0) * I2, math.sqrt(px) * X, math.sqrt(py) * Y, math.sqrt(pz) * Z])
    return Channel._trusted(K, f"pauli_channel(px={_fmt(px)}, py={_fmt(py)}, pz={_fmt(pz)})")


def _pauli_mixture(weights_nontrivial: float, p_identity: float, m: int) -> np.ndarray:
    P = pauli_basis(m)
    coeffs = np.full(P.shape[0], math.sqrt(weights_nontrivial))
    coeffs[0] = math.sqrt(p_identity)
    return coeffs[:, None, None] * P


def depolarizing(p: float, num_qubits: int = 1) -> Channel:
    """Depolarizing channel, "full replacement" form: ``rho -> (1-p) rho + p I/2**m``.

    ``p`` is the probability that the state is replaced by the maximally mixed state
    ([NC] eq. 8.100 for one qubit; NetSquid's ``depolarize`` uses the same convention).
    Kraus operators: ``sqrt(1 - p + p/4**m) I`` and ``sqrt(p/4**m) P`` for the
    ``4**m - 1`` non-identity Pauli strings P ([NC] eq. 8.102). In the Pauli-error form of
    :func:`depolarizing_pauli` this is a total error probability ``p (1 - 1/4**m)``. On one
    half of ``|phi+>``: fidelity ``1 - 3p/4``.

    Parameters
    ----------
    p : float
        Replacement probability in [0, 1].
    num_qubits : {1, 2}
        Number of qubits m the channel acts on jointly.

    Returns
    -------
    Channel
        Channel on m qubits with ``4**m`` Kraus operators (weighted Pauli strings).

    Examples
    --------
    >>> depolarizing(0.1, num_qubits=2).kraus.shape
    (16, 4, 4)
    """
    p = check_probability(p, "p", "depolarizing")
    m = _num_qubits(num_qubits, "depolarizing")
    d2 = 4**m
    K = _pauli_mixture(p / d2, 1.0 - p + p / d2, m)
    return Channel._trusted(K, f"depolarizing(p={_fmt(p)}, num_qubits={m})")


def depolarizing_pauli(p_error: float, num_qubits: int = 1) -> Channel:
    """Depolarizing channel, "Pauli error" form: each non-identity Pauli with ``p_error / (4**m - 1)``.

    For one qubit: ``rho -> (1-p) rho + p/3 (X rho X + Y rho Y + Z rho Z)``; equal to
    ``depolarizing(4 p / 3)`` for ``p <= 3/4`` (``p > 3/4`` over-rotates past the maximally
    mixed point and is still CPTP).

    Parameters
    ----------
    p_error : float
        Total probability of a (non-identity) Pauli error, in [0, 1].
    num_qubits : {1, 2}

    Returns
    -------
    Channel
        Channel on m qubits with ``4**m`` Kraus operators (weighted Pauli strings).

    Examples
    --------
    >>> depolarizing_pauli(0.075) == depolarizing(0.1)
    True
    """
    p = check_probability(p_error, "p_error", "depolarizing_pauli")
    m = _num_qubits(num_qubits, "depolarizing_pauli")
    K = _pauli_mixture(p / (4**m - 1), 1.0 - p, m)
    return Channel._trusted(K, f"depolarizing_pauli(p_error={_fmt(p)}, num_qubits={m})")


# ---------------------------------------------------------------------- damping
def amplitude_damping(gamma: float) -> Channel:
    """Amplitude damping (energy relaxation |1> -> |0>) with decay probability ``gamma``.

    Kraus operators ``[[1, 0], [0, sqrt(1-gamma)]]`` and ``[[0, sqrt(gamma)], [0, 0]]``
    ([NC] eq. 8.108): the excited population is multiplied by ``1 - gamma`` and coherences
    by ``sqrt(1 - gamma)``. For a photonic single-rail qubit, ``gamma = 1 - eta`` is the loss.

    Parameters
    ----------
    gamma : float
        Decay probability in [0, 1].

    Returns
    -------
    Channel
        Single-qubit channel with the two Kraus operators above.

    Examples
    --------
    >>> import qnet_core as qc
    >>> round(float(amplitude_damping(0.25).apply(qc.basis_state("1"))[1, 1].real), 12)
    0.75
    """
    g = check_probability(gamma, "gamma", "amplitude_damping")
    K = np.array([[[1, 0], [0, math.sqrt(1 - g)]], [[0, math.sqrt(g)], [0, 0]]], dtype=np.complex128)
    return Channel._trusted(K, f"amplitude_damping(gamma={_fmt(g)})")


def generalized_amplitude_damping(gamma: float, p_excited: float) -> Channel:
    """Generalized amplitude damping: relaxation towards a thermal state at finite temperature.

    The fixed point is ``diag(1 - p_excited, p_excited)``; populations relax towards it by
    the factor ``1 - gamma`` and coherences decay by ``sqrt(1 - gamma)``. Kraus operators
    ([NC] eqs. 8.117-8.120 with ``p = 1 - p_excited``)::

        sqrt(1-pe) [[1, 0], [0, sqrt(1-g)]],   sqrt(1-pe) [[0, sqrt(g)], [0, 0]],
        sqrt(pe)   [[sqrt(1-g), 0], [0, 1]],   sqrt(pe)   [[0, 0], [sqrt(g), 0]].

    Parameters
    ----------
    gamma : float
        Relaxation probability in [0, 1].
    p_excited : float
        Excited-state population of the bath's thermal state, in [0, 1]
        (use :func:`thermal_excited_population` for a transition frequency and temperature;
        ``p_excited = 0`` is ordinary amplitude damping).

    Returns
    -------
    Channel
        Single-qubit channel with the four Kraus operators above.

    Examples
    --------
    >>> generalized_amplitude_damping(0.1, 0.0) == amplitude_damping(0.1)
    True
    """
    g = check_probability(gamma, "gamma", "generalized_amplitude_damping")
    pe = check_probability(p_excited, "p_excited", "generalized_amplitude_damping")
    a, b = math.sqrt(1 - pe), math.sqrt(pe)
    s, c = math.sqrt(g), math.sqrt(1 - g)
    K = np.array(
        [
            [[a, 0], [0, a * c]],
            [[0, a * s], [0, 0]],
            [[b * c, 0], [0, b]],
            [[0, 0], [b * s, 0]],
        ],
        dtype=np.complex128,
    )
    return Channel._trusted(K, f"generalized_amplitude_damping(gamma={_fmt(g)}, p_excited={_fmt(pe)})")


def thermal_excited_population(frequency_hz: float, temperature_k: float) -> float:
    """Excited population ``1 / (1 + exp(h f / k_B T))`` of a two-level system in equilibrium.

    Parameters
    ----------
    frequency_hz : float
        Transition frequency f in Hz (> 0).
    temperature_k : float
        Bath temperature T in kelvin (>= 0; 0 gives 0).

    Returns
    -------
    float
        Excited-state population in [0, 1/2) (0 for T = 0 or when ``h f / k_B T`` > 700).

    Examples
    --------
    >>> f"{thermal_excited_population(5e9, 0.02):.3g}"   # 5 GHz qubit at 20 mK
    '6.16e-06'
    """
    f = check_positive(frequency_hz, "frequency_hz", "thermal_excited_population")
    T = check_nonnegative(temperature_k, "temperature_k", "thermal_excited_population")
    if T == 0.0:
        return 0.0
    x = (_PLANCK_J_S / _BOLTZMANN_J_PER_K) * f / T  # no k_B T product: it underflows for a denormal T
    return float(1.0 / (1.0 + math.exp(x))) if x < 700 else 0.0


# ---------------------------------------------------------------------- unitary errors
def unitary_error(U: ArrayLike) -> Channel:
    """Coherent error ``rho -> U rho U^dag`` for a unitary ``U`` of shape ``(2**m, 2**m)``.

    Raises :class:`qnet_core.errors.ChannelError` if ``U`` is not unitary.

    Parameters
    ----------
    U : array_like, shape (2**m, 2**m)
        Unitary matrix (checked unitary).

    Returns
    -------
    Channel
        Channel on m qubits with the single Kraus operator ``U``.

    Examples
    --------
    >>> from qnet_core.gates import X
    >>> unitary_error(X) == bit_flip(1.0)
    True
    """
    arr, _ = check_unitary(U, owner="unitary_error")
    return Channel._trusted(arr[None], "unitary_error")


_AXES = {"x": (rx, X), "y": (ry, Y), "z": (rz, Z)}


def _axis(axis, owner: str):
    if isinstance(axis, str) and axis.lower() in _AXES:
        return _AXES[axis.lower()]
    raise ParameterError(f"{owner}(): axis={axis!r} is not allowed; it must be 'x', 'y' or 'z'")


def rotation_error(angle_rad: float, axis: str = "z", sigma_rad: float = 0.0) -> Channel:
    """Over-rotation error ``exp(-i theta sigma_axis / 2)``, optionally with Gaussian jitter.

    With ``sigma_rad = 0`` this is the coherent rotation by ``angle_rad``. With
    ``sigma_rad > 0`` the angle is ``angle_rad + delta``, ``delta ~ N(0, sigma_rad**2)``,
    averaged over delta: the rotation by ``angle_rad`` followed by a Pauli error about the
    same axis with probability ``(1 - exp(-sigma_rad**2 / 2)) / 2``
    (``E[cos delta] = exp(-sigma**2/2)``).

    Parameters
    ----------
    angle_rad : float
        Systematic rotation angle theta (radians, finite).
    axis : {'x', 'y', 'z'}
    sigma_rad : float, default 0
        Standard deviation of the random angle (radians, >= 0).

    Returns
    -------
    Channel
        Single-qubit channel with Kraus operators ``sqrt(1-p) R`` and ``sqrt(p) P R``, R the
        rotation and P the Pauli of ``axis``.

    Examples
    --------
    >>> rotation_error(0.0, "z", sigma_rad=0.2) == phase_flip((1 - np.exp(-0.02)) / 2)
    True
    """
    theta = check_finite(angle_rad, "angle_rad", "rotation_error")
    sigma = check_nonnegative(sigma_rad, "sigma_rad", "rotation_error")
    rot, P = _axis(axis, "rotation_error")
    R = rot(theta)
    p = 0.5 * (1.0 - math.exp(-0.5 * sigma * sigma))
    K = np.array([math.sqrt(1 - p) * R, math.sqrt(p) * (P @ R)])
    return Channel._trusted(K, f"rotation_error(angle_rad={_fmt(theta)}, axis={axis!r}, sigma_rad={_fmt(sigma)})")


# ---------------------------------------------------------------------- memories
def memory_parameters(t_s: float, t1_s: float = math.inf, t2_s: float | None = None) -> tuple[float, float]:
    """The ``(gamma, p_z)`` used by :func:`memory`: AD probability and pure-dephasing probability.

    ``t2_s=None`` means no pure dephasing (T2 = 2 T1, or inf when T1 is inf).

    ``gamma = 1 - exp(-t/T1)`` and ``p_z = (1 - exp(-t/T2) / exp(-t/(2 T1))) / 2``, so the
    total coherence factor ``sqrt(1-gamma) (1 - 2 p_z)`` equals ``exp(-t/T2)``.

    Parameters
    ----------
    t_s : float
        Storage time in seconds (>= 0).
    t1_s : float, default inf
        Energy-relaxation time T1 in seconds (> 0, inf allowed).
    t2_s : float or None, default None
        Coherence time T2 in seconds (> 0, inf allowed), at most ``2 * t1_s``; None means 2 T1.

    Returns
    -------
    tuple of float
        ``(gamma, p_z)``: amplitude-damping probability and pure-dephasing probability,
        ``gamma`` in [0, 1] and ``p_z`` in [0, 1/2].

    Examples
    --------
    >>> memory_parameters(1.0, t1_s=math.inf, t2_s=2.0)[0]
    0.0
    """
    owner = "memory"
    t = check_nonnegative(t_s, "t_s", owner)
    t1 = check_positive(t1_s, "t1_s", owner, allow_inf=True)
    t2 = 2.0 * t1 if t2_s is None else check_positive(t2_s, "t2_s", owner, allow_inf=True)
    if t2 > 2.0 * t1:
        raise ParameterError(
            f"memory(): t2_s={t2_s!r} exceeds 2*t1_s={2.0 * t1!r}; T2 must be <= 2*T1 "
            "(leave t2_s out, or pass t2_s=2*t1_s, for a memory limited by relaxation only)"
        )
    gamma = -math.expm1(-t / t1)  # 0 when t1 = inf
    # pure-dephasing rate 1/T_phi = 1/T2 - 1/(2 T1) >= 0
    rate_phi = max(0.0, 1.0 / t2 - 0.5 / t1)
    p_z = -0.5 * math.expm1(-t * rate_phi)
    return float(gamma), float(p_z)


def memory(t_s: float, t1_s: float = math.inf, t2_s: float | None = None) -> Channel:
    """Decoherence of a stored qubit over a storage time ``t_s`` with relaxation T1 and coherence T2.

    Construction (exact; the repeater kernels reproduce it):

    1. amplitude damping with ``gamma = 1 - exp(-t/T1)`` (populations relax to |0> as
       ``exp(-t/T1)``; coherences shrink by ``sqrt(1 - gamma) = exp(-t/(2 T1))``);
    2. then pure dephasing ``(1 - p_z) rho + p_z Z rho Z`` with
       ``1 - 2 p_z = exp(-t/T2) / exp(-t/(2 T1)) = exp(-t/T_phi)``,
       ``1/T_phi = 1/T2 - 1/(2 T1)``,

    so the off-diagonal element is multiplied by exactly ``exp(-t/T2)`` and the excited
    population by ``exp(-t/T1)``. The two steps commute; with ``t1_s = inf`` this is pure
    dephasing, with ``t2_s = 2 t1_s`` pure amplitude damping. Kraus operators (3):
    ``sqrt(1-p_z) A0``, ``sqrt(p_z) Z A0``, ``A1`` with ``A0 = diag(1, sqrt(1-gamma))``,
    ``A1 = [[0, sqrt(gamma)], [0, 0]]``. It is a semigroup:
    ``memory(t1).then(memory(t2)) == memory(t1 + t2)``.

    Parameters
    ----------
    t_s : float
        Storage time in seconds (>= 0).
    t1_s : float, default inf
        Energy-relaxation time T1 in seconds (> 0, inf allowed).
    t2_s : float or None, default None
        Coherence time T2 in seconds (> 0, inf allowed), at most ``2 * t1_s``. None means no
        pure dephasing: T2 = 2 T1 (inf when T1 is inf).

    Raises
    ------
    ParameterError
        Negative or NaN times, or ``t2_s > 2 * t1_s``.

    Returns
    -------
    Channel
        Single-qubit channel with the three Kraus operators above.

    Examples
    --------
    >>> plus = 0.5 * np.ones((2, 2))
    >>> round(float(memory(1.0, t1_s=10.0, t2_s=2.0).apply(plus)[0, 1].real / 0.5), 6)   # exp(-t/T2)
    0.606531
    """
    gamma, p_z = memory_parameters(t_s, t1_s, t2_s)
    # sqrt(1 - gamma) = exp(-t / (2 T1)), computed directly: 1 - gamma rounds to 0 once exp(-t/T1) < 1e-16,
    # which would erase coherences of order exp(-t/T2) that are still far above rounding
    c = math.exp(-0.5 * float(t_s) / float(t1_s)) if gamma > 0.0 else 1.0
    A0 = np.array([[1.0, 0.0], [0.0, c]], dtype=np.complex128)
    A1 = np.array([[0.0, math.sqrt(gamma)], [0.0, 0.0]], dtype=np.complex128)
    K = np.array([math.sqrt(1.0 - p_z) * A0, math.sqrt(p_z) * (Z @ A0), A1])
    t2_label = "2*t1_s" if t2_s is None else _fmt(float(t2_s))
    return Channel._trusted(K, f"memory(t_s={_fmt(float(t_s))}, t1_s={_fmt(float(t1_s))}, t2_s={t2_label})")


def depolarizing_memory(t_s: float, t_dep_s: float, num_qubits: int = 1) -> Channel:
    """Time-based depolarizing memory: ``depolarizing(p)`` with ``p = 1 - exp(-t/T_dep)``.

    The model of NetSquid's ``DepolarNoiseModel`` with ``time_independent=False``
    (depolarizing rate ``1/T_dep``): the state is replaced by ``I/2**m`` with probability
    ``1 - exp(-t/T_dep)``. A semigroup in t; ``t_dep_s = inf`` is the identity.

    Parameters
    ----------
    t_s : float
        Storage time in seconds (>= 0).
    t_dep_s : float
        Depolarizing time constant in seconds (> 0, inf allowed).
    num_qubits : {1, 2}

    Returns
    -------
    Channel
        ``depolarizing(1 - exp(-t_s/t_dep_s), num_qubits)``, with ``4**m`` Kraus operators.

    Examples
    --------
    >>> depolarizing_memory(1.0, 1.0) == depolarizing(1 - np.exp(-1.0))
    True
    """
    t = check_nonnegative(t_s, "t_s", "depolarizing_memory")
    T = check_positive(t_dep_s, "t_dep_s", "depolarizing_memory", allow_inf=True)
    m = _num_qubits(num_qubits, "depolarizing_memory")
    p = -math.expm1(-t / T)
    d2 = 4**m
    K = _pauli_mixture(p / d2, 1.0 - p + p / d2, m)
    return Channel._trusted(K, f"depolarizing_memory(t_s={_fmt(t)}, t_dep_s={_fmt(T)}, num_qubits={m})")
