"""CutMix: paste a random box of another image of the batch into each image (in training)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _uniform
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import keras_factor
from tensorflux.keras.layers.preprocessing.mix_up import _beta, _MixLayer
from tensorflux.ops import array_ops, math_ops
from tensorflux.ops.random_ops import _draw


def _bounds(rng: Any, n: int, length: int, ratio: Any) -> tuple[Any, Any]:
    size = B.multiply(ratio, float(length))
    start = B.multiply(_uniform(rng, n, 0.0, 1.0), B.subtract(float(length), size))
    return start, B.add(start, size)


def _cut_mix_sampler(rng: Any, x: Any, factor: tuple) -> Any:
    # Keras' order: alpha (one per batch), the weights, the x and y boxes, then the permutation
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    alpha = float(B.uniform(rng, (), factor[0], factor[1], B.native_dtype("float64"))) + 1e-6
    ratio = B.sqrt(B.subtract(1.0, _beta(rng, n, alpha)))
    x0, x1 = _bounds(rng, n, w, ratio)
    y0, y1 = _bounds(rng, n, h, ratio)
    perm = B.cast(B.permutation(rng, n), B.native_dtype("float64"))
    # the label weight is the share of the image left uncovered
    weight = B.subtract(1.0, B.divide(B.multiply(B.subtract(x1, x0), B.subtract(y1, y0)), float(w * h)))
    return B.stack([perm, weight, x0, x1, y0, y1], axis=1)


class CutMix(_MixLayer):
    """Replace a random box of each image by the same box of another image while training (CutMix).

    Per image a weight ``w ~ Beta(a, a)`` (``a`` drawn once per batch from the ``factor``
    range) sets the box sides to ``sqrt(1 - w)`` of the height and width; the box is placed
    uniformly and filled from image ``p(i)`` of a random permutation ``p``. Labels passed as
    ``{"images": ..., "labels": ...}`` are blended by the uncovered area share. Outside training
    (and for one unbatched image) the input passes through, the images cast to the compute dtype.

    Args:
        factor: a number ``f`` in [0, 1] draws ``a`` from ``[0, f]``; a pair from that range
            (default 1.0).
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> CutMix(seed=1)(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 4, 4, 3])
    """

    def __init__(
        self, factor: Any = 1.0, seed: int | None = None, data_format: str | None = None, **kwargs: Any
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, "factor", "CutMix")

    def _params(self, x: Tensor) -> Tensor:
        return _draw(_cut_mix_sampler, self.seed, self.factor, inputs=(x,))

    def _mix_images(self, x: Tensor, perm: Tensor, params: Tensor) -> Tensor:
        h, w = int(x.shape[1]), int(x.shape[2])
        f64 = B.native_dtype("float64")
        cols = convert_to_tensor(B.reshape(B.arange(0, w, 1, f64), (1, 1, w, 1)))
        rows = convert_to_tensor(B.reshape(B.arange(0, h, 1, f64), (1, h, 1, 1)))

        def edge(i: int) -> Tensor:
            return array_ops.reshape(params[:, i], (-1, 1, 1, 1))

        inside = math_ops.logical_and(
            math_ops.logical_and(cols >= edge(2), cols < edge(3)),
            math_ops.logical_and(rows >= edge(4), rows < edge(5)),
        )
        return array_ops.where(inside, array_ops.gather(x, perm, axis=0), x)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor)}
