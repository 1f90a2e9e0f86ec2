"""The ``qnet`` console script: stop signals are handled from the first instant.

Importing the command line (numpy, the library) takes about half a second; a Ctrl-C or
SIGTERM in that time ends the process with one line and status 130 or 143, as it does
later (:func:`qnet_cli.sweep.stop_signals`), never with a traceback.

The early handler ends the process with :func:`os._exit` rather than raising: an exception
raised inside a C extension's import (numpy importing ``datetime``, say) is turned into an
``ImportError`` with a traceback by the extension. Nothing has been written or started at
that point, so there is nothing to clean up.
"""

import os

import _signal  # the C module behind ``signal``: no ``enum`` import, so the handlers are in place sooner

_NAMES = {_signal.SIGINT: "SIGINT", _signal.SIGTERM: "SIGTERM"}


def _early_stop(signum, frame):
    name = _NAMES.get(signum, f"signal {signum}")
    os.write(2, f"qnet: interrupted ({name}); nothing was written\n".encode())
    os._exit(128 + signum)


def main() -> int:
    """Install early stop handlers, import the command line, run it; return the exit status.

    Returns
    -------
    int
        Exit status of :func:`qnet_cli.main.main`.
    """
    for s in _NAMES:
        _signal.signal(s, _early_stop)
    # The early handlers stay until the command installs its own (qnet_cli.sweep.stop_signals
    # saves and restores them): restoring the defaults here would leave a window in which a
    # SIGTERM kills the process without a word.
    from qnet_cli.main import main as run

    return run()
