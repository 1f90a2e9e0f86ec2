"""Bures, Hellinger, relative entropy, mutual information and conditional entropy against closed
forms; the zero-qubit edge cases of partial_trace / partial_transpose; and their invariants.

References
----------
[NC]   M. A. Nielsen and I. L. Chuang, *Quantum Computation and Quantum Information*, 10th
       anniversary ed. (2010): Bures/angle eqs. 9.53 and 9.74, Fuchs-van de Graaf eq. 9.110,
       relative entropy Sec. 11.3.1 (Klein's inequality, Thm. 11.7), mutual information and
       conditional entropy Sec. 11.3.2, monotonicity of relative entropy Thm. 11.15.
[FvdG] C. A. Fuchs and J. van de Graaf, IEEE Trans. Inf. Theory 45, 1216 (1999).
[SIOR] D. Spehner, F. Illuminati, M. Orszag and W. Roga, arXiv:1611.03449 (Hellinger distance
       ``sqrt(2 - 2 tr(sqrt(rho) sqrt(sigma)))``, the definition of QuTiP's hellinger_dist).
[HOT]  F. Hiai, M. Ohya and M. Tsukada, Pacific J. Math. 96, 99 (1981): quantum Pinsker
       inequality ``S(rho||sigma) >= ||rho - sigma||_1**2 / 2`` in nats.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import qnet_core as qc
from qnet_core.metrics import (bures_angle, bures_distance, conditional_entropy, hellinger_distance,
                               mutual_information, relative_entropy)
from qnet_core.testing import density_matrices

ATOL = 1e-9


def _sqrtm(rho):
    w, v = np.linalg.eigh(rho)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.conj().T


def _diag(*p):
    return np.diag(np.asarray(p, dtype=float)).astype(complex)


def _ghz(n):
    psi = np.zeros(2**n, dtype=complex)
    psi[0] = psi[-1] = 1 / math.sqrt(2)
    return np.outer(psi, psi.conj())


# ------------------------------------------------------------------------- Bures / Hellinger
def test_bures_of_commuting_states_is_classical():
    """Diagonal states: sqrt(F) = sum sqrt(p_i q_i) (the Bhattacharyya coefficient) [NC 9.53]."""
    p, q = np.array([0.7, 0.1, 0.2, 0.0]), np.array([0.25, 0.25, 0.25, 0.25])
    bc = np.sum(np.sqrt(p * q))
    assert np.isclose(bures_distance(_diag(*p), _diag(*q)), math.sqrt(2 * (1 - bc)), atol=ATOL)
    assert np.isclose(bures_angle(_diag(*p), _diag(*q)), math.acos(bc), atol=ATOL)
    # For commuting states Hellinger and Bures coincide.
    assert np.isclose(hellinger_distance(_diag(*p), _diag(*q)), math.sqrt(2 * (1 - bc)), atol=ATOL)


@pytest.mark.parametrize("seed", range(4))
def test_pure_state_closed_forms(seed):
    """Pure states: sqrt(F) = |<psi|phi>|, sqrt(rho) = rho, so H = sqrt(2 - 2 |<psi|phi>|**2)."""
    psi, phi = qc.random_ket(2, seed), qc.random_ket(2, seed + 10)
    ov = abs(np.vdot(psi, phi))
    a, b = qc.ket_to_dm(psi), qc.ket_to_dm(phi)
    assert np.isclose(bures_distance(a, b), math.sqrt(2 * (1 - ov)), atol=ATOL)
    assert np.isclose(bures_angle(a, b), math.acos(ov), atol=1e-7)
    assert np.isclose(hellinger_distance(a, b), math.sqrt(2 - 2 * ov**2), atol=ATOL)
    # sigma may be passed as a ket, as for fidelity().
    assert np.isclose(bures_distance(a, phi), bures_distance(a, b), atol=ATOL)
    assert np.isclose(hellinger_distance(a, phi), hellinger_distance(a, b), atol=ATOL)


def test_bures_extremes():
    zero, one = qc.basis_state("0"), qc.basis_state("1")
    assert np.isclose(bures_distance(zero, one), math.sqrt(2))
    assert np.isclose(bures_angle(zero, one), math.pi / 2)
    assert np.isclose(hellinger_distance(zero, one), math.sqrt(2))
    # Werner state with F = 0.81 against its Bell state: D_B = sqrt(2 (1 - 0.9)).
    assert np.isclose(bures_distance(qc.werner(0.81), qc.bell_ket()), math.sqrt(0.2), atol=ATOL)


def test_hellinger_mixed_against_pure():
    """tr(sqrt(|psi><psi|) sqrt(sigma)) = <psi|sqrt(sigma)|psi>."""
    sigma = qc.random_density_matrix(2, 3)
    psi = qc.random_ket(2, 4)
    expected = math.sqrt(2 - 2 * np.real(np.vdot(psi, _sqrtm(sigma) @ psi)))
    assert np.isclose(hellinger_distance(qc.ket_to_dm(psi), sigma), expected, atol=ATOL)


def test_batches_broadcast():
    a = np.stack([qc.random_density_matrix(1, s) for s in range(3)])
    b = qc.random_density_matrix(1, 7)
    for f in (bures_distance, bures_angle, hellinger_distance, relative_entropy):
        out = f(a, b)
        assert out.shape == (3,)
        assert np.allclose(out, [f(x, b) for x in a], atol=1e-12)


@given(density_matrices(2), density_matrices(2))
def test_distances_symmetric_bounded_and_ordered(a, b):
    for f, top in ((bures_distance, math.sqrt(2)), (hellinger_distance, math.sqrt(2)), (bures_angle, math.pi / 2)):
        v = f(a, b)
        assert -1e-12 <= v <= top + 1e-12
        assert np.isclose(v, f(b, a), atol=1e-6)
    # Hellinger >= Bures because tr(sqrt(a) sqrt(b)) <= ||sqrt(a) sqrt(b)||_1 = sqrt(F). Compare
    # squares, to 1e-7: a rounding-sized eigenvalue eps of a rank-deficient state enters the
    # matrix square roots as sqrt(eps) ~ 1e-8 (both metrics are that ill-conditioned there).
    assert hellinger_distance(a, b) ** 2 >= bures_distance(a, b) ** 2 - 1e-7
    # Hellinger is the Hilbert-Schmidt distance of the square roots.
    assert np.isclose(hellinger_distance(a, b) ** 2, np.linalg.norm(_sqrtm(a) - _sqrtm(b)) ** 2, atol=1e-7)


@given(density_matrices(2), density_matrices(2))
def test_fuchs_van_de_graaf(a, b):
    """1 - sqrt(F) <= T <= sqrt(1 - F) [FvdG; NC eq. 9.110], with 1 - sqrt(F) = D_B**2 / 2."""
    T = qc.trace_distance(a, b)
    F = qc.fidelity(a, b)
    DB = bures_distance(a, b)
    assert np.isclose(1 - math.sqrt(F), DB**2 / 2, atol=1e-9)
    assert DB**2 / 2 <= T + 1e-7
    assert T <= math.sqrt(max(0.0, 1 - F)) + 1e-7
    assert np.isclose(math.cos(bures_angle(a, b)) ** 2, F, atol=1e-7)


@given(density_matrices((1, 2)))
def test_zero_on_identical_inputs(rho):
    # The squared distances are 2 (1 - sum of square roots of eigenvalues); rounding-sized
    # eigenvalues eps of rank-deficient states contribute sqrt(eps) ~ 1e-8 each.
    assert bures_distance(rho, rho) ** 2 < 1e-7
    assert hellinger_distance(rho, rho) ** 2 < 1e-7
    assert bures_angle(rho, rho) ** 2 < 1e-7
    assert relative_entropy(rho, rho) < 1e-9  # rank-deficient rho: the zero eigenvalues must cancel


@given(density_matrices(1), density_matrices(1), density_matrices(1))
def test_bures_angle_triangle_inequality(a, b, c):
    assert bures_angle(a, c) <= bures_angle(a, b) + bures_angle(b, c) + 1e-5
    assert hellinger_distance(a, c) <= hellinger_distance(a, b) + hellinger_distance(b, c) + 1e-5


# ------------------------------------------------------------------------- relative entropy
def test_relative_entropy_to_maximally_mixed():
    """S(rho || I/d) = log2 d - S(rho)."""
    rho = qc.random_density_matrix(2, 5)
    assert np.isclose(relative_entropy(rho, qc.maximally_mixed(2)), 2 - qc.entropy(rho), atol=ATOL)


def test_relative_entropy_classical_kl_and_base():
    p, q = np.array([0.5, 0.5]), np.array([0.9, 0.1])
    kl_nats = float(np.sum(p * np.log(p / q)))
    assert np.isclose(relative_entropy(_diag(*p), _diag(*q), base=math.e), kl_nats, atol=ATOL)
    assert np.isclose(relative_entropy(_diag(*p), _diag(*q)), kl_nats / math.log(2), atol=ATOL)
    assert np.isclose(relative_entropy(_diag(*p), _diag(*q), base=10), kl_nats / math.log(10), atol=ATOL)


def test_relative_entropy_support_rules():
    """+inf iff supp(rho) is not inside supp(sigma); zero eigenvalues of rho contribute 0 log 0 = 0."""
    zero, plus = qc.basis_state("0"), qc.ket_to_dm(np.array([1, 1]) / math.sqrt(2))
    assert relative_entropy(plus, zero) == math.inf
    assert relative_entropy(qc.maximally_mixed(1), zero) == math.inf
    # supp(rho) inside supp(sigma), sigma rank deficient: finite.
    sigma = _diag(0.5, 0.5, 0, 0)
    assert np.isclose(relative_entropy(qc.basis_state("00"), sigma), 1.0, atol=ATOL)
    assert np.isclose(relative_entropy(_diag(0.5, 0.5, 0, 0), sigma), 0.0, atol=ATOL)
    # Pure rho against full-rank sigma: -<psi| log2 sigma |psi> (S(rho) = 0).
    s = qc.random_density_matrix(1, 2)
    w, v = np.linalg.eigh(s)
    log_s = (v * np.log2(w)) @ v.conj().T
    assert np.isclose(relative_entropy(zero, s), -np.real(log_s[0, 0]), atol=ATOL)
    # Batches mix finite and infinite entries.
    out = relative_entropy(np.stack([zero, plus]), zero)
    assert out[0] == 0.0 and out[1] == math.inf


@given(density_matrices(2), density_matrices(2))
def test_relative_entropy_klein_pinsker_monotone(a, b):
    S = relative_entropy(a, b, base=math.e)
    assert S >= 0.0
    if math.isfinite(S):
        # Quantum Pinsker [HOT]: S >= ||a - b||_1**2 / 2 = 2 T**2 (nats).
        assert S >= 2 * qc.trace_distance(a, b) ** 2 - 1e-7
        # Monotone under the partial trace [NC Thm. 11.15].
        Sa = relative_entropy(qc.partial_trace(a, [0]), qc.partial_trace(b, [0]), base=math.e)
        assert Sa <= S + 1e-7


# ------------------------------------------------------------------------- mutual information
def test_mutual_information_closed_forms():
    assert np.isclose(mutual_information(qc.bell_state(), [0]), 2.0, atol=ATOL)
    prod = qc.tensor(qc.random_density_matrix(1, 1), qc.random_density_matrix(1, 2))
    assert np.isclose(mutual_information(prod, [1]), 0.0, atol=1e-9)
    # Werner state: reduced states are I/2, so I = 2 - S(rho) with spectrum (F, (1-F)/3 x3).
    F = 0.8
    S = -(F * math.log2(F) + (1 - F) * math.log2((1 - F) / 3))
    assert np.isclose(mutual_information(qc.werner(F), [0]), 2 - S, atol=ATOL)
    # GHZ: I(A:BC) = 1 + 1 - 0 = 2; after tracing C, I(A:B) = 1 + 1 - 1 = 1 (classical correlation).
    ghz = _ghz(3)
    assert np.isclose(mutual_information(ghz, [0]), 2.0, atol=ATOL)
    assert np.isclose(mutual_information(ghz, [1, 2]), 2.0, atol=ATOL)
    assert np.isclose(mutual_information(qc.partial_trace(ghz, [0, 1]), [0]), 1.0, atol=ATOL)
    # Nats.
    assert np.isclose(mutual_information(qc.bell_state(), [1], base=math.e), 2 * math.log(2), atol=ATOL)


def test_mutual_information_trivial_bipartitions():
    rho = qc.random_density_matrix(2, 9)
    assert mutual_information(rho, []) == 0.0
    assert mutual_information(rho, [0, 1]) == 0.0
    assert np.array_equal(mutual_information(np.stack([rho, rho]), []), np.zeros(2))


@given(density_matrices(3), st.sampled_from([[0], [1], [2], [0, 2], [1, 2]]))
def test_mutual_information_properties(rho, A):
    B = [q for q in range(3) if q not in A]
    I = mutual_information(rho, A)
    assert 0.0 <= I <= 2 * min(len(A), len(B)) + 1e-9
    assert np.isclose(I, mutual_information(rho, B), atol=1e-9)  # symmetric in A <-> B
    # I(A:B) = S(rho_AB || rho_A (x) rho_B) [NC Sec. 11.3.2], in qubit order A + B.
    rho_ab = qc.permute_qubits(rho, A + B)
    prod = qc.tensor(qc.partial_trace(rho, A), qc.partial_trace(rho, B))
    assert np.isclose(I, relative_entropy(rho_ab, prod), atol=1e-6)


# ------------------------------------------------------------------------- conditional entropy
def test_conditional_entropy_closed_forms():
    assert np.isclose(conditional_entropy(qc.bell_state(), [1]), -1.0, atol=ATOL)
    classical = _diag(0.5, 0, 0, 0.5)
    assert np.isclose(conditional_entropy(classical, [0]), 0.0, atol=ATOL)
    a, b = qc.random_density_matrix(1, 1), qc.random_density_matrix(1, 2)
    assert np.isclose(conditional_entropy(qc.tensor(a, b), [1]), qc.entropy(a), atol=1e-9)
    rho = qc.random_density_matrix(2, 3)
    assert np.isclose(conditional_entropy(rho, []), qc.entropy(rho), atol=1e-12)
    assert conditional_entropy(rho, [0, 1]) == 0.0
    assert np.isclose(conditional_entropy(qc.bell_state(), [0], base=4), -0.5, atol=ATOL)


@given(density_matrices(2), st.sampled_from([[0], [1]]))
def test_conditional_entropy_properties(rho, B):
    A = [q for q in range(2) if q not in B]
    S = conditional_entropy(rho, B)
    assert -1 - 1e-9 <= S <= 1 + 1e-9
    assert np.isclose(S, qc.entropy(rho) - qc.entropy(qc.partial_trace(rho, B)), atol=1e-9)
    # S(A|B) = S(A) - I(A:B).
    assert np.isclose(S, qc.entropy(qc.partial_trace(rho, A)) - mutual_information(rho, A), atol=1e-9)


def test_entropy_base_keyword():
    rho = qc.maximally_mixed(2)
    assert np.isclose(qc.entropy(rho), 2.0)
    assert np.isclose(qc.entropy(rho, base=math.e), 2 * math.log(2))
    assert np.isclose(qc.entropy(rho, base=4), 1.0)


# ------------------------------------------------------------------------- zero-qubit edge cases
@given(density_matrices((1, 3), batch=2))
def test_partial_trace_over_everything_is_the_trace(rho):
    out = qc.partial_trace(rho, [])
    assert out.shape == (2, 1, 1)
    assert np.allclose(out[:, 0, 0], np.trace(rho, axis1=-2, axis2=-1), atol=1e-12)
    # Consistent with tracing in two steps.
    assert np.allclose(qc.partial_trace(qc.partial_trace(rho, [0]), []), out, atol=1e-12)
    assert np.allclose(qc.partial_trace(rho, ()), out)


def test_partial_trace_zero_qubit_state():
    one = np.ones((1, 1))
    assert np.array_equal(qc.partial_trace(one, []), one.astype(complex))
    assert abs(qc.entropy(qc.partial_trace(qc.bell_state(), []))) < 1e-12


@given(density_matrices((1, 3)))
def test_partial_transpose_of_no_qubits_is_identity(rho):
    out = qc.partial_transpose(rho, [])
    assert np.array_equal(out, rho)
    assert out is not rho  # a copy, like every other result
    n = qc.num_qubits(rho)
    assert np.allclose(qc.partial_transpose(rho, range(n)), rho.T)


def test_negativity_unchanged_by_empty_transpose():
    """N is defined with a partial transpose; the empty one gives trace norm 1 and N = 0."""
    pt = qc.partial_transpose(qc.bell_state(), ())
    assert np.isclose(np.abs(np.linalg.eigvalsh(pt)).sum(), 1.0)
