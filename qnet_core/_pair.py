"""Compiled two-qubit primitives: one implementation of each pair operation (private).

Every dense and Bell-diagonal protocol path, and the repeater-chain Monte Carlo, calls these
kernels. They take plain arrays and scalars, write into preallocated outputs, never validate
and never raise for user input (the public layer checks once).

Conventions
-----------
* A pair is a complex128 ``(4, 4)`` density matrix; qubit 0 (the pair's first/left end) is
  the most significant bit of the basis index.
* Bell coefficients are float64 ``(4,)`` in ``BELL_NAMES`` order (phi+, phi-, psi+, psi-).
  Bell index ``k = 2x + z``; ``|B_k> = (I (x) X^x Z^z)|phi+>``, so a Pauli with Bell index
  ``e`` on either qubit of a Bell-diagonal pair maps coefficient ``k`` to ``k XOR e``.
* ``method``: 0 = DEJMPS, 1 = BBPSSW. Memory ``model``: 0 = T1/T2 (``rate1 = 1/T1``,
  ``rate2 = 1/T2``, 0 for an infinite lifetime), 1 = depolarizing (``rate1 = 1/T_dep``).

Physics
-------
Entanglement swapping (Zukowski, Zeilinger, Horne, Ekert, PRL 71, 4287 (1993)): pairs
``r1`` on (A, B1) and ``r2`` on (B2, C); a Bell-state measurement (BSM) on (B1, B2); the
outcome ``k`` is corrected by ``X^x Z^z`` on C.

* ``gate_error`` ``p``: two-qubit depolarizing ``rho -> (1 - p) rho + p I/4`` on (B1, B2)
  before an ideal BSM. Tracing B1, B2 out of ``r1 (x) r2`` leaves ``r1_A (x) r2_C``, so the
  unnormalized branch of true outcome ``j`` is exactly ``(1 - p) S_j + p/4 r1_A (x) r2_C``,
  with ``S_j`` the noiseless projection.
* ``readout_error`` ``q``: each BSM bit is misread with probability ``q`` (the z bit is read
  on B1 after the Hadamard, the x bit on B2), so the *reported* outcome is ``k = j XOR e``
  with ``P(e) = ((1-q)^2, q(1-q), q(1-q), q^2)`` and the correction follows ``k``. The
  reported branch is ``sum_e P(e) T_{k XOR e}`` corrected by ``k``.

Recurrence purification: the kept pair ``r1`` on (A1, B1), the sacrificed pair ``r2`` on
(A2, B2). DEJMPS (Deutsch et al., PRL 77, 2818 (1996)) first applies ``Rx(pi/2)`` on A and
``Rx(-pi/2)`` on B of each pair; BBPSSW (Bennett et al., PRL 76, 722 (1996)) first twirls
both pairs to Werner states of the same fidelity. Then the bilateral CNOT (pair 1 controls,
pair 2 target), Z measurements of A2 and B2, keep pair 1 if the outcomes agree.

* Noise of Dür, Briegel, Cirac, Zoller, PRA 59, 169 (1999): each CNOT is followed by
  two-qubit depolarizing with probability ``gate_error`` on its two qubits. Depolarizing is
  unitarily covariant, so it commutes with the CNOT on the same qubits and can act on the
  input product ``r1 (x) r2``: depolarizing (A1, A2) replaces A1 and A2 by ``I/2``, (B1, B2)
  likewise, giving four product terms ``(1-p)^2 r1 (x) r2 + p(1-p) (I/2 (x) r1_B) (x)
  (I/2 (x) r2_B) + p(1-p) (r1_A (x) I/2) (x) (r2_A (x) I/2) + p^2 I/4 (x) I/4``, each
  purified by the noiseless product kernel.
* ``readout_error``: each Z outcome is flipped with probability ``q``: an X on A2 or B2
  after the CNOT, which commutes with the CNOT (X on its target) and with depolarizing, so
  it is a bit-flip channel on each qubit of the prepared ``r2``.

Memory decoherence (the repeater chain's model): T1/T2 is amplitude damping with
``gamma = 1 - exp(-dt/T1)`` followed by dephasing such that coherences decay as
``exp(-dt/T2)`` (:func:`channels.memory`); depolarizing replaces each qubit by ``I/2`` with
probability ``1 - exp(-dt/T_dep)`` (:func:`channels.depolarizing_memory`).
"""

from __future__ import annotations

import math

import numpy as np

from ._jit import jit

__all__: list[str] = []  # private kernels; nothing is re-exported

#: Branch probabilities at or below this are round-off: the branch state is set to I/4.
TINY = 1e-14
_R2 = 1.0 / math.sqrt(2.0)


# =============================================================================== 4x4 helpers
@jit(internal=True)
def _trace_4x4(rho):
    """Real part of the trace."""
    return rho[0, 0].real + rho[1, 1].real + rho[2, 2].real + rho[3, 3].real


