"""Make the golden values of the neural-network kernel tests (tests/fixtures/kernels/*.npz).

Run once with the side environment that has PyTorch and TensorFlow (never a project dependency):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 /tmp/peers/bin/python scripts/make_kernel_goldens.py

Each case stores its inputs (float32 values), its parameters as JSON, a fixed random output
cotangent ``gy``, the reference output ``y`` and the reference gradients ``d<input>`` of
``sum(y * gy)``, all computed in float64.  PyTorch is the reference where it has the op with the
same meaning; TensorFlow where the semantics are TensorFlow's own (SAME padding, depthwise and
transposed convolutions with ``output_shape``, ``tf.image.resize``, gradients of the labels).
Layouts are TensorFlow's: channels last, filters ``(*kernel, in, out)``.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "kernels")
rng = np.random.default_rng(20240607)


def arr(*shape: int, scale: float = 1.0) -> np.ndarray:
    return (rng.standard_normal(shape) * scale).astype(np.float32)


class Store:
    def __init__(self) -> None:
        self.data: dict[str, np.ndarray] = {}

    def add(self, case: str, params: dict, inputs: dict, y: np.ndarray, gy: np.ndarray, grads: dict) -> None:
        self.data[f"{case}/params"] = np.array(json.dumps(params))
        for k, v in inputs.items():
            self.data[f"{case}/{k}"] = np.asarray(v)
        self.data[f"{case}/y"] = np.asarray(y, np.float64)
        self.data[f"{case}/gy"] = np.asarray(gy, np.float64)
        for k, v in grads.items():
            self.data[f"{case}/d{k}"] = np.asarray(v, np.float64)

    def save(self, name: str) -> None:
        path = os.path.join(OUT, name)
        np.savez_compressed(path, **self.data)
        print(f"wrote {path}: {len(self.data)} arrays, {os.path.getsize(path)} bytes")


# -- reference runners ----------------------------------------------------------------------------
def torch_run(fn, inputs: dict, diff: list[str]):
    ts = {
        k: torch.tensor(np.asarray(v, np.float64), requires_grad=k in diff)
        if np.asarray(v).dtype.kind == "f"
        else torch.tensor(np.asarray(v))
        for k, v in inputs.items()
    }
    y = fn(**ts)
    gy = rng.standard_normal(tuple(y.shape))
    (y * torch.tensor(gy)).sum().backward()
    return y.detach().numpy(), gy, {k: ts[k].grad.numpy() for k in diff}


def tf_run(fn, inputs: dict, diff: list[str]):
    ts = {
        k: tf.constant(np.asarray(v, np.float64)) if np.asarray(v).dtype.kind == "f" else tf.constant(v)
        for k, v in inputs.items()
    }
    with tf.GradientTape() as tape:
        for k in diff:
            tape.watch(ts[k])
        y = fn(**ts)
    gy = rng.standard_normal(tuple(y.shape))
    grads = tape.gradient(y, [ts[k] for k in diff], output_gradients=tf.constant(gy, y.dtype))
    return y.numpy(), gy, {k: g.numpy() for k, g in zip(diff, grads)}


def nchw(x):  # torch layout from NHWC, for any spatial rank
    return x.permute(0, x.dim() - 1, *range(1, x.dim() - 1))


def nhwc(x):
    return x.permute(0, *range(2, x.dim()), 1)


def tw(w):  # (*k, in, out) -> torch (out, in, *k)
    nd = w.dim() - 2
    return w.permute(nd + 1, nd, *range(nd))


# -- convolution ----------------------------------------------------------------------------------
def conv_cases(s: Store) -> None:
    torch_conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}

    def torch_case(name, x, w, strides, pads, dilations=1, groups=1, padding=None):
        nd = w.ndim - 2

        def fn(x, w):
            flat = [p for pair in reversed(pads) for p in pair]  # F.pad wants last dim first
            xt = F.pad(nchw(x), flat)
            return nhwc(torch_conv[nd](xt, tw(w), stride=strides, dilation=dilations, groups=groups))

        y, gy, g = torch_run(fn, {"x": x, "w": w}, ["x", "w"])
        if padding is None:
            padding = [[0, 0]] + [list(p) for p in pads] + [[0, 0]]
            if all(p == (0, 0) for p in pads):
                padding = "VALID"
        s.add(
            name,
            {"op": f"conv{nd}d", "strides": strides, "padding": padding, "dilations": dilations},
            {"x": x, "w": w},
            y,
            gy,
            g,
        )

    torch_case("conv2d_valid", arr(2, 7, 6, 3), arr(3, 3, 3, 4), 1, [(0, 0), (0, 0)])
    torch_case("conv2d_stride_explicit", arr(2, 7, 8, 3), arr(3, 2, 3, 5), [2, 1], [(1, 2), (0, 1)])
    torch_case("conv2d_dilated", arr(1, 9, 9, 2), arr(3, 3, 2, 3), 1, [(0, 0), (0, 0)], dilations=2)
    # TensorFlow's CPU kernels cannot differentiate dilated convolutions: SAME spelled as its pads (2, 2)
    torch_case(
        "conv2d_same_dilated",
        arr(1, 7, 6, 2),
        arr(3, 3, 2, 3),
        1,
        [(2, 2), (2, 2)],
        dilations=2,
        padding="SAME",
    )
    torch_case("conv2d_groups", arr(2, 6, 6, 4), arr(3, 3, 2, 6), 1, [(0, 0), (0, 0)], groups=2)
    torch_case("conv2d_1x1", arr(2, 4, 4, 5), arr(1, 1, 5, 3), 1, [(0, 0), (0, 0)])
    torch_case("conv1d_stride", arr(2, 11, 3), arr(3, 3, 4), 2, [(0, 0)])
    torch_case("conv3d_valid", arr(1, 4, 5, 4, 2), arr(2, 3, 2, 2, 3), 1, [(0, 0)] * 3)

    def tf_case(name, params, inputs, fn):
        y, gy, g = tf_run(fn, inputs, list(inputs))
        s.add(name, params, inputs, y, gy, g)

    tf_case(
        "conv2d_same_stride2",
        {"op": "conv2d", "strides": 2, "padding": "SAME", "dilations": 1},
        {"x": arr(2, 7, 8, 3), "w": arr(3, 3, 3, 4)},
        lambda x, w: tf.nn.conv2d(x, w, 2, "SAME"),
    )
    tf_case(
        "conv1d_same",
        {"op": "conv1d", "strides": 1, "padding": "SAME", "dilations": 1},
        {"x": arr(2, 9, 3), "w": arr(4, 3, 2)},
        lambda x, w: tf.nn.conv1d(x, w, 1, "SAME"),
    )
    tf_case(
        "depthwise_same",
        {"op": "depthwise_conv2d", "strides": [1, 1, 1, 1], "padding": "SAME"},
        {"x": arr(2, 6, 5, 3), "w": arr(3, 3, 3, 2)},
        lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME"),
    )
    tf_case(
        "depthwise_valid_stride2",
        {"op": "depthwise_conv2d", "strides": [1, 2, 2, 1], "padding": "VALID"},
        {"x": arr(1, 7, 7, 2), "w": arr(3, 3, 2, 3)},
        lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "VALID"),
    )
    tf_case(
        "separable_same",
        {"op": "separable_conv2d", "strides": [1, 1, 1, 1], "padding": "SAME"},
        {"x": arr(2, 5, 5, 3), "w": arr(3, 3, 3, 2), "pw": arr(1, 1, 6, 4)},
        lambda x, w, pw: tf.nn.separable_conv2d(x, w, pw, [1, 1, 1, 1], "SAME"),
    )
    tf_case(
        "conv2d_transpose_same",
        {"op": "conv2d_transpose", "strides": 2, "padding": "SAME", "output_shape": [2, 8, 8, 2]},
        {"x": arr(2, 4, 4, 3), "w": arr(3, 3, 2, 3)},
        lambda x, w: tf.nn.conv2d_transpose(x, w, [2, 8, 8, 2], 2, "SAME"),
    )
    tf_case(
        "conv2d_transpose_valid",
        {"op": "conv2d_transpose", "strides": 2, "padding": "VALID", "output_shape": [1, 9, 7, 2]},
        {"x": arr(1, 4, 3, 3), "w": arr(3, 3, 2, 3)},
        lambda x, w: tf.nn.conv2d_transpose(x, w, [1, 9, 7, 2], 2, "VALID"),
    )
    tf_case(
        "conv1d_transpose_same",
        {"op": "conv1d_transpose", "strides": 2, "padding": "SAME", "output_shape": [2, 10, 2]},
        {"x": arr(2, 5, 4), "w": arr(3, 2, 4)},
        lambda x, w: tf.nn.conv1d_transpose(x, w, [2, 10, 2], 2, "SAME"),
    )
    tf_case(
        "bias_add", {"op": "bias_add"}, {"x": arr(2, 3, 4), "b": arr(4)}, lambda x, b: tf.nn.bias_add(x, b)
    )


# -- pooling and resizing -----------------------------------------------------------------------
def pool_cases(s: Store) -> None:
    def torch_case(name, kind, x, k, st):
        nd = x.ndim - 2
        fn_t = {
            ("max", 1): F.max_pool1d,
            ("max", 2): F.max_pool2d,
            ("avg", 1): F.avg_pool1d,
            ("avg", 2): F.avg_pool2d,
        }[(kind, nd)]
        y, gy, g = torch_run(lambda x: nhwc(fn_t(nchw(x), k, st)), {"x": x}, ["x"])
        s.add(
            name,
            {"op": f"{kind}_pool{nd}d", "ksize": k, "strides": st, "padding": "VALID"},
            {"x": x},
            y,
            gy,
            g,
        )

    torch_case("max2d_2x2", "max", arr(2, 6, 6, 3), 2, 2)
    torch_case("max2d_odd", "max", arr(1, 5, 7, 2), 2, 2)
    torch_case("max2d_overlap", "max", arr(2, 7, 7, 2), 3, 2)
    torch_case("max1d", "max", arr(2, 9, 3), 3, 2)
    torch_case("avg2d_2x2", "avg", arr(2, 6, 6, 3), 2, 2)
    torch_case("avg2d_overlap", "avg", arr(1, 7, 6, 2), 3, 1)
    torch_case("avg1d", "avg", arr(2, 8, 3), 2, 2)

    def tf_case(name, kind, x, k, st, padding):
        fn_t = tf.nn.max_pool2d if kind == "max" else tf.nn.avg_pool2d
        y, gy, g = tf_run(lambda x: fn_t(x, k, st, padding), {"x": x}, ["x"])
        s.add(
            name, {"op": f"{kind}_pool2d", "ksize": k, "strides": st, "padding": padding}, {"x": x}, y, gy, g
        )

    tf_case("max2d_same", "max", arr(2, 7, 6, 2), 3, 2, "SAME")
    tf_case("avg2d_same", "avg", arr(2, 7, 6, 2), 3, 2, "SAME")
    tf_case("avg2d_same_s1", "avg", arr(1, 5, 5, 2), 3, 1, "SAME")


def resize_cases(s: Store) -> None:
    for name, shape, size, method in [
        ("bilinear_up", (1, 3, 4, 2), (6, 7), "bilinear"),
        ("bilinear_down", (2, 6, 5, 2), (4, 3), "bilinear"),
        ("nearest_up", (1, 3, 3, 2), (7, 5), "nearest"),
        ("nearest_down", (1, 8, 6, 1), (3, 4), "nearest"),
    ]:
        x = arr(*shape)
        y, gy, g = tf_run(
            lambda x, size=size, method=method: tf.image.resize(x, size, method=method), {"x": x}, ["x"]
        )
        s.add(name, {"op": "resize", "size": list(size), "method": method}, {"x": x}, y, gy, g)


# -- normalization ------------------------------------------------------------------------------
def norm_cases(s: Store) -> None:
    eps = 1e-3
    for name, shape in [("batch_norm_4d", (3, 4, 5, 3)), ("batch_norm_2d", (6, 4))]:
        x, scale, offset = arr(*shape, scale=2.0) + 1.0, arr(shape[-1]), arr(shape[-1])

        def fn(x, scale, offset):
            return (
                nhwc(F.batch_norm(nchw(x), None, None, scale, offset, training=True, eps=eps))
                if x.dim() > 2
                else F.batch_norm(x, None, None, scale, offset, training=True, eps=eps)
            )

        y, gy, g = torch_run(fn, {"x": x, "scale": scale, "offset": offset}, ["x", "scale", "offset"])
        x64 = x.astype(np.float64).reshape(-1, shape[-1])
        extra = {"mean": x64.mean(0), "var": x64.var(0)}
        s.add(
            name,
            {"op": "fused_batch_norm", "epsilon": eps},
            {"x": x, "scale": scale, "offset": offset, **extra},
            y,
            gy,
            g,
        )
    for name, shape, axes in [
        ("layer_norm_last", (3, 4, 6), [-1]),
        ("layer_norm_two", (2, 3, 4, 5), [-2, -1]),
    ]:
        nshape = [shape[a] for a in axes]
        x, gamma, beta = arr(*shape) * 3.0 + 0.5, arr(*nshape), arr(*nshape)
        y, gy, g = torch_run(
            lambda x, gamma, beta, nshape=nshape: F.layer_norm(x, nshape, gamma, beta, eps=eps),
            {"x": x, "gamma": gamma, "beta": beta},
            ["x", "gamma", "beta"],
        )
        s.add(
            name,
            {"op": "layer_norm", "axes": axes, "epsilon": eps},
            {"x": x, "gamma": gamma, "beta": beta},
            y,
            gy,
            g,
        )
    x, mean, var, offset, scale = arr(4, 3), arr(3), np.abs(arr(3)) + 0.5, arr(3), arr(3)
    y, gy, g = tf_run(
        lambda x, mean, var, offset, scale: tf.nn.batch_normalization(x, mean, var, offset, scale, 1e-3),
        {"x": x, "mean": mean, "var": var, "offset": offset, "scale": scale},
        ["x", "mean", "var", "offset", "scale"],
    )
    s.add(
        "batch_normalization",
        {"op": "batch_normalization", "epsilon": 1e-3},
        {"x": x, "mean": mean, "var": var, "offset": offset, "scale": scale},
        y,
        gy,
        g,
    )
    x = arr(3, 4, 5)
    for i, out in enumerate(("mean", "var")):
        y, gy, g = tf_run(lambda x, i=i: tf.nn.moments(x, axes=[0, 2])[i], {"x": x}, ["x"])
        s.add(f"moments_{out}", {"op": "moments", "axes": [0, 2], "output": i}, {"x": x}, y, gy, g)


# -- losses -------------------------------------------------------------------------------------
def loss_cases(s: Store) -> None:
    logits = arr(5, 7, scale=3.0)
    p = rng.random((5, 7)).astype(np.float32)
    labels = (p / p.sum(-1, keepdims=True)).astype(np.float32)
    y, gy, g = tf_run(
        lambda labels, logits: tf.nn.softmax_cross_entropy_with_logits(labels, logits),
        {"labels": labels, "logits": logits},
        ["labels", "logits"],
    )
    s.add(
        "softmax_xent",
        {"op": "softmax_cross_entropy_with_logits", "axis": -1},
        {"labels": labels, "logits": logits},
        y,
        gy,
        g,
    )
    logits3 = arr(2, 4, 3, scale=2.0)
    p = rng.random((2, 4, 3)).astype(np.float32)
    labels3 = (p / p.sum(1, keepdims=True)).astype(np.float32)
    y, gy, g = tf_run(
        lambda labels, logits: tf.nn.softmax_cross_entropy_with_logits(labels, logits, axis=1),
        {"labels": labels3, "logits": logits3},
        ["labels", "logits"],
    )
    s.add(
        "softmax_xent_axis1",
        {"op": "softmax_cross_entropy_with_logits", "axis": 1},
        {"labels": labels3, "logits": logits3},
        y,
        gy,
        g,
    )
    ilabels = rng.integers(0, 7, size=(5,)).astype(np.int32)
    y, gy, g = torch_run(
        lambda labels, logits: F.cross_entropy(logits, labels.long(), reduction="none"),
        {"labels": ilabels, "logits": logits},
        ["logits"],
    )
    s.add(
        "sparse_xent",
        {"op": "sparse_softmax_cross_entropy_with_logits"},
        {"labels": ilabels, "logits": logits},
        y,
        gy,
        g,
    )
    blogits = arr(4, 6, scale=4.0)
    blabels = rng.random((4, 6)).astype(np.float32)
    y, gy, g = tf_run(
        lambda labels, logits: tf.nn.sigmoid_cross_entropy_with_logits(labels, logits),
        {"labels": blabels, "logits": blogits},
        ["labels", "logits"],
    )
    s.add(
        "sigmoid_xent",
        {"op": "sigmoid_cross_entropy_with_logits"},
        {"labels": blabels, "logits": blogits},
        y,
        gy,
        g,
    )


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    for name, make in (
        ("conv.npz", conv_cases),
        ("pool.npz", pool_cases),
        ("resize.npz", resize_cases),
        ("norm.npz", norm_cases),
        ("losses.npz", loss_cases),
    ):
        s = Store()
        make(s)
        s.save(name)
    print("torch", torch.__version__, "tensorflow", tf.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
