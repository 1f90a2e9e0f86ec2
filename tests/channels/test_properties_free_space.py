"""Hypothesis invariants of the free-space loss budget with every term switched on."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import channels as ch

links = st.fixed_dictionaries({
    "distance_km": st.floats(1.0, 4e4),
    "wavelength_m": st.floats(4e-7, 2e-6),
    "tx_aperture_m": st.floats(0.01, 1.0),
    "rx_aperture_m": st.floats(0.01, 2.0),
    "beam_divergence_rad": st.one_of(st.none(), st.floats(1e-7, 1e-4)),
    "pointing_jitter_rad": st.floats(0.0, 1e-5),
    "pointing_error_rad": st.floats(0.0, 1e-5),
    "fried_parameter_500nm_m": st.one_of(st.none(), st.floats(0.01, 0.3)),
    "direction": st.sampled_from(ch.free_space.LINK_DIRECTIONS),
    "air_mass_model": st.sampled_from(ch.free_space.AIR_MASS_MODELS),
    "zenith_transmittance": st.floats(0.05, 1.0),
    "elevation_deg": st.floats(1.0, 90.0),
    "receiver_efficiency": st.floats(0.01, 1.0),
    "extra_loss_db": st.floats(0.0, 20.0),
})


@settings(max_examples=150)
@given(links)
def test_budget_terms_are_losses_that_add_up(p):
    link = ch.FreeSpaceLink(**p)
    assert 0.0 <= link.transmissivity <= 1.0
    b = link.breakdown
    terms = (b.diffraction_db, b.turbulence_db, b.pointing_db, b.atmosphere_db, b.receiver_db, b.extra_db)
    assert min(terms) >= 0.0
    if link.transmissivity > 0:
        assert b.total_db == pytest.approx(-10 * math.log10(link.transmissivity), rel=1e-9, abs=1e-9)
    assert link.long_term_beam_radius_m >= link.beam_radius_m


# The static-offset factor exp(-2 (theta_p L)^2 / W^2) is the small-receiver approximation; a wider
# mean beam softens it, so the monotonicity below holds for a centred beam (jitter only).
@settings(max_examples=100)
@given(links, st.floats(1.1, 4.0))
def test_worse_conditions_never_help(p, factor):
    p = {**p, "pointing_error_rad": 0.0}
    base = ch.FreeSpaceLink(**p)
    worse = [
        {**p, "distance_km": p["distance_km"] * factor},
        {**p, "pointing_jitter_rad": p["pointing_jitter_rad"] * factor + 1e-7},
        {**p, "fried_parameter_500nm_m": (p["fried_parameter_500nm_m"] or 0.3) / factor},
        {**p, "elevation_deg": p["elevation_deg"] / factor},
        {**p, "receiver_efficiency": p["receiver_efficiency"] / factor},
    ]
    for q in worse:
        assert ch.FreeSpaceLink(**q).transmissivity <= base.transmissivity * (1 + 1e-12)


@settings(max_examples=100)
@given(links)
def test_uplink_turbulence_is_at_least_the_downlink(p):
    p = {**p, "pointing_error_rad": 0.0}
    up = ch.FreeSpaceLink(**{**p, "direction": "uplink"})
    down = ch.FreeSpaceLink(**{**p, "direction": "downlink"})
    assert up.turbulence_spread_m >= down.turbulence_spread_m
    assert up.transmissivity <= down.transmissivity * (1 + 1e-12)
