"""The compiled pair primitives (``qnet_core._pair``) against slow references and every older copy.

Each primitive is checked, on random non-Bell-diagonal states, against

* a slow, obvious version written here from :func:`qnet_core.tensor`,
  :func:`qnet_core.bell_measure`, explicit gate matrices and the :mod:`channels` catalogue;
* the dense protocols (:func:`protocols.entanglement_swap`, :func:`protocols.purify`), the
  Bell-diagonal protocols (:func:`protocols.bd_entanglement_swap`, :func:`protocols.bd_purify`),
  which (like the chain Monte Carlo) now call these same kernels;
* closed forms from the papers: Zukowski et al., PRL 71, 4287 (1993) (swapping);
  Bennett et al., PRL 76, 722 (1996) (BBPSSW); Deutsch et al., PRL 77, 2818 (1996) (DEJMPS);
  Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999) (gate and measurement errors).
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import channels
import qnet_core as qc
from protocols import bd_entanglement_swap, bd_purify, entanglement_swap, purify
from qnet_core import _pair as P
from qnet_core.gates import CNOT, I2, X, Z, rx
from qnet_core.testing import bell_diagonal_coefficients, density_matrices

from .reference import embed, partial_trace_ref

ATOL = 1e-12
PAULI = [I2, Z, X, X @ Z]  # correction X^x Z^z for Bell index k = 2x + z
METHODS = {0: "dejmps", 1: "bbpssw"}
errors = st.one_of(st.sampled_from([0.0, 0.05, 0.5, 1.0]), st.floats(0.0, 1.0))
states = density_matrices(2)
coefficients = bell_diagonal_coefficients()


def c128(a):
    return np.ascontiguousarray(a, dtype=np.complex128)


# ============================================================================ slow references
def ref_swap(r1, r2, gate_error, readout_error):
    """Reported-outcome probabilities (4,) and corrected normalized branches (4, 4, 4)."""
    full = qc.tensor(r1, r2)  # (A, B1, B2, C)
    if gate_error > 0:
        full = channels.depolarizing(gate_error, num_qubits=2).apply(full, [1, 2])
    if readout_error > 0:  # z bit read on B1, x bit on B2
        full = channels.phase_flip(readout_error).apply(full, [1])
        full = channels.bit_flip(readout_error).apply(full, [2])
    meas = qc.bell_measure(full, (1, 2), normalize=False)
    out = np.empty((4, 4, 4), dtype=np.complex128)
    for k in range(4):
        C = np.kron(I2, PAULI[k])
        s = C @ meas.states[k] @ C.conj().T
        tr = np.trace(s).real
        out[k] = s / tr if tr > P.TINY else np.eye(4) / 4
    return meas.probabilities, out


def ref_purify(r1, r2, method, gate_error, readout_error):
    """Unnormalized kept pair (4, 4) and success probability, from 16x16 matrices."""
    if method == 1:
        a = qc.werner(np.clip(qc.fidelity(r1, qc.bell_ket()), 0, 1))
        b = qc.werner(np.clip(qc.fidelity(r2, qc.bell_ket()), 0, 1))
    else:
        U = np.kron(rx(np.pi / 2), rx(-np.pi / 2))
        a, b = U @ r1 @ U.conj().T, U @ r2 @ U.conj().T
    full = qc.tensor(a, b)  # (A1, B1, A2, B2)
    dep = channels.depolarizing(gate_error, num_qubits=2)
    for ctrl, targ in ((0, 2), (1, 3)):
        G = embed(CNOT, (ctrl, targ), 4)
        full = G @ full @ G.conj().T
        full = dep.apply(full, [ctrl, targ])
    flip = channels.bit_flip(readout_error)
    full = flip.apply(flip.apply(full, [2]), [3])
    agree = embed(np.diag([1.0, 0.0, 0.0, 1.0]), (2, 3), 4)  # |00><00| + |11><11| on (A2, B2)
    kept = partial_trace_ref(agree @ full @ agree, [0, 1], 4)
    return kept, np.trace(kept).real


def ref_memory(rho, dt, model, rate1, rate2):
    if model == 0:
        t1 = math.inf if rate1 == 0 else 1 / rate1
        t2 = math.inf if rate2 == 0 else 1 / rate2
        ch = channels.memory(dt, t1_s=t1, t2_s=t2)
    else:
        ch = channels.depolarizing_memory(dt, math.inf if rate1 == 0 else 1 / rate1)
    return ch.apply(ch.apply(rho, [0]), [1])


# ============================================================================ kernel wrappers
def kernel_swap(r1, r2, g, q):
    probs = np.empty(4)
    out = np.empty((4, 4, 4), dtype=np.complex128)
    P._swap_branches_4x4(c128(r1), c128(r2), g, q, probs, out)
    return probs, out


def protocol_swap(r1, r2, g, q):
    r = entanglement_swap(r1, r2, p2=g, eta=q, validate=False)
    return r.probabilities, r.branch_states


def kernel_purify(r1, r2, method, g, q):
    out = np.empty((4, 4), dtype=np.complex128)
    p = P._purify_4x4(c128(r1), c128(r2), method, g, q, out)
    return out, p


def protocol_purify(r1, r2, method, g, q):
    r = purify(r1, r2, method=METHODS[method], p2=g, eta=q, validate=False)
    return r.state * r.success_probability, r.success_probability


def assert_branches_equal(got, want, atol=ATOL):
    (pg, sg), (pw, sw) = got, want
    np.testing.assert_allclose(pg, pw, atol=atol)
    # states of negligible branches are round-off in every implementation: compare p * state
    np.testing.assert_allclose(pg[:, None, None] * sg, pw[:, None, None] * sw, atol=atol)
    for k in np.flatnonzero(pw > 1e-6):
        np.testing.assert_allclose(sg[k], sw[k], atol=1e-10)


SWAP_PATHS = {"kernel": kernel_swap, "protocols.entanglement_swap": protocol_swap}
PURIFY_PATHS = {"kernel": kernel_purify, "protocols.purify": protocol_purify}


# ============================================================================ swapping
@pytest.mark.parametrize("path", SWAP_PATHS.values(), ids=SWAP_PATHS.keys())
@given(r1=states, r2=states, g=errors, q=errors)
def test_swap_branches_match_reference(path, r1, r2, g, q):
    """Noisy swap, branch by branch: depolarizing on (B1, B2) and readout flips (Dür et al. 1999)."""
    assert_branches_equal(path(r1, r2, g, q), ref_swap(r1, r2, g, q))


@given(r1=states, r2=states)
def test_single_branch_is_the_bell_projection(r1, r2):
    """``_swap_branch_4x4`` is the unnormalized, uncorrected Bell projection of the inner qubits."""
    meas = qc.bell_measure(qc.tensor(r1, r2), (1, 2), normalize=False)
    out = np.empty((4, 4), dtype=np.complex128)
    for k in range(4):
        p = P._swap_branch_4x4(c128(r1), c128(r2), k, out)
        np.testing.assert_allclose(out, meas.states[k], atol=ATOL)
        assert abs(p - meas.probabilities[k]) < ATOL


@given(r1=states, r2=states, g=errors, q=errors, u=st.floats(0.0, 1.0, exclude_max=True))
def test_swap_sample_draws_from_the_branches(r1, r2, g, q, u):
    """One draw: the outcome whose cumulative probability first exceeds ``u``, and its branch state."""
    probs, branches = kernel_swap(r1, r2, g, q)
    out = np.empty((4, 4), dtype=np.complex128)
    k = P._swap_sample_4x4(c128(r1), c128(r2), g, q, u, out)
    cum = np.cumsum(np.where(probs > P.TINY, probs, 0.0))
    if np.all(np.abs(cum - u) > 1e-9):  # away from a boundary the choice is exact
        expected = int(np.searchsorted(cum, u, side="right"))
        expected = expected if expected < 4 else int(np.flatnonzero(probs > P.TINY)[-1])
        assert k == expected
    assert probs[k] > P.TINY
    np.testing.assert_allclose(out, branches[k], atol=1e-10)


def test_swap_of_phi_plus_pairs_zukowski():
    """Zukowski et al., PRL 71, 4287 (1993): phi+ (x) phi+ gives phi+ on (A, C) after each outcome (p = 1/4)."""
    phi = qc.bell_state("phi+")
    probs, branches = kernel_swap(phi, phi, 0.0, 0.0)
    np.testing.assert_allclose(probs, 0.25, atol=ATOL)
    np.testing.assert_allclose(branches, np.broadcast_to(phi, (4, 4, 4)), atol=ATOL)


@pytest.mark.parametrize("f1, f2", [(0.9, 0.9), (0.75, 0.99), (0.5, 0.6)])
def test_werner_parameters_multiply(f1, f2):
    """Swapping Werner pairs gives a Werner pair with ``w = w1 w2`` for every outcome (ideal BSM)."""
    probs, branches = kernel_swap(qc.werner(f1), qc.werner(f2), 0.0, 0.0)
    w = qc.werner_parameter(f1) * qc.werner_parameter(f2)
    np.testing.assert_allclose(branches, np.broadcast_to(qc.werner(qc.fidelity_from_werner_parameter(w)), (4, 4, 4)),
                               atol=ATOL)


# ============================================================================ purification
@pytest.mark.parametrize("path", PURIFY_PATHS.values(), ids=PURIFY_PATHS.keys())
@pytest.mark.parametrize("method", [0, 1], ids=["dejmps", "bbpssw"])
@given(r1=states, r2=states, g=errors, q=errors)
def test_purify_matches_reference(path, method, r1, r2, g, q):
    """One recurrence round with Dür et al. (1999) noise: depolarizing after each CNOT, flipped Z outcomes."""
    got, p_got = path(r1, r2, method, g, q)
    want, p_want = ref_purify(r1, r2, method, g, q)
    assert abs(p_got - p_want) < ATOL
    np.testing.assert_allclose(got, want, atol=ATOL)


@given(rho=states)
def test_local_steps_match_dense_algebra(rho):
    """DEJMPS rotation (Rx(pi/2) x Rx(-pi/2)), BBPSSW twirl and phi+ fidelity against numpy algebra."""
    a = c128(rho)
    got = np.empty((4, 4), dtype=np.complex128)
    P._dejmps_rotation_4x4(a, got)
    U = np.kron(rx(np.pi / 2), rx(-np.pi / 2))
    np.testing.assert_allclose(got, U @ a @ U.conj().T, atol=ATOL)
    P._twirl_4x4(a, got)
    np.testing.assert_allclose(got, qc.werner(qc.fidelity(rho, qc.bell_ket())), atol=1e-10)
    assert abs(P._fidelity_phi_plus_4x4(a) - qc.fidelity(rho, qc.bell_ket())) < 1e-10


@pytest.mark.parametrize("F", [0.55, 0.7, 0.8, 0.95])
def test_bbpssw_werner_recurrence(F):
    """Bennett et al., PRL 76, 722 (1996): ``F' = (F^2 + ((1-F)/3)^2) / N``, ``N = F^2 + 2F(1-F)/3 + 5((1-F)/3)^2``."""
    out, p = kernel_purify(qc.werner(F), qc.werner(F), 1, 0.0, 0.0)
    q = (1 - F) / 3
    N = F**2 + 2 * F * (1 - F) / 3 + 5 * q**2
    assert abs(p - N) < ATOL
    assert abs(P._fidelity_phi_plus_4x4(out / p) - (F**2 + q**2) / N) < ATOL


