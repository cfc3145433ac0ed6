"""keras.ops.nn additions (conv family, pooling, normalization, attention, activations) against Keras 3
goldens (scripts/golden_keras_ops_e.py), finite-difference gradients, and symbolic use."""

import os

import numpy as np
import pytest

import tensorflux as tf
from tensorflux import keras
from tensorflux.keras import ops
from tensorflux.keras.ops import nn
from tensorflux.testing import check_gradients

G = dict(np.load(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "keras_ops", "e_nn.npz")))


def _cases():
    g = G
    x1, x2, x3 = g["in_x1"], g["in_x2"], g["in_x3"]
    c = {}
    for pad in ("valid", "same"):
        c[f"conv1_{pad}"] = lambda p=pad: nn.conv(x1, g["in_k1"], strides=2, padding=p)
        c[f"conv2_{pad}"] = lambda p=pad: nn.conv(x2, g["in_k2"], strides=(2, 1), padding=p)
        c[f"conv2_dil_{pad}"] = lambda p=pad: nn.conv(x2, g["in_k2"], padding=p, dilation_rate=(2, 1))
        c[f"conv3_{pad}"] = lambda p=pad: nn.conv(x3, g["in_k3"], padding=p)
        c[f"dw1_{pad}"] = lambda p=pad: nn.depthwise_conv(x1, g["in_dw1"], strides=1, padding=p)
        c[f"dw2_{pad}"] = lambda p=pad: nn.depthwise_conv(x2, g["in_dw2"], strides=2, padding=p)
        c[f"sep1_{pad}"] = lambda p=pad: nn.separable_conv(x1, g["in_dw1"], g["in_pw1"], padding=p)
        c[f"sep2_{pad}"] = lambda p=pad: nn.separable_conv(x2, g["in_dw2"], g["in_pw2"], padding=p)
        c[f"convt2_{pad}"] = lambda p=pad: nn.conv_transpose(x2, g["in_kt2"], strides=2, padding=p)
        c[f"convt2_op_{pad}"] = lambda p=pad: nn.conv_transpose(
            x2, g["in_kt2"], strides=2, padding=p, output_padding=1
        )
        c[f"convt1_{pad}"] = lambda p=pad: nn.conv_transpose(x1, g["in_kt1"], strides=3, padding=p)
        c[f"maxpool2_{pad}"] = lambda p=pad: nn.max_pool(x2, 3, strides=2, padding=p)
        c[f"avgpool2_{pad}"] = lambda p=pad: nn.average_pool(x2, (2, 3), padding=p)
        c[f"maxpool1_{pad}"] = lambda p=pad: nn.max_pool(x1, 2, padding=p)
        c[f"avgpool1_{pad}"] = lambda p=pad: nn.average_pool(x1, 4, strides=1, padding=p)
    c["adavg2"] = lambda: nn.adaptive_average_pool(x2, (3, 4))
    c["admax2"] = lambda: nn.adaptive_max_pool(x2, (4, 4))
    c["adavg1"] = lambda: nn.adaptive_average_pool(x1, 4)
    mean, var, gamma, beta = g["in_mean"], g["in_var"], g["in_gamma"], g["in_beta"]
    c["bn"] = lambda: nn.batch_normalization(x2, mean, var, axis=-1, offset=beta, scale=gamma)
    c["bn_noaffine"] = lambda: nn.batch_normalization(x2, mean, var, axis=-1, epsilon=0.01)
    c["ln"] = lambda: nn.layer_normalization(x2, gamma, beta)
    c["ln_axes"] = lambda: nn.layer_normalization(x2, axis=(1, 2))
    c["rms"] = lambda: nn.rms_normalization(x2, gamma)
    c["rms_noscale"] = lambda: nn.rms_normalization(x2, epsilon=0.1)
    q, k, v = g["in_q"], g["in_k"], g["in_v"]
    c["dpa"] = lambda: nn.dot_product_attention(q, k, v)
    c["dpa_bias_mask"] = lambda: nn.dot_product_attention(
        q, k, v, bias=g["in_bias"], mask=g["in_mask"], scale=0.7
    )
    c["dpa_causal"] = lambda: nn.dot_product_attention(g["in_qq"], k, v, is_causal=True)
    d2s = g["in_d2s"]
    c["d2s"] = lambda: nn.depth_to_space(d2s, 2)
    c["d2s_cf"] = lambda: nn.depth_to_space(np.transpose(d2s, (0, 3, 1, 2)), 2, data_format="channels_first")
    c["s2d"] = lambda: nn.space_to_depth(x2[:, :6, :6], 3)
    c["s2d_cf"] = lambda: nn.space_to_depth(np.transpose(x2[:, :6, :6], (0, 3, 1, 2)), 2, "channels_first")
    a = g["in_act"]
    c["hard_tanh"] = lambda: nn.hard_tanh(a)
    c["hard_shrink"] = lambda: nn.hard_shrink(a, 0.7)
    c["soft_shrink"] = lambda: nn.soft_shrink(a)
    c["tanh_shrink"] = lambda: nn.tanh_shrink(a)
    c["threshold"] = lambda: nn.threshold(a, 0.3, -4.0)
    c["sparse_plus"] = lambda: nn.sparse_plus(a)
    c["sparse_sigmoid"] = lambda: nn.sparse_sigmoid(a)
    c["squareplus"] = lambda: nn.squareplus(a, 2)
    c["psnr"] = lambda: nn.psnr(x2, x2 * 0.9, 3.0)
    fimg = g["in_fold_img"]
    c["unfold"] = lambda: nn.unfold(fimg, (2, 3))
    c["unfold_args"] = lambda: nn.unfold(fimg, 3, dilation=(1, 2), padding=1, stride=2)
    c["fold"] = lambda: nn.fold(g["in_cols"], (6, 7), 3, dilation=(1, 2), padding=1, stride=2)
    c["fold_plain"] = lambda: nn.fold(nn.unfold(fimg, (2, 3)), (6, 7), (2, 3))
    lg, tgt, tlen, olen = g["in_ctc_logits"], g["in_ctc_target"], g["in_ctc_tlen"], g["in_ctc_olen"]
    c["ctc_loss"] = lambda: nn.ctc_loss(tgt, lg, tlen, olen)
    c["ctc_loss_blank4"] = lambda: nn.ctc_loss(np.minimum(tgt, 3), lg, tlen, olen, mask_index=4)
    c["ctc_decode"] = lambda: nn.ctc_decode(lg, olen)[0]
    c["ctc_decode_scores"] = lambda: nn.ctc_decode(lg, olen)[1]
    c["ctc_decode_nomerge"] = lambda: nn.ctc_decode(lg, olen, merge_repeated=False, mask_index=2)[0]
    c["ctc_decode_nomerge_scores"] = lambda: nn.ctc_decode(lg, olen, merge_repeated=False, mask_index=2)[1]
    return c


