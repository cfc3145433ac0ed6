"""Merge: the base of the elementwise merging layers (checks shapes, aligns ranks, combines masks)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.masking import get_keras_mask, set_keras_mask
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops, math_ops


def _is_shape_list(shapes: Any) -> bool:
    return (
        isinstance(shapes, (list, tuple))
        and len(shapes) > 0
        and all(s is None or isinstance(s, (list, tuple)) for s in shapes)
    )


class Merge(Layer):
    """Combine a list of tensors of compatible (broadcastable) shapes with ``_merge_function``.

    Inputs of lower rank gain axes after the batch axis, as in Keras.  The output mask is the
    logical OR of the input masks when every input has one.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs: list[Tensor]) -> Tensor:
        raise NotImplementedError

    def _elementwise_shape(self, shape1: Any, shape2: Any) -> Any:
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            return self._elementwise_shape(shape2, shape1)
        if not shape2:
            return tuple(shape1)
        out = list(shape1[: -len(shape2)])
        for i, j in zip(shape1[-len(shape2) :], shape2):
            if i is None or j is None:
                out.append(None)
            elif i == 1:
                out.append(j)
            elif j == 1 or i == j:
                out.append(i)
            else:
                raise ValueError(
                    f"{type(self).__name__} layer '{self.name}': inputs have incompatible shapes. "
                    f"Received shapes {tuple(shape1)} and {tuple(shape2)}"
                )
        return tuple(out)

    def _check_list(self, input_shape: Any) -> list[Any]:
        if not _is_shape_list(input_shape):
            raise ValueError(
                f"A merge layer ({type(self).__name__} '{self.name}') should be called on a list of inputs. "
                f"Received: input_shape={input_shape} (not a list of shapes)"
            )
        shapes = [None if s is None else tuple(s) for s in input_shape]
        batch_sizes = {s[0] for s in shapes if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': cannot merge tensors with different batch "
                "sizes. "
                f"Received tensors with shapes {shapes}"
            )
        return shapes

    def build(self, input_shape: Any) -> None:
        shapes = self._check_list(input_shape)
        out = shapes[0][1:] if shapes[0] is not None else None
        for s in shapes[1:]:
            out = self._elementwise_shape(out, None if s is None else s[1:])

    def call(self, inputs: Any) -> Tensor:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"A merge layer ({type(self).__name__} '{self.name}') should be called on a list of inputs. "
                f"Received: inputs={inputs!r} (not a list of tensors)"
            )
        inputs = list(inputs)
        ranks = [x.ndim for x in inputs]
        if len(set(ranks)) > 1:
            top = max(ranks)
            aligned = []
            for x in inputs:
                y = x
                for _ in range(top - x.ndim):
                    y = array_ops.expand_dims(y, 1)
                m = get_keras_mask(x)
                if m is not None:
                    set_keras_mask(y, m)
                aligned.append(y)
            inputs = aligned
        return self._merge_function(inputs)

    def _apply_merge_op_and_or_mask(
        self, op: Callable[[Tensor, Tensor], Tensor], inputs: list[Tensor]
    ) -> Tensor:
        """Fold ``op`` over the inputs, where a masked position of one input takes the other's value."""
        output: Any = None
        output_mask: Any = None
        for x in inputs:
            mask = get_keras_mask(x)
            if mask is not None:
                mask = P.unary(P.broadcast_to, array_ops.expand_dims(mask, -1), shape=tuple(x.shape))
            if output is None:
                output, output_mask = x, mask
                continue
            if mask is not None:
                x = array_ops.where(mask, x, output)
            if output_mask is not None:
                output = array_ops.where(output_mask, output, x)
            output_mask = (
                math_ops.logical_or(output_mask, mask)
                if mask is not None and output_mask is not None
                else None
            )
            output = op(output, x)
        if output_mask is not None:
            set_keras_mask(output, math_ops.reduce_any(output_mask, axis=-1))
        return output

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        shapes = self._check_list(input_shape)
        out = shapes[0][1:] if shapes[0] is not None else None
        for s in shapes[1:]:
            out = self._elementwise_shape(out, None if s is None else s[1:])
        batch = {s[0] for s in shapes if s is not None} - {None}
        return (batch.pop() if len(batch) == 1 else None,) + tuple(out or ())

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)):
            raise ValueError(f"`mask` should be a list. Received: mask={mask!r}")
        if len(mask) != len(inputs):
            raise ValueError(
                f"The lists `inputs` and `mask` should have the same length. Received: {len(inputs)} "
                "inputs and "
                f"{len(mask)} masks"
            )
        if any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = math_ops.logical_or(out, m)
        return out
