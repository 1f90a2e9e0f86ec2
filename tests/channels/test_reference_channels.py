"""Catalogue channels against closed forms.

References: Nielsen & Chuang, *Quantum Computation and Quantum Information* (2010), Sec. 8.3
(eqs. 8.85-8.120: bit/phase flip, depolarizing, amplitude damping, generalized amplitude
damping); Watrous, *The Theory of Quantum Information* (2018), eq. 2.66 (Choi matrix).
"""

import math

import numpy as np
import pytest

import qnet_core as qc
from qnet_core.gates import H, X, Y, Z

import channels as ch
from channels import Channel

PHI = qc.bell_ket("phi+")
PS = [0.0, 0.013, 0.1, 0.37, 0.5, 0.9, 1.0]


def fid(rho):
    return float(qc.fidelity(rho, PHI))


@pytest.mark.parametrize("p", PS)
def test_bell_pair_fidelity_under_pauli_noise_on_one_half(p):
    """(I (x) E)|phi+><phi+|: fidelity = weight of the identity Kraus operator (NC 8.3.3)."""
    bell = qc.bell_state()
    assert fid(ch.phase_flip(p).apply(bell, [1])) == pytest.approx(1 - p, abs=1e-12)
    assert fid(ch.bit_flip(p).apply(bell, [0])) == pytest.approx(1 - p, abs=1e-12)
    assert fid(ch.bit_phase_flip(p).apply(bell, [1])) == pytest.approx(1 - p, abs=1e-12)
    assert fid(ch.depolarizing(p).apply(bell, [0])) == pytest.approx(1 - 3 * p / 4, abs=1e-12)
    assert fid(ch.depolarizing_pauli(p).apply(bell, [1])) == pytest.approx(1 - p, abs=1e-12)
    assert fid(ch.depolarizing(p, num_qubits=2).apply(bell)) == pytest.approx(1 - p + p / 4, abs=1e-12)
    # dephasing with coherence factor lambda = 1 - 2p: F = (1 + lambda) / 2 = 1 - p
    lam = 1 - 2 * p
    assert fid(ch.dephasing(p).apply(bell, [0])) == pytest.approx((1 + lam) / 2, abs=1e-12)


@pytest.mark.parametrize("p", PS)
def test_dephasing_both_halves(p):
    """Z errors on both halves cancel in pairs: F = (1-p)**2 + p**2."""
    rho = ch.phase_flip(p).tensor(ch.phase_flip(p)).apply(qc.bell_state())
    assert fid(rho) == pytest.approx((1 - p) ** 2 + p**2, abs=1e-12)
    # the state stays Bell diagonal with weight on phi- only
    c = qc.bell_coefficients(rho)
    np.testing.assert_allclose(c, [(1 - p) ** 2 + p**2, 2 * p * (1 - p), 0, 0], atol=1e-12)


@pytest.mark.parametrize("p", PS)
def test_depolarizing_is_full_replacement(p):
    """rho -> (1-p) rho + p I/d for any rho (NC eq. 8.100)."""
    for m in (1, 2):
        rho = qc.random_density_matrix(m, seed=7)
        want = (1 - p) * rho + p * np.eye(2**m) / 2**m
        np.testing.assert_allclose(ch.depolarizing(p, num_qubits=m).apply(rho), want, atol=1e-12)


def test_pauli_channel_weights():
    rho = qc.random_density_matrix(1, seed=3)
    px, py, pz = 0.1, 0.2, 0.3
    want = 0.4 * rho + px * X @ rho @ X + py * Y @ rho @ Y.conj().T + pz * Z @ rho @ Z
    np.testing.assert_allclose(ch.pauli_channel(px, py, pz).apply(rho), want, atol=1e-12)


@pytest.mark.parametrize("gamma", PS)
def test_amplitude_damping_closed_forms(gamma):
    """NC eq. 8.108: excited population x (1-gamma), coherence x sqrt(1-gamma)."""
    rho = qc.random_density_matrix(1, seed=11)
    out = ch.amplitude_damping(gamma).apply(rho)
    assert out[1, 1].real == pytest.approx((1 - gamma) * rho[1, 1].real, abs=1e-12)
    assert out[0, 1] == pytest.approx(math.sqrt(1 - gamma) * rho[0, 1], abs=1e-12)
    # one half of phi+: F = (1 + sqrt(1-gamma))**2 / 4
    f = fid(ch.amplitude_damping(gamma).apply(qc.bell_state(), [1]))
    assert f == pytest.approx((1 + math.sqrt(1 - gamma)) ** 2 / 4, abs=1e-12)


