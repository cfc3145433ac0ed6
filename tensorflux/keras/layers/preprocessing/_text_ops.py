"""The string steps of TextVectorization: standardize, split and ngrams, on host (NumPy) data.

Each step reproduces the TensorFlow op Keras uses, including where TF differs from Python's
``str`` methods: ``tf.strings.lower`` only lowercases ASCII letters, ``tf.strings.split`` only
splits on ASCII whitespace, and punctuation is TF's exact regex (the 32 ASCII punctuation marks).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

# Keras' pattern for "strip_punctuation" (passed to tf.strings.regex_replace); ",-\." is the range , - .
DEFAULT_STRIP_REGEX = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
_STRIP = re.compile(DEFAULT_STRIP_REGEX)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ASCII_SPACE = re.compile(r"[ \t\n\v\f\r]+")

STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT = ("whitespace", "character")


def _map_strings(fn: Any, arr: np.ndarray) -> np.ndarray:
    flat = [fn(s) for s in arr.reshape(-1).tolist()]
    return np.asarray(flat, dtype=object).reshape(arr.shape) if flat else arr.astype(object)


def standardize(arr: np.ndarray, mode: Any) -> np.ndarray:
    """Apply a built-in ``standardize`` mode (or a callable) to an array of ``str``.

    >>> standardize(np.array(["Hello, WORLD!"]), "lower_and_strip_punctuation").tolist()
    ['hello world']
    """
    if mode is None:
        return arr
    if callable(mode):
        out = np.asarray(mode(arr))
        if out.shape != arr.shape:
            raise ValueError(
                f"TextVectorization: the `standardize` callable must return an array of the input's shape "
                f"{arr.shape}. Received: shape {out.shape}"
            )
        return out
    lower = mode in ("lower", "lower_and_strip_punctuation")
    strip = mode in ("strip_punctuation", "lower_and_strip_punctuation")

    def one(s: str) -> str:
        if lower:
            s = s.translate(_ASCII_LOWER)
        return _STRIP.sub("", s) if strip else s

    return _map_strings(one, arr)


def split(strings: Sequence[str], mode: Any) -> list[list[str]]:
    """Split each string into tokens: ASCII whitespace runs, unicode characters, or a callable.

    >>> split(["a  b\\tc", ""], "whitespace")
    [['a', 'b', 'c'], []]
    """
    if mode == "whitespace":
        return [[t for t in _ASCII_SPACE.split(s) if t] for s in strings]
    if mode == "character":
        return [list(s) for s in strings]
    rows = mode(np.asarray(strings, dtype=str))
    return [[str(t) for t in np.asarray(row, dtype=object).reshape(-1).tolist()] for row in rows]


def ngrams(tokens: Sequence[str], widths: Sequence[int]) -> list[str]:
    """All ngrams of ``tokens`` joined by a space, width by width in the order of ``widths``.

    A sequence shorter than a width yields no ngram of that width (as ``tf.strings.ngrams``).

    >>> ngrams(["a", "b", "c"], (1, 2))
    ['a', 'b', 'c', 'a b', 'b c']
    """
    out: list[str] = []
    for n in widths:
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out
