"""Compiled kernel of the concurrent-requests network Monte Carlo (private).

The public layer is :mod:`protocols.network.concurrent`; the model is stated in its module
docstring. This module keeps the books; the physics (memory decoherence, noisy swaps) is
:mod:`qnet_core._pair`'s, and the random streams are the chain's
(:func:`protocols.repeaters._kernels.seed_stream`, ``uniform``, ``geometric``), so one replica
is one xoshiro256** stream seeded from ``(key0, key1, replica index)``.

Layout (all arrays are allocated by the caller, so that one replica can run in bounded chunks
and resume exactly where it stopped):

* Requests ``r = 0..R-1``; request ``r`` has the path positions ``k = 0..h[r]`` (global node
  ``pnode[pbase[r] + k]``, classical-signal time from the path start ``pdelay[pbase[r] + k]``)
  and ``m[r]`` *local memories* per side of each position (``mem = mbase[r] + (2 k + side) m[r] + j``),
  exactly the chain's ``slots[x, side, j]``: ``lmem[mem]`` is a link record, ``_SLOT_FREE``
  or ``_SLOT_RESERVED`` (its channel is attempting).
* Channel ``c = cbase[r] + s m[r] + j`` generates elementary links on hop ``s`` into local
  memory ``j`` on the right of position ``s`` and on the left of position ``s + 1``
  (``hop = hbase[r] + s`` has its own link parameters).
* Physical memory slots: node ``g`` has ``cap[g]`` slots ``sbase[g] .. sbase[g] + cap[g] - 1``;
  ``owner[slot]`` is the local memory using it (-1 when free) and ``phys[mem]`` the slot a local
  memory uses (-1 when it uses none). A local memory holds a slot exactly while it is
  reserved or stores a qubit. A channel whose two local memories are free *waits*
  (``wait_since[c]`` finite); :func:`_allocate` gives waiting channels slots at both of their
  nodes in the order of the scheduling policy.
* Link records ``l``: ``li[l, _RQ]`` request, ``_NODE + e`` path positions of the ends,
  ``_SLOT + e`` local memory index ``j``, ``_HOLD``, ``_STATUS``, ``_ROUNDS``; float fields as in the chain
  (``_TSTAMP``, ``_BIRTH``, ``_USE + e``, ``_INFO + e``, ``_DEAD_AT + e``).
* Timers: an indexed heap over entities: channels ``0..C-1``, link records ``C..C+L-1``,
  request resumptions (reset mode) ``C+L..C+L+R-1``; equal times pop in entity order.
"""

from __future__ import annotations

import math

import numpy as np

from qnet_core._jit import jit
from qnet_core._pair import _copy_4x4, _memory_ends_4x4, _purify_4x4, _scale_4x4, _swap_sample_4x4
# the chain kernel's event heap, link-record free list and timer rule, shared (same counter and record layout)
from protocols.repeaters._kernels import (_free_record, _heap_remove, _heap_set, _reschedule, _sift,  # noqa: F401
                                         geometric, seed_stream, uniform)

_private = jit(internal=True)

_INF = np.inf
_LEFT = 0
_RIGHT = 1
_SLOT_FREE = -1
_SLOT_RESERVED = -2
# link status
_FREE = 0
_ALIVE = 1
_DEAD = 2
_DELIVERED = 3
# integer fields of a link record
# (columns 0-6 as the chain kernel's records, so that its record helpers apply unchanged)
_NODE = 0
_SLOT = 2
_HOLD = 4
_ROUNDS = 5    # purification rounds done
_STATUS = 6
_RQ = 7        # the request the link serves
_NI = 8
# float fields
_TSTAMP = 0
_BIRTH = 1
_USE = 2
_INFO = 4
_DEAD_AT = 6
_NF = 8

# counters ``cnt``
_HEAP = 0
_NFREE = 1
_NWORK = 2
_NALLOC = 3
_NDEL = 4      # deliveries in the output buffer
_EVENTS = 5    # events processed so far
_VIOL = 6      # events after which the contention check failed (debug)
_CHECKS = 7    # contention checks done (debug)
_SAMPLE = 8    # next trace sample
_STATE = 9     # 0 running, 1 horizon reached, 2 stalled (no pending event), 3 delivery target reached
_NCNT = 10
# floats ``cf``
_NOW = 0
_NCF = 1

# at most this many times a grant passes to the channel the other end of the previous one prefers
_MAX_HANDOFFS = 8

# policies
_FCFS = 0
_ROUND_ROBIN = 1
_PROPORTIONAL = 2


# ----------------------------------------------------------------------------- books
@_private
def _mem(mbase, m, r, k, side, j):
    return mbase[r] + (2 * k + side) * m[r] + j


