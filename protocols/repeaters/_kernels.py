"""Compiled kernels of the repeater-chain Monte Carlo (private).

Every kernel is compiled by :func:`qnet_core._jit.jit` (cached, numpy error model, no GIL):
plain arrays and scalars in, arrays out, no Python objects and no exceptions for user
errors. The public layer (:mod:`protocols.repeaters.repeater_chain`) validates everything and passes
every scalar with a fixed type (``float``, ``np.int64``, ``np.uint64``, ``bool``), so each
kernel is compiled for one signature only, except :func:`_run_range`, whose purification
method is ``None`` for chains that do not purify: numba then prunes the purification
branch, and such chains never compile it. The 4x4 physics is :mod:`qnet_core._pair`'s.

Layout of one trial (see :func:`_run_range`):

* ``N`` segments, nodes ``0..N``; every node has ``m`` memories on each side.
  ``slots[x, side, j]`` (side ``_LEFT`` or ``_RIGHT``) holds the link record stored in
  memory ``j`` of that side, ``_SLOT_FREE``, or ``_SLOT_RESERVED`` (its channel is
  attempting). Channel ``s * m + j`` of segment ``s`` generates elementary links into
  memory ``j`` on the right of node ``s`` and memory ``j`` on the left of node ``s + 1``.
* A link record ``l`` has two ends: ``e = 0`` (left end, node ``a``, in a right memory of
  ``a``) and ``e = 1`` (right end, node ``b``, in a left memory of ``b``). Integer fields
  ``li[l, f]``: ``_NODE + e`` and ``_SLOT + e`` (node and memory index of end ``e``),
  ``_HOLD`` (bit ``e`` set while end ``e`` still holds its memory), ``_ROUNDS``
  (purification rounds done) and ``_STATUS``. Float fields ``lf[l, f]``: ``_TSTAMP`` (the
  time at which ``lstate[l]``, a dense 4x4 state with qubit 0 = left end = most
  significant bit, is valid; memory noise for the time since is applied lazily, just
  before use), ``_BIRTH`` (heralding time of its oldest elementary link, for the cutoff)
  and, per end, ``_USE + e`` (when that end may use the link: swap-ASAP at once, nested
  once it knows), ``_INFO + e`` (when that end knows every herald, swap and purification
  outcome inside; messages travel at ``c / n``, ``seg_delay`` seconds per segment, and
  are relayed along the chain) and ``_DEAD_AT + e`` (when that end learns that the link
  is dead; ``inf`` while it is alive). See :func:`_merge_times`. Delivery is at the later of
  the two ``_INFO`` times.
* Dead links: a failed swap or purification leaves a *dead* link (``_DEAD`` status) whose
  state is meaningless. Until end ``e`` learns so (``lf[l, _DEAD_AT + e]``) it treats the
  link like any other (it may swap it, and the result is dead too); then it frees its
  memory. A record is freed when neither end holds a memory.
* Timers live in an indexed binary heap over "entities": the ``N * m`` generation
  channels, then the link records. Each entity has at most one pending time, so the heap
  never grows beyond the number of entities; equal times pop in entity order.
* Randomness: a xoshiro256** stream per trial, seeded from ``(key0, key1, trial index)``
  through splitmix64, so trial ``i`` is identical however trials are chunked.
"""

from __future__ import annotations

import math

import numpy as np

from qnet_core._jit import jit
from qnet_core._pair import _copy_4x4, _memory_4x4, _purify_4x4, _scale_4x4, _swap_sample_4x4

#: Decorator of the helpers that only other kernels call: no CPython or cfunc wrapper to
#: build (about a third of a small kernel's compile time).
_private = jit(internal=True)
#: Decorator of the event handlers that :func:`_run_range` calls from one place only: numba
#: inlines them into it (its IR, before typing), which saves each a compile pipeline, a
#: linked copy and the passing of a dozen arrays; helpers called from several places stay
#: separate kernels (inlining those, or more code into the main loop, costs more than it saves).
_inlined = jit(internal=True, inline="always")

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
_S64_7 = np.uint64(64 - 7)
_S64_45 = np.uint64(64 - 45)
_FIVE = np.uint64(5)
_NINE = np.uint64(9)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@jit
def seed_stream(st, key0, key1, index):
    """Fill the 4-word xoshiro256** state ``st`` for trial ``index`` of root key (key0, key1).

    splitmix64 (Steele, Lea & Flood 2014) from ``key0 ^ index * golden``; its first output
    is skipped and ``key1`` mixed into the counter, the next four are the state.
    """
    x = key0 ^ (np.uint64(index) * _GOLDEN)
    for i in range(5):
        x = x + _GOLDEN
        r = (x ^ (x >> _S30)) * _SM1
        r = (r ^ (r >> _S27)) * _SM2
        r = r ^ (r >> _S31)
        if i == 0:
            x = x ^ key1
        else:
            st[i - 1] = r
    if st[0] == 0 and st[1] == 0 and st[2] == 0 and st[3] == 0:
        st[0] = _U1


