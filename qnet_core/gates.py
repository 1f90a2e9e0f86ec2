"""Standard gates as complex128 matrices (qubit 0 of a multi-qubit gate = most significant bit).

Two-qubit gates act on ``targets = (control, target)`` for CNOT; CZ and SWAP are
symmetric. Rotations follow ``R_a(theta) = exp(-i theta sigma_a / 2)``.
"""

from __future__ import annotations

import numpy as np

from ._args import real

__all__ = ["I2", "X", "Y", "Z", "H", "S", "SDG", "T", "CNOT", "CZ", "SWAP", "PAULIS", "rx", "ry", "rz"]


def _frozen(a) -> np.ndarray:
    arr = np.array(a, dtype=np.complex128)
    arr.setflags(write=False)
    return arr


I2 = _frozen([[1, 0], [0, 1]])
X = _frozen([[0, 1], [1, 0]])
Y = _frozen([[0, -1j], [1j, 0]])
Z = _frozen([[1, 0], [0, -1]])
H = _frozen(np.array([[1, 1], [1, -1]]) / np.sqrt(2.0))
S = _frozen([[1, 0], [0, 1j]])
SDG = _frozen([[1, 0], [0, -1j]])
T = _frozen([[1, 0], [0, np.exp(1j * np.pi / 4)]])
CNOT = _frozen([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])
CZ = _frozen(np.diag([1, 1, 1, -1]))
SWAP = _frozen([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]])
#: (I, X, Y, Z) stacked, shape (4, 2, 2).
PAULIS = _frozen(np.stack([I2, X, Y, Z]))


def rx(theta: float) -> np.ndarray:
    """Rotation about X: ``exp(-i theta X / 2)``.

    Parameters
    ----------
    theta : float
        Rotation angle in radians.

    Returns
    -------
    numpy.ndarray, complex128, shape (2, 2)
        The unitary rotation about X.
    """
    theta = real(theta, "theta", "rx")
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -1j * s], [-1j * s, c]], dtype=np.complex128)


def ry(theta: float) -> np.ndarray:
    """Rotation about Y: ``exp(-i theta Y / 2)``.

    Parameters
    ----------
    theta : float
        Rotation angle in radians.

    Returns
    -------
    numpy.ndarray, complex128, shape (2, 2)
        The unitary rotation about Y.
    """
    theta = real(theta, "theta", "ry")
    c, s = np.cos(theta / 2), np.sin(theta / 2)
    return np.array([[c, -s], [s, c]], dtype=np.complex128)


def rz(theta: float) -> np.ndarray:
    """Rotation about Z: ``exp(-i theta Z / 2)``.

    Parameters
    ----------
    theta : float
        Rotation angle in radians.

    Returns
    -------
    numpy.ndarray, complex128, shape (2, 2)
        The unitary rotation about Z.
    """
    theta = real(theta, "theta", "rz")
    return np.array([[np.exp(-0.5j * theta), 0], [0, np.exp(0.5j * theta)]], dtype=np.complex128)