@_private
def _mark_node(g, alloc_list, in_alloc, cnt):
    if not in_alloc[g]:
        in_alloc[g] = True
        alloc_list[cnt[_NALLOC]] = g
        cnt[_NALLOC] += 1


@_private
def _push(p, work, inwork, cnt):
    if not inwork[p]:
        inwork[p] = True
        work[cnt[_NWORK]] = p
        cnt[_NWORK] += 1


@_private
def _occupancy(g, now, cap, nfree, occ_int, occ_t):
    """Add node g's occupied slot-seconds up to ``now`` (before its occupancy changes)."""
    occ_int[g] += (cap[g] - nfree[g]) * (now - occ_t[g])
    occ_t[g] = now


@_private
def _deficit(a, b, inner, tq):
    """Slots a position holding ``a`` (left) and ``b`` (right) qubits keeps free for its own progress.

    ``tq`` is the qubits one side needs before it can swap (1, or ``1 + rounds`` when elementary
    links are purified). An inner position that holds anything may bring both sides up to
    ``max(a, b, tq)``: ``2 max(a, b, tq) - a - b`` (``|a - b|`` for ``tq = 1``); an end position,
    one side only, up to ``tq``: ``max(tq - a - b, 0)`` (0 for ``tq = 1``).
    """
    if a + b == 0:
        return 0
    if inner:
        return 2 * max(max(a, b), tq) - a - b
    return max(tq - a - b, 0)


@_private
def _use_side(r, k, side, delta, tq, h, pbase, pnode, used, reserve):
    """Change the slots request r uses on one side of position k by ``delta``; keep node reserve books.

    ``reserve[g]`` is the sum over the positions at g of their :func:`_deficit`: the slots kept
    free so that every unmatched qubit at an inner node can get its partner (and, when elementary
    links are purified, every side its purification partners).
    """
    p = pbase[r] + k
    g = pnode[p]
    inner = 0 < k < h[r]
    before = _deficit(used[2 * p], used[2 * p + 1], inner, tq)
    used[2 * p + side] += delta
    reserve[g] += _deficit(used[2 * p], used[2 * p + 1], inner, tq) - before


@_private
def _admissible(r, k, side, tq, h, pbase, pnode, used, reserve, nfree):
    """Whether request r may take one more slot on ``side`` of position k (reserve rule)."""
    p = pbase[r] + k
    g = pnode[p]
    if nfree[g] <= 0:
        return False
    inner = 0 < k < h[r]
    a = used[2 * p]
    b = used[2 * p + 1]
    before = _deficit(a, b, inner, tq)
    if side == _LEFT:
        a += 1
    else:
        b += 1
    return nfree[g] - 1 >= reserve[g] + _deficit(a, b, inner, tq) - before


@_private
def _take_slot(mem, g, now, sbase, cap, owner, phys, nfree, occ_int, occ_t):
    _occupancy(g, now, cap, nfree, occ_int, occ_t)
    for s in range(sbase[g], sbase[g] + cap[g]):
        if owner[s] < 0:
            owner[s] = mem
            phys[mem] = s
            nfree[g] -= 1
            return


@_private
def _release_mem(r, k, side, j, now, tq, h, m, mbase, pbase, pnode, cap, lmem, owner, phys, nfree, used, reserve,
                 occ_int, occ_t, alloc_list, in_alloc, cnt):
    """Local memory (r, k, side, j) lets go of its slot (free again)."""
    mem = _mem(mbase, m, r, k, side, j)
    g = pnode[pbase[r] + k]
    s = phys[mem]
    if s >= 0:
        _occupancy(g, now, cap, nfree, occ_int, occ_t)
        owner[s] = -1
        phys[mem] = -1
        nfree[g] += 1
        _use_side(r, k, side, -1, tq, h, pbase, pnode, used, reserve)
        _mark_node(g, alloc_list, in_alloc, cnt)
    lmem[mem] = _SLOT_FREE


@_private
def _free_memory(r, k, side, j, now, tq, h, m, mbase, cbase, pbase, pnode, cap, lmem, owner, phys, nfree, used, reserve,
                 occ_int, occ_t, alloc_list, in_alloc, cnt, wait_since, paused):
    """Free local memory (r, k, side, j); its channel waits for slots once its other memory is free too."""
    _release_mem(r, k, side, j, now, tq, h, m, mbase, pbase, pnode, cap, lmem, owner, phys, nfree, used, reserve,
                 occ_int, occ_t, alloc_list, in_alloc, cnt)
    y = k + 1 if side == _RIGHT else k - 1
    if y < 0 or y > h[r]:
        return
    if lmem[_mem(mbase, m, r, y, 1 - side, j)] == _SLOT_FREE and not paused[r]:
        s = min(k, y)
        wait_since[cbase[r] + s * m[r] + j] = now
        _mark_node(pnode[pbase[r] + y], alloc_list, in_alloc, cnt)


