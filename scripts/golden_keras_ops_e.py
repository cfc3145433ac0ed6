"""Golden values for the keras.ops functions added by helper E (nn, linalg, core/math, image).

Run once with the side environment that has Keras 3 (TensorFlow backend):

    CUDA_VISIBLE_DEVICES="" TF_CPP_MIN_LOG_LEVEL=3 KERAS_BACKEND=tensorflow \
        /tmp/peers/bin/python scripts/golden_keras_ops_e.py

It writes tests/fixtures/keras_ops/e_{nn,linalg,core,image}.npz; each holds the inputs (``in_*``)
and Keras' outputs (``out_*``) so that the tests need neither Keras nor TensorFlow.
"""

import os

import keras
import numpy as np
from keras import ops

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "keras_ops")


def _rng(seed):
    return np.random.default_rng(seed)


def nn_cases():
    r = _rng(0)
    d = {}
    x1 = r.standard_normal((2, 9, 3)).astype("float32")
    x2 = r.standard_normal((2, 7, 6, 3)).astype("float32")
    x3 = r.standard_normal((1, 5, 4, 6, 2)).astype("float32")
    d["in_x1"], d["in_x2"], d["in_x3"] = x1, x2, x3
    d["in_k1"] = k1 = r.standard_normal((3, 3, 4)).astype("float32")
    d["in_k2"] = k2 = r.standard_normal((3, 2, 3, 4)).astype("float32")
    d["in_k3"] = k3 = r.standard_normal((2, 3, 2, 2, 3)).astype("float32")
    d["in_dw1"] = dw1 = r.standard_normal((3, 3, 2)).astype("float32")
    d["in_dw2"] = dw2 = r.standard_normal((3, 3, 3, 2)).astype("float32")
    d["in_pw1"] = pw1 = r.standard_normal((1, 6, 5)).astype("float32")
    d["in_pw2"] = pw2 = r.standard_normal((1, 1, 6, 5)).astype("float32")
    d["in_kt2"] = kt2 = r.standard_normal((3, 3, 5, 3)).astype("float32")
    d["in_kt1"] = kt1 = r.standard_normal((4, 2, 3)).astype("float32")
    for pad in ("valid", "same"):
        d[f"out_conv1_{pad}"] = ops.conv(x1, k1, strides=2, padding=pad)
        d[f"out_conv2_{pad}"] = ops.conv(x2, k2, strides=(2, 1), padding=pad, dilation_rate=1)
        d[f"out_conv2_dil_{pad}"] = ops.conv(x2, k2, padding=pad, dilation_rate=(2, 1))
        d[f"out_conv3_{pad}"] = ops.conv(x3, k3, padding=pad)
        d[f"out_dw1_{pad}"] = ops.depthwise_conv(x1, dw1, strides=1, padding=pad)
        d[f"out_dw2_{pad}"] = ops.depthwise_conv(x2, dw2, strides=2, padding=pad)
        d[f"out_sep1_{pad}"] = ops.separable_conv(x1, dw1, pw1, padding=pad)
        d[f"out_sep2_{pad}"] = ops.separable_conv(x2, dw2, pw2, padding=pad)
        d[f"out_convt2_{pad}"] = ops.conv_transpose(x2, kt2, strides=2, padding=pad)
        d[f"out_convt2_op_{pad}"] = ops.conv_transpose(x2, kt2, strides=2, padding=pad, output_padding=1)
        d[f"out_convt1_{pad}"] = ops.conv_transpose(x1, kt1, strides=3, padding=pad)
        d[f"out_maxpool2_{pad}"] = ops.max_pool(x2, 3, strides=2, padding=pad)
        d[f"out_avgpool2_{pad}"] = ops.average_pool(x2, (2, 3), padding=pad)
        d[f"out_maxpool1_{pad}"] = ops.max_pool(x1, 2, padding=pad)
        d[f"out_avgpool1_{pad}"] = ops.average_pool(x1, 4, strides=1, padding=pad)
    d["out_adavg2"] = ops.adaptive_average_pool(ops.convert_to_tensor(x2), (3, 4))
    d["out_admax2"] = ops.adaptive_max_pool(ops.convert_to_tensor(x2), (4, 4))
    d["out_adavg1"] = ops.adaptive_average_pool(ops.convert_to_tensor(x1), 4)
    d["in_mean"] = mean = r.standard_normal(3).astype("float32")
    d["in_var"] = var = r.uniform(0.5, 2.0, 3).astype("float32")
    d["in_gamma"] = gamma = r.standard_normal(3).astype("float32")
    d["in_beta"] = beta = r.standard_normal(3).astype("float32")
    d["out_bn"] = ops.batch_normalization(x2, mean, var, axis=-1, offset=beta, scale=gamma)
    d["out_bn_noaffine"] = ops.batch_normalization(x2, mean, var, axis=-1, epsilon=0.01)
    d["out_ln"] = ops.layer_normalization(x2, gamma, beta)
    d["out_ln_axes"] = ops.layer_normalization(x2, axis=(1, 2))
    d["out_rms"] = ops.rms_normalization(x2, gamma)
    d["out_rms_noscale"] = ops.rms_normalization(x2, epsilon=0.1)
    d["in_q"] = q = r.standard_normal((2, 4, 2, 3)).astype("float32")
    d["in_k"] = k = r.standard_normal((2, 5, 2, 3)).astype("float32")
    d["in_v"] = v = r.standard_normal((2, 5, 2, 4)).astype("float32")
    d["in_bias"] = bias = r.standard_normal((2, 2, 4, 5)).astype("float32")
    d["in_mask"] = mask = r.uniform(size=(2, 1, 4, 5)) > 0.3
    d["out_dpa"] = ops.dot_product_attention(q, k, v)
    d["out_dpa_bias_mask"] = ops.dot_product_attention(q, k, v, bias=bias, mask=mask, scale=0.7)
    qq = r.standard_normal((2, 5, 2, 3)).astype("float32")
    d["in_qq"] = qq
    d["out_dpa_causal"] = ops.dot_product_attention(qq, k, v, is_causal=True)
    d["in_d2s"] = d2s = r.standard_normal((2, 3, 2, 8)).astype("float32")
    d["out_d2s"] = ops.depth_to_space(d2s, 2)
    d["out_d2s_cf"] = ops.depth_to_space(np.transpose(d2s, (0, 3, 1, 2)), 2, data_format="channels_first")
    d["out_s2d"] = ops.space_to_depth(x2[:, :6, :6], 3)
    d["out_s2d_cf"] = ops.space_to_depth(np.transpose(x2[:, :6, :6], (0, 3, 1, 2)), 2, "channels_first")
    d["in_act"] = a = np.linspace(-2.5, 2.5, 23).astype("float32")
    d["out_hard_tanh"] = ops.hard_tanh(a)
    d["out_hard_shrink"] = ops.hard_shrink(a, 0.7)
    d["out_soft_shrink"] = ops.soft_shrink(a)
    d["out_tanh_shrink"] = ops.tanh_shrink(a)
    d["out_threshold"] = ops.threshold(a, 0.3, -4.0)
    d["out_sparse_plus"] = ops.sparse_plus(a)
    d["out_sparse_sigmoid"] = ops.sparse_sigmoid(a)
    d["out_squareplus"] = ops.squareplus(a, 2)
    d["in_sm"] = sm = r.standard_normal((4, 6)).astype("float32") * 2
    d["out_sparsemax"] = ops.sparsemax(sm)
    d["out_sparsemax0"] = ops.sparsemax(sm, axis=0)
    d["out_psnr"] = ops.psnr(x2, x2 * 0.9, 3.0)
    d["in_fold_img"] = fimg = r.standard_normal((2, 3, 6, 7)).astype("float32")
    d["out_unfold"] = ops.unfold(fimg, (2, 3))
    d["out_unfold_args"] = ops.unfold(fimg, 3, dilation=(1, 2), padding=1, stride=2)
    d["in_cols"] = cols = r.standard_normal((2, 3 * 9, 9)).astype("float32")
    d["out_fold"] = ops.fold(cols, (6, 7), 3, dilation=(1, 2), padding=1, stride=2)
    d["out_fold_plain"] = ops.fold(ops.unfold(fimg, (2, 3)), (6, 7), (2, 3))
    d["in_ctc_logits"] = lg = r.standard_normal((3, 8, 5)).astype("float32")
    d["in_ctc_target"] = tgt = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [4, 4, 4, 1]], "int32")
    d["in_ctc_tlen"] = tlen = np.array([3, 2, 4], "int32")
    d["in_ctc_olen"] = olen = np.array([8, 6, 8], "int32")
    d["out_ctc_loss"] = ops.ctc_loss(tgt, lg, tlen, olen)
    d["out_ctc_loss_blank4"] = ops.ctc_loss(np.minimum(tgt, 3), lg, tlen, olen, mask_index=4)
    dec, sc = ops.ctc_decode(lg, olen)
    d["out_ctc_decode"], d["out_ctc_decode_scores"] = dec, sc
    dec, sc = ops.ctc_decode(lg, olen, merge_repeated=False, mask_index=2)
    d["out_ctc_decode_nomerge"], d["out_ctc_decode_nomerge_scores"] = dec, sc
    return d


