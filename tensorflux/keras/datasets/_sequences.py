"""Word-index sequence preparation shared by the IMDB and Reuters loaders.

Sequences are handled as one flat int64 array plus lengths, so that the index shift, the start
marker and the out-of-vocabulary replacement are single NumPy operations over millions of words.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np


class Ragged:
    """Sequences as ``flat`` values and per-sequence ``lengths``."""

    def __init__(self, flat: np.ndarray, lengths: np.ndarray) -> None:
        self.flat = flat
        self.lengths = lengths

    @classmethod
    def from_sequences(cls, seqs: Sequence[Any]) -> Ragged:
        lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
        flat = np.fromiter(itertools.chain.from_iterable(seqs), dtype=np.int64, count=int(lengths.sum()))
        return cls(flat, lengths)

    def __len__(self) -> int:
        return len(self.lengths)

    def offsets(self) -> np.ndarray:
        return np.concatenate([[0], np.cumsum(self.lengths)])

    def select(self, keep: np.ndarray) -> Ragged:
        """The sequences at ``keep`` (a boolean mask or an index array), in that order."""
        idx = np.arange(len(self))[keep]
        off = self.offsets()
        lengths = self.lengths[idx]
        starts = np.repeat(off[idx] - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        return Ragged(self.flat[np.arange(int(lengths.sum())) + starts], lengths)

    def concat(self, other: Ragged) -> Ragged:
        return Ragged(np.concatenate([self.flat, other.flat]), np.concatenate([self.lengths, other.lengths]))

    def to_object_array(self) -> np.ndarray:
        """An object array of Python lists, as the Keras loaders return."""
        out = np.empty(len(self), dtype=object)
        for i, part in enumerate(np.split(self.flat, np.cumsum(self.lengths)[:-1]) if len(self) else []):
            out[i] = part.tolist()
        return out


def shift_and_mark(seqs: Ragged, start_char: int | None, index_from: int) -> Ragged:
    """Add ``index_from`` to every word and put ``start_char`` (if not None) before each sequence."""
    flat = seqs.flat + index_from if index_from else seqs.flat
    if start_char is None:
        return Ragged(flat, seqs.lengths)
    flat = np.insert(flat, seqs.offsets()[:-1], start_char)
    return Ragged(flat, seqs.lengths + 1)


def limit_vocabulary(seqs: Ragged, num_words: int | None, skip_top: int, oov_char: int | None) -> Ragged:
    """Replace (or, with ``oov_char=None``, drop) words outside ``[skip_top, num_words)``.

    Without ``num_words`` the bound is the largest index present, which (as in Keras) is then
    itself out of range.
    """
    if not num_words:
        num_words = int(seqs.flat.max()) if seqs.flat.size else 0
    inside = (seqs.flat >= skip_top) & (seqs.flat < num_words)
    if oov_char is not None:
        return Ragged(np.where(inside, seqs.flat, oov_char), seqs.lengths)
    kept = np.concatenate([[0], np.cumsum(inside)])
    off = seqs.offsets()
    return Ragged(seqs.flat[inside], kept[off[1:]] - kept[off[:-1]])
