"""Run the real ``qnet`` console script in a subprocess.

The script installed by ``pip install -e .`` next to the running interpreter is used; when it
is absent (a bare checkout) the same entry point runs as ``python -c 'qnet_cli.main.main()'``.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def qnet_argv() -> list[str]:
    script = Path(sys.executable).with_name("qnet")
    if script.exists():
        return [str(script)]
    found = shutil.which("qnet")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from qnet_cli.main import main; sys.exit(main())"]


def qnet_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("COLUMNS", None)
    return env


class Run:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.rc = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    def json(self):
        return json.loads(self.out)


@pytest.fixture(scope="session")
def qnet():
    """``qnet(*args, cwd=None) -> Run``: run the console script, capture stdout/stderr."""
    argv = qnet_argv()

    def run(*args, cwd=None, timeout=120):
        proc = subprocess.run(argv + [str(a) for a in args], capture_output=True, text=True, cwd=cwd,
                              env=qnet_env(), timeout=timeout, stdin=subprocess.DEVNULL)
        return Run(proc)

    return run
