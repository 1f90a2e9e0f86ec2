"""Hypothesis invariants of the engine's operations: kernels vs plain-numpy references."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import qnet_core as qc
from qnet_core.testing import assert_density_matrix, density_matrices, kraus_channels, unitaries

from .reference import apply_kraus_ref, embed, embed_kron, partial_trace_ref

seeds = st.integers(0, 2**32 - 1)


@st.composite
def state_and_targets(draw, max_n=4, max_m=3):
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, min(n, max_m)))
    targets = draw(st.permutations(range(n)))[:m]
    rho = draw(density_matrices(n))
    return rho, n, list(targets)


def test_reference_embed_agrees_with_kron():
    rng = np.random.default_rng(1)
    op = rng.standard_normal((4, 4)) + 1j * rng.standard_normal((4, 4))
    assert np.allclose(embed(op, [1, 2], 4), embed_kron(op, [1, 2], 4))


@given(state_and_targets(), seeds, st.integers(1, 4))
def test_apply_kraus_matches_kron_reference(case, seed, k):
    rho, n, targets = case
    K = qc.random_kraus(len(targets), k, seed)
    out = qc.apply_kraus(rho, K, targets)
    assert np.allclose(out, apply_kraus_ref(rho, K, targets, n), atol=1e-10)
    assert_density_matrix(out)


@given(state_and_targets(max_n=5, max_m=2), seeds)
def test_apply_unitary_matches_reference(case, seed):
    rho, n, targets = case
    U = qc.random_unitary(len(targets), seed)
    F = embed(U, targets, n)
    assert np.allclose(qc.apply_unitary(rho, U, targets), F @ rho @ F.conj().T, atol=1e-10)


@given(st.integers(5, 6), seeds)
def test_dense_kraus_path_for_four_qubit_channels(n, seed):
    """Channels on more than three qubits use the dense Kraus kernel; check it too."""
    rng = np.random.default_rng(seed)
    targets = list(rng.permutation(n)[:4])
    rho = qc.random_density_matrix(n, seed)
    K = qc.random_kraus(4, 2, seed)
    assert np.allclose(qc.apply_kraus(rho, K, targets), apply_kraus_ref(rho, K, targets, n), atol=1e-10)


@given(st.integers(1, 4), st.integers(1, 5), seeds)
def test_batch_equals_loop(n, batch, seed):
    rng = np.random.default_rng(seed)
    rhos = np.stack([qc.random_density_matrix(n, rng) for _ in range(batch)]).reshape(
        (batch, 1, 2**n, 2**n))
    targets = list(rng.permutation(n)[: min(n, 2)])
    K = qc.random_kraus(len(targets), 3, rng)
    out = qc.apply_kraus(rhos, K, targets)
    assert out.shape == rhos.shape
    for b in range(batch):
        assert np.allclose(out[b, 0], qc.apply_kraus(rhos[b, 0], K, targets), atol=1e-12)


def test_parallel_batch_equals_serial_loop():
    """Large batches take the threaded driver; they must agree with one-by-one application."""
    rng = np.random.default_rng(3)
    rhos = np.stack([qc.random_density_matrix(3, rng) for _ in range(3000)])
    K = qc.random_kraus(2, 2, rng)
    out = qc.apply_kraus(rhos, K, [2, 0])
    for b in rng.integers(0, 3000, 10):
        assert np.allclose(out[b], apply_kraus_ref(rhos[b], K, [2, 0], 3), atol=1e-12)
    rhos5 = np.stack([qc.random_density_matrix(5, rng) for _ in range(40)])
    out5 = qc.apply_kraus(rhos5, K, [4, 1])
    assert np.allclose(out5[7], apply_kraus_ref(rhos5[7], K, [4, 1], 5), atol=1e-12)


@given(st.integers(2, 5), seeds, st.integers(1, 4))
def test_operation_sequence_matches_step_by_step(n, seed, steps):
    rng = np.random.default_rng(seed)
    rho = qc.random_density_matrix(n, rng)
    ops = []
    for _ in range(steps):
        m = int(rng.integers(1, min(n, 3) + 1))
        ops.append((qc.random_kraus(m, int(rng.integers(1, 4)), rng), list(rng.permutation(n)[:m])))
    expected = rho
    for K, t in ops:
        expected = apply_kraus_ref(expected, K, t, n)
    seq = qc.OperationSequence(n, ops)
    assert np.allclose(seq.apply(rho), expected, atol=1e-10)
    O = qc.random_density_matrix(n, rng)  # any Hermitian observable
    assert np.isclose(seq.expectation(rho, O), np.trace(O @ expected).real, atol=1e-10)


@given(state_and_targets(max_n=5, max_m=4))
def test_partial_trace_matches_reference(case):
    rho, n, keep = case
    assert np.allclose(qc.partial_trace(rho, keep), partial_trace_ref(rho, keep, n), atol=1e-12)


@given(density_matrices((3, 5)), st.data())
def test_partial_trace_composes(rho, data):
    n = qc.num_qubits(rho)
    keep1 = data.draw(st.permutations(range(n)))[: n - 1]
    keep2_idx = data.draw(st.permutations(range(n - 1)))[: max(1, n - 2)]
    two_step = qc.partial_trace(qc.partial_trace(rho, keep1), keep2_idx)
    one_step = qc.partial_trace(rho, [keep1[i] for i in keep2_idx])
    assert np.allclose(two_step, one_step, atol=1e-12)


@given(density_matrices((1, 4)), st.data())
def test_permute_qubits_is_consistent_with_partial_trace(rho, data):
    n = qc.num_qubits(rho)
    order = data.draw(st.permutations(range(n)))
    assert np.allclose(qc.permute_qubits(rho, order), qc.partial_trace(rho, order), atol=1e-12)


@given(unitaries(2), density_matrices(2))
def test_unitary_preserves_spectrum(U, rho):
    out = qc.apply_unitary(rho, U, [1, 0])
    assert np.allclose(np.linalg.eigvalsh(out), np.linalg.eigvalsh(rho), atol=1e-10)


@given(kraus_channels(1), density_matrices(2))
def test_superoperator_path_equals_kraus_path(K, rho):
    S = qc.kraus_to_superoperator(K)
    assert np.allclose(qc.apply_superoperator(rho, S, [1]), qc.apply_kraus(rho, K, [1]), atol=1e-12)


@given(density_matrices(2), st.sampled_from([(0,), (1,), (0, 1)]))
def test_partial_transpose_is_involution_and_keeps_trace(rho, qubits):
    pt = qc.partial_transpose(rho, qubits)
    assert np.isclose(np.trace(pt), 1.0)
    assert np.allclose(qc.partial_transpose(pt, qubits, validate=False), rho)


@given(st.integers(6, 7), st.integers(1, 3), seeds)
def test_large_register_row_threaded_path(n, m, seed):
    """Few states of >= 6 qubits are threaded over block rows; compare with the reference."""
    rng = np.random.default_rng(seed)
    targets = [int(x) for x in rng.permutation(n)[:m]]
    rho = np.stack([qc.random_density_matrix(n, rng) for _ in range(2)])
    seq = qc.OperationSequence(n, [(qc.random_kraus(m, 2, rng), targets), (qc.random_unitary(1, rng), [targets[0]])])
    out = seq.apply(rho)
    for b in range(2):
        exp = apply_kraus_ref(rho[b], seq._steps[0][0], targets, n)
        exp = apply_kraus_ref(exp, seq._steps[1][0], [targets[0]], n)
        assert np.allclose(out[b], exp, atol=1e-10)


def _catalogue_kraus(rng):
    """A random sparse physical channel on one qubit, real or complex (unitary error)."""
    import channels as ch

    p = float(rng.uniform(0.0, 0.5))
    makers = [lambda: ch.depolarizing(p), lambda: ch.amplitude_damping(p), lambda: ch.phase_flip(p),
              lambda: ch.bit_flip(p), lambda: ch.generalized_amplitude_damping(p, 0.3),
              lambda: ch.unitary_error(qc.gates.rx(p)), lambda: ch.unitary_error(qc.gates.rz(p)),
              lambda: ch.pauli_channel(p / 3, p / 4, p / 5)]
    return makers[int(rng.integers(len(makers)))]().kraus


@given(seeds, st.integers(1, 4), st.sampled_from([1, 2, 16]), st.booleans())
def test_two_qubit_sparse_and_dense_superoperator_paths_match_reference(seed, steps, batch, check):
    """Two-qubit sequences of catalogue channels fold into a sparse superoperator run in ELL form
    (<= 4 non-zeros per row, real or complex); a random Kraus set makes it dense. Both kernels
    must equal the plain Kraus sum (compiled kernel = numpy reference), with or without checks."""
    from qnet_core.ops import _ELL_MAX_WIDTH

    rng = np.random.default_rng(seed)
    ops = [(_catalogue_kraus(rng), [int(rng.integers(2))]) for _ in range(steps)]
    if rng.random() < 0.25:
        ops.append((qc.random_kraus(2, 2, rng), [1, 0]))
    rhos = np.stack([qc.random_density_matrix(2, rng) for _ in range(batch)])
    expected = rhos.copy()
    for K, t in ops:
        expected = np.stack([apply_kraus_ref(r, K, t, 2) for r in expected])
    seq = qc.OperationSequence(2, ops)
    s_re = seq._groups[0][1][0]
    assert s_re.shape[1] in (2, _ELL_MAX_WIDTH, 16)
    got = seq.apply(rhos, validate=check)
    assert np.allclose(got, expected, atol=1e-12)
    assert np.allclose(seq.apply(rhos[0], validate=check), expected[0], atol=1e-12)


def test_two_qubit_ell_widths_cover_each_kernel_branch():
    """Width 2 (catalogue channels), width 4 (a CNOT-conjugated dephasing) and dense (random)."""
    import channels as ch

    def width(ops):
        return qc.OperationSequence(2, ops)._groups[0][1][0].shape[1]

    assert width([(ch.depolarizing(0.1).kraus, [0]), (ch.amplitude_damping(0.2).kraus, [0]),
                  (ch.phase_flip(0.1).kraus, [1])]) == 2
    cnot = qc.gates.CNOT
    four = [(ch.amplitude_damping(0.2).kraus, [0]), (cnot, [0, 1]), (ch.amplitude_damping(0.3).kraus, [1])]
    assert width(four) in (2, 4)
    assert width([(qc.random_kraus(2, 3, 7), [0, 1])]) == 16
