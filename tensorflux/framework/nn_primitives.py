"""Primitives of the neural-network kernels (conv, pool, resize, normalization, losses) and their rules.

Each primitive is declared with ``primitive(...)`` and its vector-Jacobian product attached
with ``gradients.register``.  The backward kernels are primitives too; those of convolution,
average pooling and resizing are linear, so their own rules are the forward kernels again and
higher-order gradients work.  The fused backward kernels of max pooling and normalization have
no rule of their own: differentiating them twice raises ``NotImplementedError``.  One more fused
kernel, ``max_pool_relu_grad``, appears only in optimised graphs (``passes/pool_relu.py``), as do
``conv_bias`` and ``conv_bias_backprop_filter`` (``passes/conv_bias.py``) and ``conv_bias_pool`` and
its gradient (``passes/conv_pool.py``).

Convolution keeps its im2col matrix from the forward pass (only while a tape records) so the
filter gradient does not build it again, and a 2x2 max pool which input of each window won; what
is kept is found by the identity of the input array, and dropped when the gradient takes it, when
that array dies, or when more than ``_MAX_SAVED`` inputs hold one (a taped forward pass whose
backward never ran).
"""

from __future__ import annotations

import weakref
from typing import Any

from tensorflux.backend import ops as B
from tensorflux.framework import primitives as P
from tensorflux.framework.gradients import register
from tensorflux.framework.primitives import primitive
from tensorflux.framework.tensor import Tensor

_g = P.unary


def _bind(prim: P.Primitive, args: Any, **params: Any) -> Any:
    return P.bind(prim, args, params)


# -- the saved im2col matrices ------------------------------------------------------------------
_SAVED: dict[int, tuple[Any, dict[Any, Any]]] = {}
_MAX_SAVED = 32  # inputs with saved matrices; a forward pass whose backward never runs is evicted


def _forget(key: int, saved: dict[int, Any] = _SAVED) -> Any:
    # binds the dict itself: at interpreter exit the module global may already be None
    return lambda _ref: saved.pop(key, None)


def _save_cols(x: Any, geom: Any, cols: Any) -> None:
    key = id(x)
    entry = _SAVED.get(key)
    if entry is None or entry[0]() is not x:
        try:
            ref = weakref.ref(x, _forget(key))
        except TypeError:  # arrays of some backends cannot be weakly referenced: just recompute
            return
        while len(_SAVED) >= _MAX_SAVED:
            del _SAVED[next(iter(_SAVED))]
        entry = (ref, {})
        _SAVED[key] = entry
    entry[1][geom] = cols


def _take_cols(x: Any, geom: Any) -> Any:
    """The saved matrix for ``x`` and ``geom``, removed: one backward pass uses it once."""
    key = id(x)
    entry = _SAVED.get(key)
    if entry is None or entry[0]() is not x:
        return None
    cols = entry[1].pop(geom, None)
    if not entry[1]:
        del _SAVED[key]
    return cols


# -- convolution --------------------------------------------------------------------------------
def _conv_impl(x: Any, w: Any, strides: Any, dilations: Any, pads: Any, groups: int) -> Any:
    if not P.ACTIVE_TAPES:
        return B.conv(x, w, strides, dilations, pads, groups)
    y, cols = B.conv(x, w, strides, dilations, pads, groups, keep_cols=True)
    _save_cols(x, (w.shape[:-2], strides, dilations, pads, groups), cols)
    return y


def _conv_filter_impl(
    x: Any, dy: Any, w_shape: Any, strides: Any, dilations: Any, pads: Any, groups: int
) -> Any:
    cols = _take_cols(x, (tuple(w_shape[:-2]), strides, dilations, pads, groups))
    return B.conv_backprop_filter(x, dy, w_shape, strides, dilations, pads, groups, cols=cols)


def _conv_input_impl(
    dy: Any, w: Any, x_shape: Any, strides: Any, dilations: Any, pads: Any, groups: int
) -> Any:
    return B.conv_backprop_input(dy, w, x_shape, strides, dilations, pads, groups)


