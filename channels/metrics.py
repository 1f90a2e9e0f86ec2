"""Figures of merit for channels: process and average gate fidelity, unitarity, diamond norm.

Every function takes :class:`~channels.channel.Channel` objects or Kraus operators
``(k, 2**m, 2**m)`` (a single unitary ``(2**m, 2**m)`` is a one-operator Kraus set), which are
checked to be trace preserving. Conventions (``d = 2**m``):

* Choi matrix ``J(E) = sum_ij E(|i><j|) (x) |i><j|`` (output factor first, trace ``d``), as
  :meth:`Channel.choi`; the *Choi state* is ``J / d``.
* Fidelities are squared (Jozsa) fidelities, as :func:`qnet_core.fidelity`: the process
  (entanglement) fidelity is the state fidelity of the two Choi states, and for a unitary
  target ``U`` it is ``sum_k |tr(U^dag K_k)|**2 / d**2``. This is QuTiP 5's
  ``process_fidelity`` (A. Gilchrist, N. K. Langford and M. A. Nielsen, PRA 71, 062310
  (2005)); QuTiP 4 returned a different quantity.
* The Pauli transfer matrix is :meth:`Channel.ptm` (normalized Paulis, ``R[0, 0] = 1``).
* The diamond norm is *not* halved: ``||E - F||_diamond`` lies in ``[0, 2]`` for channels,
  and the optimal probability of telling E from F with one use is ``1/2 + ||E - F||/4``.

References
----------
[Wat09] J. Watrous, "Semidefinite programs for completely bounded norms", Theory of
        Computing 5, 217 (2009).
[Wat12] J. Watrous, "Simpler semidefinite programs for completely bounded norms", Chicago
        J. Theor. Comput. Sci. 2013, 8 (arXiv:1207.5726).
[TQI]   J. Watrous, *The Theory of Quantum Information*, Cambridge University Press 2018.
[AKN98] D. Aharonov, A. Kitaev and N. Nisan, "Quantum circuits with mixed states",
        STOC 1998 (arXiv:quant-ph/9806029).
[JKP09] N. Johnston, D. W. Kribs and V. I. Paulsen, "Computing stabilized norms for quantum
        operations via the theory of completely bounded maps", Quantum Inf. Comput. 9, 16
        (2009) (arXiv:0711.3636): differences of unitary channels.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from qnet_core._jit import jit
from qnet_core.errors import ChannelError, DimensionError, ParameterError
from qnet_core.metrics import fidelity as _state_fidelity
from qnet_core.validation import as_kraus, check_positive

from .channel import Channel, _dim_of_rep, pauli_basis

__all__ = [
    "process_fidelity",
    "average_gate_fidelity",
    "unitarity",
    "diamond_norm",
    "diamond_norm_bounds",
    "DiamondNormBounds",
]

#: Largest number of qubits the general diamond-norm SDP accepts (its Newton systems have
#: ``16**m + 1`` unknowns: 257 for two qubits, 4097 for three).
SDP_MAX_QUBITS = 2

_RANK_TOL = 1e-12   # relative eigenvalue below which a Choi matrix is rank deficient
_PAULI_TOL = 1e-12  # off-diagonal PTM entries below this make a channel a Pauli channel
_HERM_TOL = 1e-9    # Hermiticity tolerance of a Choi matrix passed with rep="choi"
_T_GROWTH = 10.0    # barrier parameter growth per round of the diamond-norm SDP
_CENTERED = 1e-3    # Newton decrement (squared) at which a round counts as centered
_START_OFFSET = 0.03  # c in the SDP's starting point Y = |J| + c I (J scaled to norm 1)


# ---------------------------------------------------------------------- input handling
def _as_channel(x, name: str, owner: str) -> Channel:
    if isinstance(x, Channel):
        return x
    if x is None:
        raise ChannelError(f"{owner}(): {name} is None; pass a Channel or Kraus operators (k, 2**m, 2**m)")
    K, _ = as_kraus(x, name=name, owner=owner)
    return Channel._trusted(K)


def _same_size(a: Channel, b: Channel, owner: str, name_b: str = "target") -> None:
    if a.num_qubits != b.num_qubits:
        raise DimensionError(
            f"{owner}(): channel acts on {a.num_qubits} qubit(s) but {name_b} acts on {b.num_qubits}; "
            "both must act on the same number of qubits"
        )


def _unitary_of(ch: Channel) -> np.ndarray | None:
    """The unitary U (up to a global phase) of a unitary channel, or None (Choi rank > 1)."""
    if ch.num_kraus == 1:
        return np.asarray(ch.kraus[0])
    d = ch.dim
    w, V = np.linalg.eigh(ch.choi())
    if w[-2] > _RANK_TOL * d:
        return None
    return np.sqrt(max(w[-1], 0.0)) * V[:, -1].reshape(d, d)


def _unitary_target(target, channel: Channel, owner: str) -> np.ndarray | None:
    """None for the identity target; the target's unitary; ChannelError if it is not unitary."""
    if target is None:
        return None
    t = _as_channel(target, "target", owner)
    _same_size(channel, t, owner)
    U = _unitary_of(t)
    if U is None:
        raise ChannelError(
            f"{owner}(): target is not a unitary channel (its Choi matrix has rank > 1); "
            "the average gate fidelity formula needs a unitary target; use process_fidelity for "
            "two general channels"
        )
    return U