@jit
def _fill_4x4(out, value):
    """Set every element of ``out`` to ``value``."""
    for i in range(4):
        for j in range(4):
            out[i, j] = value


@jit
def _mixed_4x4(out):
    """``out = I/4``."""
    for i in range(4):
        for j in range(4):
            out[i, j] = 0.25 if i == j else 0.0


@jit
def _copy_4x4(src, out):
    for i in range(4):
        for j in range(4):
            out[i, j] = src[i, j]


@jit
def _scale_4x4(rho, s):
    for i in range(4):
        for j in range(4):
            rho[i, j] = s * rho[i, j]


@jit
def _fidelity_phi_plus_4x4(rho):
    """``<phi+| rho |phi+>``."""
    return 0.5 * (rho[0, 0].real + rho[3, 3].real + rho[0, 3].real + rho[3, 0].real)


# =============================================================================== local operations
@jit
def _qubit_channel_4x4(rho, q, g_down, g_up, coh):
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


@jit
def _memory_4x4(rho, dt, model, rate1, rate2):
    """Memory decoherence for ``dt`` seconds on both qubits of ``rho``, in place.

    ``model`` 0: T1/T2 with ``rate1 = 1/T1``, ``rate2 = 1/T2`` (0 for infinite lifetimes):
    amplitude damping ``gamma = 1 - exp(-dt/T1)`` then dephasing so that coherences decay as
    ``exp(-dt/T2)``. ``model`` 1: depolarizing, survival ``exp(-dt * rate1)`` per qubit.
    ``dt <= 0`` is the identity.
    """
    if dt <= 0.0:
        return
    if model == 0:
        if rate1 == 0.0 and rate2 == 0.0:
            return
        gamma = -math.expm1(-dt * rate1)
        coh = math.exp(-dt * rate2)
        for q in range(2):  # a variable index: one compiled specialisation, not one per literal
            _qubit_channel_4x4(rho, q, gamma, 0.0, coh)
    else:
        if rate1 == 0.0:
            return
        lam = math.exp(-dt * rate1)
        g = 0.5 * (1.0 - lam)
        for q in range(2):
            _qubit_channel_4x4(rho, q, g, g, lam)


@jit
def _memory_ends_4x4(rho, dt, model, rate1_a, rate2_a, rate1_b, rate2_b):
    """:func:`_memory_4x4` with a different memory at each end: qubit 0 with ``(rate1_a, rate2_a)``,
    qubit 1 with ``(rate1_b, rate2_b)``, in place; equal rates give exactly :func:`_memory_4x4`.
    """
    if dt <= 0.0:
        return
    for q in range(2):
        r1 = rate1_a if q == 0 else rate1_b
        r2 = rate2_a if q == 0 else rate2_b
        if model == 0:
            if r1 == 0.0 and r2 == 0.0:
                continue
            _qubit_channel_4x4(rho, q, -math.expm1(-dt * r1), 0.0, math.exp(-dt * r2))
        else:
            if r1 == 0.0:
                continue
            lam = math.exp(-dt * r1)
            g = 0.5 * (1.0 - lam)
            _qubit_channel_4x4(rho, q, g, g, lam)


@jit
def _pauli_on_second_4x4(rho, k):
    """Conjugate qubit 1 (LSB) of a 4x4 state by ``X^x Z^z`` with ``k = 2x + z``, in place."""
    if k & 1:
        for r in range(4):
            for c in range(4):
                if ((r ^ c) & 1) == 1:
                    rho[r, c] = -rho[r, c]
    if k >> 1:
        for r in (0, 2):  # swap element (r, c) with (r ^ 1, c ^ 1); r has its low bit clear
            for c in range(4):
                t = rho[r, c]
                rho[r, c] = rho[r ^ 1, c ^ 1]
                rho[r ^ 1, c ^ 1] = t


@jit
def _bit_flip_both_4x4(rho, q):
    """Bit flip with probability ``q`` on each qubit of ``rho``, in place.

    ``X`` on qubit mask ``m`` maps element ``(r, c)`` to ``(r ^ m, c ^ m)``; each orbit
    ``{(m, c ^ m) : m = 0..3}`` is updated from its row-0 element ``c``.
    """
    if q == 0.0:
        return
    w0 = (1.0 - q) * (1.0 - q)
    w1 = q * (1.0 - q)
    w2 = q * q
    for c in range(4):
        a = rho[0, c]
        b = rho[1, c ^ 1]  # X on qubit 1
        d = rho[2, c ^ 2]  # X on qubit 0
        e = rho[3, c ^ 3]  # X on both
        rho[0, c] = w0 * a + w1 * (b + d) + w2 * e
        rho[1, c ^ 1] = w0 * b + w1 * (a + e) + w2 * d
        rho[2, c ^ 2] = w0 * d + w1 * (e + a) + w2 * b
        rho[3, c ^ 3] = w0 * e + w1 * (d + b) + w2 * a


