"""AlphaDropout: dropout that keeps the mean and variance of SELU activations (Klambauer et al., 2017)."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.regularization.dropout import _check_rate
from tensorflux.ops import array_ops, math_ops, random_ops

# SELU's constants: dropped units are set to its negative saturation value -alpha * scale
_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """In training, set each input to SELU's saturation value with probability ``rate``, then rescale.

    Dropped units become ``alpha' = -alpha * scale`` and the result ``a * x + b`` with
    ``a = ((1 - rate) * (1 + rate * alpha'**2)) ** -0.5`` and ``b = -a * alpha' * rate`` keeps a
    standardised input's mean 0 and variance 1.  At inference the input passes unchanged.

    Args:
        rate: the drop probability, in [0, 1].
        noise_shape: shape of the keep/drop mask, broadcast to the input (None entries take the
            input's size).
        seed: integer seed for repeatable masks.

    >>> AlphaDropout(0.2)([[1.0, 2.0]]).numpy().tolist()
    [[1.0, 2.0]]
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rate = _check_rate(rate, "AlphaDropout")
        self.seed = seed
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.supports_masking = True

    def _concrete_noise_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        if self.noise_shape is None:
            return shape
        if len(self.noise_shape) != len(shape):
            raise ValueError(
                f"AlphaDropout layer '{self.name}': noise_shape {self.noise_shape} must have the inputs' "
                f"rank {len(shape)}. Received: inputs.shape={shape}"
            )
        return tuple(s if d is None else int(d) for s, d in zip(shape, self.noise_shape))

    def call(self, inputs: Any, training: Any = False) -> Any:
        if not (training and self.rate > 0):
            return inputs
        shape = self._concrete_noise_shape(tuple(inputs.shape))
        dtype = inputs.dtype
        alpha_p = -_ALPHA * _SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        u = random_ops.uniform(shape, dtype=dtype, seed=self.seed)
        kept = array_ops.cast(math_ops.greater_equal(u, self.rate), dtype)
        # a * (x * kept + alpha' * (1 - kept)) + b, with the constants folded
        return inputs * (kept * a) + (kept * (-a * alpha_p) + (a * alpha_p + b))

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