# ---------------------------------------------------------------------- fidelities
def _process_fidelity_unitary(ch: Channel, U: np.ndarray | None) -> float:
    """``sum_k |tr(U^dag K_k)|**2 / d**2`` (U = None is the identity)."""
    d = ch.dim
    if U is None:
        tr = np.trace(ch.kraus, axis1=-2, axis2=-1)
    else:
        tr = np.einsum("ij,kij->k", np.conj(U), ch.kraus)  # tr(U^dag K) = sum_ij conj(U_ij) K_ij
    return float(np.clip(np.sum(np.abs(tr) ** 2) / d**2, 0.0, 1.0))


def process_fidelity(channel: Channel | ArrayLike, target: Channel | ArrayLike | None = None) -> float:
    """Process (entanglement) fidelity of a channel to a target channel, in [0, 1].

    Parameters
    ----------
    channel : Channel or array_like, shape (k, 2**m, 2**m)
        The (noisy) channel, as a :class:`Channel` or its Kraus operators.
    target : Channel or array_like, optional
        The ideal operation: a :class:`Channel`, Kraus operators, or a unitary matrix
        ``(2**m, 2**m)``. Default: the identity channel.

    Returns
    -------
    float
        ``F(J(channel)/d, J(target)/d)``, the squared Uhlmann fidelity of the two Choi
        states; ``sum_k |tr(U^dag K_k)|**2 / d**2`` for a unitary target U.

    Raises
    ------
    ChannelError
        A Kraus set is not trace preserving.
    DimensionError
        Malformed Kraus operators, or the two channels act on different numbers of qubits.

    Notes
    -----
    The Choi-state fidelity of A. Gilchrist, N. K. Langford and M. A. Nielsen, PRA 71,
    062310 (2005), Sec. IV, with the squared (Jozsa) state fidelity of
    :func:`qnet_core.fidelity`; the same quantity as QuTiP 5's ``process_fidelity``. For a
    unitary target it equals Schumacher's entanglement fidelity of ``U^dag o channel``
    (B. Schumacher, PRA 54, 2614 (1996)). Symmetric in its arguments.

    Examples
    --------
    >>> from channels import depolarizing, phase_flip
    >>> round(process_fidelity(depolarizing(0.2)), 12)     # 1 - 3p/4
    0.85
    >>> round(process_fidelity(phase_flip(0.1), [[1, 0], [0, -1]]), 12)   # target Z
    0.1
    """
    ch = _as_channel(channel, "channel", "process_fidelity")
    if target is None:
        return _process_fidelity_unitary(ch, None)
    tg = _as_channel(target, "target", "process_fidelity")
    _same_size(ch, tg, "process_fidelity")
    return _process_fidelity(ch, tg)


def _process_fidelity(ch: Channel, tg: Channel) -> float:
    U = _unitary_of(tg)
    if U is not None:
        return _process_fidelity_unitary(ch, U)
    V = _unitary_of(ch)
    if V is not None:
        return _process_fidelity_unitary(tg, V)
    d = ch.dim
    return float(_state_fidelity(ch.choi() / d, tg.choi() / d, validate=False))


def average_gate_fidelity(channel: Channel | ArrayLike, target: Channel | ArrayLike | None = None) -> float:
    """Average gate fidelity ``integral dpsi <psi|U^dag E(psi) U|psi>`` to a unitary target.

    Parameters
    ----------
    channel : Channel or array_like, shape (k, 2**m, 2**m)
        The (noisy) channel E, as a :class:`Channel` or its Kraus operators.
    target : Channel or array_like, optional
        The ideal unitary U: a unitary matrix ``(2**m, 2**m)`` or a unitary
        :class:`Channel`. Default: the identity.

    Returns
    -------
    float
        ``(d F_pro + 1) / (d + 1)`` in ``[1/(d+1), 1]``, with ``F_pro`` the
        :func:`process_fidelity` and ``d = 2**m``.

    Raises
    ------
    ChannelError
        A Kraus set is not trace preserving, or ``target`` is not unitary.
    DimensionError
        Malformed operators, or channel and target act on different numbers of qubits.

    Notes
    -----
    M. A. Nielsen, Phys. Lett. A 303, 249 (2002), eq. (3); M. Horodecki, P. Horodecki and
    R. Horodecki, PRA 60, 1888 (1999). The integral is over the Haar measure on pure states.

    Examples
    --------
    >>> from channels import depolarizing, rotation_error
    >>> round(average_gate_fidelity(depolarizing(0.3)), 12)     # 1 - p/2
    0.85
    >>> import numpy as np
    >>> round(average_gate_fidelity(rotation_error(np.pi / 2, "x")), 12)   # (2 + cos)/3 at pi/2
    0.666666666667
    """
    ch = _as_channel(channel, "channel", "average_gate_fidelity")
    U = _unitary_target(target, ch, "average_gate_fidelity")
    d = ch.dim
    return (d * _process_fidelity_unitary(ch, U) + 1.0) / (d + 1.0)


