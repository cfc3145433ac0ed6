"""Regularizers (L1, L2, L1L2, OrthogonalRegularizer) and constraints (MaxNorm, MinMaxNorm, NonNeg,
UnitNorm)."""

import numpy as np
import pytest

from tensorflux.keras import constraints as C
from tensorflux.keras import regularizers as R

W = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]], "float32")


def test_penalties():
    assert float(R.L1(0.1)(W)) == pytest.approx(0.1 * np.abs(W).sum())
    assert float(R.L2()(W)) == pytest.approx(0.01 * (W**2).sum())  # Keras 3 default l2=0.01
    assert float(R.L1L2(l1=0.2, l2=0.3)(W)) == pytest.approx(0.2 * np.abs(W).sum() + 0.3 * (W**2).sum())
    assert float(R.L1L2()(W)) == 0.0
    assert R.get("l1").l1 == 0.01 and isinstance(R.get("l1_l2"), R.L1L2)
    with pytest.raises(ValueError, match="l2=-1"):
        R.L2(-1)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer(mode):
    x = W.astype("float64")
    n = x / np.linalg.norm(x, axis=1 if mode == "rows" else 0, keepdims=True)
    p = n @ n.T if mode == "rows" else n.T @ n
    size = p.shape[0]
    expected = 0.05 * 0.5 * np.abs(p * (1 - np.eye(size))).sum() / (size * (size - 1) / 2)
    assert float(R.OrthogonalRegularizer(0.05, mode)(x)) == pytest.approx(expected)
    with pytest.raises(ValueError, match="rank 2"):
        R.OrthogonalRegularizer()(np.ones(3))


def test_regularizer_config_round_trip():
    for reg in (R.L1(0.3), R.L2(0.2), R.L1L2(0.1, 0.2), R.OrthogonalRegularizer(0.1, "columns")):
        again = R.deserialize(R.serialize(reg))
        assert type(again) is type(reg) and again.get_config() == reg.get_config()


def test_constraints():
    norms = np.sqrt((W**2).sum(0, keepdims=True))
    eps = 1e-7
    np.testing.assert_allclose(
        np.asarray(C.MaxNorm(2.0)(W)), W * np.minimum(norms, 2.0) / (norms + eps), rtol=1e-6
    )
    np.testing.assert_allclose(np.asarray(C.UnitNorm()(W)), W / (norms + eps), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(C.NonNeg()(W)), np.maximum(W, 0))
    desired = 0.5 * np.clip(norms, 1.0, 2.0) + 0.5 * norms
    np.testing.assert_allclose(
        np.asarray(C.MinMaxNorm(1.0, 2.0, rate=0.5)(W)), W * desired / (norms + eps), rtol=1e-6
    )
    rows = np.sqrt((W**2).sum(1, keepdims=True))
    np.testing.assert_allclose(np.asarray(C.UnitNorm(axis=1)(W)), W / (rows + eps), rtol=1e-6)
    assert isinstance(C.get("non_neg"), C.NonNeg) and isinstance(C.get("MaxNorm"), C.MaxNorm)
    again = C.deserialize(C.serialize(C.MinMaxNorm(0.5, 3.0, 0.7, axis=1)))
    assert again.get_config() == {"min_value": 0.5, "max_value": 3.0, "rate": 0.7, "axis": 1}
    with pytest.raises(ValueError, match="Unknown constraint"):
        C.get("positive")


def test_constraint_is_attached_to_the_variable():
    from tensorflux.keras import layers

    layer = layers.Dense(2, kernel_constraint="non_neg")
    layer.build((None, 3))
    assert isinstance(layer.kernel.constraint, C.NonNeg)
