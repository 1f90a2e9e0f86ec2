"""Channel metrics (process / average gate fidelity, unitarity, diamond norm) against closed forms,
exact 2-design averages and a brute-force optimization; their invariants; bad input.

References
----------
[GLN05] A. Gilchrist, N. K. Langford and M. A. Nielsen, PRA 71, 062310 (2005): process fidelity
        as the fidelity of Choi states.
[Nie02] M. A. Nielsen, Phys. Lett. A 303, 249 (2002): F_avg = (d F_pro + 1) / (d + 1).
[DCEL09] C. Dankert, R. Cleve, J. Emerson and E. Livine, PRA 80, 012304 (2009): the six
        single-qubit stabilizer states form a 2-design, so they average quadratic functions of
        |psi><psi| exactly as the Haar measure does.
[WGHF15] J. J. Wallman, C. Granade, R. Harper and S. T. Flammia, New J. Phys. 17, 113020 (2015):
        unitarity, eq. (2) and Prop. 1.
[Wat12] J. Watrous, Chicago J. Theor. Comput. Sci. 2013, 8 (arXiv:1207.5726): the diamond-norm SDP.
[TQI]   J. Watrous, The Theory of Quantum Information (2018), Sec. 3.3: the completely bounded
        trace norm; pure inputs on system (x) ancilla attain it for Hermiticity-preserving maps;
        the transpose map on M_d has trace norm 1 but diamond norm d; ||Phi|| = ||Phi^*(I)||
        for completely positive Phi.
[AKN98] D. Aharonov, A. Kitaev and N. Nisan, STOC 1998 (arXiv:quant-ph/9806029), and
[JKP09] N. Johnston, D. W. Kribs and V. I. Paulsen, QIC 9, 16 (2009) (arXiv:0711.3636):
        ||U.U^dag - V.V^dag|| = 2 sqrt(1 - dist(0, numerical range of U^dag V)**2).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from scipy.optimize import minimize

import qnet_core as qc
from channels import (Channel, amplitude_damping, bit_flip, depolarizing, generalized_amplitude_damping,
                      pauli_channel, phase_flip, rotation_error)
from channels.metrics import (DiamondNormBounds, average_gate_fidelity, diamond_norm, diamond_norm_bounds,
                              process_fidelity, unitarity)
from qnet_core.errors import ChannelError, DimensionError, ParameterError
from qnet_core.gates import CNOT, H, X, Z, rz
from qnet_core.testing import kraus_channels, unitaries

I1, I2 = Channel.identity(1), Channel.identity(2)
PROBS = [0.0, 0.05, 0.3, 1.0]


def _stabilizer_states():
    s = 1 / math.sqrt(2)
    kets = [(1, 0), (0, 1), (s, s), (s, -s), (s, 1j * s), (s, -1j * s)]
    return [np.outer(k, np.conj(k)) for k in np.array(kets, dtype=complex)]


STAB = _stabilizer_states()


def _apply(ch, rho):
    return np.einsum("kij,jl,kml->im", ch.kraus, rho, ch.kraus.conj())


# ------------------------------------------------------------------------- process fidelity
@pytest.mark.parametrize("p", PROBS)
def test_process_fidelity_pauli_channels(p):
    """A Pauli channel's process fidelity to the identity is its identity weight p_I."""
    assert np.isclose(process_fidelity(depolarizing(p)), 1 - 3 * p / 4, atol=1e-12)
    assert np.isclose(process_fidelity(depolarizing(p, 2)), 1 - p + p / 16, atol=1e-12)
    assert np.isclose(process_fidelity(phase_flip(p)), 1 - p, atol=1e-12)
    assert np.isclose(process_fidelity(pauli_channel(p / 4, p / 2, p / 4)), 1 - p, atol=1e-12)
    # ... and to the Pauli Z, the weight of Z.
    assert np.isclose(process_fidelity(phase_flip(p), Z), p, atol=1e-12)


@pytest.mark.parametrize("theta", [0.0, 0.4, math.pi / 2, math.pi, 5.0])
def test_process_fidelity_rotation(theta):
    """|tr Rz(theta)|**2 / 4 = cos(theta/2)**2."""
    assert np.isclose(process_fidelity(rotation_error(theta, "z")), math.cos(theta / 2) ** 2, atol=1e-12)
    assert np.isclose(process_fidelity(Channel.from_unitary(rz(theta)), rz(theta)), 1.0, atol=1e-12)