def linalg_cases():
    r = _rng(1)
    d = {}
    m = r.standard_normal((3, 4, 4)).astype("float32")
    spd = (m @ np.swapaxes(m, -1, -2) + 4 * np.eye(4)).astype("float32")
    b = r.standard_normal((3, 4, 2)).astype("float32")
    tall = r.standard_normal((5, 3)).astype("float32")
    d["in_m"], d["in_spd"], d["in_b"], d["in_tall"] = m, spd, b, tall
    d["out_det"] = ops.linalg.det(m)
    d["out_inv"] = ops.linalg.inv(m)
    d["out_solve"] = ops.linalg.solve(m, b)
    d["out_solve_tri_lower"] = ops.linalg.solve_triangular(m, b, lower=True)
    d["out_solve_tri_upper"] = ops.linalg.solve_triangular(m, b)
    d["out_chol"] = ops.linalg.cholesky(spd)
    d["out_chol_upper"] = ops.linalg.cholesky(spd, upper=True)
    lf = np.linalg.cholesky(spd).astype("float32")
    d["in_lf"] = lf
    d["out_chol_inv"] = ops.linalg.cholesky_inverse(lf)
    d["out_chol_inv_upper"] = ops.linalg.cholesky_inverse(np.swapaxes(lf, -1, -2), upper=True)
    d["out_svd_s"] = ops.linalg.svd(tall, compute_uv=False)
    d["out_pinv"] = ops.linalg.pinv(tall)
    d["in_rhs"] = rhs = r.standard_normal((5, 2)).astype("float32")
    d["out_lstsq"] = ops.linalg.lstsq(tall, rhs)
    low = np.ones((4, 4), "float32")
    low[0] = 2
    d["in_low"] = low
    d["out_rank"] = ops.linalg.matrix_rank(low)
    d["out_rank_full"] = ops.linalg.matrix_rank(m)
    d["out_norm_fro"] = ops.linalg.norm(m, axis=(-2, -1))
    d["out_norm_vec"] = ops.linalg.norm(m, ord=3, axis=-1)
    d["out_logdet"] = ops.logdet(spd)
    return d


