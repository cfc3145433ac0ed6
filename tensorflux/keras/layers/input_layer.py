"""InputLayer and ``Input()``: the entry points of a functional graph."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import dtypes as _dt
from tensorflux.framework.config import floatx
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.engine.naming import auto_name
from tensorflux.keras.engine.node import Node
from tensorflux.keras.layers.layer import Layer


class InputLayer(Layer):
    """The layer behind ``keras.Input``: it holds the model's input KerasTensor.

    Args:
        shape: the shape of one sample (without the batch dimension).
        batch_size: fixed batch size, or None.
        dtype: the input dtype (``floatx()`` by default).
        batch_shape: the full shape including the batch dimension (instead of shape/batch_size).
        input_tensor: an existing KerasTensor to use as the input.
        optional: whether None may be passed for this input.
        name: the layer's (and the tensor's) name.

    >>> InputLayer(shape=(3,)).output.shape
    (None, 3)
    """

    def __init__(
        self,
        shape: Any = None,
        batch_size: int | None = None,
        dtype: Any = None,
        sparse: bool | None = None,
        batch_shape: Any = None,
        input_tensor: Any = None,
        optional: bool = False,
        name: str | None = None,
        ragged: bool | None = None,
        **kwargs: Any,
    ) -> None:
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        kwargs.pop("trainable", None)
        kwargs.pop("autocast", None)
        super().__init__(name=name or auto_name("input_layer"), dtype=None, **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError(
                "You cannot pass both `shape` and `batch_shape` at the same time. "
                f"Received: shape={shape}, batch_shape={batch_shape}"
            )
        if input_tensor is not None:
            if not isinstance(input_tensor, KerasTensor):
                raise ValueError(
                    f"Argument `input_tensor` must be a KerasTensor. Received invalid type: "
                    f"input_tensor={input_tensor} (of type {type(input_tensor)})"
                )
            batch_shape = input_tensor.shape
            dtype = input_tensor.dtype if dtype is None else dtype
        if shape is None and batch_shape is None:
            raise ValueError(
                "You must pass a `shape` argument: the shape of one sample, e.g. Input(shape=(784,))."
            )
        if shape is not None:
            if isinstance(shape, int):
                shape = (shape,)
            try:
                shape = tuple(None if d is None else int(d) for d in shape)
            except (TypeError, ValueError):
                raise ValueError(
                    f"Input: `shape` must be a tuple of integers or None. Received: shape={shape!r}"
                ) from None
            batch_shape = (batch_size,) + shape
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)  # type: ignore[union-attr]
        # floatx, not the global policy's compute dtype: Keras' inputs stay float32 under mixed_float16
        self._dtype_name = _dt.as_dtype(dtype if dtype is not None else floatx()).name
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.optional = optional
        if input_tensor is None:
            input_tensor = KerasTensor(
                self._batch_shape, self._dtype_name, sparse=self.sparse, name=self.name
            )
        self._input_tensor = input_tensor
        Node(self, (), {}, input_tensor)
        self.built = True

    @property
    def batch_shape(self) -> tuple[Any, ...]:
        return self._batch_shape

    @property
    def dtype(self) -> str:  # type: ignore[override]
        return self._dtype_name

    def call(self, inputs: Any = None) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any = None) -> Any:
        return self._batch_shape

    def get_config(self) -> dict[str, Any]:
        return {
            "batch_shape": self._batch_shape,
            "dtype": self._dtype_name,
            "sparse": self.sparse,
            "ragged": self.ragged,
            "name": self.name,
            "optional": self.optional,
        }


def Input(  # noqa: N802  (Keras' public name)
    shape: Any = None,
    batch_size: int | None = None,
    dtype: Any = None,
    sparse: bool | None = None,
    batch_shape: Any = None,
    name: str | None = None,
    tensor: Any = None,
    optional: bool = False,
    ragged: bool | None = None,
) -> KerasTensor:
    """A symbolic input for the functional API.

    Args:
        shape: the shape of one sample, e.g. ``(784,)`` or ``(28, 28, 1)``.
        batch_size: a fixed batch size (rarely needed).
        dtype: the input dtype, ``"float32"`` by default.
        batch_shape: the full shape including the batch dimension.
        name: the input's name (used to match dict inputs).
        tensor: an existing KerasTensor to wrap.
        optional: whether the input may be None.

    >>> x = Input(shape=(784,))
    >>> x.shape
    (None, 784)
    """
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        input_tensor=tensor,
        optional=optional,
        ragged=ragged,
    )
    return layer.output
