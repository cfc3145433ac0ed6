"""The ``>>>`` examples in the graph-mode modules' docstrings run and print what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tensorflux.framework.graph",
    "tensorflux.framework.function",
    "tensorflux.framework.passes",
    "tensorflux.framework.passes.algebraic",
    "tensorflux.framework.passes.buffer_reuse",
    "tensorflux.framework.passes.constant_folding",
    "tensorflux.framework.passes.cse",
    "tensorflux.framework.passes.conv_bias",
    "tensorflux.framework.passes.dce",
    "tensorflux.framework.passes.fusion",
    "tensorflux.ops.control_flow_ops",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(importlib.import_module(name), optionflags=flags)
    assert result.failed == 0
    assert result.attempted > 0
