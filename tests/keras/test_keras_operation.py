"""``keras.Operation`` and ``keras.Function`` (behaviour checked against Keras 3.15 by hand)."""

import numpy as np
import pytest

import tensorflux as tf
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.operation import Function, Operation


class Square(Operation):
    def call(self, x):
        return x * x


def test_operation_eager_symbolic_and_config():
    op = Square()
    assert op.name.startswith("square") and op.get_config() == {"name": op.name}
    assert float(op(3.0)) == 9.0
    x = tf.keras.Input((3,))
    y = op(x)
    assert isinstance(y, KerasTensor) and tuple(y.shape) == (None, 3)
    model = tf.keras.Model(x, y)
    np.testing.assert_allclose(model(np.full((1, 3), 2.0, "float32")).numpy(), np.full((1, 3), 4.0))
    assert Square.from_config({"name": "sq"}).name == "sq"
    with pytest.raises(ValueError, match="cannot contain character `/`"):
        Square(name="a/b")
    with pytest.raises(NotImplementedError, match="must implement call"):
        Operation()(1.0)


def test_function_nested_inputs_and_outputs():
    a, b = KerasTensor(shape=(None, 3)), KerasTensor(shape=(None, 3))
    fn = Function(inputs={"x": a, "y": b}, outputs=[tf.keras.ops.add(a, b), a * 2], name="fn")
    assert fn.name == "fn" and fn.inputs == [a, b]  # dict inputs in sorted key order, as Keras
    assert [op.name for op in fn.operations] == ["add", "multiply"]
    x, y = np.ones((2, 3), "float32"), np.full((2, 3), 3.0, "float32")
    out = fn({"x": x, "y": y})
    assert isinstance(out, list) and len(out) == 2
    np.testing.assert_allclose(out[0].numpy(), x + y)
    np.testing.assert_allclose(out[1].numpy(), 2 * x)
    spec = fn.compute_output_spec({"x": KerasTensor((5, 3)), "y": KerasTensor((5, 3))})
    assert [tuple(s.shape) for s in spec] == [(5, 3), (5, 3)]


def test_function_errors():
    a = KerasTensor(shape=(None, 3))
    fn = Function(a, tf.keras.ops.sum(a, axis=-1))
    np.testing.assert_allclose(fn(np.ones((2, 3), "float32")).numpy(), [3.0, 3.0])
    with pytest.raises(ValueError, match="must be KerasTensors"):
        Function([a, np.zeros(3)], a)
    with pytest.raises(ValueError, match="do not match the structure"):
        fn([np.ones((2, 3), "float32")])
