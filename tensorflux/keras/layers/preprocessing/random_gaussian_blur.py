"""RandomGaussianBlur: blur images with a Gaussian kernel, each with a random probability (in training)."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _uniform, _value_range
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer, keras_factor


def _kernel_1d(size: int, sigma: Any, dtype: Any) -> Any:
    t = B.subtract(B.arange(0, size, 1, B.native_dtype("float64")), (size - 1) / 2.0)
    k = B.exp(B.multiply(-0.5, B.square(B.divide(t, sigma))))
    return B.cast(B.divide(k, B.sum(k, None, False)), dtype)


def _blur(x: Any, ky: Any, kx: Any) -> Any:
    """Separable 'SAME' convolution with zero padding of NHWC ``x`` by the 1-D kernels ``ky``, ``kx``."""
    h, w = x.shape[1], x.shape[2]
    py, px = (len(ky) - 1) // 2, (len(kx) - 1) // 2
    xp = B.pad(x, [(0, 0), (py, len(ky) - 1 - py), (px, len(kx) - 1 - px), (0, 0)], "constant", 0)
    rows = sum(B.multiply(xp[:, i : i + h], ky[i]) for i in range(len(ky)))
    return sum(B.multiply(rows[:, :, j : j + w], kx[j]) for j in range(len(kx)))


def _blur_sampler(
    rng: Any, x: Any, factor: tuple, kernel_size: tuple, sigma: tuple, value_range: tuple
) -> Any:
    # Keras' draws: a blur probability and a threshold per image, then one (sigma_x, sigma_y) per batch
    n = x.shape[0]
    prob = _uniform(rng, n, factor[0], factor[1])
    apply = B.reshape(B.less(_uniform(rng, n, 0.0, 1.0), prob), (n, 1, 1, 1))
    sig = B.add(B.uniform(rng, (2,), sigma[0], sigma[1], B.native_dtype("float64")), 1e-6)
    kx = _kernel_1d(int(kernel_size[0]), sig[0], x.dtype)
    ky = _kernel_1d(int(kernel_size[1]), sig[1], x.dtype)
    out = B.where(apply, _blur(x, ky, kx), x)
    return B.minimum(B.maximum(out, value_range[0]), value_range[1])


class RandomGaussianBlur(_TrainingImageLayer):
    """Blur images with a Gaussian kernel while training, each image with a random probability.

    Each image's blur probability is drawn from the ``factor`` range; one pair of standard
    deviations ``(sigma_x, sigma_y)`` is drawn from the ``sigma`` range for the whole batch. The
    kernel is zero-padded ('SAME'), as Keras' ``depthwise_conv2d``. In training all outputs are
    clipped to ``value_range``; outside training the images pass through (in the compute dtype).

    Args:
        factor: a number ``f`` in [0, 1] draws each blur probability from ``[0, f]``; a pair
            ``(lo, hi)`` from ``[lo, hi]`` (``(1, 1)`` always blurs). Default 1.0.
        kernel_size: odd kernel size, or a pair ``(width, height)`` of odd sizes. Default 3.
        sigma: a number ``s`` in [0, 1] draws the standard deviations from ``[0, s]``; a pair
            from that range. Default 1.0.
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> RandomGaussianBlur(factor=(1.0, 1.0))(tf.ones((1, 4, 4, 1))).shape
    TensorShape([1, 4, 4, 1])
    """

    def __init__(
        self,
        factor: Any = 1.0,
        kernel_size: Any = 3,
        sigma: Any = 1.0,
        value_range: Any = (0, 255),
        data_format: str | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = keras_factor(factor, "factor", "RandomGaussianBlur")
        self.kernel_size = _kernel_size(kernel_size)
        self.sigma = keras_factor(sigma, "sigma", "RandomGaussianBlur")
        self.value_range = _value_range(value_range, "RandomGaussianBlur")

    def _augment(self, x: Tensor) -> Tensor:
        args = (self.factor, self.kernel_size, self.sigma, self.value_range)
        return self._draw(_blur_sampler, x, *args)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "factor": list(self.factor),
            "kernel_size": list(self.kernel_size),
            "sigma": list(self.sigma),
            "value_range": list(self.value_range),
        }


def _kernel_size(value: Any) -> tuple[int, int]:
    msg = (
        "RandomGaussianBlur: `kernel_size` must be an odd number or a pair of odd numbers. "
        f"Received: kernel_size={value!r}"
    )
    items = list(value) if isinstance(value, (tuple, list)) else [value, value]
    if len(items) != 2 or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and v == int(v) and int(v) % 2 == 1 and v > 0
        for v in items
    ):
        raise ValueError(msg)
    return int(items[0]), int(items[1])
