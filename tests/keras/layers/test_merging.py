"""Merging layers and their functional aliases: run_layer_test, values, broadcasting, masks, errors."""

import numpy as np
import pytest
from _catalogue_goldens import check_fixture, fixture_names

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import layers
from tensorflux.keras.engine.masking import get_keras_mask
from tensorflux.testing.layer_test import run_layer_test

RNG = np.random.default_rng(3)
A = RNG.standard_normal((2, 3, 4)).astype("float32")
B = RNG.standard_normal((2, 3, 4)).astype("float32")
C = RNG.standard_normal((2, 3, 4)).astype("float32")

ELEMENTWISE = [
    (layers.Add, layers.add, lambda xs: sum(xs)),
    (layers.Multiply, layers.multiply, lambda xs: xs[0] * xs[1] * xs[2]),
    (layers.Average, layers.average, lambda xs: sum(xs) / 3),
    (layers.Maximum, layers.maximum, lambda xs: np.maximum(np.maximum(xs[0], xs[1]), xs[2])),
    (layers.Minimum, layers.minimum, lambda xs: np.minimum(np.minimum(xs[0], xs[1]), xs[2])),
]


@pytest.mark.parametrize("cls, fn, ref", ELEMENTWISE)
def test_elementwise_merges(cls, fn, ref):
    run_layer_test(
        cls,
        {},
        input_shape=[(2, 3, 4), (2, 3, 4), (2, 3, 4)],
        expected_output_shape=(2, 3, 4),
        expected_num_trainable_weights=0,
        supports_masking=True,
    )
    np.testing.assert_allclose(np.asarray(cls()([A, B, C])), ref([A, B, C]), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(fn([A, B, C])), ref([A, B, C]), rtol=1e-6)


def test_subtract_and_broadcasting():
    run_layer_test(layers.Subtract, {}, input_shape=[(2, 3), (2, 3)], expected_output_shape=(2, 3))
    np.testing.assert_allclose(np.asarray(layers.subtract([A, B])), A - B)
    # a lower-rank input gains axes after the batch axis (Keras' rule)
    y = layers.Add()([A, B[:, 0]])
    np.testing.assert_allclose(np.asarray(y), A + B[:, :1], rtol=1e-6)
    assert layers.Add().compute_output_shape([(None, 3, 4), (None, 1, 4)]) == (None, 3, 4)


def test_concatenate():
    run_layer_test(
        layers.Concatenate,
        {"axis": 1},
        input_shape=[(2, 3, 4), (2, 5, 4)],
        expected_output_shape=(2, 8, 4),
        supports_masking=True,
    )
    run_layer_test(layers.Concatenate, {}, input_shape=[(2, 3), (2, 2), (2, 1)], expected_output_shape=(2, 6))
    np.testing.assert_array_equal(np.asarray(layers.concatenate([A, B])), np.concatenate([A, B], -1))
    assert layers.Concatenate().compute_output_shape([(None, 3, 4), (None, 3, None)]) == (None, 3, None)


def test_dot():
    run_layer_test(layers.Dot, {"axes": 1}, input_shape=[(2, 4), (2, 4)], expected_output_shape=(2, 1))
    run_layer_test(
        layers.Dot,
        {"axes": (2, 2), "normalize": True},
        input_shape=[(2, 3, 4), (2, 5, 4)],
        expected_output_shape=(2, 3, 5),
    )
    run_layer_test(
        layers.Dot, {"axes": [1, 2]}, input_shape=[(2, 3, 4), (2, 5, 3)], expected_output_shape=(2, 4, 5)
    )
    x, y = A[:, 0], B[:, 0]
    np.testing.assert_allclose(
        np.asarray(layers.dot([x, y], axes=1)), (x * y).sum(1, keepdims=True), rtol=1e-5
    )
    cos = np.asarray(layers.Dot(axes=-1, normalize=True)([x, y]))
    ref = (x * y).sum(1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)
    np.testing.assert_allclose(cos[:, 0], ref, rtol=1e-5)
    np.testing.assert_allclose(
        np.asarray(layers.Dot(axes=(1, 1))([A, C])), np.einsum("bij,bik->bjk", A, C), rtol=1e-5
    )


def test_masks_combine():
    ids_a = np.array([[1, 2, 0], [3, 0, 0]])
    ids_b = np.array([[1, 0, 0], [4, 5, 6]])
    emb = layers.Embedding(8, 4, mask_zero=True)
    a, b = emb(ids_a), emb(ids_b)
    added = layers.Add()([a, b])
    np.testing.assert_array_equal(np.asarray(get_keras_mask(added)), (ids_a != 0) | (ids_b != 0))
    assert get_keras_mask(layers.Add()([a, np.ones((2, 3, 4), "float32")])) is None
    # Maximum: a masked position takes the other input's value
    mx = np.asarray(layers.Maximum()([a, b]))
    va, vb = np.asarray(a), np.asarray(b)
    np.testing.assert_allclose(mx[1, 1], vb[1, 1])
    np.testing.assert_allclose(mx[0, 0], np.maximum(va[0, 0], vb[0, 0]))
    cat = layers.Concatenate()([a, b])
    np.testing.assert_array_equal(np.asarray(get_keras_mask(cat)), (ids_a != 0) | (ids_b != 0))
    cat_time = layers.Concatenate(axis=1)([a, b])
    np.testing.assert_array_equal(
        np.asarray(get_keras_mask(cat_time)), np.concatenate([ids_a, ids_b], 1) != 0
    )


def test_functional_model_with_merges():
    i1, i2 = keras.Input((4,)), keras.Input((4,))
    h = layers.concatenate([layers.add([i1, i2]), layers.multiply([i1, i2])])
    model = keras.Model([i1, i2], layers.Dot(axes=1)([h, h]))
    x, y = A[:, 0], B[:, 0]
    out = np.asarray(model([x, y]))
    ref = ((x + y) ** 2).sum(1) + ((x * y) ** 2).sum(1)
    np.testing.assert_allclose(out[:, 0], ref, rtol=1e-5)


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()([A, B, C])
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([A, RNG.standard_normal((2, 3, 5)).astype("float32")])
    with pytest.raises(ValueError, match="list of inputs"):
        layers.Add()(A)
    with pytest.raises(ValueError, match="different batch sizes"):
        layers.Add()([A, A[:1]])
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate(axis=1)([A, RNG.standard_normal((2, 3, 5)).astype("float32")])
    with pytest.raises(ValueError, match="axis values 4 .* 3"):
        layers.Dot(axes=2)([A, RNG.standard_normal((2, 3, 3)).astype("float32")])
    with pytest.raises(TypeError, match="axes"):
        layers.Dot(axes="last")


@pytest.mark.parametrize("name", fixture_names("dot_"))
def test_matches_keras(name):
    check_fixture(name)


def test_merging_in_float32():
    out = layers.Average()([tf.constant(A), tf.constant(B)])
    assert out.dtype.name == "float32"