@pytest.mark.parametrize("gamma", PROBS)
def test_process_fidelity_amplitude_damping(gamma):
    """Only K0 = diag(1, sqrt(1-g)) has a trace: F = (1 + sqrt(1-g))**2 / 4."""
    assert np.isclose(process_fidelity(amplitude_damping(gamma)), (1 + math.sqrt(1 - gamma)) ** 2 / 4, atol=1e-12)


def test_process_fidelity_targets_in_every_form():
    ch = amplitude_damping(0.2).then(Channel.from_unitary(H))
    ref = sum(abs(np.trace(H.conj().T @ k)) ** 2 for k in ch.kraus) / 4  # sum_k |tr(U^dag K_k)|^2 / d^2
    for target in (H, H[None], Channel.from_unitary(H), [H]):
        assert np.isclose(process_fidelity(ch, target), ref, atol=1e-12)
    assert np.isclose(process_fidelity(ch.kraus, H), ref, atol=1e-12)


@settings(max_examples=15)
@given(kraus_channels(1), kraus_channels(1))
def test_process_fidelity_is_choi_state_fidelity(ka, kb):
    """[GLN05]: F_pro(E, F) = F(J(E)/d, J(F)/d), symmetric, in [0, 1], 1 on equal channels."""
    a, b = Channel(ka), Channel(kb)
    ref = qc.fidelity(a.choi() / 2, b.choi() / 2)
    f = process_fidelity(a, b)
    assert 0.0 <= f <= 1.0
    assert np.isclose(f, ref, atol=1e-7)
    assert np.isclose(f, process_fidelity(b, a), atol=1e-7)
    assert np.isclose(process_fidelity(a, a), 1.0, atol=1e-7)


@settings(max_examples=15)
@given(kraus_channels(1), unitaries(1))
def test_process_fidelity_unitary_covariance(k, U):
    """F_pro(U o E, U) = F_pro(E, identity)."""
    ch = Channel(k)
    assert np.isclose(process_fidelity(ch.then(Channel.from_unitary(U)), U), process_fidelity(ch), atol=1e-9)


# ------------------------------------------------------------------------- average gate fidelity
@pytest.mark.parametrize("p", PROBS)
def test_average_gate_fidelity_closed_forms(p):
    assert np.isclose(average_gate_fidelity(depolarizing(p)), 1 - p / 2, atol=1e-12)
    s = math.sqrt(1 - p)
    assert np.isclose(average_gate_fidelity(amplitude_damping(p)), 0.5 + s / 3 + s * s / 6, atol=1e-12)
    # Two qubits: (4 F_pro + 1) / 5 with F_pro = 1 - 15 p / 16.
    assert np.isclose(average_gate_fidelity(depolarizing(p, 2)), (4 * (1 - 15 * p / 16) + 1) / 5, atol=1e-12)


@settings(max_examples=15)
@given(kraus_channels(1), unitaries(1))
def test_average_gate_fidelity_is_the_2_design_average(k, U):
    """[Nie02] against the exact average over the six stabilizer states [DCEL09]."""
    ch = Channel(k)
    ref = np.mean([np.real(np.trace(rho @ U.conj().T @ _apply(ch, rho) @ U)) for rho in STAB])
    assert np.isclose(average_gate_fidelity(ch, U), ref, atol=1e-12)
    assert 1 / 3 - 1e-12 <= average_gate_fidelity(ch, U) <= 1 + 1e-12


def test_average_gate_fidelity_two_qubit_gate():
    """A CNOT applied when the identity was wanted: |tr CNOT|**2 / 16 = 1/4, F_avg = 2/5."""
    assert np.isclose(average_gate_fidelity(Channel.from_unitary(CNOT)), 0.4, atol=1e-12)
    assert np.isclose(average_gate_fidelity(Channel.from_unitary(CNOT), Channel.from_unitary(CNOT)), 1.0)


