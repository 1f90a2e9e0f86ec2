"""Every representation of swapping, purification and teleportation against one slow reference.

One table of cases (Bell-diagonal pairs, so that every path applies) is run through every path:

* ``dense``: the public function on dense ``(4, 4)`` states (one compiled call per pair);
* ``bell-diagonal``: the public function on :class:`qnet_core.BellDiagonal` inputs (the
  coefficient kernels), converted to dense for the comparison;
* ``kernel-batch``: the public function on a dense batch of shape ``(2, 3)`` holding the case
  among other pairs (the compiled batch drivers);
* ``bell-diagonal-batch``: the same batch as BellDiagonal states.

The reference (``tests/protocols/reference.py``) builds the register with ``tensor``, applies the
noise from the ``channels`` catalogue and measures with ``bell_measure`` or projectors. Physics:
Zukowski et al., PRL 71, 4287 (1993) (swapping); Bennett et al., PRL 76, 722 (1996) (BBPSSW);
Deutsch et al., PRL 77, 2818 (1996) (DEJMPS); Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999)
(gate and measurement errors); Bennett et al., PRL 70, 1895 (1993) (teleportation).
"""

import numpy as np
import pytest

import channels
import qnet_core as qc
from protocols import entanglement_swap, purify, teleport
from protocols.entanglement.teleportation import classical_delay_s
from qnet_core import BellDiagonal

from . import reference

ATOL = 1e-12
_RNG = np.random.default_rng(2024)


def _werner(F):
    return [F, (1 - F) / 3, (1 - F) / 3, (1 - F) / 3]


#: name -> (coefficients of pair 1, coefficients of pair 2, gate_error, readout_error)
CASES = {
    "phi+ phi+ noiseless": ([1, 0, 0, 0], [1, 0, 0, 0], 0.0, 0.0),
    "werner 0.9 0.8": (_werner(0.9), _werner(0.8), 0.0, 0.0),
    "werner noisy": (_werner(0.95), _werner(0.9), 0.05, 0.02),
    "generic bell-diagonal": (list(_RNG.dirichlet(np.ones(4))), list(_RNG.dirichlet(np.ones(4))), 0.1, 0.05),
    "readout only": (list(_RNG.dirichlet(np.ones(4))), list(_RNG.dirichlet(np.ones(4))), 0.0, 0.2),
    "psi- phi-": ([0, 0, 0, 1], [0, 1, 0, 0], 0.3, 0.0),
    "zero success": ([0, 0, 1, 0], [1, 0, 0, 0], 0.0, 0.0),
    "full noise": (_werner(0.7), _werner(0.6), 1.0, 0.5),
    "separable": ([0.5, 0.5, 0, 0], [0.25] * 4, 0.01, 0.01),
}
CASE_IDS = list(CASES)


def _batch(x, others, where=(1, 2)):
    """A (2, 3, ...) batch holding ``x`` at ``where`` and ``others`` elsewhere."""
    b = np.array([others[i % len(others)] for i in range(6)]).reshape((2, 3) + np.shape(x))
    b[where] = x
    return b


_OTHER_COEFFS = [_RNG.dirichlet(np.ones(4)) for _ in range(5)]


# ============================================================================ swapping
def swap_dense(c1, c2, **kw):
    r = entanglement_swap(qc.bell_diagonal(c1), qc.bell_diagonal(c2), **kw)
    return r.probabilities, r.branch_states, r.state, r.success_probability


def swap_bell_diagonal(c1, c2, **kw):
    r = entanglement_swap(BellDiagonal(c1), BellDiagonal(c2), **kw)
    assert isinstance(r.state, BellDiagonal) and isinstance(r.branch_states, BellDiagonal)
    return r.probabilities, r.branch_states.to_dense(), r.state.to_dense(), r.success_probability


def swap_kernel_batch(c1, c2, **kw):
    a = qc.bell_diagonal(_batch(np.asarray(c1, float), _OTHER_COEFFS))
    b = qc.bell_diagonal(_batch(np.asarray(c2, float), _OTHER_COEFFS[::-1]))
    r = entanglement_swap(a, b, **kw)
    assert r.state.shape == (2, 3, 4, 4) and r.branch_states.shape == (2, 3, 4, 4, 4)
    return r.probabilities[1, 2], r.branch_states[1, 2], r.state[1, 2], r.success_probability[1, 2]


