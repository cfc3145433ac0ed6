"""Hashing: strings or integers to hash bins, with TensorFlow's hash functions (same bins as Keras).

Values are hashed as TensorFlow's ``to_hash_bucket_fast`` (FarmHash Fingerprint64 of the bytes,
modulo the number of bins) or, with a ``salt``, ``to_hash_bucket_strong`` (SipHash-2-4 keyed by
the two salt integers). Integers are hashed as their decimal strings (floats truncated to int64
first, booleans as ``"true"``/``"false"``), as ``tf.as_string`` writes them.

tensorflux tensors have no string dtype: strings come as Python strings, lists or NumPy arrays
(unicode, bytes or object dtype) and are hashed eagerly, e.g. in a ``tensorflux.data`` pipeline;
integer inputs also work on a symbolic ``keras.Input``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.framework.config import floatx
from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.preprocessing._hash64 import fingerprint64, siphash64
from tensorflux.keras.layers.preprocessing.category_encoding import _encode

_MODES = ("int", "one_hot", "multi_hot", "count")


def _is_strings(x: Any) -> bool:
    """Whether ``x`` (not a tensor) holds strings, so that it must skip the tensor conversion."""
    if isinstance(x, (str, bytes)):
        return True
    if isinstance(x, (Tensor, KerasTensor)) or x is None:
        return False
    try:
        return np.asarray(x).dtype.kind in "USO"
    except ValueError:  # ragged nested lists
        return True


def _host(x: Any, who: str) -> np.ndarray:
    """``x`` as a host NumPy array (tensors are read back; strings stay strings)."""
    if isinstance(x, Tensor):
        return x.numpy()
    if isinstance(x, (str, bytes)):
        return np.asarray(x, dtype=object)
    try:
        return np.asarray(x)
    except ValueError as e:
        raise ValueError(f"{who} expects a rectangular array of strings or integers. Received: {x!r}") from e


def _as_bytes(v: Any, who: str) -> bytes:
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, (bool, np.bool_)):
        return b"true" if v else b"false"
    if isinstance(v, (int, np.integer)):
        return str(int(v)).encode("ascii")
    raise TypeError(
        f"{who} expects strings or integers. Received: a value of type {type(v).__name__} ({v!r})."
    )


def _unique_keys(arr: np.ndarray, who: str) -> tuple[list[bytes], np.ndarray]:
    """The distinct byte strings TensorFlow would hash for ``arr``, and each element's index in them.

    Integers become their decimal strings (``tf.as_string``), floats are truncated to int64 first
    (as Keras casts them) and booleans read ``"true"``/``"false"``.
    """
    kind = arr.dtype.kind
    if kind == "f":
        with np.errstate(invalid="ignore"):  # NaN/inf: whatever the cast gives, as TensorFlow's cast
            arr = arr.astype(np.int64)
        kind = "i"
    if kind in "iubUS":
        uniq, inverse = np.unique(arr, return_inverse=True)
        if kind == "U":
            keys = [s.encode("utf-8") for s in uniq.tolist()]
        elif kind == "S":
            keys = list(uniq.tolist())
        else:
            keys = [_as_bytes(v, who) for v in uniq.tolist()]
        return keys, inverse.reshape(-1)
    if kind == "O":
        flat = [_as_bytes(v, who) for v in arr.reshape(-1).tolist()]
        table: dict[bytes, int] = {}
        inverse = np.fromiter((table.setdefault(b, len(table)) for b in flat), np.int64, len(flat))
        return list(table), inverse
    raise TypeError(f"{who} expects strings or integers. Received: an array of dtype {arr.dtype}.")


def _hash_keys(keys: list[bytes], salt: Any) -> np.ndarray:
    return fingerprint64(keys) if salt is None else siphash64(keys, salt)


class Hashing(Layer):
    """Hash strings or integers into ``num_bins`` bins, bit-identical to Keras' ``Hashing``.

    FarmHash Fingerprint64 by default; SipHash-2-4 keyed by ``salt`` when it is given. With a
    ``mask_value``, that value maps to bin 0 and the others to ``1 + hash % (num_bins - 1)``.

    Args:
        num_bins: the number of bins, the mask bin included when ``mask_value`` is set.
        mask_value: the value (a string for string inputs, an integer for integer inputs) that
            maps to bin 0; None means no mask bin.
        salt: None (FarmHash), an integer (SipHash keyed by ``[salt, salt]``) or a list/tuple of
            two integers (the SipHash key).
        output_mode: ``"int"`` (bin indices), ``"one_hot"`` (each element; a trailing axis of
            size 1 is replaced), ``"multi_hot"`` or ``"count"`` (the last axis is one sample).
        sparse: must be False (tensorflux has no sparse tensors).

    Inputs are Python strings, lists or NumPy arrays of ``str``/``bytes``, or integer (or float)
    arrays and tensors; outputs are int64 tensors for ``"int"`` and ``floatx()`` (float32) tensors
    otherwise, unless ``dtype`` says otherwise.

    >>> layer = Hashing(num_bins=3)
    >>> layer([["A"], ["B"], ["C"], ["D"], ["E"]]).numpy().ravel().tolist()
    [1, 0, 1, 1, 2]
    """

    def __init__(
        self,
        num_bins: int,
        mask_value: Any = None,
        salt: Any = None,
        output_mode: str = "int",
        sparse: bool = False,
        **kwargs: Any,
    ) -> None:
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else floatx()
        super().__init__(**kwargs)
        if num_bins is None or isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)):
            raise ValueError(
                f"The `num_bins` for `Hashing` must be a positive integer. Received: num_bins={num_bins!r}."
            )
        if num_bins <= 0:
            raise ValueError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins}."
            )
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError(
                "Hashing: when `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or "
                f"'int64'. Received: dtype={kwargs['dtype']}"
            )
        if output_mode not in _MODES:
            raise ValueError(
                "Hashing: invalid value for argument `output_mode`. "
                f"Expected one of {_MODES}. Received: output_mode={output_mode}"
            )
        if sparse:
            raise ValueError(
                "Hashing: sparse=True is not supported (tensorflux has no sparse tensors); use "
                f"sparse=False. Received: sparse={sparse} and output_mode={output_mode}"
            )
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.output_mode = output_mode
        self.sparse = False
        self.strong_hash = salt is not None
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2 and all(_is_int(s) for s in salt):
                self.salt = [int(s) for s in salt]
            elif _is_int(salt):
                self.salt = [int(salt), int(salt)]
            else:
                raise ValueError(
                    "The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a "
                    f"single integer. Received: salt={salt}."
                )
        self.autocast = False  # floats are truncated to int64, never cast to float32 first

    def __call__(self, inputs: Any = None, *args: Any, **kwargs: Any) -> Any:
        if _is_strings(inputs):
            if not self.built:
                self.built = True
            return self.call(inputs)  # strings skip the base class's tensor conversion
        return super().__call__(inputs, *args, **kwargs)

    def _bins(self, arr: np.ndarray) -> np.ndarray:
        """Bin index (int64, shape of ``arr``) of each value of the host array ``arr``."""
        who = f"Hashing '{self.name}'"
        keys, inverse = _unique_keys(arr, who)
        hash_bins = self.num_bins
        masked = self.mask_value is not None and hash_bins > 1
        if masked:
            hash_bins -= 1
        bins = (_hash_keys(keys, self.salt) % np.uint64(hash_bins)).astype(np.int64)
        if not masked:
            return bins[inverse].reshape(arr.shape)
        bins += 1
        if arr.dtype.kind in "USO":
            if not isinstance(self.mask_value, (str, bytes)):
                raise ValueError(
                    f"{who}: `mask_value` must be a string for string inputs. "
                    f"Received: mask_value={self.mask_value!r}"
                )
            mask_key = _as_bytes(self.mask_value, who)
            bins[np.asarray([k == mask_key for k in keys], bool)] = 0
            return bins[inverse].reshape(arr.shape)
        if isinstance(self.mask_value, (str, bytes)):
            raise ValueError(
                f"{who}: `mask_value` must be a number for numeric inputs (dtype {arr.dtype}). "
                f"Received: mask_value={self.mask_value!r}"
            )
        out = bins[inverse].reshape(arr.shape)
        out[arr == self.mask_value] = 0  # compared before floats are truncated, as Keras
        return out

    def call(self, inputs: Any) -> Tensor:
        ids = self._bins(_host(inputs, f"Hashing '{self.name}'"))
        if self.output_mode == "int":
            return convert_to_tensor(ids.astype(self.compute_dtype))
        return _encode(convert_to_tensor(ids), self.output_mode, self.num_bins, self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if self.output_mode == "int":
            return shape
        if not shape:
            return (self.num_bins,)
        if self.output_mode == "one_hot" and not (len(shape) > 1 and shape[-1] == 1):
            return shape + (self.num_bins,)
        return shape[:-1] + (self.num_bins,)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "salt": self.salt,
            "mask_value": self.mask_value,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
        }


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))