# ------------------------------------------------------------------------- unitarity
@pytest.mark.parametrize("p", PROBS)
def test_unitarity_closed_forms(p):
    """Unital block of the PTM [WGHF15]: depolarizing (1-p) I, dephasing diag(1-2p, 1-2p, 1),
    amplitude damping diag(sqrt(1-g), sqrt(1-g), 1-g)."""
    assert np.isclose(unitarity(depolarizing(p)), (1 - p) ** 2, atol=1e-12)
    assert np.isclose(unitarity(depolarizing(p, 2)), (1 - p) ** 2, atol=1e-12)
    assert np.isclose(unitarity(phase_flip(p)), (1 + 2 * (1 - 2 * p) ** 2) / 3, atol=1e-12)
    assert np.isclose(unitarity(amplitude_damping(p)), (2 * (1 - p) + (1 - p) ** 2) / 3, atol=1e-12)


@settings(max_examples=15)
@given(kraus_channels(1), unitaries(1), unitaries(1))
def test_unitarity_definition_and_invariance(k, U, V):
    """u = d/(d-1) avg_psi tr[(E(psi) - E(I/d))**2] [WGHF15, eq. 1], exact on the 2-design;
    insensitive to unitaries before and after; u >= ((d**2 F_pro - 1)/(d**2 - 1))**2 (Cauchy-Schwarz
    on the unital block, whose trace is d**2 F_pro - 1)."""
    ch = Channel(k)
    mid = _apply(ch, np.eye(2) / 2)
    ref = 2 * np.mean([np.real(np.trace((_apply(ch, r) - mid) @ (_apply(ch, r) - mid))) for r in STAB])
    u = unitarity(ch)
    assert np.isclose(u, ref, atol=1e-12)
    assert 0 <= u <= 1 + 1e-12
    dressed = Channel.from_unitary(U).then(ch).then(Channel.from_unitary(V))
    assert np.isclose(unitarity(dressed), u, atol=1e-10)
    assert u >= ((4 * process_fidelity(ch) - 1) / 3) ** 2 - 1e-12


@settings(max_examples=10)
@given(unitaries(2))
def test_unitarity_of_unitaries_is_one(U):
    assert np.isclose(unitarity(Channel.from_unitary(U)), 1.0, atol=1e-12)


# ------------------------------------------------------------------------- diamond norm: closed forms
@pytest.mark.parametrize("method", ["auto", "sdp"])
@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 1.0])
def test_diamond_depolarizing_and_dephasing(method, p):
    """Pauli channels: ||E_p - E_q|| = sum_a |p_a - q_a|. Depolarizing rho -> (1-p) rho + p I/2
    has Pauli weights (1 - 3p/4, p/4, p/4, p/4): distance 3p/2 from the identity; dephasing
    with probability p: 2p."""
    assert np.isclose(diamond_norm(depolarizing(p), I1, method=method), 1.5 * p, atol=1e-7)
    assert np.isclose(diamond_norm(phase_flip(p), I1, method=method), 2 * p, atol=1e-7)
    assert np.isclose(diamond_norm(phase_flip(p), bit_flip(p), method=method), 2 * p, atol=1e-7)


def test_diamond_two_qubit_depolarizing():
    """2 p (1 - 1/d**2) on m qubits (Pauli weights 1 - p + p/d**2 and p/d**2 (d**2 - 1 times))."""
    p = 0.2
    assert np.isclose(diamond_norm(depolarizing(p, 2), I2), 2 * p * 15 / 16, atol=1e-12)
    b = diamond_norm_bounds(depolarizing(p, 2), I2, method="sdp")
    assert b.method == "sdp" and b.lower <= 2 * p * 15 / 16 + 1e-12 <= b.upper + 2e-12 and b.gap < 1e-7


@pytest.mark.parametrize("method", ["auto", "sdp"])
@pytest.mark.parametrize("theta", [0.0, 0.3, math.pi / 2, 2.5, math.pi, 4.0, 2 * math.pi])
def test_diamond_rotation_vs_identity(method, theta):
    """[AKN98], [JKP09]: Rz(theta) against the identity is 2 |sin(theta / 2)|."""
    v = diamond_norm(Channel.from_unitary(rz(theta)), I1, method=method)
    assert np.isclose(v, 2 * abs(math.sin(theta / 2)), atol=1e-7)


