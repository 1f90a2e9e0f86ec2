"""GHZ distribution at a switch or star centre: n Bell pairs fused by a (noisy) GHZ measurement.

A centre shares one pair with each of n users; ``pairs[k]`` is the state of (centre qubit
``c_k``, user qubit ``u_k``), qubit 0 = the centre's. The centre measures its n qubits in the
GHZ basis, as a circuit: ``CNOT(c_1 -> c_k)`` for ``k = 2..n``, then ``H(c_1)``, then every
``c_k`` in Z. The outcome ``(s, b_2..b_n)`` projects the centre on
``(|0 b> + (-1)^s |1 b'>)/sqrt(2)`` (``b'`` the complement of ``b``) and, for ``|phi+>`` links,
leaves the users in ``(|0 b> + (-1)^s |1 b'>)/sqrt(2)``; the users correct it to
``|GHZ_n>`` with ``X^(b_k)`` on user k and ``Z^s`` on user n. This is the multiparticle
generalization of entanglement swapping (Zukowski, Zeilinger, Weinfurter, Ann. N. Y. Acad. Sci.
755, 91 (1995); Bose, Vedral, Knight, PRA 57, 822 (1998)); for ``n = 2`` it is exactly the
Bell-state measurement of :func:`protocols.entanglement.entanglement_swap` (control ``c_1`` =
``B1``, z bit on ``c_1``, x bit on ``c_2``, correction on the second user), and the results
agree to rounding.

Output: the users' state, qubit k-1 = user k (user 1 the most significant bit), averaged over
the accepted outcomes and Pauli-corrected, its GHZ fidelity and the success probability.

Noise model (the conventions of :mod:`protocols.entanglement.swapping`):

* ``gate_error``: after each CNOT, a two-qubit depolarizing channel
  :func:`channels.depolarizing` ``(gate_error, num_qubits=2)`` on ``(c_1, c_k)``;
* ``readout_error``: each of the n measured bits is misread with probability ``q``.

Both are Pauli errors on the centre's qubits only, inside a Clifford circuit. Propagated to
the end of the circuit, a Pauli error flips some of the reported bits (its X part) and does
nothing else (its Z part commutes with the Z measurement). So the noisy measurement reports
``m XOR e`` when the ideal one gives ``m``, with a flip pattern ``e`` drawn independently of
the state from a distribution ``P(e)`` computed exactly (the XOR convolution of the
propagated errors of every CNOT and of the readout flips). The corrections are linear in the
bits, so for deterministic fusion the output is
``sum_e P(e) C(e) rho_ideal C(e)^dag`` with ``C(e)`` the correction of pattern ``e``.

Fusion models:

* ``fusion="gates"``: deterministic (success probability 1), as above;
* ``fusion="linear_optics"``: a linear-optics GHZ analyzer identifies only two of the ``2**n``
  GHZ-basis states (Pan and Zeilinger, PRA 57, 2208 (1998)), success probability
  ``2 / 2**n = 1 / 2**(n-1)`` for links with maximally mixed marginals. The accepted
  reported outcomes are ``b = 1...1`` with ``s = 0, 1`` (up to local bit flips the states
  ``(|0...0> +- |1...1>)/sqrt(2)`` of Pan and Zeilinger); for ``n = 2`` these are ``psi+`` and
  ``psi-``, the outcomes accepted by the linear-optics BSM of
  :func:`~protocols.entanglement.entanglement_swap`.

The state is computed exactly and without building the 2n-qubit register: with the centre
projected on ``g = (|x> + (-1)^s |x'>)/sqrt(2)`` the users' unnormalized state is
``(T_xx + T_x'x' + (-1)^s (T_xx' + T_x'x)) / 2`` with ``T_cc' = (x)_k rho_k[c_k, c'_k]`` the
Kronecker product of the 2x2 blocks of the links, so the cost is ``O(8**n)``
(``n <= 8`` users).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from channels.catalogue import depolarizing
from channels.channel import pauli_basis
from qnet_core._args import count
from qnet_core.bell_diagonal import BellDiagonal
from qnet_core.errors import DimensionError, ParameterError
from qnet_core.multipartite import _ghz_fidelity

from .._common import ZERO, Result, _as_pair, _one_of, _probability

__all__ = ["GHZFusionResult", "FUSION_KINDS", "MAX_GHZ_USERS", "ghz_fusion", "fusion_flip_distribution"]

#: Fusion models of :func:`ghz_fusion`.
FUSION_KINDS = ("gates", "linear_optics")
#: Most users of one fusion (the output is a dense ``2**n x 2**n`` state; the cost grows as ``8**n``).
MAX_GHZ_USERS = 8

_OWNER = "ghz_fusion"
#: Entries of the Kronecker products built at once (bounds the memory of one chunk).
_CHUNK_ENTRIES = 1 << 21


@dataclass(frozen=True, slots=True, repr=False)
class GHZFusionResult(Result):
    """Outcome of a GHZ fusion at a star centre.

    Attributes
    ----------
    state : numpy.ndarray, complex128, shape (2**n, 2**n)
        The users' state (qubit k-1 = user k), Pauli-corrected and averaged over the accepted
        outcomes.
    probabilities : numpy.ndarray, float64, shape (2**n,)
        Probabilities of the reported outcomes; index bits ``(s, b_2, ..., b_n)``, s (the bit
        of ``c_1``) the most significant.
    success_probability : float
        Probability that the fusion heralds success (1 for ``fusion="gates"``).
    fusion : str
        ``"gates"`` or ``"linear_optics"``.
    """

    state: np.ndarray
    probabilities: np.ndarray
    success_probability: float
    fusion: str

    _DICT_EXTRAS = (("fidelity", "fidelity"),)
    _REPR_EXTRAS = ("fidelity",)

    @property
    def num_users(self) -> int:
        """Number of users n."""
        return int(self.state.shape[-1]).bit_length() - 1

    @property
    def fidelity(self) -> float:
        """GHZ fidelity ``<GHZ_n| state |GHZ_n>`` of the users' state."""
        return _ghz_fidelity(self.state)


