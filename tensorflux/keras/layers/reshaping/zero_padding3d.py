"""ZeroPadding3D: add zeros around the three spatial axes of volumes."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.convolutional import _args
from tensorflux.keras.layers.input_spec import InputSpec
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops

_ORDINALS = ("1st", "2nd", "3rd")


def pairs_3d(value: Any, name: str, layer: str) -> tuple[tuple[int, int], ...]:
    """An int, 3 ints or 3 pairs as ``((d0, d1), (h0, h1), (w0, w1))`` (Keras' 3D padding/cropping forms)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{layer}: `{name}` cannot be negative. Received: {name}={value}.")
        return ((value, value),) * 3
    if hasattr(value, "__len__") and not isinstance(value, str):
        if len(value) != 3:
            raise ValueError(f"{layer}: `{name}` should have 3 elements. Received: {name}={value!r}.")
        return tuple(
            _args.standardize_tuple(v, 2, f"{o} entry of {name}", allow_zero=True)  # type: ignore[misc]
            for o, v in zip(_ORDINALS, value)
        )
    raise ValueError(
        f"{layer}: `{name}` should be either an int, a tuple of 3 ints (symmetric_dim1, symmetric_dim2, "
        "symmetric_dim3), or a tuple of 3 tuples of 2 ints ((left_dim1, right_dim1), (left_dim2, "
        f"right_dim2), (left_dim3, right_dim3)). Received: {name}={value!r}."
    )


def spatial_start(data_format: str) -> int:
    """Index of the first spatial axis: 1 for ``channels_last``, 2 for ``channels_first``."""
    return 2 if data_format == "channels_first" else 1


class ZeroPadding3D(Layer):
    """Pad the depth, height and width of volumes with zeros.

    Args:
        padding: an int, 3 ints (symmetric per axis) or 3 pairs ``((d0, d1), (h0, h1), (w0, w1))``
            (default 1 on every side).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> ZeroPadding3D((1, 0, 2))(tf.ones((1, 2, 2, 2, 3))).shape
    TensorShape([1, 4, 2, 6, 3])
    """

    def __init__(
        self, padding: Any = ((1, 1), (1, 1), (1, 1)), data_format: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.data_format = _args.standardize_data_format(data_format)
        self.padding = pairs_3d(padding, "padding", "ZeroPadding3D")
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs: Tensor) -> Tensor:
        spatial = [list(p) for p in self.padding]
        if self.data_format == "channels_last":
            return array_ops.pad(inputs, [[0, 0], *spatial, [0, 0]])
        return array_ops.pad(inputs, [[0, 0], [0, 0], *spatial])

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        s = list(input_shape)
        first = spatial_start(self.data_format)
        for i, p in enumerate(self.padding):
            if s[first + i] is not None:
                s[first + i] += sum(p)
        return tuple(s)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
