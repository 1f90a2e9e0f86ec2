"""Bad input -> which exception and which message, for Channel, the catalogue and the link models."""

import math

import numpy as np
import pytest

import qnet_core as qc
from qnet_core.errors import ChannelError, DimensionError, ParameterError, QnetError, QubitIndexError, StateError

import channels as ch
from channels import Channel, Detector, Fiber, FreeSpaceLink


# ------------------------------------------------------------------ Channel construction
def test_non_trace_preserving_kraus_reports_deviation():
    with pytest.raises(ChannelError, match=r"not trace preserving: max \|sum_k K\^dag K - I\| = 0\.1"):
        Channel([np.sqrt(0.9) * np.eye(2)])
    with pytest.raises(ChannelError, match="Channel.from_kraus"):
        Channel.from_kraus(2 * np.eye(2))


@pytest.mark.parametrize("bad,exc,msg", [
    (np.eye(3), DimensionError, "not a power of two"),
    (np.zeros((2, 2, 3)), DimensionError, "expected \\(k, 2\\*\\*m, 2\\*\\*m\\)"),
    ("abc", DimensionError, "numeric array"),
    (np.array([[np.nan, 0], [0, 1]]), StateError, "NaN"),
])
def test_bad_kraus_shapes(bad, exc, msg):
    with pytest.raises(exc, match=msg):
        Channel(bad)


def test_non_cp_choi_is_rejected():
    # transpose map: TP but not completely positive (Choi = SWAP has eigenvalue -1)
    swap = qc.gates.SWAP
    with pytest.raises(ChannelError, match="not completely positive: its Choi matrix has eigenvalue -1"):
        Channel.from_choi(swap)


def test_non_tp_choi_and_superoperator_are_rejected():
    with pytest.raises(ChannelError, match=r"not trace preserving: max \|Tr_out J - I\| = 0\.5"):
        Channel.from_choi(1.5 * Channel.identity(1).choi())
    with pytest.raises(ChannelError, match="Channel.from_superoperator.*not trace preserving"):
        Channel.from_superoperator(0.5 * np.eye(4))
    with pytest.raises(ChannelError, match="not Hermiticity preserving"):
        Channel.from_choi(np.triu(np.ones((4, 4))))


def test_bad_ptm_is_rejected():
    with pytest.raises(ChannelError, match="imaginary entries"):
        Channel.from_ptm(1j * np.eye(4))
    # Bloch vector scaled by 2: positive map violated
    with pytest.raises(ChannelError, match="not completely positive"):
        Channel.from_ptm(np.diag([1.0, 2.0, 2.0, 2.0]))
    with pytest.raises(DimensionError, match=r"expected \(4\*\*m, 4\*\*m\)"):
        Channel.from_ptm(np.eye(8))
    with pytest.raises(DimensionError, match=r"expected \(4\*\*m, 4\*\*m\)"):
        Channel.from_choi(np.eye(2))


def test_composition_errors():
    a, b = ch.bit_flip(0.1), ch.depolarizing(0.1, num_qubits=2)
    with pytest.raises(DimensionError, match="cannot compose a 1-qubit channel with a 2-qubit channel"):
        a.then(b)
    with pytest.raises(ChannelError, match="expected a Channel"):
        a.then(np.eye(2))
    with pytest.raises(ChannelError, match="expected a Channel"):
        a.tensor("x")
    with pytest.raises(TypeError):
        a @ np.eye(2)
    with pytest.raises(TypeError):
        np.eye(2) @ a
    with pytest.raises(ParameterError, match=r"Channel.power\(\): n=-1"):
        a.power(-1)
    with pytest.raises(ParameterError, match=r"Channel.identity\(\): num_qubits=0"):
        Channel.identity(0)
    with pytest.raises(ChannelError, match="not unitary"):
        Channel.from_unitary(np.diag([1.0, 0.5]))


def test_apply_errors():
    c = ch.depolarizing(0.1, num_qubits=2)
    with pytest.raises(DimensionError, match="acts on 2 qubits but the state has only 1"):
        c.apply(qc.basis_state("0"))
    with pytest.raises(QubitIndexError, match="repeats qubit"):
        c.apply(qc.basis_state("000"), [1, 1])
    with pytest.raises(QubitIndexError, match="out of range"):
        ch.bit_flip(0.1).apply(qc.basis_state("00"), [2])
    with pytest.raises(QubitIndexError, match="names 1 qubit\\(s\\) but the operator acts on 2"):
        c.apply(qc.basis_state("000"), [0])
    with pytest.raises(StateError, match="trace"):
        ch.bit_flip(0.1).apply(2 * qc.basis_state("0"))


