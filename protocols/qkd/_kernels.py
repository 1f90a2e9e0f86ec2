"""Compiled kernels of the QKD Monte Carlo (private; inputs are validated by protocols.qkd.bb84).

Random numbers come from an inline xoshiro256** generator (Blackman & Vigna 2018) seeded by
splitmix64 from a 64-bit seed drawn from the caller's numpy Generator: it is several times
faster than numba's shared Mersenne Twister in this click loop and keeps every call
self-contained (no global state), so results depend only on the seed.
"""

from __future__ import annotations

import numpy as np
from numpy import uint64

from qnet_core._jit import jit

__all__ = ["simulate_clicks"]

_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@jit(inline="always")
def _rotl(x, k):
    return (x << uint64(k)) | (x >> uint64(64 - k))


@jit(inline="always")
def _next(s):
    result = _rotl(s[1] * uint64(5), 7) * uint64(9)
    t = s[1] << uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@jit
def _seed_state(seed):
    s = np.empty(4, dtype=np.uint64)
    z = uint64(seed)
    for i in range(4):
        z = z + uint64(0x9E3779B97F4A7C15)
        x = z
        x = (x ^ (x >> uint64(30))) * uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> uint64(27))) * uint64(0x94D049BB133111EB)
        s[i] = x ^ (x >> uint64(31))
    return s


@jit
def simulate_clicks(seed, n_clicks, cum, test_fraction):
    """Simulate ``n_clicks`` detection events of BB84 one by one.

    Parameters
    ----------
    seed : int
        64-bit seed (>= 0) of this call's xoshiro256** stream.
    n_clicks : int
        Number of clicks to simulate.
    cum : float64 (6,)
        Cumulative conditional probabilities of (photon class, error) given a click, in the
        order (0, ok), (0, err), (1, ok), (1, err), (>=2, ok), (>=2, err); ``cum[5] == 1``.
    test_fraction : float
        Probability that a sifted bit is disclosed for parameter estimation.

    Returns
    -------
    int64 (7,)
        sifted, sifted_errors, sifted_single, sifted_single_errors, test, test_errors, key_single.

    Notes
    -----
    Per click one 64-bit draw: its top 53 bits give the uniform that picks (class, error), its
    three lowest bits are Alice's basis, Bob's basis and Alice's bit (independent bits of the
    xoshiro256** output). A second draw decides test membership of sifted bits.
    """
    s = _seed_state(seed)
    out = np.zeros(7, dtype=np.int64)
    sifted = 0
    sifted_err = 0
    s1 = 0
    s1_err = 0
    test = 0
    test_err = 0
    key1 = 0
    c0, c1, c2, c3, c4 = cum[0], cum[1], cum[2], cum[3], cum[4]
    for _ in range(n_clicks):
        x = _next(s)
        a_basis = x & uint64(1)
        b_basis = (x >> uint64(1)) & uint64(1)
        if a_basis != b_basis:
            continue
        a_bit = (x >> uint64(2)) & uint64(1)
        u = float(x >> uint64(11)) * _INV53
        # (class, error) from the cumulative table
        if u < c0:
            photons = 0
            err = 0
        elif u < c1:
            photons = 0
            err = 1
        elif u < c2:
            photons = 1
            err = 0
        elif u < c3:
            photons = 1
            err = 1
        elif u < c4:
            photons = 2
            err = 0
        else:
            photons = 2
            err = 1
        b_bit = a_bit ^ uint64(err)
        e = 1 if a_bit != b_bit else 0
        sifted += 1
        sifted_err += e
        if photons == 1:
            s1 += 1
            s1_err += e
        if test_fraction > 0.0 and float(_next(s) >> uint64(11)) * _INV53 < test_fraction:
            test += 1
            test_err += e
        elif photons == 1:
            key1 += 1
    out[0] = sifted
    out[1] = sifted_err
    out[2] = s1
    out[3] = s1_err
    out[4] = test
    out[5] = test_err
    out[6] = key1
    return out
