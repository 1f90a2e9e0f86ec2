"""Parallel, resumable parameter sweeps of a scenario.

Each point runs ``Command.compute(params, seed_i)`` with its own child seed ``seed_i`` of the
scenario seed (:func:`qnet_core.random.spawn_seeds`), so the rows do not depend on the
executor or the number of workers. Executors:

* ``serial``: in this process (``--workers 1``);
* ``local``: a :class:`concurrent.futures.ProcessPoolExecutor` (default, no set-up);
* ``dask``: a Dask distributed cluster (``--scheduler tcp://HOST:PORT``, the ``dist`` extra).

Rows stream to the output file as points finish (after every point, unless rewriting the
file would cost more than ~10 % of the run, as for huge sweeps of very fast points; the file
is always completed on exit, Ctrl-C or SIGTERM). Every write replaces the whole file
atomically (:func:`qnet_cli.output.write_rows`), so a crash or kill leaves the last complete
file. Each row carries ``point`` (index) and ``point_id`` (a digest of command, parameters,
seed and index); running the same scenario again with the same output keeps the rows whose
``point_id`` is expected and computes only the missing points.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time

from qnet_core.errors import ScenarioError

from . import output
from .progress import Progress
from .scenario import Scenario, load_scenario
from .tasks import COMMANDS, build_chain

__all__ = ["run_point", "run_sweep", "run_sweep_command", "SweepSummary"]


def run_point(command: str, params: dict, seed) -> list[dict]:
    """Compute one point (executed in a worker); returns its result rows.

    Parameters
    ----------
    command : str
        Name of a registered command (a key of ``COMMANDS``).
    params : dict
        The point's converted parameters, scenario key to value.
    seed : numpy.random.SeedSequence or int
        The point's seed.

    Returns
    -------
    list of dict
        The command's result rows (without progress output).
    """
    return COMMANDS[command].compute(params, seed, False)


def _init_worker(threads: int) -> None:
    try:
        import numba

        numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    except Exception:  # noqa: BLE001 - thread count is an optimisation only
        pass


class SweepSummary(dict):
    """``{"points", "reused", "computed", "rows"}`` of a finished sweep."""


def _precheck(scn: Scenario) -> None:
    """Fail fast on cross-field parameter errors before any work is scheduled."""
    if scn.command == "chain":
        for pt in scn.points:
            try:
                build_chain(pt.params)
            except ValueError as e:
                raise ScenarioError(f"{scn.path}: point {pt.index} ({_describe(pt)}): {e}") from None


def _describe(pt) -> str:
    return ", ".join(f"{k}={v}" for k, v in pt.swept.items()) or "the only point"


def _remove_stale_temporaries(out: str) -> None:
    """Delete temporary files a killed earlier run left next to ``out`` (never the output itself)."""
    import glob

    d = os.path.dirname(os.path.abspath(out))
    for tmp in glob.glob(os.path.join(glob.escape(d), "." + glob.escape(os.path.basename(out)) + ".*.tmp")):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _existing(path: str, scn: Scenario, restart: bool) -> dict:
    """Rows already in ``path`` grouped by point index, after checking they belong to ``scn``."""
    if restart or not os.path.exists(path):
        return {}
    rows = output.read_rows(path)
    by_id = {pt.point_id: pt.index for pt in scn.points}
    done: dict[int, list] = {}
    for r in rows:
        pid = r.get("point_id")
        if pid is None or str(pid) not in by_id:
            raise ScenarioError(f"--out={path!r} holds results of a different scenario (or different parameters "
                                "or seed); give another --out, or --restart to overwrite it")
        done.setdefault(by_id[str(pid)], []).append(r)
    return done


def swept_column(scn: Scenario, key: str) -> str:
    """Column of a swept parameter: its key, or ``input_<key>`` where a result column has that name."""
    return f"input_{key}" if key in COMMANDS[scn.command].columns or key in ("point", "point_id") else key


def _point_rows(scn: Scenario, pt, rows) -> list[dict]:
    swept = {swept_column(scn, k): v for k, v in pt.swept.items()}
    return [{"point": pt.index, "point_id": pt.point_id, **swept, **r} for r in rows]


def run_sweep(scn: Scenario, out: str, workers: int | None = None, scheduler: str | None = None,
              restart: bool = False, progress: bool = False, log=None) -> SweepSummary:
    """Run the missing points of ``scn`` and keep ``out`` up to date; return a summary.

    Parameters
    ----------
    scn : Scenario
        The validated scenario.
    out : str
        Result file, ``.csv`` or ``.json``; finished points already in it are reused.
    workers : int, optional
        Local worker processes (default: the CPU count, at most one per missing point).
    scheduler : str, optional
        Address of a Dask scheduler to run the points on instead of local processes.
    restart : bool, default False
        Ignore the points already in ``out`` and compute everything again.
    progress : bool, default False
        Draw a progress bar on stderr.
    log : optional
        Not used.

    Returns
    -------
    SweepSummary
        ``points``, ``reused`` and ``computed`` counts and all ``rows`` in point order.
    """
    output.output_format(out)
    if scheduler:
        _probe(scheduler)
    _precheck(scn)
    _remove_stale_temporaries(out)
    done = _existing(out, scn, restart)
    todo = [pt for pt in scn.points if pt.index not in done]
    seeds = scn.point_seeds()
    columns = ["point", "point_id", *(swept_column(scn, k) for k in scn.swept_keys), *COMMANDS[scn.command].columns]

    # Write after every finished point, unless rewriting the file would take more than ~10 % of
    # the run (huge sweeps of fast points); the file is always brought up to date on exit.
    state = {"dirty": False, "next": 0.0}

    def flush(force=True):
        now = time.monotonic()
        if not force and now < state["next"]:
            state["dirty"] = True
            return
        rows = [r for i in sorted(done) for r in done[i]]
        output.write_rows(out, rows, columns)
        took = time.monotonic() - now
        state["dirty"] = False
        state["next"] = time.monotonic() + 9.0 * took

    if restart or not os.path.exists(out):
        flush()  # an empty (header-only) file marks the run as started
    computed = 0
    bar = Progress(len(scn.points), f"sweep {os.path.basename(scn.path)}", enabled=progress)
    bar.advance(len(scn.points) - len(todo))

    def finished(pt, rows):
        nonlocal computed
        done[pt.index] = _point_rows(scn, pt, rows)
        computed += 1
        flush(force=False)
        bar.advance()

    try:
        if todo and scheduler:
            _run_dask(scn, todo, seeds, scheduler, finished)
        elif todo:
            n = (os.cpu_count() or 1) if workers is None else workers
            n = max(1, min(n, len(todo)))
            if n == 1:
                for pt in todo:
                    finished(pt, _call(scn, pt, run_point, seeds[pt.index]))
            else:
                _run_local(scn, todo, seeds, n, finished)
    finally:
        if state["dirty"]:
            flush()
        bar.close()
    all_rows = [r for i in sorted(done) for r in done[i]]
    return SweepSummary(points=len(scn.points), reused=len(scn.points) - len(todo), computed=computed,
                        rows=all_rows)


def _call(scn, pt, fn, seed):
    try:
        return fn(scn.command, pt.params, seed)
    except ValueError as e:
        raise ScenarioError(f"{scn.path}: point {pt.index} ({_describe(pt)}): {e}") from None


def _point_error(scn, pt, e) -> ScenarioError:
    if isinstance(e, ValueError):
        return ScenarioError(f"{scn.path}: point {pt.index} ({_describe(pt)}): {e}")
    return ScenarioError(f"{scn.path}: point {pt.index} ({_describe(pt)}) failed: {type(e).__name__}: {e}")


def _run_local(scn, todo, seeds, n, finished) -> None:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    methods = multiprocessing.get_all_start_methods()
    # fork is fast (no re-import of numba); only safe while this process runs no other threads
    method = "fork" if "fork" in methods and threading.active_count() == 1 else "spawn"
    threads = max(1, (os.cpu_count() or 1) // n)
    ex = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context(method),
                             initializer=_init_worker, initargs=(threads,))
    ok = False
    try:
        pending = {ex.submit(run_point, scn.command, pt.params, seeds[pt.index]): pt for pt in todo}
        while pending:
            finished_now, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(finished_now, key=lambda f: pending[f].index):
                pt = pending.pop(fut)
                exc = fut.exception()
                if exc is not None:
                    raise _point_error(scn, pt, exc)
                finished(pt, fut.result())
        ok = True
    finally:
        ex.shutdown(wait=ok, cancel_futures=True)
        if not ok:
            for p in list(getattr(ex, "_processes", {}).values() or []):
                if p.is_alive():
                    p.terminate()


def _probe(scheduler: str) -> None:
    """Fail fast (one line) when a tcp:// scheduler address is malformed or refuses connections."""
    import socket
    from urllib.parse import urlsplit

    if not scheduler.startswith("tcp://"):
        raise ScenarioError(f"--scheduler={scheduler!r} is not allowed; use tcp://HOST:PORT")
    try:
        u = urlsplit(scheduler)
        host, port = u.hostname, u.port
    except ValueError:
        host = port = None
    if not host or not port:
        raise ScenarioError(f"--scheduler={scheduler!r} is not allowed; use tcp://HOST:PORT")
    try:
        socket.create_connection((host, port), timeout=10).close()
    except OSError as e:
        raise ScenarioError(f"--scheduler={scheduler!r}: cannot connect ({e.strerror or e})") from None