@pytest.mark.parametrize("gamma,pe", [(0.3, 0.2), (1.0, 0.1), (0.05, 0.5), (0.7, 1.0)])
def test_generalized_amplitude_damping_relaxes_to_thermal_state(gamma, pe):
    """NC eqs. 8.117-8.120: populations relax to diag(1-pe, pe) by the factor 1-gamma."""
    c = ch.generalized_amplitude_damping(gamma, pe)
    thermal = np.diag([1 - pe, pe]).astype(complex)
    np.testing.assert_allclose(c.apply(thermal), thermal, atol=1e-12)
    rho = qc.random_density_matrix(1, seed=5)
    out = c.apply(rho)
    assert out[1, 1].real - pe == pytest.approx((1 - gamma) * (rho[1, 1].real - pe), abs=1e-12)
    assert out[0, 1] == pytest.approx(math.sqrt(1 - gamma) * rho[0, 1], abs=1e-12)


def test_thermal_excited_population():
    """Boltzmann: p_e = 1/(1 + exp(h f / k T)); -> 1/2 at high temperature, 0 at T = 0."""
    h, kB = 6.62607015e-34, 1.380649e-23
    f, T = 5e9, 0.05
    assert ch.thermal_excited_population(f, T) == pytest.approx(1 / (1 + math.exp(h * f / (kB * T))), rel=1e-12)
    assert ch.thermal_excited_population(1e3, 300.0) == pytest.approx(0.5, abs=1e-9)
    assert ch.thermal_excited_population(f, 0.0) == 0.0


# ------------------------------------------------------------------ memory
@pytest.mark.parametrize("t,t1,t2", [(0.5, 1.0, 0.3), (2.0, 10.0, 20.0), (1e-3, math.inf, 5e-3), (3.0, 1.0, 2.0)])
def test_memory_decay_laws(t, t1, t2):
    """Populations decay as exp(-t/T1), coherences as exp(-t/T2)."""
    c = ch.memory(t, t1_s=t1, t2_s=t2)
    assert c.apply(qc.basis_state("1"))[1, 1].real == pytest.approx(math.exp(-t / t1), abs=1e-14)
    plus = 0.5 * np.ones((2, 2))
    assert c.apply(plus)[0, 1].real == pytest.approx(0.5 * math.exp(-t / t2), abs=1e-14)


@pytest.mark.parametrize("t,t2", [(0.0, 1.0), (0.1, 1.0), (1.0, 1.0), (10.0, 2.0)])
def test_memory_bell_pair_fidelity_pure_dephasing(t, t2):
    """T1 = inf: pure dephasing; F = (1 + exp(-t/T2)) / 2 with one half stored, (1 + exp(-2t/T2))/2 with both."""
    c = ch.memory(t, t2_s=t2)
    bell = qc.bell_state()
    assert fid(c.apply(bell, [0])) == pytest.approx((1 + math.exp(-t / t2)) / 2, abs=1e-12)
    assert fid(c.tensor(c).apply(bell)) == pytest.approx((1 + math.exp(-2 * t / t2)) / 2, abs=1e-12)


def test_memory_edge_cases():
    assert ch.memory(0.0, 1.0, 0.5) == Channel.identity(1)
    assert ch.memory(5.0) == Channel.identity(1)
    assert ch.memory(1.0, 2.0, 4.0) == ch.amplitude_damping(1 - math.exp(-0.5))
    assert ch.memory(1.0, math.inf, 2.0) == ch.phase_flip((1 - math.exp(-0.5)) / 2)
    gamma, pz = ch.memory_parameters(1.0, 1.0, 0.5)
    assert gamma == pytest.approx(1 - math.exp(-1.0))
    assert math.sqrt(1 - gamma) * (1 - 2 * pz) == pytest.approx(math.exp(-2.0))
    assert ch.memory(1.0, 1.0, 0.5).num_kraus == 3


def test_depolarizing_memory_netsquid_convention():
    """p = 1 - exp(-t/T) replacement probability (NetSquid DepolarNoiseModel, time-dependent)."""
    t, T = 0.3, 1.2
    p = 1 - math.exp(-t / T)
    rho = qc.random_density_matrix(1, seed=2)
    np.testing.assert_allclose(ch.depolarizing_memory(t, T).apply(rho), (1 - p) * rho + p * np.eye(2) / 2,
                               atol=1e-12)
    assert ch.depolarizing_memory(1.0, math.inf) == Channel.identity(1)


