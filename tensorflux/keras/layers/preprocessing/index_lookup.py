"""IndexLookup: the shared engine of IntegerLookup and StringLookup (token <-> index tables).

Index layout (as Keras): the mask token at 0 when ``mask_token`` is set, then ``num_oov_indices``
out-of-vocabulary slots, then the vocabulary. ``adapt`` orders the vocabulary by frequency, most
frequent first, ties broken by the larger token first.
"""

from __future__ import annotations

import collections
import math
import zlib
from typing import Any

import numpy as np

from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.preprocessing.category_encoding import _encode
from tensorflux.keras.layers.preprocessing.discretization import _batches
from tensorflux.ops import array_ops

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(Layer):
    """Map tokens to indices (or back with ``invert=True``); subclasses fix the token kind.

    The tables live on the host (a dict over the unique tokens of each batch): lookups are
    preprocessing on plain data, never differentiated.
    """

    _is_string = False

    def __init__(
        self,
        max_tokens: Any = None,
        num_oov_indices: int = 1,
        mask_token: Any = None,
        oov_token: Any = None,
        vocabulary: Any = None,
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("vocabulary_size", None)  # written by get_config, recomputed here
        super().__init__(**kwargs)
        cls = type(self).__name__
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in _MODES:
            raise ValueError(
                f"{cls}: invalid value for argument `output_mode`. Expected one of {list(_MODES)}. "
                f"Received: output_mode={output_mode}"
            )
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"{cls}: if set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}"
            )
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(
                f"{cls}: if pad_to_max_tokens is True, must set `max_tokens`. "
                f"Received: max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                f"{cls}: `num_oov_indices` must be greater than or equal to 0. "
                f"Received: num_oov_indices={num_oov_indices}"
            )
        if invert and output_mode != "int":
            raise ValueError(
                f"{cls}: `output_mode` must be `'int'` when `invert` is true. "
                f"Received: output_mode={output_mode}"
            )
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                f"{cls}: `idf_weights` should only be set if output_mode is `'tf_idf'`. "
                f"Received: idf_weights={idf_weights} and output_mode={output_mode}"
            )
        if sparse:
            raise ValueError(f"{cls}: sparse=True is not supported (tensorflux has no sparse tensors).")
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.autocast = False
        self._vocab: list[Any] | None = None
        self._table: dict[Any, int] = {}
        self._idf: Any = None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # -- vocabulary ---------------------------------------------------------------------------------
    def _token(self, v: Any) -> Any:
        return str(v) if self._is_string else int(v)

    def _offset(self) -> int:
        return (self.mask_token is not None) + self.num_oov_indices

    def _special_size(self) -> int:
        """The special slots counted against ``max_tokens``: as Keras, the mask slot only in "int" mode."""
        return self._offset() - (self.mask_token is not None and self.output_mode != "int")

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (a list, array or tensor of unique tokens) and, for tf_idf, its idf weights.

        Leading special tokens (the mask token, then the OOV tokens, as ``get_vocabulary()`` returns
        them) are recognised and skipped, so a vocabulary can be copied from another layer.
        """
        cls = type(self).__name__
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = [line.rstrip("\n") for line in f]
        if isinstance(vocabulary, Tensor):
            vocabulary = vocabulary.numpy()
        tokens = [self._token(v) for v in np.asarray(vocabulary).reshape(-1).tolist()]
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(
                f"{cls}: `idf_weights` must be set if output_mode is 'tf_idf' and a vocabulary is passed."
            )
        weights = None if idf_weights is None else [float(w) for w in np.asarray(idf_weights).reshape(-1)]
        if self.mask_token is not None and tokens[:1] == [self._token(self.mask_token)]:
            tokens = tokens[1:]
        oov = self._token(self.oov_token)
        if self.num_oov_indices and tokens[: self.num_oov_indices] == [oov] * self.num_oov_indices:
            tokens = tokens[self.num_oov_indices :]
        if weights is not None and len(weights) == len(tokens) + self._offset():
            weights = weights[self._offset() :]
        if len(set(tokens)) != len(tokens):
            dup = [t for t, c in collections.Counter(tokens).items() if c > 1]
            raise ValueError(f"{cls}: the passed vocabulary has at least one repeated term: {dup[:5]}")
        if self.mask_token is not None and self._token(self.mask_token) in tokens:
            raise ValueError(
                f"{cls}: the mask token {self.mask_token!r} is in the vocabulary at index "
                f"{tokens.index(self._token(self.mask_token))}; it may only appear first. Remove it."
            )
        if self.num_oov_indices and oov in tokens:
            raise ValueError(
                f"{cls}: the OOV token {self.oov_token!r} is in the vocabulary at index "
                f"{tokens.index(oov)}; it may only appear at the OOV positions. Remove it."
            )
        if self.max_tokens is not None and len(tokens) + self._special_size() > self.max_tokens:
            raise ValueError(
                f"{cls}: attempted to set a vocabulary larger than the maximum vocab size. Received "
                f"vocabulary size is {len(tokens) + self._special_size()}; `max_tokens` is {self.max_tokens}."
            )
        if weights is not None and len(weights) != len(tokens):
            raise ValueError(
                f"{cls}: `idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                f"{len(weights)}; len(vocabulary) is {len(tokens)}"
            )
        self._set(tokens, weights)

    def _set(self, tokens: list[Any], weights: Any) -> None:
        self._vocab = tokens
        start = self._offset()
        self._table = {t: i + start for i, t in enumerate(tokens)}
        if weights is None:
            self._idf = None
            return
        # the OOV slots get the mean idf, the mask slot 0 (it is never counted)
        oov_idf = sum(weights) / len(weights) if weights else 0.0
        self._idf = [0.0] * (self.mask_token is not None) + [oov_idf] * self.num_oov_indices + weights

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[Any]:
        """The tokens by index: mask token, OOV tokens, then the vocabulary (``include_special_tokens``).

        As in Keras, the mask token is listed only in ``"int"`` mode (other modes do not encode it).
        """
        vocab = list(self._vocab or [])
        if not include_special_tokens:
            return vocab
        specials = [self.mask_token] if self.mask_token is not None and self.output_mode == "int" else []
        return specials + [self.oov_token] * self.num_oov_indices + vocab

    def vocabulary_size(self) -> int:
        """The number of indices, including the OOV slots (and the mask slot in ``"int"`` mode)."""
        size = len(self._vocab or []) + self._offset()
        if self.output_mode != "int" and self.mask_token is not None:
            size -= 1
        return size

    @property
    def idf_weights(self) -> Any:
        return None if self._idf is None else convert_to_tensor(np.asarray(self._idf, "float32"))

    def adapt(self, data: Any, steps: Any = None) -> None:
        """Learn the vocabulary (and idf weights for ``"tf_idf"``) from ``data``.

        ``data`` is an array, a list, a tensor, a Dataset or an iterable of batches. Tokens are
        ordered by frequency, most frequent first (ties: larger token first); the mask and OOV
        tokens are not counted. ``max_tokens`` bounds the size including the special slots.
        """
        counts: collections.Counter = collections.Counter()
        doc_counts: collections.Counter = collections.Counter()
        num_docs = 0
        for i, batch in enumerate(_batches(data)):
            if steps is not None and i >= steps:
                break
            arr = self._host(batch[0] if isinstance(batch, tuple) else batch)
            values, freq = np.unique(arr, return_counts=True)
            counts.update({self._token(v): int(c) for v, c in zip(values.tolist(), freq.tolist())})
            if self.output_mode == "tf_idf":
                docs = arr.reshape(-1, 1) if arr.ndim <= 1 else arr.reshape(arr.shape[0], -1)
                num_docs += docs.shape[0]
                for doc in docs:
                    doc_counts.update({self._token(v) for v in np.unique(doc).tolist()})
        for special in (self.mask_token, self.oov_token if self.num_oov_indices else None):
            if special is not None:
                counts.pop(self._token(special), None)
        ordered = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if self.max_tokens is not None:
            ordered = ordered[: max(self.max_tokens - self._special_size(), 0)]
        tokens = [t for t, _ in ordered]
        weights = None
        if self.output_mode == "tf_idf":
            weights = [math.log(1.0 + num_docs / (1.0 + doc_counts[t])) for t in tokens]
        self._set(tokens, weights)

    # -- lookup -------------------------------------------------------------------------------------
    def _host(self, x: Any) -> Any:
        """``x`` as a host array of tokens (subclasses check the kind)."""
        if isinstance(x, Tensor):
            return x.numpy()
        return np.asarray(x)

    def _oov_index(self, token: Any) -> int:
        if self.num_oov_indices == 1:
            return 0
        if self._is_string:
            return zlib.crc32(token.encode("utf-8")) % self.num_oov_indices
        return token % self.num_oov_indices  # floormod, as Keras' IntegerLookup

    def _ids(self, arr: Any) -> Any:
        """Indices of the tokens in ``arr`` (same shape, int64)."""
        values, inverse = np.unique(arr, return_inverse=True)
        mask = None if self.mask_token is None else self._token(self.mask_token)
        start = self.mask_token is not None
        out = np.empty(values.shape, "int64")
        missing = []
        for j, v in enumerate(values.tolist()):
            tok = self._token(v)
            if tok == mask:
                out[j] = 0
            elif tok in self._table:
                out[j] = self._table[tok]
            elif self.num_oov_indices:
                out[j] = start + self._oov_index(tok)
            else:
                missing.append(tok)
        if missing:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': tokens {missing[:5]} are out of vocabulary and "
                "num_oov_indices=0. Set num_oov_indices >= 1 or add them to the vocabulary."
            )
        return out[inverse.reshape(-1)].reshape(arr.shape)

    def _inverse(self, ids: Any) -> Any:
        vocab = self.get_vocabulary()
        table = np.asarray(vocab, dtype=object if self._is_string else "int64")
        oov = self.oov_token
        out = np.full(ids.shape, oov, dtype=table.dtype)
        ok = (ids >= 0) & (ids < len(vocab))
        out[ok] = table[ids[ok]]
        if self._is_string:
            out = out.astype(str)
        return out

    def call(self, inputs: Any) -> Any:
        if self._vocab is None:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' has no vocabulary: pass `vocabulary=` or call adapt() "
                "before using it."
            )
        arr = self._host(inputs)
        if self.invert:
            return self._inverse(arr.astype("int64"))
        ids = self._ids(arr)
        if self.output_mode == "int":
            return convert_to_tensor(ids)
        depth = self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()
        if self.mask_token is not None:
            ids = ids - 1  # the mask slot is not encoded: mask tokens become -1 (all zeros)
        t = convert_to_tensor(ids)
        if self.output_mode == "tf_idf":
            counts = _encode(t, "count", depth, "float32")
            idf = self._idf[1:] if self.mask_token is not None else self._idf
            idf = list(idf) + [0.0] * (depth - len(idf))
            return counts * array_ops.constant(idf, "float32")
        return array_ops.cast(_encode(t, self.output_mode, depth, "float32"), "int64")

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        if self.output_mode == "int":
            return shape
        depth = self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()
        if self.output_mode == "one_hot" and not (len(shape) > 1 and shape[-1] == 1):
            return shape + (depth,)
        return shape[:-1] + (depth,)

    def get_config(self) -> dict[str, Any]:
        # the current vocabulary (given or adapted) travels in the config, so a saved model keeps it
        return {
            **super().get_config(),
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary": None if self._vocab is None else list(self._vocab),
            "idf_weights": None if self._idf is None else [float(w) for w in self._idf[self._offset() :]],
            "vocabulary_size": self.vocabulary_size(),
        }