# ============================================================================ noise: flips of the reported bits
def _pauli_weights(channel) -> np.ndarray:
    """Pauli-twirl weights ``w_i = sum_K |tr(P_i K)|^2 / d^2`` of a channel (exact for a Pauli channel)."""
    P = pauli_basis(channel.num_qubits)
    d = P.shape[-1]
    amps = np.einsum("pij,kji->pk", P, channel.kraus)  # tr(P_i K_k) (Paulis are Hermitian)
    return np.sum(np.abs(amps) ** 2, axis=1) / (d * d)


def _propagated_flip(n: int, k: int, i_c1: int, i_ck: int) -> int:
    """Reported-bit flip mask of the Pauli ``(i_c1, i_ck)`` (I, X, Y, Z = 0..3) on ``(c_1, c_k)`` after CNOT k.

    The error is pushed through the later CNOTs ``c_1 -> c_j`` (``x_j ^= x_1``, ``z_1 ^= z_j``)
    and ``H(c_1)`` (``x_1 <-> z_1``); its X part flips the measured bits. Bit ``n-1-j`` of the
    mask is centre qubit j (0-based; ``c_1`` the most significant).
    """
    x = [0] * n
    z = [0] * n
    x[0], z[0] = int(i_c1 in (1, 2)), int(i_c1 in (2, 3))
    x[k], z[k] = int(i_ck in (1, 2)), int(i_ck in (2, 3))
    for j in range(k + 1, n):
        x[j] ^= x[0]
        z[0] ^= z[j]
    x[0], z[0] = z[0], x[0]
    return sum(bit << (n - 1 - j) for j, bit in enumerate(x))


def _xor_convolve(p: np.ndarray, masks: Sequence[int], weights: Sequence[float]) -> np.ndarray:
    """Distribution of ``e XOR f`` with ``e ~ p`` and ``f`` = ``masks[i]`` with probability ``weights[i]``."""
    idx = np.arange(p.size)
    out = np.zeros_like(p)
    for f, w in zip(masks, weights):
        if w:
            out += w * p[idx ^ f]
    return out


