"""float16 products run in float32 (NumPy has no float16 BLAS) and give float16 results."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.backend import ops as B

rng = np.random.default_rng(11)


def _h(*shape):
    return rng.standard_normal(shape).astype(np.float16)


def test_matmul_is_the_float32_product_rounded():
    a, b = _h(64, 300), _h(300, 32)
    got = B.matmul(a, b)
    assert got.dtype == np.float16
    np.testing.assert_array_equal(got, (a.astype(np.float32) @ b.astype(np.float32)).astype(np.float16))
    e = B.einsum("ij,jk->ik", a, b)
    assert e.dtype == np.float16
    np.testing.assert_allclose(e.astype(np.float32), got.astype(np.float32), rtol=2e-3, atol=2e-3)


@pytest.mark.parametrize("padding", ["VALID", "SAME"])
def test_conv2d_and_its_gradients_in_float16(padding):
    x, w = tf.constant(_h(4, 9, 9, 3)), tf.Variable(_h(3, 3, 3, 5))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.conv2d(x, w, 1, padding)
        loss = tf.reduce_sum(tf.cast(y, "float32") ** 2)
    dx, dw = tape.gradient(loss, [x, w])
    assert y.dtype == tf.float16 and dx.dtype == tf.float16 and dw.dtype == tf.float16
    x32, w32 = tf.constant(x.numpy().astype(np.float32)), tf.Variable(w.numpy().astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x32)
        y32 = tf.nn.conv2d(x32, w32, 1, padding)
        loss32 = tf.reduce_sum(y32**2)
    dx32, dw32 = tape.gradient(loss32, [x32, w32])
    np.testing.assert_array_equal(y.numpy(), y32.numpy().astype(np.float16))
    for g, g32 in ((dx, dx32), (dw, dw32)):
        np.testing.assert_allclose(g.numpy().astype(np.float32), g32.numpy(), rtol=1e-2, atol=1e-1)


def test_lstm_in_float16_matches_float32_and_keeps_its_workspace_float32():
    x = _h(6, 7, 5)
    layer = tf.keras.layers.LSTM(8, return_sequences=True, dtype="float16")
    layer32 = tf.keras.layers.LSTM(8, return_sequences=True)
    layer(x[:1])
    layer32(x[:1].astype(np.float32))
    layer32.set_weights([v.astype(np.float32) for v in layer.get_weights()])
    with tf.GradientTape() as tape:
        y = layer(x)
        loss = tf.reduce_sum(tf.cast(y, "float32"))
    grads = tape.gradient(loss, layer.trainable_variables)
    assert y.dtype == tf.float16 and all(g.dtype == tf.float16 for g in grads)
    with tf.GradientTape() as tape:
        y32 = layer32(x.astype(np.float32))
        loss32 = tf.reduce_sum(y32)
    grads32 = tape.gradient(loss32, layer32.trainable_variables)
    np.testing.assert_allclose(y.numpy().astype(np.float32), y32.numpy(), atol=5e-3)
    for g, g32 in zip(grads, grads32):
        np.testing.assert_allclose(g.numpy().astype(np.float32), g32.numpy(), rtol=2e-2, atol=2e-2)
    _, _, _, ws = B.lstm(
        x, np.zeros((6, 8), np.float16), np.zeros((6, 8), np.float16), *[v.numpy() for v in layer.weights]
    )
    assert ws.dtype == np.float32


def test_float32_arrays_are_untouched():
    a = rng.standard_normal((8, 8)).astype(np.float32)
    assert B.matmul(a, a).dtype == np.float32
    np.testing.assert_array_equal(B.matmul(a, a), a @ a)