conv = primitive("conv", _conv_impl)
conv_backprop_input = primitive("conv_backprop_input", _conv_input_impl)
conv_backprop_filter = primitive("conv_backprop_filter", _conv_filter_impl)


def _conv_vjp(g: Tensor, x: Tensor, w: Tensor, out: Tensor, needs: Any, **p: Any) -> Any:
    dx = _bind(conv_backprop_input, (g, w), x_shape=x._value.shape, **p) if needs[0] else None
    dw = _bind(conv_backprop_filter, (x, g), w_shape=w._value.shape, **p) if needs[1] else None
    return dx, dw


def _conv_input_vjp(g: Tensor, dy: Tensor, w: Tensor, out: Tensor, needs: Any, x_shape: Any, **p: Any) -> Any:
    # dx = conv^T(dy, w) is linear in each argument: its adjoints are the forward conv and the filter gradient
    gdy = _bind(conv, (g, w), **p) if needs[0] else None
    gw = _bind(conv_backprop_filter, (g, dy), w_shape=w._value.shape, **p) if needs[1] else None
    return gdy, gw


def _conv_filter_vjp(
    g: Tensor, x: Tensor, dy: Tensor, out: Tensor, needs: Any, w_shape: Any, **p: Any
) -> Any:
    gx = _bind(conv_backprop_input, (dy, g), x_shape=x._value.shape, **p) if needs[0] else None
    gdy = _bind(conv, (x, g), **p) if needs[1] else None
    return gx, gdy


register(conv, _conv_vjp)
register(conv_backprop_input, _conv_input_vjp)
register(conv_backprop_filter, _conv_filter_vjp)


# -- bias ---------------------------------------------------------------------------------------
bias_add = primitive("bias_add", lambda x, b, axis: B.bias_add(x, b, axis))
bias_add_grad = primitive("bias_add_grad", lambda g, axis: B.bias_add_grad(g, axis))


def _bias_add_vjp(g: Tensor, x: Tensor, b: Tensor, out: Tensor, needs: Any, axis: int) -> Any:
    return g, (_g(bias_add_grad, g, axis=axis) if needs[1] else None)


def _bias_add_grad_vjp(g: Tensor, dy: Tensor, out: Tensor, needs: Any, axis: int) -> Any:
    shape = [1] * dy._value.ndim
    shape[axis] = -1
    return (_g(P.broadcast_to, _g(P.reshape, g, shape=tuple(shape)), shape=dy._value.shape),)


register(bias_add, _bias_add_vjp)
register(bias_add_grad, _bias_add_grad_vjp)


# -- convolution with its bias: put in traced graphs by passes/conv_bias.py ----------------------
def _conv_bias_impl(x: Any, w: Any, b: Any, strides: Any, dilations: Any, pads: Any) -> Any:
    if not P.ACTIVE_TAPES:
        return B.conv_bias(x, w, b, strides, dilations, pads)
    y, cols = B.conv_bias(x, w, b, strides, dilations, pads, keep_cols=True)
    geom = (w.shape[:-2], strides, dilations, pads, 1)
    k = cols.shape[1] - 1
    if k == w.size // w.shape[-1]:  # with the ones column: the plain filter gradient can use the rest
        _save_cols(x, geom + ("bias",), cols)
        _save_cols(x, geom, cols[:, :k])
    else:
        _save_cols(x, geom, cols)
    return y


def _conv_bias_filter_impl(x: Any, dy: Any, w_shape: Any, strides: Any, dilations: Any, pads: Any) -> Any:
    geom = (tuple(w_shape[:-2]), strides, dilations, pads, 1)
    cols = _take_cols(x, geom + ("bias",))
    plain = _take_cols(x, geom)
    return B.conv_bias_backprop_filter(
        x, dy, w_shape, strides, dilations, pads, cols=plain if cols is None else cols
    )


conv_bias = primitive("conv_bias", _conv_bias_impl)
conv_bias_backprop_filter = primitive(
    "conv_bias_backprop_filter", _conv_bias_filter_impl, multiple_results=True
)


# -- a conv layer's whole forward (conv, bias, ReLU), bound by the conv layers: eagerly one output
# array instead of three; traced graphs get the separate kernels back from passes/expand.py (so
# the optimised graph is the one they would have traced).  Under a tape it keeps the im2col matrix
# as conv does, and its rule chains the separate kernels' rules in their order, written with
# primitives, so higher-order gradients work.
def _conv_bias_act_impl(
    x: Any, w: Any, b: Any, strides: Any, dilations: Any, pads: Any, activation: Any
) -> Any:
    if not P.ACTIVE_TAPES:
        return B.conv_bias_act(x, w, b, strides, dilations, pads, activation)
    y, cols = B.conv_bias_act(x, w, b, strides, dilations, pads, activation, keep_cols=True)
    _save_cols(x, (w.shape[:-2], strides, dilations, pads, 1), cols)  # as conv does, for its filter gradient
    return y


conv_bias_act = primitive("conv_bias_act", _conv_bias_act_impl)


def _conv_bias_act_vjp(
    g: Tensor, x: Tensor, w: Tensor, b: Tensor, out: Tensor, needs: Any, activation: Any, **p: Any
) -> Any:
    if activation == "relu":
        g = P.binary(P.relu_grad, g, out)
    db = _g(bias_add_grad, g, axis=-1) if needs[2] else None  # (the separate kernels' order)
    dx, dw = _conv_vjp(g, x, w, out, needs[:2], groups=1, **p)
    return dx, dw, db


register(conv_bias_act, _conv_bias_act_vjp)


# -- a convolution, its bias and a 2x2 max pool: put in traced graphs by passes/conv_pool.py
def _conv_pool_key(w: Any, strides: Any, dilations: Any, pads: Any) -> tuple[Any, ...]:
    return ("conv_pool", tuple(w.shape), tuple(strides), tuple(dilations), tuple(tuple(p) for p in pads))


# Below this batch inference keeps the separate kernels (passes/conv_pool.py, and here for a graph
# run at another batch than it was traced at): their small-batch paths took 108 against 240 us for
# one sample (seed CNN layer 1); from 4 images on, the fused kernel won.
FUSED_MIN_BATCH = 4


def _conv_bias_pool_impl(x: Any, w: Any, b: Any, strides: Any, dilations: Any, pads: Any) -> Any:
    if not P.ACTIVE_TAPES:
        if x.shape[0] < FUSED_MIN_BATCH:
            two = (2,) * (x.ndim - 2)
            return B.max_pool(B.conv_bias(x, w, b, strides, dilations, pads), two, two, ((0, 0),) * len(two))
        return B.conv_bias_pool(x, w, b, strides, dilations, pads)
    q, cols, taps = B.conv_bias_pool(x, w, b, strides, dilations, pads, keep=True)
    _save_cols(x, _conv_pool_key(w, strides, dilations, pads), (cols, taps))
    return q


def _conv_bias_pool_backprop_impl(
    x: Any,
    w: Any,
    b: Any,
    y: Any,
    g: Any,
    strides: Any,
    dilations: Any,
    pads: Any,
    relu: bool,
    input_grad: bool,
) -> Any:
    kept = _take_cols(x, _conv_pool_key(w, strides, dilations, pads))
    if kept is None or kept[1].shape[:1] + kept[1].shape[2:] != g.shape:  # not kept: build it again
        _, *kept = B.conv_bias_pool(x, w, b, strides, dilations, pads, keep=True)
    cols, taps = kept
    return B.conv_bias_pool_backprop(g, y, cols, taps, w, x.shape, strides, dilations, pads, relu, input_grad)


conv_bias_pool = primitive("conv_bias_pool", _conv_bias_pool_impl)
# (dx, dw, db), or (dw, db) without input_grad
conv_bias_pool_backprop = primitive(
    "conv_bias_pool_backprop", _conv_bias_pool_backprop_impl, multiple_results=True
)


