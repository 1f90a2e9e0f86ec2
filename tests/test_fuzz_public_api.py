"""Fuzz test of the public API (issue 12): every invalid input gives a clean ``QnetError``.

Every public callable of :mod:`qnet_core`, :mod:`channels` and :mod:`protocols` (their
``__all__``, plus :mod:`channels.free_space` and the rotation gates) is called with a valid
baseline built from ``VALID`` (by parameter name, with per-function overrides in ``CALLS``),
then with one argument at a time replaced by a hostile value: negative, 0, NaN, +-inf, 1e308,
10**18, a denormal, bool, str, None, complex, empty arrays, wrong shapes, mixed bool/float
lists, invalid states and coefficient vectors, unknown choices, bad seeds and qubit indices.

A call passes when it either

* raises a :class:`~qnet_core.errors.QnetError` (a ``ValueError``), or
* returns a result whose numbers are all free of NaN (inf is a documented value in many places:
  an infinite T1, the PLOB bound at eta = 1); results with ``to_dict()`` are converted too;

and the value was not one that can never be valid: a string, bool, complex number, NaN, an
object or ``None`` (where ``None`` is not a documented choice) for a number, a negative
length, time, rate or probability, a probability above 1, a fractional count, an unknown
choice, an invalid state. Those must raise. Each call runs under a 2 s alarm (a timeout fails)
and an address-space cap of 4 GiB above the current size (a ``MemoryError`` fails).

Left out: the deprecated ``bd_*`` aliases, result types (outputs, not inputs), plotting, the
exception classes and constants. ``test_catalogue`` runs every (function, argument, value)
of the fixed catalogue; ``test_generated`` lets hypothesis draw further arguments and values
(floats, integers, arrays, nested lists) per function, at the profile's example count.
"""

from __future__ import annotations

import contextlib
import dataclasses
import faulthandler
import inspect
import math
import re
import resource
import signal
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import channels
import channels.free_space
import protocols
import qnet_core as qc
from qnet_core import gates
from protocols._common import Result
from qnet_core.errors import QnetError

CALL_BUDGET_S = 2.0
MEMORY_HEADROOM = 4 << 30

# ============================================================================ the public callables
DEPRECATED = {n for n in (*qc.__all__, *protocols.__all__) if n.startswith("bd_")}
OUTPUTS = {"Measurement", "LinkBudget", "TwoStationGeometry", "ReadoutStatistics", "DiamondNormBounds",
           "MonteCarloResult", "FiniteKeyResult", "KeyRateCurve", "TrustedNodeResult", "SatelliteKeyRate",
           "ChainResult", "KeyRateComparison", "SwapResult", "PurificationResult", "PurificationRounds",
           "TeleportationResult", "TeleportationFidelity", "RemoteGateResult", "RemoteGateFidelity",
           "PairQKDResult", "GHZFusionResult", "ConferenceKeyResult", "ConferenceKeyComparison"}
LEFT_OUT = {"plot_key_rate_curves"}  # plotting: needs matplotlib, draws


def _is_result(obj):
    """Result dataclasses (``protocols._common.Result`` subclasses) are outputs, not inputs."""
    return isinstance(obj, type) and issubclass(obj, Result)


def _public():
    out = {}
    for pkg in (qc, channels, channels.free_space, protocols):
        for name in pkg.__all__:
            obj = getattr(pkg, name)
            if (not callable(obj) or inspect.ismodule(obj) or name in DEPRECATED or name in OUTPUTS or _is_result(obj)
                    or name in LEFT_OUT or (isinstance(obj, type) and issubclass(obj, BaseException))):
                continue
            out.setdefault(name, obj)
    for name in ("rx", "ry", "rz"):
        out[name] = getattr(gates, name)
    return dict(sorted(out.items()))


PUBLIC = _public()

