"""RandomShear: shear each image along x and/or y by a random amount (in training)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import (
    _FILL_MODES,
    _INTERPOLATIONS,
    _check_choice,
    _uniform,
)
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer


def _shear_sampler(rng: Any, x: Any, xf: tuple, yf: tuple, opts: tuple) -> Any:
    # Keras' draw order: one sign per image (u > 0.5 flips it), then the y and the x amounts
    n = x.shape[0]
    sign = B.where(B.less(0.5, _uniform(rng, n, 0.0, 1.0)), -1.0, 1.0)
    sy = B.multiply(_uniform(rng, n, yf[0], yf[1]), sign)
    sx = B.multiply(_uniform(rng, n, xf[0], xf[1]), sign)
    return _shear(x, sx, sy, *opts)


def _shear(x: Any, sx: Any, sy: Any, interpolation: str, fill_mode: str, fill_value: float) -> Any:
    n = x.shape[0]
    one, zero = B.ones((n,), sx.dtype), B.zeros((n,), sx.dtype)
    # output pixel (x, y) reads the input at (x + sx * y, sy * x + y): a shear about the top-left corner
    transforms = B.stack([one, sx, zero, sy, one, zero, zero, zero], axis=1)
    return B.affine_transform(x, transforms, interpolation, fill_mode, fill_value)


class RandomShear(_TrainingImageLayer):
    """Shear each image by a random amount along x and y while training.

    For each image, amounts ``sx`` and ``sy`` are drawn from the factor ranges and both get
    the same random sign; the output pixel ``(x, y)`` reads the input at
    ``(x + sx * y, y + sy * x)`` (about the top-left corner, as Keras). Points outside the image
    follow ``fill_mode``. Outside training the images pass through (in the compute dtype).

    Args:
        x_factor: a number ``f`` in [0, 1] draws ``sx`` from ``[-f, f]``, a pair ``(lo, hi)``
            from ``[lo, hi]`` (default 0: no shear along x).
        y_factor: the same for ``sy``.
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_mode: ``"reflect"`` (default), ``"wrap"``, ``"constant"`` or ``"nearest"``.
        fill_value: value outside the image for ``fill_mode="constant"``.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> RandomShear(x_factor=0.2)(tf.ones((2, 4, 4, 3))).shape
    TensorShape([2, 4, 4, 3])
    """

    def __init__(
        self,
        x_factor: Any = 0.0,
        y_factor: Any = 0.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.x_factor = _shear_factor(x_factor, "x_factor")
        self.y_factor = _shear_factor(y_factor, "y_factor")
        # the arguments as given: Keras' own config (the (-f, f) pair) fails its check on reload
        self._factor_args = tuple(
            list(v) if isinstance(v, (tuple, list)) else v for v in (x_factor, y_factor)
        )
        self.interpolation = _check_choice(interpolation, _INTERPOLATIONS, "interpolation", "RandomShear")
        self.fill_mode = _check_choice(fill_mode, _FILL_MODES, "fill_mode", "RandomShear")
        self.fill_value = float(fill_value)

    def _augment(self, x: Tensor) -> Tensor:
        opts = (self.interpolation, self.fill_mode, self.fill_value)
        return self._draw(_shear_sampler, x, self.x_factor, self.y_factor, opts)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "x_factor": self._factor_args[0],
            "y_factor": self._factor_args[1],
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
        }


def _shear_factor(value: Any, arg: str) -> tuple[float, float]:
    # Keras checks every number lies in [0, 1]; a single number f means (-f, f)
    msg = f"RandomShear: `{arg}` should be a number or a pair of numbers in [0, 1]. Received: {arg}={value!r}"
    items = list(value) if isinstance(value, (tuple, list)) else [value]
    if len(items) not in (1, 2) or isinstance(value, (tuple, list)) and len(items) != 2:
        raise ValueError(msg)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in items):
        raise ValueError(msg)
    if len(items) == 2:
        lo, hi = sorted(float(v) for v in items)
        return lo, hi
    f = abs(float(items[0]))
    return -f, f
