"""Integer inputs to Dense and convolutions are promoted to the kernel's dtype, as Keras' ops do."""

import numpy as np

import tensorflux as tf


def test_dense_takes_integer_inputs_as_keras_does():
    # IntegerLookup's multi_hot output is int64; Keras' matmul promotes it to the kernel's dtype
    lookup = tf.keras.layers.IntegerLookup(vocabulary=[1, 3, 5, 7], output_mode="multi_hot")
    dense = tf.keras.layers.Dense(2, kernel_initializer="ones")
    counts = lookup(np.array([[1, 3], [7, 9]]))
    assert counts.dtype == tf.int64
    out = dense(counts)
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), dense(tf.cast(counts, "float32")).numpy())
    np.testing.assert_allclose(out.numpy(), [[2.0, 2.0], [2.0, 2.0]])


def test_conv_takes_integer_images_as_keras_does():
    x = np.arange(2 * 5 * 5, dtype=np.uint8).reshape(2, 5, 5, 1)
    conv = tf.keras.layers.Conv2D(3, 3, kernel_initializer="ones", bias_initializer="ones")
    out = conv(x)
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), conv(x.astype(np.float32)).numpy())
