"""Satellite QKD key rates against the Micius decoy-state downlink.

Liao et al., Nature 549, 43 (2017): decoy-state BB84 from Micius (~500 km orbit) to Xinglong at
100 MHz, signal 0.8, decoys 0.1 and 0, slant range 645-1200 km, final key rate 1.1 kbit/s.
The model's asymptotic rate is compared to that number within an order of magnitude: the
paper's rate is finite-key and averaged over the pass, with half of the pulses spent on decoys.
"""

import math

import numpy as np
import pytest

from channels import satellite_downlink
from channels.free_space import EARTH_RADIUS_KM
from protocols.qkd.satellite import LIAO_2017, satellite_key_rate

LIAO_FINAL_KEY_BPS = 1.1e3


def elevation_for_range(altitude_km, range_km):
    R = EARTH_RADIUS_KM
    return math.degrees(math.asin(((R + altitude_km) ** 2 - R**2 - range_km**2) / (2 * R * range_km)))


def test_key_rate_at_645_km_is_the_order_of_liao_2017():
    """Liao et al. 2017: 1.1 kbit/s; the model, at the 645-km closest approach, within a factor 10."""
    e = elevation_for_range(500.0, 645.0)
    r = satellite_key_rate(e, system=LIAO_2017, decoy="vacuum+weak", nu=0.1, mu=0.8)
    assert r.slant_range_km[0] == pytest.approx(645.0, rel=1e-9)
    assert r.loss_db[0] == pytest.approx(29.75, abs=3.0)  # Liao et al. 2017, Fig. 3
    assert LIAO_FINAL_KEY_BPS / 10 < r.key_rate_bps[0] < LIAO_FINAL_KEY_BPS * 10


def test_key_rate_along_the_liao_pass_stays_at_kilohertz_scale():
    """From 645 to 1200 km the rate drops by about the 8 dB of extra loss, and key is still made
    at 1200 km ("kilohertz key rate ... up to 1,200 kilometres", Liao et al. 2017)."""
    e = [elevation_for_range(500.0, d) for d in (645.0, 1200.0)]
    r = satellite_key_rate(e, system=LIAO_2017, decoy="vacuum+weak", nu=0.1, mu=0.8)
    assert r.key_rate_bps[1] > 100.0
    ratio_db = 10 * math.log10(r.key_rate_bps[0] / r.key_rate_bps[1])
    assert ratio_db == pytest.approx(r.loss_db[1] - r.loss_db[0], abs=1.0)


def test_key_rate_uses_the_satellite_downlink_and_its_preset():
    e = [25.0, 60.0]
    r = satellite_key_rate(e, system=LIAO_2017)
    np.testing.assert_allclose(r.loss_db, [satellite_downlink(500.0, x).loss_db for x in e], rtol=1e-12)
    ideal = satellite_key_rate(e, system=LIAO_2017, preset="diffraction-only")
    assert np.all(ideal.key_rate_per_pulse > 10 * r.key_rate_per_pulse)
    np.testing.assert_allclose(ideal.loss_db, [satellite_downlink(500.0, x, preset="diffraction-only").loss_db
                                               for x in e], rtol=1e-12)
    assert np.all(r.key_rate_per_pulse <= r.plob_per_pulse)


def test_liao_2017_receiver():
    assert LIAO_2017.rep_rate_hz == 1e8
    assert LIAO_2017.detector_efficiency == 0.5
    assert LIAO_2017.attenuation_db_per_km == 0.0