# ============================================================================ valid baselines
BELL = qc.bell_state()
W90 = qc.werner(0.9)
COEFFS = [0.9, 0.05, 0.03, 0.02]
KRAUS = [np.sqrt(0.9) * gates.I2, np.sqrt(0.1) * gates.X]
_Q_MU, _E_MU = protocols.coherent_gain_error(0.01, 0.5, 1e-6, 0.01)
_Q_NU, _E_NU = protocols.coherent_gain_error(0.01, 0.1, 1e-6, 0.01)

#: A valid value for each required parameter, by name.
VALID = {
    "rho": BELL, "sigma": W90, "rho1": W90, "a": W90, "b": W90, "pair": W90, "resource": W90, "state": W90,
    "psi": qc.basis_ket("0"), "ket": qc.bell_ket(), "coeffs": COEFFS, "coefficients": COEFFS, "c1": COEFFS,
    "c2": COEFFS, "U": gates.H, "S": qc.kraus_to_superoperator(KRAUS), "kraus": KRAUS, "targets": [0],
    "qubits": [0], "keep": [0], "order": [1, 0], "bits": "01", "fidelity": 0.9, "w": 0.5, "num_qubits": 1,
    "steps": [(gates.X, (0,))], "p": 0.1, "px": 0.1, "py": 0.05, "pz": 0.02, "p_error": 0.1, "gamma": 0.1,
    "p_excited": 0.1, "frequency_hz": 5e9, "temperature_k": 0.02, "angle_rad": 0.1, "t_s": 1e-3,
    "t_dep_s": 1.0, "length_km": 10.0, "coherence_length_km": 100.0, "transmissivity": 0.5,
    "distance_km": 10.0, "altitude_km": 500.0, "elevation_deg": 45.0, "ground_separation_km": 1000.0,
    "ground_distance_km": 100.0, "channel": channels.depolarizing(0.1), "channel_a": channels.depolarizing(0.1),
    "success_probability": 0.5, "attempt_duration_s": 1e-4, "herald_delay_s": 0.0, "eta": 0.1, "mu": 0.5,
    "nu": 0.1, "dark_count_prob": 1e-6, "misalignment": 0.01, "qber": 0.02, "qber_x": 0.02, "qber_z": 0.02,
    "q_mu": _Q_MU, "e_mu": _E_MU, "q_nu": _Q_NU, "e_nu": _E_NU, "y0": 2e-6, "n_pulses": 1e10,
    "rate_fn": lambda d: 100.0 - d, "eta_a": 0.1, "eta_b": 0.1, "mean_pair_number": 0.1,
    "link_lengths_km": [50.0, 50.0], "total_km": 200.0, "max_link_km": 80.0, "rounds": 2, "num_segments": 2,
    "total_length_km": 20.0, "seed": 1, "n": 3, "chain": None, "trials": 10, "lengths_km": [10.0, 20.0],
    "theta": 0.3, "pauli_probs": [0.9, 0.05, 0.03, 0.02], "scheme": "single-click",
    "states": (BELL, qc.basis_state("0")), "readout_error": 0.01, "q": BELL,
    "pairs": [W90, W90, W90], "graph_edges": [(0, 1), (1, 2)], "label": "XZ",
}

#: Per-function overrides of the baseline (and of VALID's defaults for optional parameters).
CALLS = {
    "fidelity_pure": dict(psi=qc.bell_ket()),
    "teleport_entangled": dict(state=qc.bell_state()),
    "remote_cnot": dict(state=qc.basis_state("10")),
    "simulate_decoy_bb84": dict(n_pulses=20000, seed=1),
    "simulate_chain": dict(trials=10, seed=1),
    "key_rate_comparison": dict(trials=5, seed=1),
    "OperationSequence": dict(num_qubits=1),
    "ElementaryLink": dict(success_probability=0.5, attempt_duration_s=1e-4, herald_delay_s=0.0, state=W90),
    "werner_link": dict(success_probability=0.5, attempt_duration_s=1e-4),
    "heralded_state": dict(scheme="single-click", eta=0.1),
    "satellite_key_rate": dict(elevation_deg=[30.0, 60.0]),
    "key_rate_curve": dict(distance_km=[0.0, 50.0, 100.0]),
    "finite_key_curve": dict(distance_km=[0.0, 50.0]),
    "random_kraus": dict(num_qubits=1),
    "spawn_seeds": dict(seed=1, n=3),
}