@given(c=coefficients)
def test_dejmps_map(c):
    """Deutsch et al., PRL 77, 2818 (1996): ``A' = (A^2 + B^2)/N``, ``B' = 2CD/N``, ``C' = (C^2 + D^2)/N``,
    ``D' = 2AB/N``, ``N = (A + B)^2 + (C + D)^2`` with ``(A, B, C, D) = (phi+, psi-, psi+, phi-)``."""
    A, D, C, B = c
    N = (A + B) ** 2 + (C + D) ** 2
    dense, p = kernel_purify(qc.bell_diagonal(c), qc.bell_diagonal(c), 0, 0.0, 0.0)
    assert abs(p - N) < ATOL
    if N > 1e-9:
        want = np.array([A**2 + B**2, 2 * A * B, C**2 + D**2, 2 * C * D]) / N  # BELL_NAMES order
        np.testing.assert_allclose(qc.twirl(dense / p, validate=False), want, atol=1e-10)


@pytest.mark.parametrize("method", [0, 1], ids=["dejmps", "bbpssw"])
@pytest.mark.parametrize("g, q", [(0.1, 0.0), (0.0, 0.1), (0.05, 0.02)])
def test_perfect_pairs_with_gate_and_measurement_errors(method, g, q):
    """Dür et al., PRA 59, 169 (1999): perfect phi+ inputs; the joint Bell distribution becomes
    ``(1-p)^2 delta + (1 - (1-p)^2)/16``, kept with ``(1-q)^2 + q^2`` (agree) or ``2q(1-q)``."""
    phi = qc.bell_state("phi+")
    out, p = kernel_purify(phi, phi, method, g, q)
    keep, agree, differ = (1 - g) ** 2, (1 - q) ** 2 + q**2, 2 * q * (1 - q)
    assert abs(p - (keep * agree + (1 - keep) / 2)) < ATOL
    assert abs(P._fidelity_phi_plus_4x4(out) - (keep * agree + (1 - keep) / 16 * 2 * (agree + differ))) < ATOL