# ------------------------------------------------------------------ unitary errors
def test_rotation_error_jitter_matches_gaussian_average():
    """Average of R(theta + delta) over delta ~ N(0, sigma^2), by Gauss-Hermite quadrature."""
    theta, sigma = 0.3, 0.4
    x, w = np.polynomial.hermite_e.hermegauss(60)
    w = w / w.sum()
    rho = qc.random_density_matrix(1, seed=9)
    for axis, rot in (("x", qc.gates.rx), ("y", qc.gates.ry), ("z", qc.gates.rz)):
        avg = sum(wi * rot(theta + sigma * xi) @ rho @ rot(theta + sigma * xi).conj().T for xi, wi in zip(x, w))
        np.testing.assert_allclose(ch.rotation_error(theta, axis, sigma_rad=sigma).apply(rho), avg, atol=1e-12)


def test_unitary_error_hadamard():
    out = ch.unitary_error(H).apply(qc.basis_state("0"))
    np.testing.assert_allclose(out, 0.5 * np.ones((2, 2)), atol=1e-12)


# ------------------------------------------------------------------ representations of known channels
def test_known_ptms():
    """PTMs (Greenbaum 2015, eq. 10 normalization): depolarizing diag(1, 1-p, 1-p, 1-p);
    dephasing diag(1, 1-2p, 1-2p, 1); amplitude damping has the non-unital entry R[3,0] = gamma."""
    p, g = 0.2, 0.3
    np.testing.assert_allclose(ch.depolarizing(p).ptm(), np.diag([1, 1 - p, 1 - p, 1 - p]), atol=1e-12)
    np.testing.assert_allclose(ch.phase_flip(p).ptm(), np.diag([1, 1 - 2 * p, 1 - 2 * p, 1]), atol=1e-12)
    R = np.diag([1, math.sqrt(1 - g), math.sqrt(1 - g), 1 - g])
    R[3, 0] = g
    np.testing.assert_allclose(ch.amplitude_damping(g).ptm(), R, atol=1e-12)
    np.testing.assert_allclose(Channel.identity(2).ptm(), np.eye(16), atol=1e-12)


def test_choi_of_identity_is_unnormalized_bell_projector():
    """Watrous eq. 2.66: J(id) = sum_ij |i><j| (x) |i><j| = 2 |phi+><phi+|."""
    np.testing.assert_allclose(Channel.identity(1).choi(), 2 * qc.bell_state(), atol=1e-12)
    # fully depolarizing: E(|i><j|) = delta_ij I/2, so J = I/2 (x) I
    np.testing.assert_allclose(ch.depolarizing(1.0).choi(), np.eye(4) / 2, atol=1e-12)


def test_superoperator_of_amplitude_damping():
    g = 0.25
    S = np.array([[1, 0, 0, g], [0, math.sqrt(1 - g), 0, 0], [0, 0, math.sqrt(1 - g), 0], [0, 0, 0, 1 - g]])
    np.testing.assert_allclose(ch.amplitude_damping(g).superoperator(), S, atol=1e-12)
    assert Channel.from_superoperator(S) == ch.amplitude_damping(g)


def test_channel_is_immutable_and_unhashable():
    c = ch.bit_flip(0.1)
    with pytest.raises(AttributeError):
        c.kraus = np.eye(2)[None]
    with pytest.raises(ValueError):
        c.kraus[0, 0, 0] = 2.0
    with pytest.raises(TypeError):
        hash(c)
    assert "bit_flip" in repr(c)
    import pickle
    assert pickle.loads(pickle.dumps(c)) == c


def test_power():
    assert ch.depolarizing(0.1).power(3) == ch.depolarizing(1 - 0.9**3)
    assert ch.bit_flip(0.3).power(0) == Channel.identity(1)


def test_memory_without_t2_is_relaxation_limited():
    """Leaving T2 out means no pure dephasing: the same channel as T2 = 2 T1 (pure amplitude damping)."""
    from channels import amplitude_damping, memory

    t, t1 = 0.3, 1.7
    assert memory(t, t1_s=t1) == memory(t, t1_s=t1, t2_s=2 * t1)
    assert memory(t, t1_s=t1) == amplitude_damping(1 - np.exp(-t / t1))
