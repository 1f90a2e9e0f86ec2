"""Fiber, free-space / satellite links and detectors against closed forms and published numbers.

References: fiber attenuation 0.2 dB/km at 1550 nm (ITU-T G.652); Gaussian-beam collection
efficiency and plane-parallel atmosphere (Bourgoin et al., New J. Phys. 15, 023006 (2013),
Sec. 3; Liorni et al., New J. Phys. 21, 093055 (2019), Sec. 3); Micius dual downlink
(Yin et al., Science 356, 1140 (2017): stations 1203 km apart, summed downlink length
1600-2400 km); threshold-detector click probabilities (Ma et al., Phys. Rev. A 72, 012326
(2005), eqs. 4-5).
"""

import math

import numpy as np
import pytest

import qnet_core as qc

import channels as ch
from channels import Channel, Detector, Fiber, FreeSpaceLink
from channels.free_space import EARTH_RADIUS_KM, elevation_and_range


# ------------------------------------------------------------------ fiber
def test_fiber_50_km_is_exactly_10_db():
    f = Fiber(50.0)
    assert f.loss_db == 10.0
    assert f.transmissivity == pytest.approx(0.1, rel=1e-15)
    assert f.delay_s == pytest.approx(50.0 * 1.44 / ch.SPEED_OF_LIGHT_KM_PER_S, rel=1e-15)


def test_fiber_single_rail_is_amplitude_damping_with_loss():
    f = Fiber(25.0, attenuation_db_per_km=0.16)
    eta = 10 ** (-0.16 * 25 / 10)
    assert f.single_rail_channel() == ch.amplitude_damping(1 - eta)
    # a single photon survives with probability eta
    assert f.single_rail_channel().apply(qc.basis_state("1"))[1, 1].real == pytest.approx(eta, rel=1e-12)
    drift = f.drift_channel(100.0)
    assert f.single_rail_channel(drift=drift) == ch.amplitude_damping(1 - eta).then(drift)


def test_fiber_dual_rail_is_heralded_erasure():
    f = Fiber(100.0)
    r = f.dual_rail_erasure()
    assert r.success_probability == pytest.approx(0.01, rel=1e-12)
    assert r.channel == Channel.identity(1)
    assert r.to_dict()["success_probability"] == r.success_probability
    drift = f.drift_channel(50.0, kind="depolarizing")
    assert f.dual_rail_erasure(drift=drift).channel == ch.depolarizing(1 - math.exp(-2.0))


def test_drift_channels_shrink_coherence_by_exp_minus_l_over_lc():
    L, Lc = 30.0, 60.0
    plus = 0.5 * np.ones((2, 2))
    deph = ch.drift_channel(L, Lc, "dephasing")
    assert deph.apply(plus)[0, 1].real == pytest.approx(0.5 * math.exp(-L / Lc), abs=1e-14)
    assert deph.apply(qc.basis_state("1"))[1, 1].real == pytest.approx(1.0, abs=1e-14)  # populations kept
    depol = ch.drift_channel(L, Lc, "depolarizing")
    rho = qc.random_density_matrix(1, seed=4)
    r_in = np.array([np.trace(P @ rho).real for P in (qc.gates.X, qc.gates.Y, qc.gates.Z)])
    out = depol.apply(rho)
    r_out = np.array([np.trace(P @ out).real for P in (qc.gates.X, qc.gates.Y, qc.gates.Z)])
    np.testing.assert_allclose(r_out, math.exp(-L / Lc) * r_in, atol=1e-14)


# ------------------------------------------------------------------ free space geometry
def test_slant_range_limits():
    h = 500.0
    R = EARTH_RADIUS_KM
    assert ch.slant_range_km(h, 90.0) == h
    assert ch.slant_range_km(h, 0.0) == pytest.approx(math.sqrt((R + h) ** 2 - R**2), rel=1e-12)
    # law of cosines in the triangle (Earth centre, station, satellite)
    for e in (10.0, 30.0, 60.0):
        d = ch.slant_range_km(h, e)
        angle = math.radians(90.0 + e)  # angle at the station between the zenith-down and the line of sight
        assert (R + h) ** 2 == pytest.approx(R**2 + d**2 - 2 * R * d * math.cos(angle), rel=1e-12)


