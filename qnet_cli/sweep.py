"""Parallel, resumable parameter sweeps of a scenario.

Each point runs ``Command.compute(params, seed_i)`` with its own child seed ``seed_i`` of the
scenario seed (:meth:`qnet_cli.scenario.Scenario.point_seed`), so the rows do not depend on
the executor or the number of workers. Executors:

* ``serial``: in this process (``--workers 1``);
* ``local``: worker processes of this module's small pool (default, no set-up). Points go
  out in batches of about ``_BATCH_S`` of work, one batch in flight per worker, and come back
  in completion order, so sweeps of many cheap points cost little more than their work.
  Workers ignore SIGINT (the parent stops them), and exit when the parent dies, even by
  SIGKILL (``PR_SET_PDEATHSIG`` on Linux, and a thread that polls ``os.getppid()``);
* ``dask``: a Dask distributed cluster (``--scheduler tcp://HOST:PORT``, the ``dist`` extra).

Rows stream to the output file as points finish (after every point, unless rewriting the
file would cost more than ~10 % of the run, as for huge sweeps of very fast points; the file
is always completed on exit, Ctrl-C, SIGTERM or ``--max-time``). Every write replaces the
whole file atomically (:func:`qnet_cli.output.write_rows`), so a crash or kill leaves the
last complete file; no file is written before the first point finishes. Each row carries
``point`` (index) and ``point_id`` (a digest of command, parameters, seed and index); running
the same scenario again with the same output keeps the valid rows whose ``point_id`` is
expected (complete, numeric result columns, the point's swept values, one row per expected
row key) and computes the other points.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import re
import signal
import sys
import threading
import time

from qnet_core.errors import ScenarioError

from . import output
from .params import format_value
from .progress import Progress
from .scenario import Scenario, load_scenario
from .tasks import COMMANDS, build_chain

__all__ = ["run_point", "run_sweep", "run_sweep_command", "SweepSummary", "Interrupted", "interrupt_of",
           "stop_signals", "MAX_WORKERS"]

#: Most local worker processes ``--workers`` may ask for.
MAX_WORKERS = 1024

#: Target work (s) of one batch of points sent to a local worker.
_BATCH_S = 0.05
_MAX_BATCH = 1000


# ----------------------------------------------------------------------------- signals
class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM arrived; the exit status is ``128 + signum`` (130 or 143)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        """``128 + signum``."""
        return 128 + self.signum

    @property
    def signal_name(self) -> str:
        """``"SIGINT"``, ``"SIGTERM"``, ..."""
        try:
            return signal.Signals(self.signum).name
        except ValueError:  # pragma: no cover
            return f"signal {self.signum}"


_STOPPED = {"signum": None}


#: Code whose frames must not see an exception from a signal handler: numba's compiler calls back into
#: Python from LLVM (ctypes callbacks), where an exception is printed, dropped, and leaves it broken.
_COMPILER_DIRS = (os.sep + "numba" + os.sep, os.sep + "llvmlite" + os.sep)


def _inside_compiler(frame) -> bool:
    while frame is not None:
        if any(d in frame.f_code.co_filename for d in _COMPILER_DIRS):
            return True
        frame = frame.f_back
    return False


def _on_stop_signal(signum, frame):
    if _STOPPED["signum"] is not None:  # a second signal while stopping: quit at once
        os._exit(128 + signum)
    if _inside_compiler(frame):
        # compiling a kernel (the first run after install): deliver the signal again in 50 ms, until
        # the compiler has returned to our code, where the stop is clean
        threading.Timer(0.05, os.kill, (os.getpid(), signum)).start()
        return
    _STOPPED["signum"] = signum
    raise Interrupted(signum)


@contextlib.contextmanager
def stop_signals():
    """Turn SIGINT and SIGTERM into :class:`Interrupted` inside the block (main thread only).

    A second signal while the first is being handled ends the process at once with status
    ``128 + signum``. The previous handlers are restored on exit.

    Returns
    -------
    contextlib context manager
        Yields None; outside the main thread it changes no handler.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    _STOPPED["signum"] = None
    for s in old:
        signal.signal(s, _on_stop_signal)
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
        _STOPPED["signum"] = None


