"""``tf.config.experimental``: op determinism and the device functions (``framework/devices.py``)."""

from __future__ import annotations

from tensorflux.backend import ops as B
from tensorflux.framework.devices import (
    LogicalDeviceConfiguration,
    get_device_details,
    get_logical_device_configuration,
    get_memory_growth,
    get_memory_info,
    get_visible_devices,
    list_logical_devices,
    list_physical_devices,
    set_logical_device_configuration,
    set_memory_growth,
    set_visible_devices,
)

# TensorFlow's older names of the logical device configuration
VirtualDeviceConfiguration = LogicalDeviceConfiguration
get_virtual_device_configuration = get_logical_device_configuration
set_virtual_device_configuration = set_logical_device_configuration


def enable_op_determinism() -> None:
    """Make ops give the same bits for the same inputs on this machine, however busy it is.

    By default a product runs on one BLAS thread while other processes hold a core (a two-thread
    product then waits for a core, up to 50x slower), and one thread splits a product's sums
    differently from two, so the last bits of a result can depend on the machine's load. With op
    determinism on, every kernel keeps the configured threads. Everything else (random ops under
    seeds, the split of elementwise kernels and of convolutions over cores) gives the same bits
    either way.

    >>> import tensorflux as tf
    >>> tf.keras.utils.set_random_seed(1)
    >>> tf.config.experimental.enable_op_determinism()
    """
    B.set_op_determinism(True)


__all__ = [
    "VirtualDeviceConfiguration",
    "enable_op_determinism",
    "get_device_details",
    "get_memory_growth",
    "get_memory_info",
    "get_virtual_device_configuration",
    "get_visible_devices",
    "list_logical_devices",
    "list_physical_devices",
    "set_memory_growth",
    "set_virtual_device_configuration",
    "set_visible_devices",
]
