"""Errors a user can act on: each names the problem and the fix."""

import numpy as np
import pytest
from training_helpers import TinyDense

from tensorflux.keras import losses


def _model(loss="sparse_categorical_crossentropy", n_out=10):
    m = TinyDense(4, n_out, "softmax")
    m.compile(optimizer="adam", loss=loss)
    return m


def _x(n=32):
    return np.random.default_rng(0).normal(size=(n, 4)).astype("float32")


def test_integer_labels_with_categorical_crossentropy():
    y = np.arange(32) % 10
    with pytest.raises(ValueError) as e:
        _model("categorical_crossentropy").fit(_x(), y, verbose=0)
    msg = str(e.value)
    assert "labels have shape (32,) but the loss expects one-hot labels of shape (32, 10)" in msg
    assert "sparse_categorical_crossentropy" in msg and "keras.utils.to_categorical" in msg
    with pytest.raises(ValueError, match=r"labels have shape \(32, 1\)"):
        _model("categorical_crossentropy").fit(_x(), y.reshape(-1, 1), verbose=0)


def test_one_hot_labels_with_sparse_categorical_crossentropy():
    y = np.eye(10, dtype="float32")[np.arange(32) % 10]
    with pytest.raises(ValueError) as e:
        _model().fit(_x(), y, verbose=0)
    msg = str(e.value)
    assert "labels have shape (32, 10), which looks one-hot" in msg
    assert "use categorical_crossentropy" in msg and "argmax" in msg


def test_labels_out_of_range():
    with pytest.raises(ValueError, match=r"class index 12, but y_pred has 10 classes \(valid indices 0..9\)"):
        losses.sparse_categorical_crossentropy(np.array([3, 12]), np.full((2, 10), 0.1, "float32"))


def test_fit_evaluate_before_compile():
    m = TinyDense(4, 10, "softmax")
    for call in (
        lambda: m.fit(_x(), np.zeros(32)),
        lambda: m.evaluate(_x(), np.zeros(32)),
        lambda: m.train_on_batch(_x(), np.zeros(32)),
    ):
        with pytest.raises(
            ValueError, match=r"You must call `compile\(\)` before `(fit|evaluate|train_on_batch)\(\)`"
        ):
            call()


@pytest.mark.parametrize(
    "n, split, side", [(1, 0.5, "training"), (4, 0.8, "training"), (10, 1e-17, "validation")]
)
def test_validation_split_leaving_an_empty_side(n, split, side):
    with pytest.raises(ValueError) as e:
        _model().fit(_x(n), np.zeros(n, "int64"), validation_split=split, verbose=0)
    msg = str(e.value)
    assert f"Training data contains {n} samples" in msg and f"the {side} set would be empty" in msg
    assert f"validation_split={split}" in msg


def test_validation_split_needs_arrays():
    gen = ((_x(8), np.zeros(8, "int64")) for _ in range(2))
    with pytest.raises(ValueError, match="only supported for NumPy arrays and tensors"):
        _model().fit(gen, validation_split=0.2, verbose=0)


def test_x_and_y_of_different_lengths():
    with pytest.raises(ValueError) as e:
        _model().fit(_x(32), np.zeros(30, "int64"), verbose=0)
    assert "x has 32 samples, y has 30 samples" in str(e.value)
    with pytest.raises(ValueError, match="sample_weight has 5 samples"):
        _model().fit(_x(32), np.zeros(32, "int64"), sample_weight=np.ones(5), verbose=0)


def test_generator_with_y_or_batch_size():
    gen = ((_x(8), np.zeros(8, "int64")) for _ in range(2))
    with pytest.raises(ValueError, match="`y` should not be passed"):
        _model().fit(gen, np.zeros(8), verbose=0)
    with pytest.raises(ValueError, match="`batch_size` should not be passed"):
        _model().fit(gen, batch_size=4, verbose=0)


def test_unknown_names():
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 'mean_square_error'"):
        _model(loss="mean_square_error").fit(_x(), np.zeros(32, "int64"), verbose=0)
    m = TinyDense(4, 10, "softmax")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 'adamx'"):
        m.compile(optimizer="adamx", loss="mse")


def test_no_loss_to_compute():
    m = TinyDense(4, 10, "softmax")
    m.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="No loss to compute"):
        m.fit(_x(), np.zeros(32, "int64"), verbose=0)