@_private
def _merge_times(lleft, lright, x, now, ok, pd, li, lf):
    """The chain's :func:`protocols.repeaters._kernels._merge_times` with per-position signal times ``pd``."""
    a = li[lleft, _NODE]
    b = li[lright, _NODE + 1]
    da = pd[x] - pd[a]
    db = pd[b] - pd[x]
    heard_a = max(lf[lleft, _INFO], now + da)
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
def _need_rounds(l, pur_rounds, li):
    """Purification rounds link l needs before it may be swapped or delivered (elementary links only)."""
    return pur_rounds if li[l, _NODE + 1] - li[l, _NODE] == 1 else 0


@_private
def _ready_link(r, x, side, now, pur_rounds, m, mbase, lmem, li, lf):
    """First link in request r's memories on ``side`` of position x that x may swap at ``now`` (-1 if none).

    The chain's ``_ready_link`` (swap-ASAP): x may use it, does not know it to be dead, and it
    has completed its purification.
    """
    e = 1 - side
    base = mbase[r] + (2 * x + side) * m[r]
    for j in range(m[r]):
        l = lmem[base + j]
        if l < 0 or lf[l, _USE + e] > now or lf[l, _DEAD_AT + e] <= now:
            continue
        if li[l, _ROUNDS] < _need_rounds(l, pur_rounds, li):
            continue
        return l
    return -1


@_private
def _purification_partner(r, x, j1, now, m, mbase, lmem, li, lf):
    """The chain's ``_purification_partner``: a link to purify x's link in right memory ``j1`` with
    (same ends and rounds, both known at both ends), or -1."""
    base = mbase[r] + (2 * x + _RIGHT) * m[r]
    l1 = lmem[base + j1]
    if max(lf[l1, _INFO], lf[l1, _INFO + 1]) > now:
        return -1
    for j2 in range(j1 + 1, m[r]):
        l2 = lmem[base + j2]
        if l2 < 0 or li[l2, _STATUS] != _ALIVE or li[l2, _NODE + 1] != li[l1, _NODE + 1]:
            continue
        if li[l2, _ROUNDS] == li[l1, _ROUNDS] and max(lf[l2, _INFO], lf[l2, _INFO + 1]) <= now:
            return l2
    return -1


@_private
def _after_purification(l1, l2, kept_state, ps, now, tq, pd, cutoff, C, h, m, mbase, cbase, pbase, pnode, cap, li,
                        lf, lstate, free_links, lmem, owner, phys, nfree, used, reserve, occ_int, occ_t, alloc_list,
                        in_alloc, cnt, wait_since, paused, st, tm, heap, pos, work, inwork):
    """The chain's ``_after_purification``: bookkeeping of a round of ``l1`` with ``l2`` at ``now``
    (``kept_state``: unnormalized kept state, ``ps``: success probability).

    ``l2`` is measured and its memories freed at once; the outcome (drawn here) reaches both
    ends after the one-way signal time ``pd[b] - pd[a]``, and neither uses ``l1`` before; a
    failed round leaves it dead.
    """
    r = li[l1, _RQ]
    a = li[l1, _NODE]
    b = li[l1, _NODE + 1]
    lf[l1, _TSTAMP] = now
    lf[l1, _BIRTH] = min(lf[l1, _BIRTH], lf[l2, _BIRTH])
    j2a = li[l2, _SLOT]
    j2b = li[l2, _SLOT + 1]
    _free_record(l2, C, li, free_links, tm, heap, pos, cnt)
    _free_memory(r, a, _RIGHT, j2a, now, tq, h, m, mbase, cbase, pbase, pnode, cap, lmem, owner, phys, nfree, used,
                 reserve, occ_int, occ_t, alloc_list, in_alloc, cnt, wait_since, paused)
    _free_memory(r, b, _LEFT, j2b, now, tq, h, m, mbase, cbase, pbase, pnode, cap, lmem, owner, phys, nfree, used,
                 reserve, occ_int, occ_t, alloc_list, in_alloc, cnt, wait_since, paused)
    tknow = now + (pd[b] - pd[a])
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
    _push(pbase[r] + b, work, inwork, cnt)


@_private
def _policy_key(policy, r, c, g, R, rr_last, passv, wait_since):
    """Primary key of a waiting channel at node g (smaller first); ties: waiting time, then channel."""
    if policy == _ROUND_ROBIN:
        return float((r - rr_last[g] - 1) % R)
    if policy == _PROPORTIONAL:
        return passv[g * R + r]
    return wait_since[c]