def _chain():
    return protocols.RepeaterChain(2, 20.0)


def baseline(name):
    """The valid keyword arguments (and positional ``*args``) of a call to ``PUBLIC[name]``."""
    sig = inspect.signature(PUBLIC[name])
    kwargs, args = {}, ()
    for p in sig.parameters.values():
        if p.name.startswith("_") or p.kind is p.VAR_KEYWORD:
            continue
        if p.kind is p.VAR_POSITIONAL:
            args = tuple(CALLS.get(name, {}).get(p.name, VALID[p.name]))
        elif p.name in CALLS.get(name, {}):
            kwargs[p.name] = CALLS[name][p.name]
        elif p.default is p.empty:
            kwargs[p.name] = _chain() if p.name == "chain" else VALID[p.name]
    return args, kwargs


def fuzzed_params(name):
    """The parameters to fuzz: all but private ones and ``**kwargs``."""
    return [p for p in inspect.signature(PUBLIC[name]).parameters.values()
            if not p.name.startswith("_") and p.kind is not p.VAR_KEYWORD]


# ============================================================================ parameter kinds
STATES = {"rho", "sigma", "rho1", "rho2", "a", "b", "pair", "resource", "state", "psi", "ket", "auxiliary",
          "states", "pairs"}
VECTORS = {"coeffs", "coefficients", "c1", "c2", "pauli_probs", "intensity_probs"}
OPERATORS = {"U", "S", "kraus"}
CHANNELS = {"channel", "channel_a", "channel_b", "drift"}
COUNTS = {"num_qubits", "num_operators", "rank", "n", "rounds", "trials", "num_segments", "memories_per_node",
          "first_trial", "threads", "workers", "chunk_pulses"}
INDICES = {"control", "frame"}
INDEX_LISTS = {"targets", "qubits", "keep", "order", "bits", "purification_levels"}
CHOICES = {"name", "method", "basis", "scheme", "protocol", "decoy", "per", "bsm", "rep", "kind", "axis", "model",
           "direction", "air_mass_model", "preset", "metric", "purification", "fusion"}
FLAGS = {"validate", "correct", "keep_measured", "normalize", "show_plob", "progress"}
#: Tri-state switches: None, True or False (numpy bools too), nothing else.
SWITCHES = {"jit"}
OBJECTS = {"system", "systems", "chain", "steps", "rate_fn", "bb84_system", "graph_edges"}
KIND_OVERRIDES = {("pauli_operator", "label"): "choice", ("remote_cnot", "target"): "index", ("process_fidelity", "target"): "channel",
                  ("average_gate_fidelity", "target"): "channel", ("simulate_decoy_bb84", "n_pulses"): "count"}
LENIENT = {"label"}  # any string is a label
#: Calls that read only the shape of a state (num_qubits) or take a batch of kets as a matrix.
SHAPE_ONLY = {*(("num_qubits", lab) for lab in ("nan44", "zeros44", "eye44", "inf44", "nonhermitian", "batch-zeros",
                                                 "5d")),
              ("ket_to_dm", "eye44"), ("fidelity_pure", "eye44"), ("ket_to_dm", "scalar")}