# ============================================================================ memory and local channels
rates = st.one_of(st.just(0.0), st.floats(0.05, 20.0))


@given(rho=states, dt=st.floats(0.0, 3.0), rate1=rates, frac=st.floats(0.0, 1.0))
def test_memory_t1_t2_matches_channels(rho, dt, rate1, frac):
    """T1/T2 memory equals :func:`channels.memory` on both qubits."""
    rate2 = rate1 * (0.51 + frac) if rate1 > 0 else 5.0 * frac  # 1/T2 > 1/(2 T1)
    got = c128(rho).copy()
    P._memory_4x4(got, dt, 0, rate1, rate2)
    # the Kraus reference takes sqrt(1 - gamma) of gamma ~ 1 - 1e-12 at long times: 1e-10 absolute
    np.testing.assert_allclose(got, ref_memory(rho, dt, 0, rate1, rate2), atol=1e-10)


@given(rho=states, dt=st.floats(0.0, 3.0), rate=rates)
def test_depolarizing_memory_matches_channels(rho, dt, rate):
    """Depolarizing memory equals :func:`channels.depolarizing_memory` on both qubits."""
    got = c128(rho).copy()
    P._memory_4x4(got, dt, 1, rate, 0.0)
    np.testing.assert_allclose(got, ref_memory(rho, dt, 1, rate, 0.0), atol=ATOL)