@jit(internal=True)
def _unitary_on_qubit_4x4(rho, q, u00, u01, u10, u11):
    """``rho -> U rho U^dag`` with the 2x2 ``U`` on qubit ``q`` (0 = MSB), in place."""
    mask = 1 << (1 - q)
    for r in range(4):
        if r & mask:
            continue
        for c in range(4):
            x0 = rho[r, c]
            x1 = rho[r | mask, c]
            rho[r, c] = u00 * x0 + u01 * x1
            rho[r | mask, c] = u10 * x0 + u11 * x1
    for c in range(4):
        if c & mask:
            continue
        for r in range(4):
            y0 = rho[r, c]
            y1 = rho[r, c | mask]
            rho[r, c] = y0 * np.conj(u00) + y1 * np.conj(u01)
            rho[r, c | mask] = y0 * np.conj(u10) + y1 * np.conj(u11)


@jit
def _dejmps_rotation_4x4(rho, out):
    """``out = (Rx(pi/2) (x) Rx(-pi/2)) rho (...)^dag`` (Deutsch et al. 1996)."""
    _copy_4x4(rho, out)
    d = _R2 + 0.0j
    o = -1j * _R2
    for q in range(2):  # Rx(pi/2) = (I - iX)/sqrt(2) on qubit 0, Rx(-pi/2) = (I + iX)/sqrt(2) on 1
        oq = o if q == 0 else -o
        _unitary_on_qubit_4x4(out, q, d, oq, oq, d)


@jit
def _twirl_4x4(rho, out):
    """Werner state with the same |phi+> fidelity as ``rho`` (BBPSSW's random bilateral twirl)."""
    f = _fidelity_phi_plus_4x4(rho)
    q = (1.0 - f) / 3.0
    _fill_4x4(out, 0.0)
    for i in range(4):  # f |phi+><phi+| + q (I - |phi+><phi+|)
        out[i, i] = q
    d = 0.5 * (f - q)
    out[0, 0] += d
    out[3, 3] += d
    out[0, 3] += d
    out[3, 0] += d


# =============================================================================== Bell basis
@jit
def _bell_diagonal_part_4x4(rho, c):
    """Bell coefficients ``c[k] = <B_k| rho |B_k>`` of any 4x4 state (its Pauli twirl), clipped to [0, 1]."""
    s_phi = rho[0, 0].real + rho[3, 3].real
    x_phi = rho[0, 3].real + rho[3, 0].real
    s_psi = rho[1, 1].real + rho[2, 2].real
    x_psi = rho[1, 2].real + rho[2, 1].real
    c[0] = 0.5 * (s_phi + x_phi)
    c[1] = 0.5 * (s_phi - x_phi)
    c[2] = 0.5 * (s_psi + x_psi)
    c[3] = 0.5 * (s_psi - x_psi)
    for k in range(4):
        c[k] = min(max(c[k], 0.0), 1.0)


@jit
def _bd_to_dense_4x4(c, out):
    """Dense ``sum_k c_k |B_k><B_k|`` from Bell coefficients."""
    _fill_4x4(out, 0.0)
    out[0, 0] = out[3, 3] = 0.5 * (c[0] + c[1])
    out[0, 3] = out[3, 0] = 0.5 * (c[0] - c[1])
    out[1, 1] = out[2, 2] = 0.5 * (c[2] + c[3])
    out[1, 2] = out[2, 1] = 0.5 * (c[2] - c[3])


@jit
def _xor_convolve(a, b):
    """``c[k] = sum_{i XOR j = k} a[i] b[j]`` as a 4-tuple: Pauli errors compose by XOR of Bell indices."""
    return (a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3],
            a[0] * b[1] + a[1] * b[0] + a[2] * b[3] + a[3] * b[2],
            a[0] * b[2] + a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
            a[0] * b[3] + a[1] * b[2] + a[2] * b[1] + a[3] * b[0])


@jit(internal=True)
def _readout_error_weights(q):
    """``P(e)`` of the BSM readout error ``e = 2 e_x + e_z``: ``((1-q)^2, q(1-q), q(1-q), q^2)``."""
    one = q * (1.0 - q)
    return ((1.0 - q) * (1.0 - q), one, one, q * q)


# =============================================================================== swapping, dense
@jit(internal=True)
def _add_bell_projections(r1, r2, w, out):
    """``out += sum_j w[j] S_j``, ``S_j`` the unnormalized (A, C) state after projecting (B1, B2) on ``|B_j>``.

    ``|B_j> = sum_u s_u |u, u XOR x> / sqrt(2)`` with ``s_u = (-1)^(z u)``, ``j = 2x + z``, so
    ``S_{2x+z} = 1/2 sum_{u,v} (-1)^(z (u + v)) r1[(a, u), (a', v)] r2[(u^x, b), (v^x, b')]``: the
    phi (x = 0) and psi (x = 1) pairs of outcomes share their products. ``w`` is a 4-tuple.
    """
    for x in range(2):
        for u in range(2):
            for v in range(2):
                coef = 0.5 * (w[2 * x] + (1.0 if u == v else -1.0) * w[2 * x + 1])
                if coef == 0.0:
                    continue
                for a in range(2):
                    for a2 in range(2):
                        e1 = coef * r1[2 * a + u, 2 * a2 + v]
                        for b in range(2):
                            for b2 in range(2):
                                out[2 * a + b, 2 * a2 + b2] += e1 * r2[2 * (u ^ x) + b, 2 * (v ^ x) + b2]