#: Hostile-looking values that the function's docstring documents as valid, with the reason:
#: these calls may return (they must still not raise a non-QnetError or return NaN).
DOCUMENTED_VALID = {
    # to_qobj(): "a density matrix or operator (batch), or a single ket ... values are not checked to be a
    # density matrix (operators and gates convert too)": any finite square power-of-two matrix, batch or ket
    **{("to_qobj", "rho", lab): "operators and unnormalized kets convert" for lab in
       ("zeros44", "eye44", "nonhermitian", "batch-zeros", "5d", "ones-list")},
    # bell_state() / bell_ket(): name "or the index 0-3 in BELL_NAMES order"
    ("bell_state", "name", "int"): "index 0-3 is a documented name", ("bell_ket", "name", "int"): "index 0-3",
}
#: Coefficient parameters documented as ``shape (..., 4)``: the 4x4 identity is a batch of four valid vectors.
BATCHED_VECTOR_DOC = re.compile(r"shape \(\.\.\., 4\)")

#: Real parameters that must not be negative (lengths, times, rates, probabilities, counts of photons).
NONNEGATIVE = re.compile(r"(_km|_s|_hz|_k|_m|_rad|_db|prob|efficiency|fidelity|^p$|^p\w|^p[xyz]$|gamma|^mu\d?$|"
                         r"^nu$|^eta|misalignment|transmissivity|qber|error|fraction|position|^[qe]_|^y0$|"
                         r"n_pulses|tol|eps|^theta$|^base$|transmittance|^mean_pair)")
NEGATIVE_OK = {"angle_rad", "theta", "extra_loss_db", "w", "max_time_s", "pointing_error_rad"}
#: Real parameters that are probabilities: above 1 must raise.
PROBABILITY = re.compile(r"(^p$|^p[xyz12]$|^p_|_prob$|^gamma$|fidelity|^eta|transmissivity|misalignment|"
                         r"^qber|gate_error|readout_error|test_fraction|source_position|transmittance|"
                         r"^efficiency$|detector_efficiency|emission_efficiency|receiver_efficiency|^[qe]_|^y0$|"
                         r"^eps_|^w$)")


def kind_of(name, param):
    if (name, param.name) in KIND_OVERRIDES:
        return KIND_OVERRIDES[(name, param.name)]
    n = param.name
    for kind, names in (("state", STATES), ("vector", VECTORS), ("operator", OPERATORS), ("channel", CHANNELS),
                        ("count", COUNTS), ("index", INDICES), ("indices", INDEX_LISTS), ("choice", CHOICES),
                        ("flag", FLAGS), ("switch", SWITCHES), ("object", OBJECTS), ("lenient", LENIENT)):
        if n in names:
            return kind
    if n == "seed":
        return "seed"
    if n == "target":
        return "index"
    return "real"


def none_allowed(param):
    return param.default is None or "None" in str(param.annotation)


# ============================================================================ hostile values
class _Obj:
    def __repr__(self):
        return "<object>"


NAN, INF = math.nan, math.inf
#: (label, value, must_raise) for every kind; must_raise None means "decided by the parameter".
COMMON = [("str", "abc", True), ("object", _Obj(), True), ("nan", NAN, True), ("true", True, True),
          ("false", False, True), ("complex", 1 + 1j, True), ("none", None, None), ("bytes", b"0.5", True)]
REAL = [("neg", -1.0, None), ("zero", 0.0, False), ("int0", 0, False), ("inf", INF, False), ("-inf", -INF, None),
        ("1e308", 1e308, None), ("-1e308", -1e308, None), ("1e18", 10**18, None), ("1e400", 10**400, None),
        ("denormal", 5e-324, False),
        ("1.5", 1.5, None), ("empty", np.array([]), False), ("shape22", np.zeros((2, 2)), False),
        ("nan-array", np.array([0.5, NAN]), True), ("mixed-list", [True, 0.5], True),
        ("complex-array", np.array([0.5 + 1j]), True), ("np-bool", np.bool_(True), True),
        ("str-list", ["0.5"], True)]
