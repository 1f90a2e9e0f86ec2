"""Conference key agreement (CKA) over GHZ states: the N-party BB84 protocol, and pairwise keys.

Protocol (N-BB84; Epping, Kampermann, Macchiavello, Bruss, "Multi-partite entanglement can
speed up quantum key distribution in networks", New J. Phys. 19, 093012 (2017), Sec. 2): N
parties share an N-qubit state, ideally ``|GHZ_N>``; party 0 is Alice, parties 1..N-1 are the
Bobs. In key rounds everyone measures Z (the GHZ state gives N equal bits); in test rounds
everyone measures X (the product of the N outcomes of ``|GHZ_N>`` is +1, its stabilizer
``X...X``). The error rates are

* ``Q_Z,i = P(z_0 != z_i)``, the bit error between Alice and Bob i;
* ``Q_X = P(prod_j x_j = -1) = (1 - <X^(x)N>) / 2``, the phase error.

The asymptotic secret key per key round, with one-way error correction to each Bob at
efficiency ``f`` (``f = 1``: the Shannon limit), is (Epping et al. 2017, the N-BB84 rate)

``r_N = max(0, 1 - h(Q_X) - f max_i h(Q_Z,i))``

with h the binary entropy; for a noiseless GHZ state ``r_N = 1`` per round. For ``N = 2`` it is
the BBM92 secret fraction of :func:`protocols.qkd.pair_qkd` (and it is computed by the same
function). Basis sifting is left out (asymptotically the test rounds are a vanishing fraction,
as in the paper's asymptotic rate).

Comparison at a star centre (:func:`conference_key_comparison`): N users each share one
link per round with a centre.

* **GHZ**: the centre fuses the N links with :func:`protocols.entanglement.ghz_fusion`; the
  conference key per round is ``p_fusion r_N(fused state)``.
* **Trusted centre**: each link runs BBM92 between the centre and its user (secret fraction
  ``r_k``); the centre one-time-pads one key to every user, so the conference key per round
  is ``min_k r_k`` (the bottleneck link; every user's link spends one key bit per conference
  bit, as in :mod:`protocols.qkd.trusted_node`).
* **Pairwise through an untrusted centre** (the bipartite scheme of Epping et al. 2017): Alice
  (user 1) needs a bipartite key with each of the N-1 Bobs; the centre swaps Alice's link
  with Bob k's link (a two-party fusion with the same noise) and the pair runs BBM92; Alice
  then one-time-pads the conference key to every Bob. All N-1 keys consume pairs of Alice's
  single link, the network's bottleneck, so the conference key per round is
  ``min_k p_swap r_2(swap(link_1, link_k)) / (N - 1)``. The GHZ state uses the bottleneck
  once for all N parties; this is the network-coding advantage of the paper (its Sec. 4):
  ``r_N`` against ``r_2 / (N - 1)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from qnet_core.bell_diagonal import BellDiagonal
from qnet_core.errors import DimensionError
from qnet_core.metrics import _binary_entropy as binary_entropy  # clips rounding-level estimates
from qnet_core.validation import as_density_matrix

from .._common import ZERO, Result, _one_of, _probability, _scalar
from ..entanglement.ghz import FUSION_KINDS, _ghz_fusion, _links
from .entanglement_qkd import _check_f, _secret_fraction

__all__ = ["ConferenceKeyResult", "ConferenceKeyComparison", "conference_key_rate", "conference_key_comparison"]


@dataclass(frozen=True, slots=True, repr=False)
class ConferenceKeyResult(Result):
    """Error rates and asymptotic N-BB84 key of an N-party state.

    Attributes
    ----------
    qber_z : numpy.ndarray, float64, shape (..., N-1)
        ``Q_Z,i``: Z-basis bit error rate between party 0 (Alice) and party i.
    qber_x : float or numpy.ndarray, shape (...)
        ``Q_X = (1 - <X^(x)N>)/2``: probability that the product of the N X outcomes is -1.
    key_rate : float or numpy.ndarray, shape (...)
        ``max(0, 1 - h(Q_X) - f max_i h(Q_Z,i))`` secret bits per state.
    """

    qber_z: np.ndarray
    qber_x: float | np.ndarray
    key_rate: float | np.ndarray


@dataclass(frozen=True, slots=True, repr=False)
class ConferenceKeyComparison(Result):
    """Conference key per round at a star centre: GHZ fusion against pairwise keys.

    Attributes
    ----------
    ghz : ConferenceKeyResult
        Error rates and key fraction of the fused N-party state.
    fusion_success_probability : float
        Probability that the fusion heralds success.
    ghz_rate : float
        ``fusion_success_probability * ghz.key_rate``: conference bits per round (one pair per link).
    trusted_centre_rate : float
        ``min_k r_k``: conference bits per round with a trusted centre (BBM92 on each link).
    link_secret_fractions : numpy.ndarray, shape (N,)
        BBM92 secret fraction ``r_k`` of each link.
    pairwise_rate : float
        ``min_k p_swap r_2(swap(link_1, link_k)) / (N - 1)``: conference bits per round from N-1
        bipartite keys through an untrusted centre, limited by Alice's link.
    num_users : int
        N.
    """

    ghz: ConferenceKeyResult
    fusion_success_probability: float
    ghz_rate: float
    trusted_centre_rate: float
    link_secret_fractions: np.ndarray
    pairwise_rate: float
    num_users: int

    _REPR_EXTRAS = ("ghz_advantage",)

    @property
    def ghz_advantage(self) -> float:
        """``ghz_rate / pairwise_rate`` (inf when only the GHZ scheme gives a key, nan when neither does)."""
        if self.pairwise_rate > 0.0:
            return self.ghz_rate / self.pairwise_rate
        return float("inf") if self.ghz_rate > 0.0 else float("nan")


# ============================================================================ the N-BB84 rate
def _error_rates(rho: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(Q_Z (..., N-1), Q_X (...))`` of checked N-qubit states (batch)."""
    d = rho.shape[-1]
    n = d.bit_length() - 1
    diag = np.real(np.diagonal(rho, axis1=-2, axis2=-1))
    idx = np.arange(d)
    alice = (idx >> (n - 1)) & 1
    differ = np.stack([alice != ((idx >> (n - 1 - i)) & 1) for i in range(1, n)], axis=-1)  # (d, N-1)
    qz = np.clip(diag @ differ.astype(np.float64), 0.0, 1.0)
    x_all = np.real(np.sum(rho[..., idx, idx[::-1]], axis=-1))  # <X^(x)N> = sum_x rho[x, x ^ 1...1]
    qx = np.clip((1.0 - x_all) / 2.0, 0.0, 1.0)
    return qz, qx