def _flip_distribution(n: int, g: float, q: float) -> np.ndarray:
    """``P(e)`` over the ``2**n`` flip patterns of the reported bits (see the module notes)."""
    p = np.zeros(1 << n)
    p[0] = 1.0
    if g > 0.0:
        w = _pauli_weights(depolarizing(g, num_qubits=2))
        for k in range(1, n):
            masks = [_propagated_flip(n, k, i >> 2, i & 3) for i in range(16)]
            p = _xor_convolve(p, masks, w)
    if q > 0.0:
        for j in range(n):
            p = _xor_convolve(p, [0, 1 << j], [1.0 - q, q])
    return p


def fusion_flip_distribution(n: int, gate_error: float = 0.0, readout_error: float = 0.0) -> np.ndarray:
    """Distribution of the flips of the reported bits of a noisy n-qubit GHZ measurement.

    Parameters
    ----------
    n : int
        Number of fused pairs, 2 to :data:`MAX_GHZ_USERS`.
    gate_error : float, default 0
        Two-qubit depolarizing probability after each CNOT, in [0, 1].
    readout_error : float, default 0
        Probability that each measured bit is misread, in [0, 1].

    Returns
    -------
    numpy.ndarray, float64, shape (2**n,)
        ``P(e)``: the probability that the reported outcome is the ideal one XOR ``e`` (bits
        ``(s, b_2, ..., b_n)``, s the most significant).

    Notes
    -----
    For ``n = 2`` this is :func:`protocols.entanglement.measurement_error_distribution` (with
    the bits in the order (z, x)) convolved with the flips of the CNOT's error.

    Examples
    --------
    >>> fusion_flip_distribution(2, readout_error=0.1).round(4).tolist()
    [0.81, 0.09, 0.09, 0.01]
    """
    owner = "fusion_flip_distribution"
    n = _num_users(n, owner)
    g = _probability(gate_error, "gate_error", owner)
    q = _probability(readout_error, "readout_error", owner)
    return _flip_distribution(n, g, q)


# ============================================================================ ideal branches
def _links(pairs, owner: str, validate) -> np.ndarray:
    """The n checked link states as one array ``(n, 4, 4)``."""
    if isinstance(pairs, BellDiagonal):
        raise DimensionError(f"{owner}(): pairs is a single BellDiagonal; give a sequence of n >= 2 link states")
    if isinstance(pairs, np.ndarray) and pairs.ndim < 3:
        raise DimensionError(f"{owner}(): pairs has shape {pairs.shape}; give a sequence of n >= 2 two-qubit "
                             "states, or an array (n, 4, 4)")
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, (Sequence, np.ndarray)):
        raise ParameterError(f"{owner}(): pairs={pairs!r} must be a sequence of n >= 2 two-qubit states")
    n = len(pairs)
    if not 2 <= n <= MAX_GHZ_USERS:
        raise ParameterError(f"{owner}(): pairs holds {n} link state(s); a GHZ fusion takes 2 to {MAX_GHZ_USERS}")
    out = np.empty((n, 4, 4), dtype=np.complex128)
    for k in range(n):
        a = _as_pair(pairs[k], f"pairs[{k}]", owner, validate)
        if a.shape != (4, 4):
            raise DimensionError(f"{owner}(): pairs[{k}] has shape {a.shape}; each link is one two-qubit state (4, 4)")
        out[k] = a
    return out


def _kron_rows(blocks: np.ndarray) -> np.ndarray:
    """Row-wise Kronecker product: ``blocks (B, n, 2, 2)`` -> ``(B, 2**n, 2**n)``, block 0 most significant."""
    out = blocks[:, 0]
    for k in range(1, blocks.shape[1]):
        d = out.shape[-1]
        out = (out[:, :, None, :, None] * blocks[:, k, None, :, None, :]).reshape(-1, 2 * d, 2 * d)
    return out


