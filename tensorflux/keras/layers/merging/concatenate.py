"""Concatenate: join a list of inputs along one axis."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.merging.base_merge import Merge
from tensorflux.ops import array_ops, math_ops


class Concatenate(Merge):
    """Concatenate a list of inputs along ``axis``; all other dimensions must match.

    Args:
        axis: the concatenation axis (default -1).

    >>> import tensorflux as tf
    >>> Concatenate()([tf.ones((2, 3)), tf.zeros((2, 4))]).shape
    TensorShape([2, 7])
    """

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)

    def build(self, input_shape: Any) -> None:
        shapes = self._check_list(input_shape)
        if any(s is None for s in shapes):
            return
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(
                f"A `Concatenate` layer ('{self.name}') requires inputs of the same rank. Received: "
                f"input_shape={shapes}"
            )
        rank = ranks.pop()
        axis = self.axis % rank
        for i in range(rank):
            if i == axis:
                continue
            sizes = {s[i] for s in shapes if s[i] is not None}
            if len(sizes) > 1:
                raise ValueError(
                    f"A `Concatenate` layer ('{self.name}') requires inputs with matching shapes except "
                    "for the "
                    f"concatenation axis {self.axis}. Received: input_shape={shapes}"
                )

    def _merge_function(self, inputs: list[Tensor]) -> Tensor:
        return array_ops.concat(list(inputs), axis=self.axis)

    def call(self, inputs: Any) -> Tensor:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A `Concatenate` layer ('{self.name}') should be called on a list of inputs. Received: "
                f"{inputs!r}"
            )
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        shapes = self._check_list(input_shape)
        out = list(shapes[0])
        for s in shapes[1:]:
            if out[self.axis] is None or s[self.axis] is None:
                out[self.axis] = None
                break
            out[self.axis] += s[self.axis]
        return tuple(out)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError(f"`mask` should be a list with one entry per input. Received: mask={mask!r}")
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            full = tuple(x.shape)
            if m is None:
                masks.append(P.unary(P.broadcast_to, array_ops.ones((), "bool"), shape=full))
            elif m.ndim < x.ndim:
                masks.append(P.unary(P.broadcast_to, array_ops.expand_dims(m, -1), shape=full))
            else:
                masks.append(m)
        return math_ops.reduce_any(array_ops.concat(masks, axis=self.axis), axis=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs: list[Any], axis: int = -1, **kwargs: Any) -> Tensor:
    """Functional interface to the ``Concatenate`` layer.

    >>> import tensorflux as tf
    >>> concatenate([tf.ones((2, 3)), tf.zeros((2, 4))]).shape
    TensorShape([2, 7])
    """
    return Concatenate(axis=axis, **kwargs)(inputs)
