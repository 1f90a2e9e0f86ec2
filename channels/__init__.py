"""Physical noise and loss models as Kraus channels."""

from .fiber import SPEED_OF_LIGHT_KM_PER_S, Fiber

__all__ = ["Fiber", "SPEED_OF_LIGHT_KM_PER_S"]
