"""Testing helpers: a numerical gradient checker and ``assert_allclose`` for tensors."""

from tensorflux.testing.gradient_check import (  # noqa: F401
    assert_allclose,
    check_gradients,
    numerical_gradient,
    symbolic_gradient,
)
