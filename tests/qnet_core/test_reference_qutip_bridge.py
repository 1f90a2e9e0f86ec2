"""QuTiP bridge: Qobj (or anything with ``.full()``) in, ``to_qobj`` out.

Reference: QuTiP 5 (Lambert et al., arXiv:2412.04705): ``Qobj.full()`` is the dense matrix,
kets are columns ``(d, 1)``, ``qutip.tensor`` puts the first factor on the most significant
bits (qnetsim's order), superoperators use column stacking, and ``qutip.fidelity`` is the
*unsquared* Uhlmann fidelity (Nielsen and Chuang eq. 9.53), whereas ``qnet_core.fidelity``
is its square (Jozsa, J. Mod. Opt. 41, 2315 (1994)).

The first half runs without QuTiP, through a tiny stand-in with ``.full()`` and ``.dims``;
the second half needs QuTiP (``pytest.importorskip``).
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

import channels
import qnet_core as qc
from protocols import entanglement_swap, purify
from qnet_core.errors import DimensionError, QnetError
from qnet_core.gates import CNOT, H, X


class FakeQobj:
    """The least a foreign matrix type must offer: ``.full()`` (and QuTiP-like ``.dims``)."""

    def __init__(self, matrix, dims=None):
        self._m = np.asarray(matrix, dtype=np.complex128)
        self.dims = dims

    def full(self):
        return self._m.copy()


def fake_ket(psi):
    psi = np.asarray(psi, dtype=np.complex128)
    n = psi.shape[0].bit_length() - 1
    return FakeQobj(psi[:, None], [[2] * n, [1] * n])


def fake_oper(m):
    m = np.asarray(m, dtype=np.complex128)
    n = m.shape[0].bit_length() - 1
    return FakeQobj(m, [[2] * n, [2] * n])


RHO = qc.random_density_matrix(2, seed=3)
SIGMA = qc.random_density_matrix(2, seed=4)
PSI = qc.random_ket(2, seed=5)

# name -> (call with numpy inputs, call with the same inputs wrapped)
CALLS = {
    "fidelity": (lambda w: qc.fidelity(w(RHO), w(SIGMA))),
    "fidelity_ket": (lambda w: qc.fidelity(w(RHO), w(PSI, ket=True))),
    "fidelity_pure": (lambda w: qc.fidelity_pure(w(RHO), w(PSI, ket=True))),
    "trace_distance": (lambda w: qc.trace_distance(w(RHO), w(SIGMA))),
    "concurrence": (lambda w: qc.concurrence(w(RHO))),
    "entropy": (lambda w: qc.entropy(w(RHO))),
    "partial_trace": (lambda w: qc.partial_trace(w(RHO), [1])),
    "apply_unitary": (lambda w: qc.apply_unitary(w(RHO), w(CNOT), [1, 0])),
    "apply_kraus_list": (lambda w: qc.apply_kraus(w(RHO), [w(np.sqrt(0.3) * X), w(np.sqrt(0.7) * np.eye(2))], [0])),
    "ket_to_dm": (lambda w: qc.ket_to_dm(w(PSI, ket=True))),
    "tensor": (lambda w: qc.tensor(w(RHO), w(qc.basis_state("1")))),
    "expectation": (lambda w: qc.OperationSequence(2, [(w(H), (0,))]).expectation(w(RHO), w(qc.bell_state()))),
    "channel_from_kraus": (lambda w: channels.Channel([w(H)]).apply(w(RHO), [1])),
    "channel_from_unitary": (lambda w: channels.Channel.from_unitary(w(H)).apply(w(RHO), [0])),
    "entanglement_swap": (lambda w: entanglement_swap(w(RHO), w(SIGMA)).state),
    "purify": (lambda w: purify(w(qc.werner(0.8)), w(qc.werner(0.9))).state),
    "twirl": (lambda w: np.asarray(qc.twirl(w(RHO)))),
}


def _plain(x, ket=False):
    return x


def _fake(x, ket=False):
    return fake_ket(x) if ket else fake_oper(x)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_objects_with_full_give_the_numpy_result(call):
    np.testing.assert_allclose(call(_fake), call(_plain), atol=1e-12)


def test_list_of_fake_states_is_a_batch():
    batch = [fake_oper(RHO), fake_oper(SIGMA)]
    np.testing.assert_allclose(qc.purity(batch), qc.purity(np.stack([RHO, SIGMA])), atol=1e-12)


def test_fake_ket_becomes_a_density_matrix_where_one_is_expected():
    np.testing.assert_allclose(qc.purity(fake_ket(PSI)), 1.0, atol=1e-12)
    np.testing.assert_allclose(qc.partial_trace(fake_ket(qc.bell_ket()), [0]), np.eye(2) / 2, atol=1e-12)


def test_from_qobj_of_fakes():
    np.testing.assert_array_equal(qc.from_qobj(fake_ket(PSI)), PSI)
    np.testing.assert_array_equal(qc.from_qobj(FakeQobj(PSI.conj()[None, :])), PSI)  # a bra gives its ket
    assert qc.from_qobj([[fake_oper(RHO)], [fake_oper(SIGMA)]]).shape == (2, 1, 4, 4)
    with pytest.raises(DimensionError, match=r"from_qobj\(\): q of type ndarray has no .full\(\) method"):
        qc.from_qobj(RHO)


def test_errors_name_the_argument_for_fakes():
    with pytest.raises(DimensionError, match=r"fidelity\(\): sigma has dimension 3"):
        qc.fidelity(RHO, fake_oper(np.eye(3) / 3))
    with pytest.raises(DimensionError, match=r"apply_kraus\(\): kraus is a list of matrices of different shapes"):
        qc.apply_kraus(RHO, [fake_oper(np.eye(2)), fake_oper(np.eye(4))], [0])
    with pytest.raises(qc.StateError, match=r"trace 2"):
        qc.purity(fake_ket([1.0, 1.0]))


def test_to_qobj_without_qutip_says_pip_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "qutip", None)  # `import qutip` now raises ImportError
    with pytest.raises(qc.MissingDependencyError, match=r"to_qobj\(\): QuTiP is not installed; .*pip install qutip"
                       ) as info:
        qc.to_qobj(RHO)
    assert isinstance(info.value, ImportError) and isinstance(info.value, QnetError)


# ------------------------------------------------------------------------------------ with QuTiP
@pytest.fixture
def qutip():
    return pytest.importorskip("qutip")


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_qobj_inputs_give_the_numpy_result(qutip, call):
    def wrap(x, ket=False):
        n = np.shape(x)[0].bit_length() - 1
        return qutip.Qobj(np.asarray(x)[:, None] if ket else x, dims=[[2] * n, [1] * n] if ket else [[2] * n, [2] * n])

    np.testing.assert_allclose(call(wrap), call(_plain), atol=1e-12)


def test_to_qobj_round_trip_and_dims(qutip):
    q = qc.to_qobj(RHO)
    assert isinstance(q, qutip.Qobj) and q.dims == [[2, 2], [2, 2]] and q.isherm
    np.testing.assert_array_equal(q.full(), RHO)
    np.testing.assert_array_equal(qc.from_qobj(q), RHO)
    k = qc.to_qobj(PSI)
    assert k.isket and k.dims[0] == [2, 2]
    np.testing.assert_array_equal(qc.from_qobj(k), PSI)
    assert qc.to_qobj(qutip.ket2dm(qutip.bell_state("00"))).dims == [[2, 2], [2, 2]]
    assert qc.to_qobj(qc.BellDiagonal([0.7, 0.1, 0.1, 0.1])).dims == [[2, 2], [2, 2]]


def test_to_qobj_of_a_batch_is_a_nested_list(qutip):
    batch = np.stack([np.stack([RHO, SIGMA])] * 3)  # (3, 2, 4, 4)
    out = qc.to_qobj(batch)
    assert len(out) == 3 and all(len(row) == 2 for row in out)
    np.testing.assert_array_equal(out[2][1].full(), SIGMA)
    np.testing.assert_array_equal(qc.from_qobj(out), batch)


def test_tensor_order_matches_qutip(qutip):
    a, b = qc.random_density_matrix(1, seed=1), qc.random_density_matrix(1, seed=2)
    np.testing.assert_allclose(qutip.tensor(qc.to_qobj(a), qc.to_qobj(b)).full(), qc.tensor(a, b), atol=1e-15)
    np.testing.assert_allclose(qc.bell_ket("phi+"), qutip.bell_state("00").full()[:, 0], atol=1e-15)


def test_fidelity_is_qutip_fidelity_squared(qutip):
    """qnet_core.fidelity is the squared Uhlmann fidelity; qutip.fidelity is unsquared."""
    F = qutip.fidelity(qc.to_qobj(RHO), qc.to_qobj(SIGMA))
    np.testing.assert_allclose(qc.fidelity(RHO, SIGMA), F ** 2, atol=1e-10)
    np.testing.assert_allclose(qc.fidelity(qc.to_qobj(RHO), qc.to_qobj(SIGMA)), F ** 2, atol=1e-10)


def test_superoperators_convert_from_column_stacking(qutip):
    K = [np.sqrt(0.6) * np.eye(2), np.sqrt(0.4) * np.array([[1, 0], [0, 1j]])]
    S = qutip.to_super(qutip.Qobj(K[0])) + qutip.to_super(qutip.Qobj(K[1]))
    np.testing.assert_allclose(qc.from_qobj(S), qc.kraus_to_superoperator(np.array(K)), atol=1e-15)
    rho1 = qc.random_density_matrix(1, seed=9)
    np.testing.assert_allclose(qc.apply_superoperator(rho1, S, [0]), qc.apply_kraus(rho1, np.array(K), [0]),
                               atol=1e-12)
    ch = channels.Channel.from_superoperator(S)
    np.testing.assert_allclose(ch.apply(rho1), qc.apply_kraus(rho1, np.array(K), [0]), atol=1e-12)
    with pytest.raises(DimensionError, match=r"rho is a QuTiP super; expected a density matrix or a ket"):
        qc.purity(S)
    with pytest.raises(DimensionError, match=r"convert it with qutip.to_super\(\) first"):
        qc.apply_superoperator(rho1, qutip.to_choi(S), [0])