@jit
def uniform(st):
    """Uniform double in [0, 1) from one xoshiro256** step (Blackman & Vigna 2018)."""
    s1 = st[1] * _FIVE
    res = ((s1 << _S7) | (s1 >> _S64_7)) * _NINE
    t = st[1] << _S17
    st[2] ^= st[0]
    st[3] ^= st[1]
    st[1] ^= st[2]
    st[0] ^= st[3]
    st[2] ^= t
    st[3] = (st[3] << _S45) | (st[3] >> _S64_45)
    return float(res >> _S11) * _INV53


@jit
def geometric(st, p, log1m_p):
    """Number of Bernoulli(p) attempts up to and including the first success (>= 1)."""
    if p >= 1.0:
        return 1.0
    u = 1.0 - uniform(st)  # (0, 1]
    return 1.0 + math.floor(math.log(u) / log1m_p)


# ------------------------------------------------------------------ indexed heap

# counters of one trial, ``cnt[...]``: heap size, free link records, nodes in the work list
_HEAP = 0
_NFREE = 1
_NWORK = 2


@_private
def _sift(tm, heap, pos, i, n):
    """Move the entity at heap position ``i`` up, then down, to its place; ties pop in entity order."""
    e = heap[i]
    t = tm[e]
    while i > 0:
        p = (i - 1) >> 1
        q = heap[p]
        if tm[q] < t or (tm[q] == t and q < e):
            break
        heap[i] = q
        pos[q] = i
        i = p
    while True:
        c = 2 * i + 1
        if c >= n:
            break
        q = heap[c]
        if c + 1 < n:
            r = heap[c + 1]
            if tm[r] < tm[q] or (tm[r] == tm[q] and r < q):
                c += 1
                q = r
        if t < tm[q] or (t == tm[q] and e < q):
            break
        heap[i] = q
        pos[q] = i
        i = c
    heap[i] = e
    pos[e] = i


@_private
def _heap_set(tm, heap, pos, cnt, e, t):
    """Give entity ``e`` the pending time ``t`` (insert it or move it)."""
    i = pos[e]
    if i < 0:
        i = cnt[_HEAP]
        cnt[_HEAP] = i + 1
        heap[i] = e
    tm[e] = t
    _sift(tm, heap, pos, i, cnt[_HEAP])


@_private
def _heap_remove(tm, heap, pos, cnt, e):
    """Cancel entity ``e``'s pending time, if any."""
    i = pos[e]
    if i < 0:
        return
    n = cnt[_HEAP] - 1
    cnt[_HEAP] = n
    pos[e] = -1
    if i != n:
        heap[i] = heap[n]
        _sift(tm, heap, pos, i, n)


# ------------------------------------------------------------------- one trial

# memory sides of a node (``slots[x, side, j]``); end e of a link sits in side ``1 - e``
_LEFT = 0
_RIGHT = 1
_SLOT_FREE = -1
_SLOT_RESERVED = -2
# link status
_FREE = 0
_ALIVE = 1
_DEAD = 2  # a swap or purification inside it failed; each end frees its memory once it learns so
# integer fields li[l, f] (per end: f + e)
_NODE = 0
_SLOT = 2
_HOLD = 4
_ROUNDS = 5
_STATUS = 6
_NI = 7
# float fields lf[l, f] (per end: f + e)
_TSTAMP = 0
_BIRTH = 1
_USE = 2
_INFO = 4
_DEAD_AT = 6
_NF = 8

_INF = np.inf


@_private
def _push(x, work, inwork, cnt):
    """Queue node ``x`` for processing (once)."""
    if not inwork[x]:
        inwork[x] = True
        work[cnt[_NWORK]] = x
        cnt[_NWORK] += 1