@jit(internal=True)
def _bell_projections_4x4(r1, r2, states):
    """``states[j] = S_j`` for the four Bell outcomes at once (see :func:`_add_bell_projections`)."""
    for j in range(4):
        _fill_4x4(states[j], 0.0)
    for x in range(2):
        for u in range(2):
            for v in range(2):
                sz = 0.5 if u == v else -0.5
                for a in range(2):
                    for a2 in range(2):
                        e1 = r1[2 * a + u, 2 * a2 + v]
                        for b in range(2):
                            for b2 in range(2):
                                t = e1 * r2[2 * (u ^ x) + b, 2 * (v ^ x) + b2]
                                states[2 * x, 2 * a + b, 2 * a2 + b2] += 0.5 * t
                                states[2 * x + 1, 2 * a + b, 2 * a2 + b2] += sz * t


@jit
def _swap_branch_4x4(r1, r2, k, out):
    """Unnormalized (A, C) state after projecting (B1, B2) of ``r1 (x) r2`` on Bell state ``k``.

    No noise, no correction. Returns the outcome probability (the trace of ``out``).
    """
    _fill_4x4(out, 0.0)
    w = (1.0 if k == 0 else 0.0, 1.0 if k == 1 else 0.0, 1.0 if k == 2 else 0.0, 1.0 if k == 3 else 0.0)
    _add_bell_projections(r1, r2, w, out)
    return _trace_4x4(out)


@jit(internal=True)
def _add_outer_product(r1, r2, w, out):
    """``out += w * (r1_A (x) r2_C)``: the reduced outer qubits of ``r1 (x) r2``."""
    for a in range(2):
        for a2 in range(2):
            m1 = w * (r1[2 * a, 2 * a2] + r1[2 * a + 1, 2 * a2 + 1])
            for b in range(2):
                for b2 in range(2):
                    out[2 * a + b, 2 * a2 + b2] += m1 * (r2[b, b2] + r2[2 + b, 2 + b2])


@jit(internal=True)
def _mix_gate_error(r1, r2, p, states):
    """``states[j] = (1 - p) states[j] + p/4 r1_A (x) r2_C`` (depolarized inner qubits)."""
    if p == 0.0:
        return
    for a in range(2):
        for a2 in range(2):
            m1 = 0.25 * p * (r1[2 * a, 2 * a2] + r1[2 * a + 1, 2 * a2 + 1])
            for b in range(2):
                for b2 in range(2):
                    m = m1 * (r2[b, b2] + r2[2 + b, 2 + b2])
                    for j in range(4):
                        states[j, 2 * a + b, 2 * a2 + b2] = (1.0 - p) * states[j, 2 * a + b, 2 * a2 + b2] + m


@jit(internal=True)
def _mix_readout_error(q, states):
    """Reported branches: ``states[k] = sum_e P(e) states[k XOR e]`` (readout error ``q``)."""
    if q == 0.0:
        return
    pe = _readout_error_weights(q)
    for r in range(4):
        for c in range(4):
            v = _xor_convolve(pe, (states[0, r, c], states[1, r, c], states[2, r, c], states[3, r, c]))
            for k in range(4):
                states[k, r, c] = v[k]


@jit(internal=True)
def _normalize_branch(rho, k):
    """Normalize one reported branch and apply its correction; returns its (clipped) weight."""
    t = rho[0, 0].real + rho[1, 1].real + rho[2, 2].real + rho[3, 3].real  # loops written out:
    if t > TINY:                                                          # one callee, not four
        s = 1.0 / t
        for i in range(4):
            for j in range(4):
                rho[i, j] = s * rho[i, j]
        _pauli_on_second_4x4(rho, k)
    else:
        for i in range(4):
            for j in range(4):
                rho[i, j] = 0.25 if i == j else 0.0
    return max(t, 0.0)


@jit
def _swap_branches_4x4(r1, r2, gate_error, readout_error, probs, states):
    """All four reported BSM outcomes of a noisy entanglement swap.

    Writes the outcome probabilities into ``probs`` (4,) (summing to 1) and the normalized
    (A, C) state after each reported outcome, Pauli-corrected by that outcome, into
    ``states`` (4, 4, 4). Branches of probability <= ``TINY`` hold ``I/4``.
    """
    _bell_projections_4x4(r1, r2, states)
    _mix_gate_error(r1, r2, gate_error, states)
    _mix_readout_error(readout_error, states)
    total = 0.0
    for k in range(4):
        probs[k] = _normalize_branch(states[k], k)
        total += probs[k]
    if total > 0.0:
        for k in range(4):
            probs[k] = probs[k] / total