def unitarity(channel: Channel | ArrayLike) -> float:
    """Unitarity ``u = tr(R_u^T R_u) / (d**2 - 1)`` of a channel, in [0, 1].

    Parameters
    ----------
    channel : Channel or array_like, shape (k, 2**m, 2**m)
        A :class:`Channel` or its Kraus operators.

    Returns
    -------
    float
        1 exactly for unitary channels; ``(1 - p)**2`` for the depolarizing channel
        ``rho -> (1-p) rho + p I/d``.

    Raises
    ------
    ChannelError, DimensionError
        Invalid Kraus operators.

    Notes
    -----
    J. J. Wallman, C. Granade, R. Harper and S. T. Flammia, New J. Phys. 17, 113020 (2015),
    eq. (2) and Proposition 1: ``R_u`` is the unital block (rows and columns 1..d**2-1) of
    the Pauli transfer matrix in the normalized Pauli basis, :meth:`Channel.ptm`. It
    equals ``d/(d-1)`` times the Haar average of the purity of ``E(psi) - E(I/d)``, is
    insensitive to unitaries before or after E, and sets the decay of purity benchmarking.
    QuTiP's ``unitarity`` is the same quantity.

    Examples
    --------
    >>> from channels import amplitude_damping, depolarizing
    >>> round(unitarity(depolarizing(0.1)), 12)
    0.81
    >>> round(unitarity(amplitude_damping(0.5)), 12)   # (2 (1-g) + (1-g)**2) / 3
    0.416666666667
    """
    ch = _as_channel(channel, "channel", "unitarity")
    Ru = ch.ptm()[1:, 1:]
    return float(np.clip(np.sum(Ru * Ru) / (ch.dim**2 - 1), 0.0, 1.0))


# ---------------------------------------------------------------------- diamond norm
@dataclass(frozen=True, slots=True)
class DiamondNormBounds:
    """Certified bounds ``lower <= ||Phi||_diamond <= upper`` and how they were obtained.

    ``method`` is ``"zero"`` (identical maps), ``"cptp"`` (a single channel: exactly 1),
    ``"completely positive"`` (``||Tr_out J||_inf``), ``"unitary"`` (two unitary channels),
    ``"pauli"`` (two Pauli channels) or ``"sdp"`` (Watrous's SDP; ``lower`` is attained by
    an explicit input state, ``upper`` by an explicit dual-feasible point). Closed forms
    have ``lower == upper``.
    """

    lower: float
    upper: float
    method: str

    @property
    def value(self) -> float:
        """Midpoint of the bounds (off the true norm by at most ``gap / 2``)."""
        return 0.5 * (self.lower + self.upper)

    @property
    def gap(self) -> float:
        """``upper - lower``."""
        return self.upper - self.lower


def _choi_operand(x, name: str, rep: str, owner: str) -> tuple[np.ndarray, Channel | None]:
    """(Choi matrix, Channel or None) of one operand of diamond_norm."""
    if isinstance(x, Channel) or rep == "kraus":
        ch = _as_channel(x, name, owner)
        return ch.choi(), ch
    if x is None:
        raise ChannelError(f"{owner}(): {name} is None; pass a Channel or a Choi matrix (4**m, 4**m)")
    J, d = _dim_of_rep(x, name, owner)
    herm = float(np.max(np.abs(J - J.conj().T)))
    if herm > _HERM_TOL * max(1.0, float(np.max(np.abs(J)))):
        raise ChannelError(
            f"{owner}(): {name} is not Hermitian (max |J - J^dag| = {herm:.3g}); the Choi matrix of a "
            "Hermiticity-preserving map is Hermitian, and only such maps are supported"
        )
    return 0.5 * (J + J.conj().T), None


def _unitary_closed_form(U: np.ndarray, V: np.ndarray) -> float:
    """``||U.U^dag - V.V^dag||_diamond = 2 sin(min(L, pi) / 2)``, L the arc spanned by eig(U^dag V)."""
    phases = np.sort(np.angle(np.linalg.eigvals(U.conj().T @ V)))
    gaps = np.diff(np.concatenate([phases, phases[:1] + 2.0 * np.pi]))
    arc = 2.0 * np.pi - float(np.max(gaps))  # shortest arc holding every eigenvalue
    return 2.0 * float(np.sin(min(arc, np.pi) / 2.0))


