"""GraphBuilder: collects ONNX nodes and initializers while the converters walk a model.

Converters never touch ``onnx`` themselves: they call ``g.op("Relu", [x])`` and get back the
name of the new tensor, ``g.const(array)`` for constants and ``g.weight(layer, key, array)`` for
a layer's weights (stored once, as float32 initializers, however often the layer is called).
The helpers below hide the operator-set differences that matter here (reductions take their
axes as an input from opset 18, ``ReduceSum`` already from 13).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np


class Sym:
    """A tensor of the ONNX graph seen from a converter: its ``name`` and the Keras static ``shape``.

    >>> Sym("x", (None, 3), "float32").rank
    2
    """

    __slots__ = ("name", "shape", "dtype")

    def __init__(self, name: str, shape: Sequence[Any], dtype: str = "float32") -> None:
        self.name = name
        self.shape = tuple(shape)
        self.dtype = dtype

    @property
    def rank(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"Sym({self.name!r}, shape={self.shape}, dtype={self.dtype})"


class GraphBuilder:
    """Accumulates nodes and initializers for one ONNX graph at operator set ``opset``.

    >>> g = GraphBuilder(17)
    >>> y = g.op("Relu", ["x"])
    >>> len(g.nodes), y
    (1, 'Relu')
    """

    def __init__(self, opset: int) -> None:
        from onnx import helper, numpy_helper

        self._helper = helper
        self._numpy_helper = numpy_helper
        self.opset = opset
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._used: set[str] = set()
        self._scope: list[str] = []
        self._weights: dict[tuple[int, str], str] = {}

    # -- names ----------------------------------------------------------------------------------
    def reserve(self, name: str) -> str:
        """Claim ``name`` exactly (graph inputs and outputs); a clash gets a numeric suffix."""
        return self.fresh(name, scoped=False)

    def fresh(self, hint: str, scoped: bool = True) -> str:
        base = "/".join(self._scope + [hint]) if scoped and self._scope else hint
        name, i = base, 1
        while name in self._used:
            name = f"{base}_{i}"
            i += 1
        self._used.add(name)
        return name

    @contextlib.contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Prefix the names of the nodes and tensors made inside with ``name/`` (the layer's name)."""
        self._scope.append(name)
        try:
            yield
        finally:
            self._scope.pop()

    # -- constants ------------------------------------------------------------------------------
    def const(self, value: Any, hint: str = "const", dtype: Any = None) -> str:
        """An initializer holding ``value``: floats become float32, Python ints int64."""
        arr = np.asarray(value)
        if dtype is not None:
            arr = arr.astype(dtype)
        elif arr.dtype.kind == "f":
            arr = arr.astype(np.float32)
        elif arr.dtype.kind in "iu":
            arr = arr.astype(np.int64)
        name = self.fresh(hint)
        self.initializers.append(self._numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def weight(self, layer: Any, key: str, value: Any) -> str:
        """A layer's weight (float32), stored once even when the layer is called several times."""
        k = (id(layer), key)
        if k not in self._weights:
            arr = np.ascontiguousarray(np.asarray(value, dtype=np.float32))
            name = self.fresh(key)
            self.initializers.append(self._numpy_helper.from_array(arr, name))
            self._weights[k] = name
        return self._weights[k]

    # -- nodes ----------------------------------------------------------------------------------
    def op(
        self, op_type: str, inputs: Sequence[str], outputs: int = 1, hint: str | None = None, **attrs: Any
    ) -> Any:
        """Add one node; returns its output name (or a list of ``outputs`` names when > 1).

        An empty string in ``inputs`` marks an omitted optional input, as ONNX does.
        """
        outs = [self.fresh(hint or op_type) for _ in range(outputs)]
        attrs = {k: v for k, v in attrs.items() if v is not None}
        node_name = self.fresh(f"{hint or op_type}_node")
        self.nodes.append(self._helper.make_node(op_type, list(inputs), outs, name=node_name, **attrs))
        return outs[0] if outputs == 1 else outs

    # -- helpers for the ops whose signature changed between operator sets -------------------------
    def reduce(self, op_type: str, x: str, axes: Sequence[int], keepdims: bool = True) -> str:
        """``ReduceMean``/``ReduceMax``/``ReduceSum``/... over ``axes``."""
        axes = [int(a) for a in axes]
        if op_type == "ReduceSum" or self.opset >= 18:
            return self.op(op_type, [x, self.const(axes, "axes")], keepdims=int(keepdims))
        return self.op(op_type, [x], axes=axes, keepdims=int(keepdims))

    def reshape(self, x: str, shape: Sequence[int]) -> str:
        """``Reshape``: ``0`` keeps that input dimension (the batch), ``-1`` is inferred."""
        return self.op("Reshape", [x, self.const([int(d) for d in shape], "shape")])

    def transpose(self, x: str, perm: Sequence[int]) -> str:
        perm = [int(p) for p in perm]
        if perm == sorted(perm):
            return x
        return self.op("Transpose", [x], perm=perm)

    def unsqueeze(self, x: str, axes: Sequence[int]) -> str:
        return self.op("Unsqueeze", [x, self.const([int(a) for a in axes], "axes")])

    def squeeze(self, x: str, axes: Sequence[int]) -> str:
        return self.op("Squeeze", [x, self.const([int(a) for a in axes], "axes")])

    def slice(
        self, x: str, starts: Sequence[int], ends: Sequence[int], axes: Sequence[int], steps: Any = None
    ) -> str:
        ins = [
            x,
            self.const(list(starts), "starts"),
            self.const(list(ends), "ends"),
            self.const(list(axes), "axes"),
        ]
        if steps is not None:
            ins.append(self.const(list(steps), "steps"))
        return self.op("Slice", ins)

    def reverse(self, x: str, axis: int) -> str:
        """``x`` reversed along ``axis`` (a Slice with step -1: works for a dynamic length)."""
        return self.slice(x, [-1], [-(2**63)], [axis], [-1])

    def split(self, x: str, sizes: Sequence[int], axis: int) -> list[str]:
        outs = self.op("Split", [x, self.const(list(sizes), "split")], outputs=len(sizes), axis=int(axis))
        return outs if len(sizes) > 1 else [outs]

    def dims(self, x: str, start: int, end: int | None = None) -> str:
        """The int64 vector ``shape(x)[start:end]``, for reshapes whose sizes are known only at run time."""
        shape = self.op("Shape", [x])
        return self.slice(shape, [int(start)], [2**63 - 1 if end is None else int(end)], [0])

    def clip(self, x: str, low: float | None, high: float | None) -> str:
        lo = self.const(np.float32(low), "min") if low is not None else ""
        hi = self.const(np.float32(high), "max") if high is not None else ""
        return self.op("Clip", [x, lo, hi] if hi else [x, lo])

    def scalar(self, value: float, hint: str = "c") -> str:
        return self.const(np.float32(value), hint)