def _run_dask(scn, todo, seeds, scheduler, finished) -> None:
    try:
        from distributed import Client, as_completed
    except ModuleNotFoundError:
        raise ScenarioError("--scheduler needs Dask distributed; install it with: pip install 'qnetsim[dist]'") \
            from None
    _probe(scheduler)
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as e:
        raise ScenarioError(f"--scheduler={scheduler!r}: cannot connect ({e})") from None
    except ValueError as e:
        raise ScenarioError(f"--scheduler={scheduler!r}: {e}") from None
    try:
        futs = {}
        for pt in todo:
            f = client.submit(run_point, scn.command, pt.params, seeds[pt.index], pure=False,
                              key=f"qnet-{pt.point_id}-{os.getpid()}")
            futs[f.key] = (f, pt)
        for fut in as_completed([f for f, _ in futs.values()]):
            pt = futs[fut.key][1]
            if fut.status == "error":
                raise _point_error(scn, pt, fut.exception())
            finished(pt, fut.result())
    finally:
        client.close()


def is_interrupt(e: BaseException) -> bool:
    """True for KeyboardInterrupt, also when it surfaced through compiled code as a SystemError."""
    seen = set()
    while e is not None and id(e) not in seen:
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return False


def _sigterm(signum, frame):  # pragma: no cover - exercised by the kill test
    raise KeyboardInterrupt


