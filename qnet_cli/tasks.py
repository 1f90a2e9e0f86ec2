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

from .params import Param

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
        return {p.key: p.coerce(p.default, f"qnet {self.name}") if p.default is not None else None
                for p in self.params}



def _t2(p) -> float | None:
    """CLI T2 -> library T2: an infinite T2 means 'no pure dephasing' (None, i.e. T2 = 2 T1)."""
    t2 = p["memory_t2"]
    return None if t2 is None or math.isinf(t2) else t2

def _lib(module: str, command: str):
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as e:
        raise ScenarioError(f"qnet {command}: the library module {module} is not available ({e})") from None


def _progress(progress, total, label):
    from .progress import Progress

    return Progress(total, label, enabled=bool(progress))


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
    """Key rate vs distance from :func:`protocols.qkd.keyrate.key_rate_curve`."""
    kr = _lib("protocols.qkd.keyrate", "keyrate")
    kw = dict(attenuation_db_per_km=p["attenuation"], detector_efficiency=p["detector_efficiency"],
              dark_count_prob=p["dark_count"], misalignment=p["misalignment"], ec_efficiency=p["ec_efficiency"],
              rep_rate_hz=p["rep_rate"], mu=p["mu"], decoy=p["decoy"], nu=p["nu"], max_link_km=p["max_link_km"],
              n_pulses=p["n_pulses"])
    curve = kr.key_rate_curve(np.asarray(p["distance"], dtype=float), p["protocol"], **kw)
    return _curve_rows(curve)


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
KEYRATE = Command(
    "keyrate", "QKD secret key rate vs fiber distance",
    "Asymptotic secret key rate of a QKD protocol over fiber, per pulse and per second, with the QBER, "
    "the signal intensity used and the PLOB repeaterless bound per pulse.",
    (Param("protocol", "choice", "bb84-decoy", "QKD protocol", choices=KEYRATE_PROTOCOLS),
     Param("distance", "range", "0:200:10", "fiber distances, km", lo=0.0),
     Param("attenuation", "float", 0.2, "fiber attenuation, dB/km", lo=0.0),
     Param("detector-efficiency", "float", 0.1, "detector efficiency", lo=0.0, hi=1.0, lo_open=True),
     Param("dark-count", "float", 1e-6, "dark-count probability per detection window", lo=0.0, hi=1.0,
           hi_open=True),
     Param("misalignment", "float", 0.01, "optical misalignment error probability", lo=0.0, hi=0.5),
     Param("ec-efficiency", "float", 1.16, "error-correction inefficiency f >= 1", lo=1.0),
     Param("rep-rate", "float", 1e9, "source repetition rate, Hz", **_POS),
     Param("mu", "float", None, "signal intensity (bb84-decoy, trusted-node) or mean pair number (bbm92); "
           "optimized per distance when absent; bb84 is an ideal single-photon source", **_POS),
     Param("decoy", "choice", "infinite", "decoy-state estimate (bb84-decoy, trusted-node)",
           choices=("infinite", "vacuum+weak")),
     Param("nu", "float", 0.05, "weak decoy intensity for --decoy vacuum+weak", **_POS),
     Param("max-link-km", "float", 80.0, "longest link between trusted nodes, km (trusted-node)", **_POS),
     Param("n-pulses", "float", None, "finite-key rate for this many sent pulses (bb84-decoy; Lim et al. 2014, "
           "intensities and probabilities optimized per distance); asymptotic when absent", **_POS),
     _SEED),
    KEYRATE_COLUMNS,
    compute_keyrate,
    module="protocols.qkd.keyrate",
    example="qnet keyrate --protocol bb84-decoy --distance 0:300:10 --out keyrate.csv",
    row_key=lambda p: ("distance_km", [float(d) for d in p["distance"]]),
)


# ----------------------------------------------------------------------------- chain
CHAIN_RESULT_COLUMNS = ("trials", "delivered", "mean_fidelity", "mean_fidelity_stderr", "rate_hz", "rate_hz_stderr",
                        "mean_waiting_time_s", "mean_waiting_time_s_stderr", "qber_z", "qber_x", "secret_fraction",
                        "secret_key_rate_bps", "secret_key_rate_bps_stderr")


def build_chain(p: dict):
    """The :class:`protocols.repeaters.repeater_chain.RepeaterChain` described by validated CLI parameters."""
    rc = _lib("protocols.repeaters.repeater_chain", "chain")
    mem = p["memories_per_node"]
    if mem is None:
        mem = 2 if p["purify"] else 1
    return rc.RepeaterChain(
        p["segments"], p["length_km"], scheme=p["scheme"], memory_t1_s=p["memory_t1"], memory_t2_s=_t2(p),
        cutoff_s=p["cutoff"], purification=p["purify"], protocol=p["protocol"], memories_per_node=mem,
        attenuation_db_per_km=p["attenuation"], detector_efficiency=p["detector_efficiency"],
        dark_count_prob=p["dark_count"], bright_state_param=p["bright_state"], gate_error=p["gate_error"],
        readout_error=p["readout_error"], swap_success_prob=p["swap_success"])


