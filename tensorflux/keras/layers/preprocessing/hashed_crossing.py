"""HashedCrossing: the cross of categorical features hashed into bins (the "hashing trick").

The bins are those of Keras, which uses ``tf.sparse.cross_hashed``: per row, starting from the
key ``0xDECAFCAFFE``, each feature's 64-bit value is chained with TensorFlow's
``FingerprintCat64``; a string feature contributes its FarmHash Fingerprint64, an integer feature
its int64 value itself; the bin is the result modulo ``num_bins``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.preprocessing._hash64 import fingerprint64, fingerprint_cat64
from tensorflux.keras.layers.preprocessing.category_encoding import _encode
from tensorflux.keras.layers.preprocessing.hashing import _host, _unique_keys

_MODES = ("int", "one_hot")
_DEFAULT_HASH_KEY = 0xDECAFCAFFE  # tf.sparse.cross_hashed's key when none is given


def _integers_as_int64(a: np.ndarray) -> np.ndarray:
    """An object array of Python integers is an integer feature (its bits are crossed, not its text)."""
    if a.dtype.kind == "O" and a.size and all(isinstance(v, (int, np.integer)) for v in a.flat):
        if not any(isinstance(v, (bool, np.bool_)) for v in a.flat):
            return a.astype(np.int64)
    return a


class HashedCrossing(Layer):
    """Cross categorical features with the hashing trick: ``hash(features) % num_bins``, as Keras.

    Takes a list or tuple of at least two features of equal shape ``()``, ``(batch_size,)`` or
    ``(batch_size, 1)``, each of strings (lists or NumPy arrays of ``str``/``bytes``) or integers
    (arrays or tensors); the order of the features matters.

    Args:
        num_bins: the number of hash bins.
        output_mode: ``"int"`` (bin indices, int64) or ``"one_hot"`` (float32 rows of
            ``num_bins``).
        sparse: must be False (tensorflux has no sparse tensors).

    >>> layer = HashedCrossing(num_bins=5)
    >>> layer((np.array(["A", "B", "A", "B", "A"]), np.array([101, 101, 101, 102, 102]))).numpy().tolist()
    [1, 4, 1, 1, 3]
    """

    def __init__(
        self,
        num_bins: int,
        output_mode: str = "int",
        sparse: bool = False,
        name: Any = None,
        dtype: Any = None,
        **kwargs: Any,
    ) -> None:
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        if sparse:
            raise ValueError(
                "HashedCrossing: sparse=True is not supported (tensorflux has no sparse tensors); use "
                f"sparse=False. Received: sparse={sparse}"
            )
        if output_mode not in _MODES:
            raise ValueError(
                "Unknown value for `output_mode` argument of layer HashedCrossing. "
                f"Allowed values are: {_MODES}. Received: {output_mode!r}"
            )
        if isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(
                f"HashedCrossing: `num_bins` must be a positive integer. Received: num_bins={num_bins!r}"
            )
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = False
        self.autocast = False

    def __call__(self, inputs: Any = None, *args: Any, **kwargs: Any) -> Any:
        if isinstance(inputs, (list, tuple)) and any(isinstance(x, KerasTensor) for x in inputs):
            return super().__call__(inputs, *args, **kwargs)
        if not self.built:
            self.built = True
        return self.call(inputs)  # string features skip the base class's tensor conversion

    def _check(self, inputs: Any) -> list[np.ndarray]:
        who = f"HashedCrossing '{self.name}'"
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"`HashedCrossing` should be called on a list or tuple of inputs. Received: inputs={inputs!r}"
            )
        if len(inputs) < 2:
            raise ValueError(
                f"`HashedCrossing` should be called on at least two inputs. Received: {len(inputs)} input(s)"
            )
        arrays = [_integers_as_int64(_host(x, who)) for x in inputs]
        shapes = [a.shape for a in arrays]
        first = shapes[0]
        if len(first) > 2 or (len(first) == 2 and first[-1] != 1):
            raise ValueError(
                "All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or `(batch_size, 1)`. "
                f"Received: shapes {shapes}"
            )
        if any(s != first for s in shapes[1:]):
            raise ValueError(
                f"All `HashedCrossing` inputs should have equal shape. Received: shapes {shapes}"
            )
        for i, a in enumerate(arrays):
            if a.dtype.kind not in "iuUSO":
                raise ValueError(
                    "All `HashedCrossing` inputs should have an integer or string dtype. "
                    f"Received: input {i} of dtype {a.dtype}"
                )
        return arrays

    def call(self, inputs: Any) -> Tensor:
        arrays = self._check(inputs)
        shape = arrays[0].shape
        crossed = np.full(arrays[0].size, _DEFAULT_HASH_KEY, np.uint64)
        for a in arrays:
            if a.dtype.kind in "iu":
                # an integer feature enters as its int64 bits, not hashed
                feature = a.reshape(-1).astype(np.int64).view(np.uint64)
            else:
                keys, inverse = _unique_keys(a, f"HashedCrossing '{self.name}'")
                feature = fingerprint64(keys)[inverse]
            crossed = fingerprint_cat64(crossed, feature)
        ids = (crossed % np.uint64(self.num_bins)).astype(np.int64).reshape(shape)
        if self.output_mode == "int":
            return convert_to_tensor(ids.astype(self.compute_dtype))
        if ids.ndim == 0:
            ids = ids.reshape(1)  # a scalar is one sample, as Keras encodes it
        return _encode(convert_to_tensor(ids), "one_hot", self.num_bins, self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = [tuple(s) for s in input_shape] if isinstance(input_shape, (list, tuple)) else []
        if len(shapes) < 2 or not all(isinstance(s, tuple) for s in input_shape):
            raise ValueError(
                f"HashedCrossing: expected as input a list/tuple of at least 2 tensors. "
                f"Received input_shape={input_shape}"
            )
        first = shapes[0]
        if any(len(s) != len(first) or s[-1:] != first[-1:] for s in shapes[1:]):
            raise ValueError(
                f"HashedCrossing: expected the input tensors to have identical shapes. "
                f"Received input_shape={input_shape}"
            )
        if len(first) > 2 or (len(first) == 2 and first[-1] not in (1, None)):
            raise ValueError(
                "All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or `(batch_size, 1)`. "
                f"Received input_shape={input_shape}"
            )
        if self.output_mode == "int":
            return first
        if not first:
            return (1, self.num_bins)
        if len(first) == 2:
            return first[:-1] + (self.num_bins,)
        return first + (self.num_bins,)

    def get_config(self) -> dict[str, Any]:
        return {
            "num_bins": self.num_bins,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype_policy.name,
        }