def core_cases():
    r = _rng(2)
    d = {}
    d["in_x"] = x = r.standard_normal((5, 4)).astype("float32")
    d["in_idx"] = idx = np.array([[1], [3], [1]], "int32")
    d["in_upd"] = upd = r.standard_normal((3, 4)).astype("float32")
    d["out_scatter"] = ops.scatter(idx, upd, (5, 4))
    idx2 = np.array([[0, 1], [4, 3]], "int32")
    d["in_idx2"] = idx2
    d["out_scatter_update"] = ops.scatter_update(x, idx2, np.array([7.0, 8.0], "float32"))
    d["out_scatter_update_add"] = ops.scatter_update(
        x, idx2, np.array([7.0, 8.0], "float32"), reduction="add"
    )
    d["out_slice"] = ops.slice(x, (1, 2), (3, 2))
    d["out_slice_update"] = ops.slice_update(x, (2, 1), upd[:2, :2])
    d["in_ids"] = ids = np.array([0, 0, 2, 2, 3], "int32")
    d["out_segment_max"] = ops.segment_max(x, ids, num_segments=5)
    d["out_segment_min"] = ops.segment_min(x, ids, num_segments=5)
    d["out_segment_prod"] = ops.segment_prod(x, ids, num_segments=5)
    d["out_segment_max_sorted"] = ops.segment_max(x, ids, sorted=True)
    d["in_e"] = e = np.linspace(-0.999, 0.999, 41).astype("float32")
    d["out_erfinv"] = ops.erfinv(e)
    d["out_erfc"] = ops.erfc(x)
    d["in_big"] = big = np.array([-3e9, -200.0, -1.5, 0.4, 255.7, 300.0, 3e9], "float32")
    d["out_sat_uint8"] = ops.saturate_cast(big, "uint8")
    d["out_sat_int32"] = ops.saturate_cast(big, "int32")
    d["out_sat_int8"] = ops.saturate_cast(big, "int8")
    y = r.standard_normal((3, 4)).astype("float32")
    d["in_y"] = y
    d["out_cdist"] = ops.cdist(x, y)
    d["in_seq"] = seq = r.standard_normal((2, 11)).astype("float32")
    d["out_extract_sequences"] = ops.extract_sequences(seq, 4, 3)
    d["out_unstack1"] = np.stack(ops.unstack(x, axis=1))
    d["out_assoc_scan"] = ops.associative_scan(lambda a, b: a * b, x[:, :2])
    # a linear recurrence h_t = a_t h_{t-1} + b_t as a scan of affine maps (an associative composition)
    lin = ops.associative_scan(lambda p, q: (p[0] * q[0], q[0] * p[1] + q[1]), (x[:, 0], x[:, 1]))
    d["out_assoc_scan_pair"] = lin[1]
    d["out_assoc_scan_rev"] = ops.associative_scan(lambda a, b: ops.maximum(a, b), x, reverse=True, axis=1)
    d["in_r"] = rr = r.standard_normal((2, 6, 4)).astype("float32")
    d["out_rearrange"] = ops.rearrange(rr, "b (h w) c -> (b c) w h", h=2)
    d["out_rearrange_t"] = ops.rearrange(rr, "b n c -> c b n")
    d["in_fr"] = fr = r.standard_normal((3, 8)).astype("float32")
    d["in_fi"] = fi = r.standard_normal((3, 8)).astype("float32")
    d["out_fft_re"], d["out_fft_im"] = ops.fft((fr, fi))
    d["out_fft2_re"], d["out_fft2_im"] = ops.fft2((fr, fi))
    d["out_ifft2_re"], d["out_ifft2_im"] = ops.ifft2((fr, fi))
    d["out_rfft_re"], d["out_rfft_im"] = ops.rfft(fr)
    d["out_rfft10_re"], d["out_rfft10_im"] = ops.rfft(fr, 10)
    d["out_rfft5_re"], d["out_rfft5_im"] = ops.rfft(fr, 5)
    d["out_irfft"] = ops.irfft((fr[:, :5], fi[:, :5]))
    d["out_irfft7"] = ops.irfft((fr[:, :5], fi[:, :5]), 7)
    d["in_sig"] = sig = r.standard_normal((2, 40)).astype("float32")
    d["out_stft_re"], d["out_stft_im"] = ops.stft(sig, 8, 4, 8)
    d["out_stft_pad_re"], d["out_stft_pad_im"] = ops.stft(sig, 6, 3, 10, window="hamming", center=False)
    d["out_stft_nowin_re"], d["out_stft_nowin_im"] = ops.stft(sig, 8, 5, 8, window=None)
    spec = ops.stft(sig, 8, 4, 8)
    d["out_istft"] = ops.istft(spec, 8, 4, 8)
    d["out_istft_len"] = ops.istft(spec, 8, 4, 8, length=40)
    spec2 = ops.stft(sig, 6, 3, 10, window="hamming", center=False)
    d["out_istft_pad"] = ops.istft(spec2, 6, 3, 10, window="hamming", center=False)
    return d