@jit(internal=True)
def _draw_outcome(r1, r2, gate_error, readout_error, u):
    """Reported outcome for the uniform draw ``u`` in [0, 1); never one of probability <= TINY.

    The reported probabilities are ``sum_e P(e) ((1-p) tr S_{k^e} + p/4)``, with
    ``tr S_j = <B_j| r1_B1 (x) r2_B2 |B_j>`` the noiseless probability of Bell outcome ``j``
    (all four accumulated in one pass over the inner marginals).
    """
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    s3 = 0.0
    for u1 in range(2):
        for v in range(2):
            m1 = r1[u1, v] + r1[2 + u1, 2 + v]  # r1_B1[u1, v]
            c1 = 0.5 * (1 - 2 * u1) * (1 - 2 * v)  # the z = 1 sign
            for x in range(2):
                ux = u1 ^ x
                vx = v ^ x
                t = (m1 * (r2[2 * ux, 2 * vx] + r2[2 * ux + 1, 2 * vx + 1])).real  # * r2_B2[ux, vx]
                if x == 0:
                    s0 += 0.5 * t
                    s1 += c1 * t
                else:
                    s2 += 0.5 * t
                    s3 += c1 * t
    q = readout_error  # P(e) and its XOR convolution with (s0..s3), written out (no callees)
    one = q * (1.0 - q)
    e0 = (1.0 - q) * (1.0 - q)
    e3 = q * q
    p = (e0 * s0 + one * s1 + one * s2 + e3 * s3,
         e0 * s1 + one * s0 + one * s3 + e3 * s2,
         e0 * s2 + one * s3 + one * s0 + e3 * s1,
         e0 * s3 + one * s2 + one * s1 + e3 * s0)
    keep = 1.0 - gate_error
    g = 0.25 * gate_error
    probs = (keep * p[0] + g, keep * p[1] + g, keep * p[2] + g, keep * p[3] + g)
    acc = 0.0
    last = 0
    for k in range(4):
        if probs[k] > TINY:
            last = k
            acc += probs[k]
            if u < acc:
                return k
    return last  # u beyond the round-off sum: the last outcome with weight


@jit
def _swap_sample_4x4(r1, r2, gate_error, readout_error, u, out):
    """One noisy swap with the outcome drawn by the uniform ``u`` in [0, 1).

    Writes the normalized, corrected (A, C) state into ``out`` and returns the reported
    outcome; the same distribution and states as :func:`_swap_branches_4x4`.
    """
    k = _draw_outcome(r1, r2, gate_error, readout_error, u)
    for i in range(4):
        for j in range(4):
            out[i, j] = 0.0
    q = readout_error
    one = q * (1.0 - q)
    pe = ((1.0 - q) * (1.0 - q), one, one, q * q)  # _readout_error_weights, written out
    keep = 1.0 - gate_error  # true outcome j = k ^ e has weight (1 - p) P(j ^ k)
    w = (keep * pe[k], keep * pe[k ^ 1], keep * pe[k ^ 2], keep * pe[k ^ 3])
    _add_bell_projections(r1, r2, w, out)
    if gate_error > 0.0:
        _add_outer_product(r1, r2, 0.25 * gate_error, out)
    _normalize_branch(out, k)
    return k


# =============================================================================== purification, dense
@jit(internal=True)
def _add_purify_product(a, b, w, out):
    """``out += w * (kept pair 1)`` for the noiseless bilateral CNOT + agreeing Z outcomes on ``a (x) b``.

    ``<a1 b1| out |a1' b1'> = a[a1 b1, a1' b1'] sum_m b[(m^a1)(m^b1), (m^a1')(m^b1')]``.
    """
    for r in range(4):
        a1 = r >> 1
        b1 = r & 1
        for c in range(4):
            a1p = c >> 1
            b1p = c & 1
            s = 0.0j
            for m in range(2):
                s += b[2 * (m ^ a1) + (m ^ b1), 2 * (m ^ a1p) + (m ^ b1p)]
            out[r, c] += w * a[r, c] * s


@jit(internal=True)
def _reset_first_4x4(rho, out):
    """``out = I/2 (x) rho_B``: qubit 0 replaced by the maximally mixed state."""
    for a in range(2):
        for a2 in range(2):
            for b in range(2):
                for b2 in range(2):
                    out[2 * a + b, 2 * a2 + b2] = 0.5 * (rho[b, b2] + rho[2 + b, 2 + b2]) if a == a2 else 0.0


@jit(internal=True)
def _reset_second_4x4(rho, out):
    """``out = rho_A (x) I/2``: qubit 1 replaced by the maximally mixed state."""
    for a in range(2):
        for a2 in range(2):
            for b in range(2):
                for b2 in range(2):
                    out[2 * a + b, 2 * a2 + b2] = 0.5 * (rho[2 * a, 2 * a2] + rho[2 * a + 1, 2 * a2 + 1]) if b == b2 else 0.0