COUNT = [("neg", -1, True), ("zero", 0, False), ("1e18", 10**18, False), ("1e400", 10**400, False), ("frac", 1.5, True), ("inf", INF, True),
         ("float-int", 2.0, False), ("np-int", np.int64(2), False), ("list", [2], True)]
INDEX = [("neg", -1, False), ("big", 99, True), ("frac", 0.5, True), ("1e18", 10**18, True), ("list", [0], True)]
INDEX_LIST = [("out-of-range", [99], True), ("neg", [-5], True), ("repeated", [0, 0], None), ("frac", [0.5], True),
              ("bools", [True], True), ("nested", [[0]], True), ("huge", [10**18], True), ("empty", [], False),
              ("scalar-huge", 10**18, True), ("nan-list", [NAN], True)]
STATE = [("empty", np.array([]), True), ("zeros33", np.zeros((3, 3)), True), ("nan44", np.full((4, 4), NAN), True),
         ("zeros44", np.zeros((4, 4)), True), ("eye44", np.eye(4), True), ("scalar", 1.0, True),
         ("mixed-list", [True, 0.5, 0.5, 0.0], True), ("ones-list", [1.0, 1.0], True),
         ("batch-zeros", np.zeros((2, 4, 4)), True), ("inf44", np.full((4, 4), INF), True),
         ("nonhermitian", np.array([[0.5, 1], [0, 0.5]]), True), ("5d", np.zeros((1, 1, 1, 4, 4)), True)]
VECTOR = [("empty", np.array([]), True), ("neg", [2.0, -1.0, 0.0, 0.0], True), ("unnormalized", [0.5, 0, 0, 0], True),
          ("nan", [NAN, 0.5, 0.25, 0.25], True), ("inf", [INF, 0, 0, 0], True), ("complex", [1j, 0, 0, 0], True),
          ("mixed-list", [True, 0.0, 0.0, 0.0], True), ("matrix", np.eye(4), True), ("scalar", 1.0, True),
          ("str-list", ["1", "0", "0", "0"], True), ("huge", [1e308, 1e308, 0, 0], True)]
OPERATOR = [("empty", np.array([]), True), ("nan22", np.full((2, 2), NAN), True), ("ones22", np.ones((2, 2)), True),
            ("zeros33", np.zeros((3, 3)), True), ("scalar", 1.0, True), ("mixed-list", [[True, 0.5]], True),
            ("inf22", np.full((2, 2), INF), True), ("huge22", np.eye(2) * 1e308, True), ("empty-list", [], True)]
CHANNEL = [("number", 0.5, True), ("kraus-nan", [np.full((2, 2), NAN)], True), ("list", [1, 2], True)]
CHOICE = [("unknown", "bogus", True), ("empty", "", True), ("int", 1, True), ("upper", "BOGUS", True),
          ("list", ["x"], True)]
FLAG = [("two", 2, False), ("str-full", "full", None)]
SWITCH = [("np-bool", np.bool_(True), None), ("one", 1, None), ("zero", 0.0, None), ("str-auto", "auto", None)]
SEED = [("neg", -1, True), ("frac", 1.5, True), ("huge", 2**200, False), ("neg-list", [-1], True),
        ("np-int", np.int64(3), False)]
OBJECT = [("number", 1.0, True), ("list", [1.0], True)]
LENIENT_VALUES = [("int", 1, None)]

HOSTILE = {"real": REAL, "count": COUNT, "index": INDEX, "indices": INDEX_LIST, "state": STATE, "vector": VECTOR,
           "operator": OPERATOR, "channel": CHANNEL, "choice": CHOICE, "flag": FLAG, "switch": SWITCH, "seed": SEED,
           "object": OBJECT, "lenient": LENIENT_VALUES}

def _documents_batched_vector(name, pname):
    """Whether the docstring of ``PUBLIC[name]`` gives ``pname`` the shape ``(..., 4)`` (a batch)."""
    doc = inspect.getdoc(PUBLIC[name]) or ""
    m = re.search(rf"^ *(?:\w+, )*{re.escape(pname)}(?:, \w+)* :(.*)$", doc, re.M)
    return bool(m and BATCHED_VECTOR_DOC.search(m.group(1)))


