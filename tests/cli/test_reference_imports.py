"""What ``qnet keyrate`` imports: closed-form key rates need no compiler.

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

    rc = main(["keyrate", "--distance", "0:20:10", "--json", "--quiet"])
    sys.stdout.flush()
    print(json.dumps({{"rc": rc, "numba": "numba" in sys.modules, "importer": importer,
                      "qkd_kernels": "protocols.qkd._kernels" in sys.modules}}), file=sys.stderr)
""")


@pytest.fixture(scope="module")
def keyrate_run():
    proc = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=qnet_env(),
                          cwd=ROOT, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["rc"] == 0, proc.stderr
    rows = json.loads(proc.stdout)["rows"]
    assert [r["distance_km"] for r in rows] == [0.0, 10.0, 20.0]
    return report


def test_keyrate_does_not_import_the_qkd_kernels(keyrate_run):
    assert not keyrate_run["qkd_kernels"]


def test_keyrate_imports_no_numba(keyrate_run):
    assert not keyrate_run["numba"], "numba imported by " + " <- ".join(reversed(keyrate_run["importer"]))
