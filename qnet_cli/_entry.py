"""The ``qnet`` console script: stop signals are handled from the first instant.

Importing the command line (numpy, the library) takes about half a second; a Ctrl-C or
SIGTERM in that time ends the process with one line and status 130 or 143, as it does
later (:func:`qnet_cli.sweep.stop_signals`), never with a traceback.
"""

import signal
import sys


def _early_stop(signum, frame):
    name = signal.Signals(signum).name
    sys.stderr.write(f"qnet: interrupted ({name}); nothing was written\n")
    raise SystemExit(128 + signum)


def main() -> int:
    """Install early stop handlers, import the command line, run it; return the exit status.

    Returns
    -------
    int
        Exit status of :func:`qnet_cli.main.main`.
    """
    old = {s: signal.signal(s, _early_stop) for s in (signal.SIGINT, signal.SIGTERM)}
    from qnet_cli.main import main as run

    for s, h in old.items():
        signal.signal(s, h)
    return run()