# ------------------------------------------------------------------ catalogue parameters
@pytest.mark.parametrize("fn,kwargs,msg", [
    (ch.bit_flip, {"p": 1.5}, r"bit_flip\(\): p=1.5 is not a probability"),
    (ch.phase_flip, {"p": -0.1}, r"phase_flip\(\): p=-0.1 is not a probability"),
    (ch.dephasing, {"p": math.nan}, r"dephasing\(\): p=nan is not a probability"),
    (ch.bit_phase_flip, {"p": 2}, r"bit_phase_flip\(\): p=2"),
    (ch.pauli_channel, {"px": 0.5, "py": 0.4, "pz": 0.3}, r"pauli_channel\(\): px \+ py \+ pz = 1.2 exceeds 1"),
    (ch.pauli_channel, {"px": -0.1, "py": 0.0, "pz": 0.0}, r"pauli_channel\(\): px=-0.1"),
    (ch.depolarizing, {"p": 1.1}, r"depolarizing\(\): p=1.1 is not a probability"),
    (ch.depolarizing, {"p": 0.1, "num_qubits": 3},
     r"depolarizing\(\): num_qubits=3 is not supported; it must be 1 or 2"),
    (ch.depolarizing_pauli, {"p_error": 1.5}, r"depolarizing_pauli\(\): p_error=1.5"),
    (ch.amplitude_damping, {"gamma": -1}, r"amplitude_damping\(\): gamma=-1"),
    (ch.amplitude_damping, {"gamma": "0.1"}, r"amplitude_damping\(\): gamma='0.1' is not a real number"),
    (ch.generalized_amplitude_damping, {"gamma": 0.1, "p_excited": 1.2}, r"p_excited=1.2 is not a probability"),
    (ch.thermal_excited_population, {"frequency_hz": 0.0, "temperature_k": 1.0}, r"frequency_hz=0.0"),
    (ch.thermal_excited_population, {"frequency_hz": 1e9, "temperature_k": -1.0}, r"temperature_k=-1.0"),
    (ch.rotation_error, {"angle_rad": math.inf}, r"rotation_error\(\): angle_rad=inf must be a finite number"),
    (ch.rotation_error, {"angle_rad": 0.1, "axis": "w"}, r"axis='w' is not allowed; it must be 'x', 'y' or 'z'"),
    (ch.rotation_error, {"angle_rad": 0.1, "sigma_rad": -0.1}, r"sigma_rad=-0.1"),
    (ch.memory, {"t_s": -1.0, "t1_s": 1.0, "t2_s": 1.0}, r"memory\(\): t_s=-1.0 is not allowed"),
    (ch.memory, {"t_s": 1.0, "t1_s": 0.0, "t2_s": 0.0},
     r"memory\(\): t1_s=0.0 is not allowed; it must be a number > 0"),
    (ch.memory, {"t_s": 1.0, "t1_s": 1.0, "t2_s": 3.0},
     r"memory\(\): t2_s=3.0 exceeds 2\*t1_s=2.0; T2 must be <= 2\*T1"),
    (ch.memory, {"t_s": 1.0, "t1_s": 1.0, "t2_s": float("inf")}, r"memory\(\): t2_s=inf exceeds 2\*t1_s=2.0"),
    (ch.memory, {"t_s": math.inf}, r"memory\(\): t_s=inf"),
    (ch.depolarizing_memory, {"t_s": 1.0, "t_dep_s": 0.0}, r"depolarizing_memory\(\): t_dep_s=0.0"),
    (ch.depolarizing_memory, {"t_s": -1.0, "t_dep_s": 1.0}, r"depolarizing_memory\(\): t_s=-1.0"),
    (ch.drift_channel, {"length_km": 1.0, "coherence_length_km": 1.0, "kind": "jitter"},
     r"kind='jitter' is not allowed"),
    (ch.drift_channel, {"length_km": -1.0, "coherence_length_km": 1.0}, r"length_km=-1.0"),
    (ch.single_rail_loss, {"transmissivity": 1.5}, r"single_rail_loss\(\): transmissivity=1.5"),
    (ch.dual_rail_erasure, {"transmissivity": 0.5, "drift": "x"}, r"drift='x' must be a single-qubit Channel"),
])
def test_catalogue_parameter_errors(fn, kwargs, msg):
    with pytest.raises(ParameterError, match=msg):
        fn(**kwargs)


def test_unitary_error_rejects_non_unitary():
    with pytest.raises(ChannelError, match=r"unitary_error\(\): U is not unitary"):
        ch.unitary_error(np.array([[1, 1], [0, 1]]))


