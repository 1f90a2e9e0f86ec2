"""Hypothesis strategies for the catalogue: each channel over its whole parameter range."""

import math

from hypothesis import strategies as st

import channels as ch

prob = st.one_of(st.sampled_from([0.0, 1.0, 0.5]), st.floats(0.0, 1.0))
times = st.one_of(st.sampled_from([0.0, 1e-9, 1.0, 1e6]), st.floats(0.0, 1e3))
tconst = st.one_of(st.just(math.inf), st.sampled_from([1e-9, 1.0]), st.floats(1e-6, 1e6))


@st.composite
def pauli_probs(draw):
    px, py = draw(prob), draw(prob)
    py = min(py, 1.0 - px)
    pz = min(draw(prob), max(0.0, 1.0 - px - py))
    return px, py, pz


@st.composite
def memory_params(draw):
    t1 = draw(tconst)
    frac = draw(st.one_of(st.sampled_from([1.0, 0.5, 1e-3]), st.floats(1e-6, 1.0)))
    t2 = 2.0 * t1 * frac if math.isfinite(t1) else draw(tconst)
    return draw(times), t1, t2


@st.composite
def catalogue_channels(draw):
    """(name, Channel) for every catalogue function, parameters drawn over their full range."""
    kind = draw(st.sampled_from([
        "bit_flip", "phase_flip", "bit_phase_flip", "pauli", "depol1", "depol2", "depol_pauli1",
        "depol_pauli2", "ad", "gad", "unitary", "rotation", "memory", "depol_memory", "depol_memory2",
        "drift_deph", "drift_depol", "fiber_single_rail", "detector_readout",
    ]))
    if kind == "fiber_single_rail":
        fiber = ch.Fiber(draw(st.floats(0, 1e4)), attenuation_db_per_km=draw(st.floats(0, 1)))
        return kind, fiber.single_rail_channel()
    if kind == "detector_readout":
        det = ch.Detector(efficiency=draw(prob), dark_count_prob=draw(prob))
        return kind, det.readout_channel(draw(prob))
    if kind == "bit_flip":
        return kind, ch.bit_flip(draw(prob))
    if kind == "phase_flip":
        return kind, ch.phase_flip(draw(prob))
    if kind == "bit_phase_flip":
        return kind, ch.bit_phase_flip(draw(prob))
    if kind == "pauli":
        return kind, ch.pauli_channel(*draw(pauli_probs()))
    if kind == "depol1":
        return kind, ch.depolarizing(draw(prob))
    if kind == "depol2":
        return kind, ch.depolarizing(draw(prob), num_qubits=2)
    if kind == "depol_pauli1":
        return kind, ch.depolarizing_pauli(draw(prob))
    if kind == "depol_pauli2":
        return kind, ch.depolarizing_pauli(draw(prob), num_qubits=2)
    if kind == "ad":
        return kind, ch.amplitude_damping(draw(prob))
    if kind == "gad":
        return kind, ch.generalized_amplitude_damping(draw(prob), draw(prob))
    if kind == "unitary":
        from qnet_core.testing import unitaries
        return kind, ch.unitary_error(draw(unitaries(st.integers(1, 2))))
    if kind == "rotation":
        return kind, ch.rotation_error(draw(st.floats(-10, 10)), draw(st.sampled_from("xyz")),
                                       sigma_rad=draw(st.floats(0, 10)))
    if kind == "memory":
        return kind, ch.memory(*draw(memory_params()))
    if kind == "depol_memory":
        return kind, ch.depolarizing_memory(draw(times), draw(tconst))
    if kind == "depol_memory2":
        return kind, ch.depolarizing_memory(draw(times), draw(tconst), num_qubits=2)
    if kind == "drift_deph":
        return kind, ch.drift_channel(draw(st.floats(0, 1e4)), draw(tconst), "dephasing")
    return kind, ch.drift_channel(draw(st.floats(0, 1e4)), draw(tconst), "depolarizing")
