"""The computations behind each ``qnet`` command, as plain functions of validated parameters.

Each command is a :class:`Command`: its parameter specs (:class:`~qnet_cli.params.Param`),
the result columns, and ``compute(params, seed, progress)`` returning a list of flat row
dicts. The command line and scenario sweeps both call ``compute``, so a sweep point and the
equivalent command give the same numbers. Library modules are imported lazily so that
``qnet --help`` stays fast and a command whose library is absent fails with a clear message.
"""

from __future__ import annotations

import importlib
import math
import sys
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from qnet_core.errors import ScenarioError

from .params import LibraryDefault, Param

__all__ = ["Command", "COMMANDS", "get_command"]

INF = math.inf


@dataclass(frozen=True)
class Command:
    """A computation exposed as ``qnet NAME`` and as a scenario ``command``."""

    name: str
    help: str
    description: str
    params: tuple
    columns: tuple
    compute: Callable = field(repr=False)
    stochastic: bool = False
    example: str = ""
    row_key: Callable | None = field(default=None, repr=False)
    module: str = ""
    epilog: str = ""
    resolve: Callable | None = field(default=None, repr=False)

    def preload(self) -> None:
        """Import the library module behind ``compute`` (and numba), e.g. before forking workers.

        Forked sweep workers then share the imported modules instead of each importing them
        again on its first point (about a second of start-up per worker).
        """
        if self.module:
            _lib(self.module, self.name)
            try:
                import numba  # noqa: F401 - imported for its side effect (shared by forked workers)
            except ModuleNotFoundError:  # pragma: no cover - numba is a dependency
                pass

    def expected_rows(self, params: dict) -> tuple[str | None, list]:
        """What identifies the result rows of one call: a column and its values, row by row.

        Parameters
        ----------
        params : dict
            Converted parameters of the call.

        Returns
        -------
        tuple of (str or None, list)
            ``(column, values)``: ``compute`` returns one row per value, in that order
            (``(None, [None])`` for a command that returns one row).
        """
        return (None, [None]) if self.row_key is None else self.row_key(params)

    def param(self, key: str) -> Param:
        """The option spec with scenario key ``key``.

        Parameters
        ----------
        key : str
            Scenario key (underscores), e.g. ``"detector_efficiency"``.

        Returns
        -------
        Param
            The matching option; KeyError if the command has none.
        """
        for p in self.params:
            if p.key == key:
                return p
        raise KeyError(key)

    def keys(self) -> list[str]:
        """Scenario keys of the command's options, in declaration order.

        Returns
        -------
        list of str
            One key (underscores) per option.
        """
        return [p.key for p in self.params]

    def defaults(self) -> dict:
        """Default value of every option, validated as :meth:`Param.coerce` converts it.

        Returns
        -------
        dict
            Scenario key to converted default (None where the option has no default).
        """
        out = {}
        for p in self.params:
            d = p.default_value()
            out[p.key] = None if d is None else p.coerce(d, f"qnet {self.name}")
        return out

    def parameters(self, params: dict) -> dict:
        """The effective parameters of a call: ``params`` with what "not set" resolves to filled in.

        Parameters
        ----------
        params : dict
            Converted parameters (every option, defaults included).

        Returns
        -------
        dict
            A copy; e.g. ``keyrate``'s ``eps_sec`` becomes the library default when
            ``n_pulses`` is given (it stays None, unused, for asymptotic rates).
        """
        out = dict(params)
        if self.resolve is not None:
            self.resolve(out)
        return out



def _t2(p) -> float | None:
    """CLI T2 -> library T2: an infinite T2 means 'no pure dephasing' (None, i.e. T2 = 2 T1)."""
    t2 = p["memory_t2"]
    return None if t2 is None or math.isinf(t2) else t2

