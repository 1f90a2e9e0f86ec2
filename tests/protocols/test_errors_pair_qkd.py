"""Bad inputs to the pair QKD figures raise clear QnetError subclasses."""

import pytest

import qnet_core as qc
from protocols.qkd.entanglement_qkd import bbm92_secret_fraction, pair_qkd
from qnet_core import BellDiagonal
from qnet_core.errors import DimensionError, ParameterError


def test_bad_inputs():
    with pytest.raises(DimensionError, match=r"pair_qkd\(\): rho has shape \(2, 2\)"):
        pair_qkd(qc.maximally_mixed(1))
    with pytest.raises(ParameterError, match=r"frame=4 must be a Bell index"):
        pair_qkd(qc.werner(0.9), frame=4)
    with pytest.raises(ParameterError, match=r"ec_efficiency=0.9 must be >= 1"):
        pair_qkd(BellDiagonal([1, 0, 0, 0]), ec_efficiency=0.9)
    with pytest.raises(ParameterError, match=r"qber_x=.* must lie in \[0, 1\]"):
        bbm92_secret_fraction(1.5, 0.1)