@jit(internal=True)
def _add_depolarized_terms(a, b, p, out, work):
    """The three gate-error terms of Dür et al. 1999 (see the module docstring); ``work`` (2, 4, 4)."""
    keep = 1.0 - p
    _reset_first_4x4(a, work[0])
    _reset_first_4x4(b, work[1])
    _add_purify_product(work[0], work[1], p * keep, out)   # (A1, A2) depolarized
    _reset_second_4x4(a, work[0])
    _reset_second_4x4(b, work[1])
    _add_purify_product(work[0], work[1], p * keep, out)   # (B1, B2) depolarized
    _mixed_4x4(work[0])
    _mixed_4x4(work[1])
    _add_purify_product(work[0], work[1], p * p, out)      # both


@jit
def _purify_4x4(r1, r2, method, gate_error, readout_error, out):
    """One recurrence round: unnormalized kept pair 1 in ``out``; returns the success probability.

    ``method`` 0 DEJMPS, 1 BBPSSW; ``gate_error`` two-qubit depolarizing after each CNOT;
    ``readout_error`` flip probability of each Z outcome (Dür et al. 1999).
    """
    work = np.empty((4, 4, 4), dtype=np.complex128)
    a = work[0]
    b = work[1]
    if method == 0:  # DEJMPS rotation, or BBPSSW twirl to Werner
        _dejmps_rotation_4x4(r1, a)
        _dejmps_rotation_4x4(r2, b)
    else:
        _twirl_4x4(r1, a)
        _twirl_4x4(r2, b)
    _bit_flip_both_4x4(b, readout_error)
    _fill_4x4(out, 0.0)
    keep = 1.0 - gate_error
    _add_purify_product(a, b, keep * keep, out)
    if gate_error > 0.0:
        _add_depolarized_terms(a, b, gate_error, out, work[2:])
    return _trace_4x4(out)


# =============================================================================== Bell-diagonal
@jit
def _memory_bd(c, dt, model, rate1, rate2, out):
    """Memory decoherence on Bell coefficients ``c`` (4,) into ``out`` (4,).

    ``model`` 1 (depolarizing, survival ``lam = exp(-dt rate1)`` per qubit) keeps Bell-diagonal
    states Bell-diagonal: ``out = lam^2 c + (1 - lam^2)/4``, exact. ``model`` 0 (T1/T2): pure
    dephasing (``rate1 == 0``) is exact, but amplitude damping (T1) is *not* Bell-diagonal
    preserving (it pumps population into |00>); the result is then the Bell-diagonal part
    (Pauli twirl) of the exact dense output, which keeps the fidelity but drops coherences.
    The public layer must route T1 memories through the dense path.
    """
    if model == 1:
        lam = math.exp(-dt * rate1) if dt > 0.0 else 1.0
        s = lam * lam
        for k in range(4):
            out[k] = s * c[k] + 0.25 * (1.0 - s)
        return
    rho = np.empty((4, 4), dtype=np.complex128)
    _bd_to_dense_4x4(c, rho)
    _memory_4x4(rho, dt, model, rate1, rate2)
    _bell_diagonal_part_4x4(rho, out)


@jit
def _swap_bd(c1, c2, gate_error, readout_error, out):
    """Corrected Bell coefficients after a noisy swap of Bell-diagonal pairs (any reported outcome).

    ``(1 - p) (c1 * c2) + p/4`` with ``*`` the XOR convolution, then convolved with the
    readout-error distribution ``P(e)`` (the two steps commute). Every outcome has
    probability 1/4 for Bell-diagonal inputs (their inner marginals are ``I/2``).
    """
    c = _xor_convolve(c1, c2)
    c = _xor_convolve(_readout_error_weights(readout_error), c)
    for k in range(4):  # depolarizing commutes with the Pauli readout error
        out[k] = (1.0 - gate_error) * c[k] + 0.25 * gate_error


@jit
def _swap_branches_bd(c1, c2, gate_error, readout_error, probs, states):
    """Branch form of :func:`_swap_bd`: every reported outcome has probability 1/4 and the same state."""
    _swap_bd(c1, c2, gate_error, readout_error, states[0])
    for k in range(4):
        probs[k] = 0.25
        for i in range(4):
            states[k, i] = states[0, i]


@jit(internal=True)
def _prepare_bd(c, method):
    """DEJMPS rotation (exchanges phi- and psi-) or BBPSSW twirl to Werner, as a 4-tuple."""
    if method == 0:
        return (c[0], c[3], c[2], c[1])
    q = (1.0 - c[0]) / 3.0
    return (c[0], q, q, q)