def _conference_key(rho: np.ndarray, f: float) -> ConferenceKeyResult:
    """N-BB84 figures of checked N-qubit states (see :func:`conference_key_rate`)."""
    qz, qx = _error_rates(rho)
    worst = np.take_along_axis(qz, np.argmax(binary_entropy(qz), axis=-1)[..., None], axis=-1)[..., 0]
    return ConferenceKeyResult(qz if qz.ndim > 1 else qz.copy(), _scalar(qx), _secret_fraction(qx, worst, f))


def conference_key_rate(rho: ArrayLike, *, ec_efficiency: float = 1.0,
                        validate: bool | str = True) -> ConferenceKeyResult:
    """Asymptotic N-BB84 conference key of an N-party state (Epping et al., New J. Phys. 19, 093012 (2017)).

    Parameters
    ----------
    rho : array_like, shape (..., 2**N, 2**N)
        The parties' state, N >= 2; qubit 0 is Alice, qubits 1..N-1 the Bobs. Ideally
        ``|GHZ_N>``.
    ec_efficiency : float, default 1
        Error-correction inefficiency ``f >= 1``.
    validate : bool or "full", default True
        Check that ``rho`` is a density matrix (batch).

    Returns
    -------
    ConferenceKeyResult
        ``qber_z`` ``(..., N-1)``, ``qber_x`` and ``key_rate`` (secret bits per state, in [0, 1]).

    Notes
    -----
    ``r_N = max(0, 1 - h(Q_X) - f max_i h(Q_Z,i))`` with ``Q_Z,i = P(z_0 != z_i)`` and
    ``Q_X = (1 - <X^(x)N>)/2``; see the module notes.

    Examples
    --------
    >>> import qnet_core as qc
    >>> conference_key_rate(qc.ghz_state(4)).key_rate
    1.0
    >>> r = conference_key_rate(qc.depolarized_ghz(3, 0.1))
    >>> round(r.qber_x, 6), r.qber_z.round(6).tolist(), round(r.key_rate, 6)
    (0.05, [0.05, 0.05], 0.427206)
    """
    owner = "conference_key_rate"
    f = _check_f(ec_efficiency, owner)
    arr, n = as_density_matrix(rho, owner=owner, validate=validate)
    if n < 2:
        raise DimensionError(f"{owner}(): rho has shape {arr.shape} ({n} qubit); a conference needs N >= 2 parties")
    return _conference_key(arr, f)


