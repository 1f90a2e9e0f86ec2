"""Invariants of the pair QKD figures (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.qkd.entanglement_qkd import bbm92_secret_fraction, pair_qkd
from qnet_core.testing import density_matrices


@settings(max_examples=30, deadline=None)
@given(density_matrices(2), st.integers(0, 3))
def test_rates_are_probabilities(rho, frame):
    r = pair_qkd(rho, frame=frame)
    for v in (r.qber_x, r.qber_z, r.secret_fraction):
        assert 0.0 <= v <= 1.0


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 0.5), st.floats(0.0, 0.5), st.floats(0.0, 0.5))
def test_secret_fraction_decreases_with_error_rate(e1, e2, ez):
    lo, hi = sorted((e1, e2))
    assert bbm92_secret_fraction(hi, ez) <= bbm92_secret_fraction(lo, ez) + 1e-12
