"""Bools and strings are not numbers for channels (issue 12)."""

import numpy as np
import pytest

import channels as ch
from qnet_core.errors import ParameterError


@pytest.mark.parametrize("kwargs", [dict(length_km="10"), dict(length_km=True), dict(length_km=np.bool_(True)),
                                    dict(length_km=1.0, attenuation_db_per_km="0.2"),
                                    dict(length_km=1.0, refractive_index=True)])
def test_fiber_rejects_bool_and_str(kwargs):
    with pytest.raises(ParameterError, match=r"Fiber: \w+=.* is not a number"):
        ch.Fiber(**kwargs)
