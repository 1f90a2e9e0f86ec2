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
    return [sys.executable, "-c", "import sys; from qnet_cli._entry import main; sys.exit(main())"]


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


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: runs real qnet subprocesses for seconds (signals, pools, kills)")


_STARTED: list = []


def popen_qnet(*args, cwd=None) -> subprocess.Popen:
    """Start ``qnet *args`` in its own session (process group), stdout and stderr piped.

    Process groups still alive at the end of a test are killed (see ``_kill_leftover_qnet``).
    """
    proc = subprocess.Popen(qnet_argv() + [str(a) for a in args], cwd=cwd, env=qnet_env(), text=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    _STARTED.append(proc)
    return proc


@pytest.fixture(autouse=True)
def _kill_leftover_qnet():
    """A failed test must not leave a qnet process group running."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:  # still running, so its process group is certainly ours
            try:
                os.killpg(proc.pid, 9)
            except OSError:
                proc.kill()
        try:
            proc.communicate(timeout=10)
        except (subprocess.TimeoutExpired, ValueError, OSError):
            pass


def _stat(pid: int):
    """``(state, ppid)`` of a Linux process, or None when it no longer exists."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return rest[0], int(rest[1])


def children(pid: int) -> list[int]:
    """Live child processes of ``pid`` (Linux /proc)."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st is not None and st[1] == pid and st[0] not in ("Z", "X"):
                out.append(int(name))
    return out


def running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie (a dead process its new parent has not reaped yet)."""
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")
