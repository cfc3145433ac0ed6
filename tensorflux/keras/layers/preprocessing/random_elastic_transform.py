"""RandomElasticTransform: warp images by a smoothed random displacement field (in training, Keras 3)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _INTERPOLATIONS, _uniform
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer, keras_factor
from tensorflux.keras.layers.preprocessing.random_color import _pair
from tensorflux.keras.layers.preprocessing.random_gaussian_blur import _blur, _kernel_1d

_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _fix_index(i: Any, size: int, fill_mode: str) -> tuple[Any, Any]:
    """Keras' (TensorFlow backend) ``map_coordinates`` rule: the index to read, and whether it is inside."""
    if fill_mode == "constant":
        return B.minimum(B.maximum(i, 0), size - 1), B.logical_and(B.greater_equal(i, 0), B.less(i, size))
    if fill_mode == "nearest":
        i = B.minimum(B.maximum(i, 0), size - 1)
    elif fill_mode == "wrap":
        i = B.floormod(i, size)
    elif fill_mode == "reflect":
        # Keras' rule, kept as is: |i| folded with period 2 * size (so -1 reads 1, size reads size - 1)
        m = B.floormod(B.abs(i), 2 * size)
        i = B.where(B.less(m, size), m, B.subtract(2 * size - 1, m))
    else:  # mirror, (d c b | a b c d | c b a): Keras' TensorFlow backend refuses it, its NumPy one does this
        s = max(size - 1, 1)
        i = B.minimum(B.abs(B.subtract(B.floormod(B.add(i, s), 2 * s), s)), size - 1)
    return i, None


def _taps(coord: Any, size: int, interpolation: str, fill_mode: str) -> list[tuple[Any, Any, Any]]:
    """(index, inside mask or None, weight or None) for the one or two pixels a coordinate reads."""
    i64 = B.native_dtype("int64")
    if interpolation == "nearest":
        return [(*_fix_index(B.cast(B.round(coord), i64), size, fill_mode), None)]
    lower = B.floor(coord)
    upper_w = B.subtract(coord, lower)
    low = B.cast(lower, i64)
    return [
        (*_fix_index(low, size, fill_mode), B.subtract(1.0, upper_w)),
        (*_fix_index(B.add(low, 1), size, fill_mode), upper_w),
    ]


def _elastic_params(h: int, w: int, scale: float) -> tuple[float, float, int]:
    """Keras' mapping of the distortion scale to (alpha, sigma, blur kernel size)."""
    alpha = max(h, w) * 0.1 * scale
    sigma = min(h, w) * 0.05 * scale
    return alpha, sigma, (6 * int(sigma)) | 1


def _elastic_warp(
    x: Any, noise: Any, scale: float, interpolation: str, fill_mode: str, fill_value: float
) -> Any:
    """Warp NHWC ``x`` by the displacement field of ``noise`` (shape (2, N, H, W): standard normals for
    x and y), as Keras' ``elastic_transform``: blur ``noise * sigma``, move by ``alpha`` times it and
    resample."""
    n, h, w, _ = x.shape
    dt = x.dtype
    alpha, sigma, size = _elastic_params(h, w, scale)
    field = B.multiply(B.cast(noise, dt), B.cast(B.asarray(sigma), dt))
    field = B.reshape(B.transpose(field, (1, 2, 3, 0)), (n, h, w, 2))
    if size > 1:  # a one-tap kernel is the identity (and 0 / 0 for sigma == 0)
        kernel = _kernel_1d(size, sigma, dt)
        field = _blur(field, kernel, kernel)
    field = B.multiply(field, B.cast(B.asarray(alpha), dt))
    rows = B.reshape(B.arange(0, h, 1, dt), (1, h, 1))
    cols = B.reshape(B.arange(0, w, 1, dt), (1, 1, w))
    row_taps = _taps(B.add(rows, field[..., 1]), h, interpolation, fill_mode)
    col_taps = _taps(B.add(cols, field[..., 0]), w, interpolation, fill_mode)
    b = B.reshape(B.arange(0, n, 1, B.native_dtype("int64")), (n, 1, 1))
    fill = B.cast(B.asarray(fill_value), dt)
    out = None
    for yi, y_in, wy in row_taps:
        for xi, x_in, wx in col_taps:
            vals = B.gather_nd(x, B.stack([B.broadcast_to(b, yi.shape), yi, xi], axis=-1))
            if y_in is not None:
                vals = B.where(B.logical_and(y_in, x_in)[..., None], vals, fill)
            if wy is not None:
                vals = B.multiply(vals, B.multiply(wy, wx)[..., None])
            out = vals if out is None else B.add(out, vals)
    return B.cast(out, dt)