@pytest.mark.parametrize("s", [0.0, 100.0, 600.0, 1500.0])
def test_elevation_and_range_inverts_slant_range(s):
    e, d = elevation_and_range(500.0, s)
    if e >= 0:
        assert ch.slant_range_km(500.0, e) == pytest.approx(d, rel=1e-10)


def test_micius_geometry_matches_yin_2017():
    """Yin et al. 2017: 1203 km ground separation, summed downlinks from 1600 km (overhead) to 2400 km."""
    g = ch.micius_geometry(ground_separation_km=1203.0)
    assert g.elevation_a_deg == pytest.approx(g.elevation_b_deg)
    assert 1590.0 < g.total_range_km < 1610.0
    assert 30.0 < g.elevation_a_deg < 40.0
    # moving the satellite off the midpoint lengthens the total path
    off = ch.micius_geometry(ground_separation_km=1203.0, satellite_ground_distance_a_km=200.0)
    assert off.total_range_km > g.total_range_km
    assert off.elevation_a_deg > off.elevation_b_deg
    # the 2400 km end of the pass is reached at low elevation at one station
    far = ch.micius_geometry(ground_separation_km=1203.0, satellite_ground_distance_a_km=1203.0)
    assert far.total_range_km > 1700.0
    assert g.to_dict()["total_range_km"] == g.total_range_km


# ------------------------------------------------------------------ free space loss
def test_diffraction_far_field_limit():
    """Far field: eta ~ 2 a^2 / w(L)^2 = pi^2 D_t^2 D_r^2 / (8 lambda^2 L^2) for small apertures."""
    lam, dt, dr, L = 810e-9, 0.1, 0.05, 2000.0
    link = FreeSpaceLink(L, wavelength_m=lam, tx_aperture_m=dt, rx_aperture_m=dr)
    approx = math.pi**2 * dt**2 * dr**2 / (8 * lam**2 * (L * 1e3) ** 2)
    assert link.diffraction_transmissivity == pytest.approx(approx, rel=1e-3)
    # inside the Rayleigh range with a large receiver almost everything is collected
    near = FreeSpaceLink(0.01, tx_aperture_m=0.1, rx_aperture_m=0.5)
    assert near.diffraction_transmissivity > 0.999999


def test_beam_radius_and_divergence_override():
    link = FreeSpaceLink(500.0, wavelength_m=1e-6, tx_aperture_m=0.2)
    zr = math.pi * 0.1**2 / 1e-6
    assert link.rayleigh_range_km == pytest.approx(zr / 1e3)
    assert link.beam_radius_m == pytest.approx(0.1 * math.sqrt(1 + (500e3 / zr) ** 2))
    wide = FreeSpaceLink(500.0, tx_aperture_m=0.2, beam_divergence_rad=10e-6)
    assert wide.beam_radius_m == pytest.approx(math.hypot(0.1, 5.0))


def test_atmosphere_and_pointing_factors_and_breakdown():
    link = FreeSpaceLink(800.0, zenith_transmittance=0.8, elevation_deg=30.0, pointing_error_rad=1e-6,
                         extra_loss_db=3.0)
    assert link.atmospheric_transmissivity == pytest.approx(0.8**2, rel=1e-12)  # air mass 1/sin 30 = 2
    w = link.beam_radius_m
    assert link.pointing_transmissivity == pytest.approx(math.exp(-2 * (1e-6 * 800e3) ** 2 / w**2), rel=1e-12)
    b = link.breakdown
    assert b.total_db == pytest.approx(b.diffraction_db + b.atmosphere_db + b.pointing_db + b.extra_db)
    assert b.atmosphere_db == pytest.approx(-20 * math.log10(0.8))
    assert link.loss_db == pytest.approx(-10 * math.log10(link.transmissivity), rel=1e-12)
    assert set(b.to_dict()) == {"diffraction_db", "turbulence_db", "pointing_db", "atmosphere_db", "receiver_db",
                                "extra_db", "total_db"}
    assert link.delay_s == pytest.approx(800.0 / ch.SPEED_OF_LIGHT_KM_PER_S)
    assert link.single_rail_channel() == ch.amplitude_damping(1 - link.transmissivity)
    assert link.dual_rail_erasure().success_probability == link.transmissivity