def test_errors_are_value_errors():
    with pytest.raises(ValueError):
        ch.bit_flip(3)
    assert issubclass(ChannelError, QnetError)


# ------------------------------------------------------------------ links and detectors
@pytest.mark.parametrize("kwargs,msg", [
    ({"length_km": -1.0}, r"Fiber: length_km=-1.0 must be a finite number >= 0"),
    ({"length_km": 1.0, "refractive_index": 0.5}, r"refractive_index=0.5 must be >= 1"),
])
def test_fiber_errors(kwargs, msg):
    with pytest.raises(ParameterError, match=msg):
        Fiber(**kwargs)
    with pytest.raises(ParameterError, match="coherence_length_km=0"):
        Fiber(1.0).drift_channel(0)


@pytest.mark.parametrize("kwargs,msg", [
    ({"efficiency": 1.2}, r"Detector\(\): efficiency=1.2 is not a probability"),
    ({"dark_count_prob": -1e-6}, r"Detector\(\): dark_count_prob=-1e-06"),
    ({"dead_time_s": -1.0}, r"Detector\(\): dead_time_s=-1.0"),
])
def test_detector_errors(kwargs, msg):
    with pytest.raises(ParameterError, match=msg):
        Detector(**kwargs)


def test_detector_method_errors():
    d = Detector()
    with pytest.raises(ParameterError, match=r"num_photons=-1 must be an integer >= 0"):
        d.click_probability(-1)
    with pytest.raises(ParameterError, match=r"transmissivity=2"):
        d.qubit_error_rate(2)
    with pytest.raises(ParameterError, match=r"intrinsic_error=-0.1"):
        d.readout(0.5, -0.1)
    with pytest.raises(ParameterError, match=r"mean_photon_number=-1"):
        d.click_probability_coherent(-1)
    with pytest.raises(ParameterError, match=r"incident_click_rate_hz=-5"):
        d.detected_rate_hz(-5)


@pytest.mark.parametrize("kwargs,msg", [
    ({"distance_km": 0.0}, r"FreeSpaceLink\(\): distance_km=0.0 is not allowed; it must be a finite number > 0"),
    ({"distance_km": 10.0, "wavelength_m": 810.0}, r"wavelength_m=810.0 looks like it is not in metres"),
    ({"distance_km": 10.0, "tx_aperture_m": -0.1}, r"tx_aperture_m=-0.1"),
    ({"distance_km": 10.0, "rx_aperture_m": 0}, r"rx_aperture_m=0"),
    ({"distance_km": 10.0, "pointing_error_rad": -1e-6}, r"pointing_error_rad=-1e-06"),
    ({"distance_km": 10.0, "zenith_transmittance": 1.1}, r"zenith_transmittance=1.1 is not a probability"),
    ({"distance_km": 10.0, "elevation_deg": 0.0}, r"elevation_deg=0.0 is not allowed; it must lie in \(0, 90\]"),
    ({"distance_km": 10.0, "elevation_deg": 95.0}, r"elevation_deg=95.0"),
    ({"distance_km": 10.0, "extra_loss_db": -3.0}, r"extra_loss_db=-3.0"),
    ({"distance_km": 10.0, "beam_divergence_rad": 0.0}, r"beam_divergence_rad=0.0"),
])
def test_free_space_link_errors(kwargs, msg):
    with pytest.raises(ParameterError, match=msg):
        FreeSpaceLink(**kwargs)


def test_geometry_errors():
    with pytest.raises(ParameterError, match=r"slant_range_km\(\): altitude_km=-500.0"):
        ch.slant_range_km(-500.0, 30.0)
    with pytest.raises(ParameterError, match=r"slant_range_km\(\): elevation_deg=-5.0 is not allowed"):
        ch.slant_range_km(500.0, -5.0)
    with pytest.raises(ParameterError, match=r"satellite_downlink\(\): distance_km is computed from the geometry"):
        ch.satellite_downlink(500.0, 30.0, distance_km=10.0)
    with pytest.raises(ParameterError, match=r"satellite_downlink\(\): elevation_deg=0"):
        ch.satellite_downlink(500.0, 0)
    with pytest.raises(ParameterError, match=r"satellite_ground_distance_a_km=2000.0 exceeds ground_separation_km"):
        ch.two_station_geometry(500.0, 1200.0, 2000.0)
    with pytest.raises(ParameterError, match="below the horizon"):
        ch.two_station_geometry(500.0, 6000.0).links()
    with pytest.raises(ParameterError, match="exceeds half the Earth's circumference"):
        ch.free_space.elevation_and_range(500.0, 30000.0)