def swap_bell_diagonal_batch(c1, c2, **kw):
    a = BellDiagonal(_batch(np.asarray(c1, float), _OTHER_COEFFS))
    b = BellDiagonal(_batch(np.asarray(c2, float), _OTHER_COEFFS[::-1]))
    r = entanglement_swap(a, b, **kw)
    assert r.state.shape == (2, 3) and r.branch_states.shape == (2, 3, 4)
    return (r.probabilities[1, 2], r.branch_states[1, 2].to_dense(), r.state[1, 2].to_dense(),
            r.success_probability[1, 2])


SWAP_PATHS = {"dense": swap_dense, "bell-diagonal": swap_bell_diagonal, "kernel-batch": swap_kernel_batch,
              "bell-diagonal-batch": swap_bell_diagonal_batch}


@pytest.mark.parametrize("bsm, correct", [("ideal", True), ("ideal", False), ("linear_optics", True),
                                          ("linear_optics", False)])
@pytest.mark.parametrize("case", CASE_IDS)
@pytest.mark.parametrize("path", SWAP_PATHS.values(), ids=SWAP_PATHS.keys())
def test_swap_matches_reference(path, case, bsm, correct):
    c1, c2, g, q = CASES[case]
    probs, branches, state, p_succ = path(c1, c2, gate_error=g, readout_error=q, bsm=bsm, correct=correct)
    w_probs, w_branches, w_state, w_succ = reference.swap(qc.bell_diagonal(c1), qc.bell_diagonal(c2), g, q, bsm,
                                                          correct)
    np.testing.assert_allclose(probs, w_probs, atol=ATOL)
    np.testing.assert_allclose(branches, w_branches, atol=ATOL)
    np.testing.assert_allclose(state, w_state, atol=ATOL)
    assert abs(p_succ - w_succ) < ATOL


GENERIC = {f"random {seed}": (qc.random_density_matrix(2, seed), qc.random_density_matrix(2, seed + 100))
           for seed in range(4)}
GENERIC["product 00 10"] = (qc.basis_state("00"), qc.basis_state("10"))


@pytest.mark.parametrize("g, q", [(0.0, 0.0), (0.07, 0.03)])
@pytest.mark.parametrize("case", list(GENERIC))
def test_swap_of_generic_states_matches_reference(case, g, q):
    """States that are not Bell-diagonal: the dense and batch paths, outcome probabilities not 1/4."""
    r1, r2 = GENERIC[case]
    w_probs, w_branches, w_state, _ = reference.swap(r1, r2, g, q)
    one = entanglement_swap(r1, r2, gate_error=g, readout_error=q)
    batch = entanglement_swap(np.stack([r2, r1]), np.stack([r1, r2]), gate_error=g, readout_error=q)
    for probs, branches, state in ((one.probabilities, one.branch_states, one.state),
                                   (batch.probabilities[1], batch.branch_states[1], batch.state[1])):
        np.testing.assert_allclose(probs, w_probs, atol=ATOL)
        np.testing.assert_allclose(probs[:, None, None] * branches, w_probs[:, None, None] * w_branches, atol=ATOL)
        np.testing.assert_allclose(state, w_state, atol=ATOL)


# ============================================================================ purification
def purify_dense(c1, c2, **kw):
    r = purify(qc.bell_diagonal(c1), qc.bell_diagonal(c2), **kw)
    return r.state, r.success_probability, r.fidelity


def purify_bell_diagonal(c1, c2, **kw):
    r = purify(BellDiagonal(c1), BellDiagonal(c2), **kw)
    assert isinstance(r.state, BellDiagonal)
    return r.state.to_dense(), r.success_probability, r.fidelity


def purify_kernel_batch(c1, c2, **kw):
    a = qc.bell_diagonal(_batch(np.asarray(c1, float), _OTHER_COEFFS))
    b = qc.bell_diagonal(_batch(np.asarray(c2, float), _OTHER_COEFFS[::-1]))
    r = purify(a, b, **kw)
    assert r.state.shape == (2, 3, 4, 4) and r.success_probability.shape == (2, 3)
    return r.state[1, 2], r.success_probability[1, 2], r.fidelity[1, 2]


def purify_bell_diagonal_batch(c1, c2, **kw):
    a = BellDiagonal(_batch(np.asarray(c1, float), _OTHER_COEFFS))
    b = BellDiagonal(_batch(np.asarray(c2, float), _OTHER_COEFFS[::-1]))
    r = purify(a, b, **kw)
    assert r.state.shape == (2, 3)
    return r.state[1, 2].to_dense(), r.success_probability[1, 2], r.fidelity[1, 2]