def run_sweep_command(args) -> int:
    """``qnet sweep``: run a scenario, report what was reused and computed.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``qnet sweep`` options: ``scenario``, ``out`` (default ``<scenario stem>.csv``),
        ``workers``, ``scheduler``, ``restart``, ``quiet`` and ``json``.

    Returns
    -------
    int
        Exit status: 0, or 130 when interrupted (finished points stay saved).
    """
    scn = load_scenario(args.scenario)
    out = args.out or os.path.splitext(os.path.basename(args.scenario))[0] + ".csv"
    output.output_format(out)
    workers = None
    if args.workers is not None:
        try:
            workers = int(args.workers)
        except ValueError:
            workers = -1
        if workers < 1:
            raise ScenarioError(f"sweep: --workers={args.workers} is not allowed; use an integer >= 1")
        if args.scheduler:
            raise ScenarioError("sweep: give either --workers (local processes) or --scheduler (Dask), not both")
    progress = not args.quiet and sys.stderr.isatty()
    old = signal.signal(signal.SIGTERM, _sigterm)
    try:
        summary = run_sweep(scn, out, workers=workers, scheduler=args.scheduler, restart=args.restart,
                            progress=progress)
    except (KeyboardInterrupt, SystemError) as e:
        if not is_interrupt(e):
            raise
        print(f"qnet: sweep interrupted; finished points are saved in {out}; run the same command to resume",
              file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, old)
    if args.json:
        print(output.dumps({"rows": summary["rows"]}))
    print(f"qnet sweep: {summary['points']} points ({summary['reused']} already done, "
          f"{summary['computed']} computed) -> {out}", file=sys.stderr if args.json else sys.stdout)
    return 0
