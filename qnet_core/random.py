"""Explicit, reproducible randomness.

Every stochastic function in qnetsim takes ``seed: int | numpy.random.Generator |
numpy.random.SeedSequence | None`` and turns it into a Generator exactly once with
:func:`as_generator`. Work that is split into independent tasks derives one child
stream per task with :func:`spawn_seeds`, so results do not depend on how many workers
(processes, machines) ran the tasks.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._args import count
from .errors import ParameterError

__all__ = ["as_generator", "spawn_seeds", "SeedLike", "MAX_SEEDS"]

SeedLike = "int | numpy.random.Generator | numpy.random.SeedSequence | None"

#: Most child streams one :func:`spawn_seeds` call derives (each costs a SeedSequence, ~10 us);
#: a run split into more independent tasks than this gains nothing.
MAX_SEEDS = 2**16


def as_generator(seed: SeedLike = None) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``seed``.

    Parameters
    ----------
    seed : int, numpy.random.Generator, numpy.random.SeedSequence or None
        An existing Generator is returned unchanged (so callers can share a stream);
        an int or SeedSequence seeds a new PCG64 generator; None draws fresh entropy.

    Returns
    -------
    numpy.random.Generator
        ``seed`` itself if it is a Generator, else a new PCG64-based generator.

    Examples
    --------
    >>> bool(as_generator(7).integers(10) == as_generator(7).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        if seed < 0:
            raise ParameterError(f"seed={seed} is negative; a seed must be an integer >= 0")
        return np.random.default_rng(int(seed))
    raise ParameterError(
        f"seed={seed!r} of type {type(seed).__name__} is not allowed; "
        "use an int >= 0, a numpy.random.Generator, a numpy.random.SeedSequence or None"
    )


def spawn_seeds(seed: int | np.random.Generator | np.random.SeedSequence | None,
                n: int) -> list[np.random.SeedSequence]:
    """Derive ``n`` independent child seed sequences from ``seed``.

    The i-th child depends only on ``seed`` and ``i``, never on ``n`` or on which worker
    uses it, so splitting trials into chunks across processes is reproducible.

    Parameters
    ----------
    seed : int, numpy.random.SeedSequence, numpy.random.Generator or None
        Root seed (an int >= 0). A Generator contributes a fresh root drawn from it; None
        draws fresh entropy from the operating system (not reproducible), as everywhere in
        qnetsim (see :func:`as_generator`).
    n : int
        Number of children, in ``[0, MAX_SEEDS]`` (``MAX_SEEDS = 65536``).

    Returns
    -------
    list of numpy.random.SeedSequence
        ``n`` children; child i is ``SeedSequence(root.entropy, spawn_key=root.spawn_key + (i,))``.
    """
    n = count(n, "n", "spawn_seeds", hi=MAX_SEEDS, what="the number of child seed streams")
    if isinstance(seed, np.random.SeedSequence):
        root = seed
    elif isinstance(seed, np.random.Generator):
        root = np.random.SeedSequence(int(seed.integers(0, 2**63 - 1)))
    elif seed is None:
        root = np.random.SeedSequence()
    else:
        as_generator(seed)  # validates type and sign
        root = np.random.SeedSequence(int(seed))
    # SeedSequence(entropy, spawn_key=(i,)) is what root.spawn yields for child i, but it
    # does not depend on how many children were spawned before.
    return [
        np.random.SeedSequence(root.entropy, spawn_key=tuple(root.spawn_key) + (i,))
        for i in range(int(n))
    ]
