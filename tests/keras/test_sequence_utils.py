"""pad_sequences with Keras' semantics (the examples of the Keras docstring, then the edge cases)."""

import numpy as np
import pytest

from tensorflux.keras.utils.sequence_utils import pad_sequences

SEQ = [[1], [2, 3], [4, 5, 6]]


def test_keras_docstring_examples():
    out = pad_sequences(SEQ)
    assert out.dtype == np.int32
    assert out.tolist() == [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
    assert pad_sequences(SEQ, value=-1).tolist() == [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]
    assert pad_sequences(SEQ, padding="post").tolist() == [[1, 0, 0], [2, 3, 0], [4, 5, 6]]
    assert pad_sequences(SEQ, maxlen=2).tolist() == [[0, 1], [2, 3], [5, 6]]


def test_truncating_post_and_longer_maxlen():
    assert pad_sequences(SEQ, maxlen=2, truncating="post").tolist() == [[0, 1], [2, 3], [4, 5]]
    assert pad_sequences(SEQ, maxlen=4, padding="post").tolist() == [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0]]


def test_dtype_value_and_arrays():
    out = pad_sequences([np.array([0.5, 1.5]), [2.5]], dtype="float32", value=9.0)
    assert out.dtype == np.float32 and out.tolist() == [[0.5, 1.5], [9.0, 2.5]]
    # the default int32 truncates floats, as Keras does
    assert pad_sequences([[1.7, 2.2]]).tolist() == [[1, 2]]


def test_multidimensional_steps():
    seqs = [np.ones((1, 2)), np.full((3, 2), 2.0)]
    out = pad_sequences(seqs, dtype="float32")
    assert out.shape == (2, 3, 2)
    assert out[0].tolist() == [[0, 0], [0, 0], [1, 1]]
    with pytest.raises(ValueError, match="Shape of sample"):
        pad_sequences([np.ones((1, 2)), np.ones((1, 3))])


def test_strings_need_object_or_string_dtype():
    out = pad_sequences([["a"], ["b", "c"]], dtype=object, value="<pad>")
    assert out.tolist() == [["<pad>", "a"], ["b", "c"]]
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")


def test_empty_inputs_and_zero_length():
    assert pad_sequences([[], [1, 2]]).tolist() == [[0, 0], [1, 2]]
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences(SEQ, maxlen=0).shape == (3, 0)  # really empty (Keras' s[-0:] keeps everything)


def test_argument_errors():
    with pytest.raises(ValueError, match="Padding type"):
        pad_sequences(SEQ, padding="middle")
    with pytest.raises(ValueError, match="Truncating type"):
        pad_sequences(SEQ, truncating="middle")
    with pytest.raises(ValueError, match="non-iterable"):
        pad_sequences([1, 2])
    with pytest.raises(ValueError, match="iterable"):
        pad_sequences(5)