def image_cases():
    r = _rng(3)
    d = {}
    d["in_img"] = img = r.uniform(0, 1, (2, 6, 5, 3)).astype("float32")
    d["out_resize_bilinear"] = ops.image.resize(img, (9, 4))
    d["out_resize_nearest"] = ops.image.resize(img, (3, 7), interpolation="nearest")
    d["out_resize_cf"] = ops.image.resize(
        np.transpose(img, (0, 3, 1, 2)), (4, 4), data_format="channels_first"
    )
    d["out_crop"] = ops.image.crop_images(
        img, top_cropping=1, left_cropping=2, target_height=3, target_width=2
    )
    d["out_crop_br"] = ops.image.crop_images(
        img[0], bottom_cropping=2, right_cropping=1, top_cropping=1, left_cropping=0
    )
    d["out_pad"] = ops.image.pad_images(img, top_padding=1, left_padding=2, target_height=9, target_width=8)
    d["out_pad_br"] = ops.image.pad_images(
        img, bottom_padding=2, right_padding=1, top_padding=0, left_padding=3
    )
    d["out_gray"] = ops.image.rgb_to_grayscale(img)
    d["out_gray_cf"] = ops.image.rgb_to_grayscale(
        np.transpose(img, (0, 3, 1, 2)), data_format="channels_first"
    )
    d["out_patches"] = ops.image.extract_patches(img, 2)
    d["out_patches_same"] = ops.image.extract_patches(img, (3, 2), strides=(2, 1), padding="same")
    hsv_in = img.copy()
    hsv_in[0, 0, 0] = [0.5, 0.5, 0.5]  # grey: zero range
    hsv_in[0, 0, 1] = [0.0, 0.0, 0.0]  # black: zero value
    d["in_hsv_img"] = hsv_in
    d["out_rgb_to_hsv"] = ops.image.rgb_to_hsv(hsv_in)
    d["out_hsv_to_rgb"] = ops.image.hsv_to_rgb(img)
    d["out_blur"] = ops.image.gaussian_blur(img)
    d["out_blur_rect"] = ops.image.gaussian_blur(img, kernel_size=(5, 3), sigma=(1.5, 0.7))
    tr = np.array(
        [[0.9, 0.2, 0.5, -0.1, 1.1, 0.3, 0.01, -0.02], [1.0, 0.0, -1.4, 0.0, 1.0, 2.2, 0.0, 0.0]], "float32"
    )
    d["in_transform"] = tr
    for mode in ("constant", "nearest", "wrap", "reflect"):
        d[f"out_affine_{mode}"] = ops.image.affine_transform(img, tr, fill_mode=mode, fill_value=0.25)
    d["out_affine_nearest_interp"] = ops.image.affine_transform(img, tr[1], interpolation="nearest")
    d["in_coords"] = coords = r.uniform(-1.0, 6.5, (2, 4, 3)).astype("float32")
    gray = img[0, :, :, 0]
    d["out_mapc_1_constant"] = ops.image.map_coordinates(gray, coords, 1, fill_value=-1.0)
    d["out_mapc_0_constant"] = ops.image.map_coordinates(gray, coords, 0)
    d["out_mapc_1_nearest"] = ops.image.map_coordinates(gray, coords, 1, fill_mode="nearest")
    d["in_start"] = start = np.array([[0, 0], [4, 0], [0, 5], [4, 5]], "float32")
    d["in_end"] = end = np.array([[0.5, 0.3], [3.6, 0.1], [0.2, 4.4], [3.9, 5.2]], "float32")
    d["out_perspective"] = ops.image.perspective_transform(img, start, end, fill_value=0.5)
    d["out_perspective_nearest"] = ops.image.perspective_transform(
        img, np.stack([start, end]), np.stack([end, start]), interpolation="nearest"
    )
    return d


def main():
    assert keras.backend.backend() == "tensorflow"
    os.makedirs(OUT, exist_ok=True)
    for name, fn in (
        ("nn", nn_cases),
        ("linalg", linalg_cases),
        ("core", core_cases),
        ("image", image_cases),
    ):
        arrays = {k: np.asarray(keras.ops.convert_to_numpy(v)) for k, v in fn().items()}
        np.savez_compressed(os.path.join(OUT, f"e_{name}.npz"), **arrays)
        print(name, len(arrays))


if __name__ == "__main__":
    main()