@_private
def _free_memory(x, y, j, now, N, m, slots, st, p_gen, log1m, t_att, tm, heap, pos, cnt):
    """Free memory ``j`` of node ``x`` on the side facing node ``y = x +- 1``; the segment's
    channel restarts once the memory at its other end is free too (attempts drawn now)."""
    side = _RIGHT if y > x else _LEFT
    slots[x, side, j] = _SLOT_FREE
    if 0 <= y <= N and slots[y, 1 - side, j] == _SLOT_FREE:
        slots[x, side, j] = _SLOT_RESERVED
        slots[y, 1 - side, j] = _SLOT_RESERVED
        _heap_set(tm, heap, pos, cnt, min(x, y) * m + j, now + geometric(st, p_gen, log1m) * t_att)


@_private
def _free_record(l, C, li, free_links, tm, heap, pos, cnt):
    """Return link record ``l`` to the free list and cancel its timer."""
    _heap_remove(tm, heap, pos, cnt, C + l)
    li[l, _STATUS] = _FREE
    free_links[cnt[_NFREE]] = l
    cnt[_NFREE] += 1


@_private
def _need_rounds(span, nested, need):
    """Purification rounds a link spanning ``span`` segments needs (``need[level]``)."""
    if nested:
        k = 0
        while (2 << k) <= span:
            k += 1
        return need[k] if k < need.shape[0] else 0
    return need[0] if span == 1 else 0


@_private
def _ready_link(slots, x, y, m, li, lf, now, nested, sp, need):
    """First link in node x's memories facing node ``y = x +- 1`` that x may swap at ``now`` (-1 if none).

    The end at ``x`` must be allowed to use it and must not know it to be dead yet: a dead
    link whose news has not reached ``x`` looks like any other to ``x``.
    """
    side = _RIGHT if y > x else _LEFT
    e = 1 - side
    for j in range(m):
        l = slots[x, side, j]
        if l < 0 or lf[l, _USE + e] > now or lf[l, _DEAD_AT + e] <= now:
            continue
        span = li[l, _NODE + 1] - li[l, _NODE]
        if (nested and span != sp) or li[l, _ROUNDS] < _need_rounds(span, nested, need):
            continue
        return l
    return -1


@jit
def _merge_times(lleft, lright, x, now, ok, seg_delay, li, lf):
    """Knowledge and death times of the link made at ``now`` by swapping ``lleft`` (a..x) with ``lright`` (x..b).

    Messages travel at ``c / n`` along the chain, so what node ``x`` knows at time ``t``
    reaches end ``a`` at ``t + (x - a) seg_delay``.

    Knowledge (``_INFO``): end ``a`` knows every outcome inside the new link once it knows
    those inside ``lleft``, has heard the swap at ``x`` and has heard, relayed past ``x``,
    the outcomes inside ``lright`` (known at ``x`` at ``lright``'s left ``_INFO``, which
    swap-ASAP may place after ``now``); end ``b`` likewise.

    Death (``_DEAD_AT``): an end learns of a failure at node ``y`` once it has heard the
    failure and every outcome between itself and ``y`` (the swaps that tie its qubit to
    ``y``). For end ``a``: a failure inside ``lleft`` as before; one inside ``lright``,
    known at ``x`` at ``lright``'s left ``_DEAD_AT``, once ``a`` also knows ``lleft`` and the
    swap; a failed swap at ``x`` (``ok`` false) once ``a`` knows ``lleft`` and the swap. End
    ``b`` likewise. The new link's times are written into record ``lleft``.
    """
    a = li[lleft, _NODE]
    b = li[lright, _NODE + 1]
    da = seg_delay * (x - a)
    db = seg_delay * (b - x)
    heard_a = max(lf[lleft, _INFO], now + da)  # a knows lleft and the swap at x
    heard_b = max(lf[lright, _INFO + 1], now + db)
    dead_a = min(lf[lleft, _DEAD_AT], max(heard_a, lf[lright, _DEAD_AT] + da))
    dead_b = min(lf[lright, _DEAD_AT + 1], max(heard_b, lf[lleft, _DEAD_AT + 1] + db))
    if not ok:
        dead_a = min(dead_a, heard_a)
        dead_b = min(dead_b, heard_b)
    lf[lleft, _INFO] = max(lf[lleft, _INFO], max(now, lf[lright, _INFO]) + da)
    lf[lleft, _INFO + 1] = max(lf[lright, _INFO + 1], max(now, lf[lleft, _INFO + 1]) + db)
    lf[lleft, _DEAD_AT] = dead_a
    lf[lleft, _DEAD_AT + 1] = dead_b


