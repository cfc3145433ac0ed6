"""Distributions (``DataParallel``, ``ModelParallel``) and the global distribution setting.

tensorflux computes on one device, so a distribution is accepted when its mesh is that device
(``"cpu:0"``), and then every layout places the whole tensor on it.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np  # device names, not tensor data

from tensorflux.keras.distribution.devices import ONE_DEVICE, list_devices
from tensorflux.keras.distribution.layouts import DeviceMesh, LayoutMap, TensorLayout

DEFAULT_BATCH_DIM_NAME = "batch"
_state: dict[str, Any] = {"distribution": None}


class Distribution:
    """Base class of distributions: a ``DeviceMesh`` plus the layout of data, variables and tensors.

    Args:
        device_mesh: The ``DeviceMesh``; it must be the one CPU device on tensorflux.
        batch_dim_name: The mesh axis the batch is split along.
        auto_shard_dataset: Shard datasets between processes (one process here: no effect).
    """

    def __init__(
        self, device_mesh: DeviceMesh, batch_dim_name: str | None = None, auto_shard_dataset: bool = True
    ):
        _check_one_device(type(self).__name__, device_mesh)
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        self._num_processes = 1
        self._process_id = 0
        self._is_multi_process = False

    @property
    def num_processes(self) -> int:
        return self._num_processes

    @property
    def num_model_replicas(self) -> int:
        raise NotImplementedError()

    @property
    def data_shard_id(self) -> int:
        replicas = self.num_model_replicas
        if replicas >= self.num_processes:
            return self._process_id
        return self._process_id // (self.num_processes // replicas)

    def get_data_layout(self, data_shape: Any) -> TensorLayout:
        raise NotImplementedError()

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        raise NotImplementedError()

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        raise NotImplementedError()

    @contextlib.contextmanager
    def scope(self) -> Iterator[None]:
        """Make this the global distribution inside the ``with`` block."""
        previous = distribution()
        set_distribution(self)
        try:
            yield
        finally:
            set_distribution(previous)

    @property
    def device_mesh(self) -> DeviceMesh:
        return self._device_mesh

    @property
    def batch_dim_name(self) -> str | None:
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self) -> bool:
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value: bool) -> None:
        self._auto_shard_dataset = value

    def distribute_dataset(self, dataset: Any) -> Any:
        """The dataset this process reads: all of it (there is one process)."""
        return dataset

    def _batch_layout(self, data_shape: Any) -> TensorLayout:
        spec: list[Any] = [None] * len(data_shape)
        spec[0] = self.batch_dim_name
        return TensorLayout(spec, self.device_mesh)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"

    __str__ = __repr__


class DataParallel(Distribution):
    """Data parallelism: variables replicated, the batch split along the mesh's first axis.

    Give a ``device_mesh`` or ``devices`` (not both); by default the mesh is ``list_devices()``.

    Args:
        device_mesh: A ``DeviceMesh``; its first axis is the batch axis.
        devices: Devices to build a 1-D ``"batch"`` mesh from.
        auto_shard_dataset: Shard datasets between processes (one process here: no effect).

    >>> DataParallel().device_mesh
    <DeviceMesh shape=(1,), axis_names=['batch']>
    """

    def __init__(
        self, device_mesh: DeviceMesh | None = None, devices: Any = None, auto_shard_dataset: bool = True
    ):
        if device_mesh:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "Expect `mesh` to be an instance of `DeviceMesh`. "
                    f"Received: mesh={device_mesh} (of type {type(device_mesh)})"
                )
            super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)
            if device_mesh.devices.ndim != 1:
                warnings.warn(
                    "Expect the input mesh to be 1D, but received "
                    f"mesh.devices.ndim={device_mesh.devices.ndim}. "
                    "The first axis will be used for data-parallel sharding.",
                    stacklevel=2,
                )
            return
        devices = np.array(devices if devices else list_devices())
        mesh = DeviceMesh(shape=devices.shape, axis_names=[DEFAULT_BATCH_DIM_NAME], devices=devices)
        super().__init__(mesh, DEFAULT_BATCH_DIM_NAME, auto_shard_dataset)

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.devices.size)

    def get_data_layout(self, data_shape: Any) -> TensorLayout:
        return self._batch_layout(data_shape)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        if getattr(variable, "_layout", None) is not None:
            return variable._layout  # type: ignore[no-any-return]
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path: str) -> None:
        return None


class ModelParallel(Distribution):
    """Model parallelism: variables laid out by a ``LayoutMap`` (keyed by variable path).

    Args:
        layout_map: The ``LayoutMap``; its mesh is the distribution's mesh.
        batch_dim_name: The mesh axis the batch is split along; defaults to the mesh's first axis.
        auto_shard_dataset: Shard datasets between processes (one process here: no effect).

    >>> layout_map = LayoutMap(DeviceMesh((1, 1), ["batch", "model"]))
    >>> layout_map[".*kernel"] = (None, "model")
    >>> ModelParallel(layout_map=layout_map).batch_dim_name
    'batch'
    """

    def __init__(
        self,
        *,
        layout_map: LayoutMap | None = None,
        batch_dim_name: str | None = None,
        auto_shard_dataset: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("device_mesh", None)  # Keras accepts and ignores it: the mesh is the layout map's
        if layout_map is None:
            raise ValueError("You must specify a layout_map argument.")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                f"Argument `layout_map` must be a `LayoutMap` instance. Received: layout_map={layout_map}"
            )
        mesh = layout_map.device_mesh
        if mesh is None:
            raise ValueError(
                "ModelParallel needs a `LayoutMap` with a `DeviceMesh`. Received: LayoutMap(None)"
            )
        super().__init__(mesh, batch_dim_name or mesh.axis_names[0], auto_shard_dataset)
        self._layout_map = layout_map

    @property
    def num_model_replicas(self) -> int:
        return int(self.device_mesh.shape[list(self.device_mesh.axis_names).index(self.batch_dim_name)])

    def get_data_layout(self, data_shape: Any) -> TensorLayout:
        return self._batch_layout(data_shape)

    def get_variable_layout(self, variable: Any) -> TensorLayout:
        if getattr(variable, "_layout", None) is not None:
            return variable._layout  # type: ignore[no-any-return]
        layout = self._layout_map[variable.path]
        return layout if layout is not None else TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path: str) -> TensorLayout | None:
        return self._layout_map[path]


def distribute_tensor(tensor: Any, layout: Any) -> Any:
    """Lay ``tensor`` out by ``layout``: on one device the whole tensor stays where it is.

    >>> import tensorflux as tf
    >>> distribute_tensor(tf.ones((2,)), DataParallel().get_data_layout((2,))).shape
    TensorShape([2])
    """
    from tensorflux.framework.tensor import convert_to_tensor
    from tensorflux.keras.engine.keras_tensor import KerasTensor

    if isinstance(tensor, KerasTensor):
        return tensor
    if not isinstance(layout, TensorLayout):
        raise TypeError(
            f"distribute_tensor: `layout` must be a keras.distribution.TensorLayout. Received: {type(layout)}"
        )
    if layout.device_mesh is not None:
        _check_one_device("distribute_tensor", layout.device_mesh)
    return convert_to_tensor(tensor)


def distribution() -> Distribution | None:
    """The global distribution (``None`` unless ``set_distribution`` was called).

    >>> distribution() is None
    True
    """
    return _state["distribution"]  # type: ignore[no-any-return]


def set_distribution(value: Distribution | None) -> None:
    """Set the global distribution (``None`` clears it).

    >>> set_distribution(DataParallel()); set_distribution(None)
    """
    if value is not None and not isinstance(value, Distribution):
        raise TypeError(
            f"set_distribution expects a keras.distribution.Distribution or None. Received: {type(value)}"
        )
    _state["distribution"] = value


def _check_one_device(where: str, mesh: Any) -> None:
    devices = [str(d).lower() for d in np.asarray(getattr(mesh, "devices", [])).ravel()]
    if devices != ["cpu:0"]:
        raise ValueError(
            f"{where}: {ONE_DEVICE}, so a distribution can only use the mesh of that device "
            f"(e.g. DeviceMesh((1,), ['batch'])). Received: {mesh} with devices {devices}"
        )
