"""Plain-numpy / dense-engine references for the repeater-chain kernels (written for clarity)."""

from __future__ import annotations

import math

import numpy as np

import qnet_core as qc

PAULI = {0: np.eye(2), 1: np.array([[1, 0], [0, -1]]), 2: np.array([[0, 1], [1, 0]]),
         3: np.array([[0, 1], [1, 0]]) @ np.array([[1, 0], [0, -1]])}  # Bell index k = 2x + z -> X^x Z^z


def memory_kraus(t_s: float, t1_s: float, t2_s: float) -> np.ndarray:
    """Kraus operators of amplitude damping (gamma = 1 - exp(-t/T1)) followed by dephasing
    such that coherences decay as exp(-t/T2) overall; shape (4, 2, 2)."""
    gamma = 0.0 if math.isinf(t1_s) else 1.0 - math.exp(-t_s / t1_s)
    coh = 1.0 if math.isinf(t2_s) else math.exp(-t_s / t2_s)
    lam = min(1.0, coh / math.sqrt(1.0 - gamma)) if gamma < 1 else 0.0
    ad = [np.array([[1, 0], [0, math.sqrt(1 - gamma)]]), np.array([[0, math.sqrt(gamma)], [0, 0]])]
    dp = [math.sqrt((1 + lam) / 2) * np.eye(2), math.sqrt((1 - lam) / 2) * np.diag([1.0, -1.0])]
    return np.array([d @ a for d in dp for a in ad], dtype=np.complex128)


def depolarizing_kraus(t_s: float, t_dep_s: float) -> np.ndarray:
    """rho -> e^{-t/T} rho + (1 - e^{-t/T}) I/2 as Kraus operators (4, 2, 2)."""
    lam = math.exp(-t_s / t_dep_s)
    p = (1 - lam) / 4
    ops = [math.sqrt(1 - 3 * p) * np.eye(2)] + [math.sqrt(p) * PAULI[k] for k in (1, 2, 3)]
    return np.array(ops, dtype=np.complex128)


def swap_branches(rho1: np.ndarray, rho2: np.ndarray):
    """All four Pauli-corrected branches of swapping (a,x1) with (x2,b) on the dense engine.

    Returns (probabilities (4,), corrected normalized states (4, 4, 4)).
    """
    joint = qc.tensor(rho1, rho2)
    m = qc.bell_measure(joint, qubits=(1, 2))
    states = []
    for k in range(4):
        U = np.kron(np.eye(2), PAULI[k])
        states.append(U @ m.states[k] @ U.conj().T)
    return m.probabilities, np.array(states)


def purify_reference(rho1: np.ndarray, rho2: np.ndarray, method: str):
    """One DEJMPS/BBPSSW round on the dense engine: (success probability, normalized kept state)."""
    if method == "bbpssw":
        rho1 = qc.werner(float(qc.fidelity(rho1, qc.bell_ket("phi+"))))
        rho2 = qc.werner(float(qc.fidelity(rho2, qc.bell_ket("phi+"))))
    joint = qc.tensor(rho1, rho2)  # qubits: A1 B1 A2 B2
    if method == "dejmps":
        for q, th in ((0, math.pi / 2), (2, math.pi / 2), (1, -math.pi / 2), (3, -math.pi / 2)):
            joint = qc.apply_unitary(joint, qc.gates.rx(th), (q,))
    joint = qc.apply_unitary(joint, qc.gates.CNOT, (0, 2))
    joint = qc.apply_unitary(joint, qc.gates.CNOT, (1, 3))
    m = qc.measure(joint, (2, 3), normalize=False)
    kept = m.states[0] + m.states[3]
    p = float(np.trace(kept).real)
    return p, kept / p


def dejmps_bd(c):
    """DEJMPS map on Bell coefficients in BELL_NAMES order (phi+, phi-, psi+, psi-).

    Deutsch et al., PRL 77, 2818 (1996), Eq. (8)-(9) with A = phi+, B = psi-, C = psi+, D = phi-.
    """
    A, D, C, B = c
    N = (A + B) ** 2 + (C + D) ** 2
    return N, np.array([(A * A + B * B) / N, 2 * A * B / N, (C * C + D * D) / N, 2 * C * D / N])


def bbpssw_fidelity(F):
    """BBPSSW output fidelity and success probability for Werner inputs (Bennett et al. 1996, Eq. 3)."""
    q = (1 - F) / 3
    N = F * F + 2 * F * q + 5 * q * q
    return N, (F * F + q * q) / N