# ============================================================================ comparison at a star centre
def conference_key_comparison(pairs: Sequence[ArrayLike | BellDiagonal] | np.ndarray, *, gate_error: float = ZERO,
                              readout_error: float = ZERO, fusion: Literal["gates", "linear_optics"] = "gates",
                              ec_efficiency: float = 1.0, validate: bool | str = True) -> ConferenceKeyComparison:
    """Conference key per round at a star centre: GHZ fusion against pairwise keys (trusted and untrusted centre).

    Parameters
    ----------
    pairs : sequence of array_like (4, 4) or BellDiagonal, or array (N, 4, 4)
        The N links (2 to 8), qubit 0 the centre's and qubit 1 user k's; user 1 is Alice.
    gate_error : float, default 0
        Two-qubit depolarizing probability of each CNOT of the centre's measurements, in [0, 1].
    readout_error : float, default 0
        Probability that each measured bit at the centre is misread, in [0, 1].
    fusion : {"gates", "linear_optics"}
        Fusion model of the GHZ measurement and of the swaps (see
        :func:`protocols.entanglement.ghz_fusion`).
    ec_efficiency : float, default 1
        Error-correction inefficiency ``f >= 1`` of every key.
    validate : bool or "full", default True
        Check every link.

    Returns
    -------
    ConferenceKeyComparison
        ``ghz_rate``, ``trusted_centre_rate`` and ``pairwise_rate`` in conference bits per round.

    Notes
    -----
    Model and sources in the module notes. With ideal links and operations
    ``ghz_rate = trusted_centre_rate = 1`` and ``pairwise_rate = 1/(N - 1)``.

    Examples
    --------
    >>> import qnet_core as qc
    >>> c = conference_key_comparison([qc.bell_state()] * 4)
    >>> round(c.ghz_rate, 9), round(c.trusted_centre_rate, 9), round(c.pairwise_rate, 6)
    (1.0, 1.0, 0.333333)
    """
    owner = "conference_key_comparison"
    g = 0.0 if gate_error is ZERO else _probability(gate_error, "gate_error", owner)
    q = 0.0 if readout_error is ZERO else _probability(readout_error, "readout_error", owner)
    kind = _one_of(fusion, FUSION_KINDS, "fusion", owner)
    f = _check_f(ec_efficiency, owner)
    links = _links(pairs, owner, validate)
    n = links.shape[0]
    fused = _ghz_fusion(links, g, q, kind)
    ghz = _conference_key(fused.state, f)
    ghz_rate = float(fused.success_probability * ghz.key_rate)
    # BBM92 between the centre and each user: the links themselves (centre = qubit 0).
    link_fractions = np.array([float(_conference_key(link, f).key_rate) for link in links])
    pairwise = []
    for k in range(1, n):
        swapped = _ghz_fusion(links[[0, k]], g, q, kind)
        pairwise.append(swapped.success_probability * float(_conference_key(swapped.state, f).key_rate))
    return ConferenceKeyComparison(ghz, float(fused.success_probability), ghz_rate, float(link_fractions.min()),
                                   link_fractions, float(min(pairwise)) / (n - 1), n)