def _ideal_branches(links: np.ndarray):
    """Yield ``(m, tau)``: ideal outcomes ``m = (s, b)`` and the users' unnormalized states ``tau (len(m), 2**n, 2**n)``.

    The outcomes come in chunks (bounded memory); every outcome appears once.
    """
    n = links.shape[0]
    d = 1 << n
    # blocks[k, c, c'] = the 2x2 user block of link k with centre indices (c, c')
    blocks = links.reshape(n, 2, 2, 2, 2).transpose(0, 1, 3, 2, 4)
    half = d >> 1
    b = np.arange(half)
    x = np.zeros((half, n), dtype=np.int64)  # centre bits of |0 b>
    x[:, 1:] = (b[:, None] >> (n - 2 - np.arange(n - 1))[None, :]) & 1
    xc = 1 - x
    ks = np.arange(n)
    chunk = max(1, _CHUNK_ENTRIES // (d * d))
    for lo in range(0, half, chunk):
        sl = slice(lo, min(half, lo + chunk))
        t_same = _kron_rows(blocks[ks, x[sl], x[sl]])
        t_same += _kron_rows(blocks[ks, xc[sl], xc[sl]])
        t_cross = _kron_rows(blocks[ks, x[sl], xc[sl]])
        t_cross += _kron_rows(blocks[ks, xc[sl], x[sl]])
        yield b[sl], 0.5 * (t_same + t_cross)  # s = 0
        yield b[sl] + half, 0.5 * (t_same - t_cross)  # s = 1


def _conjugate_sum(rs: np.ndarray, states: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """``sum_i weights[i] C(rs[i]) states[i] C(rs[i])^dag`` (``states`` ``(len(rs), d, d)``, or one ``(d, d)``).

    ``C(r)`` is the correction of the reported bits ``r = (s, b)``: ``X^(b_k)`` on user k and
    ``Z^s`` on user n, i.e. ``out[i, j] = (-1)^(s (i_n + j_n)) states[i ^ b, j ^ b]``.
    """
    d = 1 << n
    idx = np.arange(d)
    z_sign = 1.0 - 2.0 * ((idx[:, None] ^ idx[None, :]) & 1)  # Z on user n (the least significant bit)
    out = np.zeros((d, d), dtype=np.complex128)
    chunk = max(1, _CHUNK_ENTRIES // (d * d))
    for lo in range(0, rs.size, chunk):
        r = rs[lo:lo + chunk]
        rows = idx[None, :] ^ (r & ((d >> 1) - 1))[:, None]  # X^(b_k): b sits on the users' bits
        src = states[lo:lo + chunk] if states.ndim == 3 else np.broadcast_to(states, (r.size, d, d))
        gathered = src[np.arange(r.size)[:, None, None], rows[:, :, None], rows[:, None, :]]
        w = np.asarray(weights[lo:lo + chunk], dtype=np.float64)
        w_z = np.where(r >> (n - 1), w, 0.0)
        out += np.tensordot(w - w_z, gathered, axes=1)
        out += z_sign * np.tensordot(w_z, gathered, axes=1)
    return out


# ============================================================================ the operation
def _num_users(n, owner: str) -> int:
    return count(n, "n", owner, lo=2, hi=MAX_GHZ_USERS, what="the number of fused pairs")


def ghz_fusion(pairs: Sequence[ArrayLike | BellDiagonal] | np.ndarray, *, gate_error: float = ZERO,
               readout_error: float = ZERO, fusion: Literal["gates", "linear_optics"] = "gates",
               validate: bool | str = True) -> GHZFusionResult:
    """Fuse n pairs (centre, user k) into an n-party GHZ state by a noisy GHZ measurement at the centre.

    Parameters
    ----------
    pairs : sequence of array_like (4, 4) or BellDiagonal, or array (n, 4, 4)
        The n links (2 to :data:`MAX_GHZ_USERS`); qubit 0 of each is the centre's, qubit 1
        user k's.
    gate_error : float, default 0
        Two-qubit depolarizing probability after each of the n-1 CNOTs, in [0, 1].
    readout_error : float, default 0
        Probability that each of the n measured bits is misread, in [0, 1].
    fusion : {"gates", "linear_optics"}
        Deterministic gate-based fusion, or the linear-optics GHZ analyzer that accepts two
        outcomes of ``2**n``.
    validate : bool or "full", default True
        Check that every link is a two-qubit density matrix.

    Returns
    -------
    GHZFusionResult
        ``state`` complex128 ``(2**n, 2**n)`` on the users (user 1 = qubit 0), the reported
        outcome ``probabilities`` ``(2**n,)``, ``success_probability`` and ``fidelity``.

    Notes
    -----
    For n Werner links of parameters ``w_k`` and ideal fusion the users hold ``|GHZ_n>`` with
    each qubit depolarized by ``w_k``, and the GHZ fidelity is
    ``(prod_k (1 + w_k)/2 + prod_k w_k + prod_k (1 - w_k)/2) / 2`` (derived in
    ``tests/protocols/test_reference_ghz.py``); for n = 2 this is ``(1 + 3 w_1 w_2)/4``, the
    swapped Werner pair. See the module notes for the circuit, the noise model and the
    linear-optics analyzer.

    Examples
    --------
    >>> import qnet_core as qc
    >>> r = ghz_fusion([qc.bell_state()] * 3)
    >>> round(r.fidelity, 12), r.success_probability
    (1.0, 1.0)
    >>> r = ghz_fusion([qc.werner(0.9)] * 3)    # w = 13/15: (((1+w)/2)**3 + w**3 + ((1-w)/2)**3) / 2
    >>> round(r.fidelity, 6)
    0.732148
    >>> round(ghz_fusion([qc.bell_state()] * 3, fusion="linear_optics").success_probability, 12)
    0.25
    """
    g = 0.0 if gate_error is ZERO else _probability(gate_error, "gate_error", _OWNER)
    q = 0.0 if readout_error is ZERO else _probability(readout_error, "readout_error", _OWNER)
    kind = _one_of(fusion, FUSION_KINDS, "fusion", _OWNER)
    links = _links(pairs, _OWNER, validate)
    return _ghz_fusion(links, g, q, kind)


def _ghz_fusion(links: np.ndarray, g: float, q: float, fusion: str) -> GHZFusionResult:
    """GHZ fusion of checked links ``(n, 4, 4)`` (see :func:`ghz_fusion`)."""
    n = links.shape[0]
    d = 1 << n
    flips = _flip_distribution(n, g, q)
    accepted = np.arange(d) if fusion == "gates" else np.array([(d >> 1) - 1, d - 1])  # linear optics: b = 1...1
    p_ideal = np.zeros(d)
    acc = np.zeros((d, d), dtype=np.complex128)
    mixed = np.zeros((accepted.size, d, d), dtype=np.complex128)
    for m, tau in _ideal_branches(links):
        p_ideal[m] = np.real(np.trace(tau, axis1=1, axis2=2))
        if fusion == "gates":  # ideal corrected state; the flips are applied to it below
            acc += _conjugate_sum(m, tau, np.ones(m.size), n)
        else:  # what the centre reports as r, from every true outcome m
            for i, r in enumerate(accepted):
                mixed[i] += np.tensordot(flips[m ^ r], tau, axes=1)
    p_ideal = np.clip(p_ideal, 0.0, None)
    idx = np.arange(d)
    p_reported = np.array([np.dot(p_ideal, flips[idx ^ r]) for r in range(d)])
    if fusion == "gates":
        nz = np.flatnonzero(flips)
        state = _conjugate_sum(nz, acc, flips[nz], n)
        p_succ = 1.0
    else:
        state = _conjugate_sum(accepted, mixed, np.ones(accepted.size), n)
        p_succ = float(min(1.0, p_reported[accepted].sum()))
        state = state / p_succ if p_succ > 1e-14 else np.eye(d, dtype=np.complex128) / d
    state = 0.5 * (state + state.conj().T)
    return GHZFusionResult(np.ascontiguousarray(state), p_reported, p_succ, fusion)
