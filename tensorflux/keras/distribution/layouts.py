"""``DeviceMesh``, ``TensorLayout`` and ``LayoutMap``: how tensors would be laid out over devices."""

from __future__ import annotations

import collections.abc
import math
import re
from typing import Any

import numpy as np  # device names in an N-D grid, as Keras keeps them (not tensor data)

from tensorflux.keras.distribution.devices import list_devices


class DeviceMesh:
    """A grid of devices with a name per axis (as ``jax.sharding.Mesh``).

    Args:
        shape: The mesh shape, e.g. ``(8,)`` or ``(2, 4)``.
        axis_names: One name per mesh axis, e.g. ``["batch", "model"]``.
        devices: The devices; defaults to ``keras.distribution.list_devices()``.

    >>> mesh = DeviceMesh((1,), ["batch"])
    >>> mesh.devices
    array(['cpu:0'], dtype='<U5')
    """

    def __init__(self, shape: Any, axis_names: Any, devices: Any = None) -> None:
        if not shape or not axis_names:
            raise ValueError(
                f"Shape and axis_names cannot be empty. Received: shape={shape}, axis_names={axis_names}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                "Shape and axis_names should have same size. "
                f"Received: shape={shape}, axis_names={axis_names}"
            )
        devices = np.array(list_devices() if devices is None else devices)
        if math.prod(shape) != math.prod(devices.shape):
            raise ValueError(
                f"Shape does not match the number of devices. Received: shape={shape}; "
                f"devices.shape={devices.shape}"
            )
        self._shape = shape
        self._axis_names = axis_names
        self._devices = np.reshape(devices, shape)

    @property
    def shape(self) -> Any:
        return self._shape

    @property
    def axis_names(self) -> Any:
        return self._axis_names

    @property
    def devices(self) -> Any:
        return self._devices

    def __repr__(self) -> str:
        return f"<{type(self).__name__} shape={self.shape}, axis_names={self.axis_names}>"

    __str__ = __repr__


class TensorLayout:
    """Which mesh axis (or ``None``: not sharded) each tensor dimension is laid out along.

    Args:
        axes: One mesh axis name or ``None`` per tensor dimension.
        device_mesh: The ``DeviceMesh``; may be set once later (a ``LayoutMap`` sets it).

    >>> TensorLayout(("batch", None), DeviceMesh((1,), ["batch"])).axes
    ('batch', None)
    """

    def __init__(self, axes: Any, device_mesh: DeviceMesh | None = None) -> None:
        self._axes = tuple(axes)
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def axes(self) -> tuple[Any, ...]:
        return self._axes

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh: DeviceMesh | None) -> None:
        if self._device_mesh is not None:
            raise ValueError(f"Cannot override device mesh value. Existing value is {self._device_mesh}")
        self._device_mesh = device_mesh
        self._validate_axes()

    def _validate_axes(self) -> None:
        if self._device_mesh:
            valid = set(self._device_mesh.axis_names)
            names = set(self._axes) - {None}
            if names - valid:
                raise ValueError(f"Invalid axis names for Layout. Valid axis names: {valid}, Got {names}")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} axes={self.axes}, device_mesh={self.device_mesh}>"

    __str__ = __repr__


class LayoutMap(collections.abc.MutableMapping):
    """A mapping from variable/tensor paths to ``TensorLayout``; keys are regexes when looked up.

    ``layout_map[path]`` returns the layout stored under ``path``, else the one whose key
    ``re.fullmatch``-es ``path`` (ValueError if several do), else ``None``. A tuple of axis names
    may be stored and becomes a ``TensorLayout`` on this map's mesh.

    Args:
        device_mesh: The ``DeviceMesh`` the layouts refer to.

    >>> layout_map = LayoutMap(DeviceMesh((1,), ["model"]))
    >>> layout_map[".*dense.*kernel"] = (None, "model")
    >>> layout_map["dense_1/kernel"].axes
    (None, 'model')
    """

    def __init__(self, device_mesh: DeviceMesh | None) -> None:
        self._layout_map: collections.OrderedDict[str, TensorLayout] = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key: str) -> TensorLayout | None:
        if key in self._layout_map:
            return self._layout_map[key]
        matches = [pattern for pattern in self._layout_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(
                f"Path '{key}' matches multiple layout specification keys: {matches}. Please make sure "
                "each tensor/variable path only matches at most one layout specification key in the "
                "LayoutMap."
            )
        return self._layout_map[matches[0]] if matches else None

    def __setitem__(self, key: str, layout: Any) -> None:
        if key in self._layout_map:
            raise ValueError(
                f"{key} already exist in the LayoutMap with value {self._layout_map[key]}. "
                "Please make sure to not use duplicated keys."
            )
        if isinstance(layout, tuple):
            layout = TensorLayout(axes=layout, device_mesh=None)
        if not isinstance(layout, TensorLayout):
            raise ValueError(f"{layout} should be a TensorLayout type, got {type(layout)}")
        if layout.device_mesh is None and self._device_mesh is not None:
            layout.device_mesh = self._device_mesh
        self._layout_map[key] = layout

    def __delitem__(self, key: str) -> TensorLayout:  # type: ignore[override]
        return self._layout_map.pop(key)

    def __len__(self) -> int:
        return len(self._layout_map)

    def __iter__(self) -> Any:
        return iter(self._layout_map)

    @property
    def device_mesh(self) -> DeviceMesh | None:
        return self._device_mesh

    def get(self, key: str, default: Any = None) -> Any:
        """Like ``layout_map[key]`` (regex lookup), ``default`` when nothing matches."""
        value = self[key]
        return default if value is None else value
