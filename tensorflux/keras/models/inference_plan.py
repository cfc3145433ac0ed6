"""Inference plans: ``model(x)`` of a graph model replayed as a traced graph.

Calling a ``Sequential`` or functional model eagerly runs every layer's Python code (argument
checks, the call context, each op's dispatch) for a few microseconds per op; for one small
sample that is as much time as the kernels.  When the call cannot observe anything but its
result, the model's forward pass for that input signature is traced once with
``tensorflux.function`` and replayed: the same primitives, with the same parameters, on the same
variables (read by reference, so ``assign`` and ``set_weights`` are seen), in the same order.

A plan is used only when all of these hold, and the eager path runs otherwise:

- the model is exactly ``Sequential`` or ``Functional`` (not a subclass with its own ``call``)
  and every layer in it is a built-in layer whose inference output depends only on its inputs,
  its settings and its variables (no ``Lambda``, no recurrent or attention layer, no layer that
  computes masks, no activity regularizer);
- it is the outermost call, with ``training`` None or False, one input tensor without a mask,
  no active ``GradientTape`` and no tracing in progress (so tapes and ``tf.function`` see the
  eager ops), and neither ``run_eagerly=True`` nor ``tf.config.run_functions_eagerly(True)``;
- the input signature (shape, dtype, ``training``) already ran eagerly once, so any error a call
  can raise is raised by the eager path; a signature is traced on its second call.

Setting any layer attribute (``layer.activation = ...``, ``model.add(...)``, ``trainable``)
moves a global counter; the next call compares the layers' attributes with those seen when the
plan was made and drops the traced graphs when they differ.
"""

from __future__ import annotations

import weakref
from typing import Any

from tensorflux.framework import primitives as P
from tensorflux.framework.config import _state as _config_state
from tensorflux.framework.tensor import Tensor
from tensorflux.keras.engine import call_context as cc
from tensorflux.keras.engine.masking import _masks as _MASKS
from tensorflux.keras.engine.masking import get_keras_mask
from tensorflux.keras.layers import layer as _layer_module
from tensorflux.keras.layers.layer import _NOT_LEAN, Layer

MAX_SIGNATURES = 8  # input signatures traced per model; beyond that new ones stay eager

# Built-in layers whose inference is a pure function of inputs, settings and variables.
_PURE_PACKAGES = (
    "tensorflux.keras.layers.activations.",
    "tensorflux.keras.layers.convolutional.",
    "tensorflux.keras.layers.merging.",
    "tensorflux.keras.layers.normalization.",
    "tensorflux.keras.layers.pooling.",
    "tensorflux.keras.layers.reshaping.",
)
_PURE_MODULES = frozenset(
    {
        "tensorflux.keras.layers.input_layer",
        "tensorflux.keras.layers.core.dense",
        "tensorflux.keras.layers.core.activation",
        "tensorflux.keras.layers.core.identity",
        "tensorflux.keras.layers.regularization.dropout",
        "tensorflux.keras.layers.regularization.spatial_dropout",
        "tensorflux.keras.layers.regularization.gaussian_noise",
        "tensorflux.keras.layers.preprocessing.rescaling",
        "tensorflux.keras.models.sequential",
        "tensorflux.keras.models.functional",
    }
)
_PURE_CLASSES: dict[type, bool] = {}
# Attributes that are caches of the lean paths, not settings.
_CACHE_PREFIX = "_lean"


class _Plan:
    """The traced forward pass of one model, the signatures it may replay and what it was made from."""

    __slots__ = ("epoch", "ok", "failed", "fingerprint", "seen", "function")

    def __init__(self) -> None:
        self.epoch = -1
        self.ok = False
        self.failed = False  # tracing failed once: this model stays eager
        self.fingerprint: Any = None
        self.seen: set[Any] = set()
        self.function: Any = None


def _pure_class(cls: type) -> bool:
    ok = _PURE_CLASSES.get(cls)
    if ok is None:
        mod = cls.__module__
        ok = mod in _PURE_MODULES or mod.startswith(_PURE_PACKAGES)
        if ok and cls.compute_mask is not Layer.compute_mask and mod not in _PURE_MODULES:
            ok = False  # its output masks would be lost in a replay
        if mod == "tensorflux.keras.engine.op_layer":
            ok = True  # checked per instance: its function must be the library's
        _PURE_CLASSES[cls] = ok
    return ok


def _plannable(model: Any) -> tuple[bool, Any]:
    """Whether every layer of ``model`` qualifies, and the fingerprint of their attributes."""
    layers = model._flatten_layers()
    parts = []
    for layer in layers:
        cls = type(layer)
        if not _pure_class(cls) or layer.activity_regularizer is not None or not layer.built:
            return False, None
        if getattr(layer, "stateful", False):
            return False, None
        if cls.__module__ == "tensorflux.keras.engine.op_layer":
            fn_mod = getattr(getattr(layer, "fn", None), "__module__", None) or ""
            if not fn_mod.startswith("tensorflux."):
                return False, None
        parts.append(
            (
                id(layer),
                tuple((k, id(v)) for k, v in layer.__dict__.items() if not k.startswith(_CACHE_PREFIX)),
            )
        )
    return True, tuple(parts)


def _make_function(model: Any) -> Any:
    from tensorflux.framework.function import function

    ref = weakref.ref(model)  # no cycle model -> plan -> function -> model

    def forward(x: Tensor, training: Any) -> Any:
        return ref()(x, training=training)

    return function(forward, name=f"{model.name}_inference")


def planned_call(model: Any, x: Tensor, training: Any) -> Any:
    """``model(x, training=training)`` through the model's plan, or ``_NOT_LEAN`` for the eager path."""
    if (
        P.ACTIVE_TAPES
        or P.TRACERS
        or cc._state["ctx"] is not None
        or not (training is None or training is False)
        or _config_state.get("run_functions_eagerly")
        or model._run_eagerly
    ):
        return _NOT_LEAN
    if _MASKS and get_keras_mask(x) is not None:
        return _NOT_LEAN
    d = model.__dict__
    plan = d.get("_lean_plan")
    if plan is None:
        plan = d["_lean_plan"] = _Plan()
    epoch = _layer_module._EPOCH[0]
    if plan.epoch != epoch:
        ok, fingerprint = _plannable(model)
        if not ok or fingerprint != plan.fingerprint:
            plan.seen.clear()
            plan.function = None
        plan.ok, plan.fingerprint, plan.epoch = ok, fingerprint, epoch
    if not plan.ok or plan.failed:
        return _NOT_LEAN
    xv = x._value
    key = (xv.shape, xv.dtype, training)
    if key not in plan.seen:
        if len(plan.seen) >= MAX_SIGNATURES:
            return _NOT_LEAN
        out = Layer._lean_call(model, x, training)  # eager: errors are the eager ones
        if out is not _NOT_LEAN:
            plan.seen.add(key)
        return out
    if plan.function is None:
        plan.function = _make_function(model)
    if _layer_module._LOSSES_SEEN:
        model._clear_losses()
    fn = plan.function
    attempts = fn._trace_attempts
    try:
        return fn(x, training)
    except Exception:
        if fn._trace_attempts == attempts:
            raise  # a replay failed: a real error, as the eager call would give
        # the forward pass cannot be traced (its effects were undone): stay eager for this model
        plan.failed = True
        return _NOT_LEAN
