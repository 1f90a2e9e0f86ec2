"""Universal blind quantum computation over a noisy link, traps and blindness.

Broadbent, Fitzsimons, Kashefi, FOCS 2009 (Protocol 1; blindness, Theorem 2): the client's
qubits ``|+_theta>`` with ``theta`` uniform in ``{k pi/4}`` and the angles
``delta = phi' + theta + r pi`` hide ``phi``: averaged over ``theta`` (and ``r``) the server holds
``I/2`` and a uniform ``delta``. Fitzsimons, Kashefi, PRA 96, 012303 (2017): a trap ``|+_theta>``
with dummy neighbours ``|d_j>`` must return ``b = r``.

Closed form of the trap failure rate through a depolarizing link of parameter p (derived): the
trap qubit, measured in its own basis, errs with probability ``a = p/2``; each dummy is flipped
with probability ``p/2``, and a flipped dummy kicks a Z onto the trap, so the outcome is wrong when
the number of these independent errors is odd: ``P = (1 - (1 - p)**(k + 1)) / 2`` for k dummies.
The exact average over the secrets that :func:`blind_computation` uses is checked against the
protocol run secret by secret (every secret for a 2-qubit path; a seeded Monte Carlo, within
4 standard errors, for the 4-qubit default).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import channels
import qnet_core as qc
from protocols.computing import DEFAULT_BLIND_ANGLES, blind_computation, blind_server_state, trap_detection
from protocols.computing.blind import _check_angles, _protocol_run, _sent
from qnet_core.errors import ParameterError

PI4 = np.pi / 4
NOISY = {"depolarizing": channels.depolarizing(0.1), "bit_flip": channels.bit_flip(0.1),
         "dephasing": channels.dephasing(0.1), "loss": channels.single_rail_loss(0.8)}


@pytest.mark.parametrize("angles", [DEFAULT_BLIND_ANGLES, (2 * PI4, 2 * PI4), (PI4, 4 * PI4, 5 * PI4),
                                    (PI4, 2 * PI4, 2 * PI4, 3 * PI4, 2 * PI4)])
def test_noiseless_link_always_succeeds(angles):
    r = blind_computation(angles)
    assert r.success_probability == pytest.approx(1.0, abs=1e-12)
    assert r.output_probabilities[r.ideal_output] == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_noiseless_traps_never_fail(k):
    assert trap_detection(num_dummies=k).detection_probability == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("name", ["none", *NOISY])
def test_blindness_received_qubit_is_maximally_mixed(name):
    """Averaged over theta, the client sends I/2; a unital link keeps it I/2 (loss is not unital: N(I/2))."""
    ch = NOISY.get(name)
    sent = np.mean([_sent(t * PI4, None) for t in range(8)], axis=0)
    np.testing.assert_allclose(sent, np.eye(2) / 2, atol=1e-15)
    received = np.mean([_sent(t * PI4, ch) for t in range(8)], axis=0)
    expected = np.eye(2) / 2 if ch is None else ch.apply(qc.maximally_mixed(1))
    np.testing.assert_allclose(received, expected, atol=1e-14)
    if name != "loss":
        np.testing.assert_allclose(received, np.eye(2) / 2, atol=1e-14)


@pytest.mark.parametrize("name", ["none", *NOISY])
def test_blindness_server_view_independent_of_angle(name):
    ch = NOISY.get(name)
    views = [blind_server_state(k * PI4, channel=ch) for k in range(8)]
    for v in views[1:]:
        np.testing.assert_allclose(v, views[0], atol=1e-14)
    n_half = np.eye(2) / 2 if ch is None else ch.apply(qc.maximally_mixed(1))
    np.testing.assert_allclose(views[0], np.broadcast_to(n_half / 8, (8, 2, 2)), atol=1e-14)


@pytest.mark.parametrize("name", list(NOISY))
def test_exact_average_matches_protocol_over_every_secret(name):
    ch = NOISY[name]
    angles = (2 * PI4, 2 * PI4)
    k = _check_angles(angles, "test")
    r = blind_computation(angles, channel=ch)
    runs = [_protocol_run(k, th, rs, ch) for th in itertools.product(range(8), repeat=2)
            for rs in itertools.product(range(2), repeat=2)]
    np.testing.assert_allclose(np.mean(runs, axis=0), r.output_probabilities, atol=1e-12)


def test_exact_average_matches_protocol_monte_carlo_default():
    ch = channels.bit_flip(0.15)
    k = _check_angles(DEFAULT_BLIND_ANGLES, "test")
    r = blind_computation(channel=ch)
    rng = np.random.default_rng(2024)
    trials = 150
    vals = np.array([_protocol_run(k, rng.integers(0, 8, k.size), rng.integers(0, 2, k.size), ch)[r.ideal_output]
                     for _ in range(trials)])
    se = vals.std(ddof=1) / np.sqrt(trials)
    assert abs(vals.mean() - r.success_probability) < 4 * se + 1e-12


def test_covariant_channel_result_does_not_depend_on_secrets():
    ch = channels.depolarizing(0.2)
    k = _check_angles(DEFAULT_BLIND_ANGLES, "test")
    r = blind_computation(channel=ch)
    rng = np.random.default_rng(5)
    for _ in range(4):
        out = _protocol_run(k, rng.integers(0, 8, k.size), rng.integers(0, 2, k.size), ch)
        np.testing.assert_allclose(out, r.output_probabilities, atol=1e-12)


@pytest.mark.parametrize("k", [0, 1, 2, 3])
@pytest.mark.parametrize("p", [0.05, 0.2, 0.5])
def test_trap_failure_depolarizing_closed_form(k, p):
    r = trap_detection(channel=channels.depolarizing(p), num_dummies=k)
    assert r.detection_probability == pytest.approx((1 - (1 - p) ** (k + 1)) / 2, abs=1e-12)


def test_monotone_in_noise_and_loss():
    ps = [0.0, 0.02, 0.05, 0.1, 0.2, 0.4]
    succ = [blind_computation(channel=channels.depolarizing(p)).success_probability for p in ps]
    traps = [trap_detection(channel=channels.depolarizing(p)).detection_probability for p in ps]
    assert np.all(np.diff(succ) < 0) and np.all(np.diff(traps) > 0)
    etas = [1.0, 0.9, 0.7, 0.5]
    traps_loss = [trap_detection(channel=channels.single_rail_loss(e)).detection_probability for e in etas]
    succ_loss = [blind_computation(channel=channels.single_rail_loss(e)).success_probability for e in etas]
    assert np.all(np.diff(traps_loss) > 0) and np.all(np.diff(succ_loss) < 0)


def test_heralded_loss_costs_transmissions_only():
    ch = channels.dephasing(0.1)
    a, b = blind_computation(channel=ch, eta=1.0), blind_computation(channel=ch, eta=0.1)
    assert a.success_probability == b.success_probability
    assert b.expected_transmissions == pytest.approx(40.0)
    assert trap_detection(eta=0.25, num_dummies=3).expected_transmissions == pytest.approx(16.0)
    assert blind_computation(eta=0.0).expected_transmissions == float("inf")


@pytest.mark.parametrize("call,match", [
    (lambda: blind_computation([0.3]), r"blind_computation\(\): angles_rad contains 0.3; UBQC angles must be "
                                       r"multiples of pi/4"),
    (lambda: blind_computation([PI4]), r"blind_computation\(\): the noiseless computation .* deterministic"),
    (lambda: blind_computation([0.0] * 9), r"give 1 to 8 angles"),
    (lambda: blind_computation(channel=channels.depolarizing(0.1, num_qubits=2)), r"single-qubit Channel"),
    (lambda: blind_computation(eta=1.5), r"eta=1.5 must lie in \[0, 1\]"),
    (lambda: trap_detection(num_dummies=4), r"trap_detection\(\): num_dummies=4"),
    (lambda: blind_server_state(0.1), r"blind_server_state\(\): angles_rad contains 0.1"),
])
def test_errors(call, match):
    with pytest.raises(ParameterError, match=match):
        call()
