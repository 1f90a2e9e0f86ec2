"""Bad input to the free-space link model: which exception, which message."""

import pytest

import channels as ch
from channels.free_space import FreeSpaceLink, air_mass
from qnet_core.errors import ParameterError


@pytest.mark.parametrize("kwargs,msg", [
    ({"pointing_jitter_rad": -1e-6}, r"FreeSpaceLink\(\): pointing_jitter_rad=-1e-06 is not allowed; it must be a "
                                     r"finite number >= 0"),
    ({"fried_parameter_500nm_m": 0.0}, r"FreeSpaceLink\(\): fried_parameter_500nm_m=0.0 is not allowed; it must be a "
                                       r"finite number > 0"),
    ({"direction": "sideways"}, r"FreeSpaceLink\(\): direction='sideways' is not allowed; use one of "
                                r"\('downlink', 'uplink'\)"),
    ({"air_mass_model": "flat"}, r"FreeSpaceLink\(\): air_mass_model='flat' is not allowed; use one of "
                                 r"\('plane-parallel', 'kasten-young'\)"),
    ({"receiver_efficiency": 0.0}, r"FreeSpaceLink\(\): receiver_efficiency=0.0 must lie in \(0, 1\]"),
    ({"receiver_efficiency": 1.5}, r"FreeSpaceLink\(\): receiver_efficiency=1.5 is not a probability"),
])
def test_free_space_link_new_parameter_errors(kwargs, msg):
    with pytest.raises(ParameterError, match=msg):
        FreeSpaceLink(500.0, **kwargs)


def test_satellite_downlink_errors():
    with pytest.raises(ParameterError, match=r"satellite_downlink\(\): preset='micius' is not allowed; use one of "
                                             r"\('micius-qkd-2017', "):
        ch.satellite_downlink(500.0, 30.0, preset="micius")
    with pytest.raises(ParameterError, match=r"satellite_downlink\(\): 'rx_diameter_m' is not a link parameter; "
                                             r"use one of \["):
        ch.satellite_downlink(500.0, 30.0, rx_diameter_m=1.0)
    with pytest.raises(ParameterError, match=r"satellite_downlink\(\): direction is computed from the geometry"):
        ch.satellite_downlink(500.0, 30.0, direction="uplink")
    with pytest.raises(ParameterError, match=r"satellite_downlink\(\): elevation_deg=95.0 is not allowed"):
        ch.satellite_downlink(500.0, 95.0)
    with pytest.raises(ParameterError, match=r"FreeSpaceLink\(\): receiver_efficiency=2.0 is not a probability"):
        ch.satellite_downlink(500.0, 30.0, receiver_efficiency=2.0)


def test_two_station_links_errors():
    g = ch.micius_geometry()
    with pytest.raises(ParameterError, match=r"TwoStationGeometry.links\(\): preset='xinglong' is not allowed"):
        g.links(preset_a="xinglong")
    with pytest.raises(ParameterError, match=r"TwoStationGeometry.links\(\): elevation_deg is computed from the "
                                             r"geometry"):
        g.total_loss_db(elevation_deg=30.0)


def test_air_mass_errors():
    with pytest.raises(ParameterError, match=r"air_mass\(\): elevation_deg=0.0 is not allowed; it must lie in "
                                             r"\(0, 90\] degrees"):
        air_mass(0.0)
    with pytest.raises(ParameterError, match=r"air_mass\(\): model='secant' is not allowed; use one of"):
        air_mass(30.0, "secant")
    with pytest.raises(ParameterError, match=r"air_mass\(\): elevation_deg='30' is not a real number"):
        air_mass("30")
