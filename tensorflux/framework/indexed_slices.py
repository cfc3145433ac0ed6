"""IndexedSlices: a sparse gradient made of rows of a larger tensor (``tf.IndexedSlices``).

The gradient of an embedding lookup into a large vocabulary touches only the looked-up rows.
An ``IndexedSlices`` keeps those rows (``values``), their row numbers (``indices``, repeats
allowed: they add up) and the full shape (``dense_shape``).  It is a ``Tensor``: any operation
that reads its value gets the dense array, built once on first use, so code that does not know
about sparse gradients still computes correct results.  Code that does know (an optimizer
applying the update row by row) reads ``values`` and ``indices`` and never builds the dense array.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import dtypes as _dt
from tensorflux.framework.shape import TensorShape
from tensorflux.framework.tensor import Tensor, convert_to_tensor


class IndexedSlices(Tensor):
    """Rows ``values[k]`` of a tensor of shape ``dense_shape`` at rows ``indices[k]`` (summed).

    >>> import tensorflux as tf
    >>> from tensorflux.framework.indexed_slices import IndexedSlices
    >>> s = IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([2, 2]), (3, 2))
    >>> tf.convert_to_tensor(s).numpy()
    array([[0., 0.],
           [0., 0.],
           [4., 6.]], dtype=float32)
    """

    __slots__ = ("values", "indices", "_dense_shape", "_dense")

    def __init__(self, values: Any, indices: Any, dense_shape: Any) -> None:
        values = convert_to_tensor(values)
        indices = convert_to_tensor(indices)
        shape = tuple(
            int(d) for d in (dense_shape.numpy() if isinstance(dense_shape, Tensor) else dense_shape)
        )
        if indices._value.ndim != 1 or values._value.shape[:1] != indices._value.shape:
            raise ValueError(
                f"IndexedSlices: indices must be 1-D with one entry per row of values; received values of "
                f"shape {tuple(values._value.shape)} and indices of shape {tuple(indices._value.shape)}."
            )
        if tuple(values._value.shape[1:]) != shape[1:]:
            raise ValueError(
                f"IndexedSlices: rows of shape {tuple(values._value.shape[1:])} do not fit "
                f"dense_shape {shape}."
            )
        self.values = values
        self.indices = indices
        self._dense_shape = shape
        self._dense = None

    @property  # type: ignore[override]
    def _value(self) -> Any:
        # every ordinary operation reads _value: give it the dense array, built once
        if self._dense is None:
            self._dense = B.embedding_lookup_grad(
                self.values._value, self.indices._value, self._dense_shape[0]
            )
        return self._dense

    def concat(self, other: IndexedSlices) -> IndexedSlices:
        """The sum of two sparse gradients of the same tensor, still sparse (rows side by side)."""
        if other._dense_shape != self._dense_shape:
            raise ValueError(
                f"IndexedSlices.concat: dense shapes differ, {self._dense_shape} and {other._dense_shape}."
            )
        values = Tensor(B.concat([self.values._value, other.values._value], 0))
        indices = Tensor(B.concat([self.indices._value, other.indices._value], 0))
        return IndexedSlices(values, indices, self._dense_shape)

    @property
    def dense_shape(self) -> Tensor:
        return Tensor(B.asarray(self._dense_shape, B.native_dtype("int64")))

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._dense_shape)

    @property
    def dtype(self) -> _dt.DType:
        return self.values.dtype

    @property
    def ndim(self) -> int:
        return len(self._dense_shape)

    def __repr__(self) -> str:
        return (
            f"IndexedSlices(indices={self.indices!r}, values={self.values!r}, "
            f"dense_shape={self._dense_shape})"
        )