@jit
def _purify_bd(c1, c2, method, gate_error, readout_error, out):
    """One recurrence round on Bell coefficients: unnormalized kept coefficients; returns p_success.

    The bilateral CNOT maps ``(x1, z1), (x2, z2) -> (x1, z1^z2), (x1^x2, z2)``; gate error
    turns the joint distribution into ``(1-p)^2 P + (1 - (1-p)^2)/16``; the pair is kept with
    probability ``(1-q)^2 + q^2`` if the target's x bit is 0 and ``2q(1-q)`` otherwise.
    """
    a = _prepare_bd(c1, method)
    b = _prepare_bd(c2, method)
    keep = (1.0 - gate_error) * (1.0 - gate_error)
    w_agree = (1.0 - readout_error) ** 2 + readout_error ** 2
    w_differ = 2.0 * readout_error * (1.0 - readout_error)
    for k in range(4):
        out[k] = 0.0
    for k1 in range(4):
        for k2 in range(4):
            x1 = k1 >> 1
            kept = 2 * x1 + ((k1 ^ k2) & 1)
            w = w_agree if (x1 ^ (k2 >> 1)) == 0 else w_differ
            out[kept] += keep * w * a[k1] * b[k2]
    s = 0.0
    for k in range(4):  # the uniform part: 16 cells, 2 agreeing and 2 differing per kept index
        out[k] += (1.0 - keep) / 16.0 * 2.0 * (w_agree + w_differ)
        s += out[k]
    return s


# =============================================================================== batch drivers
@jit
def _swap_branches_batch(r1, r2, gate_error, readout_error, probs, states):
    """:func:`_swap_branches_4x4` over ``r1, r2`` (n, 4, 4) into ``probs`` (n, 4), ``states`` (n, 4, 4, 4)."""
    for i in range(r1.shape[0]):
        _swap_branches_4x4(r1[i], r2[i], gate_error, readout_error, probs[i], states[i])


@jit
def _purify_batch(r1, r2, method, gate_error, readout_error, out, probs):
    """:func:`_purify_4x4` over ``r1, r2`` (n, 4, 4) into ``out`` (n, 4, 4) and ``probs`` (n,)."""
    for i in range(r1.shape[0]):
        probs[i] = _purify_4x4(r1[i], r2[i], method, gate_error, readout_error, out[i])


@jit
def _swap_bd_batch(c1, c2, gate_error, readout_error, out):
    """:func:`_swap_bd` over ``c1, c2`` (n, 4) into ``out`` (n, 4)."""
    for i in range(c1.shape[0]):
        _swap_bd(c1[i], c2[i], gate_error, readout_error, out[i])


@jit
def _purify_bd_batch(c1, c2, method, gate_error, readout_error, out, probs):
    """:func:`_purify_bd` over ``c1, c2`` (n, 4) into ``out`` (n, 4) and ``probs`` (n,)."""
    for i in range(c1.shape[0]):
        probs[i] = _purify_bd(c1[i], c2[i], method, gate_error, readout_error, out[i])


@jit
def _memory_batch(rho, dt, model, rate1, rate2):
    """:func:`_memory_4x4` in place over ``rho`` (n, 4, 4), the same ``dt`` for every pair."""
    for i in range(rho.shape[0]):
        _memory_4x4(rho[i], dt, model, rate1, rate2)


# ======================================== protocol drivers: the primitives above, composed per request
@jit
def _mix_outcomes(probs, states, first, state):
    """``state`` = the mixture of branches ``first..3`` weighted by ``probs``; returns their total weight.

    A total of 0 leaves ``I/4``.
    """
    p_succ = 0.0
    for k in range(first, 4):
        p_succ += probs[k]
    if p_succ > 0.0:
        _fill_4x4(state, 0.0)
        for k in range(first, 4):
            w = probs[k] / p_succ
            for i in range(4):
                for j in range(4):
                    state[i, j] += w * states[k, i, j]
    else:
        _mixed_4x4(state)
    return p_succ


@jit
def _swap_mix_4x4(r1, r2, gate_error, readout_error, first, correct, probs, states, state):
    """One noisy swap: every reported branch (Pauli-corrected unless ``correct`` is False) and their mixture.

    Branches ``first..3`` are accepted (0 for the ideal BSM, 2 for linear optics); returns the
    success probability.
    """
    _swap_branches_4x4(r1, r2, gate_error, readout_error, probs, states)
    if not correct:
        for k in range(1, 4):  # the correction conjugates by X^x Z^z: applying it again undoes it
            _pauli_on_second_4x4(states[k], k)
    return _mix_outcomes(probs, states, first, state)


@jit
def _swap_mix_batch(r1, r2, gate_error, readout_error, first, correct, probs, states, state, p_succ):
    """:func:`_swap_mix_4x4` over ``r1, r2`` (n, 4, 4)."""
    for i in range(r1.shape[0]):
        p_succ[i] = _swap_mix_4x4(r1[i], r2[i], gate_error, readout_error, first, correct, probs[i], states[i],
                                  state[i])


@jit
def _hermitian_part_4x4(rho, scale):
    """``rho = scale * (rho + rho^dag) / 2`` in place."""
    for i in range(4):
        rho[i, i] = scale * rho[i, i].real
        for j in range(i + 1, 4):
            v = 0.5 * scale * (rho[i, j] + np.conj(rho[j, i]))
            rho[i, j] = v
            rho[j, i] = np.conj(v)