def _pauli_probabilities(ch: Channel) -> np.ndarray | None:
    """Pauli error probabilities ``p_a`` if ``ch`` is a Pauli channel (diagonal PTM), else None."""
    R = ch.ptm()
    if np.max(np.abs(R - np.diag(np.diag(R)))) > _PAULI_TOL:
        return None
    d = ch.dim
    P = pauli_basis(ch.num_qubits).reshape(d * d, d * d)  # rows: row-major vec(P_a)
    J = ch.choi()
    return np.real(np.einsum("ai,ij,aj->a", P.conj(), J, P)) / d**2


def diamond_norm_bounds(channel_a: Channel | ArrayLike, channel_b: Channel | ArrayLike | None = None, *,
                        rep: Literal["kraus", "choi"] = "kraus", method: Literal["auto", "sdp"] = "auto",
                        tol: float = 1e-8) -> DiamondNormBounds:
    """Certified lower and upper bounds on ``||channel_a - channel_b||_diamond``.

    Conventions are those of :func:`diamond_norm`, which returns the midpoint of these bounds.

    Parameters
    ----------
    channel_a : Channel or array_like
        A :class:`Channel`, or Kraus operators ``(k, 2**m, 2**m)`` / a Choi matrix
        ``(4**m, 4**m)`` read according to ``rep``.
    channel_b : Channel or array_like, optional
        Subtracted from ``channel_a``; same number of qubits.
    rep : {"kraus", "choi"}, default "kraus"
        How array arguments are read (Channel objects are always accepted).
    method : {"auto", "sdp"}, default "auto"
        "auto" uses a closed form where one applies and the SDP otherwise; "sdp" always
        solves the SDP (at most two qubits).
    tol : float, default 1e-8
        Target certified gap of the SDP, relative to the largest eigenvalue modulus of the
        Choi matrix of the difference (> 0).

    Returns
    -------
    DiamondNormBounds
        ``lower``, ``upper`` (equal for closed forms; ``upper - lower <= tol * scale`` for
        the SDP when it converges, with ``scale`` the largest eigenvalue modulus of the Choi
        matrix of the difference) and the ``method`` used.

    Examples
    --------
    >>> from channels import amplitude_damping, Channel
    >>> b = diamond_norm_bounds(amplitude_damping(0.3), Channel.identity(1))   # exact: 2 gamma
    >>> b.method, round(b.lower, 7), round(b.upper, 7), b.gap < 1e-7
    ('sdp', 0.6, 0.6, True)
    """
    owner = "diamond_norm_bounds"
    if rep not in ("kraus", "choi"):
        raise ParameterError(f"{owner}(): rep={rep!r} is not supported; use 'kraus' or 'choi'")
    if method not in ("auto", "sdp"):
        raise ParameterError(f"{owner}(): method={method!r} is not supported; use 'auto' or 'sdp'")
    tol = check_positive(tol, "tol", owner)
    return _diamond_bounds(channel_a, channel_b, rep, method, tol, owner)


def _diamond_bounds(channel_a, channel_b, rep, method, tol, owner) -> DiamondNormBounds:
    Ja, ca = _choi_operand(channel_a, "channel_a", rep, owner)
    if channel_b is None:
        J, cb = Ja, None
    else:
        Jb, cb = _choi_operand(channel_b, "channel_b", rep, owner)
        if Jb.shape != Ja.shape:
            ma, mb = Ja.shape[0].bit_length() // 2, Jb.shape[0].bit_length() // 2
            raise DimensionError(
                f"{owner}(): channel_a acts on {ma} qubit(s) but channel_b acts on {mb}; "
                "both must act on the same number of qubits"
            )
        J = Ja - Jb
    d = int(round(np.sqrt(J.shape[0])))
    scale = float(np.max(np.abs(np.linalg.eigvalsh(J))))
    if scale <= 1e-15:
        return DiamondNormBounds(0.0, 0.0, "zero")
    if method == "auto":
        if channel_b is None and ca is not None:
            return DiamondNormBounds(1.0, 1.0, "cptp")  # [TQI] Prop. 3.44: ||E|| = ||E^*(I)|| = 1
        if channel_b is None and np.linalg.eigvalsh(J)[0] >= -_RANK_TOL * scale:
            v = float(np.linalg.norm(np.einsum("aiaj->ij", J.reshape(d, d, d, d)), 2))
            return DiamondNormBounds(v, v, "completely positive")
        if ca is not None and cb is not None:
            U, V = _unitary_of(ca), _unitary_of(cb)
            if U is not None and V is not None:
                v = _unitary_closed_form(U, V)
                return DiamondNormBounds(v, v, "unitary")
            p, q = _pauli_probabilities(ca), _pauli_probabilities(cb)
            if p is not None and q is not None:
                v = float(np.sum(np.abs(p - q)))
                return DiamondNormBounds(v, v, "pauli")
    m = (d.bit_length() - 1)
    if m > SDP_MAX_QUBITS:
        raise DimensionError(
            f"{owner}(): the diamond-norm SDP is implemented for maps on at most {SDP_MAX_QUBITS} qubits; "
            f"got {m}. Closed forms (method='auto') cover two unitary channels and two Pauli channels "
            "on any number of qubits"
        )
    lo, hi, converged = _diamond_sdp(J / scale, d, tol)
    if not converged:
        warnings.warn(
            f"{owner}(): the SDP stopped with bounds [{lo * scale:.10g}, {hi * scale:.10g}] "
            f"(gap {(hi - lo) * scale:.3g} > tol * scale = {tol * scale:.3g})",
            RuntimeWarning,
            stacklevel=3,
        )
    return DiamondNormBounds(lo * scale, hi * scale, "sdp")


