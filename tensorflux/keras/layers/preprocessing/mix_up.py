"""MixUp: blend each image (and its label) with another image of the batch (in training).

The shared ``_MixLayer`` also serves CutMix: both take images, or a dict with ``"images"`` and
optionally ``"labels"``, as Keras 3's image preprocessing layers do, and draw all their random
parameters in one random primitive (a small float64 table, one row per image) so that images
and labels are mixed with the same draw.
"""

from __future__ import annotations

from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.layers.preprocessing.image_preprocessing_base import _TrainingImageLayer
from tensorflux.keras.layers.preprocessing.image_resizing import _from_nhwc, _to_nhwc
from tensorflux.ops import array_ops
from tensorflux.ops.random_ops import _draw


def _beta(rng: Any, n: int, alpha: Any) -> Any:
    """Beta(alpha, alpha) draws as g1 / (g1 + g2) of two Gamma(alpha) draws; for a tiny ``alpha``
    both can underflow to 0, where the limit law (0 or 1, each with probability 1/2) is used."""
    f64 = B.native_dtype("float64")
    g1 = B.gamma(rng, (n,), alpha, 1.0, f64)
    g2 = B.gamma(rng, (n,), alpha, 1.0, f64)
    coin = B.cast(B.less(B.uniform(rng, (n,), 0.0, 1.0, f64), 0.5), f64)
    total = B.add(g1, g2)
    safe = B.where(B.greater(total, 0.0), total, 1.0)
    return B.where(B.greater(total, 0.0), B.divide(g1, safe), coin)


def _mix_up_sampler(rng: Any, x: Any, alpha: float) -> Any:
    # Keras' order: the permutation, then the weights
    n = x.shape[0]
    perm = B.cast(B.permutation(rng, n), B.native_dtype("float64"))
    return B.stack([perm, _beta(rng, n, alpha)], axis=1)


class _MixLayer(_TrainingImageLayer):
    """Images or ``{"images": ..., "labels": ...}`` in, the same structure out."""

    def _params(self, x: Tensor) -> Tensor:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def _mix_images(self, x: Tensor, perm: Tensor, params: Tensor) -> Tensor:  # pragma: no cover
        raise NotImplementedError

    def call(self, inputs: Any, training: Any = True) -> Any:
        name = type(self).__name__
        if isinstance(inputs, dict):
            unknown = sorted(set(inputs) - {"images", "labels"})
            if "images" not in inputs or unknown:
                raise ValueError(
                    f"{name} layer '{self.name}': a dict input needs the key 'images' and may hold "
                    f"'labels'; received keys {sorted(inputs)} (bounding boxes and segmentation masks "
                    "are not supported)."
                )
            images, labels = inputs["images"], inputs.get("labels")
        else:
            images, labels = inputs, None
        x, single = _to_nhwc(convert_to_tensor(images), self.data_format, name, self.compute_dtype)
        if training and not single:
            params = self._params(x)
            perm = array_ops.cast(params[:, 0], "int32")
            x = self._mix_images(x, perm, params)
            if labels is not None:
                labels = self._mix_labels(convert_to_tensor(labels), perm, params[:, 1])
        out = _from_nhwc(x, self.data_format, single)
        if isinstance(inputs, dict):
            return {**inputs, "images": out, **({} if labels is None else {"labels": labels})}
        return out

    def _mix_labels(self, labels: Tensor, perm: Tensor, weight: Tensor) -> Tensor:
        if labels.ndim < 1 or labels.shape[0] != perm.shape[0]:
            raise ValueError(
                f"{type(self).__name__} layer '{self.name}': labels must have one row per image; "
                f"received labels of shape {tuple(labels.shape)} for {perm.shape[0]} images."
            )
        if not labels.dtype.is_floating:
            labels = array_ops.cast(labels, self.compute_dtype)
        w = array_ops.reshape(array_ops.cast(weight, labels.dtype), (-1,) + (1,) * (labels.ndim - 1))
        return w * labels + (1.0 - w) * array_ops.gather(labels, perm, axis=0)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if isinstance(input_shape, dict):
            return dict(input_shape)
        return super().compute_output_shape(input_shape)


class MixUp(_MixLayer):
    """Blend each image with another image of the batch while training (mixup, Zhang et al. 2018).

    For image ``i`` a weight ``w_i ~ Beta(alpha, alpha)`` and a random permutation ``p`` of the
    batch give ``w_i * x_i + (1 - w_i) * x_{p(i)}``; labels passed as ``{"images": ..., "labels":
    ...}`` are blended with the same weights. Outside training (and for one unbatched image) the
    input passes through, the images cast to the compute dtype.

    Args:
        alpha: the Beta distribution's concentration (default 0.2); small values keep images
            close to the originals.
        data_format: ``"channels_last"`` (default) or ``"channels_first"``.
        seed: integer seed for repeatable draws.

    >>> import tensorflux as tf
    >>> labels = tf.constant([[1.0, 0.0], [0.0, 1.0]])
    >>> out = MixUp(seed=1)({"images": tf.ones((2, 4, 4, 3)), "labels": labels})
    >>> out["images"].shape, out["labels"].shape
    (TensorShape([2, 4, 4, 3]), TensorShape([2, 2]))
    """

    def __init__(
        self, alpha: float = 0.2, data_format: str | None = None, seed: int | None = None, **kwargs: Any
    ):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha > 0:
            raise ValueError(f"MixUp: `alpha` must be a positive number. Received: alpha={alpha!r}")
        self.alpha = alpha

    def _params(self, x: Tensor) -> Tensor:
        return _draw(_mix_up_sampler, self.seed, float(self.alpha), inputs=(x,))

    def _mix_images(self, x: Tensor, perm: Tensor, params: Tensor) -> Tensor:
        w = array_ops.reshape(array_ops.cast(params[:, 1], x.dtype), (-1, 1, 1, 1))
        return w * x + (1.0 - w) * array_ops.gather(x, perm, axis=0)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}