def interrupt_of(e: BaseException) -> Interrupted | None:
    """The interrupt behind ``e`` (also when it surfaced through compiled code as a SystemError).

    Parameters
    ----------
    e : BaseException
        A caught exception.

    Returns
    -------
    Interrupted or None
        The :class:`Interrupted` in ``e``'s cause/context chain (a bare KeyboardInterrupt
        counts as SIGINT), or None when ``e`` is not an interrupt.
    """
    found = _find(e, KeyboardInterrupt)
    if found is None or isinstance(found, Interrupted):
        return found
    return Interrupted(signal.SIGINT)


def is_interrupt(e: BaseException) -> bool:
    """True for KeyboardInterrupt, also when it surfaced through compiled code as a SystemError."""
    return _find(e, KeyboardInterrupt) is not None


def _find(e, kind):
    seen = set()
    while e is not None and id(e) not in seen:
        if isinstance(e, kind):
            return e
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return None


class _DeadlineReached(BaseException):
    """``--max-time`` ran out while a point was computed in this process."""


@contextlib.contextmanager
def _alarm(deadline):
    """Raise :class:`_DeadlineReached` in the block when ``deadline`` (monotonic) passes (POSIX main thread)."""
    if (deadline is None or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    def ring(signum, frame):
        raise _DeadlineReached

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, max(deadline - time.monotonic(), 1e-3))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ----------------------------------------------------------------------------- points
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
    """``{"points", "reused", "computed", "rows", "dropped", "stopped"}`` of a sweep.

    ``dropped`` counts the rows of the existing output that were invalid (their points are
    computed again); ``stopped`` is True when ``max_time_s`` ended the sweep before every
    point finished.
    """


def _precheck(scn: Scenario) -> None:
    """Fail fast on cross-field parameter errors before any work is scheduled."""
    if scn.command != "chain":
        return
    for i, params in scn.points.distinct_params(ignore=("trials",)):
        try:
            build_chain(params)
        except ValueError as e:
            raise ScenarioError(f"{scn.path}: point {i} ({_describe(scn.points[i])}): {e}") from None


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


_POINT_ID = re.compile(r"[0-9a-f]{16}")


def _is_number(v, allow_none: bool) -> bool:
    if v is None:
        return allow_none
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _cell(v, fmt: str):
    """A value as it reads back from a ``fmt`` file (to compare swept values with what is stored)."""
    if fmt == "json":
        return output.from_json_value(output.to_json_value(v, "text"))
    return output.parse_cell(format_value(v))


def _same(a, b) -> bool:
    """Stored ``a`` equals expected ``b`` (NaN equals NaN; None, as older JSON files wrote infinity, equals inf)."""
    if a == b:
        return True
    if isinstance(b, float) and not math.isfinite(b):
        return a is None or (isinstance(a, float) and math.isnan(a) and math.isnan(b))
    return False


def _existing(path: str, scn: Scenario, restart: bool) -> tuple[dict, int]:
    """Valid rows already in ``path`` grouped by point index, and the number of rows dropped as invalid.

    A row must name a point of ``scn`` (a well-formed ``point_id`` of another scenario is an
    error); a point's rows are kept only when all of them are complete (every column, the
    point's index and swept values, numbers where the command writes numbers) and they are
    exactly the rows the point produces (no duplicate, none missing).
    """
    if restart or not os.path.exists(path):
        return {}, 0
    fmt = output.output_format(path)
    rows, dropped = output.read_rows(path, complete=True, text_columns=("point_id",), with_dropped=True)
    by_id = {pt.point_id: pt.index for pt in scn.points} if rows else {}  # ids, not points: bounded memory
    last = {}
    cmd = COMMANDS[scn.command]
    swept_cols = {swept_column(scn, k): k for k in scn.swept_keys}
    grouped: dict[int, list] = {}
    expected: dict[int, tuple] = {}  # point -> (row-key column, its values), see Command.expected_rows
    one = (None, [None])
    bad: set[int] = set()
    for r in rows:
        pid = r.get("point_id")
        pid = pid if isinstance(pid, str) else None
        if pid is not None and _POINT_ID.fullmatch(pid) and pid not in by_id:
            raise ScenarioError(f"--out={path!r} holds results of a different scenario (or different parameters "
                                "or seed); give another --out, or --restart to overwrite it")
        index = by_id.get(pid) if pid is not None else None
        if index is None:
            continue  # a corrupt id: the row is dropped (its point, if any, is computed again)
        if index not in last:  # a point's rows are usually adjacent: build each point once
            last = {index: scn.points[index]}
            cells = _parameter_cells(scn, last[index]).items()
        pt = last[index]
        if index not in expected:
            expected[index] = one if cmd.row_key is None else cmd.expected_rows(pt.params)
        ok = r.get("point") == pt.index and not isinstance(r.get("point"), bool)
        ok = ok and all(c in r and _same(r[c], _cell(pt.swept[k], fmt)) for c, k in swept_cols.items())
        ok = ok and all(c in r and _is_number(r[c], allow_none=fmt == "json") for c in cmd.columns)
        # the point fixes its other parameter cells; files of older versions may lack them
        ok = ok and all(c not in r or _same(r[c], _cell(v, fmt)) for c, v in cells)
        if not ok:
            bad.add(pt.index)
        grouped.setdefault(pt.index, []).append(r)
    done = {}
    for index, prow in grouped.items():
        if index in bad:
            continue
        col, values = expected[index]
        if len(prow) != len(values) or (col is not None and any(r.get(col) != v for r, v in zip(prow, values))):
            bad.add(index)
            continue
        done[index] = prow
    return done, dropped + len(rows) - sum(map(len, done.values()))