def diamond_norm(channel_a: Channel | ArrayLike, channel_b: Channel | ArrayLike | None = None, *,
                 rep: Literal["kraus", "choi"] = "kraus", method: Literal["auto", "sdp"] = "auto",
                 tol: float = 1e-8) -> float:
    """Diamond norm ``||channel_a - channel_b||_diamond`` (of ``channel_a`` alone if no b).

    Parameters
    ----------
    channel_a : Channel or array_like
        A :class:`Channel`; or, read according to ``rep``, Kraus operators
        ``(k, 2**m, 2**m)`` or the Choi matrix ``(4**m, 4**m)`` of a Hermiticity-preserving
        map (output factor first, as :meth:`Channel.choi`; need not be CPTP).
    channel_b : Channel or array_like, optional
        Subtracted from ``channel_a``; same number of qubits.
    rep : {"kraus", "choi"}, default "kraus"
        How array arguments are read (Channel objects are always accepted).
    method : {"auto", "sdp"}, default "auto"
        "auto" uses a closed form where one applies and the SDP otherwise; "sdp" always
        solves the SDP (at most two qubits).
    tol : float, default 1e-8
        Target certified gap ``upper - lower`` of the SDP, relative to the largest eigenvalue
        modulus of the Choi matrix of the difference.

    Returns
    -------
    float
        In ``[0, 2]`` for a difference of channels (not halved: the best one-shot
        discrimination probability is ``1/2 + value/4``).

    Raises
    ------
    ChannelError
        Invalid Kraus operators, or a Choi matrix that is not Hermitian.
    DimensionError
        Malformed input, operands of different sizes, or the SDP asked for more than two
        qubits.
    ParameterError
        Unknown ``rep`` or ``method``, or ``tol <= 0``.

    Warns
    -----
    RuntimeWarning
        The SDP did not reach ``tol`` (the returned midpoint is then off by at most half the
        gap reported in the warning; :func:`diamond_norm_bounds` gives the bounds).

    Notes
    -----
    Closed forms ("auto"):

    * one channel: 1; one completely positive map with Choi matrix J: ``||Tr_out J||_inf``
      (the norm of the adjoint map at the identity; [TQI] Prop. 3.44);
    * two unitary channels U, V: ``2 sqrt(1 - delta**2)`` with ``delta`` the distance from 0
      to the numerical range of ``U^dag V``, i.e. the convex hull of its eigenvalues
      ([AKN98], Sec. 12; [JKP09]); with L the shortest arc of the unit circle holding every
      eigenvalue this is ``2 sin(min(L, pi)/2)``, e.g. ``2 |sin(theta/2)|`` for
      ``Rz(theta)`` against the identity;
    * two Pauli channels with error probabilities p, q: ``sum_a |p_a - q_a|`` (the maximally
      entangled input attains it; the triangle inequality over the Pauli terms bounds it).

    Otherwise Watrous's SDP for a Hermiticity-preserving map with Choi matrix J ([Wat12],
    Sec. 3; [Wat09] for differences of channels), in the symmetric form that Hermitian J
    allows::

        max  <J, P0 - P1>   s.t.  P0 + P1 = I_out (x) rho,  tr rho = 1,  P0, P1, rho >= 0
        min  lambda         s.t.  Y >= J,  Y >= -J,  lambda I >= Tr_out Y

    is solved by a log-barrier (central path) method: Newton steps in real coordinates of
    the Hermitian Y with an exact line search, the barrier weight growing tenfold per round
    with a tangent predictor. Every iterate is strictly dual feasible, so
    ``upper = lambda_max(Tr_out Y)`` is a certified upper bound (weak duality); the central
    path's ``rho`` gives the input ``|psi> = sum_i |i> (x) sqrt(rho)|i>`` (system (x)
    ancilla) and ``lower = ||(Phi (x) id)(|psi><psi|)||_1``, a certified lower bound.
    Iteration stops when ``upper - lower <= tol * scale``; the value returned is their
    midpoint. Both bounds are rigorous up to floating-point rounding (about 1e-15 relative);
    rounding in the Newton systems limits the reachable gap to about 1e-9 relative. Cost:
    a few tens of Newton steps, each a dense system with ``16**m + 1`` unknowns
    (milliseconds for one qubit, about 0.1 to 1 s in all for two).

    Examples
    --------
    >>> import numpy as np
    >>> from channels import Channel, depolarizing, phase_flip, rotation_error
    >>> round(diamond_norm(depolarizing(0.2), Channel.identity(1)), 12)   # 3p/2
    0.3
    >>> round(diamond_norm(phase_flip(0.1), Channel.identity(1), method="sdp"), 7)   # 2p
    0.2
    >>> round(diamond_norm(rotation_error(np.pi / 3, "z"), Channel.identity(1)), 12)
    1.0
    """
    owner = "diamond_norm"
    if rep not in ("kraus", "choi"):
        raise ParameterError(f"{owner}(): rep={rep!r} is not supported; use 'kraus' or 'choi'")
    if method not in ("auto", "sdp"):
        raise ParameterError(f"{owner}(): method={method!r} is not supported; use 'auto' or 'sdp'")
    tol = check_positive(tol, "tol", owner)
    return _diamond_bounds(channel_a, channel_b, rep, method, tol, owner).value


