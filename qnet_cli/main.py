"""``qnet``: the qnetsim command line.

Commands: ``demo``, ``keyrate``, ``chain``, ``purify``, ``swap``, ``teleport`` (one
computation each), ``sweep`` (a TOML scenario over a parameter grid, in parallel, resumable),
``plot`` (figures from result files) and ``network route|plan|stages|plot`` (topologies). Every computation accepts ``--seed``, ``--json``
(machine-readable result on stdout), ``--out FILE`` (.csv or .json, written atomically) and
``--quiet``. Bad options, bad values and library parameter errors end with one line
``qnet: error: ...`` on stderr and exit status 2, never a traceback; output files are
checked (extension, a writable place, distinct files) before any work.

Ctrl-C (SIGINT) and SIGTERM stop a run within about a second with one line
``qnet: interrupted ...`` saying what was kept, and exit status 130 or 143 (128 + the
signal number); a second signal quits at once. ``qnet chain --max-time S`` and ``qnet sweep
--max-time S`` stop after ``S`` seconds of wall time, keep the finished work, say so in one
line ``qnet: note: ...`` on stderr and exit with status 0.

>>> main(["swap", "--fidelity", "1.0", "--json"])   # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import math
import os
import sys

from qnet_core.errors import QnetError, ScenarioError

from . import output
from .params import HelpFormatter, format_value
from .tasks import COMMANDS

__all__ = ["main", "build_parser", "UsageError", "with_parameters", "parameter_column", "parameter_cell",
           "parameter_cells"]


class UsageError(Exception):
    """A command-line usage error (reported as one line, exit status 2)."""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors raise :class:`UsageError` instead of printing usage and exiting."""

    def error(self, message):
        sub = self.prog[len("qnet"):].strip()
        raise UsageError(f"{sub}: {message}" if sub else message)


_MAX_TIME_HELP = ("stop after this many seconds of wall time, keep the finished work and say so on stderr "
                  "(exit status 0)")


def _add_common(sp, plot: bool = False, trials_out: bool = False) -> None:
    sp.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    sp.add_argument("--out", metavar="FILE", help="write the result rows to FILE (.csv or .json)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")
    if plot:
        sp.add_argument("--plot", metavar="FILE", help="also draw a figure (.png, .svg or .pdf; needs matplotlib)")
    if trials_out:
        sp.add_argument("--trials-out", metavar="FILE",
                        help="write per-trial waiting times and fidelities (.csv or .json), for 'qnet plot'")
        sp.add_argument("--max-time", metavar="SECONDS", help=_MAX_TIME_HELP + "; the result then covers the trials "
                        "finished in time (its 'trials' column) (default: no limit)")


_SCENARIO_HELP = """scenario file (TOML):
  command = "chain"          # keyrate | chain | purify | swap | teleport
  seed = 1                   # point i runs with child seed i of this seed
  [parameters]               # fixed values: the command's options, '-' -> '_'
  memory_t2 = 1.0
  [grid]                     # Cartesian product: arrays or "START:STOP:STEP"
  segments = [2, 4]
  length_km = "50:500:50"
  # or instead of [grid]: one [[points]] table per point

Each result row has 'point', 'point_id', the swept parameters (named input_X where X is also a
result column) and the command's result columns. When resuming, rows that are incomplete,
duplicated or not numeric where numbers belong are dropped and their points computed again.

exit status: 0 done (also when --max-time stopped it; a note on stderr says so), 2 bad input
or a failing point, 130 Ctrl-C, 143 SIGTERM (finished points are kept in --out).

example: qnet sweep examples/keyrate_vs_distance.toml --out keyrate.csv --workers 4
"""