def swept_column(scn: Scenario, key: str) -> str:
    """Column of a parameter (swept or not): its key, or ``input_<key>`` where a result column has that name."""
    from .main import parameter_column

    return parameter_column(COMMANDS[scn.command], key)


def _parameter_cells(scn: Scenario, pt) -> dict:
    """One cell per parameter of point ``pt`` (swept values as swept, then every other effective value)."""
    from .main import parameter_cell

    cmd = COMMANDS[scn.command]
    cells = {swept_column(scn, k): v for k, v in pt.swept.items()}
    for k, v in cmd.parameters(pt.params).items():
        cells.setdefault(swept_column(scn, k), parameter_cell(v))
    return cells


def _point_rows(scn: Scenario, pt, rows) -> list[dict]:
    cells = _parameter_cells(scn, pt)
    return [{"point": pt.index, "point_id": pt.point_id, **cells, **r} for r in rows]


def _parameter_columns(scn: Scenario) -> list[str]:
    """Columns of a sweep's rows: point, point_id, swept parameters, results, then the other parameters."""
    cmd = COMMANDS[scn.command]
    swept = [swept_column(scn, k) for k in scn.swept_keys]
    keys = cmd.parameters(dict.fromkeys(cmd.keys()))  # the effective ones (no deprecated aliases)
    rest = [swept_column(scn, k) for k in keys if k not in scn.swept_keys]
    return ["point", "point_id", *swept, *cmd.columns, *rest]