@_private
def _best_waiting(g, tq, R, policy, h, m, cbase, pbase, pnode, inc_ptr, inc_pos, pos_req, nfree, used, reserve,
                  wait_since, paused, rr_last, passv):
    """The waiting channel touching node g that g's policy serves first among those admissible at both ends (-1: none)."""
    best = -1
    bk0 = _INF
    bk1 = _INF
    for i in range(inc_ptr[g], inc_ptr[g + 1]):
        p = inc_pos[i]
        r = pos_req[p]
        if paused[r]:
            continue
        k = p - pbase[r]
        for side in range(2):
            if (side == _LEFT and k == 0) or (side == _RIGHT and k == h[r]):
                continue
            s = k if side == _RIGHT else k - 1
            for j in range(m[r]):
                c = cbase[r] + s * m[r] + j
                if wait_since[c] == _INF:
                    continue
                k0 = _policy_key(policy, r, c, g, R, rr_last, passv, wait_since)
                k1 = wait_since[c]
                if best >= 0 and (k0 > bk0 or (k0 == bk0 and (k1 > bk1 or (k1 == bk1 and c > best)))):
                    continue
                if not (_admissible(r, s, _RIGHT, tq, h, pbase, pnode, used, reserve, nfree)
                        and _admissible(r, s + 1, _LEFT, tq, h, pbase, pnode, used, reserve, nfree)):
                    continue
                best = c
                bk0 = k0
                bk1 = k1
    return best


@_private
def _channel_request(c, R, cbase):
    r = 0
    while r + 1 < R and cbase[r + 1] <= c:
        r += 1
    return r


@_private
def _allocate(g, now, tq, R, policy, weights, h, m, mbase, cbase, pbase, pnode, sbase, cap, inc_ptr, inc_pos, pos_req,
              hop_p, hop_log1m, hop_t, hbase, lmem, owner, phys, nfree, used, reserve, occ_int, occ_t, wait_since,
              paused, rr_last, passv, st, tm, heap, pos, cnt):
    """Give free slots of node g to waiting channels, by the policies of both ends of each grant, while any fits.

    A grant takes a slot at both ends of a channel, so the channel g's policy picks first must
    also be the one its other end serves first; if the other end prefers another channel that
    fits now, that one is granted instead (and its own other end asked in turn, at most
    ``_MAX_HANDOFFS`` times). Without this a node that frees a slot could hand its neighbour's
    contended slot to its own request, past the neighbour's policy, every time.
    """
    while nfree[g] > 0:
        c = _best_waiting(g, tq, R, policy, h, m, cbase, pbase, pnode, inc_ptr, inc_pos, pos_req, nfree, used,
                          reserve, wait_since, paused, rr_last, passv)
        if c < 0:
            return
        at = g
        for _ in range(_MAX_HANDOFFS):
            r = _channel_request(c, R, cbase)
            s = (c - cbase[r]) // m[r]
            ga = pnode[pbase[r] + s]
            other = pnode[pbase[r] + s + 1] if ga == at else ga
            c2 = _best_waiting(other, tq, R, policy, h, m, cbase, pbase, pnode, inc_ptr, inc_pos, pos_req, nfree,
                               used, reserve, wait_since, paused, rr_last, passv)
            if c2 < 0 or c2 == c:
                break
            c = c2
            at = other
        # grant: one slot at each end of the channel, attempts drawn now
        r = _channel_request(c, R, cbase)
        s = (c - cbase[r]) // m[r]
        j = c - cbase[r] - s * m[r]
        for e in range(2):
            k = s + e
            side = _RIGHT if e == 0 else _LEFT
            mem = _mem(mbase, m, r, k, side, j)
            gg = pnode[pbase[r] + k]
            _take_slot(mem, gg, now, sbase, cap, owner, phys, nfree, occ_int, occ_t)
            _use_side(r, k, side, 1, tq, h, pbase, pnode, used, reserve)
            lmem[mem] = _SLOT_RESERVED
            rr_last[gg] = r  # served last at both ends
            if policy == _PROPORTIONAL:
                passv[gg * R + r] += 1.0 / weights[r]
        wait_since[c] = _INF
        hop = hbase[r] + s
        _heap_set(tm, heap, pos, cnt, c, now + geometric(st, hop_p[hop], hop_log1m[hop]) * hop_t[hop])


@_private
def _check(R, G, h, m, mbase, pbase, pnode, sbase, cap, lmem, owner, phys, nfree):
    """Contention check: every used slot belongs to exactly one local memory of its own node, and back."""
    bad = 0
    for g in range(G):
        n = 0
        for s in range(sbase[g], sbase[g] + cap[g]):
            mem = owner[s]
            if mem < 0:
                continue
            n += 1
            if phys[mem] != s:
                bad += 1
        if n != cap[g] - nfree[g] or nfree[g] < 0:
            bad += 1
    for r in range(R):
        for k in range(h[r] + 1):
            g = pnode[pbase[r] + k]
            for side in range(2):
                for j in range(m[r]):
                    mem = _mem(mbase, m, r, k, side, j)
                    s = phys[mem]
                    held = lmem[mem] != _SLOT_FREE
                    if held != (s >= 0):
                        bad += 1
                    if s >= 0 and (owner[s] != mem or s < sbase[g] or s >= sbase[g] + cap[g]):
                        bad += 1
    return bad