# ------------------------------------------------------------------ swap-ASAP timeline

class _Link:
    """An end-to-end-so-far link [a, b] and everything that happened inside it."""

    def __init__(self, a, b, events, failures, storage_s, born_a, born_b, seg_delay_s):
        self.a, self.b = a, b
        self.events = events  # (position in segments from node 0, time) of every herald and swap
        self.failures = failures  # (node, time) of every failed swap inside
        self.storage_s = storage_s  # summed memory time of the qubits already measured
        self.born_a, self.born_b = born_a, born_b  # when the two end qubits entered memory
        self.dead = bool(failures)
        self.learns_dead = {end: self._learns_dead(end, seg_delay_s) for end in (a, b)}

    def _learns_dead(self, end, d):
        """When node ``end`` learns that this link is dead (inf while it is alive).

        A failure at node ``y`` concerns ``end``'s qubit only through the outcomes between
        them, so ``end`` knows once every event between itself and ``y`` (``y`` included)
        has reached it; the first failure it can so attribute decides.
        """
        return min((max(t + abs(p - end) * d for p, t in self.events if min(end, y) <= p <= max(end, y))
                    for y, _ in self.failures), default=math.inf)


def swap_asap_trial(n, draw_attempts, draw_uniform, attempt_s, seg_delay_s, herald_delay_s, swap_success_prob=1.0):
    """One swap-ASAP trial (one memory per side, no cutoff), event by event.

    Each segment attempts until success (``draw_attempts()`` attempts of ``attempt_s``); it
    starts again once both of its memories are free. A repeater swaps the moment it holds a
    link on each side that it does not know to be dead; the swap succeeds if
    ``draw_uniform() < swap_success_prob`` (no draw when it is 1) and ``draw_uniform()`` is
    then called once more for the Bell outcome if both links are alive (the outcome does not
    change the timeline). A swap at node ``x`` at time ``t`` becomes known at node ``e`` at
    ``t + |x - e| * seg_delay_s`` (light in fibre, c / n); a herald from the station in the
    middle of segment ``s`` reaches both of its nodes at the herald time. Delivery, as the
    :class:`~protocols.repeaters.repeater_chain.RepeaterChain` docstring defines it, is the first time
    both end nodes know every outcome inside a live end-to-end link.

    A failed swap leaves a dead link; swapping a dead link gives a dead link. A node learns
    that its link is dead once the failure and every outcome between itself and the failed
    node have reached it (:meth:`_Link._learns_dead`); it then frees that memory.

    Draws happen in the order of :func:`protocols.repeaters._kernels._run_range` (channels by
    index at equal times and before any memory release; at a herald on segment ``s`` node
    ``s + 1`` swaps before node ``s``; a swap at ``x`` restarts segment ``x - 1`` before
    segment ``x``; a link's left end is released before its right end), so the kernel's own
    random stream reproduces its trials one by one.

    Returns a dict: ``delivery_s``, ``swaps`` (list of (node, time) inside the delivered
    link), ``causal_bound_s`` (latest swap time plus the light time to the farther end node),
    ``storage_s`` (summed memory time of all qubits of the delivered pair's history, the
    end qubits counted until delivery) and ``failed_swaps`` (number of failed swaps).
    """
    d = seg_delay_s
    gen = [draw_attempts() * attempt_s for _ in range(n)]  # pending herald time or None
    left = [None] * (n + 1)
    right = [None] * (n + 1)
    failed = 0
    # The kernel's link-record numbers (a stack, lowest first): they only order releases due
    # at the same time, as the kernel's timer heap does.
    records = list(range(2 * n + 1, -1, -1))

    def restart(s, now):
        if 0 <= s < n and gen[s] is None and right[s] is None and left[s + 1] is None:
            gen[s] = now + draw_attempts() * attempt_s

    def swap(x, now):
        nonlocal failed
        lk, rk = left[x], right[x]
        ok = swap_success_prob >= 1.0 or draw_uniform() < swap_success_prob
        if ok and not lk.dead and not rk.dead:
            draw_uniform()  # Bell outcome
        failed += not ok
        failures = lk.failures + rk.failures + ([] if ok else [(x, now)])
        new = _Link(lk.a, rk.b, lk.events + rk.events + [(x, now)], failures,
                    lk.storage_s + rk.storage_s + (now - lk.born_b) + (now - rk.born_a), lk.born_a, rk.born_b, d)
        new.record = lk.record
        records.append(rk.record)
        held = False
        if right[lk.a] is lk:  # an end that already freed its memory stays free
            right[lk.a] = new
            held = True
        if left[rk.b] is rk:
            left[rk.b] = new
            held = True
        if not held:
            records.append(new.record)
        left[x] = right[x] = None
        restart(x - 1, now)
        restart(x, now)

    def release(lk, now):
        if right[lk.a] is lk and lk.learns_dead[lk.a] <= now:
            right[lk.a] = None
            restart(lk.a, now)
        if left[lk.b] is lk and lk.learns_dead[lk.b] <= now:
            left[lk.b] = None
            restart(lk.b - 1, now)
        if right[lk.a] is not lk and left[lk.b] is not lk:
            records.append(lk.record)

    def usable(lk, x, now):
        return lk is not None and lk.learns_dead[x] > now

    while True:
        now, s = min(((t, s) for s, t in enumerate(gen) if t is not None), default=(math.inf, -1))
        # the next memory release: (time, record, link) over the ends still holding a dead link
        pending = [(lk.learns_dead[x], lk.record, lk) for x in range(n + 1) for lk in (left[x], right[x])
                   if lk is not None and lk.dead]
        if pending:
            t_rel, _, dying = min(pending, key=lambda trl: trl[:2])
            if t_rel < now:  # heralds go first at equal times
                release(dying, t_rel)
                continue
        gen[s] = None
        born = now - herald_delay_s
        right[s] = left[s + 1] = _Link(s, s + 1, [(s + 0.5, now - d / 2)], [], 0.0, born, born, d)
        right[s].record = records.pop()
        for x in (s + 1, s):
            if 0 < x < n and usable(left[x], x, now) and usable(right[x], x, now):
                swap(x, now)
        e2e = right[0]
        if e2e is not None and e2e.b == n and not e2e.dead:
            know = [max(t + abs(pos - end) * d for pos, t in e2e.events) for end in (0, n)]
            delivery = max(max(know), now)
            swaps = [(x, t) for x, t in e2e.events if x == int(x)]
            bound = max((t + max(x, n - x) * d for x, t in swaps), default=now)
            storage = e2e.storage_s + (delivery - e2e.born_a) + (delivery - e2e.born_b)
            return {"delivery_s": delivery, "swaps": swaps, "causal_bound_s": bound, "storage_s": storage,
                    "failed_swaps": failed}