_EPILOG = """Run 'qnet COMMAND --help' for the options of a command.

output encoding (--json, --out .json/.csv, sweeps):
  every --json output carries 'parameters': each option's effective value, defaults included;
  --out and sweep rows carry them as columns (input_X where X is also a result column)
  JSON: infinity is "inf" ("-inf"), not-a-number "nan", a value not set (e.g. --cutoff) null
  CSV:  inf, -inf, nan; not set is none; booleans true/false; no cell is empty"""


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("qnetsim")
    except PackageNotFoundError:  # pragma: no cover - a bare checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """The ``qnet`` argument parser (sub-command per computation, plus sweep and plot).

    Returns
    -------
    argparse.ArgumentParser
        A new parser; its sub-commands are the entries of ``COMMANDS`` plus ``sweep`` and
        ``plot``.
    """
    parser = _Parser(prog="qnet", description="qnetsim: quantum-network simulation from the command line.",
                     epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"qnet (qnetsim) {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=_Parser)
    for cmd in COMMANDS.values():
        epilog = "\n\n".join(x for x in (cmd.epilog, f"example: {cmd.example}" if cmd.example else "") if x)
        sp = sub.add_parser(cmd.name, help=cmd.help, description=cmd.description, epilog=epilog or None,
                            formatter_class=HelpFormatter)
        for p in cmd.params:
            p.add_to(sp)
        _add_common(sp, plot=cmd.name in ("demo", "keyrate"), trials_out=cmd.name == "chain")

    sw = sub.add_parser("sweep", help="run a TOML scenario over a parameter grid (parallel, resumable)",
                        description="Runs every point of a scenario file, in parallel on local processes or on "
                                    "a Dask cluster, streaming rows to --out as points finish; re-running with "
                                    "the same --out resumes and computes only the missing points.",
                        epilog=_SCENARIO_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    sw.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file")
    sw.add_argument("--out", metavar="FILE", help="result file (.csv or .json; default: SCENARIO.csv here)")
    sw.add_argument("--workers", metavar="N", help="local worker processes (default: CPU count; 1 = in-process)")
    sw.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on this Dask distributed scheduler "
                                                                   "(needs the 'dist' extra)")
    sw.add_argument("--restart", action="store_true", help="discard an existing --out instead of resuming")
    sw.add_argument("--max-time", metavar="SECONDS", help=_MAX_TIME_HELP + "; finished points stay in --out and "
                    "running the same command resumes (default: no limit)")
    sw.add_argument("--json", action="store_true", help="print all rows as JSON on stdout when done")
    sw.add_argument("--quiet", action="store_true", help="no progress bar")

    pl = sub.add_parser("plot", help="figures from result files (needs the 'plot' extra)",
                        description="Draws key rate vs distance (log scale, with the PLOB bound), fidelity vs "
                                    "distance, a waiting-time histogram or purification rounds, chosen from the "
                                    "file's columns, or any columns with --y; several files are overlaid.",
                        epilog="examples: qnet plot keyrate.csv --out keyrate.pdf; "
                               "qnet plot a.json b.json --y rate_hz --y mean_fidelity --yscale log --out ab.svg")
    from .plotting import add_plot_arguments

    add_plot_arguments(pl)
    from .network_cmd import add_network_parser

    add_network_parser(sub)
    return parser


# ----------------------------------------------------------------------------- helpers
def _fmt_cell(v) -> str:
    if isinstance(v, float):
        return f"{v:.6g}"
    return format_value(v)


def format_table(rows, columns) -> str:
    """Aligned text table of ``rows``."""
    cols = list(columns)
    cells = [[_fmt_cell(r.get(c)) for c in cols] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(cols)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(cols, widths))]
    lines += ["  ".join(x.rjust(w) for x, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def _progress_enabled(args) -> bool:
    return not args.quiet and sys.stderr.isatty()


def _collect_params(cmd, args) -> dict:
    params = {}
    for p in cmd.params:
        raw = getattr(args, p.key)
        params[p.key] = p.for_cli().coerce(p.default_value() if raw is None else raw, cmd.name)
    return params


def _check_out(path, option="--out", allowed=(".csv", ".json")) -> None:
    if path is not None:
        ext = os.path.splitext(path)[1].lower()
        if ext not in allowed:
            raise ScenarioError(f"{option}={path!r} has extension {ext or '(none)'!r}; allowed: {', '.join(allowed)}")
        output.check_writable(path, option)


def max_time(args) -> float | None:
    """``--max-time`` as seconds (None when absent); ScenarioError unless a number > 0.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options; ``max_time`` is the raw text or None.

    Returns
    -------
    float or None
        Wall-clock seconds (``inf`` means no limit).
    """
    from .params import Param

    raw = getattr(args, "max_time", None)
    spec = Param("max-time", "float", None, "", lo=0.0, lo_open=True, allow_inf=True, cli=True)
    return spec.coerce(raw, f"{args.command}")


def _check_files(cmd, args) -> None:
    """Every output option: extension, a writable place, no two options naming one file."""
    _check_out(args.out)
    plot = getattr(args, "plot", None)
    _check_out(plot, "--plot", (".png", ".svg", ".pdf"))
    trials_out = getattr(args, "trials_out", None)
    _check_out(trials_out, "--trials-out")
    if args.out and trials_out and output.same_file(args.out, trials_out):
        raise ScenarioError(f"{cmd.name}: --out and --trials-out name the same file {args.out!r}; give two files")
    if plot:
        import importlib.util

        if importlib.util.find_spec("matplotlib") is None:
            raise ScenarioError("plotting needs matplotlib; install it with: pip install 'qnetsim[plot]'")


def _run_command(cmd, args) -> int:
    import time

    params = _collect_params(cmd, args)
    limit = max_time(args)
    _check_files(cmd, args)
    plot = getattr(args, "plot", None)
    trials_out = getattr(args, "trials_out", None)
    progress = _progress_enabled(args)
    if cmd.name == "chain":
        from .tasks import chain_row, run_chain

        deadline = None if limit is None or math.isinf(limit) else time.monotonic() + limit
        result = run_chain(params, params["seed"], progress, deadline=deadline)
        rows = [chain_row(result)]
        if trials_out:
            output.write_rows(trials_out, _trial_rows(result))
        if result.trials < params["trials"]:
            print(f"qnet: note: --max-time {format_value(limit)} s reached; the result covers {result.trials} of "
                  f"{params['trials']} trials", file=sys.stderr)
    else:
        rows = cmd.compute(params, params["seed"], progress)
    effective = cmd.parameters(params)
    if args.out:
        cells = parameter_cells(cmd, effective)
        output.write_rows(args.out, [with_parameters(cmd, effective, r, cells) for r in rows])
    if plot:
        from .plotting import plot_rows

        kind = "demo" if cmd.name == "demo" else "keyrate"
        plot_rows(rows, plot, kind=kind)
    if args.json:
        if cmd.name == "chain":
            obj = dict(rows[0])
            obj["parameters"] = effective
            print(output.dumps(obj))
        else:
            print(output.dumps({"rows": rows, "parameters": effective}))
    else:
        print(format_table(rows, cmd.columns))
    return 0


def parameter_column(cmd, key: str) -> str:
    """Column of parameter ``key`` in result rows: ``key``, or ``input_<key>`` where a result column has that name.

    Parameters
    ----------
    cmd : Command
        The command whose result columns may clash with parameter names.
    key : str
        Parameter name.

    Returns
    -------
    str
        The column name.
    """
    return f"input_{key}" if key in cmd.columns or key in ("point", "point_id") else key


def parameter_cell(v):
    """A parameter value as one table cell: a list of one number is that number, a longer list its values
    joined by ':' (as swept columns of sweeps), and a list of more than 16 values its range and count
    (``"0..9999 step 1 (10000 values)"``; each row carries its own value in its result column).

    Parameters
    ----------
    v : object
        Resolved parameter value.

    Returns
    -------
    object
        The cell value (scalars unchanged).
    """
    if isinstance(v, list):
        if len(v) == 1:
            return v[0]
        if len(v) > _LIST_CELL_MAX:  # one cell per row must not grow with the number of rows
            return _long_list_cell(v)
        return ":".join(format_value(x) for x in v)
    return v


#: Longest list of parameter values written out in full in one cell (``a:b:c``).
_LIST_CELL_MAX = 16


def _long_list_cell(v: list) -> str:
    """``"0..9999 step 1 (10000 values)"`` for an arithmetic list, else its count and range."""
    try:
        x = [float(a) for a in v]
    except (TypeError, ValueError):
        return f"{len(v)} values"
    step = x[1] - x[0]
    if all(abs(b - (x[0] + i * step)) <= 1e-9 * max(1.0, abs(b)) for i, b in enumerate(x)):
        return f"{format_value(v[0])}..{format_value(v[-1])} step {format_value(step)} ({len(v)} values)"
    return f"{len(v)} values from {format_value(min(x))} to {format_value(max(x))}"


def parameter_cells(cmd, params: dict) -> dict:
    """One cell per parameter, keyed by its column (see :func:`parameter_column`, :func:`parameter_cell`).

    Parameters
    ----------
    cmd : Command
        The command the parameters belong to.
    params : dict
        Resolved parameter values.

    Returns
    -------
    dict
        Column name to cell value.
    """
    return {parameter_column(cmd, k): parameter_cell(v) for k, v in params.items()}


def with_parameters(cmd, params: dict, row: dict, cells: dict | None = None) -> dict:
    """``row`` (result columns first) followed by one column per parameter (see :func:`parameter_column`).

    Parameters
    ----------
    cmd : Command
        The command that produced ``row``.
    params : dict
        Resolved parameter values.
    row : dict
        One result row.
    cells : dict, optional
        :func:`parameter_cells` of ``params``, computed once for many rows.

    Returns
    -------
    dict
        A new row; result columns keep their values.
    """
    d = dict(row)
    for c, v in (parameter_cells(cmd, params) if cells is None else cells).items():
        d.setdefault(c, v)
    return d


def _trial_rows(result) -> list[dict]:
    """Per-trial rows (trial, delivered, waiting_time_s, fidelity) of a ChainResult."""
    rows = []
    for i, (t, ok, f) in enumerate(zip(result.delivery_time_s, result.delivered, result.fidelities)):
        rows.append({"trial": result.first_trial + i, "delivered": bool(ok),
                     "waiting_time_s": float(t) if ok else None, "fidelity": float(f) if ok else None})
    return rows


def _main(argv) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in COMMANDS:
        return _run_command(COMMANDS[args.command], args)
    if args.command == "sweep":
        from .sweep import run_sweep_command

        return run_sweep_command(args)
    if args.command == "plot":
        from .plotting import plot_command

        return plot_command(args)
    if args.command == "network":
        from .network_cmd import run_network

        return run_network(args)
    raise UsageError(f"unknown command {args.command!r}")  # pragma: no cover - argparse rejects it first


def _one_line(msg) -> str:
    return " ".join(str(msg).split())


def main(argv=None) -> int:
    """Entry point of the ``qnet`` console script; returns the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        Exit status: 0 on success (also when stdout is a closed pipe, and when ``--max-time``
        stopped the run), 2 for usage and input errors (message on stderr), 130 on SIGINT
        (Ctrl-C) and 143 on SIGTERM.
    """
    from .sweep import interrupt_of, stop_signals

    with stop_signals():
        try:
            return _main(argv)
        except (UsageError, QnetError) as e:
            print(f"qnet: error: {_one_line(e)}", file=sys.stderr)
            return 2
        except (KeyboardInterrupt, SystemError) as e:
            stop = interrupt_of(e)
            if stop is None:
                raise
            print(f"qnet: interrupted ({stop.signal_name}); nothing was written", file=sys.stderr)
            return stop.exit_status
        except RecursionError:  # e.g. a pathologically nested input that slipped past the checks
            print("qnet: error: input nested too deeply", file=sys.stderr)
            return 2
        except BrokenPipeError:  # e.g. 'qnet keyrate | head'
            try:
                sys.stdout = open(os.devnull, "w")
            except OSError:
                pass
            return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
