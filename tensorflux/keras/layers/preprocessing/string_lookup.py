"""StringLookup: map string tokens to contiguous indices (or back with ``invert=True``).

tensorflux tensors have no string dtype, so this layer takes strings as Python lists or NumPy
arrays (unicode or object dtype) and is called eagerly; it cannot sit behind a symbolic ``Input``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.layers.preprocessing.index_lookup import IndexLookup


class StringLookup(IndexLookup):
    """Map string features to indices in a vocabulary given or learned by ``adapt``.

    Inputs are lists or NumPy arrays of ``str`` (or ``bytes``, decoded with ``encoding``); outputs
    are int64 tensors (``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"``) or float32 tensors
    (``"tf_idf"``). With ``invert=True`` integer indices map back to a NumPy array of ``str``.
    Index 0 is the mask slot when ``mask_token`` is set, then ``num_oov_indices`` OOV slots (with
    several, a CRC32 hash of the token picks one; Keras uses a FarmHash fingerprint), then the
    vocabulary.

    Args:
        max_tokens: the largest vocabulary size, special slots included (None: no limit).
        num_oov_indices: the number of out-of-vocabulary slots (default 1).
        mask_token: the token that maps to index 0 (None: no mask slot).
        oov_token: the token ``invert=True`` returns for OOV indices (default ``"[UNK]"``).
        vocabulary: a list/array of unique strings, or a path to a text file with one per line.
        idf_weights: for ``"tf_idf"`` with a given vocabulary, one weight per vocabulary term.
        invert: map indices back to strings.
        output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        pad_to_max_tokens: encode into ``max_tokens`` slots even when the vocabulary is smaller.
        sparse: must be False.
        encoding: how ``bytes`` inputs are decoded (default ``"utf-8"``).

    >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
    >>> layer([["a", "c", "d"], ["d", "z", "b"]]).numpy().tolist()
    [[1, 3, 4], [4, 0, 2]]
    """

    _is_string = True

    def __init__(
        self,
        max_tokens: Any = None,
        num_oov_indices: int = 1,
        mask_token: Any = None,
        oov_token: str = "[UNK]",
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        pad_to_max_tokens: bool = False,
        sparse: bool = False,
        encoding: str = "utf-8",
        name: Any = None,
        **kwargs: Any,
    ) -> None:
        self.encoding = encoding
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            name=name,
            **kwargs,
        )

    def _host(self, x: Any) -> Any:
        if isinstance(x, Tensor):
            if self.invert:
                return x.numpy()
            raise TypeError(
                f"StringLookup '{self.name}' takes strings as a list or NumPy array (tensorflux tensors have "
                f"no string dtype). Received: a {x.dtype.name} tensor; use IntegerLookup for integers."
            )
        arr = np.asarray(x)
        if self.invert:
            return arr
        if arr.dtype.kind == "S" or (arr.dtype.kind == "O" and any(isinstance(v, bytes) for v in arr.flat)):
            arr = np.vectorize(
                lambda v: v.decode(self.encoding) if isinstance(v, bytes) else v, otypes=[object]
            )(arr)
        if arr.dtype.kind not in "UO":
            raise TypeError(
                f"StringLookup '{self.name}' expects string inputs. Received: dtype {arr.dtype}; use "
                "IntegerLookup for integers."
            )
        return arr.astype(str)

    def __call__(self, inputs: Any = None, *args: Any, **kwargs: Any) -> Any:
        if isinstance(inputs, KerasTensor):
            raise TypeError(
                f"StringLookup '{self.name}' cannot take a symbolic input: tensorflux tensors have no string "
                "dtype. Apply the layer to your data before the model (e.g. in the input pipeline)."
            )
        if self.invert:
            return super().__call__(inputs, *args, **kwargs)
        return self.call(inputs)  # strings skip the base class's tensor conversion

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "encoding": self.encoding}