@_private
def _reschedule(l, now, cutoff, C, li, lf, tm, heap, pos, cnt):
    """Set link ``l``'s timer to its next pending time: the cutoff, a holding end learning
    that it is dead, or news reaching an end (which may let that end act)."""
    nxt = lf[l, _BIRTH] + cutoff
    for e in range(2):
        if li[l, _STATUS] == _DEAD and li[l, _HOLD] & (1 << e):
            nxt = min(nxt, lf[l, _DEAD_AT + e])
        for t in (lf[l, _USE + e], lf[l, _INFO + e]):
            if now < t < nxt:
                nxt = t
    if nxt < _INF:
        _heap_set(tm, heap, pos, cnt, C + l, nxt)
    else:
        _heap_remove(tm, heap, pos, cnt, C + l)


@_inlined
def _start_trial(N, m, p_gen, log1m, t_att, slots, li, free_links, st, tm, heap, pos, cnt, inwork):
    """Every channel attempting from time 0 (its memories reserved), all link records free."""
    for x in range(N + 1):
        inwork[x] = False
        for j in range(m):
            slots[x, _LEFT, j] = _SLOT_RESERVED if x > 0 else _SLOT_FREE
            slots[x, _RIGHT, j] = _SLOT_RESERVED if x < N else _SLOT_FREE
    for e in range(pos.shape[0]):
        pos[e] = -1
    L = li.shape[0]
    for l in range(L):
        li[l, _STATUS] = _FREE
        free_links[l] = L - 1 - l  # the lowest record number on top
    cnt[_HEAP] = 0
    cnt[_NFREE] = L
    cnt[_NWORK] = 0
    for s in range(N):
        for j in range(m):
            _heap_set(tm, heap, pos, cnt, s * m + j, geometric(st, p_gen, log1m) * t_att)


@_inlined
def _on_herald(e, now, m, herald_delay, link_state, cutoff, C, slots, li, lf, lstate, free_links, tm, heap, pos, cnt,
               work, inwork):
    """Channel ``e`` heralds an elementary link; both of its nodes hear at once."""
    s = e // m
    j = e - s * m
    cnt[_NFREE] -= 1
    l = free_links[cnt[_NFREE]]
    li[l, _NODE] = s
    li[l, _NODE + 1] = s + 1
    li[l, _SLOT] = j
    li[l, _SLOT + 1] = j
    li[l, _HOLD] = 3
    li[l, _ROUNDS] = 0
    li[l, _STATUS] = _ALIVE
    for f in range(_DEAD_AT):
        lf[l, f] = now
    lf[l, _TSTAMP] = now - herald_delay
    lf[l, _DEAD_AT] = _INF
    lf[l, _DEAD_AT + 1] = _INF
    _copy_4x4(link_state, lstate[l])
    slots[s, _RIGHT, j] = l
    slots[s + 1, _LEFT, j] = l
    _reschedule(l, now, cutoff, C, li, lf, tm, heap, pos, cnt)  # its cutoff, if any
    _push(s, work, inwork, cnt)
    _push(s + 1, work, inwork, cnt)


@_inlined
def _on_timer(l, now, N, m, cutoff, C, slots, li, lf, free_links, st, p_gen, log1m, t_att, tm, heap, pos, cnt, work,
              inwork):
    """Link ``l``'s timer: its cutoff, an end learning that it is dead, or news reaching an end.

    At the cutoff both ends discard the link at once (a documented assumption); an end that
    learns that the link is dead frees its memory; ends that got news may act.
    """
    cut = lf[l, _BIRTH] + cutoff <= now
    for end in range(2):
        if li[l, _HOLD] & (1 << end) and (cut or lf[l, _DEAD_AT + end] <= now):
            li[l, _HOLD] -= 1 << end
            x = li[l, _NODE + end]  # end 0 sits in a right memory, end 1 in a left one
            _free_memory(x, x + 1 - 2 * end, li[l, _SLOT + end], now, N, m, slots, st, p_gen, log1m, t_att, tm, heap,
                         pos, cnt)
    if li[l, _HOLD] == 0:
        _free_record(l, C, li, free_links, tm, heap, pos, cnt)
        return
    for end in range(2):
        if li[l, _HOLD] & (1 << end):
            _push(li[l, _NODE + end], work, inwork, cnt)
    _reschedule(l, now, cutoff, C, li, lf, tm, heap, pos, cnt)


