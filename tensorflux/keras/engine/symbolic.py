"""Calling a layer on KerasTensors: build, infer the output spec, record a Node.

Output shapes come from the layer's own ``compute_output_shape`` when its class defines one
(cheap, exact).  Otherwise the layer is run once eagerly on a small batch of ones (zeros for
integer inputs), with every unknown dimension set to 1, and once more with them set to 2; the
dimensions that differ between the two runs are unknown (None) in the output.  The trial runs
happen in a "trial" call context: no losses are recorded, no tape sees them, and numerical
warnings are silenced.  Layers whose call has side effects (state updates) should define
``compute_output_shape``.
"""

from __future__ import annotations

import warnings
from typing import Any

from tensorflux.framework import nest
from tensorflux.framework import primitives as P
from tensorflux.keras.engine import call_context as cc
from tensorflux.keras.engine.keras_tensor import KerasTensor
from tensorflux.keras.engine.masking import get_keras_mask, set_keras_mask
from tensorflux.keras.engine.node import Node


def _is_shape(s: Any) -> bool:
    return isinstance(s, (tuple, list)) and all(d is None or isinstance(d, int) for d in s)


def _concrete(kt: KerasTensor, n: int) -> Any:
    from tensorflux.ops import array_ops

    shape = tuple(n if d is None else d for d in kt.shape)
    dt = kt.dtype
    t = array_ops.ones(shape, dt) if dt.is_floating or dt.is_complex else array_ops.zeros(shape, dt)
    if kt._keras_mask is not None:
        m = kt._keras_mask
        set_keras_mask(t, array_ops.ones(tuple(n if d is None else d for d in m.shape), "bool"))
    return t


def trial_call(layer: Any, args: Any, kwargs: Any, n: int) -> Any:
    """Run ``layer`` eagerly on concrete stand-ins for the KerasTensors in its arguments."""
    flat = nest.flatten((args, kwargs))
    flat = [_concrete(x, n) if isinstance(x, KerasTensor) else x for x in flat]
    cargs, ckwargs = nest.pack_sequence_as((args, kwargs), flat)
    prev = cc.enter(cc.CallContext(layer, trial=True))
    tapes = list(P.ACTIVE_TAPES)
    P.ACTIVE_TAPES.clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return layer(*cargs, **ckwargs)
    finally:
        P.ACTIVE_TAPES.extend(tapes)
        cc.enter(prev)


def _has_unknown(args: Any, kwargs: Any) -> bool:
    return any(isinstance(x, KerasTensor) and None in x.shape for x in nest.flatten((args, kwargs)))


def _spec_from_runs(out1: Any, out2: Any) -> Any:
    def one(a: Any, b: Any) -> Any:
        if a is None or not hasattr(a, "shape"):
            return a
        s1 = tuple(a.shape)
        s2 = tuple(b.shape) if b is not None else s1
        shape = tuple(d1 if d1 == d2 else None for d1, d2 in zip(s1, s2))
        kt = KerasTensor(shape, a.dtype)
        m1 = get_keras_mask(a)
        if m1 is not None:
            m2 = get_keras_mask(b) if b is not None else m1
            ms = tuple(d1 if d1 == d2 else None for d1, d2 in zip(tuple(m1.shape), tuple(m2.shape)))
            kt._keras_mask = KerasTensor(ms, "bool")
        return kt

    if out2 is None:
        return nest.map_structure(lambda a: one(a, None), out1)
    return nest.map_structure(one, out1, out2)


def compute_output_spec(layer: Any, args: Any, kwargs: Any) -> Any:
    """KerasTensors (without history) describing what ``layer(*args, **kwargs)`` returns."""
    from tensorflux.keras.layers.layer import Layer

    if type(layer).compute_output_shape is not Layer.compute_output_shape:
        shapes = layer._shapes_for(args, kwargs, "compute_output_shape")
        out_shape = layer._call_shape_fn(layer.compute_output_shape, shapes)
        dtype = layer.compute_dtype
        if _is_shape(out_shape):
            outputs: Any = KerasTensor(tuple(out_shape), dtype)
        else:
            outputs = nest.map_structure(lambda s: KerasTensor(tuple(s), dtype), _shapes_to_lists(out_shape))
        _symbolic_masks(layer, args, kwargs, outputs)
        return outputs
    return trial_spec(layer, args, kwargs)


def trial_spec(layer: Any, args: Any, kwargs: Any) -> Any:
    """Output KerasTensors found by running the layer on stand-ins (see the module docstring)."""
    out1 = trial_call(layer, args, kwargs, 1)
    out2 = trial_call(layer, args, kwargs, 2) if _has_unknown(args, kwargs) else None
    return _spec_from_runs(out1, out2)


def _shapes_to_lists(s: Any) -> Any:
    # Turn shape tuples into opaque leaves so nest does not walk into them.
    if _is_shape(s):
        return _Shape(s)
    if isinstance(s, dict):
        return {k: _shapes_to_lists(v) for k, v in s.items()}
    if isinstance(s, (list, tuple)):
        return type(s)(_shapes_to_lists(v) for v in s)
    return s


class _Shape:
    __slots__ = ("dims",)

    def __init__(self, dims: Any) -> None:
        self.dims = tuple(dims)

    def __iter__(self) -> Any:
        return iter(self.dims)


def _symbolic_masks(layer: Any, args: Any, kwargs: Any, outputs: Any) -> None:
    """Mark outputs as masked when the layer would produce a mask (evaluated on a trial batch)."""
    from tensorflux.keras.layers.layer import Layer

    first = args[0] if args else None
    in_mask = (
        nest.map_structure(lambda x: getattr(x, "_keras_mask", None), first) if first is not None else None
    )
    overridden = type(layer).compute_mask is not Layer.compute_mask
    if not (layer.supports_masking or overridden):
        return
    flat_out = [o for o in nest.flatten(outputs) if isinstance(o, KerasTensor)]
    if overridden:
        concrete = nest.map_structure(lambda x: _concrete(x, 1) if isinstance(x, KerasTensor) else x, first)
        cmask = nest.map_structure(lambda x: get_keras_mask(x) if hasattr(x, "shape") else None, concrete)
        if not nest.flatten(cmask) or all(m is None for m in nest.flatten(cmask)):
            cmask = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = layer.compute_mask(concrete, cmask)
        flat_m = nest.flatten(m) if m is not None else []
        ref_in = next((x.shape for x in nest.flatten(first) if isinstance(x, KerasTensor)), ())
        for o, mm in zip(flat_out, flat_m):
            if mm is not None:
                # the stand-in batch has size 1 wherever the input's size is unknown
                shape = tuple(
                    None if i < len(ref_in) and ref_in[i] is None else d for i, d in enumerate(mm.shape)
                )
                o._keras_mask = KerasTensor(shape, "bool")
        return
    flat_in = [m for m in nest.flatten(in_mask) if m is not None] if in_mask is not None else []
    if flat_in:
        for o in flat_out:
            o._keras_mask = flat_in[0]


def symbolic_call(layer: Any, args: Any, kwargs: Any) -> Any:
    """``layer(*args, **kwargs)`` on KerasTensors: build, check, infer outputs, record the node."""
    if layer.input_spec is not None and args:
        from tensorflux.keras.layers.input_spec import assert_input_compatibility

        assert_input_compatibility(layer.input_spec, args[0], layer.name, layer)
    layer._maybe_build(args, kwargs)
    outputs = layer.compute_output_spec(*args, **kwargs)
    Node(layer, args, kwargs, outputs)
    return outputs
