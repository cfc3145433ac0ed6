"""TextVectorization: strings to token-index sequences or bag-of-words vectors.

The string steps (standardize, split, ngrams) live in ``_text_ops``; the vocabulary, ``adapt``,
the OOV/mask slots and the ``"multi_hot"``/``"count"``/``"tf_idf"`` encodings are a StringLookup
with mask token ``""`` held in ``_lookup_layer`` (the attribute name Keras uses, so saved paths
match). tensorflux tensors have no string dtype: like StringLookup, this layer takes strings as
Python lists or NumPy arrays, eagerly (also inside ``Dataset.map``), not behind a symbolic Input.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

import numpy as np

from tensorflux.framework.tensor import Tensor, convert_to_tensor
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.layers.layer import Layer
from tensorflux.keras.layers.preprocessing import _text_ops
from tensorflux.keras.layers.preprocessing.discretization import _batches
from tensorflux.keras.layers.preprocessing.string_lookup import StringLookup
from tensorflux.ops import array_ops

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class _TextLookup(StringLookup):
    """The inner StringLookup; it accepts the ``idf_weights`` entry Keras writes for it in tf_idf mode."""

    def save_own_variables(self, store: Any) -> None:
        pass  # the outer layer writes the idf weights (Keras writes them twice; one copy is enough)

    def load_own_variables(self, store: Any) -> None:
        pass


class TextVectorization(Layer):
    """Map text to token indices (``"int"``) or to one vector per text (bag of words).

    Each text is standardized, split into tokens, optionally combined into ngrams, then looked
    up in the vocabulary (given, or learned by ``adapt``: most frequent first, ties broken by the
    larger token first). Index 0 is the padding/mask slot (``"int"`` mode only), index 1 the OOV
    slot ``"[UNK]"``. Inputs are Python lists or NumPy arrays of ``str`` (or ``bytes``, decoded
    with ``encoding``), shaped ``(batch,)`` or ``(batch, 1)``; outputs are int64 tensors
    (``"int"``: ``(batch, sequence_length)`` zero-padded to the longest text or to
    ``output_sequence_length``; ``"multi_hot"``/``"count"``: ``(batch, vocabulary_size)``) or
    float32 for ``"tf_idf"``.

    Args:
        max_tokens: the largest vocabulary size, the OOV slot (and the mask slot in ``"int"``
            mode) included; None: no limit.
        standardize: None, ``"lower_and_strip_punctuation"`` (default), ``"lower"``,
            ``"strip_punctuation"`` or a callable taking and returning a NumPy array of ``str``.
            As TensorFlow, lowercasing touches only ASCII letters and the punctuation stripped
            is the 32 ASCII marks.
        split: None, ``"whitespace"`` (default; runs of ASCII whitespace), ``"character"``
            (unicode code points) or a callable taking a 1-D NumPy array of ``str`` and returning
            one sequence of tokens per string.
        ngrams: None, an int ``n`` (all ngrams of widths 1..n) or a tuple of widths.
        output_mode: ``"int"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
        output_sequence_length: for ``"int"``, pad or truncate every sequence to this length.
        pad_to_max_tokens: encode into ``max_tokens`` slots even when the vocabulary is smaller.
        vocabulary: a list/array of unique strings, or a path to a text file with one per line.
        idf_weights: for ``"tf_idf"`` with a given vocabulary, one weight per vocabulary term.
        sparse: must be False (tensorflux has no sparse tensors).
        ragged: must be False (tensorflux has no ragged tensors).
        encoding: how ``bytes`` inputs are decoded (default ``"utf-8"``).
        name: the layer name.

    >>> layer = TextVectorization(vocabulary=["earth", "wind", "and", "fire"], output_sequence_length=5)
    >>> layer(["Earth, wind and FIRE!", "the wind"]).numpy().tolist()
    [[2, 3, 4, 5, 0], [1, 3, 0, 0, 0]]
    """

    def __init__(
        self,
        max_tokens: Any = None,
        standardize: Any = "lower_and_strip_punctuation",
        split: Any = "whitespace",
        ngrams: Any = None,
        output_mode: str = "int",
        output_sequence_length: Any = None,
        pad_to_max_tokens: bool = False,
        vocabulary: Any = None,
        idf_weights: Any = None,
        sparse: bool = False,
        ragged: bool = False,
        encoding: str = "utf-8",
        name: Any = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("vocabulary_size", None)  # written by get_config, recomputed from the vocabulary
        kwargs.pop("has_input_vocabulary", None)
        cls = "TextVectorization"
        if not (standardize is None or callable(standardize) or standardize in _text_ops.STANDARDIZE):
            raise ValueError(
                f"{cls}: invalid value for argument `standardize`. Expected one of "
                f"{list(_text_ops.STANDARDIZE)}, None or a callable. Received: standardize={standardize!r}"
            )
        if not (split is None or callable(split) or split in _text_ops.SPLIT):
            raise ValueError(
                f"{cls}: invalid value for argument `split`. Expected one of {list(_text_ops.SPLIT)}, "
                f"None or a callable. Received: split={split!r}"
            )
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        if output_mode not in _MODES:
            raise ValueError(
                f"{cls}: invalid value for argument `output_mode`. Expected one of {list(_MODES)}. "
                f"Received: output_mode={output_mode!r}"
            )
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)  # JSON turns the tuple into a list
        if not (
            ngrams is None
            or (isinstance(ngrams, int) and not isinstance(ngrams, bool) and ngrams >= 1)
            or (isinstance(ngrams, tuple) and ngrams and all(isinstance(n, int) and n >= 1 for n in ngrams))
        ):
            raise ValueError(
                f"{cls}: `ngrams` must be None, a positive integer, or a tuple of positive integers. "
                f"Received: ngrams={ngrams!r}"
            )
        if output_mode == "int" and not (
            output_sequence_length is None
            or (isinstance(output_sequence_length, int) and output_sequence_length >= 0)
        ):
            raise ValueError(
                f"{cls}: `output_sequence_length` must be either None or a non-negative integer when "
                f"`output_mode` is 'int'. Received: output_sequence_length={output_sequence_length!r}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                f"{cls}: `output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received: output_sequence_length={output_sequence_length}, output_mode={output_mode!r}"
            )
        if sparse:
            raise ValueError(f"{cls}: sparse=True is not supported (tensorflux has no sparse tensors).")
        if ragged:
            raise ValueError(
                f"{cls}: ragged=True is not supported (tensorflux has no ragged tensors); the 'int' output "
                "is zero-padded instead (set output_sequence_length for a fixed length)."
            )
        super().__init__(name=name, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._pending_idf: Any = None
        self._lookup_layer = _TextLookup(
            max_tokens=max_tokens,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens,
            mask_token="",
            output_mode=output_mode,
            encoding=encoding,
            name=f"{self.name}_lookup",
        )
        self.autocast = False
        self.built = True  # no weights: the vocabulary is host data

    # -- vocabulary (delegated to the StringLookup) -----------------------------------------------
    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        """The tokens by index; ``""`` (``"int"`` mode) and ``"[UNK]"`` lead if ``include_special_tokens``."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        """The number of indices, the OOV slot (and the mask slot in ``"int"`` mode) included."""
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Set the vocabulary (a list/array of strings or a file path) and, for tf_idf, its idf weights.

        Leading special tokens (``""``, ``"[UNK]"``, as ``get_vocabulary()`` lists them) are skipped.
        """
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data: Any, batch_size: Any = None, steps: Any = None) -> None:
        """Learn the vocabulary (and, for ``"tf_idf"``, the idf weights) from ``data``.

        ``data`` is a list or NumPy array of strings, a ``tensorflux.data`` Dataset or an iterable of
        batches (for these ``steps`` bounds the number of batches read). Each text is standardized,
        split and turned into ngrams exactly as ``call`` does.
        """
        if steps is not None and (isinstance(data, (list, tuple, str, bytes)) or hasattr(data, "__array__")):
            raise ValueError(
                f"TextVectorization '{self.name}': `steps` is only supported for Dataset or iterable "
                f"inputs, not arrays or lists. Received: steps={steps}"
            )
        if isinstance(data, (list, tuple, str, bytes)) or hasattr(data, "__array__"):
            arr = self._strings(data)
            if arr.ndim <= 1:
                arr = arr.reshape(-1, 1)  # as Keras: each string is one document
            size = int(batch_size) if batch_size else max(len(arr), 1)
            batches: Any = (arr[i : i + size] for i in range(0, len(arr), size))
        else:
            # islice stops reading at `steps`, so a repeated (infinite) dataset is fine
            batches = (
                self._strings(b[0] if isinstance(b, tuple) else b)
                for b in itertools.islice(_batches(data), None if steps is None else int(steps))
            )
        self._lookup_layer.adapt(self._documents(b) for b in batches)

    def _documents(self, arr: np.ndarray) -> np.ndarray:
        """The tokens of a batch as a 2-D array, one document per row, padded with the mask ``""``."""
        if arr.ndim == 0:
            arr = arr.reshape(1)
        if self._split is None and arr.ndim == 1:
            arr = arr.reshape(1, -1)  # a batch of single strings is one document (Keras' update_state)
        tokens = self._tokens(arr)
        if tokens.ndim == 1:
            tokens = tokens.reshape(1, -1)
        out = tokens.reshape(tokens.shape[0], -1)
        return out if out.shape[1] else np.full((out.shape[0], 1), "", dtype=object)

    # -- the string steps -------------------------------------------------------------------------
    def _strings(self, x: Any) -> np.ndarray:
        """``x`` as a NumPy array of ``str`` (bytes decoded), or a TypeError naming the layer."""
        if isinstance(x, Tensor):
            raise TypeError(
                f"TextVectorization '{self.name}' takes strings as a list or NumPy array (tensorflux "
                f"tensors have no string dtype). Received: a {x.dtype.name} tensor."
            )
        arr = np.asarray(x)
        if arr.dtype.kind == "S" or (arr.dtype.kind == "O" and any(isinstance(v, bytes) for v in arr.flat)):
            enc = self._encoding
            arr = np.vectorize(lambda v: v.decode(enc) if isinstance(v, bytes) else v, otypes=[object])(arr)
        if arr.dtype.kind == "O" and not all(isinstance(v, str) for v in arr.flat):
            bad = next(v for v in arr.flat if not isinstance(v, str))
            raise TypeError(
                f"TextVectorization '{self.name}' expects string inputs. Received: an element of type "
                f"{type(bad).__name__} ({bad!r})."
            )
        if arr.dtype.kind not in "UO":
            raise TypeError(
                f"TextVectorization '{self.name}' expects string inputs. Received: dtype {arr.dtype} "
                f"with shape {arr.shape}."
            )
        return arr

    def _tokens(self, arr: np.ndarray, length: Any = None) -> np.ndarray:
        """Standardize, split and ngram ``arr``: a dense array of tokens padded with ``""``.

        With ``split`` the input is ``(batch,)`` or ``(batch, 1)`` and the result ``(batch, n)``,
        ``n`` the longest row or ``length``; without it the tokens keep the input's shape (ngrams
        combine along the last axis).
        """
        arr = _text_ops.standardize(arr, self._standardize)
        if self._split is None:
            if self._ngrams is None or arr.ndim == 0:
                return arr
            rows = arr.reshape(-1, arr.shape[-1]).tolist()
            grams = [_text_ops.ngrams(r, self._ngrams) for r in rows]
            width = len(grams[0]) if grams else 0
            return np.asarray(grams, dtype=object).reshape(arr.shape[:-1] + (width,))
        if arr.ndim > 1:
            if arr.shape[-1] != 1 or arr.ndim > 2:
                raise ValueError(
                    f"TextVectorization '{self.name}': when splitting strings the input must have shape "
                    f"(batch,) or (batch, 1). Received: inputs.shape={arr.shape}"
                )
            arr = arr.reshape(-1)
        rows = _text_ops.split(arr.tolist(), self._split)
        if self._ngrams is not None:
            rows = [_text_ops.ngrams(r, self._ngrams) for r in rows]
        width = max((len(r) for r in rows), default=0) if length is None else length
        out = np.full((len(rows), width), "", dtype=object)
        for i, r in enumerate(rows):
            r = r[:width]
            out[i, : len(r)] = r
        return out

    # -- calling ----------------------------------------------------------------------------------
    def __call__(self, inputs: Any = None, *args: Any, **kwargs: Any) -> Any:
        if isinstance(inputs, KerasTensor):
            raise TypeError(
                f"TextVectorization '{self.name}' cannot take a symbolic input: tensorflux tensors have no "
                "string dtype. Apply the layer to your data before the model, e.g. "
                "`ds.map(lambda x, y: (layer(x), y))`, and start the model at its integer output."
            )
        return self.call(inputs)  # strings skip the base class's tensor conversion

    def call(self, inputs: Any) -> Tensor:
        arr = self._strings(inputs)
        scalar = arr.ndim == 0 and self._split is not None
        length = self._output_sequence_length
        tokens = self._tokens(arr.reshape(1) if scalar else arr, length)
        out = self._lookup_layer.call(tokens)
        if self._output_mode == "int" and length is not None and self._split is None and out.ndim:
            ids = out.numpy()[..., :length]
            pad = [(0, 0)] * (ids.ndim - 1) + [(0, length - ids.shape[-1])]
            out = convert_to_tensor(np.pad(ids, pad))
        return array_ops.squeeze(out, axis=0) if scalar else out

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        if self._output_mode == "int":
            return (shape[0] if shape else None, self._output_sequence_length)
        if self._split is not None and len(shape) > 1 and shape[-1] == 1:
            shape = shape[:-1]  # the trailing 1 is squeezed before splitting
        shape = shape + (None,) if self._split is not None or len(shape) <= 1 else shape
        return self._lookup_layer.compute_output_shape(shape)

    # -- saving -----------------------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        lookup = self._lookup_layer
        # the current vocabulary (given or adapted) travels in the config, so a saved model keeps it
        inner = lookup.get_config()
        return {
            **super().get_config(),
            "max_tokens": lookup.max_tokens,
            "standardize": self._standardize,
            "split": self._split,
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": False,
            "ragged": False,
            "vocabulary": inner["vocabulary"],
            "idf_weights": inner["idf_weights"],
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> TextVectorization:
        from tensorflux.keras.utils.serialization import deserialize_keras_object

        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str) and not callable(config[key]):
                config[key] = deserialize_keras_object(config[key], custom_objects)
        return cls(**config)

    def save_own_variables(self, store: Any) -> None:
        # Keras' layout: the idf weights of every index (the OOV slot first) in tf_idf mode
        idf = self._lookup_layer._idf
        if self._output_mode == "tf_idf" and idf is not None:
            store["idf_weights"] = np.asarray(idf[1:], "float32")  # the mask slot is not encoded

    def load_own_variables(self, store: Any) -> None:
        if self._output_mode == "tf_idf" and "idf_weights" in store:
            # a Keras file: the vocabulary comes next, from the assets (see load_assets)
            self._pending_idf = np.asarray(store["idf_weights"], "float32")

    def save_assets(self, dir_path: str) -> None:
        """Write ``vocabulary.txt`` (special tokens included), as Keras does for an adapted layer."""
        with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(self.get_vocabulary(include_special_tokens=True)))

    def load_assets(self, dir_path: str) -> None:
        """Read the ``vocabulary.txt`` Keras writes for an adapted layer (idf weights from the weights)."""
        path = os.path.join(dir_path, "vocabulary.txt")
        if not os.path.exists(path):
            return  # the vocabulary was in the config
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        while lines and lines[-1] == "":
            lines.pop()
        if self._output_mode != "tf_idf":
            self.set_vocabulary(lines)  # the leading "" and "[UNK]" are recognised and skipped
            return
        idf = self._pending_idf
        if idf is None:
            raise ValueError(
                f"TextVectorization '{self.name}': tf_idf mode needs the idf weights before the vocabulary "
                "asset; load the weights first."
            )
        # Keras' idf weights follow the indices: "[UNK]" first (then zeros up to max_tokens when padded)
        start = 1 if lines[:1] == ["[UNK]"] else 0
        tokens = lines[start:]
        self.set_vocabulary(tokens, idf_weights=idf[start : start + len(tokens)])