def test_satellite_downlink_loss_grows_as_elevation_drops():
    losses = [ch.satellite_downlink(500.0, e, zenith_transmittance=0.8).loss_db for e in (90, 60, 40, 20, 10)]
    assert all(a < b for a, b in zip(losses, losses[1:]))
    link = ch.satellite_downlink(500.0, 90.0)
    assert link.distance_km == 500.0 and link.elevation_deg == 90.0


def test_micius_two_photon_loss_is_sum_of_downlinks():
    g = ch.micius_geometry()
    a, b = g.links(zenith_transmittance=0.8, beam_divergence_rad=5e-6)
    assert g.total_loss_db(zenith_transmittance=0.8, beam_divergence_rad=5e-6) == pytest.approx(a.loss_db + b.loss_db)
    assert a.distance_km == pytest.approx(g.range_a_km)


# ------------------------------------------------------------------ detectors
def test_detector_click_probabilities():
    d = Detector(efficiency=0.8, dark_count_prob=1e-3)
    assert d.click_probability_vacuum() == 1e-3
    assert d.click_probability(0) == pytest.approx(1e-3)
    assert d.click_probability_single_photon() == pytest.approx(1 - (1 - 1e-3) * 0.2)
    assert d.click_probability(3, transmissivity=0.5) == pytest.approx(1 - (1 - 1e-3) * 0.6**3)
    assert d.no_click_probability(1) == pytest.approx((1 - 1e-3) * 0.2)
    assert d.click_probability_coherent(0.5, 0.1) == pytest.approx(1 - (1 - 1e-3) * math.exp(-0.04))


def test_dead_time():
    assert Detector().detected_rate_hz(1e6) == 1e6  # ignored unless given
    assert Detector(dead_time_s=50e-9).detected_rate_hz(1e6) == pytest.approx(1e6 / 1.05)


def test_dark_counts_give_random_outcomes():
    for pd in (1e-6, 0.1, 0.5, 1.0):
        assert Detector(efficiency=0.5, dark_count_prob=pd).qubit_error_rate(transmissivity=0.0) == pytest.approx(0.5)
    assert Detector(dark_count_prob=0.0).qubit_error_rate(0.3, intrinsic_error=0.01) == pytest.approx(0.01)


def test_readout_is_ideal_measurement_after_bit_flip():
    """error_rate(e) = f + e (1 - 2 f) for all e: post-selected readout = bit flip then ideal measurement."""
    d = Detector(efficiency=0.6, dark_count_prob=0.02)
    t = 0.05
    f = d.readout_flip_probability(t)
    for e in (0.0, 0.1, 0.5, 0.9):
        assert d.qubit_error_rate(t, e) == pytest.approx(f + e * (1 - 2 * f), abs=1e-14)
    # the same through the channel: measure bit_flip(f) applied to a state with P(1) = e
    rho = np.diag([0.9, 0.1]).astype(complex)
    p1 = d.readout_channel(t).apply(rho)[1, 1].real
    assert p1 == pytest.approx(d.qubit_error_rate(t, 0.1), abs=1e-14)
    s = d.readout(t, 0.1)
    assert s.p_correct_only + s.p_wrong_only + s.p_double + s.p_no_click == pytest.approx(1.0, abs=1e-15)


def test_readout_statistics_monte_carlo():
    """Simulate the two-detector model event by event; agree within 5 standard errors."""
    d = Detector(efficiency=0.7, dark_count_prob=0.05)
    t, e, n = 0.3, 0.1, 400_000
    rng = np.random.default_rng(12345)
    arrives = rng.random(n) < t * d.efficiency
    wrong_port = rng.random(n) < e
    dark0 = rng.random(n) < d.dark_count_prob
    dark1 = rng.random(n) < d.dark_count_prob
    click_correct = (arrives & ~wrong_port) | dark0
    click_wrong = (arrives & wrong_port) | dark1
    s = d.readout(t, e)
    for sim, p in (((click_correct & ~click_wrong).mean(), s.p_correct_only),
                   ((click_wrong & ~click_correct).mean(), s.p_wrong_only),
                   ((click_wrong & click_correct).mean(), s.p_double),
                   ((~click_wrong & ~click_correct).mean(), s.p_no_click)):
        assert abs(sim - p) < 5 * math.sqrt(p * (1 - p) / n)