#: Target wall time (s) of one chunk of trials when the command line runs a chain in chunks
#: (progress bar, ``--max-time``): the deadline is checked between chunks.
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

    With a progress bar on a terminal, or a wall-clock ``deadline`` (a ``time.monotonic()``
    value), the trials run in chunks of about ``_CHAIN_CHUNK_S``; at the deadline the
    trials finished so far are returned (``result.trials`` may then be smaller than
    ``p["trials"]``; the first chunk always runs). Chunks concatenate exactly to one run
    (trial i's stream depends only on (seed, i)).
    """
    import time

    rc = _lib("protocols.repeaters.repeater_chain", "chain")
    chain = build_chain(p)
    trials = p["trials"]
    if deadline is None and (not progress or trials < 200):
        return rc.simulate_chain(chain, trials, seed)
    _check_chain_memory(rc, chain, trials)
    parts = []
    done, size = 0, min(trials, 64)
    with _progress(progress, trials, "chain") as bar:
        while done < trials:
            t0 = time.monotonic()
            parts.append(rc.simulate_chain(chain, size, seed, first_trial=done))
            per_trial = max((time.monotonic() - t0) / size, 1e-9)
            done += size
            bar.advance(size)
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


CHAIN = Command(
    "chain", "Monte Carlo of a quantum-repeater chain (fidelity, rate, waiting time, key rate)",
    "Simulates trials of a linear repeater chain until the first end-to-end pair: mean fidelity, delivered "
    "pairs per second, mean waiting time and BBM92 secret key rate, each with its standard error.",
    (Param("segments", "int", 4, "number of elementary segments", lo=1),
     Param("length-km", "float", 100.0, "total end-to-end length, km", lo=0.0),
     Param("scheme", "choice", "single-click", "elementary-link heralding", choices=("single-click", "double-click")),
     Param("memory-t1", "float", INF, "memory relaxation time T1, s", **_POS, allow_inf=True),
     Param("memory-t2", "float", INF, "memory coherence time T2, s (<= 2 T1; inf, the default, means no pure "
           "dephasing, i.e. T2 = 2 T1 when T1 is finite)", **_POS, allow_inf=True),
     Param("cutoff", "float", None, "memory cutoff time, s", **_POS),
     Param("purify", "choice", None, "recurrence purification of elementary links", choices=("dejmps", "bbpssw"),
           none_ok=True),
     Param("protocol", "choice", "swap-asap", "swapping protocol (nested needs 2**k segments)",
           choices=("swap-asap", "nested")),
     Param("memories-per-node", "int", None, "memories per node per side (default 1, or 2 when purifying)", lo=1),
     Param("attenuation", "float", 0.2, "fiber attenuation, dB/km", lo=0.0),
     Param("detector-efficiency", "float", 0.9, "detector efficiency", lo=0.0, hi=1.0, lo_open=True),
     Param("dark-count", "float", 0.0, "dark-count probability per detection window", lo=0.0, hi=1.0),
     Param("bright-state", "float", 0.1, "single-click bright-state parameter alpha", lo=0.0, hi=1.0, lo_open=True,
           hi_open=True),
     Param("gate-error", "float", 0.0, "two-qubit depolarizing probability with each Bell measurement and "
           "purification CNOT", lo=0.0, hi=1.0),
     Param("readout-error", "float", 0.0, "probability that a measured bit is misread", lo=0.0, hi=1.0),
     Param("swap-success", "float", 1.0, "probability that a Bell-state measurement succeeds", lo=0.0, hi=1.0,
           lo_open=True),
     Param("trials", "int", 1000, "Monte Carlo trials", lo=1),
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
     Param("fidelity2", "float", None, "fidelity of the second pair (default: same as --fidelity)", lo=0.0, hi=1.0),
     *_error_params("two-qubit depolarizing probability of the BSM's CNOT",
                    "readout error probability per measured bit"),
     Param("bsm", "choice", "ideal", "Bell-measurement model", choices=("ideal", "linear_optics")),
     _SEED),
    ("fidelity", "success_probability"),
    compute_swap,
    module="protocols.entanglement.swapping",
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
     Param("memory-t2", "float", INF, "Bob's memory coherence time T2, s (<= 2 T1; inf, the default, means no "
           "pure dephasing, i.e. T2 = 2 T1 when T1 is finite)", **_POS, allow_inf=True),
     _SEED),
    ("fidelity", "average_fidelity", "entanglement_fidelity", "delay_s"),
    compute_teleport,
    module="protocols.entanglement.teleportation",
    stochastic=True,
    example="qnet teleport --fidelity 0.9 --distance-km 50 --memory-t2 0.01 --json",
)


COMMANDS = {c.name: c for c in (DEMO, KEYRATE, CHAIN, PURIFY, SWAP, TELEPORT)}
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
