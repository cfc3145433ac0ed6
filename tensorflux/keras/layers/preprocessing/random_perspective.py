"""RandomPerspective: move the image corners at random and warp each image accordingly (in training)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _INTERPOLATIONS, _check_choice, _uniform
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer, keras_factor


def _homography(start: Any, end: Any) -> Any:
    """Rows ``[a0, a1, a2, b0, b1, b2, c0, c1]`` of the projective maps sending each of the 4
    ``end`` corners (output image) to its ``start`` corner (input image); shapes (N, 4, 2)."""
    zero, one = B.zeros(end.shape[:1], end.dtype), B.ones(end.shape[:1], end.dtype)
    rows, target = [], []
    for k in range(4):
        ex, ey, sx, sy = end[:, k, 0], end[:, k, 1], start[:, k, 0], start[:, k, 1]
        rows.append(B.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], axis=-1))
        rows.append(B.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], axis=-1))
        target += [sx, sy]
    a = B.stack(rows, axis=1)
    b = B.reshape(B.stack(target, axis=-1), (-1, 8, 1))
    return B.reshape(B.solve(a, b), (-1, 8))


def _perspective(x: Any, start: Any, end: Any, interpolation: str, fill_value: float) -> Any:
    """Warp NHWC ``x`` so that the ``start`` corners land on the ``end`` corners (constant fill)."""
    return B.affine_transform(x, _homography(start, end), interpolation, "constant", fill_value)


def _perspective_sampler(rng: Any, x: Any, factor: tuple, scale: float, opts: tuple) -> Any:
    # Keras' order: a probability and a threshold per image, then the corner offsets
    n, h, w = x.shape[0], x.shape[1], x.shape[2]
    f64 = B.native_dtype("float64")
    apply = B.less(_uniform(rng, n, 0.0, 1.0), _uniform(rng, n, factor[0], factor[1]))
    offsets = B.uniform(rng, (n, 4, 2), -0.5 * scale, 0.5 * scale, f64)
    corners = B.asarray([[0.0, 0.0], [w - 1.0, 0.0], [0.0, h - 1.0], [w - 1.0, h - 1.0]], f64)
    start = B.broadcast_to(corners, (n, 4, 2))
    # each corner moves by a fraction of its own coordinates, so the top-left one stays (as Keras)
    end = B.add(start, B.multiply(start, offsets))
    warped = _perspective(x, start, end, *opts)
    return B.where(B.reshape(apply, (n, 1, 1, 1)), warped, B.cast(x, warped.dtype))


class RandomPerspective(_TrainingImageLayer):
    """Apply a random perspective warp to each image, with a random probability, while training.

    Each corner ``(cx, cy)`` of an image moves to ``(cx, cy) * (1 + d)`` with ``d`` drawn per
    coordinate from ``[-scale / 2, scale / 2]`` (so the top-left corner stays, as Keras); the
    image is resampled through the projective map between the corners, filling with
    ``fill_value``. Each image's probability of a warp is drawn from the ``factor`` range.
    Outside training the images pass through (in the compute dtype).

    Args:
        factor: a number ``f`` in [0, 1] draws each probability from ``[0, f]``; a pair
            ``(lo, hi)`` from ``[lo, hi]`` (``(1, 1)`` always warps). Default 1.0.
        scale: the strength of the corner moves, in [0, 1] (default 1.0).
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_value: value of the pixels that come from outside the image (default 0).
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> RandomPerspective(factor=(1.0, 1.0), scale=0.2, seed=1)(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 4, 4, 3])
    """

    def __init__(
        self,
        factor: Any = 1.0,
        scale: float = 1.0,
        interpolation: str = "bilinear",
        fill_value: float = 0.0,
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, "factor", "RandomPerspective")
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 <= scale <= 1:
            raise ValueError(
                f"RandomPerspective: `scale` should be a number in [0, 1]. Received: scale={scale!r}"
            )
        self.scale = float(scale)
        self.interpolation = _check_choice(
            interpolation, _INTERPOLATIONS, "interpolation", "RandomPerspective"
        )
        self.fill_value = float(fill_value)

    def _augment(self, x: Tensor) -> Tensor:
        opts = (self.interpolation, self.fill_value)
        return self._draw(_perspective_sampler, x, self.factor, self.scale, opts)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": list(self.factor),
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
        }
