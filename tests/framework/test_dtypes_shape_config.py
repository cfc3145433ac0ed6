"""DTypes, TensorShape and the global numeric settings."""

from __future__ import annotations

import numpy as np
import pytest

import tensorflux as tf


def test_dtype_names_and_numpy_equivalents():
    pairs = {
        tf.float16: np.float16, tf.float32: np.float32, tf.float64: np.float64, tf.int8: np.int8,
        tf.int16: np.int16, tf.int32: np.int32, tf.int64: np.int64, tf.uint8: np.uint8, tf.bool: np.bool_,
    }  # fmt: skip
    for d, n in pairs.items():
        assert d.as_numpy_dtype is n
        assert tf.as_dtype(n) == d and tf.as_dtype(np.dtype(n)) == d and tf.as_dtype(d.name) == d
        assert d == n and d == d.name
    assert repr(tf.float32) == "tf.float32" and str(tf.float32) == "<dtype: 'float32'>"
    assert tf.double is tf.float64 and tf.half is tf.float16
    assert tf.as_dtype(float) == tf.float32 and tf.as_dtype(int) == tf.int32 and tf.as_dtype(bool) == tf.bool
    assert tf.float32 != tf.float64 and tf.float32 != "int32" and tf.float32 != object()
    assert len({tf.float32, tf.as_dtype("float32")}) == 1
    assert tf.dtypes.float32 is tf.float32


def test_dtype_properties():
    assert tf.float32.is_floating and not tf.float32.is_integer
    assert tf.int32.is_integer and not tf.int32.is_unsigned and tf.uint8.is_unsigned
    assert tf.bool.is_bool and tf.complex64.is_complex
    assert tf.uint8.min == 0 and tf.uint8.max == 255 and tf.int8.min == -128
    assert tf.float32.max == np.finfo(np.float32).max
    with pytest.raises(TypeError, match="Unknown dtype"):
        tf.as_dtype("float31")
    with pytest.raises(TypeError):
        tf.as_dtype(None)


def test_tensor_shape():
    s = tf.constant(np.zeros((2, 3))).shape
    assert isinstance(s, tf.TensorShape)
    assert s.as_list() == [2, 3] and s.rank == 2 and s.ndims == 2 and s.num_elements() == 6
    assert s == (2, 3) and s == [2, 3] and s == tf.TensorShape([2, 3]) and s != (3, 2) and s != [2]
    assert s[0] == 2 and s[-1] == 3 and isinstance(s[1:], tf.TensorShape)
    assert repr(s) == "TensorShape([2, 3])" and str(s) == "(2, 3)"
    assert str(tf.TensorShape([4])) == "(4,)" and str(tf.TensorShape([])) == "()"
    assert tf.TensorShape([]).rank == 0
    p = tf.TensorShape([None, 3])
    assert p.as_list() == [None, 3] and not p.is_fully_defined() and p.num_elements() is None
    assert p.is_compatible_with([5, 3]) and not p.is_compatible_with([5, 4]) and not p.is_compatible_with([3])
    assert p.merge_with([2, None]) == (2, 3)
    with pytest.raises(ValueError):
        p.merge_with([2, 4])
    assert s + [4] == (2, 3, 4) and s.concatenate((5,)) == (2, 3, 5)
    assert tf.TensorShape(7) == (7,)


def test_unknown_rank_shape():
    u = tf.TensorShape(None)
    assert u.rank is None and u.dims is None and repr(u) == "TensorShape(None)"
    assert u.is_compatible_with([1, 2]) and tf.TensorShape([1, 2]).is_compatible_with(u)
    assert u == tf.TensorShape(None) and u != tf.TensorShape([])
    with pytest.raises(ValueError, match="unknown"):
        u.as_list()
    assert u.merge_with([2]) == (2,)


def test_set_shape():
    x = tf.zeros((2, 3))
    x.set_shape([None, 3])
    with pytest.raises(ValueError, match="not compatible"):
        x.set_shape([3, 3])


def test_config_floatx_epsilon():
    assert tf.config.floatx() == "float32"
    assert tf.config.epsilon() == 1e-7
    tf.config.set_floatx("float64")
    try:
        assert tf.config.floatx() == "float64"
    finally:
        tf.config.set_floatx("float32")
    with pytest.raises(ValueError, match="floatx"):
        tf.config.set_floatx("float8")
    tf.config.set_epsilon(1e-5)
    try:
        assert tf.config.epsilon() == 1e-5
    finally:
        tf.config.set_epsilon(1e-7)
    assert tf.config.image_data_format() == "channels_last"


def test_nest():
    s = {"b": [1, (2, 3)], "a": 4}
    assert tf.nest.flatten(s) == [4, 1, 2, 3]  # dict keys in sorted order
    assert tf.nest.pack_sequence_as(s, [40, 10, 20, 30]) == {"b": [10, (20, 30)], "a": 40}
    assert tf.nest.map_structure(lambda v: v * 2, s) == {"b": [2, (4, 6)], "a": 8}
    assert tf.nest.is_nested([1]) and not tf.nest.is_nested(1)
    with pytest.raises(ValueError):
        tf.nest.assert_same_structure([1, 2], [1])
