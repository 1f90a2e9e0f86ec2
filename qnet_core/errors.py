"""Exception hierarchy of qnetsim.

Every error raised for bad user input derives from :class:`QnetError`, which is a
:class:`ValueError`, so ``except ValueError`` keeps working in user code. Messages name
the argument, the offending value and what is allowed.
"""

from __future__ import annotations

__all__ = [
    "MissingDependencyError",
    "QnetError",
    "StateError",
    "DimensionError",
    "QubitIndexError",
    "ParameterError",
    "ChannelError",
    "ScenarioError",
]


class QnetError(ValueError):
    """Base class of all qnetsim input errors."""


class StateError(QnetError):
    """An array is not a valid density matrix (not Hermitian, not positive, trace != 1, NaN)."""


class DimensionError(QnetError):
    """An array has the wrong shape or a dimension that is not a power of two."""


class QubitIndexError(QnetError):
    """Qubit indices are out of range, repeated, or of the wrong count."""


class ParameterError(QnetError):
    """A physical or numerical parameter is outside its allowed range."""


class ChannelError(QnetError):
    """A set of Kraus operators (or another channel representation) is not CPTP."""


class ScenarioError(QnetError):
    """A scenario file or command-line configuration is malformed."""


class MissingDependencyError(QnetError, ImportError):
    """An optional dependency (QuTiP for the QuTiP bridge, tqdm for progress bars) is needed for
    this call but is not installed; the message says what to install."""