CASES = _cases()


def test_every_golden_has_a_case():
    # Keras 3.15's sparsemax takes tau from the sum of the cumulative sums over the support, not from the
    # cumulative sum at the support size (Martins & Astudillo, 2016): its rows need not sum to 1. We follow
    # the paper, checked in test_sparsemax_is_the_simplex_projection.
    skipped = {"sparsemax", "sparsemax0"}
    assert sorted(CASES) == sorted(k[4:] for k in G if k.startswith("out_") and k[4:] not in skipped)


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_keras(name):
    got = ops.convert_to_numpy(CASES[name]())
    want = G["out_" + name]
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


def _sparsemax_reference(z):
    # the Euclidean projection of each row onto the probability simplex, by the sorting algorithm
    out = np.empty_like(z)
    for i, row in enumerate(z):
        srt = np.sort(row)[::-1]
        css = np.cumsum(srt)
        k = np.arange(1, len(row) + 1)
        kz = k[1 + k * srt > css][-1]
        out[i] = np.maximum(row - (css[kz - 1] - 1) / kz, 0)
    return out


def test_sparsemax_is_the_simplex_projection():
    z = G["in_sm"]
    got = nn.sparsemax(z).numpy()
    np.testing.assert_allclose(got, _sparsemax_reference(z), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got.sum(-1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(
        nn.sparsemax(z, axis=0).numpy(), _sparsemax_reference(z.T).T, rtol=1e-6, atol=1e-6
    )
    # rows whose support is one entry agree with Keras
    one = (G["out_sparsemax"] > 0).sum(-1) == 1
    np.testing.assert_allclose(got[one], G["out_sparsemax"][one])


def test_fold_is_the_adjoint_of_unfold():
    x = R.standard_normal((1, 2, 5, 6)).astype("float32")
    y = R.standard_normal(tuple(nn.unfold(x, (2, 3), 1, 1, (2, 1)).shape)).astype("float32")
    lhs = float(np.sum(nn.unfold(x, (2, 3), 1, 1, (2, 1)).numpy() * y))
    rhs = float(np.sum(x * nn.fold(y, (5, 6), (2, 3), 1, 1, (2, 1)).numpy()))
    assert abs(lhs - rhs) < 1e-4 * max(1.0, abs(lhs))


def test_ctc_loss_by_enumeration():
    # brute force: sum the probabilities of all length-3 paths over 3 classes that collapse to [1, 2]
    import itertools

    lg = R.standard_normal((1, 3, 3))
    p = np.exp(lg[0]) / np.exp(lg[0]).sum(-1, keepdims=True)
    total = 0.0
    for path in itertools.product(range(3), repeat=3):
        collapsed = [c for i, c in enumerate(path) if c != 0 and (i == 0 or c != path[i - 1])]
        if collapsed == [1, 2]:
            total += np.prod([p[t, c] for t, c in enumerate(path)])
    got = nn.ctc_loss([[1, 2]], lg, [2], [3]).numpy()
    np.testing.assert_allclose(got, [-np.log(total)], rtol=1e-10)


def test_channels_first_matches_channels_last():
    x, k = G["in_x2"], G["in_k2"]
    got = nn.conv(np.transpose(x, (0, 3, 1, 2)), k, (2, 1), padding="same", data_format="channels_first")
    np.testing.assert_allclose(
        np.transpose(got.numpy(), (0, 2, 3, 1)), G["out_conv2_same"], rtol=2e-5, atol=2e-5
    )
    got = nn.average_pool(np.transpose(x, (0, 3, 1, 2)), (2, 3), padding="same", data_format="channels_first")
    np.testing.assert_allclose(np.transpose(got.numpy(), (0, 2, 3, 1)), G["out_avgpool2_same"], rtol=1e-6)


def test_available_at_ops_level():
    for name in (
        "conv",
        "conv_transpose",
        "depthwise_conv",
        "separable_conv",
        "max_pool",
        "average_pool",
        "batch_normalization",
        "layer_normalization",
        "rms_normalization",
        "dot_product_attention",
        "depth_to_space",
        "space_to_depth",
        "sparsemax",
        "psnr",
        "hard_tanh",
        "adaptive_max_pool",
    ):
        assert getattr(ops, name) is getattr(nn, name)


R = np.random.default_rng(5)


@pytest.mark.parametrize(
    "f, shapes",
    [
        (lambda x, w: nn.conv(x, w, strides=2, padding="same"), [(2, 5, 6, 2), (3, 3, 2, 3)]),
        (lambda x, w: nn.depthwise_conv(x, w, padding="same"), [(1, 7, 2), (3, 2, 2)]),
        (lambda x, w, p: nn.separable_conv(x, w, p), [(1, 5, 5, 2), (2, 2, 2, 2), (1, 1, 4, 3)]),
        (
            lambda x, w: nn.conv_transpose(x, w, strides=2, padding="same", output_padding=1),
            [(1, 3, 4, 2), (3, 3, 3, 2)],
        ),
        (lambda x: nn.average_pool(x, 2, padding="same"), [(1, 5, 5, 2)]),
        (lambda x: nn.adaptive_average_pool(x, (2, 3)), [(1, 5, 7, 2)]),
        (
            lambda x, m, v, g, b: nn.batch_normalization(x, m, v * v + 1.0, 1, b, g),
            [(3, 4, 2), (4,), (4,), (4,), (4,)],
        ),
        (lambda x, g, b: nn.layer_normalization(x, g, b, axis=(1, 2)), [(2, 3, 4), (3, 4), (3, 4)]),
        (lambda x, g: nn.rms_normalization(x, g), [(2, 5), (5,)]),
        (
            lambda q, k, v, b: nn.dot_product_attention(q, k, v, bias=b, is_causal=True),
            [(1, 3, 2, 4), (1, 3, 2, 4), (1, 3, 2, 2), (1, 2, 3, 3)],
        ),
        (lambda x: nn.depth_to_space(x, 2), [(1, 2, 3, 8)]),
        (lambda x: nn.space_to_depth(x, 2, "channels_first"), [(1, 2, 4, 6)]),
        (lambda x: nn.squareplus(x) + nn.tanh_shrink(x) + nn.soft_shrink(x, 0.1), [(3, 4)]),
        (lambda x: nn.sparsemax(x * 0.5), [(3, 4)]),
        (lambda x: nn.psnr(x, x * 0.5 + 0.1, 2.0), [(3, 4)]),
        (lambda x: nn.unfold(x, 2, dilation=(2, 1), padding=1, stride=(1, 2)), [(1, 2, 4, 5)]),
        (lambda c: nn.fold(c, (4, 5), 2, padding=(1, 0), stride=2), [(1, 8, 6)]),
        (lambda lg: nn.ctc_loss([[1, 2, 2], [2, 0, 0]], lg, [3, 1], [6, 4]), [(2, 6, 3)]),
    ],
)
def test_gradients(f, shapes):
    check_gradients(f, [R.standard_normal(s) for s in shapes])


def test_gradients_max_pool_and_piecewise():
    # distinct values away from the kinks so the finite differences see a smooth function
    x = R.permutation(60).reshape(1, 5, 6, 2) * 0.1 + 0.013
    check_gradients(lambda x: nn.max_pool(x, 2, padding="same"), [x])
    check_gradients(lambda x: nn.adaptive_max_pool(x, (2, 2)), [x])
    a = np.array([-2.3, -0.71, -0.2, 0.3, 0.61, 1.7])
    check_gradients(
        lambda a: nn.hard_tanh(a) + nn.hard_shrink(a) + nn.sparse_plus(a) + nn.sparse_sigmoid(a), [a]
    )


def test_inside_tf_function():
    x, w = G["in_x2"], G["in_k2"]

    @tf.function
    def f(x):
        return nn.layer_normalization(
            nn.max_pool(nn.conv(x, w, strides=(2, 1), padding="same"), 3, 2, "same")
        )

    ref = ops.convert_to_numpy(nn.layer_normalization(nn.max_pool(G["out_conv2_same"], 3, 2, "same")))
    np.testing.assert_allclose(f(tf.constant(x)).numpy(), ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(f(tf.constant(x)).numpy(), ref, rtol=1e-5, atol=1e-5)


def test_ctc_inside_tf_function():
    lg, olen = G["in_ctc_logits"], G["in_ctc_olen"]
    decode = tf.function(lambda x: nn.ctc_decode(x, olen, merge_repeated=False, mask_index=2))
    dec, scores = decode(tf.constant(lg))
    np.testing.assert_array_equal(dec.numpy(), G["out_ctc_decode_nomerge"])
    np.testing.assert_allclose(scores.numpy(), G["out_ctc_decode_nomerge_scores"], rtol=1e-6)
    loss = tf.function(lambda x: nn.ctc_loss(G["in_ctc_target"], x, G["in_ctc_tlen"], olen))
    np.testing.assert_allclose(loss(tf.constant(lg)).numpy(), G["out_ctc_loss"], rtol=2e-5)


def test_symbolic_in_functional_model():
    inp = keras.Input((7, 6, 3))
    y = nn.conv(inp, G["in_k2"], padding="same")
    y = nn.depth_to_space(nn.space_to_depth(y[:, :6, :6], 2), 2)
    model = keras.Model(inp, nn.rms_normalization(y))
    out = model(G["in_x2"]).numpy()
    want = nn.rms_normalization(nn.conv(G["in_x2"], G["in_k2"], padding="same")[:, :6, :6]).numpy()
    np.testing.assert_allclose(out, want, rtol=1e-6)


def test_errors_name_the_op_and_argument():
    with pytest.raises(ValueError, match="conv: padding"):
        nn.conv(G["in_x2"], G["in_k2"], padding="full")
    with pytest.raises(ValueError, match="data_format"):
        nn.max_pool(G["in_x2"], 2, data_format="NHWC")
    with pytest.raises(ValueError, match="depth_to_space.*block_size"):
        nn.depth_to_space(np.zeros((1, 2, 2, 3), "float32"), 2)
    with pytest.raises(ValueError, match="attn_logits_soft_cap"):
        nn.dot_product_attention(G["in_q"], G["in_k"], G["in_v"], attn_logits_soft_cap=2.0)
