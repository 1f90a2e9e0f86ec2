"""Shared fixtures of the channels tests: warm the compiled kernels once per session."""

import pytest


@pytest.fixture(scope="session", autouse=True)
def _warm_kernels():
    import qnet_core as qc

    from channels import depolarizing

    depolarizing(0.1).apply(qc.bell_state(), [0])
    depolarizing(0.1).apply(qc.tensor(qc.bell_state(), qc.bell_state()), [1])
