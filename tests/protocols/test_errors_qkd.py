"""Bad input to the QKD modules -> ParameterError with a message naming the argument."""

from __future__ import annotations

import pytest

from protocols.qkd.bb84 import QKDSystem, bb84_single_photon_rate, decoy_bb84_rate, optimal_mu, simulate_decoy_bb84
from protocols.qkd.bbm92 import bbm92_rate
from protocols.qkd.bounds import plob_bound, tgw_bound
from protocols.qkd.finite_key import finite_key_length
from protocols.qkd.keyrate import key_rate_curve
from protocols.qkd.satellite import satellite_key_rate
from protocols.qkd.trusted_node import equal_links, trusted_node_chain
from qnet_core.errors import ParameterError


@pytest.mark.parametrize("kw,match", [
    ({"detector_efficiency": 0.0}, "detector_efficiency"),
    ({"detector_efficiency": 1.5}, "detector_efficiency"),
    ({"dark_count_prob": -1e-6}, "dark_count_prob"),
    ({"dark_count_prob": 1.0}, "dark_count_prob"),
    ({"misalignment": 0.6}, "misalignment"),
    ({"ec_efficiency": 0.9}, "ec_efficiency"),
    ({"rep_rate_hz": 0.0}, "rep_rate_hz"),
    ({"attenuation_db_per_km": -0.2}, "attenuation_db_per_km"),
    ({"attenuation_db_per_km": float("nan")}, "attenuation_db_per_km"),
])
def test_bad_system(kw, match):
    with pytest.raises(ParameterError, match=match):
        QKDSystem(**kw)


def test_bad_rate_arguments():
    with pytest.raises(ParameterError, match="length_km"):
        bb84_single_photon_rate(-1.0)
    with pytest.raises(ParameterError, match="per='hour'"):
        bb84_single_photon_rate(1.0, per="hour")
    with pytest.raises(ParameterError, match="decoy='two'"):
        decoy_bb84_rate(10.0, 0.5, decoy="two")
    with pytest.raises(ParameterError, match="mu=-0.5"):
        decoy_bb84_rate(10.0, -0.5)
    with pytest.raises(ParameterError, match="must exceed the weak decoy"):
        decoy_bb84_rate(10.0, 0.05, decoy="vacuum+weak", nu=0.1)
    with pytest.raises(ParameterError, match="system="):
        optimal_mu(10.0, system="gys")
    with pytest.raises(ParameterError, match="mean_pair_number"):
        bbm92_rate(10.0, 0.0)
    with pytest.raises(ParameterError, match="eta"):
        plob_bound(1.2)
    with pytest.raises(ParameterError, match="eta"):
        tgw_bound(-0.1)


def test_bad_monte_carlo_arguments():
    with pytest.raises(ParameterError, match="n_pulses"):
        simulate_decoy_bb84(10.0, 0)
    with pytest.raises(ParameterError, match="n_pulses"):
        simulate_decoy_bb84(10.0, 1.5e6)
    with pytest.raises(ParameterError, match="intensity_probs"):
        simulate_decoy_bb84(10.0, 1000, intensity_probs=(0.5, 0.5, 0.0))
    with pytest.raises(ParameterError, match="test_fraction"):
        simulate_decoy_bb84(10.0, 1000, test_fraction=0.0)
    with pytest.raises(ParameterError, match="mu=0.1 must exceed"):
        simulate_decoy_bb84(10.0, 1000, mu=0.1, nu=0.2)
    with pytest.raises(ParameterError, match="seed"):
        simulate_decoy_bb84(10.0, 1000, seed=-1)
    with pytest.raises(ParameterError, match="distance_km"):
        simulate_decoy_bb84(-10.0, 1000)


def test_bad_curve_and_chain_arguments():
    with pytest.raises(ParameterError, match="protocol='e91'"):
        key_rate_curve([10.0], "e91")
    with pytest.raises(ParameterError, match="distance_km"):
        key_rate_curve([10.0, float("nan")])
    with pytest.raises(ParameterError, match="detector_efficiency"):
        key_rate_curve([10.0], detector_efficiency=2.0)
    with pytest.raises(ParameterError, match="max_link_km"):
        key_rate_curve([10.0], "trusted-node", max_link_km=0.0)
    with pytest.raises(ParameterError, match="link_lengths_km is empty"):
        trusted_node_chain([])
    with pytest.raises(ParameterError, match="one per link"):
        trusted_node_chain([10.0, 20.0], systems=[QKDSystem()])
    with pytest.raises(ParameterError, match="max_link_km"):
        equal_links(100.0, -1.0)
    with pytest.raises(ParameterError, match="elevation_deg"):
        satellite_key_rate([0.0])
    with pytest.raises(ParameterError, match="protocol="):
        satellite_key_rate([30.0], protocol="bbm92")


def test_bad_finite_key_arguments():
    with pytest.raises(ParameterError, match="mu1 > mu2 \\+ mu3"):
        finite_key_length(10.0, 1e9, mu1=0.2, mu2=0.3)
    with pytest.raises(ParameterError, match="p1 \\+ p2 < 1"):
        finite_key_length(10.0, 1e9, p1=0.7, p2=0.4)
    with pytest.raises(ParameterError, match="n_pulses"):
        finite_key_length(10.0, -5)
    with pytest.raises(ParameterError, match="eps_sec"):
        finite_key_length(10.0, 1e9, eps_sec=0.0)


def test_finite_key_curve_option_errors():
    with pytest.raises(ParameterError, match="only available for protocol='bb84-decoy'"):
        key_rate_curve([10.0], "bbm92", n_pulses=1e9)
    with pytest.raises(ParameterError, match="with mu=None"):
        key_rate_curve([10.0], "bb84-decoy", mu=0.5, n_pulses=1e9)


def test_finite_key_rate_needs_exactly_one_size():
    from protocols.qkd.finite_key import finite_key_rate

    with pytest.raises(ParameterError, match="exactly one of n_pulses"):
        finite_key_rate(10.0, 1e9, block_size_x=1e6)
    with pytest.raises(ParameterError, match="exactly one of n_pulses"):
        finite_key_rate(10.0, None)
