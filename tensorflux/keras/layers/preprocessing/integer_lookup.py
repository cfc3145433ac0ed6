"""IntegerLookup: map integer tokens to contiguous indices (or back with ``invert=True``)."""

from __future__ import annotations

from typing import Any

from tensorflux.keras.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Map integer features to indices in a vocabulary given or learned by ``adapt``.

    Index 0 is the mask slot when ``mask_token`` is set; then ``num_oov_indices`` slots for
    out-of-vocabulary values (``value % num_oov_indices`` picks one); then the vocabulary.

    Args:
        max_tokens: the largest vocabulary size, special slots included (None: no limit).
        num_oov_indices: the number of out-of-vocabulary slots (default 1).
        mask_token: the value that maps to index 0 (None: no mask slot).
        oov_token: the value that ``invert=True`` returns for OOV indices (default -1).
        vocabulary: a list/array of unique integers (or a text file with one per line).
        vocabulary_dtype: ``"int64"`` (default) or ``"int32"``, the dtype of ``invert``'s output.
        idf_weights: for ``"tf_idf"`` with a given vocabulary, one weight per vocabulary term.
        invert: map indices back to values.
        output_mode: ``"int"`` (int64 indices), ``"one_hot"``, ``"multi_hot"``, ``"count"`` (int64
            vectors, as Keras 3) or ``"tf_idf"`` (float32).
        sparse: must be False.
        pad_to_max_tokens: encode into ``max_tokens`` slots even when the vocabulary is smaller.

    >>> import tensorflux as tf
    >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
    >>> layer(tf.constant([[12, 1138, 42], [42, 1000, 36]])).numpy().tolist()
    [[1, 3, 4], [4, 0, 2]]
    """

    def __init__(
        self,
        max_tokens: Any = None,
        num_oov_indices: int = 1,
        mask_token: Any = None,
        oov_token: int = -1,
        vocabulary: Any = None,
        vocabulary_dtype: str = "int64",
        idf_weights: Any = None,
        invert: bool = False,
        output_mode: str = "int",
        sparse: bool = False,
        pad_to_max_tokens: bool = False,
        name: Any = None,
        **kwargs: Any,
    ) -> None:
        if vocabulary_dtype not in ("int32", "int64"):
            raise ValueError(
                f"IntegerLookup: vocabulary_dtype must be 'int32' or 'int64'. "
                f"Received: vocabulary_dtype={vocabulary_dtype}"
            )
        self.vocabulary_dtype = vocabulary_dtype
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=None if mask_token is None else int(mask_token),
            oov_token=int(oov_token),
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            sparse=sparse,
            pad_to_max_tokens=pad_to_max_tokens,
            name=name,
            **kwargs,
        )

    def call(self, inputs: Any) -> Any:
        out = super().call(inputs)
        if self.invert:
            from tensorflux.framework.tensor import convert_to_tensor

            return convert_to_tensor(out.astype(self.vocabulary_dtype))
        return out

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "vocabulary_dtype": self.vocabulary_dtype}
