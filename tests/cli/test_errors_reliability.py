"""Scenario grids whose point count overflows a fixed-width integer are refused in one line (issue 12)."""

import pytest

from qnet_cli.scenario import MAX_POINTS, parse_scenario
from qnet_core.errors import ScenarioError


def test_grid_of_four_axes_of_65536_points_is_refused():
    axis = "1:65536:1"  # 65536 values; 65536**4 = 2**64 wrapped to 0 in int64
    grid = {"length_km": axis, "trials": axis, "segments": axis, "memories_per_node": axis}
    data = {"command": "chain", "grid": grid}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "big.toml")
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"big.toml: [grid] has {65536**4} points (")
    assert msg.endswith(f"at most {MAX_POINTS} allowed")
