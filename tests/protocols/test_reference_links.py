"""Heralded elementary links against closed forms.

Single-click: Cabrillo et al., PRA 59, 1025 (1999); with threshold detectors and photon
loss the success probability is 2 alpha eta - alpha^2 eta^2 and the fidelity
2 (1 - alpha) / (2 - alpha eta) (Humphreys et al., Nature 558, 268 (2018), Methods; Rozpedek
et al., PRA 99, 052330 (2019), Sec. III). Double-click: Barrett & Kok, PRA 71, 060310(R)
(2005): success eta^2 / 2, perfect Bell pair without dark counts.
"""


import numpy as np
import pytest

import qnet_core as qc
from channels.fiber import Fiber
from protocols.repeaters.links import double_click_link, heralded_state, single_click_link, werner_link
from qnet_core.testing import assert_density_matrix


@pytest.mark.parametrize("eta", [1.0, 0.5, 0.1, 1e-3])
@pytest.mark.parametrize("alpha", [0.02, 0.1, 0.3])
def test_single_click_probability_and_fidelity(eta, alpha):
    p, rho = heralded_state("single-click", eta, alpha)
    assert p == pytest.approx(2 * alpha * eta - alpha**2 * eta**2, rel=1e-12)
    F = float(qc.fidelity(rho, qc.bell_ket("phi+")))
    assert F == pytest.approx(2 * (1 - alpha) / (2 - alpha * eta), rel=1e-12)
    # the error is the both-emitted population, a non-Bell-diagonal |10><10| term
    assert rho[2, 2].real == pytest.approx(1 - F, abs=1e-12)
    assert_density_matrix(rho)


@pytest.mark.parametrize("eta", [1.0, 0.3, 1e-3])
@pytest.mark.parametrize("alpha", [0.05, 0.3])
def test_single_click_state_support_is_phi_plus_and_10(eta, alpha):
    """The module docstring's claim (issue 10.4): after the X correction on the second memory the
    single-click state is F |phi+><phi+| + (1 - F) |10><10| (Humphreys et al., Nature 558, 268
    (2018), Methods: the both-emitted term |11> becomes |10>); nothing lives on |01>."""
    p, rho = heralded_state("single-click", eta, alpha)
    F = float(qc.fidelity(rho, qc.bell_ket("phi+")))
    expected = F * qc.bell_state("phi+") + (1 - F) * qc.basis_state("10")
    np.testing.assert_allclose(rho, expected, atol=1e-12)
    assert abs(rho[1, 1]) < 1e-15


@pytest.mark.parametrize("eta", [1.0, 0.5, 0.01])
def test_double_click_probability_and_state(eta):
    p, rho = heralded_state("double-click", eta)
    assert p == pytest.approx(eta**2 / 2, rel=1e-12)
    np.testing.assert_allclose(rho, qc.bell_state("phi+"), atol=1e-12)


@pytest.mark.parametrize("scheme", ["single-click", "double-click"])
def test_dark_counts_only(scheme):
    """eta = 0: only dark counts herald; one detector of two clicks with 2 pd (1 - pd) per round."""
    pd = 0.01
    p, rho = heralded_state(scheme, 0.0, 0.2, pd)
    rounds = 1 if scheme == "single-click" else 2
    assert p == pytest.approx((2 * pd * (1 - pd)) ** rounds, rel=1e-12)
    # no photon ever reached the station: the memories are unentangled
    assert float(qc.negativity(rho)) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("scheme", ["single-click", "double-click"])
def test_dark_counts_lower_fidelity_monotonically(scheme):
    fids = [float(qc.fidelity(heralded_state(scheme, 0.05, 0.1, pd)[1], qc.bell_ket("phi+")))
            for pd in (0.0, 1e-4, 1e-3, 1e-2)]
    assert all(a > b for a, b in zip(fids, fids[1:]))


def test_link_timing_and_transmissivity():
    L, n = 40.0, 1.44
    link = single_click_link(L, bright_state_param=0.1, detector_efficiency=0.8, emission_efficiency=0.5,
                             prep_time_s=2e-6, refractive_index=n)
    half = Fiber(L / 2, 0.2, n)
    eta = half.transmissivity * 0.8 * 0.5
    assert link.success_probability == pytest.approx(2 * 0.1 * eta - 0.01 * eta**2, rel=1e-12)
    assert link.herald_delay_s == pytest.approx(2 * half.delay_s, rel=1e-12)
    assert link.attempt_duration_s == pytest.approx(2e-6 + L * n / 299792.458, rel=1e-12)
    dc = double_click_link(L, prep_time_s=2e-6)
    assert dc.attempt_duration_s == pytest.approx(4e-6 + L * n / 299792.458, rel=1e-12)
    assert dc.success_probability == pytest.approx(half.transmissivity**2 / 2, rel=1e-12)
    assert link.rate_hz == pytest.approx(link.success_probability / link.attempt_duration_s)


def test_werner_link_state():
    link = werner_link(0.8, success_probability=0.2, attempt_duration_s=1e-3)
    np.testing.assert_allclose(link.state, qc.werner(0.8), atol=1e-15)
    assert link.fidelity == pytest.approx(0.8)
    with pytest.raises(ValueError):
        link.state[0, 0] = 1.0
