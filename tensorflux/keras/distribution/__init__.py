"""``keras.distribution``: Keras' distribution API on tensorflux's one device, the CPU.

Meshes, layouts and layout maps are built and checked as Keras builds them; a distribution over the
one CPU device runs as usual, and one that needs more devices raises a ValueError.
"""

from tensorflux.keras.distribution.devices import get_device_count, initialize, list_devices
from tensorflux.keras.distribution.distributions import (
    DataParallel,
    ModelParallel,
    distribute_tensor,
    distribution,
    set_distribution,
)
from tensorflux.keras.distribution.layouts import DeviceMesh, LayoutMap, TensorLayout

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "set_distribution",
]