def _lib(module: str, command: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        raise ScenarioError(f"qnet {command}: the library module {module} is not available ({e})") from None


def _progress(progress, total, label, unit=None):
    from .progress import Progress

    return Progress(total, label, enabled=bool(progress), unit=unit)


# ----------------------------------------------------------------------------- demo
def _memory_kraus(t_s: float, t1_s: float, t2_s: float) -> np.ndarray:
    """Kraus operators (3, 2, 2) of a T1/T2 memory (``channels.memory``)."""
    from channels import memory

    return memory(t_s, t1_s=t1_s, t2_s=t2_s).kraus


def compute_demo(p: dict, seed=None, progress=False) -> list[dict]:
    """Two Werner pairs stored in T1/T2 memories for ``t``, then swapped by a BSM + Pauli correction."""
    import qnet_core as qc
    from qnet_core.gates import X, Z

    rows = []
    phi = qc.bell_ket("phi+")
    corrections = [np.linalg.matrix_power(X, k >> 1) @ np.linalg.matrix_power(Z, k & 1) for k in range(4)]
    with _progress(progress, len(p["times"]), "demo") as bar:
        for t in p["times"]:
            K = _memory_kraus(t, p["memory_t1"], p["memory_t2"])
            pair = qc.werner(p["fidelity"])
            for q in (0, 1):  # both halves wait in a memory
                pair = qc.apply_kraus(pair, K, [q])
            link_f = float(qc.fidelity(pair, phi))
            m = qc.bell_measure(qc.tensor(pair, pair), (1, 2))  # inner qubits at the middle node
            out = sum(m.probabilities[k] * qc.apply_unitary(m.states[k], corrections[k], [1]) for k in range(4))
            rows.append({"storage_time_s": float(t), "link_fidelity": link_f,
                         "swapped_fidelity": float(qc.fidelity(out, phi))})
            bar.advance()
    return rows


_SEED = Param("seed", "seed", 0, "root random seed (an integer >= 0)")

DEMO = Command(
    "demo", "Bell pairs in noisy memories, then an entanglement swap (quick sanity run)",
    "Two Werner pairs have both halves stored in T1/T2 quantum memories for each storage time; the "
    "middle node then swaps them (Bell measurement + Pauli correction). Prints the fidelity of one "
    "stored pair and of the swapped end-to-end pair.",
    (Param("fidelity", "float", 0.97, "fidelity of each fresh Werner pair", lo=0.0, hi=1.0),
     Param("memory-t1", "float", 1.0, "memory relaxation time T1, s", lo=0.0, lo_open=True, allow_inf=True),
     Param("memory-t2", "float", 0.5, "memory coherence time T2, s (<= 2 T1)", lo=0.0, lo_open=True,
           allow_inf=True),
     Param("times", "range", "0:1:0.1", "storage times, s", lo=0.0),
     _SEED),
    ("storage_time_s", "link_fidelity", "swapped_fidelity"),
    compute_demo,
    example="qnet demo --memory-t2 0.5 --plot demo.png",
)


# ----------------------------------------------------------------------------- keyrate
KEYRATE_COLUMNS = ("distance_km", "key_rate_per_pulse", "key_rate_bps", "qber", "mu", "plob_per_pulse")
KEYRATE_PROTOCOLS = ("bb84", "bb84-decoy", "bbm92", "trusted-node")


def compute_keyrate(p: dict, seed=None, progress=False) -> list[dict]:
    """Key rate vs distance from :func:`protocols.qkd.keyrate.key_rate_curve` (finite-key with ``n_pulses``)."""
    kr = _lib("protocols.qkd.keyrate", "keyrate")
    eps_sec = p.get("eps_sec")
    if eps_sec is not None and p["n_pulses"] is None:
        raise ScenarioError("keyrate: --eps-sec (eps_sec) is the finite-key security parameter; it needs --n-pulses "
                            "(n_pulses): the asymptotic rate has none")
    kw = dict(attenuation_db_per_km=p["attenuation"], detector_efficiency=p["detector_efficiency"],
              dark_count_prob=p["dark_count"], misalignment=p["misalignment"], ec_efficiency=p["ec_efficiency"],
              rep_rate_hz=p["rep_rate"], mu=p["mu"], decoy=p["decoy"], nu=p["nu"], max_link_km=p["max_link_km"],
              n_pulses=p["n_pulses"], eps_sec=eps_sec)
    d = np.asarray(p["distance"], dtype=float)
    finite = p["n_pulses"] is not None  # one optimization per distance: worth a bar
    with _progress(progress and finite, d.size, "keyrate", unit="distances") as bar:
        report = (lambda done, total: bar.update(done)) if bar.enabled else None
        curve = kr.key_rate_curve(d, p["protocol"], progress=report, **kw)
    return _curve_rows(curve)


def _resolve_keyrate(p: dict) -> None:
    if p.get("n_pulses") is not None and p.get("eps_sec") is None:
        p["eps_sec"] = _EPS_SEC.value()


def _curve_rows(curve) -> list[dict]:
    """Rows from whatever table form ``key_rate_curve`` returns (list of dicts, dict of columns, .to_dict()).

    Linear in the number of rows: each column is converted to a list of floats once.
    """
    if hasattr(curve, "to_dict") and not isinstance(curve, dict):
        curve = curve.to_dict()
    if isinstance(curve, dict) and "rows" in curve:
        curve = curve["rows"]
    if isinstance(curve, dict):
        cols = [np.atleast_1d(np.asarray(curve[c], dtype=float)).tolist() for c in KEYRATE_COLUMNS]
        return [dict(zip(KEYRATE_COLUMNS, vals)) for vals in zip(*cols)]
    rows = []
    for r in curve:
        if hasattr(r, "to_dict"):
            r = r.to_dict()
        rows.append({c: float(r[c]) for c in KEYRATE_COLUMNS})
    return rows


_POS = dict(lo=0.0, lo_open=True)
_KR = "protocols.qkd.keyrate"
_EPS_SEC = LibraryDefault("protocols.qkd.finite_key", "finite_key_curve", "eps_sec")


def _kr(name: str) -> LibraryDefault:
    """Default of ``key_rate_curve``'s keyword ``name``."""
    return LibraryDefault(_KR, "key_rate_curve", name)


#: ``--protocol`` of ``qnet keyrate``, one line each (shown in its help).
KEYRATE_PROTOCOL_HELP = {
    "bb84": "BB84 with an ideal single-photon source (no --mu)",
    "bb84-decoy": "BB84 with weak coherent pulses and decoy states (--decoy, --nu; --n-pulses: finite key)",
    "bbm92": "entanglement-based BBM92, pair source in the middle (--mu: mean pair number)",
    "trusted-node": "decoy BB84 over equal links of at most --max-link-km joined by trusted nodes",
}

KEYRATE = Command(
    "keyrate", "QKD secret key rate vs fiber distance",
    "Asymptotic secret key rate of a QKD protocol over fiber, per pulse and per second, with the QBER, "
    "the signal intensity used and the PLOB repeaterless bound per pulse.",
    (Param("protocol", "choice", _kr("protocol"), "QKD protocol (listed below)", choices=KEYRATE_PROTOCOLS),
     Param("distance", "range", "0:200:10", "fiber distances, km", lo=0.0),
     Param("attenuation", "float", _kr("attenuation_db_per_km"), "fiber attenuation, dB/km", lo=0.0),
     Param("detector-efficiency", "float", _kr("detector_efficiency"), "detector efficiency", lo=0.0, hi=1.0,
           lo_open=True),
     Param("dark-count", "float", _kr("dark_count_prob"), "dark-count probability per detection window", lo=0.0,
           hi=1.0, hi_open=True),
     Param("misalignment", "float", _kr("misalignment"), "optical misalignment error probability", lo=0.0, hi=0.5),
     Param("ec-efficiency", "float", _kr("ec_efficiency"), "error-correction inefficiency f >= 1", lo=1.0),
     Param("rep-rate", "float", _kr("rep_rate_hz"), "source repetition rate, Hz", **_POS),
     Param("mu", "float", None, "signal intensity (bb84-decoy, trusted-node) or mean pair number (bbm92); "
           "bb84 is an ideal single-photon source", **_POS, shown_default="optimized per distance"),
     Param("decoy", "choice", _kr("decoy"), "decoy-state estimate (bb84-decoy, trusted-node)",
           choices=("infinite", "vacuum+weak")),
     Param("nu", "float", _kr("nu"), "weak decoy intensity for --decoy vacuum+weak", **_POS),
     Param("max-link-km", "float", _kr("max_link_km"), "longest link between trusted nodes, km (trusted-node)",
           **_POS),
     Param("n-pulses", "float", None, "finite-key rate for this many sent pulses (bb84-decoy; Lim et al. 2014, "
           "intensities and probabilities optimized per distance)", **_POS,
           shown_default="none: asymptotic rate"),
     Param("eps-sec", "float", None, "finite-key security parameter eps_sec, with --n-pulses only", lo=0.0, hi=1.0,
           lo_open=True, hi_open=True, shown_default=_EPS_SEC),
     _SEED),
    KEYRATE_COLUMNS,
    compute_keyrate,
    module="protocols.qkd.keyrate",
    example="qnet keyrate --protocol bb84-decoy --distance 0:300:10 --out keyrate.csv",
    row_key=lambda p: ("distance_km", [float(d) for d in p["distance"]]),
    epilog="protocols (--protocol):\n" + "\n".join(f"  {k:<13} {v}" for k, v in KEYRATE_PROTOCOL_HELP.items()),
    resolve=_resolve_keyrate,
)


# ----------------------------------------------------------------------------- chain
CHAIN_RESULT_COLUMNS = ("trials", "delivered", "mean_fidelity", "mean_fidelity_stderr", "rate_hz", "rate_hz_stderr",
                        "mean_waiting_time_s", "mean_waiting_time_s_stderr", "qber_z", "qber_x", "secret_fraction",
                        "secret_key_rate_bps", "secret_key_rate_bps_stderr")


def build_chain(p: dict):
    """The :class:`protocols.repeaters.repeater_chain.RepeaterChain` described by validated CLI parameters."""
    rc = _lib("protocols.repeaters.repeater_chain", "chain")
    mem = p["memories_per_node"]
    if p["purify"] is not None and mem < 2:
        raise ScenarioError(f"chain: --purify {p['purify']} (purify) needs --memories-per-node 2 or more "
                            f"(memories_per_node; the default is {mem}, as in RepeaterChain); give the same "
                            "--memories-per-node to the runs without purification you compare it with")
    return rc.RepeaterChain(
        p["segments"], p["length_km"], scheme=p["scheme"], memory_t1_s=p["memory_t1"], memory_t2_s=_t2(p),
        cutoff_s=p["cutoff"], purification=p["purify"], protocol=p["protocol"], memories_per_node=mem,
        attenuation_db_per_km=p["attenuation"], detector_efficiency=p["detector_efficiency"],
        dark_count_prob=p["dark_count"], bright_state_param=p["bright_state"], gate_error=p["gate_error"],
        readout_error=p["readout_error"], swap_success_prob=p["swap_success"])


#: Target wall time (s) of one chunk of trials when the command line runs a chain in chunks
#: (``--max-time``): the deadline is checked between chunks.
_CHAIN_CHUNK_S = 0.25


def _check_chain_memory(rc, chain, trials: int) -> None:
    """Refuse, before any trial runs, a chunked run whose results would not fit in memory.

    :func:`simulate_chain` checks each call; a run split into chunks checks the whole here,
    with the library's own estimate.
    """
    try:
        ws = rc._workspace_bytes(chain.num_segments, chain.memories_per_node)
        out = 2 * trials * rc._OUTPUT_BYTES_PER_TRIAL  # the chunks, then their concatenation
        limit = rc._memory_limit_bytes()
    except AttributeError:  # pragma: no cover - the library changed; its per-call check still applies
        return
    if ws + out > limit:
        raise ScenarioError(f"chain: --trials={trials} needs about {(ws + out) / 2**30:.3g} GiB of results; the limit "
                            f"is {limit / 2**30:.3g} GiB (half the physical memory, at most 8 GiB): use fewer trials")


def run_chain(p: dict, seed, progress=False, deadline: float | None = None):
    """Simulate the chain of ``p``; return the ChainResult.

    The progress bar (trials done, rate so far) follows the library's ``progress`` callback
    of :func:`~protocols.repeaters.repeater_chain.simulate_chain`, called after each of its
    chunks. With a wall-clock ``deadline`` (a ``time.monotonic()`` value) the trials run in
    calls of about ``_CHAIN_CHUNK_S``; at the deadline the trials finished so far are
    returned (``result.trials`` may then be smaller than ``p["trials"]``; the first call
    always runs). Calls concatenate exactly to one run (trial i's stream depends only on
    (seed, i)).
    """
    import time

    rc = _lib("protocols.repeaters.repeater_chain", "chain")
    chain = build_chain(p)
    trials = p["trials"]
    with _progress(progress, trials, "chain", unit="trials") as bar:
        if deadline is None:
            report = (lambda done, total: bar.update(done)) if bar.enabled else None
            return rc.simulate_chain(chain, trials, seed, progress=report)
        _check_chain_memory(rc, chain, trials)
        parts = []
        done, size = 0, min(trials, 64)
        while done < trials:
            t0 = time.monotonic()
            report = (lambda d, total, base=done: bar.update(base + d)) if bar.enabled else None
            parts.append(rc.simulate_chain(chain, size, seed, first_trial=done, progress=report))
            per_trial = max((time.monotonic() - t0) / size, 1e-9)
            done += size
            budget = _CHAIN_CHUNK_S
            if deadline is not None:
                budget = min(budget, deadline - time.monotonic())
                if budget <= 0:
                    break
            size = max(1, min(trials - done, int(budget / per_trial)))
    return parts[0] if len(parts) == 1 else rc.ChainResult.concatenate(parts)


def chain_row(result) -> dict:
    d = result.to_dict()
    return {c: d[c] for c in CHAIN_RESULT_COLUMNS}


def compute_chain(p: dict, seed=None, progress=False) -> list[dict]:
    """One summary row of a repeater-chain Monte Carlo."""
    return [chain_row(run_chain(p, seed, progress))]


def _rc(name: str) -> LibraryDefault:
    """Default of the :class:`~protocols.repeaters.repeater_chain.RepeaterChain` field ``name`` (one source of
    truth: ``qnet chain`` and the Python class have the same defaults)."""
    return LibraryDefault("protocols.repeaters.repeater_chain", "RepeaterChain", name)


CHAIN = Command(
    "chain", "Monte Carlo of a quantum-repeater chain (fidelity, rate, waiting time, key rate)",
    "Simulates trials of a linear repeater chain until the first end-to-end pair: mean fidelity, delivered "
    "pairs per second, mean waiting time and BBM92 secret key rate, each with its standard error.",
    (Param("segments", "int", 4, "number of elementary segments", lo=1),
     Param("length-km", "float", 100.0, "total end-to-end length, km", lo=0.0),
     Param("scheme", "choice", _rc("scheme"), "elementary-link heralding", choices=("single-click", "double-click")),
     Param("memory-t1", "float", _rc("memory_t1_s"), "memory relaxation time T1, s", **_POS, allow_inf=True),
     Param("memory-t2", "float", INF, "memory coherence time T2, s (<= 2 T1; inf means no pure dephasing, i.e. "
           "T2 = 2 T1 when T1 is finite, RepeaterChain's memory_t2_s=None)", **_POS, allow_inf=True),
     Param("cutoff", "float", _rc("cutoff_s"), "memory cutoff time, s", **_POS, shown_default="none, no cutoff"),
     Param("purify", "choice", _rc("purification"), "recurrence purification of elementary links (needs "
           "--memories-per-node 2 or more)", choices=("dejmps", "bbpssw"), none_ok=True),
     Param("protocol", "choice", _rc("protocol"), "swapping protocol (nested needs 2**k segments)",
           choices=("swap-asap", "nested")),
     Param("memories-per-node", "int", _rc("memories_per_node"), "memories per node per side; purification needs "
           "2 or more: compare runs with and without it at the same value", lo=1),
     Param("attenuation", "float", _rc("attenuation_db_per_km"), "fiber attenuation, dB/km", lo=0.0),
     Param("detector-efficiency", "float", _rc("detector_efficiency"), "detector efficiency", lo=0.0, hi=1.0,
           lo_open=True),
     Param("dark-count", "float", _rc("dark_count_prob"), "dark-count probability per detection window", lo=0.0,
           hi=1.0),
     Param("bright-state", "float", _rc("bright_state_param"), "single-click bright-state parameter alpha", lo=0.0,
           hi=1.0, lo_open=True, hi_open=True),
     Param("gate-error", "float", _rc("gate_error"), "two-qubit depolarizing probability with each Bell "
           "measurement and purification CNOT", lo=0.0, hi=1.0),
     Param("readout-error", "float", _rc("readout_error"), "probability that a measured bit is misread", lo=0.0,
           hi=1.0),
     Param("swap-success", "float", _rc("swap_success_prob"), "probability that a Bell-state measurement succeeds",
           lo=0.0, hi=1.0, lo_open=True),
     Param("trials", "int", 1000, "Monte Carlo trials; peak memory up to about 550 B per trial plus about "
           "870 B x segments x memories per node per thread (runs that would not fit in half the memory, "
           "at most 8 GiB, are refused before they start)", lo=1),
     _SEED),
    CHAIN_RESULT_COLUMNS,
    compute_chain,
    module="protocols.repeaters.repeater_chain",
    stochastic=True,
    example="qnet chain --segments 4 --length-km 200 --memory-t2 1 --cutoff 0.05 --trials 2000 --json",
)


# ----------------------------------------------------------------------------- swap, purify, teleport
def _error_params(gate_help: str, readout_help: str) -> tuple:
    """``--gate-error`` and ``--readout-error``, and their deprecated names ``--p2`` and ``--eta``."""
    return (Param("gate-error", "float", 0.0, gate_help, lo=0.0, hi=1.0),
            Param("readout-error", "float", 0.0, readout_help, lo=0.0, hi=1.0),
            Param("p2", "float", None, "deprecated name of --gate-error", lo=0.0, hi=1.0),
            Param("eta", "float", None, "deprecated name of --readout-error", lo=0.0, hi=1.0))


_RENAMED = (("p2", "gate_error"), ("eta", "readout_error"))


def _resolve_errors(p: dict) -> None:
    """Effective parameters: a deprecated ``p2``/``eta`` is its new name's value, and is not listed itself."""
    for old, new in _RENAMED:
        value = p.pop(old, None)
        if value is not None:
            p[new] = float(value)


def _errors(p: dict, command: str) -> dict:
    """``gate_error`` and ``readout_error`` of validated parameters, taking the deprecated ``p2``/``eta``.

    An old name prints a one-line deprecation note on stderr; an old name together with a
    non-default new value is an error.
    """
    out = {}
    for old, new in _RENAMED:
        value = p.get(new)
        if p.get(old) is not None:
            dash_old, dash_new = old.replace("_", "-"), new.replace("_", "-")
            if value not in (None, 0.0):
                raise ScenarioError(f"{command}: --{dash_old} is the deprecated name of --{dash_new}; "
                                    f"give only --{dash_new}")
            print(f"qnet {command}: note: --{dash_old} is deprecated; use --{dash_new} (scenario key {new}); "
                  f"--{dash_old} goes away in the next release", file=sys.stderr)
            value = p[old]
        out[new] = 0.0 if value is None else float(value)
    return out


def compute_swap(p: dict, seed=None, progress=False) -> list[dict]:
    """Entanglement swap of two Werner pairs (:func:`protocols.entanglement.swapping.entanglement_swap`)."""
    sw = _lib("protocols.entanglement.swapping", "swap")
    import qnet_core as qc

    f2 = p["fidelity"] if p["fidelity2"] is None else p["fidelity2"]
    r = sw.entanglement_swap(qc.BellDiagonal.werner(p["fidelity"]), qc.BellDiagonal.werner(f2), bsm=p["bsm"],
                             **_errors(p, "swap"))
    return [{"fidelity": float(r.fidelity), "success_probability": float(r.success_probability)}]


SWAP = Command(
    "swap", "Entanglement swapping of two Werner pairs with a noisy Bell measurement",
    "Joins two Werner pairs by a Bell-state measurement on the inner qubits and a Pauli correction; "
    "prints the fidelity of the end-to-end pair and the BSM success probability.",
    (Param("fidelity", "float", 0.95, "fidelity of the first pair", lo=0.0, hi=1.0),
     Param("fidelity2", "float", None, "fidelity of the second pair", lo=0.0, hi=1.0,
           shown_default="same as --fidelity"),
     *_error_params("two-qubit depolarizing probability of the BSM's CNOT",
                    "readout error probability per measured bit"),
     Param("bsm", "choice", "ideal", "Bell-measurement model", choices=("ideal", "linear_optics")),
     _SEED),
    ("fidelity", "success_probability"),
    compute_swap,
    module="protocols.entanglement.swapping",
    resolve=_resolve_errors,
    example="qnet swap --fidelity 0.95 --gate-error 0.01 --json",
)


def compute_purify(p: dict, seed=None, progress=False) -> list[dict]:
    """Recurrence or pumping purification rounds (:mod:`protocols.entanglement.purification`)."""
    pu = _lib("protocols.entanglement.purification", "purify")
    import qnet_core as qc

    fn = pu.recurrence_rounds if p["scheme"] == "recurrence" else pu.pumping_rounds
    s = fn(qc.BellDiagonal.werner(p["fidelity"]), p["rounds"], method=p["method"], **_errors(p, "purify"))
    return [{"round": r + 1, "fidelity": float(s.fidelity[r]), "success_probability": float(s.success_probability[r]),
             "pairs_per_output": float(s.pairs_per_output[r])} for r in range(p["rounds"])]


PURIFY = Command(
    "purify", "Entanglement purification (DEJMPS/BBPSSW, recurrence or pumping) of Werner pairs",
    "Runs recurrence (symmetric) or pumping purification rounds on Werner pairs; prints per round the "
    "fidelity, success probability and elementary pairs consumed per output pair.",
    (Param("fidelity", "float", 0.8, "fidelity of the elementary Werner pairs", lo=0.0, hi=1.0),
     Param("method", "choice", "dejmps", "purification protocol", choices=("dejmps", "bbpssw")),
     Param("scheme", "choice", "recurrence", "schedule", choices=("recurrence", "pumping")),
     Param("rounds", "int", 3, "number of rounds", lo=1, hi=64),
     *_error_params("two-qubit depolarizing probability per local CNOT", "measurement error probability"),
     _SEED),
    ("round", "fidelity", "success_probability", "pairs_per_output"),
    compute_purify,
    module="protocols.entanglement.purification",
    resolve=_resolve_errors,
    example="qnet purify --fidelity 0.8 --method dejmps --rounds 3",
    row_key=lambda p: ("round", list(range(1, p["rounds"] + 1))),
)


def compute_teleport(p: dict, seed=None, progress=False) -> list[dict]:
    """Teleportation over a Werner resource (:mod:`protocols.entanglement.teleportation`): one random input state
    drawn from ``seed`` and the exact state-averaged figures."""
    tp = _lib("protocols.entanglement.teleportation", "teleport")
    import qnet_core as qc

    kw = dict(distance_km=p["distance_km"], t1_s=p["memory_t1"], t2_s=_t2(p), **_errors(p, "teleport"))
    resource = qc.werner(p["fidelity"])
    exact = tp.teleportation_fidelity(resource, **kw)
    r = tp.teleport(qc.random_ket(1, seed=seed), resource, **kw)
    return [{"fidelity": float(r.fidelity), "average_fidelity": float(exact.average_fidelity),
             "entanglement_fidelity": float(exact.entanglement_fidelity), "delay_s": float(exact.delay_s)}]


TELEPORT = Command(
    "teleport", "Teleportation of a qubit over a Werner pair",
    "Teleports a random qubit state (drawn from --seed) over a Werner resource pair with a noisy Bell "
    "measurement, Bob's qubit waiting in a T1/T2 memory for the classical bits over --distance-km; prints "
    "that state's fidelity and the exact state-averaged and entanglement fidelities.",
    (Param("fidelity", "float", 0.95, "fidelity of the Werner resource pair", lo=0.0, hi=1.0),
     *_error_params("two-qubit depolarizing probability of the BSM's CNOT",
                    "readout error probability per measured bit"),
     Param("distance-km", "float", 0.0, "distance the classical bits travel, km", lo=0.0),
     Param("memory-t1", "float", INF, "Bob's memory relaxation time T1, s", **_POS, allow_inf=True),
     Param("memory-t2", "float", INF, "Bob's memory coherence time T2, s (<= 2 T1; inf means no pure dephasing, "
           "i.e. T2 = 2 T1 when T1 is finite)", **_POS, allow_inf=True),
     _SEED),
    ("fidelity", "average_fidelity", "entanglement_fidelity", "delay_s"),
    compute_teleport,
    module="protocols.entanglement.teleportation",
    resolve=_resolve_errors,
    stochastic=True,
    example="qnet teleport --fidelity 0.9 --distance-km 50 --memory-t2 0.01 --json",
)


COMMANDS = {c.name: c for c in (DEMO, KEYRATE, CHAIN, PURIFY, SWAP, TELEPORT)}

#: Options added to a command after sweep files with it were written: a sweep point's id
#: (:func:`qnet_cli.scenario._point_id`) includes them only when they are set, so old files resume.
LATER_OPTIONS = frozenset({"eps_sec"})
SWEEPABLE = ("keyrate", "chain", "purify", "swap", "teleport")


def get_command(name: str) -> Command:
    """The registered command named ``name``.

    Parameters
    ----------
    name : str
        Command name as typed after ``qnet`` (a key of ``COMMANDS``).

    Returns
    -------
    Command
        The command; KeyError for an unknown name.
    """
    return COMMANDS[name]