def test_diamond_unitary_numerical_range():
    """Eigenphases of U^dag V spanning more than pi: the hull holds 0, so the distance is 2
    (perfect discrimination); U = diag(1, i, -1) on a qubit pair padded to 4 dims."""
    U = np.diag(np.exp(1j * np.array([0.0, 2.2, 4.4, 0.0])))
    assert np.isclose(diamond_norm(Channel.from_unitary(U), I2), 2.0)
    W = np.diag(np.exp(1j * np.array([0.0, 0.5, 1.0, 0.2])))  # arc 1.0: 2 sin(0.5)
    assert np.isclose(diamond_norm(Channel.from_unitary(W), I2), 2 * math.sin(0.5), atol=1e-12)
    # Three qubits: closed form, no SDP needed; global phases do not matter.
    assert np.isclose(diamond_norm(Channel.from_unitary(np.exp(0.7j) * np.kron(np.eye(4), rz(1.0))),
                                   Channel.identity(3)), 2 * math.sin(0.5), atol=1e-12)


@pytest.mark.parametrize("gamma", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_diamond_amplitude_damping_vs_identity(gamma):
    """||A_g - id|| = 2 g. Derivation: A_g commutes with Z rotations, so by convexity of the
    SDP an optimal input has a diagonal reduced state, psi = sqrt(1-a)|00> + sqrt(a)|11>. The
    output difference has trace norm a g + sqrt(a**2 g**2 + 4 a (1-a) k**2), k = 1 - sqrt(1-g),
    which is <= 2 g because a k**2 <= g**2; a = 1 (the product input |1>) attains 2 g."""
    b = diamond_norm_bounds(amplitude_damping(gamma), I1)
    assert b.method == ("zero" if gamma == 0 else "sdp")
    assert b.lower <= b.upper and np.isclose(b.value, 2 * gamma, atol=1e-7)


def test_diamond_single_channel_and_cp_maps():
    """||E|| = 1 for a channel; ||Phi|| = ||Tr_out J||_inf for completely positive Phi [TQI Sec. 3.3]."""
    assert diamond_norm(amplitude_damping(0.3)) == 1.0
    assert np.isclose(diamond_norm(amplitude_damping(0.3), method="sdp"), 1.0, atol=1e-7)
    J = 2.5 * amplitude_damping(0.3).choi()
    assert np.isclose(diamond_norm(J, rep="choi"), 2.5, atol=1e-12)
    assert np.isclose(diamond_norm(J, rep="choi", method="sdp"), 2.5, atol=1e-7)
    assert np.isclose(diamond_norm(-J, rep="choi"), 2.5, atol=1e-7)  # not CP: goes through the SDP


def test_diamond_transpose_map():
    """The transpose map on M_2 (Choi matrix = SWAP) has trace norm 1 but diamond norm 2 [TQI]."""
    swap = np.eye(4)[[0, 2, 1, 3]]
    b = diamond_norm_bounds(swap, rep="choi")
    assert b.method == "sdp" and np.isclose(b.value, 2.0, atol=1e-7)


def test_diamond_identical_channels_is_exactly_zero():
    ch = generalized_amplitude_damping(0.3, 0.2)
    b = diamond_norm_bounds(ch, Channel(np.array(ch.kraus)))
    assert (b.lower, b.upper, b.method) == (0.0, 0.0, "zero")


# ------------------------------------------------------------------------- diamond norm: numerics
def _output_trace_norm(ka, kb, psi):
    """||((A - B) (x) id)(|psi><psi|)||_1 from the Kraus operators, psi on system (x) ancilla."""
    rho = np.outer(psi, psi.conj())
    out = 0
    for K, sign in ((ka, 1), (kb, -1)):
        for k in K:
            big = np.kron(k, np.eye(k.shape[0]))
            out = out + sign * big @ rho @ big.conj().T
    return float(np.abs(np.linalg.eigvalsh(0.5 * (out + out.conj().T))).sum())


def _brute_force_diamond(ka, kb, restarts=2, seed=0):
    """Reference: maximize the output trace norm over input pure states (BFGS restarts).

    A lower bound by construction; it converges to the diamond norm of a
    Hermiticity-preserving map because pure inputs on system (x) ancilla suffice [TQI].
    """
    d = ka.shape[-1]
    rng = np.random.default_rng(seed)

    def neg(x):
        psi = x[: d * d] + 1j * x[d * d:]
        return -_output_trace_norm(ka, kb, psi / np.linalg.norm(psi))

    best = 0.0
    for _ in range(restarts):
        res = minimize(neg, rng.normal(size=2 * d * d), method="BFGS", options={"gtol": 1e-10})
        best = max(best, -res.fun)
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_diamond_sdp_matches_brute_force(seed):
    ka, kb = qc.random_kraus(1, 2, seed), qc.random_kraus(1, 3, seed + 50)
    b = diamond_norm_bounds(ka, kb)
    brute = _brute_force_diamond(ka, kb, seed=seed)
    assert brute <= b.upper + 1e-9  # the dual bound really is an upper bound
    assert np.isclose(brute, b.value, atol=1e-6)  # and the SDP value is attained


@settings(max_examples=8)
@given(kraus_channels(1), kraus_channels(1), kraus_channels(1))
def test_diamond_metric_properties(ka, kb, kc):
    a, b, c = Channel(ka), Channel(kb), Channel(kc)
    ab, ba = diamond_norm_bounds(a, b), diamond_norm_bounds(b, a)
    bc, ac = diamond_norm_bounds(b, c), diamond_norm_bounds(a, c)
    for x in (ab, ba, bc, ac):
        assert x.lower <= x.upper + 1e-12 and x.gap <= 2e-8 and -1e-12 <= x.lower and x.upper <= 2 + 1e-8
    assert np.isclose(ab.value, ba.value, atol=2e-8)                      # symmetric
    assert ac.lower <= ab.upper + bc.upper + 1e-12                          # triangle inequality
    # At least the trace norm on the maximally entangled input, ||J_a - J_b||_1 / d, and on |0>.
    assert np.abs(np.linalg.eigvalsh(a.choi() - b.choi())).sum() / 2 <= ab.upper + 1e-9
    zero = qc.basis_state("0")
    assert np.abs(np.linalg.eigvalsh(_apply(a, zero) - _apply(b, zero))).sum() <= ab.upper + 1e-9


@settings(max_examples=10)
@given(kraus_channels(1), unitaries(1))
def test_diamond_bounded_below_by_process_infidelity(k, U):
    """||E - U|| >= 2 T(J_E/d, J_U/d) >= 2 (1 - F_pro(E, U)) (trace distance to a pure Choi state)."""
    ch = Channel(k)
    assert diamond_norm_bounds(ch, Channel.from_unitary(U)).upper >= 2 * (1 - process_fidelity(ch, U)) - 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_diamond_sdp_agrees_with_closed_forms_on_random_unitaries_and_pauli_channels(seed):
    U, V = Channel.from_unitary(qc.random_unitary(1, seed)), Channel.from_unitary(qc.random_unitary(1, seed + 9))
    closed = diamond_norm_bounds(U, V)
    sdp = diamond_norm_bounds(U, V, method="sdp")
    assert closed.method == "unitary" and sdp.lower - 1e-9 <= closed.value <= sdp.upper + 1e-9
    p, q = np.random.default_rng(seed).dirichlet(np.ones(4), size=2)
    P, Q = pauli_channel(*p[1:]), pauli_channel(*q[1:])
    closed = diamond_norm_bounds(P, Q)
    assert closed.method == "pauli" and np.isclose(closed.value, np.abs(p - q).sum(), atol=1e-12)
    sdp = diamond_norm_bounds(P, Q, method="sdp")
    assert sdp.lower - 1e-9 <= closed.value <= sdp.upper + 1e-9


def test_diamond_two_qubit_sdp_non_pauli():
    """A (x) R with A = amplitude damping(0.3), R = Rx(0.4), against the identity. Bounds:
    tracing out the second qubit of the input |1> (x) sigma shows ||A (x) R - id|| >= ||A - id||
    = 0.6, and A (x) R - id = (A - id) (x) R + id (x) (R - id) with ||X (x) channel|| = ||X||
    gives ||A (x) R - id|| <= 0.6 + 2 sin(0.2)."""
    ch = amplitude_damping(0.3).tensor(rotation_error(0.4, "x"))
    b = diamond_norm_bounds(ch, I2)
    assert b.method == "sdp" and b.gap < 1e-7
    assert 0.6 <= b.lower and b.upper <= 0.6 + 2 * math.sin(0.2)
    J = ch.choi() - I2.choi()
    assert np.abs(np.linalg.eigvalsh(J)).sum() / 4 <= b.upper + 1e-9  # maximally entangled input


def test_diamond_warns_when_tolerance_is_unreachable():
    with pytest.warns(RuntimeWarning, match=r"diamond_norm\(\): the SDP stopped with bounds"):
        v = diamond_norm(amplitude_damping(0.3), I1, tol=1e-300)
    assert np.isclose(v, 0.6, atol=1e-7)


def test_bounds_result_type():
    b = diamond_norm_bounds(depolarizing(0.2), I1)
    assert isinstance(b, DiamondNormBounds) and b.method == "pauli" and b.value == b.lower == b.upper
    with pytest.raises(AttributeError):
        b.lower = 0.0


# ------------------------------------------------------------------------- bad input
def test_channel_arguments_are_validated():
    with pytest.raises(ChannelError, match=r"process_fidelity\(\): channel is not trace preserving"):
        process_fidelity(0.5 * np.eye(2)[None])
    with pytest.raises(ChannelError, match=r"unitarity\(\): channel is None"):
        unitarity(None)
    with pytest.raises(DimensionError, match=r"unitarity\(\): channel must be a numeric array"):
        unitarity("depolarizing")
    with pytest.raises(DimensionError, match=r"average_gate_fidelity\(\): channel has shape \(2, 2, 3\)"):
        average_gate_fidelity(np.ones((2, 2, 3)))
    msg = r"process_fidelity\(\): channel acts on 1 qubit\(s\) but target acts on 2"
    with pytest.raises(DimensionError, match=msg):
        process_fidelity(depolarizing(0.1), CNOT)
    with pytest.raises(ChannelError, match=r"average_gate_fidelity\(\): target is not trace preserving"):
        average_gate_fidelity(depolarizing(0.1), [[1, 1], [0, 1]])


def test_average_gate_fidelity_needs_a_unitary_target():
    with pytest.raises(ChannelError, match=r"average_gate_fidelity\(\): target is not a unitary channel"):
        average_gate_fidelity(depolarizing(0.1), depolarizing(0.2))
    # A unitary given as a Channel with zero-weight extra Kraus operators is still unitary.
    padded = Channel(np.array([X, 0 * X]))
    assert np.isclose(average_gate_fidelity(Channel.from_unitary(X), padded), 1.0)


@pytest.mark.parametrize("fn", [diamond_norm, diamond_norm_bounds])
def test_diamond_norm_arguments(fn):
    name = fn.__name__
    with pytest.raises(ParameterError, match=rf"{name}\(\): rep='stinespring' is not supported"):
        fn(I1, rep="stinespring")
    with pytest.raises(ParameterError, match=rf"{name}\(\): method='cvxpy' is not supported"):
        fn(I1, method="cvxpy")
    for tol in (0, -1e-9, math.nan):
        with pytest.raises(ParameterError, match=rf"{name}\(\): tol="):
            fn(I1, tol=tol)
    with pytest.raises(DimensionError, match=rf"{name}\(\): channel_a acts on 1 qubit\(s\) but channel_b acts on 2"):
        fn(I1, I2)
    with pytest.raises(ChannelError, match=rf"{name}\(\): channel_b is not trace preserving"):
        fn(I1, 0.5 * np.eye(2)[None])
    with pytest.raises(ChannelError, match=rf"{name}\(\): channel_a is not Hermitian"):
        fn(np.triu(np.ones((4, 4))), rep="choi")
    with pytest.raises(DimensionError, match=rf"{name}\(\): channel_a has shape \(3, 3\); expected \(4\*\*m, 4\*\*m\)"):
        fn(np.eye(3), rep="choi")


def test_diamond_sdp_size_limit():
    three = depolarizing(0.1).tensor(amplitude_damping(0.2)).tensor(Channel.identity(1))
    msg = r"diamond_norm\(\): the diamond-norm SDP is implemented for maps on at most 2 qubits; got 3"
    with pytest.raises(DimensionError, match=msg):
        diamond_norm(three, Channel.identity(3))
