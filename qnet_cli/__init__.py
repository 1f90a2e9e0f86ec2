"""qnet_cli: the ``qnet`` command line of qnetsim (commands, scenario sweeps, plots).

Run ``qnet --help``. The computations live in :mod:`qnet_cli.tasks`, scenario files in
:mod:`qnet_cli.scenario`, parallel resumable sweeps in :mod:`qnet_cli.sweep`.
"""

__all__ = ["main"]


def __getattr__(name: str):
    """``__version__`` on first use, so that importing this package (the ``qnet`` script) is instant."""
    if name == "__version__":
        from qnet_core.version import __version__

        return __version__
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv=None) -> int:
    """Run the ``qnet`` command line with ``argv`` (default ``sys.argv[1:]``); return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status of :func:`qnet_cli.main.main` (0 on success).
    """
    from .main import main as _main

    return _main(argv)
