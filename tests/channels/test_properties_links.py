"""Hypothesis invariants of the photonic link and detector models."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import channels as ch

from .strategies import prob

lengths = st.floats(1e-3, 4e4)


@given(lengths, lengths, st.floats(0.0, 1.0))
def test_fiber_loss_is_additive_in_db(a, b, alpha):
    fa, fb, fab = ch.Fiber(a, alpha), ch.Fiber(b, alpha), ch.Fiber(a + b, alpha)
    assert fab.loss_db == pytest.approx(fa.loss_db + fb.loss_db, rel=1e-12, abs=1e-12)
    assert fab.transmissivity == pytest.approx(fa.transmissivity * fb.transmissivity, rel=1e-9, abs=1e-300)
    # concatenated single-rail losses compose like the fiber
    assert fa.single_rail_channel().then(fb.single_rail_channel()) == fab.single_rail_channel()


@given(st.floats(1.0, 4e4), st.floats(1e-7, 2e-6), st.floats(0.01, 2.0), st.floats(0.01, 2.0),
       st.floats(0.0, 1e-5), st.floats(0.0, 1.0), st.floats(1.0, 90.0), st.floats(0.0, 30.0))
def test_free_space_transmissivity_is_a_probability_and_budget_adds_up(L, lam, dt, dr, point, tz, elev, extra):
    link = ch.FreeSpaceLink(L, wavelength_m=lam, tx_aperture_m=dt, rx_aperture_m=dr, pointing_error_rad=point,
                            zenith_transmittance=tz, elevation_deg=elev, extra_loss_db=extra)
    assert 0.0 <= link.transmissivity <= 1.0
    b = link.breakdown
    assert min(b.diffraction_db, b.atmosphere_db, b.pointing_db, b.extra_db) >= 0.0
    if link.transmissivity > 1e-300:  # subnormal products lose relative precision (3000+ dB links)
        assert b.total_db == pytest.approx(-10 * math.log10(link.transmissivity), rel=1e-9, abs=1e-9)
    longer = ch.FreeSpaceLink(2 * L, wavelength_m=lam, tx_aperture_m=dt, rx_aperture_m=dr,
                              pointing_error_rad=point, zenith_transmittance=tz, elevation_deg=elev,
                              extra_loss_db=extra)
    assert longer.transmissivity <= link.transmissivity


@given(st.floats(200.0, 2000.0), st.floats(1.0, 90.0), st.floats(1.0, 90.0))
def test_slant_range_decreases_with_elevation(h, e1, e2):
    lo, hi = sorted((e1, e2))
    assert ch.slant_range_km(h, hi) <= ch.slant_range_km(h, lo) + 1e-9
    assert ch.slant_range_km(h, lo) >= h - 1e-9


@given(prob, prob, prob, prob)
def test_detector_readout_probabilities(eff, pd, t, e):
    d = ch.Detector(efficiency=eff, dark_count_prob=pd)
    s = d.readout(t, e)
    parts = (s.p_correct_only, s.p_wrong_only, s.p_double, s.p_no_click)
    assert min(parts) >= -1e-15
    assert sum(parts) == pytest.approx(1.0, abs=1e-12)
    f = d.readout_flip_probability(t)
    assert 0.0 <= f <= 0.5 + 1e-12
    assert s.error_rate == pytest.approx(f + e * (1 - 2 * f), abs=1e-12)
    assert d.click_probability(1, t) >= d.click_probability_vacuum() - 1e-15
    assert d.click_probability(2, t) >= d.click_probability(1, t) - 1e-15
