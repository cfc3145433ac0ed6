"""The ``>>>`` examples in the core modules' docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tensorflux",
    "tensorflux.framework.tensor",
    "tensorflux.framework.shape",
    "tensorflux.framework.variables",
    "tensorflux.framework.tape",
    "tensorflux.ops.array_ops",
    "tensorflux.ops.math_ops",
    "tensorflux.ops.linalg_ops",
    "tensorflux.ops.random_ops",
    "tensorflux.testing.gradient_check",
    "tensorflux.backend.numpy.half",
    "tensorflux.backend.numpy.optim",
    "tensorflux.backend.numpy.blas",
    "tensorflux.keras.config",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
