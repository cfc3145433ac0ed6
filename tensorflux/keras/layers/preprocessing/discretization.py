"""Discretization: bucket continuous values by bin boundaries given or learned by ``adapt``."""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.preprocessing.category_encoding import _encode
from tensorflux.ops import array_ops, math_ops

_MODES = ("int", "one_hot", "multi_hot", "count")


# The quantile sketch below follows Keras' approximate algorithm (same formulas), so that adapt()
# learns the same boundaries as Keras; it runs on host data once, outside any tape.
def _summarize(values: Any, epsilon: float) -> Any:
    values = np.sort(np.reshape(values, [-1]))
    increment = values.size / (1.0 / epsilon)
    step = max(increment, 1)
    kept = values[int(increment) :: int(step)]
    return np.stack([kept, np.full_like(kept, step)])


def _compress(summary: Any, epsilon: float) -> Any:
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = summary[1].cumsum()
    cum_pct = cum / cum[-1]
    bins = np.interp(percents, cum_pct, summary[0])
    cum = np.interp(percents, cum_pct, cum)
    weights = cum - np.concatenate(([0.0], cum[:-1]))
    return np.stack((bins, weights)).astype("float32")


def _merge(a: Any, b: Any, epsilon: float) -> Any:
    merged = np.concatenate((a, b), axis=1)
    return _compress(merged[:, np.argsort(merged[0], kind="stable")], epsilon)


def _batches(data: Any) -> Any:
    if hasattr(data, "element_spec") and hasattr(data, "batch"):
        return iter(data)
    if isinstance(data, (Tensor, list, tuple)) or hasattr(data, "__array__"):
        return iter([data])
    if hasattr(data, "__iter__"):
        return iter(data)
    raise TypeError(
        f"adapt: unsupported data type {type(data).__name__}. Pass an array, a tensor, a list, a "
        "Dataset or an iterable of batches."
    )


def _host(x: Any) -> Any:
    if isinstance(x, tuple):
        x = x[0]
    return convert_to_tensor(x).numpy() if not isinstance(x, np.ndarray) else x


class Discretization(Layer):
    """Bucket numeric inputs: bucket ``i`` holds ``bin_boundaries[i-1] <= x < bin_boundaries[i]``.

    Args:
        bin_boundaries: sorted boundaries; ``len(bin_boundaries) + 1`` buckets.
        num_bins: the number of buckets to learn with ``adapt`` (approximate quantiles).
        epsilon: error tolerance of the quantile sketch (default 0.01).
        output_mode: ``"int"`` (bucket ids, int32 as Keras' TensorFlow and JAX backends give),
            ``"one_hot"``, ``"multi_hot"`` or ``"count"`` (float32 vectors of ``num_bins`` slots).
        sparse: must be False.

    >>> import tensorflux as tf
    >>> layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    >>> layer(tf.constant([[-1.0, 0.5, 1.0, 3.0]])).numpy().tolist()
    [[0, 1, 2, 3]]
    """

    def __init__(
        self,
        bin_boundaries: Any = None,
        num_bins: Any = None,
        epsilon: float = 0.01,
        output_mode: str = "int",
        sparse: bool = False,
        dtype: Any = None,
        name: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(dtype=dtype, name=name, **kwargs)
        if output_mode not in _MODES:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {list(_MODES)}. "
                f"Received: output_mode={output_mode}"
            )
        if sparse:
            raise ValueError(
                "Discretization: sparse=True is not supported (no sparse tensors); use sparse=False."
            )
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`"
            )
        if bin_boundaries is not None:
            bin_boundaries = [float(b) for b in bin_boundaries]
            if num_bins is not None and len(bin_boundaries) != num_bins - 1:
                raise ValueError(
                    "Both `num_bins` and `bin_boundaries` should not be set, unless "
                    "len(bin_boundaries) == num_bins - 1. "
                    f"Received: num_bins={num_bins} and bin_boundaries={bin_boundaries}"
                )
            if any(b > c for b, c in zip(bin_boundaries, bin_boundaries[1:])):
                raise ValueError(
                    f"`bin_boundaries` must be sorted. Received: bin_boundaries={bin_boundaries}"
                )
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = float(epsilon)
        self.output_mode = output_mode
        self.sparse = False
        self.autocast = False  # bucketing compares the inputs as given (no float16 rounding)

    def adapt(self, data: Any, steps: Any = None) -> None:
        """Learn ``num_bins - 1`` boundaries at the approximate quantiles of ``data``.

        ``data`` is an array, a tensor, a Dataset or an iterable of batches.
        """
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`, use `num_bins` instead."
            )
        summary = np.zeros((2, 0), "float32")
        for i, batch in enumerate(_batches(data)):
            if steps is not None and i >= steps:
                break
            summary = _merge(
                summary, _summarize(np.asarray(_host(batch), "float32"), self.epsilon), self.epsilon
            )
        if summary.shape[1] == 0:
            raise ValueError(
                "Discretization.adapt received no data (an empty iterable). Pass at least one batch."
            )
        bounds = _compress(summary, 1.0 / self.num_bins)[0, :-1]
        self.bin_boundaries = [float(b) for b in np.asarray(bounds, "float32")]

    def call(self, inputs: Tensor) -> Tensor:
        if self.bin_boundaries is None:
            raise ValueError(
                f"Discretization layer '{self.name}' has no bin boundaries: pass `bin_boundaries` or call "
                "adapt() with `num_bins` set before using it."
            )
        x = inputs if inputs.dtype.is_floating else array_ops.cast(inputs, "float64")
        bounds = array_ops.constant(self.bin_boundaries, x.dtype.name)
        # bucket id = how many boundaries are <= x (numpy.digitize with right=False)
        ids = math_ops.reduce_sum(array_ops.cast(array_ops.expand_dims(x, -1) >= bounds, "int32"), axis=-1)
        if self.output_mode == "int":
            return ids
        return _encode(ids, self.output_mode, len(self.bin_boundaries) + 1, "float32")

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        if self.output_mode == "int":
            return shape
        depth = None if self.bin_boundaries is None else len(self.bin_boundaries) + 1
        if self.output_mode == "one_hot" and not (len(shape) > 1 and shape[-1] == 1):
            return shape + (depth,)
        return shape[:-1] + (depth,)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "bin_boundaries": None if self.bin_boundaries is None else list(self.bin_boundaries),
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }
