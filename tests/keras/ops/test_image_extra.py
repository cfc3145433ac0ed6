"""keras.ops.image sobel_edges, ssim, extract_patches_3d, scale_and_translate, elastic_transform
against Keras 3.15 (TensorFlow backend) golden values (scripts/golden_image_extra.py) and finite
differences."""

import os

import numpy as np
import pytest

from tensorflux.keras.ops import image_extra as IE
from tensorflux.testing import check_gradients

G = np.load(os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "image_extra", "golden.npz"))


def test_sobel_edges_golden():
    np.testing.assert_allclose(IE.sobel_edges(G["sobel_in"]).numpy(), G["sobel_last"], rtol=1e-5, atol=1e-5)
    first = IE.sobel_edges(G["sobel_in"].transpose(0, 3, 1, 2), data_format="channels_first")
    np.testing.assert_allclose(first.numpy(), G["sobel_first"], rtol=1e-5, atol=1e-5)


def test_sobel_edges_gradient_and_errors():
    x = np.random.default_rng(0).random((1, 4, 5, 2))
    check_gradients(lambda t: IE.sobel_edges(t, data_format="channels_last"), [x])
    with pytest.raises(ValueError, match="sobel_edges"):
        IE.sobel_edges(np.zeros((4, 4, 1), np.float32))


def test_ssim_golden():
    a, b = G["ssim_a"], G["ssim_b"]
    np.testing.assert_allclose(IE.ssim(a, b).numpy(), G["ssim_default"], rtol=1e-5, atol=1e-6)
    custom = IE.ssim(a[0], b[0] * 2, max_val=2.0, filter_size=5, filter_sigma=0.8, k1=0.02, k2=0.05)
    assert custom.shape == ()
    np.testing.assert_allclose(custom.numpy(), G["ssim_custom"], rtol=1e-5, atol=1e-6)
    first = IE.ssim(a.transpose(0, 3, 1, 2), b.transpose(0, 3, 1, 2), data_format="channels_first")
    np.testing.assert_allclose(first.numpy(), G["ssim_first"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(IE.ssim(a, a).numpy(), [1.0, 1.0], rtol=1e-5)


def test_ssim_gradient_and_errors():
    rng = np.random.default_rng(1)
    a, b = rng.random((1, 6, 6, 2)), rng.random((1, 6, 6, 2))
    check_gradients(lambda x, y: IE.ssim(x, y, filter_size=3, data_format="channels_last"), [a, b])
    with pytest.raises(ValueError, match="same shape"):
        IE.ssim(np.zeros((1, 8, 8, 1)), np.zeros((1, 8, 9, 1)))
    with pytest.raises(ValueError, match="filter_size"):
        IE.ssim(np.zeros((1, 8, 8, 1)), np.zeros((1, 8, 8, 1)))


def test_extract_patches_3d_golden():
    v = G["p3_in"]
    np.testing.assert_allclose(IE.extract_patches_3d(v, (2, 3, 3)).numpy(), G["p3_default"], rtol=1e-6)
    same = IE.extract_patches_3d(v, 2, strides=(1, 2, 2), padding="same")
    np.testing.assert_allclose(same.numpy(), G["p3_same"], rtol=1e-6)
    first = IE.extract_patches_3d(v[0].transpose(3, 0, 1, 2), 2, data_format="channels_first")
    np.testing.assert_allclose(first.numpy(), G["p3_first"], rtol=1e-6)
    with pytest.raises(ValueError, match="extract_patches_3d"):
        IE.extract_patches_3d(np.zeros((2, 2, 2)), 1)


@pytest.mark.parametrize("method", ["linear", "cubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("antialias", [True, False])
def test_scale_and_translate_golden(method, antialias):
    out = IE.scale_and_translate(G["st_in"], (2, 9, 4, 3), [1.5, 0.6], [0.3, -0.5], (1, 2), method, antialias)
    np.testing.assert_allclose(out.numpy(), G[f"st_{method}_{int(antialias)}"], rtol=1e-5, atol=1e-6)


def test_scale_and_translate_gradient_int_and_errors():
    x = np.random.default_rng(2).random((5, 4))
    for method in ("linear", "cubic"):
        check_gradients(
            lambda t, m=method: IE.scale_and_translate(t, (7, 3), [1.4, 0.7], [0.2, -0.3], (0, 1), m), [x]
        )
    # integer images: the float result rounded and clipped to the input range (Keras' rule)
    xi = (x * 200).astype(np.int32)
    ref = IE.scale_and_translate(
        xi.astype(np.float32), (7, 3), [1.4, 0.7], [0.2, -0.3], (0, 1), "cubic"
    ).numpy()
    got = IE.scale_and_translate(xi, (7, 3), [1.4, 0.7], [0.2, -0.3], (0, 1), "cubic")
    assert got.dtype.name == "int32"
    np.testing.assert_array_equal(got.numpy(), np.clip(np.round(ref), xi.min(), xi.max()).astype(np.int32))
    with pytest.raises(ValueError, match="method"):
        IE.scale_and_translate(x, (7, 3), [1.0, 1.0], [0.0, 0.0], (0, 1), "area")


@pytest.mark.parametrize("mode", ["reflect", "constant", "nearest", "wrap"])
@pytest.mark.parametrize("interp", ["bilinear", "nearest"])
def test_elastic_warp_golden(mode, interp):
    # Keras' random draw was replaced by G["el_noise"] in the golden script; the warp itself is exact
    n = G["el_noise"]
    out = IE._elastic_warp(G["el_in"], n[0], n[1], 4.0, 1.0, interp, mode, 0.5, "channels_last")
    np.testing.assert_allclose(out.numpy(), G[f"el_{mode}_{interp}"], rtol=1e-5, atol=1e-5)


def test_elastic_warp_defaults_golden():
    n = G["el_noise"]
    out = IE._elastic_warp(G["el_in"], n[0], n[1], 20.0, 5.0, "bilinear", "reflect", 0.0, "channels_last")
    np.testing.assert_allclose(out.numpy(), G["el_default"], rtol=1e-4, atol=1e-4)


def test_elastic_transform_properties():
    x = G["el_in"]
    np.testing.assert_allclose(IE.elastic_transform(x, alpha=0.0, seed=3).numpy(), x, rtol=1e-6)
    a = IE.elastic_transform(x, seed=3).numpy()
    np.testing.assert_array_equal(a, IE.elastic_transform(x, seed=3).numpy())
    assert a.shape == x.shape and not np.allclose(a, x)
    # bilinear reflect resampling stays within the input range
    assert a.min() >= x.min() - 1e-6 and a.max() <= x.max() + 1e-6
    first = IE.elastic_transform(x.transpose(0, 3, 1, 2), seed=3, data_format="channels_first").numpy()
    np.testing.assert_allclose(first.transpose(0, 2, 3, 1), a, rtol=1e-6)
    single = IE.elastic_transform(x[0], alpha=0.0, seed=3)
    assert single.shape == x[0].shape
    with pytest.raises(ValueError, match="fill_mode"):
        IE.elastic_transform(x, fill_mode="mirror")


def test_elastic_warp_gradient():
    rng = np.random.default_rng(4)
    x, n = rng.random((1, 5, 4, 1)), rng.standard_normal((2, 1, 5, 4)) * 0.3
    check_gradients(
        lambda t: IE._elastic_warp(t, n[0], n[1], 1.0, 1.0, "bilinear", "reflect", 0.0, "channels_last"), [x]
    )


def test_re_exports():
    from tensorflux.keras.ops import image

    for name in IE.__all__:
        assert getattr(image, name) is getattr(IE, name)


@pytest.mark.parametrize(
    "first",
    ["tensorflux.keras.ops.nn", "tensorflux.keras.ops", "tensorflux.keras.ops.numpy_complex", "tensorflux"],
)
def test_nn_polar_is_numpy_complex_polar_in_any_import_order(first):
    # keras.ops.nn.polar is looked up lazily (numpy_complex imports nn); a fresh process checks each order
    import subprocess
    import sys

    code = (
        f"import importlib; importlib.import_module({first!r}); "
        "from tensorflux.keras.ops.nn import polar; "
        "from tensorflux.keras.ops import numpy_complex as nc, nn; "
        "assert polar is nc.polar and nn.polar is nc.polar; "
        "z = polar([2.0], [0.0]).numpy(); assert z.dtype.name == 'complex64' and z[0] == 2"
    )
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