def _elastic_sampler(
    rng: Any, x: Any, factor: tuple, scale: tuple, opts: tuple, value_range: tuple[float, float]
) -> Any:
    # Keras' draws: a probability and a threshold per image, one distortion scale for the batch; the
    # two displacement planes are independent normals (Keras' NumPy and torch backends; its TensorFlow
    # backend draws both planes from one seed, so they coincide)
    n, h, w, _ = x.shape
    prob = _uniform(rng, n, factor[0], factor[1])
    apply = B.reshape(B.less(_uniform(rng, n, 0.0, 1.0), prob), (n, 1, 1, 1))
    s = float(B.uniform(rng, (), scale[0], scale[1], B.native_dtype("float64")))
    noise = B.normal(rng, (2, n, h, w), 0.0, 1.0, x.dtype)
    out = B.where(apply, _elastic_warp(x, noise, s, *opts), x)
    return B.minimum(B.maximum(out, value_range[0]), value_range[1])


class RandomElasticTransform(_TrainingImageLayer):
    """Distort images elastically while training: every pixel moves by a smooth random displacement.

    Each image is transformed with a probability drawn from the ``factor`` range. One distortion
    scale ``s`` is drawn from the ``scale`` range per batch; each transformed image draws standard
    normal displacement planes for x and y, scales them by ``sigma = 0.05 * s * min(H, W)``, blurs
    them with a Gaussian of that ``sigma`` (kernel ``6 * int(sigma) | 1``, zero padded) and moves
    every pixel by ``alpha = 0.1 * s * max(H, W)`` times the result, resampling with
    ``interpolation`` and ``fill_mode`` as Keras' ``map_coordinates``. Transformed batches are
    clipped to ``value_range``. With a zero ``factor`` or ``scale``, or outside training, the images
    pass through (in the compute dtype).

    Args:
        factor: probability range: a number ``f`` in [0, 1] draws from ``[0, f]``, a pair from it
            (default 1.0).
        scale: distortion range: a number or a pair in [0, 1] (default 1.0).
        interpolation: ``"bilinear"`` (default) or ``"nearest"``.
        fill_mode: ``"reflect"`` (default), ``"constant"``, ``"nearest"``, ``"wrap"`` or ``"mirror"``.
        fill_value: value outside the image for ``fill_mode="constant"``.
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> RandomElasticTransform(seed=1)(tf.ones((2, 8, 8, 3))).shape
    TensorShape([2, 8, 8, 3])
    """

    def __init__(
        self,
        factor: Any = 1.0,
        scale: Any = 1.0,
        interpolation: str = "bilinear",
        fill_mode: str = "reflect",
        fill_value: float = 0.0,
        value_range: Any = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = "RandomElasticTransform"
        self.factor = keras_factor(factor, "factor", name)
        self.scale = keras_factor(scale, "scale", name)
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(
                f"{name}: unknown `interpolation` {interpolation!r}; expected one of {list(_INTERPOLATIONS)}."
            )
        if fill_mode not in _FILL_MODES:
            raise ValueError(
                f"{name}: unknown `fill_mode` {fill_mode!r}; expected one of {list(_FILL_MODES)}."
            )
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = _pair(value_range, name)

    def _augment(self, x: Tensor) -> Tensor:
        if self.factor[1] == 0 or self.scale[1] == 0:
            return x
        return self._draw(
            _elastic_sampler,
            x,
            (float(self.factor[0]), float(self.factor[1])),
            (float(self.scale[0]), float(self.scale[1])),
            (self.interpolation, self.fill_mode, float(self.fill_value)),
            (float(self.value_range[0]), float(self.value_range[1])),
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
        }