def run_sweep(scn: Scenario, out: str, workers: int | None = None, scheduler: str | None = None,
              restart: bool = False, progress: bool = False, log=None,
              max_time_s: float | None = None) -> SweepSummary:
    """Run the missing points of ``scn`` and keep ``out`` up to date; return a summary.

    Parameters
    ----------
    scn : Scenario
        The validated scenario.
    out : str
        Result file, ``.csv`` or ``.json``; valid finished points already in it are reused.
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
    max_time_s : float, optional
        Wall-clock seconds after which no further point is started and running points are
        abandoned; the finished ones are kept (``summary["stopped"]`` is then True).

    Returns
    -------
    SweepSummary
        ``points``, ``reused``, ``computed`` and ``dropped`` counts, ``stopped``, and all
        ``rows`` in point order. An interrupt (KeyboardInterrupt) propagates after ``out``
        is brought up to date, with the summary so far as its ``sweep_summary`` attribute.
    """
    t_start = time.monotonic()
    deadline = None if max_time_s is None or math.isinf(max_time_s) else t_start + max_time_s
    output.output_format(out)
    if scheduler:
        _probe(scheduler)
    _precheck(scn)
    _remove_stale_temporaries(out)
    done, dropped = _existing(out, scn, restart)
    old_layout = False
    for index, prow in done.items():  # files of older versions lack the columns of some parameters
        cells = _parameter_cells(scn, scn.points[index])
        if any(c not in r for r in prow for c in cells):
            old_layout = True
            done[index] = [{**r, **cells} for r in prow]
    total = len(scn.points)
    todo = [i for i in range(total) if i not in done]
    reused = total - len(todo)
    columns = _parameter_columns(scn)

    # Write after every finished point, unless rewriting the file would take more than ~10 % of
    # the run (huge sweeps of fast points); the file is always brought up to date on exit.
    state = {"dirty": dropped > 0 or old_layout, "next": 0.0, "computed": 0}

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

    bar = Progress(total, f"sweep {os.path.basename(scn.path)}", enabled=progress)
    bar.advance(reused)

    def finished(pt, rows):
        done[pt.index] = _point_rows(scn, pt, rows)
        state["computed"] += 1
        flush(force=False)
        bar.advance()

    def summary(stopped):
        return SweepSummary(points=total, reused=reused, computed=state["computed"], dropped=dropped,
                            stopped=stopped, rows=[r for i in sorted(done) for r in done[i]])

    stopped = False
    try:
        if todo and scheduler:
            stopped = _run_dask(scn, todo, scheduler, finished, deadline)
        elif todo:
            n = (os.cpu_count() or 1) if workers is None else workers
            n = max(1, min(n, len(todo)))
            if n == 1:
                stopped = _run_serial(scn, todo, finished, deadline)
            else:
                stopped = _run_local(scn, todo, n, finished, deadline)
    except BaseException as e:
        stop = _find(e, KeyboardInterrupt)
        if stop is not None:
            with contextlib.suppress(AttributeError, TypeError):
                stop.sweep_summary = summary(False)
        raise
    finally:
        if state["dirty"] and done:
            flush()
        bar.close()
    return summary(stopped)


def _run_serial(scn, todo, finished, deadline) -> bool:
    """Points one after the other in this process; True when the deadline stopped them."""
    for i in todo:
        if deadline is not None and time.monotonic() >= deadline:
            return True
        pt = scn.points[i]
        try:
            with _alarm(deadline):
                rows = _call(scn, pt, run_point, scn.point_seed(i))
        except (_DeadlineReached, SystemError) as e:
            if _find(e, _DeadlineReached) is None:
                raise
            return True
        finished(pt, rows)
    return False


def _call(scn, pt, fn, seed):
    try:
        return fn(scn.command, pt.params, seed)
    except ValueError as e:
        raise ScenarioError(f"{scn.path}: point {pt.index} ({_describe(pt)}): {e}") from None


def _point_error(scn, pt, e) -> ScenarioError:
    if isinstance(e, ValueError):
        return ScenarioError(f"{scn.path}: point {pt.index} ({_describe(pt)}): {e}")
    return ScenarioError(f"{scn.path}: point {pt.index} ({_describe(pt)}) failed: {type(e).__name__}: {e}")


# ----------------------------------------------------------------------------- local pool
def _die_with_parent(parent_pid: int) -> None:
    """End this worker when its parent dies, also by SIGKILL (PR_SET_PDEATHSIG, else a polling thread)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before prctl
        os._exit(1)

    def watch():
        while True:
            time.sleep(0.2)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="qnet-parent-watch", daemon=True).start()


def _worker_main(conn, parent_pid: int, threads: int) -> None:
    """Loop of a pool worker: receive ``(command, [(index, params, seed), ...])``, send the rows back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    _die_with_parent(parent_pid)
    _init_worker(threads)
    try:
        while True:
            msg = conn.recv()
            if msg is None:
                return
            command, items = msg
            t0 = time.perf_counter()
            out = []
            try:
                for index, params, seed in items:
                    out.append((index, run_point(command, params, seed)))
            except Exception as e:  # noqa: BLE001 - reported by the parent as the point's error
                conn.send(("error", out, index, type(e).__name__, str(e), isinstance(e, ValueError)))
                continue
            conn.send(("ok", out, time.perf_counter() - t0))
    except (EOFError, OSError):  # the parent went away
        return


class _RemoteError(Exception):
    pass