@jit
def _purify_norm_4x4(r1, r2, method, gate_error, readout_error, out):
    """One recurrence round, kept pair normalized (``I/4`` below ``TINY``); returns (p_success, F)."""
    p = _purify_4x4(r1, r2, method, gate_error, readout_error, out)
    if p > TINY:
        _hermitian_part_4x4(out, 1.0 / p)
    else:
        _mixed_4x4(out)
    return min(max(p, 0.0), 1.0), _fidelity_phi_plus_4x4(out)


@jit
def _purify_norm_batch(r1, r2, method, gate_error, readout_error, out, probs, fids):
    """:func:`_purify_norm_4x4` over ``r1, r2`` (n, 4, 4)."""
    for i in range(r1.shape[0]):
        probs[i], fids[i] = _purify_norm_4x4(r1[i], r2[i], method, gate_error, readout_error, out[i])


@jit
def _qubit_fidelity(a, b):
    """Squared Uhlmann fidelity of qubit states: ``tr(a b) + 2 sqrt(det a det b)``, clipped to [0, 1].

    ``b`` with purity above ``1 - 1e-10`` counts as pure (the overlap alone), as in
    ``protocols._common._state_fidelity``.
    """
    t = (a[0, 0] * b[0, 0] + a[0, 1] * b[1, 0] + a[1, 0] * b[0, 1] + a[1, 1] * b[1, 1]).real
    db = (b[0, 0] * b[1, 1] - b[0, 1] * b[1, 0]).real
    if db > 0.5e-10:  # purity of a qubit state is 1 - 2 det
        da = (a[0, 0] * a[1, 1] - a[0, 1] * a[1, 0]).real
        t += 2.0 * math.sqrt(max(da * db, 0.0))
    return min(max(t, 0.0), 1.0)


@jit
def _with_memory_4x4(pair, gamma, coh, out):
    """``out`` = ``pair`` with the memory (amplitude damping ``gamma``, coherence factor ``coh``) on qubit 1."""
    for i in range(4):
        for j in range(4):
            out[i, j] = pair[i, j]
    if gamma > 0.0 or coh < 1.0:
        _qubit_channel_4x4(out, 1, gamma, 0.0, coh)


@jit
def _teleport_pair_4x4(r1, res, gate_error, readout_error, gamma, coh, probs, states, state):
    """Teleport qubit 1 of ``r1`` through ``res``: a swap of (r1, res) whose output qubit waits in a memory.

    The memory acts on Bob's qubit only, so it commutes with the BSM and is applied to the
    resource first. Writes the (R, B) mixture over all outcomes into ``state``.
    """
    pair = np.empty((4, 4), dtype=np.complex128)
    _with_memory_4x4(res, gamma, coh, pair)
    _swap_mix_4x4(r1, pair, gate_error, readout_error, 0, True, probs, states, state)


@jit
def _teleport_pair_batch(r1, res, gate_error, readout_error, gamma, coh, probs, state):
    """:func:`_teleport_pair_4x4` over ``r1, res`` (n, 4, 4); ``probs`` (n, 4), ``state`` (n, 4, 4)."""
    states = np.empty((4, 4, 4), dtype=np.complex128)
    for i in range(r1.shape[0]):
        _teleport_pair_4x4(r1[i], res[i], gate_error, readout_error, gamma, coh, probs[i], states, state[i])


@jit
def _teleport_qubit_4x4(psi, res, gate_error, readout_error, gamma, coh, probs, out):
    """Teleport the qubit state ``psi`` (2, 2) through ``res``: Bob's corrected state in ``out`` (2, 2).

    ``psi`` is embedded as qubit 1 of ``|0><0| (x) psi``, a pair with a spectator in ``|0>``,
    so the swap's branch probabilities are the BSM's and Bob's state is the spectator's ``0``
    block. Returns the fidelity of ``out`` to ``psi``.
    """
    src = np.zeros((4, 4), dtype=np.complex128)
    for i in range(2):
        for j in range(2):
            src[i, j] = psi[i, j]
    states = np.empty((4, 4, 4), dtype=np.complex128)
    state = np.empty((4, 4), dtype=np.complex128)
    _teleport_pair_4x4(src, res, gate_error, readout_error, gamma, coh, probs, states, state)
    for i in range(2):
        out[i, i] = state[i, i].real
    v = 0.5 * (state[0, 1] + np.conj(state[1, 0]))
    out[0, 1] = v
    out[1, 0] = np.conj(v)
    return _qubit_fidelity(out, psi)


@jit
def _teleport_qubit_batch(psi, res, gate_error, readout_error, gamma, coh, probs, out, fids):
    """:func:`_teleport_qubit_4x4` over ``psi`` (n, 2, 2) and ``res`` (n, 4, 4)."""
    for i in range(psi.shape[0]):
        fids[i] = _teleport_qubit_4x4(psi[i], res[i], gate_error, readout_error, gamma, coh, probs[i], out[i])
