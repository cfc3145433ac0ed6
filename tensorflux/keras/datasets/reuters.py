"""Reuters newswires: 11,228 articles as word indices, labelled with 46 topics."""

from __future__ import annotations

import json

import numpy as np

from tensorflux.keras.datasets import _common
from tensorflux.keras.datasets._sequences import Ragged, limit_vocabulary, shift_and_mark

_ORIGIN = _common.ORIGIN_FOLDER + "reuters.npz"
_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
_INDEX_ORIGIN = _common.ORIGIN_FOLDER + "reuters_word_index.json"
_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi",
    "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal",
    "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs", "lei", "bop", "zinc",
    "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path: str = "reuters.npz",
    num_words: int | None = None,
    skip_top: int = 0,
    maxlen: int | None = None,
    test_split: float = 0.2,
    seed: int = 113,
    start_char: int | None = 1,
    oov_char: int | None = 2,
    index_from: int = 3,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the Reuters topic classification data set as Keras does.

    Args:
        path: the cache file name, or the path of a local copy of ``reuters.npz``.
        num_words: keep the ``num_words`` most frequent words; others become ``oov_char``.
        skip_top: also replace the ``skip_top`` most frequent words by ``oov_char``.
        maxlen: drop articles of ``maxlen`` words or more (the start marker counts).
        test_split: the fraction of articles (after shuffling) kept for the test split.
        seed: seed of the shuffle.
        start_char: the index marking the start of an article (None: no marker).
        oov_char: the index for cut-out words (None: drop them).
        index_from: the offset added to every word index.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: ``x`` object arrays of Python lists of ints,
        ``y`` int arrays of topic labels 0-45.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), len(x_test)  # doctest: +SKIP
    (8982, 2246)
    """
    f = _common.load_npz(_common.locate(path, _ORIGIN, _SHA256))
    xs, labels = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    order = np.arange(len(xs))
    rng.shuffle(order)
    xs, labels = xs[order], labels[order]

    seqs = shift_and_mark(Ragged.from_sequences(xs), start_char, index_from)
    if maxlen:
        keep = seqs.lengths < maxlen
        seqs, labels = seqs.select(keep), labels[keep]
    seqs = limit_vocabulary(seqs, num_words, skip_top, oov_char)
    x_all = seqs.to_object_array()
    cut = int(len(x_all) * (1 - test_split))
    return (x_all[:cut], np.array(labels[:cut])), (x_all[cut:], np.array(labels[cut:]))


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """The dict from words to their (unshifted) indices in the Reuters data set.

    Example:

    >>> get_word_index()["the"]  # doctest: +SKIP
    1
    """
    with open(_common.locate(path, _INDEX_ORIGIN, _INDEX_MD5), encoding="utf-8") as f:
        return json.load(f)


def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, indexed like the labels.

    Example:

    >>> get_label_names()[3]
    'earn'
    """
    return _LABEL_NAMES
