"""Devices: ``tf.device`` and the device functions of ``tf.config``.

The NumPy backend has one device, the CPU, so these functions answer for it and accept what
TensorFlow programs commonly do with devices: pin ops with ``with tf.device("/GPU:0")`` (placed on
the CPU, as TensorFlow's soft placement does when no GPU exists), hide the GPUs with
``tf.config.set_visible_devices([], "GPU")``, and ask for memory growth on each GPU found (none
is found). Device strings are parsed as TensorFlow parses them, so a malformed one is an error.

>>> import tensorflux as tf
>>> tf.config.list_physical_devices("GPU")
[]
>>> with tf.device("/GPU:0"):
...     x = tf.constant(1.0)
>>> x.device
'/job:localhost/replica:0/task:0/device:CPU:0'
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any, NamedTuple


class PhysicalDevice(NamedTuple):
    """A device of this machine, as ``tf.config.list_physical_devices`` lists it."""

    name: str
    device_type: str


class LogicalDevice(NamedTuple):
    """A device ops can be placed on, as ``tf.config.list_logical_devices`` lists it."""

    name: str
    device_type: str


class LogicalDeviceConfiguration(NamedTuple):
    """How to split a physical device into logical ones (stored and returned; the CPU is not split)."""

    memory_limit: Any = None
    experimental_priority: Any = None
    experimental_device_ordinal: Any = None


_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")
_CPU_LOGICAL = LogicalDevice("/device:CPU:0", "CPU")
_state: dict[str, Any] = {"soft_placement": True, "logical": {}}
_TYPES = "cpu|gpu|tpu|xla_cpu|xla_gpu"
_PART = re.compile(
    rf"(job:[^/]+|replica:\d+|task:\d+|(device:)?({_TYPES}|[A-Za-z_]+(?=:))(:(\d+|\*))?)$", re.IGNORECASE
)


def _of_type(devices: list[Any], device_type: str | None) -> list[Any]:
    return [d for d in devices if device_type is None or d.device_type == device_type.upper()]


def list_physical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """The physical devices of ``device_type`` (``"CPU"``, ``"GPU"``, ...; None for all): the CPU."""
    return _of_type([_CPU], device_type)


def list_logical_devices(device_type: str | None = None) -> list[LogicalDevice]:
    """The logical devices of ``device_type`` (None for all): the CPU."""
    return _of_type([_CPU_LOGICAL], device_type)


def get_visible_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """The physical devices ops may use: all of them (the CPU)."""
    return list_physical_devices(device_type)


def _check_device(device: Any, what: str) -> None:
    if not isinstance(device, PhysicalDevice) or device not in list_physical_devices():
        raise ValueError(
            f"{what}: {device!r} is not a device of this machine; pass one of "
            f"tf.config.list_physical_devices() = {list_physical_devices()}."
        )


def set_visible_devices(devices: Any, device_type: str | None = None) -> None:
    """Choose the devices ops may use. Hiding the GPUs (``[]``, ``"GPU"``) is accepted (there are
    none); the CPU, the only device, must stay visible."""
    devices = [devices] if isinstance(devices, PhysicalDevice) else list(devices)
    for d in devices:
        _check_device(d, "set_visible_devices")
    if _CPU not in devices and device_type in (None, "CPU", "cpu"):
        raise ValueError(
            "set_visible_devices: the CPU is tensorflux's only device and cannot be hidden; "
            "to hide the GPUs, call tf.config.set_visible_devices([], 'GPU')."
        )


def set_logical_device_configuration(device: Any, logical_devices: Any) -> None:
    """Store ``logical_devices`` (a list of :class:`LogicalDeviceConfiguration`) for ``device``;
    the CPU stays one logical device."""
    _check_device(device, "set_logical_device_configuration")
    _state["logical"][device] = None if logical_devices is None else list(logical_devices)


def get_logical_device_configuration(device: Any) -> Any:
    """What :func:`set_logical_device_configuration` stored for ``device`` (None if nothing)."""
    _check_device(device, "get_logical_device_configuration")
    return _state["logical"].get(device)


def set_memory_growth(device: Any, enable: bool) -> None:
    """Memory growth is a GPU setting: the CPU has none (TensorFlow's error for the CPU)."""
    _check_device(device, "set_memory_growth")
    raise ValueError("Cannot set memory growth on non-GPU and non-Pluggable devices")


def get_memory_growth(device: Any) -> bool:
    """Memory growth is a GPU setting: the CPU has none."""
    _check_device(device, "get_memory_growth")
    raise ValueError(f"Memory growth is a GPU setting; {device.name} is a CPU.")


def get_memory_info(device: str) -> dict[str, int]:
    """Allocator statistics are a GPU feature (TensorFlow's error for the CPU)."""
    raise ValueError(f"Allocator stats not available for device {device!r}")


def get_device_details(device: Any) -> dict[str, Any]:
    """Details of a physical device: none for the CPU (as TensorFlow)."""
    _check_device(device, "get_device_details")
    return {}


def set_soft_device_placement(enabled: bool) -> None:
    """Whether an op pinned to a missing device runs where it can (always so here: the CPU)."""
    _state["soft_placement"] = bool(enabled)


def get_soft_device_placement() -> bool:
    return bool(_state["soft_placement"])


def _parse(spec: str) -> None:
    parts = [p for p in spec.strip().split("/") if p]
    for p in parts:
        if not _PART.match(p):
            raise ValueError(
                f"Unknown attribute {p!r} is encountered while parsing the device spec: {spec!r}."
            )


@contextlib.contextmanager
def device(device_name: Any) -> Iterator[None]:
    """``with tf.device("/CPU:0"):`` -- ops inside run on the CPU, the only device; a GPU name is
    placed on the CPU too, as TensorFlow's soft placement does without a GPU.

    Raises:
        ValueError: ``device_name`` is not a device spec (``"/job:x/replica:0/task:0/device:CPU:0"``,
            ``"/CPU:0"``, ``"GPU"``, ``""`` or None).
    """
    if device_name is not None:
        if not isinstance(device_name, str):
            raise ValueError(f"tf.device expects a device name string or None, got {device_name!r}.")
        _parse(device_name)
    yield


__all__ = [
    "LogicalDevice",
    "LogicalDeviceConfiguration",
    "PhysicalDevice",
    "device",
    "get_device_details",
    "get_logical_device_configuration",
    "get_memory_growth",
    "get_memory_info",
    "get_soft_device_placement",
    "get_visible_devices",
    "list_logical_devices",
    "list_physical_devices",
    "set_logical_device_configuration",
    "set_memory_growth",
    "set_soft_device_placement",
    "set_visible_devices",
]