def swap_asap_reference(chain, trials, seed_key=None, rng=None):
    """Run :func:`swap_asap_trial` for ``trials`` trials of a swap-ASAP ``chain``.

    With ``seed_key`` (a :attr:`ChainResult.seed_key`) trial ``i`` draws from the kernel's
    stream ``(seed_key, i)`` and so has the same link-generation times and swap outcomes as
    the kernel's trial ``i``; with ``rng`` (a numpy Generator) the draws are independent of
    the kernel. Returns arrays ``delivery_s``, ``causal_bound_s``, ``storage_s`` and
    ``failed_swaps`` of shape (trials,).
    """
    from protocols.repeaters import _kernels as K

    assert chain.protocol == "swap-asap" and chain.memories_per_node == 1
    assert chain.cutoff_s is None and chain.purification is None
    link = chain.elementary_link
    p = link.success_probability
    d = chain.segment_length_km / chain.light_speed_km_per_s
    out = {k: np.empty(trials) for k in ("delivery_s", "causal_bound_s", "storage_s", "failed_swaps")}
    st = np.empty(4, dtype=np.uint64)
    log1m = math.log1p(-p) if p < 1 else -math.inf
    for i in range(trials):
        if rng is None:
            K.seed_stream(st, np.uint64(seed_key[0]), np.uint64(seed_key[1]), i)
            draw_attempts = lambda: K.geometric(st, p, log1m)  # noqa: E731
            draw_uniform = lambda: K.uniform(st)  # noqa: E731
        else:
            draw_attempts = lambda: float(rng.geometric(p))  # noqa: E731
            draw_uniform = rng.random
        r = swap_asap_trial(chain.num_segments, draw_attempts, draw_uniform, link.attempt_duration_s, d,
                            link.herald_delay_s, chain.swap_success_prob)
        for k in out:
            out[k][i] = r[k]
    return out