def must_raise(name, param, kind, label, value, flag):
    """Whether ``value`` for ``param`` can never be valid (the call must raise)."""
    if (name, label) in SHAPE_ONLY or (name, param.name, label) in DOCUMENTED_VALID:
        return False
    if kind == "vector" and label == "matrix" and _documents_batched_vector(name, param.name):
        return False
    if kind == "flag":
        # flags take any truth value (validate_mode); only validate refuses strings other than "full"
        return param.name == "validate" and label in ("str", "bytes") and isinstance(value, str)
    if kind == "lenient":
        return False
    if kind == "switch":
        return label not in ("none", "true", "false", "np-bool")
    if label == "none":
        return not none_allowed(param)
    if kind == "seed" and label in ("true", "false"):
        return True
    if flag is not None:
        return flag
    # decided by the parameter: real values
    pname = param.name
    if kind == "real":
        fval = float(value) if not isinstance(value, int) or abs(value) < 10**300 else (INF if value > 0 else -INF)
        if fval < 0 and NONNEGATIVE.search(pname) and pname not in NEGATIVE_OK:
            return True
        if fval > 1 and PROBABILITY.search(pname) and pname not in ("w",):
            return True
        return False
    if kind == "indices" and label == "repeated":
        return pname in ("targets", "order", "qubits", "keep")
    return False


def cases(name):
    """Every (parameter, label, value, must_raise) of the catalogue for ``PUBLIC[name]``."""
    out = []
    for p in fuzzed_params(name):
        kind = kind_of(name, p)
        for label, value, flag in [*COMMON, *HOSTILE[kind]]:
            out.append((p, label, value, must_raise(name, p, kind, label, value, flag)))
    return out


# ============================================================================ running one call
class CallTimeout(BaseException):
    """Raised by the alarm inside a call that ran over CALL_BUDGET_S."""


def _on_alarm(signum, frame):
    raise CallTimeout


@contextlib.contextmanager
def guarded(budget_s=CALL_BUDGET_S):
    """Alarm after CALL_BUDGET_S, a hard exit after 60 s (a compiled loop ignores the alarm), an address-space cap."""
    old_handler = signal.signal(signal.SIGALRM, _on_alarm)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as f:
        size = int(f.read().split()[0]) * resource.getpagesize()
    cap = size + MEMORY_HEADROOM
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    faulthandler.dump_traceback_later(budget_s + 60, exit=True)
    signal.setitimer(signal.ITIMER_REAL, budget_s)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        signal.signal(signal.SIGALRM, old_handler)


def _numbers(obj, depth=0):
    """Every number in a result (arrays, dataclasses, dicts, sequences, channels), flattened."""
    if depth > 6:
        return
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        yield from _numbers(obj.to_dict(), depth + 1)
    if isinstance(obj, (bool, np.bool_, str, bytes)) or obj is None:
        return
    if isinstance(obj, (int, float, complex, np.number)):
        yield complex(obj) if isinstance(obj, (complex, np.complexfloating)) else float(obj)
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fc":
            yield from obj.ravel()[:10000].tolist()
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _numbers(getattr(obj, f.name), depth + 1)
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v, depth + 1)
    elif isinstance(obj, (list, tuple)):
        for v in obj[:10000]:
            yield from _numbers(v, depth + 1)
    elif hasattr(obj, "kraus"):
        yield from _numbers(np.asarray(obj.kraus), depth + 1)
    elif hasattr(obj, "coefficients"):
        yield from _numbers(np.asarray(obj.coefficients), depth + 1)