# ---------------------------------------------------------------------- the SDP
@lru_cache(maxsize=8)
def _hermitian_coordinates(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Sparse form of an orthonormal basis (``Re tr(A B)``) of the n x n Hermitian matrices.

    Basis element a is ``val[0, a] e_{pos[0, a]} + val[1, a] e_{pos[1, a]}`` in row-major vec
    positions: ``e_ii``, ``(e_ij + e_ji)/sqrt 2`` and ``i (e_ij - e_ji)/sqrt 2`` for i < j. Real
    coordinates of a Hermitian X are ``Re(conj(val) . vec(X)[pos])`` summed over the two rows.
    """
    r = 1.0 / np.sqrt(2.0)
    pos, val = [], []
    for i in range(n):
        pos.append((i * n + i, i * n + i))
        val.append((1.0, 0.0))
    for i in range(n):
        for j in range(i + 1, n):
            pos.append((i * n + j, j * n + i))
            val.append((r, r))
            pos.append((i * n + j, j * n + i))
            val.append((1j * r, -1j * r))
    P = np.ascontiguousarray(np.array(pos, dtype=np.int64).T)
    V = np.ascontiguousarray(np.array(val, dtype=np.complex128).T)
    P.setflags(write=False)
    V.setflags(write=False)
    return P, V


def _herm(M: np.ndarray) -> np.ndarray:
    return 0.5 * (M + M.conj().T)


def _lower_bound(J: np.ndarray, rho: np.ndarray, d: int) -> float:
    """``||(I (x) sqrt(rho)) J (I (x) sqrt(rho))||_1``: output trace norm for the input sum_i |i> sqrt(rho)|i>."""
    w, V = np.linalg.eigh(_herm(rho))
    w = np.clip(w, 0.0, None)
    S = (V * np.sqrt(w / w.sum())) @ V.conj().T
    K = np.kron(np.eye(d), S)
    return float(np.sum(np.abs(np.linalg.eigvalsh(_herm(K @ J @ K)))))


@jit
def _cholesky_lower(H):  # pragma: no cover - compiled
    """Lower Cholesky factor of a symmetric positive definite H; ok=False if a pivot is <= 0.

    Single-threaded on purpose: the Newton systems are small (at most 257 x 257), where a
    threaded LAPACK call costs more in synchronization than it saves.
    """
    n = H.shape[0]
    L = np.zeros_like(H)
    for j in range(n):
        s = H[j, j]
        for k in range(j):
            s -= L[j, k] * L[j, k]
        if not s > 0.0:
            return L, False
        L[j, j] = np.sqrt(s)
        for i in range(j + 1, n):
            s = H[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            L[i, j] = s / L[j, j]
    return L, True


@jit
def _cholesky_solve(L, b):  # pragma: no cover - compiled
    """Solve ``L L^T x = b`` for the lower factor L."""
    n = L.shape[0]
    y = np.empty(n)
    for i in range(n):
        s = b[i]
        for k in range(i):
            s -= L[i, k] * y[k]
        y[i] = s / L[i, i]
    x = np.empty(n)
    for i in range(n - 1, -1, -1):
        s = y[i]
        for k in range(i + 1, n):
            s -= L[k, i] * x[k]
        x[i] = s / L[i, i]
    return x


def _diamond_sdp(J: np.ndarray, d: int, tol: float, max_rounds: int = 24) -> tuple[float, float, bool]:
    """Certified (lower, upper, converged) for ``||Phi||_diamond``, Phi with Hermitian Choi J (||J|| = 1).

    Barrier (central path) method on the dual SDP: minimize
    ``t lam - logdet(Y - J) - logdet(Y + J) - logdet(lam I - Tr_out Y)`` for t growing tenfold
    per round, by Newton steps in real coordinates of the Hermitian Y (``d**4 + 1`` unknowns)
    with an exact line search, and a tangent predictor between rounds. The bounds are
    evaluated after every round; the method stops when they meet to ``tol`` or when rounding
    stops the progress.
    """
    n = d * d
    P, Vc = _hermitian_coordinates(n)
    Id = np.eye(d)
    N = n * n

    def tr_out(X):
        return np.einsum("aiaj->ij", X.reshape(d, d, d, d))

    def coords(X):  # real coordinates of a Hermitian matrix given by its row-major vec
        x = X.ravel()
        return np.real(np.conj(Vc[0]) * x[P[0]] + np.conj(Vc[1]) * x[P[1]])

    def from_coords(x):
        v = np.zeros(N, dtype=np.complex128)
        np.add.at(v, P[0], Vc[0] * x)
        np.add.at(v, P[1], Vc[1] * x)
        return v.reshape(n, n)

    def quad(K):  # Re(E^dag K E) for the sparse basis E
        out = np.zeros((N, N))
        for r in range(2):
            for s in range(2):
                out += np.real(np.conj(Vc[r])[:, None] * K[np.ix_(P[r], P[s])] * Vc[s][None, :])
        return out

    def solve(factor, rhs):
        L, scl = factor
        return scl * _cholesky_solve(L, np.ascontiguousarray(scl * rhs))

    def line_search(Y, lam, dY, dlam, t):
        """Exact minimizer s > 0 of the barrier along (dY, dlam), or 0.0 if it is not a descent.

        Along the line each log-det term changes by -sum_i log(1 + s mu_i), mu_i the eigenvalues
        of M^-1/2 dM M^-1/2; so the restriction is the convex 1-D function
        t s dlam - sum log(1 + s mu_i), minimized by safeguarded Newton on its derivative.
        """
        mus = []
        for M, dM in ((Y - J, dY), (Y + J, dY), (lam * Id - tr_out(Y), dlam * Id - tr_out(dY))):
            try:
                Lc = np.linalg.cholesky(M)
            except np.linalg.LinAlgError:
                return 0.0
            W = np.linalg.solve(Lc, np.linalg.solve(Lc, _herm(dM)).conj().T)
            mus.append(np.linalg.eigvalsh(_herm(W)))
        mu = np.concatenate(mus)
        tdl = t * dlam

        def dphi(x):
            return tdl - float(np.sum(mu / (1.0 + x * mu)))

        if not dphi(0.0) < 0.0:
            return 0.0
        neg = mu[mu < 0.0]
        hi = float(np.min(-1.0 / neg)) if neg.size else np.inf
        lo, x = 0.0, 1.0
        if np.isfinite(hi):
            x = min(x, 0.5 * hi)
        else:  # unbounded domain: bracket the root by doubling
            while dphi(x) < 0.0 and x < 1e30:
                lo, x = x, 2.0 * x
            hi = x
        for _ in range(100):
            dp = dphi(x)
            if dp < 0.0:
                lo = x
            else:
                hi = x
            d2 = float(np.sum((mu / (1.0 + x * mu)) ** 2))
            xn = x - dp / d2 if d2 > 0 else 0.5 * (lo + hi)
            if not lo < xn < hi:
                xn = 0.5 * (lo + hi)
            if abs(xn - x) <= 1e-12 * max(1.0, x):
                x = xn
                break
            x = xn
        return x

    def feasible(Y, lam):
        try:
            for M in (Y - J, Y + J, lam * Id - tr_out(Y)):
                np.linalg.cholesky(M)
        except np.linalg.LinAlgError:
            return False
        return True

    def derivatives(Y, lam):
        """Gradient of the barrier part (the t-term adds t e_lam) and Hessian, real coordinates."""
        Ai = _herm(np.linalg.inv(Y - J))
        Bi = _herm(np.linalg.inv(Y + J))
        Ci = _herm(np.linalg.inv(lam * Id - tr_out(Y)))
        G = -Ai - Bi + np.kron(Id, Ci)  # gradient in Y: d(barrier) = Re tr(G dY)
        g = np.append(coords(G), -float(np.real(np.trace(Ci))))
        # T^T (Ci (x) Ci^T) T, the Tr_out term, without BLAS: entry ((a,i),(b,j)), ((c,k),(e,l)) is
        # delta_ab delta_ce Ci[i, k] Ci[l, j].
        Kc = np.einsum("ab,ce,ik,lj->aibjckel", Id, Id, Ci, Ci).reshape(n * n, n * n)
        K = np.kron(Ai, Ai.T) + np.kron(Bi, Bi.T) + Kc
        Ci2 = Ci @ Ci
        H = np.empty((N + 1, N + 1))
        H[:N, :N] = quad(K)
        H[:N, N] = H[N, :N] = coords(-np.kron(Id, Ci2))
        H[N, N] = float(np.real(np.trace(Ci2)))
        return g, H

    def factorize(H):
        """(Cholesky factor, scaling) of the Jacobi-scaled H, or None if rounding broke definiteness."""
        scl = 1.0 / np.sqrt(np.abs(np.diag(H)) + 1e-300)
        L, ok = _cholesky_lower(np.ascontiguousarray(H * scl[:, None] * scl[None, :]))
        return (L, scl) if ok else None

    # Strictly feasible start near the dual point of the maximally entangled input, Y = |J|:
    # Y = |J| + c I (so Y -+ J >= c I), lam = lambda_max(Tr_out Y) + c, and the t that makes this
    # point as central as possible (least Newton decrement).
    w, V = np.linalg.eigh(J)
    Y = (V * np.abs(w)) @ V.conj().T + _START_OFFSET * np.eye(n)
    lam = float(np.linalg.eigvalsh(tr_out(Y))[-1]) + _START_OFFSET
    e_lam = np.zeros(N + 1)
    e_lam[N] = 1.0
    nu = float(2 * n + d)  # barrier parameter: the duality gap on the central path is nu / t
    g0, H0 = derivatives(Y, lam)
    f0 = factorize(H0)
    t = nu
    if f0 is not None:
        He = solve(f0, e_lam)
        t = max(1.0, -float(He @ g0) / float(He @ e_lam))
    best_lo, best_hi = 0.0, np.inf
    prev_gap = np.inf
    for _ in range(max_rounds):
        stalled, factor, prev_dec2 = True, None, np.inf
        for newton in range(50):
            g, H = derivatives(Y, lam)
            g = g + t * e_lam
            # Jacobi scaling keeps the Cholesky factorization stable as the Hessian's entries
            # grow like t**2; fall back to LU if rounding still breaks positive definiteness.
            factor = factorize(H)
            if factor is not None:
                dx = -solve(factor, g)
            else:
                try:
                    dx = -np.linalg.solve(H, g)
                except np.linalg.LinAlgError:
                    break
            dec2 = float(-g @ dx)  # Newton decrement squared
            if not np.isfinite(dec2):
                factor = None
                break
            # Loose centering while far from the optimum, tight near it (the bounds are read
            # off the centered point); stop also at the rounding floor of the decrement.
            centered = _CENTERED if prev_gap > 1e-4 else 1e-9
            if dec2 < centered or (newton >= 3 and dec2 < 1e-6 and dec2 > 0.25 * prev_dec2):
                stalled = False
                break
            prev_dec2 = dec2
            # Exact line search; halve if rounding makes the step infeasible.
            dY, dlam = from_coords(dx[:N]), float(dx[N])
            step = line_search(Y, lam, dY, dlam, t) if dec2 > 1e-4 else 1.0
            while step > 1e-12 and not feasible(Y + step * dY, lam + step * dlam):
                step *= 0.5
            if step <= 1e-12:
                factor = None
                break
            Y, lam = _herm(Y + step * dY), lam + step * dlam
        # Certified bounds at this point: weak duality (Y is strictly dual feasible) and the
        # explicit input state built from the central path's rho.
        upper = float(np.linalg.eigvalsh(tr_out(Y))[-1])
        rho = np.linalg.inv(lam * Id - tr_out(Y))
        best_lo, best_hi = max(best_lo, _lower_bound(J, rho, d)), min(best_hi, upper)
        gap = best_hi - best_lo
        if gap <= tol or stalled or gap > 0.5 * prev_gap:
            break  # converged, or rounding stops further progress
        prev_gap = gap
        # Predictor: the central path is close to linear in 1/t (x(t) ~ x* + c/t), so step along
        # its tangent dx/dt = -H^-1 e_lam by t (1 - t / t_next), the change of 1/t times -t**2.
        # The predicted step is then scaled by an exact line search at the new t.
        t_next = _T_GROWTH * t
        if factor is not None:
            v = -solve(factor, e_lam) * t * (1.0 - t / t_next)
            vY, vlam = from_coords(v[:N]), float(v[N])
            step = line_search(Y, lam, vY, vlam, t_next)
            if step > 0.0 and feasible(Y + step * vY, lam + step * vlam):
                Y, lam = _herm(Y + step * vY), lam + step * vlam
        t = t_next
    return best_lo, best_hi, best_hi - best_lo <= tol