@_inlined
def _purification_partner(x, j1, m, slots, li, lf, now):
    """A link to purify x's link in right memory ``j1`` with (same ends and rounds, both known at
    both ends), or -1."""
    l1 = slots[x, _RIGHT, j1]
    if max(lf[l1, _INFO], lf[l1, _INFO + 1]) > now:
        return -1
    for j2 in range(j1 + 1, m):
        l2 = slots[x, _RIGHT, j2]
        if l2 < 0 or li[l2, _STATUS] != _ALIVE or li[l2, _NODE + 1] != li[l1, _NODE + 1]:
            continue
        if li[l2, _ROUNDS] == li[l1, _ROUNDS] and max(lf[l2, _INFO], lf[l2, _INFO + 1]) <= now:
            return l2
    return -1


@_inlined
def _after_purification(l1, l2, kept_state, ps, now, N, m, seg_delay, cutoff, C, slots, li, lf, lstate, free_links,
                        st, p_gen, log1m, t_att, tm, heap, pos, cnt, work, inwork):
    """Bookkeeping of a purification round of ``l1`` with ``l2`` at ``now`` (``kept_state``:
    unnormalized kept state, ``ps``: success probability).

    ``l2`` is measured and its memories freed at once; the outcome (drawn here) reaches both
    ends after the one-way delay, and neither uses ``l1`` before; a failed round leaves it dead.
    """
    a = li[l1, _NODE]
    b = li[l1, _NODE + 1]
    lf[l1, _TSTAMP] = now
    lf[l1, _BIRTH] = min(lf[l1, _BIRTH], lf[l2, _BIRTH])
    _free_record(l2, C, li, free_links, tm, heap, pos, cnt)
    _free_memory(a, a + 1, li[l2, _SLOT], now, N, m, slots, st, p_gen, log1m, t_att, tm, heap, pos, cnt)
    _free_memory(b, b - 1, li[l2, _SLOT + 1], now, N, m, slots, st, p_gen, log1m, t_att, tm, heap, pos, cnt)
    tknow = now + seg_delay * (b - a)
    for f in range(_USE, _DEAD_AT):
        lf[l1, f] = tknow
    if uniform(st) < ps:
        _copy_4x4(kept_state, lstate[l1])
        _scale_4x4(lstate[l1], 1.0 / ps)
        li[l1, _ROUNDS] += 1
    else:
        li[l1, _STATUS] = _DEAD
        lf[l1, _DEAD_AT] = tknow
        lf[l1, _DEAD_AT + 1] = tknow
    _reschedule(l1, now, cutoff, C, li, lf, tm, heap, pos, cnt)
    _push(b, work, inwork, cnt)


@_inlined
def _after_swap(x, lleft, lright, ok, alive, now, N, m, nested, seg_delay, cutoff, C, slots, li, lf, free_links, st,
                p_gen, log1m, t_att, tm, heap, pos, cnt, work, inwork):
    """Bookkeeping of a swap at ``x`` of ``lleft`` (a..x) with ``lright`` (x..b) at ``now``.

    The new link a..b (alive if ``alive``) reuses record ``lleft``; ``lright`` and x's two
    memories are freed. Ends that already freed their memories (they learnt that their link
    was dead) stay free.
    """
    a = li[lleft, _NODE]
    b = li[lright, _NODE + 1]
    jx_l = li[lleft, _SLOT + 1]
    jx_r = li[lright, _SLOT]
    _merge_times(lleft, lright, x, now, ok, seg_delay, li, lf)
    lf[lleft, _BIRTH] = min(lf[lleft, _BIRTH], lf[lright, _BIRTH])
    for end in range(2):
        lf[lleft, _USE + end] = lf[lleft, _INFO + end] if nested else now
    li[lleft, _ROUNDS] = 0
    li[lleft, _STATUS] = _ALIVE if alive else _DEAD
    hold = (li[lleft, _HOLD] & 1) | (li[lright, _HOLD] & 2)
    li[lleft, _HOLD] = hold
    li[lleft, _NODE + 1] = b
    li[lleft, _SLOT + 1] = li[lright, _SLOT + 1]
    if hold & 2:
        slots[b, _LEFT, li[lright, _SLOT + 1]] = lleft
    _free_record(lright, C, li, free_links, tm, heap, pos, cnt)
    _free_memory(x, x - 1, jx_l, now, N, m, slots, st, p_gen, log1m, t_att, tm, heap, pos, cnt)
    _free_memory(x, x + 1, jx_r, now, N, m, slots, st, p_gen, log1m, t_att, tm, heap, pos, cnt)
    if hold == 0:  # both ends already freed their memories: nothing is left of the link
        _free_record(lleft, C, li, free_links, tm, heap, pos, cnt)
    else:
        _reschedule(lleft, now, cutoff, C, li, lf, tm, heap, pos, cnt)
    _push(a, work, inwork, cnt)
    _push(b, work, inwork, cnt)
    _push(x, work, inwork, cnt)