PURIFY_PATHS = {"dense": purify_dense, "bell-diagonal": purify_bell_diagonal, "kernel-batch": purify_kernel_batch,
                "bell-diagonal-batch": purify_bell_diagonal_batch}


@pytest.mark.parametrize("method", ["dejmps", "bbpssw"])
@pytest.mark.parametrize("case", CASE_IDS)
@pytest.mark.parametrize("path", PURIFY_PATHS.values(), ids=PURIFY_PATHS.keys())
def test_purify_matches_reference(path, case, method):
    c1, c2, g, q = CASES[case]
    state, p, f = path(c1, c2, method=method, gate_error=g, readout_error=q)
    w_state, w_p = reference.purify(qc.bell_diagonal(c1), qc.bell_diagonal(c2), method, g, q)
    assert abs(p - w_p) < ATOL
    np.testing.assert_allclose(state, w_state, atol=ATOL)
    assert abs(f - qc.fidelity(w_state, qc.bell_ket())) < ATOL


@pytest.mark.parametrize("method", ["dejmps", "bbpssw"])
@pytest.mark.parametrize("case", [c for c in GENERIC if c.startswith("random")])
def test_purify_of_generic_states_matches_reference(case, method):
    r1, r2 = GENERIC[case]
    w_state, w_p = reference.purify(r1, r2, method, 0.05, 0.04)
    one = purify(r1, r2, method=method, gate_error=0.05, readout_error=0.04)
    batch = purify(np.stack([r2, r1]), np.stack([r1, r2]), method=method, gate_error=0.05, readout_error=0.04)
    for state, p in ((one.state, one.success_probability), (batch.state[1], batch.success_probability[1])):
        assert abs(p - w_p) < ATOL
        np.testing.assert_allclose(p * state, w_p * w_state, atol=ATOL)


# ============================================================================ teleportation
_PSI = qc.random_density_matrix(1, 77)
_OTHER_PSI = [qc.random_density_matrix(1, s) for s in range(5)]
MEMORY = {"no memory": {}, "T1 and T2": dict(distance_km=300.0, t1_s=3e-3, t2_s=1e-3)}


def teleport_dense(c, **kw):
    return teleport(_PSI, qc.bell_diagonal(c), **kw)


def teleport_bell_diagonal(c, **kw):
    return teleport(_PSI, BellDiagonal(c), **kw)


def teleport_kernel_batch(c, **kw):
    r = teleport(_batch(_PSI, _OTHER_PSI), qc.bell_diagonal(_batch(np.asarray(c, float), _OTHER_COEFFS)), **kw)
    assert r.state.shape == (2, 3, 2, 2)
    return type(r)(r.state[1, 2], r.fidelity[1, 2], r.probabilities[1, 2], r.delay_s)


TELEPORT_PATHS = {"dense": teleport_dense, "bell-diagonal": teleport_bell_diagonal,
                  "kernel-batch": teleport_kernel_batch}


@pytest.mark.parametrize("memory", list(MEMORY))
@pytest.mark.parametrize("case", CASE_IDS)
@pytest.mark.parametrize("path", TELEPORT_PATHS.values(), ids=TELEPORT_PATHS.keys())
def test_teleport_matches_reference(path, case, memory):
    c, _, g, q = CASES[case]
    kw = MEMORY[memory]
    mem = None
    if kw:
        mem = channels.memory(classical_delay_s(kw["distance_km"]), t1_s=kw["t1_s"], t2_s=kw["t2_s"])
    r = path(c, gate_error=g, readout_error=q, **kw)
    w_state, w_probs = reference.teleport(_PSI, qc.bell_diagonal(c), g, q, mem)
    np.testing.assert_allclose(r.state, w_state, atol=ATOL)
    np.testing.assert_allclose(r.probabilities, w_probs, atol=ATOL)
    assert abs(r.fidelity - qc.fidelity(w_state, _PSI)) < 1e-10


@pytest.mark.parametrize("seed", range(3))
def test_teleport_of_generic_resources_matches_reference(seed):
    res = qc.random_density_matrix(2, seed)
    mem = channels.memory(classical_delay_s(200.0), t1_s=5e-3, t2_s=2e-3)
    r = teleport(_PSI, res, gate_error=0.04, readout_error=0.03, distance_km=200.0, t1_s=5e-3, t2_s=2e-3)
    w_state, w_probs = reference.teleport(_PSI, res, 0.04, 0.03, mem)
    np.testing.assert_allclose(r.state, w_state, atol=ATOL)
    np.testing.assert_allclose(r.probabilities, w_probs, atol=ATOL)