def outcome(name, args, kwargs, raise_expected, budget_s=CALL_BUDGET_S):
    """None when the call behaves, else a one-line description of what went wrong."""
    fn = PUBLIC[name]
    try:
        with guarded(budget_s), warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            result = fn(*args, **kwargs)
            numbers = list(_numbers(result))
    except CallTimeout:
        return f"timeout (> {budget_s} s)"
    except QnetError as exc:
        msg = str(exc)
        if not msg.strip():
            return "QnetError with an empty message"
        return None
    except MemoryError as exc:
        return f"MemoryError: {exc}"
    except RecursionError as exc:
        return f"RecursionError: {exc}"
    except Exception as exc:  # noqa: BLE001  (the point: anything but a QnetError is a failure)
        return f"{type(exc).__module__}.{type(exc).__name__}: {str(exc)[:160]}"
    bad = [x for x in numbers if x != x or (isinstance(x, complex) and (x.real != x.real or x.imag != x.imag))]
    if bad:
        return "returned NaN"
    if raise_expected:
        return "accepted (should raise)"
    return None


def call_with(name, param, value):
    args, kwargs = baseline(name)
    if param.kind is param.VAR_POSITIONAL:
        args = (*args[:1], value)
    else:
        kwargs = {**kwargs, param.name: value}
    return args, kwargs


def run_catalogue(name):
    failures = []
    warm = outcome(name, *baseline(name), False, budget_s=50.0)  # the first call may compile kernels
    if warm:
        return [f"{name}(baseline): {warm}"]
    for param, label, value, expected in cases(name):
        args, kwargs = call_with(name, param, value)
        problem = outcome(name, args, kwargs, expected)
        if problem:
            failures.append(f"{name}({param.name}={label}): {problem}")
    return failures


# ============================================================================ tests
NAMES = list(PUBLIC)


@pytest.mark.parametrize("name", NAMES)
def test_baseline_call_succeeds(name):
    args, kwargs = baseline(name)
    assert outcome(name, args, kwargs, False, budget_s=50.0) is None


@pytest.mark.parametrize("name", NAMES)
def test_catalogue(name):
    failures = run_catalogue(name)
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


#: Integers drawn by ``test_generated``: small ones, and the hostile ends (beyond every cap, the int64 and
#: float64 limits). Mid-range counts (1e5 to 1e9 trials, pulses or seeds) are valid workloads that may
#: take longer than CALL_BUDGET_S without hanging; the catalogue's 10**18 covers the caps.
_HUGE = [s * v for v in (2**31, 2**53, 2**63, 2**64, 10**12, 10**15, 10**18, 10**20) for s in (1, -1)]


def _generated_value():
    reals = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-1000, 1000) | st.sampled_from(_HUGE)
    arrays = st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64) | st.booleans(), max_size=6)
    return (reals | arrays | st.lists(arrays, max_size=4) | st.sampled_from([None, "", "x", True, 1j])
            | st.tuples(st.integers(-3, 5), st.integers(-3, 5)))


_WARM = set()
#: Examples per function: half the profile's count (~150 functions; the catalogue covers the fixed values).
GENERATED_EXAMPLES = max(10, settings.default.max_examples // 2)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=GENERATED_EXAMPLES)
@given(data=st.data())
def test_generated(name, data):
    params = fuzzed_params(name)
    if not params:
        return
    if name not in _WARM:  # the first call may compile kernels or import QuTiP: not under the 2 s alarm
        _WARM.add(name)
        assert outcome(name, *baseline(name), False, budget_s=50.0) is None
    param = data.draw(st.sampled_from(params), label="param")
    value = data.draw(_generated_value(), label="value")
    args, kwargs = call_with(name, param, value)
    kind = kind_of(name, param)
    # generated values may well be valid; only the clean-error / no-NaN / no-hang contract is checked,
    # plus: bool and str are never numbers
    expected = kind in ("real", "count") and isinstance(value, (bool, str))
    problem = outcome(name, args, kwargs, expected)
    assert problem is None, f"{name}({param.name}={value!r}): {problem}"