def _workspace_layout(N: int, m: int) -> tuple:
    """``(shape, dtype)`` of each workspace array of :func:`_run_range`, in its argument order.

    ``L = 2 N m + 2`` link records (at most one per held memory, plus one during a swap);
    ``lstate`` has one extra 4x4 state (a swap's or purification's output); the 1-d integer
    arrays (free list, heap, heap positions, work list, node flags, counters) are slices of
    ``ib``.
    """
    C = N * m
    L = 2 * N * m + 2
    return (((N + 1, 2, m), np.int64), ((L, _NI), np.int64), ((L, _NF), np.float64),
            ((L + 1, 4, 4), np.complex128), ((C + L,), np.float64),
            ((L + 2 * (C + L) + 2 * (N + 1) + 3,), np.int64), ((4,), np.uint64))


def workspace(N: int, m: int) -> tuple:
    """Fresh (uninitialized) workspace arrays of one :func:`_run_range` call."""
    return tuple(np.empty(shape, dtype=dtype) for shape, dtype in _workspace_layout(N, m))


def workspace_bytes(N: int, m: int) -> int:
    """Bytes of :func:`workspace` (Python ints, no overflow)."""
    return sum(math.prod(shape) * np.dtype(dtype).itemsize for shape, dtype in _workspace_layout(N, m))


