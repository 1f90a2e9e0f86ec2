"""What ``qnet keyrate`` and a first ``qnet chain`` import: neither needs the compiler.

The key-rate command evaluates the formulas of :mod:`protocols.qkd` on numpy arrays; only the
BB84 Monte Carlo has a compiled kernel (:mod:`protocols.qkd._kernels`), imported on its first
run. Each check runs the command's entry point in a fresh interpreter, which reports the
modules it loaded and, if numba was imported, the repository frames that imported it.
"""

import json
import subprocess
import sys
import textwrap

import pytest

from .conftest import ROOT, qnet_env

_SCRIPT = textwrap.dedent(f"""
    import json, sys, traceback

    ROOT = {str(ROOT)!r}
    importer = []

    class Spy:
        '''Record who imports numba first (the finders after it do the import).'''

        def find_spec(self, name, path=None, target=None):
            if name == "numba" and not importer:
                importer.extend(f"{{f.filename[len(ROOT) + 1:]}}:{{f.lineno}}" for f in traceback.extract_stack()
                                if f.filename.startswith(ROOT))
            return None

    sys.meta_path.insert(0, Spy())
    from qnet_cli.main import main

    rc = main(sys.argv[1:])
    sys.stdout.flush()
    print(json.dumps({{"rc": rc, "numba": "numba" in sys.modules, "importer": importer,
                      "qkd_kernels": "protocols.qkd._kernels" in sys.modules}}), file=sys.stderr)
""")


def _run(*args, env=None):
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, *args], capture_output=True, text=True,
                          env=env or qnet_env(), cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["rc"] == 0, proc.stderr
    return report, json.loads(proc.stdout)


@pytest.fixture(scope="module")
def keyrate_run():
    report, out = _run("keyrate", "--distance", "0:20:10", "--json", "--quiet")
    assert [r["distance_km"] for r in out["rows"]] == [0.0, 10.0, 20.0]
    return report


def test_keyrate_does_not_import_the_qkd_kernels(keyrate_run):
    assert not keyrate_run["qkd_kernels"]


def test_keyrate_imports_no_numba(keyrate_run):
    assert not keyrate_run["numba"], "numba imported by " + " <- ".join(reversed(keyrate_run["importer"]))


def test_first_chain_run_needs_no_compiler(tmp_path):
    """Issue 11: the first ``qnet chain`` after install (empty numba cache) runs its 1000 default
    trials in the interpreter: no numba import, nothing compiled, the compiled kernel's numbers
    (to rounding)."""
    cache = tmp_path / "numba-cache"
    report, row = _run("chain", "--json", "--quiet", env={**qnet_env(), "NUMBA_CACHE_DIR": str(cache)})
    assert not report["numba"], "numba imported by " + " <- ".join(reversed(report["importer"]))
    assert not cache.exists() or not any(cache.iterdir())
    from protocols.repeaters.repeater_chain import RepeaterChain, simulate_chain
    from qnet_cli import tasks

    want = tasks.chain_row(simulate_chain(RepeaterChain(4, 100.0), 1000, seed=0, jit=True))
    assert row["trials"] == 1000
    for column in ("mean_fidelity", "rate_hz", "mean_waiting_time_s", "qber_z", "qber_x"):
        assert row[column] == pytest.approx(want[column], rel=1e-12, abs=1e-15), column
