"""AugMix (Keras 3): mix the image with several random chains of augmentations of itself."""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.layers.preprocessing.image_augmentation import _INTERPOLATIONS, _check_choice
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer, keras_factor
from tensorflux.keras.layers.preprocessing.rand_augment import _augment_ops, _check_rgb
from tensorflux.keras.layers.preprocessing.random_color import _pair

# Keras' lists and order (AUGMENT_LAYERS and AUGMENT_LAYERS_ALL in its aug_mix.py)
_GEOMETRIC_AND_TONE = (
    "random_shear",
    "random_translation",
    "random_rotation",
    "random_posterization",
    "solarization",
    "auto_contrast",
    "equalization",
)
_ALL_OPS = _GEOMETRIC_AND_TONE + (
    "random_brightness",
    "random_color_degeneration",
    "random_contrast",
    "random_sharpness",
)


def _aug_mix_sampler(
    rng: Any,
    x: Any,
    ops: tuple,
    num_chains: int,
    chain_depth: int,
    alpha: float,
    value_range: tuple[float, float],
) -> Any:
    # one draw per batch, as Keras: Dirichlet chain weights (normalised gammas), a Beta mixing weight
    # (a ratio of gammas) and, for each of the chain_depth steps of a chain, one of the operations or
    # nothing, all equally likely
    f64, i64 = B.native_dtype("float64"), B.native_dtype("int64")
    g = B.gamma(rng, (num_chains,), alpha, 1.0, f64)
    chain_w = B.divide(g, B.sum(g, None, False)).tolist()
    a, b = B.gamma(rng, (2,), alpha, 1.0, f64).tolist()
    keep = a / (a + b)
    mixed = None
    for c in range(num_chains):
        y = x
        for k in B.uniform(rng, (chain_depth,), 0, len(ops) + 1, i64).tolist():
            if k < len(ops):
                sampler, args = ops[k]
                y = sampler(rng, y, *args)
        part = B.multiply(y, B.cast(B.asarray(chain_w[c]), x.dtype))
        mixed = part if mixed is None else B.add(mixed, part)
    out = B.add(
        B.multiply(x, B.cast(B.asarray(keep), x.dtype)),
        B.multiply(mixed, B.cast(B.asarray(1.0 - keep), x.dtype)),
    )
    return B.minimum(B.maximum(out, value_range[0]), value_range[1])


class AugMix(_TrainingImageLayer):
    """AugMix: blend the images with ``num_chains`` randomly augmented copies of themselves while training.

    Each chain applies up to ``chain_depth`` operations (each step picks one of the operations or
    none, all equally likely) from RandomShear, RandomTranslation, RandomRotation,
    RandomPosterization, Solarization, AutoContrast and Equalization, plus RandomBrightness,
    RandomColorDegeneration, RandomContrast and RandomSharpness with ``all_ops``; each is built with
    ``factor`` as Keras does. The chains are averaged with Dirichlet(``alpha``) weights and the result
    ``mix`` gives ``clip(w * x + (1 - w) * mix, *value_range)`` with ``w ~ Beta(alpha, alpha)``. The
    choices and weights are drawn once per batch, as in Keras. Outside training the images pass
    through (in the compute dtype).

    Args:
        value_range: the ``(low, high)`` range of the pixel values (default ``(0, 255)``).
        num_chains: number of augmentation chains (default 3).
        chain_depth: number of steps per chain (default 3).
        factor: strength in [0, 1]: a number ``f`` means the range ``(0, f)`` (default 0.3).
        alpha: concentration of the Dirichlet and Beta draws (default 1.0).
        all_ops: include the four colour operations (default True).
        interpolation: ``"bilinear"`` (default) or ``"nearest"``, for the geometric operations.
        seed: integer seed for repeatable draws.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.

    >>> import tensorflux as tf
    >>> AugMix(seed=1)(tf.ones((2, 8, 8, 3)) * 100.0).shape
    TensorShape([2, 8, 8, 3])
    """

    def __init__(
        self,
        value_range: Any = (0, 255),
        num_chains: int = 3,
        chain_depth: int = 3,
        factor: Any = 0.3,
        alpha: float = 1.0,
        all_ops: bool = True,
        interpolation: str = "bilinear",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        for arg, value in (("num_chains", num_chains), ("chain_depth", chain_depth)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"AugMix: `{arg}` must be an integer >= 1. Received: {arg}={value!r}")
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha > 0:
            raise ValueError(f"AugMix: `alpha` must be a positive number. Received: alpha={alpha!r}")
        self.value_range = _pair(value_range, "AugMix")
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = keras_factor(factor, "factor", "AugMix")
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = _check_choice(interpolation, _INTERPOLATIONS, "interpolation", "AugMix")
        names = _ALL_OPS if self.all_ops else _GEOMETRIC_AND_TONE
        self._ops = _augment_ops(names, self.factor, self.value_range, self.interpolation)

    def _augment(self, x: Tensor) -> Tensor:
        if self.all_ops:
            _check_rgb(x, self)
        vr = (float(self.value_range[0]), float(self.value_range[1]))
        return self._draw(
            _aug_mix_sampler, x, self._ops, self.num_chains, self.chain_depth, float(self.alpha), vr
        )

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "num_chains": self.num_chains,
            "chain_depth": self.chain_depth,
            "factor": self.factor,
            "alpha": self.alpha,
            "all_ops": self.all_ops,
            "interpolation": self.interpolation,
        }