@given(rho=states, q=errors)
def test_bit_flip_both_matches_channels(rho, q):
    got = c128(rho).copy()
    P._bit_flip_both_4x4(got, q)
    flip = channels.bit_flip(q)
    np.testing.assert_allclose(got, flip.apply(flip.apply(rho, [0]), [1]), atol=ATOL)


@given(rho=states)
def test_bell_diagonal_part_is_the_twirl(rho):
    """``<B_k|rho|B_k>``: the coefficients of the bilateral Pauli twirl (Bennett et al., PRA 54, 3824 (1996))."""
    c = np.empty(4)
    P._bell_diagonal_part_4x4(c128(rho), c)
    np.testing.assert_allclose(c, qc.twirl(rho), atol=ATOL)
    dense = np.empty((4, 4), dtype=np.complex128)
    P._bd_to_dense_4x4(c, dense)
    np.testing.assert_allclose(dense, qc.twirl_dense(rho), atol=ATOL)


# ============================================================================ Bell-diagonal kernels
@given(c1=coefficients, c2=coefficients, g=errors, q=errors)
def test_swap_bd_matches_protocols_and_dense(c1, c2, g, q):
    """Bell-diagonal swap = ``bd_entanglement_swap`` = the dense kernel on the same pairs, every outcome 1/4."""
    probs, branches = np.empty(4), np.empty((4, 4))
    P._swap_branches_bd(c1, c2, g, q, probs, branches)
    want = bd_entanglement_swap(c1, c2, p2=g, eta=q, validate=False)
    np.testing.assert_allclose(branches, want.branch_states, atol=ATOL)
    np.testing.assert_allclose(probs, want.probabilities, atol=ATOL)
    dense_probs, dense_states = kernel_swap(qc.bell_diagonal(c1), qc.bell_diagonal(c2), g, q)
    np.testing.assert_allclose(dense_probs, 0.25, atol=ATOL)
    for k in range(4):
        np.testing.assert_allclose(dense_states[k], qc.bell_diagonal(branches[k]), atol=ATOL)


@pytest.mark.parametrize("method", [0, 1], ids=["dejmps", "bbpssw"])
@given(c1=coefficients, c2=coefficients, g=errors, q=errors)
def test_purify_bd_matches_protocols_and_dense(method, c1, c2, g, q):
    """Bell-diagonal round = ``bd_purify`` (``_bd_round``) = the dense kernel on the same pairs."""
    out = np.empty(4)
    p = P._purify_bd(c1, c2, method, g, q, out)
    want = bd_purify(c1, c2, method=METHODS[method], p2=g, eta=q, validate=False)
    assert abs(p - want.success_probability) < ATOL
    np.testing.assert_allclose(out, want.state * want.success_probability, atol=ATOL)
    dense, p_dense = kernel_purify(qc.bell_diagonal(c1), qc.bell_diagonal(c2), method, g, q)
    assert abs(p - p_dense) < ATOL
    np.testing.assert_allclose(dense, qc.bell_diagonal(out, validate=False), atol=ATOL)  # linear in c


@given(c=coefficients, dt=st.floats(0.0, 3.0), rate1=rates, rate2=rates)
def test_memory_bd_matches_dense(c, dt, rate1, rate2):
    """Depolarizing and pure dephasing keep pairs Bell-diagonal (exact); with T1 the result is the
    Bell-diagonal part of the dense output."""
    rho = qc.bell_diagonal(c)
    for model, r1, r2 in ((1, rate1, 0.0), (0, 0.0, rate2), (0, rate1, rate2 + 0.5 * rate1)):
        got = np.empty(4)
        P._memory_bd(c, dt, model, r1, r2, got)
        dense = c128(rho).copy()
        P._memory_4x4(dense, dt, model, r1, r2)
        np.testing.assert_allclose(got, qc.twirl(dense, validate=False), atol=ATOL)
        if r1 == 0.0 or model == 1:  # exact
            np.testing.assert_allclose(qc.bell_diagonal(got), dense, atol=ATOL)
