"""CategoryEncoding: integer ids to one-hot, multi-hot or count vectors of a known size."""

from __future__ import annotations

from typing import Any

from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.ops import array_ops, math_ops

_MODES = ("one_hot", "multi_hot", "count")


def _encode(ids: Tensor, output_mode: str, depth: int, dtype: str, count_weights: Any = None) -> Tensor:
    """Encode integer ``ids`` (-1 means "nothing") along a new or the last axis with ``depth`` slots.

    ``one_hot`` encodes each element (a trailing axis of size 1 is replaced); ``multi_hot`` and
    ``count`` treat the last axis as one sample (a rank-1 input is one sample), as Keras does.
    """
    if output_mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids = array_ops.squeeze(ids, axis=-1)
        return array_ops.one_hot(ids, depth, dtype=dtype)
    if ids.ndim == 0:
        ids = array_ops.expand_dims(ids, 0)
    hot = array_ops.one_hot(ids, depth, dtype=dtype)  # (..., n, depth): -1 gives an all-zero row
    if output_mode == "multi_hot":
        return math_ops.reduce_max(hot, axis=-2) if ids.shape[-1] else math_ops.reduce_sum(hot, axis=-2)
    if count_weights is not None:
        w = array_ops.cast(convert_to_tensor(count_weights), dtype)
        if tuple(w.shape) != tuple(ids.shape):
            raise ValueError(
                f"count_weights must have the shape of the inputs {tuple(ids.shape)}. "
                f"Received: count_weights.shape={tuple(w.shape)}"
            )
        hot = hot * array_ops.expand_dims(w, -1)
    return math_ops.reduce_sum(hot, axis=-2)


class CategoryEncoding(Layer):
    """Encode integer features in ``[0, num_tokens)`` as dense one-hot, multi-hot or count vectors.

    Args:
        num_tokens: the number of distinct ids; inputs must lie in ``[0, num_tokens)``.
        output_mode: ``"multi_hot"`` (default; the last axis is one sample), ``"one_hot"`` (each
            element) or ``"count"`` (how often each id occurs in the sample, optionally weighted by
            ``count_weights`` in ``call``).
        sparse: must be False (tensorflux has no sparse tensors).

    >>> import tensorflux as tf
    >>> layer = CategoryEncoding(num_tokens=4, output_mode="multi_hot")
    >>> layer(tf.constant([[0, 1], [1, 3]])).numpy().tolist()
    [[1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
    """

    def __init__(
        self, num_tokens: Any = None, output_mode: str = "multi_hot", sparse: bool = False, **kwargs: Any
    ):
        super().__init__(**kwargs)
        if output_mode == "binary":  # Keras' old name for multi_hot
            output_mode = "multi_hot"
        if output_mode not in _MODES:
            raise ValueError(
                f"Unknown arg for output_mode: {output_mode}. Expected one of {list(_MODES)}. "
                f"Received: output_mode={output_mode}"
            )
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. Received: num_tokens=None")
        if int(num_tokens) < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}")
        if sparse:
            raise ValueError(
                "CategoryEncoding: sparse=True is not supported (tensorflux has no sparse tensors); "
                "use sparse=False."
            )
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = False

    def call(self, inputs: Tensor, count_weights: Any = None) -> Tensor:
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(
                "`count_weights` is not used when `output_mode` is not `'count'`. "
                f"Received `count_weights={count_weights}`."
            )
        ids = inputs if inputs.dtype.is_integer else array_ops.cast(inputs, "int64")
        if ids.shape and 0 not in ids.shape:
            lo, hi = int(math_ops.reduce_min(ids).numpy()), int(math_ops.reduce_max(ids).numpy())
            if lo < 0 or hi >= self.num_tokens:
                raise ValueError(
                    f"CategoryEncoding '{self.name}': input values must be in the range "
                    f"0 <= values < num_tokens with num_tokens={self.num_tokens}. Received: min={lo}, "
                    f"max={hi}"
                )
        return _encode(ids, self.output_mode, self.num_tokens, self.compute_dtype, count_weights)

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        if not shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and not (len(shape) > 1 and shape[-1] == 1):
            return shape + (self.num_tokens,)
        return shape[:-1] + (self.num_tokens,)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}
