"""Dot: batched dot products between samples of two inputs."""

from __future__ import annotations

from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.merging.base_merge import Merge
from tensorflux.ops import math_ops


def batch_dot(x: Tensor, y: Tensor, axes: Any) -> Tensor:
    """Per-sample dot product of ``x`` and ``y`` over ``axes`` (Keras' ``batch_dot``): one batched GEMM."""
    xn, yn = x.ndim, y.ndim
    if xn < 2 or yn < 2:
        raise ValueError(
            f"Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes {tuple(x.shape)} and "
            f"{tuple(y.shape)}."
        )
    a0, a1 = (axes, axes) if isinstance(axes, int) else axes
    a0, a1 = a0 % xn, a1 % yn
    if 0 in (a0, a1):
        raise ValueError("Cannot perform batch_dot over axis 0 (the batch axis).")
    if x.shape[a0] != y.shape[a1]:
        raise ValueError(
            f"Cannot do batch_dot on inputs with shapes {tuple(x.shape)} and {tuple(y.shape)} with axes="
            f"{[a0, a1]}: x.shape[{a0}] != y.shape[{a1}] ({x.shape[a0]} != {y.shape[a1]})."
        )
    # x -> (batch, rest_x, d), y -> (batch, d, rest_y); matmul; unflatten
    x_rest = [i for i in range(1, xn) if i != a0]
    y_rest = [i for i in range(1, yn) if i != a1]
    xt = P.unary(P.transpose, x, perm=(0, *x_rest, a0))
    yt = P.unary(P.transpose, y, perm=(0, a1, *y_rest))
    b, d = x.shape[0], x.shape[a0]
    xs = tuple(x.shape[i] for i in x_rest)
    ys = tuple(y.shape[i] for i in y_rest)
    nx = 1
    for s in xs:
        nx *= s
    ny = 1
    for s in ys:
        ny *= s
    out = P.binary(
        P.matmul, P.unary(P.reshape, xt, shape=(b, nx, d)), P.unary(P.reshape, yt, shape=(b, d, ny))
    )
    shape = (b,) + xs + ys
    return P.unary(P.reshape, out, shape=shape if len(shape) > 1 else (b, 1))


class Dot(Merge):
    """The dot product of two inputs along ``axes`` for each sample.

    Two ``(batch, n)`` inputs give ``(batch, 1)``; ``(batch, m, n)`` and ``(batch, k, n)`` with
    ``axes=2`` give ``(batch, m, k)``.

    Args:
        axes: an int, or a pair ``(axis of input 0, axis of input 1)``.
        normalize: L2-normalize both inputs along the axes first (the result is a cosine similarity).

    >>> import tensorflux as tf
    >>> Dot(axes=1)([tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])]).numpy().tolist()
    [[11.0]]
    """

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(
                    "Invalid type for argument `axes`: it should be a list or an int. Received: "
                    f"axes={axes!r}"
                )
            if len(axes) != 2:
                raise ValueError(
                    "Invalid format for argument `axes`: it should contain two elements. Received: "
                    f"axes={axes!r}"
                )
            if not all(isinstance(a, int) for a in axes):
                raise ValueError(
                    "Invalid format for argument `axes`: list elements should be integers. Received: "
                    f"axes={axes!r}"
                )
            axes = list(axes)
        self.axes = axes
        self.normalize = bool(normalize)

    def _axes(self, shape1: Any, shape2: Any) -> list[int]:
        if isinstance(self.axes, int):
            return [self.axes % len(shape1), self.axes % len(shape2)] if self.axes < 0 else [self.axes] * 2
        return [a % len(s) if a < 0 else a for a, s in zip(self.axes, (shape1, shape2))]

    def build(self, input_shape: Any) -> None:
        shapes = self._check_list(input_shape)
        if len(shapes) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={shapes}"
            )
        s1, s2 = shapes
        a = self._axes(s1, s2)
        if s1[a[0]] is not None and s2[a[1]] is not None and s1[a[0]] != s2[a[1]]:
            raise ValueError(
                f"Dot layer '{self.name}': incompatible input shapes: axis values {s1[a[0]]} (at axis "
                f"{a[0]}) != "
                f"{s2[a[1]]} (at axis {a[1]}). Full input shapes: {s1}, {s2}"
            )

    def _merge_function(self, inputs: list[Tensor]) -> Tensor:
        if len(inputs) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on exactly 2 inputs. Received {len(inputs)} inputs."
            )
        x1, x2 = inputs
        a = self._axes(tuple(x1.shape), tuple(x2.shape))
        if self.normalize:
            # Keras' normalize: x * rsqrt(max(sum x^2, epsilon^2)) with the backend epsilon 1e-7
            x1 = math_ops.l2_normalize(x1, axis=a[0], epsilon=1e-14)
            x2 = math_ops.l2_normalize(x2, axis=a[1], epsilon=1e-14)
        return batch_dot(x1, x2, a)

    def call(self, inputs: Any) -> Tensor:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. Received: {inputs!r}")
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape: Any) -> tuple[Any, ...]:
        shapes = self._check_list(input_shape)
        if len(shapes) != 2:
            raise ValueError(
                f"A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={shapes}"
            )
        s1, s2 = list(shapes[0]), list(shapes[1])
        a = self._axes(s1, s2)
        s1.pop(a[0])
        s2.pop(a[1])
        s2.pop(0)
        out = s1 + s2
        return tuple(out + [1] if len(out) == 1 else out)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs: list[Any], axes: Any = -1, **kwargs: Any) -> Tensor:
    """Functional interface to the ``Dot`` layer.

    >>> import tensorflux as tf
    >>> dot([tf.constant([[1.0, 2.0]]), tf.constant([[3.0, 4.0]])], axes=1).numpy().tolist()
    [[11.0]]
    """
    return Dot(axes=axes, **kwargs)(inputs)