# -- pooling ------------------------------------------------------------------------------------
# Under a tape, a 2x2 max pool also keeps which input of each window won (``B.max_pool_taps``),
# found again by its input like the im2col matrices; the gradient then routes without comparing.
def _max_pool_impl(x: Any, ksize: Any, strides: Any, pads: Any) -> Any:
    if not P.ACTIVE_TAPES or not B.pool_taps_fit(x.shape, ksize, strides, pads):
        return B.max_pool(x, ksize, strides, pads)
    y, taps = B.max_pool_taps(x, ksize, strides, pads)
    _save_cols(x, _pool_key(ksize, strides, pads), taps)
    return y


def _pool_key(ksize: Any, strides: Any, pads: Any) -> tuple[Any, ...]:
    return ("max_pool", tuple(ksize), tuple(strides), tuple(tuple(p) for p in pads))


def _pool_taps(x: Any, g: Any, ksize: Any, strides: Any, pads: Any) -> Any:
    """The window winners the forward kept for ``x`` (None: the gradient compares instead)."""
    taps = _take_cols(x, _pool_key(ksize, strides, pads))
    if taps is None or taps.shape[:1] + taps.shape[2:] != g.shape:
        return None
    return taps


def _max_pool_grad_impl(x: Any, y: Any, g: Any, ksize: Any, strides: Any, pads: Any) -> Any:
    taps = _pool_taps(x, g, ksize, strides, pads)
    if taps is not None:
        return B.max_pool_grad_taps(g, taps, x.shape)
    return B.max_pool_grad(x, y, g, ksize, strides, pads)


def _max_pool_relu_grad_impl(x: Any, y: Any, g: Any, ksize: Any, strides: Any, pads: Any) -> Any:
    taps = _pool_taps(x, g, ksize, strides, pads)
    if taps is not None:
        return B.max_pool_grad_taps(g, taps, x.shape, y)
    return B.max_pool_relu_grad(x, y, g, ksize, strides, pads)


max_pool = primitive("max_pool", _max_pool_impl)
max_pool_grad = primitive("max_pool_grad", _max_pool_grad_impl)
# relu_grad(max_pool_grad(x, y, g), x) in one kernel: put in traced graphs by passes/pool_relu.py
max_pool_relu_grad = primitive("max_pool_relu_grad", _max_pool_relu_grad_impl)
avg_pool = primitive("avg_pool", lambda x, ksize, strides, pads: B.avg_pool(x, ksize, strides, pads))
avg_pool_grad = primitive(
    "avg_pool_grad",
    lambda g, x_shape, ksize, strides, pads: B.avg_pool_grad(g, x_shape, ksize, strides, pads),
)


def _no_second_order(name: str) -> Any:
    def rule(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"The gradient of {name} (a fused backward kernel) is not implemented: second-order "
            f"gradients through this op are not supported."
        )

    return rule


register(max_pool, lambda g, x, out, needs, **p: (_bind(max_pool_grad, (x, out, g), **p),))
register(max_pool_grad, _no_second_order("max_pool_grad"))
register(max_pool_relu_grad, _no_second_order("max_pool_relu_grad"))
register(conv_bias, _no_second_order("conv_bias"))
register(conv_bias_backprop_filter, _no_second_order("conv_bias_backprop_filter"))
register(conv_bias_pool, _no_second_order("conv_bias_pool"))
register(conv_bias_pool_backprop, _no_second_order("conv_bias_pool_backprop"))
register(avg_pool, lambda g, x, out, needs, **p: (_bind(avg_pool_grad, (g,), x_shape=x._value.shape, **p),))
register(avg_pool_grad, lambda g, dy, out, needs, x_shape, **p: (_bind(avg_pool, (g,), **p),))


# -- resizing -----------------------------------------------------------------------------------
resize = primitive("resize", lambda x, size, method: B.resize(x, size, method))
resize_grad = primitive("resize_grad", lambda g, in_size, method: B.resize_grad(g, in_size, method))
register(
    resize,
    lambda g, x, out, needs, size, method: (_g(resize_grad, g, in_size=x._value.shape[1:3], method=method),),
)
register(
    resize_grad,
    lambda g, dy, out, needs, in_size, method: (_g(resize, g, size=dy._value.shape[1:3], method=method),),
)