@_private
def _sample_trace(now, t_sample, trace, G, cap, nfree, cnt):
    """Record node occupancies at every sample time before ``now``."""
    S = trace.shape[1]
    while cnt[_SAMPLE] < S and cnt[_SAMPLE] * t_sample < now:
        for g in range(G):
            trace[g, cnt[_SAMPLE]] = cap[g] - nfree[g]
        cnt[_SAMPLE] += 1


@jit
def _init_replica(index, key0, key1, R, G, h, m, mbase, cbase, pbase, pnode, cap, li, free_links, pos, cnt, cf,
                  lmem, owner, phys, nfree, used, reserve, occ_int, occ_t, wait_since, paused, inwork, in_alloc,
                  alloc_list, rr_last, passv, ndel, st):
    """A fresh replica: its stream seeded from ``(key0, key1, index)``, every channel waiting at time 0."""
    seed_stream(st, key0, key1, index)
    for i in range(cnt.shape[0]):
        cnt[i] = 0
    cf[_NOW] = 0.0
    L = li.shape[0]
    for l in range(L):
        li[l, _STATUS] = _FREE
        free_links[l] = L - 1 - l
    cnt[_NFREE] = L
    for e in range(pos.shape[0]):
        pos[e] = -1
    for i in range(lmem.shape[0]):
        lmem[i] = _SLOT_FREE
        phys[i] = -1
    for i in range(owner.shape[0]):
        owner[i] = -1
    for g in range(G):
        nfree[g] = cap[g]
        reserve[g] = 0
        occ_int[g] = 0.0
        occ_t[g] = 0.0
        in_alloc[g] = False
        rr_last[g] = R - 1
    for i in range(passv.shape[0]):
        passv[i] = 0.0
    for i in range(used.shape[0]):
        used[i] = 0
    for i in range(inwork.shape[0]):
        inwork[i] = False
    for r in range(R):
        paused[r] = False
        ndel[r] = 0
        for c in range(cbase[r], cbase[r + 1]):
            wait_since[c] = 0.0
        for k in range(h[r] + 1):
            _mark_node(pnode[pbase[r] + k], alloc_list, in_alloc, cnt)


@_private
def _discard_request(r, keep, now, tq, C, h, m, mbase, cbase, pbase, pnode, cap, li, lmem, owner, phys, nfree, used,
                     reserve, occ_int, occ_t, alloc_list, in_alloc, cnt, wait_since, free_links, tm, heap, pos):
    """Reset mode: request r drops every link and attempt except record ``keep`` (its delivered pair)."""
    for k in range(h[r] + 1):
        for side in range(2):
            for j in range(m[r]):
                mem = _mem(mbase, m, r, k, side, j)
                l = lmem[mem]
                if l == _SLOT_FREE or l == keep:
                    continue
                if l >= 0:
                    e = 1 if side == _LEFT else 0
                    li[l, _HOLD] &= ~(1 << e)
                    if li[l, _HOLD] == 0:
                        _free_record(l, C, li, free_links, tm, heap, pos, cnt)
                _release_mem(r, k, side, j, now, tq, h, m, mbase, pbase, pnode, cap, lmem, owner, phys, nfree,
                             used, reserve, occ_int, occ_t, alloc_list, in_alloc, cnt)
    for c in range(cbase[r], cbase[r + 1]):
        _heap_remove(tm, heap, pos, cnt, c)
        wait_since[c] = _INF