@jit
def _run_range(lo, hi, key0, key1, N, m, nested, p_gen, t_att, herald_delay, link_state, mem_model, rate1, rate2,
              cutoff, p_swap, gate_error, readout_error, pur_method, need, seg_delay, max_time, slots, li, lf, lstate,
              tm, ib, st, times, states, status):
    """Run trials ``lo..hi-1``, each until its first end-to-end pair (trial ``i`` uses stream ``(key0, key1, i)``).

    Writes ``times[i - lo]`` (delivery time, ``inf`` if none), ``states[i - lo]`` (the
    delivered state, zeros if none) and ``status[i - lo]``: 0 delivered, 1 ``max_time``
    reached, 2 deadlock (no pending event: too few memories for the purification scheme).
    ``cutoff`` is ``inf`` for none; ``gate_error`` and ``readout_error`` are those of every
    Bell measurement and purification round; ``pur_method`` is 0 (DEJMPS), 1 (BBPSSW) or
    ``None`` for no purification, which compiles a variant without it (numba prunes the
    branch on ``None``), so chains that do not purify never compile the purification.
    ``slots, li, lf, lstate, tm, ib, st`` are the workspace of :func:`workspace` (its
    contents on entry do not matter), allocated by the caller: numba would compile
    ``np.empty`` once per shape and dtype, at the cost of a small kernel each. Releases the
    GIL, so threads may run disjoint ranges at once, each with its own workspace.

    The physics (memory noise, swap, purification: the pair primitives of
    :mod:`qnet_core._pair`) happens here; the helpers keep the books.
    """
    C = N * m
    L = li.shape[0]
    tmp = lstate[L]
    free_links = ib[:L]
    heap = ib[L:L + C + L]
    pos = ib[L + C + L:L + 2 * (C + L)]
    work = ib[L + 2 * (C + L):L + 2 * (C + L) + N + 1]
    inwork = ib[L + 2 * (C + L) + N + 1:L + 2 * (C + L) + 2 * (N + 1)]
    cnt = ib[L + 2 * (C + L) + 2 * (N + 1):]
    log1m = math.log1p(-p_gen) if p_gen < 1.0 else -_INF
    for i in range(lo, hi):
        k = i - lo
        seed_stream(st, key0, key1, i)
        _start_trial(N, m, p_gen, log1m, t_att, slots, li, free_links, st, tm, heap, pos, cnt, inwork)
        code = -1
        t_end = _INF
        while code < 0:
            if cnt[_HEAP] == 0:
                code = 2
                break
            e = heap[0]
            now = tm[e]
            if now > max_time:
                code = 1
                break
            _heap_remove(tm, heap, pos, cnt, e)
            if e < C:
                _on_herald(e, now, m, herald_delay, link_state, cutoff, C, slots, li, lf, lstate, free_links, tm,
                           heap, pos, cnt, work, inwork)
            else:
                _on_timer(e - C, now, N, m, cutoff, C, slots, li, lf, free_links, st, p_gen, log1m, t_att, tm, heap,
                          pos, cnt, work, inwork)
            # ---- let the nodes whose links changed act
            while code < 0 and cnt[_NWORK] > 0:
                cnt[_NWORK] -= 1
                x = work[cnt[_NWORK]]
                inwork[x] = False
                changed = True
                while changed and code < 0:
                    changed = False
                    # (1) delivery, or purification of two links with x as their left end
                    for j1 in range(m):
                        l1 = slots[x, _RIGHT, j1]
                        if l1 < 0 or li[l1, _STATUS] != _ALIVE:
                            continue
                        b = li[l1, _NODE + 1]
                        if li[l1, _ROUNDS] >= _need_rounds(b - x, nested, need):
                            if x == 0 and b == N:  # delivered once both ends know everything inside
                                t_end = max(now, max(lf[l1, _INFO], lf[l1, _INFO + 1]))
                                _copy_4x4(lstate[l1], states[k])
                                _memory_4x4(states[k], t_end - lf[l1, _TSTAMP], mem_model, rate1, rate2)
                                code = 0
                                break
                            continue
                        if pur_method is not None:  # (None: compiled without purification)
                            l2 = _purification_partner(x, j1, m, slots, li, lf, now)
                            if l2 < 0:
                                continue
                            _memory_4x4(lstate[l1], now - lf[l1, _TSTAMP], mem_model, rate1, rate2)
                            _memory_4x4(lstate[l2], now - lf[l2, _TSTAMP], mem_model, rate1, rate2)
                            ps = _purify_4x4(lstate[l1], lstate[l2], pur_method, gate_error, readout_error, tmp)
                            _after_purification(l1, l2, tmp, ps, now, N, m, seg_delay, cutoff, C, slots, li, lf,
                                                lstate, free_links, st, p_gen, log1m, t_att, tm, heap, pos, cnt, work,
                                                inwork)
                            changed = True
                            break
                    if changed or code >= 0 or x == 0 or x == N:
                        continue
                    # (2) entanglement swap at x, with links x may use (dead or not, as far as x knows)
                    sp = x & (-x)
                    lleft = _ready_link(slots, x, x - 1, m, li, lf, now, nested, sp, need)
                    if lleft < 0:
                        continue
                    lright = _ready_link(slots, x, x + 1, m, li, lf, now, nested, sp, need)
                    if lright < 0:
                        continue
                    ok = p_swap >= 1.0 or uniform(st) < p_swap
                    alive = ok and li[lleft, _STATUS] == _ALIVE and li[lright, _STATUS] == _ALIVE
                    if alive:
                        _memory_4x4(lstate[lleft], now - lf[lleft, _TSTAMP], mem_model, rate1, rate2)
                        _memory_4x4(lstate[lright], now - lf[lright, _TSTAMP], mem_model, rate1, rate2)
                        _swap_sample_4x4(lstate[lleft], lstate[lright], gate_error, readout_error, uniform(st), tmp)
                        _copy_4x4(tmp, lstate[lleft])
                        lf[lleft, _TSTAMP] = now
                    _after_swap(x, lleft, lright, ok, alive, now, N, m, nested, seg_delay, cutoff, C, slots, li, lf,
                                free_links, st, p_gen, log1m, t_att, tm, heap, pos, cnt, work, inwork)
                    changed = True
        status[k] = code
        times[k] = t_end
        if code != 0:  # no state: zeros (a loop here rather than one more kernel to compile)
            for r in range(4):
                for c in range(4):
                    states[k, r, c] = 0.0
