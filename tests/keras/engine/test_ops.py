"""keras.ops: NumPy semantics on tensors, gradients, and symbolic use in functional models."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import ops
from tensorflux.testing import check_gradients

A = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], "float32")
B = np.array([[2.0, 1.0, 0.5], [1.0, -1.0, 2.0]], "float32")


def _np(x):
    return ops.convert_to_numpy(x)


@pytest.mark.parametrize(
    "name, ref",
    [
        ("add", np.add),
        ("subtract", np.subtract),
        ("multiply", np.multiply),
        ("divide", np.divide),
        ("maximum", np.maximum),
        ("minimum", np.minimum),
        ("power", lambda a, b: np.power(np.abs(a), b)),
    ],
)
def test_binary(name, ref):
    a = np.abs(A) if name == "power" else A
    np.testing.assert_allclose(_np(getattr(ops, name)(a, B)), ref(a, B), rtol=1e-6)


@pytest.mark.parametrize(
    "name, ref",
    [
        ("exp", np.exp),
        ("abs", np.abs),
        ("square", np.square),
        ("tanh", np.tanh),
        ("negative", np.negative),
        ("sign", np.sign),
        ("floor", np.floor),
        ("ceil", np.ceil),
    ],
)
def test_unary(name, ref):
    np.testing.assert_allclose(_np(getattr(ops, name)(A)), ref(A), rtol=1e-6)
    np.testing.assert_allclose(_np(ops.log(np.abs(A))), np.log(np.abs(A)), rtol=1e-6)
    np.testing.assert_allclose(_np(ops.sqrt(np.abs(A))), np.sqrt(np.abs(A)), rtol=1e-6)


def test_reductions():
    np.testing.assert_allclose(_np(ops.sum(A, axis=1)), A.sum(1), rtol=1e-6)
    np.testing.assert_allclose(_np(ops.mean(A, axis=0, keepdims=True)), A.mean(0, keepdims=True), rtol=1e-6)
    assert float(ops.max(A)) == A.max() and float(ops.min(A)) == A.min()
    assert int(ops.argmax(A)) == int(np.argmax(A))  # flattened, as NumPy
    np.testing.assert_array_equal(_np(ops.argmin(A, axis=1)), np.argmin(A, 1))
    np.testing.assert_allclose(_np(ops.logsumexp(A, axis=1)), np.log(np.exp(A).sum(1)), rtol=1e-6)
    assert float(ops.mean(np.array([1, 2]))) == 1.5
    np.testing.assert_allclose(float(ops.norm(A)), np.linalg.norm(A), rtol=1e-6)
    np.testing.assert_allclose(_np(ops.norm(A, ord=1, axis=1)), np.linalg.norm(A, 1, axis=1), rtol=1e-6)


def test_shapes_and_selection():
    assert ops.shape(A) == (2, 3)
    assert _np(ops.reshape(A, (3, 2))).shape == (3, 2)
    np.testing.assert_array_equal(_np(ops.transpose(A)), A.T)
    assert ops.shape(ops.expand_dims(A, 1)) == (2, 1, 3)
    assert ops.shape(ops.squeeze(np.ones((1, 3, 1)))) == (3,)
    np.testing.assert_array_equal(_np(ops.concatenate([A, B], axis=1)), np.concatenate([A, B], 1))
    np.testing.assert_array_equal(_np(ops.stack([A, B], axis=1)), np.stack([A, B], 1))
    parts = ops.split(np.arange(10.0), [3, 7])
    assert [p.shape[0] for p in parts] == [3, 4, 3]  # NumPy's split points, not sizes
    np.testing.assert_array_equal(_np(ops.where(A > 0, A, B)), np.where(A > 0, A, B))
    rows, cols = ops.where(A > 2)
    np.testing.assert_array_equal(_np(rows), np.where(A > 2)[0])
    np.testing.assert_array_equal(_np(ops.take(A, [0, 4])), np.take(A, [0, 4]))
    np.testing.assert_array_equal(_np(ops.take(A, [2, 0], axis=1)), np.take(A, [2, 0], axis=1))
    np.testing.assert_array_equal(_np(ops.clip(A, -1, 2)), np.clip(A, -1, 2))
    np.testing.assert_array_equal(_np(ops.one_hot(np.array([0, 2]), 3)), np.eye(3)[[0, 2]])
    np.testing.assert_array_equal(_np(ops.arange(5)), np.arange(5))
    assert ops.arange(0.0, 1.0, 0.5).dtype == "float32"
    np.testing.assert_array_equal(_np(ops.ones_like(A)), np.ones_like(A))
    np.testing.assert_array_equal(_np(ops.zeros((2,))), np.zeros(2))
    assert ops.cast(A, "int32").dtype == "int32"
    np.testing.assert_array_equal(_np(ops.repeat(np.array([1, 2]), 2)), [1, 1, 2, 2])
    np.testing.assert_array_equal(_np(ops.tile(np.array([1, 2]), 2)), [1, 2, 1, 2])


def test_linear_algebra():
    np.testing.assert_allclose(_np(ops.matmul(A, B.T)), A @ B.T, rtol=1e-6)
    np.testing.assert_allclose(_np(ops.matmul(A[0], B.T)), A[0] @ B.T, rtol=1e-6)
    np.testing.assert_allclose(_np(ops.dot(A, B[0])), A @ B[0], rtol=1e-6)
    np.testing.assert_allclose(_np(ops.einsum("ij,kj->ik", A, B)), A @ B.T, rtol=1e-6)


def test_nn_ops():
    np.testing.assert_allclose(_np(ops.softmax(A)), np.exp(A) / np.exp(A).sum(-1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(_np(ops.relu(A)), np.maximum(A, 0))
    np.testing.assert_allclose(_np(ops.sigmoid(A)), 1 / (1 + np.exp(-A)), rtol=1e-6)
    approx = 0.5 * A * (1 + np.tanh(np.sqrt(2 / np.pi) * (A + 0.044715 * A**3)))
    np.testing.assert_allclose(_np(ops.gelu(A)), approx, rtol=1e-5)  # tanh approximation by default
    np.testing.assert_allclose(_np(ops.silu(A)), A / (1 + np.exp(-A)), rtol=1e-6)
    np.testing.assert_allclose(_np(ops.softplus(A)), np.log1p(np.exp(A)), rtol=1e-6)
    np.testing.assert_allclose(
        _np(ops.log_softmax(A)), A - np.log(np.exp(A).sum(-1, keepdims=True)), rtol=1e-5
    )


def test_core_ops():
    assert ops.cond(True, lambda: "a", lambda: "b") == "a"
    assert ops.cond(ops.convert_to_tensor(0.0) > 1, lambda: "a", lambda: "b") == "b"
    x = ops.convert_to_tensor([1.0, 2.0])
    assert isinstance(ops.convert_to_numpy(x), np.ndarray)
    t = ops.convert_to_tensor([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = ops.sum(ops.stop_gradient(t) * t)
    np.testing.assert_allclose(np.asarray(tape.gradient(y, t)), [1.0, 2.0])  # only the second factor
    assert ops.convert_to_tensor(np.ones(2), dtype="float32").dtype == "float32"


def test_gradients_through_ops():
    check_gradients(lambda a, b: ops.sum(ops.matmul(a, ops.transpose(b)) ** 2, axis=0), [A, B])
    check_gradients(lambda a: ops.logsumexp(a, axis=1) + ops.mean(ops.tanh(a), axis=1), [A])


def test_symbolic_ops_build_graph_nodes():
    x = keras.Input((3,))
    y = ops.concatenate([ops.relu(x), ops.expand_dims(ops.sum(x, axis=-1), -1)], axis=-1)
    assert y.shape == (None, 4)
    model = keras.Model(x, y)
    out = _np(model(A))
    np.testing.assert_allclose(out, np.concatenate([np.maximum(A, 0), A.sum(1, keepdims=True)], 1), rtol=1e-6)
