"""Compiled kernels of the repeater-chain Monte Carlo (private).

Everything here is ``@njit(cache=True)``: plain arrays and scalars in, arrays out, no
Python objects and no exceptions for user errors (the public layer in
:mod:`protocols.repeater_chain` validates everything first).

Layout of one trial (see :func:`simulate_trials`):

* ``N`` segments, nodes ``0..N``; every node has ``m`` memory slots on each side.
  Channel ``(s, j)`` of segment ``s`` generates elementary links into slot ``j`` on the
  right side of node ``s`` and slot ``j`` on the left side of node ``s + 1``.
* A link is a dense 4x4 density matrix (qubit 0 = its left end, the most significant
  bit) valid at time ``tstamp``; memory noise for the time since ``tstamp`` is applied
  lazily just before the link is used.
* What the ends know: ``linfoa[l]`` / ``linfob[l]`` is the time at which the left / right
  end of link ``l`` knows every herald, swap and purification outcome inside it (messages
  travel at ``c / n``, ``seg_delay`` seconds per segment, and are relayed along the chain;
  see :func:`_merge_knowledge`). ``lusea`` / ``luseb`` is when that end may use the link
  (swap-ASAP: at once; nested: once it knows). Delivery is at the later of the two
  knowledge times. A zombie link reuses ``linfoa`` / ``linfob`` as the times its ends
  learn its failure and free their memories.
* Timers live in an indexed binary heap over "entities": the ``N*m`` generation channels
  and the link records. Each entity has at most one pending time, so the heap never
  grows beyond the number of entities.
* Randomness: a xoshiro256** stream per trial, seeded from ``(key0, key1, trial index)``
  through splitmix64, so trial ``i`` is identical however trials are chunked.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# ----------------------------------------------------------------------------- RNG

_U1 = np.uint64(1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SM1 = np.uint64(0xBF58476D1CE4E5B9)
_SM2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S17 = np.uint64(17)
_S45 = np.uint64(45)
_S11 = np.uint64(11)
_S7 = np.uint64(7)
_S57 = np.uint64(57)
_S64_7 = np.uint64(64 - 7)
_S64_45 = np.uint64(64 - 45)
_FIVE = np.uint64(5)
_NINE = np.uint64(9)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True)
def _splitmix_next(x):
    z = x + _GOLDEN
    r = z
    r = (r ^ (r >> _S30)) * _SM1
    r = (r ^ (r >> _S27)) * _SM2
    r = r ^ (r >> _S31)
    return z, r


@njit(cache=True)
def seed_stream(st, key0, key1, index):
    """Fill the 4-word xoshiro256** state ``st`` for trial ``index`` of root key (key0, key1)."""
    x = key0 ^ (np.uint64(index) * _GOLDEN)
    x, r = _splitmix_next(x)
    x = x ^ key1
    for i in range(4):
        x, r = _splitmix_next(x)
        st[i] = r
    if st[0] == 0 and st[1] == 0 and st[2] == 0 and st[3] == 0:
        st[0] = _U1


@njit(cache=True)
def _rotl(x, k, kc):
    return (x << k) | (x >> kc)


@njit(cache=True)
def next_u64(st):
    """xoshiro256** (Blackman & Vigna 2018) step."""
    res = _rotl(st[1] * _FIVE, _S7, _S64_7) * _NINE
    t = st[1] << _S17
    st[2] ^= st[0]
    st[3] ^= st[1]
    st[1] ^= st[2]
    st[0] ^= st[3]
    st[2] ^= t
    st[3] = _rotl(st[3], _S45, _S64_45)
    return res


@njit(cache=True)
def uniform(st):
    """Uniform double in [0, 1)."""
    return float(next_u64(st) >> _S11) * _INV53


@njit(cache=True)
def geometric(st, p, log1m_p):
    """Number of Bernoulli(p) attempts up to and including the first success (>= 1)."""
    if p >= 1.0:
        return 1.0
    u = 1.0 - uniform(st)  # (0, 1]
    return 1.0 + math.floor(math.log(u) / log1m_p)


# ------------------------------------------------------------------- 4x4 physics

@njit(cache=True)
def qubit_channel(rho, q, g_down, g_up, coh):
    """Phase-covariant single-qubit channel on qubit ``q`` (0 = MSB) of a 4x4 state, in place.

    Populations: ``p0' = (1 - g_up) p0 + g_down p1``, ``p1' = (1 - g_down) p1 + g_up p0``;
    coherences of that qubit are multiplied by ``coh``. Amplitude damping + dephasing is
    ``g_up = 0, g_down = gamma, coh = exp(-t/T2)``; depolarizing with survival ``lam`` is
    ``g_up = g_down = (1 - lam)/2, coh = lam``.
    """
    sh = 1 - q
    mask = 1 << sh
    for r in range(4):
        if (r >> sh) & 1:
            continue
        r1 = r | mask
        for c in range(4):
            if (c >> sh) & 1:
                continue
            c1 = c | mask
            a00 = rho[r, c]
            a11 = rho[r1, c1]
            rho[r, c] = (1.0 - g_up) * a00 + g_down * a11
            rho[r1, c1] = (1.0 - g_down) * a11 + g_up * a00
            rho[r, c1] = coh * rho[r, c1]
            rho[r1, c] = coh * rho[r1, c]


@njit(cache=True)
def memory_noise(rho, dt, model, p1, p2):
    """Memory decoherence for ``dt`` seconds on both qubits of ``rho`` (in place).

    ``model`` 0: T1/T2 with ``p1 = 1/T1``, ``p2 = 1/T2`` (rates in 1/s, 0 for infinite
    lifetimes): amplitude damping ``gamma = 1 - exp(-dt/T1)`` then dephasing so that
    coherences decay as ``exp(-dt/T2)``. ``model`` 1: depolarizing with rate ``p1 = 1/T_dep``.
    """
    if dt <= 0.0:
        return
    if model == 0:
        if p1 == 0.0 and p2 == 0.0:
            return
        gamma = -math.expm1(-dt * p1)
        coh = math.exp(-dt * p2)
        qubit_channel(rho, 0, gamma, 0.0, coh)
        qubit_channel(rho, 1, gamma, 0.0, coh)
    else:
        if p1 == 0.0:
            return
        lam = math.exp(-dt * p1)
        g = 0.5 * (1.0 - lam)
        qubit_channel(rho, 0, g, g, lam)
        qubit_channel(rho, 1, g, g, lam)


# Bell states (phi+, phi-, psi+, psi-) as two nonzero entries each: basis index of the
# two measured qubits (first measured qubit = MSB) and the real amplitude.
_BELL_IDX = np.array([[0, 3], [0, 3], [1, 2], [1, 2]], dtype=np.int64)
_R2 = 1.0 / math.sqrt(2.0)
_BELL_AMP = np.array([[_R2, _R2], [_R2, -_R2], [_R2, _R2], [_R2, -_R2]])


@njit(cache=True)
def swap_outcome(rho1, rho2, k, out):
    """Unnormalized state of (a, b) after projecting (x1, x2) onto Bell state ``k``.

    ``rho1`` is the state of (a, x1), ``rho2`` that of (x2, b). No correction applied.
    Returns the outcome probability (the trace).
    """
    for i in range(4):
        for j in range(4):
            out[i, j] = 0.0
    for u in range(2):
        iu = _BELL_IDX[k, u]
        cu = _BELL_AMP[k, u]
        x1 = iu >> 1
        x2 = iu & 1
        for v in range(2):
            iv = _BELL_IDX[k, v]
            cv = _BELL_AMP[k, v]
            y1 = iv >> 1
            y2 = iv & 1
            c = cu * cv
            for a in range(2):
                for a2 in range(2):
                    e1 = rho1[2 * a + x1, 2 * a2 + y1]
                    for b in range(2):
                        for b2 in range(2):
                            out[2 * a + b, 2 * a2 + b2] += c * e1 * rho2[2 * x2 + b, 2 * y2 + b2]
    tr = 0.0
    for i in range(4):
        tr += out[i, i].real
    return tr


@njit(cache=True)
def pauli_on_second(rho, k):
    """Conjugate qubit 1 (LSB) of a 4x4 state by ``X^x Z^z`` with ``k = 2x + z``, in place."""
    x = k >> 1
    z = k & 1
    if z:
        for r in range(4):
            for c in range(4):
                if ((r & 1) ^ (c & 1)) == 1:
                    rho[r, c] = -rho[r, c]
    if x:
        tmp = np.empty((4, 4), dtype=np.complex128)
        for r in range(4):
            for c in range(4):
                tmp[r ^ 1, c ^ 1] = rho[r, c]
        for r in range(4):
            for c in range(4):
                rho[r, c] = tmp[r, c]


@njit(cache=True)
def entanglement_swap(rho1, rho2, out, u):
    """Bell measurement on the inner qubits with Pauli correction; outcome drawn with ``u``.

    Writes the normalized, corrected state of the outer qubits into ``out`` and returns the
    outcome index (0..3 in BELL_NAMES order).
    """
    tmp = np.empty((4, 4), dtype=np.complex128)
    acc = 0.0
    chosen = 3
    for k in range(4):
        p = swap_outcome(rho1, rho2, k, tmp)
        acc += p
        if u < acc:
            chosen = k
            break
    p = swap_outcome(rho1, rho2, chosen, out)
    if p <= 0.0:  # only reachable through round-off; fall back to the last outcome with weight
        for k in range(3, -1, -1):
            p = swap_outcome(rho1, rho2, k, out)
            if p > 0.0:
                chosen = k
                break
    for i in range(4):
        for j in range(4):
            out[i, j] = out[i, j] / p
    pauli_on_second(out, chosen)
    return chosen


@njit(cache=True)
def local_rx_dejmps(rho, out):
    """``(Rx(pi/2) (x) Rx(-pi/2)) rho (...)^dagger`` (Deutsch et al. 1996 rotations)."""
    r2 = 1.0 / math.sqrt(2.0)
    ua = np.empty((2, 2), dtype=np.complex128)
    ub = np.empty((2, 2), dtype=np.complex128)
    ua[0, 0] = r2
    ua[1, 1] = r2
    ua[0, 1] = -1j * r2
    ua[1, 0] = -1j * r2
    ub[0, 0] = r2
    ub[1, 1] = r2
    ub[0, 1] = 1j * r2
    ub[1, 0] = 1j * r2
    u = np.empty((4, 4), dtype=np.complex128)
    for a in range(2):
        for b in range(2):
            for a2 in range(2):
                for b2 in range(2):
                    u[2 * a + b, 2 * a2 + b2] = ua[a, a2] * ub[b, b2]
    tmp = np.zeros((4, 4), dtype=np.complex128)
    for i in range(4):
        for j in range(4):
            s = 0.0j
            for k in range(4):
                s += u[i, k] * rho[k, j]
            tmp[i, j] = s
    for i in range(4):
        for j in range(4):
            s = 0.0j
            for k in range(4):
                s += tmp[i, k] * np.conj(u[j, k])
            out[i, j] = s


@njit(cache=True)
def twirl_to_werner(rho, out):
    """Werner state with the same |phi+> fidelity as ``rho`` (BBPSSW's random bilateral twirl)."""
    f = 0.5 * (rho[0, 0].real + rho[3, 3].real + rho[0, 3].real + rho[3, 0].real)
    q = (1.0 - f) / 3.0
    for i in range(4):
        for j in range(4):
            out[i, j] = 0.0
    # f |phi+><phi+| + q (I - |phi+><phi+|)
    for i in range(4):
        out[i, i] = q
    d = 0.5 * (f - q)
    out[0, 0] += d
    out[3, 3] += d
    out[0, 3] += d
    out[3, 0] += d


@njit(cache=True)
def purify(rho1, rho2, method, out):
    """One recurrence round on two pairs; unnormalized kept state of pair 1 in ``out``.

    ``method`` 0: DEJMPS (local Rx(+-pi/2) rotations), 1: BBPSSW (twirl to Werner). Then
    bilateral CNOT (pair 1 controls, pair 2 target), Z measurement of pair 2, keep if both
    outcomes agree. Returns the success probability.
    """
    a = np.empty((4, 4), dtype=np.complex128)
    b = np.empty((4, 4), dtype=np.complex128)
    if method == 0:
        local_rx_dejmps(rho1, a)
        local_rx_dejmps(rho2, b)
    else:
        twirl_to_werner(rho1, a)
        twirl_to_werner(rho2, b)
    # out[(a1 b1),(a1' b1')] = sum_m a[..] * b[(m^a1, m^b1), (m^a1', m^b1')]
    for r in range(4):
        a1 = r >> 1
        b1 = r & 1
        for c in range(4):
            a1p = c >> 1
            b1p = c & 1
            s = 0.0j
            for mm in range(2):
                rr = 2 * (mm ^ a1) + (mm ^ b1)
                cc = 2 * (mm ^ a1p) + (mm ^ b1p)
                s += b[rr, cc]
            out[r, c] = a[r, c] * s
    tr = 0.0
    for i in range(4):
        tr += out[i, i].real
    return tr


@njit(cache=True)
def fidelity_phi_plus(rho):
    """<phi+| rho |phi+>."""
    return 0.5 * (rho[0, 0].real + rho[3, 3].real + rho[0, 3].real + rho[3, 0].real)


# ------------------------------------------------------------------ indexed heap

@njit(cache=True)
def _hswap(heap, pos, i, j):
    ei = heap[i]
    ej = heap[j]
    heap[i] = ej
    heap[j] = ei
    pos[ej] = i
    pos[ei] = j


@njit(cache=True)
def _hless(tm, heap, i, j):
    ti = tm[heap[i]]
    tj = tm[heap[j]]
    if ti < tj:
        return True
    if ti > tj:
        return False
    return heap[i] < heap[j]


@njit(cache=True)
def _sift_up(tm, heap, pos, i):
    while i > 0:
        p = (i - 1) >> 1
        if _hless(tm, heap, i, p):
            _hswap(heap, pos, i, p)
            i = p
        else:
            break


@njit(cache=True)
def _sift_down(tm, heap, pos, i, n):
    while True:
        l = 2 * i + 1
        if l >= n:
            break
        c = l
        r = l + 1
        if r < n and _hless(tm, heap, r, l):
            c = r
        if _hless(tm, heap, c, i):
            _hswap(heap, pos, i, c)
            i = c
        else:
            break


@njit(cache=True)
def heap_set(tm, heap, pos, hsize, e, t):
    """Insert entity ``e`` with time ``t`` or move it; returns the new heap size."""
    if pos[e] < 0:
        n = hsize[0]
        heap[n] = e
        pos[e] = n
        tm[e] = t
        hsize[0] = n + 1
        _sift_up(tm, heap, pos, n)
    else:
        old = tm[e]
        tm[e] = t
        i = pos[e]
        if t < old:
            _sift_up(tm, heap, pos, i)
        else:
            _sift_down(tm, heap, pos, i, hsize[0])


@njit(cache=True)
def heap_remove(tm, heap, pos, hsize, e):
    i = pos[e]
    if i < 0:
        return
    n = hsize[0] - 1
    if i != n:
        _hswap(heap, pos, i, n)
        hsize[0] = n
        pos[e] = -1
        _sift_down(tm, heap, pos, i, n)
        _sift_up(tm, heap, pos, i)
    else:
        hsize[0] = n
        pos[e] = -1


# ------------------------------------------------------------------- one trial

# link status
_FREE = 0
_ALIVE = 1
_ZOMBIE = 2  # consumed / failed; holds memories until the ends learn it
# slot contents
_SLOT_FREE = -1
_SLOT_RESERVED = -2

_INF = np.inf


@njit(cache=True)
def _lowbit(x):
    return x & (-x)


@njit(cache=True)
def _log2int(x):
    k = 0
    while (1 << (k + 1)) <= x:
        k += 1
    return k


@njit(cache=True)
def _need_rounds(span, nested, need):
    if nested:
        k = _log2int(span)
        if k < need.shape[0]:
            return need[k]
        return 0
    if span == 1:
        return need[0]
    return 0


@njit(cache=True)
def _ready_link(slots, x, m, lstatus, la, lb, lrounds, luse, now, nested, sp, need):
    """First alive link in node x's memory slots that is purified enough and usable at ``now``.

    ``slots`` is the node's left or right slot table and ``luse`` the matching time from
    which that end of a link may be used (-1 if none is ready).
    """
    for j in range(m):
        lk = slots[x, j]
        if lk < 0 or lstatus[lk] != _ALIVE:
            continue
        span = lb[lk] - la[lk]
        if nested and span != sp:
            continue
        if lrounds[lk] < _need_rounds(span, nested, need) or luse[lk] > now:
            continue
        return lk
    return -1


@njit(cache=True)
def run_trial(st, N, m, nested, p_gen, t_att, herald_delay, link_state, mem_model, rate1, rate2,
              cutoff, p_swap, pur_method, need, seg_delay, max_time,
              slotL, slotR, la, lb, lja, ljb, lstate, ltst, lbirth, lusea, luseb, linfoa, linfob,
              lrounds, lstatus, free_links, tm, heap, pos, work, inwork, out_state):
    """Simulate one trial until the first end-to-end pair; return (status, delivery time).

    status 0: delivered (``out_state`` holds the state at delivery); 1: ``max_time``
    reached; 2: deadlock (no pending event; too few memories for the purification scheme).
    """
    C = N * m
    L = la.shape[0]
    E = C + L
    log1m = math.log1p(-p_gen) if p_gen < 1.0 else -_INF
    has_cut = cutoff < _INF
    for x in range(N + 1):
        for j in range(m):
            slotL[x, j] = _SLOT_FREE
            slotR[x, j] = _SLOT_FREE
        inwork[x] = False
    for e in range(E):
        pos[e] = -1
        tm[e] = _INF
    hsize = np.zeros(1, dtype=np.int64)
    nfree = 0
    for l in range(L - 1, -1, -1):
        lstatus[l] = _FREE
        free_links[nfree] = l
        nfree += 1
    tmp = np.empty((4, 4), dtype=np.complex128)
    tmp2 = np.empty((4, 4), dtype=np.complex128)
    nwork = 0
    now = 0.0
    # start all channels
    for s in range(N):
        for j in range(m):
            slotR[s, j] = _SLOT_RESERVED
            slotL[s + 1, j] = _SLOT_RESERVED
            heap_set(tm, heap, pos, hsize, s * m + j, now + geometric(st, p_gen, log1m) * t_att)
    while True:
        if hsize[0] == 0:
            return 2, _INF
        e = heap[0]
        now = tm[e]
        if now > max_time:
            return 1, _INF
        heap_remove(tm, heap, pos, hsize, e)
        if e < C:
            # ---- elementary link heralded on channel e
            s = e // m
            j = e - s * m
            nfree -= 1
            l = free_links[nfree]
            lstatus[l] = _ALIVE
            la[l] = s
            lb[l] = s + 1
            lja[l] = j
            ljb[l] = j
            for r in range(4):
                for c in range(4):
                    lstate[l, r, c] = link_state[r, c]
            ltst[l] = now - herald_delay
            lbirth[l] = now
            lusea[l] = now
            luseb[l] = now
            linfoa[l] = now
            linfob[l] = now
            lrounds[l] = 0
            slotR[s, j] = l
            slotL[s + 1, j] = l
            if has_cut:
                heap_set(tm, heap, pos, hsize, C + l, lbirth[l] + cutoff)
            # a single-segment chain: the link itself may be final
            for x in (s, s + 1):
                if not inwork[x]:
                    inwork[x] = True
                    work[nwork] = x
                    nwork += 1
        else:
            l = e - C
            if lstatus[l] == _ALIVE:
                if has_cut and lbirth[l] + cutoff <= now:
                    # cutoff: discard at both ends, free memories, regenerate
                    a = la[l]
                    b = lb[l]
                    slotR[a, lja[l]] = _SLOT_FREE
                    slotL[b, ljb[l]] = _SLOT_FREE
                    lstatus[l] = _FREE
                    free_links[nfree] = l
                    nfree += 1
                    if a < N and slotL[a + 1, lja[l]] == _SLOT_FREE:
                        slotR[a, lja[l]] = _SLOT_RESERVED
                        slotL[a + 1, lja[l]] = _SLOT_RESERVED
                        heap_set(tm, heap, pos, hsize, a * m + lja[l], now + geometric(st, p_gen, log1m) * t_att)
                    if b > 0 and slotR[b - 1, ljb[l]] == _SLOT_FREE:
                        slotR[b - 1, ljb[l]] = _SLOT_RESERVED
                        slotL[b, ljb[l]] = _SLOT_RESERVED
                        heap_set(tm, heap, pos, hsize, (b - 1) * m + ljb[l],
                                 now + geometric(st, p_gen, log1m) * t_att)
                else:
                    for x in (la[l], lb[l]):
                        if not inwork[x]:
                            inwork[x] = True
                            work[nwork] = x
                            nwork += 1
                    _reschedule(l, now, has_cut, cutoff, C, tm, heap, pos, hsize, lbirth, lusea, luseb,
                                linfoa, linfob)
            elif lstatus[l] == _ZOMBIE:
                # release the ends whose release time has come (stored in linfoa / linfob)
                nxt = _INF
                a = la[l]
                b = lb[l]
                if a >= 0:
                    if linfoa[l] <= now:
                        slotR[a, lja[l]] = _SLOT_FREE
                        la[l] = -1
                        if a < N and slotL[a + 1, lja[l]] == _SLOT_FREE:
                            slotR[a, lja[l]] = _SLOT_RESERVED
                            slotL[a + 1, lja[l]] = _SLOT_RESERVED
                            heap_set(tm, heap, pos, hsize, a * m + lja[l],
                                     now + geometric(st, p_gen, log1m) * t_att)
                    else:
                        nxt = min(nxt, linfoa[l])
                if b >= 0:
                    if linfob[l] <= now:
                        slotL[b, ljb[l]] = _SLOT_FREE
                        lb[l] = -1
                        if b > 0 and slotR[b - 1, ljb[l]] == _SLOT_FREE:
                            slotR[b - 1, ljb[l]] = _SLOT_RESERVED
                            slotL[b, ljb[l]] = _SLOT_RESERVED
                            heap_set(tm, heap, pos, hsize, (b - 1) * m + ljb[l],
                                     now + geometric(st, p_gen, log1m) * t_att)
                    else:
                        nxt = min(nxt, linfob[l])
                if nxt < _INF:
                    heap_set(tm, heap, pos, hsize, C + l, nxt)
                else:
                    lstatus[l] = _FREE
                    free_links[nfree] = l
                    nfree += 1
        # ---- process nodes whose links changed
        while nwork > 0:
            nwork -= 1
            x = work[nwork]
            inwork[x] = False
            changed = True
            while changed:
                changed = False
                # (1) end-to-end delivery check, purification with x as the left end
                for j1 in range(m):
                    l1 = slotR[x, j1]
                    if l1 < 0 or lstatus[l1] != _ALIVE:
                        continue
                    span = lb[l1] - la[l1]
                    nr = _need_rounds(span, nested, need)
                    if lrounds[l1] >= nr:
                        if x == 0 and lb[l1] == N:
                            tdel = max(linfoa[l1], linfob[l1])
                            tdel = max(tdel, now)
                            for r in range(4):
                                for c in range(4):
                                    out_state[r, c] = lstate[l1, r, c]
                            memory_noise(out_state, tdel - ltst[l1], mem_model, rate1, rate2)
                            return 0, tdel
                        continue
                    if max(linfoa[l1], linfob[l1]) > now:
                        continue
                    for j2 in range(j1 + 1, m):
                        l2 = slotR[x, j2]
                        if l2 < 0 or lstatus[l2] != _ALIVE:
                            continue
                        if lb[l2] != lb[l1] or lrounds[l2] != lrounds[l1]:
                            continue
                        if max(linfoa[l2], linfob[l2]) > now:
                            continue
                        # purify l1 with l2 (l2 is measured and freed)
                        memory_noise(lstate[l1], now - ltst[l1], mem_model, rate1, rate2)
                        ltst[l1] = now
                        memory_noise(lstate[l2], now - ltst[l2], mem_model, rate1, rate2)
                        ltst[l2] = now
                        ps = purify(lstate[l1], lstate[l2], pur_method, tmp)
                        a = la[l1]
                        b = lb[l1]
                        tknow = now + seg_delay * (b - a)
                        lbirth[l1] = min(lbirth[l1], lbirth[l2])
                        # free l2's memories now (measured locally)
                        heap_remove(tm, heap, pos, hsize, C + l2)
                        ja2 = lja[l2]
                        jb2 = ljb[l2]
                        lstatus[l2] = _FREE
                        free_links[nfree] = l2
                        nfree += 1
                        slotR[a, ja2] = _SLOT_FREE
                        slotL[b, jb2] = _SLOT_FREE
                        if a < N and slotL[a + 1, ja2] == _SLOT_FREE:
                            slotR[a, ja2] = _SLOT_RESERVED
                            slotL[a + 1, ja2] = _SLOT_RESERVED
                            heap_set(tm, heap, pos, hsize, a * m + ja2, now + geometric(st, p_gen, log1m) * t_att)
                        if b > 0 and slotR[b - 1, jb2] == _SLOT_FREE:
                            slotR[b - 1, jb2] = _SLOT_RESERVED
                            slotL[b, jb2] = _SLOT_RESERVED
                            heap_set(tm, heap, pos, hsize, (b - 1) * m + jb2,
                                     now + geometric(st, p_gen, log1m) * t_att)
                        if uniform(st) < ps:
                            for r in range(4):
                                for c in range(4):
                                    lstate[l1, r, c] = tmp[r, c] / ps
                            lrounds[l1] += 1
                            lusea[l1] = tknow
                            luseb[l1] = tknow
                            linfoa[l1] = tknow
                            linfob[l1] = tknow
                            _reschedule(l1, now, has_cut, cutoff, C, tm, heap, pos, hsize, lbirth, lusea,
                                        luseb, linfoa, linfob)
                        else:
                            lstatus[l1] = _ZOMBIE
                            linfoa[l1] = tknow
                            linfob[l1] = tknow
                            heap_set(tm, heap, pos, hsize, C + l1, tknow)
                        if not inwork[b]:
                            inwork[b] = True
                            work[nwork] = b
                            nwork += 1
                        changed = True
                        break
                    if changed:
                        break
                if changed or x == 0 or x == N:
                    continue
                # (2) entanglement swap at x
                sp = _lowbit(x)
                lleft = _ready_link(slotL, x, m, lstatus, la, lb, lrounds, luseb, now, nested, sp, need)
                if lleft < 0:
                    continue
                lright = _ready_link(slotR, x, m, lstatus, la, lb, lrounds, lusea, now, nested, sp, need)
                if lright < 0:
                    continue
                a = la[lleft]
                b = lb[lright]
                memory_noise(lstate[lleft], now - ltst[lleft], mem_model, rate1, rate2)
                memory_noise(lstate[lright], now - ltst[lright], mem_model, rate1, rate2)
                heap_remove(tm, heap, pos, hsize, C + lleft)
                heap_remove(tm, heap, pos, hsize, C + lright)
                jx_l = ljb[lleft]
                jx_r = lja[lright]
                # the new link reuses record lleft; lright is freed
                ok = p_swap >= 1.0 or uniform(st) < p_swap
                ta = now + seg_delay * (x - a)
                tb = now + seg_delay * (b - x)
                if ok:
                    entanglement_swap(lstate[lleft], lstate[lright], tmp2, uniform(st))
                    for r in range(4):
                        for c in range(4):
                            lstate[lleft, r, c] = tmp2[r, c]
                    ltst[lleft] = now
                    lbirth[lleft] = min(lbirth[lleft], lbirth[lright])
                    _merge_knowledge(lleft, lright, a, x, b, now, seg_delay, linfoa, linfob)
                    if nested:
                        lusea[lleft] = linfoa[lleft]
                        luseb[lleft] = linfob[lleft]
                    else:
                        lusea[lleft] = now
                        luseb[lleft] = now
                    lrounds[lleft] = 0
                    lstatus[lleft] = _ALIVE
                else:
                    lstatus[lleft] = _ZOMBIE
                    linfoa[lleft] = ta
                    linfob[lleft] = tb
                lb[lleft] = b
                ljb[lleft] = ljb[lright]
                slotL[b, ljb[lright]] = lleft
                lstatus[lright] = _FREE
                free_links[nfree] = lright
                nfree += 1
                slotL[x, jx_l] = _SLOT_FREE
                slotR[x, jx_r] = _SLOT_FREE
                if slotR[x - 1, jx_l] == _SLOT_FREE:
                    slotR[x - 1, jx_l] = _SLOT_RESERVED
                    slotL[x, jx_l] = _SLOT_RESERVED
                    heap_set(tm, heap, pos, hsize, (x - 1) * m + jx_l, now + geometric(st, p_gen, log1m) * t_att)
                if slotL[x + 1, jx_r] == _SLOT_FREE:
                    slotR[x, jx_r] = _SLOT_RESERVED
                    slotL[x + 1, jx_r] = _SLOT_RESERVED
                    heap_set(tm, heap, pos, hsize, x * m + jx_r, now + geometric(st, p_gen, log1m) * t_att)
                if ok:
                    _reschedule(lleft, now, has_cut, cutoff, C, tm, heap, pos, hsize, lbirth, lusea, luseb,
                                linfoa, linfob)
                else:
                    heap_set(tm, heap, pos, hsize, C + lleft, min(ta, tb))
                for y in (a, b, x):
                    if not inwork[y]:
                        inwork[y] = True
                        work[nwork] = y
                        nwork += 1
                changed = True


@njit(cache=True)
def _merge_knowledge(lleft, lright, a, x, b, now, seg_delay, linfoa, linfob):
    """Knowledge times of the link made at ``now`` by swapping ``lleft`` (a..x) with ``lright`` (x..b).

    ``linfoa[l]`` / ``linfob[l]`` is the time at which the left / right end of link ``l``
    knows every outcome inside it. Messages travel at ``c / n`` along the chain, so what
    node ``x`` knows at time ``t`` reaches end ``a`` at ``t + (x - a) seg_delay``. End ``a``
    of the new link therefore knows everything once it knows the outcomes inside ``lleft``,
    has heard the swap at ``x`` and has heard, relayed past ``x``, the outcomes inside
    ``lright`` (known at ``x`` at ``linfoa[lright]``, which swap-ASAP may place after
    ``now``); end ``b`` likewise. The new link's times are written into record ``lleft``.
    """
    info_a = max(linfoa[lleft], max(now, linfoa[lright]) + seg_delay * (x - a))
    info_b = max(linfob[lright], max(now, linfob[lleft]) + seg_delay * (b - x))
    linfoa[lleft] = info_a
    linfob[lleft] = info_b


@njit(cache=True)
def _reschedule(l, now, has_cut, cutoff, C, tm, heap, pos, hsize, lbirth, lusea, luseb, linfoa, linfob):
    """Set link ``l``'s timer to its next pending time (cutoff or an end learning something)."""
    nxt = _INF
    if has_cut:
        nxt = lbirth[l] + cutoff
    for t in (lusea[l], luseb[l], linfoa[l], linfob[l]):
        if t > now and t < nxt:
            nxt = t
    if nxt < _INF:
        heap_set(tm, heap, pos, hsize, C + l, nxt)
    else:
        heap_remove(tm, heap, pos, hsize, C + l)


@njit(cache=True)
def _run_range(lo, hi, key0, key1, first_index, N, m, nested, p_gen, t_att, herald_delay, link_state,
               mem_model, rate1, rate2, cutoff, p_swap, pur_method, need, seg_delay, max_time,
               times, states, status):
    L = 2 * N * m + 2
    C = N * m
    E = C + L
    slotL = np.empty((N + 1, m), dtype=np.int64)
    slotR = np.empty((N + 1, m), dtype=np.int64)
    la = np.empty(L, dtype=np.int64)
    lb = np.empty(L, dtype=np.int64)
    lja = np.empty(L, dtype=np.int64)
    ljb = np.empty(L, dtype=np.int64)
    lstate = np.empty((L, 4, 4), dtype=np.complex128)
    ltst = np.empty(L)
    lbirth = np.empty(L)
    lusea = np.empty(L)
    luseb = np.empty(L)
    linfoa = np.empty(L)
    linfob = np.empty(L)
    lrounds = np.empty(L, dtype=np.int64)
    lstatus = np.empty(L, dtype=np.int64)
    free_links = np.empty(L, dtype=np.int64)
    tm = np.empty(E)
    heap = np.empty(E, dtype=np.int64)
    pos = np.empty(E, dtype=np.int64)
    work = np.empty(N + 1, dtype=np.int64)
    inwork = np.empty(N + 1, dtype=np.bool_)
    st = np.empty(4, dtype=np.uint64)
    out = np.empty((4, 4), dtype=np.complex128)
    for i in range(lo, hi):
        seed_stream(st, key0, key1, first_index + i)
        code, t = run_trial(st, N, m, nested, p_gen, t_att, herald_delay, link_state, mem_model, rate1, rate2,
                            cutoff, p_swap, pur_method, need, seg_delay, max_time,
                            slotL, slotR, la, lb, lja, ljb, lstate, ltst, lbirth, lusea, luseb, linfoa,
                            linfob, lrounds, lstatus, free_links, tm, heap, pos, work, inwork, out)
        status[i] = code
        times[i] = t
        for r in range(4):
            for c in range(4):
                states[i, r, c] = out[r, c] if code == 0 else 0.0j


@njit(cache=True, parallel=True)
def simulate_trials(n, nchunks, key0, key1, first_index, N, m, nested, p_gen, t_att, herald_delay, link_state,
                    mem_model, rate1, rate2, cutoff, p_swap, pur_method, need, seg_delay, max_time):
    """Run ``n`` independent trials (indices ``first_index + i``) split into ``nchunks`` parallel chunks.

    Returns ``(times (n,), states (n, 4, 4), status (n,))``; see :func:`run_trial`.
    """
    times = np.empty(n)
    states = np.empty((n, 4, 4), dtype=np.complex128)
    status = np.empty(n, dtype=np.int64)
    for c in prange(nchunks):
        lo = (c * n) // nchunks
        hi = ((c + 1) * n) // nchunks
        _run_range(lo, hi, key0, key1, first_index, N, m, nested, p_gen, t_att, herald_delay, link_state,
                   mem_model, rate1, rate2, cutoff, p_swap, pur_method, need, seg_delay, max_time,
                   times, states, status)
    return times, states, status