class _Pool:
    """``n`` worker processes, each with a pipe; one batch of points in flight per worker."""

    def __init__(self, n: int, threads: int, preload=lambda: None):
        methods = multiprocessing.get_all_start_methods()
        # fork is fast (no re-import of numba); only safe while this process runs no other threads
        method = "fork" if "fork" in methods and threading.active_count() == 1 else "spawn"
        ctx = multiprocessing.get_context(method)
        if method == "fork":
            preload()
        self.procs, self.conns = [], []
        blocked = {signal.SIGINT, signal.SIGTERM}
        masked = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
        if masked:  # a worker installs its own handlers before it takes these signals
            signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
        try:
            for _ in range(n):
                mine, theirs = ctx.Pipe()
                p = ctx.Process(target=_worker_main, args=(theirs, os.getpid(), threads), daemon=True,
                                name="qnet-sweep-worker")
                self.procs.append(p)
                self.conns.append(mine)
                p.start()
                theirs.close()
        finally:
            if masked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.pid is not None]

    def close(self, graceful: bool) -> None:
        """Stop the workers: ask them to exit (``graceful``), else terminate; kill what remains."""
        if graceful:
            for c in self.conns:
                with contextlib.suppress(OSError, ValueError):
                    c.send(None)
            for p in self.procs:
                p.join(timeout=2)
        for p in self.procs:
            if p.pid is not None and p.is_alive():
                p.terminate()
        end = time.monotonic() + 1.0
        for p in self.procs:
            if p.pid is not None:
                p.join(timeout=max(0.0, end - time.monotonic()))
                if p.is_alive():
                    p.kill()
                    p.join(timeout=1)
        for c in self.conns:
            c.close()


def _worker_died(scn, pool, w, pts):
    p = pool.procs[w]
    p.join(timeout=1)
    code = "unknown" if p.exitcode is None else p.exitcode
    raise ScenarioError(f"{scn.path}: point {pts[0].index} ({_describe(pts[0])}): the worker process died (exit code "
                        f"{code}); run the same command to resume")


