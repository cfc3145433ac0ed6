"""IMDB movie reviews: 25,000 training and 25,000 test reviews as word indices, labelled 0/1."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from tensorflux.keras.datasets import _common
from tensorflux.keras.datasets._sequences import Ragged, limit_vocabulary, shift_and_mark

_ORIGIN = _common.ORIGIN_FOLDER + "imdb.npz"
_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
_INDEX_ORIGIN = _common.ORIGIN_FOLDER + "imdb_word_index.json"
_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(
    path: str = "imdb.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
    **kwargs: Any,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the IMDB sentiment data set as Keras does.

    Words are indexed by frequency (1 = most frequent in the raw data); each index is shifted by
    ``index_from`` and each review starts with ``start_char``, so 0 stays free for padding.

    Args:
        path: the cache file name, or the path of a local copy of ``imdb.npz``.
        num_words: keep the ``num_words`` most frequent words; others become ``oov_char``.
        skip_top: also replace the ``skip_top`` most frequent words by ``oov_char``.
        maxlen: drop reviews of ``maxlen`` words or more (the start marker counts).
        seed: seed of the shuffle of each split.
        start_char: the index marking the start of a review (None: no marker).
        oov_char: the index for cut-out words (None: drop them).
        index_from: the offset added to every word index.
        **kwargs: accepted for compatibility and ignored.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` object arrays of Python lists of ints,
        ``y`` int arrays of 0/1 labels.

    Example:

    >>> (x_train, y_train), _ = load_data(num_words=10000)  # doctest: +SKIP
    >>> x_train[0][:3]  # doctest: +SKIP
    [1, 14, 22]
    """
    with_file = _common.locate(path, _ORIGIN, _SHA256)
    f = _common.load_npz(with_file)
    x_train, y_train = f["x_train"], f["y_train"]
    x_test, y_test = f["x_test"], f["y_test"]

    rng = np.random.RandomState(seed)
    order = np.arange(len(x_train))
    rng.shuffle(order)
    x_train, y_train = x_train[order], y_train[order]
    order = np.arange(len(x_test))
    rng.shuffle(order)
    x_test, y_test = x_test[order], y_test[order]

    train = shift_and_mark(Ragged.from_sequences(x_train), start_char, index_from)
    test = shift_and_mark(Ragged.from_sequences(x_test), start_char, index_from)
    if maxlen:
        keep_train, keep_test = train.lengths < maxlen, test.lengths < maxlen
        train, y_train = train.select(keep_train), y_train[keep_train]
        test, y_test = test.select(keep_test), y_test[keep_test]
        if not len(train) or not len(test):
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. "
                "Increase maxlen."
            )
    n_train = len(train)
    xs = limit_vocabulary(train.concat(test), num_words, skip_top, oov_char)
    labels = np.concatenate([y_train, y_test])
    x_all = xs.to_object_array()
    return (x_all[:n_train], labels[:n_train]), (x_all[n_train:], labels[n_train:])


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """The dict from words to their (unshifted) indices in the IMDB data set.

    Add ``index_from`` (3 by default) to map a word to the indices in ``load_data``'s output.

    Example:

    >>> get_word_index()["the"]  # doctest: +SKIP
    1
    """
    with open(_common.locate(path, _INDEX_ORIGIN, _INDEX_MD5), encoding="utf-8") as f:
        return json.load(f)
