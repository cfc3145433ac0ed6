"""tf.image.resize: golden values from TensorFlow 2 (half-pixel centers) and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from _kernel_goldens import cases, check_golden

import tensorflux as tf
import tensorflux.image  # noqa: F401  (tf.image)
from tensorflux.image import resize
from tensorflux.testing import check_gradients

RESIZE = cases("resize.npz")


@pytest.mark.parametrize("case", list(RESIZE))
def test_resize_matches_golden(case):
    data = RESIZE[case]
    p = data["params"]
    check_golden(lambda x: resize(x, p["size"], method=p["method"]), data, ["x"], ["x"], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("method,size", [("bilinear", (5, 7)), ("bilinear", (2, 3)), ("nearest", (6, 5))])
def test_resize_finite_differences(method, size):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 2))
    check_gradients(lambda x: resize(x, size, method=method), [x])


def test_resize_single_image_and_dtypes():
    img = np.arange(12, dtype=np.uint8).reshape(2, 2, 3)
    near = resize(img, (4, 4), method="nearest")
    assert near.shape == (4, 4, 3) and near.dtype == tf.uint8
    np.testing.assert_array_equal(near.numpy()[::2, ::2], img)
    assert resize(img, (3, 3)).dtype == tf.float32
    # upsampling a constant image keeps it constant
    np.testing.assert_allclose(resize(np.full((1, 3, 3, 1), 2.0, np.float32), (7, 9)).numpy(), 2.0)


def test_resize_bad_input():
    with pytest.raises(ValueError, match=r"rank 3 or 4.*\(2, 2\)"):
        resize(np.ones((2, 2), np.float32), (4, 4))
    with pytest.raises(ValueError, match=r"method='bicubicx'"):
        resize(np.ones((1, 2, 2, 1), np.float32), (4, 4), method="bicubicx")
    with pytest.raises(ValueError, match=r"must be positive.*\[0, 4\]"):
        resize(np.ones((1, 2, 2, 1), np.float32), (0, 4))