def _run_local(scn, todo, n, finished, deadline) -> bool:
    """Points on ``n`` local worker processes, collected in completion order; True when the deadline stopped them."""
    from multiprocessing.connection import wait

    threads = max(1, (os.cpu_count() or 1) // n)
    pool = _Pool(n, threads, COMMANDS[scn.command].preload)
    graceful = False
    try:
        idle = list(range(n))
        busy: dict[int, list] = {}  # worker -> points of its batch
        per_point = None  # seconds of work per point, from the batches so far
        pos = 0
        while True:
            while idle and pos < len(todo):
                left = len(todo) - pos
                size = 1 if per_point is None else max(1, min(int(_BATCH_S / max(per_point, 1e-9)),
                                                              -(-left // (2 * n)), _MAX_BATCH))
                pts = [scn.points[i] for i in todo[pos:pos + size]]
                pos += size
                w = idle.pop()
                try:
                    pool.conns[w].send((scn.command, [(pt.index, pt.params, scn.point_seed(pt.index)) for pt in pts]))
                except OSError:
                    _worker_died(scn, pool, w, pts)
                busy[w] = pts
            if not busy:
                graceful = True
                return False
            timeout = None
            if deadline is not None:
                timeout = deadline - time.monotonic()
                if timeout <= 0:
                    return True
            by_conn = {pool.conns[w]: w for w in busy}
            by_sentinel = {pool.procs[w].sentinel: w for w in busy}
            ready = wait(list(by_conn) + list(by_sentinel), timeout)
            for obj in ready:
                w = by_conn.get(obj)
                if w is None or w not in busy:
                    w = by_sentinel.get(obj)
                    if w is not None and w in busy and not pool.conns[w].poll():
                        _worker_died(scn, pool, w, busy[w])
                    continue
                try:
                    msg = obj.recv()
                except (EOFError, OSError):
                    _worker_died(scn, pool, w, busy[w])
                pts = {pt.index: pt for pt in busy.pop(w)}
                idle.append(w)
                for index, rows in msg[1]:
                    finished(pts[index], rows)
                if msg[0] == "error":
                    _, _, index, name, text, is_value = msg
                    pt = pts[index]
                    if is_value:
                        raise ScenarioError(f"{scn.path}: point {pt.index} ({_describe(pt)}): {text}")
                    raise ScenarioError(f"{scn.path}: point {pt.index} ({_describe(pt)}) failed: {name}: {text}")
                took = msg[2] / max(1, len(pts))
                per_point = took if per_point is None else 0.5 * (per_point + took)
    finally:
        pool.close(graceful)


# ----------------------------------------------------------------------------- dask
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


def _run_dask(scn, todo, scheduler, finished, deadline) -> bool:
    """Points on a Dask cluster, in completion order; True when the deadline stopped them."""
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
        for i in todo:
            pt = scn.points[i]
            f = client.submit(run_point, scn.command, pt.params, scn.point_seed(i), pure=False,
                              key=f"qnet-{pt.point_id}-{os.getpid()}")
            futs[f.key] = (f, pt)
        for fut in as_completed([f for f, _ in futs.values()]):
            pt = futs[fut.key][1]
            if fut.status == "error":
                raise _point_error(scn, pt, fut.exception())
            finished(pt, fut.result())
            if deadline is not None and time.monotonic() >= deadline:
                client.cancel([f for f, _ in futs.values()])
                return True
        return False
    finally:
        client.close()


# ----------------------------------------------------------------------------- command
def _workers(args) -> int | None:
    if args.workers is None:
        return None
    try:
        workers = int(args.workers)
    except ValueError:
        workers = -1
    if workers < 1:
        raise ScenarioError(f"sweep: --workers={args.workers} is not allowed; use an integer >= 1")
    if workers > MAX_WORKERS:
        raise ScenarioError(f"sweep: --workers={args.workers} is not allowed; use at most {MAX_WORKERS}")
    if args.scheduler:
        raise ScenarioError("sweep: give either --workers (local processes) or --scheduler (Dask), not both")
    return workers


def run_sweep_command(args) -> int:
    """``qnet sweep``: run a scenario, report what was reused and computed.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``qnet sweep`` options: ``scenario``, ``out`` (default ``<scenario stem>.csv``),
        ``workers``, ``scheduler``, ``restart``, ``max_time``, ``quiet`` and ``json``.

    Returns
    -------
    int
        Exit status: 0 (also when ``--max-time`` stopped the sweep; a note on stderr says
        so), 130 on SIGINT, 143 on SIGTERM (finished points stay saved).
    """
    from .main import max_time

    workers = _workers(args)
    limit = max_time(args)
    scn = load_scenario(args.scenario)
    out = args.out or os.path.splitext(os.path.basename(args.scenario))[0] + ".csv"
    output.output_format(out)
    output.check_writable(out)
    progress = not args.quiet and sys.stderr.isatty()
    try:
        summary = run_sweep(scn, out, workers=workers, scheduler=args.scheduler, restart=args.restart,
                            progress=progress, max_time_s=limit)
    except (KeyboardInterrupt, SystemError) as e:
        stop = interrupt_of(e)
        if stop is None:
            raise
        s = getattr(_find(e, KeyboardInterrupt), "sweep_summary", None) or {}
        kept = s.get("reused", 0) + s.get("computed", 0)
        if s and kept and os.path.exists(out):
            what = (f"{kept} of {s['points']} points finished and are saved in {out}; run the same command to "
                    "resume")
        else:
            what = "no point finished; nothing was written"
        print(f"qnet: interrupted ({stop.signal_name}); {what}", file=sys.stderr)
        return stop.exit_status
    if summary["dropped"]:
        print(f"qnet sweep: note: dropped {summary['dropped']} incomplete, duplicated or non-numeric rows of {out}; "
              "their points were computed again", file=sys.stderr)
    if args.json:
        cmd = COMMANDS[scn.command]
        fixed = cmd.parameters({**cmd.defaults(), **scn.fixed, "seed": scn.seed})
        fixed = {k: v for k, v in fixed.items() if k not in scn.swept_keys}
        print(output.dumps({"rows": summary["rows"], "parameters": fixed}))
    kept = summary["reused"] + summary["computed"]
    left = f", {summary['points'] - kept} not run" if summary["stopped"] else ""
    print(f"qnet sweep: {summary['points']} points ({summary['reused']} already done, "
          f"{summary['computed']} computed{left}) -> {out}", file=sys.stderr if args.json else sys.stdout)
    if summary["stopped"]:
        what = (f"{kept} of {summary['points']} points finished and are saved in {out}" if kept else
                "no point finished; nothing was written")
        print(f"qnet: note: --max-time {format_value(limit)} s reached; {what}; run the same command to resume",
              file=sys.stderr)
    return 0