# -- normalization ------------------------------------------------------------------------------
fused_batch_norm = primitive(
    "fused_batch_norm",
    lambda x, scale, offset, epsilon, axis: B.fused_batch_norm(x, scale, offset, epsilon, axis),
    multiple_results=True,
)
fused_batch_norm_grad = primitive(
    "fused_batch_norm_grad",
    lambda dy, x, scale, mean, var, dmean, dvar, epsilon, axis: B.fused_batch_norm_grad(
        dy, x, scale, mean, var, dmean, dvar, epsilon, axis
    ),
    multiple_results=True,
)


def _fused_batch_norm_vjp(
    g: Any, x: Tensor, scale: Tensor, offset: Tensor, out: Any, needs: Any, **p: Any
) -> Any:
    dy, dmean, dvar = g
    _, mean, var = out
    return _bind(fused_batch_norm_grad, (dy, x, scale, mean, var, dmean, dvar), **p)


register(fused_batch_norm, _fused_batch_norm_vjp)
register(fused_batch_norm_grad, _no_second_order("fused_batch_norm_grad"))

layer_norm = primitive(
    "layer_norm", lambda x, gamma, beta, axes, epsilon: B.layer_norm(x, gamma, beta, axes, epsilon)
)
layer_norm_grad = primitive(
    "layer_norm_grad",
    lambda dy, x, gamma, axes, epsilon: B.layer_norm_grad(dy, x, gamma, axes, epsilon),
    multiple_results=True,
)
register(layer_norm, lambda g, x, gamma, beta, out, needs, **p: _bind(layer_norm_grad, (g, x, gamma), **p))
register(layer_norm_grad, _no_second_order("layer_norm_grad"))


# -- losses from logits -------------------------------------------------------------------------
softmax_cross_entropy = primitive(
    "softmax_cross_entropy", lambda labels, logits: B.softmax_cross_entropy(labels, logits)
)
sparse_softmax_cross_entropy = primitive(
    "sparse_softmax_cross_entropy", lambda labels, logits: B.sparse_softmax_cross_entropy(labels, logits)
)
sigmoid_cross_entropy = primitive(
    "sigmoid_cross_entropy", lambda labels, logits: B.sigmoid_cross_entropy(labels, logits)
)


def _expand(g: Tensor) -> Tensor:
    return _g(P.reshape, g, shape=g._value.shape + (1,))


def _softmax_xent_vjp(g: Tensor, labels: Tensor, logits: Tensor, out: Tensor, needs: Any) -> Any:
    # d/dlogits = softmax * sum(labels) - labels (just softmax - labels for a distribution)
    ge = _expand(g)
    dlogits = dlabels = None
    if needs[1]:
        total = _g(P.reduce_sum, labels, axis=-1, keepdims=True)
        dlogits = ge * (_g(P.softmax, logits, axis=-1) * total - labels)
    if needs[0]:
        dlabels = -ge * _g(P.log_softmax, logits, axis=-1)
    return dlabels, dlogits


def _sparse_xent_vjp(g: Tensor, labels: Tensor, logits: Tensor, out: Tensor, needs: Any) -> Any:
    depth = logits._value.shape[-1]
    hot = _bind(
        P.one_hot, (labels,), depth=depth, on_value=1, off_value=0, axis=-1, dtype=logits._value.dtype
    )
    return None, _expand(g) * (_g(P.softmax, logits, axis=-1) - hot)


def _sigmoid_xent_vjp(g: Tensor, labels: Tensor, logits: Tensor, out: Tensor, needs: Any) -> Any:
    dlabels = -g * logits if needs[0] else None
    dlogits = g * (_g(P.sigmoid, logits) - labels) if needs[1] else None
    return dlabels, dlogits


register(softmax_cross_entropy, _softmax_xent_vjp)
register(sparse_softmax_cross_entropy, _sparse_xent_vjp)
register(sigmoid_cross_entropy, _sigmoid_xent_vjp)