@jit
def _run_chunk(t_stop, max_events, horizon, target, R, G, policy, weights, h, m, mbase, cbase, pbase, hbase, pnode,
               pdelay, pos_req, sbase, cap, inc_ptr, inc_pos, hop_p, hop_log1m, hop_t, hop_herald, hop_state,
               mem_model, rate1, rate2, cutoff, p_swap, gate_error, readout_error, pur_method, pur_rounds, reset,
               debug, t_sample,
               li, lf, lstate, tmp, free_links, tm, heap, pos, cnt, cf, lmem, owner, phys, nfree, used, reserve,
               occ_int, occ_t, wait_since, paused, work, inwork, alloc_list, in_alloc, rr_last, passv, st,
               trace, ndel, d_req, d_time, d_state):
    """Advance one replica until ``t_stop``, ``max_events`` more events, a full delivery buffer or its end.

    Stops only between events, so the result does not depend on where calls stop. Sets
    ``cnt[_STATE]``: 1 once the next event lies beyond ``horizon`` (occupancy integrated and
    the trace filled up to it), 2 if no event is pending (stalled), 3 once every request has
    delivered ``target`` pairs (``target <= 0``: no target).

    ``pur_method`` is 0 (DEJMPS), 1 (BBPSSW) or ``None`` (no purification: numba prunes the
    branch, as in the chain's ``_run_range``); elementary links then need ``pur_rounds`` rounds
    before they are swapped or delivered, and each side of a position needs ``1 + pur_rounds``
    slots to get there (:func:`_deficit`).
    """
    C = cbase[R]
    tq = 1 + pur_rounds
    L = li.shape[0]
    nbuf = d_time.shape[0]
    done = 0
    while cnt[_NALLOC] > 0:  # slots offered before the first event (a fresh replica)
        cnt[_NALLOC] -= 1
        g = alloc_list[cnt[_NALLOC]]
        in_alloc[g] = False
        _allocate(g, cf[_NOW], tq, R, policy, weights, h, m, mbase, cbase, pbase, pnode, sbase, cap, inc_ptr, inc_pos,
                  pos_req, hop_p, hop_log1m, hop_t, hbase, lmem, owner, phys, nfree, used, reserve, occ_int,
                  occ_t, wait_since, paused, rr_last, passv, st, tm, heap, pos, cnt)
    while cnt[_STATE] == 0 and done < max_events and cnt[_NDEL] < nbuf:
        if cnt[_HEAP] == 0 or tm[heap[0]] > horizon:
            # the horizon, or no pending event at all (stalled: nothing changes any more)
            cnt[_STATE] = 2 if cnt[_HEAP] == 0 else 1
            _sample_trace_end(horizon, t_sample, trace, G, cap, nfree, cnt)
            for g in range(G):
                _occupancy(g, horizon, cap, nfree, occ_int, occ_t)
            cf[_NOW] = horizon
            break
        e = heap[0]
        now = tm[e]
        if now > t_stop:
            break
        _sample_trace(now, t_sample, trace, G, cap, nfree, cnt)
        _heap_remove(tm, heap, pos, cnt, e)
        cf[_NOW] = now
        done += 1
        cnt[_EVENTS] += 1
        if e < C:
            # ---- a channel heralds an elementary link
            r = 0
            while r + 1 < R and cbase[r + 1] <= e:
                r += 1
            s = (e - cbase[r]) // m[r]
            j = e - cbase[r] - s * m[r]
            cnt[_NFREE] -= 1
            l = free_links[cnt[_NFREE]]
            li[l, _RQ] = r
            li[l, _NODE] = s
            li[l, _NODE + 1] = s + 1
            li[l, _SLOT] = j
            li[l, _SLOT + 1] = j
            li[l, _HOLD] = 3
            li[l, _ROUNDS] = 0
            li[l, _STATUS] = _ALIVE
            for f in range(_DEAD_AT):
                lf[l, f] = now
            hop = hbase[r] + s
            lf[l, _TSTAMP] = now - hop_herald[hop]
            lf[l, _DEAD_AT] = _INF
            lf[l, _DEAD_AT + 1] = _INF
            _copy_4x4(hop_state[hop], lstate[l])
            lmem[_mem(mbase, m, r, s, _RIGHT, j)] = l
            lmem[_mem(mbase, m, r, s + 1, _LEFT, j)] = l
            _reschedule(l, now, cutoff, C, li, lf, tm, heap, pos, cnt)
            _push(pbase[r] + s, work, inwork, cnt)
            _push(pbase[r] + s + 1, work, inwork, cnt)
        elif e < C + L:
            # ---- a link's timer: delivered pair handed over, cutoff, death learnt, or news
            l = e - C
            r = li[l, _RQ]
            if li[l, _STATUS] == _DELIVERED:
                for end in range(2):
                    if li[l, _HOLD] & (1 << end):
                        _free_memory(r, li[l, _NODE + end], _RIGHT if end == 0 else _LEFT, li[l, _SLOT + end], now,
                                     tq, h, m, mbase, cbase, pbase, pnode, cap, lmem, owner, phys, nfree, used, reserve,
                                     occ_int, occ_t, alloc_list, in_alloc, cnt, wait_since, paused)
                li[l, _HOLD] = 0
                _free_record(l, C, li, free_links, tm, heap, pos, cnt)
            else:
                cut = lf[l, _BIRTH] + cutoff <= now
                for end in range(2):
                    if li[l, _HOLD] & (1 << end) and (cut or lf[l, _DEAD_AT + end] <= now):
                        li[l, _HOLD] -= 1 << end
                        _free_memory(r, li[l, _NODE + end], _RIGHT if end == 0 else _LEFT, li[l, _SLOT + end], now,
                                     tq, h, m, mbase, cbase, pbase, pnode, cap, lmem, owner, phys, nfree, used, reserve,
                                     occ_int, occ_t, alloc_list, in_alloc, cnt, wait_since, paused)
                if li[l, _HOLD] == 0:
                    _free_record(l, C, li, free_links, tm, heap, pos, cnt)
                else:
                    for end in range(2):
                        if li[l, _HOLD] & (1 << end):
                            _push(pbase[r] + li[l, _NODE + end], work, inwork, cnt)
                    _reschedule(l, now, cutoff, C, li, lf, tm, heap, pos, cnt)
        else:
            # ---- reset mode: request resumes after its delivery is known at both ends
            r = e - C - L
            paused[r] = False
            for c in range(cbase[r], cbase[r + 1]):
                wait_since[c] = now
            for k in range(h[r] + 1):
                _mark_node(pnode[pbase[r] + k], alloc_list, in_alloc, cnt)
        # ---- let the positions whose links changed act (deliveries and swaps, as in the chain)
        while cnt[_NWORK] > 0:
            cnt[_NWORK] -= 1
            p = work[cnt[_NWORK]]
            inwork[p] = False
            r = pos_req[p]
            x = p - pbase[r]
            N = h[r]
            pd = pdelay[pbase[r]:pbase[r] + N + 1]
            changed = True
            while changed:
                changed = False
                if paused[r]:
                    continue
                # (1) delivery, or purification of two links with x as their left end (the chain's order)
                if x == 0 or (pur_method is not None and x < N):
                    for j1 in range(m[r]):
                        l1 = lmem[_mem(mbase, m, r, x, _RIGHT, j1)]
                        if l1 < 0 or li[l1, _STATUS] != _ALIVE:
                            continue
                        if li[l1, _ROUNDS] < _need_rounds(l1, pur_rounds, li):
                            if pur_method is not None:  # (None: compiled without purification)
                                l2 = _purification_partner(r, x, j1, now, m, mbase, lmem, li, lf)
                                if l2 < 0:
                                    continue
                                ga = pnode[p]
                                gb = pnode[pbase[r] + li[l1, _NODE + 1]]
                                _memory_ends_4x4(lstate[l1], now - lf[l1, _TSTAMP], mem_model, rate1[ga], rate2[ga],
                                                 rate1[gb], rate2[gb])
                                _memory_ends_4x4(lstate[l2], now - lf[l2, _TSTAMP], mem_model, rate1[ga], rate2[ga],
                                                 rate1[gb], rate2[gb])
                                ps = _purify_4x4(lstate[l1], lstate[l2], pur_method, gate_error, readout_error, tmp)
                                _after_purification(l1, l2, tmp, ps, now, tq, pd, cutoff, C, h, m, mbase, cbase, pbase,
                                                    pnode, cap, li, lf, lstate, free_links, lmem, owner, phys, nfree,
                                                    used, reserve, occ_int, occ_t, alloc_list, in_alloc, cnt,
                                                    wait_since, paused, st, tm, heap, pos, work, inwork)
                                changed = True
                                break
                            continue
                        if x != 0 or li[l1, _NODE + 1] != N:
                            continue
                        # delivered once both ends know every outcome inside; ends decohere until then
                        t_end = max(now, max(lf[l1, _INFO], lf[l1, _INFO + 1]))
                        k = cnt[_NDEL]
                        _copy_4x4(lstate[l1], d_state[k])
                        ga = pnode[pbase[r]]
                        gb = pnode[pbase[r] + N]
                        _memory_ends_4x4(d_state[k], t_end - lf[l1, _TSTAMP], mem_model, rate1[ga], rate2[ga],
                                         rate1[gb], rate2[gb])
                        d_req[k] = r
                        d_time[k] = t_end
                        cnt[_NDEL] = k + 1
                        ndel[r] += 1
                        li[l1, _STATUS] = _DELIVERED
                        _heap_set(tm, heap, pos, cnt, C + l1, t_end)
                        if reset:
                            _discard_request(r, l1, now, tq, C, h, m, mbase, cbase, pbase, pnode, cap, li, lmem, owner,
                                             phys, nfree, used, reserve, occ_int, occ_t, alloc_list, in_alloc, cnt,
                                             wait_since, free_links, tm, heap, pos)
                            paused[r] = True
                            _heap_set(tm, heap, pos, cnt, C + L + r, t_end)
                        else:
                            changed = True  # another end-to-end link may be ready too
                        break
                    if changed or paused[r] or x == 0:
                        continue
                if x == 0 or x == N:
                    continue
                lleft = _ready_link(r, x, _LEFT, now, pur_rounds, m, mbase, lmem, li, lf)
                if lleft < 0:
                    continue
                lright = _ready_link(r, x, _RIGHT, now, pur_rounds, m, mbase, lmem, li, lf)
                if lright < 0:
                    continue
                ok = p_swap >= 1.0 or uniform(st) < p_swap
                alive = ok and li[lleft, _STATUS] == _ALIVE and li[lright, _STATUS] == _ALIVE
                a = li[lleft, _NODE]
                b = li[lright, _NODE + 1]
                if alive:
                    ga = pnode[pbase[r] + a]
                    gx = pnode[p]
                    gb = pnode[pbase[r] + b]
                    _memory_ends_4x4(lstate[lleft], now - lf[lleft, _TSTAMP], mem_model, rate1[ga], rate2[ga],
                                     rate1[gx], rate2[gx])
                    _memory_ends_4x4(lstate[lright], now - lf[lright, _TSTAMP], mem_model, rate1[gx], rate2[gx],
                                     rate1[gb], rate2[gb])
                    _swap_sample_4x4(lstate[lleft], lstate[lright], gate_error, readout_error, uniform(st), tmp)
                    _copy_4x4(tmp, lstate[lleft])
                    lf[lleft, _TSTAMP] = now
                # bookkeeping (the chain's _after_swap): the new link a..b reuses record lleft
                jx_l = li[lleft, _SLOT + 1]
                jx_r = li[lright, _SLOT]
                _merge_times(lleft, lright, x, now, ok, pd, li, lf)
                lf[lleft, _BIRTH] = min(lf[lleft, _BIRTH], lf[lright, _BIRTH])
                lf[lleft, _USE] = now
                lf[lleft, _USE + 1] = now
                li[lleft, _ROUNDS] = 0
                li[lleft, _STATUS] = _ALIVE if alive else _DEAD
                hold = (li[lleft, _HOLD] & 1) | (li[lright, _HOLD] & 2)
                li[lleft, _HOLD] = hold
                li[lleft, _NODE + 1] = b
                li[lleft, _SLOT + 1] = li[lright, _SLOT + 1]
                if hold & 2:
                    lmem[_mem(mbase, m, r, b, _LEFT, li[lright, _SLOT + 1])] = lleft
                _free_record(lright, C, li, free_links, tm, heap, pos, cnt)
                _free_memory(r, x, _LEFT, jx_l, now, tq, h, m, mbase, cbase, pbase, pnode, cap, lmem, owner, phys,
                             nfree, used, reserve, occ_int, occ_t, alloc_list, in_alloc, cnt, wait_since, paused)
                _free_memory(r, x, _RIGHT, jx_r, now, tq, h, m, mbase, cbase, pbase, pnode, cap, lmem, owner, phys,
                             nfree, used, reserve, occ_int, occ_t, alloc_list, in_alloc, cnt, wait_since, paused)
                if hold == 0:
                    _free_record(lleft, C, li, free_links, tm, heap, pos, cnt)
                else:
                    _reschedule(lleft, now, cutoff, C, li, lf, tm, heap, pos, cnt)
                _push(pbase[r] + a, work, inwork, cnt)
                _push(pbase[r] + b, work, inwork, cnt)
                changed = True
        # ---- hand freed slots to waiting channels, in policy order
        while cnt[_NALLOC] > 0:
            cnt[_NALLOC] -= 1
            g = alloc_list[cnt[_NALLOC]]
            in_alloc[g] = False
            _allocate(g, now, tq, R, policy, weights, h, m, mbase, cbase, pbase, pnode, sbase, cap, inc_ptr, inc_pos,
                      pos_req, hop_p, hop_log1m, hop_t, hbase, lmem, owner, phys, nfree, used, reserve, occ_int,
                      occ_t, wait_since, paused, rr_last, passv, st, tm, heap, pos, cnt)
        if debug:
            cnt[_CHECKS] += 1
            if _check(R, G, h, m, mbase, pbase, pnode, sbase, cap, lmem, owner, phys, nfree) != 0:
                cnt[_VIOL] += 1
        if target > 0:
            reached = True
            for r in range(R):
                if ndel[r] < target:
                    reached = False
                    break
            if reached:
                _sample_trace(now, t_sample, trace, G, cap, nfree, cnt)
                for g in range(G):
                    _occupancy(g, now, cap, nfree, occ_int, occ_t)
                cnt[_STATE] = 3


@_private
def _sample_trace_end(t_end, t_sample, trace, G, cap, nfree, cnt):
    """Samples at times ``<= t_end`` not yet taken (the state after the last event)."""
    S = trace.shape[1]
    while cnt[_SAMPLE] < S and cnt[_SAMPLE] * t_sample <= t_end:
        for g in range(G):
            trace[g, cnt[_SAMPLE]] = cap[g] - nfree[g]
        cnt[_SAMPLE] += 1
